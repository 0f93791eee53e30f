"""Answer lines: which lines of a hit are highlighted as the answer, best first.

A line's score is its embedding's similarity to the question, plus 0.3 x its context's (a
nested bullet's parent, else itself: LINE_CONTEXT_WEIGHT), plus a little for sharing the
question's words (Japanese line@3 0.77 -> 0.86 on the seed dev set) and, when the question
has a latent-term code, its latent-term match at the fusion table's weight (English line@3
0.63 -> 0.69, line±1 0.57 -> 0.66), and as much for a table row or item the question picks
by its key (rowkeys.py) or a line holding the quantity it asks for (quantities.py).
Headings, `<summary>`, admonition openers, bare labels and link-only lines frame an answer;
they are never highlighted unless a chunk has nothing else.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import Sequence

import numpy as np

from .chunking import Chunk
from .fusion import WEIGHTS
from .lexical import SharedTokens, TextTokens, text_tokens, tokenize
from .lines import LineUnit, code_lines, is_content, is_table_header, parent_line
from .paragraphleads import is_list_lead_in, leading_lines
from .quantities import asked_answers, gives_answer
from .daterows import date_fit, question_dates, row_dates
from .rowkeys import RowKeys, key_fit, named_phrase, names_key, question_numbers, read_row_and_key
from .navigation import navigation_lines
from .textnorm import match_form
from .topicwords import ELLIPTICAL_KEY_TERMS, topic_words
from .vectors import VectorIndex

HIGHLIGHTS = 3  # lines shown per hit
# Per share of the question's words found in the line; for an English question over Japanese
# notes, per share of its words whose dictionary translation (translation.py) is in the line
# (measured: en>ja line@3 seed 0.714 -> 0.743, wiki-dev 0.727 -> 0.773; held-out unchanged).
LINE_LEXICAL_WEIGHT = 0.1
# A line also counts the similarity of its context: a nested bullet's parent bullet, any other
# line's own (seed line@3 0.771 -> 0.814 at 0.3 and 0.5; wiki-dev unchanged).
LINE_CONTEXT_WEIGHT = 0.3
# A table row or "key: value" item whose key is a number the question states ("a 12 kg
# beagle": "| 10–20 kg | 2,420 yen |") gets what a full share of the question's words gets
# (rowkeys.py): line@3 e5 +1, Gemma +3 over 16 corpora, none lost; twice that weight
# gained nothing more and lost a line±1 in each profile (docs/evaluation.md, thirty-first pass).
# So does a row whose key cell the question names ("And the gym?": "| Gym | ..."): a helper's
# 122 follow-ups, first line right e5 79 -> 82, Gemma 97 -> 99 (thirty-eighth pass).
ROW_KEY_WEIGHT = LINE_LEXICAL_WEIGHT
# A line holding a quantity of the kind the question asks for (quantities.asked_answers: a
# price for "いくら？", a clock time for "What time ...?") gets it too: the line that shares the
# question's words ("会場: 2階 企画展示室") is often not the one with the value (a fresh user,
# 2026-12-05). The 89 asking questions of 18 corpora: first line right e5 53 -> 57, Gemma
# 63 -> 65 (+4, -2: "How much do we charge?" answered by "30% of the first night"); 0.05
# gained less, 0.2 the same (docs/evaluation.md, thirty-ninth pass).
ASKED_KIND_WEIGHT = LINE_LEXICAL_WEIGHT
# A row whose cell under a column the question names says "none" ("| 川沿い緑地 | 15 分 | なし |"
# under "トイレ") is the one row that does not have what it asks for: 「トイレがある公園はどこ？」
# showed "トイレ: なし" first (a fresh user, heldout24, both profiles). It loses what sharing
# the column's word gained it (LINE_LEXICAL_WEIGHT), unless the question asks for what lacks it.
_NONE_CELL = re.compile(r"(?:^|; )([^;:]{1,40}): (?:なし|無し|無|ない|×|✕|✖|不可|非対応|未対応|no|none|n/a|-|—|–)\s*(?=;|$)",
                        re.IGNORECASE)
_ASKS_LACK = re.compile(r"ない|無い|なし|無し|\bwithout\b|\bno\b|\bnot\b|n't\b|\blacks?\b", re.IGNORECASE)


def denies_asked_column(question: str, line: str) -> bool:
    """True when `line` (a table row as indexed: "column: value; ...", match form) says "none"
    in a column the question (match form, lowercase) names, and the question does not ask
    for what lacks it."""
    if _ASKS_LACK.search(question):
        return False
    # A row the question names is asked about, "none" or not: 「川沿い緑地にトイレはある？」 (an attack)
    if any(len(cell) >= 2 and cell.lower() in question for cell in (part.rsplit(": ", 1)[-1].strip() for part in line.split("; "))):
        return False
    return any(column.strip().lower() in question for column in _NONE_CELL.findall(line) if column.strip())


# A letter and a digit side by side: an identifier ("SEV1", "p2", "B2F", "3号機"), not a word.
_IDENTIFIER = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")


class LineRanker:
    """Ranks the answer lines of a chunk for one question."""

    def __init__(self, chunks: Sequence[Chunk], lines: Sequence[LineUnit], line_vectors: VectorIndex):
        self.lines = lines
        self.line_vectors = line_vectors
        self.chunk_lines: list[list[int]] = [[] for _ in chunks]
        for i, unit in enumerate(lines):
            self.chunk_lines[unit.chunk].append(i)
        # bool[n_lines]: whether the line can be an answer (lines.is_content, not navigation)
        self.line_content = np.zeros(len(lines), dtype=bool)
        # bool[n_lines]: a navigation line (navigation.navigation_lines): never an answer, and what
        # makes a chunk of mostly links rank after content (retrieve.py)
        self.line_navigation = np.zeros(len(lines), dtype=bool)
        # bool[n_lines]: a pipe table's header row (lines.is_table_header), a paragraph's bold
        # lead (paragraphleads.leading_lines) or a list's lead-in (paragraphleads.is_list_lead_in): it names
        # columns, asks or introduces, and is never shown as the answer (fresh testers,
        # 2026-12-01). It still counts as content for scoring: it carries the columns' words,
        # and taking it out of the line signal moved the calibrated floors (Gemma, wiki-dev:
        # one no-answer question no longer caught).
        self.line_header = np.zeros(len(lines), dtype=bool)
        # int64[n_lines]: the unit of each line's parent bullet (lines.parent_line), or itself
        self.line_context = np.arange(len(lines), dtype=np.int64)
        self._line_chars = np.zeros(len(lines), dtype=np.int64)  # the line's characters, stripped
        # Each line's match form and tokens, made on its first hit rather than for every hit
        # of every question (`_tokens`; ~2 ms of a search's ~5 ms outside the model,
        # docs/performance.md, 2026-12-01).
        self._line_tokens: dict[int, TextTokens] = {}
        self._row_keys: dict[int, RowKeys] = {}  # rowkeys.row_keys of the lines that have any
        self._row_names: dict[int, frozenset[str]] = {}  # rowkeys.key_names of the lines that have any
        self._row_dates: dict[int, tuple[tuple[int, int], ...]] = {}  # daterows.row_dates of rows that give any
        unit_of = {(unit.chunk, unit.line): i for i, unit in enumerate(lines)}
        split_chunk, text, code, nav, leads = -1, [], [], [], set()  # the current chunk's lines, code, navigation, leads
        for i, unit in enumerate(lines):
            c = chunks[unit.chunk]
            if unit.chunk != split_chunk:
                split_chunk, text = unit.chunk, c.text.split("\n")
                code = code_lines(text)
                nav = navigation_lines(text, code)
                leads = leading_lines(text)
            at = unit.line - c.line_start
            self.line_navigation[i] = nav[at]
            self.line_content[i] = is_content(text[at], code[at]) and not nav[at]
            self.line_header[i] = is_table_header(text, at) or at in leads or is_list_lead_in(text, at, code)
            self._line_chars[i] = len(text[at].strip())
            if self.line_content[i] and not self.line_header[i]:
                keys, names, key = read_row_and_key(text[at], named=not code[at])
                if keys is not None:
                    self._row_keys[i] = keys
                if names:
                    self._row_names[i] = names
                dates = row_dates(key) if key else ()
                if dates:
                    self._row_dates[i] = dates
            parent = parent_line(text, at)
            if parent is not None:
                self.line_context[i] = unit_of.get((unit.chunk, c.line_start + parent), i)
        # bool[n_chunks]: the chunk has an answer line (content, not a header): made once here,
        # not for each search's hits (`highlights`)
        self.chunk_answers = np.zeros(len(chunks), dtype=bool)
        for i in np.flatnonzero(self.line_content & ~self.line_header):
            self.chunk_answers[lines[i].chunk] = True

    def answer_chars(self, n_chunks: int) -> np.ndarray:
        """int64[n_chunks]: the characters (stripped) of each chunk's answer lines."""
        chars = np.zeros(n_chunks, dtype=np.int64)
        for i in np.flatnonzero(self.line_content):
            chars[self.lines[i].chunk] += self._line_chars[i]
        return chars

    def line_scores(
        self,
        chunk_id: int,
        query: np.ndarray,
        words: SharedTokens,
        line_terms: np.ndarray | None = None,
        translations: Sequence[tuple[str, Sequence[str]]] = (),
        numbers: tuple[tuple[str, str], ...] = (),
        named: frozenset[str] = frozenset(),
        asked: tuple[re.Pattern, ...] = (),
        question: str = "",
        dates: tuple[int, ...] = (),
    ) -> list[tuple[float, int]]:
        """(score, 1-based line number) for every answer line of a chunk, best first.
        `query` is the question's float32[dim] vector, `words` its tokens
        (lexical.SharedTokens), `line_terms` the float32[n_lines] latent-term matches
        (views.LatentTermsView.line_matches) or None, `translations` the question's words
        with their Japanese headwords (translation.Lexicon.translate), `numbers` the ones it
        states (rowkeys.question_numbers), `named` its topic word when it names only one (a
        row keyed by it, rowkeys.names_key, gets ROW_KEY_WEIGHT as a row it picks by number),
        `asked` the patterns of the quantities it asks for (quantities.asked_answers: a line
        holding one, as indexed with its table header, gets ASKED_KIND_WEIGHT), `question`
        the question's match form, lowercase, with its words' Japanese headwords (a row saying
        "none" in a column it names loses LINE_LEXICAL_WEIGHT: `denies_asked_column`)."""
        ids = self.chunk_lines[chunk_id]
        # A chunk without answer lines shows its other lines (a heading), never its links.
        ids = ([i for i in ids if self.line_content[i] and not self.line_header[i]]
               or [i for i in ids if not self.line_navigation[i] and not self.line_header[i]] or ids)
        if not ids:
            return []
        vectors = self.line_vectors.vectors(np.array(ids, dtype=np.int64))
        shared = [words.count_in(self._tokens(i)) / max(words.n, 1) for i in ids]
        context = self.line_vectors.vectors(self.line_context[ids])
        scores = vectors @ query + LINE_CONTEXT_WEIGHT * (context @ query) + LINE_LEXICAL_WEIGHT * np.array(shared)
        if line_terms is not None:
            scores += WEIGHTS["terms"] * line_terms[ids]
        if translations:
            scores += LINE_LEXICAL_WEIGHT * np.array(translated_shares(translations, [self._tokens(i).form for i in ids]))
        if (numbers and self._row_keys) or (named and self._row_names) or (dates and self._row_dates):
            # Of rows that hold the stated number, the closest only ("Over 65", not "18 and over");
            # a row giving dates is held by a date the question names (daterows.py), not by its digits
            fits = [date_fit(dates, self._row_dates[i]) if dates and i in self._row_dates
                    else key_fit(numbers, self._row_keys[i]) if i in self._row_keys else None for i in ids]
            closest = min((fit for fit in fits if fit is not None), default=None)
            scores += ROW_KEY_WEIGHT * np.array([(fit is not None and fit == closest)
                                                 or (i in self._row_names and names_key(named, self._row_names[i]))
                                                 for i, fit in zip(ids, fits)])
        if asked:
            scores += ASKED_KIND_WEIGHT * np.array([gives_answer(asked, self.lines[i].text) for i in ids])
        if question:
            # each line's match form as already made for its tokens, not made again per question
            scores -= LINE_LEXICAL_WEIGHT * np.array([denies_asked_column(question, self._tokens(i).form) for i in ids])
        return [(score, self.lines[i].line) for score, i in sorted(zip(scores.tolist(), ids), reverse=True)]

    def _tokens(self, line: int) -> TextTokens:
        # Filled on demand: only lines of hits are ever scored. Two threads making one line's
        # tokens at once store equal values.
        found = self._line_tokens.get(line)
        if found is None:
            found = self._line_tokens[line] = text_tokens(match_form(self.lines[line].text))
        return found

    def highlights(
        self,
        group: Sequence[int],
        query: np.ndarray,
        text: str,
        line_terms: np.ndarray | None,
        translations: Sequence[tuple[str, Sequence[str]]] = (),
    ) -> tuple[int, ...]:
        """The HIGHLIGHTS best answer lines over the chunks of one hit (`text`: the question;
        the others as `line_scores`)."""
        words, numbers = SharedTokens(tokenize(text)), question_numbers(text)
        # Only a question naming one thing picks a row by name ("And the gym?", "E90 は？"): in
        # "How do I deploy with CodeDeploy blue/green?" the item "- Deploy : ..." is no choice.
        # A name with a digit in it ("SEV1", "R2", "3F") picks its row whatever else the question
        # names: an embedding barely tells "SEV1" from "SEV2", so "SEV1の応答時間は？" showed the
        # SEV2 row ("1 hour": 時間) first (a fresh user, 2026-12-06).
        topics = [match_form(w).lower() for w in topic_words(text)]
        named = frozenset(topics if len(topics) <= ELLIPTICAL_KEY_TERMS else filter(_IDENTIFIER.search, topics))
        phrase = named_phrase(text, frozenset(topics))  # a name of words that stand together: "CLASS III"
        named = named | {phrase} if phrase else named
        asked = asked_answers(text)
        # A joined chunk without answer lines (a "関連ページ" link list beside a fee section)
        # offers its heading only when no chunk of the hit has answer lines: it led the fees'
        # lines, and the hit was cited by it (tests/test_navigation.py, with joined hits cited by
        # their first answer line).
        answering = [i for i in group if self.chunk_answers[i]]
        scored = sorted((s for i in answering or group
                         for s in self.line_scores(i, query, words, line_terms, translations, numbers, named, asked,
                                                   _asking_words(text, translations), question_dates(text))), reverse=True)
        return tuple(line for _, line in scored[:HIGHLIGHTS])


