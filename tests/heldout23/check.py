#!/usr/bin/env python3
"""Checks for the h23 held-out set (stdlib only; adapted from tests/heldout22/check.py).

Run from anywhere:  python3 tests/heldout23/check.py
  - if `ruby` with the kramdown + kramdown-parser-gfm libraries is installed (Debian: ruby-kramdown,
    ruby-kramdown-parser-gfm), every page is also rendered with the real kramdown (GFM input, Jekyll's options)
    and its heading ids must equal check.py's ids; `--need-kramdown` turns "not installed" into a failure.
Optional cross-check against a real Jekyll build of notes/ (see README):
                    python3 tests/heldout23/check.py --html /tmp/somewhere/_site
"""
import html, json, os, posixpath, re, shutil, subprocess, sys, unicodedata
import urllib.parse
from collections import Counter
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')      # Jekyll site root (source); _config.yml is here

# body language of each page (declared, used for the cell counts)
PAGE_LANG = {
    'index.md': 'ja', 'faq.md': 'ja', 'glossary.md': 'en',
    'warehouse/receiving.md': 'ja', 'warehouse/inventory.md': 'ja', 'warehouse/cold-storage.md': 'en',
    'distribution/pantry-days.md': 'ja', 'distribution/eligibility.md': 'ja',
    'distribution/eligibility-2023.md': 'ja',
    'kitchen/hygiene.md': 'ja',
    'volunteers/onboarding.md': 'en', 'volunteers/shifts.md': 'en',
    'delivery/van.md': 'en',
    'admin/expenses.md': 'ja', 'admin/privacy.md': 'en',
    'reports/monthly-report.md': 'ja',
    'safety/emergency.md': 'ja',
    '_procedures/food-recall.md': 'ja', '_procedures/warehouse/open-close.md': 'en',
    '_procedures/cash-donations.md': 'en',
}
OBSOLETE = {'distribution/eligibility-2023.md'}
CELLS = [('ja', 'ja'), ('ja', 'en'), ('en', 'ja'), ('en', 'en')]
CELL_SIZES = [12, 8, 11, 9]   # ja->ja, ja->en, en->ja, en->en, in file order
STYLES = {'numeric', 'how', 'factual', 'why', 'paraphrase'}
PREFIX = 'h23'

# Jekyll settings the set is written against (checked against notes/_config.yml below)
BASEURL = '/handbook'
SITE_URL = 'https://example.github.io'
COLLECTIONS = {'procedures': '/:collection/:path/'}      # name -> permalink, all output: true
SKIP_DIRS = {'_site', '_layouts', '_includes', '_data', '_sass', '.jekyll-cache', 'assets'}

errors = []
def err(msg):
    errors.append(msg)

# ---------------------------------------------------------------- pages
def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')

pages = {}
for dp, dn, fn in os.walk(NOTES):
    dn[:] = [d for d in dn if d not in SKIP_DIRS]
    for f in fn:
        if f.endswith('.md'):
            rel = os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/')
            pages[rel] = read_lines(rel)
if set(pages) != set(PAGE_LANG):
    err(f'PAGE_LANG mismatch: {sorted(set(pages) ^ set(PAGE_LANG))}')


def line_kinds(lines):
    """Per-line kind: 'fm' (YAML front matter), 'fence', 'code', 'html' (HTML block lines such as
    <details markdown="1"> / <summary>) or 'text'."""
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
        m = re.match(r'^ {0,3}(`{3,}|~{3,})', ln)
        if m and (fence is None or m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)):
            fence = m.group(1) if fence is None else None
            kinds.append('fence'); continue
        if fence:
            kinds.append('code'); continue
        kinds.append('html' if re.match(r'^\s*</?(details|summary|div)\b', ln) else 'text')
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
    if re.fullmatch(r'\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?', s):     # table separator
        return True
    if re.fullmatch(r'\{:[^}]*\}', s):                                     # kramdown block IAL ({: .note})
        return True
    if re.match(r'^</?(details|summary|div)\b', s):                       # <details markdown="1">, <summary>…</summary>
        return True
    if re.fullmatch(r'\{%-?\s*(end)?raw\s*-?%\}', s):
        return True
    body = strip_inline(re.sub(r'^(>\s*)+', '', s))
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*|:\s+)', '', body).strip()
    return body in ('', 'TODO', '|', '—')


