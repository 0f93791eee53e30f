#!/usr/bin/env python3
"""Checks for the h24 held-out set (stdlib only; adapted from tests/heldout23/check.py).

Run from anywhere:  python3 check.py            (in /work/h24, or python3 /path/to/h24/check.py)
  - if `node` is installed and tools/node_modules/github-slugger exists (cd tools && npm install github-slugger),
    every heading text is also slugged by the real github-slugger (BananaSlug, one instance per page, in
    document order) and the ids must equal check.py's; `--need-node` turns "not installed" into a failure.
"""
import html, json, os, re, shutil, subprocess, sys, unicodedata
import urllib.parse
from collections import Counter

ROOT = os.path.dirname(os.path.abspath(__file__))
NOTES = os.path.join(ROOT, 'notes')      # the wiki's git repository (handbook.wiki.git) checked out here
TOOLS = os.path.join(ROOT, 'tools')

# body language of each page (declared, used for the cell counts)
PAGE_LANG = {
    'Home.md': 'ja', 'FAQ.md': 'ja', 'Glossary.md': 'en',
    '1日の流れ.md': 'ja', 'お迎えのルール.md': 'ja', 'Drop-off-and-Pick-up.md': 'en',
    '午睡チェック.md': 'ja', '散歩と園外活動.md': 'ja',
    '給食.md': 'ja', 'Allergy-Policy.md': 'en', 'Sick-Children.md': 'en',
    '保育料と延長保育料.md': 'ja', 'archive/延長保育ルール-2024年版.md': 'ja',
    'staff/シフトと勤務.md': 'ja', 'staff/Staff-Roster.md': 'en',
    'Onboarding-for-New-Staff.md': 'en', 'Photos-and-Privacy.md': 'en',
    'safety/Emergency-Procedures.md': 'en', 'safety/避難訓練の計画.md': 'ja',
    '年間行事.md': 'ja',
}
SPECIAL = {'_Sidebar.md', '_Footer.md'}           # gollum: shown on every page, not pages themselves (no URL)
OBSOLETE = {'archive/延長保育ルール-2024年版.md': '保育料と延長保育料'}   # obsolete page -> its current page
CELLS = [('ja', 'ja'), ('ja', 'en'), ('en', 'ja'), ('en', 'en')]
CELL_SIZES = [12, 8, 11, 9]   # ja->ja, ja->en, en->ja, en->en, in file order
STYLES = {'numeric', 'how', 'factual', 'why', 'paraphrase'}
PREFIX = 'h24'

WIKI = 'https://github.com/example-hoikuen/handbook/wiki'

errors = []
def err(msg):
    errors.append(msg)

# ---------------------------------------------------------------- files
def read_lines(rel):
    with open(os.path.join(NOTES, rel), encoding='utf-8') as f:
        return f.read().split('\n')

files = {}
for dp, dn, fn in os.walk(NOTES):
    dn[:] = [d for d in dn if not d.startswith('.')]
    for f in fn:
        rel = os.path.relpath(os.path.join(dp, f), NOTES).replace(os.sep, '/')
        if not f.endswith('.md'):
            err(f'{rel}: only .md files are expected in notes/')
            continue
        files[rel] = read_lines(rel)
pages = {r: l for r, l in files.items() if r not in SPECIAL}
for s in SPECIAL:
    if s not in files:
        err(f'{s} missing')
    elif '/' in s:
        err(f'{s}: _Sidebar/_Footer must be at the wiki root')
if set(pages) != set(PAGE_LANG):
    err(f'PAGE_LANG mismatch: {sorted(set(pages) ^ set(PAGE_LANG))}')


def page_name(rel):
    """GitHub wiki: the page name is the file's base name without .md; folders are ignored (flat namespace)."""
    return rel.rsplit('/', 1)[-1][:-len('.md')]


