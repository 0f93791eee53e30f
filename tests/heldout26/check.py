#!/usr/bin/env python3
"""Checks for the h26 held-out set (adapted from tests/heldout25/check.py for an MkDocs + Material site).

Run from anywhere:  python3 check.py  [--need-build] [--venv DIR] [--ids]
  - notes/ is the MkDocs project (mkdocs.yml + docs/...). Page URLs (directory URLs), heading ids
    (Python-Markdown toc + pymdownx.slugs.slugify(case=lower) + attr_list {#id}, `_1` de-duplication), titles,
    links and anchors are computed here with MkDocs rules (stdlib only).
  - then the REAL renderer: if DIR/bin/mkdocs exists (default /tmp/h26venv, made with
    `python3 -m venv /tmp/h26venv && /tmp/h26venv/bin/pip install mkdocs mkdocs-material pymdown-extensions`),
    `mkdocs build --strict` is run on notes/ into a temporary folder, and (a) every page's built HTML must hold
    the same heading ids, in the same order, as check.py computed, (b) every gold URL (answerable `url`,
    follow-up headings) must be a built page whose HTML has an element with that `id=`, (c) each page's
    <title> must be what check.py expects.  `--need-build` turns a missing venv into a failure.
"""
import json, os, posixpath, re, shutil, subprocess, sys, tempfile, unicodedata
import urllib.parse
from collections import Counter
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')      # the MkDocs project
DOCS_DIR = 'docs'
SITE_URL = 'https://coop.example/wiki/'
SITE_NAME = 'ひばりの里 スタッフ Wiki'
ROOT_FILES = {'mkdocs.yml'}
VENV = sys.argv[sys.argv.index('--venv') + 1] if '--venv' in sys.argv else '/tmp/h26venv'

# body language of each page (declared, used for the cell counts); paths relative to notes/
PAGE_LANG = {
    'docs/index.md': 'ja',
    'docs/faq.md': 'ja',
    'docs/glossary.md': 'en',
    'docs/producers/index.md': 'ja',
    'docs/producers/consignment.md': 'ja',
    'docs/producers/receiving_times.md': 'en',
    'docs/shop/index.md': 'ja',
    'docs/shop/label-printer.md': 'ja',
    'docs/shop/till-and-cashless.md': 'en',
    'docs/shop/freshness.md': 'ja',
    'docs/shop/calendar/index.md': 'en',
    'docs/shop/calendar/holidays.md': 'ja',
    'docs/cafe/index.md': 'en',
    'docs/cafe/menu.md': 'ja',
    'docs/cafe/hygiene.md': 'en',
    'docs/staff/index.md': 'ja',
    'docs/staff/roster.md': 'en',
    'docs/staff/emergency.md': 'ja',
    'docs/old/index.md': 'en',
    'docs/old/fees-2024.md': 'ja',
}
HOME = 'docs/index.md'
OBSOLETE = {'docs/old/fees-2024.md': 'docs/producers/consignment.md'}     # obsolete page -> its current page
NO_GOLD = {'docs/old/index.md'}                                            # list of old pages: no gold there
# expected URL paths (after SITE_URL; use_directory_urls: true) -- computed below and compared with these
EXPECTED_URL = {
    'docs/index.md': '',
    'docs/faq.md': 'faq/',
    'docs/glossary.md': 'glossary/',
    'docs/producers/index.md': 'producers/',
    'docs/producers/consignment.md': 'producers/consignment/',
    'docs/producers/receiving_times.md': 'producers/receiving_times/',
    'docs/shop/index.md': 'shop/',
    'docs/shop/label-printer.md': 'shop/label-printer/',
    'docs/shop/till-and-cashless.md': 'shop/till-and-cashless/',
    'docs/shop/freshness.md': 'shop/freshness/',
    'docs/shop/calendar/index.md': 'shop/calendar/',
    'docs/shop/calendar/holidays.md': 'shop/calendar/holidays/',
    'docs/cafe/index.md': 'cafe/',
    'docs/cafe/menu.md': 'cafe/menu/',
    'docs/cafe/hygiene.md': 'cafe/hygiene/',
    'docs/staff/index.md': 'staff/',
    'docs/staff/roster.md': 'staff/roster/',
    'docs/staff/emergency.md': 'staff/emergency/',
    'docs/old/index.md': 'old/',
    'docs/old/fees-2024.md': 'old/fees-2024/',
}
CELLS = [('ja', 'ja'), ('ja', 'en'), ('en', 'ja'), ('en', 'en')]
CELL_SIZES = [11, 10, 10, 9]   # ja->ja, ja->en, en->ja, en->en, in file order
STYLES = {'numeric', 'how', 'factual', 'why', 'paraphrase'}
PREFIX = 'h26'
FM_KEYS = {'title'}
ADMONITIONS = {'note', 'tip', 'info', 'warning', 'danger', 'question'}

