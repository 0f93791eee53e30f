#!/usr/bin/env python3
"""Checks for the h30 held-out set: a bilingual (mostly Japanese, some English) Jekyll / GitHub Pages site, the
staff wiki of a small guesthouse's front desk, cleaning and night shift.

Run from anywhere:  python3 check.py  [--kramdown] [--jekyll] [--need-real] [--ids]

  - notes/ is the Jekyll source folder: _config.yml (url + baseurl '/staff-wiki', permalink: pretty, kramdown with
    GFM input, theme minima, GitHub Pages' default plugins listed), Gemfile, README.md (excluded, not a page),
    pages in folders, three posts in _posts/, one unpublished draft (published: false) and an excluded
    templates/ folder.
  - Page URLs and heading ids are computed here, stdlib only, by Jekyll's and kramdown's rules (see README.md):
    pretty permalinks, front-matter permalinks with :basename/:output_ext, index.md and (jekyll-readme-index) a
    README.md in a folder without an index page, posts at /:categories/:year/:month/:day/:title/; kramdown's
    GFM parser ids (auto_id_stripping, \\p{Word} kept, spaces -> '-', '-1' on repeats), {#id} and {: #id}.
  - Cross-checks with the real renderers, never installed by this script (Debian: ruby-kramdown,
    ruby-kramdown-parser-gfm, jekyll, jekyll-theme-minima, ruby-jekyll-*):
      --kramdown  runs kramdown 2.x + kramdown-parser-gfm under ruby on every page (Liquid stripped) and compares
                  every heading id, in document order;
      --jekyll    builds a copy of notes/ with `jekyll build` and checks every page's built file at the computed
                  URL, its heading ids, every gold URL's fragment, every internal link, and that the pages that
                  must not be published are not.
    Both run by default when ruby / jekyll are found, else they are reported as SKIPPED; --need-real makes a
    skipped cross-check a failure.
"""
import html, json, os, posixpath, re, shutil, subprocess, sys, tempfile, unicodedata
from html.parser import HTMLParser
from collections import Counter

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')
SITE_URL = 'https://tsubameya-hostel.github.io'
BASE_PATH = '/staff-wiki'
PREFIX = 'h30'
CELLS = [('ja', 'ja'), ('en', 'ja'), ('en', 'en'), ('ja', 'en')]      # (question language, page language)
CELL_SIZES = [20, 8, 6, 6]
STYLES = {'numeric', 'why', 'paraphrase', 'procedure', 'table', 'yes-no', 'casual'}
FM_KEYS = {'title', 'permalink', 'layout', 'lang', 'category', 'categories', 'author', 'published'}
GREP_DIRS = ['notes/']

# Expected published URL (path after SITE_URL) of every page, relative to notes/ -- compared with the computed one.
EXPECTED_URL = {
    'index.md': '/staff-wiki/',
    'faq.md': '/staff-wiki/help/faq.html',
    'frontdesk/index.md': '/staff-wiki/frontdesk/',
    'frontdesk/checkin.md': '/staff-wiki/frontdesk/checkin/',
    'frontdesk/checkin-en.md': '/staff-wiki/en/check-in/',
    'frontdesk/checkout.md': '/staff-wiki/frontdesk/checkout/',
    'frontdesk/night-shift.md': '/staff-wiki/frontdesk/night-shift/',
    'frontdesk/register.md': '/staff-wiki/frontdesk/register/',
    'frontdesk/cancellation.md': '/staff-wiki/frontdesk/cancellation/',
    'frontdesk/lost-and-found.md': '/staff-wiki/frontdesk/lost-and-found/',
    'frontdesk/luggage.md': '/staff-wiki/frontdesk/luggage/',
    'rooms/room-types.md': '/staff-wiki/rooms/rates.html',
    'rooms/cleaning-dorm.md': '/staff-wiki/rooms/cleaning-dorm/',
    'rooms/cleaning-private.md': '/staff-wiki/rooms/cleaning-private/',
    'rooms/linen.md': '/staff-wiki/rooms/linen/',
    'rooms/amenities.md': '/staff-wiki/rooms/amenities/',
    'guests/house-rules.md': '/staff-wiki/guests/house-rules/',
    'guests/house-rules-en.md': '/staff-wiki/en/house-rules/',
    'guests/complaints.md': '/staff-wiki/guests/complaints/',
    'guests/emergencies.md': '/staff-wiki/guests/emergencies/',
    'guests/local-guide.md': '/staff-wiki/guests/local-guide/',
    'staff/shifts.md': '/staff-wiki/staff/shifts/',
    'staff/pay.md': '/staff-wiki/staff/pay/',
    'staff/onboarding-en.md': '/staff-wiki/staff/onboarding-en/',
    'staff/contacts.md': '/staff-wiki/contacts/',
    'ops/README.md': '/staff-wiki/ops/',
    'ops/wifi-and-pc.md': '/staff-wiki/ops/wifi-and-pc/',
    'ops/pms.md': '/staff-wiki/ops/pms/',
    'ops/boiler-and-heating.md': '/staff-wiki/ops/boiler-and-heating/',
    'ops/smart-lock.md': '/staff-wiki/ops/smart-lock/',
    'ops/garbage.md': '/staff-wiki/ops/garbage/',
    'archive/cancellation-2025.md': '/staff-wiki/archive/cancellation-2025/',
    '_posts/2026-04-01-rate-change.md': '/staff-wiki/news/2026/04/01/rate-change/',
    '_posts/2026-06-15-side-door-lock.md': '/staff-wiki/2026/06/15/side-door-lock/',
    '_posts/2026-09-10-typhoon-prep.md': '/staff-wiki/news/ops/2026/09/10/typhoon-prep/',
}
# Markdown files that are not pages, and why.
NOT_PAGES = {
    'README.md': 'listed in exclude (and a README is never a page where the folder has an index page)',
    'staff/bonus-draft.md': 'published: false',
    'templates/daily-report.md': 'templates/ is listed in exclude',
}
OBSOLETE = {'archive/cancellation-2025.md': 'frontdesk/cancellation.md'}     # obsolete -> current
# an English page that translates a Japanese one (both published)
TRANSLATION_OF = {'frontdesk/checkin-en.md': 'frontdesk/checkin.md', 'guests/house-rules-en.md': 'guests/house-rules.md'}

