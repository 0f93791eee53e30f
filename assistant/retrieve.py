"""Search: validate -> encode -> views -> fuse -> distinct hits with answer lines -> no-answer (verdict.py).

This is the one search behind the CLI, the JSON API, the UI and evaluation. The signals are
views/ (chunk, line, passage, section, BM25, latent terms), summed by fusion.py's table. Each
chunk then loses the index's measured preference of the question's language for its notes
language (calibration.py); a chunk of mostly links (navigation) ranks after every chunk of
content, and a chunk with no answer line after all others.
"""
from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import NamedTuple, Sequence

import numpy as np

from . import background, calibration, store, translation
from .build import index_difference
from .store import chunking_settings
from .chunking import PATH_SEPARATOR
from .cite import bare_root_for, base_url_for, citation_url, page_url
from .config import Settings
from .embedding import Embedder
from .profiles import load_embedder, profile_of
from .errors import IndexStaleError, QueryError, UnknownScopeError
from .fusion import Fused, fuse, signals_for
from .highlight import LineRanker
from .leads import PageLeads
from .hits import Answer, Grouper, Hit, merged
from .language import language, notes_language, script_share
from .lines import plain_line
from .vocabulary import Vocabulary
from .query import MAX_QUESTION_CHARS, MAX_TOP_K, conversation, question_chars, refers_back, validate_history, validate_question, validate_top_k
from .textnorm import match_form
from .pointers import POINTED_HITS, Pointers
from .verdict import QUANTITY_HITS, EmbeddedRows, Verdict, answered_outside, asks_nothing, conversation_weight, leans_back
from .reasons import Reasons
from .superseded import Superseded
from .scopes import scope_by_name, titled_scopes
from .views import BM25View, ChunkView, LatentTermsView, LineView, PassageView, Question, SectionView, TranslatedBM25View

__all__ = ["Answer", "Hit", "MAX_QUESTION_CHARS", "MAX_TOP_K", "Scores", "Searcher", "conversation", "refers_back"]

LEAD_YIELD_SPREAD = 0.8  # a lead yields to its page's best section within this share of the spread (leads.py)
# How far a superseded section ("旧ルール（2025年3月まで）", "Old app (before April 2026)") drops,
# in shares of the index's spread, for a question about the present: 0.3 and 0.6 measured the
# same on six corpora (docs/evaluation.md, sixteenth pass); the smaller moves less.
SUPERSEDED_SPREAD = 0.3
EMPTY_CHUNK_PENALTY = 100.0  # ranks a chunk with no answer line after all others
# Ranks a chunk of mostly links (navigation) after every chunk of content, before empty ones;
# fused scores lie within a few units (fusion.WEIGHTS sums to ~4): tiers, not weights.
NAVIGATION_CHUNK_PENALTY = 50.0


class Scores(NamedTuple):
    """A question's fused scores over all chunks, and the per-line latent-term matches the
    terms view pooled (the answer lines reuse them: computed once per question)."""

    ranking: np.ndarray  # float32[n_chunks]: what hits are ordered by
    match: np.ndarray  # float32[n_chunks]: the part calibrated for "not in the notes" (fusion.py)
    line_terms: np.ndarray | None = None  # float32[n_lines] (LatentTermsView.line_matches), or None
    # notes language ('ja' / 'en') -> best chunk or line cosine in it (background.Background.nearer)
    notes_best: dict[str, float] | None = None


