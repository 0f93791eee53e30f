"""Calibration logic with fake probes (no model): language offsets and floors."""
from __future__ import annotations

import json

import numpy as np
import pytest

from assistant import calibration


def _probe_with(scores_by_language: dict[str, np.ndarray], languages: np.ndarray):
    """A fake probe: every text gets the same per-chunk scores."""
    ranking = np.empty(len(languages), dtype=np.float32)
    for lang, scores in scores_by_language.items():
        ranking[languages == lang] = scores
    return lambda text: (ranking, ranking)


def test_offsets_do_not_depend_on_how_many_chunks_a_language_has():
    # The same score distribution for both notes languages, ten times more Japanese chunks:
    # the model prefers neither language, so the offsets must be (nearly) zero. The mean of
    # the best 10 read the larger pool as preferred (its extremes sit higher by chance).
    rng = np.random.default_rng(0)
    languages = np.array(["ja"] * 3000 + ["en"] * 300)
    scores = {"ja": rng.normal(1.8, 0.05, 3000), "en": rng.normal(1.8, 0.05, 300)}
    found = calibration.compute("fake", _probe_with(scores, languages), languages, [])
    for question_language in ("en", "ja"):
        assert abs(found.offset(question_language, "en") - found.offset(question_language, "ja")) < 0.01
    best_ten = {lang: np.sort(s)[-10:].mean() for lang, s in scores.items()}
    assert best_ten["ja"] - best_ten["en"] > 0.01  # what the old measure would have called a preference


def test_offsets_measure_a_real_preference_for_one_notes_language():
    rng = np.random.default_rng(1)
    languages = np.array(["ja"] * 400 + ["en"] * 100)
    scores = {"ja": rng.normal(1.9, 0.05, 400), "en": rng.normal(1.8, 0.05, 100)}
    found = calibration.compute("fake", _probe_with(scores, languages), languages, [])
    assert found.offset("en", "ja") == 0.0
    assert abs(found.offset("en", "en") - (-0.1)) < 0.02


def test_language_level_of_no_chunks_is_zero():
    assert calibration.language_level(np.array([], dtype=np.float32)) == 0.0


def _calibration() -> calibration.Calibration:
    # Off-topic medians: ja>ja 2.0, en>ja 1.9; on-topic median of Japanese notes 2.4 (spread 0.4).
    return calibration.Calibration(
        "fake", calibration.CALIBRATION_VERSION, {"ja": {"ja": 0.0}, "en": {"ja": 0.0}},
        {"ja": {"ja": [1.9, 2.0, 2.1]}, "en": {"ja": [1.8, 1.9, 2.0]}}, {"ja": [2.3, 2.4, 2.5]},
        hub_weight=calibration.HUB_PENALTY,
    )


def test_floor_is_a_share_of_the_notes_languages_spread():
    found = _calibration()
    assert found.floor("ja", "ja") == pytest.approx(2.0 + calibration.SAME_LANGUAGE_POSITION * 0.4)
    assert found.floor("en", "ja") == pytest.approx(1.9 + calibration.CROSS_LANGUAGE_POSITION * 0.4)


def test_a_same_language_answer_line_without_the_questions_words_needs_a_higher_score():
    found = _calibration()
    raised = found.floor("ja", "ja", shares_terms=False)
    assert raised == pytest.approx(2.0 + calibration.SAME_LANGUAGE_NO_SHARED_TERM_POSITION * 0.4)
    assert raised > found.floor("ja", "ja")
    # Across languages a question shares no words with the notes anyway: unchanged.
    assert found.floor("en", "ja", shares_terms=False) == found.floor("en", "ja")


def test_the_cross_language_share_is_the_model_profiles(tmp_path, monkeypatch):
    """A model that scores answered questions across languages nearly as within one
    (EmbeddingGemma) gets its profile's higher share; the Searcher passes it for its model."""
    from assistant import profiles
    from assistant.build import build_index
    from assistant.config import from_env
    from assistant.profiles import load_embedder
    from assistant.retrieve import Searcher

    found = _calibration()
    assert found.floor("en", "ja", cross_language_position=0.4) == pytest.approx(1.9 + 0.4 * 0.4)
    assert found.floor("ja", "ja", cross_language_position=0.4) == found.floor("ja", "ja")  # same language: unchanged
    assert profiles.EMBEDDINGGEMMA_300M.cross_language_position > profiles.E5.cross_language_position

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.md").write_text("# 手順\n\n## デプロイ\n\n- 火曜日の10時にデプロイする\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=tmp_path / "notes", index_dir=tmp_path / "index", model="fake-hash")
    build_index(settings, progress=False)
    embedder = load_embedder("fake-hash")
    monkeypatch.setattr(embedder, "profile", "embeddinggemma-300m", raising=False)
    searcher = Searcher(settings, embedder)
    asked = []
    real_floor = calibration.Calibration.floor
    monkeypatch.setattr(calibration.Calibration, "floor", lambda self, *a, **k: asked.append(k) or real_floor(self, *a, **k))
    searcher.search("When do we deploy?")
    assert asked and asked[-1]["cross_language_position"] == profiles.EMBEDDINGGEMMA_300M.cross_language_position
    # The hub weight is the profile's too, and the calibration holds every chunk's hubness.
    assert searcher.calibration.hub_weight == profiles.EMBEDDINGGEMMA_300M.hub_penalty != profiles.E5.hub_penalty
    assert {lang: len(found) for lang, found in searcher.calibration.hubness.items()} == {
        "en": len(searcher.chunks), "ja": len(searcher.chunks)}


