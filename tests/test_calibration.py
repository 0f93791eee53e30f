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
    # a file written before the fingerprint existed
    (tmp_path / calibration.FILE).write_text(json.dumps(calibration.asdict(_calibration()) | {"inputs": ""}))
    assert calibration.load(tmp_path, "fake") is None
