#!/usr/bin/env python3
"""Checks for the h29 held-out set: a bilingual (ja default / en) Docusaurus 3 site, the staff wiki of a civic
orchestra's office and stage crew.

Run from anywhere:  python3 check.py  [--slugger DIR] [--docusaurus DIR] [--need-slugger] [--ids]

  - notes/ is the Docusaurus site root: notes/docusaurus.config.js (url + baseUrl '/orch-wiki/', i18n ja default,
    en), notes/sidebars.js, Japanese pages in notes/docs/, English pages in
    notes/i18n/en/docusaurus-plugin-content-docs/current/ (same relative paths as the Japanese files they
    translate), plus what a real site root holds and what is *not* a page (README.md, package.json, src/css/,
    _category_.json files, the en current.json with the translated sidebar labels).
  - Page URLs and heading ids are computed here, stdlib only, by Docusaurus 3's documented rules and its source
    (plugin-content-docs: number prefixes, front-matter id / slug, category index docs, i18n locale prefix;
    mdx-loader's heading plugin: github-slugger + the classic {#id} syntax). See README.md, "URLs".
  - Optional cross-checks with the real JavaScript, never installed from the network by this script:
      --slugger DIR (or $GITHUB_SLUGGER, or notes/node_modules/github-slugger): every computed auto id is
          re-computed by that github-slugger under node, page by page, in document order;
      --docusaurus DIR (a node_modules folder holding @docusaurus/core and @docusaurus/preset-classic, or
          notes/node_modules when present): builds a copy of notes/ and checks each page's built HTML file at
          the computed URL and the ids of its <h2>..<h6>. No Docusaurus was available offline when this set
          was written, so that path was not exercised here (README.md says so).
    Without them the cross-checks are reported as SKIPPED; --need-slugger makes a missing slugger a failure.
"""
import html, json, os, posixpath, re, shutil, subprocess, sys, tempfile, unicodedata
from html.parser import HTMLParser
from collections import Counter

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')
SITE_URL = 'https://example.org'
BASE_PATH = '/orch-wiki/'
ROUTE_BASE = 'docs'                       # plugin-content-docs default routeBasePath (not set in the config)
DEFAULT_LOCALE = 'ja'
CONTENT = {'ja': 'docs', 'en': 'i18n/en/docusaurus-plugin-content-docs/current'}
PREFIX = 'h29'
CELLS = [('ja', 'ja'), ('ja', 'en'), ('en', 'ja'), ('en', 'en')]
CELL_SIZES = [10, 10, 10, 10]
STYLES = {'numeric', 'how', 'factual', 'why', 'paraphrase'}
FM_KEYS = {'id', 'slug', 'title', 'sidebar_position', 'sidebar_label', 'description', 'draft'}
GREP_DIRS = ['notes/docs/', 'notes/i18n/']

# Expected published URL of every page (relative to notes/) -- compared with the computed one.
EN = CONTENT['en'] + '/'
EXPECTED_URL = {
    'docs/index.md': '/orch-wiki/docs/',
    'docs/01-office/membership.md': '/orch-wiki/docs/office/membership',
    'docs/01-office/2026-27-season.md': '/orch-wiki/docs/office/2026-27-season',
    'docs/01-office/tickets.md': '/orch-wiki/docs/office/tickets',
    'docs/01-office/2025-concert-tickets.md': '/orch-wiki/docs/office/concert-tickets',
    'docs/01-office/rehearsal-rooms.md': '/orch-wiki/docs/office/rehearsal-rooms',
    'docs/01-office/contacts.md': '/orch-wiki/docs/contacts',
    'docs/02-stage/index.md': '/orch-wiki/docs/stage/',
    'docs/02-stage/01-load-in.md': '/orch-wiki/docs/stage/load-in',
    'docs/02-stage/setup-hall.md': '/orch-wiki/docs/stage/setup-hall',
    'docs/02-stage/setup-rehearsal.md': '/orch-wiki/docs/stage/setup-rehearsal',
    'docs/02-stage/truck.md': '/orch-wiki/docs/stage/truck-rental',
    'docs/02-stage/percussion-transport.md': '/orch-wiki/docs/stage/percussion-transport',
    'docs/03-guests/guest-players.md': '/orch-wiki/docs/guests/guest-players',
    'docs/03-guests/guest-conductor.md': '/orch-wiki/docs/guests/guest-conductor',
    EN + 'index.md': '/orch-wiki/en/docs/',
    EN + '01-office/membership.md': '/orch-wiki/en/docs/office/membership',
    EN + '01-office/contacts.md': '/orch-wiki/en/docs/contacts',
    EN + '02-stage/index.md': '/orch-wiki/en/docs/stage/',
    EN + '02-stage/01-load-in.md': '/orch-wiki/en/docs/stage/load-in',
    EN + '02-stage/percussion-transport.md': '/orch-wiki/en/docs/stage/percussion-transport',
    EN + '03-guests/guest-players.md': '/orch-wiki/en/docs/guests/guest-players',
    EN + '03-guests/guest-conductor.md': '/orch-wiki/en/docs/guests/guest-conductor',
}
OBSOLETE = {'docs/01-office/2025-concert-tickets.md': 'docs/01-office/tickets.md'}   # obsolete -> current
# Japanese placeholders of English-only pages: Docusaurus builds a locale's doc only when the default locale's
# docs/ has a file at the same path (facebook/docusaurus#11001), so each English-only page has one.
STUBS = {'docs/02-stage/percussion-transport.md', 'docs/03-guests/guest-players.md',
         'docs/03-guests/guest-conductor.md'}