errors = []
def err(msg):
    errors.append(msg)

# ---------------------------------------------------------------- files
def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')

files = {}
for dp, dn, fn in os.walk(NOTES):
    dn[:] = [d for d in dn if not d.startswith('.') and d != 'site']
    for f in fn:
        rel = os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/')
        if '/' not in rel:
            if rel not in ROOT_FILES:
                err(f'{rel}: unexpected file at the project root')
            continue
        if not rel.startswith(DOCS_DIR + '/'):
            err(f'{rel}: unexpected file outside {DOCS_DIR}/')
        elif f.endswith('.md'):
            files[rel] = read_lines(rel)
        else:
            err(f'{rel}: only .md files are expected under {DOCS_DIR}/')
pages = files
if set(pages) != set(PAGE_LANG):
    err(f'PAGE_LANG mismatch: {sorted(set(pages) ^ set(PAGE_LANG))}')
for rel in pages:
    d = posixpath.dirname(rel)
    if d != DOCS_DIR and f'{d}/index.md' not in pages:
        err(f'{d}: folder without index.md')

# ---------------------------------------------------------------- mkdocs.yml must say what check.py assumes
cfg = open(os.path.join(NOTES, 'mkdocs.yml'), encoding='utf-8').read()
for pat, what in ((r'(?m)^site_url: %s$' % re.escape(SITE_URL), 'site_url'), (r'(?m)^docs_dir: docs$', 'docs_dir'),
                  (r'(?m)^use_directory_urls: true$', 'use_directory_urls'),
                  (r'(?m)^site_name: %s$' % re.escape(SITE_NAME), 'site_name'),
                  (r'(?m)^  name: material$', 'theme material'),
                  (r'slugify: !!python/object/apply:pymdownx\.slugs\.slugify \{kwds: \{case: lower\}\}', 'toc slugify'),
                  (r'(?m)^  - attr_list$', 'attr_list'), (r'(?m)^  - admonition$', 'admonition'),
                  (r'(?m)^  - pymdownx\.details$', 'pymdownx.details'), (r'(?m)^  - tables$', 'tables'),
                  (r'(?m)^  - pymdownx\.superfences$', 'pymdownx.superfences'), (r'(?m)^    anchors: warn$', 'anchors: warn')):
    if not re.search(pat, cfg):
        err(f'mkdocs.yml: {what} is not what check.py assumes ({pat})')
if re.search(r'(?m)^\s+separator:|normalize|percent_encode', cfg):
    err('mkdocs.yml: slugify options other than case: lower are not modelled by check.py')
# nav: "- Title: path.md" or "- path.md"
NAV_TITLE, NAV_PAGES = {}, []
navpart = cfg[cfg.index('\nnav:'):] if '\nnav:' in cfg else ''
for m in re.finditer(r'(?m)^\s*- (?:(?P<t>[^:\n]+): )?(?P<p>[\w./-]+\.md)$', navpart):
    p = 'docs/' + m.group('p')
    NAV_PAGES.append(p)
    if m.group('t'):
        NAV_TITLE[p] = m.group('t').strip()
for p in NAV_PAGES:
    if p not in pages:
        err(f'mkdocs.yml nav: {p} is not a page')
if any(p in NAV_PAGES for p in OBSOLETE):
    err('the obsolete page is in the nav')

# ---------------------------------------------------------------- front matter
def front_matter(rel):
    lines = files[rel]
    if not lines or lines[0] != '---':
        return {}, 0
    for i in range(1, len(lines)):
        if lines[i] == '---':
            fm = {}
            for ln in lines[1:i]:
                m = re.fullmatch(r'([a-z_]+):\s*(.*)', ln)
                if not m:
                    err(f'{rel}: front matter line {ln!r} is not "key: value"'); continue
                k, v = m.group(1), m.group(2).strip()
                if len(v) >= 2 and v[0] == v[-1] and v[0] in '"\'':
                    v = v[1:-1]
                elif re.search(r': |#|^[\[{>|&*!%@`]', v):
                    err(f'{rel}: front matter value {v!r} needs quotes in YAML')
                if k not in FM_KEYS:
                    err(f'{rel}: front matter key {k} not used in this wiki')
                fm[k] = v
            return fm, i + 1
    err(f'{rel}: front matter not closed')
    return {}, 0

FM, FM_LEN = {}, {}
for rel in pages:
    FM[rel], FM_LEN[rel] = front_matter(rel)

