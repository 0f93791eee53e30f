#!/usr/bin/env python3
"""Checks for the h21 held-out set (stdlib only).

Run from anywhere:  python3 tests/heldout21/check.py
"""
import json, os, posixpath, re, subprocess, sys, unicodedata
from collections import Counter

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')

# body language of each page (declared, used for the cell counts)
PAGE_LANG = {
    'docs/index.md': 'ja', 'docs/faq.md': 'ja', 'docs/glossary.md': 'en',
    'docs/stations/station-list.md': 'ja', 'docs/stations/station-maintenance.md': 'en',
    'docs/rebalancing/rebalancing.md': 'ja', 'docs/rebalancing/truck-rules.md': 'en',
    'docs/batteries/battery-swap.md': 'ja', 'docs/batteries/battery-storage.md': 'en',
    'docs/maintenance/repair-flow.md': 'ja', 'docs/maintenance/parts-inventory.md': 'ja',
    'docs/support/call-center.md': 'ja', 'docs/support/refund-policy.md': 'ja',
    'docs/support/refund-policy-2024.md': 'en', 'docs/support/lost-and-found.md': 'ja',
    'docs/safety/accidents.md': 'en', 'docs/operations/shifts.md': 'en',
    'docs/operations/weather-suspension.md': 'ja',
    'docs/onboarding/new-staff.md': 'ja', 'docs/onboarding/new-staff-en.md': 'en',
    'docs/reports/monthly-report.md': 'ja',
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
    if re.fullmatch(r'</?(details|summary)(\s+markdown="?1"?)?>', s):
        return True
    if re.match(r'^(!!!|\?\?\?\+?)\s+\w', s):   # admonition / collapsible opener: `!!! note "Title"`
        return True
    body = strip_inline(re.sub(r'^(>\s*)+', '', s))
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', body).strip()
    return body in ('', 'Note', 'Warning', 'TODO', '|')

# ---------------------------------------------------------------- front matter / title + mkdocs.yml
def front_matter(rel):
    lines = pages[rel]; kinds = line_kinds(lines)
    if lines[0].strip() != '---':
        return None
    return '\n'.join([l for l, k in zip(lines, kinds) if k == 'fm'][1:-1])

def first_h1(rel):
    lines = pages[rel]; kinds = line_kinds(lines)
    for ln, k in zip(lines, kinds):
        if k == 'text' and re.match(r'^#\s+\S', ln):
            return ln[1:].strip()
    return None

for rel in pages:
    if pages[rel][0].strip() == '+++':
        err(f'{rel}: TOML front matter is not MkDocs meta-data (use YAML ---)')
    fm = front_matter(rel)
    title = None
    if fm is not None:
        m = re.search(r'^title\s*:\s*"?(.*?)"?\s*$', fm, re.M)
        title = m and m.group(1)
        if not title:
            err(f'{rel}: YAML front matter without a title')
    if not first_h1(rel):
        err(f'{rel}: no "# H1" (MkDocs page title / nav label fallback)')

cfg_path = os.path.join(NOTES, 'mkdocs.yml')
if not os.path.exists(cfg_path):
    err('notes/mkdocs.yml missing')
else:
    with open(cfg_path, encoding='utf-8') as f:
        cfg = f.read()
    if not re.search(r'^\s+slugify:\s*!!python/name:markdown\.extensions\.toc\.slugify_unicode\s*$', cfg, re.M):
        err('mkdocs.yml: toc slugify must be markdown.extensions.toc.slugify_unicode')
    if re.search(r'^use_directory_urls:\s*false', cfg, re.M):
        err('mkdocs.yml: use_directory_urls must be true (default)')
    for ext in ('admonition', 'attr_list', 'md_in_html', 'pymdownx.details', 'toc'):
        if not re.search(r'^\s+-\s+' + re.escape(ext) + r'\s*:?\s*$', cfg, re.M):
            err(f'mkdocs.yml: markdown extension {ext} missing')
    if not re.search(r'^docs_dir:\s*docs\s*$', cfg, re.M):
        err('mkdocs.yml: docs_dir must be docs')
    for ref in re.findall(r':\s+([\w./-]+\.md)\s*$', cfg, re.M):   # nav entries
        if 'docs/' + ref not in pages:
            err(f'mkdocs.yml: nav entry {ref} is not a page')

# ---------------------------------------------------------------- anchors (Python-Markdown toc, slugify_unicode)
def toc_slug(text):
    """markdown.extensions.toc.slugify_unicode(value, '-'): no NFKC/NFKD, drop [^\w\s-] (Unicode \w: letters,
    digits incl. full-width, '_'), strip, lower(), then runs of '-' / whitespace (incl. U+3000) -> one '-'."""
    t = re.sub(r'<[^>]+>', '', text)
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'[`*]', '', t).strip()
    t = re.sub(r'[^\w\s-]', '', t).strip().lower()
    return re.sub(r'[-\s]+', '-', t)

