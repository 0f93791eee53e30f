"""The filter choices a page and /api/scopes list: every note, then chapters, within caps.

A note with 30,000 `##` headings (2.7 MB, under the 5 MB note cap) listed every chapter: the
page's /config was 15.6 MB and took a minute to show. The list is therefore bounded:
notes first (their order kept), then at most MAX_CHAPTERS_PER_NOTE chapters of each note,
at most MAX_SCOPE_CHOICES names in all; a label shown in the dropdown is cut at
MAX_SCOPE_LABEL_CHARS. A search still takes any scope the index knows (retrieve.Searcher),
listed or not. The dev wiki (37 pages) lists 272 names, its busiest page 15 chapters.
"""
from __future__ import annotations

from collections import Counter

from .chunking import PATH_SEPARATOR

MAX_SCOPE_CHOICES = 1_000
MAX_CHAPTERS_PER_NOTE = 100
MAX_SCOPE_LABEL_CHARS = 100


def listed_scopes(scopes: list[str]) -> tuple[list[str], bool]:
    """`scopes` (Searcher.scopes(): 'source' and 'source › chapter' names, in note order)
    cut to the caps above: every note first, then chapters in order. Returns (names in
    their original order, True when some were left out)."""
    notes = [s for s in scopes if PATH_SEPARATOR not in s][:MAX_SCOPE_CHOICES]
    kept, per_note = set(notes), {}
    for scope in scopes:
        if len(kept) >= MAX_SCOPE_CHOICES:
            break
        note = scope.split(PATH_SEPARATOR, 1)[0]
        if PATH_SEPARATOR in scope and note in kept and per_note.get(note, 0) < MAX_CHAPTERS_PER_NOTE:
            per_note[note] = per_note.get(note, 0) + 1
            kept.add(scope)
    return [s for s in scopes if s in kept], len(kept) < len(scopes)


def scope_label(scope: str) -> str:
    """A scope as the dropdown shows it: at most MAX_SCOPE_LABEL_CHARS characters."""
    return scope if len(scope) <= MAX_SCOPE_LABEL_CHARS else scope[: MAX_SCOPE_LABEL_CHARS - 1] + "…"


def titled_scopes(scopes: list[str], titles: dict[str, str]) -> dict[str, str]:
    """Each of `scopes` ('source' or 'source › chapter') named for a reader, by the note's
    title (`titles`: Searcher.note_titles) in place of its path: 'Deploying Services',
    'Deploying Services › Staging'. The path follows in parentheses where the title alone
    would not say which note: two notes with one title, or a note without one. Not cut:
    scope_label cuts a name for the dropdown."""
    notes = [s for s in scopes if PATH_SEPARATOR not in s]
    shared = Counter(titles.get(note, "") for note in notes)

    def note_name(note: str) -> str:
        title = titles.get(note, "")
        return note if not title else f"{title} ({note})" if shared[title] > 1 else title

    named = {}
    for scope in scopes:
        note, separator, chapter = scope.partition(PATH_SEPARATOR)
        named[scope] = note_name(note) + separator + chapter
    return named