# ---------------------------------------------------------------- URLs (MkDocs, use_directory_urls: true)
def url_path(rel):
    """docs/a/b.md -> a/b/ ; docs/a/index.md (or README.md) -> a/ ; docs/index.md -> '' (file names kept as
    they are: no number-prefix stripping, no lower-casing, '_' kept)."""
    src = rel[len(DOCS_DIR) + 1:]
    d, f = posixpath.split(src)
    stem = posixpath.splitext(f)[0]
    if stem in ('index', 'README'):
        return (d + '/') if d else ''
    return (d + '/' if d else '') + stem + '/'

URL_OF = {rel: url_path(rel) for rel in pages}
for rel in pages:
    if rel in EXPECTED_URL and URL_OF[rel] != EXPECTED_URL[rel]:
        err(f'{rel}: computed URL {URL_OF[rel]} != expected {EXPECTED_URL[rel]}')
if len(set(URL_OF.values())) != len(URL_OF):
    err('two pages share a URL')

# ---------------------------------------------------------------- line kinds
def line_kinds(rel):
    """'fm', 'fence' (``` lines), 'code' (inside a fence), 'adm' (!!! / ??? / ???+ opener), 'text'."""
    lines = files[rel]
    kinds, fence = [], None
    for i, ln in enumerate(lines):
        if i < FM_LEN.get(rel, 0):
            kinds.append('fm'); continue
        m = re.match(r'^ {0,3}(`{3,}|~{3,})', ln)
        if m and (fence is None or m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)):
            fence = m.group(1) if fence is None else None
            kinds.append('fence'); continue
        if fence:
            kinds.append('code'); continue
        kinds.append('adm' if re.match(r'^(!!!|\?\?\?\+?) ', ln) else 'text')
    if fence:
        err(f'{rel}: code fence not closed')
    return kinds

KINDS = {rel: line_kinds(rel) for rel in pages}


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
    if re.match(r'^(!!!|\?\?\?)', s):
        return True
    body = strip_inline(re.sub(r'^(>\s*)+', '', s))
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', body).strip()
    return body in ('', 'TODO', '|', '—')

# ---------------------------------------------------------------- Python-Markdown structure rules (house rules)
for rel in pages:
    lines, kinds = files[rel], KINDS[rel]
    in_adm = False
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        prev = lines[no - 2] if no > 1 else ''
        if k == 'adm':
            m = re.fullmatch(r'(!!!|\?\?\?\+?) ([a-z]+)(?: "[^"]+")?', ln)
            if not m or m.group(2) not in ADMONITIONS:
                err(f'{rel}:{no}: bad admonition opener {ln!r}')
            if prev.strip():
                err(f'{rel}:{no}: admonition opener must follow a blank line')
            if no >= len(lines) or not lines[no].startswith('    '):
                err(f'{rel}:{no}: admonition body must be indented by 4 spaces on the next line')
            in_adm = True
            continue
        if in_adm and (ln.startswith('    ') or not ln.strip()):
            continue
        in_adm = False
        if k != 'text':
            continue
        if re.match(r'^\s*<', ln):
            err(f'{rel}:{no}: raw HTML (house rule: none)')
        # Python-Markdown needs a blank line before a list or a table that follows a paragraph
        if re.match(r'^(\d+\.|[-*+]) ', ln) and prev.strip() and not re.match(r'^(\d+\.|[-*+]) |^    ', prev):
            err(f'{rel}:{no}: list item right after a paragraph (Python-Markdown would not start a list)')
        if ln.startswith('|') and prev.strip() and not prev.startswith('|'):
            err(f'{rel}:{no}: table right after a paragraph')
        if re.search(r'(?<![(\[`])https?://', ln):
            err(f'{rel}:{no}: bare URL (house rule: none)')

# ---------------------------------------------------------------- headings and ids
def headings(rel):
    """(line_no, level, raw text) of ATX headings outside code, front matter and admonition bodies."""
    out = []
    for no, (ln, k) in enumerate(zip(files[rel], KINDS[rel]), 1):
        if k != 'text':
            continue
        m = re.match(r'^(#{1,6})(?:[\t ]+(.*?))?[\t ]*$', ln)
        if m:
            raw = re.sub(r'(^|[\t ])#+$', '', m.group(2) or '').strip()
            out.append((no, len(m.group(1)), raw))
    return out


EXPLICIT = re.compile(r'\s*\{:?\s*#(?P<id>[^\s}]+)\s*\}\s*$')      # attr_list on a heading: {#id} / {: #id }


def heading_text(raw):
    """Text Python-Markdown's toc passes to slugify: inline markup dropped, code-span text and link text kept,
    tags stripped, whitespace runs (incl. U+3000) collapsed to one space by toc.strip_tags."""
    t = EXPLICIT.sub('', raw)
    t = re.sub(r'`+([^`]*)`+', r'\1', t)
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'\*\*|__', '', t)
    t = re.sub(r'(?<![\w])[*_]|[*_](?![\w])', '', t)
    return ' '.join(t.split())


