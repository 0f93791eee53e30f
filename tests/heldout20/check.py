#!/usr/bin/env python3
"""Checks for the h20 held-out set (stdlib only).

Run from anywhere:  python3 tests/heldout20/check.py
"""
import json, os, posixpath, re, subprocess, sys, unicodedata
try:
    import tomllib
except ImportError:  # Python < 3.11: front matter / hugo.toml checks become regex-only
    tomllib = None
from collections import Counter

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')

# body language of each page (declared, used for the cell counts)
PAGE_LANG = {
    'content/_index.md': 'ja', 'content/faq.md': 'ja', 'content/glossary.md': 'en',
    'content/visas/_index.md': 'ja', 'content/visas/residence-card.md': 'ja',
    'content/visas/visa-extension.md': 'en', 'content/visas/part-time-work.md': 'en',
    'content/arrival/airport-pickup.md': 'ja', 'content/arrival/first-week-checklist.md': 'en',
    'content/housing/dormitory.md': 'en', 'content/housing/private-housing.md': 'ja',
    'content/tuition/fee-waiver.md': 'ja', 'content/tuition/fee-waiver-2024.md': 'en',
    'content/tuition/scholarships.md': 'en',
    'content/health/health-insurance.md': 'ja', 'content/health/clinics-and-counseling.md': 'en',
    'content/japanese/japanese-classes.md': 'en', 'content/japanese/language-partners.md': 'ja',
    'content/exchange/partner-agreements.md': 'en', 'content/exchange/inbound-exchange.md': 'ja',
    'content/events/event-calendar.md': 'ja',
    'content/office/office-shifts.md': 'en', 'content/office/certificates.md': 'ja',
    'content/safety/emergency-contacts.md': 'en', 'content/safety/disaster-response.md': 'ja',
}
CELLS = [('ja', 'ja'), ('ja', 'en'), ('en', 'ja'), ('en', 'en')]
STYLES = {'numeric', 'how', 'factual', 'why', 'paraphrase'}

errors = []
def err(msg):
    errors.append(msg)

# ---------------------------------------------------------------- pages
def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')

pages = {}
for dp, dn, fn in os.walk(NOTES):
    for f in fn:
        if f.endswith('.md'):
            rel = os.path.relpath(os.path.join(dp, f), NOTES)
            pages[rel] = read_lines(rel)
if set(pages) != set(PAGE_LANG):
    err(f'PAGE_LANG mismatch: {sorted(set(pages) ^ set(PAGE_LANG))}')

def line_kinds(lines):
    """Return per-line kind: 'fm', 'fence', 'code', 'text'."""
    kinds = []
    in_fm = False
    in_code = False
    for i, ln in enumerate(lines):
        if i == 0 and ln.strip() in ('---', '+++'):
            fm_end = ln.strip()
            in_fm = True; kinds.append('fm'); continue
        if in_fm:
            kinds.append('fm')
            if ln.strip() == fm_end or (fm_end == '---' and ln.strip() == '...'):
                in_fm = False
            continue
        if re.match(r'^\s*(```|~~~)', ln):
            in_code = not in_code; kinds.append('fence'); continue
        kinds.append('code' if in_code else 'text')
    return kinds

def strip_inline(t):
    t = re.sub(r'<[^>]+>', '', t)
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'[`*_~]', '', t)
    return t.strip()

def markup_only(ln):
    s = ln.strip()
    if not s:
        return True
    if re.fullmatch(r'\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?', s):
        return True
    if re.fullmatch(r'</?(details|summary)>', s):
        return True
    if re.fullmatch(r'(\{\{[<%].*?[>%]\}\}\s*)+', s):   # a line that is only Hugo shortcode tags
        return True
    body = strip_inline(re.sub(r'^(>\s*)+', '', s))
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', body).strip()
    return body in ('', 'Note', 'Warning', 'TODO', '|')

# ---------------------------------------------------------------- front matter + hugo.toml
def front_matter(rel):
    lines = pages[rel]; kinds = line_kinds(lines)
    body = [l for l, k in zip(lines, kinds) if k == 'fm'][1:-1]
    return lines[0].strip(), '\n'.join(body)

for rel in pages:
    delim, fm = front_matter(rel)
    if delim not in ('---', '+++'):
        err(f'{rel}: no front matter'); continue
    if delim == '+++' and tomllib:
        try:
            title = tomllib.loads(fm).get('title')
        except Exception as e:
            err(f'{rel}: bad TOML front matter: {e}'); continue
    else:
        m = re.search(r'^title\s*[:=]\s*"?(.*?)"?\s*$', fm, re.M)
        title = m and m.group(1)
    if not title:
        err(f'{rel}: front matter has no title')

cfg_path = os.path.join(NOTES, 'hugo.toml')
if not os.path.exists(cfg_path):
    err('notes/hugo.toml missing')
