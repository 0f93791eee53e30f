"""Fusion arithmetic (fusion.py): weights, languages, and which signals count toward `match`."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.fusion import SIGNALS, WEIGHTS, fuse, signals_for


def _scores(**values: float) -> dict[str, np.ndarray]:
    return {name: np.array([value, 0.0], dtype=np.float32) for name, value in values.items()}


def test_match_sums_the_calibrated_signals_at_their_weights():
    fused = fuse(_scores(chunk=0.8, line=0.6, section=0.4, bm25=1.0))
    assert fused.match[0] == pytest.approx(0.8 + 0.6 + 0.5 * 0.4 + 0.1 * 1.0)
    assert fused.ranking[0] == pytest.approx(fused.match[0])


def test_passages_and_terms_move_the_ranking_but_not_the_calibrated_match():
    without = fuse(_scores(chunk=0.8, line=0.6, section=0.4))
    with_both = fuse(_scores(chunk=0.8, line=0.6, section=0.4, passage=0.7, terms=0.2))
    assert with_both.match[0] == pytest.approx(without.match[0])
    assert with_both.ranking[0] == pytest.approx(without.ranking[0] + 0.75 * 0.7 + 0.5 * 0.2)


def test_a_profiles_extra_weight_moves_the_ranking_but_not_the_calibrated_match():
    """profiles.ModelProfile.ranking_extra: Gemma counts the line view twice in ranking; the
    floors are calibrated on `match`, which keeps the shared table's weights."""
    plain = fuse(_scores(chunk=0.8, line=0.6, section=0.4))
    extra = fuse(_scores(chunk=0.8, line=0.6, section=0.4), {"line": 1.0, "terms": 2.0})  # no terms score: nothing added
    assert extra.match[0] == pytest.approx(plain.match[0])
    assert extra.ranking[0] == pytest.approx(plain.ranking[0] + 0.6)


def test_a_view_that_does_not_apply_adds_nothing():
    assert fuse({**_scores(chunk=0.8), "terms": None, "bm25": None}).ranking[0] == pytest.approx(0.8)


def test_fusion_needs_a_calibrated_signal():
    with pytest.raises(KeyError):
        fuse(_scores(passage=0.5))


def test_fuse_does_not_write_into_the_views_arrays():
    scores = _scores(chunk=0.8, line=0.6, passage=0.7)
    fuse(scores)
    assert scores["chunk"][0] == pytest.approx(0.8)


def test_bm25_is_for_japanese_questions_only():
    assert "bm25" in {s.name for s in signals_for("ja")}
    assert "bm25" not in {s.name for s in signals_for("en")}
    assert {s.name for s in signals_for("en")} == set(WEIGHTS) - {"bm25"}


def test_every_signal_is_a_view_of_the_searcher(fake_settings):
    from assistant.build import build_index
    from assistant.retrieve import Searcher

    build_index(fake_settings, progress=False)
    searcher = Searcher(fake_settings)
    assert {s.name for s in SIGNALS} == set(searcher.views)
