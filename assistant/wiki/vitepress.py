"""A VitePress site's configuration (`.vitepress/config.*`), read, never run (site.py's
docstring says why): the engine, `cleanUrls`, `srcDir` (`pages_dir`) and, with
`sitemap: {hostname}`, `base`, when written as literals.

The folder holding `.vitepress` is the site's root. The notes folder is that root, or its
`srcDir` (the team pointed at the pages: `site/docs` beside `site/.vitepress` with
`srcDir: 'docs'`, where a site's pages often live).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .projectroot import pages_dir_of
from .sitefile import SiteConfig, _first_file, _literal, _read_bounded, _warn_once

_CONFIGS = tuple(f"config.{ext}" for ext in ("js", "ts", "mjs", "mts", "cjs", "cts"))


def vitepress_site(notes_dir: Path, owners: tuple[int, ...]) -> SiteConfig | None:
    """The VitePress site whose root is `notes_dir`, else the one in its parent whose `srcDir`
    is `notes_dir` (that file counts only when one of `owners` owns it, as site.py says)."""
    return _site_in(notes_dir, notes_dir, None) or _site_in(notes_dir.parent, notes_dir, owners)


def _site_in(root: Path, notes_dir: Path, owners: tuple[int, ...] | None) -> SiteConfig | None:
    beside = root != notes_dir
    if os.path.islink(root / ".vitepress"):  # read as notes are: never through a link
        _warn_once(f"{root / '.vitepress'}: a symbolic link, not read as the site's configuration")
        return None
    path = _first_file(root / ".vitepress", _CONFIGS)
    found = _read_bounded(path, owners)
    if found is None:
        return None
    text = found[1].decode("utf-8", errors="replace")
    # `srcDir`: pages are made from it (heldout27: /docs/care/bathing was cited for /care/bathing)
    source = _literal(text, "srcDir", r"'[^'\n]*'|\"[^\"\n]*\"")
    pages = pages_dir_of(notes_dir, root, source[1:-1]) if source else None if beside else ""
    if beside and pages != "":
        return None  # a site whose pages are some other folder (or the whole parent)
    if pages is None:  # the rest of the file still holds (an attack: the engine and base were lost)
        _warn_once(f"{path}: its srcDir {source[1:-1][:80]!r} is not a folder inside the notes folder; page URLs are made from the notes folder")
        pages = ""
    clean = _literal(text, "cleanUrls", r"true|false")
    host = _literal(text, "hostname", r"'https?://[^'\n]*'|\"https?://[^\"\n]*\"")
    base = _literal(text, "base", r"'/[^'\n]*'|\"/[^\"\n]*\"")
    served = "/" + base[1:-1].strip("/") if base and base[1:-1].strip("/") else None  # '/north/' -> /north
    # Served at `base` on the hostname's host: a hostname often ends with the base already
    # (heldout27: "https://hidamari.example/daycare-wiki/" cited /daycare-wiki/daycare-wiki/).
    origin = re.match(r"https?://[^/]*", host[1:-1]).group() if host and served else None
    base_url = origin + served if origin else host[1:-1].rstrip("/") if host else None
    return SiteConfig(path, "vitepress", base_url, None if clean is None else clean == "true", base_path=served,
                      pages_dir=pages or None)
