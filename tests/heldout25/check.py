#!/usr/bin/env python3
"""Checks for the h25 held-out set (stdlib only; adapted from tests/heldout24/check.py for a Docusaurus v3 site).

Run from anywhere:  python3 check.py            (in /work/h25 or its out/ copy, or python3 /path/to/check.py)
  - notes/ is the Docusaurus site (docusaurus.config.js, sidebars.js, package.json, docs/...). Page URLs, doc ids,
    heading ids (github-slugger + {#custom-id}), links and anchors are computed here with Docusaurus 3 rules.
  - if `node` is installed and tools/node_modules holds github-slugger 1.5 (the version @docusaurus/utils 3.x
    depends on), every heading is also slugged by the real github-slugger, one instance per page, in document
    order, with Docusaurus' {#id} rule; if tools/node_modules also holds @mdx-js/mdx 3, remark-gfm 4,
    remark-directive 3 and mdast-util-to-string 4 (what @docusaurus/mdx-loader 3 uses), every page is compiled as
    MDX after Docusaurus' preprocessing and the heading ids, heading lines and link targets of the real parse must
    equal check.py's.  `--need-node` turns "not installed" into a failure.  Without tools/ the node part is
    skipped (and the skip is printed).
"""
import json, os, posixpath, re, shutil, subprocess, sys, unicodedata
import urllib.parse
from collections import Counter

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')      # the Docusaurus site (its git repository) checked out here
DOCS_DIR = 'docs'                        # docs plugin `path`
TOOLS = os.path.join(ROOT, 'tools')

SITE_URL = 'https://wiki.yuzunoki-dental.example'
BASE_URL = '/'
ROUTE_BASE = 'manual'                    # docs plugin `routeBasePath`
ROOT_FILES = {'docusaurus.config.js', 'sidebars.js', 'package.json'}

# body language of each page (declared, used for the cell counts); paths relative to notes/
PAGE_LANG = {
    'docs/index.md': 'ja',
    'docs/01-reception/README.md': 'ja',
    'docs/01-reception/02-appointments.md': 'ja',
    'docs/01-reception/patient-guide.md': 'en',
    'docs/02-billing/fees.md': 'ja',
    'docs/02-billing/insurance.md': 'en',
    'docs/03-clinical/01-radiography.md': 'ja',
    'docs/03-clinical/sterilization.md': 'ja',
    'docs/03-clinical/sharps-and-waste.md': 'en',
    'docs/03-clinical/emergency.md': 'ja',
    'docs/04-staff/shift-rules.md': 'ja',
    'docs/04-staff/roster.md': 'en',
    'docs/04-staff/onboarding.md': 'en',
    'docs/04-staff/privacy.md': 'en',
    'docs/05-equipment/maintenance.md': 'ja',
    'docs/05-equipment/autoclave-errors.md': 'en',
    'docs/faq.md': 'ja',
    'docs/glossary.md': 'en',
    'docs/archive/fees-2025.md': 'ja',
    'docs/archive/2024-shift-rules.md': 'ja',
}
HOME = 'docs/index.md'
OBSOLETE = {'docs/archive/fees-2025.md': 'docs/02-billing/fees.md',          # obsolete page -> its current page
            'docs/archive/2024-shift-rules.md': 'docs/04-staff/shift-rules.md'}
# expected URLs (path after the site URL; trailingSlash: false) -- computed below and compared with these
EXPECTED_URL = {
    'docs/index.md': '/manual',
    'docs/01-reception/README.md': '/manual/reception',
    'docs/01-reception/02-appointments.md': '/manual/reception/appointments',
    'docs/01-reception/patient-guide.md': '/manual/patients',
    'docs/02-billing/fees.md': '/manual/billing/price-list',
    'docs/02-billing/insurance.md': '/manual/billing/insurance-basics',
    'docs/03-clinical/01-radiography.md': '/manual/clinical/radiography',
    'docs/03-clinical/sterilization.md': '/manual/clinical/sterilization',
    'docs/03-clinical/sharps-and-waste.md': '/manual/clinical/sharps-and-waste',
    'docs/03-clinical/emergency.md': '/manual/emergency',
    'docs/04-staff/shift-rules.md': '/manual/staff/shift-rules',
    'docs/04-staff/roster.md': '/manual/staff/roster',
    'docs/04-staff/onboarding.md': '/manual/staff/onboarding',
    'docs/04-staff/privacy.md': '/manual/staff/privacy',
    'docs/05-equipment/maintenance.md': '/manual/equipment/maintenance',
    'docs/05-equipment/autoclave-errors.md': '/manual/equipment/autoclave-errors',
    'docs/faq.md': '/manual/faq',
    'docs/glossary.md': '/manual/glossary',
    'docs/archive/fees-2025.md': '/manual/archive/fees-2025',
    'docs/archive/2024-shift-rules.md': '/manual/archive/shift-rules',
}
EXPECTED_ID = {'docs/02-billing/fees.md': 'billing/price-list', 'docs/03-clinical/emergency.md': 'clinical/emergency',
               'docs/01-reception/README.md': 'reception/README', 'docs/index.md': 'index',
               'docs/archive/2024-shift-rules.md': 'archive/shift-rules',
               'docs/03-clinical/01-radiography.md': 'clinical/radiography'}
