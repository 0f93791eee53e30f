"""Hybrid search: dense (FAISS) and lexical (BM25) signals fused into one list of hits.

This is the one search function behind the CLI, the JSON API, the UI and evaluation.
Dense vectors of chunks, of their shorter passages, of single answer lines and of whole
sections catch paraphrases and cross-lingual questions; BM25 adds exact Japanese terms,
numbers and option names. The signals are summed with fixed weights (measured against rank fusion in docs/evaluation.md).
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np

from . import store
from .build import chunking_settings
from .chunking import PATH_SEPARATOR, Chunk
from .cite import citation_url
from .textnorm import match_form
from .config import Settings
from .embedding import Embedder, load_embedder
from .errors import IndexStaleError, QueryError
from .lexical import language, tokenize
from . import calibration
from .lines import is_content, plain_line
from .noanswer import Vocabulary, is_unanswered, key_term_share
from .terms import TermCode

HIGHLIGHTS = 3
HISTORY_PRIOR = 0.3  # weight of the earlier turns for a question that does not refer back
MAX_CONTEXT_TURNS = 4  # earlier turns a follow-up is searched with
# Words that point back to an earlier turn: pronouns, demonstratives, "what about", 場合は,
# "going back to", さっきの.
_REFERS_BACK = re.compile(
    r"\b(it|its|they|them|their|there|those|these|this one|that one|the same)\b"
    r"|^\s*(and|what about|how about)\b|\b(going back|earlier|previous|mentioned|first one)\b"
    r"|その|それ|そこ|そちら|この|これ|あれ|同じ|場合は|ときは|さっき|先ほど|最初に|前の|戻る|^\s*(じゃあ|では|なら)",
    re.IGNORECASE,
)
MAX_TOP_K = 50


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    url: str
    highlight_lines: tuple[int, ...] = ()

    def to_json(self) -> dict:
        c = self.chunk
        return {
            "source": c.source,
            "title": c.title,
            "heading_path": list(c.heading_path),
            "line_start": c.line_start,
            "line_end": c.line_end,
            "score": round(float(self.score), 6),
            "url": self.url,
            "text": c.text,
            "highlight_lines": list(self.highlight_lines),
        }


@dataclass(frozen=True)
class Answer:
    question: str
    hits: tuple[Hit, ...]
    no_answer: bool = False

    def to_json(self) -> dict:
        return {"question": self.question, "no_answer": self.no_answer, "hits": [h.to_json() for h in self.hits]}


CANDIDATES = 1000  # lines (or passages) scored per query (FAISS); the rest get the lowest of those scores
SECTION_WEIGHT = 0.5
PASSAGE_WEIGHT = 0.75
LEXICAL_WEIGHT = 0.1
TERMS_WEIGHT = 0.5  # best line's latent-term match, English questions only (terms.py)
KEY_TERMS_CARRIED = 0.6  # share of a question's key terms in the top line that rules out a weak-score flag
EMPTY_CHUNK_PENALTY = 100.0  # ranks a chunk with no answer line after all others
LINE_LEXICAL_WEIGHT = 0.1  # share of the question's words found in a line, for highlights


def _best_per_chunk(index, owners: np.ndarray, query: np.ndarray, n_chunks: int) -> np.ndarray:
    """Per chunk, the best similarity of its units (lines or passages) among the top
    CANDIDATES; chunks with none there get the lowest score seen. Row i of `owners` holds
    the chunks unit i belongs to, padded with -1 (a passage at a seam belongs to two)."""
    if not index.ntotal:
        return np.zeros(n_chunks, dtype=np.float32)
    scores, ids = index.search(query[None, :], min(index.ntotal, CANDIDATES))
    keep = ids[0] >= 0
    scores, ids = scores[0][keep], ids[0][keep]
    best = np.full(n_chunks, scores.min() if len(scores) else 0.0, dtype=np.float32)
    chunks = owners[ids]
    valid = chunks >= 0
    np.maximum.at(best, chunks[valid], np.broadcast_to(scores[:, None], chunks.shape)[valid])
    return best


def _owner_matrix(owners: Sequence[Sequence[int]]) -> np.ndarray:
    """Chunk ids per unit as a -1 padded matrix, for `_best_per_chunk`."""
    width = max((len(o) for o in owners), default=1)
    matrix = np.full((len(owners), width), -1, dtype=np.int64)
    for i, o in enumerate(owners):
        matrix[i, : len(o)] = o
    return matrix


class Query(NamedTuple):
    vector: np.ndarray  # the question's unit vector
    terms: TermCode | None  # its latent-term code, for English questions when the index has codes


class Scores(NamedTuple):
    ranking: np.ndarray  # per chunk, what hits are ordered by
    match: np.ndarray  # per chunk, the part calibrated for "not in the notes" (noanswer.py)
    line_terms: np.ndarray | None = None  # per answer line, its latent-term match (English)


class Searcher:
    """A loaded index, ready to answer; cheap to query from many threads.

    A chunk's score adds four dense signals and one lexical: the chunk's own similarity,
    its best line's (questions usually target one bullet), its best passage's (a ~200-token
    piece, sharper than the whole chunk), its section's (a mean of its chunk vectors, so
    sub-chunks of the right section stay together), and BM25 scaled to [0, 1] as a
    tie-breaker for exact terms (Japanese questions). English questions add their best
    line's latent-term match instead (terms.py); Japanese questions add it toward English
    notes only. Each chunk then loses the index's measured offset of its notes language for
    the question's language (calibration.py). Weights were set on the dev sets with few
    free parameters; see docs/evaluation.md.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
        self.index = store.load(settings.index_dir)
        manifest = self.index.manifest
        if manifest.embedder != self.embedder.name or manifest.chunking != chunking_settings(settings):
            raise IndexStaleError(
                f"index in {settings.index_dir} was built with model {manifest.embedder!r} and other settings; "
                "run `python -m assistant index`"
            )
        self.chunks = self.index.chunks
        self.lines = self.index.lines
        self.line_chunk = np.array([u.chunk for u in self.lines], dtype=np.int64)
        self.line_owners = self.line_chunk[:, None]
        self.passage_owners = _owner_matrix([p.chunks for p in self.index.passages])
        self.line_terms = self.index.line_terms
        self.has_terms = self.line_terms.dim > 0 and self.line_terms.dim == self.embedder.terms_dim
        self.chunk_lines: list[list[int]] = [[] for _ in self.chunks]
        for i, unit in enumerate(self.lines):
            self.chunk_lines[unit.chunk].append(i)
        self._sections()
        self._content()
        self._chunk_scopes = [
            (c.source, f"{c.source}{PATH_SEPARATOR}{c.heading_path[1]}") if len(c.heading_path) > 1 else (c.source,)
            for c in self.chunks
        ]
        self.lexical = self.index.lexical
        self.vocabulary = Vocabulary(c.embed_text for c in self.chunks)
        # Whitespace-insensitive text of each chunk: a chunk repeating a better one's text
        # (a copied note) takes no result slot.
        self._language_shift = defaultdict(lambda: np.zeros(len(self.chunks), dtype=np.float32))
        self._calibrate()
        self._content_key = [hashlib.blake2b(" ".join(c.text.split()).encode(), digest_size=16).digest() for c in self.chunks]

    def _content(self) -> None:
        """Per answer line, whether it can be the answer (lines.is_content); per chunk, its
        note's language and whether it holds any such line (a title line, a link list or a
        TODO section does not, and is ranked after every chunk that does)."""
        self.line_content = np.zeros(len(self.lines), dtype=bool)
        for i, unit in enumerate(self.lines):
            c = self.chunks[unit.chunk]
            self.line_content[i] = is_content(c.text.split("\n")[unit.line - c.line_start])
        has_content = np.zeros(len(self.chunks), dtype=bool)
        has_content[self.line_chunk[self.line_content]] = True
        self._empty_penalty = np.where(has_content, 0.0, EMPTY_CHUNK_PENALTY).astype(np.float32)
        # Per note, not per chunk: an English-heavy chunk of a Japanese note (a table of
        # service names) is still read by people who wrote the rest in Japanese.
        texts: dict[str, list[str]] = defaultdict(list)
        for c in self.chunks:
            texts[c.source].append(c.text)
        note_language = {source: notes_language("\n".join(parts)) for source, parts in texts.items()}
        self.chunk_languages = np.array([note_language[c.source] for c in self.chunks])
        self._line_english = (self.chunk_languages[self.line_chunk] == "en").astype(np.float32)

    def _calibrate(self) -> None:
        """Load this index's calibration, or probe and store it (calibration.py)."""
        found = calibration.load(self.index.path, self.embedder.name)
        if found is None:
            found = calibration.compute(
                self.embedder.name,
                lambda text: self.raw_score(self.encode(text), text)[:2],
                self.chunk_languages,
                self._on_topic_probes(),
                self._empty_penalty,
            )
            calibration.save(self.index.path, found)
        self.calibration = found
        self._language_shift = defaultdict(lambda: np.zeros(len(self.chunks), dtype=np.float32))
        for lang in found.offsets:
            self._language_shift[lang] = np.array(
                [found.offset(lang, n) for n in self.chunk_languages.tolist()], dtype=np.float32
            )

    def _on_topic_probes(self) -> list[tuple[str, str]]:
        """Content lines spread evenly over each notes language's chunks, as they would be
        asked, with that language: (text, 'ja'/'en')."""
        texts: dict[str, list[str]] = defaultdict(list)
        for i in np.flatnonzero(self.line_content):
            unit = self.lines[i]
            c = self.chunks[unit.chunk]
            text = plain_line(c.text.split("\n")[unit.line - c.line_start])
            if len(text) >= 12:
                texts[self.chunk_languages[unit.chunk]].append(text[:120])
        probes = []
        for lang, found in texts.items():
            step = max(1, len(found) // calibration.ON_TOPIC_PROBES)
            probes += [(text, lang) for text in found[::step][: calibration.ON_TOPIC_PROBES]]
        return probes

    def _sections(self) -> None:
        """Chunk vectors as one matrix, and section vectors: the normalized mean of each
        heading section's chunk vectors."""
        keys = [(c.source, c.heading_path) for c in self.chunks]
        ids = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        self.chunk_section = np.array([ids[k] for k in keys], dtype=np.int64)
        vectors = self.chunk_vectors = self.index.vectors.reconstruct_n(0, len(self.chunks))
        sections = np.zeros((len(ids), vectors.shape[1]), dtype=np.float32)
        np.add.at(sections, self.chunk_section, vectors)
        self.section_vectors = sections / np.maximum(np.linalg.norm(sections, axis=1, keepdims=True), 1e-9)

    def embed(self, text: str) -> np.ndarray:
        """The question's dense vector alone (what benchmarks call the embedding)."""
        return self.embedder.embed_queries([text])[0]

    def encode(self, text: str) -> Query:
        """Everything a search needs from the model: the vector and, when the index has
        them, the latent-term code (from the same pass when the engine is compiled)."""
        if self.has_terms:
            return Query(*self.embedder.embed_query_with_terms(text))
        return Query(self.embed(text), None)

    def _best_per_chunk_terms(self, line_terms: np.ndarray) -> np.ndarray:
        """Per chunk, its best line's latent-term match (0 when no line shares a feature)."""
        best = np.zeros(len(self.chunks), dtype=np.float32)
        matched = np.flatnonzero(line_terms)
        np.maximum.at(best, self.line_chunk[matched], line_terms[matched])
        return best

    def score(self, encoded: Query, text: str) -> Scores:
        """All signals for one encoded question (and its text, for BM25), fused per chunk,
        less the index's measured preference of the question's language for each notes
        language (calibration.py), and with chunks that hold no answer line ranked last."""
        raw = self.raw_score(encoded, text)
        ranking = raw.ranking - self._language_shift[language(text)] - self._empty_penalty
        return raw._replace(ranking=ranking)

    def raw_score(self, encoded: Query, text: str) -> Scores:
        """The fused signals alone (no language offsets, no penalty), as calibration probes them."""
        query = encoded.vector
        n = len(self.chunks)
        dense = self.chunk_vectors @ query  # exact for every chunk; ~1 ms even at 20k chunks
        best_line = _best_per_chunk(self.index.line_vectors, self.line_owners, query, n)
        section = (self.section_vectors @ query)[self.chunk_section]
        match = dense + best_line + SECTION_WEIGHT * section
        if language(text) == "ja":
            # Measured: BM25 over the few English words an English question shares with
            # Japanese notes only adds noise (en Hit@1 0.57 -> 0.46 at this weight).
            lexical = self.lexical.scores(text)
            match += LEXICAL_WEIGHT * (lexical / lexical.max() if lexical.max() > 0 else lexical)
        # Passages came later than the no-answer floors: kept out of `match`, so the floors
        # stay calibrated on the signals they were measured with.
        best_passage = _best_per_chunk(self.index.passage_vectors, self.passage_owners, query, n)
        ranking = match + PASSAGE_WEIGHT * best_passage
        if encoded.terms is None:
            return Scores(ranking, match)
        line_terms = self.line_terms.scores(encoded.terms)  # likewise kept out of `match`
        if language(text) == "ja":
            # Japanese questions take the terms' bridge to English notes only: over Japanese
            # notes they measured worse (ja Hit@1 0.91 -> 0.83-0.89 on the seed); to English
            # pages they lift wiki-dev's ja>en Hit@5 0.78 -> 1.0 (docs/evaluation.md).
            line_terms = line_terms * self._line_english
        return Scores(ranking + TERMS_WEIGHT * self._best_per_chunk_terms(line_terms), match, line_terms)

    def line_scores(
        self, chunk_id: int, query: np.ndarray, text: str, line_terms: np.ndarray | None = None
    ) -> list[tuple[float, int]]:
        """(score, line number) for every answer line of a chunk, best first: its similarity
        plus a little for sharing the question's words (Japanese line@3 0.77 -> 0.86 on dev)
        and, for English questions, its latent-term match (`Scores.line_terms`; English
        line@3 0.63 -> 0.69, line±1 0.57 -> 0.66)."""
        ids = self.chunk_lines[chunk_id]
        # Headings, <summary>, admonition openers, bare labels and link-only lines frame
        # an answer; they are never the highlighted one unless the chunk has nothing else.
        ids = [i for i in ids if self.line_content[i]] or ids
        if not ids:
            return []
        vectors = self.index.line_vectors.reconstruct_batch(np.array(ids, dtype=np.int64))
        words = set(tokenize(text))
        shared = [len(words.intersection(tokenize(self.lines[i].text))) / max(len(words), 1) for i in ids]
        scores = vectors @ query + LINE_LEXICAL_WEIGHT * np.array(shared)
        if line_terms is not None:
            scores += TERMS_WEIGHT * line_terms[ids]
        return [(score, self.lines[i].line) for score, i in sorted(zip(scores.tolist(), ids), reverse=True)]

    def scopes(self) -> list[str]:
        """Names a search can be limited to: each note's source, then 'source › chapter'
        (chunking.PATH_SEPARATOR: a heading may itself contain ' > ')."""
        return list(dict.fromkeys(name for names in self._chunk_scopes for name in names))

    def _in_scope(self, scope: str | None) -> np.ndarray:
        if not scope:
            return np.ones(len(self.chunks), dtype=bool)
        if isinstance(scope, str) and " > " in scope and scope not in self.scopes():  # the earlier 'source > chapter' spelling
            scope = scope.replace(" > ", PATH_SEPARATOR, 1)
        allowed = np.array([scope in names for names in self._chunk_scopes])
        if not allowed.any():
            raise QueryError(f"unknown filter {scope!r}; choose a note or chapter from the list")
        return allowed

    def search(
        self, question: str, top_k: int | None = None, history: Sequence[str] = (), scope: str | None = None
    ) -> Answer:
        """The top_k chunks for a question, best first, with citation URLs."""
        shown = validate_question(question)
        question = match_form(shown)  # matched in NFKC with plain spaces; the Answer keeps the original
        top_k = validate_top_k(self.settings.top_k if top_k is None else top_k)
        history = validate_history(history)
        allowed = self._in_scope(scope)
        query = self.encode(question)
        alone = with_history = self.score(query, question)
        fused = alone.ranking
        if history:
            # A follow-up ("その保持期間は？") names its topic only in earlier turns: add the
            # scores of the conversation so far (every earlier turn, then the question), in
            # full when the question refers back, as a weak prior otherwise, so a new topic
            # is not dragged back. Every turn, not only the last: in "topic? / その最大値は？ /
            # それを変更するには？" the topic is two turns back.
            joined = conversation(history, question)
            query = self.encode(joined)
            with_history = self.score(query, joined)
            fused = fused + (1.0 if refers_back(question) else HISTORY_PRIOR) * with_history.ranking
        fused = np.where(allowed, fused, -np.inf)
        groups = self._distinct(fused, allowed, top_k)
        hits = tuple(self._hit(g, fused[g[0]], query.vector, with_history.line_terms, question) for g in groups)
        # The better of the question alone and with the conversation: either may carry it.
        no_answer = self._unanswered(question, groups, hits, alone, with_history)
        return Answer(shown, hits, no_answer)

    def _unanswered(self, question: str, groups, hits, alone: Scores, with_history: Scores) -> bool:
        """"Not in the notes": a name the notes never mention, or a top score under the
        index's calibrated floor for this question language and the top hit's notes
        language, unless the top answer line carries the question's own key terms."""
        if not groups:
            return True
        top = groups[0][0]
        # The better of the question alone and with the conversation: either may carry it.
        top_score = float(max(alone.match[top], with_history.match[top]))
        floor = self.calibration.floor(language(question), str(self.chunk_languages[top]))
        hit = hits[0]
        first = hit.highlight_lines[0] if hit.highlight_lines else hit.chunk.line_start
        line = hit.chunk.text.split("\n")[first - hit.chunk.line_start]
        if key_term_share(question, line) >= KEY_TERMS_CARRIED:
            floor = -np.inf
        return is_unanswered(question, top_score, floor, self.vocabulary)

    def _distinct(self, fused: np.ndarray, allowed: np.ndarray, top_k: int) -> list[list[int]]:
        """The top_k hits as groups of chunk ids, best chunk first. A chunk whose text repeats
        a better one's (a copied note) takes no slot; a chunk next to a better chunk of the
        same section joins that hit when the two fit in one (at most max_chunk_lines lines)."""
        pool = min(len(fused), top_k * 4 + 8)  # room for the duplicates and neighbours skipped
        top = np.argpartition(-fused, pool - 1)[:pool] if pool < len(fused) else np.arange(len(fused))
        seen: set[bytes] = set()
        groups: list[list[int]] = []
        for i in (int(i) for i in top[np.argsort(-fused[top], kind="stable")]):
            if len(groups) == top_k:
                break
            if not allowed[i] or self._content_key[i] in seen:
                continue
            seen.add(self._content_key[i])
            group = next((g for g in groups if self._joins(g, i)), None)
            if group is None:
                groups.append([i])
            else:
                group.append(i)
        return groups

    def _joins(self, group: list[int], i: int) -> bool:
        """True when chunk i continues the group's span within one section and fits with it."""
        if self.chunk_section[i] != self.chunk_section[group[0]] or not (i == min(group) - 1 or i == max(group) + 1):
            return False
        ids = [*group, i]
        span = self.chunks[max(ids)].line_end - self.chunks[min(ids)].line_start + 1
        return span <= self.settings.max_chunk_lines

    def _hit(
        self, group: list[int], score: float, query: np.ndarray, line_terms: np.ndarray | None, question: str
    ) -> Hit:
        c = self.chunks[group[0]]
        if len(group) > 1:
            c = _merged([self.chunks[i] for i in sorted(group)])
        url = citation_url(self.settings.wiki_base_url, c.source, c.permalink, c.anchor)
        scored = sorted((s for i in group for s in self.line_scores(i, query, question, line_terms)), reverse=True)
        highlights = tuple(line for _, line in scored[:HIGHLIGHTS])
        return Hit(c, float(score), url, highlights)


def _merged(chunks: list[Chunk]) -> Chunk:
    """Adjacent chunks of one section (in line order) as one chunk; the lines between two
    chunks are blank (every content line lands in a chunk), so they are restored as such."""
    text = chunks[0].text
    for before, after in zip(chunks, chunks[1:]):
        text += "\n" * (after.line_start - before.line_end) + after.text
    return dataclasses.replace(chunks[0], line_end=chunks[-1].line_end, text=text)


def conversation(history: Sequence[str], question: str) -> str:
    """The text a follow-up is searched with: the last MAX_CONTEXT_TURNS earlier turns,
    oldest first, then the question."""
    return " ".join([*history[-MAX_CONTEXT_TURNS:], question])


MAX_QUESTION_CHARS = 2000


def notes_language(text: str) -> str:
    """'ja' when kana and kanji make up at least a tenth of the text's letters, else 'en'
    (a Japanese note full of English service names stays Japanese; an English page quoting
    one Japanese word stays English)."""
    japanese = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ja" if japanese and japanese >= 0.1 * (japanese + latin) else "en"


def refers_back(question: str) -> bool:
    """True when a question leans on an earlier turn for its topic."""
    return _REFERS_BACK.search(question) is not None


def validate_question(question: object) -> str:
    """A usable question string, or a QueryError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QueryError("the question must be text")
    # Spaces of any kind (NBSP, U+3000) are kept: they separate words (textnorm.match_form).
    cleaned = "".join(ch for ch in question if ch.isprintable() or ch.isspace()).strip()
    if not cleaned:
        raise QueryError("the question is empty; type a question about the notes")
    # Longer questions are cut, not refused: the model only reads ~512 tokens anyway.
    return cleaned[:MAX_QUESTION_CHARS]


def validate_history(history: object) -> tuple[str, ...]:
    """Earlier user turns, oldest first, as a tuple of strings."""
    if isinstance(history, (str, bytes)) or not isinstance(history, (list, tuple)):
        raise QueryError("history must be a list of earlier questions (strings)")
    if not all(isinstance(turn, str) for turn in history):
        raise QueryError("history must be a list of earlier questions (strings)")
    return tuple(turn[:MAX_QUESTION_CHARS] for turn in history if turn.strip())


def validate_top_k(top_k: object) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        raise QueryError("top_k must be a whole number")
    if not 1 <= top_k <= MAX_TOP_K:
        raise QueryError(f"top_k must be between 1 and {MAX_TOP_K}")
    return top_k
