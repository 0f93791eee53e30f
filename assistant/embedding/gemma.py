"""google/embeddinggemma-300m through ONNX Runtime (profile `embeddinggemma-300m`): an int8
export made at set-up (gemma_onnx.py), no torch on the query path."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .base import Embedder, Progress, _clean

NAME = "onnx-int8:google/embeddinggemma-300m"  # an index's embedder name up to its options ("|...")



class GemmaOnnxEmbedder(Embedder):
    """google/embeddinggemma-300m, 768-d, 2,048-token window, through ONNX Runtime.

    Prompts are the model's own retrieval prompts: queries `task: search result | query: `,
    documents `title: {title} | text: `. With `heading_title` (the default), a passage whose
    first line is its heading path (chunks and passages: Chunk.embed_text) gets that path as
    its title and the rest as its text; a text without a line break (an answer line,
    "section: body") gets `title: none`. Whether the title helps is measured in
    docs/evaluation.md.

    Tokens are counted and truncated by the model's own tokenizer (gemma_onnx.GemmaTokenizer:
    the ids sentence-transformers gets from tokenizer.json): a text longer than the window
    keeps its first `max_tokens` tokens, specials included.
    """

    dim = 768
    max_tokens = 2048
    query_prefix = "task: search result | query: "
    passage_prefix = "title: none | text: "
    profile = "embeddinggemma-300m"

    def __init__(self, model_dir: Path, heading_title: bool = True) -> None:
        from assistant.gemma_onnx import ONNX_DIR, OnnxRunner, load_tokenizer

        try:
            self._runner = OnnxRunner(Path(model_dir) / ONNX_DIR)
            self._tok = load_tokenizer(Path(model_dir))
        except Exception as exc:  # damaged or partial files: say which folder, in one line
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"embeddinggemma-300m in {model_dir} does not load ({first}); re-run scripts/get-model.sh") from None
        self._tok.enable_truncation(self.max_tokens)
        self.heading_title = heading_title
        # "|alone": each text runs alone (gemma_onnx.OnnxRunner.run); vectors of batched runs
        # differ, so an index or cache made by them is rebuilt rather than mixed.
        self.name = NAME + ("|title=heading" if heading_title else "|title=none") + "|alone"

    def document(self, text: str) -> str:
        """The prompt-wrapped text the model reads for a passage."""
        if self.heading_title:
            title, sep, body = text.partition("\n")
            if sep and title.strip():
                return f"title: {title.strip()} | text: {body}"
        return self.passage_prefix + text

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16, progress: Progress | None = None) -> np.ndarray:
        """(n, 768) float32 unit vectors of documents, each with its title prompt (`document`)."""
        if isinstance(texts, str):
            raise TypeError("pass a list of texts, not a single str")
        return self._embed_all([self.document(t) for t in texts], "", batch_size=batch_size, progress=progress)

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for `text` as a document, prompt included (Embedder.count_tokens)."""
        return len(self._tok.encode(self.document(_clean(text))).ids)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        return self._runner.run([e.ids for e in self._tok.encode_batch(texts)])