errors = []


def err(msg):
    errors.append(msg)


# ---------------------------------------------------------------- files
def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')


ALLOWED_TOP = {'docusaurus.config.js', 'sidebars.js', 'package.json', 'README.md', 'docs', 'i18n', 'src'}
for name in os.listdir(NOTES):
    if name not in ALLOWED_TOP:
        err(f'notes/{name}: unexpected (build/, .docusaurus/ or node_modules/ must not stay in notes/)')


def excluded(relpath):
    """plugin-content-docs default exclude: **/_*.{js,jsx,ts,tsx,md,mdx}, **/_*/**, **/*.test.*, **/__tests__/**"""
    return any(seg.startswith('_') for seg in relpath.split('/'))


def walk_md(top):
    out = []
    for dp, dn, fn in os.walk(os.path.join(NOTES, top)):
        for f in fn:
            rel = os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/')
            if f.endswith(('.md', '.mdx')) and not excluded(os.path.relpath(rel, top)):
                out.append(rel)
            elif not f.endswith(('.md', '.mdx', '_category_.json')):
                err(f'{rel}: unexpected file in a docs folder')
    return sorted(out)


ja_sources = walk_md(CONTENT['ja'])
en_files = walk_md(CONTENT['en'])
pages = {}          # rel -> lines
LANG_OF = {}
SRC_OF = {}         # rel -> path inside its content folder ("02-stage/01-load-in.md")
for rel in ja_sources:
    pages[rel], LANG_OF[rel] = read_lines(rel), 'ja'
    SRC_OF[rel] = rel[len(CONTENT['ja']) + 1:]
ja_inner = {SRC_OF[r] for r in ja_sources}
for rel in en_files:
    inner = rel[len(CONTENT['en']) + 1:]
    if inner not in ja_inner:
        err(f'{rel}: no docs/{inner} -- Docusaurus would not build this English page (only files of the default '
            f'locale\'s docs/ are built; facebook/docusaurus#11001)')
        continue
    pages[rel], LANG_OF[rel] = read_lines(rel), 'en'
    SRC_OF[rel] = inner
if set(pages) != set(EXPECTED_URL):
    err(f'pages differ from EXPECTED_URL: {sorted(set(pages) ^ set(EXPECTED_URL))}')

# ---------------------------------------------------------------- docusaurus.config.js must say what we assume
with open(os.path.join(NOTES, 'docusaurus.config.js'), encoding='utf-8') as _f:
    CFG = _f.read()
CFG_CODE = re.sub(r'(?m)^\s*//[^\n]*', '', CFG)     # whole-line comments only (URLs hold //)


def cfg_str(key):
    m = re.findall(r"\b%s:\s*'([^']*)'" % key, CFG_CODE)
    return m[0] if len(m) == 1 else None


if cfg_str('url') != SITE_URL or cfg_str('baseUrl') != BASE_PATH:
    err('docusaurus.config.js: url / baseUrl not what check.py assumes')
if cfg_str('defaultLocale') != DEFAULT_LOCALE or \
        not re.search(r"locales:\s*\[\s*'ja'\s*,\s*'en'\s*\]", CFG_CODE):
    err('docusaurus.config.js: i18n not {defaultLocale: ja, locales: [ja, en]}')
for bad in ('routeBasePath', 'trailingSlash', 'numberPrefixParser', 'anchorsMaintainCase', 'headingIds',
            'remarkPlugins', 'rehypePlugins', 'path:', 'include:', 'exclude:', 'docItemComponent', 'format:'):
    if bad in CFG_CODE:
        err(f'docusaurus.config.js: {bad} is not modelled by check.py')
if re.search(r"\bpath:\s*'", CFG_CODE):
    err('docusaurus.config.js: a locale path / docs path is not modelled')


