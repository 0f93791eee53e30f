"""Which language a person is answered in (language.reply_language) beside the one a
question is searched as (language.language), and the chat page's language (ui.ui_language).

A fresh tester (2026-12-01): "What does 切り戻し mean?" turned the chat's own messages to
Japanese. An English sentence quoting Japanese terms is answered in English; a Japanese
sentence carrying English names stays Japanese; the search still reads both as it did.
"""
from __future__ import annotations

import pytest

from assistant.language import language, reply_language, script_share
from assistant.ui import ui_language

ENGLISH_QUOTING_JAPANESE = [
    "What does 切り戻し mean?",
    "What is 切り戻し?",
    "What's 切り戻し?",
    "What is the difference between 本番環境 and ステージング環境?",
    "Who approves 本番リリース on Fridays?",
    "When is the 締め日 for expenses?",
    "How do I file a 申し込み?",
    "What is バージョニング?",
    "What is the deadline for 経費精算 (expense claims)?",
    'What does "ふりかえり" mean?',  # a hiragana term, quoted
    "What is 「お知らせ」 used for?",
    "Is 金曜日のデプロイ allowed?",
    "Tell me about 切り戻し",
]
JAPANESE_WITH_ENGLISH = [
    "S3のバージョニングとは？",
    "SEVレベルの定義を教えて",
    "Lambda タイムアウト",
    "EC2 本番",
    "Lambda、SQS、SNS、EventBridge の違いは何ですか",
    "Lambda, SQS, SNS and EventBridge の違いは何ですか",  # English names and "and", Japanese grammar
    "「How to deploy」のページはどこ？",  # a quoted English title
    "How to deployって何？",
    "Step Functions の使い方",
    "Terraform state lock とは何ですか",
    "IAM role in 本番環境 の設定方法",
    "CloudFormationでスタックを削除してもRDSのデータを残したいとき、DeletionPolicyには何を指定する？",
    "ノートPCを紛失したらどうする？",
]


@pytest.mark.parametrize("question", ENGLISH_QUOTING_JAPANESE)
def test_an_english_sentence_quoting_japanese_terms_is_answered_in_english(question):
    assert reply_language(question) == "en"
    assert ui_language(question, "ja") == "en"  # even from a Japanese chat, as an English question does
    assert language(question) == "ja"  # searched as before: its key term is Japanese text


@pytest.mark.parametrize("question", JAPANESE_WITH_ENGLISH)
def test_a_japanese_sentence_with_english_names_stays_japanese(question):
    assert reply_language(question) == language(question) == "ja"
    assert ui_language(question, "en") == "ja"


@pytest.mark.parametrize("question", ["What is the maximum Lambda timeout?", "visibility timeout default", "EC2", "42", ""])
def test_text_without_japanese_is_english_and_keywords_keep_the_chat_language(question):
    assert reply_language(question) == language(question) == "en"
    assert ui_language(question, "ja") == ("en" if len(question.split()) >= 3 else "ja")


@pytest.mark.parametrize("text, lang, share", [
    ("スクラッチのファイル", "ja", 1.0), ("scratch file", "en", 1.0), ("scratch のファイル", "ja", 5 / 12),
    ("scratch のファイル", "en", 7 / 12), ("42?", "ja", 1.0), ("", "en", 1.0),
])
def test_script_share_counts_the_letters_written_in_the_languages_script(text, lang, share):
    assert script_share(text, lang) == pytest.approx(share)
