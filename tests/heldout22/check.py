#!/usr/bin/env python3
"""Checks for the h22 held-out set (stdlib only).

Run from anywhere:  python3 tests/heldout22/check.py
Optional cross-check against a real VitePress build of notes/ (see README):
                    python3 tests/heldout22/check.py --html /tmp/somewhere/notes/.vitepress/dist
"""
import json, os, posixpath, re, subprocess, sys, unicodedata
import urllib.parse
from collections import Counter
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')      # VitePress site root = srcDir (config in notes/.vitepress/)

# body language of each page (declared, used for the cell counts)
PAGE_LANG = {
    'index.md': 'ja', 'faq.md': 'ja', 'glossary.md': 'en',
    'production/schedule.md': 'ja', 'production/rehearsal-rules.md': 'en',
    'stage/load-in.md': 'ja', 'stage/rigging-safety.md': 'en', 'stage/lighting.md': 'ja', 'stage/sound.md': 'en',
    'wardrobe/costumes.md': 'ja',
    'front-of-house/tickets.md': 'ja', 'front-of-house/cancellation.md': 'ja',
    'front-of-house/cancellation-2024.md': 'en', 'front-of-house/foh-manual.md': 'en',
    'operations/crew-calls.md': 'en', 'operations/expenses.md': 'ja',
    'safety/emergency.md': 'ja',
    'onboarding/new-crew.md': 'ja', 'onboarding/new-crew-en.md': 'en',
    'reports/post-show-report.md': 'ja',
}
OBSOLETE = {'front-of-house/cancellation-2024.md'}
CELLS = [('ja', 'ja'), ('ja', 'en'), ('en', 'ja'), ('en', 'en')]
STYLES = {'numeric', 'how', 'factual', 'why', 'paraphrase'}
BASE = '/wiki/'

errors = []
def err(msg):
    errors.append(msg)

# ---------------------------------------------------------------- pages
def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')

pages = {}
for dp, dn, fn in os.walk(NOTES):
    dn[:] = [d for d in dn if d not in ('.vitepress', 'node_modules', 'public')]
    for f in fn:
        if f.endswith('.md'):
            rel = os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/')
            pages[rel] = read_lines(rel)
if set(pages) != set(PAGE_LANG):
    err(f'PAGE_LANG mismatch: {sorted(set(pages) ^ set(PAGE_LANG))}')

def line_kinds(lines):
    """Return per-line kind: 'fm', 'fence', 'code', 'text'."""
    kinds = []
    in_fm = False
    fence = None
    for i, ln in enumerate(lines):
        if i == 0 and ln.strip() == '---':
            in_fm = True; kinds.append('fm'); continue
        if in_fm:
            kinds.append('fm')
            if ln.strip() == '---':
                in_fm = False
            continue
        m = re.match(r'^\s*(`{3,}|~{3,})', ln)
        if m and (fence is None or m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)):
            fence = m.group(1) if fence is None else None
            kinds.append('fence'); continue
        kinds.append('code' if fence else 'text')
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
    if s.startswith(':::'):          # VitePress container opener (`::: tip Title`, `::: details Q`) or closer
        return True
    if re.fullmatch(r'</?(details|summary|div)[^>]*>', s):
        return True
    body = strip_inline(re.sub(r'^(>\s*)+', '', s))
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', body).strip()
    return body in ('', 'TODO', '|', '[[toc]]')

# ---------------------------------------------------------------- front matter / H1 / config
def front_matter(rel):
    lines = pages[rel]; kinds = line_kinds(lines)
    if lines[0].strip() != '---':
        return None
    return '\n'.join([l for l, k in zip(lines, kinds) if k == 'fm'][1:-1])

def headings(rel):
    """(line_no, level, raw text) of ATX headings outside front matter and code (VitePress: markdown-it)."""
    lines = pages[rel]; kinds = line_kinds(lines)
    out = []
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k != 'text':
            continue
        m = re.match(r'^ {0,3}(#{1,6})\s+(.*?)(\s+#+)?\s*$', ln)
        if m:
            out.append((no, len(m.group(1)), m.group(2)))
    return out