NAME_OF = {rel: page_name(rel) for rel in pages}
PAGE_BY_NAME = {}
for rel, n in NAME_OF.items():
    if n.lower() in {k.lower() for k in PAGE_BY_NAME}:
        err(f'two pages share the page name {n!r} (GitHub wiki ignores folders): {rel}')
    PAGE_BY_NAME[n] = rel
    if re.search(r'[\s:/\\?#%*"<>|]', n):
        err(f'{rel}: page name {n!r} has a space or a character that breaks GitHub wiki URLs')
    if n.startswith('_'):
        err(f'{rel}: names starting with "_" are special in gollum')
if 'Home' not in PAGE_BY_NAME:
    err('Home.md missing')


def page_url(rel):
    """https://github.com/OWNER/REPO/wiki/<page name>; Home is served at /wiki (and /wiki/Home)."""
    n = NAME_OF[rel]
    return WIKI if n == 'Home' else f'{WIKI}/{urllib.parse.quote(n)}'

URL_OF = {rel: page_url(rel) for rel in pages}


def line_kinds(lines):
    """Per-line kind: 'fence', 'code', 'html' (<details> / <summary> lines) or 'text'."""
    kinds = []
    fence = None
    for ln in lines:
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
    t = re.sub(r'\[\[([^\]|]*)(\|[^\]]*)?\]\]', r'\1', t)
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'[`*_~]', '', t)
    return t.strip()


def markup_only(ln):
    s = ln.strip()
    if not s:
        return True
    if re.fullmatch(r'\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?', s):     # table separator
        return True
    if re.fullmatch(r'>\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]', s):  # GitHub alert marker line
        return True
    if re.match(r'^</?(details|summary|div)\b', s):
        return True
    body = strip_inline(re.sub(r'^(>\s*)+', '', s))
    body = re.sub(r'^([-*+]\s*(\[[ xX]\]\s*)?|\d+\.\s*)', '', body).strip()
    return body in ('', 'TODO', '|', '—')


def headings(rel):
    """(line_no, level, raw text, kind) of ATX headings outside code. kind = 'text' or 'inhtml'."""
    lines = files[rel]; kinds = line_kinds(lines)
    out = []
    depth = 0
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k == 'html':
            depth += len(re.findall(r'<(details|div)\b', ln)) - len(re.findall(r'</(details|div)>', ln))
            continue
        if k != 'text':
            continue
        m = re.match(r'^ {0,3}(#{1,6})(?:[\t ]+(.*?))?[\t ]*$', ln)
        if m:
            raw = re.sub(r'(^|[\t ])#+$', '', m.group(2) or '').strip()
            out.append((no, len(m.group(1)), raw, 'inhtml' if depth > 0 else 'text'))
    return out


# ---------------------------------------------------------------- page rules
for rel, lines in files.items():
    if lines[0].strip() == '---':
        err(f'{rel}: starts with "---": GitHub wikis do not read front matter, it would be shown as text/rule')
    kinds = line_kinds(lines)
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k == 'text' and re.fullmatch(r' {0,3}(=+|-+)\s*', ln) and no > 1 and lines[no - 2].strip():
            err(f'{rel}:{no}: setext underline (the line above would become a heading)')
for rel in pages:
    hs = headings(rel)
    if any(h[1] == 1 for h in hs):
        err(f'{rel}: has a "# H1" (house rule: the page title comes from the file name, sections start at ##)')
    for no, lvl, raw, kind in hs:
        if kind == 'inhtml':
            err(f'{rel}:{no}: heading inside <details> (house rule: none)')
        if '{#' in raw:
            err(f'{rel}:{no}: "{{#id}}" is not read by GitHub, it would become part of the id')
        if '[[' in raw:
            err(f'{rel}:{no}: wiki link inside a heading')
for rel, cur in OBSOLETE.items():
    head = '\n'.join(pages[rel][:3])
    if not re.match(r'> \[!(WARNING|CAUTION|IMPORTANT)\]\n> .*\[\[' + re.escape(cur) + r'\]\]', head):
        err(f'{rel}: obsolete page must open with a > [!WARNING] banner linking [[{cur}]]')
    for r in ('Home.md', '_Sidebar.md'):
        if NAME_OF[rel] in '\n'.join(files.get(r, [])):
            err(f'{r} links the obsolete page {rel}')