CELLS = [('ja', 'ja'), ('ja', 'en'), ('en', 'ja'), ('en', 'en')]
CELL_SIZES = [12, 9, 10, 9]   # ja->ja, ja->en, en->ja, en->en, in file order
STYLES = {'numeric', 'how', 'factual', 'why', 'paraphrase'}
PREFIX = 'h25'
FM_KEYS = {'id', 'title', 'slug', 'sidebar_position', 'sidebar_label', 'description'}
ADMONITIONS = {'note', 'tip', 'info', 'warning', 'danger', 'caution'}

errors = []
def err(msg):
    errors.append(msg)

# ---------------------------------------------------------------- files
def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')

files, categories = {}, {}
for dp, dn, fn in os.walk(NOTES):
    dn[:] = [d for d in dn if not d.startswith('.') and d != 'node_modules']
    for f in fn:
        rel = os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/')
        if '/' not in rel:
            if rel not in ROOT_FILES:
                err(f'{rel}: unexpected file at the site root')
            continue
        if not rel.startswith(DOCS_DIR + '/'):
            err(f'{rel}: unexpected file outside {DOCS_DIR}/')
        elif f == '_category_.json':
            try:
                categories[rel] = json.load(open(os.path.join(NOTES, rel), encoding='utf-8'))
            except ValueError as e:
                err(f'{rel}: bad JSON: {e}')
        elif f.endswith('.md'):
            files[rel] = read_lines(rel)
        else:
            err(f'{rel}: only .md and _category_.json are expected under {DOCS_DIR}/')
pages = files
if set(pages) != set(PAGE_LANG):
    err(f'PAGE_LANG mismatch: {sorted(set(pages) ^ set(PAGE_LANG))}')
for r in ROOT_FILES:
    if not os.path.exists(os.path.join(NOTES, r)):
        err(f'{r} missing at the site root')

# the config must say what check.py assumes
try:
    cfg = open(os.path.join(NOTES, 'docusaurus.config.js'), encoding='utf-8').read()
    for pat, what in ((r"routeBasePath:\s*'%s'" % ROUTE_BASE, 'routeBasePath'), (r"path:\s*'%s'" % DOCS_DIR, 'docs path'),
                      (r"baseUrl:\s*'%s'" % re.escape(BASE_URL), 'baseUrl'), (r"url:\s*'%s'" % re.escape(SITE_URL), 'url'),
                      (r'trailingSlash:\s*false', 'trailingSlash'), (r"onBrokenAnchors:\s*'throw'", 'onBrokenAnchors'),
                      (r"format:\s*'mdx'", 'markdown.format')):
        if not re.search(pat, cfg):
            err(f'docusaurus.config.js: {what} is not what check.py assumes ({pat})')
except OSError:
    pass

# ---------------------------------------------------------------- front matter
def front_matter(rel):
    """(dict, number of front-matter lines incl. both '---'). Simple `key: value` YAML only (house rule)."""
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
                if k in fm:
                    err(f'{rel}: front matter key {k} twice')
                fm[k] = v
            return fm, i + 1
    err(f'{rel}: front matter not closed')
    return {}, 0

FM, FM_LEN = {}, {}
for rel in pages:
    FM[rel], FM_LEN[rel] = front_matter(rel)
    for k, v in FM[rel].items():
        if k not in FM_KEYS:
            err(f'{rel}: front matter key {k} not used in this wiki (allowed: {sorted(FM_KEYS)})')
    if 'id' in FM[rel] and ('/' in FM[rel]['id'] or not re.fullmatch(r'[A-Za-z0-9_-]+', FM[rel]['id'])):
        err(f'{rel}: front matter id {FM[rel]["id"]!r} must be a plain name without "/"')
    if 'sidebar_position' in FM[rel] and not re.fullmatch(r'\d+(\.\d+)?', FM[rel]['sidebar_position']):
        err(f'{rel}: sidebar_position must be a number')
    if 'slug' in FM[rel] and not re.fullmatch(r'/?[a-z0-9-]+(/[a-z0-9-]+)*|/', FM[rel]['slug']):
        err(f'{rel}: slug {FM[rel]["slug"]!r} is not a simple path')

# ---------------------------------------------------------------- Docusaurus ids and URLs
IGNORED_PREFIX = re.compile(r'^\d+[-_.]\d+')
NUMBER_PREFIX = re.compile(r'^(?P<n>\d+)\s*[-_.]+\s*(?P<s>[^-_.\s].*)$')

def strip_number_prefix(name):
    """plugin-content-docs numberPrefix.ts DefaultNumberPrefixParser: '02-appointments' -> 'appointments',
    '2024-shift-rules' -> 'shift-rules' (a year is a number prefix too), '2024-03-foo' / '1.2-foo' untouched."""
    if IGNORED_PREFIX.match(name):
        return name
    m = NUMBER_PREFIX.match(name)
    return m.group('s') if m else name