# ---------------------------------------------------------------- front matter / H1
def front_matter(rel):
    lines = pages[rel]; kinds = line_kinds(lines)
    if lines[0].strip() != '---':
        return None
    return '\n'.join([l for l, k in zip(lines, kinds) if k == 'fm'][1:-1])


def fm_value(rel, key):
    fm = front_matter(rel) or ''
    m = re.search(rf'^{key}\s*:\s*(.*?)\s*$', fm, re.M)
    return m.group(1).strip('\'"') if m else None


def headings(rel):
    """(line_no, level, raw text, kind) of ATX headings outside front matter and code. kind = 'text' or
    'inhtml' (inside a <details markdown="1"> / <div markdown="1"> block)."""
    lines = pages[rel]; kinds = line_kinds(lines)
    out = []
    depth = 0
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k == 'html':
            depth += len(re.findall(r'<(details|div)\b', ln)) - len(re.findall(r'</(details|div)>', ln))
            continue
        if k != 'text':
            continue
        m = re.match(r'^(#{1,6})[\t ]+(.*?)[\t ]*$', ln)        # kramdown GFM: ATX needs a space after the #s
        if m:
            raw = re.sub(r'[\t ]#+$', '', m.group(2)).rstrip()
            out.append((no, len(m.group(1)), raw, 'inhtml' if depth > 0 else 'text'))
    return out


for rel in pages:
    if pages[rel][0].strip() != '---':
        err(f'{rel}: no YAML front matter (Jekyll would copy it as a static file, esp. in a collection)')
        continue
    t = fm_value(rel, 'title')
    if not t:
        err(f'{rel}: front matter needs a non-empty title')
    hs = headings(rel)
    if not hs or hs[0][1] != 1 or sum(1 for h in hs if h[1] == 1) != 1:
        err(f'{rel}: needs exactly one "# H1" and it must be the first heading')
    for no, lvl, raw, kind in hs:
        if kind == 'inhtml':
            err(f'{rel}:{no}: heading inside an HTML block: the GFM parser does not give it an id, kramdown\'s '
                f'converter falls back to its own ASCII-only ids (house rule: no headings inside <details>)')
    if rel in OBSOLETE and '【旧版】' not in (hs[0][2] if hs else ''):
        err(f'{rel}: obsolete page without 【旧版】 in its H1')
    if rel in OBSOLETE and '【旧版】' not in (t or ''):
        err(f'{rel}: obsolete page without 【旧版】 in its title')

# ---------------------------------------------------------------- _config.yml
cfg_path = os.path.join(NOTES, '_config.yml')
cfg = open(cfg_path, encoding='utf-8').read() if os.path.exists(cfg_path) else ''
if not cfg:
    err('notes/_config.yml missing')
def cfg_has(pattern, what):
    if not re.search(pattern, cfg, re.M):
        err(f'_config.yml: {what}')
cfg_has(r'^baseurl:\s*["\']?/handbook["\']?\s*$', 'baseurl must be /handbook')
cfg_has(r'^url:\s*["\']?https://example\.github\.io["\']?\s*$', 'url must be https://example.github.io')
cfg_has(r'^permalink:\s*pretty\s*$', 'permalink must be pretty')
cfg_has(r'^markdown:\s*kramdown\s*$', 'markdown must be kramdown')
cfg_has(r'^kramdown:\s*\n(?:[ \t]+.*\n)*?[ \t]+input:\s*GFM\s*$', 'kramdown input must be GFM')
cfg_has(r'^collections:\s*\n\s+procedures:\s*\n\s+output:\s*true\s*\n\s+permalink:\s*/:collection/:path/\s*$',
        'collections.procedures must have output: true and permalink /:collection/:path/')