elif tomllib:
    with open(cfg_path, 'rb') as f:
        cfg = tomllib.load(f)
    gp = cfg.get('markup', {}).get('goldmark', {}).get('parser', {})
    if gp.get('autoHeadingIDType') != 'github' or gp.get('autoHeadingID') is False:
        err('hugo.toml: goldmark autoHeadingIDType must be "github"')
    if cfg.get('uglyURLs'):
        err('hugo.toml: uglyURLs must be off (pretty URLs)')
    if not cfg.get('markup', {}).get('goldmark', {}).get('renderer', {}).get('unsafe'):
        err('hugo.toml: goldmark renderer unsafe must be true (<details> blocks)')
    if not cfg.get('baseURL', '').endswith('/'):
        err('hugo.toml: baseURL must end with /')

# ---------------------------------------------------------------- anchors (Hugo goldmark "github" rules)
def hugo_slug(text, squeeze=False):
    """Hugo's sanitizeAnchorName for autoHeadingIDType "github": trim; ' ' and '-' -> '-';
    letters (unicode.IsLetter), digits (unicode.IsDigit, i.e. Nd) and '_' kept and lowercased;
    everything else (punctuation, symbols, combining marks, U+3000) dropped; no squeezing."""
    t = strip_inline(text).strip()
    out = []
    for ch in t:
        cat = unicodedata.category(ch)
        if ch in '- ':
            out.append('-')
        elif ch == '_' or cat[0] == 'L' or cat == 'Nd':
            out.append(ch.lower())
    t = ''.join(out) or 'heading'
    if squeeze:
        t = re.sub(r'-{2,}', '-', t)
    return t

def anchors(rel, squeeze=False):
    lines = pages[rel]; kinds = line_kinds(lines)
    used = set(); out = []
    heads = []
    for ln, k in zip(lines, kinds):
        if k != 'text':
            continue
        m = re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', ln)
        if m:
            heads.append(m.group(2))
    custom = []
    for h in heads:   # {#id} attributes (markup.goldmark.parser.attribute.title) are registered as given
        c = re.search(r'\s*\{#([A-Za-z0-9_-]+)\}$', h)
        if c:
            custom.append(c.group(1)); used.add(c.group(1))
    for h in heads:
        c = re.search(r'\s*\{#([A-Za-z0-9_-]+)\}$', h)
        if c:
            out.append(c.group(1)); continue
        base = hugo_slug(h, squeeze); aid = base; i = 1
        while aid in used:
            aid = f'{base}-{i}'; i += 1
        used.add(aid); out.append(aid)
    return out

ANCH = {rel: set(anchors(rel)) for rel in pages}
ANCH_SQ = {rel: set(anchors(rel, squeeze=True)) for rel in pages}

# ---------------------------------------------------------------- pretty URLs
def page_url(rel):
    """content/_index.md -> /, content/a/_index.md -> /a/, content/a/b.md -> /a/b/"""
    p = rel[len('content/'):-len('.md')]
    if p == '_index':
        return '/'
    if p.endswith('/_index') or p.endswith('/index'):
        p = p.rsplit('/', 1)[0]
    return '/' + p + '/'

URL2PAGE = {}
for rel in pages:
    if not rel.startswith('content/'):
        err(f'{rel}: page outside content/')
        continue
    URL2PAGE[page_url(rel)] = rel

nlinks = nanch = 0
for rel, lines in pages.items():
    kinds = line_kinds(lines)
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k != 'text':
            continue
        ln2 = re.sub(r'`[^`]*`', '', ln)
        for target in re.findall(r'\]\(([^)\s]+)\)', ln2):
            if re.match(r'^[a-z]+:', target):
                continue
            nlinks += 1
            path, _, frag = target.partition('#')
            if path.startswith('/'):
                err(f'{rel}:{no}: root-relative link {target} (would drop the /wiki/ baseURL path)'); continue
            if path.endswith('.md') or '.md/' in path:
                err(f'{rel}:{no}: link to a .md file {target} (Hugo does not rewrite it)'); continue
            if path and not path.endswith('/'):
                err(f'{rel}:{no}: link {target} is not a pretty URL (must end with /)'); continue
            base = page_url(rel)
            url = base if not path else posixpath.normpath(posixpath.join(base, path)) + '/'
            url = url.replace('//', '/')
            if posixpath.normpath(posixpath.join(base, path or '.')).startswith('/..') or path.count('../') > base.count('/') - 1:
                err(f'{rel}:{no}: link {target} climbs above the site root'); continue
            dest = URL2PAGE.get(url)
            if dest is None:
                err(f'{rel}:{no}: broken link {target} (-> {url})'); continue
            if frag:
                nanch += 1
                if frag not in ANCH[dest]:
                    err(f'{rel}:{no}: anchor #{frag} not in {dest} (has {sorted(ANCH[dest])})')
                elif frag not in ANCH_SQ[dest]:
                    err(f'{rel}:{no}: anchor #{frag} depends on Hugo not squeezing "--" (ambiguous across renderers)')