def doc_meta(rel):
    """(doc id, slug) by plugin-content-docs 3.x docs.ts + slug.ts, for a file docs/<source>."""
    source = rel[len(DOCS_DIR) + 1:]
    src_dir = posixpath.dirname(source) or '.'
    fname = posixpath.splitext(posixpath.basename(source))[0]
    base_id = FM[rel].get('id') or strip_number_prefix(fname)
    dir_stripped = '/'.join(strip_number_prefix(s) for s in src_dir.split('/')) if src_dir != '.' else '.'
    doc_id = base_id if src_dir == '.' else f'{dir_stripped}/{base_id}'
    dir_slug = '/' if src_dir == '.' else '/' + dir_stripped + '/'
    fm_slug = FM[rel].get('slug')
    directories = list(reversed(src_dir.split('/')))
    is_cat_index = fname.lower() in ('index', 'readme', directories[0].lower())
    if fm_slug and fm_slug.startswith('/'):
        slug = fm_slug
    elif not fm_slug and is_cat_index:
        slug = dir_slug
    else:
        slug = posixpath.normpath(posixpath.join(dir_slug, fm_slug or base_id))
    return doc_id, slug


def permalink(slug):
    p = '/' + '/'.join(s for s in (BASE_URL.strip('/'), ROUTE_BASE.strip('/'), slug.strip('/')) if s)
    return p  # trailingSlash: false -> no trailing slash


DOC_ID, URL_OF = {}, {}
for rel in sorted(pages):
    i, s = doc_meta(rel)
    DOC_ID[rel], URL_OF[rel] = i, permalink(s)
    if rel in EXPECTED_URL and URL_OF[rel] != EXPECTED_URL[rel]:
        err(f'{rel}: computed URL {URL_OF[rel]} != expected {EXPECTED_URL[rel]}')
    if rel in EXPECTED_ID and DOC_ID[rel] != EXPECTED_ID[rel]:
        err(f'{rel}: computed doc id {DOC_ID[rel]} != expected {EXPECTED_ID[rel]}')
for k, v in Counter(DOC_ID.values()).items():
    if v > 1:
        err(f'doc id {k} used twice')
PAGE_BY_URL = {u: r for r, u in URL_OF.items()}
if len(PAGE_BY_URL) != len(URL_OF):
    err('two docs share a URL')
DOC_BY_ID = {i: r for r, i in DOC_ID.items()}

EXTRA_ROUTES = {}   # generated-index category pages
for crel, c in categories.items():
    for k in c:
        if k not in ('label', 'position', 'link', 'collapsed', 'collapsible', 'description'):
            err(f'{crel}: unexpected key {k}')
    if not isinstance(c.get('label'), str):
        err(f'{crel}: label missing')
    link = c.get('link')
    if link:
        if link.get('type') == 'doc':
            if link.get('id') not in DOC_BY_ID:
                err(f'{crel}: link.id {link.get("id")!r} is not a doc id ({sorted(DOC_BY_ID)})')
        elif link.get('type') == 'generated-index':
            slug = link.get('slug')
            if not slug or not slug.startswith('/'):
                err(f'{crel}: generated-index needs an absolute slug (house rule)')
            else:
                u = permalink(slug)
                if u in PAGE_BY_URL or u in EXTRA_ROUTES:
                    err(f'{crel}: generated-index URL {u} collides with a doc')
                EXTRA_ROUTES[u] = crel
        else:
            err(f'{crel}: bad link type')
    folder = posixpath.dirname(crel)
    if not any(p.startswith(folder + '/') for p in pages):
        err(f'{crel}: folder has no docs')

# ---------------------------------------------------------------- line kinds
def line_kinds(rel):
    """Per-line kind: 'fm' (front matter), 'fence', 'code', 'html' (<details>/<summary> lines), 'adm' (::: lines),
    or 'text'."""
    lines = files[rel]
    kinds = []
    fence = None
    for i, ln in enumerate(lines):
        if i < FM_LEN.get(rel, 0):
            kinds.append('fm'); continue
        m = re.match(r'^ {0,3}(`{3,}|~{3,})', ln)
        if m and (fence is None or m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)):
            fence = m.group(1) if fence is None else None
            kinds.append('fence'); continue
        if fence:
            kinds.append('code'); continue
        if re.match(r'^\s*</?(details|summary)\b', ln):
            kinds.append('html')
        elif re.match(r'^:::', ln):
            kinds.append('adm')
        else:
            kinds.append('text')
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
    if re.fullmatch(r'\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?', s):     # table separator
        return True
    if s.startswith(':::'):                                                # admonition open/close (title only)
        return True
    if re.match(r'^</?(details|summary)\b', s):
        return True
    body = strip_inline(re.sub(r'^(>\s*)+', '', s))
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', body).strip()
    return body in ('', 'TODO', '|', '—')

