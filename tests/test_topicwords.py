"""What a question names, for the follow-up decision (topicwords.py, with the real UniDic
tagger: fugashi + unidic-lite from requirements.txt)."""
from __future__ import annotations

import pytest

from assistant.topicwords import topic_words
from assistant.verdict import HISTORY_PRIOR, conversation_weight, leans_back


@pytest.mark.parametrize("question, words", [
    # One-kanji and hiragana nouns count: key_terms saw only 注射針 and スプレー.
    ("注射針がごみに混ざっていたらどうする？", {"注射針", "ごみ"}),
    ("燃えるごみの袋にスプレー缶が入っていたらどうすればいい？", {"ごみ", "袋", "スプレー"}),
    # Key terms stay as key_terms splits them; a compound one covers is not counted again.
    ("リリース判定会に出るのは誰？", {"リリース", "判定会"}),
    ("来週の日経平均はどうなると思う？", {"来週", "日経平均"}),
    # A key term stays one ("何時"); a number with its counters or a formal noun adds none.
    ("出庫は何時？", {"出庫", "何時"}),
    ("うみかぜ号の1か月の燃料代はいくら？", {"うみかぜ号", "燃料代"}),
    ("2026年度予算は？", {"2026", "年度予算"}),
    ("自分で水も飲めないくらいだったら？", {"水"}),
    ("PCが壊れたとき、代わりのPCはいつもらえる？", {"pc", "代わり"}),
    # English is key_terms' own.
    ("How long at most?", {"long", "most"}),
])
def test_topic_words(question, words):
    assert topic_words(question) == words


def test_a_japanese_question_with_a_topic_of_its_own_is_no_follow_up():
    # A fresh new user (heldout8): after an oil-change question, this was read as a follow-up
    # (one key term) and answered with the old tablet app's section.
    assert not leans_back("注射針がごみに混ざっていたらどうする？")
    assert conversation_weight("注射針がごみに混ざっていたらどうする？") == HISTORY_PRIOR
    # Still follow-ups: one topic word, or a referring word.
    assert leans_back("溶出量はどれくらい？") and leans_back("何時から何時まで？") and leans_back("その場合は？")


def test_auxiliary_verbs_name_no_topic():
    # heldout9's h9f-006: "will" counted as a topic word, so the follow-up was judged alone
    # and was "not in the notes" (Gemma).
    assert topic_words("What will that cost us?") == {"cost"}
    assert leans_back("What will that cost us?") and leans_back("Must it have been signed?")
    assert not leans_back("Who will approve the refund for a damaged suitcase?")
    # "May" is a month: "What happens in May?" names it (an attack run: it named nothing)
    from assistant.noanswer import names_nothing
    assert not names_nothing("What happens in May?") and topic_words("What happens in May?") == {"may"}


def test_the_conversation_counts_less_the_more_a_question_names():
    assert conversation_weight("その最大値は？") == 1.0  # refers back: the conversation names its topic
    assert conversation_weight("How long at most?") == HISTORY_PRIOR  # two words: may still need it
    # Four: a topic of its own, which an earlier turn must not drag.
    assert conversation_weight("Why can't I ship my sequencing plate on Thursday?") == HISTORY_PRIOR / 2


@pytest.mark.parametrize("question, nothing", [
    ("それは何？", True), ("誰？", True), ("あれは何ですか", True),  # 何 and 誰 ask, name nothing (a fresh user)
    ("何回？", False), ("締め日はいつ？", False), ("何時？", False),  # 回, 日, 時 name what is counted
    ("おやつは何？", False), ("しおりって何？", False),  # a word in hiragana is named (an attack)
])
def test_a_kanji_that_asks_names_nothing(question, nothing):
    from assistant.verdict import asks_nothing
    assert asks_nothing(question, after_turns=False) is nothing  # its pointing words (それ) left out


@pytest.mark.parametrize("question, terms", [
    ("田村先生って何曜日に入ってる？", {"田村先生", "何曜日"}),  # って sets off the topic: no okurigana
    ("切り戻しの手順は？", {"切り戻し", "手順"}), ("締め日はいつ？", {"締め日"}),  # okurigana stay in the word
])
def test_the_particle_tte_ends_a_key_term(question, terms):
    from assistant.noanswer import key_terms
    assert key_terms(question) == terms


def test_particles_after_a_question_word_are_read_once():
    # This pass's last read: "でしょうか" is also "でしょう" + "か"; 24 of them took 4 s.
    from assistant.noanswer import names_nothing
    assert not names_nothing("でしょうか" * 30 + "何x")
    assert names_nothing("は何でしょうか")


@pytest.mark.parametrize("question, nothing", [
    ("まかないはいくら？", False), ("まかない", False), ("おかわりはいくら？", False),  # a fresh user, heldout26
    ("ごみは？", False), ("おむつってどこ？", False),
    ("いくら？", True), ("どういうこと？", True), ("なにそれ", True), ("はい", True), ("どこ？", True), ("どうする？", True),
])
def test_a_word_written_in_hiragana_names_something(question, nothing):
    # 「まかないはいくら？」 got "何についての質問でしょうか" with no search: no kanji, no katakana.
    from assistant.verdict import asks_nothing
    assert asks_nothing(question, after_turns=False) is nothing


def test_a_long_run_of_hiragana_is_a_word_without_being_taken_apart():
    # Taken apart word by word from its end, 「は」 * 20000 took 24 s (this pass's own check).
    from assistant.noanswer import names_nothing
    assert not names_nothing("は" * 20000) and not names_nothing("それは" + "なに" * 5000)
    assert names_nothing("は？" * 10000)  # many short runs: each read alone


@pytest.mark.parametrize("question", ["すみません", "えっと", "まだ？", "たすけて", "よろしくおねがいします", "そうですか"])
def test_hiragana_small_talk_the_notes_do_not_write_asks_nothing(question):
    # An attack: with any hiragana word naming something, each of these was searched and came
    # back "not in the notes"; a word names something only when the notes write it.
    from assistant.verdict import asks_nothing
    notes = "勤務の日は、カフェのまかないを 300 円で食べられる。"
    assert asks_nothing(question, after_turns=False, writes=lambda word: word in notes)
    assert not asks_nothing("まかないはいくら？", after_turns=False, writes=lambda word: word in notes)
