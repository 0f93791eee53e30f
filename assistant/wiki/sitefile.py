"""One file of a wiki site's configuration, read as notes are read (site.py's docstring says
why): never through a symbolic link, a regular file only, bounded, owned by a trusted user;
and what such a file states (`SiteConfig`). A problem is a warning, said once.
"""
from __future__ import annotations

import errno
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .hugo import HugoLanguages
from .jekyll import JekyllUrls
from .mkdocsmarkdown import MkdocsMarkdown

if TYPE_CHECKING:
    from .docusaurusi18n import DocusaurusTranslations
    from .mkdocsi18n import MkdocsLanguages

log = logging.getLogger(__name__)
_warned: set[str] = set()  # the file is read at every from_env and start-up line: say it once

# A site's configuration is a few KB; a larger file is not one (or is hostile).
MAX_CONFIG_BYTES = 256 * 1024


@dataclass(frozen=True)
class SiteConfig:
    """What a site configuration file states (None: it does not say)."""

    source: Path | None = None  # the file read
    engine: str | None = None
    base_url: str | None = None
    clean_urls: bool | None = None
    # Jekyll's `exclude` (with Jekyll's own default exclusions) and `include` patterns
    # (published.py applies them); empty for other sites.
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    # A setting of the file that gives headings other ids than the engine's defaults, which
    # citations follow (e.g. MkDocs' `toc: slugify: ...`); None when there is none.
    id_setting: str | None = None
    # The path the site is served under, as the file states it (VitePress `base`): a base
    # URL the user gives must end with it (config.links_line says when it does not).
    base_path: str | None = None
    # A Hugo site's languages (None: the file states none, Hugo's defaults hold).
    languages: HugoLanguages | None = None
    # The folder inside the notes folder that the site makes its pages from, '/'-separated,
    # when the notes folder is the project's root (a Hugo `contentDir`, an MkDocs `docs_dir`):
    # page URLs are paths below it, and notes outside it are not pages. None: the notes folder.
    pages_dir: str | None = None
    # A Jekyll site's posts, collections and permalink style (None: not a Jekyll site file).
    permalinks: JekyllUrls | None = None
    # An MkDocs site's `exclude_docs` and `draft_docs` (gitignore lines, relative to its
    # docs_dir): pages `mkdocs build` leaves out (published.py applies them); empty otherwise.
    exclude_docs: tuple[str, ...] = ()
    draft_docs: tuple[str, ...] = ()
    # An MkDocs site's heading settings (mkdocsmarkdown.MkdocsMarkdown: toc slugify, attr_list, ...).
    markdown: MkdocsMarkdown | None = None
    # A Hugo site's `buildFuture` and `buildExpired`: pages dated later, or expired, are built.
    build_future: bool = False
    build_expired: bool = False
    # A Docusaurus site's translated docs (docusaurusi18n.py), when the notes folder is its
    # root; an MkDocs site's languages (mkdocsi18n.py).
    translations: DocusaurusTranslations | MkdocsLanguages | None = None


_FIRST_READ: dict[str, SiteConfig] = {}  # notes folder -> its first SiteConfig in this process (site.py)


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning("%s", message)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _read_bounded(path: Path, owners: tuple[int, ...] | None) -> tuple[tuple, bytes] | None:
    """(the file's version key, its bytes), or None (missing; warned: a symlink, not a regular
    file, over MAX_CONFIG_BYTES, owned by a user not in `owners`). Checked on the descriptor."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            _warn_once(f"{path}: a symbolic link, not read as the site's configuration")
        elif exc.errno not in (errno.ENOTDIR, errno.ENOENT):
            _warn_once(f"{path}: not read as the site's configuration ({exc.strerror or exc})")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None  # a folder or device of that name is no configuration file
        if owners is not None and info.st_uid not in owners:
            _warn_once(f"{path}: owned by another user (uid {info.st_uid}) than the notes folder, not read as the site's configuration")
            return None
        if info.st_size > MAX_CONFIG_BYTES:
            _warn_once(f"{path}: over {MAX_CONFIG_BYTES // 1024} KB, not read as the site's configuration")
            return None
        os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_CONFIG_BYTES:
        _warn_once(f"{path}: over {MAX_CONFIG_BYTES // 1024} KB, not read as the site's configuration")
        return None
    return (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns), data


def _first_file(folder: Path, names: tuple[str, ...]) -> Path:
    """The first of `names` that exists in `folder` (the generator's own order), else the first."""
    return next((folder / n for n in names if os.path.lexists(folder / n)), folder / names[0])


def _literal(text: str, key: str, value: str) -> str | None:
    """The literal `value` (a regular expression) of `key` when the file writes the key once."""
    found = re.findall(rf"(?<![\w$.])['\"]?{key}['\"]?\s*:\s*({value})", text)
    return found[0] if len(found) == 1 and len(re.findall(rf"(?<![\w$.])['\"]?{key}['\"]?\s*:", text)) == 1 else None