# ---------------------------------------------------------------- heading ids (GitHub / github-slugger 2.0)
def is_kept(c):
    """github-slugger 2.0 keeps (after toLowerCase) letters, marks, decimal digits, letter numbers (Nl),
    connector punctuation, '-', ' ' and the alphabetic symbols U+24B6-U+24E9 (circled letters); it removes
    everything else: ASCII punctuation, full-width brackets/punctuation, '・', '〜', '℃', '①', '²', emoji...
    (= GitHub's Ruby rule /[^\\p{Word}\\- ]/; measured against the npm package for U+0020-U+2FFFF, the only
    other differences are letters added in Unicode versions newer than the package's table)."""
    cat = unicodedata.category(c)
    return cat[0] in 'LM' or cat in ('Nd', 'Nl', 'Pc') or c in '- ' or 0x24B6 <= ord(c) <= 0x24E9


def heading_text(raw):
    """The text content GitHub slugs: the rendered heading's text (code-span content, link text, entity
    characters kept; markup dropped). No smart quotes / typographic replacements on GitHub."""
    t = raw
    t = re.sub(r'`+([^`]*)`+', lambda m: '\x00' + m.group(1).replace('*', '\x02').replace('_', '\x03') + '\x00', t)
    t = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', t)
    t = re.sub(r'<[^>]+>', '', t)
    t = re.sub(r'\*\*|__|~~', '', t)
    t = re.sub(r'(?<![\w])[*_]|[*_](?![\w])', '', t)
    t = html.unescape(t)
    return t.replace('\x00', '').replace('\x02', '*').replace('\x03', '_')


def gh_slug(text):
    s = text.lower()
    return ''.join(c for c in s if is_kept(c)).replace(' ', '-')


def anchors(rel):
    """ids in document order, github-slugger BananaSlug: slug; while taken: occurrences[orig] += 1 and try
    orig-N; then occurrences[result] = 0 (so 'FAQ', 'FAQ', 'faq-1' -> faq, faq-1, faq-1-1)."""
    occ = {}
    out = []
    for no, lvl, raw, kind in headings(rel):
        base = gh_slug(heading_text(raw))
        res = base
        while res in occ:
            occ[base] += 1
            res = f'{base}-{occ[base]}'
        occ[res] = 0
        out.append(res)
    if '' in out:
        err(f'{rel}: a heading gets an empty id')
    return out

ANCH_LIST = {rel: anchors(rel) for rel in pages}
ANCH = {rel: set(v) for rel, v in ANCH_LIST.items()}

# ---------------------------------------------------------------- links
WIKILINK = re.compile(r'\[\[([^\]]+)\]\]')
MDLINK = re.compile(r'(?<!\[)\[([^\[\]]*)\]\(([^)\s]+)\)')
nlinks = nanch = nwiki = 0
link_targets = Counter()
anchor_examples = []
def resolve(rel, no, name, frag, how):
    global nanch
    if name not in PAGE_BY_NAME:
        err(f'{rel}:{no}: {how} link to unknown page {name!r} (gollum shows it as a red "absent" link)'); return
    dest = PAGE_BY_NAME[name]
    if dest != rel:
        link_targets[dest] += 1
    if frag is not None:
        nanch += 1
        f2 = urllib.parse.unquote(frag)
        if f2.startswith('user-content-'):
            err(f'{rel}:{no}: fragment #{frag}: write it without the "user-content-" prefix')
        if f2 not in ANCH[dest]:
            err(f'{rel}:{no}: anchor #{frag} not in {dest} (has {sorted(ANCH[dest])})')
        else:
            anchor_examples.append((rel, dest, f2))