cfg_has(r'^\s+-\s*jekyll-relative-links\s*$', 'plugin jekyll-relative-links must be listed')
cfg_has(r'^relative_links:\s*\n\s+enabled:\s*true\s*\n\s+collections:\s*true\s*$',
        'relative_links must be enabled with collections: true')
for bad in ('auto_id_prefix', 'transliterated_header_ids', 'auto_id_stripping', 'parse_block_html'):
    if bad in cfg:
        err(f'_config.yml: {bad} set; the set assumes the default kramdown id options')

# ---------------------------------------------------------------- URLs (baseurl /handbook, permalink: pretty)
def page_url(rel):
    """URL path (with baseurl) of a page or collection document.
    front-matter permalink wins; _procedures/a/b.md -> /handbook/procedures/a/b/ (collection permalink
    /:collection/:path/); index.md -> /handbook/; x/index.md -> /handbook/x/; x/y.md -> /handbook/x/y/ (pretty)."""
    pl = fm_value(rel, 'permalink')
    if pl:
        return BASEURL + pl
    first = rel.split('/')[0]
    if first.startswith('_') and first[1:] in COLLECTIONS:
        path = rel[len(first) + 1:-len('.md')]
        return BASEURL + COLLECTIONS[first[1:]].replace(':collection', first[1:]).replace(':path', path)
    p = rel[:-len('.md')]
    if p == 'index':
        return BASEURL + '/'
    if p.endswith('/index'):
        return BASEURL + '/' + p[:-len('index')]
    return BASEURL + '/' + p + '/'

URL_OF = {rel: page_url(rel) for rel in pages}
PAGE_AT = {}
for rel, u in URL_OF.items():
    if u in PAGE_AT:
        err(f'two pages map to URL {u}: {PAGE_AT[u]}, {rel}')
    PAGE_AT[u] = rel

# ---------------------------------------------------------------- heading ids (kramdown 2.4 + kramdown-parser-gfm 1.1)
def is_word(c):
    """Onigmo \\p{Word}: Letter | Mark | Decimal_Number | Connector_Punctuation (+ Nl, alphabetic)."""
    cat = unicodedata.category(c)
    return cat[0] in 'LM' or cat in ('Nd', 'Pc', 'Nl')


def gfm_raw_text(raw):
    """kramdown-parser-gfm update_raw_text: text + codespan + entity chars + smart quotes / typographic symbols
    (which are then removed anyway as non-word). Markup (emphasis, link URLs, HTML tags) is dropped, the text
    inside it kept."""
    t = raw
    t = re.sub(r'`+([^`]*)`+', lambda m: '\x00' + m.group(1).replace(' ', '\x01') + '\x00', t)   # protect code
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'<[^>]+>', '', t)
    t = html.unescape(t)
    t = re.sub(r'\*\*|__|~~', '', t)
    t = re.sub(r'(?<![\w])[*_]|[*_](?![\w])', '', t)
    t = t.replace('---', '\u2014').replace('--', '\u2013').replace('...', '\u2026')
    t = t.replace('\x00', '').replace('\x01', ' ')
    return t


def gfm_slug(text):
    """Kramdown::Parser::GFM#generate_gfm_header_id without the duplicate counter:
    downcase; delete every char that is not \\p{Word}, '-', space or tab; space/tab -> '-'.
    No collapsing of '--', no trimming, no removal of leading digits, non-ASCII letters kept as they are."""
    s = text.lower()
    s = ''.join(c for c in s if is_word(c) or c in '- \t')
    return s.replace(' ', '-').replace('\t', '-')