def _asking_words(question: str, translations: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The question's match form, lowercase, with its words' Japanese headwords (`translations`)
    after it: "Which parks have a toilet?" names the column トイレ."""
    return "\n".join([match_form(question).lower(), *(form for _, forms in translations for form in forms if form)])


def translated_shares(translations: Sequence[tuple[str, Sequence[str]]], lines: Sequence[str]) -> list[float]:
    """For each line, the share of translated question words (`translations`: word, its
    headwords) with at least one headword in the line (lines in their match form, as the
    headwords are: translation.Lexicon.build). Each headword is found by one scan of all the
    lines (str.find), not tested line by line in Python: that loop was 1.8 ms of an English
    question's 35 ms search (cProfile, the 35 English dev questions, 2026-12-01)."""
    if not translations:
        return [0.0] * len(lines)
    text = "\n".join(lines)
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))  # line i: text[starts[i]:]
    found = [0] * len(lines)
    for _, forms in translations:
        hit: set[int] = set()
        for form in forms:
            if not form or "\n" in form:  # "" is in every line; a line holds no newline
                hit.update(range(len(lines)) if not form else ())
                continue
            at = text.find(form)
            while at >= 0:  # a match never spans lines (forms hold no newline); on to the next line
                line = bisect_right(starts, at) - 1
                hit.add(line)
                at = text.find(form, starts[line + 1])
        for i in hit:
            found[i] += 1
    return [n / len(translations) for n in found]
