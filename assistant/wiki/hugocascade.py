"""Hugo pages a section hides: a section's `cascade` passes front matter down to the pages
below it (and to the section itself), and a section Hugo does not build takes every page
below it along. A `cascade: {draft: true}` in `_index.md` published nothing under it, yet
each page there was indexed and answered (an attack, 2026-12-05).

Rules checked with Hugo 0.111 builds (tests/test_site_real.py, and a second attack's):
- A page's front matter is what the `cascade` blocks of the `_index.md` files above it (and
  its own, for a section) give, nearest section first and, within one section's list, its
  first block first, under the page's own keys.
- A cascade written as a list: each block applies where its `_target` (that key in lower
  case only: `_TARGET` is no target) matches: globs over `path` ("/" + the file's path in
  its content folder, any case), `kind` (page / section / home), `lang`, `environment`
  ("production" for a `hugo` build). Written as one mapping, a block applies everywhere:
  Hugo 0.111 ignored its `_target`.
- A section that is a draft, not yet published or expired hides every page below it, even
  one with `draft: false`; `_build: render: never` hides only the section's own page.
- Deviations, each on the side of hiding: a publish or expiry date in a block of a cascade
  list hides the pages it targets here, while Hugo 0.111 built them; a target this module
  cannot read (a glob over MAX_GLOB_CHARS, more than MAX_GLOB_ALTERNATIVES alternatives or
  MAX_GLOB_TOKENS tokens, braces nested over MAX_BRACE_DEPTH) applies to every page below
  its section; once a site has used MAX_MATCH_STEPS, the pages under a cascade that may
  hide them are left out (those under none, or under cascades of other keys, are not).

The globs are gobwas/glob's with '/' as separator (Hugo's): `*` and `?` stop at '/', `**`
does not, `{a,b}` and `[...]` as in shells. No Python library reads that dialect (fnmatch
has no braces and lets `*` cross '/'; pathspec is gitignore's), hence `_glob`. Globs are
matched by stepping through the text with the set of pattern positions reached (an NFA),
so a match costs at most pattern length x path length steps: as a backtracking regex,
`/s/*a*a*a*a*a*a*b` over one page named "a" x 70 took 14 s (a second attack).
"""
from __future__ import annotations

import functools
import logging
import re
from pathlib import PurePosixPath

from .hugo import HugoLanguages, go_true, hides_page, lower_keys

log = logging.getLogger(__name__)

MAX_GLOB_CHARS = 4_000
MAX_GLOB_ALTERNATIVES = 1_000  # "{/a.md,/b.md,...}": a list of pages to hide is an ordinary glob
MAX_GLOB_TOKENS = 200_000  # all alternatives' tokens together: 1,000 pages of 200 characters
MAX_BRACE_DEPTH = 20
# A site's cascades are matched within this many steps (one step: a pattern position over a
# character, or a block looked at); past it, every block applies: a hostile tree costs
# seconds, never hours.
MAX_MATCH_STEPS = 20_000_000
_STAR, _GLOBSTAR, _ONE = "*", "**", "?"
# The front matter keys by which a cascade can keep a page out (lower-cased): `draft`,
# `headless`, the build options and hugo._PUBLISH_KEYS / _EXPIRY_KEYS.
_HIDING_KEYS = frozenset({"draft", "headless", "_build", "build", "publishdate", "pubdate", "published", "date",
                          "expirydate", "unpublishdate"})


class _Budget:
    def __init__(self, steps: int | None = None):
        self.left, self.said = MAX_MATCH_STEPS if steps is None else steps, False

    def spend(self, steps: int) -> bool:
        """False once the budget is spent (said once in the log)."""
        self.left -= steps
        if self.left < 0 and not self.said:
            self.said = True
            log.warning("Hugo cascades too costly to read: the pages left under a cascade that may hide them are "
                        "left out of the index")
        return self.left >= 0