# ---------------------------------------------------------------- question files
def load(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]

def check_gold(qid, src, gl):
    if src not in pages:
        err(f'{qid}: unknown source {src}'); return
    lines = pages[src]; kinds = line_kinds(lines)
    if not gl:
        err(f'{qid}: empty gold_lines')
    for n in gl:
        if not isinstance(n, int) or not 1 <= n <= len(lines):
            err(f'{qid}: gold line {n} out of range for {src}'); continue
        ln, k = lines[n - 1], kinds[n - 1]
        if k in ('fm', 'fence'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^#{1,6}\s', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')

ids = []
def check_row(name, i, q, prefix, fields):
    """The row's id is the next of its file and it has every field."""
    if q.get('id') != f'{prefix}-{i + 1:03d}':
        err(f'{name} line {i + 1}: id {q.get("id")} != {prefix}-{i + 1:03d}')
    ids.append(q.get('id'))
    for f in fields:
        if f not in q:
            err(f'{q.get("id")}: missing {f}')


ans = load('answerable.jsonl')
if len(ans) != 52:
    err(f'answerable: {len(ans)} != 52')
for i, q in enumerate(ans):
    check_row('answerable', i, q, 'h20', ('id', 'lang', 'style', 'question', 'source', 'gold_lines', 'answer'))
    if q.get('style') not in STYLES:
        err(f'{q["id"]}: bad style {q.get("style")}')
    cell = CELLS[min(i // 13, 3)]
    if (q['lang'], PAGE_LANG.get(q['source'])) != cell:
        err(f'{q["id"]}: cell {(q["lang"], PAGE_LANG.get(q["source"]))} != expected {cell}')
    check_gold(q['id'], q['source'], q['gold_lines'])

na = load('noanswer.jsonl')
if len(na) != 20:
    err(f'noanswer: {len(na)} != 20')
if Counter(q['lang'] for q in na) != Counter({'ja': 10, 'en': 10}):
    err('noanswer: need 10 ja + 10 en')
for i, q in enumerate(na):
    check_row('noanswer', i, q, 'h20n', ('id', 'lang', 'kind', 'question', 'gold_lines', 'why_absent'))
    if q['gold_lines'] != []:
        err(f'{q["id"]}: gold_lines must be []')
    m = re.fullmatch(r"grep -rniE '([^']+)' notes/ -> 0 hits", q['why_absent'])
    if not m:
        err(f'{q["id"]}: why_absent not in the form "grep -rniE \'PAT\' notes/ -> 0 hits"'); continue
    r = subprocess.run(['grep', '-rniE', m.group(1), 'notes/'], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 1 or r.stdout:
        err(f'{q["id"]}: grep {m.group(1)!r} found:\n{r.stdout[:500]}')

fu = load('followup.jsonl')
if len(fu) != 8:
    err(f'followup: {len(fu)} != 8')
for i, q in enumerate(fu):
    check_row('followup', i, q, 'h20f', ('id', 'lang', 'turns', 'source', 'gold_lines', 'answers'))
    if not (2 <= len(q['turns']) <= 3) or len(q['turns']) != len(q['gold_lines']) or len(q['turns']) != len(q['answers']):
        err(f'{q["id"]}: turns/gold_lines/answers length mismatch')
    srcs = q.get('turn_sources', [q['source']] * len(q['turns']))
    if srcs[-1] != q['source']:
        err(f'{q["id"]}: last turn_source must equal source')
    for t, (gl, src) in enumerate(zip(q['gold_lines'], srcs)):
        check_gold(f'{q["id"]} turn {t + 1}', src, gl)

dups = [k for k, v in Counter(ids).items() if v > 1]
if dups:
    err(f'duplicate ids: {dups}')

# ---------------------------------------------------------------- summary
nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in pages.values())
print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in PAGE_LANG.values())}, '
      f'en {sum(v == "en" for v in PAGE_LANG.values())}), lines: {nlines}')
print(f'links checked: {nlinks} (with anchors: {nanch})')
print(f'answerable: {len(ans)}  styles: {dict(Counter(q["style"] for q in ans))}')
print(f'noanswer: {len(na)}  kinds: {dict(Counter(q["kind"] for q in na))}')
print(f'followup: {len(fu)}  langs: {dict(Counter(q["lang"] for q in fu))}  turns: {dict(Counter(len(q["turns"]) for q in fu))}')
if errors:
    print(f'\nFAILED ({len(errors)} problems):')
    for e in errors:
        print(' -', e)
    sys.exit(1)
print('OK')
