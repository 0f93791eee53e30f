"""The text a wiki page shows, line by line: what is not shown is never embedded, searched or
highlighted.

`page_text(note, engine, headings)` gives one string per source line, so line numbers (and
citations, line ranges, highlights) stay the file's: "" where the page shows nothing of a line,
else the line without the parts the page hides. A chunk keeps its source lines for citing;
what is embedded, indexed for BM25 and offered as answer lines is this text.

Hidden under every engine (the syntax carries no words, so where an engine does not render it
it is noise anyway):
  * HTML comments (`<!-- ... -->`, also inline and over several lines), outside code;
  * lines of nothing but HTML tags (`<details markdown="block">`, `</div>`);
  * kramdown attribute lists (`{: .note}`, `{:toc}` and the `* TOC` line it turns into the
    table of contents), kramdown's `{::comment}` ... `{:/comment}` and `{::options /}`;
  * container markers: `::: tip`, `:::` (VitePress, Docusaurus), `!!! note` / `??? note` /
    `=== "Tab"` (MkDocs' indented blocks, mkdocsblocks.py); a title they carry
    (`!!! note "Title"`, `::: tip Title`, a tab's) is shown, as a caption;
  * a heading's explicit id syntax (`## Why {#why}`) where the engine takes it as an id.
Hidden under Docusaurus only: MDX's `import` / `export` paragraphs (module code); a
`<TabItem label="...">` line shows its label, as a caption.
Hidden under Jekyll only (`jekyll`, `kramdown`: Liquid runs before markdown, also in code):
Liquid tags `{% ... %}` (a site's own tag with one quoted argument shows it) and output
`{{ ... }}`, and `{% comment %}` blocks; text inside
`{% raw %} ... {% endraw %}` is shown literally. Hidden under Hugo only (shortcodes run before
markdown, also in code): shortcode tags `{{< ... >}}` and `{{% ... %}}`; one whose only
argument is quoted text shows it (`{{% details "Why old mains cause it" %}}` a title), as a
caption when it stands alone on its line; `{{< ref "ops/x.md" >}}` (and `relref`) shows the
note's path, for the chat to link to that note's page; another file argument shows nothing. Under a
GitHub wiki (`github-wiki`), a page link `[[Link text|Page-Name]]` shows its text. Other engines
show `{{ }}` as written (it is often code: GitHub Actions, Helm).
Shown and indexed: table cells, `<details>` content, admonition bodies (an indented block's
body four columns less indented, as the text the site shows, not code: under every engine, as
its marker). Captions (`<summary>`
lines, admonition titles) are shown and indexed but are labels, never an answer line. A GitHub
alert's marker line (`> [!NOTE]`) is kept as written, a caption: the page shows the alert's
type there as its title (a reply renders it so, gfmarks.py); it carries no words of the note,
so it is not embedded (chunking.Chunk.embed_text). Under kramdown and MkDocs, which show the
marker as text, and inside an HTML block, it is kept escaped (`> \\[!NOTE]`), so a reply shows
that text too. A marker the page hides (in a comment) is blank like any hidden line.

Written here because no library renders "what the page shows, per source line": the
renderers give HTML without a line map.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass


from ..notes import Note, _front_matter_end, parse_structure
from .headings import WikiHeading, is_ial_line
from .hugorefs import hugo_ref
from .mkdocsblocks import MKDOCS_BLOCK, unindented_bodies

LIQUID_ENGINES = ("jekyll", "kramdown")
KRAMDOWN_ENGINES = ("jekyll", "kramdown")
ALERTS_AS_TEXT = (*KRAMDOWN_ENGINES, "mkdocs")  # engines that show "> [!NOTE]" as written
# Engines that read `## Text {#id}` (or markdown-it-attrs' `{...}`) as the heading's id.
EXPLICIT_ID_ENGINES = ("jekyll", "kramdown", "vitepress", "docusaurus", "hugo", "mkdocs")  # mkdocs: with attr_list

# A tag ends at its first closer and never spans another opener: "(?:(?!\{%|%\}).)" stops each
# scan at the next '{%', so a line of 5 MB of openers costs linear time, not quadratic.
_LIQUID_TAG = re.compile(r"\{%-?\s*+(\w*+)(?:(?!\{%|%\}).)*?-?%\}|\{\{(?:(?!\{\{|\}\}).)*?\}\}")
# A site's own tag with one quoted argument shows it: `{% slack_channel "admins-docker" %}`
# renders the channel, `{% alert "Re-adding the keys" %}` a title, `{% page "/github/" %}` a
# link target (18F's handbook, wiki-dev: "Ask {% slack_channel ... %} for access" lost the
# channel a fresh user asked for), `{% link "https://..." %}` its URL. Liquid's own tags, and
# an argument naming a file (an image, an include, Jekyll's `{% link _posts/x.md %}`), show
# nothing of it.
_QUOTED_ARGUMENT = re.compile(r"\{%-?\s*+\w++\s++(?:\"([^\"]*+)\"|'([^']*+)')\s*+-?%\}")
_STANDARD_TAGS = frozenset(
    "assign capture case comment cycle decrement echo for if include include_relative increment liquid "
    "post_url raw render tablerow unless when elsif highlight".split()
)
_FILE_NAME = re.compile(r"\.[A-Za-z0-9]{2,5}$")
# A Hugo shortcode tag: `{{< name args >}}`, `{{% name args %}}`, `{{< /name >}}`; a tag stops
# at the next opener (linear, as _LIQUID_TAG). `{{</* x */>}}` is an escaped tag, shown as
# `{{< x >}}` (https://gohugo.io/content-management/shortcodes/#escaping).
_SHORTCODE = re.compile(r"\{\{([<%])(/\*)?(?:(?!\{\{).)*?(\*/)?[>%]\}\}")
_SHORTCODE_QUOTED = re.compile(r"\{\{[<%]\s*+([\w/-]++)\s++(?:\"([^\"]*+)\"|`([^`]*+)`)\s*+[>%]\}\}")
# A shortcode's file argument: a path or a name with a lettered extension ("x.md", "a/b"),
# never a version in a title ("Upgrade to 3.11").
_SHORTCODE_FILE = re.compile(r"/|\.[A-Za-z][A-Za-z0-9]{0,4}$")
_LIQUID_END = {"raw": re.compile(r"\{%-?\s*endraw\s*-?%\}"), "comment": re.compile(r"\{%-?\s*endcomment\s*-?%\}")}
_TAG = r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
_TAGS_ONLY = re.compile(rf"^\s*(?:{_TAG}\s*)+$")
_SUMMARY = re.compile(r"<summary\b", re.I)
# A Docusaurus tab (`<TabItem value="prod" label="Production">`): the page shows its label as
# the tab's button, a caption of the lines under it (its value when it has no label).
# One tag alone on its line, matched possessively: linear on a 5 MB line of `label="x"`s.
_TAB_ITEM = re.compile(r"^\s*+<TabItem\b[^<>]*+>\s*+$")
_KRAMDOWN_EXT_LINE = re.compile(r"^\s*\{::\w+\b[^}]*/\}\s*$")  # {::options key="v" /}
_KRAMDOWN_COMMENT = (re.compile(r"\{::comment\}"), re.compile(r"\{:/(comment)?\}"))
_TOC_ITEM = re.compile(r"^\s*(?:[*+-]|1\.)\s+TOC\s*$")
_COLON_FENCE = re.compile(r"^\s*:::+\s*([A-Za-z][\w-]*)?\s*(.*?)\s*$")
# (escaped too: how page_text writes a marker the page shows as text, ALERTS_AS_TEXT)
_GITHUB_ALERT = re.compile(r"^\s*>\s*\\?\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$", re.I)
_TRAILING_ATTRS = re.compile(r"(?<!\s)\s*+\{[^{}]*+\}\s*+$")  # starts a run of spaces: linear


def is_github_alert(line: str) -> bool:
    """Whether `line` is a GitHub alert's marker line (`> [!WARNING]`): a caption page_text
    keeps as written, for replies to render its title, and embeddings leave out."""
    return bool(_GITHUB_ALERT.match(line))


@dataclass(frozen=True)
class PageText:
    """What the page shows of each source line (see the module docstring)."""

    lines: tuple[str, ...]  # lines[i - 1]: line i as shown; "" when hidden or blank
    captions: frozenset[int]  # 1-based lines shown as labels: indexed, never answer lines

    def shows(self, line: int) -> bool:
        """Whether the page shows any text of 1-based `line`."""
        return bool(self.lines[line - 1].strip())


def _liquid(lines: list[str]) -> list[str]:
    """Lines with Liquid tags and output removed, `{% comment %}` blocks dropped and
    `{% raw %}` text kept literally (tags on one line each; a tag split over lines stays)."""
    out, mode = [], None  # mode: None, "raw" or "comment"
    for line in lines:
        kept, pos = [], 0
        while pos <= len(line):
            if mode:
                end = _LIQUID_END[mode].search(line, pos)
                if not end:
                    if mode == "raw":
                        kept.append(line[pos:])
                    break
                if mode == "raw":
                    kept.append(line[pos : end.start()])
                mode, pos = None, end.end()
                continue
            tag = _LIQUID_TAG.search(line, pos)
            if not tag:
                kept.append(line[pos:])
                break
            kept.append(line[pos : tag.start()] + _shown_argument(tag))
            if tag.group(1) in ("raw", "comment"):
                mode = tag.group(1)
            pos = tag.end()
        out.append("".join(kept))
    return out


def _shortcodes(lines: list[str], ref_folder: Callable[[str | None], str] | None = None) -> tuple[list[str], set[int]]:
    """Lines with Hugo shortcode tags replaced by what they show, and the 1-based lines that
    are a lone tag's quoted argument (captions). `ref_folder(lang)`: the folder of the notes
    folder a `ref` path in language `lang` (None: the page's own) starts from."""
    out, captions = [], set()
    for n, line in enumerate(lines, 1):
        if "{{" not in line:
            out.append(line)
            continue
        shown = _SHORTCODE.sub(lambda tag: _shortcode_shown(tag, ref_folder), line)
        if shown.strip() and not _SHORTCODE.sub("", line).strip():
            captions.add(n)
        out.append(shown)
    return out, captions


def _shortcode_shown(tag: re.Match, ref_folder: Callable[[str | None], str] | None = None) -> str:
    if tag.group(2) and tag.group(3):  # escaped: {{</* x */>}} shows {{< x >}}
        return tag.group()[:3] + tag.group()[5:-5] + tag.group()[-3:]
    ref = hugo_ref(tag.group(), ref_folder)  # a link to another note: its path (hugorefs.py)
    if ref is not None:
        return ref
    quoted = _SHORTCODE_QUOTED.fullmatch(tag.group())
    if not quoted:
        return ""
    argument = quoted.group(2) if quoted.group(2) is not None else quoted.group(3)
    return argument if argument and not _SHORTCODE_FILE.search(argument) else ""


def _shown_argument(tag: re.Match) -> str:
    """What a site's own tag shows of its one quoted argument (`_QUOTED_ARGUMENT`), else ""."""
    if tag.group(1) in _STANDARD_TAGS:
        return ""
    quoted = _QUOTED_ARGUMENT.fullmatch(tag.group())
    argument = quoted and (quoted.group(1) if quoted.group(1) is not None else quoted.group(2))
    return argument if argument and not _FILE_NAME.search(argument) else ""


def _html_block_lines(blocks) -> set[int]:
    """The 1-based lines of HTML blocks (notes.Block kind "html_block"), at any depth."""
    found, stack = set(), list(blocks)
    while stack:
        block = stack.pop()
        if block.kind == "html_block":
            found.update(range(block.start, block.end + 1))
        stack.extend(block.children)
    return found


def _code_lines(lines: list[str]) -> set[int]:
    """0-based lines inside fenced or indented code, where comments and markers are text."""
    tokens = parse_structure("\n".join(lines) + "\n")  # blocks only: linear (notes.parse_structure)
    return {n for t in tokens if t.type in ("fence", "code_block") and t.map for n in range(*t.map)}


_TICKS = re.compile(r"`+")


class CodeSpans:
    """The inline code spans of one line (CommonMark: a run of n backticks up to the next run
    of exactly n; an unmatched run is literal), found once, so asking about every match of a
    line stays linear: counting the backticks before each match again made a 1 MB line of
    `[[a]]` links take 38 s (an attack run, 2026-12-02)."""

    def __init__(self, line: str):
        runs = [(m.start(), m.end()) for m in _TICKS.finditer(line)] if "`" in line else []
        later: dict[int, list[int]] = {}  # run length -> the runs of that length, in order
        for k, (start, end) in enumerate(runs):
            later.setdefault(end - start, []).append(k)
        seen = dict.fromkeys(later, 0)  # per length: how far its list has been passed
        self.starts, self.ends = [], []
        k = 0
        while k < len(runs):
            length = runs[k][1] - runs[k][0]
            same = later[length]
            while seen[length] < len(same) and same[seen[length]] <= k:
                seen[length] += 1
            if seen[length] == len(same):
                k += 1
                continue
            close = same[seen[length]]
            self.starts.append(runs[k][0])
            self.ends.append(runs[close][1])
            k = close + 1

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


def _drop_spans(lines: list[str], code: set[int], opener: re.Pattern, closer: re.Pattern) -> list[str]:
    """Remove every opener...closer span (across lines too) outside code."""
    out, inside = [], False
    for i, line in enumerate(lines):
        if i in code:
            out.append(line)
            continue
        kept, pos, spans = [], 0, None
        while True:
            if inside:
                end = closer.search(line, pos)
                if not end:
                    break
                inside, pos = False, end.end()
                continue
            start = opener.search(line, pos)
            spans = spans or (CodeSpans(line) if start else None)
            while start and start.start() in spans:
                start = opener.search(line, start.end())
            if not start:
                kept.append(line[pos:])
                break
            kept.append(line[pos : start.start()])
            inside, pos = True, start.end()
        out.append("".join(kept))
    return out


def _marker(line: str) -> tuple[bool, str | None]:
    """(is a container marker, the title it shows or None)."""
    fence = _COLON_FENCE.match(line)
    if fence:
        title = fence.group(2)
        if title.startswith("[") and title.endswith("]"):  # Docusaurus :::tip[Title]
            title = title[1:-1]
        title = _TRAILING_ATTRS.sub("", title).strip()
        return True, title or None
    block = MKDOCS_BLOCK.match(line)
    if block:
        return True, next((t.strip() for t in (block.group(3), block.group(4)) if t is not None), "") or None
    return False, None


# A GitHub wiki's page link (gollum's syntax): `[[Page Name]]`, `[[Link text|Page-Name]]`,
# with an optional `#anchor`; the page shows the link text, else the page name. Bounded, so a
# line of thousands of `[[` stays linear.
_WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,200}?)(?:\|([^\[\]\n]{1,200}?))?\]\]")


