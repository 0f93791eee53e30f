"""Pointers: a hit whose answer line sends the reader to another section yields to that section.

An FAQ entry, a checklist or an overview often answers in short and names the section that
holds the whole answer: "Thunder does — see [屋外プール](pool/屋外プール.md#thunder)",
"`ImagePullBackOff` in staging: ... then see [Kubernetes](../infra/kubernetes.md#imagepullbackoff)".
When that section is among the first hits too, the wiki itself says which of the two is the
answer: it goes first, the pointing hit right after it (both stay shown).

A link is followed as the wiki's reader follows it (to "../x.md#a", "./x#a", "/x/#a", a
wiki page's name). Only a link to a section (with a `#fragment`) counts, and only from the
hit's best answer line: a link to a whole page is a reference ("pump water only after G1 is
fixed (the upper tank lasts about a day, see [水の管理](水の管理.md))"), and linking whole
pages put two answered questions behind the page they cite (heldout8, heldout16;
docs/evaluation.md, thirtieth pass). A section includes its subsections: "[酒税と免許](office/酒税と免許.md#廃棄したとき)"
leads to its "### 手順".

What this leaves out: ranking itself (retrieve.py, fusion.py), where links lead in the wiki
(notelinks.py), which lines answer (highlight.py).
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable, Mapping, Sequence
from urllib.parse import unquote

import numpy as np

from .chunking import Chunk
from .hits import MAX_LINE_CHARS, Hit
from .language import language
from .lines import only_links
from .noanswer import key_term_share
from .notelinks import linked_path, wiki_link
from .translatedpages import named_original, notice_lines

# The first hits a pointing hit may yield to: as many as the verdict reads (verdict.QUANTITY_HITS).
# The verdict judges them in ranking order (retrieve.py): the best match, not what it points at.
POINTED_HITS = 3


@lru_cache(maxsize=1)
def _inline_parser():
    """CommonMark's inline syntax (markdown-it, built once): links as the wiki reads them,
    not as a pattern would (titles, `<...>` destinations, escapes, code spans)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})


def link_targets(line: str) -> list[str]:
    """The destinations of a line's links, in order, as markdown-it reads them (non-ASCII
    percent-encoded). Reads at most hits.MAX_LINE_CHARS characters (markdown-it's link labels
    cost time quadratic in a paragraph's length: docs/reliability.md)."""
    tokens = _inline_parser().parseInline(line[:MAX_LINE_CHARS])[0].children or ()
    return [str(token.attrGet("href") or "") for token in tokens if token.type == "link_open"]


# A line that starts a block of its own: a list item, heading, table row, quote, fence or HTML.
_BLOCK_START = re.compile(r"\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|\||>|```|~~~|<)")
_HEADING = re.compile(r" {0,3}#{1,6}(?:\s|$)")


def paragraph_from(lines: Sequence[str], at: int) -> str:
    """Line `at` with the link-only lines right after it in its paragraph (lines.only_links;
    up to a blank line or a line that starts a block), joined by spaces, at most
    hits.MAX_LINE_CHARS characters. An FAQ entry puts its link on a line of its own under
    the short answer ("毎朝 4:30 に運行管理者がレベルを決めます。" then "→ [Snow levels](dispatch/snow-days.md#snow-levels)"):
    one paragraph to the reader (heldout19, 2026-12-04). A later line with words of its own
    is another sentence, often an aside ("Unrelated, but the [parking fees](parking.md#fees)
    went up"), and ends it (an attacking helper moved that section first)."""
    parts, size = [lines[at]], len(lines[at])
    if _HEADING.match(lines[at]):  # a heading is a block of one line
        return lines[at][:MAX_LINE_CHARS]
    for line in islice(lines, at + 1, None):
        if not line.strip() or _BLOCK_START.match(line) or size >= MAX_LINE_CHARS or not only_links(line):
            break
        parts.append(line)
        size += len(line) + 1
    return " ".join(parts)[:MAX_LINE_CHARS]


def pointing_paragraph(hit: Hit) -> str | None:
    """The hit's best answer line with the rest of its paragraph (`paragraph_from`), as the
    page shows it (a Hugo `ref` is its path: wiki/shown.py); None when it has no answer line."""
    if not hit.highlight_lines:
        return None
    at = hit.highlight_lines[0] - hit.chunk.line_start
    lines = hit.chunk.page_text.split("\n")
    return paragraph_from(lines, at) if 0 <= at < len(lines) else None