errors = []


def err(msg):
    errors.append(msg)


# ---------------------------------------------------------------- _config.yml (the subset this site uses)
def read_config():
    cfg, key, sub = {}, None, None
    with open(os.path.join(NOTES, '_config.yml'), encoding='utf-8') as f:
        for ln in f:
            ln = ln.rstrip('\n')
            if not ln.strip() or ln.lstrip().startswith('#'):
                continue
            m = re.fullmatch(r'([A-Za-z_]+):\s*(.*)', ln)
            if m:
                key, v = m.group(1), m.group(2).strip()
                cfg[key] = v.strip('"\'') if v else None
                continue
            m = re.fullmatch(r'  - (.*)', ln)
            if m and key:
                if not isinstance(cfg.get(key), list):
                    cfg[key] = []
                cfg[key].append(m.group(1).strip().strip('"\''))
                continue
            m = re.fullmatch(r'  ([A-Za-z_]+):\s*(.*)', ln)
            if m and key:
                if not isinstance(cfg.get(key), dict):
                    cfg[key] = {}
                cfg[key][m.group(1)] = m.group(2).strip().strip('"\'')
                continue
            # deeper levels (defaults: scope/values) are not modelled beyond "present"
            if key != 'defaults':
                err(f'_config.yml: line {ln!r} not modelled')
    return cfg


CFG = read_config()
if CFG.get('url') != SITE_URL or CFG.get('baseurl') != BASE_PATH:
    err('_config.yml: url / baseurl not what check.py assumes')
if CFG.get('permalink') != 'pretty':
    err('_config.yml: permalink is not pretty')
if CFG.get('markdown') not in (None, 'kramdown') or (CFG.get('kramdown') or {}).get('input') != 'GFM':
    err('_config.yml: markdown is not kramdown with GFM input')
for bad in ('auto_ids', 'auto_id_prefix', 'auto_id_stripping', 'transliterated_header_ids', 'parse_block_html',
            'gfm_quirks', 'smart_quotes', 'typographic_symbols'):
    if bad in (CFG.get('kramdown') or {}):
        err(f'_config.yml: kramdown option {bad} is not modelled by check.py')
for bad in ('collections', 'include', 'remote_theme', 'markdown_ext', 'source'):
    if bad in CFG:
        err(f'_config.yml: {bad} is not modelled by check.py')
for need in ('jekyll-relative-links', 'jekyll-optional-front-matter', 'jekyll-readme-index',
             'jekyll-titles-from-headings'):
    if need not in (CFG.get('plugins') or []):
        err(f'_config.yml: plugin {need} (a GitHub Pages default) should be listed so a local build matches')
EXCLUDE = CFG.get('exclude') or []


# ---------------------------------------------------------------- which files are pages (Jekyll's reader)
def excluded(rel):
    """EntryFilter: a leading '_' or '.' on any segment (except _posts), or an exclude entry (glob or prefix)."""
    segs = rel.split('/')
    if any(s.startswith(('.', '#', '~')) for s in segs):
        return True
    if any(s.startswith('_') for s in segs[:-1] if s != '_posts') or segs[-1].startswith('_'):
        return True
    for pat in EXCLUDE:
        p = pat.rstrip('/')
        if rel == p or rel.startswith(p + '/'):
            return True
    return False


def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')


def parse_front_matter(rel, lines):
    if not lines or lines[0] != '---':
        return None, 0
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
        elif v.startswith('[') and v.endswith(']'):
            v = [x.strip() for x in v[1:-1].split(',') if x.strip()]
        elif re.search(r': |#|^[{>|&*!%@`]', v):
            err(f'{rel}: front matter value {v!r} needs quotes in YAML')
        if k not in FM_KEYS:
            err(f'{rel}: front matter key {k} not modelled')
        fm[k] = v
    return fm, end + 1