def kramdown_native_slug(text):
    """kramdown's own converter rule (NOT used for GFM input; only for comparison in the README):
    strip leading non-letters, drop all but [a-zA-Z0-9 -], space -> '-', downcase, '' -> 'section'."""
    s = re.sub(r'^[^a-zA-Z]+', '', text)
    s = re.sub(r'[^a-zA-Z0-9 \-]', '', s).replace(' ', '-').lower()
    return s or 'section'


HEADER_ID = re.compile(r'[\t ]\{#([A-Za-z_:][-A-Za-z0-9_:.]*)\}$')   # `## Title {#id}` (needs a space before {)
IAL_ID = re.compile(r'^\{:\s*#([A-Za-z_][-A-Za-z0-9_:.]*)[^}]*\}\s*$')


def anchors(rel):
    """ids in document order: explicit {#id} / following-line {: #id} IAL, else GFM slug with a per-slug
    counter (slug, slug-1, slug-2 ...; the counter is keyed by the slug, so a heading whose own slug is
    'faq-1' collides with the second 'FAQ')."""
    lines = pages[rel]
    counter = Counter()
    out = []
    for no, lvl, raw, kind in headings(rel):
        m = HEADER_ID.search(raw)
        nxt = lines[no] if no < len(lines) else ''
        m2 = IAL_ID.match(nxt.strip())
        if m:
            aid = m.group(1)
        elif m2:
            aid = m2.group(1)
        else:
            base = gfm_slug(gfm_raw_text(raw))
            n = counter[base]; counter[base] += 1
            aid = base if n == 0 else f'{base}-{n}'
        out.append(aid)
    dup = [k for k, v in Counter(out).items() if v > 1]
    if dup:
        err(f'{rel}: duplicate heading ids {dup} (kramdown emits them twice; fragments become ambiguous)')
    if '' in out:
        err(f'{rel}: a heading gets an empty id')
    return out

ANCH_LIST = {rel: anchors(rel) for rel in pages}
ANCH = {rel: set(v) for rel, v in ANCH_LIST.items()}

# explicit ids must not look like something the author mistyped: `（様式 1）{#x}` (no space) is NOT an id
for rel, lines in pages.items():
    for no, lvl, raw, kind in headings(rel):
        if re.search(r'\{#', raw) and not HEADER_ID.search(raw):
            err(f'{rel}:{no}: "{{#" in a heading that kramdown will not read as an id (needs a space before it)')

# ---------------------------------------------------------------- prose hazards under kramdown / Liquid
ALLOWED_LIQUID = {'{{ site.baseurl }}'}
for rel, lines in pages.items():
    kinds = line_kinds(lines)
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k in ('fm',):
            continue
        for lq in re.findall(r'\{\{.*?\}\}|\{%.*?%\}', ln):
            if lq not in ALLOWED_LIQUID:
                err(f'{rel}:{no}: Liquid {lq!r} would be evaluated by Jekyll')
        if k != 'text':
            continue
        ln2 = re.sub(r'`[^`]*`', '', ln)
        if '|' in ln2 and not ln2.lstrip().startswith('|'):
            err(f'{rel}:{no}: a "|" in prose makes kramdown read the line as a table row')
        if '$$' in ln2:
            err(f'{rel}:{no}: "$$" starts kramdown math')

