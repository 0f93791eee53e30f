"""noanswer.is_small_talk: a chat turn of thanks, greetings or acknowledgements asks nothing."""
from __future__ import annotations

import pytest

from assistant.noanswer import is_small_talk


@pytest.mark.parametrize("turn", [
    "ありがとう", "ありがとうございます！", "どうもありがとうございました🙏", "了解です", "はい、わかりました",
    "お疲れ様です", "thanks!", "Thank you so much!", "OK, got it", "okay great thanks", "Hi", "ｔｈａｎｋｓ",
])
def test_thanks_greetings_and_acknowledgements_are_small_talk(turn):
    assert is_small_talk(turn)


@pytest.mark.parametrize("turn", [
    "OK?",  # a question: "is that allowed?"
    "How much?", "そのデメリットは？", "Thanks, and what about SEV-2?", "ありがとう、SEV-2は？",
    "Thanksgiving closing hours", "Hi team, where is the VPN guide", "", "   ", "ok ok 東京",
])
def test_a_turn_with_a_question_or_a_topic_is_not(turn):
    assert not is_small_talk(turn)
