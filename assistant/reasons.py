"""Why-questions and the chunks that give a reason.

A question asking why ("3号車に車いすを乗せてはいけないのはなぜ？", "Why shouldn't I book ...")
is answered by a line that gives a reason ("軽自動車には固定ベルトの金具がなく、... 問題になる
ためです", "because the lamp overheats"), not by the rule it asks about, which matches its words
as well or better: the rule's table row came first and the reason second (a fresh user,
heldout27, both profiles). Over the evaluated why-questions (docs/evaluation.md, fifty-second
pass) e5's Hit@1 was 0.59 against about 0.70 for the other styles.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from .chunking import Chunk
from .textnorm import match_form

# What asks for a reason; not "why not" offers ("Why not ask the office?" is advice).
# Not a reason's field or form: "the reason code", "enter the reason for a refund", 「欠勤理由の欄」,
# 「理由書」 (an attack).
_ASKS_WHY = re.compile(r"\bwhy\b(?! not\b)|\bhow come\b|\bwhat(?:'s| is| was) the reason (?:for|why|that)\b"
                       r"|なぜ|なんで(?!も)|どうして(?!も)|理由(?:は|って|を教え|が知りたい|がわから|が分から)", re.IGNORECASE)
# A line giving a reason: a causal clause or conjunction. Not 「から」 of a time or place (「9 時から」)
# nor 「ため」 of a purpose noun (「確認のための用紙」): only where they end a clause; not "since"
# ("Since April 2025 ...") nor "in case" (a condition): an attack.
_GIVES_REASON = re.compile(
    r"\b(?:because|due to|so that|otherwise|or else|to (?:avoid|prevent)|the reason|that's why|which is why|as a result)\b"
    r"|ため(?:です|でした|だ|。|、|$)|から(?:です|でした|だ|。)|ので(?!は)|(?:だ|です|ます|ない|い|る|た)から|理由|なぜなら|というのも|しないと|防ぐ|防止|おそれ|恐れ",
    re.IGNORECASE | re.MULTILINE)


def asks_why(question: str) -> bool:
    """True for a question asking for a reason (`_ASKS_WHY`)."""
    return bool(_ASKS_WHY.search(match_form(question)))


class Reasons:
    """Which chunks of one index give a reason (`_GIVES_REASON` in a line of the page text)."""

    def __init__(self, chunks: Sequence[Chunk], weight: float | None = None):
        """`weight`: the lift in shares of the index's spread (the model profile's
        `reason_lift`; default REASON_SPREAD)."""
        self.weight = REASON_SPREAD if weight is None else weight
        self.gives_reason = np.array([bool(_GIVES_REASON.search(match_form(c.page_text))) for c in chunks], dtype=bool)

    def lift(self, question: str, spread: float | None) -> np.ndarray | float:
        """float32[n_chunks]: `weight` x `spread` (the index's calibrated spread for the
        question's language; None: unmeasured, no lift) for the chunks giving a reason when
        the question asks why; 0.0 otherwise."""
        if not spread or not asks_why(question):
            return 0.0
        return (self.weight * spread * self.gives_reason).astype(np.float32)


# In shares of the index's spread, as superseded.py's demotion. e5 over 24 corpora: Hit@1 843 ->
# 848 at 0.2 (7 gained, 2 lost, no flag); at 0.4 3 fewer and 5 more answered questions flagged
# (docs/evaluation.md, fifty-second pass); Gemma's own in profiles.py.
REASON_SPREAD = 0.2