for rel, lines in files.items():
    kinds = line_kinds(lines)
    for no, (ln, k) in enumerate(zip(lines, kinds), 1):
        if k not in ('text', 'html'):
            continue
        ln2 = re.sub(r'`[^`]*`', '', ln)
        if ln2.lstrip().startswith('|') and re.search(r'\[\[[^\]]*\|', ln2):
            err(f'{rel}:{no}: [[text|page]] inside a table row: the "|" splits the cell')
        for inner in WIKILINK.findall(ln2):
            nlinks += 1; nwiki += 1
            target = inner.split('|')[-1].strip()          # gollum: [[Link text|Page name]]
            if re.match(r'^(https?|mailto):', target):
                continue
            if inner.count('|') > 1:
                err(f'{rel}:{no}: [[{inner}]] has more than one "|"')
            name, hashmark, frag = target.partition('#')
            name = name.strip().replace(' ', '-')          # gollum: spaces and hyphens are the same
            if not name:
                if frag not in ANCH.get(rel, set()):
                    err(f'{rel}:{no}: in-page [[#{frag}]] has no target')
                continue
            resolve(rel, no, name, frag if hashmark else None, 'wiki')
        for text, target in MDLINK.findall(WIKILINK.sub('', ln2)):
            nlinks += 1
            if target.startswith('#'):
                nanch += 1
                if rel in SPECIAL or urllib.parse.unquote(target[1:]) not in ANCH[rel]:
                    err(f'{rel}:{no}: in-page link {target} has no target')
                continue
            if target.startswith(WIKI):
                rest = target[len(WIKI):]
                path, hashmark, frag = rest.partition('#')
                name = urllib.parse.unquote(path.lstrip('/')) or 'Home'
                if '/' in name or name.endswith('.md'):
                    err(f'{rel}:{no}: {target}: wiki URLs have no folders and no .md'); continue
                resolve(rel, no, name, frag if hashmark else None, 'URL')
                continue
            if re.match(r'^(https?|mailto|tel):', target):
                continue
            err(f'{rel}:{no}: relative link {target}: house style is [[Page]] or the full {WIKI}/Page URL '
                f'(relative and .md links break on GitHub wikis)')

orphans = [r for r in pages if r != 'Home.md' and not link_targets[r]]
if orphans:
    err(f'pages no other page links to: {orphans}')
for rel, cur in OBSOLETE.items():
    if not link_targets[rel]:
        err(f'{rel}: obsolete page should be reachable from its current page')

# ---------------------------------------------------------------- cross-check with the real github-slugger (node)
NODE = r'''
import GithubSlugger from 'github-slugger'
import fs from 'fs'
const inp = JSON.parse(fs.readFileSync(0, 'utf8'))
const out = {}
for (const [rel, texts] of Object.entries(inp)) {
  const s = new GithubSlugger()
  out[rel] = texts.map(t => s.slug(t))
}
console.log(JSON.stringify(out))
'''
slugger_note = 'not run (node or tools/node_modules/github-slugger not installed)'
pkg = os.path.join(TOOLS, 'node_modules', 'github-slugger', 'package.json')
if shutil.which('node') and os.path.exists(pkg):
    ver = json.load(open(pkg, encoding='utf-8')).get('version')
    texts = {rel: [heading_text(raw) for no, lvl, raw, kind in headings(rel)] for rel in pages}
    r = subprocess.run(['node', '--input-type=module', '-e', NODE], cwd=TOOLS, input=json.dumps(texts),
                       capture_output=True, text=True)
    if r.returncode != 0:
        err(f'node github-slugger run failed: {r.stderr[:400]}')
    else:
        res = json.loads(r.stdout)
        same = total = 0
        for rel in sorted(pages):
            real, mine = res.get(rel, []), ANCH_LIST[rel]
            total += len(real)
            same += sum(1 for a, b in zip(real, mine) if a == b)
            if real != mine:
                err(f'github-slugger: {rel}: real ids {real} != check.py ids {mine}')
        slugger_note = (f'github-slugger {ver} (node): {same}/{total} heading ids equal check.py\'s, in order, '
                        f'in {len(pages)} pages')