for rel in pages:
    if pages[rel][0].strip() == '+++':
        err(f'{rel}: TOML front matter (VitePress reads YAML --- only)')
    fm = front_matter(rel)
    if fm is not None and re.search(r'^title\s*:', fm, re.M) and not re.search(r'^title\s*:\s*\S', fm, re.M):
        err(f'{rel}: empty title in front matter')
    hs = headings(rel)
    if not hs or hs[0][1] != 1 or sum(1 for h in hs if h[1] == 1) != 1:
        err(f'{rel}: needs exactly one "# H1" and it must be the first heading')
    if rel in OBSOLETE and '【旧版】' not in (hs[0][2] if hs else ''):
        err(f'{rel}: obsolete page without 【旧版】 in its H1')

cfg_path = os.path.join(NOTES, '.vitepress', 'config.mts')
if not os.path.exists(cfg_path):
    err('notes/.vitepress/config.mts missing')
    cfg = ''
else:
    with open(cfg_path, encoding='utf-8') as f:
        cfg = f.read()
    if not re.search(r"^\s*base:\s*'/wiki/'", cfg, re.M):
        err("config.mts: base must be '/wiki/'")
    if not re.search(r'^\s*cleanUrls:\s*true', cfg, re.M):
        err('config.mts: cleanUrls must be true')
    if re.search(r'^\s*(anchor|attrs)\s*:', cfg, re.M) or 'slugify' in re.sub(r'//.*', '', cfg):
        err('config.mts: the set assumes VitePress default anchor/attrs/slugify options')
    side = re.findall(r"link:\s*'([^']+)'", cfg)
    for link in side:
        rel = 'index.md' if link == '/' else link.lstrip('/') + '.md'
        if rel not in pages:
            err(f'config.mts: sidebar/nav link {link} is not a page')
    linked = {('index.md' if l == '/' else l.lstrip('/') + '.md') for l in side}
    for rel in pages:
        if rel in OBSOLETE and rel in linked:
            err(f'config.mts: obsolete page {rel} must not be in the sidebar')
        if rel not in OBSOLETE and rel not in linked:
            err(f'config.mts: page {rel} missing from nav/sidebar')

# ---------------------------------------------------------------- heading ids (VitePress 1.x default)
R_CONTROL = re.compile(r'[\u0000-\u001f]')
R_SPECIAL = re.compile(r'[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:"\'\u201c\u201d\u2018\u2019<>,.?/]+')
R_COMBINING = re.compile(r'[\u0300-\u036f]')

def vp_slugify(s):
    """VitePress `slugify` (@mdit-vue/shared): NFKD (full-width Ａ１（ → A1( ; ガ → カ + U+3099, and U+3099/309A
    are NOT removed: only U+0300-036F are), drop controls, runs of whitespace/ASCII punctuation -> '-', collapse '-',
    trim '-', prefix '_' if it starts with a digit, lowercase. Kept: 、。・「」〜 and other non-ASCII punctuation."""
    s = unicodedata.normalize('NFKD', s)
    s = R_COMBINING.sub('', s)
    s = R_CONTROL.sub('', s)
    s = R_SPECIAL.sub('-', s)
    s = re.sub(r'-{2,}', '-', s)
    s = re.sub(r'^-+|-+$', '', s)
    s = re.sub(r'^(\d)', r'_\1', s)
    return s.lower()

ATTR_ID = re.compile(r'\s*\{\s*#([^\s}]+)\s*\}\s*$')

def tokens_text(raw):
    """markdown-it-anchor getTokensText: concatenated `text` + `code_inline` contents (html_inline dropped,
    emphasis markers gone, link text kept)."""
    t = ATTR_ID.sub('', raw)
    t = re.sub(r'<[^>]+>', '', t)
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'`([^`]*)`', r'\1', t)
    t = re.sub(r'(\*\*|__|\*|~~)', '', t)
    return t.strip()