# ---------------------------------------------------------------- MDX safety and page structure
for rel in pages:
    lines, kinds = files[rel], KINDS[rel]
    depth = 0
    adm_open = None
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k == 'html':
            s = ln.strip()
            if not re.fullmatch(r'<details>|</details>|<summary>[^<>{}]+</summary>', s):
                err(f'{rel}:{no}: HTML line must be exactly <details>, </details> or <summary>text</summary>')
            if s == '<details>':
                depth += 1
                if not re.fullmatch(r'<summary>.*</summary>', lines[no].strip()) or lines[no + 1].strip():
                    err(f'{rel}:{no}: <details> must be followed by a <summary> line and a blank line')
            elif s == '</details>':
                depth -= 1
                if lines[no - 2].strip():
                    err(f'{rel}:{no}: </details> must follow a blank line (MDX would swallow the markdown)')
            continue
        if k == 'adm':
            m = re.fullmatch(r':::(\w+)?(\[[^\]]+\]| [^\[\]{}<>]+)?\s*', ln)
            if not m:
                err(f'{rel}:{no}: bad admonition line {ln!r}')
            elif m.group(1):
                if m.group(1) not in ADMONITIONS:
                    err(f'{rel}:{no}: unknown admonition {m.group(1)}')
                if adm_open:
                    err(f'{rel}:{no}: nested admonition')
                adm_open = no
            else:
                if not adm_open:
                    err(f'{rel}:{no}: ::: without an open admonition')
                adm_open = None
            continue
        if k != 'text':
            continue
        t = re.sub(r'`[^`]*`', '', ln)
        if re.match(r'^#{1,6}\s', ln):
            t = re.sub(r'\s*\{#[A-Za-z0-9_-]+\}$', '', t)
            if depth:
                err(f'{rel}:{no}: heading inside <details> (house rule: none)')
            if adm_open:
                err(f'{rel}:{no}: heading inside an admonition (house rule: none)')
        if '<' in t or '{' in t or '}' in t:
            err(f'{rel}:{no}: "<", "{{" or "}}" outside code: not MDX-safe: {ln!r}')
        if re.search(r'(?<![(\[])https?://', t):
            err(f'{rel}:{no}: bare URL (house rule: none)')
        if k == 'text' and re.fullmatch(r' {0,3}(=+|-+)\s*', ln) and no > 1 and lines[no - 2].strip() \
                and kinds[no - 2] == 'text':
            err(f'{rel}:{no}: setext underline (the line above would become a heading)')
    if depth:
        err(f'{rel}: unbalanced <details>')
    if adm_open:
        err(f'{rel}:{adm_open}: admonition not closed')

# ---------------------------------------------------------------- headings and ids (Docusaurus 3 / github-slugger 1.5)
def headings(rel):
    """(line_no, level, raw text) of ATX headings outside code, front matter and HTML."""
    out = []
    for no, (ln, k) in enumerate(zip(files[rel], KINDS[rel]), 1):
        if k != 'text':
            continue
        m = re.match(r'^ {0,3}(#{1,6})(?:[\t ]+(.*?))?[\t ]*$', ln)
        if m:
            raw = re.sub(r'(^|[\t ])#+$', '', m.group(2) or '').strip()
            out.append((no, len(m.group(1)), raw))
    return out


def is_kept(c):
    """github-slugger 1.5 / 2.0 keep (after toLowerCase) letters, marks, decimal digits, letter numbers (Nl),
    connector punctuation, '-', ' ' and the circled letters U+24B6-U+24E9; everything else goes (ASCII
    punctuation, full-width brackets and punctuation, '・', '〜', '℃', '①', '²', emoji...). 1.5.0 and 2.0.0 give
    the same result for every code point U+0020-U+2FFFF (measured)."""
    cat = unicodedata.category(c)
    return cat[0] in 'LM' or cat in ('Nd', 'Nl', 'Pc') or c in '- ' or 0x24B6 <= ord(c) <= 0x24E9


def heading_text(raw):
    """mdast-util-to-string of the heading: code-span text and link text kept, emphasis markup dropped.
    (No HTML, entities or images in headings here; check.py rejects '<' anyway.)"""
    t = raw
    t = re.sub(r'`+([^`]*)`+', lambda m: '\x00' + m.group(1).replace('*', '\x02').replace('_', '\x03') + '\x00', t)
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'\*\*|__|~~', '', t)
    t = re.sub(r'(?<![\w])[*_]|[*_](?![\w])', '', t)
    return t.replace('\x00', '').replace('\x02', '*').replace('\x03', '_')


EXPLICIT = re.compile(r'\s*\{#(?P<id>(?:.(?!\{#|\}))*.)\}$')   # @docusaurus/utils parseMarkdownHeadingId (classic)


def gh_slug(text):
    return ''.join(c for c in text.lower() if is_kept(c)).replace(' ', '-')


def anchors(rel):
    """ids in document order (H1 included). Docusaurus' headings plugin: an explicit {#id} is used as is and is
    NOT registered in the slugger; otherwise github-slugger BananaSlug: slug; while taken: occurrences[orig] += 1,
    try orig-N; then occurrences[result] = 0."""
    occ, out = {}, []
    for no, lvl, raw in headings(rel):
        text = heading_text(raw)
        m = EXPLICIT.search(text)
        if m:
            hid = m.group('id').strip()
            if not re.fullmatch(r'[a-z0-9]+(-[a-z0-9]+)*', hid):
                err(f'{rel}:{no}: explicit id {hid!r}: house rule is lower-case ASCII words joined by "-"')
            out.append(hid); continue
        base = gh_slug(text)
        res = base
        while res in occ:
            occ[base] += 1
            res = f'{base}-{occ[base]}'
        occ[res] = 0
        out.append(res)
    if '' in out:
        err(f'{rel}: a heading gets an empty id')
    for k, v in Counter(out).items():
        if v > 1:
            err(f'{rel}: two headings get the id {k!r} (an explicit id is not registered in the slugger)')
    return out

ANCH_LIST = {rel: anchors(rel) for rel in pages}
ANCH = {rel: set(v) for rel, v in ANCH_LIST.items()}

