"""The pages `mkdocs build` leaves out: MkDocs' own exclusions and a site's `exclude_docs` and
`draft_docs`, gitignore patterns read with pathspec as MkDocs 1.6 reads them
(https://www.mkdocs.org/user-guide/configuration/#exclude_docs, mkdocs/structure/files.py
`set_exclusions`). site.py reads the settings (`pattern_lines`), published.py asks
`mkdocs_left_out`. pathspec is the library MkDocs itself uses; only the bounds are ours.
"""
from __future__ import annotations

import functools
import re

from .sitefile import SiteConfig, _warn_once

MAX_PATTERNS = 1_000  # a site lists a handful; a hostile file must not make every note check slow
MAX_PATTERN_CHARS = 1_000  # a gitignore line; longer ones are no site's (and cost every note's check)
# Wildcards a gitignore line may hold: pathspec makes each "*" a "[^/]*", and a path that does
# not match backtracks through every way of sharing it out: "********x.md" took 88 s over 40
# notes (an attack, 2026-12-05; real MkDocs hangs on such lines). Runs of stars count once
# ("***" is "*" to gitignore, "**" a folder wildcard); a line with more is dropped, warned.
MAX_PATTERN_WILDCARDS = 4
_STAR_RUN = re.compile(r"\*{3,}")
_WILDCARD = re.compile(r"\*+|\?|\[")


def pattern_lines(value, key: str = "") -> tuple[str, ...]:
    """An MkDocs path-spec setting (`exclude_docs`, `draft_docs`: one multi-line string of
    gitignore patterns, as MkDocs' config reads it) as its pattern lines (not blank, not
    `#` comments), at most MAX_PATTERNS of up to MAX_PATTERN_CHARS characters and
    MAX_PATTERN_WILDCARDS wildcards; () for anything else, which MkDocs refuses."""
    if not isinstance(value, str):
        return ()
    lines = []
    for line in value.splitlines():
        if not line.strip() or line.startswith("#"):
            continue  # counted before the cap, they pushed later patterns past it
        line = _STAR_RUN.sub("*", line)
        if len(line) > MAX_PATTERN_CHARS or len(_WILDCARD.findall(line)) > MAX_PATTERN_WILDCARDS:
            _warn_once(f"{key}: a pattern over {MAX_PATTERN_CHARS} characters or {MAX_PATTERN_WILDCARDS} "
                       f"wildcards is not read: {line[:80]!r}")
            continue
        lines.append(line)
    return tuple(lines[:MAX_PATTERNS])


# MkDocs 1.6 excludes these whatever `exclude_docs` says (structure/files.py `_default_exclude`).
_MKDOCS_DEFAULT_EXCLUDE = (".*", "/templates/")


@functools.lru_cache(maxsize=8)
def _gitignore_spec(lines: tuple[str, ...]):
    """The gitignore patterns `lines` compiled as MkDocs compiles them (pathspec's
    GitIgnoreSpec); a line pathspec refuses makes the whole setting empty, as MkDocs refuses
    the site."""
    import pathspec

    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:
        return pathspec.GitIgnoreSpec.from_lines(())


def mkdocs_left_out(source: str, site: SiteConfig) -> bool:
    """True for a page (its path below docs_dir) that `mkdocs build` leaves out: excluded
    (MkDocs' own exclusions and `exclude_docs`) or a draft (`draft_docs`). A draft and an
    excluded page were indexed and answered, at URLs the site does not have (an attack,
    2026-12-05)."""
    return bool(_gitignore_spec(_MKDOCS_DEFAULT_EXCLUDE + site.exclude_docs).match_file(source)
                or (site.draft_docs and _gitignore_spec(site.draft_docs).match_file(source)))