def own_words(line: str) -> str:
    """A line's text outside its links (labels and destinations left out), as markdown-it reads
    it; at most hits.MAX_LINE_CHARS characters are read."""
    tokens = _inline_parser().parseInline(line[:MAX_LINE_CHARS])[0].children or ()
    words, depth = [], 0
    for token in tokens:
        depth += (token.type == "link_open") - (token.type == "link_close")
        if not depth and token.type in ("text", "code_inline"):
            words.append(token.content)
    return " ".join(words)


def points_elsewhere(question: str, pointing: Hit, pointed: Hit, languages: tuple[str, str]) -> bool:
    """True when the pointing hit's line answers the question itself and links on to a side
    matter: the question and both notes are in one language (`languages`: the pointing and
    the pointed hit's notes languages, 'ja' / 'en'), and the line's paragraph holds some of the
    question's key terms in its own words (noanswer.key_term_share; `own_words`: a link's label
    names where it leads) while the section (its heading and text) holds none.
    「謝礼は出ません。交通費のみ支給します。詳しくは[シフト](shifts.md#交通費)を見てください。」
    answers 「ボランティアに謝礼は出る？」; the 交通費 section names neither ボランティア nor 謝礼,
    and moved first it read as "yes, paid" (a fresh user, 2026-12-06). Across languages words
    cannot be compared: False, the link is followed."""
    if not question or set(languages) != {language(question)}:
        return False
    paragraph = pointing_paragraph(pointing) or ""
    return key_term_share(question, own_words(paragraph)) > 0 and key_term_share(question, pointed.chunk.page_text) == 0


def _page_key(url: str) -> str:
    """A page URL as compared: percent-decoded, without a trailing slash ("/tools/x" and
    "/tools/x/" are one page to a reader)."""
    return unquote(url).rstrip("/")