# ---------------------------------------------------------------- links
LINK_RE = re.compile(r'\]\((\{\{ site\.baseurl \}\}[^)\s]*|[^)\s]+)\)')
nlinks = nanch = 0
link_targets = Counter()
for rel, lines in pages.items():
    kinds = line_kinds(lines)
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k not in ('text',):
            continue
        ln2 = re.sub(r'`[^`]*`', '', ln)
        for target in LINK_RE.findall(ln2):
            if re.match(r'^(https?|mailto|tel):', target):
                continue
            nlinks += 1
            path, _, frag = target.partition('#')
            if not path:
                dest = rel
            elif path.endswith('.md'):
                # jekyll-relative-links: relative to the *file's* directory (not its URL), '/x.md' = site root
                if path.startswith('/'):
                    dest = posixpath.normpath(path.lstrip('/'))
                else:
                    dest = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
                if dest.startswith('..'):
                    err(f'{rel}:{no}: link {target} climbs out of the site root'); continue
                if dest not in pages:
                    err(f'{rel}:{no}: broken link {target} (-> {dest}; jekyll-relative-links would leave a '
                        f'dead .md href)'); continue
            else:
                u = path.replace('{{ site.baseurl }}', BASEURL)
                if not u.startswith(BASEURL + '/'):
                    err(f'{rel}:{no}: link {target}: site links must be .md files, {{{{ site.baseurl }}}}/… or '
                        f'{BASEURL}/… (without the baseurl it 404s on GitHub Pages)'); continue
                if not u.endswith('/'):
                    err(f'{rel}:{no}: link {target}: permalink: pretty URLs end with "/"'); continue
                if u not in PAGE_AT:
                    err(f'{rel}:{no}: link {target} -> {u} is not the URL of any page'); continue
                dest = PAGE_AT[u]
            link_targets[dest] += 1
            if frag:
                nanch += 1
                f2 = urllib.parse.unquote(frag)
                if f2 not in ANCH[dest]:
                    err(f'{rel}:{no}: anchor #{frag} not in {dest} (has {sorted(ANCH[dest])})')

for rel in OBSOLETE:
    idx = '\n'.join(pages.get('index.md', []))
    if posixpath.basename(rel) in idx:
        err(f'index.md links the obsolete page {rel}')
orphans = [r for r in pages if r not in OBSOLETE and r != 'index.md' and not link_targets[r]]
if orphans:
    err(f'pages no other page links to: {orphans}')

# ---------------------------------------------------------------- cross-check with the real kramdown (ruby)
RUBY = r'''
require 'json'
require 'kramdown'
require 'kramdown-parser-gfm'
opts = {input: 'GFM', auto_ids: true, hard_wrap: false, entity_output: :as_char,
        smart_quotes: %w[lsquo rsquo ldquo rdquo], toc_levels: (1..6).to_a, syntax_highlighter: nil,
        footnote_nr: 1, show_warnings: false}
out = {}
JSON.parse($stdin.read).each do |rel, text|
  html = Kramdown::Document.new(text, opts).to_html
  out[rel] = html.scan(/<h[1-6](?:\s[^>]*?)?\sid="([^"]*)"/).flatten
end
puts JSON.generate({version: Kramdown::VERSION, gfm: Kramdown::Parser::GFM::VERSION, ids: out})
'''

def kramdown_input(rel):
    """What Jekyll hands to kramdown: front matter removed (kept as blank lines here so that line numbers stay),
    Liquid rendered ({{ site.baseurl }} -> /handbook); jekyll-relative-links rewrites .md links, which does not
    change any heading."""
    lines = pages[rel]; kinds = line_kinds(lines)
    body = '\n'.join('' if k == 'fm' else l for l, k in zip(lines, kinds))
    return body.replace('{{ site.baseurl }}', BASEURL)

kramdown_note = 'not run (ruby + kramdown not installed)'
if shutil.which('ruby'):
    r = subprocess.run(['ruby', '-e', RUBY], input=json.dumps({rel: kramdown_input(rel) for rel in pages}),
                       capture_output=True, text=True)
    if r.returncode != 0:
        if 'cannot load such file' in r.stderr:
            kramdown_note = 'not run (ruby found, kramdown / kramdown-parser-gfm not installed)'
        else:
            err(f'kramdown run failed: {r.stderr[:400]}')
    else:
        res = json.loads(r.stdout)
        same = total = 0
        for rel in sorted(pages):
            real = res['ids'].get(rel, [])
            mine = ANCH_LIST[rel]
            total += len(real)
            same += sum(1 for a, b in zip(real, mine) if a == b)
            if real != mine:
                err(f'kramdown: {rel}: real ids {real} != check.py ids {mine}')
        kramdown_note = (f'kramdown {res["version"]} + GFM parser {res["gfm"]}: {same}/{total} heading ids '
                         f'equal check.py\'s, in order, in {len(pages)} pages')