def py_slug(text):
    """pymdownx.slugs.slugify(case='lower') with separator '-': NFC, strip tags, strip, str.lower(), delete every
    char that is not \\w (Unicode), '-' or ' ', then each ' ' -> '-' (no collapsing, no trimming of '-')."""
    s = re.sub(r'</?[^>]*>', '', unicodedata.normalize('NFC', text)).strip().lower()
    return re.sub(r'[^\w\- ]', '', s).replace(' ', '-')


def anchors(rel):
    """ids in document order (H1 included). toc: every id already in the page (attr_list {#id}) is registered
    first -- even for headings further down; a slug that is taken or empty gets _1, _2 ..."""
    hs = headings(rel)
    used = set()
    for no, lvl, raw in hs:
        m = EXPLICIT.search(raw)
        if m:
            if m.group('id') in used:
                err(f'{rel}:{no}: explicit id {m.group("id")} twice')
            used.add(m.group('id'))
    out = []
    for no, lvl, raw in hs:
        m = EXPLICIT.search(raw)
        if m:
            hid = m.group('id')
            if not re.fullmatch(r'[a-z0-9]+(-[a-z0-9]+)*', hid):
                err(f'{rel}:{no}: explicit id {hid!r}: house rule is lower-case ASCII words joined by "-"')
            out.append(hid); continue
        base = py_slug(heading_text(raw))
        hid, n = base, 0
        while hid in used or not hid:
            n += 1
            hid = f'{base}_{n}'
        used.add(hid)
        out.append(hid)
    return out

ANCH_LIST = {rel: anchors(rel) for rel in pages}
ANCH = {rel: set(v) for rel, v in ANCH_LIST.items()}

TITLE = {}
for rel in pages:
    hs = headings(rel)
    h1 = [h for h in hs if h[1] == 1]
    if len(h1) != 1:
        err(f'{rel}: needs exactly one H1 (has {len(h1)})')
    first = next((no for no, (ln, k) in enumerate(zip(files[rel], KINDS[rel]), 1) if k != 'fm' and ln.strip()), None)
    if h1 and h1[0][0] != first:
        err(f'{rel}: the H1 must be the first content line')
    # HTML <title> (observed with MkDocs 1.6.1 + Material 9.x): front matter title, else nav title, else H1
    TITLE[rel] = FM[rel].get('title') or NAV_TITLE.get(rel) or (heading_text(h1[0][2]) if h1 else None)
    for no, lvl, raw in hs:
        if lvl >= 4:
            err(f'{rel}:{no}: H4+ not used in this wiki')

for rel, cur in OBSOLETE.items():
    body = [ln for ln, k in zip(files[rel], KINDS[rel]) if k != 'fm' and ln.strip()]
    cur_link = posixpath.relpath(cur, posixpath.dirname(rel))
    if len(body) < 3 or not body[0].startswith('# ') or body[1] != '!!! danger "旧版"' or f']({cur_link})' not in body[2]:
        err(f'{rel}: obsolete page must start with its H1, then a !!! danger "旧版" box linking {cur_link}')

# ---------------------------------------------------------------- links
MDLINK = re.compile(r'(?<!!)\[([^\[\]]*)\]\(([^)\s]+)\)')
nlinks = nanch = 0
link_targets = Counter()
LINKS_FOUND = {}

def check_anchor(rel, no, dest, frag):
    global nanch
    nanch += 1
    if urllib.parse.unquote(frag) not in ANCH[dest]:
        err(f'{rel}:{no}: anchor #{frag} not in {dest} (has {sorted(ANCH[dest])})')

for rel in pages:
    LINKS_FOUND[rel] = []
    for no, (ln, k) in enumerate(zip(files[rel], KINDS[rel]), 1):
        if k not in ('text', 'adm'):
            continue
        for text, target in MDLINK.findall(re.sub(r'`[^`]*`', '', ln)):
            nlinks += 1
            LINKS_FOUND[rel].append(target)
            path, hashmark, frag = target.partition('#')
            if not path:
                check_anchor(rel, no, rel, frag); continue
            if re.match(r'^[a-z]+:', path) or path.startswith('/'):
                err(f'{rel}:{no}: {target}: house style is a relative link to a .md file'); continue
            if not path.endswith('.md'):
                err(f'{rel}:{no}: link {target} does not point to a .md file'); continue
            dest = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
            if dest not in pages:
                err(f'{rel}:{no}: file link {path} -> {dest} is not a page'); continue
            if dest != rel:
                link_targets[dest] += 1
            if hashmark:
                check_anchor(rel, no, dest, frag)

orphans = [r for r in pages if r != HOME and not link_targets[r]]
if orphans:
    err(f'pages no other page links to: {orphans}')
