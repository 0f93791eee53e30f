"""Scores calibrated per index: what off-topic and on-topic questions score on *this* index
with *this* model, measured once per built index and kept beside it.

Fused scores have no fixed scale: they move with the model, the corpus, and the question's
and notes' languages (e5 scores a Japanese question higher against Japanese text than
against English text that says the same). So two things are measured with probe questions
run through the index's own search:

  * language offsets: for off-topic probes in each question language, the mean of the best
    few chunk scores within each notes language. The difference is the model's preference
    for one notes language over another, whatever the topic; ranking subtracts it, so a
    Japanese question is not drawn to a Japanese page over the English page that answers
    it (and the reverse).
  * the "not in the notes" scale: the top scores of off-topic probes (generic questions
    about things team notes do not hold) and of on-topic probes (content lines drawn from
    the index itself, asked as questions). A question is weak when its top score sits
    closer to the off-topic level than the on-topic level (`Calibration.floor`).

The probe texts are fixed; every number is computed from the index, so the calibration
follows a new model profile or a new corpus by itself. It is stored as `calibration.json`
in the index's version folder, keyed by embedder name and CALIBRATION_VERSION.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

log = logging.getLogger(__name__)

CALIBRATION_VERSION = 3
FILE = "calibration.json"
TOP_PER_LANGUAGE = 10  # chunk scores averaged per notes language for the offsets
ON_TOPIC_PROBES = 24
# Where the floor sits between the off-topic level (0) and the on-topic level (1); set on
# both dev corpora (docs/evaluation.md) for false flags <= 3% of answerable questions.
# Shares of the index's own spread, not scores: higher shares catch more no-answer
# questions (0.6 same-language: wiki-dev 11 of 14) at more false flags (5 of 70).
SAME_LANGUAGE_POSITION = 0.3
CROSS_LANGUAGE_POSITION = 0.1

# Generic questions about things team notes are unlikely to hold, in both languages.
OFF_TOPIC = {
    "en": [
        "How long should I boil an egg for a soft yolk?",
        "What is the capital city of Australia?",
        "Who painted the Mona Lisa?",
        "How many players are on a soccer team?",
        "How do I make sourdough bread rise more?",
        "Which planet has the most moons?",
        "How do I remove a red wine stain from a carpet?",
        "What are the rules for castling in chess?",
        "How do bees make honey?",
        "How do I tune a guitar by ear?",
        "When is the best season to plant tomatoes?",
        "How long do house cats usually live?",
    ],
    "ja": [
        "半熟卵は何分ゆでればいい？",
        "オーストラリアの首都はどこ？",
        "モナ・リザを描いたのは誰？",
        "サッカーは1チーム何人でプレーする？",
        "味噌汁のだしの取り方は？",
        "土星の衛星はいくつある？",
        "カーペットについた赤ワインのシミの落とし方は？",
        "将棋の王手とはどういう意味？",
        "ミツバチはどうやって蜂蜜を作る？",
        "ギターのチューニングのやり方は？",
        "トマトの苗を植える時期はいつ？",
        "猫の平均寿命はどのくらい？",
    ],
}


@dataclass(frozen=True)
class Calibration:
    embedder: str
    version: int
    # offsets[question language][notes language]: mean best-chunk score of off-topic probes
    offsets: dict[str, dict[str, float]]
    # off_topic[question language][notes language]: each off-topic probe's best match score
    # among the chunks of that notes language
    off_topic: dict[str, dict[str, list[float]]]
    on_topic: dict[str, list[float]]  # per notes language, each on-topic probe's top score

    def offset(self, question_language: str, notes_language: str) -> float:
        return self.offsets.get(question_language, {}).get(notes_language, 0.0)

    def floor(self, question_language: str, notes_language: str) -> float:
        """The top score under which a question counts as not answered by a hit in
        `notes_language`: the off-topic median of that cell plus a share of the notes
        language's own spread (on-topic median - off-topic median, same language). The
        share is SAME_LANGUAGE_POSITION when the languages match; e5 scores questions in
        another language barely above off-topic ones even when they are answered, so the
        cross-language share is CROSS_LANGUAGE_POSITION."""
        off = self.off_topic.get(question_language, {}).get(notes_language)
        own_off = self.off_topic.get(notes_language, {}).get(notes_language)
        on = self.on_topic.get(notes_language)
        if not off:
            return -np.inf
        low = float(np.median(off))
        if not on or not own_off:
            return low
        spread = max(float(np.median(on)) - float(np.median(own_off)), 0.0)
        same = question_language == notes_language
        return low + (SAME_LANGUAGE_POSITION if same else CROSS_LANGUAGE_POSITION) * spread


Probe = Callable[[str], tuple[np.ndarray, np.ndarray]]  # text -> (ranking, match) per chunk


def compute(
    embedder: str,
    probe: Probe,
    chunk_languages: np.ndarray,
    on_topic_texts: Sequence[tuple[str, str]],
    penalty: np.ndarray | None = None,
) -> Calibration:
    """Run the probes. `probe(text)` returns the per-chunk ranking and match scores without
    language offsets; `chunk_languages` holds 'ja'/'en' per chunk; `on_topic_texts` holds
    (text, notes language) pairs; `penalty` is what ranking subtracts per chunk besides
    the offsets (chunks without an answer line)."""
    penalty = np.zeros(len(chunk_languages), dtype=np.float32) if penalty is None else penalty
    offsets: dict[str, dict[str, float]] = {}
    raw: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for lang, texts in OFF_TOPIC.items():
        raw[lang] = [probe(t) for t in texts]
        offsets[lang] = {}
        for notes_lang in sorted(set(chunk_languages.tolist())):
            mask = chunk_languages == notes_lang
            k = min(TOP_PER_LANGUAGE, int(mask.sum()))
            tops = [np.sort(ranking[mask])[-k:].mean() for ranking, _ in raw[lang]]
            offsets[lang][notes_lang] = float(np.mean(tops))
    # Scores relative to the question language's own preferred notes language: only
    # differences between notes languages matter for ranking.
    for lang in offsets:
        base = max(offsets[lang].values(), default=0.0)
        offsets[lang] = {n: v - base for n, v in offsets[lang].items()}

    def shift(lang: str) -> np.ndarray:
        return np.array([offsets.get(lang, {}).get(n, 0.0) for n in chunk_languages.tolist()], dtype=np.float32)

    languages = sorted(set(chunk_languages.tolist()))
    off_topic: dict[str, dict[str, list[float]]] = {}
    for lang, scores in raw.items():
        delta = shift(lang)
        off_topic[lang] = {}
        for notes_lang in languages:
            mask = chunk_languages == notes_lang
            off_topic[lang][notes_lang] = [
                float(match[mask][np.argmax((ranking - delta - penalty)[mask])]) for ranking, match in scores
            ]
    on_topic: dict[str, list[float]] = defaultdict(list)
    from .lexical import language

    for text, notes_lang in on_topic_texts:
        ranking, match = probe(text)
        on_topic[notes_lang].append(float(match[np.argmax(ranking - shift(language(text)) - penalty)]))
    return Calibration(embedder, CALIBRATION_VERSION, offsets, off_topic, dict(on_topic))


def load(version_dir: Path, embedder: str) -> Calibration | None:
    """The stored calibration of an index version, or None when missing, damaged or made
    for another model or calibration version."""
    try:
        data = json.loads((version_dir / FILE).read_text(encoding="utf-8"))
        calibration = Calibration(**data)
    except (OSError, ValueError, TypeError):
        return None
    if calibration.embedder != embedder or calibration.version != CALIBRATION_VERSION:
        return None
    return calibration


def save(version_dir: Path, calibration: Calibration) -> None:
    """Write atomically beside the index. An index folder that cannot be written (read-only,
    full) is served all the same: the calibration is kept in memory and measured again at the
    next load (~50 question encodings), so this is logged at info level, not a warning."""
    try:
        fd, tmp = tempfile.mkstemp(dir=version_dir, prefix=".calibration-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(calibration), f)
        os.replace(tmp, version_dir / FILE)
    except OSError as exc:
        log.info("could not save the no-answer calibration in %s: %s", version_dir, exc)
