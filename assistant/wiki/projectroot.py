"""A project's root given as the notes folder (wiki/site.py): the site file lies in the notes
folder and names the folder below it the site makes its pages from (a Hugo `contentDir`, an
MkDocs `docs_dir`, the Docusaurus docs plugin's `path`). The rules shared by those three
readers of site.py: which folder that is, if any, and the warning when it is not below.
"""
from __future__ import annotations

import re
from pathlib import Path

from .sitefile import _warn_once


def not_below(notes_dir: Path, folder: Path, path: Path, key: str, named: str) -> None:
    """Warn that the site file in the notes folder names pages outside it (`contentDir = "../x"`,
    a link out, a missing folder): the notes are then read as no site's, and a reader should
    know why the file was passed over (an attack run: its README and archetypes were cited)."""
    if folder == notes_dir:
        _warn_once(f"{path}: its {key} {named[:80]!r} is not a folder inside the notes folder, so the file is "
                   f"not read as the site's configuration; give that folder as the notes folder")


def pages_dir_of(notes_dir: Path, folder: Path, named: str) -> str | None:
    """Where the site file in `folder` takes its pages from (`named`, relative to `folder`), as
    seen from the notes folder: '' when it is the notes folder (the file is beside it); its
    '/'-separated path when the file is in the notes folder (the project's root) and it is a
    folder below it ('content'); None when it is neither (the file is some other site's)."""
    try:
        pages, root = (folder / named).resolve(), notes_dir.resolve()
        if pages == root:
            return ""
        if folder == notes_dir and root in pages.parents and pages.is_dir():
            return pages.relative_to(root).as_posix()
    except (OSError, RuntimeError, ValueError):  # a loop of links, a NUL byte
        pass
    return None


_PATH_LITERAL = re.compile(r"(?<![\w$.])['\"]?path['\"]?\s*:\s*(?:'([^'\n]+)'|\"([^\"\n]+)\")")
# The plugin whose options hold a `path`: the nearest `docs: {`, `blog: {`, `pages: {` (the
# classic preset's keys) or `plugin-content-docs` (a plugin of its own) before it.
_PLUGIN_KEY = re.compile(r"\b(docs|blog|pages)['\"]?\s*:\s*\{|plugin-content-(docs|blog|pages)\b")
# A site names a handful of paths; a file of 28,000 `path:` literals took 3.3 s to resolve at
# every start (an attack run), so only the first ones are read.
MAX_PATH_LITERALS = 50


def path_literals(text: str) -> list[tuple[str | None, str]]:
    """(owning plugin 'docs' / 'blog' / 'pages' or None when none is written before it, path)
    for the first MAX_PATH_LITERALS `path` literals of a Docusaurus configuration."""
    found = []
    for i, match in enumerate(_PATH_LITERAL.finditer(text)):
        if i == MAX_PATH_LITERALS:
            break
        keys = _PLUGIN_KEY.findall(text, max(0, match.start() - 400), match.start())
        found.append(((keys[-1][0] or keys[-1][1]) if keys else None, match.group(1) or match.group(2)))
    return found


def docs_folder_below(notes_dir: Path, text: str) -> str | None:
    """The docs plugin's folder below a project's root: the first `path` the docs plugin
    names (a blog's or the pages plugin's is not it: an attack run had `blog/` cited at docs
    URLs), else `docs`, the plugin's default; None without a docs plugin (`docs: false`) or
    when that folder is not below the notes folder."""
    if re.search(r"\bdocs['\"]?\s*:\s*false\b", text):
        return None
    named = [path for owner, path in path_literals(text) if owner in ("docs", None)]
    for candidate in named or ["docs"]:
        pages = pages_dir_of(notes_dir, notes_dir, candidate)
        if pages:
            return pages
    return None