for rel, cur in OBSOLETE.items():
    if any(rel[len(DOCS_DIR) + 1:] in t for t in LINKS_FOUND[HOME]):
        err(f'{HOME} links the obsolete page {rel}')
    if not any(posixpath.normpath(posixpath.join(posixpath.dirname(cur), t.partition('#')[0])) == rel
               for t in LINKS_FOUND[cur]):
        err(f'{rel}: obsolete page should be linked from its current page {cur}')

# ---------------------------------------------------------------- question files
def load(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]


def check_gold(qid, src, gl):
    if src not in pages:
        err(f'{qid}: unknown source {src}'); return
    if src in OBSOLETE or src in NO_GOLD:
        err(f'{qid}: gold on the obsolete/old-list page {src}')
    lines, kinds = pages[src], KINDS[src]
    if not gl:
        err(f'{qid}: empty gold_lines')
    if gl != sorted(set(gl)):
        err(f'{qid}: gold_lines not sorted/unique')
    for n in gl:
        if not isinstance(n, int) or not 1 <= n <= len(lines):
            err(f'{qid}: gold line {n} out of range for {src} ({len(lines)} lines)'); continue
        ln, k = lines[n - 1], kinds[n - 1]
        if k in ('fm', 'fence', 'adm'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^#{1,6}(\s|$)', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')


def section_of(src, n):
    best = None
    for (no, lvl, raw), hid in zip(headings(src), ANCH_LIST[src]):
        if no < n:
            best = (heading_text(raw), hid)
    return best


def norm(s):
    return re.sub(r'\s+', ' ', unicodedata.normalize('NFKC', s)).strip().lower()


def check_keys(qid, src, gl, keys):
    if src not in pages:
        return
    text = norm(' '.join(pages[src][n - 1] for n in gl if isinstance(n, int) and 1 <= n <= len(pages[src])))
    if not keys:
        err(f'{qid}: no answer keys')
    for kk in keys:
        if norm(kk) not in text:
            err(f'{qid}: answer key {kk!r} not found in gold lines {gl} of {src}')
    for n in gl:
        if isinstance(n, int) and 1 <= n <= len(pages[src]) and keys and \
                not any(norm(kk) in norm(pages[src][n - 1]) for kk in keys):
            err(f'{qid}: gold line {n} of {src} holds none of the answer keys {keys}')


GOLD_URLS = []   # (qid, url) checked against the built site
def check_heading(qid, src, gl, heading):
    if src not in pages or not gl:
        return
    secs = {section_of(src, n) for n in gl if isinstance(n, int)}
    if len(secs) != 1:
        err(f'{qid}: gold lines fall under several headings {secs}'); return
    sec = secs.pop()
    if sec is None or heading != {'text': sec[0], 'id': sec[1]}:
        err(f'{qid}: heading {heading} != section of the gold lines {sec}')
    elif heading:
        GOLD_URLS.append((qid, SITE_URL + URL_OF[src] + '#' + heading['id']))


ids = []
def check_row(name, i, q, prefix, fields):
    if q.get('id') != f'{prefix}-{i + 1:03d}':
        err(f'{name} line {i + 1}: id {q.get("id")} != {prefix}-{i + 1:03d}')
    ids.append(q.get('id'))
    for f in fields:
        if f not in q:
            err(f'{q.get("id")}: missing {f}')
    if set(q) - set(fields):
        err(f'{q.get("id")}: unexpected fields {sorted(set(q) - set(fields))}')
    if q.get('lang') not in ('ja', 'en'):
        err(f'{q.get("id")}: bad lang {q.get("lang")}')


def looks(lang, text):
    has_ja = bool(re.search(r'[\u3040-\u30ff\u4e00-\u9fff]', text))
    if lang == 'ja':
        return has_ja
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) >= 0.8 * max(1, len(letters))


