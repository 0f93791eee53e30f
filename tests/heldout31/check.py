#!/usr/bin/env python3
"""Checks for the h31 held-out set: a bilingual (mostly Japanese, some English) MkDocs + Material site with the
mkdocs-static-i18n plugin (suffix structure), the staff wiki of a small regional animal hospital.

Run from anywhere:  python3 check.py  [--need-real] [--ids]

  - notes/ is the MkDocs project root: mkdocs.yml (docs_dir: wiki, site_url with a /wiki/ path, use_directory_urls
    left at its default, python-markdown's toc with its DEFAULT slugify, i18n plugin with docs_structure: suffix,
    ja default + en), requirements.txt, the repository README.md (outside docs_dir: not a page), and wiki/ with the
    pages; wiki/templates/ (MkDocs' default exclusion) and wiki/drafts/ (draft_docs) are not published.
  - Page URLs and heading ids are computed here, stdlib only, by MkDocs' and python-markdown's rules (see README.md):
    /dir/page/ (index.md -> /dir/), page.en.md -> /en/dir/page/; ids from python-markdown toc's default slugify
    (NFKD, ASCII only: Japanese text vanishes, an empty id becomes _1, _2 ...), attr_list's {#id} kept.
  - Cross-checks with the real renderers, never installed by this script:
      python-markdown (+ pymdown-extensions) with the site's extensions, in this interpreter or in a venv found at
        $H31_VENV, ../venv (next to this folder) or /work/main/.venv: every heading id of every page, in order;
      mkdocs build (mkdocs + mkdocs-material + mkdocs-static-i18n, found the same way): every page's built file at
        the computed URL, its heading ids, every gold URL's fragment, no build warning (the site validates link
        anchors), and no page built for the template, the draft or the README.
    Each is reported SKIPPED when not found; --need-real makes a skipped cross-check a failure.
"""
import html, json, os, posixpath, re, shutil, subprocess, sys, tempfile, unicodedata
from collections import Counter

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')
DOCS_DIR = 'wiki'
DOCS = os.path.join(NOTES, DOCS_DIR)
SITE_URL = 'https://intra.minori-ah.example/wiki'
PREFIX = 'h31'
CELLS = [('ja', 'ja'), ('en', 'ja'), ('en', 'en'), ('ja', 'en')]      # (question language, page language)
CELL_SIZES = [20, 8, 6, 6]
STYLES = {'numeric', 'why', 'paraphrase', 'procedure', 'table', 'yes-no', 'casual'}
FM_KEYS = {'title'}
GREP_DIRS = ['notes/']