if '--need-kramdown' in sys.argv and not kramdown_note.startswith('kramdown '):
    err('kramdown cross-check required but ' + kramdown_note)

# ---------------------------------------------------------------- optional: compare with a real Jekyll build
class IdParser(HTMLParser):
    def __init__(self):
        super().__init__(); self.ids = []; self.hrefs = []; self.all_ids = set()
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a:
            self.all_ids.add(a['id'])
        if re.fullmatch(r'h[1-6]', tag) and 'id' in a:
            self.ids.append(a['id'])
        if tag == 'a' and a.get('href'):
            self.hrefs.append(a['href'])

html_note = None
if '--html' in sys.argv:
    dist = sys.argv[sys.argv.index('--html') + 1]
    built = {}
    nids = 0
    for rel in pages:
        f = os.path.join(dist, URL_OF[rel][len(BASEURL) + 1:], 'index.html')
        if not os.path.exists(f):
            err(f'--html: {rel}: {f} not built (URL {URL_OF[rel]})'); continue
        p = IdParser(); p.feed(open(f, encoding='utf-8').read())
        built[rel] = p
        nids += len(p.ids)
        if p.ids != ANCH_LIST[rel]:
            err(f'--html: {rel}: built ids {p.ids} != check.py ids {ANCH_LIST[rel]}')
    nh = nfr = 0
    for rel, p in built.items():
        for h in p.hrefs:
            if h.startswith(('http:', 'https:', 'mailto:', 'tel:')):
                continue
            if h.startswith('#'):
                if urllib.parse.unquote(h[1:]) not in p.all_ids:
                    err(f'--html: {rel}: in-page href {h} has no target')
                continue
            nh += 1
            path, _, frag = h.partition('#')
            u = urllib.parse.urljoin('https://x' + URL_OF[rel], path)[len('https://x'):]
            u = urllib.parse.unquote(u)
            if u not in PAGE_AT:
                err(f'--html: {rel}: href {h} does not point at a built page'); continue
            if frag:
                nfr += 1
                if urllib.parse.unquote(frag) not in built.get(PAGE_AT[u], IdParser()).ids:
                    err(f'--html: {rel}: href {h} does not match a heading id of {PAGE_AT[u]}')
    html_note = (f'--html: {len(built)} built pages at the expected URLs, {nids} heading ids compared, '
                 f'{nh} internal hrefs resolved ({nfr} with #fragments)')

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
        if k in ('fm', 'fence', 'html'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^ {0,3}#{1,6}\s', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')


def norm(s):
    return re.sub(r'\s+', ' ', unicodedata.normalize('NFKC', s)).strip().lower()


def check_keys(qid, src, gl, keys):
    """every key (a short literal of the answer, from ANSWER_KEYS) occurs in the gold lines, and every gold line
    holds at least one key (so no gold line is padding)"""
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


def looks(lang, text):
    has_ja = bool(re.search(r'[\u3040-\u30ff\u4e00-\u9fff]', text))
    if lang == 'ja':
        return has_ja
    # English questions may quote a Japanese name; they must be mostly Latin
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) >= 0.8 * max(1, len(letters))


