"""A model-free token count: what the chunker splits by when a backend has no tokenizer."""
from __future__ import annotations

import re

# CJK characters (incl. Hangul and half-width katakana) count one token each: every
# tokenizer the profiles use splits them about that finely.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
_APPROX_TOKEN_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|[^\w\s]")


def estimate_tokens(text: str) -> int:
    """Rough model-token count (int >= 0): one per CJK character, one per ~4 characters of a
    word, one per punctuation mark."""
    n = 0
    for m in _APPROX_TOKEN_RE.finditer(text):
        n += max(1, -(-len(m.group()) // 4)) if len(m.group()) > 1 else 1
    return n
