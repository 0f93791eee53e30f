"""Dictionary query translation (assistant/translation.py): English question words to the
Japanese headwords the notes hold, scored as a structured query; the real JMdict file."""
from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import translation
from assistant.lexical import SharedTokens, tokenize
from assistant.translation import FILE, Lexicon, gloss_key, load_or_build

NOTES = [
    "データは保存する前に暗号化する。鍵はKMSで管理する。",  # encryption, key
    "バケットのポリシーでアクセスを制限する。",  # bucket, policy, access
    "障害が起きたらインシデントとして記録する。",  # incident
    "English notes stay untouched: encryption here is an English word.",
]


def _build(texts=NOTES) -> Lexicon:
    return Lexicon.build(texts)


@pytest.mark.parametrize(
    "gloss, key",
    [
        ("to encrypt", "encrypt"),
        ("(computer) file", "file"),
        ("Access Control List", "access control list"),
        ("a bucket", "bucket"),
        ("one two three four", None),  # longer than MAX_KEY_WORDS
        ("e.g. something", None),  # punctuation: not a lookup key
    ],
)
def test_gloss_keys_are_lemmas_without_notes(gloss, key):
    assert gloss_key(gloss) == key


def test_contraction_letters_are_not_words():
    assert translation.english_words("What's the A/B test's key?") == ["what", "the", "test", "key"]


def test_real_dictionary_translates_english_words_to_headwords_in_the_notes():
    lexicon = _build()
    found = dict(lexicon.translate("Are buckets protected by encryption and policies?"))
    assert "暗号化" in found["encryption"]
    assert "バケット" in found["bucket"]  # plural looked up by its lemma
    assert "ポリシー" in found["policy"]  # -ies -> -y
    # Only headwords the notes hold are kept: JMdict has many more for "key".
    assert set(found.get("protect", ())) <= {f for fs in lexicon.japanese.values() for f in fs}
    assert all(f in "".join(NOTES) for forms in found.values() for f in forms)


def test_the_chunk_holding_the_translations_scores_best_and_english_notes_none():
    scores = _build().scores("How is data encryption done?")
    assert scores.dtype == np.float32 and scores.shape == (len(NOTES),)
    assert int(np.argmax(scores)) == 0
    assert scores[3] == 0  # translations are Japanese: an English note never matches them
    assert not _build().scores("zzz qqq").any()


def test_hiragana_only_headwords_are_left_out():
    lexicon = _build(["これはするためのことです。"])
    assert not lexicon.postings



def test_only_an_entrys_first_senses_translate():
    """A late, rare sense does not translate an everyday word (heldout6: "send" and "pay"
    searched for 入れる, "fine" for 取る); the first senses still translate."""
    lexicon = _build(["サンプルを箱に入れる。", "予約を取る。"])
    assert lexicon.translate("How do I send samples?") == (("sample", ("サンプル",)),)
    assert lexicon.translate("Can I pay by card?") == lexicon.translate("Is it fine?") == ()
    assert ("insert", ("入れる",)) in lexicon.translate("Where do I insert the samples?")


def test_all_translations_of_one_word_are_one_term():
    """Structured query: two chunks each holding one of a word's two translations score the
    same as a word with one translation found in both (tf summed, df of the union)."""
    lengths = np.array([10, 10, 10], dtype=np.float32)
    postings = {"設定": (np.array([0]), np.array([1.0], dtype=np.float32)), "集合": (np.array([1]), np.array([1.0], dtype=np.float32))}
    two = Lexicon({"set": ("設定", "集合")}, postings, lengths).scores("set")
    merged = {"設定": (np.array([0, 1]), np.array([1.0, 1.0], dtype=np.float32))}
    one = Lexicon({"set": ("設定",)}, merged, lengths).scores("set")
    np.testing.assert_allclose(two, one)
    assert two[0] == two[1] > 0 and two[2] == 0


def test_the_lexicon_is_stored_with_the_index_and_read_back(tmp_path, monkeypatch):
    built = load_or_build(tmp_path, NOTES)
    assert (tmp_path / FILE).is_file() and not list(tmp_path.glob(".lexicon-*"))

    def no_dictionary():
        raise AssertionError("a stored lexicon must not read the dictionary again")

    def no_tokenizing(text):
        raise AssertionError("a stored lexicon holds the BM25 lengths; nothing is tokenized again")

    monkeypatch.setattr(translation, "dictionary_path", no_dictionary)
    monkeypatch.setattr(translation, "tokenize", no_tokenizing)
    loaded = load_or_build(tmp_path, NOTES)
    assert loaded.japanese == built.japanese
    np.testing.assert_allclose(loaded.scores("bucket policy"), built.scores("bucket policy"))


def test_a_damaged_or_other_version_file_is_rebuilt(tmp_path):
    (tmp_path / FILE).write_text("{not json", encoding="utf-8")
    assert load_or_build(tmp_path, NOTES).japanese
    data = json.loads((tmp_path / FILE).read_text(encoding="utf-8"))
    assert data["version"] == translation.LEXICON_VERSION
    data["version"] = -1
    (tmp_path / FILE).write_text(json.dumps(data), encoding="utf-8")
    assert load_or_build(tmp_path, NOTES).japanese
    assert json.loads((tmp_path / FILE).read_text(encoding="utf-8"))["version"] == translation.LEXICON_VERSION