def anchors(rel):
    """ids in document order, like markdown-it-anchor: {#id} from markdown-it-attrs is kept (must be unique),
    otherwise slug, then slug-1, slug-2 ... while taken."""
    used = set(); out = []
    for no, lvl, raw in headings(rel):
        m = ATTR_ID.search(raw)
        if m:
            aid = m.group(1)
            if aid in used:
                err(f'{rel}:{no}: user-defined id {aid} is not unique (VitePress build would throw)')
        else:
            base = vp_slugify(tokens_text(raw)); aid = base; i = 1
            while aid in used:
                aid = f'{base}-{i}'; i += 1
        used.add(aid); out.append(aid)
    return out

ANCH_LIST = {rel: anchors(rel) for rel in pages}
ANCH = {rel: set(v) for rel, v in ANCH_LIST.items()}

# ---------------------------------------------------------------- URLs (base /wiki/, cleanUrls) + .md links
def page_url(rel):
    """index.md -> /wiki/, a/index.md -> /wiki/a/, a/b.md -> /wiki/a/b (cleanUrls: true)"""
    p = rel[:-len('.md')]
    if p == 'index':
        return BASE
    if p.endswith('/index'):
        return BASE + p[:-len('index')]
    return BASE + p

URLS = Counter(page_url(r) for r in pages)
for u, n in URLS.items():
    if n > 1:
        err(f'two pages map to URL {u}')

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
                err(f'{rel}:{no}: absolute link {target} (house style: relative .md links)'); continue
            if path and not path.endswith('.md'):
                err(f'{rel}:{no}: link {target} is not a relative link to a .md file'); continue
            dest = rel if not path else posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
            if dest.startswith('..'):
                err(f'{rel}:{no}: link {target} climbs out of the site root'); continue
            if dest not in pages:
                err(f'{rel}:{no}: broken link {target} (-> {dest})'); continue
            if frag:
                nanch += 1
                f2 = urllib.parse.unquote(frag)     # a browser matches the decoded fragment code point for code point
                if f2 not in ANCH[dest]:
                    hint = ''
                    if unicodedata.normalize('NFKD', f2) in ANCH[dest]:
                        hint = ' (the id is in NFKD form, e.g. ガ = カ + U+3099; write the fragment decomposed or %-encoded)'
                    err(f'{rel}:{no}: anchor #{frag} not in {dest}{hint} (has {sorted(ANCH[dest])})')

# ---------------------------------------------------------------- optional: compare with a real VitePress build
class IdParser(HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = []; self.hrefs = []; self.in_doc = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r'h[1-6]', tag) and 'id' in a:
            self.ids.append(a['id'])
        if tag == 'a' and a.get('href'):
            self.hrefs.append(a['href'])

if '--html' in sys.argv:
    dist = sys.argv[sys.argv.index('--html') + 1]
    nids = 0
    built = {}
    for rel in pages:
        f = os.path.join(dist, rel[:-3] + '.html')
        if not os.path.exists(f):
            err(f'--html: {f} not built'); continue
        p = IdParser(); p.feed(open(f, encoding='utf-8').read())
        built[rel] = p
        if p.ids != ANCH_LIST[rel]:
            err(f'--html: {rel}: built ids {p.ids} != check.py ids {ANCH_LIST[rel]}')
        nids += len(p.ids)
    # every in-page link with a fragment in the built HTML must hit an id of its target page
    nh = 0
    for rel, p in built.items():
        base_url = page_url(rel)
        for h in p.hrefs:
            if '#' not in h or h.startswith(('http:', 'https:', 'mailto:')) or h.startswith('#'):
                continue
            path, _, frag = h.partition('#')
            u = urllib.parse.urljoin('https://x' + base_url, path)[len('https://x'):]
            dest = [r for r in pages if page_url(r) == u]
            if not dest:
                continue
            nh += 1
            if urllib.parse.unquote(frag) not in ANCH[dest[0]]:
                err(f'--html: {rel}: href {h} does not match an id of {dest[0]}')
    print(f'--html: compared {nids} heading ids in {len(built)} built pages, {nh} built hrefs with #fragments')

# ---------------------------------------------------------------- question files
def load(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]

