"""The "not in the notes" verdict of one search, from noanswer.py's signals and the index's
calibration (calibration.py), and whether a question takes its topic from earlier turns.

retrieve.py ranks; this module decides whether what it ranked answers the question.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .background import Background
from .calibration import SAME_LANGUAGE_NO_SHARED_TERM_POSITION, Calibration
from .chunking import Chunk
from .hits import Hit
from .language import language
from .lines import TABLE_ROW, LineUnit, is_table_header_row, is_todo_note, row_text, table_header
from .mdlines import code_lines
from .nameddetails import NAMED_DETAILS, answer_text, lines_about
from .paragraphleads import DEFINITION, definition_term
from .quantities import asked_answers, gives_answer, without_quantity_words
from .noanswer import (asks_forecast, carries_quoted_terms, is_small_talk, is_unanswered, key_term_share,
                       missing_quantity, names_nothing, other_year, shares_no_word)
from .translation import Lexicon
from .vocabulary import Vocabulary
from .query import refers_back, without_references
from .topicwords import ELLIPTICAL_KEY_TERMS, topic_words

# The conversation as a prior for a question that does not lean back: a follow-up naming two
# words ("How long at most?") still needs it (at 0 it fell from rank 1, heldout5); a question
# naming more has a topic of its own: against a flat 0.3, 0 put seven more unrelated-history
# questions right at rank 1 over six corpora for e5 (docs/evaluation.md, seventeenth pass).
HISTORY_PRIOR = 0.3
HISTORY_PRIOR_TERMS = 2
KEY_TERMS_CARRIED = 0.6  # share of a question's key terms in the top line that rules out a weak-score flag
QUANTITY_HITS = 3  # hits whose answer lines may give the quantity a question asks for (noanswer.missing_quantity)


def leans_back(question: str) -> bool:
    """True when a question takes its topic from earlier turns: it refers back ("その場合は？",
    "What about it?") or names at most ELLIPTICAL_KEY_TERMS topic words ("何時から何時まで？";
    topicwords.topic_words)."""
    return refers_back(question) or len(topic_words(question)) <= ELLIPTICAL_KEY_TERMS


def asks_nothing(question: str, after_turns: bool, writes: Callable[[str], bool] | None = None) -> bool:
    """True for a turn the notes cannot answer whatever they hold: thanks, a greeting or an
    acknowledgement ("ありがとう", "OK, got it": noanswer.is_small_talk), or, first in a chat
    (`after_turns` False), a question that names nothing ("What is it?", "hi"), nor one whose
    only words point back ("その場合は？", "In that case?": answered with a fragment, a fresh
    user, wiki-dev). After earlier turns a question naming nothing is an elliptical follow-up
    ("How much?") and takes its topic from them; thanks there took it too and were answered
    from it with full confidence (a fresh user, wiki-dev, 2026-12-05). `writes`: whether the
    notes write a hiragana word (noanswer.names_nothing)."""
    return is_small_talk(question) or (not after_turns and names_nothing(without_references(question), writes))


def conversation_weight(question: str) -> float:
    """Weight (0..1) of the conversation's scores in the ranking of a question asked after
    earlier turns: 1 when it leans back; else HISTORY_PRIOR for up to HISTORY_PRIOR_TERMS topic
    words, shrinking as HISTORY_PRIOR_TERMS / n beyond: the more a question names, the more
    it has a topic of its own."""
    if leans_back(question):
        return 1.0
    return HISTORY_PRIOR * min(1.0, HISTORY_PRIOR_TERMS / len(topic_words(question)))


# Under a filter, how far (in shares of the index's spread, calibration.py) a match outside it
# may outrank the filter's best before the reply is "not in the notes": the filter holds the
# topic's weak matches, not its answer. Over 18 corpora's 908 answerable questions with a
# source, each filtered to a note picked at random other than its source: e5 answered 424
# from the wrong note, Gemma 186; at 0.5, 241 and 124 of them are flagged, and 9 and 3 of the
# 908 filtered to their own source (their best match lay elsewhere); 0.75: 99 / 56 and 2 / 2;
# 0.25: 368 / 160 and 56 / 12 (docs/evaluation.md, fortieth pass; a fresh user's filtered
# question, 2026-12-05).
SCOPE_MARGIN = 0.5


def answered_outside(ranking: np.ndarray, allowed: np.ndarray, spread: float | None) -> bool:
    """True under a filter (`allowed`: bool[n_chunks], not all True) when the best chunk
    outside it outranks the best inside by more than SCOPE_MARGIN x `spread` (the larger of
    the index's calibrated spreads, as measured; None: unmeasured, never true).
    `ranking`: float32[n_chunks], the search's fused ranking."""
    if allowed.all() or not allowed.any() or not spread:
        return False
    return float(ranking.max() - ranking[allowed].max()) > SCOPE_MARGIN * spread


def about_the_asked_thing(question: str, hits: Sequence[Hit], hit_languages: Sequence[str],
                          lexicon: Lexicon | None = None) -> list[Hit]:
    """The hits whose answer lines may give the quantity a question asks for: of the hits in
    the question's language, those whose heading path and text carry the largest share of its
    key terms (noanswer.key_term_share); of an English question's hits in Japanese, those
    carrying the largest share of its dictionary translations (`lexicon`, translation.py);
    every other hit (a Japanese question's words in English cannot be compared). The shares
    are compared within each kind, never across. 「白波リネンの電話番号は？」 was answered by the
    third hit, another vendor's phone table, while the first two, about 白波リネン, give no
    number (heldout9, both profiles). Measured on eleven corpora (docs/evaluation.md,
    twenty-fourth pass): no-answer caught e5 +1, Gemma +3, no answered question flagged.
    Comparing across languages by the words themselves flagged nine answered questions for
    e5, a Japanese question's English answer holding none of its words. With the translations
    over 18 corpora, Gemma catches two no-answer questions more ("What are the opening hours of
    Sakuradai North Clinic?" was answered by a bus route's times), e5 none; no answered
    question moves in either (docs/evaluation.md, forty-fourth pass).
    `hits`: best first; `hit_languages`: each hit's notes language ('ja' / 'en')."""
    asked_in = language(question)
    about = without_quantity_words(question)  # "time" of "What time ...?" names no topic
    translations = lexicon.translate(about) if lexicon is not None and asked_in == "en" else ()

    def share(hit: Hit, hit_language: str) -> tuple[str | None, float]:
        """(how the hit's words were compared, or None when they cannot be; the share)."""
        if hit_language == asked_in:
            return "words", key_term_share(about, hit.chunk.embed_text)
        if translations:
            text = hit.chunk.embed_text
            return "translations", sum(any(form in text for form in forms) for _, forms in translations) / len(translations)
        return None, 0.0

    shares = [share(hit, hit_language) for hit, hit_language in zip(hits, hit_languages)]
    best: dict[str, float] = {}
    for how, value in shares:
        if how is not None:
            best[how] = max(best.get(how, 0.0), value)
    return [hit for hit, (how, value) in zip(hits, shares) if how is None or value >= best[how]]


class EmbeddedRows:
    """(chunk position, 1-based line) -> that line as indexed, without its heading (a table
    row with its header's cells: lines.line_units reads the whole note), or None when it is
    no answer line of that chunk. `line_chunk`: int64[n_lines], each line unit's chunk."""

    def __init__(self, chunks: Sequence[Chunk], lines: Sequence[LineUnit], line_chunk: np.ndarray):
        self.chunks, self.lines, self.line_chunk = chunks, lines, line_chunk

    def __call__(self, chunk: int, line: int) -> str | None:
        path = self.chunks[chunk].heading_path
        for i in np.flatnonzero(self.line_chunk == chunk):
            if self.lines[i].line == line:
                return self.lines[i].text.removeprefix(f"{path[-1]}: " if path else "")
        return None


class Verdict:
    """Decides "not in the notes" for searches of one loaded index."""

    def __init__(self, calibration: Calibration, chunk_languages: np.ndarray, vocabulary: Vocabulary,
                 cross_language_position: float, embedded_row: Callable[[int, int], str | None] | None = None,
                 background: Background | None = None, no_shared_term_position: float = SAME_LANGUAGE_NO_SHARED_TERM_POSITION,
                 lexicon: Lexicon | None = None):
        self.calibration = calibration
        self.lexicon = lexicon  # the index's dictionary translations (translation.py), for about_the_asked_thing
        self.chunk_languages = chunk_languages  # str[n_chunks]: 'ja' / 'en'
        self.vocabulary = vocabulary
        self.cross_language_position = cross_language_position  # the model profile's (profiles.py)
        # (chunk position, 1-based line) -> that table row with its header as indexed
        # (lines.line_units, from the whole note), or None: a row of a long table split over
        # chunks has its header in an earlier chunk (a helper's attack, 2026-12-04).
        self.embedded_row = embedded_row
        self.no_shared_term_position = no_shared_term_position  # the model profile's (profiles.py)
        self.background = background  # everyday topics the notes compete with (background.py), or None

    def unanswered(self, question: str, asked: str, groups: Sequence[Sequence[int]], hits: Sequence[Hit],
                   alone: np.ndarray, with_history: np.ndarray, nearest: tuple[np.ndarray, dict[str, float]] | None = None) -> bool:
        """"Not in the notes": a turn that asks nothing (`asks_nothing`; Searcher.search
        answers it before searching), a question asking what the weather will be
        (noanswer.asks_forecast), one sharing no word with the notes (noanswer.shares_no_word),
        a top answer line that is the writer's TODO note (lines.is_todo_note), a name the notes
        never mention, an asked quantity the first hits never give, or a top score under the
        index's calibrated floor for this question language and the top hit's notes language
        or a question nearer to an everyday topic than to the notes (background.py), unless
        the top answer line carries the question's own key terms.
        `asked`: the question with the conversation it was searched with (the question itself
        without history); `groups`/`hits`: the search's distinct hits, best first; `alone`,
        `with_history`: float32[n_chunks] calibrated `match` scores (fusion.py) of the question
        and of `asked`; `nearest`: the question's own vector (float32[dim]) and its best
        cosine with the notes per notes language (retrieve.Scores.notes_best), None for a
        follow-up that leans back."""
        if not groups or asks_nothing(question, asked != question, self.vocabulary.writes):
            return True
        if asks_forecast(question):  # what the weather will be: in no note (noanswer.asks_forecast)
            return True
        if asked == question and shares_no_word(question, self.vocabulary, self.lexicon):
            return True  # not a word of the notes, in any language ("asdf qwer"); a follow-up takes its topic
        top = groups[0][0]
        # The better of the question alone and with the conversation: either may carry it.
        top_score = float(max(alone[top], with_history[top]))
        hit = hits[0]
        first = hit.highlight_lines[0] if hit.highlight_lines else hit.chunk.line_start
        body = hit.chunk.page_text.split("\n")  # as the page shows it: no words of a comment
        line = body[first - hit.chunk.line_start]
        # The best line is the writer's note that this is not written yet ("TODO: dates and fee
        # of the summer course, added in May"): the notes say themselves that they do not answer.
        # Near-misses of three held-out wikis ended there (heldout12, 13, 20). A log line in a
        # code block ("TODO: checkpoint not saved, retrying") is text the notes quote.
        if is_todo_note(line) and not code_lines(body)[first - hit.chunk.line_start]:
            return True
        if other_year(question, hit.chunk.embed_text):  # "2027年度の目標" over this year's target
            return True
        # A table row answers with its header, as the reply shows it: "| 大部屋 A | 20 | |"
        # carries "room" only through its column names ("Which room can take them?", heldout16
        # h16-042, flagged "not in the notes" in both profiles). Fourteen corpora: that flag
        # gone in both; e5 answers one no-answer question more (h7n-007, "pay per page" in a
        # price table's header); docs/evaluation.md, twenty-sixth pass.
        # The header only places the floor: its generic column names ("Name", "Notes", 料金)
        # must not carry a question's key terms past it, nor may the header row itself (a
        # helper's attacks, 2026-12-04: "What is the name of the fee?" over any "| Name | Fee |"
        # table was never flagged).
        at = first - hit.chunk.line_start + 1
        header = table_header(body, at)
        shown = row_text(header, line) if header else line
        carried = "" if is_table_header_row(body, at) else line
        if header is None and carried and TABLE_ROW.match(line) and self.embedded_row is not None:
            shown = next(filter(None, (self.embedded_row(chunk, first) for chunk in groups[0])), line)
        # A definition is read with its term, its subject ("採暖室: サウナではない", heldout17
        # h17-038: flagged with the term left out). Unlike a table's column names, a term is
        # no generic label, so it may carry the question's key terms too.
        term = definition_term(body, at) if header is None else None
        if term:
            shown = carried = f"{term}: {line}"
        elif header is None and DEFINITION.match(line) and self.embedded_row is not None:
            # Its term in the chunk before (a glossary's term and definition too long for one
            # chunk): the line as indexed holds it (lines.line_units reads the whole note).
            shown = carried = next(filter(None, (self.embedded_row(chunk, first) for chunk in groups[0])), line)
        # A follow-up ("その場合は？") names its topic in earlier turns: the conversation's
        # terms count as its own.
        shares_terms = max(key_term_share(question, shown), key_term_share(asked, shown)) > 0
        share = max(key_term_share(question, carried), key_term_share(asked, carried))
        floor = self.calibration.floor(language(question), str(self.chunk_languages[top]), shares_terms=shares_terms,
                                       cross_language_position=self.cross_language_position,
                                       no_shared_term_position=self.no_shared_term_position)
        # A term the question quotes, found in the top line, is what it asks about, however
        # many other words it adds ("The brewers keep saying they'll 'crash' FV2 tomorrow. What
        # does that mean?" over the glossary's "クラッシュ［crash］", heldout15, Gemma).
        if share >= KEY_TERMS_CARRIED or carries_quoted_terms(question, carried):
            floor = -np.inf
        # A question of a detail alone ("How much?", 「いくら？」) takes its topic from the
        # filter or the turns before: a top line giving that kind of detail answers it (a fresh
        # user on heldout29: "How much?" under the guest players' page, over "| Fee | ¥12,000 |").
        elif asked != question and asks_nothing(question, False) and gives_answer(asked_answers(question), shown):
            floor = -np.inf
        # A question nearer to an everyday topic (the weather, a curry recipe, a visa) than to
        # anything the notes say asks about something they do not cover, however close it
        # comes to the floor. Over 18 corpora it catches no-answer questions the floor let
        # through (e5 and Gemma) and flags no evaluated answered question; a helper's English
        # question on commuting pay over Japanese notes, flagged while topics of any language
        # met the notes, is answered since they meet per notes language (docs/evaluation.md,
        # thirty-fifth and thirty-sixth passes).
        elif nearest is not None and self.background is not None and self.background.nearer(*nearest, language(question)):
            return True
        # A question asking for a quantity none of the first hits about what it asks gives
        # ("何日間保存する？" over a logging page that names no duration) is not answered,
        # however well it matches.
        judged_languages = [str(self.chunk_languages[group[0]]) for group in groups[:QUANTITY_HITS]]
        judged = about_the_asked_thing(question, hits[:QUANTITY_HITS], judged_languages, self.lexicon)
        if missing_quantity(question, (answer_text(h) for h in judged)):
            return True
        # Of the details asked of one named thing, only lines about it count (NAMED_DETAILS).
        # (a generator: read only when the question asks for one)
        about = (lines_about(question, h, hit_language, self.lexicon) for h, hit_language in zip(hits, judged_languages)
                 if any(h is j for j in judged))
        if missing_quantity(question, about, NAMED_DETAILS):
            return True
        return is_unanswered(question, top_score, floor, self.vocabulary, self.lexicon)
