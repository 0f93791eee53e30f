"""The team wiki the notes are published with: heading ids, page URLs, titles, shown text.

One setting (`wiki_engine`) names the engine; everything a citation needs to land on the
real heading of the real page follows from it. See headings.py (which lines are headings
and their ids), slugs.py (each engine's slug code), pages.py (URLs and titles), shown.py
(the text the page shows of each line: what gets indexed).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from ..notes import Note
from .headings import WikiHeading, page_headings
from .pages import HugoSections, front_matter, hugo_ref_folder, hugo_sections, page_path, page_title
from .shown import PageText, page_text
from .hugo import HugoLanguages
from .jekyll import JekyllUrls
from .mkdocsmarkdown import MkdocsMarkdown

ENGINES = ("jekyll", "kramdown", "github", "gitlab", "mkdocs", "vitepress", "docusaurus", "hugo", "github-wiki",
           "gitlab-wiki")
DEFAULT_ENGINE = "jekyll"
# The old `anchor_style` values, mapped to the engine that gives the same ids.
ANCHOR_STYLE_ENGINES = {"kramdown": "kramdown", "github": "github"}


def check_engine(engine: str) -> str:
    """The engine name, or ValueError with the choices."""
    if engine not in ENGINES:
        raise ValueError(f"unknown wiki engine {engine!r}; expected one of {', '.join(ENGINES)}")
    return engine


@dataclass(frozen=True)
class WikiPage:
    """What the wiki shows for one note: title, URL path (under the base URL), headings and
    the text of each line (shown.py)."""

    title: str
    path: str
    headings: tuple[WikiHeading, ...]
    text: PageText


def wiki_page(note: Note, engine: str = DEFAULT_ENGINE, clean_urls: bool | None = None,
              languages: HugoLanguages | None = None, pages_dir: str = "",
              permalinks: JekyllUrls | None = None, mkdocs: MkdocsMarkdown | None = None,
              sections: HugoSections | None = None, page_source: str | None = None) -> WikiPage:
    """The page of one note under `engine`; ValueError for an unknown engine. `languages`:
    a Hugo site's (hugo.HugoLanguages; None: Hugo's default); `pages_dir`: the folder of the
    notes folder the site makes its pages from; `permalinks`: a Jekyll site's (jekyll.JekyllUrls;
    None: Jekyll's defaults) (pages.page_path); `mkdocs`: an MkDocs site's heading settings
    (mkdocsmarkdown.MkdocsMarkdown; None: MkDocs' defaults); `sections`: a Hugo site's section
    slugs (pages.hugo_sections over its published notes; None: none); `page_source`: the path
    the page's URL is made from when its site's languages move it (pages.page_path `source`).

    Cached by the note's content hash: a build chunks each note twice (chunks, passages).
    """
    check_engine(engine)
    return _cached_page(note.source, note.sha256, engine, clean_urls, languages, pages_dir, permalinks, mkdocs, sections,
                        page_source, note)


@functools.lru_cache(maxsize=512)
def _cached_page(source: str, sha256: str, engine: str, clean_urls: bool | None, languages: HugoLanguages | None,
                 pages_dir: str, permalinks: JekyllUrls | None, mkdocs: MkdocsMarkdown | None,
                 sections: HugoSections | None, page_source: str | None, note: Note) -> WikiPage:
    headings = tuple(page_headings(note, engine, mkdocs))
    # A Hugo `ref` path starts from the content folder of the page's language, or the one it names
    ref_folder = functools.partial(hugo_ref_folder, source, languages, pages_dir) if engine == "hugo" else None
    return WikiPage(page_title(note, engine, headings), page_path(note, engine, clean_urls, languages, pages_dir, permalinks,
                                                              sections, page_source),
                    headings, page_text(note, engine, headings, ref_folder))


__all__ = ["ENGINES", "DEFAULT_ENGINE", "HugoSections", "PageText", "WikiHeading", "WikiPage", "wiki_page", "check_engine",
           "front_matter", "hugo_sections"]