# ---------------------------------------------------------------- front matter (YAML)
def front_matter(rel):
    lines = pages[rel]
    if not lines or lines[0] != '---':
        return {}, 0
    try:
        end = lines.index('---', 1)
    except ValueError:
        err(f'{rel}: front matter not closed'); return {}, 0
    fm = {}
    for ln in lines[1:end]:
        m = re.fullmatch(r'([A-Za-z_]+):\s*(.*)', ln)
        if not m:
            err(f'{rel}: front matter line {ln!r} not modelled'); continue
        k, v = m.group(1), m.group(2).strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in '"\'':
            v = v[1:-1]
        elif re.search(r': |#|^[\[{>|&*!%@`]', v):
            err(f'{rel}: front matter value {v!r} needs quotes in YAML')
        if k not in FM_KEYS:
            err(f'{rel}: front matter key {k} not modelled')
        fm[k] = v
    if fm.get('draft') not in (None, 'false'):
        err(f'{rel}: draft page (not published) -- not expected here')
    return fm, end + 1


FM, FM_LEN = {}, {}
for rel in pages:
    FM[rel], FM_LEN[rel] = front_matter(rel)


# ---------------------------------------------------------------- page URLs (plugin-content-docs)
IGNORED_PREFIX = re.compile(r'^((\d{2}|\d{4})[-_.]\d{2}([-_.](\d{2}|\d{4}))?)(.*)$|^(\d+[-_.]\d+)(.*)$')
NUMBER_PREFIX = re.compile(r'^(?P<num>\d+)(?P<sep>\s*[-_.]+\s*)(?P<suffix>.*)$')


def number_prefix(name):
    """DefaultNumberPrefixParser: date-like (2026-27, 2026-01-05) and version-like (1.2) names are left alone."""
    if IGNORED_PREFIX.match(name):
        return name, None
    m = NUMBER_PREFIX.match(name)
    return (m.group('suffix'), int(m.group('num'))) if m else (name, None)


def resolve_pathname(to, base):
    """resolve-pathname (as url.resolve for a path): relative `to` against the folder `base` ('/a/b/')."""
    if to.startswith('/'):
        return to
    parts = base.split('/')[:-1] + to.split('/')
    out = []
    for p in parts:
        if p == '..':
            if len(out) > 1:
                out.pop()
        elif p != '.':
            out.append(p)
    res = '/'.join(out)
    return res if res.startswith('/') else '/' + res


def doc_slug(rel):
    src = SRC_OF[rel]
    fm = FM[rel]
    d, f = posixpath.split(src)
    dirname = d or '.'
    stem = posixpath.splitext(f)[0]
    unprefixed, _ = number_prefix(stem)
    base_id = fm.get('id') or unprefixed
    if '/' in base_id:
        err(f'{rel}: doc id cannot contain "/"')
    stripped_dir = '/'.join(number_prefix(seg)[0] for seg in d.split('/')) if d else ''
    dir_slug = '/' if dirname == '.' else '/' + stripped_dir + '/'
    fslug = fm.get('slug')
    if fslug and fslug.startswith('/'):
        return fslug
    dirs = dirname.split('/')[::-1]
    if not fslug and stem.lower() in ('index', 'readme', dirs[0].lower()):
        return dir_slug                         # category index doc: the folder's URL, with a trailing slash
    return resolve_pathname(fslug or base_id, dir_slug)


def permalink(rel):
    loc = LANG_OF[rel]
    prefix = '' if loc == DEFAULT_LOCALE else loc + '/'
    return re.sub(r'/{2,}', '/', BASE_PATH + prefix + ROUTE_BASE + doc_slug(rel))


URL_OF = {rel: permalink(rel) for rel in pages}
for rel in pages:
    if rel in EXPECTED_URL and URL_OF[rel] != EXPECTED_URL[rel]:
        err(f'{rel}: computed URL {URL_OF[rel]!r} != expected {EXPECTED_URL[rel]!r}')
for loc in CONTENT:
    urls = [URL_OF[r] for r in pages if LANG_OF[r] == loc]
    if len(set(urls)) != len(urls):
        err(f'{loc}: two pages share a URL')
for rel in pages:
    if LANG_OF[rel] == 'en':
        ja = CONTENT['ja'] + '/' + SRC_OF[rel]
        if URL_OF[rel] != URL_OF[ja].replace(BASE_PATH, BASE_PATH + 'en/', 1):
            err(f'{rel}: English URL is not the Japanese one under /en/ (front matter id/slug differ?)')


# ---------------------------------------------------------------- line kinds (MDX)
def line_kinds(rel):
    """'fm', 'fence' (``` lines), 'code' (inside a fence), 'jsx' (a line that is a JSX/HTML tag or an
    import/export), 'adm' (an admonition's ::: opener or closer), 'text'."""
    kinds, fence = [], None
    for i, ln in enumerate(pages[rel]):
        if i < FM_LEN[rel]:
            kinds.append('fm'); continue
        m = re.match(r'^ {0,3}(`{3,}|~{3,})', ln)
        if m and (fence is None or (m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence))):
            fence = m.group(1) if fence is None else None
            kinds.append('fence'); continue
        if fence:
            kinds.append('code'); continue
        if re.match(r'^\s*</?[A-Za-z][^>]*>', ln) or re.match(r'^(import|export) ', ln):
            kinds.append('jsx'); continue
        if re.match(r'^:::', ln):
            kinds.append('adm'); continue
        kinds.append('text')
    if fence:
        err(f'{rel}: code fence not closed')
    return kinds