README_BLACKLIST = {'readme', 'license', 'licence', 'copying', 'code_of_conduct', 'contributing',
                    'issue_template', 'pull_request_template'}       # jekyll-optional-front-matter
pages, FM, FM_LEN, KIND_OF = {}, {}, {}, {}
all_md = []
for dp, dn, fn in os.walk(NOTES):
    for f in fn:
        rel = os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/')
        if f.endswith(('.md', '.markdown')):
            all_md.append(rel)
all_md.sort()
for rel in all_md:
    lines = read_lines(rel)
    fm, n = parse_front_matter(rel, lines)
    d, f = posixpath.split(rel)
    stem = posixpath.splitext(f)[0]
    if excluded(rel):
        continue
    if fm is not None and fm.get('published') == 'false':
        continue
    if rel.startswith('_posts/'):
        kind = 'post'
    elif fm is None:
        has_index = any(os.path.exists(os.path.join(NOTES, d, 'index' + e)) for e in ('.md', '.markdown', '.html'))
        if stem.lower() == 'readme' and not has_index:
            kind = 'readme-index'                                      # jekyll-readme-index
        elif stem.lower() in README_BLACKLIST:
            continue
        else:
            kind = 'page'                                              # jekyll-optional-front-matter
    else:
        kind = 'page'
    pages[rel], FM[rel], FM_LEN[rel], KIND_OF[rel] = lines, fm or {}, n, kind
if set(pages) != set(EXPECTED_URL):
    err(f'pages differ from EXPECTED_URL: {sorted(set(pages) ^ set(EXPECTED_URL))}')
for rel in NOT_PAGES:
    if rel in pages or rel not in all_md:
        err(f'{rel}: expected to exist and not to be a page ({NOT_PAGES[rel]})')
LANG_OF = {rel: ('en' if FM[rel].get('lang') == 'en' else 'ja') for rel in pages}
for rel in pages:
    if FM[rel].get('lang') not in (None, 'en'):
        err(f'{rel}: lang {FM[rel].get("lang")} not modelled')


# ---------------------------------------------------------------- page URLs (Jekyll 3.10 / 4.3, permalink: pretty)
def page_path(rel):
    fm, kind = FM[rel], KIND_OF[rel]
    d, f = posixpath.split(rel)
    stem = posixpath.splitext(f)[0]
    if kind == 'post':
        m = re.fullmatch(r'_posts/(\d{4})-(\d{2})-(\d{2})-(.+)\.md', rel)
        if not m:
            err(f'{rel}: post file name not YYYY-MM-DD-title.md'); return '/'
        if fm.get('permalink'):
            err(f'{rel}: post permalink not modelled')
        cats = fm.get('categories') or fm.get('category') or []
        if isinstance(cats, str):
            cats = cats.split()
        return '/' + '/'.join(list(cats) + [m.group(1), m.group(2), m.group(3), m.group(4)]) + '/'
    if fm.get('permalink'):
        p = fm['permalink']
        if re.search(r':(?!basename|output_ext|path)\w', p):
            err(f'{rel}: permalink placeholder not modelled: {p}')
        p = p.replace(':basename', stem).replace(':output_ext', '.html').replace(':path', d)
        return re.sub(r'/{2,}', '/', p)
    if kind == 'readme-index' or stem == 'index':
        return '/' + d + '/' if d else '/'
    return '/' + (d + '/' if d else '') + stem + '/'


URL_OF = {rel: BASE_PATH + page_path(rel) for rel in pages}
for rel in pages:
    if rel in EXPECTED_URL and URL_OF[rel] != EXPECTED_URL[rel]:
        err(f'{rel}: computed URL {URL_OF[rel]!r} != expected {EXPECTED_URL[rel]!r}')
if len(set(URL_OF.values())) != len(URL_OF):
    err('two pages share a URL')


# ---------------------------------------------------------------- line kinds (kramdown + Liquid)
def line_kinds(rel):
    """'fm', 'fence' (``` lines), 'code' (inside a fence), 'html' (a line that is an HTML tag: <details>, <summary>
    ..</summary>, </details>), 'liquid' (a line that is only a Liquid tag: {% raw %}), 'ial' (a kramdown block IAL /
    ALD / the {:toc} line and its '* 目次' list item), 'text'."""
    kinds, fence = [], None
    lines = pages[rel]
    for i, ln in enumerate(lines):
        if i < FM_LEN[rel]:
            kinds.append('fm'); continue
        m = re.match(r'^ {0,3}(`{3,}|~{3,})', ln)
        if m and (fence is None or (m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence))):
            fence = m.group(1) if fence is None else None
            kinds.append('fence'); continue
        if fence:
            kinds.append('code'); continue
        if re.match(r'^\s*</?[A-Za-z][^>]*>', ln):
            kinds.append('html'); continue
        if re.fullmatch(r'\s*\{%-?\s*\w+[^%]*%\}\s*', ln):
            kinds.append('liquid'); continue
        if re.fullmatch(r'\{:[^}]*\}', ln.strip()):
            kinds.append('ial'); continue
        if i + 1 < len(lines) and lines[i + 1].strip() == '{:toc}':
            kinds.append('ial'); continue
        kinds.append('text')
    if fence:
        err(f'{rel}: code fence not closed')
    return kinds


