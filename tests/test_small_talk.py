"""noanswer.is_small_talk: a chat turn of thanks, greetings or acknowledgements asks nothing."""
from __future__ import annotations

import pytest

from assistant.noanswer import is_small_talk


@pytest.mark.parametrize("turn", [
    "ありがとう", "ありがとうございます！", "どうもありがとうございました🙏", "了解です", "はい、わかりました",
    "お疲れ様です", "thanks!", "Thank you so much!", "OK, got it", "okay great thanks", "Hi", "ｔｈａｎｋｓ",
    # a helper's attack: still answered after earlier turns
    "thanks for the help", "many thanks", "thank u", "Thanks, that's all", "Hello there", "OKです", "わかった",
    "なるほどね", "ありがとうね", "どうもです", "サンキュー", "かしこまりました", "ありがとう了解", "ありがとうございます！助かります",
    "makes sense", "I see", "alright",
])
def test_thanks_greetings_and_acknowledgements_are_small_talk(turn):
    assert is_small_talk(turn)


@pytest.mark.parametrize("turn", [
    "OK?", "ok‽",  # a question: "is that allowed?"
    "How much?", "そのデメリットは？", "Thanks, and what about SEV-2?", "ありがとう、SEV-2は？",
    "Thanksgiving closing hours", "Hi team, where is the VPN guide", "", "   ", "ok ok 東京",
    "ok then", "OK, and the default", "はい、それのデフォルトは", "perfect forward secrecy", "cool down period", "history",
    "nicety", "hiring", "okinawa",  # a word that starts with one (an attack: "nice" + "ty")
])
def test_a_turn_with_a_question_or_a_topic_is_not(turn):
    assert not is_small_talk(turn)