TITLE = {}
for rel in pages:
    hs = headings(rel)
    h1 = [h for h in hs if h[1] == 1]
    if len(h1) > 1:
        err(f'{rel}: more than one H1')
    first = next((no for no, (ln, k) in enumerate(zip(files[rel], KINDS[rel]), 1) if k != 'fm' and ln.strip()), None)
    if h1 and h1[0][0] != first:
        err(f'{rel}: the H1 must be the first content line (Docusaurus takes it as the title)')
    if not h1 and 'title' not in FM[rel]:
        err(f'{rel}: no H1 and no front matter title')
    TITLE[rel] = FM[rel].get('title') or (heading_text(h1[0][2]) if h1 else None)
    for no, lvl, raw in hs:
        if lvl >= 4:
            err(f'{rel}:{no}: H4+ not used in this wiki')

for rel, cur in OBSOLETE.items():
    body = [ln for ln, k in zip(files[rel], KINDS[rel]) if k != 'fm' and ln.strip()]
    cur_link = posixpath.relpath(cur, posixpath.dirname(rel))
    if len(body) < 3 or not body[0].startswith('# ') or body[1] != ':::danger[旧版]' or f']({cur_link})' not in body[2]:
        err(f'{rel}: obsolete page must start with its H1, then a :::danger[旧版] banner linking {cur_link}')

# ---------------------------------------------------------------- links
MDLINK = re.compile(r'(?<!!)\[([^\[\]]*)\]\(([^)\s]+)\)')
nlinks = nanch = 0
link_targets = Counter()
LINKS_FOUND = {}

def check_anchor(rel, no, dest, frag):
    global nanch
    nanch += 1
    f2 = urllib.parse.unquote(frag)
    if f2 not in ANCH[dest]:
        err(f'{rel}:{no}: anchor #{frag} not in {dest} (has {sorted(ANCH[dest])})')

for rel in pages:
    LINKS_FOUND[rel] = []
    for no, (ln, k) in enumerate(zip(files[rel], KINDS[rel]), 1):
        if k not in ('text', 'html'):
            continue
        ln2 = re.sub(r'`[^`]*`', '', ln)
        for text, target in MDLINK.findall(ln2):
            nlinks += 1
            LINKS_FOUND[rel].append(target)
            if not text.strip():
                err(f'{rel}:{no}: empty link text')
            path, hashmark, frag = target.partition('#')
            if not path:
                check_anchor(rel, no, rel, frag); continue
            if re.match(r'^[a-z]+:', path):
                err(f'{rel}:{no}: external link {target} (none in this wiki)'); continue
            if path.startswith('/'):
                if path not in PAGE_BY_URL and path not in EXTRA_ROUTES:
                    err(f'{rel}:{no}: URL link {path} is not a page URL'); continue
                if path in EXTRA_ROUTES:
                    if hashmark:
                        err(f'{rel}:{no}: anchor on a generated-index page')
                    continue
                dest = PAGE_BY_URL[path]
            elif path.endswith('.md'):
                dest = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
                if not (path.startswith('./') or path.startswith('../')):
                    err(f'{rel}:{no}: file link {path}: house style starts with ./ or ../')
                if dest not in pages:
                    err(f'{rel}:{no}: file link {path} -> {dest} is not a doc'); continue
            else:
                err(f'{rel}:{no}: link {target}: use a file path ending in .md or a /{ROUTE_BASE}/ URL'); continue
            if dest != rel:
                link_targets[dest] += 1
            if hashmark:
                check_anchor(rel, no, dest, frag)

orphans = [r for r in pages if r != HOME and not link_targets[r]]
if orphans:
    err(f'pages no other page links to: {orphans}')
for rel, cur in OBSOLETE.items():
    if any(rel[len(DOCS_DIR) + 1:] in t or URL_OF[rel] in t for t in LINKS_FOUND[HOME]):
        err(f'{HOME} links the obsolete page {rel}')
    cur_links = [posixpath.normpath(posixpath.join(posixpath.dirname(cur), t.partition('#')[0]))
                 for t in LINKS_FOUND[cur]]
    if rel not in cur_links:
        err(f'{rel}: obsolete page should be linked from its current page {cur}')

