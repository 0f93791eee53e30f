"""The everyday topics (background.py): a question nearer to one of them than to anything in
the notes is "not in the notes"; their vectors are kept in the index's embedding cache."""
from __future__ import annotations

import numpy as np

from assistant.background import Background, for_index, topic_texts, topic_vectors
from assistant.embedding import HashEmbedder


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def test_a_question_nearer_to_a_topic_than_to_the_notes_by_the_margin():
    topics = Background(np.stack([_unit(1, 0, 0), _unit(0, 1, 0)]), margin=0.05, languages=np.array(["en", "en"]))
    question = _unit(1, 0.2, 0)  # cosine 0.98 with the first topic
    assert topics.nearer(question, {"en": 0.90}, "en")
    assert not topics.nearer(question, {"en": 0.95}, "en")  # within the margin: the notes win
    assert not topics.nearer(_unit(0, 0, 1), {"en": 0.1}, "en")  # near no topic


def test_each_notes_language_is_compared_with_the_topics_in_it():
    # An English question sits near English topics at a same-language cosine, and near
    # Japanese notes at a cross-language one: "Is my train fare to work paid for?" over a
    # Japanese page on commuting pay was flagged (a helper's attack with e5).
    topics = Background(np.stack([_unit(1, 0, 0), _unit(0.6, 0.8, 0)]), margin=0.05, languages=np.array(["en", "ja"]))
    question = _unit(1, 0, 0)  # cosine 1.0 with the English topic, 0.6 with the Japanese one
    assert topics.nearer(question, {"en": 0.8}, "en")
    assert not topics.nearer(question, {"en": 0.8, "ja": 0.8}, "en")  # the Japanese notes win in their language
    # Only the question's own language needs the margin: the other is cross-language on both sides.
    assert topics.nearer(question, {"en": 0.8, "ja": 0.58}, "en")
    assert not topics.nearer(question, {"en": 0.97, "ja": 0.5}, "en")
    # Notes with none in the question's language: the margin holds in the one they have.
    assert topics.nearer(question, {"ja": 0.5}, "en")
    assert not topics.nearer(question, {"ja": 0.58}, "en")


def test_no_topics_or_no_notes_flag_nothing():
    empty = Background(np.zeros((0, 3), dtype=np.float32), margin=0.0, languages=np.array([], dtype=str))
    assert not empty.nearer(_unit(1, 0, 0), {"en": -1.0}, "en")
    assert not Background(np.stack([_unit(1, 0, 0)]), 0.0, np.array(["en"])).nearer(_unit(1, 0, 0), {}, "en")


class _CountingEmbedder(HashEmbedder):
    def __init__(self):
        super().__init__(dim=16)
        self.calls = 0

    def embed_passages(self, texts, batch_size=16, progress=None):
        self.calls += 1
        return super().embed_passages(texts, batch_size, progress)


def test_the_topics_are_embedded_once_and_read_back_from_the_cache(tmp_path):
    embedder = _CountingEmbedder()
    first = topic_vectors(embedder, tmp_path / "cache.sqlite")
    second = topic_vectors(embedder, tmp_path / "cache.sqlite")
    assert embedder.calls == 1
    assert first.shape == (len(topic_texts()), embedder.dim) and first.dtype == np.float32
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(first, embedder.embed_passages(topic_texts()), rtol=1e-6)


def test_a_damaged_cache_costs_only_the_embedding_and_is_left_as_it_is(tmp_path):
    damaged = tmp_path / "cache.sqlite"
    damaged.write_bytes(b"not a database" * 100)
    vectors = topic_vectors(_CountingEmbedder(), damaged)
    assert vectors.shape == (len(topic_texts()), 16)
    assert damaged.read_bytes() == b"not a database" * 100


def test_a_model_without_a_measured_margin_has_no_topics(tmp_path):
    # The hash embedder, like an ad-hoc sentence-transformers model, has no profile margin.
    assert for_index(HashEmbedder(), tmp_path) is None
    assert not (tmp_path / "cache.sqlite").exists()


def test_the_topics_are_in_both_languages_and_distinct():
    texts = topic_texts()
    assert len(set(texts)) == len(texts)
    assert {"ja", "en"} <= {("ja" if any("\u3040" <= c <= "\u30ff" for c in t) else "en") for t in texts}