KINDS = {rel: line_kinds(rel) for rel in pages}

# MDX house rules: what would break an MDX 3 compile or change what the page shows
for rel in pages:
    opened = []
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k == 'adm':
            if re.fullmatch(r':::(note|tip|info|caution|warning|danger)(\[[^\]]+\])?', ln):
                opened.append(no)
            elif ln == ':::' and opened:
                opened.pop()
            else:
                err(f'{rel}:{no}: admonition line {ln!r} not modelled')
        if k != 'text':
            continue
        bare = re.sub(r'`[^`]*`', '', ln)
        bare = re.sub(r'\s*\{#[\w-]+\}\s*$', '', bare) if re.match(r'^#{1,6} ', ln) else bare
        if re.search(r'[{}]', bare):
            err(f'{rel}:{no}: {{ or }} in text (an MDX expression)')
        if re.search(r'<[A-Za-z/!]', bare):
            err(f'{rel}:{no}: < starting a tag inside text (MDX would read JSX)')
        if re.match(r'^( {4}|\t)\S', ln) and not re.match(r'^\s*([-*+]|\d+\.)\s', ln):
            err(f'{rel}:{no}: indented code block (MDX has none)')
        if re.match(r'^#{1,6}[^#\s]', ln):
            err(f'{rel}:{no}: "#text" without a space is not a heading')
        prev = pages[rel][no - 2] if no > 1 else ''
        if ln.startswith('|') and prev.strip() and not prev.startswith('|'):
            err(f'{rel}:{no}: table right after a paragraph (house rule: blank line first)')
        if re.match(r'^(=+|-{2,})\s*$', ln) and prev.strip() and not prev.startswith(('-', '|')):
            err(f'{rel}:{no}: setext heading underline (house rule: ATX only)')
    if opened:
        err(f'{rel}: admonition opened at line {opened[-1]} not closed')


# ---------------------------------------------------------------- headings and ids
def headings(rel):
    """(line_no, level, raw text) of ATX headings outside front matter and code."""
    out = []
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k != 'text':
            continue
        m = re.match(r'^ {0,3}(#{1,6})(?:[\t ]+(.*?))?[\t ]*$', ln)
        if m:
            raw = re.sub(r'(^|[\t ])#+$', '', m.group(2) or '').strip()
            out.append((no, len(m.group(1)), raw))
    return out


# @docusaurus/utils parseMarkdownHeadingId, classic syntax (3.x)
EXPLICIT = re.compile(r'\s*\{#((?:.(?!\{#|\}))*.)\}$')


def heading_text(raw):
    """mdast-util-to-string of the heading (what the slugger sees): code span text, link text, no emphasis
    markers, backslash escapes and character references resolved. The {#id} is still in it (handled after)."""
    t = raw
    if re.search(r'<[A-Za-z/]|!\[', t):
        err(f'heading {raw!r}: JSX / image in a heading is not modelled')
    t = re.sub(r'`+([^`]*)`+', r'\1', t)
    t = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'\*\*|__', '', t)
    t = re.sub(r'(?<![\w])[*_]|[*_](?![\w])', '', t)
    t = re.sub(r'\\([!-/:-@\[-`{-~])', r'\1', t)
    return html.unescape(t)


def rendered_text(raw):
    """The heading as shown (no {#id})."""
    t = heading_text(raw)
    m = EXPLICIT.search(t)
    return (t[:m.start()] if m else t).strip()


REMOVE_CATS = {'No', 'Pe', 'Pf', 'Pi', 'Ps', 'Po', 'Pd', 'Sm', 'Sc', 'Sk', 'So', 'Cc', 'Co', 'Cf', 'Cn',
               'Zs', 'Zl', 'Zp'}


def alphabetic(c):
    cat = unicodedata.category(c)
    return cat.startswith('L') or cat == 'Nl' or 0x24B6 <= ord(c) <= 0x24E9     # + circled letters (So)


def gh_slug(value):
    """github-slugger's slug(): lower-case, drop the characters of its generated regex (Unicode categories
    No, P* except Pc, Pd except '-', S*, Cc, Co, Cf, Cn, Z* except ' ', minus Alphabetic), then ' ' -> '-'.
    So U+3000 and （）・、。〜！？ vanish, '_' and full-width digits stay, runs of '-' are kept."""
    out = []
    for c in value.lower():
        if c in ' -':
            out.append(c)
        elif unicodedata.category(c) in REMOVE_CATS and not alphabetic(c):
            continue
        else:
            out.append(c)
    return ''.join(out).replace(' ', '-')