# Every page (path under notes/wiki/) -> (published URL path after SITE_URL, language of its text).
EXPECTED = {
    'index.md': ('/', 'ja'),
    'faq.md': ('/faq/', 'ja'),
    'reception/index.md': ('/reception/', 'ja'),
    'reception/appointments.md': ('/reception/appointments/', 'ja'),
    'reception/first-visit.md': ('/reception/first-visit/', 'ja'),
    'reception/phone-triage.md': ('/reception/phone-triage/', 'ja'),
    'vaccines/dogs.md': ('/vaccines/dogs/', 'ja'),
    'vaccines/dogs.en.md': ('/en/vaccines/dogs/', 'en'),
    'vaccines/cats.md': ('/vaccines/cats/', 'ja'),
    'vaccines/rabies.md': ('/vaccines/rabies/', 'ja'),
    'surgery/prep.md': ('/surgery/prep/', 'ja'),
    'surgery/anesthesia-checklist.md': ('/surgery/anesthesia-checklist/', 'ja'),
    'pharmacy/stock.md': ('/pharmacy/stock/', 'ja'),
    'pharmacy/controlled.md': ('/pharmacy/controlled/', 'ja'),
    'oncall/rota.md': ('/oncall/rota/', 'ja'),
    'oncall/referral.md': ('/oncall/referral/', 'ja'),
    'billing/prices.md': ('/billing/prices/', 'ja'),
    'billing/payment.md': ('/billing/payment/', 'ja'),
    'billing/insurance.md': ('/billing/insurance/', 'ja'),
    'billing/insurance.en.md': ('/en/billing/insurance/', 'en'),
    'hotel/pet-hotel.md': ('/hotel/pet-hotel/', 'ja'),
    'hotel/pet-hotel.en.md': ('/en/hotel/pet-hotel/', 'en'),
    'hotel/daily-care.md': ('/hotel/daily-care/', 'ja'),
    'equipment/xray.md': ('/equipment/xray/', 'ja'),
    'equipment/autoclave.md': ('/equipment/autoclave/', 'ja'),
    'equipment/lab-analyzers.md': ('/equipment/lab-analyzers/', 'en'),
    'it/network.md': ('/it/network/', 'en'),
    'it/emr.md': ('/it/emr/', 'en'),
    'it/backups.md': ('/it/backups/', 'en'),
    'hr/shifts.md': ('/hr/shifts/', 'ja'),
    'hr/pay.md': ('/hr/pay/', 'ja'),
    'hr/contacts.md': ('/hr/contacts/', 'ja'),
    'hr/onboarding.en.md': ('/en/hr/onboarding/', 'en'),
    'archive/oncall-2025.md': ('/archive/oncall-2025/', 'ja'),
}
# Markdown files in the project that are not pages, and why (paths under notes/).
NOT_PAGES = {
    'README.md': 'the repository README, outside docs_dir',
    'wiki/templates/visit-note.md': "MkDocs' default exclude_docs (/templates/)",
    'wiki/drafts/hotel-camera.md': 'draft_docs: drafts/ (not in mkdocs build)',
}
OBSOLETE = {'archive/oncall-2025.md': 'oncall/rota.md'}          # obsolete -> current
TRANSLATION_OF = {'vaccines/dogs.en.md': 'vaccines/dogs.md', 'billing/insurance.en.md': 'billing/insurance.md',
                  'hotel/pet-hotel.en.md': 'hotel/pet-hotel.md'}
MD_EXTENSIONS = ['toc', 'tables', 'attr_list', 'md_in_html', 'admonition', 'footnotes', 'pymdownx.details',
                 'pymdownx.superfences', 'pymdownx.tabbed', 'pymdownx.tasklist']
MD_CONFIG = {'toc': {'permalink': True}, 'pymdownx.tabbed': {'alternate_style': True},
             'pymdownx.tasklist': {'custom_checkbox': True}}

errors = []


def err(msg):
    errors.append(msg)


# ---------------------------------------------------------------- mkdocs.yml (what the checks assume)
with open(os.path.join(NOTES, 'mkdocs.yml'), encoding='utf-8') as f:
    CFG_TEXT = f.read()


def cfg_has(pattern):
    return re.search(pattern, CFG_TEXT, re.M) is not None


for pat, what in [(r'^docs_dir: wiki$', 'docs_dir: wiki'),
                  (r'^site_url: https://intra\.minori-ah\.example/wiki/$', 'site_url'),
                  (r'^  - toc:\n      permalink: true\n  - ', 'toc with permalink only (default slugify)'),
                  (r'^  - attr_list$', 'attr_list'),
                  (r'^  - i18n:\n      docs_structure: suffix$', 'i18n with docs_structure: suffix'),
                  (r'^        - locale: ja\n          default: true$', 'ja as the default language'),
                  (r'^        - locale: en$', 'en language'),
                  (r'^draft_docs: \|\n  drafts/$', 'draft_docs: drafts/'),
                  (r'^    anchors: warn$', 'validation of link anchors')]:
    if not cfg_has(pat):
        err(f'mkdocs.yml: expected {what}')
for bad in ('use_directory_urls', 'slugify', 'separator', 'exclude_docs', 'not_in_nav', 'toc_depth', 'baselevel'):
    if re.search(rf'^\s*{bad}\s*:', CFG_TEXT, re.M):
        err(f'mkdocs.yml: {bad} is not modelled by check.py')


# ---------------------------------------------------------------- which files are pages
def read_lines(rel):
    with open(os.path.join(DOCS, rel), encoding='utf-8') as f:
        return f.read().split('\n')


