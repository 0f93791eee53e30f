#!/usr/bin/env python3
"""Checks for the h27 held-out set (adapted from tests/heldout26/check.py for a VitePress 1.6 site).

Run from anywhere:  python3 check.py  [--need-build] [--vp DIR] [--ids]
  - notes/ is the VitePress project: notes/.vitepress/config.mjs + the pages in notes/docs/ (srcDir: 'docs').
    Page URLs (base '/daycare-wiki/', cleanUrls: true), heading ids (VitePress's default slugify from
    @mdit-vue/shared + markdown-it-anchor de-duplication + markdown-it-attrs {#id}), <title>s, links and
    anchors are computed here (stdlib only).
  - then the REAL renderer: if DIR/node_modules/.bin/vitepress exists (default /tmp/h27vp, made with
    `mkdir /tmp/h27vp && cd /tmp/h27vp && npm init -y && npm install vitepress`), notes/ is copied into a
    temporary folder (so VitePress's cache never lands in notes/), DIR/node_modules is symlinked next to it
    (the build has to resolve 'vue'), `vitepress build` is run, and
      (a) every page's built <h1>..<h6> ids must equal check.py's, in order,
      (b) every gold URL (answerable `url`, the heading of every answerable question and follow-up turn) must be
          a built page whose HTML has an element with exactly that id= (code point for code point),
      (c) each page's <title> must be what check.py expects,
      (d) sitemap.xml must list every page URL (hostname + base + path) -- the gold URLs' page part,
      (e) every same-site link with a #fragment in the built HTML must hit an id of its target page.
    `--need-build` turns a missing VitePress install into a failure.
"""
import json, os, posixpath, re, shutil, subprocess, sys, tempfile, unicodedata
import urllib.parse
from collections import Counter
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')      # the VitePress project root
SRC_DIR = 'docs'                         # srcDir
CONFIG = '.vitepress/config.mjs'
BASE = '/daycare-wiki/'
HOSTNAME = 'https://hidamari.example/daycare-wiki/'   # sitemap.hostname (it must include the base)
SITE_URL = HOSTNAME                                    # gold URL = SITE_URL + page path + '#' + id
SITE_TITLE = 'ひだまりデイサービス スタッフWiki'
VP = sys.argv[sys.argv.index('--vp') + 1] if '--vp' in sys.argv else '/tmp/h27vp'

