"""Answer-line units: each content line of a chunk, as the model should read it alone.

Questions usually target one bullet, so lines are embedded too: the best-matching lines
rank the chunks (a chunk is as good as its best line) and are the answer shown first.
A line carries its section name ("Amazon SQS (Simple Queue Service): 最大14日"); adding
parent bullets as well measured no better on the dev sets, so it is left out. A table row
carries its table's header ("Priority: Medium; Response: 24時間以内"), and HTML tags are
dropped (`<p class="response">JIRAチケット</p>` reads "JIRAチケット").
Some lines frame an answer without being one: headings, `<details>`/`<summary>` tags,
admonition openers (`::: tip`, `!!! note "..."`), a bare label (`理由:`), a line of links
only, a lone TODO. `is_boilerplate` names them, so they are never the highlighted answer
and a chunk made of nothing else (a title line, a two-line link list) does not outrank content.
Navigation lines (navigation.py: an index page's link-table rows, "see X" lines, links
into the wiki with a short label) are no answer lines either, and a chunk with more of them
than answer lines ranks after content (retrieve.py). A paragraph's bold lead line (an FAQ's
"**Is there a maintenance window?**") is read with the paragraph's other lines, and is no
answer line itself; so is a definition list's term with its definitions.
Lines are read as the wiki page shows them (wiki/shown.py): a hidden line (an HTML comment,
Liquid, a container marker) is never an answer line, nor is a caption (`<summary>`).
What this leaves out: scoring (retrieve.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

from .chunking import Chunk
from .mdlines import BULLET, HEADING, HTML_TAG, TABLE_ROW, code_lines  # noqa: F401 - shared with lines' importers
from .paragraphleads import DEFINITION, paragraph_leads

# Bump when the embedded line text changes, so existing indexes are rebuilt.
UNIT_VERSION = 8  # 3: a code line that is a tag with attributes is embedded whole; 4: HTML table rows' labels;
# 5: a paragraph's bold lead line labels the paragraph's other lines; 6: a definition's term labels it; 7: no lead or term over code, a quote or a rule, each cut at 200 characters;
# 8: leads read over the whole note, a definition list's term chunked with its definition
# A line's latent-term code comes from the line's own dense pass (the tokens after the
# 'passage:' prefix) instead of a second pass of the bare line (build.py); recorded in the
# manifest and in the cache key of line codes.
LINE_PASS_VERSION = "line-pass-1"
_FENCE = re.compile(r"^\s*(```|~~~)")
# A tag with attributes: in code (`<ImageView android:contentDescription="..." />`) the line
# is the answer; outside code it is framing (`<details markdown="block">`).
# Possessive quantifiers (*+, ++) and scans that stop at the next '<' (or Liquid '{%') keep
# every pattern here linear in the line's length: a note line is up to 5 MB, and a pattern
# that backtracks over it (r"^\s*\|?\s*-{3,}" on 20,000 spaces: 9.6 s) stalled every build
# and every start of the server (sixth attack run, docs/reliability.md).
_TAG_WITH_ATTRIBUTES = re.compile(r"<[A-Za-z][\w:.-]*+\s++[^<>=]*+=")
# A line that is only HTML tags (`<details markdown="block">`, `</td>`, `<tr>`), a summary,
# or an admonition opener with at most its title.
_TAGS_ONLY = re.compile(r"^\s*(<[^>]*>\s*)+$")
_SUMMARY = re.compile(r"^\s*<summary\b", re.IGNORECASE)
_ADMONITION = re.compile(r"^\s*(:{3,}|!{3}|\?{3}\+?)\s*[\w-]*(\s+(\"[^\"]*\"|'[^']*'|\S+))?\s*$")
# A label with nothing after its colon: "理由:", "**Reason:**", "注意：".
_LABEL = re.compile(r"^\W*+[^\s:：]{1,20}\s?[:：]\W*+$")  # a label holds a word character
# Markdown links, bare URLs and separators, with no other words.
_LINK = re.compile(r"!?\[[^\[\]]*+\]\((?:[^()\n]|\([^()\n]*+\))*+\)|<?https?://\S+>?|\{%(?:(?!\{%|%\}).)*+%\}")
_PLACEHOLDER_WORD = r"(?:to ?do|tbd|tba|wip|fixme|xxx|未定|準備中|作成中|工事中)"
_PLACEHOLDER = re.compile(rf"^{_PLACEHOLDER_WORD}[\s:：.。!！-]*$", re.IGNORECASE)
# A topic named with nothing but a placeholder after it: "Edge prediction pattern: To do",
# "ログ設計 - TBD", "運用手順（準備中）". "TODO: write the retry policy" is a note, not this.
_PLACEHOLDER_VALUE = re.compile(
    rf"^[^:：]{{1,80}}?(?:\s*+[:：]\s*+|\s++[-–—]\s++|\s*+[(（]\s*+){_PLACEHOLDER_WORD}\s*+[)）]?[\s.。!！]*+$",
    re.IGNORECASE,
)

# A writer's note that the content is not written yet, as a paragraph of its own: "TODO: write
# up the loan rules once ...", "TODO (Tom): write this section when ...". Not a list item (a
# checklist's "- TODO: bring your passport" is the answer), not FIXME (a known problem, often
# with its workaround) or XXX (a placeholder name in a template), not TBD / 未定 (the thing
# itself is undecided: an answer to "when?"); all of these were false flags in an attack run.
_TODO_NOTE = re.compile(r"^ {0,3}(?:>\s*)*(?:\*\*|__)?todo(?:\*\*|__)?\s*(?:[(（][^)）\n]{0,40}[)）]\s*)?(?:\*\*|__)?[:：]",
                        re.IGNORECASE)


@dataclass(frozen=True)
class LineUnit:
    """One answer line of a chunk, as embedded."""

    line: int  # 1-based line number in the source file
    chunk: int  # position of its chunk in the index
    text: str  # what gets embedded


def plain_line(line: str) -> str:
    """A note line as a reader sees it: no bullet, emphasis or Liquid tags."""
    return _plain(line)


_TABLE_RULE = re.compile(r"^\s*+\|?\s*+:?-{3,}+:?\s*+(?:\|\s*+:?-{3,}+:?\s*+)*+\|?\s*+$")


_CODE_SPAN = re.compile(r"(`[^`\n]+`)")


def _plain(line: str, shown: bool = False) -> str:
    """The line's words: no bullet, bold marks or HTML tags. `shown` keeps a tag-like text
    inside a code span (`/home/<user>`), which the page shows as written."""
    text = BULLET.sub("", line.strip()).replace("**", "")
    if not shown:
        return HTML_TAG.sub("", text).strip()
    parts = _CODE_SPAN.split(text)
    return "".join(p if i % 2 else HTML_TAG.sub("", p) for i, p in enumerate(parts)).strip()


def _cells(row: str, shown: bool = False) -> list[str]:
    return [_plain(cell, shown) for cell in row.strip().strip("|").split("|")]


def table_header(file_lines: Sequence[str], n: int) -> list[str] | None:
    """The header cells of the pipe table holding line n (1-based), or None when line n is
    not a body row of one (the header row and the |---| rule are not body rows). For many
    rows of one note, TableHeaders finds each table's header once."""
    return TableHeaders(file_lines).header(n)