# The answer text that each gold line must contain: literal substrings of the answering lines (NFKC- and
# whitespace-normalised, case-insensitive). One list per answerable question, a list of lists (one per turn) per
# follow-up. The questions were written as (question, source, these substrings); a small generator kept outside
# this folder resolved the substrings to line numbers.
# --- ANSWER_KEYS (generated) ---
ANSWER_KEYS = {
    'h23-001': ["冷凍品 | 2 週間以上"],
    'h23-002': ["個人からは受け取らない"],
    'h23-003': ["毎月の最終土曜日、10:00〜12:00"],
    'h23-004': ["「期限切れのものを渡された」と感じさせたくない", "提携しているスーパーとの約束"],
    'h23-005': ["18:00〜19:30"],
    'h23-006': ["4 人以上 | 3 袋 | 5 kg"],
    'h23-007': ["登録の有効期間は 6 か月"],
    'h23-008': ["紹介状がない人も、事務局で 30 分ほどの面談をすれば登録できる"],
    'h23-009': ["75 ℃・1 分以上"],
    'h23-010': ["5,000 円以上 30,000 円未満 | 白石さん | 買う前に"],
    'h23-011': ["なし。隣の港湾事務所"],
    'h23-012': ["24 時間以内に電話"],
    'h23-013': ["chest freezer | −18 °C or colder | above −15 °C for 30 minutes"],
    'h23-014': ["above 8 °C for more than 4 hours in total is thrown away"],
    'h23-015': ["Anyone aged 16 or over", "consent form signed by a parent or guardian"],
    'h23-016': ["Stool test (検便) every 6 months, paid by us"],
    'h23-017': ["on the 20th of each month at 12:00"],
    'h23-018': ["must be 21 or older and have held a Japanese driving licence for at least 3 years"],
    'h23-019': ["Cash goes into the locked donation box", "Ask for the donor's name and address", "¥100,000 or more | Tell 白石 (Shiraishi) the same day"],
    'h23-020': ["for 3 years after the household last used the pantry", "deletes them from the database in April each year"],
    'h23-021': ["0000-52-3108 | 火〜土 8:30〜16:00"],
    'h23-022': ["本人の世帯カードと、本人が書いた委任状", "2 世帯分まで"],
    'h23-023': ["開始 2 時間前から並ぶ人が出て", "早く並ぶ人がいなくなった"],
    'h23-024': ["市外に住んでいても、本人か家族が市内で働いている"],
    'h23-025': ["週 1 回まで。"],
    'h23-026': ["金額は書かない"],
    'h23-027': ["残りの賞味期限が 14 日以内"],
    'h23-028': ["料理ごとに 50 g ずつ"],
    'h23-029': ["毎月末で締め、翌月 15 日に"],
    'h23-030': ["3 % 以上の月は、理由を一言書く"],
    'h23-031': ["暑さ指数（WBGT）が 31 以上", "28 以上 31 未満"],
    'h23-032': ["The date until which the food is safe to eat", "We never accept such food"],
    'h23-033': ["may not keep their own lunch in Fridge 1"],
    'h23-034': ["the first Saturday of each month, 10:00–11:00"],
    'h23-035': ["Less than 48 hours before: call the warehouse (0000-52-3108)", "Nobody is blamed for being ill"],
    'h23-036': ["In July and August the warehouse afternoon shift is cancelled", "ends at 11:00 instead of 12:00"],
    'h23-037': ["Chilled food may spend at most 60 minutes in the van"],
    'h23-038': ["within 30 seconds"],
    'h23-039': ["say that you cannot answer and pass the request to 白石", "Only 白石 may answer such requests, and only in writing"],
    'h23-040': ["So that nobody is ever alone with the money", "It protects the volunteers"],
    'h23f-001': [["| 火曜 | 汐見台コミュニティセンター", "| 金曜 | 汐見台コミュニティセンター"], ["18:00〜19:30"], ["20:00 まで"]],
    'h23f-002': [["登録の有効期間は 6 か月"], ["更新は 15 分ほどの面談で"], ["期限が切れても、1 か月以内なら更新の扱い"]],
    'h23f-003': [["Warehouse morning | Tue–Sat | 9:00–12:00"], ["Warehouse morning | Tue–Sat", "There is no warehouse afternoon shift on Saturdays", "closed on Sundays and Mondays"]],
    'h23f-004': [["Registered drivers only", "21 or older"], ["30-minute safe-driving briefing"], ["more than 2 hours in a row"]],
    'h23f-005': [["受付や片付けに回ってもらう"], ["37.5 ℃ 以上"], ["家族にノロウイルスなどの胃腸炎の人がいるときは"]],
    'h23f-006': [["日曜・月曜と祝日は受け取らない"], ["火〜土の 9:00〜15:00"], ["100 kg を超える寄付は、前の週までに大森さんへ電話"]],
}
# --- end ANSWER_KEYS ---

