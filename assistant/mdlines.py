"""Markdown line patterns that several line readers share (lines.py, paragraphleads.py,
answeritems.py): a list item's bullet, an ATX heading, an HTML tag, a pipe-table row, and
what starts a block of its own."""
from __future__ import annotations

import re

BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*+>")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


# What starts a block of its own rather than continuing a list item's text (a thematic break
# "---" / "***" too).
BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}(?:\s|$)|\||```|~~~|<|>|:::|!!!|\?\?\?|([-*_])(?:\s*\1){2,}\s*$)")