def anchors(rel):
    """ids in document order, de-duplicated like toc.unique(): '_1', '_2' ... (also for an empty slug)."""
    lines = pages[rel]; kinds = line_kinds(lines)
    heads = []
    for ln, k in zip(lines, kinds):
        if k != 'text':
            continue
        m = re.match(r'^(#{1,6})\s+(.*?)\s*#*\s*$', ln)
        if m:
            heads.append(m.group(2))
    used = set(); out = []
    for h in heads:   # attr_list {#id} ids are assigned by attr_list before toc runs
        c = re.search(r'\s*\{:?\s*#([A-Za-z0-9_-]+)\s*\}$', h)
        if c:
            used.add(c.group(1))
    for h in heads:
        c = re.search(r'\s*\{:?\s*#([A-Za-z0-9_-]+)\s*\}$', h)
        if c:
            out.append(c.group(1)); continue
        aid = toc_slug(h)
        if aid in used or not aid:
            m = re.match(r'^(.*)_([0-9]+)$', aid)
            base, n = (m.group(1), int(m.group(2))) if m else (aid, 0)
            n += 1
            while f'{base}_{n}' in used:
                n += 1
            aid = f'{base}_{n}'
        used.add(aid); out.append(aid)
    return out

ANCH = {rel: set(anchors(rel)) for rel in pages}

# ---------------------------------------------------------------- directory URLs + .md links
def page_url(rel):
    """docs/index.md -> /, docs/a/index.md -> /a/, docs/a/b.md -> /a/b/ (use_directory_urls: true)"""
    p = rel[len('docs/'):-len('.md')]
    if p in ('index', 'README'):
        return '/'
    if p.endswith('/index') or p.endswith('/README'):
        p = p.rsplit('/', 1)[0]
    return '/' + p + '/'

URLS = Counter()
for rel in pages:
    if not rel.startswith('docs/'):
        err(f'{rel}: page outside docs/')
        continue
    URLS[page_url(rel)] += 1
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
                err(f'{rel}:{no}: absolute link {target} (MkDocs only rewrites relative .md links)'); continue
            if path and not path.endswith('.md'):
                err(f'{rel}:{no}: link {target} is not a relative link to a .md file'); continue
            dest = rel if not path else posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
            if not dest.startswith('docs/'):
                err(f'{rel}:{no}: link {target} climbs out of docs/'); continue
            if dest not in pages:
                err(f'{rel}:{no}: broken link {target} (-> {dest})'); continue
            if frag:
                nanch += 1
                if frag not in ANCH[dest]:
                    err(f'{rel}:{no}: anchor #{frag} not in {dest} (has {sorted(ANCH[dest])})')

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
if len(ans) != 40:
    err(f'answerable: {len(ans)} != 40')
# cells in file order: ja->ja 12 (001-012), ja->en 8 (013-020), en->ja 11 (021-031), en->en 9 (032-040)
CELL_SIZES = [12, 8, 11, 9]
CELL_OF = [c for c, n in zip(CELLS, CELL_SIZES) for _ in range(n)]
for i, q in enumerate(ans):
    check_row('answerable', i, q, 'h21', ('id', 'lang', 'style', 'question', 'source', 'gold_lines', 'answer'))
    if q.get('style') not in STYLES:
        err(f'{q["id"]}: bad style {q.get("style")}')
    cell = CELL_OF[min(i, len(CELL_OF) - 1)]
    if (q['lang'], PAGE_LANG.get(q['source'])) != cell:
        err(f'{q["id"]}: cell {(q["lang"], PAGE_LANG.get(q["source"]))} != expected {cell}')
    check_gold(q['id'], q['source'], q['gold_lines'])

na = load('noanswer.jsonl')
if len(na) != 15:
    err(f'noanswer: {len(na)} != 15')
if Counter(q['lang'] for q in na) != Counter({'ja': 8, 'en': 7}):
    err('noanswer: need 8 ja + 7 en')
for i, q in enumerate(na):
    check_row('noanswer', i, q, 'h21n', ('id', 'lang', 'kind', 'question', 'gold_lines', 'why_absent'))
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
for i, q in enumerate(fu):
    check_row('followup', i, q, 'h21f', ('id', 'lang', 'turns', 'source', 'gold_lines', 'answers'))
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
