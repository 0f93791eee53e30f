"""Heading anchors and citation URLs that point into the team wiki.

An answer cites a note as a link to the wiki page, and ideally to the heading the passage sits
under. The page must already carry that id, so anchors are generated exactly as the wiki's
renderer does it, for a whole document at once (duplicate headings get numbered suffixes).

Sources the rules were checked against (read via the code search, not guessed):

* kramdown, lib/kramdown/converter/base.rb (gettalong/kramdown):
      def basic_generate_id(str)
        gen_id = str.gsub(/^[^a-zA-Z]+/, '')   # 1. drop everything before the first ASCII letter
        gen_id.tr!('^a-zA-Z0-9 -', '')         # 2. keep only ASCII letters, digits, ' ' and '-'
        gen_id.tr!(' ', '-')                   # 3. each space -> '-' (no collapsing)
        gen_id.downcase!                       # 4. lower case
      generate_id: gen_id = 'section' if gen_id.empty?; then @used_ids[gen_id] counts repeats:
      first keeps the plain id, later ones get "-1", "-2", ... (the counter is keyed by the
      base id only, so "Foo", "Foo", "Foo 1" really yields foo, foo-1, foo-1 - reproduced here).
  lib/kramdown/parser/kramdown/header.rb rstrips the header text before it becomes raw_text.
* github-slugger (Flet/github-slugger, index.js + script/generate-regex.mjs): lower case,
  remove every character of the General Categories No, Pc-less punctuation (Ps Pe Pi Pf Po Pd),
  S*, Cc, Co, Cf, Cn, Z* except Alphabetic code points, ' ' and '-'; then each ' ' -> '-'.
  Repeats: `while (result in occurrences) result = original + '-' + ++occurrences[original]`.

Caveat worth knowing: Jekyll's *default* kramdown input is "GFM" (lib/jekyll/configuration.rb),
and kramdown-parser-gfm replaces the ids with generate_gfm_header_id (downcase, drop
[^\\p{Word}\\- \\t], spaces/tabs -> '-'), which keeps Japanese - i.e. close to the "github"
style here. The "kramdown" style matches a site configured with `kramdown: input: kramdown`.

What this leaves out: parsing markdown (headings arrive as plain text, inline markup already
removed, as notes.Heading.text provides), kramdown's auto_id_prefix and
transliterated_header_ids options, Jekyll permalink placeholders (":title") and the non-pretty
"/notes.html" URL style.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote, unquote

ANCHOR_STYLES = ("kramdown", "github")

# Both parsers trim the heading text with ASCII whitespace rules (Ruby rstrip, cmark).
_ASCII_SPACE = " \t\n\r\f\v"
_KRAMDOWN_LEADING = re.compile(r"^[^a-zA-Z]+", re.MULTILINE)  # Ruby '^' is per line
_KRAMDOWN_DROP = re.compile(r"[^a-zA-Z0-9 -]")
# github-slugger keeps these General Categories (everything else goes unless Alphabetic).
# Cs (lone surrogates) is kept by slugger but dropped here: it cannot occur in UTF-8 text
# and would make the anchor unencodable.
_GITHUB_KEEP_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "Pc"})
# Other_Alphabetic code points of category So (circled/squared Latin letters) slugger keeps.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))
# RFC 3986 pchar minus '%' (segments are normalised through unquote first); fragments add '/?'.
_PATH_SAFE = "!$&'()*+,;=:@-._~"
_FRAGMENT_SAFE = _PATH_SAFE + "/?"
_NOTE_SUFFIXES = (".md", ".markdown")


def heading_anchors(headings: Sequence[str], style: str = "kramdown") -> list[str]:
    """Anchors for all headings of ONE document, in document order.

    Must see the whole document because duplicate numbering depends on earlier headings.
    """
    if style == "kramdown":
        return _kramdown_unique([_kramdown_base(h) for h in headings])
    if style == "github":
        return _github_unique([_github_base(h) for h in headings])
    raise ValueError(f"unknown anchor style {style!r}; expected one of {', '.join(ANCHOR_STYLES)}")


def _kramdown_base(text: str) -> str:
    """kramdown basic_generate_id plus the 'section' fallback of generate_id."""
    gen_id = _KRAMDOWN_LEADING.sub("", text.strip(_ASCII_SPACE))
    gen_id = _KRAMDOWN_DROP.sub("", gen_id).replace(" ", "-").lower()
    return gen_id or "section"


def _kramdown_unique(bases: list[str]) -> list[str]:
    """kramdown's @used_ids numbering, collisions with literal 'x-1' headings included."""
    used: dict[str, int] = {}
    anchors = []
    for gen_id in bases:
        if gen_id in used:
            used[gen_id] += 1
            gen_id = f"{gen_id}-{used[gen_id]}"
        else:
            used[gen_id] = 0
        anchors.append(gen_id)
    return anchors


def _github_keeps(ch: str) -> bool:
    if ch in " -" or unicodedata.category(ch) in _GITHUB_KEEP_CATEGORIES:
        return True
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _ALPHABETIC_SYMBOLS)


def _github_base(text: str) -> str:
    """github-slugger's slug(): lower case, strip punctuation/symbols, ' ' -> '-'."""
    lowered = text.strip(_ASCII_SPACE).lower()
    return "".join(ch for ch in lowered if _github_keeps(ch)).replace(" ", "-")


def _github_unique(bases: list[str]) -> list[str]:
    """github-slugger's occurrence walk: skips suffixes already taken, so ids are unique."""
    occurrences: dict[str, int] = {}
    anchors = []
    for original in bases:
        result = original
        while result in occurrences:
            occurrences[original] += 1
            result = f"{original}-{occurrences[original]}"
        occurrences[result] = 0
        anchors.append(result)
    return anchors


def _quote_path(path: str) -> str:
    """Percent-encode each segment once; already-encoded '%XX' is not double-encoded."""
    # errors="replace": a file name undecodable as UTF-8 arrives with lone surrogates.
    return "/".join(quote(unquote(seg), safe=_PATH_SAFE, errors="replace") for seg in path.split("/"))


def _source_path(source: str) -> str:
    """Jekyll pretty URL of a page: '/dir/name/', and '/dir/' for dir/index.md."""
    parts = [p for p in source.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        raise ValueError(f"note source must be a path inside the corpus folder, got {source!r}")
    name = parts[-1]
    for suffix in _NOTE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    parts = parts[:-1] if name == "index" else parts[:-1] + [name]
    return "/" + "".join(p + "/" for p in parts)


def page_url(base_url: str, source: str, permalink: str | None) -> str:
    """URL of the note's page in the wiki; a front-matter permalink wins over the file path."""
    path = permalink if permalink else _source_path(source)
    path = "/" + path.lstrip("/")
    return base_url.rstrip("/") + _quote_path(path)


def citation_url(base_url: str, source: str, permalink: str | None, anchor: str) -> str:
    """page_url plus '#anchor'; the anchor is a raw id, so it is always encoded (never unquoted)."""
    url = page_url(base_url, source, permalink)
    return f"{url}#{quote(anchor, safe=_FRAGMENT_SAFE, errors='replace')}" if anchor else url