KINDS = {rel: line_kinds(rel) for rel in pages}

# house rules: what would change what the page shows, or what check.py does not model
for rel in pages:
    depth = 0
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k == 'html':
            if re.match(r'^<details markdown="1">$', ln):
                depth += 1
            elif ln == '</details>':
                depth -= 1
            elif not re.fullmatch(r'<summary>[^<]*</summary>', ln):
                err(f'{rel}:{no}: HTML line {ln!r} not modelled')
        if k == 'liquid' and not re.fullmatch(r'\{% (raw|endraw) %\}', ln):
            err(f'{rel}:{no}: Liquid tag line {ln!r} not modelled')
        if k != 'text':
            continue
        bare = re.sub(r'`[^`]*`', '', ln)
        for m in re.finditer(r'\{\{(.*?)\}\}|\{%(.*?)%\}', bare):
            inner = (m.group(1) or m.group(2) or '').strip()
            if not re.fullmatch(r'site\.baseurl|"[^"]+" \| relative_url|link [\w./-]+|post_url [\w-]+', inner):
                err(f'{rel}:{no}: Liquid {m.group(0)!r} not modelled')
        if re.match(r'^( {4}|\t)\S', ln) and not re.match(r'^\s*([-*+]|\d+\.)\s', ln):
            err(f'{rel}:{no}: indented code block')
        if re.match(r'^#{1,6}[^#\s]', ln):
            err(f'{rel}:{no}: "#text" without a space is not a heading')
        prev = pages[rel][no - 2] if no > 1 else ''
        if ln.startswith('|') and prev.strip() and not prev.startswith('|'):
            err(f'{rel}:{no}: table right after a paragraph (house rule: blank line first)')
        if re.match(r'^(=+|-{2,})\s*$', ln) and prev.strip() and not prev.startswith(('-', '|')):
            err(f'{rel}:{no}: setext heading underline (house rule: ATX only)')
    if depth != 0:
        err(f'{rel}: <details> not balanced')


# ---------------------------------------------------------------- headings and ids (kramdown 2.4, GFM parser 1.1)
def headings(rel):
    """(line_no, level, raw text) of ATX headings outside front matter, code and HTML lines."""
    out = []
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k != 'text':
            continue
        m = re.match(r'^(#{1,6})[\t ]+(.*)$', ln)            # GFM parser: ATX_HEADER_START, no leading spaces
        if m:
            raw = m.group(2)
            raw = re.sub(r'[\t ]#+\s*$', '', raw).rstrip()
            out.append((no, len(m.group(1)), raw))
    return out


# kramdown header id: /[\t ]{#(?<id>NAME_START_CHAR NAME_CHAR*)}\z/ (XML names; ASCII ids are used here)
HEADER_ID = re.compile(r'[\t ]\{#([A-Za-z_:][\w:.\-]*)\}$')
BLOCK_IAL_ID = re.compile(r'^\{:\s*(?:[.\w-]+\s+)*#([A-Za-z_][\w-]*)(?:\s+[^}]*)?\}$')


def explicit_id(rel, no, raw):
    m = HEADER_ID.search(raw)
    if m:
        return m.group(1), raw[:m.start()].rstrip()
    nxt = pages[rel][no] if no < len(pages[rel]) else ''
    m = BLOCK_IAL_ID.match(nxt.strip())
    if m:
        return m.group(1), raw
    return None, raw


TYPO = [('---', '\u2014'), ('--', '\u2013'), ('...', '\u2026'), ('<< ', '\u00ab '), (' >>', ' \u00bb'),
        ('<<', '\u00ab'), ('>>', '\u00bb')]


def heading_text(raw):
    """What kramdown's GFM parser uses for the id (auto_id_stripping: the text of the header's text, codespan,
    entity, smart-quote and typographic-symbol elements): code span text as written, link text, no emphasis
    markers, escapes resolved, '--' / '---' / '...' / '<<' / '>>' as their typographic characters, ' and " as curly
    quotes."""
    if re.search(r'<[A-Za-z/]|!\[|\$\$|\{\{|\{%', raw):
        err(f'heading {raw!r}: HTML / image / math / Liquid in a heading is not modelled')
    out = []
    for i, part in enumerate(re.split(r'(`+[^`]*`+)', raw)):
        if i % 2:
            out.append(part.strip('`').strip())           # kramdown's codespan value: the text, trimmed
            continue
        t = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', part)
        t = re.sub(r'\*\*|__', '', t)
        t = re.sub(r'(?<![\w])[*_]|[*_](?![\w])', '', t)
        for a, b in TYPO:
            t = t.replace(a, b)
        t = re.sub(r'\\([\\.*_+`<>()\[\]{}#!:|"\'$=\-~])', r'\1', t)
        t = t.replace("'", '\u2019').replace('"', '\u201d')
        out.append(html.unescape(t))
    return ''.join(out)


