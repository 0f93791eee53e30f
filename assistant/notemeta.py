"""A note's front matter (YAML, TOML or JSON) as a dict, read as the wikis read it and never lost
whole to one bad value (PyYAML, tomllib).

PyYAML's safe loader, with three changes measured against attacks (2026-12-04/05): a
timestamp that is no real time stays text, an integer of over MAX_INT_CHARS characters stays
text, and a tag it does not know gives its plain value. A block that still does not parse is
read line by line (FrontMatterError.partial), so a `published: false` or `draft = true` beside
a bad value still hides its page.
"""
from __future__ import annotations

import json
import tomllib

import yaml


class _FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a timestamp that is no real time (`date: 2024-02-30`) stays
    text: PyYAML raised on it and the whole front matter was lost, its `published: false` too
    (the note was indexed; an attack run, 2026-12-04). Ruby's YAML, Jekyll's, rolls it over."""


def _timestamp_or_text(loader: yaml.SafeLoader, node):
    try:
        return loader.construct_yaml_timestamp(node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


# An integer longer than this stays text: Python refuses to read or write one of over 4,300
# digits (a `rev: 111...1` lost the whole front matter, its `published: false` too, and a
# 5,000-digit hex `id:` stopped the build where it was written out; an attack run, 2026-12-05).
MAX_INT_CHARS = 100


def _int_or_text(loader: yaml.SafeLoader, node):
    text = loader.construct_scalar(node)
    return text if len(text) > MAX_INT_CHARS else loader.construct_yaml_int(node)


def _untagged(loader: yaml.SafeLoader, suffix: str, node):
    """A value under a tag the safe loader does not know (`!private x`) as the plain text,
    list or mapping it holds: as an error it lost the whole front matter, its `published:
    false` too (an attack run, 2026-12-05). Nothing is constructed from the tag."""
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)
_FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _int_or_text)
_FrontMatterLoader.add_multi_constructor("", _untagged)


MAX_LINE_BY_LINE = 200  # no front matter has more keys


class FrontMatterError(ValueError):
    """A front matter block that does not parse whole; `partial` holds what its top-level
    lines give read one at a time (`_line_by_line`)."""

    def __init__(self, message: str, partial: dict):
        super().__init__(message)
        self.partial = partial


def _parsed(text: str, toml: bool) -> dict:
    meta = tomllib.loads(text) if toml else yaml.load(text, Loader=_FrontMatterLoader)  # noqa: S506 (a SafeLoader)
    return meta if isinstance(meta, dict) else {}


def _line_by_line(lines: list[str], toml: bool) -> dict:
    """The top-level `key: value` (`key = value`) lines of a block that does not parse whole,
    each read alone, those that parse kept: a `draft = true` beside one bad value still hides
    its page (a 5,000-digit `rev` lost a Hugo page's draft flag; an attack run, 2026-12-05)."""
    meta: dict = {}
    # The first MAX_LINE_BY_LINE top-level lines: a note of a million short broken lines must
    # not cost a million parses.
    for line in [line for line in lines if line[:1].strip() and not line.startswith("#")][:MAX_LINE_BY_LINE]:
        try:
            meta.update(_parsed(line, toml))
        except Exception:  # noqa: BLE001 (the line is left out, as the whole block was)
            continue
    return meta


def json_front_matter(lines: list[str]) -> tuple[dict, int] | None:
    """(the JSON object, the number of lines up to the one holding its closing brace) when the
    note opens with one after blank lines, as Hugo reads JSON front matter; else None. Hugo
    0.111 hid a `{ "draft": true }` page that was indexed and answered (an attack, 2026-12-05;
    https://gohugo.io/content-management/front-matter/). Hugo's lexer counts braces outside
    strings to the closing one, which for any object it builds is where JSON's own decoder
    stops; text after that brace on its line is left out. Numbers are read as floats: an
    integer of over 4,300 digits must not lose the block (Python refuses to read one as int)."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or not lines[start].lstrip().startswith("{"):
        return None
    text = "\n".join(lines[start:])
    try:
        meta, stop = json.JSONDecoder(parse_int=float).raw_decode(text, len(text) - len(text.lstrip()))
    except (ValueError, RecursionError):
        return None  # no JSON object: a `{% include %}` or `{:toc}` line, which is text
    return (meta, start + text.count("\n", 0, stop) + 1) if isinstance(meta, dict) else None


def front_matter_meta(lines: list[str], end: int) -> dict:
    """The front matter block `lines[:end]` (`_front_matter_end`) as a dict; {} when it is not
    a mapping. Raises FrontMatterError for a block that does not parse whole."""
    if lines and lines[0].strip() not in ("---", "+++"):
        found = json_front_matter(lines[:end])  # the only other block _front_matter_end finds
        return found[0] if found else {}
    # The block between the lines notes._front_matter_end found, read as it is: python-
    # frontmatter split it again and knew no `...` closer (YAML's, which Jekyll takes), so such
    # a block's keys, `published: false` too, were silently none.
    toml = bool(end) and lines[0].strip() == "+++"
    try:
        return _parsed("\n".join(lines[1 : end - 1]), toml)
    except Exception as exc:  # YAML and TOML errors come in many types
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FrontMatterError(message, _line_by_line(lines[1 : end - 1], toml)) from exc


def hugo_front_matter(lines: list[str]) -> dict:
    """The front matter Hugo 0.111's page lexer finds: after blank lines and spaces, `---`
    (YAML) or `+++` (TOML) opening a line whatever follows on it, up to the next line that
    starts with the same three characters (`------`, `---x`), what follows the opener on its
    line included; or a JSON object
    (`json_front_matter`). {} when none. Wider than notes._front_matter_end, which follows
    Jekyll's rule (the first line exactly `---`): a Hugo page opening with a blank line, or
    closing with `------`, was a draft Hugo left out and answered (a second attack,
    2026-12-06). Read as `front_matter_meta` reads a block, line by line when it does not
    parse whole."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return {}
    head = lines[start].lstrip(" \t\ufeff")
    if head.startswith("{"):
        found = json_front_matter(lines)
        return found[0] if found else {}
    fence = head[:3]
    if fence not in ("---", "+++"):
        return {}
    for end in range(start + 1, len(lines)):
        if lines[end].startswith(fence):
            # what follows the opener on its line is front matter too ("---draft: true")
            block, toml = [head[3:], *lines[start + 1 : end]], fence == "+++"
            try:
                return _parsed("\n".join(block), toml)
            except Exception:  # noqa: BLE001 (YAML and TOML errors come in many types)
                return _line_by_line(block, toml)
    return {}
