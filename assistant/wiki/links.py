"""`python -m assistant links`: every page and heading with the URL the citations use.

For a wiki owner to spot-check against the live site in a minute: open a few URLs and see
that they land on the heading. Output, one page after another:

    Page title  https://wiki.example.com/dir/page.html   (dir/page.md)
      L12  ## Heading text  https://wiki.example.com/dir/page.html#heading-text
"""
from __future__ import annotations

from collections.abc import Iterator

from ..cite import bare_root_for, base_url_for, citation_url, page_source_for, page_url, pages_dir_for
from ..config import Settings
from ..notes import load_notes
from ..termsafe import json_text, terminal_safe
from . import hugo_sections, wiki_page
from .published import published_notes
from .site import read_site_config


def page_links(settings: Settings) -> Iterator[dict]:
    """One dict per published note: source, title, url, headings [{line, level, text, anchor,
    url}]. Notes the wiki does not publish (published.py: a draft, `_site/`, `_private.md`) have
    no page to link to and are never cited (build.py does not index them): left out, and a
    warning names them."""
    site = read_site_config(settings.corpus_dir)
    bare = bare_root_for(settings.wiki_engine, settings.wiki_clean_urls)
    notes = published_notes(load_notes(settings.corpus_dir), settings.wiki_engine, site, settings.wiki_pages_dir)
    sections = hugo_sections(notes, settings.wiki_languages, settings.wiki_pages_dir) if settings.wiki_engine == "hugo" else None
    for note in notes:
        page = wiki_page(note, settings.wiki_engine, settings.wiki_clean_urls, settings.wiki_languages,
                         pages_dir_for(settings, note.source), settings.wiki_permalinks, settings.wiki_mkdocs, sections,
                         page_source_for(settings, note.source))
        base_url = base_url_for(settings, note.source)  # a Docusaurus locale's copy: under its locale
        yield {
            "source": note.source,
            "title": page.title,
            "url": page_url(base_url, note.source, page.path, bare),
            "headings": [
                {"line": h.line, "level": h.level, "text": h.text, "anchor": h.anchor,
                 "url": citation_url(base_url, note.source, page.path, h.anchor, bare)}
                for h in page.headings
            ],
        }


def print_links(settings: Settings, as_json: bool = False) -> int:
    """Print page_links as text (a page line, then one line per heading) or one JSON object
    per page; returns 0. Raises CorpusError when the folder holds no readable notes."""
    for page in page_links(settings):
        if as_json:
            print(json_text(page))
            continue
        print(terminal_safe(f"{page['title']}  {page['url']}   ({page['source']})"))
        for h in page["headings"]:
            print(terminal_safe(f"  L{h['line']:<5} {'#' * h['level']} {h['text']}  {h['url']}"))
        print()
    return 0