def rendered_text(raw):
    """The heading as shown (raw has no {#id} here): no markup, '--' as an en dash, ' as a curly apostrophe."""
    return heading_text(raw).strip()


def word_char(c):
    """Onigmo's \\p{Word}: Alphabetic, Mark, Decimal_Number, Connector_Punctuation (Join_Control)."""
    cat = unicodedata.category(c)
    return (cat.startswith('L') or cat.startswith('M') or cat in ('Nd', 'Nl', 'Pc')
            or 0x24B6 <= ord(c) <= 0x24E9 or c in '\u200c\u200d')


def kd_slug(text):
    """Kramdown::Parser::GFM#generate_gfm_header_id without the counter: downcase, drop [^\\p{Word}\\- \\t],
    then ' ' and tab -> '-'. Japanese, full-width letters and digits and '_' stay; （）・、〜？！ and U+3000 go."""
    s = text.lower()
    s = ''.join(c for c in s if c in '- \t' or word_char(c))
    return s.replace(' ', '-').replace('\t', '-')


def anchors(rel):
    counter, out = {}, []
    for no, lvl, raw in headings(rel):
        eid, rest = explicit_id(rel, no, raw)
        if eid:
            out.append(eid); continue                      # an explicit id is not registered with the counter
        base = kd_slug(heading_text(rest))
        counter[base] = counter.get(base, -1) + 1
        out.append(base + (f'-{counter[base]}' if counter[base] > 0 else ''))
    return out


ANCH_LIST = {rel: anchors(rel) for rel in pages}
ANCH = {rel: set(v) for rel, v in ANCH_LIST.items()}
for rel in pages:
    for i, c in Counter(ANCH_LIST[rel]).items():
        if c > 1:
            err(f'{rel}: id {i!r} twice on the page')
        if i == '':
            err(f'{rel}: a heading with an empty id')
    for no, lvl, raw in headings(rel):
        if lvl >= 4:
            err(f'{rel}:{no}: only #, ## and ### are used')
        if lvl == 1 and FM[rel].get('title'):
            err(f'{rel}:{no}: an h1 in a page that has a front-matter title (minima shows the title as the h1)')


def title_of(rel):
    if FM[rel].get('title'):
        return FM[rel]['title']
    hs = headings(rel)
    if hs and hs[0][1] == 1:
        return rendered_text(hs[0][2])                     # jekyll-titles-from-headings
    err(f'{rel}: no title')
    return ''


TITLE = {rel: title_of(rel) for rel in pages}

for rel, cur in OBSOLETE.items():
    body = [ln for ln, k in zip(pages[rel], KINDS[rel]) if k != 'fm' and ln.strip()]
    if not TITLE[rel].startswith('【旧】') or not rel.startswith('archive/'):
        err(f'{rel}: obsolete page must be in archive/ with a title starting with 【旧】')
    if not body or not body[0].startswith('> **このページは古いです。**') or \
            posixpath.relpath(cur, posixpath.dirname(rel)) not in body[0] + body[1]:
        err(f'{rel}: obsolete page must open with a banner linking its current page')
for en, ja in TRANSLATION_OF.items():
    if LANG_OF.get(en) != 'en' or LANG_OF.get(ja) != 'ja':
        err(f'{en}: translation pair languages wrong')

# ---------------------------------------------------------------- links between pages
LINK = re.compile(r'\]\(([^)\s]+?\.md)(#[^)\s]*)?\)')
URL_LINK = re.compile(r'\]\((\{\{ site\.baseurl \}\}(/[^)#\s]*)|\{\{ "(/[^"]*)" \| relative_url \}\})(#[^)\s]*)?\)')
TAG_LINK = re.compile(r'\{% link ([\w./-]+) %\}|\{% post_url ([\w-]+) %\}')
PAGE_BY_URL = {u: r for r, u in URL_OF.items()}
nlinks = 0
link_targets = Counter()
for rel in pages:
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k != 'text':
            continue
        for m in LINK.finditer(ln):
            nlinks += 1
            tgt = posixpath.normpath(posixpath.join(posixpath.dirname(rel), m.group(1)))
            if tgt not in pages:
                err(f'{rel}:{no}: link {m.group(1)} is not a page'); continue
            link_targets[tgt] += 1
            if m.group(2) and m.group(2)[1:] not in ANCH[tgt]:
                err(f'{rel}:{no}: anchor {m.group(2)} not in {tgt}')
        for m in URL_LINK.finditer(ln):
            nlinks += 1
            path = BASE_PATH + (m.group(2) or m.group(3))
            if path not in PAGE_BY_URL:
                err(f'{rel}:{no}: link {m.group(1)} is no page URL'); continue
            if m.group(4) and m.group(4)[1:] not in ANCH[PAGE_BY_URL[path]]:
                err(f'{rel}:{no}: anchor {m.group(4)} not in {PAGE_BY_URL[path]}')
        for m in TAG_LINK.finditer(ln):
            nlinks += 1
            tgt = m.group(1) or f'_posts/{m.group(2)}.md'
            if tgt not in pages:
                err(f'{rel}:{no}: {m.group(0)} names no page')