# --- ANSWER_KEYS (generated) ---
ANSWER_KEYS = {
    "h26-001": ["準組合員の年会費は 3,000 円"],
    "h26-002": ["| 組合員 | 15% | 18% | 20% |"],
    "h26-003": ["**毎月 15 日締め**、**その月の 25 日**"],
    "h26-004": ["市場が水曜日に休みで"],
    "h26-005": ["| `E7` | 品目が登録されていない |"],
    "h26-006": ["部門キー「12 直売」で値段だけを打ち"],
    "h26-007": ["| 葉物野菜（ほうれん草・小松菜など） | 出荷日の翌日まで |"],
    "h26-008": ["土日・祝日は **15:30** から"],
    "h26-009": ["| りんごのタルト | ● | ● | ● | — | — | — | — | ● |"],
    "h26-010": ["| 12 月 31 日（木）〜 1 月 3 日（日） | 休み | 休み |"],
    "h26-011": ["早番の人は **6:30 まで**"],
    "h26-012": ["| 1042 | 山口ファーム (Yamaguchi Farm) | eggs | 7:30–7:40 | no |"],
    "h26-013": ["**until 10:30**, but only if it is already labelled"],
    "h26-014": ["| Credit cards (Visa, Mastercard, JCB) | yes, from ¥1,000 |"],
    "h26-015": ["| Co-op gift vouchers (商品券) | yes | **No change is given** |"],
    "h26-016": ["Leave the float in the till: ¥40,000 (fictional) per till"],
    "h26-017": ["| Winter | December–February | 9:30–17:30 | 10:00–16:00 | 15:30 |"],
    "h26-018": ["the shop opens at **8:00** instead of 9:30"],
    "h26-019": ["Before 2025 everyone came at 7:30"],
    "h26-020": ["Cooked curry: keep at most **2 days**"],
    "h26-021": ["| 竹内 (Takeuchi) | Shop, part-time | 遅 | 遅 | 遅 | — | 遅 | — |"],
    "h26-022": ["平日は 40 袋まで、土日・祝日は 60 袋まで"],
    "h26-023": ["手書きの売上票（レジの下の引き出し）で売る"],
    "h26-024": ["| 北斗冷機（冷蔵ケース・冷蔵庫の保守） | 0000-33-7788 | 24 時間 |"],
    "h26-025": ["開店の 45 分前に、早番の 2 人でやります"],
    "h26-026": ["傘は 1 か月保管して捨てる"],
    "h26-027": ["| 季節野菜のカレー | 980 円 | 1 日 20 食まで |"],
    "h26-028": ["1,000 円以上の品物は先頭が **22** になり"],
    "h26-029": ["卵・乳製品・加工品を、すぐにバックヤードの冷蔵庫に移してください"],
    "h26-030": ["売場に犬は入れない"],
    "h26-031": ["電話では答えません"],
    "h26-032": ["| yes, bread only, 12:30–13:00 |"],
    "h26-033": ["Eggs go into the back fridge within **15 minutes**"],
    "h26-034": ["Card and QR payments can be cancelled on the terminal only **on the same day**"],
    "h26-035": ["Call the terminal support line on 0000-12-3456 (24 hours)"],
    "h26-036": ["at −20 °C or below, for **14 days**"],
    "h26-037": ["You may come back **48 hours** after the symptoms stop"],
    "h26-038": ["| Ice machine | every second Thursday |"],
    "h26-039": ["including Wednesday 6 May"],
    "h26-040": ["At weekends the café is full from 11:30"],
    "h26f-001": [["| 子ども用プレート | 600 円 | 小学生まで |"], ["小さいハンバーグ、ごはん、野菜スティック、りんごジュース（小）のセット"], ["| 子ども用プレート | ● | ● | ● | — | — | — | — | — |"]],
    "h26f-002": [["| 石田 (Ishida) | Deputy manager | 早 | 早 | — | 早 | 中 | 中 |", "| 松井 (Matsui) | Shop, part-time | — | 早 | 早 | 遅 | 早 | 早 |"], ["| 松井 (Matsui) | Shop, part-time | — | 早 | 早 | 遅 | 早 | 早 |", "| 野口 (Noguchi) | Shop, part-time | 早 | — | 早 | 早 | 早 | 早 |"]],
    "h26f-003": [["Produce can be returned within **2 days** with the receipt"], ["Without a receipt, no refund."], ["Gift voucher payments are refunded with new vouchers"]],
    "h26f-004": [["| 店長 森本 | 0000-80-1101 | いつでも |"], ["| 風見台電工（停電・電気の故障） | 0000-33-2100 | 8:00〜20:00 |"]],
    "h26f-005": [["出荷者は **翌朝 9:30 まで** に引き取る"], ["引き取りがないものは店で捨て、廃棄料として 1 袋 30 円"]],
    "h26f-006": [["| 12 月 31 日（木）〜 1 月 3 日（日） | 休み | 休み |"], ["| 12 月 30 日（水） | 9:00〜15:00（年末の特別営業） | 休み |"], ["| 12 月 30 日（水） | 9:00〜15:00（年末の特別営業） | 休み |"]],
}
# --- end ANSWER_KEYS ---

ans = load('answerable.jsonl')
if len(ans) != sum(CELL_SIZES):
    err(f'answerable: {len(ans)} != {sum(CELL_SIZES)}')