def _wiki_links(line: str) -> str:
    """`line` with each gollum page link outside a code span shown as its text."""
    if "[[" not in line:
        return line
    spans = CodeSpans(line)

    def shown(link: re.Match) -> str:
        if link.start() in spans:
            return link.group(0)
        return (link.group(1) if link.group(2) else link.group(1).split("#")[0] or link.group(1)).strip()
    return _WIKI_LINK.sub(shown, line)


# MDX's ESM: a paragraph starting with `import` or `export` at the line's start is module code
# (`import Tabs from '@theme/Tabs';`), which the page never shows; Docusaurus 3 reads `.md`
# as MDX too (its default `markdown.format`), https://mdxjs.com/docs/what-is-mdx/#esm.
_ESM = re.compile(r"^(?:import|export)[\s{*]")


def _tab_label(line: str) -> str | None:
    """A `<TabItem>` line's label attribute, else its value (quoted), else None."""
    for name in ("label", "value"):
        found = re.search(rf"\b{name}\s*=\s*(?:\"([^\"<>]*)\"|'([^'<>]*)')", line)
        if found:
            return (found.group(1) if found.group(1) is not None else found.group(2)).strip() or None
    return None


def _without_esm(lines: list[str], code: set[int]) -> list[str]:
    """`lines` with MDX's import/export paragraphs blank (outside code)."""
    out, in_esm = list(lines), False
    for i, line in enumerate(lines):
        if not line.strip() or i in code:
            in_esm = False
        elif in_esm or ((i == 0 or not lines[i - 1].strip()) and _ESM.match(line)):
            out[i], in_esm = "", True
    return out


