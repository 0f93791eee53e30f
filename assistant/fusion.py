"""Fusion: the signals of views/ weighted and summed into one score per chunk.

The weights are one table. `calibrated` marks the signals summed into `match`, the score the
per-index "not in the notes" floor is measured on (calibration.py): a signal added later
(passages, latent terms) was kept out of it so the floors stay comparable with how they were
measured; changing a row's `calibrated` changes what every floor means. Weighted sums beat
reciprocal rank fusion on the dev sets (docs/evaluation.md); the weights were set there with
few free parameters, never per question.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, NamedTuple

import numpy as np


@dataclass(frozen=True)
class Signal:
    """One row of the fusion table."""

    name: str  # the view's name (views/)
    weight: float
    languages: tuple[str, ...]  # question languages it is computed for
    calibrated: bool  # counts toward `match`, the score the no-answer floor is calibrated on
    why: str  # where the weight or the language rule comes from


SIGNALS = (
    Signal("chunk", 1.0, ("ja", "en"), True, "the base dense signal"),
    Signal("line", 1.0, ("ja", "en"), True, "questions usually target one bullet"),
    Signal("section", 0.5, ("ja", "en"), True, "keeps sub-chunks of the right section together"),
    Signal(
        "bm25", 0.1, ("ja",), True,
        "exact Japanese terms; over the few English words an English question shares with Japanese "
        "notes it only added noise (en Hit@1 0.57 -> 0.46 at this weight)",
    ),
    Signal("passage", 0.75, ("ja", "en"), False, "a ~200-token piece is sharper than the whole chunk"),
    Signal(
        "terms", 0.5, ("ja", "en"), False,
        "latent terms lift English Hit@1 0.66 -> 0.74 (seed dev); Japanese questions toward English notes only",
    ),
    Signal(
        "translated", 0.1, ("en",), False,
        "English questions over Japanese notes: Hit@1 net +2 (+3, -1) and Hit@5 +4 questions over four wikis at 0.1, "
        "fewer at 0.15; the Japanese-to-English direction hurt ja>ja (docs/evaluation.md)",
    ),
)
WEIGHTS = {s.name: s.weight for s in SIGNALS}


def signals_for(language: str) -> tuple[Signal, ...]:
    """The table's rows computed for a question in `language` ('ja' or 'en')."""
    return tuple(s for s in SIGNALS if language in s.languages)


class Fused(NamedTuple):
    """What `fuse` returns."""

    ranking: np.ndarray  # float32[n_chunks]: every signal, what hits are ordered by
    match: np.ndarray  # float32[n_chunks]: the calibrated signals only (noanswer.py)


def fuse(scores: Mapping[str, np.ndarray | None], ranking_extra: Mapping[str, float] | None = None) -> Fused:
    """Weighted sum of the views' scores (name -> float32[n_chunks], or None for a view that
    does not apply), calibrated rows first, in table order. `ranking_extra` (signal name ->
    weight) adds a model profile's extra weight of a signal to `ranking` only
    (profiles.ModelProfile.ranking_extra): `match` keeps the table's weights, so a floor
    means on every profile what calibration measured. Raises KeyError when a calibrated
    signal is missing (at least `chunk` must be there)."""
    match = None
    for signal in SIGNALS:
        if signal.calibrated and scores.get(signal.name) is not None:
            part = _weighted(signal, scores[signal.name])
            match = part.copy() if match is None else match + part
    if match is None:
        raise KeyError("fusion needs at least one calibrated signal (e.g. 'chunk')")
    ranking = match
    for signal in SIGNALS:
        if not signal.calibrated and scores.get(signal.name) is not None:
            ranking = ranking + _weighted(signal, scores[signal.name])
    for name, weight in (ranking_extra or {}).items():
        if weight and scores.get(name) is not None:
            ranking = ranking + weight * scores[name]
    return Fused(ranking, match)


def _weighted(signal: Signal, score: np.ndarray) -> np.ndarray:
    return score if signal.weight == 1.0 else signal.weight * score