# ---------------------------------------------------------------- cross-check with the real parser / slugger (node)
NODE = r'''
import fs from 'fs'
import {createRequire} from 'module'
const require = createRequire(process.cwd() + '/')
const GithubSlugger = require('github-slugger')            // 1.5.x: what @docusaurus/utils 3.x uses
const inp = JSON.parse(fs.readFileSync(0, 'utf8'))
const explicitRe = /\s*\{#(?<id>(?:.(?!\{#|\}))*.)\}$/        // @docusaurus/utils parseMarkdownHeadingId
function docuId(slugger, text) {
  const m = explicitRe.exec(text)
  return m ? m.groups.id.trim() : slugger.slug(text)
}
const out = {slugger: {}, mdx: null, versions: {'github-slugger': JSON.parse(fs.readFileSync('node_modules/github-slugger/package.json', 'utf8')).version}}
for (const [rel, texts] of Object.entries(inp.texts)) {
  const s = new GithubSlugger()
  out.slugger[rel] = texts.map(t => docuId(s, t))
}
let mdxMods = null
try {
  mdxMods = {
    mdx: await import('@mdx-js/mdx'), gfm: (await import('remark-gfm')).default,
    directive: (await import('remark-directive')).default, toString: (await import('mdast-util-to-string')).toString,
    visit: (await import('unist-util-visit')).visit,
  }
  for (const p of ['@mdx-js/mdx', 'remark-gfm', 'remark-directive', 'mdast-util-to-string'])
    out.versions[p] = JSON.parse(fs.readFileSync('node_modules/' + p + '/package.json', 'utf8')).version
} catch (e) { mdxMods = null; out.mdxImportError = String(e) }
if (mdxMods) {
  out.mdx = {}
  const keywords = ['secondary', 'info', 'success', 'danger', 'note', 'tip', 'warning', 'important', 'caution']
  for (const [rel, src] of Object.entries(inp.sources)) {
    // Docusaurus: front matter removed (lines kept blank here so that line numbers stay raw file lines), then
    // mdx-loader preprocessContent: escapeMarkdownHeadingIds + admonitionTitleToDirectiveLabel
    const lines = src.split('\n')
    let fmEnd = 0
    if (lines[0] === '---') { fmEnd = lines.indexOf('---', 1) + 1 }
    let content = lines.map((l, i) => i < fmEnd ? '' : l).join('\n')
    content = content.replaceAll(/(?:^|\n)#{1,6}(?!#).*/g, sub => sub.replace('{#', '\\{#').replace('\\\\{#', '\\{#'))
    const admRe = new RegExp(`^(?<quote>(> ?)*)(?<indentation>( +|\t+))?(?<directive>:{3,}(${keywords.join('|')})) +(?<title>.*)$`, 'gm')
    content = content.replaceAll(admRe, (...args) => { const g = args.at(-1); return `${g.quote ?? ''}${g.indentation ?? ''}${g.directive}[${g.title}]` })
    const res = {ids: [], lines: [], links: [], directives: [], error: null}
    const collect = () => (tree) => {
      const slugger = new GithubSlugger()
      mdxMods.visit(tree, (node) => {
        if (node.type === 'heading') {
          const textNodes = node.children.filter(({type}) => !['html', 'jsx'].includes(type))
          const text = mdxMods.toString(textNodes.length > 0 ? textNodes : node)
          res.ids.push(docuId(slugger, text)); res.lines.push(node.position.start.line)
        } else if (node.type === 'link') {
          res.links.push(node.url)
        } else if (node.type === 'textDirective' || node.type === 'leafDirective') {
          res.directives.push(`${node.type} :${node.name} at line ${node.position.start.line}`)
        } else if (node.type === 'containerDirective' && !keywords.includes(node.name)) {
          res.directives.push(`unknown admonition :::${node.name} at line ${node.position.start.line}`)
        } else if (node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') {
          if (!['details', 'summary'].includes(node.name)) res.directives.push(`JSX <${node.name}> at line ${node.position.start.line}`)
        } else if (node.type === 'mdxFlowExpression' || node.type === 'mdxTextExpression' || node.type === 'mdxjsEsm') {
          res.directives.push(`MDX ${node.type} at line ${node.position.start.line}`)
        }
      })
    }
    try {
      await mdxMods.mdx.compile(content, {remarkPlugins: [mdxMods.gfm, mdxMods.directive, collect]})
    } catch (e) { res.error = String(e.message || e).slice(0, 300) }
    out.mdx[rel] = res
  }
}
console.log(JSON.stringify(out))
'''
slugger_note = 'skipped: node or tools/node_modules/github-slugger not installed (the ids were computed by check.py only)'
mdx_note = 'skipped: tools/node_modules has no @mdx-js/mdx + remark-gfm + remark-directive (no real MDX parse)'
pkg = os.path.join(TOOLS, 'node_modules', 'github-slugger', 'package.json')
if not os.path.isdir(TOOLS):
    slugger_note = 'skipped: no tools/ folder next to check.py, so no node cross-check (ids computed by check.py only)'
    mdx_note = 'skipped: no tools/ folder, so no real MDX parse'
