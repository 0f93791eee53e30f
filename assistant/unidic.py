"""Japanese text as UniDic tags it: one fugashi tagger (with unidic-lite, the dictionary cutlet
already brings), made on first use and shared.

topicwords.py reads a question's noun compounds from it, questionnames.py tells a quoted name
(「やまびこ号」) from a quoted remark (「パスワードを教えて」).
"""
from __future__ import annotations

import functools
import threading

_lock = threading.Lock()  # one MeCab tagger, not documented as safe to share between threads
_tagger = None


@functools.lru_cache(maxsize=256)
def tagged(text: str) -> tuple[tuple[str, str, str, str], ...]:
    """(surface, pos1, pos2, pos3) per token of `text` (UniDic: pos1 "名詞", "動詞", "助動詞"...),
    the tagger made on first use (fugashi: 0.03 s to load). The last texts' tags are kept: one
    question is read by topicwords and by questionnames' name rules, each tagging it."""
    global _tagger
    with _lock:
        if _tagger is None:
            import fugashi  # with unidic-lite (requirements.txt)

            _tagger = fugashi.Tagger()
        return tuple((w.surface, w.feature.pos1, w.feature.pos2, w.feature.pos3) for w in _tagger(text))