def is_table_header_row(file_lines: Sequence[str], n: int) -> bool:
    """Whether line n (1-based) is a pipe table's header row: a row right over its |---| rule."""
    return (n < len(file_lines) and bool(TABLE_ROW.match(file_lines[n - 1]))
            and not _TABLE_RULE.match(file_lines[n - 1]) and bool(_TABLE_RULE.match(file_lines[n])))


class TableHeaders:
    """`table_header` for the lines of one note, each table's first row found once.

    `table_header` walks up from a row to its table's first row; called for every row of a
    table, that is quadratic in its rows (a 20,000-row table, a 250 KB note: 83 s of every
    build; sixth attack run). Here a row's first row is its predecessor's, remembered, so
    asking for the lines in order costs linear time. `file_lines` as for `table_header`."""

    def __init__(self, file_lines: Sequence[str]):
        self.lines = file_lines
        self._first: dict[int, int] = {}  # 1-based row -> 1-based first row of its run of rows
        self._cells: dict[int, list[str]] = {}

    def _first_row(self, n: int) -> int:
        first = n
        while first > 1 and TABLE_ROW.match(self.lines[first - 2]):
            known = self._first.get(first - 1)
            if known is not None:
                first = known
                break
            first -= 1
        self._first[n] = first
        return first

    def header(self, n: int) -> list[str] | None:
        """table_header(file_lines, n)."""
        if not TABLE_ROW.match(self.lines[n - 1]) or _TABLE_RULE.match(self.lines[n - 1]):
            return None
        first = self._first_row(n)
        if first + 1 >= n or not _TABLE_RULE.match(self.lines[first]):  # line n is the header itself
            return None
        if first not in self._cells:
            self._cells[first] = _cells(self.lines[first - 1])
        return self._cells[first]


