"""Which notes the wiki engine publishes: a note the wiki does not show is not indexed.

The README's promise is that what the page shows is what gets indexed (shown.py does it
line by line); a whole note the engine never renders is left out the same way:

| engine | not published | source |
|---|---|---|
| jekyll, kramdown | front matter `published: false`; a file or folder whose name starts with `_` (`_drafts/`, `_private.md`, `_includes/`), except the `_posts` folder | https://jekyllrb.com/docs/front-matter/ (predefined `published`), https://jekyllrb.com/docs/structure/ ("_drafts: unpublished posts"; other `_` names are not pages), https://jekyllrb.com/docs/configuration/options/ (`exclude`) |
| docusaurus | front matter `draft: true` (left out of production builds); a file or folder whose name starts with `_` ("treated as partial pages and ignored by default") | https://docusaurus.io/docs/create-doc, https://docusaurus.io/docs/api/plugins/@docusaurus/plugin-content-docs#markdown-front-matter |
| github, gitlab, mkdocs, vitepress | (every note: these engines have no draft field or `_` rule by default) | |

Hidden names (`.draft.md`) are not notes at all (notes.is_note_path), for every engine.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from ..notes import Note
from .pages import front_matter

_UNDERSCORE_ENGINES = ("jekyll", "kramdown", "docusaurus")
_KEPT_UNDERSCORE = {"jekyll": {"_posts"}, "kramdown": {"_posts"}, "docusaurus": set()}


def is_published(note: Note, engine: str) -> bool:
    """False when `engine` would not publish `note` (see the table above): by its path
    (relative to the notes folder) or by its front matter (`published: false` for Jekyll,
    `draft: true` for Docusaurus; only YAML booleans count, so "false" as text publishes)."""
    if engine in _UNDERSCORE_ENGINES:
        kept = _KEPT_UNDERSCORE[engine]
        if any(part.startswith("_") and part not in kept for part in PurePosixPath(note.source).parts):
            return False
    if engine not in ("jekyll", "kramdown", "docusaurus"):
        return True
    meta = front_matter(note)
    if engine in ("jekyll", "kramdown"):
        return meta.get("published") is not False
    return meta.get("draft") is not True
