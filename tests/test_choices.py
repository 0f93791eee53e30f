"""A question offering a choice is answered only where the notes name one of its sides
(choices.py): 「非常用発電機の燃料はガソリン？軽油？」 was answered with 「発電機の燃料は満タンで
約8時間もちます」 (a fresh user, 2026-12-06)."""
from __future__ import annotations

import pytest

from assistant.choices import alternatives, names_no_alternative


@pytest.mark.parametrize("question, offered", [
    ("非常用発電機の燃料はガソリン？軽油？", [{"ガソリン"}, {"軽油"}]),
    ("IAMの設定はリージョンごとに行うもの？それともグローバル？", [{"リージョン"}, {"グローバル"}]),
    ("新しいフラグのデフォルト値はオンとオフのどっちにする？", [{"オン"}, {"オフ"}]),
    ("ポストモーテムのミーティングはZoomとGoogle Meetのどちらで開く？", [{"zoom"}, {"google", "meet"}]),
    ("出すのは朝か夜か、どっち？", [{"朝"}, {"夜"}]),
    ("A guest has collapsed and isn't responding. Is it 110 or 119?", [{"110"}, {"119"}]),
    ("PDF export is down for every tenant. Is that SEV1 or SEV2?", [{"sev1"}, {"sev2"}]),
])
def test_the_offered_alternatives_are_read(question, offered):
    assert alternatives(question) == offered


@pytest.mark.parametrize("question", [
    # conditions or lists, not a choice: a question word opens it, or "or" is in another sentence
    "What tool can you install to connect to CodeCommit using your AWS CLI profile or a role ARN?",
    "We can't tell whether this outage is a SEV-1 or a SEV-2. Which level should we declare?",
    # whether, not which; a second question asking about a topic in turn; a yes/no question
    "大雪で全線止めるかどうか、当番の運行管理者が決めちゃっていいの？",
    "夜中に館内で問題が起きたら誰に連絡する？番号は？",
    "寮の A 棟の家賃っていくら？光熱費は別にかかる？",
    "台風が来たら休み？",
])
def test_no_choice_is_read_where_none_is_offered(question):
    assert alternatives(question) == []


def test_a_choice_is_answered_where_a_side_is_named():
    question = "非常用発電機の燃料はガソリン？軽油？"
    assert names_no_alternative(question, ["発電機の燃料は満タンで約8時間もちます。"], [True])
    assert not names_no_alternative(question, ["発電機の燃料は軽油。満タンで約8時間もちます。"], [True])
    assert not names_no_alternative("台風が来たら休み？", ["台風の日の出勤"], [True])


def test_words_are_compared_in_the_questions_language_numbers_in_any():
    fuel = "非常用発電機の燃料はガソリン？軽油？"
    # An English first hit may name 軽油 as "diesel": no verdict.
    assert not names_no_alternative(fuel, ["Generator fuel: diesel.", "発電機は倉庫にある。"], [False, True])
    # An English hit after the first is left out of the comparison, not taken as naming it.
    assert names_no_alternative(fuel, ["発電機は倉庫にある。", "Generator fuel: diesel."], [True, False])
    # A number is a number in either language, in any of the first hits: with an unrelated
    # earlier turn (heldout16 h16-033), English pages led and the 119 row came third.
    collapsed = "A guest has collapsed and isn't responding. Is it 110 or 119?"
    assert not names_no_alternative(collapsed, ["Check-in at 15:00.", "| 消防 | 119 | 意識がないとき |"], [True, False])
    assert names_no_alternative(collapsed, ["Check-in at 15:00.", "救急車は事務所から呼ぶ。"], [True, False])


@pytest.mark.parametrize("question", [
    # a situation, then a yes/no question ending in a verb or adjective: no choice (heldout8,
    # 10 and 13 questions the first version flagged)
    "生クリームのパンが閉店時に 3 個残った。明日の朝に並べてもいい？",
    "オーブンの中でパンが燃えてる！扉を開けて消していい？",
    "非常停止ボタンだけ効かないけど、ほかは問題ない。出ていい？",
    "メーター交換で回ったらその家は留守だった。出直さないといけない？",
])
def test_a_yes_no_question_after_a_situation_offers_no_choice(question):
    assert alternatives(question) == []