def check_gold(qid, src, gl):
    if src not in pages:
        err(f'{qid}: unknown source {src}'); return
    if src in OBSOLETE:
        err(f'{qid}: gold on the obsolete page {src}')
    lines = pages[src]; kinds = line_kinds(lines)
    if not gl:
        err(f'{qid}: empty gold_lines')
    for n in gl:
        if not isinstance(n, int) or not 1 <= n <= len(lines):
            err(f'{qid}: gold line {n} out of range for {src}'); continue
        ln, k = lines[n - 1], kinds[n - 1]
        if k in ('fm', 'fence'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^ {0,3}#{1,6}\s', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')

ids = []
def check_row(name, i, q, prefix, fields):
    if q.get('id') != f'{prefix}-{i + 1:03d}':
        err(f'{name} line {i + 1}: id {q.get("id")} != {prefix}-{i + 1:03d}')
    ids.append(q.get('id'))
    for f in fields:
        if f not in q:
            err(f'{q.get("id")}: missing {f}')
    if q.get('lang') not in ('ja', 'en'):
        err(f'{q.get("id")}: bad lang {q.get("lang")}')

ans = load('answerable.jsonl')
if len(ans) != 40:
    err(f'answerable: {len(ans)} != 40')
# cells in file order: ja->ja 12 (001-012), ja->en 8 (013-020), en->ja 11 (021-031), en->en 9 (032-040)
CELL_SIZES = [12, 8, 11, 9]
CELL_OF = [c for c, n in zip(CELLS, CELL_SIZES) for _ in range(n)]
for i, q in enumerate(ans):
    check_row('answerable', i, q, 'h22', ('id', 'lang', 'style', 'question', 'source', 'gold_lines', 'answer'))
    if q.get('style') not in STYLES:
        err(f'{q["id"]}: bad style {q.get("style")}')
    cell = CELL_OF[min(i, len(CELL_OF) - 1)]
    if (q['lang'], PAGE_LANG.get(q['source'])) != cell:
        err(f'{q["id"]}: cell {(q["lang"], PAGE_LANG.get(q["source"]))} != expected {cell}')
    has_kana = bool(re.search(r'[\u3040-\u30ff\u4e00-\u9fff]', q['question']))
    if has_kana != (q['lang'] == 'ja'):
        err(f'{q["id"]}: question text does not look {q["lang"]}')
    check_gold(q['id'], q['source'], q['gold_lines'])

na = load('noanswer.jsonl')
if len(na) != 15:
    err(f'noanswer: {len(na)} != 15')
if Counter(q['lang'] for q in na) != Counter({'ja': 8, 'en': 7}):
    err('noanswer: need 8 ja + 7 en')
for i, q in enumerate(na):
    check_row('noanswer', i, q, 'h22n', ('id', 'lang', 'kind', 'question', 'gold_lines', 'why_absent'))
    if q['kind'] not in ('near-miss', 'missing-detail', 'unknown-name', 'off-topic'):
        err(f'{q["id"]}: bad kind {q["kind"]}')
    if q['gold_lines'] != []:
        err(f'{q["id"]}: gold_lines must be []')
    m = re.fullmatch(r"grep -rniE '([^']+)' notes/ -> 0 hits", q['why_absent'])
    if not m:
        err(f'{q["id"]}: why_absent not in the form "grep -rniE \'PAT\' notes/ -> 0 hits"'); continue
    r = subprocess.run(['grep', '-rniE', m.group(1), 'notes/'], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 1 or r.stdout:
        err(f'{q["id"]}: grep {m.group(1)!r} found:\n{r.stdout[:500]}')

fu = load('followup.jsonl')
if len(fu) != 6:
    err(f'followup: {len(fu)} != 6')
if Counter(q['lang'] for q in fu) != Counter({'ja': 3, 'en': 3}):
    err('followup: need 3 ja + 3 en')
for i, q in enumerate(fu):
    check_row('followup', i, q, 'h22f', ('id', 'lang', 'turns', 'source', 'gold_lines', 'answers'))
    if len(q['turns']) != 3 or len(q['gold_lines']) != 3 or len(q['answers']) != 3:
        err(f'{q["id"]}: need three turns with gold_lines and answers')
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
      f'en {sum(v == "en" for v in PAGE_LANG.values())}), lines: {nlines}, headings: {sum(map(len, ANCH_LIST.values()))}')
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