# body language of each page (declared, used for the cell counts); paths relative to notes/
PAGE_LANG = {
    'docs/index.md': 'ja',
    'docs/faq.md': 'ja',
    'docs/glossary.md': 'en',
    'docs/visitors.md': 'en',
    'docs/transport/index.md': 'ja',
    'docs/transport/routes.md': 'ja',
    'docs/transport/driver-checklist.md': 'en',
    'docs/care/bathing.md': 'ja',
    'docs/care/meals.md': 'ja',
    'docs/care/medication.md': 'ja',
    'docs/care/vitals.md': 'ja',
    'docs/safety/hiyari-hatto.md': 'ja',
    'docs/safety/disaster.md': 'ja',
    'docs/safety/emergency-contacts.md': 'en',
    'docs/staff/shifts.md': 'ja',
    'docs/staff/daily-schedule.md': 'en',
    'docs/staff/onboarding.md': 'en',
    'docs/billing/index.md': 'ja',
    'docs/it/tablet-app.md': 'en',
    'docs/it/wifi-printer.md': 'en',
    'docs/old/rules-2024.md': 'ja',
}
HOME = 'docs/index.md'
OBSOLETE = {'docs/old/rules-2024.md': 'docs/billing/index.md'}     # obsolete page -> its current page
NOT_IN_SIDEBAR = {'docs/transport/driver-checklist.md', 'docs/old/rules-2024.md'}
# expected URL paths after SITE_URL (cleanUrls: true) and built files, compared with the computed ones
EXPECTED_URL = {
    'docs/index.md': ('', 'index.html'),
    'docs/faq.md': ('faq', 'faq.html'),
    'docs/glossary.md': ('glossary', 'glossary.html'),
    'docs/visitors.md': ('visitors', 'visitors.html'),
    'docs/transport/index.md': ('transport/', 'transport/index.html'),
    'docs/transport/routes.md': ('transport/routes', 'transport/routes.html'),
    'docs/transport/driver-checklist.md': ('transport/driver-checklist', 'transport/driver-checklist.html'),
    'docs/care/bathing.md': ('care/bathing', 'care/bathing.html'),
    'docs/care/meals.md': ('care/meals', 'care/meals.html'),
    'docs/care/medication.md': ('care/medication', 'care/medication.html'),
    'docs/care/vitals.md': ('care/vitals', 'care/vitals.html'),
    'docs/safety/hiyari-hatto.md': ('safety/hiyari-hatto', 'safety/hiyari-hatto.html'),
    'docs/safety/disaster.md': ('safety/disaster', 'safety/disaster.html'),
    'docs/safety/emergency-contacts.md': ('safety/emergency-contacts', 'safety/emergency-contacts.html'),
    'docs/staff/shifts.md': ('staff/shifts', 'staff/shifts.html'),
    'docs/staff/daily-schedule.md': ('staff/daily-schedule', 'staff/daily-schedule.html'),
    'docs/staff/onboarding.md': ('staff/onboarding', 'staff/onboarding.html'),
    'docs/billing/index.md': ('billing/', 'billing/index.html'),
    'docs/it/tablet-app.md': ('it/tablet-app', 'it/tablet-app.html'),
    'docs/it/wifi-printer.md': ('it/wifi-printer', 'it/wifi-printer.html'),
    'docs/old/rules-2024.md': ('old/rules-2024', 'old/rules-2024.html'),
}
CELLS = [('ja', 'ja'), ('ja', 'en'), ('en', 'ja'), ('en', 'en')]
CELL_SIZES = [10, 10, 10, 10]   # ja->ja, ja->en, en->ja, en->en, in file order
STYLES = {'numeric', 'how', 'factual', 'why', 'paraphrase'}
PREFIX = 'h27'
FM_KEYS = {'title'}
CONTAINERS = {'info', 'tip', 'warning', 'danger', 'details'}

errors = []
def err(msg):
    errors.append(msg)

# ---------------------------------------------------------------- files
def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')

files = {}
for dp, dn, fn in os.walk(NOTES):
    rel_dp = os.path.relpath(dp, NOTES).replace(os.sep, '/')
    if rel_dp == '.vitepress':
        dn[:] = []
        for f in fn:
            if f'.vitepress/{f}' != CONFIG:
                err(f'.vitepress/{f}: unexpected file (only {CONFIG})')
        continue
    dn[:] = [d for d in dn if d not in ('node_modules',)]
    for f in fn:
        rel = os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/')
        if not rel.startswith(SRC_DIR + '/'):
            err(f'{rel}: unexpected file outside {SRC_DIR}/ and .vitepress/')
        elif f.endswith('.md'):
            files[rel] = read_lines(rel)
        else:
            err(f'{rel}: only .md files are expected under {SRC_DIR}/')
if os.path.isdir(os.path.join(NOTES, 'node_modules')) or os.path.isdir(os.path.join(NOTES, '.vitepress', 'cache')):
    err('notes/ holds node_modules or .vitepress/cache (build in a copy, not in notes/)')
pages = files
if set(pages) != set(PAGE_LANG):
    err(f'PAGE_LANG mismatch: {sorted(set(pages) ^ set(PAGE_LANG))}')

# ---------------------------------------------------------------- config.mjs must say what check.py assumes
cfg = open(os.path.join(NOTES, CONFIG), encoding='utf-8').read()
for pat, what in ((r"(?m)^  base: '%s',$" % re.escape(BASE), 'base'), (r"(?m)^  srcDir: 'docs',$", 'srcDir'),
                  (r"(?m)^  cleanUrls: true,$", 'cleanUrls: true'),
                  (r"(?m)^  title: '%s',$" % re.escape(SITE_TITLE), 'title'),
                  (r"(?m)^    hostname: '%s'$" % re.escape(HOSTNAME), 'sitemap.hostname'),
                  (r"(?m)^  lang: 'ja-JP',$", 'lang')):
    if not re.search(pat, cfg):
        err(f'config.mjs: {what} is not what check.py assumes ({pat})')