for rel, cur in OBSOLETE.items():
    if not any(posixpath.normpath(posixpath.join(posixpath.dirname(cur), m.group(1))) == rel
               for ln in pages[cur] for m in LINK.finditer(ln)):
        err(f'{rel}: the current page {cur} should link the obsolete page')


# ---------------------------------------------------------------- question files
def load(name):
    with open(os.path.join(ROOT, name), encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]


def markup_only(ln):
    s = ln.strip()
    if not s or re.fullmatch(r'\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?', s):
        return True
    body = re.sub(r'^(>\s*)?([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', s).strip()
    return body in ('', 'TODO', '|', '—')


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
        if k in ('fm', 'fence', 'html', 'liquid', 'ial'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^#{1,6}(\s|$)', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')


def section_of(src, n):
    best = None
    for (no, lvl, raw), hid in zip(headings(src), ANCH_LIST[src]):
        if no < n:
            best = (rendered_text(explicit_id(src, no, raw)[1]), hid, lvl)
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


def check_heading(qid, src, gl, heading, url=None):
    if src not in pages or not gl:
        return
    secs = {section_of(src, n) for n in gl if isinstance(n, int)}
    if len(secs) != 1:
        err(f'{qid}: gold lines fall under several headings {secs}'); return
    sec = secs.pop()
    if sec is None or sec[2] == 1:
        err(f'{qid}: gold lines are not under an h2/h3'); return
    if heading != {'text': sec[0], 'id': sec[1]}:
        err(f'{qid}: heading {heading} != section of the gold lines {sec[:2]}')
    want = SITE_URL + URL_OF[src] + '#' + sec[1]
    GOLD_URLS.append((qid, want))
    if url is not None and url != want:
        err(f'{qid}: url {url} != {want}')


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
    "h30-001": ["さらに 500 円（合計 1,500 円）"],
    "h30-002": ["清掃スタッフが 3 人から 2 人になり"],
    "h30-003": ["| うぐいす（和室・4 名まで） | 14,000 円 | 18,000 円 |"],
    "h30-004": ["差が **1,000 円以上**"],
    "h30-005": ["1 人 1 泊 200 円", "事前決済の予約（OTA・公式サイト）でも"],
    "h30-006": ["空きがあれば **1 個 500 円**（その日の 18:00 まで）", "翌日まで預かることはしない"],
    "h30-007": ["布団の上げ下ろしと干す時間があるので"],
    "h30-008": ["2 人で部屋に入る。1 人では入らない"],
    "h30-009": ["その晩は何もしない", "ベッドは空けたままにしておく"],
    "h30-010": ["| バスタオル | 45 円 |"],
    "h30-011": ["空いている時間に終わらせたいので"],
    "h30-012": ["掃除に入るのは **2 泊ごと**"],
    "h30-013": ["個室の鍵は清掃中も差したままにしない"],
    "h30-014": ["ゲストを別のベッド（できれば個室）に移す", "乾燥機に **60 分**", "販売を止める", "駆除業者（ミナト衛生）に電話"],
    "h30-015": ["| 副店長 | 全額まで |"],
    "h30-016": ["**7:00 までに店長に電話**"],
    "h30-017": ["一番左の大きいスイッチ（主幹）が下がっていたら"],
    "h30-018": ["**古い料金のまま**"],
    "h30-019": ["| 2 日前〜前日 | 宿泊料金の 50% |"],
    "h30-020": ["スタッフの紹介割引は **1 泊 10%**"],
    "h30-021": ["チェックイン: **16:00〜23:00**"],
    "h30-022": ["続けて回すと 2F のブレーカーが落ちる"],
    "h30-023": ["準備金は **30,000 円**", "| 100 円玉 | 40 | 4,000 円 |"],
    "h30-024": ["同時に 4 か所以上でシャワーを使うと", "温度の設定は **42 度**"],
    "h30-025": ["| 燃えるごみ | 火・金 8:00 | 裏口の外の青いボックス |"],
    "h30-026": ["ドミトリーは 12 歳以上"],
    "h30-027": ["| 服・充電器・本など | スタッフルームの「忘れ物」の棚 | 30 日 |"],
    "h30-028": ["**1 日 800 円まで**"],
    "h30-029": ["If the card holder is not staying and the booking is", "we do **not** ask for the card"],
    "h30-030": ["Keep the guest who booked first"],
    "h30-031": ["It must be done before 2:00", "next day's check-ins show on the wrong date"],
    "h30-032": ["¥25,000 a month", "including electricity, water and Wi-Fi"],
    "h30-033": ["closed Tuesdays", "Tattoos are OK at Yoimachi-yu"],
    "h30-034": ["The early shift opens it from inside", "we do **not** give them the code"],
    "h30-035": ["Until you have an account", "we pay your salary in cash on payday"],
    "h30-036": ["For vegan or halal food we have no good answer nearby"],
    "h30-037": ["bus no. 12 from Yoimachi Ekimae"],
    "h30-038": ["Keep the one that is prepaid", "cancel the other in the PMS with the reason \"duplicate\""],
    "h30-039": ["Use the printed \"In house\" list from last night"],
    "h30-040": ["after 30 minutes other guests may move it to the basket"],
    "h30f-001": [["Visa / Mastercard / JCB / AMEX / Diners"], ["| QR コード決済 | ○ | PayPay のみ |"], ["**当日中なら端末でできる**"]],
    "h30f-002": [["天井が低い（一番低いところで 1.8 m）"], ["| つばめ（ダブル） | 10,800 円 | 13,800 円 |"]],
    "h30f-003": [["| 缶・びん・ペットボトル | 水 8:00 | 裏口の外の黄色いかご |"], ["前の日の夕方には出さない"]],
    "h30f-004": [["AED は **1F フロントの横**"], ["**宵町小学校のグラウンド**"], ["（歩いて 6 分）"]],
    "h30f-005": [["**毎週月曜 10:00**"], ["3 か月ごとに変わる"]],
    "h30f-006": [["| Pan-ya Komugi | Bakery (breakfast) |"], ["| Pan-ya Komugi | Bakery (breakfast) |"], ["Good for groups; book by phone for 6+"]],
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
        check_heading(q['id'], q['source'], q['gold_lines'], q.get('heading'), q.get('url'))
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
        m = re.fullmatch(r"grep -rniE '([^']+)' notes/ -> 0 hits", q['why_absent'])
        if not m:
            err(f'{q["id"]}: why_absent not in the form "grep -rniE \'PAT\' notes/ -> 0 hits"')
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


# ---------------------------------------------------------------- real kramdown (ruby)
RUBY_KD = r'''
require 'json'
require 'kramdown'
require 'kramdown-parser-gfm'
pages = JSON.parse(STDIN.read)
out = {}
pages.each do |name, src|
  doc = Kramdown::Document.new(src, input: 'GFM', hard_wrap: false, auto_ids: true,
                               smart_quotes: 'lsquo,rsquo,ldquo,rdquo', entity_output: 'as_char')
  ids = []
  walk = lambda do |el|
    ids << (el.attr['id'] || '') if el.type == :header
    el.children.each { |c| walk.call(c) }
  end
  walk.call(doc.root)
  out[name] = ids
end
puts JSON.generate({'version' => Kramdown::VERSION, 'gfm' => Kramdown::Parser::GFM::VERSION, 'ids' => out})
'''


def liquid_stripped(rel):
    """The page body as kramdown sees it after Liquid (front matter blanked, raw tags dropped, outputs filled)."""
    out = []
    for ln, k in zip(pages[rel], KINDS[rel]):
        if k == 'fm' or (k == 'liquid' and re.fullmatch(r'\{% (raw|endraw) %\}', ln)):
            out.append(''); continue
        if k == 'text':
            ln = re.sub(r'\{\{ site\.baseurl \}\}', BASE_PATH, ln)
            ln = re.sub(r'\{\{ "([^"]*)" \| relative_url \}\}', BASE_PATH + r'\1', ln)
            ln = re.sub(r'\{% (link|post_url) [^%]*%\}', '/x/', ln)
        out.append(ln)
    return '\n'.join(out) + '\n'


def kramdown_check():
    ruby = shutil.which('ruby')
    if not ruby:
        return None, 'kramdown cross-check SKIPPED (no ruby)'
    payload = {rel: liquid_stripped(rel) for rel in pages}
    r = subprocess.run([ruby, '-e', RUBY_KD], input=json.dumps(payload), capture_output=True, text=True)
    if r.returncode != 0:
        if 'cannot load such file' in r.stderr:
            return None, 'kramdown cross-check SKIPPED (ruby without kramdown / kramdown-parser-gfm)'
        err(f'ruby kramdown failed: {r.stderr[-500:]}')
        return False, 'kramdown cross-check FAILED to run'
    res = json.loads(r.stdout)
    same = 0
    for rel, got in res['ids'].items():
        if got != ANCH_LIST[rel]:
            err(f'kramdown {res["version"]}: {rel}: {got} != check.py {ANCH_LIST[rel]}')
        else:
            same += 1
    n = sum(len(v) for v in res['ids'].values())
    return same == len(pages), (f'kramdown {res["version"]} + kramdown-parser-gfm {res["gfm"]} (ruby): {same}/'
                                f'{len(pages)} pages with all {n} heading ids equal to check.py\'s')


# ---------------------------------------------------------------- real Jekyll build
class Built(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.heads, self.all_ids, self.hrefs = [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get('id') is not None:
            self.all_ids.add(a['id'])
        if re.fullmatch(r'h[1-6]', tag) and a.get('id') is not None:
            self.heads.append(a['id'])
        if tag == 'a' and a.get('href'):
            self.hrefs.append(a['href'])


def built_file(site, path):
    p = path[len(BASE_PATH):]
    return os.path.join(site, p.lstrip('/'), 'index.html') if p.endswith('/') else os.path.join(site, p.lstrip('/'))


def jekyll_check(gold_urls):
    jk = shutil.which('jekyll')
    if not jk:
        return None, 'Jekyll build check SKIPPED (no jekyll: apt-get install jekyll jekyll-theme-minima ruby-jekyll-*)'
    work = tempfile.mkdtemp(prefix='h30site-')
    try:
        src, site = os.path.join(work, 'src'), os.path.join(work, 'site')
        shutil.copytree(NOTES, src)
        env = dict(os.environ, JEKYLL_NO_BUNDLER_REQUIRE='true', JEKYLL_ENV='production')
        r = subprocess.run([jk, 'build', '-s', src, '-d', site], cwd=src, capture_output=True, text=True,
                           env=env)
        ver = subprocess.run([jk, '--version'], capture_output=True, text=True).stdout.strip()
        if r.returncode != 0:
            err(f'jekyll build failed:\n{(r.stdout + r.stderr)[-1500:]}')
            return False, 'Jekyll build check FAILED'
        built, same = {}, 0
        for rel in pages:
            f = built_file(site, URL_OF[rel])
            if not os.path.exists(f):
                err(f'jekyll: {rel}: no built file for {URL_OF[rel]}'); continue
            p = Built()
            with open(f, encoding='utf-8') as fh:
                p.feed(fh.read())
            built[URL_OF[rel]] = p
            if p.heads != ANCH_LIST[rel]:
                err(f'jekyll: {rel}: heading ids {p.heads} != check.py {ANCH_LIST[rel]}')
            else:
                same += 1
        html_files = set()
        for dp, dn, fn in os.walk(site):
            for f in fn:
                if f.endswith('.html'):
                    html_files.add(os.path.relpath(os.path.join(dp, f), site).replace(os.sep, '/'))
        expected_files = {os.path.relpath(built_file(site, u), site).replace(os.sep, '/') for u in URL_OF.values()}
        if html_files != expected_files:
            err(f'jekyll: built HTML files differ from the pages: {sorted(html_files ^ expected_files)}')
        ok = 0
        for qid, u in gold_urls:
            path, frag = u[len(SITE_URL):].split('#', 1)
            if path in built and frag in built[path].all_ids:
                ok += 1
            else:
                err(f'jekyll: {qid}: {u} not found in the build')
        # internal links: every href under the base path reaches a built file (and its fragment an id).
        # Jekyll 4's {% link %} / {% post_url %} add the baseurl themselves, GitHub Pages' Jekyll 3.10 does not, so
        # the site writes {{ site.baseurl }}{% link %} (right on GitHub Pages); a doubled base path is undone here.
        nhref, doubled = 0, 0
        for path, p in built.items():
            for h in p.hrefs:
                if not h.startswith(BASE_PATH + '/'):
                    continue
                nhref += 1
                if h.startswith(BASE_PATH + BASE_PATH + '/'):
                    h, doubled = h[len(BASE_PATH):], doubled + 1
                hp, _, frag = h.partition('#')
                if hp.endswith(('.css', '.xml')):
                    continue
                if not os.path.exists(built_file(site, hp)):
                    err(f'jekyll: link {h} on {path} reaches no built page')
                elif frag and hp in built and frag not in built[hp].all_ids:
                    err(f'jekyll: link {h} on {path}: no id {frag}')
        return same == len(pages), (f'{ver} build (minima): {len(built)}/{len(pages)} pages at the computed '
                                    f'URLs, {same} with all heading ids equal, {ok}/{len(gold_urls)} gold URLs found, '
                                    f'{nhref} internal links resolved ({doubled} with Jekyll 4\'s doubled baseurl '
                                    f'from link/post_url undone), no other HTML page built')
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ans, na, fu = check_questions()
    ok1, note1 = kramdown_check()
    ok2, note2 = jekyll_check(GOLD_URLS)
    if '--need-real' in sys.argv and not (ok1 and ok2):
        err('a real-renderer cross-check was required but not passed')
    nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in pages.values())
    allids = [i for v in ANCH_LIST.values() for i in v]
    nexp = sum(1 for r in pages for no, l, raw in headings(r) if explicit_id(r, no, raw)[0])
    print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in LANG_OF.values())} incl. {len(OBSOLETE)} obsolete, '
          f'en {sum(v == "en" for v in LANG_OF.values())}; posts {sum(k == "post" for k in KIND_OF.values())}), '
          f'not pages: {len(NOT_PAGES)}, lines: {nlines}, headings: {len(allids)} (explicit ids: {nexp}), '
          f'links checked: {nlinks}')
    print(note1)
    print(note2)
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