def test_a_calibration_made_with_other_fusion_weights_or_dictionary_is_measured_again(tmp_path, monkeypatch):
    """A stored calibration is read back only for the model, the calibration version and the
    fusion table and dictionary it was measured with: after a change of JMdict senses the
    seed's index kept offsets measured with the old translations."""
    from assistant import fusion, translation

    made = calibration.Calibration(**{**calibration.asdict(_calibration()), "inputs": calibration.inputs()})
    calibration.save(tmp_path, made)
    assert calibration.load(tmp_path, "fake") == made
    assert calibration.load(tmp_path, "other model") is None
    monkeypatch.setattr(translation, "MAX_SENSES", translation.MAX_SENSES + 1)
    assert calibration.load(tmp_path, "fake") is None
    monkeypatch.undo()
    heavier = tuple(fusion.Signal(s.name, s.weight * 2, s.languages, s.calibrated, s.why) for s in fusion.SIGNALS)
    monkeypatch.setattr(fusion, "SIGNALS", heavier)
    assert calibration.load(tmp_path, "fake") is None
    monkeypatch.undo()
    assert calibration.load(tmp_path, "fake", ranking_extra=(("line", 1.0),)) is None  # another profile's ranking
    # a file written before the fingerprint existed
    (tmp_path / calibration.FILE).write_text(json.dumps(calibration.asdict(_calibration()) | {"inputs": ""}))
    assert calibration.load(tmp_path, "fake") is None


def test_a_chunk_near_every_probe_is_a_hub_and_ranking_lowers_it(tmp_path):
    """Hubness (CSLS-style): a chunk that scores high on every off-topic probe, such as a short
    overview or a generic shift table, draws questions it does not answer. Its hubness is its
    mean probe score less its notes language's mean, so no notes language moves as a whole."""
    languages = np.array(["ja", "ja", "ja", "en", "en"])
    hub, plain = 0, 1
    rng = np.random.default_rng(2)

    def probe(text):
        ranking = rng.normal(1.8, 0.01, len(languages)).astype(np.float32)
        ranking[hub] = 2.2  # near every question
        ranking[languages == "en"] -= 0.3  # the model's preference for Japanese notes: offsets' job
        return ranking, ranking

    found = calibration.compute("fake", probe, languages, [])
    for question_language in ("en", "ja"):
        penalty = found.hub_penalty(question_language, len(languages))
        assert penalty.dtype == np.float32 and penalty.shape == (5,)
        assert penalty[hub] > 0.05 > abs(penalty[plain])
        assert abs(penalty[languages == "en"].mean()) < 1e-6 and abs(penalty[languages == "ja"].mean()) < 1e-6
        assert penalty[hub] == pytest.approx(calibration.HUB_PENALTY * found.hubness[question_language][hub])
    # Stored and read back with the rest; a calibration of another index's chunks moves nothing.
    calibration.save(tmp_path, found)
    assert calibration.load(tmp_path, "fake").hubness == found.hubness
    # Made with another profile's weight: measured again (its floors were read after it).
    assert calibration.load(tmp_path, "fake", hub_weight=0.0) is None
    unweighted = calibration.compute("fake", probe, languages, [], hub_weight=0.0)
    assert not unweighted.hub_penalty("ja", len(languages)).any()
    assert not found.hub_penalty("ja", 7).any()
    assert not _calibration().hub_penalty("ja", 5).any()  # unmeasured


def test_the_floors_are_read_where_ranking_puts_the_probes_top_chunk():
    """An off-topic probe's level is the match of the chunk ranking would show first, after
    the hub penalty: a hub that no longer ranks first no longer sets the floor."""
    languages = np.array(["ja"] * 4)
    match = np.array([2.0, 1.0, 1.0, 1.0], dtype=np.float32)
    texts = [t for probes in calibration.OFF_TOPIC.values() for t in probes]

    def probe(text):
        # Chunk 0 is a hub (2.0 on every probe, and the best match); chunks 1 and 2 each come
        # near every other probe (1.97), just under the hub before the penalty.
        ranking = np.array([2.0, 1.5, 1.5, 1.5], dtype=np.float32)
        ranking[1 + texts.index(text) % 2] = 1.97
        return ranking, match

    found = calibration.compute("fake", probe, languages, [])
    assert found.hub_penalty("ja", 4)[0] > 0.05
    assert set(found.off_topic["ja"]["ja"]) == {1.0}  # chunk 1's or 2's match, not the hub's 2.0