all_md = []
for dp, dn, fn in os.walk(NOTES):
    for f in fn:
        if f.endswith(('.md', '.markdown')):
            all_md.append(os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/'))
all_md.sort()
pages = {}
for rel_n in all_md:
    if not rel_n.startswith(DOCS_DIR + '/'):
        continue
    rel = rel_n[len(DOCS_DIR) + 1:]
    segs = rel.split('/')
    if any(s.startswith('.') for s in segs) or rel.startswith('templates/') or rel.startswith('drafts/'):
        continue
    pages[rel] = read_lines(rel)
if set(pages) != set(EXPECTED):
    err(f'pages differ from EXPECTED: {sorted(set(pages) ^ set(EXPECTED))}')
for rel in NOT_PAGES:
    if rel not in all_md or (rel.startswith(DOCS_DIR + '/') and rel[len(DOCS_DIR) + 1:] in pages):
        err(f'{rel}: expected to exist and not to be a page ({NOT_PAGES[rel]})')


def page_path(rel):
    """MkDocs use_directory_urls + mkdocs-static-i18n suffix structure: x.en.md is the en page at /en/x/."""
    lang_prefix = ''
    if rel.endswith('.en.md'):
        rel, lang_prefix = rel[:-len('.en.md')] + '.md', '/en'
    d, f = posixpath.split(rel)
    stem = posixpath.splitext(f)[0]
    if stem in ('index', 'README'):
        return lang_prefix + ('/' + d + '/' if d else '/')
    return lang_prefix + '/' + (d + '/' if d else '') + stem + '/'


URL_OF = {rel: page_path(rel) for rel in pages}
LANG_OF = {rel: EXPECTED.get(rel, ('', 'ja'))[1] for rel in pages}
for rel in pages:
    if rel in EXPECTED and URL_OF[rel] != EXPECTED[rel][0]:
        err(f'{rel}: computed URL {URL_OF[rel]!r} != expected {EXPECTED[rel][0]!r}')
    body = '\n'.join(pages[rel])
    ja_chars = len(re.findall(r'[\u3040-\u30ff\u4e00-\u9fff]', body))
    text_lang = 'ja' if ja_chars > 0.1 * max(1, len(re.findall(r'[A-Za-z]', body))) else 'en'
    if text_lang != LANG_OF[rel]:
        err(f'{rel}: text looks {text_lang}, EXPECTED says {LANG_OF[rel]}')
    if rel.endswith('.en.md') and LANG_OF[rel] != 'en':
        err(f'{rel}: an .en.md page must be English')
if len(set(URL_OF.values())) != len(URL_OF):
    err('two pages share a URL')


# ---------------------------------------------------------------- line kinds
def line_kinds(rel):
    """'fm' (front matter), 'fence' (``` lines), 'code' (inside a fence), 'html' (<details ...>, <summary>..</summary>,
    </details>), 'marker' (an admonition / collapsible / content-tab opener: !!! x, ??? x, === "x"), 'text'."""
    lines, kinds, fence = pages[rel], [], None
    fm_end = -1
    if lines and lines[0] == '---':
        try:
            fm_end = lines.index('---', 1)
        except ValueError:
            err(f'{rel}: front matter not closed')
    for i, ln in enumerate(lines):
        if i <= fm_end:
            kinds.append('fm'); continue
        m = re.match(r'^( *)(`{3,}|~{3,})', ln)
        if m and (fence is None or (m.group(2)[0] == fence[0] and len(m.group(2)) >= len(fence))):
            fence = m.group(2) if fence is None else None
            kinds.append('fence'); continue
        if fence:
            kinds.append('code'); continue
        if re.match(r'^\s*</?(details|summary)\b', ln):
            kinds.append('html'); continue
        if re.match(r'^(!!!|\?\?\?\+?) [\w-]+( "[^"]*")?\s*$|^=== "[^"]*"\s*$', ln):
            kinds.append('marker'); continue
        kinds.append('text')
    if fence:
        err(f'{rel}: code fence not closed')
    return kinds, fm_end + 1


KINDS, FM_LEN, FM = {}, {}, {}
for rel in pages:
    KINDS[rel], FM_LEN[rel] = line_kinds(rel)
    fm = {}
    for ln in (pages[rel][1:FM_LEN[rel] - 1] if FM_LEN[rel] else []):
        m = re.fullmatch(r'([A-Za-z_]+):\s*(.*)', ln)
        if not m or m.group(1) not in FM_KEYS:
            err(f'{rel}: front matter line {ln!r} not modelled'); continue
        fm[m.group(1)] = m.group(2).strip().strip('"\'')
    FM[rel] = fm

# house rules: what would change what the page shows, or what check.py does not model
for rel in pages:
    depth, prev_kind = 0, None
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k == 'html':
            if ln == '<details markdown="1">':
                depth += 1
            elif ln == '</details>':
                depth -= 1
            elif not re.fullmatch(r'<summary>[^<]*</summary>', ln):
                err(f'{rel}:{no}: HTML line {ln!r} not modelled')
        if k != 'text':
            continue
        prev = pages[rel][no - 2] if no > 1 else ''
        if re.match(r'^#{1,6}[^#\s]', ln):
            err(f'{rel}:{no}: "#text" without a space is not a heading')
        if re.match(r'^ {4,}\S', ln) and not prev.strip() and not re.match(r'^ {4}(- |\d+\. |\S)', ln):
            err(f'{rel}:{no}: indented code block')
        if ln.startswith('|') and prev.strip() and not prev.startswith('|'):
            err(f'{rel}:{no}: table right after a paragraph (python-markdown needs a blank line first)')
        if re.match(r'^(=+|-{2,})\s*$', ln) and prev.strip() and not prev.startswith(('-', '|')):
            err(f'{rel}:{no}: setext heading underline (house rule: ATX only)')
        if re.match(r'^\s*[-*] ', ln) and prev.strip() and not re.match(r'^\s*([-*]|\d+\.) |^\s{2,}\S', prev) \
                and not prev.startswith('|') and KINDS[rel][no - 2] != 'marker':
            err(f'{rel}:{no}: list right after a paragraph (python-markdown needs a blank line first)')
    if depth != 0:
        err(f'{rel}: <details> not balanced')


# ---------------------------------------------------------------- headings and ids (python-markdown 3.x toc)
def headings(rel):
    """(line_no, level, raw text) of ATX headings outside front matter, code, HTML and indented blocks."""
    out = []
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k != 'text':
            continue
        m = re.match(r'^(#{1,6})[\t ]+(.*?)[\t ]*$', ln)
        if m:
            raw = re.sub(r'[\t ]+#+$', '', m.group(2))
            out.append((no, len(m.group(1)), raw))
    return out


ATTR_ID = re.compile(r'[\t ]*\{:?[\t ]*#([A-Za-z_][\w-]*)[\t ]*\}$')


def explicit_id(raw):
    m = ATTR_ID.search(raw)
    if m:
        return m.group(1), raw[:m.start()].rstrip()
    if '{' in raw:
        err(f'heading {raw!r}: attribute list not modelled')
    return None, raw


def heading_text(raw):
    """The heading's text as toc's get_name sees it: no markup, link text, code text, entities decoded."""
    if re.search(r'<[A-Za-z/]|!\[', raw):
        err(f'heading {raw!r}: HTML / image in a heading is not modelled')
    t = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', raw)
    t = t.replace('`', '')
    t = re.sub(r'\*\*|__', '', t)
    t = re.sub(r'(?<![\w])[*_]|[*_](?![\w])', '', t)
    t = re.sub(r'\\([\\`*_{}\[\]()#+\-.!])', r'\1', t)
    return html.unescape(t).strip()


def md_slugify(value, separator='-'):
    """markdown.extensions.toc.slugify (unicode=False), the default of python-markdown 3.x and so of MkDocs."""
    value = unicodedata.normalize('NFKD', value)
    value = value.encode('ascii', 'ignore').decode('ascii')
    value = re.sub(r'[^\w\s-]', '', value).strip().lower()
    return re.sub(r'[{}\s]+'.format(separator), separator, value)


IDCOUNT_RE = re.compile(r'^(.*)_([0-9]+)$')


def md_unique(id_, ids):
    """markdown.extensions.toc.unique: '' and repeats become x_1, x_2 ... ('_1', '_2' for an empty slug)."""
    while id_ in ids or not id_:
        m = IDCOUNT_RE.match(id_)
        id_ = f'{m.group(1)}_{int(m.group(2)) + 1}' if m else f'{id_}_1'
    ids.add(id_)
    return id_


def anchors(rel):
    hs = headings(rel)
    used = {explicit_id(raw)[0] for no, lvl, raw in hs if explicit_id(raw)[0]}    # toc keeps ids already set
    out = []
    for no, lvl, raw in hs:
        eid, rest = explicit_id(raw)
        out.append(eid if eid else md_unique(md_slugify(heading_text(rest)), used))
    return out


ANCH_LIST = {rel: anchors(rel) for rel in pages}
ANCH = {rel: set(v) for rel, v in ANCH_LIST.items()}
for rel in pages:
    for i, c in Counter(ANCH_LIST[rel]).items():
        if c > 1:
            err(f'{rel}: id {i!r} twice on the page')
    hs = headings(rel)
    if not hs or hs[0][1] != 1 or sum(1 for h in hs if h[1] == 1) != 1:
        err(f'{rel}: a page has exactly one h1, first')
    for no, lvl, raw in hs:
        if lvl >= 4:
            err(f'{rel}:{no}: only #, ## and ### are used')


def title_of(rel):
    return FM[rel].get('title') or heading_text(explicit_id(headings(rel)[0][2])[1])


TITLE = {rel: title_of(rel) for rel in pages}

for rel, cur in OBSOLETE.items():
    body = [ln for ln, k in zip(pages[rel], KINDS[rel]) if k != 'fm' and ln.strip()]
    if not TITLE[rel].startswith('【旧】') or not rel.startswith('archive/'):
        err(f'{rel}: obsolete page must be in archive/ with a title starting with 【旧】')
    if len(body) < 3 or not body[1].startswith('!!! danger') or \
            posixpath.relpath(cur, posixpath.dirname(rel)) not in body[2]:
        err(f'{rel}: obsolete page must open with a danger admonition linking its current page')
for en, ja in TRANSLATION_OF.items():
    if LANG_OF.get(en) != 'en' or LANG_OF.get(ja) != 'ja' or en[:-len('.en.md')] != ja[:-len('.md')]:
        err(f'{en}: translation pair wrong')

# ---------------------------------------------------------------- links between pages
LINK = re.compile(r'\]\(([^)\s]+?\.md)(#[^)\s]*)?\)')
nlinks = 0
for rel in pages:
    for no, (ln, k) in enumerate(zip(pages[rel], KINDS[rel]), 1):
        if k not in ('text', 'marker'):
            continue
        for m in LINK.finditer(ln):
            nlinks += 1
            tgt = posixpath.normpath(posixpath.join(posixpath.dirname(rel), m.group(1)))
            if tgt not in pages:
                err(f'{rel}:{no}: link {m.group(1)} is not a page'); continue
            if m.group(2) and m.group(2)[1:] not in ANCH[tgt]:
                err(f'{rel}:{no}: anchor {m.group(2)} not in {tgt}')
            # in the en build a link to x.md goes to x.en.md when it exists: the anchor must be there too
            en_t = tgt[:-3] + '.en.md'
            if m.group(2) and en_t in pages and m.group(2)[1:] not in ANCH[en_t]:
                err(f'{rel}:{no}: anchor {m.group(2)} not in {en_t} (the en build links there)')
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
        if k in ('fm', 'fence', 'html', 'marker'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^#{1,6}(\s|$)', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')


def section_of(src, n):
    best = None
    for (no, lvl, raw), hid in zip(headings(src), ANCH_LIST[src]):
        if no < n:
            best = (heading_text(explicit_id(raw)[1]), hid, lvl)
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
    "h31-001": ["パルボが疑われる犬が来た日は **0.5%**"],
    "h31-002": ["麻酔薬の準備代として **3,300 円**"],
    "h31-003": ["50 m 先の「川辺町コインパーキング」"],
    "h31-004": ["オス猫のおしっこが 12 時間以上出ていない"],
    "h31-005": ["室内飼いの大人の猫は 3 年ごと"],
    "h31-006": ["**左うしろ足の下のほう** に打つ"],
    "h31-007": ["狂犬病まで **4 週間** あける"],
    "h31-008": ["水は当日の朝 **7:00** まで飲んでよい"],
    "h31-009": ["小型犬や猫は、麻酔中に体温がすぐに下がる", "40 度以上にするとやけどのおそれ"],
    "h31-010": ["**10 秒** 下がらないこと"],
    "h31-011": ["8 度を超えていたら、何時間続いたか"],
    "h31-012": ["ワクチンは週 1 回（火曜）しか届かなかった"],
    "h31-013": ["| 待機（日曜・祝日） | 10,000 円 | 5,000 円 |"],
    "h31-014": ["当日の交代は院長の OK がいる"],
    "h31-015": ["**19:00〜20:00 はまだ開いていない**"],
    "h31-016": ["| 100 円玉 | 15 | 1,500 円 |"],
    "h31-017": ["| 犬 10〜20 kg | 5,500 円 | 3,850 円 |"],
    "h31-018": ["食べない状態が **24 時間** 続いたら獣医師に言う"],
    "h31-019": ["**妊娠している人と 18 歳未満の人は入らない**"],
    "h31-020": ["当院では預からない（ペットホテルにも入れない）"],
    "h31-021": ["| 8 種混合 | 5 種 ＋ コロナ、レプトスピラ 2 種 | 9,350 円 |"],
    "h31-022": ["**保険証をスマホで撮った写真はだめ**"],
    "h31-023": ["| 深夜（22:00〜翌 7:00） | 11,000 円 |"],
    "h31-024": ["熱が下がってからも 2 日間は休む"],
    "h31-025": ["インジケーターテープの色が **黒** に変わったか"],
    "h31-026": ["診察料と検査代が **30% 引き**"],
    "h31-027": ["| 4 月 19 日（日） | 若葉中央公園 | 9:30〜12:00 | 中村先生・小林さん |"],
    "h31-028": ["若葉市の補助券があれば 5,000 円引き"],
    "h31-029": ["| MINORI-GUEST |"],
    "h31-030": ["Switch to paper: the downtime kit"],
    "h31-031": ["Yoshida-san takes that one home"],
    "h31-032": ["**every Monday morning**"],
    "h31-033": ["the owner must tell us that person's name in advance", "We ask that person for photo ID"],
    "h31-034": ["| After 3 months | You can join the on-call rota"],
    "h31-035": ["The courier collects at **16:30** on weekdays"],
    "h31-036": ["1. ONU (white box, bottom shelf)"],
    "h31-037": ["An SMS costs ¥3"],
    "h31-038": ["Windows updates install on **Wednesday at 13:00**"],
    "h31-039": ["Cat platelets clump"],
    "h31-040": ["We never hand a pet over to a child under 18 coming alone"],
    "h31f-001": [["あずかる: 9:00〜11:30、16:00〜18:30"], ["日曜・祝日は受け渡しなし"], ["| 2 日前〜前の日 | 1 泊分の 50% |"]],
    "h31f-002": [["| 5 種混合 | 3 種 ＋ 猫白血病（FeLV）、クラミジア | 8,250 円 |"], ["5 種を打つ前に FeLV/FIV の検査（3,850 円）をする"]],
    "h31f-003": [["**黄色の針ボックス**"], ["毎週 **火曜と金曜の 10:00**"], ["伝票（マニフェスト）には吉田さんがサインする"]],
    "h31f-004": [["前の日の **21:00 からは食べさせない**"], ["体重 2 kg 未満の子は、絶食を短くする"]],
    "h31f-005": [["Internet line: Wakaba Hikari, 0000-29-0077"], ["Kawabe IT Support: 0000-29-1180"], ["Outside those hours, e-mail support@kawabe-it.example"]],
    "h31f-006": [["**床に固定した金庫**"], ["鍵は院長と佐々木先生の 2 本だけ"]],
}
# --- end ANSWER_KEYS ---


def page_of(source):
    """`source` is the path relative to notes/ (the corpus folder, the MkDocs project root): wiki/dir/page.md."""
    if not isinstance(source, str) or not source.startswith(DOCS_DIR + '/'):
        err(f'source {source!r} must be relative to notes/ and start with {DOCS_DIR}/')
        return source
    return source[len(DOCS_DIR) + 1:]


def load_q(name):
    rows = load(name)
    for q in rows:
        if 'source' in q:
            q['source'] = page_of(q['source'])         # checked below as the page under notes/wiki/
    return rows


def check_questions():
    ans = load_q('answerable.jsonl')
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

    fu = load_q('followup.jsonl')
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
                url = None
                if t == n - 1:           # the scored turn's URL is checked against the real build too
                    url = SITE_URL + URL_OF.get(q['source'], '') + '#' + q['headings'][t].get('id', '')
                check_heading(f'{q["id"]} turn {t + 1}', q['source'], gl, q['headings'][t], url)
    dups = [k for k, v in Counter(ids).items() if v > 1]
    if dups:
        err(f'duplicate ids: {dups}')
    return ans, na, fu


# ---------------------------------------------------------------- finding the real renderers
def venv_candidates():
    c = []
    if os.environ.get('H31_VENV'):
        c.append(os.environ['H31_VENV'])
    c += [os.path.join(os.path.dirname(ROOT), 'venv'), '/work/main/.venv']
    return [v for v in c if os.path.exists(os.path.join(v, 'bin', 'python'))]


PYMD_SCRIPT = r'''
import json, re, sys
import markdown
exts, cfg = sys.argv[1].split(','), json.loads(sys.argv[2])
try:
    import pymdownx
    have_pymdownx = True
except ImportError:
    exts, have_pymdownx = [e for e in exts if not e.startswith('pymdownx.')], False
pages = json.loads(sys.stdin.read())
out = {}
for name, src in pages.items():
    md = markdown.Markdown(extensions=exts, extension_configs={k: v for k, v in cfg.items() if k in exts})
    h = md.convert(src)
    out[name] = re.findall(r'<h[1-6] id="([^"]*)"', h)
print(json.dumps({'version': markdown.__version__, 'pymdownx': have_pymdownx, 'ids': out}))
'''


def body_for_markdown(rel):
    """The page as MkDocs hands it to python-markdown: front matter removed (MkDocs' meta parser)."""
    return '\n'.join(pages[rel][FM_LEN[rel]:]) + '\n'


def pymd_check():
    payload = json.dumps({rel: body_for_markdown(rel) for rel in pages})
    interps = []
    try:
        import markdown  # noqa: F401
        interps.append(sys.executable)
    except ImportError:
        pass
    interps += [os.path.join(v, 'bin', 'python') for v in venv_candidates()]
    for py in interps:
        r = subprocess.run([py, '-c', PYMD_SCRIPT, ','.join(MD_EXTENSIONS), json.dumps(MD_CONFIG)],
                           input=payload, capture_output=True, text=True)
        if r.returncode != 0:
            continue
        res = json.loads(r.stdout)
        same = 0
        for rel, got in res['ids'].items():
            if got != ANCH_LIST[rel]:
                err(f'python-markdown {res["version"]}: {rel}: {got} != check.py {ANCH_LIST[rel]}')
            else:
                same += 1
        n = sum(len(v) for v in res['ids'].values())
        ext = 'with pymdown-extensions' if res['pymdownx'] else 'WITHOUT pymdown-extensions'
        return same == len(pages), (f'python-markdown {res["version"]} toc ({ext}, {py}): {same}/{len(pages)} pages '
                                    f'with all {n} heading ids equal to check.py\'s')
    return None, 'python-markdown cross-check SKIPPED (no interpreter with markdown found)'


def find_mkdocs():
    if os.environ.get('MKDOCS'):
        return os.environ['MKDOCS']
    for v in venv_candidates():
        py = os.path.join(v, 'bin', 'python')
        r = subprocess.run([py, '-c', 'import mkdocs, material, mkdocs_static_i18n'], capture_output=True)
        if r.returncode == 0 and os.path.exists(os.path.join(v, 'bin', 'mkdocs')):
            return os.path.join(v, 'bin', 'mkdocs')
    return None


def built_ids(path):
    with open(path, encoding='utf-8') as fh:
        h = fh.read()
    return re.findall(r'<h[1-6] id="([^"]*)"', h), set(re.findall(r'\sid="([^"]*)"', h))


def mkdocs_check(gold_urls):
    mk = find_mkdocs()
    if not mk:
        return None, 'MkDocs build check SKIPPED (no mkdocs with mkdocs-material and mkdocs-static-i18n found)'
    work = tempfile.mkdtemp(prefix='h31site-')
    try:
        src, site = os.path.join(work, 'src'), os.path.join(work, 'site')
        shutil.copytree(NOTES, src)
        env = dict(os.environ, NO_MKDOCS_2_WARNING='1', DISABLE_MKDOCS_2_WARNING='true')
        r = subprocess.run([mk, 'build', '-f', os.path.join(src, 'mkdocs.yml'), '-d', site], cwd=src,
                           capture_output=True, text=True, env=env)
        ver = subprocess.run([mk, '--version'], capture_output=True, text=True).stdout.strip()
        log = r.stdout + r.stderr
        if r.returncode != 0:
            err(f'mkdocs build failed:\n{log[-1500:]}')
            return False, 'MkDocs build check FAILED'
        for ln in log.splitlines():
            if re.match(r'^(WARNING|ERROR)\b', ln.strip()):
                err(f'mkdocs build: {ln.strip()}')
        built, same = {}, 0
        for rel in pages:
            f = os.path.join(site, URL_OF[rel].lstrip('/'), 'index.html')
            if not os.path.exists(f):
                err(f'mkdocs: {rel}: no built file for {URL_OF[rel]}'); continue
            heads, allids = built_ids(f)
            built[URL_OF[rel]] = allids
            if heads != ANCH_LIST[rel]:
                err(f'mkdocs: {rel}: heading ids {heads} != check.py {ANCH_LIST[rel]}')
            else:
                same += 1
        # what was built: every default-language page at its URL, and under /en/ each page's English copy or the
        # fallback copy of the Japanese page (not separate pages); nothing for the template, the draft, the README
        html_dirs = set()
        for dp, dn, fn in os.walk(site):
            if 'index.html' in fn and not os.path.relpath(dp, site).startswith(('assets', 'search')):
                rp = os.path.relpath(dp, site).replace(os.sep, '/')
                html_dirs.add('/' if rp == '.' else '/' + rp + '/')
        default_urls = {u for rel, u in URL_OF.items() if not rel.endswith('.en.md')}
        want = default_urls | {'/en' + u for u in default_urls} | {u for rel, u in URL_OF.items()
                                                                 if rel.endswith('.en.md')}
        if html_dirs != want:
            err(f'mkdocs: built pages differ from the expected ones: {sorted(html_dirs ^ want)}')
        ok = 0
        for qid, u in gold_urls:
            path, frag = u[len(SITE_URL):].split('#', 1)
            if path in built and frag in built[path]:
                ok += 1
            else:
                err(f'mkdocs: {qid}: {u} not found in the build')
        return same == len(pages), (f'{ver.split(" from ")[0]} build (material + static-i18n): {len(built)}/'
                                    f'{len(pages)} pages at the computed URLs, {same} with all heading ids equal, '
                                    f'{ok}/{len(gold_urls)} gold URLs found, no build warning, '
                                    f'{len(html_dirs)} HTML pages in all (ja + en incl. fallbacks), none for '
                                    f'templates/, drafts/ or the README')
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ans, na, fu = check_questions()
    ok1, note1 = pymd_check()
    ok2, note2 = mkdocs_check(GOLD_URLS)
    if '--need-real' in sys.argv and not (ok1 and ok2):
        err('a real-renderer cross-check was required but not passed')
    nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in pages.values())
    allids = [i for v in ANCH_LIST.values() for i in v]
    nexp = sum(1 for r in pages for no, l, raw in headings(r) if explicit_id(raw)[0])
    nus = sum(1 for i in allids if re.fullmatch(r'_\d+', i))
    print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in LANG_OF.values())} incl. {len(OBSOLETE)} obsolete, '
          f'en {sum(v == "en" for v in LANG_OF.values())}, of them {len(TRANSLATION_OF)} translations), '
          f'not pages: {len(NOT_PAGES)}, lines: {nlines}, headings: {len(allids)} (explicit ids: {nexp}, '
          f'"_N" ids: {nus}), links checked: {nlinks}')
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
