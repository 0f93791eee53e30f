"""Heading anchors and citation URLs that point into the team wiki.

An answer cites a note as a link to the wiki page, and ideally to the heading the passage sits
under. The page must already carry that id, so anchors are made by the wiki engine's own id
rules, for a whole document at once (duplicate headings get numbered suffixes). Those rules
live in one place, assistant/wiki/slugs.py (each one checked against the real renderer by
tests/test_wiki_engines_real.py); `heading_anchors` is the older two-style entry point to them.

What this leaves out: parsing markdown (headings arrive as plain text, as
wiki.WikiHeading.text provides) and page paths per engine (wiki/pages.py); `page_url` only
joins a page path to the base URL, with a Jekyll-pretty fallback for a note without one.
"""
from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, unquote

from .wiki import slugs
from .wiki.pages import source_parts, without_suffix

ANCHOR_STYLES = ("kramdown", "github")
# kramdown = plain kramdown input (`input: kramdown`); github = github-slugger.
_STYLE_IDS = {"kramdown": slugs.KramdownIds, "github": slugs.GithubIds}

# Both parsers trim the heading text with ASCII whitespace rules (Ruby rstrip, cmark).
_ASCII_SPACE = " \t\n\r\f\v"
# RFC 3986 pchar minus '%' (segments are normalised through unquote first); fragments add '/?'.
_PATH_SAFE = "!$&'()*+,;=:@-._~"
_FRAGMENT_SAFE = _PATH_SAFE + "/?"


def heading_anchors(headings: Sequence[str], style: str = "kramdown") -> list[str]:
    """Anchors for all headings of ONE document, in document order (wiki/slugs.py ids).

    Must see the whole document because duplicate numbering depends on earlier headings.
    Raises ValueError for a style not in ANCHOR_STYLES.
    """
    if style not in _STYLE_IDS:
        raise ValueError(f"unknown anchor style {style!r}; expected one of {', '.join(ANCHOR_STYLES)}")
    ids = _STYLE_IDS[style]()
    return [ids.add(text.strip(_ASCII_SPACE)) for text in headings]


def _quote_path(path: str) -> str:
    """Percent-encode each segment once; already-encoded '%XX' is not double-encoded. The
    result never resolves above the base path: a '.' or '..' segment is dropped (Jekyll drops
    them from permalinks too, wiki.pages.jekyll_permalink), and a segment whose decoding is a
    dot segment or holds '/' or '\\' (a folder named '%2e%2e' or 'a%2Fb') keeps its '%'
    encoded, as the static host serves that folder (/%252e%252e/): browsers read '%2e' as
    '.' (WHATWG URL), and nginx decodes '%2F' before resolving '..' (an attack run)."""
    out = []
    segments = path.split("/")
    if segments[-1] in (".", ".."):
        segments.append("")  # "/x/." is the folder /x/: its trailing slash stays
    for seg in segments:
        if seg in (".", ".."):
            continue
        plain = unquote(seg)
        literal = plain in (".", "..") or "/" in plain or "\\" in plain
        # A backslash goes out encoded twice: a host that decodes %5C may split on it (IIS).
        seg = seg.replace("\\", "%5C") if literal else plain
        # errors="replace": a file name undecodable as UTF-8 arrives with lone surrogates.
        out.append(quote(seg, safe=_PATH_SAFE, errors="replace"))
    return "/".join(out)


def _source_path(source: str) -> str:
    """Jekyll pretty URL of a page: '/dir/name/', and '/dir/' for dir/index.md."""
    parts = source_parts(source)  # as wiki.pages.page_path reads it: a backslash is part of a name
    name = without_suffix(parts[-1])
    parts = parts[:-1] if name == "index" else parts[:-1] + [name]
    return "/" + "".join(p + "/" for p in parts)


def page_url(base_url: str, source: str, permalink: str | None, bare_root: bool = False) -> str:
    """URL of the note's page in the wiki; a front-matter permalink wins over the file path.
    `bare_root`: the wiki's root page has no final '/' (`bare_root_for`)."""
    path = permalink if permalink else _source_path(source)
    path = "/" + path.lstrip("/")
    if bare_root and path == "/":
        return base_url.rstrip("/")
    return base_url.rstrip("/") + _quote_path(path)


# A site's languages (config.Settings.wiki_translations: a Docusaurus locale's copies,
# wiki/docusaurusi18n.py; MkDocs' i18n plugin, wiki/mkdocsi18n.py) move a note's page: the
# three places a page's URL is made from, per note.

def base_url_for(settings, source: str) -> str:
    """The address the page path of the note at `source` is joined to, under config.Settings
    `settings`: the wiki's base URL, with the locale in it for a Docusaurus locale's copy of a
    doc."""
    translations = settings.wiki_translations
    return translations.base_url(settings.wiki_base_url, source) if translations else settings.wiki_base_url


def pages_dir_for(settings, source: str) -> str:
    """The folder the note at `source` has its page's path in, under config.Settings
    `settings`: its locale's folder for a Docusaurus translation, else the site's pages folder."""
    translations = settings.wiki_translations
    return translations.pages_dir(source, settings.wiki_pages_dir) if translations else settings.wiki_pages_dir


def page_source_for(settings, source: str) -> str | None:
    """The path the page URL of the note at `source` is made from under config.Settings
    `settings` when its site's languages move it (MkDocs' `page.en.md` as `en/page.md`), else
    None."""
    translations = settings.wiki_translations
    moved = translations.page_source(source, pages_dir_for(settings, source)) if translations else source
    return moved if moved != source else None


def citation_url(base_url: str, source: str, permalink: str | None, anchor: str, bare_root: bool = False) -> str:
    """page_url plus '#anchor'; the anchor is a raw id, so it is always encoded (never unquoted)."""
    url = page_url(base_url, source, permalink, bare_root)
    return f"{url}#{quote(anchor, safe=_FRAGMENT_SAFE, errors='replace')}" if anchor else url


def bare_root_for(engine: str, clean_urls: bool | None) -> bool:
    """Whether the wiki serves its root page without a final '/': Docusaurus with
    `trailingSlash: false` serves the docs' index at `/manual`, and a static host answers
    `/manual/` with a 404 (heldout25, whose docs live under `routeBasePath: 'manual'`)."""
    return engine == "docusaurus" and clean_urls is False
