"""The markdown settings of an MkDocs site that decide its heading ids: the `toc` extension's
`slugify` and `separator`, and `attr_list` (`## Title {#id}`) when it lists it.

site.py reads them from `mkdocs.yml`'s `markdown_extensions`; headings.py runs
python-markdown with them, as `mkdocs build` does. Japanese MkDocs sites commonly set
`slugify: !!python/name:markdown.extensions.toc.slugify_unicode` or pymdown-extensions'
`!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}`: with the default
slugify their Japanese headings get `_1`, `_2` ids, so without this every citation link
missed its heading (a blind-written MkDocs wiki, tests/heldout21, 2026-12-06).

Nothing named in the file is imported: a slugify is one of SLUGIFY_FUNCTIONS, an extension
one of HEADING_EXTENSIONS (python-markdown's own); anything else is reported as a setting
citations do not follow (SiteConfig.id_setting).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Python-markdown's built-in extensions run for a site that lists them: attr_list gives
# headings their `{#id}`. Not the ones that only move which lines are headings (admonition,
# md_in_html), nor abbr or footnotes: every note of an MkDocs wiki goes through them, and on
# hostile notes of 0.05-0.5 MB they took 35 s (footnotes), 68 s (admonition), 419 s (abbr) or
# raised RecursionError (md_in_html), measured 2026-12-06. Headings inside an admonition or a
# `<div markdown>` are then not cited by their own id (their section's page still is).
HEADING_EXTENSIONS = ("attr_list",)
# The slugify functions a site may name, each called from its own library.
SLUGIFY_FUNCTIONS = ("markdown.extensions.toc.slugify", "markdown.extensions.toc.slugify_unicode",
                     "pymdownx.slugs.slugify")
# pymdownx.slugs.slugify's keywords and the values it takes (pymdown-extensions 13 docs).
_PYMDOWNX_KEYWORDS = {"case": ("none", "lower", "lower-ascii", "fold"), "normalize": ("NFC", "NFD", "NFKC", "NFKD"),
                      "percent_encode": (False,)}  # percent-encoded ids: not followed (links encode them again)
MAX_SEPARATOR = 8


class PythonName(str):
    """A YAML `!!python/name:dotted.name` value, kept as its name (never imported)."""


@dataclass(frozen=True)
class PythonCall:
    """A YAML `!!python/object/apply:dotted.name {kwds: {...}}` value, kept as data."""

    name: str
    kwds: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class MkdocsMarkdown:
    """An MkDocs site's heading settings. `slugify`: one of SLUGIFY_FUNCTIONS with its keyword
    arguments, None for python-markdown's default; `separator`: toc's (default "-")."""

    extensions: tuple[str, ...] = ()
    slugify: PythonCall | None = None
    separator: str = "-"

    def record(self) -> dict:
        """A JSON-able record for the index manifest (store.chunking_settings)."""
        return {"extensions": list(self.extensions), "separator": self.separator,
                "slugify": None if self.slugify is None else [self.slugify.name, [list(kv) for kv in self.slugify.kwds]]}

    def toc_config(self) -> dict:
        """python-markdown's `toc` extension configuration: the site's separator and slugify."""
        config: dict = {"separator": self.separator}
        if self.slugify is not None:
            config["slugify"] = _slugify_function(self.slugify)
        return config


def _slugify_function(call: PythonCall):
    if call.name == "markdown.extensions.toc.slugify_unicode":
        from markdown.extensions.toc import slugify_unicode

        return slugify_unicode
    if call.name == "pymdownx.slugs.slugify":
        from pymdownx.slugs import slugify  # the site's own library, pinned in requirements.txt

        return slugify(**dict(call.kwds))
    from markdown.extensions.toc import slugify

    return slugify


def read_mkdocs_markdown(extensions) -> tuple[MkdocsMarkdown, str | None]:
    """(the heading settings, the first setting citations do not follow or None) of an
    `mkdocs.yml` `markdown_extensions` value: a list of names and one-key mappings of a name
    to its options (MkDocs also takes a mapping of names to options)."""
    entries = list(extensions.items()) if isinstance(extensions, dict) else \
        [next(iter(e.items())) if isinstance(e, dict) and len(e) == 1 else (e, None)
         for e in (extensions if isinstance(extensions, list) else ())]
    names, toc, unfollowed = [], {}, None
    for name, options in entries:
        if not isinstance(name, str):
            continue
        short = name.removeprefix("markdown.extensions.")
        if short in HEADING_EXTENSIONS and short not in names:
            names.append(short)
        elif short == "toc" and isinstance(options, dict):
            toc = options
    slugify, separator = None, "-"
    if "slugify" in toc:
        slugify = _slugify_call(toc["slugify"])
        if slugify is None:
            unfollowed = "markdown_extensions: toc: slugify"
    if "separator" in toc:
        value = toc["separator"]
        if isinstance(value, str) and 0 < len(value) <= MAX_SEPARATOR and value.isprintable() and _usable(value):
            separator = value
        else:
            unfollowed = unfollowed or "markdown_extensions: toc: separator"
    return MkdocsMarkdown(tuple(names), slugify, separator), unfollowed


def _usable(separator: str) -> bool:
    """Whether python-markdown's slugify can take the separator: it puts it into a character
    class and uses it as a replacement ("z-a", "\\d", "\\g<0>" raised re.error and failed the
    whole build: an attack, 2026-12-06)."""
    try:
        re.sub(r"[{}\s]+".format(separator), separator, "a b")
        re.sub(r"\s+", separator, "a b")
    except (re.error, IndexError):
        return False
    return True


def _slugify_call(value) -> PythonCall | None:
    """The slugify a `toc: slugify:` value names, when it is one of SLUGIFY_FUNCTIONS with
    keywords it takes; None for anything else."""
    if isinstance(value, PythonName):
        value = PythonCall(str(value))
    if not isinstance(value, PythonCall) or value.name not in SLUGIFY_FUNCTIONS:
        return None
    if value.name != "pymdownx.slugs.slugify":
        return value if not value.kwds else None
    for key, given in value.kwds:
        if key not in _PYMDOWNX_KEYWORDS or not any(given == v and type(given) is type(v) for v in _PYMDOWNX_KEYWORDS[key]):
            return None
    return value


def python_call(name: str, arguments) -> PythonCall:
    """A `!!python/object/apply:` node's value as data: its `kwds` mapping of plain values
    (strings, booleans), sorted. Anything else in it (positional `args`, other values) is
    kept as a "?" keyword, which no slugify takes: such a call is not followed."""
    kwds = arguments.get("kwds", {}) if isinstance(arguments, dict) else {}
    plain = {k: v for k, v in kwds.items() if isinstance(k, str) and isinstance(v, (str, bool))} \
        if isinstance(kwds, dict) else {}
    others = set(arguments) - {"kwds"} if isinstance(arguments, dict) else arguments not in (None, "", [])
    if others or not isinstance(kwds, dict) or len(plain) != len(kwds):
        plain["?"] = "?"
    return PythonCall(name, tuple(sorted(plain.items())))