# An HTML table row (<tr>) spreads its cells over many lines: "<td>SEV-4</td>", then the
# response as a list of <li> lines that never say which level they belong to.
_ROW_OPEN = re.compile(r"<tr\b", re.IGNORECASE)
_ROW_END = re.compile(r"</tr\s*>|</?table\b", re.IGNORECASE)
# Bounded repeats and reads: a hostile line of "<td <td <td ..." costs linear time, not quadratic.
_CELL_OPEN = re.compile(r"<t[dh](?:\s[^>]{0,300})?>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]\b|<t[dh]\b", re.IGNORECASE)
_LABEL_SCAN_CHARS = 2000  # a row's label cell is near the start of its line
HTML_ROW_REACH = 40  # lines looked back for a row's start: a row of a few cells, each a short list
HTML_ROW_LABEL_CHARS = 80  # a row's label is a short cell ("SEV-4"); a long one is cut, not repeated whole


def html_row_label(file_lines: Sequence[str], n: int, source_lines: Sequence[str] | None = None) -> str | None:
    """The text of the first non-empty one-line cell of the HTML table row (<tr>) holding
    line n (1-based), when that cell lies above line n; None for a line outside a row, the
    label's own line, or a row starting more than HTML_ROW_REACH lines above. The row's
    tags are read in `source_lines` (the note as written: a page hides tag-only lines like
    "<tr>"), its label in `file_lines` (as the page shows them: nothing hidden leaks in)."""
    source = file_lines if source_lines is None else source_lines
    for j in range(n - 2, max(n - 2 - HTML_ROW_REACH, -1), -1):
        start = None
        for start in _ROW_OPEN.finditer(source[j]):
            pass
        if start is not None:  # the row's first lines, from its <tr> to above line n
            for k in range(j, n - 1):
                text = file_lines[k]
                if k == j:
                    text = text[start.end():] if text == source[j] else ""
                for cell in _CELL_OPEN.finditer(text[:_LABEL_SCAN_CHARS]):
                    label = _plain(_CELL_END.split(text[cell.end() : cell.end() + 300], 1)[0])[:HTML_ROW_LABEL_CHARS]
                    if label:
                        return label
            return None
        if _ROW_END.search(source[j]):  # an earlier row's end, or the table's edge
            return None
    return None


def row_text(header: list[str], row: str, shown: bool = False) -> str:
    """A table row as "column: value; ...": a row's cells mean little without their header.
    `shown`: cells as the page shows them, for display (a code span keeps `<user>`); the
    embedded text (shown=False) is unchanged, so indexes need no rebuild."""
    return "; ".join(f"{h}: {v}" if h else v for h, v in zip(header, _cells(row, shown)) if v)


def is_boilerplate(raw: str) -> bool:
    """True for a line that frames an answer but never is one (see the module docstring);
    `raw` is the line as written in the note."""
    if HEADING.match(raw) or _TAGS_ONLY.match(raw) or _SUMMARY.match(raw) or _ADMONITION.match(raw) or _TABLE_RULE.match(raw):
        return True
    body = _plain(raw)
    if _LABEL.match(body) or is_placeholder(raw):
        return True
    return only_links(raw)


def only_links(raw: str) -> bool:
    """Markdown links, bare URLs and separators, with no other words."""
    body = _plain(raw)
    rest = _LINK.sub(" ", body)
    return bool(_LINK.search(body)) and not re.search(r"\w", re.sub(r"[-–—|,、・/]", " ", rest))


def is_placeholder(raw: str) -> bool:
    """True for a line that only promises content: a lone TODO, or a topic followed by one
    ("Edge prediction pattern: To do"). Such a line is no answer, and a name it carries is
    not something the notes say anything about (vocabulary.Vocabulary leaves it out)."""
    body = _plain(raw)
    return bool(_PLACEHOLDER.match(body) or _PLACEHOLDER_VALUE.match(body))


def is_todo_note(raw: str) -> bool:
    """True for a writer's note, as a paragraph or quote of its own, that the content is still
    to be written ("TODO: dates and fee of the summer course, added in May", "TODO (Tom): write
    this section when ..."): where the notes say so themselves, they do not answer (verdict.py).
    The caller rules out a line inside a code block."""
    return bool(_TODO_NOTE.match(raw))


