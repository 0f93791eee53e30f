"""Note -> Chunks: one per heading section, split at natural boundaries when too long.

A chunk is what a person is shown and what gets embedded, so it must fit the model's window
and stay short enough to read (at most `max_lines` lines). Long sections are split along the
markdown block tree: top-level bullets first, then nested bullets, paragraphs and whole code
fences (a definition list's term kept with its definition); a single line is never split.
Every line the wiki page shows (wiki/shown.py) lands in exactly one chunk, and a chunk starts
and ends on such a line. A chunk keeps its source lines
(`text`, cited by line number); what is embedded and indexed is the page's text of them.
What this leaves out: embedding and anchors' URL form (cite.py builds the URL).
"""
from __future__ import annotations

import bisect

from dataclasses import dataclass
from typing import Callable, Iterable

from .footnotes import footnotes
from .notes import Block, Note
from .paragraphleads import paragraph_leads
from .tokens import estimate_tokens
from .textnorm import match_form, width_fold
from .wiki import DEFAULT_ENGINE, HugoSections, WikiPage, wiki_page
from .wiki.hugo import HugoLanguages
from .wiki.jekyll import JekyllUrls
from .wiki.mkdocsmarkdown import MkdocsMarkdown
from .wiki.shown import KRAMDOWN_ENGINES, is_github_alert

TokenCounter = Callable[[str], int]

# A heading or title is cut to HEADING_CHARS in heading paths, and the path that labels a
# chunk's embedded text to its last LABEL_CHARS (whole names, most specific kept): a label
# is repeated in every chunk, passage and answer line of its section, so an uncapped 10 KB
# heading made a 25 KB note 61 MB of text to embed (issue 11). No heading of the dev corpora
# reaches either cap. Anchors are still made from the full heading text.
HEADING_CHARS = 80
LABEL_CHARS = 160
# Heading paths shown as text (breadcrumbs, scope names): a heading may itself contain ' > '.
PATH_SEPARATOR = " › "
# Every chunk of a section stores its anchor: a heading of megabytes would be stored once per
# chunk. An id this long is no real heading's; such a section links to its page, no fragment.
ANCHOR_CHARS = 512


def short_name(name: str) -> str:
    """A heading or title as used in paths: on one line (a setext heading may span several,
    and the page shows them as one) and at most HEADING_CHARS characters."""
    name = " ".join(name.split()) if "\n" in name or "\r" in name else name
    return name if len(name) <= HEADING_CHARS else name[: HEADING_CHARS - 1].rstrip() + "…"


def path_label(path: tuple[str, ...]) -> str:
    """' > '-joined heading path, keeping the most specific names within LABEL_CHARS."""
    kept: list[str] = []
    for name in reversed(path):
        if kept and len(" > ".join([name, *kept])) > LABEL_CHARS:
            break
        kept.insert(0, name)
    return " > ".join(kept)


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece of a note: a heading section, or a part of one split at
    top-level bullets, paragraphs or code fences (chunk_note), with what a citation needs.

    `source` is the note's path relative to the corpus folder, '/'-separated; line numbers
    are the file's, 1-based and inclusive. Made by chunk_note, stored in chunks.jsonl."""

    source: str
    title: str
    heading_path: tuple[str, ...]  # page title > [the page's H1, when not its title] > chapter > section > ...
    anchor: str  # of the nearest heading; "" for text before the first heading
    permalink: str | None  # the page's URL path in the wiki (wiki.pages.page_path)
    line_start: int  # 1-based, inclusive
    line_end: int
    text: str  # the note's lines line_start..line_end, as written
    # The same lines as the wiki page shows them (hidden ones blank, wiki/shown.py); None
    # when that is `text` itself, as for most chunks.
    shown: str | None = None
    # The top-level section holding the chunk (`_chapter`), what a filter can choose within a
    # note; "" for the page's lead and its H1's own text.
    chapter: str = ""

    @property
    def page_text(self) -> str:
        """The chunk's lines as the page shows them, one per source line."""
        return self.text if self.shown is None else self.shown

    @property
    def embed_text(self) -> str:
        """What the model and BM25 see: the heading path (it gives a sub-chunk its topic) and
        the shown lines, width variants folded (textnorm.width_fold). An alert's marker line
        (`> [!NOTE]`, shown as the alert's title) carries no words of the note: left out."""
        lines = self.page_text.split("\n")
        body = "\n".join(line.rstrip() for line in lines if line.strip() and not is_github_alert(line))
        return width_fold(path_label(self.heading_path) + "\n" + body)

    @property
    def breadcrumb(self) -> str:
        """The heading path as a reader sees it, joined by PATH_SEPARATOR: a page title that
        the next heading repeats with an aside in brackets is shown once, as that heading
        ("よくある質問 › よくある質問（FAQ） › ..." read as a stutter: a fresh user, 2026-12-05;
        "AWS › AWS Lambda" names two things), and so is one the heading repeats but for spaces
        and character width ("返金ルール（2026年4月改定） › 返金ルール（2026 年 4 月改定）", a
        fresh user, 2026-12-06). The path itself keeps both."""
        path = self.heading_path
        if len(path) > 1 and path[1].startswith(path[0]) and path[1][len(path[0]):].lstrip()[:1] in tuple("(（[［【「"):
            path = path[1:]
        elif len(path) > 1 and "".join(match_form(path[0]).split()) == "".join(match_form(path[1]).split()):
            path = path[1:]
        return PATH_SEPARATOR.join(path)

    @property
    def n_lines(self) -> int:
        """Source lines covered, blank ones included (line_end - line_start + 1)."""
        return self.line_end - self.line_start + 1


