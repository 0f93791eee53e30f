"""Scores calibrated per index: what off-topic and on-topic questions score on *this* index
with *this* model, measured once per built index and kept beside it.

Fused scores have no fixed scale: they move with the model, the corpus, and the question's
and notes' languages (e5 scores a Japanese question higher against Japanese text than
against English text that says the same). So two things are measured with probe questions
run through the index's own search:

  * language offsets: for off-topic probes in each question language, the 90th percentile
    of the chunk scores within each notes language. The difference is the model's preference
    for one notes language over another, whatever the topic; ranking subtracts it, so a
    Japanese question is not drawn to a Japanese page over the English page that answers
    it (and the reverse).
  * hubness: what each chunk scores on average over the off-topic probes of each question
    language, less its notes language's mean. A chunk that sits near every question (a
    "hub": a short overview, a generic shift table) draws questions it does not answer,
    most of all across languages; ranking subtracts HUB_PENALTY of it (CSLS, Conneau et
    al. 2018, "Word translation without parallel data", with the probes as the queries).
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .language import language

log = logging.getLogger(__name__)

# 4: a chunk's best line is an answer line (retrieve.py); 5: LEVEL_QUANTILE; 6: page leads (leads.py);
# 7: dictionary translation (translation.py); 8: navigation lines are no answer lines, chunks
# of mostly links rank after content (navigation.navigation_lines, retrieve.py); 9: an entry's
# first JMdict senses only (translation.MAX_SENSES: English probes' rankings, so the offsets);
# 10: each chunk's hubness (HUB_PENALTY)
CALIBRATION_VERSION = 10
FILE = "calibration.json"
# Where in a notes language's chunk scores an off-topic probe's level is read. A quantile,
# not the mean of the best N: the best 10 of 296 Japanese chunks sit higher than the best 10
# of 133 English ones by chance alone, which hid most of an English question's preference
# for English pages (wiki-dev: -0.036 with the best 10, -0.050 to -0.055 at the 80th-98th
# percentile; en>ja Hit@1 13 -> 15 of 22, nothing else moved).
LEVEL_QUANTILE = 0.9
ON_TOPIC_PROBES = 24
# The share of a chunk's hubness that ranking subtracts, e5's (a model profile may set its
# own, profiles.ModelProfile.hub_penalty). Measured over six corpora (docs/evaluation.md,
# nineteenth pass): with e5, 0.25 gained Hit@1 on three corpora (+5 of 355 questions) and
# false flags fell on three; 0.5 and 1.0 lost up to 0.14 Hit@1 on wiki-dev.
HUB_PENALTY = 0.25
# Where the floor sits between the off-topic level (0) and the on-topic level (1); set on
# both dev corpora (docs/evaluation.md) for false flags <= 3% of answerable questions.
# Shares of the index's own spread, not scores: higher shares catch more no-answer
# questions (0.6 same-language: wiki-dev 11 of 14) at more false flags (5 of 70).
SAME_LANGUAGE_POSITION = 0.3
# Across languages e5 scores answered questions barely above off-topic ones. 0.1 until
# 2026-12-01; at 0.2, with the dictionary translations and language offsets of today, the
# lowest answered cross-language questions sit at 0.25-0.26 of the spread on the seed and
# wiki-dev and 0.26 on a fresh tester's held-out wiki (heldout5), while that wiki's
# off-topic and absent-topic questions asked across languages sat at 0.12-0.19: e5 no-answer
# caught there 4 -> 7 of 16, no new false flag on any corpus; Gemma unchanged on the dev
# sets (docs/evaluation.md, thirteenth pass). The golden set's vague "One object can be up
# to what size?" (at 0.14, its top hit the wrong service) is now flagged.
CROSS_LANGUAGE_POSITION = 0.2
# Same language, and the best answer line shares none of the question's key words: the dev
# sets' answered same-language questions nearly always repeat one of their words in the
# answer line (1 of 74), while uncovered details of covered topics often do not, so such a
# question needs a higher score. It was 0.8, set to catch one seed question with e5. A fresh
# tester's wiki and paraphrased questions broke the premise ("必ず勤務していなければならない
# 時間帯は？" answered by a line about コアタイム): Gemma flagged 4 of its 13 answered ja>ja
# questions. At 0.6, over every corpus and both profiles (docs/evaluation.md, eleventh pass):
# false flags Gemma 7 -> 3 of 102 on that wiki, nothing else; no-answer caught -1 on the
# seed with e5 (8 -> 7 of 12) and -1 on owasp with Gemma (4 -> 3 of 8). A profile may set its
# own (profiles.ModelProfile.no_shared_term_position: e5's is 0.5).
SAME_LANGUAGE_NO_SHARED_TERM_POSITION = 0.6

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
    """One index's measured score levels (scores are fused `match` values, fusion.py), as
    stored in calibration.json."""

    embedder: str
    version: int
    # offsets[question language][notes language]: off-topic probes' level (language_level)
    offsets: dict[str, dict[str, float]]
    # off_topic[question language][notes language]: each off-topic probe's best match score
    # among the chunks of that notes language
    off_topic: dict[str, dict[str, list[float]]]
    on_topic: dict[str, list[float]]  # per notes language, each on-topic probe's top score
    # hubness[question language]: per chunk (index order), its mean ranking score over that
    # language's off-topic probes less the mean of its notes language's chunks
    hubness: dict[str, list[float]] = field(default_factory=dict)
    hub_weight: float = 0.0  # the share of hubness ranking subtracts (HUB_PENALTY or the profile's)
    # What the probes' scores were made with besides the model and this module (`inputs`):
    # a calibration made with other fusion weights or another dictionary is measured again.
    inputs: str = ""

    def hub_penalty(self, question_language: str, n_chunks: int) -> np.ndarray:
        """float32[n_chunks]: what ranking subtracts from each chunk for a question in
        `question_language` (hub_weight x hubness); zeros when unmeasured."""
        found = self.hubness.get(question_language)
        if found is None or len(found) != n_chunks:
            return np.zeros(n_chunks, dtype=np.float32)
        return (self.hub_weight * np.asarray(found, dtype=np.float32)).astype(np.float32)

    def ranking_shift(self, question_language: str, chunk_languages: np.ndarray) -> np.ndarray:
        """float32[n_chunks]: all ranking subtracts from each chunk for a probe in
        `question_language` besides the content penalty: `language_offsets` (in full: a search
        scales them by its question's own-script share, retrieve.Searcher) and `hub_penalty`."""
        return self.language_offsets(question_language, chunk_languages) + self.hub_penalty(question_language, len(chunk_languages))

    def language_offsets(self, question_language: str, chunk_languages: np.ndarray) -> np.ndarray:
        """float32[n_chunks]: each chunk's notes language's `offset` for a question in
        `question_language`; `chunk_languages` holds 'ja'/'en' per chunk, in index order."""
        return np.array([self.offset(question_language, n) for n in chunk_languages.tolist()], dtype=np.float32)

    def offset(self, question_language: str, notes_language: str) -> float:
        """How much more a question in `question_language` scores toward notes in
        `notes_language` than toward its preferred notes language (<= 0; 0 when unmeasured)."""
        return self.offsets.get(question_language, {}).get(notes_language, 0.0)

    def spread(self, notes_language: str) -> float | None:
        """On-topic median - off-topic median of same-language probes for `notes_language`
        (>= 0), the index's own unit of score; None when unmeasured."""
        on = self.on_topic.get(notes_language)
        own_off = self.off_topic.get(notes_language, {}).get(notes_language)
        if not on or not own_off:
            return None
        return max(float(np.median(on)) - float(np.median(own_off)), 0.0)

    def floor(self, question_language: str, notes_language: str, shares_terms: bool = True,
              cross_language_position: float = CROSS_LANGUAGE_POSITION,
              no_shared_term_position: float = SAME_LANGUAGE_NO_SHARED_TERM_POSITION) -> float:
        """The top score under which a question counts as not answered by a hit in
        `notes_language`: the off-topic median of that cell plus a share of the notes
        language's own spread (on-topic median - off-topic median, same language). The
        share is SAME_LANGUAGE_POSITION when the languages match; e5 scores questions in
        another language barely above off-topic ones even when they are answered, so the
        cross-language share is CROSS_LANGUAGE_POSITION (`cross_language_position`: the
        model profile's, profiles.ModelProfile). `shares_terms` False (the best
        answer line holds none of the question's key terms) raises a same-language share
        to `no_shared_term_position` (the profile's; SAME_LANGUAGE_NO_SHARED_TERM_POSITION)."""
        off = self.off_topic.get(question_language, {}).get(notes_language)
        if not off:
            return -np.inf
        low = float(np.median(off))
        spread = self.spread(notes_language)
        if spread is None:
            return low
        same = question_language == notes_language
        if not same:
            return low + cross_language_position * spread
        return low + (SAME_LANGUAGE_POSITION if shares_terms else no_shared_term_position) * spread


def language_level(scores: np.ndarray) -> float:
    """What an off-topic probe scores against one notes language's chunks: the
    LEVEL_QUANTILE of their scores, the same whether the language has 30 chunks or 3,000."""
    return float(np.quantile(scores, LEVEL_QUANTILE)) if len(scores) else 0.0


Probe = Callable[[str], tuple[np.ndarray, np.ndarray]]  # text -> (ranking, match) per chunk


def compute(
    embedder: str,
    probe: Probe,
    chunk_languages: np.ndarray,
    on_topic_texts: Sequence[tuple[str, str]],
    penalty: np.ndarray | None = None,
    hub_weight: float = HUB_PENALTY,
    ranking_extra: tuple[tuple[str, float], ...] = (),
) -> Calibration:
    """Run the probes. `probe(text)` returns the per-chunk ranking and match scores without
    language offsets; `chunk_languages` holds 'ja'/'en' per chunk; `on_topic_texts` holds
    (text, notes language) pairs; `penalty` is what ranking subtracts per chunk besides
    the offsets (chunks without an answer line); `hub_weight` the share of each chunk's
    hubness ranking subtracts (the model profile's); `ranking_extra` the profile's extra
    ranking weights that `probe` applied (fusion.fuse), kept in the fingerprint (`inputs`)."""
    penalty = np.zeros(len(chunk_languages), dtype=np.float32) if penalty is None else penalty
    offsets: dict[str, dict[str, float]] = {}
    raw: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    for lang, texts in OFF_TOPIC.items():
        raw[lang] = [probe(t) for t in texts]
        offsets[lang] = {}
        for notes_lang in sorted(set(chunk_languages.tolist())):
            mask = chunk_languages == notes_lang
            offsets[lang][notes_lang] = float(np.mean([language_level(ranking[mask]) for ranking, _ in raw[lang]]))
    # Scores relative to the question language's own preferred notes language: only
    # differences between notes languages matter for ranking.
    for lang in offsets:
        base = max(offsets[lang].values(), default=0.0)
        offsets[lang] = {n: v - base for n, v in offsets[lang].items()}

    hubness = {lang: _hubness([ranking for ranking, _ in scores], chunk_languages).tolist() for lang, scores in raw.items()}
    # Offsets and hubness are measured: the probes below are ranked as a search will rank them.
    measured = Calibration(embedder, CALIBRATION_VERSION, offsets, {}, {}, hubness=hubness, hub_weight=hub_weight)

    def shift(lang: str) -> np.ndarray:
        return measured.ranking_shift(lang, chunk_languages)

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
    for text, notes_lang in on_topic_texts:
        ranking, match = probe(text)
        on_topic[notes_lang].append(float(match[np.argmax(ranking - shift(language(text)) - penalty)]))
    return Calibration(embedder, CALIBRATION_VERSION, offsets, off_topic, dict(on_topic), inputs=inputs(ranking_extra),
                       hubness=hubness, hub_weight=hub_weight)


def _hubness(rankings: list[np.ndarray], chunk_languages: np.ndarray) -> np.ndarray:
    """float64[n_chunks]: each chunk's mean score over the probes' rankings, less the mean
    of its notes language's chunks (so it moves no notes language as a whole: that is the
    offsets' job)."""
    found = np.mean(np.stack(rankings), axis=0, dtype=np.float64)
    for notes_lang in set(chunk_languages.tolist()):
        mask = chunk_languages == notes_lang
        found[mask] -= found[mask].mean()
    return found


def inputs(ranking_extra: tuple[tuple[str, float], ...] = ()) -> str:
    """A fingerprint of what probe scores depend on outside this module: the fusion table
    (fusion.SIGNALS), the model profile's extra ranking weights (`ranking_extra`,
    profiles.ModelProfile), the dictionary translation's version and senses (translation.py)
    and what makes a line navigation (navigation.py: a chunk of links ranks after content).
    Without it, an index calibrated before such a change kept the old floors and offsets
    (CALIBRATION_VERSION had to be bumped by hand, and once was not)."""
    import hashlib

    from . import fusion, navigation, translation

    table = [(s.name, s.weight, s.languages, s.calibrated) for s in fusion.SIGNALS]
    links = (navigation.NAV_LABEL_CHARS, navigation.LINK_TABLE_MIN_ROWS, navigation.LINK_TABLE_TEXT_CHARS)
    text = repr((table, translation.LEXICON_VERSION, translation.MAX_SENSES, links) + ((tuple(ranking_extra),) if ranking_extra else ()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load(
    version_dir: Path, embedder: str, hub_weight: float = HUB_PENALTY, ranking_extra: tuple[tuple[str, float], ...] = ()
) -> Calibration | None:
    """The stored calibration of an index version, or None when missing, damaged or made
    for another model, calibration version, fusion table, extra ranking weights or hub
    weight (the floors are read after them)."""
    try:
        data = json.loads((version_dir / FILE).read_text(encoding="utf-8"))
        calibration = Calibration(**data)
    except (OSError, ValueError, TypeError):
        return None
    if calibration.embedder != embedder or calibration.version != CALIBRATION_VERSION or calibration.inputs != inputs(ranking_extra):
        return None
    if calibration.hub_weight != hub_weight:
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
