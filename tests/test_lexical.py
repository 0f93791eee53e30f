"""The lexical side (assistant/lexical.py): the tokenizer and BM25, without a model.

Expected tokens are written by hand from the rule in lexical.py's docstring (words of letters
and digits of any script but Japanese, accents included, case-folded whole; each kana/kanji
run as overlapping bigrams, a one-character run as itself; everything else separates), after
NFKC with every space as ' ' (textnorm.py).
"""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.language import JAPANESE_RUN, language
from assistant.lexical import LexicalIndex, SharedTokens, tokenize

# --- tokenize ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, tokens",
    [
        # English: words lowercased whole, punctuation separates, digits are words.
        ("What is the Lambda timeout?", ["what", "is", "the", "lambda", "timeout"]),
        ("DynamoDB max-items_v2 900", ["dynamodb", "max", "items", "v2", "900"]),
        # Japanese: one run, overlapping bigrams (kanji, hiragana and katakana alike).
        ("可視性タイムアウト", ["可視", "視性", "性タ", "タイ", "イム", "ムア", "アウ", "ウト"]),
        ("キャパシティー", ["キャ", "ャパ", "パシ", "シテ", "ティ", "ィー"]),  # the prolonged mark is a letter
        ("火", ["火"]),  # a one-character run is kept whole
        ("東京", ["東京"]),
        # Mixed: an ASCII word ends the run; the order of appearance is kept.
        ("SQSの可視性", ["sqs", "の可", "可視", "視性"]),
        ("DynamoDB のキャパシティ", ["dynamodb", "のキ", "キャ", "ャパ", "パシ", "シテ", "ティ"]),
        ("900秒", ["900", "秒"]),
        ("EC2とS3", ["ec2", "と", "s3"]),
        # Japanese punctuation separates runs: no bigram spans '、' or '。'.
        ("最大、12時間。", ["最大", "12", "時間"]),
    ],
)
def test_tokens(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    "text, tokens",
    [
        # Latin words with accents are whole words, case-folded (not "caf", "na", "ve").
        ("Café naïve résumé", ["café", "naïve", "résumé"]),
        ("ÉCOLE Ångström Straße", ["école", "ångström", "strasse"]),
        ("cafe\u0301", ["café"]),  # a combining accent (NFD) is the same word
        ("Ｃａｆé", ["café"]),  # full-width letters
        ("Zürichのカフェ", ["zürich", "のカ", "カフ", "フェ"]),  # an accented word ends a kana run
        ("naïve_bayes", ["naïve", "bayes"]),  # '_' separates, as between ASCII words
        ("Привет мир", ["привет", "мир"]),  # letters of any script
    ],
)
def test_words_keep_their_accents_and_letters_of_any_script(text, tokens):
    assert tokenize(text) == tokens


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("様々な〆切", ["様々", "々な", "な〆", "〆切"]),  # 々 〆 were cut out: 様々 never matched 様々
        ("人々", ["人々"]),
        ("二〇二四年", ["二〇", "〇二", "二四", "四年"]),  # 〇, the kanji zero
        ("時々〻", ["時々", "々〻"]),
        ("３ヶ月", ["3", "ヶ月"]),  # ヶ (katakana block) already was Japanese
        ("「様々」、時々。", ["様々", "時々"]),  # the other CJK symbols still separate
    ],
)
def test_kanji_like_marks_are_part_of_japanese_runs(text, tokens):
    assert tokenize(text) == tokens


def test_a_word_with_an_iteration_mark_is_found_whole():
    """様々 as typed matches 様々 in a note, and not every note that merely holds 様."""
    index = LexicalIndex(["様式の一覧", "様々な設定がある"])
    assert index.known(tokenize("様々")) == ["様々"]
    assert int(index.scores("様々").argmax()) == 1 and index.scores("様々")[0] == 0


def test_an_index_tokenized_the_old_way_is_rebuilt(fake_settings):
    """The manifest records the tokenizer: an index from the ASCII-only one ('caf') is stale."""
    from assistant.lexical import TOKENIZER_VERSION
    from assistant.store import chunking_settings

    assert chunking_settings(fake_settings)["lexical"] == TOKENIZER_VERSION != "nfkc-1"


def test_a_note_with_accents_is_found_by_the_word_as_typed():
    index = LexicalIndex(["Le café ouvre à 8 h", "The cache expires after 5 minutes"])
    assert index.known(tokenize("CAFÉ")) == ["café"]
    assert int(index.scores("café").argmax()) == 0 and index.scores("caf").tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    "written, usual",
    [
        ("ＤｙｎａｍｏＤＢ", "DynamoDB"),  # full-width letters
        ("１２時間", "12時間"),  # full-width digits
        ("ｻｰﾊﾞｰﾚｽ", "サーバーレス"),  # half-width katakana, voiced mark joined
        ("ＥＣ２の料金", "EC2の料金"),
    ],
)
def test_width_variants_tokenize_as_their_usual_form(written, usual):
    assert tokenize(written) == tokenize(usual)