def _tokens(pattern: str, at: int = 0, depth: int = 0) -> tuple[list[list], int]:
    """The alternatives of `pattern` from `at` (each a list of tokens: a lower-cased character,
    _STAR, _GLOBSTAR, _ONE or a one-character compiled class) up to a closing '}' or ','
    at `depth` > 0, and where it stopped. Raises ValueError for an unclosed brace or class,
    braces nested over MAX_BRACE_DEPTH, more than MAX_GLOB_ALTERNATIVES alternatives, or
    alternatives of more than MAX_GLOB_TOKENS tokens in all (a third attack: 1,500 nested
    braces raised RecursionError through `links`; ten alternatives before 2,000 more
    characters took 99 s to expand)."""
    if depth > MAX_BRACE_DEPTH:
        raise ValueError("braces nested too deep")
    alternatives, current = [], [[]]
    while at < len(pattern):
        if len(current) * (len(current[0]) + 1) > MAX_GLOB_TOKENS:
            raise ValueError("too many tokens")
        ch = pattern[at]
        if depth and ch in ",}":
            break
        if ch == "{":
            inner = []
            at += 1
            while True:
                branch, at = _tokens(pattern, at, depth + 1)
                inner += branch
                if at >= len(pattern):
                    raise ValueError("unclosed brace")
                if pattern[at] == "}":
                    break
                at += 1  # past the ','
            current = [c + b for c in current for b in inner]
            if len(current) > MAX_GLOB_ALTERNATIVES:
                raise ValueError("too many alternatives")
        elif ch == "*":
            star = _GLOBSTAR if pattern.startswith("**", at) else _STAR
            at += len(star) - 1
            current = [c + [star] for c in current]
        elif ch == "?":
            current = [c + [_ONE] for c in current]
        elif ch == "[":
            close = pattern.find("]", at + 2)
            if close < 0:
                raise ValueError("unclosed class")
            body = pattern[at + 1 : close]
            negated = body.startswith("!")
            body = re.escape(body[1:] if negated else body).replace("\\-", "-")
            cls = re.compile(f"[{'^' if negated else ''}{body}]", re.IGNORECASE)  # gobwas: [!x] matches '/' too
            current = [c + [cls] for c in current]
            at = close
        else:
            if ch == "\\" and at + 1 < len(pattern):
                at += 1
            current = [c + [pattern[at].lower()] for c in current]
        at += 1
    alternatives += current
    return alternatives, at


@functools.lru_cache(maxsize=256)
def _glob(pattern: str) -> tuple[tuple, ...] | None:
    """`pattern`'s alternatives as token tuples, or None when it cannot be read (too long,
    unclosed, too many alternatives)."""
    if len(pattern) > MAX_GLOB_CHARS:
        return None
    try:
        alternatives, _ = _tokens(pattern)
    except (ValueError, re.error):
        return None
    return tuple(_prefix_suffix(tuple(a)) for a in alternatives)


def _prefix_suffix(tokens: tuple) -> tuple:
    """gobwas/glob compiles `<text>**<text>` to a test of prefix and suffix, which may
    overlap: `/a/**/secret.md` matches "/a/secret.md" and `/g/x**x.md` "/g/x.md" in Hugo
    0.111 (a third attack). Such a glob is kept as ("prefix-suffix", prefix, suffix)."""
    stars = [i for i, t in enumerate(tokens) if not isinstance(t, str) or t in (_STAR, _GLOBSTAR, _ONE)]
    if len(stars) == 1 and tokens[stars[0]] == _GLOBSTAR:
        return ("prefix-suffix", "".join(tokens[: stars[0]]), "".join(tokens[stars[0] + 1 :]))
    return tokens


def _closure(tokens: tuple, states: set[int]) -> set[int]:
    """The positions reachable from `states` by letting stars match nothing."""
    out, stack = set(), list(states)
    while stack:
        i = stack.pop()
        if i not in out:
            out.add(i)
            if i < len(tokens) and tokens[i] in (_STAR, _GLOBSTAR):
                stack.append(i + 1)
    return out


def _match(tokens: tuple, text: str, budget: _Budget) -> bool:
    """Whether the whole of `text` (lower-cased) matches one alternative's tokens; true once
    the budget is spent (the block then applies: on the side of hiding)."""
    if tokens and tokens[0] == "prefix-suffix":
        return text.startswith(tokens[1]) and text.endswith(tokens[2])
    end = len(tokens)
    states = _closure(tokens, {0})
    for ch in text:
        if not budget.spend(len(states)):
            return True
        reached = set()
        for i in states:
            if i == end:
                continue
            token = tokens[i]
            if token == _GLOBSTAR or (token == _STAR and ch != "/"):
                reached.add(i)
            elif (token == _ONE and ch != "/") or token == ch or (not isinstance(token, str) and token.match(ch)):
                reached.add(i + 1)
        if not reached:
            return False
        states = _closure(tokens, reached)
    return end in states


def _matches(target, facts: dict[str, str], budget: _Budget) -> bool:
    """True when a `_target` mapping's globs all match the page's `facts` (path, kind, lang,
    environment); a target that is no mapping, or a glob that cannot be read, matches, and
    so does any once the budget is spent."""
    if budget.left < 0:
        return True
    target = lower_keys(target)
    for key, value in facts.items():
        if key in target and target[key] not in ("", None):
            alternatives = _glob(target[key]) if isinstance(target[key], str) else None
            if alternatives is not None and not any(_match(a, value.lower(), budget) for a in alternatives):
                return False
    return True