def anchors(rel):
    """ids in document order, as mdx-loader's headings plugin gives them. The h1 (if the page has one) is
    slugged too (the theme renders it without an id). An explicit {#id} is taken as written, trimmed, and NOT
    registered with the slugger."""
    occ, out = {}, []
    for no, lvl, raw in headings(rel):
        t = heading_text(raw)
        m = EXPLICIT.search(t)
        if m:
            out.append(m.group(1).strip()); continue
        base = gh_slug(t)
        hid = base
        while hid in occ:
            occ[base] += 1
            hid = f'{base}-{occ[base]}'
        occ[hid] = 0
        out.append(hid)
    return out


ANCH_LIST = {rel: anchors(rel) for rel in pages}
ANCH = {rel: set(v) for rel, v in ANCH_LIST.items()}
for rel in pages:
    hs = headings(rel)
    ids = [i for (no, lvl, raw), i in zip(hs, ANCH_LIST[rel]) if lvl > 1]
    for i, c in Counter(ids).items():
        if c > 1:
            err(f'{rel}: id {i!r} twice on the page (an explicit id equal to another id: Docusaurus renames neither '
                f'of them)')
    for no, lvl, raw in hs:
        if lvl == 1 and (no != next(n for n, k in enumerate(KINDS[rel], 1) if k == 'text' and pages[rel][n - 1].strip())
                         or FM[rel].get('title')):
            err(f'{rel}:{no}: an h1 is only expected as the first line of a page without a front-matter title')
        if lvl >= 4:
            err(f'{rel}:{no}: only #, ## and ### are used')
    if not FM[rel].get('title') and not (hs and hs[0][1] == 1):
        err(f'{rel}: no title (front matter title or a leading # heading)')


def title_of(rel):
    if FM[rel].get('title'):
        return FM[rel]['title']
    return rendered_text(headings(rel)[0][2])


TITLE = {rel: title_of(rel) for rel in pages}

for rel, cur in OBSOLETE.items():
    body = [ln for ln, k in zip(pages[rel], KINDS[rel]) if k != 'fm' and ln.strip()]
    if len(body) < 3 or not body[0].startswith(':::danger') or posixpath.basename(cur) not in body[1]:
        err(f'{rel}: obsolete page must open with a danger admonition linking its current page')
    if not TITLE[rel].startswith('【旧】'):
        err(f'{rel}: obsolete page title must start with 【旧】')

# ---------------------------------------------------------------- links between pages ([text](./x.md#frag))
LINK = re.compile(r'\]\(([^)\s]+\.mdx?)(#[^)\s]*)?\)')
nlinks = 0
link_targets = Counter()
for rel in pages:
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k not in ('text',):
            continue
        for m in LINK.finditer(ln):
            nlinks += 1
            tgt_inner = posixpath.normpath(posixpath.join(posixpath.dirname(SRC_OF[rel]), m.group(1)))
            cands = [CONTENT[LANG_OF[rel]] + '/' + tgt_inner, CONTENT['ja'] + '/' + tgt_inner]
            dest = next((c for c in cands if c in pages), None)
            if not dest:
                err(f'{rel}:{no}: link {m.group(1)} is not a page'); continue
            link_targets[dest] += 1
            if m.group(2) and m.group(2)[1:] not in ANCH[dest]:
                err(f'{rel}:{no}: anchor {m.group(2)} not in {dest}')
for rel, cur in OBSOLETE.items():
    if not any(rel == c for c in [CONTENT['ja'] + '/' + posixpath.normpath(posixpath.join(
            posixpath.dirname(SRC_OF[cur]), m.group(1))) for ln in pages[cur] for m in LINK.finditer(ln)]):
        err(f'{rel}: the current page {cur} should link the obsolete page')


# ---------------------------------------------------------------- question files
def load(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]


def markup_only(ln):
    s = ln.strip()
    if not s or re.fullmatch(r'\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?', s):
        return True
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', s).strip()
    return body in ('', 'TODO', '|', '—')