class Searcher:
    """A loaded index, ready to answer; cheap to query from many threads.

    Raises IndexMissingError / IndexCorruptError / IndexStaleError (errors.py) when the index
    cannot be used with these settings, ModelError when the model cannot load.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
        # Where "not in the notes" sits across languages: the model's own (profiles.py).
        self._cross_language_position = profile_of(self.embedder).cross_language_position
        self._hub_weight = profile_of(self.embedder).hub_penalty  # calibration.py: hubness
        self._ranking_extra = profile_of(self.embedder).ranking_extra  # fusion.fuse: the model's own weights
        self.index = store.load(settings.index_dir)
        manifest = self.index.manifest
        if manifest.embedder != self.embedder.name or manifest.chunking != chunking_settings(settings):
            # Named (build.index_difference): "model X and other settings" read as a model change (a fresh user).
            raise IndexStaleError(f"index in {settings.index_dir} was built "
                                  f"{index_difference(manifest, self.embedder, settings, manifest.corpus)}; run `python -m assistant index`")
        self.chunks = self.index.chunks
        self.lines = self.index.lines
        n = len(self.chunks)
        self.has_terms = self.index.line_terms.dim > 0 and self.index.line_terms.dim == self.embedder.terms_dim
        chunk_vectors = self.index.chunk_vectors.vectors()
        self.ranker = LineRanker(self.chunks, self.lines, self.index.line_vectors)
        line_view = LineView(self.index.line_vectors, self.lines, n, answer_lines=self.ranker.line_content)
        self.sections = SectionView(self.chunks, chunk_vectors)
        self.chunk_languages = _chunk_languages(self.chunks)  # str[n_chunks]: 'ja' / 'en'
        # notes language -> bool[n_chunks], for the languages the notes are written in
        self._language_masks = {lang: self.chunk_languages == lang for lang in map(str, np.unique(self.chunk_languages))}
        self._line_chunk = line_view.line_chunk  # int64[n_lines]
        line_english = (self.chunk_languages[line_view.line_chunk] == "en").astype(np.float32)
        self.terms = LatentTermsView(self.index.line_terms, line_view.line_chunk, line_english, n)
        # A Japanese question's code meets English notes' lines only (views/terms.py): encode skips it over none.
        self._ja_needs_code = bool(line_english.any())
        self.views = {
            view.name: view
            for view in (
                ChunkView(chunk_vectors),
                line_view,
                self.sections,
                BM25View(self.index.lexical),
                PassageView(self.index.passage_vectors, self.index.passages, n),
                self.terms,
                TranslatedBM25View(self._lexicon()),
            )
        }
        # A chunk holding no answer line (a title line, a TODO section) ranks last; one with more navigation
        # lines than answer lines (an index page's link table, a "See also" list) after all content.
        answers = np.bincount(line_view.line_chunk[self.ranker.line_content], minlength=n)
        links = np.bincount(line_view.line_chunk[self.ranker.line_navigation], minlength=n)
        self.has_content = (answers > 0) & (answers >= links)  # bool[n_chunks]: answer lines, no fewer than links
        self._content_penalty = np.select(
            [answers == 0, ~self.has_content], [EMPTY_CHUNK_PENALTY, NAVIGATION_CHUNK_PENALTY], 0.0
        ).astype(np.float32)
        # A page's lead (text before its first section) ranks after the page's best section (leads.py).
        self.leads = PageLeads(self.chunks, self.has_content)
        self.superseded = Superseded([c.heading_path for c in self.chunks], [c.source for c in self.chunks])
        self.reasons = Reasons(self.chunks, profile_of(self.embedder).reason_lift)
        self.pointers = Pointers(self.chunks, self.page_urls, self.superseded.rows(), self.chunk_languages, self.superseded.current_only)
        self.grouper = Grouper(self.chunks, settings.max_chunk_lines, self.ranker.answer_chars(n))
        # A chunk is in its note's scope and in its chapter's (Chunk.chapter), if it has one.
        self._chunk_scopes = [
            (c.source, f"{c.source}{PATH_SEPARATOR}{c.chapter}") if c.chapter else (c.source,) for c in self.chunks
        ]
        self.vocabulary = Vocabulary(c.embed_text for c in self.chunks)
        self._calibrate()

    def _lexicon(self) -> translation.Lexicon | None:
        """The dictionary translations of this index (translation.py), stored with it."""
        return translation.load_or_build(self.index.path, [c.text for c in self.chunks])

    # --- calibration ------------------------------------------------------------------------

    def _calibrate(self) -> None:
        """Load this index's calibration, or probe and store it (calibration.py)."""
        found = calibration.load(self.index.path, self.embedder.name, self._hub_weight, self._ranking_extra)
        if found is None:
            found = calibration.compute(
                self.embedder.name,
                lambda text: self._probe(self.encode(text)),
                self.chunk_languages,
                self._on_topic_probes(),
                self._content_penalty,
                self._hub_weight,
                self._ranking_extra,
            )
            calibration.save(self.index.path, found)
        self.calibration = found
        self.verdict = Verdict(found, self.chunk_languages, self.vocabulary, self._cross_language_position,
                               embedded_row=EmbeddedRows(self.chunks, self.lines, self._line_chunk), lexicon=self.views["translated"].lexicon,
                               background=background.for_index(self.embedder, self.settings.index_dir),
                               no_shared_term_position=profile_of(self.embedder).no_shared_term_position)
        # Per question language: the index's own unit of score (calibration.spread; None when
        # unmeasured), which the lead rule (leads.py) and superseded sections are measured in.
        self._spread = {lang: found.spread(lang) for lang in ("ja", "en")}
        n = len(self.chunks)
        # Per question language, float32[n_chunks] each, as measured on this index (calibration.py):
        # the hub penalty, and the language offsets toward its own notes and toward the other's.
        zeros = lambda: np.zeros(n, dtype=np.float32)  # noqa: E731 - unmeasured: nothing to subtract
        self._hub_penalty, self._own_offsets, self._other_offsets = (defaultdict(zeros) for _ in range(3))
        for lang in found.offsets:
            offsets, own = found.language_offsets(lang, self.chunk_languages), self.chunk_languages == lang
            self._own_offsets[lang], self._other_offsets[lang] = offsets * own, offsets * ~own
            self._hub_penalty[lang] = found.hub_penalty(lang, n)

    def _probe(self, question: Question) -> tuple[np.ndarray, np.ndarray]:
        """(ranking, match) as calibration needs them: the fused views with page leads
        after their page's best section (always: the gap that limits it in `score` is
        measured by this calibration); offsets and penalty are calibration's to apply (a
        note's offset is the same for all its chunks, so the lead rule commutes with it)."""
        raw = self.raw_score(question)
        return self.leads.after_best_section(raw.ranking), raw.match

    def _on_topic_probes(self) -> list[tuple[str, str]]:
        """Content lines spread evenly over each notes language's chunks, as they would be
        asked, with that language: (text, 'ja'/'en')."""
        texts: dict[str, list[str]] = defaultdict(list)
        for i in np.flatnonzero(self.ranker.line_content):
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

    # --- encoding and scoring ---------------------------------------------------------------

    def embed(self, text: str) -> np.ndarray:
        """The question's dense vector alone, float32[dim] (what benchmarks call the embedding)."""
        return self.embedder.embed_queries([text])[0]

    def encode(self, text: str, translate: bool = True) -> Question:
        """Everything the views need: from the model the vector and, when the index has them
        and the question can use them (English, or Japanese over notes with English pages),
        the latent-term code (from the same pass when the engine is compiled); for an English
        question, unless `translate` is False, its dictionary translations (translation.py)."""
        lang = language(text)
        if self.has_terms and (lang == "en" or self._ja_needs_code):
            vector, terms = self.embedder.embed_query_with_terms(text)
        else:  # the code's share of the pass (SAE over every token, ~0.2x of it) is saved
            vector, terms = self.embed(text), None
        lexicon = self.views["translated"].lexicon
        translations = lexicon.translate(text) if translate and lexicon is not None and lang == "en" else ()
        return Question(text, lang, vector, terms, translations)

    def raw_score(self, question: Question) -> Scores:
        """The fused views alone (no language offsets, no penalty), as calibration probes them.
        The terms view is pooled from line matches computed here once, kept in the result."""
        line_terms = self.terms.line_matches(question)
        scores = {
            s.name: self.terms.best_per_chunk(line_terms) if s.name == self.terms.name else self.views[s.name].score(question)
            for s in signals_for(question.language)
        }
        fused: Fused = fuse(scores, dict(self._ranking_extra))
        dense = [scores[name] for name in ("chunk", "line") if name in scores and len(scores[name])]
        best = {lang: max(float(view[own].max()) for view in dense) for lang, own in self._language_masks.items()}
        return Scores(fused.ranking, fused.match, line_terms, best if dense else {})

    def score(self, question: Question) -> Scores:
        """`raw_score` less the index's measured preference of the question's language for each
        notes language and each chunk's hub penalty (calibration.py), with chunks of mostly
        links ranked after content, chunks that hold no answer line last, and page leads after
        their page's best section (leads.py)."""
        raw = self.raw_score(question)
        spread = self._spread.get(question.language)  # a why-question's reasons rise (reasons.py)
        ranking = raw.ranking - self._calibrated_shift(question) - self._content_penalty + self.reasons.lift(question.text, spread)
        # A lead yields to its page's best section within LEAD_YIELD_SPREAD of the spread (always when unmeasured).
        ranking = self.leads.after_best_section(ranking, np.inf if spread is None else LEAD_YIELD_SPREAD * spread)
        return raw._replace(ranking=ranking)

    def _calibrated_shift(self, question: Question) -> np.ndarray:
        """float32[n_chunks]: the hub penalty, the offset toward the question language's own
        notes, and the one toward the other's in the share of the question written in its own
        script (language.script_share). Offsets are measured with probes wholly in one language;
        a question partly in the other's words (「scratch のファイルに毎週 touch しておけば…」)
        already leans to those notes, and the full offset lifted an English FAQ over the
        Japanese page that answers (heldout12). The own-notes offset (0 where they are preferred,
        as on every index measured) stays whole: where a model under-scores them, a mixed
        question would need more of it. Hit@1 e5 +1 on heldout5 and heldout12, one more
        no-answer caught on heldout6; Gemma +1 on heldout12; nothing else moves over ten corpora
        (docs/evaluation.md, twenty-second pass). Calibration keeps the full offsets
        (Calibration.ranking_shift), so stored calibrations stay valid."""
        lang = question.language
        return self._hub_penalty[lang] + self._own_offsets[lang] + script_share(question.text, lang) * self._other_offsets[lang]

    # --- search -----------------------------------------------------------------------------

    def scopes(self) -> list[str]:
        """Names a search can be limited to: each note's source, then 'source › chapter'
        (Chunk.chapter: a top-level section under the page's own heading; chunking.PATH_SEPARATOR:
        a heading may itself contain ' > ')."""
        return list(dict.fromkeys(name for names in self._chunk_scopes for name in names))

    @cached_property
    def note_titles(self) -> dict[str, str]:
        """Each note's title by source, as its chunks carry it (notes.py: front-matter
        `title:`, else the note's one H1, else its file name), for labels shown to readers;
        made once per loaded index (the page asks on every load and question)."""
        return {c.source: c.title for c in self.chunks}

    @cached_property
    def scope_names(self) -> dict[str, str]:
        """scopes.titled_scopes of this index: each scope's name for readers; made once per
        loaded index (the page asks on every load and question: 0.3 s at 110,000 scopes)."""
        return titled_scopes(self.scopes(), self.note_titles)

    @cached_property
    def page_urls(self) -> dict[str, str]:
        """Each note's wiki page URL by source (cite.page_url of the page path its chunks
        carry), for the notes' own links (notelinks.py); made once per loaded index."""
        bare = bare_root_for(self.settings.wiki_engine, self.settings.wiki_clean_urls)
        return {c.source: page_url(base_url_for(self.settings, c.source), c.source, c.permalink, bare) for c in self.chunks}

    def in_scope(self, scope: str | None) -> np.ndarray:
        """bool[n_chunks]: the chunks a search limited to `scope` (a value of scopes(), 'source >
        chapter', or a name the page's filter shows: scope_names; None or '' for every note) may
        return. UnknownScopeError for an unknown scope (the CLI checks --scope before a batch)."""
        if not scope:
            return np.ones(len(self.chunks), dtype=bool)
        if isinstance(scope, str) and " > " in scope and scope not in self.scopes():  # the earlier 'source > chapter' spelling
            scope = scope.replace(" > ", PATH_SEPARATOR, 1)
        allowed = np.array([scope in names for names in self._chunk_scopes])
        if not allowed.any() and (named := scope_by_name(scope, self.scope_names)):  # as the filter shows it
            allowed = np.array([named in names for names in self._chunk_scopes])
        if not allowed.any():
            # Named as sent (by repr), within a line: a 100 KB value was echoed whole (CLI, API, chat).
            named = repr(scope)
            named = named if len(named) <= 200 else named[:199] + "…"
            raise UnknownScopeError(f"unknown filter {named}; choose a note or chapter from the list",
                                    ja=f"絞り込み {named} はありません。一覧からノートか章を選んでください")
        return allowed

    def search(
        self, question: str, top_k: int | None = None, history: Sequence[str] = (), scope: str | None = None
    ) -> Answer:
        """The top_k (1..query.MAX_TOP_K, default settings.top_k) distinct hits for a
        question, best first, with citation URLs and answer lines. `history`: earlier
        questions, oldest first. Raises QueryError for bad input (query.py)."""
        shown = validate_question(question)
        cut = question_chars(question) > MAX_QUESTION_CHARS  # the reply says so (Answer.question_cut)
        text = match_form(shown)  # matched in NFKC with plain spaces; the Answer keeps the original
        top_k = validate_top_k(self.settings.top_k if top_k is None else top_k)
        history = validate_history(history)
        allowed = self.in_scope(scope)
        if by_filter := bool(scope) and not history and not asks_nothing(text, True) and asks_nothing(text, False, self.vocabulary.writes):
            history = (self.scope_names.get(scope, scope),)  # "いくら？" under a filter asks about what it names, by its title
        if asks_nothing(text, bool(history), self.vocabulary.writes):  # "thanks!", "hi", "What is it?": nothing to look up
            return Answer(shown, (), True, cut, asks_nothing=True)
        asked = conversation(history, text) if history else text  # what the follow-up is searched with
        follow_up = bool(history) and leans_back(text)  # takes its topic from the earlier turns
        own = encoded = self.encode(text)
        translations = own.translations  # the question's own pick its answer lines, as its words do
        alone = with_history = self.score(own)
        fused = alone.ranking
        if history:
            # A follow-up ("その保持期間は？") names its topic only in earlier turns: add the
            # scores of the conversation (query.conversation), in full when the question leans
            # back (`leans_back`: refers back, or names at most one topic word: "何時から何時まで？"
            # took a story-time table over the bookmobile's at 0.3, heldout7 h7f-001), as a
            # weak prior otherwise, weaker the more the question names, so a new topic is not
            # dragged back (verdict.conversation_weight).
            # Searched without dictionary translations: every turn's words as BM25 terms pulled generic
            # chunks up (wiki-dev follow-up Hit@5 1.0 -> 0.9); the question's own count in `alone`.
            encoded = self.encode(asked, translate=False)
            with_history = self.score(encoded)
            fused = fused + conversation_weight(text) * with_history.ranking
        # A replaced section ranks below current ones, unless the question asks about the past (superseded.py).
        superseded = 0.0
        if self.superseded:
            superseded = SUPERSEDED_SPREAD * (self._spread.get(own.language) or 0.0) * self.superseded.current_only(asked if follow_up else text)
            fused = fused - superseded
        # The conversation picks sections; the question picks their answer lines, halfway with
        # its conversation for a follow-up (docs/evaluation.md, thirty-eighth pass).
        lines_by, line_scores = (encoded.toward(own), with_history) if follow_up else (own, alone)
        groups, hits = self._hits(fused, allowed, top_k, lines_by, line_scores, text, translations, asked=asked if follow_up else text)
        # Under a filter, a far better match outside it: the filter does not answer (verdict.py); not for a question whose topic is the filter.
        outside = lambda ranking: not by_filter and answered_outside(ranking, allowed, max(filter(None, self._spread.values()), default=None))  # noqa: E731
        if history and not follow_up:
            # A question with a topic of its own gets the "not in the notes" it gets alone.
            # Judged on the hits an earlier turn on another topic drew in (often a page in
            # the other language, with its lower floor), no-answer questions were answered
            # in the chat, which sends every earlier question (heldout7, a fresh tester).
            own_groups, own_hits = self._hits(alone.ranking - superseded, allowed, QUANTITY_HITS, own, alone, text, translations, False)
            return Answer(shown, hits, self.verdict.unanswered(text, text, own_groups, own_hits, alone.match, alone.match,
                                                               (own.vector, alone.notes_best)) or outside(alone.ranking - superseded), cut)
        # The verdict reads the first QUANTITY_HITS hits whatever top_k shows: judged on the
        # hits shown, one question was "not in the notes" at k=1 and answered at k=5 (a fresh
        # user, wiki-dev). Hits are grouped greedily, so the first ones of a longer list can
        # hold more joined chunks: made again at that k, in ranking order (the best match is judged,
        # not a section it points at, pointers.py: its weaker score flagged heldout14's h14f-004).
        judged_groups, judged_hits = self._hits(fused, allowed, QUANTITY_HITS, encoded, with_history, text, translations, False)
        # An elliptical follow-up ("How much?") is judged by its conversation, not its words alone.
        own_nearest = None if follow_up else (own.vector, alone.notes_best)
        return Answer(shown, hits, self.verdict.unanswered(text, asked, judged_groups, judged_hits, alone.match,
                                                           with_history.match, own_nearest) or outside(fused), cut)

    def _hits(self, ranking: np.ndarray, allowed: np.ndarray, top_k: int, encoded: Question, scores: Scores, text: str,
              translations: tuple, pointed: bool = True, asked: str = "") -> tuple[list[list[int]], tuple[Hit, ...]]:
        """(groups, hits): the top_k distinct hits in scope of `ranking`, their answer lines
        picked with the vector and line matches of `encoded` and `scores` and the question's
        own words and translations; when `pointed`, a section the first hit points at first
        (pointers.py; `asked`: what says whether it asks about the past, its conversation for a follow-up)."""
        ranking = np.where(allowed, ranking, -np.inf)
        groups = self.grouper.groups(ranking, allowed, max(top_k, POINTED_HITS) if pointed else top_k)
        hits = [self._hit(g, ranking[g[0]], encoded.vector, scores.line_terms, text, translations) for g in groups]
        return self.pointers.pointed_first(groups, hits, top_k, text, asked) if pointed else (groups, tuple(hits))

    def _hit(self, group: list[int], score: float, query: np.ndarray, line_terms: np.ndarray | None, question: str,
             translations: tuple[tuple[str, tuple[str, ...]], ...]) -> Hit:
        lines = self.ranker.highlights(group, query, question, line_terms, translations)
        # Joined sections cite the one holding the first answer line, so the link lands on it:
        # cited by the best-ranked one, "遅刻（旧）" linked a fee table's row in the section above.
        holding = [i for i in group if lines and self.chunks[i].line_start <= lines[0] <= self.chunks[i].line_end]
        cited = self.chunks[(holding or group)[0]]
        c = cited if len(group) == 1 else merged([self.chunks[i] for i in sorted(group)], cited)
        url = citation_url(base_url_for(self.settings, c.source), c.source, c.permalink, c.anchor,
                           bare_root_for(self.settings.wiki_engine, self.settings.wiki_clean_urls))
        return Hit(c, float(score), url, lines)


def _chunk_languages(chunks) -> np.ndarray:
    """str[n_chunks]: each chunk's note's language. Per note, not per chunk: an English-heavy
    chunk of a Japanese note (a table of service names) is still read by people who wrote
    the rest in Japanese."""
    texts: dict[str, list[str]] = defaultdict(list)
    for c in chunks:
        texts[c.source].append(c.text)
    by_note = {source: notes_language("\n".join(parts)) for source, parts in texts.items()}
    return np.array([by_note[c.source] for c in chunks])