for bad in ('rewrites', 'titleTemplate', 'slugify', 'anchor', 'markdown:', 'attrs', 'srcExclude', '\nimport '):
    if bad in cfg:
        err(f'config.mjs: {bad!r} is not modelled by check.py')
# sidebar: { text: '...', link: '/path' }
SIDEBAR = re.findall(r"\{ text: '[^']*', link: '([^']*)' \}", cfg)

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

# ---------------------------------------------------------------- URLs (VitePress, cleanUrls: true)
def url_path(rel):
    """docs/a/b.md -> a/b ; docs/a/index.md -> a/ ; docs/index.md -> '' (cleanUrls: no .html; file names kept
    as they are). The built file is a/b.html / a/index.html."""
    src = rel[len(SRC_DIR) + 1:]
    d, f = posixpath.split(src)
    stem = posixpath.splitext(f)[0]
    if stem == 'index':
        return (d + '/') if d else ''
    return (d + '/' if d else '') + stem


def html_file(rel):
    return posixpath.splitext(rel[len(SRC_DIR) + 1:])[0] + '.html'

URL_OF = {rel: url_path(rel) for rel in pages}
FILE_OF = {rel: html_file(rel) for rel in pages}
for rel in pages:
    if rel in EXPECTED_URL and (URL_OF[rel], FILE_OF[rel]) != EXPECTED_URL[rel]:
        err(f'{rel}: computed URL/file {(URL_OF[rel], FILE_OF[rel])} != expected {EXPECTED_URL[rel]}')
if len(set(URL_OF.values())) != len(URL_OF):
    err('two pages share a URL')

# sidebar links: '/x/y' or '/x/' (base is added by VitePress)
in_sidebar = set()
for link in SIDEBAR:
    hit = [rel for rel in pages if '/' + URL_OF[rel] == link]
    if not hit:
        err(f'sidebar link {link} is not a page')
    in_sidebar.update(hit)
if set(pages) - in_sidebar != NOT_IN_SIDEBAR:
    err(f'pages left out of the sidebar: {sorted(set(pages) - in_sidebar)} != {sorted(NOT_IN_SIDEBAR)}')

# ---------------------------------------------------------------- line kinds
def line_kinds(rel):
    """'fm', 'fence' (``` lines), 'code' (inside a fence), 'cont' (::: opener / closer), 'text'."""
    lines = files[rel]
    kinds, fence, depth = [], None, 0
    for i, ln in enumerate(lines):
        if i < FM_LEN.get(rel, 0):
            kinds.append('fm'); continue
        m = re.match(r'^ {0,3}(`{3,}|~{3,})', ln)
        if m and (fence is None or m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)):
            fence = m.group(1) if fence is None else None
            kinds.append('fence'); continue
        if fence:
            kinds.append('code'); continue
        if re.match(r'^:::', ln):
            m = re.fullmatch(r':::(?: ([a-z]+)(?: (.+))?)?', ln)
            if not m:
                err(f'{rel}:{i + 1}: bad container line {ln!r}')
            elif m.group(1):
                if m.group(1) not in CONTAINERS:
                    err(f'{rel}:{i + 1}: unknown container {m.group(1)}')
                if depth:
                    err(f'{rel}:{i + 1}: nested container (house rule: none)')
                depth += 1
            else:
                depth -= 1
                if depth < 0:
                    err(f'{rel}:{i + 1}: ::: closes nothing'); depth = 0
            kinds.append('cont'); continue
        kinds.append('text' if not depth else 'ctext')
    if fence:
        err(f'{rel}: code fence not closed')
    if depth:
        err(f'{rel}: container not closed')
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
    if s.startswith(':::'):
        return True
    body = strip_inline(re.sub(r'^(>\s*)+', '', s))
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', body).strip()
    return body in ('', 'TODO', '|', '—')