def check_gold(qid, src, gl):
    if src not in pages:
        err(f'{qid}: unknown source {src}'); return
    if src in OBSOLETE or src in STUBS:
        err(f'{qid}: gold on the obsolete page or a placeholder {src}')
    lines, kinds = pages[src], KINDS[src]
    if not gl:
        err(f'{qid}: empty gold_lines')
    if gl != sorted(set(gl)):
        err(f'{qid}: gold_lines not sorted/unique')
    for n in gl:
        if not isinstance(n, int) or not 1 <= n <= len(lines):
            err(f'{qid}: gold line {n} out of range for {src} ({len(lines)} lines)'); continue
        ln, k = lines[n - 1], kinds[n - 1]
        if k in ('fm', 'fence', 'jsx', 'adm'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^#{1,6}(\s|$)', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')


def section_of(src, n):
    best = None
    for (no, lvl, raw), hid in zip(headings(src), ANCH_LIST[src]):
        if no < n:
            best = (rendered_text(raw), hid, lvl)
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


GOLD_URLS = []


def check_heading(qid, src, gl, heading):
    if src not in pages or not gl:
        return
    secs = {section_of(src, n) for n in gl if isinstance(n, int)}
    if len(secs) != 1:
        err(f'{qid}: gold lines fall under several headings {secs}'); return
    sec = secs.pop()
    if sec is None or sec[2] == 1:
        err(f'{qid}: gold lines are not under an h2/h3 (the h1 has no id)'); return
    if heading != {'text': sec[0], 'id': sec[1]}:
        err(f'{qid}: heading {heading} != section of the gold lines {sec[:2]}')
    else:
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
    "h29-001": ["1 冊につき 1,500 円"],
    "h29-002": ["本番 3 か月前を過ぎてから休団すると"],
    "h29-003": ["本番 2 週間前の練習日までにチケット係へ返して"],
    "h29-004": ["600 枚以上売らないと赤字"],
    "h29-005": ["外との温度差で皮が伸び縮みするため"],
    "h29-006": ["使う月の 2 か月前の 1 日、朝 9:00"],
    "h29-007": ["潮見市立南中学校の音楽室を借ります"],
    "h29-008": ["9 台（会館のものを 3 台借りる。1 台 1,650 円）"],
    "h29-009": ["最大 10 万円を団が払う"],
    "h29-010": ["1 回 16,500 円"],
    "h29-011": ["20.42 % income tax is withheld"],
    "h29-012": ["He is pescatarian"],
    "h29-013": ["nobody speaks to him during the break"],
    "h29-014": ["¥12,000"],
    "h29-015": ["we will not use a guest who misses the dress rehearsal"],
    "h29-016": ["up to ¥3,000 per day"],
    "h29-017": ["Hold the **bowl ring**"],
    "h29-018": ["below 5 °C or above 30 °C"],
    "h29-019": ["Weekdays 9:00–16:00"],
    "h29-020": ["pay the treasurer in cash at rehearsal"],
    "h29-021": ["30 分ごとに 8,000 円"],
    "h29-022": ["昼食代として 1,000 円"],
    "h29-023": ["1 階 14 列の両端に 4 席"],
    "h29-024": ["| 定期演奏会（第47回・第48回） | 2,000 円 | 2,500 円 |"],
    "h29-025": ["1 回 9,600 円"],
    "h29-026": ["4t トラックは、文化会館の搬入口の前で曲がれない"],
    "h29-027": ["冬は 22 度"],
    "h29-028": ["シャッターを一番上まで上げてから通して"],
    "h29-029": ["オーボエ 2 人"],
    "h29-030": ["会館の舞台課に送ったリンクが切れる"],
    "h29-031": ["¥5,000 cash for each day"],
    "h29-032": ["He does not drink alcohol"],
    "h29-033": ["| Mon 31 May | Leaves on the 10:05 train | Okada |"],
    "h29-034": ["¥11,000 per day including delivery"],
    "h29-035": ["A pedal left high can snap up"],
    "h29-036": ["the gate takes at most 750 kg"],
    "h29-037": ["PDF six weeks before the concert"],
    "h29-038": ["No white shirts, even for men"],
    "h29-039": ["Closed Thursday afternoons"],
    "h29-040": ["hurry up: we are behind schedule"],
    "h29f-001": [["| 定期演奏会（通常編成） | 2t ロング（パワーゲート付き） 1 台 |"], ["2t ロング 1 台と、1t バン 1 台"], ["| 1t バン | 14,300 円 |"]],
    "h29f-002": [["Hotel Shiomi Bay"], ["14–17 May (3 nights) and 28–31 May (3 nights)"]],
    "h29f-003": [["| 3 階 多目的ホール | 全体練習（合奏） | 約 220 ㎡ | 4,800 円 |"], ["取り消しは 7 日前までなら無料"]],
    "h29f-004": [["譜面台: 62 本"], ["1 本 110 円"], ["1 本 8,800 円の弁償"]],
    "h29f-005": [["Arrives at Shiomi Station 16:42"], ["¥300,000 for all rehearsals and the concert"]],
    "h29f-006": [["We do **not** own a tam-tam or a marimba"], ["Shiomi High School wind band"], ["return Monday after school"]],
}
# --- end ANSWER_KEYS ---