@pytest.mark.parametrize("space", ["\u3000", "\u00a0", "\u2009", "\t"])
def test_every_space_separates_words(space):
    # An ideographic or no-break space splits a run like a plain one: no bigram across it.
    assert tokenize(f"可視性{space}タイムアウト") == tokenize("可視性 タイムアウト")
    assert "性タ" not in tokenize(f"可視性{space}タイムアウト")
    assert tokenize(f"S3{space}bucket") == ["s3", "bucket"]


@pytest.mark.parametrize("text", ["", "   ", "!!! ... ---", "、。「」", "🙂🚀", "\n\n"])
def test_text_without_words_has_no_tokens(text):
    assert tokenize(text) == []


def test_a_question_and_the_note_line_share_tokens_whatever_the_width():
    note = "- 可視性タイムアウト (Visibility Timeout): デフォルト30秒"
    question = "ＳＱＳの可視性タイムアウトは？"
    assert {"可視", "タイ", "ウト"} <= set(tokenize(note)) & set(tokenize(question))
    assert "visibility" in tokenize(note) and "sqs" in tokenize(question)


@given(st.text(max_size=60))
def test_property_tokens_are_words_or_short_and_never_blank(text):
    for token in tokenize(text):
        assert token and token == token.strip()
        if not JAPANESE_RUN.fullmatch(token):  # a word: letters, digits and accents, case-folded
            assert all(ch.isalnum() or unicodedata.combining(ch) for ch in token), token
            assert token == token.casefold(), token
        else:
            assert len(token) <= 2  # a bigram or a one-character run


@given(st.text(max_size=60))
def test_property_tokenizing_is_stable_under_nfkc(text):
    import unicodedata

    assert tokenize(unicodedata.normalize("NFKC", text)) == tokenize(text)


# Few letters, so a question and a text often share tokens: kana, kanji, the CJK symbols that
# separate (々 〆 〇 、), half-width kana, Latin with case, ß, an accent, full-width letters.
_MIXED = st.text(alphabet="あいア日本々〆〇、ｱｲaAbBßsS\u0301éＡ１1 _-\u3000", max_size=24)


@given(_MIXED, _MIXED)
def test_property_shared_tokens_count_as_tokenizing_both(question, text):
    words = tokenize(question)
    assert SharedTokens(words).count(text) == len(set(words) & set(tokenize(text)))


def test_shared_tokens_of_a_question_and_note_line():
    shared = SharedTokens(tokenize("ＳＱＳの可視性タイムアウトは？ 日"))
    assert shared.n == len(set(tokenize("ＳＱＳの可視性タイムアウトは？ 日")))
    # sqs, the 8 bigrams 可視..ウト; the lone 日 only as a one-character run
    assert shared.count("- SQS 可視性タイムアウト: 日本") == 1 + 8
    assert shared.count("- SQS 可視性タイムアウト: 毎 日") == 1 + 8 + 1
    assert shared.count("Visibility timeout") == 0


# --- language ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, lang",
    [("What is SQS?", "en"), ("SQSとは？", "ja"), ("EC2", "en"), ("", "en"), ("可視性", "ja"), ("カタカナ", "ja"),
     ("Lambda タイムアウト", "ja"), ("What is アメンバー?", "ja"),
     # an English sentence quoting one katakana term stays English
     ("What is 'Amember' (アメンバー) in Ameba's own terminology?", "en"),
     ("々", "ja"), ("〆", "ja")],  # kanji-like marks (language.KANJI_MARKS) are Japanese
)
def test_language(text, lang):
    assert language(text) == lang


def test_kanji_like_marks_count_as_japanese_letters_of_a_note():
    from assistant.language import JAPANESE_RUN, notes_language

    assert JAPANESE_RUN.findall("We saw 様々 and 〆切 today") == ["様々", "〆切"]
    # 4 Japanese letters of 40: at the note threshold (a tenth) only when 々 and 〆 count.
    assert notes_language("様々〆切" + "a" * 36) == "ja"


def test_half_width_katakana_is_japanese():
    assert language("ｻｰﾊﾞｰﾚｽ") == "ja"


# --- BM25 ------------------------------------------------------------------------------

DOCS = [
    "SQS の可視性タイムアウトはデフォルト30秒",
    "Lambda functions time out after at most 900 seconds",
    "DynamoDB のキャパシティモード",
    "",  # a document without tokens must not break the matrix
]


def test_bm25_ranks_the_document_sharing_the_terms_first():
    index = LexicalIndex(DOCS)
    assert index.size == len(DOCS)
    scores = index.scores("可視性タイムアウトとは")
    assert scores.dtype.name == "float32" and scores.shape == (len(DOCS),)
    assert int(scores.argmax()) == 0 and scores[3] == 0
    assert int(index.scores("ＬＡＭＢＤＡ timeout").argmax()) == 1  # full-width, any case


def test_bm25_unknown_terms_score_zero_everywhere():
    index = LexicalIndex(DOCS)
    assert index.known(tokenize("Kubernetes のポッド")) == []
    assert index.scores("Kubernetes").tolist() == [0.0] * len(DOCS)
    assert index.scores("").tolist() == [0.0] * len(DOCS)


def test_bm25_save_load_gives_identical_scores(tmp_path):
    index = LexicalIndex(DOCS)
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    for query in ("可視性タイムアウト", "lambda seconds", "キャパシティ", "nothing"):
        assert loaded.scores(query).tolist() == index.scores(query).tolist()