@dataclass(frozen=True)
class _Section:
    start: int  # 1-based line of the heading (or 1 for the preamble)
    end: int
    path: tuple[str, ...]
    anchor: str
    chapter: str = ""


def _chapter(stack: list, page: WikiPage, only_h1: bool) -> str:
    """The chapter of a section whose open headings are `stack` (outermost first): its
    outermost heading that is not the page's own heading, else "". The page's heading is an
    H1 that is its title or its one H1: a front-matter title other than the H1 keeps the H1
    in the heading path (the breadcrumb shows both), and its chapters are still the sections
    under it, as on a page whose title is its H1 (a fresh tester, 2026-12-01: a page titled
    "オンボーディング" with "# オンボーディング（入社初週）" offered only that H1 as a filter).
    `only_h1`: the page has one H1, counted once by the caller (counted here, for every
    section, it made chunking quadratic in a note's headings)."""
    outer = [h for h in stack if not (h.level == 1 and (only_h1 or h.text == page.title))]
    return short_name(outer[0].text) if outer else ""


def _sections(note: Note, page: WikiPage) -> list[_Section]:
    """Heading sections with their paths; a heading with no text of its own joins the next.

    Headings, their ids and their text are the wiki page's (page.headings), not the raw lines'.
    Names in paths are capped (short_name) and over-long anchors dropped (case amplification).
    """
    bounds = [(h.line, h, h.anchor if len(h.anchor) <= ANCHOR_CHARS else "") for h in page.headings]
    sections, stack = [], []
    first = bounds[0][0] if bounds else len(note.lines) + 1
    title = short_name(page.title)
    only_h1 = sum(h.level == 1 for h in page.headings) == 1
    if first > 1:
        sections.append(_Section(1, first - 1, (title,), ""))
    for i, (line, heading, anchor) in enumerate(bounds):
        end = bounds[i + 1][0] - 1 if i + 1 < len(bounds) else len(note.lines)
        stack = [h for h in stack if h.level < heading.level] + [heading]
        names = [short_name(h.text) for h in stack if not (h.level == 1 and h.text == page.title)]
        sections.append(_Section(line, end, (title, *names), anchor, _chapter(stack, page, only_h1)))
    heading_end = {h.line: h.end_line for h in page.headings}
    merged: list[_Section] = []
    for sec in sections:
        prev = merged[-1] if merged else None
        if prev and prev.start > 1 and not _has_body(page, prev, heading_end) and len(sec.path) > len(prev.path):
            merged[-1] = _Section(prev.start, sec.end, sec.path, sec.anchor, sec.chapter)
        else:
            merged.append(sec)
    return merged