# ---------------------------------------------------------------- markdown-it / VitePress house rules
for rel in pages:
    lines, kinds = files[rel], KINDS[rel]
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        prev = lines[no - 2] if no > 1 else ''
        if k == 'cont':
            if re.fullmatch(r'::: [a-z]+.*', ln) and prev.strip():
                err(f'{rel}:{no}: container opener must follow a blank line')
            continue
        if k not in ('text', 'ctext'):
            continue
        if re.search(r'<[A-Za-z/]', re.sub(r'`[^`]*`', '', ln)):
            err(f'{rel}:{no}: raw HTML / Vue component (house rule: none)')
        if '{{' in ln or '}}' in ln:
            err(f'{rel}:{no}: "{{{{" would be a Vue interpolation')
        if re.search(r'\{[^}]*\}\s*$', ln) and not re.match(r'^#{1,6} .*\{#[a-z0-9-]+\}$', ln):
            err(f'{rel}:{no}: trailing {{...}} would be eaten by markdown-it-attrs')
        if ln.startswith('|') and prev.strip() and not prev.startswith('|'):
            err(f'{rel}:{no}: table right after a paragraph (house rule: blank line first)')
        if re.search(r'(?<![(\[`])https?://', ln):
            err(f'{rel}:{no}: bare URL (linkify would turn it into a link; house rule: none)')
        if k == 'ctext' and re.match(r'^#{1,6} ', ln):
            err(f'{rel}:{no}: heading inside a container (house rule: none)')

# ---------------------------------------------------------------- headings and ids
def headings(rel):
    """(line_no, level, raw text) of ATX headings outside code, front matter and containers."""
    out = []
    for no, (ln, k) in enumerate(zip(files[rel], KINDS[rel]), 1):
        if k != 'text':
            continue
        m = re.match(r'^ {0,3}(#{1,6})(?:[\t ]+(.*?))?[\t ]*$', ln)
        if m:
            raw = re.sub(r'(^|[\t ])#+$', '', m.group(2) or '').strip()
            out.append((no, len(m.group(1)), raw))
    return out


EXPLICIT = re.compile(r'\s*\{#(?P<id>[^\s}]+)\}\s*$')      # markdown-it-attrs on a heading: {#id}


def heading_text(raw):
    """What markdown-it-anchor slugs: the text + code_inline children of the heading's inline token
    (markdown-it-attrs' {#id} removed, emphasis markers dropped, link text kept, code-span text kept,
    backslash escapes resolved, html_inline and emoji tokens dropped)."""
    t = EXPLICIT.sub('', raw)
    if re.search(r'<[A-Za-z/]|&[a-zA-Z#0-9]+;|:[a-z_]+:|!\[', t):
        err(f'heading {raw!r}: html / entity / emoji / image in a heading is not modelled')
    t = re.sub(r'`+([^`]*)`+', r'\1', t)
    t = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'\*\*|__', '', t)
    t = re.sub(r'(?<![\w])[*_]|[*_](?![\w])', '', t)
    t = re.sub(r'\\([!-/:-@\[-`{-~])', r'\1', t)
    return t.strip()


R_SPECIAL = re.compile(r"""[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:"'“”‘’<>,.?/]+""")

def vp_slug(text):
    """VitePress 1.6 default slugify (@mdit-vue/shared):
      str.normalize('NFKD') -> drop U+0300-036F -> drop U+0000-001F -> each run of whitespace/ASCII punctuation
      (and “”‘’) -> '-' -> squeeze '--' -> trim '-' -> a leading digit gets '_' -> toLowerCase().
    NFKD (not NFC!): dakuten kana are decomposed (バ -> ハ + U+3099), full-width （）？！： become ASCII and
    then '-', ℃ -> °C, full-width digits/letters -> ASCII; 〜 ・ 「」 、 。 — × ¥ ° are kept."""
    s = unicodedata.normalize('NFKD', text)
    s = re.sub('[\u0300-\u036f]', '', s)
    s = re.sub('[\u0000-\u001f]', '', s)
    s = R_SPECIAL.sub('-', s)
    s = re.sub('-{2,}', '-', s)
    s = re.sub('^-+|-+$', '', s)
    s = re.sub('^([0-9])', r'_\1', s)
    return s.lower()


