"""Translated pages: a page that says it is a translation of another names its original.

Teams keep an English copy of a Japanese page for colleagues who do not read Japanese, and say
so at its top: "English version of [チェックイン](checkin.md) ... If this page and the Japanese
page disagree, the Japanese page is right", "Translated from the Japanese page in March 2026 —
prices may be out of date". The copy lags its original, and an English question matches the
copy best: it was answered with the copy's old check-in time, truck time or vaccine price while
the original, which says otherwise, came second (blind wikis heldout29, heldout30, heldout31;
pointers.py moves the original first).

The original is the one note the copy's notice links to (pointers.py follows it), else the note
its name or URL names without its language (`checkin-en.md`, `dogs.en.md` -> `dogs.md`; a Docusaurus or MkDocs
locale's `/en/docs/x` -> `/docs/x`). A page that does not say it is a translation names none: a copy
kept in step (the i18n folders of heldout28) is an answer of its own.
What this leaves out: following links as the wiki does (pointers.py, notelinks.py).
"""
from __future__ import annotations

import posixpath
import re
from typing import Callable, Mapping

# A sentence saying this page is a translation: "Translated from / on / by / in ..." opening a
# sentence ("**Note:** Translated from ...", "(Translated by ...)" too), "English version of ..."
# opening one without an article, "This is the English version / a translation of", "This page is
# a translation". Not "translated" elsewhere ("the guide was translated into English", "returns
# translated strings", "are translated by the i18n team"), "An English version of the [館内案内] is
# pinned at the desk", nor an original's "A Japanese version of this page is [here]" (attacks:
# each moved another page first). Only English copies of Japanese pages are read: Japanese
# sentences about translating (「このページは翻訳チームが管理」, 「英語のメールを翻訳したテンプレート」)
# are not told from a notice by a pattern, and no wiki seen keeps a Japanese copy that says so.
_NOTICE = {
    "en": re.compile(r"(?:^|[.;:!?(]|[—–])[*_\s>]*+(?:translated (?:from|on|by|in)\b|english version of\b(?! this\b))"
                     r"|\bthis (?:page|document|article) (?:is|was) (?:an? |the )?(?:translat|english (?:version|translation))"
                     r"|\bthis is (?:the|an) english (?:version|translation) of\b(?! this\b)|\bthis is a translation of\b", re.IGNORECASE),
}
NOTICE_LINES = 12  # lines of a page's first chunk (title and lead) a notice is looked for in
MAX_NOTICE_CHARS = 2000  # of each line (a notice is a sentence or two)
# A file name's language mark: "checkin-en.md", "dogs.en.md", "new_crew_en.md".
_NAME_LANGUAGE = re.compile(r"(.+?)[-_.](en|ja|english|japanese)", re.IGNORECASE)
_LANGUAGE_CODES = {"en": ("en", "english"), "ja": ("ja", "japanese")}


def notice_lines(page_text: str, language: str) -> list[str]:
    """The lines of a page's first chunk (`page_text`, as the page shows it) that say the page,
    written in `language` ('en' / 'ja'), is a translation, within its first NOTICE_LINES lines."""
    notice = _NOTICE.get(language)
    return [line for line in page_text.split("\n")[:NOTICE_LINES] if notice.search(line[:MAX_NOTICE_CHARS])] if notice else []


def named_original(source: str, language: str, pages: Mapping[str, str], page_note: Callable[[str], str | None]) -> str | None:
    """The note a translated page's own name or URL names without its language: `source`'s
    file name without a mark of `language` ('en' / 'ja'), in its folder; else its page URL
    (`pages`: each note's) without a path segment naming `language`, as another note's page
    (`page_note`: a page URL -> its note, or None). None when neither is a note."""
    folder, name = posixpath.split(source)
    stem, dot, extension = name.rpartition(".")
    marked = _NAME_LANGUAGE.fullmatch(stem) if dot else None
    codes = _LANGUAGE_CODES.get(language, (language,))
    if marked and marked.group(2).lower() in codes:
        sibling = posixpath.join(folder, f"{marked.group(1)}.{extension}")
        if sibling in pages and sibling != source:
            return sibling
    url = pages.get(source, "")
    head, sep, path = url.partition("://")
    segments = (path if sep else head).rstrip("/").split("/")
    for i, segment in enumerate(segments):
        if i and segment.lower() in codes:
            other = "/".join(segments[:i] + segments[i + 1:])
            found = page_note(f"{head}{sep}{other}" if sep else other)
            if found is not None and found != source:
                return found
    return None