@pytest.mark.parametrize("damage", ["id out of range", "headword without postings", "ids and counts differ"])
def test_a_file_that_parses_but_cannot_be_searched_is_rebuilt(tmp_path, damage):
    load_or_build(tmp_path, NOTES)
    data = json.loads((tmp_path / FILE).read_text(encoding="utf-8"))
    form = next(iter(data["postings"]))
    if damage == "id out of range":
        data["postings"][form][0] = [10**9]
        data["postings"][form][1] = [1]
    elif damage == "headword without postings":
        del data["postings"][form]
    else:
        data["postings"][form][1] = data["postings"][form][1] + [1]
    (tmp_path / FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError):
        Lexicon.from_json(data)
    lexicon = load_or_build(tmp_path, NOTES)
    assert lexicon.scores("Is bucket data stored with encryption?").max() > 0
    assert json.loads((tmp_path / FILE).read_text(encoding="utf-8"))["postings"][form] != data["postings"].get(form)


def test_without_the_dictionary_english_questions_go_untranslated(tmp_path, monkeypatch, caplog):
    def missing():
        raise FileNotFoundError("the JMdict dictionary (pip package jamdict-data) is not installed")

    monkeypatch.setattr(translation, "dictionary_path", missing)
    with caplog.at_level(logging.WARNING, logger="assistant.translation"):
        assert load_or_build(tmp_path, NOTES) is None
    assert "jamdict-data" in caplog.text
    assert not (tmp_path / FILE).exists()


def test_an_unwritable_index_folder_keeps_the_lexicon_in_memory(tmp_path):
    # A folder that cannot take the file (here: gone; read-only behaves alike, except for root).
    lexicon = load_or_build(tmp_path / "gone", NOTES)
    assert lexicon is not None and lexicon.japanese
    assert not list(tmp_path.iterdir())


def test_a_built_index_serves_english_questions_with_translations(built_settings):
    from assistant.retrieve import Searcher

    searcher = Searcher(built_settings)
    view = searcher.views["translated"]
    assert view.lexicon is not None and (searcher.index.path / FILE).is_file()
    question = searcher.encode("Which service rotates database passwords automatically?")
    scores = view.score(question)
    assert scores.max() == 1.0


def test_an_answer_line_holding_the_translations_is_highlighted_first():
    """Lines the model scores alike: the one holding the question's translated words ranks
    first (highlight.LINE_LEXICAL_WEIGHT per share of translated words found)."""
    from assistant.chunking import Chunk
    from assistant.highlight import LineRanker
    from assistant.lines import LineUnit
    from assistant.vectors import FaissIndex

    text = "## 保存\n- ログは一年間残す。\n- データは暗号化して保存する。\n- 毎日バックアップを取る。"
    chunk = Chunk(source="n.md", title="n", heading_path=("n", "保存"), anchor="", permalink=None,
                  line_start=1, line_end=4, text=text)
    body = text.split("\n")[1:]
    lines = [LineUnit(line=n + 2, chunk=0, text=t) for n, t in enumerate(body)]
    same = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (len(lines), 1))
    ranker = LineRanker([chunk], lines, FaissIndex.build(same))
    query = np.array([1.0, 0.0], dtype=np.float32)
    translations = _build().translate("Is data stored with encryption?")
    assert translations
    assert ranker.highlights([0], query, "Is data stored with encryption?", None, translations)[0] == 3
    # Without translations every line ties: the order carries no signal of its own.
    words = SharedTokens(tokenize("Is data stored with encryption?"))
    scores = {s for s, _ in ranker.line_scores(0, query, words)}
    assert len(scores) == 1


def test_glosses_are_read_by_entry_not_by_scanning_every_english_gloss():
    """The gloss query on the real JMdict file searches by entry id (Sense_idseq), not by
    its lang index: that plan read every English gloss once per batch of 500 entries (0.4 s a
    batch), so notes holding many dictionary words (hostile random text) cost minutes of CPU
    at every index version. The rows are the same either way."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(f"file:{translation.dictionary_path()}?mode=ro", uri=True)) as db:
        batch = [row[0] for row in db.execute("SELECT idseq FROM Entry ORDER BY idseq LIMIT 500")]
        query = translation._GLOSS_QUERY.format(marks=",".join("?" * len(batch)))
        plan = " | ".join(row[-1] for row in db.execute("EXPLAIN QUERY PLAN " + query, batch))
        assert "SenseGloss_lang" not in plan and "Sense_idseq" in plan, plan
        unhinted = query.replace("+g.lang", "g.lang")
        assert sorted(db.execute(query, batch)) == sorted(db.execute(unhinted, batch))
        steps = 0

        def count() -> int:
            nonlocal steps
            steps += 1
            return 0

        db.set_progress_handler(count, 1000)
        rows = db.execute(query, batch).fetchall()
        # by entry: a few VM steps a row; the lang-index plan took ~1,000x as many (every English gloss)
        assert rows and steps * 1000 < 500 * len(rows), (steps, len(rows))


_PIECES = st.text(alphabet="abあい漢字 \n", max_size=3)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.just("w"), st.lists(_PIECES, max_size=3)), min_size=1, max_size=4),
       st.lists(st.text(alphabet="abあい漢字 ", max_size=12), max_size=6))
def test_translated_shares_are_each_lines_share_of_words_found(translations, lines):
    """highlight.translated_shares scans all lines at once; it must give what the plain
    definition gives: per line, the share of words with a headword in the line."""
    from assistant.highlight import translated_shares

    expected = [sum(any(f in line for f in forms) for _, forms in translations) / len(translations) for line in lines]
    assert translated_shares(translations, lines) == expected


def test_translated_shares_stay_linear_on_a_hostile_line():
    import time

    from assistant.highlight import translated_shares

    started = time.perf_counter()
    assert translated_shares([("a", ["a"]), ("b", ["aa", "b"])], ["a" * 2_000_000, "b"]) == [1.0, 0.5]
    assert time.perf_counter() - started < 1.0  # one find per line and headword, not per occurrence