def _blocks(cascade) -> list[tuple[object, dict]]:
    """A `cascade` value as (its `_target` or None, its other keys lower-cased) blocks in the
    order they apply, the first of a list last (so it wins): a mapping is one block whose
    `_target` is ignored (Hugo 0.111), a list one block per mapping in it."""
    if isinstance(cascade, dict):
        return [(None, {k: v for k, v in lower_keys(cascade).items() if k not in _TARGET_KEYS})]
    if isinstance(cascade, list):
        return [(b.get("_target", b.get("target")), {k: v for k, v in lower_keys(b).items() if k not in _TARGET_KEYS})
                for b in reversed(cascade) if isinstance(b, dict)]
    return []


# Hugo 0.145 renamed `_target` (and `_build`) without the '_'; given both, `_target` wins (an attack)
_TARGET_KEYS = ("target", "_target")


def _is_draft(meta: dict) -> bool:
    return go_true(meta.get("draft"))


def hidden_by_sections(notes: dict[str, dict], languages: HugoLanguages | None, build_future: bool = False,
                       build_expired: bool = False) -> set[str]:
    """Of `notes` ({a file's path in the site's content folder, '/'-separated: its front
    matter}), the paths of those Hugo builds no page for because of a section above them (or
    their own cascade): a draft, a date or `_build` the cascade gives them, or a section that
    is not built. `languages`: the site's (None: one language), which decides which
    `_index.md` is a page's section (`_index.ja.md` for Japanese pages)."""
    languages = languages or HugoLanguages()
    budget = _Budget()
    placed = {path: _placed(path, languages) for path in notes}
    sections = {(folder, language): path for path, (folder, language, is_section) in placed.items() if is_section}
    blocks = {key: _blocks(lower_keys(notes[path]).get("cascade")) for key, path in sections.items()}
    # Each section's nearest section above it; sections are looked at farthest first, so each
    # one's state is known before those below it (a loop: a tree 2,000 folders deep must not
    # exceed Python's recursion limit).
    parents = {key: _nearest(key[0], key[1], sections, below=True) for key in sections}
    gone: dict[tuple, bool] = {}  # a section's key -> Hugo builds neither its page nor any below it
    hiding: dict[tuple, bool] = {}  # a section's key -> a cascade over its pages may hide one

    def effective(path: str, section: tuple | None) -> dict | None:
        """The page's front matter with what the sections from `section` up give it. Only a
        page under a cascade that may hide it is looked at block by block, each block a step
        of the budget (a cascade of a million blocks must cost seconds); once the budget is
        spent such a page is left out (None): pages under no such cascade, the home page and
        other sections' (a third attack), keep their own front matter."""
        if section is None or not hiding[section]:
            return lower_keys(notes[path])
        chain = []
        while section is not None:
            chain.append(section)
            section = parents[section]
        meta: dict = {}
        facts = _facts(path, placed[path], languages)
        for key in reversed(chain):  # farthest first: the nearest wins
            for target, values in blocks[key]:
                if not budget.spend(1):
                    return None
                if target is None or _matches(target, facts, budget):
                    meta.update(values)
        return meta | lower_keys(notes[path])

    def hidden(meta: dict | None, dates_only: bool = False) -> bool:
        if meta is None:
            return True
        return _is_draft(meta) or (_dated_out if dates_only else hides_page)(meta, build_future, build_expired)

    for key in sorted(sections, key=lambda k: len(k[0])):
        parent = parents[key]
        hiding[key] = bool(parent and hiding[parent]) or any(_HIDING_KEYS & values.keys() for _, values in blocks[key])
        gone[key] = bool(parent and gone[parent]) or hidden(effective(sections[key], key), dates_only=True)
    out = set()
    for path, (folder, language, is_section) in placed.items():
        section = (folder, language) if is_section else _nearest(folder, language, sections, below=False)
        parent = parents[section] if is_section else section
        if bool(parent and gone[parent]) or hidden(effective(path, section)):
            out.add(path)
    return out


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


def _dated_out(meta: dict, build_future: bool, build_expired: bool) -> bool:
    """True when only the dates (not `_build`) keep the page out: `_build: render: never`
    leaves the pages below a section built (Hugo 0.111)."""
    return hides_page({k: v for k, v in meta.items() if k not in ("_build", "build")}, build_future, build_expired)


def _placed(path: str, languages: HugoLanguages) -> tuple[tuple[str, ...], str | None, bool]:
    """(the file's folder in its language's content folder, its page's language, whether it
    is a section's page: `_index.md` or `_index.<language>.md`)."""
    parts = path.split("/")
    inner = languages.folder_language(parts)[1]
    return tuple(inner[:-1]), languages.page_language(parts), languages.bundle_page(inner[-1]) == "branch"