def anchors(rel):
    """ids in document order (H1 included; markdown-it-anchor level 1). markdown-it-anchor walks the headings
    in order with one registry: an explicit {#id} already taken by an EARLIER heading is a build error
    ("User defined id attribute ... is not unique"); an auto slug that is taken gets -1, -2, ..."""
    used, out = set(), []
    for no, lvl, raw in headings(rel):
        m = EXPLICIT.search(raw)
        if m:
            hid = m.group('id')
            if hid in used:
                err(f'{rel}:{no}: explicit id {hid} already used above: VitePress build fails')
            if not re.fullmatch(r'[a-z0-9]+(-[a-z0-9]+)*', hid):
                err(f'{rel}:{no}: explicit id {hid!r}: house rule is lower-case ASCII words joined by "-"')
        else:
            base = vp_slug(heading_text(raw))
            hid, n = base, 1
            while hid in used:
                hid = f'{base}-{n}'
                n += 1
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
    # <title> (VitePress 1.6): front matter title, else the first H1's text; then ' | ' + site title
    TITLE[rel] = FM[rel].get('title') or (heading_text(h1[0][2]) if h1 else None)
    for no, lvl, raw in hs:
        if lvl >= 4:
            err(f'{rel}:{no}: H4+ not used in this wiki')

for rel, cur in OBSOLETE.items():
    body = [ln for ln, k in zip(files[rel], KINDS[rel]) if k != 'fm' and ln.strip()]
    cur_link = posixpath.relpath(cur, posixpath.dirname(rel))
    if len(body) < 3 or not body[0].startswith('# ') or body[1] != '::: danger 旧版' or f']({cur_link})' not in body[2]:
        err(f'{rel}: obsolete page must start with its H1, then a "::: danger 旧版" box linking {cur_link}')

# ---------------------------------------------------------------- links
MDLINK = re.compile(r'(?<!!)\[([^\[\]]*)\]\(([^)\s]+)\)')
nlinks = nanch = 0
link_targets = Counter()
LINKS_FOUND = {}

def check_anchor(rel, no, dest, frag):
    global nanch
    nanch += 1
    frag = urllib.parse.unquote(frag)
    if frag not in ANCH[dest]:
        if unicodedata.normalize('NFKD', frag) in ANCH[dest]:
            err(f'{rel}:{no}: anchor #{frag} is NFC but the built id is NFKD: the link would not jump')
        else:
            err(f'{rel}:{no}: anchor #{frag} not in {dest} (has {sorted(ANCH[dest])})')

