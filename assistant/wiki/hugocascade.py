"""Hugo pages a section hides: a section's `cascade` passes front matter down to the pages
below it (and to the section itself), and a section Hugo does not build takes every page
below it along. A `cascade: {draft: true}` in `_index.md` published nothing under it, yet
each page there was indexed and answered (an attack, 2026-12-05).

Rules checked with Hugo 0.111 builds (tests/test_site_real.py):
- A page's front matter is what the `cascade` blocks of the `_index.md` files above it (and
  its own, for a section) give, nearest first, under its own keys.
- A cascade written as a list: each block applies where its `_target` matches (globs over
  `path` "/" + the file's path in its content folder, any case; `kind` page / section /
  home; `lang`; `environment`, "production" for a `hugo` build). Written as one mapping, a
  block applies everywhere: Hugo 0.111 ignored its `_target`.
- A section that is a draft, not yet published or expired hides every page below it, even
  one with `draft: false`; `_build: render: never` hides only the section's own page.
- One deviation, on the side of hiding: a publish or expiry date in a block of a cascade
  list hides the pages it targets here, while Hugo 0.111 built them (a draft there hid them).

The globs are gobwas/glob's with '/' as separator (Hugo's): `*` and `?` stop at '/', `**`
does not, `{a,b}` and `[...]` as in shells. No Python library reads that dialect
(fnmatch has no braces and lets `*` cross '/'; pathspec is gitignore's), hence `_glob`.
"""
from __future__ import annotations

import functools
import re
from pathlib import PurePosixPath

from .hugo import HugoLanguages, hides_page, lower_keys

# A section has a few blocks. A hostile tree must not make each page's check slow: a page
# reads at most MAX_INHERITED_BLOCKS, the nearest (a deviation from Hugo only on such trees).
MAX_CASCADE_BLOCKS = 10
MAX_INHERITED_BLOCKS = 100
MAX_GLOB_CHARS = 1_000
_GLOB_TOKEN = re.compile(r"\*\*|\*|\?|\{|\}|,|\[!?[^\]]*\]|\\.|[^*?{},\[\\]+|.")


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern | None:
    """`pattern` as a compiled regex matching whole text, case-insensitive; None when it is too
    long or its braces do not close (such a target matches nothing, as Hugo refuses it)."""
    if len(pattern) > MAX_GLOB_CHARS:
        return None
    out, depth = [], 0
    for token in _GLOB_TOKEN.findall(pattern):
        if token == "**":
            out.append(".*")
        elif token == "*":
            out.append("[^/]*")
        elif token == "?":
            out.append("[^/]")
        elif token == "{":
            depth += 1
            out.append("(?:")
        elif token == "}" and depth:
            depth -= 1
            out.append(")")
        elif token == "," and depth:
            out.append("|")
        elif token.startswith("[") and len(token) > 2:
            negated = token.startswith("[!")
            body = token[2 if negated else 1:-1].replace("\\", "\\\\").replace("^", "\\^")
            out.append(f"[{'^/' if negated else ''}{body}]")
        elif token.startswith("\\") and len(token) == 2:
            out.append(re.escape(token[1]))
        else:
            out.append(re.escape(token))
    if depth:
        return None
    try:
        return re.compile("".join(out), re.IGNORECASE | re.DOTALL)
    except re.error:
        return None


def _matches(target, facts: dict[str, str]) -> bool:
    """True when a `_target` mapping's globs all match the page's `facts` (path, kind, lang,
    environment); a target that is no mapping matches every page."""
    target = lower_keys(target)
    for key, value in facts.items():
        if key in target and target[key] not in ("", None):
            pattern = _glob(target[key]) if isinstance(target[key], str) else None
            if pattern is None or not pattern.fullmatch(value):
                return False
    return True


def _blocks(cascade) -> list[tuple[object, dict]]:
    """A `cascade` value as (its `_target` or None, its other keys) blocks, at most
    MAX_CASCADE_BLOCKS: a mapping is one block whose `_target` is ignored (Hugo 0.111), a
    list one block per mapping in it."""
    if isinstance(cascade, dict):
        return [(None, {k: v for k, v in lower_keys(cascade).items() if k != "_target"})]
    if isinstance(cascade, list):
        return [(lower_keys(b).get("_target"), {k: v for k, v in lower_keys(b).items() if k != "_target"})
                for b in cascade[:MAX_CASCADE_BLOCKS] if isinstance(b, dict)]
    return []