ans = load('answerable.jsonl')
if len(ans) != sum(CELL_SIZES):
    err(f'answerable: {len(ans)} != {sum(CELL_SIZES)}')
CELL_OF = [c for c, n in zip(CELLS, CELL_SIZES) for _ in range(n)]
for i, q in enumerate(ans):
    check_row('answerable', i, q, PREFIX, ('id', 'lang', 'style', 'question', 'source', 'gold_lines', 'answer'))
    if q.get('style') not in STYLES:
        err(f'{q["id"]}: bad style {q.get("style")}')
    cell = CELL_OF[min(i, len(CELL_OF) - 1)]
    if (q['lang'], PAGE_LANG.get(q['source'])) != cell:
        err(f'{q["id"]}: cell {(q["lang"], PAGE_LANG.get(q["source"]))} != expected {cell}')
    if not looks(q['lang'], q['question']):
        err(f'{q["id"]}: question text does not look {q["lang"]}')
    check_gold(q['id'], q['source'], q['gold_lines'])
    check_keys(q['id'], q['source'], q['gold_lines'], ANSWER_KEYS.get(q['id'], []))

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
    check_row('followup', i, q, PREFIX + 'f', ('id', 'lang', 'turns', 'source', 'gold_lines', 'answers'))
    n = len(q['turns'])
    fkeys = ANSWER_KEYS.get(q['id'], [])
    if not 2 <= n <= 3 or len(q['gold_lines']) != n or len(q['answers']) != n or len(fkeys) != n:
        err(f'{q["id"]}: need 2-3 turns, each with gold_lines, answers and ANSWER_KEYS')
    for t in q['turns']:
        if not looks(q['lang'], t):
            err(f'{q["id"]}: turn {t!r} does not look {q["lang"]}')
    srcs = q.get('turn_sources', [q['source']] * n)
    if srcs[-1] != q['source']:
        err(f'{q["id"]}: last turn_source must equal source')
    for t, (gl, src) in enumerate(zip(q['gold_lines'], srcs)):
        check_gold(f'{q["id"]} turn {t + 1}', src, gl)
        check_keys(f'{q["id"]} turn {t + 1}', src, gl, fkeys[t] if t < len(fkeys) else [])

dups = [k for k, v in Counter(ids).items() if v > 1]
if dups:
    err(f'duplicate ids: {dups}')

# ---------------------------------------------------------------- summary
nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in pages.values())
cells = Counter((q['lang'], PAGE_LANG.get(q['source'])) for q in ans)
print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in PAGE_LANG.values())}, '
      f'en {sum(v == "en" for v in PAGE_LANG.values())}), lines: {nlines}, headings: {sum(map(len, ANCH_LIST.values()))}')
print(f'urls: ' + ', '.join(f'{r} -> {u}' for r, u in sorted(URL_OF.items()) if fm_value(r, "permalink") or r.startswith('_')))
print(f'links checked: {nlinks} (with anchors: {nanch})')
print(f'{kramdown_note}')
if html_note:
    print(html_note)
print(f'answerable: {len(ans)}  cells (q-lang, page-lang): {dict(cells)}  styles: {dict(Counter(q["style"] for q in ans))}')
print(f'noanswer: {len(na)}  langs: {dict(Counter(q["lang"] for q in na))}  kinds: {dict(Counter(q["kind"] for q in na))}')
print(f'followup: {len(fu)}  langs: {dict(Counter(q["lang"] for q in fu))}  turns: {dict(Counter(len(q["turns"]) for q in fu))}')
if errors:
    print(f'\nFAILED ({len(errors)} problems):')
    for e in errors:
        print(' -', e)
    sys.exit(1)
print('OK')