elif shutil.which('node') and os.path.exists(pkg):
    texts = {rel: [heading_text(raw) for no, lvl, raw in headings(rel)] for rel in pages}
    sources = {rel: '\n'.join(files[rel]) for rel in pages}
    script = os.path.join(TOOLS, '.check_h25_tmp.mjs')     # a file in tools/ so that imports resolve there
    with open(script, 'w', encoding='utf-8') as f:
        f.write(NODE)
    try:
        r = subprocess.run(['node', script], cwd=TOOLS,
                           input=json.dumps({'texts': texts, 'sources': sources}), capture_output=True, text=True)
    finally:
        os.remove(script)
    if r.returncode != 0:
        err(f'node run failed: {r.stderr[:600]}')
    else:
        res = json.loads(r.stdout)
        ver = res['versions']
        if not ver['github-slugger'].startswith('1.5.'):
            err(f'tools/: github-slugger {ver["github-slugger"]} installed; Docusaurus 3 uses ^1.5.0')
        same = total = 0
        for rel in sorted(pages):
            real, mine = res['slugger'].get(rel, []), ANCH_LIST[rel]
            total += len(real)
            same += sum(1 for a, b in zip(real, mine) if a == b)
            if real != mine:
                err(f'github-slugger: {rel}: real ids {real} != check.py ids {mine}')
        slugger_note = (f'github-slugger {ver["github-slugger"]} (node): {same}/{total} heading ids equal check.py\'s, '
                        f'in order, in {len(pages)} pages')
        if res['mdx'] is not None:
            ok_pages = 0
            nl = 0
            for rel in sorted(pages):
                m = res['mdx'][rel]
                bad = False
                if m['error']:
                    err(f'MDX compile failed for {rel}: {m["error"]}'); continue
                if m['ids'] != ANCH_LIST[rel]:
                    err(f'MDX parse: {rel}: ids {m["ids"]} != check.py {ANCH_LIST[rel]}'); bad = True
                if m['lines'] != [h[0] for h in headings(rel)]:
                    err(f'MDX parse: {rel}: heading lines {m["lines"]} != check.py {[h[0] for h in headings(rel)]}'); bad = True
                if Counter(m['links']) != Counter(LINKS_FOUND[rel]):
                    err(f'MDX parse: {rel}: links {sorted(m["links"])} != check.py {sorted(LINKS_FOUND[rel])}'); bad = True
                for d in m['directives']:
                    err(f'MDX parse: {rel}: {d}'); bad = True
                nl += len(m['links'])
                ok_pages += not bad
            mdx_note = (f'MDX compile (@mdx-js/mdx {ver["@mdx-js/mdx"]}, remark-gfm {ver["remark-gfm"]}, remark-directive '
                        f'{ver["remark-directive"]}, Docusaurus preprocessing): {ok_pages}/{len(pages)} pages compile '
                        f'with the same heading ids, heading lines and {nl} links as check.py')
if '--need-node' in sys.argv and not (slugger_note.startswith('github-slugger ') and mdx_note.startswith('MDX')):
    err('node cross-check required but ' + slugger_note + ' / ' + mdx_note)

# ---------------------------------------------------------------- question files
def load(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]