def is_content(raw: str, code: bool = False) -> bool:
    """A line a reader would take as (part of) an answer: not blank, not boilerplate. `code`:
    the line is inside a fenced code block (`code_lines`), where markup is the content."""
    if code:
        return len(_code_text(raw)) >= 2
    return len(_plain(raw)) >= 2 and not _FENCE.match(raw) and not is_boilerplate(raw)


def is_table_header(lines: Sequence[str], i: int) -> bool:
    """lines[i] (0-based) is a pipe table's header row: the row its |---| rule follows. It
    names the columns (read with each body row: row_text) and answers nothing itself."""
    return i + 1 < len(lines) and bool(TABLE_ROW.match(lines[i])) and bool(_TABLE_RULE.match(lines[i + 1]))


def _code_text(raw: str) -> str:
    """A code line as an answer line: its text without tags, or the whole line when it is a
    tag with attributes (an XML layout, a JSX element) that would otherwise read as nothing."""
    body = _plain(raw)
    if len(body) < 2 and _TAG_WITH_ATTRIBUTES.search(raw):
        return raw.strip()
    return body


def parent_line(lines: Sequence[str], at: int) -> int | None:
    """For a nested list item (`lines[at]` indented, with a bullet), the index of its parent:
    the nearest earlier non-blank line indented less; None for any other line. "- 最大IOPS :
    16000" under "- **汎用SSD** (gp2)" says which volume only through its parent."""
    raw = lines[at]
    indent = len(raw) - len(raw.lstrip())
    if not indent or not BULLET.match(raw):
        return None
    for j in range(at - 1, -1, -1):
        if lines[j].strip() and len(lines[j]) - len(lines[j].lstrip()) < indent:
            return j
    return None


def line_units(
    chunk: Chunk, chunk_id: int, page_lines: Sequence[str], captions: Collection[int] = (),
    source_lines: Sequence[str] | None = None, tables: TableHeaders | None = None,
    leads: Mapping[int, str] | None = None,
) -> list[LineUnit]:
    """One unit per line worth pinpointing: shown, not a caption, not blank, not a fence
    marker, not a lone symbol. `page_lines[n - 1]` is line n as the page shows it
    (wiki.PageText.lines, "" when hidden); `captions` are 1-based line numbers;
    `source_lines` the note as written, for the tags of HTML table rows (html_row_label);
    `tables`: the note's TableHeaders over `page_lines`, shared by its chunks (a caller
    building every chunk of a note passes one, so a long table is walked once); `leads`: the
    note's paragraphleads.paragraph_leads over all of `page_lines` (likewise shared), read
    from the page's first line: a definition at a chunk's start has its term in the chunk
    before (a glossary whose term and definition do not fit in one chunk)."""
    tables = tables if tables is not None else TableHeaders(page_lines)
    units = []
    code = code_lines(page_lines[chunk.line_start - 1 : chunk.line_end])
    source = page_lines if source_lines is None else source_lines
    in_html_table = any(_ROW_OPEN.search(source[n - 1]) for n in range(max(chunk.line_start - HTML_ROW_REACH, 1), chunk.line_end + 1))
    leads = leads if leads is not None else paragraph_leads(page_lines, 1, len(page_lines))[0]
    for n in range(chunk.line_start, chunk.line_end + 1):
        raw = page_lines[n - 1]
        if n in captions:
            continue
        # A definition's marker goes before any label is added (a row label in an HTML table)
        definition = DEFINITION.match(raw) if n in leads and not code[n - chunk.line_start] else None
        body = _code_text(raw) if code[n - chunk.line_start] else _plain(raw[definition.end():] if definition else raw)
        if len(body) < 2 or _FENCE.match(raw):
            continue
        if _TABLE_RULE.match(raw):  # a table's |---| rule or a horizontal rule
            continue
        header = tables.header(n)
        if header is not None:
            body = row_text(header, raw) or body
        elif in_html_table and not code[n - chunk.line_start]:
            label = html_row_label(page_lines, n, source_lines)
            if label and label not in body:
                body = f"{label}: {body}"
        if n in leads and not code[n - chunk.line_start]:
            body = f"{leads[n]}: {body}" if definition else f"{leads[n]} {body}"
        units.append(LineUnit(n, chunk_id, f"{chunk.heading_path[-1]}: {body}"))
    return units