CELL_OF = [c for c, n in zip(CELLS, CELL_SIZES) for _ in range(n)]
for i, q in enumerate(ans):
    check_row('answerable', i, q, PREFIX,
              ('id', 'lang', 'style', 'question', 'source', 'gold_lines', 'heading', 'url', 'answer'))
    if q.get('style') not in STYLES:
        err(f'{q["id"]}: bad style {q.get("style")}')
    cell = CELL_OF[min(i, len(CELL_OF) - 1)]
    if (q['lang'], PAGE_LANG.get(q['source'])) != cell:
        err(f'{q["id"]}: cell {(q["lang"], PAGE_LANG.get(q["source"]))} != expected {cell}')
    if not looks(q['lang'], q['question']):
        err(f'{q["id"]}: question text does not look {q["lang"]}')
    check_gold(q['id'], q['source'], q['gold_lines'])
    check_keys(q['id'], q['source'], q['gold_lines'], ANSWER_KEYS.get(q['id'], []))
    check_heading(q['id'], q['source'], q['gold_lines'], q.get('heading'))
    if q['source'] in pages and q.get('heading'):
        want = SITE_URL + URL_OF[q['source']] + '#' + q['heading']['id']
        if q.get('url') != want:
            err(f'{q["id"]}: url {q.get("url")} != {want}')
        GOLD_URLS.append((q['id'] + ' url', q.get('url')))
    hq = norm(q['question'])
    if q.get('heading') and len(norm(q['heading']['text'])) >= 4 and norm(q['heading']['text']) in hq:
        err(f'{q["id"]}: the question contains the heading text word for word')

na = load('noanswer.jsonl')
if len(na) != 15:
    err(f'noanswer: {len(na)} != 15')
if Counter(q['lang'] for q in na) != Counter({'ja': 8, 'en': 7}):
    err('noanswer: need 8 ja + 7 en')
