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
from collections import Counter
from typing import Collection

from .chunking import PATH_SEPARATOR

MAX_SCOPE_CHOICES = 1_000
MAX_CHAPTERS_PER_NOTE = 100
MAX_SCOPE_LABEL_CHARS = 100


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


def listed_scopes(scopes: list[str], notes: Collection[str]) -> tuple[list[str], bool]:
    """`scopes` (Searcher.scopes(): 'source' and 'source › chapter' names, in note order;
    `notes`: the sources) cut to the caps above: every note first, then chapters in order.
    Returns (names in their original order, True when some were left out)."""
    owners = _owners(scopes, notes)
    kept = {s for s, owner in zip(scopes, owners) if owner is None}
    kept = set([s for s in scopes if s in kept][:MAX_SCOPE_CHOICES])
    per_note: dict[str, int] = {}
    for scope, note in zip(scopes, owners):
        if len(kept) >= MAX_SCOPE_CHOICES:
            break
        if note is not None and note in kept and per_note.get(note, 0) < MAX_CHAPTERS_PER_NOTE:
            per_note[note] = per_note.get(note, 0) + 1
            kept.add(scope)
    return [s for s in scopes if s in kept], len(kept) < len(scopes)


# Bidirectional embeddings, overrides and isolates (Unicode 15, Table 2 of UAX #9): in a
# heading or file name they can make a label read as another (U+202E shows "dm.b" as "b.md").
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def scope_label(scope: str) -> str:
    """A scope as the dropdown shows it: without bidi controls, at most MAX_SCOPE_LABEL_CHARS
    characters. The value sent back stays the scope itself."""
    label = _BIDI_CONTROLS.sub("", scope)
    return label if len(label) <= MAX_SCOPE_LABEL_CHARS else label[: MAX_SCOPE_LABEL_CHARS - 1] + "…"


def titled_scopes(scopes: list[str], titles: dict[str, str]) -> dict[str, str]:
    """Each of `scopes` ('source' or 'source › chapter') named for a reader, by the note's
    title (`titles`: Searcher.note_titles, every note's source) in place of its path:
    'Deploying Services', 'Deploying Services › Staging'. The path follows in parentheses
    where the title alone would not say which note: two notes with one title, or a note
    without one. Not cut: scope_label cuts a name for the dropdown."""
    shared = Counter(titles.get(s, "") for s in scopes if s in titles)

    def note_name(note: str) -> str:
        title = titles.get(note, "")
        return note if not title else f"{title} ({note})" if shared[title] > 1 else title

    named = {}
    for scope, note in zip(scopes, _owners(scopes, titles)):
        if note is None:
            named[scope] = note_name(scope)
        elif note == scope:  # no known note: shown as it is
            named[scope] = scope
        else:
            named[scope] = note_name(note) + PATH_SEPARATOR + scope[len(note) + len(PATH_SEPARATOR):]
    return named