def page_text(note: Note, engine: str, headings: Sequence[WikiHeading] = (),
              ref_folder: Callable[[str | None], str] | None = None) -> PageText:
    """What the page of `note` shows under `engine`, per source line (module docstring);
    `headings` are the page's (wiki.headings.page_headings), for explicit id syntax;
    `ref_folder(lang)`: under Hugo, the folder of the notes folder a `ref` path in language
    `lang` (None: the page's own) starts from (pages.hugo_ref_folder; None: the notes folder)."""
    lines = list(note.lines)
    fm_end = _front_matter_end(lines)
    lines = [""] * fm_end + lines[fm_end:]
    captions = set()
    if engine in LIQUID_ENGINES:
        lines = _liquid(lines)
    elif engine == "hugo":
        lines, captions = _shortcodes(lines, ref_folder)
    # An indented block's body is text (Python-Markdown's, mkdocsblocks.py): before finding
    # code, which it read as, so its comments and nested markers are found as on the site.
    lines, _ = unindented_bodies(lines, [""] * fm_end + list(note.lines[fm_end:]))
    code = _code_lines(lines)
    html = _html_block_lines(note.blocks)
    if engine == "github-wiki":
        lines = [line if i in code else _wiki_links(line) for i, line in enumerate(lines)]
    lines = _drop_spans(lines, code, re.compile(r"<!--"), re.compile(r"-->"))
    if engine in KRAMDOWN_ENGINES:
        lines = _drop_spans(lines, code, *_KRAMDOWN_COMMENT)
    for i, line in enumerate(lines):
        if i in code or not line.strip():
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _GITHUB_ALERT.match(line):
            if (engine in ALERTS_AS_TEXT or i + 1 in html) and "\\[!" not in line:
                # Shown as text by kramdown ("[!WARNING]", checked with ruby-kramdown 2.4) and
                # Python-Markdown (MkDocs, checked 2026-12-04), and inside an HTML block (raw to
                # every engine): escaped, a reply shows it so too
                # (gfmarks titles only a bare marker; a reply renders no raw HTML to hide it in).
                lines[i] = line.replace("[!", "\\[!", 1)
            captions.add(i + 1)
            continue
        tab = _TAB_ITEM.match(line) if engine == "docusaurus" else None
        if tab:
            lines[i] = _tab_label(line) or ""
            captions.add(i + 1)
            continue
        is_marker, title = _marker(line)
        if is_marker:
            lines[i] = title or ""
            captions.add(i + 1)
        elif (is_ial_line(line) or _KRAMDOWN_EXT_LINE.match(line) or _TAGS_ONLY.match(line)
              or (_TOC_ITEM.match(line) and is_ial_line(following) and "toc" in following)):
            lines[i] = ""
        elif _SUMMARY.search(line):
            captions.add(i + 1)
    if engine == "docusaurus":
        lines = _without_esm(lines, code)
    if engine in EXPLICIT_ID_ENGINES:
        for heading in headings:
            i = heading.line - 1
            if heading.end_line == heading.line and not heading.text.endswith("}"):
                lines[i] = _TRAILING_ATTRS.sub("", lines[i])
    return PageText(tuple(lines), frozenset(n for n in captions if lines[n - 1].strip()))