if '--need-node' in sys.argv and not slugger_note.startswith('github-slugger '):
    err('github-slugger cross-check required but ' + slugger_note)

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
        if k in ('fence', 'html'):
            err(f'{qid}: gold line {n} of {src} is {k}')
        elif k == 'text' and re.match(r'^ {0,3}#{1,6}(\s|$)', ln):
            err(f'{qid}: gold line {n} of {src} is a heading')
        elif markup_only(ln):
            err(f'{qid}: gold line {n} of {src} is blank/markup-only: {ln!r}')


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


ids = []
def check_row(name, i, q, prefix, fields):
    if q.get('id') != f'{prefix}-{i + 1:03d}':
        err(f'{name} line {i + 1}: id {q.get("id")} != {prefix}-{i + 1:03d}')
    ids.append(q.get('id'))
    for f in fields:
        if f not in q:
            err(f'{q.get("id")}: missing {f}')
    if set(q) - set(fields) - {'turn_sources'}:
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
    'h24-001': ["| 延長保育（30 分ごと） | 200 円 |"],
    'h24-002': ["| 0 歳（ひよこ組） | 5 分ごと"],
    'h24-003': ["入園して 1 か月以内の子、体調が悪い日の子は、年齢に関係なく 5 分ごと"],
    'h24-004': ["コピーを保管すると個人情報を持ちすぎることになり", "確認したことだけを記録表に「身分証確認済」と書けば十分"],
    'h24-005': ["ミニトマト・ぶどうは 4 等分に切る"],
    'h24-006': ["早番 A の日は 6:30 まで"],
    'h24-007': ["| 19:30 | 緊急連絡先（祖父母など）に電話"],
    'h24-008': ["9:30 を過ぎても連絡がない子は、担任が家庭に電話する"],
    'h24-009': ["| 川沿い緑地 | 15 分 | なし | 4〜5 歳のみ |"],
    'h24-010': ["雨天のときは翌日 11 日（日）。両日とも雨なら 17 日（土）"],
    'h24-011': ["原則として第 2 水曜日の 10:00"],
    'h24-012': ["月 2,000 円（架空）"],
    'h24-013': ["Call 119 straight after using the EpiPen, even if the child seems better"],
    'h24-014': ["| Influenza | 5 days after it started **and** 3 days after the fever went"],
    'h24-015': ["We do not give over-the-counter medicine"],
    'h24-016': ["村岡 does not work on Wednesdays"],
    'h24-017': ["佐伯 奈央 (Saeki) | Teacher | ひよこ | A | C | D | A", "野口 千春 (Noguchi) | Teacher | きりん | C | D | B | A"],
    'h24-018': ["Class photo albums are posted within 2 weeks of an event"],
    'h24-019': ["「かえでさんがお見えです」"],
    'h24-020': ["within 3 months of starting"],
    'h24-021': ["月極は前月 20 日までに申し込む"],
    'h24-022': ["園長（休みの日は主任）が、子どもが食べる 30 分前"],
    'h24-023': ["1 か月まるごと欠席した月だけ、副食費と主食費を請求しない"],
    'h24-024': ["毎月 27 日（休日なら翌営業日）"],
    'h24-025': ["ぞう組（5 歳）は 1 月から午睡をやめ"],
    'h24-026': ["リストに載っている人が来たら、子どもを部屋から出さずに園長を呼ぶ"],
    'h24-027': ["| 1〜2 歳（りす・うさぎ組） | 10 分ごと"],
    'h24-028': ["| 千草野第二公園 | 2 分 | あり", "| 千草野中央公園 | 10 分 | あり"],
    'h24-029': ["カートは 1 台に 4 人まで"],
    'h24-030': ["「数えたつもり」を防ぐため", "声に出すと、もう一人が聞いたことになり"],
    'h24-031': ["年 2 回、6 月と 12 月の避難訓練の日"],
    'h24-032': ["38.0 °C or higher: ask the parents to pick the child up"],
    'h24-033': ["up to 3 other adults registered on the pick-up card"],
    'h24-034': ["| After 19:00 (late pick-up) | ¥500 for every 15 minutes |"],
    'h24-035': ["| 2nd | 千草野小学校 school yard | 8 min | building damaged after an earthquake |"],
    'h24-036': ["Shift swaps, overtime, paid leave: 河合 (Kawai)"],
    'h24-037': ["Fever medicine only hides the fever", "we cannot see whether the child is getting worse"],
    'h24-038': ["| Child record (児童票) | office, locked cabinet | 5 years after the child leaves |"],
    'h24-039': ["If you lose a tablet, send a photo to the wrong family", "tell 森下 (Morishita) the same day"],
    'h24-040': ["tasting the meal 30 minutes before the children eat", "food samples kept frozen for two weeks"],
    'h24f-001': [["| 0〜2 歳 | 2,800 円", "| 3〜5 歳 | 2,300 円"], ["| 3〜5 歳 | 2,300 円"], ["| 3〜5 歳 | 2,300 円 | 1,200 円"]],
    'h24f-002': [["園の携帯電話（0000-90-5566）", "救急ポーチ（", "子どもの名簿と緊急連絡先のコピー", "防犯ブザー・笛", "夏は水筒と着替え"], ["園の携帯電話（0000-90-5566）"], ["人数が合わないときは、その場で全員を集めて動かない", "1 人が園の携帯で園長に連絡し、もう 1 人が探す"]],
    'h24f-003': [["| R.T. | きりん (4) | egg, milk", "| H.M. | うさぎ (2) | egg |"], ["| S.K. | こあら (3) |", "| Y.N. | ぞう (5) |"], ["the class teacher takes the child's EpiPen in the first-aid bag"]],
    'h24f-004': [["Saturday: 7:30–18:00"], ["no extended care on Saturdays"], ["Please stay no longer than 10 minutes"]],
    'h24f-005': [["| D | 遅番 | 10:00〜19:00 | 60 分 |"], ["| D | 遅番 | 10:00〜19:00 | 60 分 |", "休憩は子どもの午睡中（12:45〜14:15）に交代で取る"], ["休憩室は 2 階の奥"]],
    'h24f-006': [["| 9 月 | 地震・引き渡し |"], ["9 月の引き渡し訓練だけは、保護者が来やすいよう土曜の 10:00"], ["9 月の引き渡し訓練だけは、保護者が来やすいよう土曜の 10:00"]],
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
nlines = sum(len(l) - (1 if l and l[-1] == '' else 0) for l in files.values())
cells = Counter((q['lang'], PAGE_LANG.get(q['source'])) for q in ans)
print(f'pages: {len(pages)} (ja {sum(v == "ja" for v in PAGE_LANG.values())}, '
      f'en {sum(v == "en" for v in PAGE_LANG.values())}) + {len(SPECIAL)} special, lines: {nlines}, '
      f'headings: {sum(map(len, ANCH_LIST.values()))}')
print('urls: ' + ', '.join(f'{r} -> {URL_OF[r][len(WIKI):] or "(wiki root)"}' for r in sorted(pages) if '/' in r or r == 'Home.md'))
print(f'links checked: {nlinks} (wiki links: {nwiki}, with anchors: {nanch})')
print(slugger_note)
print(f'answerable: {len(ans)}  cells (q-lang, page-lang): {dict(cells)}  styles: {dict(Counter(q["style"] for q in ans))}')
print(f'noanswer: {len(na)}  langs: {dict(Counter(q["lang"] for q in na))}  kinds: {dict(Counter(q["kind"] for q in na))}')
print(f'followup: {len(fu)}  langs: {dict(Counter(q["lang"] for q in fu))}  turns: {dict(Counter(len(q["turns"]) for q in fu))}')
if '--ids' in sys.argv:
    for rel in sorted(pages):
        print(rel, ANCH_LIST[rel])
if errors:
    print(f'\nFAILED ({len(errors)} problems):')
    for e in errors:
        print(' -', e)
    sys.exit(1)
print('OK')