for i, q in enumerate(na):
    check_row('noanswer', i, q, PREFIX + 'n', ('id', 'lang', 'kind', 'question', 'gold_lines', 'why_absent'))
    if q['kind'] not in ('near-miss', 'missing-detail', 'unknown-name', 'off-topic'):
        err(f'{q["id"]}: bad kind {q["kind"]}')
    if q['gold_lines'] != []:
        err(f'{q["id"]}: gold_lines must be []')
    if not looks(q['lang'], q['question']):
        err(f'{q["id"]}: question text does not look {q["lang"]}')
    m = re.fullmatch(r"grep -rniE '([^']+)' notes/docs/ -> 0 hits", q['why_absent'])
    if not m:
        err(f'{q["id"]}: why_absent not in the form "grep -rniE \'PAT\' notes/docs/ -> 0 hits"'); continue
    r = subprocess.run(['grep', '-rniE', m.group(1), 'notes/docs/'], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 1 or r.stdout:
        err(f'{q["id"]}: grep {m.group(1)!r} found:\n{r.stdout[:500]}')

fu = load('followup.jsonl')
if len(fu) != 6:
    err(f'followup: {len(fu)} != 6')
if Counter(q['lang'] for q in fu) != Counter({'ja': 3, 'en': 3}):
    err('followup: need 3 ja + 3 en')
if Counter(len(q['turns']) for q in fu) != Counter({2: 3, 3: 3}):
    err('followup: need 3 two-turn and 3 three-turn conversations')
for i, q in enumerate(fu):
    check_row('followup', i, q, PREFIX + 'f', ('id', 'lang', 'turns', 'source', 'gold_lines', 'headings', 'answers'))
    n = len(q['turns'])
    fkeys = ANSWER_KEYS.get(q['id'], [])
    if not 2 <= n <= 3 or len(q['gold_lines']) != n or len(q['answers']) != n or len(fkeys) != n \
            or len(q['headings']) != n:
        err(f'{q["id"]}: need 2-3 turns, each with gold_lines, headings, answers and ANSWER_KEYS')
    for t in q['turns']:
        if not looks(q['lang'], t):
            err(f'{q["id"]}: turn {t!r} does not look {q["lang"]}')
    for t, gl in enumerate(q['gold_lines']):
        check_gold(f'{q["id"]} turn {t + 1}', q['source'], gl)
        check_keys(f'{q["id"]} turn {t + 1}', q['source'], gl, fkeys[t] if t < len(fkeys) else [])
        if t < len(q['headings']):
            check_heading(f'{q["id"]} turn {t + 1}', q['source'], gl, q['headings'][t])

dups = [k for k, v in Counter(ids).items() if v > 1]
if dups:
    err(f'duplicate ids: {dups}')

# ---------------------------------------------------------------- the real renderer: mkdocs build --strict
class IdCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.heads, self.title, self._t, self.depth = set(), [], '', False, 0
        self.in_article = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id') is not None:
            self.ids.add(a['id'])
        if tag == 'article':
            self.in_article = True
        if self.in_article and re.fullmatch(r'h[1-6]', tag) and 'id' in a:
            self.heads.append(a['id'])
        if tag == 'title':
            self._t = True

    def handle_endtag(self, tag):
        if tag == 'article':
            self.in_article = False
        if tag == 'title':
            self._t = False

    def handle_data(self, data):
        if self._t:
            self.title += data


mk = os.path.join(VENV, 'bin', 'mkdocs')
build_note = f'skipped: {mk} not found (no real build; ids computed by check.py only)'
if os.path.exists(mk):
    out = tempfile.mkdtemp(prefix='h26site-')
    try:
        r = subprocess.run([mk, 'build', '--strict', '-q', '-f', os.path.join(NOTES, 'mkdocs.yml'), '-d', out],
                           capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING='1'))
        if r.returncode != 0:
            err(f'mkdocs build --strict failed:\n{(r.stdout + r.stderr)[-1500:]}')
        else:
            ver = subprocess.run([os.path.join(VENV, 'bin', 'python'), '-c',
                                  'import importlib.metadata as m; print(*(m.version(p) for p in '
                                  '("mkdocs","mkdocs-material","pymdown-extensions","markdown")))'],
                                 capture_output=True, text=True).stdout.split()
            built = {}
            for rel in pages:
                f = os.path.join(out, URL_OF[rel], 'index.html')
                if not os.path.exists(f):
                    err(f'build: {rel} -> {URL_OF[rel]}index.html missing'); continue
                p = IdCollector()
                p.feed(open(f, encoding='utf-8').read())
                built[URL_OF[rel]] = p
                if p.heads != ANCH_LIST[rel]:
                    err(f'build: {rel}: heading ids {p.heads} != check.py {ANCH_LIST[rel]}')
                want_title = f'{TITLE[rel]} - {SITE_NAME}' if rel != HOME else SITE_NAME
                if p.title.strip() != want_title:
                    err(f'build: {rel}: <title> {p.title.strip()!r} != {want_title!r}')
            nh = sum(len(p.heads) for p in built.values())
            same = sum(p.heads == ANCH_LIST[rel] for rel in pages for p in [built.get(URL_OF[rel])] if p)
            ok_urls = 0
            for qid, u in GOLD_URLS:
                if not u or not u.startswith(SITE_URL) or '#' not in u:
                    err(f'{qid}: gold URL {u!r} not under {SITE_URL} with a #fragment'); continue
                path, frag = u[len(SITE_URL):].split('#', 1)
                if path not in built:
                    err(f'{qid}: gold URL page {path!r} not in the built site'); continue
                if frag not in built[path].ids:
                    err(f'{qid}: id={frag!r} not in built {path}index.html'); continue
                ok_urls += 1
            build_note = (f'mkdocs build --strict (mkdocs {ver[0]}, mkdocs-material {ver[1]}, pymdown-extensions '
                          f'{ver[2]}, Markdown {ver[3]}): {len(built)}/{len(pages)} pages built, {same} with heading '
                          f'ids equal to check.py\'s ({nh} headings), {ok_urls}/{len(GOLD_URLS)} gold URL checks '
                          f'({len(set(u for q, u in GOLD_URLS))} distinct URLs; page + id=) passed in the built HTML')
    finally:
        shutil.rmtree(out, ignore_errors=True)
if '--need-build' in sys.argv and not build_note.startswith('mkdocs build'):
    err('real build required but ' + build_note)

# ---------------------------------------------------------------- summary
nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in files.values())
cells = Counter((q['lang'], PAGE_LANG.get(q['source'])) for q in ans)
print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in PAGE_LANG.values())}, '
      f'en {sum(v == "en" for v in PAGE_LANG.values())}), lines: {nlines}, '
      f'headings: {sum(map(len, ANCH_LIST.values()))} '
      f'(explicit {{#id}}: {sum(1 for r in pages for no, l, raw in headings(r) if EXPLICIT.search(raw))})')
print(f'links checked: {nlinks} (with anchors: {nanch})')
print(build_note)
print(f'answerable: {len(ans)}  cells (q-lang, page-lang): {dict(cells)}  styles: {dict(Counter(q["style"] for q in ans))}')
print(f'noanswer: {len(na)}  langs: {dict(Counter(q["lang"] for q in na))}  kinds: {dict(Counter(q["kind"] for q in na))}')
print(f'followup: {len(fu)}  langs: {dict(Counter(q["lang"] for q in fu))}  turns: {dict(Counter(len(q["turns"]) for q in fu))}')
if '--ids' in sys.argv:
    for rel in sorted(pages):
        print(rel, SITE_URL + URL_OF[rel], TITLE[rel], ANCH_LIST[rel])
if errors:
    print(f'\nFAILED ({len(errors)} problems):')
    for e in errors:
        print(' -', e)
    sys.exit(1)
print('OK')
