"""The form in which questions and notes are matched (never the form that is shown).

NFKC folds full-width ASCII (ＡＢＣ１２３) and half-width katakana (ｻｰﾊﾞｰ) into their usual
forms; every Unicode space (NBSP U+00A0, ideographic space U+3000, thin spaces...) becomes a
plain space, so it separates words instead of vanishing or joining them.
"""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[^\S\n]")  # any whitespace but the newline; str.isspace's set


def match_form(text: str) -> str:
    """NFKC with every space character as ' '; same length or shorter, newlines kept."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text))
