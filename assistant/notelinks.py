"""Links written in a note, pointed where the wiki sends its readers.

A section shown in the chat keeps the note's own links. A relative one ("../expenses.md",
"/ops/oncall.md", "#setup") resolved against the assistant's page and landed on its 404;
the wiki resolves it against the note's page, and a link to another note goes to that note's
page (jekyll-relative-links, on by default on GitHub Pages; MkDocs, VitePress and Docusaurus
alike). `wiki_link` does the same with the index's own page URLs. What this leaves out:
rendering (webrender.py), the page URLs themselves (cite.py, wiki/pages.py).
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from urllib.parse import unquote, urljoin

# Characters of link and image addresses one hit's HTML may hold, each counted in full. A
# resolved link repeats the page's URL (its folders, percent-encoded: up to ~12,000 characters
# for a deep folder of Japanese names), so "[]()" (4 characters) x 100 made a reply of 5 MB
# and, with a 100 KB permalink, 100 MB (an attack run, 2026-12-01); a reference link "[x]"
# repeats its definition's address, written once ("[x]: https://..." of 2,000 characters x 230
# uses: a 4.7 MB reply, +13.6 MB per chat session; an attack, 2026-12-05, when only growth
# over the written href counted). Every chat session keeps its last reply. Past the budget a
# link keeps its text and loses its address. As much as the hit's own text may hold
# (hits.MAX_HIT_CHARS): ~100 links of an ordinary wiki.
MAX_ADDED_URL_CHARS = 16_000

_ABSOLUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")  # a scheme ("https:", "mailto:") or a host


def wiki_link(href: str, source: str, page: str, pages: Mapping[str, str]) -> str:
    """`href` as written in the note `source` (its path in the notes folder) -> the URL a
    wiki reader follows: another note's page URL (`pages`: source -> page URL) with the link's
    fragment, else `href` resolved against this note's page URL `page`. Absolute URLs are
    returned as they are (the sanitizer decides which schemes stay). An empty href ("[x]()")
    is the note's own page, as in the wiki (left empty, it led to the assistant's page)."""
    if not href:
        return page
    if _ABSOLUTE.match(href):
        return href
    linked = linked_path(href, source)
    if linked is not None and linked[0] not in pages and not href.startswith("/"):
        linked = _from_a_folder_above(href, source, pages) or linked
    if linked is not None and linked[0] in pages:
        hash_, fragment = href.partition("#")[1:]
        return pages[linked[0]] + hash_ + fragment
    return urljoin(page, href)


def _from_a_folder_above(href: str, source: str, pages: Mapping[str, str]) -> tuple[str, str] | None:
    """A relative `href` that is no note beside `source`, read from the nearest folder above it
    where it is one: Hugo's ref looks beside the page, then from the content folder
    (`ref "field/winter.md"` in field/meter.md is field/winter.md); None when none holds it."""
    folders = source.split("/")[:-1]
    for depth in range(len(folders) - 1, -1, -1):
        found = linked_path(href, "/".join(folders[:depth] + ["x"]))
        if found is not None and found[0] in pages:
            return found
    return None


def linked_path(href: str, source: str) -> tuple[str, str] | None:
    """(path in the notes folder, fragment), both percent-decoded, that `href` as written in
    the note `source` points at ("../pool/lanes.md#children" in "faq/a.md" -> ("pool/lanes.md",
    "children")); None for an absolute URL or a link within the page ("#setup", "?x"). The
    path is where the link leads, whether or not a note is there."""
    if _ABSOLUTE.match(href):
        return None
    path, _, fragment = href.partition("#")
    path = unquote(path.partition("?")[0])
    if not path:
        return None
    target = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    return target, unquote(fragment)


def link_rewriter(source: str, url: str, pages: Mapping[str, str] | None) -> Callable[[list], None]:
    """For a hit of note `source` whose citation is `url`: a function that points every link
    and image of markdown-it tokens (inline children included) at the wiki (wiki_link), or,
    without `pages`, keeps their addresses as written. The addresses and titles it writes,
    over all its calls, hold at most MAX_ADDED_URL_CHARS characters in all; links past that
    are left without an address or title."""
    page = url.partition("#")[0]
    added = 0

    def rewrite(tokens: list) -> None:
        nonlocal added
        for token in tokens:
            for child in [token, *(token.children or ())]:
                for attr in ("href", "src", "title"):
                    value = child.attrGet(attr)
                    if isinstance(value, str) and (value or attr == "href"):  # "![x]()" loads nothing: kept
                        # A reference's title repeats at each use as its address does
                        # ('[x]: /p "<1,990 characters>"' x 2,600 uses: an 838 KB reply).
                        target = value if pages is None or attr == "title" else wiki_link(value, source, page, pages)
                        added += len(target)
                        if added > MAX_ADDED_URL_CHARS:
                            child.attrs.pop(attr, None)
                        else:
                            child.attrSet(attr, target)

    return rewrite