def check_questions():
    ans = load('answerable.jsonl')
    if len(ans) != sum(CELL_SIZES):
        err(f'answerable: {len(ans)} != {sum(CELL_SIZES)}')
    cell_of = [c for c, n in zip(CELLS, CELL_SIZES) for _ in range(n)]
    for i, q in enumerate(ans):
        check_row('answerable', i, q, PREFIX,
                  ('id', 'lang', 'style', 'question', 'source', 'gold_lines', 'heading', 'url', 'answer'))
        if q.get('style') not in STYLES:
            err(f'{q["id"]}: bad style {q.get("style")}')
        cell = cell_of[min(i, len(cell_of) - 1)]
        if (q['lang'], LANG_OF.get(q['source'])) != cell:
            err(f'{q["id"]}: cell {(q["lang"], LANG_OF.get(q["source"]))} != expected {cell}')
        if not looks(q['lang'], q['question']):
            err(f'{q["id"]}: question text does not look {q["lang"]}')
        check_gold(q['id'], q['source'], q['gold_lines'])
        check_keys(q['id'], q['source'], q['gold_lines'], ANSWER_KEYS.get(q['id'], []))
        check_heading(q['id'], q['source'], q['gold_lines'], q.get('heading'))
        if q['source'] in pages and q.get('heading'):
            want = SITE_URL + URL_OF[q['source']] + '#' + q['heading']['id']
            if q.get('url') != want:
                err(f'{q["id"]}: url {q.get("url")} != {want}')
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
        m = re.fullmatch(r"grep -rniE '([^']+)' notes/docs/ notes/i18n/ -> 0 hits", q['why_absent'])
        if not m:
            err(f'{q["id"]}: why_absent not in the form "grep -rniE \'PAT\' notes/docs/ notes/i18n/ -> 0 hits"')
            continue
        r = subprocess.run(['grep', '-rniE', m.group(1)] + GREP_DIRS, cwd=ROOT, capture_output=True, text=True)
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
        check_row('followup', i, q, PREFIX + 'f',
                  ('id', 'lang', 'turns', 'source', 'gold_lines', 'headings', 'answers'))
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
    return ans, na, fu


# ---------------------------------------------------------------- optional: the real github-slugger under node
NODE_SLUG = r"""
const {pathToFileURL} = require('url');
const path = require('path');
const fs = require('fs');
(async () => {
  const dir = process.argv[1];
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const entry = (pkg.exports && (pkg.exports.default || pkg.exports['.'] || pkg.exports)) || pkg.main || 'index.js';
  const mod = await import(pathToFileURL(path.join(dir, typeof entry === 'string' ? entry : 'index.js')).href);
  const Slugger = mod.default && mod.default.default ? mod.default.default : mod.default;
  const pages = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = {};
  for (const [name, items] of Object.entries(pages)) {
    const s = new Slugger();
    out[name] = items.map(([explicit, text]) => explicit === null ? s.slug(text) : explicit);
  }
  process.stdout.write(JSON.stringify({version: pkg.version, ids: out}));
})().catch((e) => { console.error(String(e)); process.exit(2); });
"""


def find_slugger():
    cands = []
    if '--slugger' in sys.argv:
        cands.append(sys.argv[sys.argv.index('--slugger') + 1])
    if os.environ.get('GITHUB_SLUGGER'):
        cands.append(os.environ['GITHUB_SLUGGER'])
    cands.append(os.path.join(NOTES, 'node_modules', 'github-slugger'))
    for c in cands:
        if c and os.path.isfile(os.path.join(c, 'package.json')):
            return c
    return None


def slugger_check():
    node = shutil.which('node')
    d = find_slugger()
    if not node or not d:
        return None, 'github-slugger cross-check SKIPPED (no node or no github-slugger: --slugger DIR / $GITHUB_SLUGGER)'
    payload = {}
    for rel in pages:
        items = []
        for no, lvl, raw in headings(rel):
            t = heading_text(raw)
            m = EXPLICIT.search(t)
            items.append([m.group(1).strip(), None] if m else [None, t])
        payload[rel] = items
    r = subprocess.run([node, '-e', NODE_SLUG, d], input=json.dumps(payload), capture_output=True, text=True)
    if r.returncode != 0:
        err(f'node github-slugger failed: {r.stderr[-500:]}')
        return False, 'github-slugger cross-check FAILED to run'
    res = json.loads(r.stdout)
    same = 0
    for rel, got in res['ids'].items():
        if got != ANCH_LIST[rel]:
            err(f'github-slugger {res["version"]}: {rel}: {got} != check.py {ANCH_LIST[rel]}')
        else:
            same += 1
    n = sum(len(v) for v in res['ids'].values())
    return same == len(pages), (f'github-slugger {res["version"]} (node): {same}/{len(pages)} pages with all '
                                f'{n} heading ids equal to check.py\'s')


