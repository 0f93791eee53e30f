"""Deciding that the notes do not answer a question.

Two signals that hold for unseen questions, not a list of them:
  * names the notes never mention: a service, tool or option in the question (a capitalised
    run such as "Control Tower", a token such as "gp3" or "values.yaml") that occurs nowhere
    in the corpus. Questions about something absent are the commonest no-answer case.
  * a weak best match: the fused score of the top hit is below what answerable questions
    reach. Dense similarities of e5 sit higher for Japanese text, so the floor is per language.
What this leaves out: details the notes omit about a service they do cover, when the
question's wording still matches well (measured and reported in docs/evaluation.md).
"""
from __future__ import annotations

from .textnorm import match_form

import re
from typing import Iterable

from .lexical import language

# Fused-score floors, calibrated on the dev sets so that about 3% of answerable questions
# fall below them (see docs/evaluation.md); they move if the scoring weights change.
MIN_TOP_SCORE = {"ja": 2.27, "en": 2.0}

# A leading "/" is kept: a path such as /tmp is a name even in lower case.
_TOKEN = re.compile(r"/?[A-Za-z0-9][A-Za-z0-9_.\-/]*[A-Za-z0-9]|[A-Za-z0-9]")
_FUNCTION_WORDS = frozenset(
    "what how which when where why who whom whose can could is are was were does do did if i a an the "
    "my our your in on of to for and or with by from at it its this that these those there be as any much many "
    "per should would they their team we you after before above below between while during using use".split()
)
_SERVICE_PREFIXES = ("aws", "amazon")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(match_form(text))  # NBSP/U+3000 separate words; full-width ASCII folds


class Vocabulary:
    """The ASCII words of the corpus, lowercased, for O(1) look-ups."""

    def __init__(self, texts: Iterable[str]):
        self.words: set[str] = set()
        for text in texts:
            self.words.update(t.lower().lstrip("/") for t in _tokens(text))

    def knows(self, run: list[str]) -> bool:
        """True when the words of a name occur in the corpus, allowing plurals and spacing
        variants such as "Route 53" / "Route53"."""
        words = [w.lower().lstrip("/") for w in run]
        while len(words) > 1 and words[0] in _SERVICE_PREFIXES:
            words = words[1:]
        if "".join(words) in self.words:
            return True
        # Every word known is enough: requiring the exact phrase would flag English names
        # whose notes spell them in katakana ("Block Public Access" / ブロックパブリックアクセス).
        return all(w in self.words or (w.endswith("s") and w[:-1] in self.words) for w in words)


def _is_name(token: str, sentence_start: bool) -> bool:
    if token.lower() in _FUNCTION_WORDS or len(token) < 2:
        return False
    technical = (
        any(c.isdigit() for c in token)
        or any(c.isupper() for c in token[1:])
        or "_" in token
        or token.startswith("/")
        or re.search(r"\w{2,}[./]\w{2,}", token) is not None
    )
    return technical or (token[0].isupper() and not sentence_start)


def names(question: str) -> list[list[str]]:
    """Runs of consecutive name-like ASCII words. In a Japanese question every ASCII word
    is a name; in English, capitalised or technical words not opening the sentence."""
    japanese = language(question) == "ja"
    runs: list[list[str]] = []
    previous_end = None  # end of the previous name, while the run is open
    for match in _TOKEN.finditer(question):
        token = match.group()
        start = match.start() == len(question) - len(question.lstrip())
        if japanese or _is_name(token, start):
            if previous_end is not None and question[previous_end : match.start()] == " ":
                runs[-1].append(token)
            else:
                runs.append([token])
            previous_end = match.end()
        else:
            previous_end = None
    return runs


def unknown_names(question: str, vocabulary: Vocabulary) -> list[str]:
    return [" ".join(run) for run in names(question) if not vocabulary.knows(run)]


def is_unanswered(
    question: str, language: str, top_score: float, vocabulary: Vocabulary, floors: dict[str, float] = MIN_TOP_SCORE
) -> bool:
    """`floors` are the model's own (profiles.py: the score scale differs per model)."""
    return bool(unknown_names(question, vocabulary)) or top_score < floors[language]