class Pointers:
    """The sections of one index's chunks, by note and anchor, for `pointed_first`.
    `pages`: each note's page URL by source (cite.page_url), to follow links as a reader does;
    `superseded`: chunk rows under a heading that marks them replaced (superseded.Superseded)."""

    def __init__(self, chunks: Sequence[Chunk], pages: Mapping[str, str], superseded: Iterable[int] = (),
                 languages: Sequence[str] | None = None, stale: Callable[[str], np.ndarray] | None = None):
        self.chunks, self.pages = chunks, pages
        # question -> bool[n_chunks]: the replaced sections it does not ask about
        # (superseded.Superseded.current_only), for `_replacement`; None: never moved.
        self._stale = stale
        # Each chunk's notes language ('ja' / 'en', retrieve._chunk_languages: per note, as the
        # verdict reads them); None: none known, links are always followed (`points_elsewhere`).
        self.languages = languages
        # Never moved forward: a section the wiki marks as replaced (superseded.py), which a
        # current page links to as what it replaced (an attacking helper, 2026-12-04).
        self._superseded = frozenset(int(row) for row in superseded)
        self._by_page = {_page_key(url): source for source, url in pages.items()}
        self._first: dict[tuple[str, str], int] = {}  # (source, anchor) -> the section's first chunk row
        self._page_first: dict[str, int] = {}  # source -> the note's first chunk row (its banner's)
        for row, chunk in enumerate(chunks):
            self._page_first.setdefault(chunk.source, row)
            if chunk.anchor:
                self._first.setdefault((chunk.source, chunk.anchor), row)
        self._rows: dict[tuple[str, str], range] = {}  # section_rows, as walked
        self._links: dict[str, frozenset[str]] = {}  # replacing_notes, as read
        self._originals: dict[str, str | None] = {}  # original_note, as read

    def section_rows(self, source: str, anchor: str) -> range:
        """The chunk rows of the section `anchor` of note `source`, its subsections included
        (the chunks after its first one: its own, with its anchor, then deeper headings under
        its path); empty when the note has no such section. A sibling of the same name ("##
        Restart" twice: `restart`, `restart-1`) ends it. Walked once per section and kept."""
        key = (source, anchor)
        if key not in self._rows:
            first = row = self._first.get(key, len(self.chunks))
            path = self.chunks[row].heading_path if row < len(self.chunks) else ()
            while row < len(self.chunks) and self._within(self.chunks[row], source, anchor, path):
                row += 1
            self._rows[key] = range(first, row)
        return self._rows[key]

    @staticmethod
    def _within(chunk: Chunk, source: str, anchor: str, path: tuple[str, ...]) -> bool:
        """Whether `chunk` belongs to the section `anchor` (heading path `path`) of `source`."""
        own = chunk.anchor == anchor and chunk.heading_path == path
        deeper = len(chunk.heading_path) > len(path) and chunk.heading_path[: len(path)] == path
        return chunk.source == source and (own or deeper)

    def linked_sections(self, line: str, source: str) -> list[tuple[str, str]]:
        """The sections a line of note `source` links to, as (source, anchor), in order: where
        the reader lands (notelinks.wiki_link: "../x.md#a", "./x#a", "/x/#a", a wiki page's name),
        when that is a note's page and names a section; other links are left out."""
        found = []
        for href in link_targets(line):
            target, fragment = self._linked_note(href, source)
            if fragment and target is not None:
                found.append((target, unquote(fragment)))
        return found

    def _linked_note(self, href: str, source: str) -> tuple[str | None, str]:
        """(the note a link of note `source` lands on, or None; its #fragment, as written)."""
        url, _, fragment = wiki_link(href, source, self.pages.get(source, ""), self.pages).partition("#")
        # A note's file named as written wins: two notes may share a page URL (MkDocs'
        # foo.md and foo/index.md are both /foo/).
        direct = linked_path(href, source)
        return (direct[0] if direct is not None and direct[0] in self.pages else self._by_page.get(_page_key(url))), fragment

    def replacing_notes(self, source: str) -> frozenset[str]:
        """The note a replaced page names as its replacement: the one other note its first
        chunk links to ("Since 1 April 2026 [返金ルール](refund-policy.md) applies"), when the
        page itself is replaced (its first chunk is); else none. Read once per note and kept.
        Only the first chunk, where such a banner stands, and only one note: every link of the
        replaced sections let a link to another topic ("questions go to [finance](finance.md)")
        move that page first, and reading them all cost 5 s on a 240 KB page of hostile links
        (an attack, 2026-12-06)."""
        if source not in self._links:
            first = self._page_first.get(source)
            targets: set = set()
            if first is not None and first in self._superseded:
                targets = set(self.linked_notes(self.chunks[first].page_text.split("\n"), source)) - {None, source}
            self._links[source] = frozenset(targets) if len(targets) == 1 else frozenset()
        return self._links[source]

    def original_note(self, source: str) -> str | None:
        """The note a page that says it is a translation names as its original
        (translatedpages.py): the one note its notice links to, else the note its own name or
        URL names without its language; one in the other language that does not say it is a translation
        too (an original linking to its copy "英訳: [...]" with the copy linking back named
        each other). None for any other page. Read once per note and kept."""
        if source not in self._originals:
            self._originals[source] = None
            notice = self._notice(source)
            if notice:
                language = str(self.languages[self._page_first[source]])
                page_note = lambda url: self._by_page.get(_page_key(url))  # noqa: E731
                # The notice's one link first, when it leads to a note: a sibling named like the copy
                # may be an old page ("menu.md" beside the "menu-2026.md" the notice names), and a
                # second link or one to no note ("[部屋](rooms.md), since removed; questions to the
                # [FAQ](faq.md)") names no original (attacks).
                linked = set(self.linked_notes(notice, source))
                found = next(iter(linked)) if len(linked) == 1 and not linked & {None, source} else None
                found = found or named_original(source, language, self.pages, page_note)
                if found is not None and str(self.languages[self._page_first[found]]) != language and not self._notice(found):
                    self._originals[source] = found
        return self._originals[source]

    def _notice(self, source: str) -> list[str]:
        """The lines of note `source`'s first chunk saying it is a translation (translatedpages.notice_lines)."""
        first = self._page_first.get(source)
        if first is None or self.languages is None:
            return []
        return notice_lines(self.chunks[first].page_text, str(self.languages[first]))

    def linked_notes(self, lines: Sequence[str], source: str) -> list[str | None]:
        """The note each link of `lines` (of note `source`) lands on, None for a link to no
        note, in order (`_linked_note`)."""
        return [self._linked_note(href, source)[0] for line in lines if "](" in line for href in link_targets(line)]

    def pointed_rows(self, hit: Hit) -> list[range]:
        """The chunk rows of each section the hit's best answer line links to, that line read
        with the rest of its paragraph (`pointing_paragraph`)."""
        paragraph = pointing_paragraph(hit)
        linked = self.linked_sections(paragraph, hit.chunk.source) if paragraph else []
        return [self.section_rows(source, anchor) for source, anchor in dict.fromkeys(linked)]

    def pointed_first(self, groups: Sequence[Sequence[int]], hits: Sequence[Hit], top_k: int,
                      question: str = "", asked: str = "") -> tuple[list, tuple[Hit, ...]]:
        """(groups, hits) cut to the first `top_k`, best first (`hits`; `groups`: each hit's
        chunk rows), but the current section a replaced first hit's page names first
        (`_replacement`; `asked`: the question with its conversation, which says whether it
        asks about the past; "": the question alone), else the first of hits 2..POINTED_HITS in a
        section the first hit's best answer line links to (in another note), unless that
        section is about something else than `question` (`points_elsewhere`)."""
        order = list(range(len(hits)))
        replacement = self._replacement(groups, hits, asked or question)
        if replacement is not None:
            order = [replacement] + [p for p in order if p != replacement]
            return [list(groups[p]) for p in order[:top_k]], tuple(hits[p] for p in order[:top_k])
        pointed = self.pointed_rows(hits[0]) if len(hits) > 1 else []
        for position in range(1, min(POINTED_HITS, len(hits))):
            if (hits[position].chunk.source != hits[0].chunk.source and not self._superseded.intersection(groups[position])
                    and any(row in rows for rows in pointed for row in groups[position])
                    and not self._points_elsewhere(question, groups, hits, position)):
                order = [position] + [p for p in order if p != position]
                break
        return [list(groups[p]) for p in order[:top_k]], tuple(hits[p] for p in order[:top_k])

    def _points_elsewhere(self, question: str, groups: Sequence[Sequence[int]], hits: Sequence[Hit], position: int) -> bool:
        """`points_elsewhere` for the first hit and the hit at `position`, with their notes' languages."""
        if self.languages is None:
            return False
        languages = (str(self.languages[groups[0][0]]), str(self.languages[groups[position][0]]))
        return points_elsewhere(question, hits[0], hits[position], languages)

    def _replacement(self, groups: Sequence[Sequence[int]], hits: Sequence[Hit], question: str) -> int | None:
        """The position (1..POINTED_HITS-1) of the first current hit on the note the first hit's
        page names as its replacement (`replacing_notes`), when the first hit is a replaced
        section the question does not ask about (superseded.py; every chunk of it: a current
        section with a replaced subsection joined is current). The old page names its
        replacement ("Since 1 April 2026 the Japanese page [返金ルール](refund-policy.md)
        applies"), and an English question ranked the old English page over the current
        Japanese one, whose section came second (a fresh user, heldout21, 2026-12-06). So does
        the first hit on a translated page's original (`original_note`) for a question in the
        translation's language. None when nothing moves."""
        if len(hits) < 2:
            return None
        # A translated page's first hit yields to its original's (translatedpages.py): the
        # copy says the original is right where they differ. Only for a question in the copy's
        # language, which meets the copy first by its language: one in the original's that
        # still ranks the copy first asks what the copy adds (three such questions over
        # heldout22, 29 and 31 went to the original, e5).
        original = self.original_note(hits[0].chunk.source)
        if original is not None and self.languages is not None and language(question) == str(self.languages[groups[0][0]]):
            position = next((p for p in range(1, min(POINTED_HITS, len(hits))) if hits[p].chunk.source == original), None)
            if position is not None:
                return position
        if self._stale is None or not self._superseded.intersection(groups[0]):
            return None
        stale = self._stale(question)
        if not all(stale[row] for row in groups[0]):
            return None  # heldout9's linen rules with their "旧ルール" joined (Gemma moved them)
        replacing = self.replacing_notes(hits[0].chunk.source)
        for position in range(1, min(POINTED_HITS, len(hits))):
            if hits[position].chunk.source in replacing and not any(stale[row] for row in groups[position]):
                return position
        return None