# ---------------------------------------------------------------- optional: a real Docusaurus build
class Ids(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.heads, self.all_ids, self.in_article = [], set(), 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id') is not None:
            self.all_ids.add(a['id'])
        if tag == 'article':
            self.in_article += 1
        if self.in_article and re.fullmatch(r'h[2-6]', tag) and a.get('id'):
            self.heads.append(a['id'])

    def handle_endtag(self, tag):
        if tag == 'article':
            self.in_article -= 1


def docusaurus_check(gold_urls):
    mods = None
    if '--docusaurus' in sys.argv:
        mods = sys.argv[sys.argv.index('--docusaurus') + 1]
    elif os.path.isdir(os.path.join(NOTES, 'node_modules', '@docusaurus', 'core')):
        mods = os.path.join(NOTES, 'node_modules')
    if not mods or not shutil.which('node'):
        return 'Docusaurus build check SKIPPED (no @docusaurus/core offline: --docusaurus NODE_MODULES_DIR)'
    cli = os.path.join(mods, '@docusaurus', 'core', 'bin', 'docusaurus.mjs')
    if not os.path.isfile(cli):
        err(f'--docusaurus {mods}: no @docusaurus/core/bin/docusaurus.mjs')
        return 'Docusaurus build check FAILED'
    work = tempfile.mkdtemp(prefix='h29site-')
    try:
        site = os.path.join(work, 'site')
        shutil.copytree(NOTES, site, ignore=shutil.ignore_patterns('node_modules'))
        os.symlink(os.path.abspath(mods), os.path.join(site, 'node_modules'))
        r = subprocess.run(['node', cli, 'build', '--out-dir', os.path.join(work, 'build')], cwd=site,
                           capture_output=True, text=True)
        if r.returncode != 0:
            err(f'docusaurus build failed:\n{(r.stdout + r.stderr)[-1500:]}')
            return 'Docusaurus build check FAILED'
        built, same = {}, 0
        for rel in pages:
            f = os.path.join(work, 'build', URL_OF[rel][len(BASE_PATH):], 'index.html')
            if not os.path.exists(f):
                err(f'docusaurus: {rel}: no built file for {URL_OF[rel]}'); continue
            p = Ids()
            with open(f, encoding='utf-8') as fh:
                p.feed(fh.read())
            built[URL_OF[rel]] = p
            want = [i for (no, lvl, raw), i in zip(headings(rel), ANCH_LIST[rel]) if lvl > 1]
            if p.heads != want:
                err(f'docusaurus: {rel}: heading ids {p.heads} != check.py {want}')
            else:
                same += 1
        ok = 0
        for qid, u in gold_urls:
            path, frag = u[len(SITE_URL):].split('#', 1)
            if path in built and frag in built[path].all_ids:
                ok += 1
            else:
                err(f'docusaurus: {qid}: {u} not found in the build')
        return f'Docusaurus build: {len(built)}/{len(pages)} pages at the computed URLs, {same} with equal ids, ' \
               f'{ok}/{len(gold_urls)} gold URLs found'
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ans, na, fu = check_questions()
    ok, note = slugger_check()
    if '--need-slugger' in sys.argv and not ok:
        err('github-slugger cross-check required but not passed')
    notes = [note, docusaurus_check(GOLD_URLS)]
    nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in pages.values())
    allids = [i for v in ANCH_LIST.values() for i in v]
    nexp = sum(1 for r in pages for no, l, raw in headings(r) if EXPLICIT.search(heading_text(raw)))
    print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in LANG_OF.values())} incl. {len(STUBS)} placeholders and '
          f'{len(OBSOLETE)} obsolete, en {sum(v == "en" for v in LANG_OF.values())}), lines: {nlines}, '
          f'headings: {len(allids)} (explicit {{#id}}: {nexp}), .md links checked: {nlinks}')
    for n in notes:
        print(n)
    cells = Counter((q['lang'], LANG_OF.get(q['source'])) for q in ans)
    print(f'answerable: {len(ans)}  cells (q-lang, page-lang): {dict(cells)}  '
          f'styles: {dict(Counter(q["style"] for q in ans))}')
    print(f'noanswer: {len(na)}  langs: {dict(Counter(q["lang"] for q in na))}  '
          f'kinds: {dict(Counter(q["kind"] for q in na))}')
    print(f'followup: {len(fu)}  langs: {dict(Counter(q["lang"] for q in fu))}  '
          f'turns: {dict(Counter(len(q["turns"]) for q in fu))}')
    if '--ids' in sys.argv:
        for rel in sorted(pages):
            print(rel, SITE_URL + URL_OF[rel], repr(TITLE[rel]), ANCH_LIST[rel])
    if errors:
        print(f'\nFAILED ({len(errors)} problems):')
        for e in errors:
            print(' -', e)
        sys.exit(1)
    print('OK')


if __name__ == '__main__':
    main()
