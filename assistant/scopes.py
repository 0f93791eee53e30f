"""The filter choices a page and /api/scopes list: every note, then chapters, within caps.

A note with 30,000 `##` headings (2.7 MB, under the 5 MB note cap) listed every chapter: the
page's /config was 15.6 MB and took a minute to show. The list is therefore bounded:
notes first (their order kept), then at most MAX_CHAPTERS_PER_NOTE chapters of each note,
at most MAX_SCOPE_CHOICES names in all; a label shown in the dropdown is cut at
MAX_SCOPE_LABEL_CHARS. A search still takes any scope the index knows (retrieve.Searcher),
listed or not. The dev wiki (37 pages) lists 272 names, its busiest page 15 chapters.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Collection, Mapping

from .chunking import PATH_SEPARATOR

MAX_SCOPE_CHOICES = 1_000
MAX_CHAPTERS_PER_NOTE = 100
MAX_SCOPE_LABEL_CHARS = 100
# Bytes of the list as a page serves it: a name is a note's path (with its chapter), and ten
# notes in ~3.8 KB-deep folders, 100 chapters each, made every page load 15 MB within the
# count caps (an attack, 2026-12-05). A cap on characters let names of control characters
# make it 4.9 MB (a second attack): the page's /config holds each value four times (the
# dropdown's choices and its API description's three enums) and its label once, as JSON,
# where a control character takes 6 bytes ("\u0001"), and on the page so do < > & '.
# `choice_bytes` counts that. The dev wiki's 272 names take 102 KB; the attack's page is 1.05 MB.
MAX_SCOPE_LIST_BYTES = 1_000_000
_ESCAPED = re.compile("[\x00-\x1f\x7f<>&'\u2028\u2029]")


def _owners(scopes: list[str], notes: Collection[str]) -> list[str | None]:
    """Each scope's note, None for a note itself. Searcher.scopes() lists a note before its
    chapters, so a chapter belongs to the note last seen; a file name may itself contain
    PATH_SEPARATOR ('a › b.md' is a note, not chapter 'b.md' of 'a')."""
    owners, current = [], None
    for scope in scopes:
        if scope in notes:
            current = scope
            owners.append(None)
        else:
            owners.append(current if current is not None and scope.startswith(current + PATH_SEPARATOR) else scope)
    return owners


def served_bytes(text: str) -> int:
    """`text`'s bytes as a page's JSON carries it: UTF-8, 6 bytes for each character escaped."""
    return len(text.encode("utf-8", "surrogatepass")) + 5 * len(_ESCAPED.findall(text))


def choice_bytes(scope: str, name: str | None = None) -> int:
    """What one listed name adds to a page: its value four times and its label once (the
    label of `name`, the scope's name for readers, when given: ui.py shows that one)."""
    return 4 * served_bytes(scope) + served_bytes(scope_label(scope if name is None else name))


def listed_scopes(scopes: list[str], notes: Collection[str], names: Mapping[str, str] | None = None) -> tuple[list[str], bool]:
    """`scopes` (Searcher.scopes(): 'source' and 'source › chapter' names, in note order;
    `notes`: the sources) cut to the caps above: every note first, then chapters in order,
    while the names fit MAX_SCOPE_CHOICES and MAX_SCOPE_LIST_BYTES (`choice_bytes`; `names`:
    the labels' names, as the page shows them, scopes.titled_scopes).
    Returns (names in their original order, True when some were left out)."""
    owners = _owners(scopes, notes)
    kept: set[str] = set()
    size = 0

    def keep(scope: str) -> bool:
        nonlocal size
        cost = choice_bytes(scope, names.get(scope) if names is not None else None)
        if len(kept) >= MAX_SCOPE_CHOICES or size + cost > MAX_SCOPE_LIST_BYTES:
            return False
        kept.add(scope)
        size += cost
        return True

    for scope, owner in zip(scopes, owners):
        if owner is None and not keep(scope):
            break
    per_note: dict[str, int] = {}
    for scope, note in zip(scopes, owners):
        if note is not None and note in kept and per_note.get(note, 0) < MAX_CHAPTERS_PER_NOTE:
            if not keep(scope):
                break
            per_note[note] = per_note.get(note, 0) + 1
    return [s for s in scopes if s in kept], len(kept) < len(scopes)


# Bidirectional embeddings, overrides and isolates (Unicode 15, Table 2 of UAX #9): in a
# heading or file name they can make a label read as another (U+202E shows "dm.b" as "b.md").
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Format characters (category Cf, Unicode 14; tests check the list against unicodedata): all
# invisible. _SEEN drops them all when telling which names look alike; a label keeps ZWNJ and
# ZWJ (U+200C/D: Persian and Indic words, emoji sequences need them) and drops the rest:
# zero-width space, word joiner, BOM, soft hyphen, LRM/RLM/ALM, tag characters.
_FORMAT_CHARS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                 "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                 "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_SEEN_DROPPED = re.compile(f"[{_FORMAT_CHARS}]")
_INVISIBLE = re.compile(f"(?![\u200c\u200d])[{_FORMAT_CHARS}]")


def _seen(name: str) -> str:
    """How a name looks to a reader, for telling which names would look alike: NFKC, without
    format characters, case and runs of spaces folded."""
    return " ".join(_SEEN_DROPPED.sub("", unicodedata.normalize("NFKC", name)).casefold().split())


_SEEN_SEPARATOR = f" {PATH_SEPARATOR.strip()} "


def scope_label(scope: str) -> str:
    """A scope as the dropdown shows it: without bidi controls or other invisible format
    characters, at most MAX_SCOPE_LABEL_CHARS characters. The value sent back stays the scope."""
    label = _INVISIBLE.sub("", _BIDI_CONTROLS.sub("", scope))
    return label if len(label) <= MAX_SCOPE_LABEL_CHARS else label[: MAX_SCOPE_LABEL_CHARS - 1] + "…"


def shown_heading(text: str) -> str:
    """A heading or title as the chat's breadcrumbs show it: without bidi controls or other
    invisible format characters (but ZWJ/ZWNJ), as scope_label, not cut. A U+202E in a heading
    reordered what followed it on the line (the citation's line numbers, the copy button)."""
    return _INVISIBLE.sub("", text)


def shown_source(source: str) -> str:
    """A note's path as a citation shows it: each bidi control and invisible format character
    (but ZWJ/ZWNJ) written as `<U+XXXX>`. A file name is what tells two notes apart:
    "ops/deploy\u200b.md" showed exactly as "ops/deploy.md", and "ops/x\u202egnp.md" as
    "ops/x" then "5L–1L dm.png" around the copy button. Controls too (a newline)."""
    return _SHOWN_AS_CODE.sub(lambda m: f"<U+{ord(m.group()):04X}>", source)


# What a citation's path shows as <U+XXXX>: the invisible format characters above and the
# controls (a newline in a file name printed a citation line of its own in the CLI).
_SHOWN_AS_CODE = re.compile(f"(?![\u200c\u200d])[{_FORMAT_CHARS}\x00-\x1f\x7f-\x9f]")


def titled_scopes(scopes: list[str], titles: dict[str, str]) -> dict[str, str]:
    """Each of `scopes` ('source' or 'source › chapter') named for a reader, by the note's
    title (`titles`: Searcher.note_titles, every note's source) in place of its path:
    'Deploying Services', 'Deploying Services › Staging'. The path follows in parentheses
    where the title alone would not say which note: two notes with one title, or a note
    without one, or a name that would look like another name in the list (a title differing
    only by a zero-width space, or a note titled 'Deploying Services › Staging' beside that
    chapter of the real note). Not cut: scope_label cuts a name for the dropdown."""
    owners = _owners(scopes, titles)
    chapters = [None if note is None or note == scope else scope[len(note) + len(PATH_SEPARATOR):]
                for scope, note in zip(scopes, owners)]
    chapter_seen = [None if chapter is None else _seen(chapter) for chapter in chapters]
    with_path: set[str] = set()

    def note_name(note: str) -> str:
        title = titles.get(note, "")
        return note if not title else f"{title} ({note})" if note in with_path else title

    while True:  # each round names more notes by path: two rounds unless names are crafted
        notes = {scope: note_name(scope) for scope, note in zip(scopes, owners) if note is None}
        notes_seen = {note: _seen(name) for note, name in notes.items()}
        looks = []  # how each scope's name looks (a chapter's: its note's name, ' › ', its own)
        for scope, note, seen in zip(scopes, owners, chapter_seen):
            looks.append(notes_seen[scope] if note is None else _seen(scope) if note == scope
                         else notes_seen[note] + _SEEN_SEPARATOR + seen)
        count = Counter(looks)
        alike = {scope if note is None else note for scope, note, look in zip(scopes, owners, looks)
                 if note != scope and count[look] > 1} - with_path
        if not alike:
            break
        with_path |= alike
    return {scope: notes[scope] if note is None else scope if note == scope
            else notes[note] + PATH_SEPARATOR + chapter for scope, note, chapter in zip(scopes, owners, chapters)}


def scope_by_name(name, scope_names: dict[str, str]) -> str | None:
    """The one scope whose name for readers (`scope_names`: titled_scopes) is `name`, as the
    chat page's filter shows it ("車両と資機材 › 給水車", '>' typed for '›'); None when no scope
    or more than one has it. A fresh user typed the label they saw (2026-12-05: the CLI; the
    API refused it, 2026-12-06), or a unique end of its path after a '/'."""
    if not isinstance(name, str):
        return None
    wanted = " ".join(name.replace(" > ", PATH_SEPARATOR).split())  # typed either way
    named = [scope for scope, shown in scope_names.items() if " ".join(shown.split()) == wanted]
    if not named:
        # A note's path as the site names it, under its docs folder: "support/refund-policy.md"
        # for the notes' "docs/support/refund-policy.md" (a fresh user, MkDocs, 2026-12-06).
        path, _, chapter = wanted.lstrip("/").partition(PATH_SEPARATOR)
        named = [scope for scope in scope_names if _path_ends(scope, path, chapter)]
    return named[0] if len(named) == 1 else None


def _path_ends(scope: str, path: str, chapter: str) -> bool:
    """Whether a scope's note path ends in the whole segments `path` and its chapter is
    `chapter` ("" for the note itself): "CD" is no end of "a.md › CI/CD" (an attack)."""
    note, _, own = scope.partition(PATH_SEPARATOR)
    return bool(path) and own.strip() == chapter.strip() and (note == path.strip() or note.endswith("/" + path.strip()))