def check_gold(qid, src, gl):
    if src not in pages:
        err(f'{qid}: unknown source {src}'); return
    if src in OBSOLETE:
        err(f'{qid}: gold on the obsolete page {src}')
    lines, kinds = pages[src], KINDS[src]
    if not gl:
        err(f'{qid}: empty gold_lines')
    if gl != sorted(set(gl)):
        err(f'{qid}: gold_lines not sorted/unique')
    for n in gl:
        if not isinstance(n, int) or not 1 <= n <= len(lines):
            err(f'{qid}: gold line {n} out of range for {src}'); continue
        ln, k = lines[n - 1], kinds[n - 1]
        if k in ('fm', 'fence', 'html', 'adm'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^ {0,3}#{1,6}(\s|$)', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')


def section_of(src, n):
    """The heading (raw text) a line falls under, and its id."""
    best = None
    for (no, lvl, raw), hid in zip(headings(src), ANCH_LIST[src]):
        if no < n:
            best = (EXPLICIT.sub('', heading_text(raw)).strip(), hid)    # heading text as shown (no {#id})
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


def check_heading(qid, src, gl, heading):
    if src not in pages or not gl:
        return
    secs = {section_of(src, n) for n in gl if isinstance(n, int)}
    if len(secs) != 1:
        err(f'{qid}: gold lines fall under several headings {secs}'); return
    sec = secs.pop()
    if sec is None or heading != {'text': sec[0], 'id': sec[1]}:
        err(f'{qid}: heading {heading} != section of the gold lines {sec}')


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
    "h25-001": ["| セラミックのかぶせ物（クラウン） | 99,000 円 | 1 歯、5 年保証 |"],
    "h25-002": ["| 6〜12 歳 | 2,200 円 | 4 か月に 1 回 |"],
    "h25-003": ["50,000 円未満は分割にできません"],
    "h25-004": ["| 300,000 円以上 | 12 回 |"],
    "h25-005": ["| ハンドピース | 134 ℃ | 4 分 |"],
    "h25-006": ["週の初めに入れておけば", "金曜に入れると結果が週明けになり"],
    "h25-007": ["無断キャンセルが 2 回続いた人は、次から「当日枠」"],
    "h25-008": ["当日の朝 **7:30 まで** に、松尾の携帯（0000-90-4412）に電話する"],
    "h25-009": ["救急カート（酸素ボンベ・アドレナリン・血圧計）は、2 番ユニットと 3 番ユニットの間"],
    "h25-010": ["酸素ボンベの圧力が 5 MPa を下回ったら"],
    "h25-011": ["| コンプレッサーの点検 | 毎年 11 月 | ミナト歯科商会 |"],
    "h25-012": ["受付は終わりの 30 分前まで（平日は 18:00、土曜は 16:30）"],
    "h25-013": ["we can issue a 領収証明書 (proof of payment) for ¥550"],
    "h25-014": ["The patient pays the full cost (10割) today", "within the same month"],
    "h25-015": ["Leave ¥30,000 in the till as change"],
    "h25-016": ["children up to the end of junior high school pay **¥200 per visit**"],
    "h25-017": ["within **2 hours**"],
    "h25-018": ["Cleanflow collects on **Tuesdays and Fridays** at about 10:00"],
    "h25-019": ["| 大西 玲奈 (Onishi) | Chief hygienist | A | A | B | A | — |", "| 川端 美月 (Kawabata) | Hygienist | C | — | A | A | S |"],
    "h25-020": ["| `E-12` | Temperature did not reach 134 ℃ |"],
    "h25-021": ["within **3 months** of starting"],
    "h25-022": ["| 入れ歯の調整 | 30 分 | 歯科医師 |"],
    "h25-023": ["撮る前に必ず確認する", "妊娠中の人と 15 歳以下の子どもには、首の防護カラーも着ける"],
    "h25-024": ["翌月の休みの希望は **前月の 10 日まで**"],
    "h25-025": ["洗浄液は 1 日 2 回（昼休みと診療後）取り替える"],
    "h25-026": ["夜の間に、配管の中の水で細菌が増えるためです", "最初の 2 分で古い水を捨てると"],
    "h25-027": ["AED は受付カウンターの横（待合室側）の壁にある"],
    "h25-028": ["10 分を超えた遅刻は、歯科医師に確認する"],
    "h25-029": ["顔が大きく腫れている、口が開かない、熱が 38 ℃ 以上ある場合は"],
    "h25-030": ["開ける人（その日の A か B のうち 1 人）は 8:40 に来て鍵を開け"],
    "h25-031": ["きょうだいで同じ日に来た場合は、2 人目から 1 人 550 円引き"],
    "h25-032": ["Close a sharps box when it is **80% full**"],
    "h25-033": ["| X-ray images | electronic chart system | 3 years after they are taken |"],
    "h25-034": ["Do not confirm to anyone but the patient", "If a family member calls about an appointment, take their number"],
    "h25-035": ["On Saturdays 三浦 (Miura) is the dentist in charge"],
    "h25-036": ["A lost key costs ¥1,100 (fictional) to replace"],
    "h25-037": ["Tap water leaves calcium in the chamber and the pipes", "That causes E-07 and E-12 errors"],
    "h25-038": ["Uneven colour means the test failed", "If the morning test fails, sterilise the handpieces in the small spare autoclave"],
    "h25-039": ["| 70 to 74 | 20% |"],
    "h25-040": ["Gently squeeze the wound and wash it under running water for at least 5 minutes"],
    "h25f-001": [["| ホワイトニング（診療室） | 22,000 円 |", "| ホワイトニング（ホーム） | 27,500 円 |"], ["| ホワイトニング（ホーム） | 27,500 円 | マウスピースと薬剤 2 週間分 |"], ["50,000 円未満は分割にできません"]],
    "h25f-002": [["| Blood-soaked gauze, cotton rolls, gloves with blood | Orange bag in the lidded bin | Orange |"], ["| Extracted teeth with metal fillings | Separate jar labelled 金属 | none |"]],
    "h25f-003": [["| 松尾 千夏 (Matsuo) | Reception lead | A | A | A | A | — |", "| 青山 蓮 (Aoyama) | Reception, part-time | — | C | C | C | S |"], ["| 松尾 千夏 (Matsuo) | Reception lead | A | A | A | A | — |", "| 青山 蓮 (Aoyama) | Reception, part-time | — | C | C | C | S |"], ["English: 三浦 (Miura) and 青山 (Aoyama)."]],
    "h25f-004": [["日付 / サイクル番号 / コース / 開始時刻 / 担当 / インジケータ OK・NG"], ["記録ノートは 5 年間保管する"]],
    "h25f-005": [["前日の 18:00 まで**（土曜と月曜の予約は"], ["前日の 18:00 まで**（土曜と月曜の予約は"]],
    "h25f-006": [["| Dental chart (カルテ) | electronic chart system | 5 years after the last visit |"], ["| Lab instructions (技工指示書) | grey binders, back room | 2 years |"], ["data is deleted by 岡部"]],
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

# ---------------------------------------------------------------- summary
nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in files.values())
cells = Counter((q['lang'], PAGE_LANG.get(q['source'])) for q in ans)
print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in PAGE_LANG.values())}, '
      f'en {sum(v == "en" for v in PAGE_LANG.values())}) + {len(categories)} _category_.json, lines: {nlines}, '
      f'headings: {sum(map(len, ANCH_LIST.values()))} '
      f'(explicit {{#id}}: {sum(1 for r in pages for no, l, raw in headings(r) if EXPLICIT.search(heading_text(raw)))})')
print('urls: ' + ', '.join(f'{r[len(DOCS_DIR) + 1:]} -> {URL_OF[r]}' for r in sorted(pages))
      + ', ' + ', '.join(f'{c} -> {u} (generated index)' for u, c in EXTRA_ROUTES.items()))
print(f'links checked: {nlinks} (with anchors: {nanch})')
print(slugger_note)
print(mdx_note)
print(f'answerable: {len(ans)}  cells (q-lang, page-lang): {dict(cells)}  styles: {dict(Counter(q["style"] for q in ans))}')
print(f'noanswer: {len(na)}  langs: {dict(Counter(q["lang"] for q in na))}  kinds: {dict(Counter(q["kind"] for q in na))}')
print(f'followup: {len(fu)}  langs: {dict(Counter(q["lang"] for q in fu))}  turns: {dict(Counter(len(q["turns"]) for q in fu))}')
if '--ids' in sys.argv:
    for rel in sorted(pages):
        print(rel, URL_OF[rel], DOC_ID[rel], ANCH_LIST[rel])
if errors:
    print(f'\nFAILED ({len(errors)} problems):')
    for e in errors:
        print(' -', e)
    sys.exit(1)
print('OK')