def _has_body(page: WikiPage, sec: _Section, heading_end: dict[int, int]) -> bool:
    first_body_line = heading_end.get(sec.start, sec.start) + 1
    return any(page.text.shows(i) for i in range(first_body_line, sec.end + 1))


def _pieces(block: Block, fits: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Split a block into ranges that fit, following its nested blocks; lines as a last resort."""
    if fits(block.start, block.end):
        return [(block.start, block.end)]
    if not block.children:
        return [(n, n) for n in range(block.start, block.end + 1)]
    # A block cut short at its section's end (a heading nested in a list item or a quote
    # starts the next section) keeps only the children that start before that end.
    cuts = sorted({block.start} | {c.start for c in block.children if c.start <= block.end})
    # Each child found by its first line in a dict, not by a scan of every child per cut:
    # that was quadratic in a block's children (a 20,000-row table or list: 33 s a build).
    by_start: dict[int, Block] = {}
    for c in block.children:
        by_start.setdefault(c.start, c)
    out = []
    for a, b in zip(cuts, cuts[1:] + [block.end + 1]):
        child = by_start.get(a)
        inner = child.children if child else ()
        out += _pieces(Block(block.kind, a, b - 1, inner), fits)
    return out


def _blocks_in(note: Note, starts: list[int], start: int, end: int) -> list[Block]:
    """Top-level blocks of a line range, with uncovered lines (headings, HTML) as their own.
    `starts`: the blocks' first lines (note.blocks is in order): a bisection, not a scan of
    every block per section, which made a note of 200,000 sections quadratic (issue 14)."""
    inside = list(note.blocks[bisect.bisect_left(starts, start) : bisect.bisect_right(starts, end)])
    covered = {n for b in inside for n in range(b.start, b.end + 1)}
    loose = [Block("line", n, n) for n in range(start, end + 1) if n not in covered]
    blocks = sorted(inside + loose, key=lambda b: b.start)
    return [Block(b.kind, b.start, min(b.end, end), b.children) for b in blocks]


def _definition_terms(lines: list[str]) -> dict[int, int]:
    """1-based line of a definition list's first definition -> its term's first line
    (paragraphleads.paragraph_leads, read over the whole page)."""
    leads, leaders = paragraph_leads(lines, 1, len(lines))
    above = sorted(leaders)  # bisected, not scanned per definition: 20,000 terms would be quadratic
    out: dict[int, int] = {}
    for n in leads:
        at = bisect.bisect_left(above, n)
        if n - 1 not in leads and at:  # the first line a term labels
            out[n] = above[at - 1]
    return out


def _terms_kept_with_definitions(pieces: list[tuple[int, int]], terms: dict[int, int],
                                 fits: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Pieces with a definition list's term joined to its definition's piece when both fit
    in one chunk: packed apart, a glossary's chunk ended on a term and the next began with a
    definition that never said what it defines ("Term", blank, ": definition"; a helper's
    attack, 2026-12-04). `terms`: `_definition_terms`."""
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        term = terms.get(a)
        first = len(out)  # the piece holding the term, then the blank line's piece
        # Back only while the joined span still fits: 20,000 definitions of one term far above
        # them walked back over every piece each (quadratic: 24 s a note; a helper's attack).
        while term is not None and first > 0 and out[first - 1][1] >= term and fits(out[first - 1][0], b):
            first -= 1
        if first < len(out) and out[first][0] <= term:
            out[first:] = [(out[first][0], b)]
        else:
            out.append((a, b))
    return out


def _pack(pieces: Iterable[tuple[int, int]], fits: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Greedily join consecutive pieces while the joined range still fits."""
    ranges: list[tuple[int, int]] = []
    for a, b in pieces:
        if ranges and fits(ranges[-1][0], b):
            ranges[-1] = (ranges[-1][0], b)
        else:
            ranges.append((a, b))
    return ranges


def chunk_note(
    note: Note,
    max_lines: int = 40,
    max_tokens: int = 400,
    count_tokens: TokenCounter = estimate_tokens,
    wiki_engine: str = DEFAULT_ENGINE,
    clean_urls: bool | None = None,
    languages: HugoLanguages | None = None,
    pages_dir: str = "",
    permalinks: JekyllUrls | None = None,
    mkdocs: MkdocsMarkdown | None = None,
    sections: HugoSections | None = None,
    page_source: str | None = None,
) -> list[Chunk]:
    """Chunks of one note, in line order, covering every line the page shows exactly once.

    `wiki_engine` (assistant.wiki.ENGINES) decides headings, anchors, title and page URL
    (with `clean_urls`, a Hugo site's `languages`, the site's `pages_dir`, a Jekyll site's
    `permalinks`, an MkDocs site's heading settings, `mkdocs`, a Hugo site's section slugs,
    `sections`, and the path its URL is made from when the site's languages move it, `page_source`).
    """
    page = wiki_page(note, wiki_engine, clean_urls, languages, pages_dir, permalinks, mkdocs, sections, page_source)
    line_tokens = [count_tokens(line) if line.strip() else 0 for line in note.lines]
    chunks, starts = [], [b.start for b in note.blocks]
    sections = _sections(note, page)
    moved_out, moved_in = _moved_footnotes(note, page, sections, wiki_engine)
    terms = _definition_terms(page.text.lines)
    for i, sec in enumerate(sections):
        budget = max_tokens - count_tokens(path_label(sec.path))

        def fits(a: int, b: int) -> bool:
            return b - a + 1 <= max_lines and sum(line_tokens[a - 1 : b]) <= budget

        for start, end in _without(sec.start, sec.end, moved_out.get(i, [])) + moved_in.get(i, []):
            pieces = [p for block in _blocks_in(note, starts, start, end) for p in _pieces(block, fits)]
            for a, b in _pack(_terms_kept_with_definitions(pieces, terms, fits), fits):
                content = [n for n in range(a, b + 1) if page.text.shows(n)]
                if content:
                    chunks.append(_make_chunk(note, page, sec, content[0], content[-1]))
    return sorted(chunks, key=lambda c: c.line_start)


def _moved_footnotes(note: Note, page: WikiPage, sections: list[_Section], engine: str) -> tuple[dict[int, list], dict[int, list]]:
    """The footnote definitions cited from another section than their own (footnotes.py),
    as (first line, last line) by the index in `sections` of the section they leave and of
    the section citing them, where they are chunked; `engine` decides how definitions end
    (kramdown's under Jekyll, footnotes.py)."""
    moved_out: dict[int, list[tuple[int, int]]] = {}
    moved_in: dict[int, list[tuple[int, int]]] = {}
    notes_footnotes = footnotes(note, page.text.lines, kramdown=engine in KRAMDOWN_ENGINES)
    section_starts = [sec.start for sec in sections]

    def section_of(line: int) -> int | None:
        at = bisect.bisect_right(section_starts, line) - 1
        return at if at >= 0 and line <= sections[at].end else None

    for note_footnote in notes_footnotes:
        if note_footnote.cited_at is None:
            continue
        cited, own = section_of(note_footnote.cited_at), section_of(note_footnote.start)
        if cited is not None and own is not None and cited != own and note_footnote.end <= sections[own].end:
            moved_out.setdefault(own, []).append((note_footnote.start, note_footnote.end))
            moved_in.setdefault(cited, []).append((note_footnote.start, note_footnote.end))
    return moved_out, moved_in


def _without(start: int, end: int, moved: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The line range start..end less the `moved` ranges (within it, in line order)."""
    ranges, at = [], start
    for a, b in moved:
        if a > at:
            ranges.append((at, a - 1))
        at = b + 1
    if at <= end:
        ranges.append((at, end))
    return ranges


def _make_chunk(note: Note, page: WikiPage, sec: _Section, start: int, end: int) -> Chunk:
    text = "\n".join(note.lines[start - 1 : end])
    shown = "\n".join(page.text.lines[start - 1 : end])
    return Chunk(
        source=note.source,
        title=short_name(page.title),
        heading_path=sec.path,
        anchor=sec.anchor,
        permalink=page.path,
        line_start=start,
        line_end=end,
        text=text,
        shown=None if shown == text else shown,
        chapter=sec.chapter,
    )