for rel in pages:
    LINKS_FOUND[rel] = []
    for no, (ln, k) in enumerate(zip(files[rel], KINDS[rel]), 1):
        if k not in ('text', 'ctext'):
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
    if any(rel[len(SRC_DIR) + 1:] in t for t in LINKS_FOUND[HOME]):
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
    if src in OBSOLETE:
        err(f'{qid}: gold on the obsolete page {src}')
    lines, kinds = pages[src], KINDS[src]
    if not gl:
        err(f'{qid}: empty gold_lines')
    if gl != sorted(set(gl)):
        err(f'{qid}: gold_lines not sorted/unique')
    for n in gl:
        if not isinstance(n, int) or not 1 <= n <= len(lines):
            err(f'{qid}: gold line {n} out of range for {src} ({len(lines)} lines)'); continue
        ln, k = lines[n - 1], kinds[n - 1]
        if k in ('fm', 'fence', 'cont'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k in ('text', 'ctext') and re.match(r'^#{1,6}(\s|$)', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')


def section_of(src, n):
    best = None
    for (no, lvl, raw), hid in zip(headings(src), ANCH_LIST[src]):
        if no < n:
            best = (EXPLICIT.sub('', raw).strip(), hid)
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
        hint = ''
        if sec and heading and heading.get('id') != sec[1] and \
                unicodedata.normalize('NFKD', heading.get('id', '')) == sec[1]:
            hint = ' (the id is written NFC; VitePress ids are NFKD)'
        err(f'{qid}: heading {heading} != section of the gold lines {sec}{hint}')
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
    "h27-001": ["| 1 | 事業所 出発 | — | 8:20 | |"],
    "h27-002": ["人を呼ぶときは浴室の緊急ブザー"],
    "h27-003": ["機械浴は **39〜40℃** にする"],
    "h27-004": ["| 血圧（上） | 170 以上、または 90 未満 |"],
    "h27-005": ["| 1034 | M.S. | そば | そばの日はうどん（ゆで湯も別の鍋） |"],
    "h27-006": ["| 中間のとろみ | 2 包（2 g） |"],
    "h27-007": ["袋に名前がないときは家族に電話して確かめるまで使わない"],
    "h27-008": ["様子が変わらなくても看護師が家族に連絡します"],
    "h27-009": ["誤嚥や誤食の原因になるためです"],
    "h27-010": ["LINE やメールだけで済ませない"],
    "h27-011": ["| Saturday | 10:30–11:30 | no visits |"],
    "h27-012": ["at least **3 days ahead**"],
    "h27-013": ["change the PIN every **90 days**"],
    "h27-014": ["Do **not** log out or restart the tablet while the yellow cloud is showing"],
    "h27-015": ["| E-41 | Waste toner box is full |"],
    "h27-016": ["Password changes on the **1st of every month**"],
    "h27-017": ["If the detector shows anything above 0.00, you do not drive that day"],
    "h27-018": ["Fuel: if the gauge is below HALF"],
    "h27-019": ["| Nurse 村上 (mobile) | 0000-90-1102 |"],
    "h27-020": ["| Bathing (一般浴) | after **10 shifts**"],
    "h27-021": ["| 要介護 3 | 900 円 | 1,800 円 | 2,700 円 |"],
    "h27-022": ["| 昼食（食費） | 700 円 |"],
    "h27-023": ["当日の **8:00 より後** にお休みの連絡"],
    "h27-024": ["**翌月 27 日**"],
    "h27-025": ["| 体温 | 37.5℃ 以上 | 38.0℃ 以上（迎えをお願いする）"],
    "h27-026": ["救急車には **フェイスシート**"],
    "h27-027": ["| 11 月 12 日（木） | 14:00〜15:00 |"],
    "h27-028": ["5 分休んでからもう一度測ります"],
    "h27-029": ["軽自動車には固定ベルトの金具がなく"],
    "h27-030": ["| C | 遅番 | 9:30〜18:15 |"],
    "h27-031": ["Search the building and the grounds for **15 minutes**", "the manager calls **110**"],
    "h27-032": ["| 0000-41-2200 |"],
    "h27-033": ["If no nurse is in the building, **you** call 119"],
    "h27-034": ["must be changed by **March 2027**"],
    "h27-035": ["| Vital signs | 10:30 |"],
    "h27-036": ["They do **not** help with bathing, toileting, meals or medicine"],
    "h27-037": ["The insurance claim is made from these records"],
    "h27-038": ["| 17:15 | Handover meeting (申し送り), 10 minutes |"],
    "h27-039": ["Do not install apps, play music or use the camera"],
    "h27-040": ["wait **30 seconds**"],
    "h27f-001": [["| 1 | 事業所 出発 | — | 8:25 | |"], ["| 4 | みどり台 3 丁目 | R.O. さん | 9:00 |"], ["時間は 9:05 に変わる"]],
    "h27f-002": [["below **20%**"], ["The bathroom tablet (T6) is charged during lunch"]],
    "h27f-003": [["**その日の勤務が終わるまで** に出す"], ["事故報告書は紙の用紙"]],
    "h27f-004": [["| おやつ | 120 円 |"], ["| 尿取りパッド | 1 枚 30 円 |"], ["| 紙パンツ | 1 枚 100 円 |"]],
    "h27f-005": [["Come to the office at **9:00**"], ["Bring: your bank details"], ["| Driving users | not in the first **3 months**"]],
    "h27f-006": [["食後の薬は **12:40** ごろ"], ["**看護師だけ** が決める"]],
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

# ---------------------------------------------------------------- the real renderer: vitepress build
class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.heads, self.hrefs, self.title, self._t, self.in_main = set(), [], [], '', False, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id') is not None:
            self.ids.add(a['id'])
        if tag == 'main':
            self.in_main = True
        if self.in_main and re.fullmatch(r'h[1-6]', tag) and 'id' in a:
            self.heads.append(a['id'])
        if self.in_main and tag == 'a' and a.get('href'):
            self.hrefs.append(a['href'])
        if tag == 'title':
            self._t = True

    def handle_endtag(self, tag):
        if tag == 'main':
            self.in_main = False
        if tag == 'title':
            self._t = False

    def handle_data(self, data):
        if self._t:
            self.title += data


vp_bin = os.path.join(VP, 'node_modules', '.bin', 'vitepress')
build_note = f'skipped: {vp_bin} not found (no real build; ids computed by check.py only)'
nfkd_gold = sorted({u for q, u in GOLD_URLS if u and unicodedata.normalize('NFC', u) != u})
if os.path.exists(vp_bin):
    work = tempfile.mkdtemp(prefix='h27site-')
    try:
        proj, out = os.path.join(work, 'notes'), os.path.join(work, 'site')
        shutil.copytree(NOTES, proj)
        os.symlink(os.path.join(VP, 'node_modules'), os.path.join(proj, 'node_modules'))
        r = subprocess.run([vp_bin, 'build', proj, '--outDir', out], cwd=proj, capture_output=True, text=True)
        if r.returncode != 0 or 'build complete' not in r.stdout + r.stderr:
            err(f'vitepress build failed:\n{(r.stdout + r.stderr)[-1500:]}')
        else:
            ver = json.load(open(os.path.join(VP, 'node_modules', 'vitepress', 'package.json')))['version']
            built = {}
            for rel in pages:
                f = os.path.join(out, FILE_OF[rel])
                if not os.path.exists(f):
                    err(f'build: {rel} -> {FILE_OF[rel]} missing'); continue
                p = Collector()
                p.feed(open(f, encoding='utf-8').read())
                built[URL_OF[rel]] = p
                if p.heads != ANCH_LIST[rel]:
                    err(f'build: {rel}: heading ids {p.heads} != check.py {ANCH_LIST[rel]}')
                want_title = f'{TITLE[rel]} | {SITE_TITLE}'
                if p.title.strip() != want_title:
                    err(f'build: {rel}: <title> {p.title.strip()!r} != {want_title!r}')
            sm = open(os.path.join(out, 'sitemap.xml'), encoding='utf-8').read()
            locs = set(re.findall(r'<loc>([^<]*)</loc>', sm))
            want_locs = {SITE_URL + URL_OF[rel] for rel in pages}
            if locs != want_locs:
                err(f'build: sitemap.xml <loc>s differ: extra {sorted(locs - want_locs)}, '
                    f'missing {sorted(want_locs - locs)}')
            # (e) same-site links with a fragment, as rendered
            nhref = 0
            for upath, p in built.items():
                for h in p.hrefs:
                    if '#' not in h or h == '#VPContent':
                        continue
                    absu = urllib.parse.urljoin(SITE_URL + upath, h)   # VitePress renders './care/bathing#x'
                    if not absu.startswith(SITE_URL):
                        continue
                    path, frag = absu[len(SITE_URL):].split('#', 1)
                    frag = urllib.parse.unquote(frag)
                    if path not in built:
                        err(f'build: {upath}: link {h} -> page {path!r} not built'); continue
                    nhref += 1
                    if frag not in built[path].ids:
                        err(f'build: {upath}: link {h}: no id={frag!r} in {path}')
            nh = sum(len(p.heads) for p in built.values())
            same = sum(p.heads == ANCH_LIST[rel] for rel in pages for p in [built.get(URL_OF[rel])] if p)
            ok_urls = 0
            for qid, u in GOLD_URLS:
                if not u or not u.startswith(SITE_URL) or '#' not in u:
                    err(f'{qid}: gold URL {u!r} not under {SITE_URL} with a #fragment'); continue
                path, frag = u[len(SITE_URL):].split('#', 1)
                if path not in built:
                    err(f'{qid}: gold URL page {path!r} not in the built site'); continue
                if SITE_URL + path not in locs:
                    err(f'{qid}: gold URL page {SITE_URL + path} not in sitemap.xml'); continue
                if frag not in built[path].ids:
                    hint = ' (an NFKD id exists: the URL is written NFC)' \
                        if unicodedata.normalize('NFKD', frag) in built[path].ids else ''
                    err(f'{qid}: id={frag!r} not in built {FILE_OF[[r for r in pages if URL_OF[r] == path][0]]}{hint}')
                    continue
                ok_urls += 1
            build_note = (f'vitepress build (vitepress {ver}): {len(built)}/{len(pages)} pages built, {same} with '
                          f'heading ids equal to check.py\'s ({nh} headings), sitemap.xml {len(locs)} URLs, '
                          f'{nhref} rendered #links (header anchors + cross-page) resolved, {ok_urls}/{len(GOLD_URLS)} gold URL checks '
                          f'({len(set(u for q, u in GOLD_URLS))} distinct URLs; page + exact id=) passed in the '
                          f'built HTML')
    finally:
        shutil.rmtree(work, ignore_errors=True)
if '--need-build' in sys.argv and not build_note.startswith('vitepress build'):
    err('real build required but ' + build_note)

# ---------------------------------------------------------------- summary
nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in files.values())
cells = Counter((q['lang'], PAGE_LANG.get(q['source'])) for q in ans)
allids = [i for v in ANCH_LIST.values() for i in v]
print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in PAGE_LANG.values())}, '
      f'en {sum(v == "en" for v in PAGE_LANG.values())}), lines: {nlines}, '
      f'headings: {len(allids)} (explicit {{#id}}: '
      f'{sum(1 for r in pages for no, l, raw in headings(r) if EXPLICIT.search(raw))}, '
      f'NFKD ids that differ from NFC: {sum(unicodedata.normalize("NFC", i) != i for i in allids)}, '
      f'leading-digit ids "_N…": {sum(i.startswith("_") for i in allids)})')
print(f'links checked: {nlinks} (with anchors: {nanch})')
print(build_note)
print(f'gold URLs whose fragment is NFKD (not NFC): {len(nfkd_gold)} of {len(set(u for q, u in GOLD_URLS))}')
print(f'answerable: {len(ans)}  cells (q-lang, page-lang): {dict(cells)}  styles: {dict(Counter(q["style"] for q in ans))}')
print(f'noanswer: {len(na)}  langs: {dict(Counter(q["lang"] for q in na))}  kinds: {dict(Counter(q["kind"] for q in na))}')
print(f'followup: {len(fu)}  langs: {dict(Counter(q["lang"] for q in fu))}  turns: {dict(Counter(len(q["turns"]) for q in fu))}')
if '--ids' in sys.argv:
    for rel in sorted(pages):
        print(rel, SITE_URL + URL_OF[rel], TITLE[rel], [i + (' (NFKD)' if unicodedata.normalize('NFC', i) != i else '')
                                                      for i in ANCH_LIST[rel]])
if errors:
    print(f'\nFAILED ({len(errors)} problems):')
    for e in errors:
        print(' -', e)
    sys.exit(1)
print('OK')
