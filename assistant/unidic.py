"""Japanese text as UniDic tags it: one fugashi tagger (with unidic-lite, the dictionary cutlet
already brings), made on first use and shared.

topicwords.py reads a question's noun compounds from it, questionnames.py tells a quoted name
(「やまびこ号」) from a quoted remark (「パスワードを教えて」).
"""
from __future__ import annotations

import threading

_lock = threading.Lock()  # one MeCab tagger, not documented as safe to share between threads
_tagger = None


def tagged(text: str) -> list[tuple[str, str, str, str]]:
    """(surface, pos1, pos2, pos3) per token of `text` (UniDic: pos1 "名詞", "動詞", "助動詞"...),
    the tagger made on first use (fugashi: 0.03 s to load)."""
    global _tagger
    with _lock:
        if _tagger is None:
            import fugashi  # with unidic-lite (requirements.txt)

            _tagger = fugashi.Tagger()
        return [(w.surface, w.feature.pos1, w.feature.pos2, w.feature.pos3) for w in _tagger(text)]