def _is_draft(meta: dict) -> bool:
    draft = meta.get("draft")
    return draft is True or (isinstance(draft, str) and draft.strip().lower() == "true")


def hidden_by_sections(notes: dict[str, dict], languages: HugoLanguages | None, build_future: bool = False,
                       build_expired: bool = False) -> set[str]:
    """Of `notes` ({a file's path in the site's content folder, '/'-separated: its front
    matter}), the paths of those Hugo builds no page for because of a section above them (or
    their own cascade): a draft, a date or `_build` the cascade gives them, or a section that
    is not built. `languages`: the site's (None: one language), which decides which
    `_index.md` is a page's section (`_index.ja.md` for Japanese pages)."""
    languages = languages or HugoLanguages()
    placed = {path: _placed(path, languages) for path in notes}
    sections = {(folder, language): path for path, (folder, language, is_section) in placed.items() if is_section}
    # Farthest first, so that the nearest section's values win and each section's state is
    # known before the sections below it are looked at (a loop: a tree 2,000 folders deep
    # must not exceed Python's recursion limit).
    inherited: dict[tuple, list] = {}  # a section's key -> the cascade blocks over its pages, nearest last
    gone: dict[tuple, bool] = {}  # a section's key -> Hugo builds neither its page nor any below it
    for key in sorted(sections, key=lambda k: len(k[0])):
        parent = _nearest(key[0], key[1], sections, below=True)
        blocks = (inherited[parent] if parent else []) + _blocks(lower_keys(notes[sections[key]]).get("cascade"))
        inherited[key] = blocks[-MAX_INHERITED_BLOCKS:]
        meta = _effective(notes[sections[key]], inherited[key], _facts(sections[key], placed[sections[key]], languages))
        gone[key] = _is_draft(meta) or _dated_out(meta, build_future, build_expired) or bool(parent and gone[parent])
    hidden = set()
    for path, (folder, language, is_section) in placed.items():
        section = (folder, language) if is_section else _nearest(folder, language, sections, below=False)
        meta = _effective(notes[path], inherited.get(section, []), _facts(path, placed[path], languages))
        parent = _nearest(folder, language, sections, below=True) if is_section else section
        if _is_draft(meta) or hides_page(meta, build_future, build_expired) or bool(parent and gone[parent]):
            hidden.add(path)
    return hidden


def _nearest(folder: tuple[str, ...], language, sections: dict, below: bool) -> tuple | None:
    """The key of the nearest section over a file in `folder`: the folder's own included
    (a page's), or not (`below`: a section's, whose own key that is)."""
    for depth in range(len(folder) - (1 if below else 0), -1, -1):
        if (folder[:depth], language) in sections:
            return folder[:depth], language
    return None


def _facts(path: str, place: tuple, languages: HugoLanguages) -> dict[str, str]:
    """What a `_target` is matched against."""
    folder, language, is_section = place
    return {"path": "/" + "/".join(languages.folder_language(path.split("/"))[1]),
            "kind": ("home" if not folder else "section") if is_section else "page",
            "lang": language or "", "environment": "production"}


def _effective(own: dict, blocks: list, facts: dict[str, str]) -> dict:
    """A page's front matter: the values of the cascade blocks that target it, under its own."""
    meta: dict = {}
    for target, values in blocks:
        if target is None or _matches(target, facts):
            meta.update(values)
    return meta | lower_keys(own)


def _dated_out(meta: dict, build_future: bool, build_expired: bool) -> bool:
    """True when only the dates (not `_build`) keep the page out: `_build: render: never`
    leaves the pages below a section built (Hugo 0.111)."""
    return hides_page({k: v for k, v in meta.items() if k not in ("_build", "build")}, build_future, build_expired)


def _placed(path: str, languages: HugoLanguages) -> tuple[tuple[str, ...], str | None, bool]:
    """(the file's folder in its language's content folder, its page's language, whether it
    is a section's page: `_index.md` or `_index.<language>.md`)."""
    parts = path.split("/")
    inner = languages.folder_language(parts)[1]
    name = PurePosixPath(inner[-1]).stem
    return tuple(inner[:-1]), languages.page_language(parts), languages.language_of(name)[1] == "_index"
