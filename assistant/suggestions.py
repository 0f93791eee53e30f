"""Example questions for the chat page, made from the notes' own section headings.

The page used to offer four fixed questions about the seed notes (SQS, DynamoDB, X-Ray,
Lambda): over any other wiki, a new user's first click was answered "not in the notes" (a
fresh tester's wiki, 2026-12-01). A heading names what its section answers, in the notes'
own words, so a question about it can be answered on any wiki; each one is asked before it
is offered, and kept only when its own section comes first and is not flagged.

Which headings: the last heading of sections that hold an answer line (not a title alone, a
link list or a TODO, not one the page marks as replaced: superseded.py), named by one note
only ("Description" in every page names no section), from evenly spaced notes so that the
examples span the wiki, and both languages when the notes have both.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Sequence

from .errors import AssistantError
from .language import language
from .scopes import shown_heading
from .topicwords import ELLIPTICAL_KEY_TERMS, topic_words
from .unidic import tagged

EXAMPLE_COUNT = 4
CANDIDATES_PER_EXAMPLE = 3  # headings asked per example offered, at most (one search each)
# Headings shorter than this say too little to ask about ("Pros", "2週目"), longer ones read
# badly as a question; a heading that is itself a question is left out.
MIN_CHARS = {"ja": 4, "en": 8}
MAX_CHARS = 40
# An English heading is quoted: it may be a clause or an order ("Someone wants a keg for a
# home party", "Configure git"), which "Tell me about ..." bare made a broken sentence of (a
# new user, heldout15); "について教えて" reads after either in Japanese.
TEMPLATES = {"ja": "{}について教えて", "en": "Tell me about “{}”"}
WITHIN_TEMPLATES = {"ja": "「{}」の{}について教えて", "en": "Tell me about “{1}” in “{0}”"}
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*[.)]?\s+")  # "3. Configure git" -> "Configure git"
# A section about the wiki page itself (how to edit it, its history), no topic of the team's:
# a fresh user's first example button, 「このページの編集について教えて」, read as "edit this
# page" (2026-12-06). A closed class of such headings, so a list.
_ABOUT_THE_PAGE = re.compile(
    r"(?:この|本)\s*+(?:ページ|wiki|ウィキ)|(?:ページ|wiki|ウィキ)\s*+の(?:編集|更新|使い方|書き方)|更新履歴|変更履歴|改訂履歴"
    r"|\b(?:this (?:page|wiki)|edit(?:ing)? (?:this|the) (?:page|wiki)|changelog|change log|revision history"
    r"|page history|contributing)\b", re.IGNORECASE)


# An FAQ's question heading ("Q. シフトを代わってもらいたい", "Q: Can I ...") is a question,
# as one ending in "?" is: 「「安全・勤務」の「Q. シフトを代わってもらいたい」について教えて」
# was an example button (a fresh user, heldout21, 2026-12-06).
_FAQ_QUESTION = re.compile(r"^\s*+(?:Q|Ｑ|問)\s*+[\d０-９]*+\s*+[.:：．)）]", re.IGNORECASE)  # possessive: "Q" + spaces was quadratic


def _asks(heading: str) -> bool:
    """Whether a heading is itself a question (ends in "?", or an FAQ's "Q." heading)."""
    return heading.strip()[-1:] in ("?", "？") or bool(_FAQ_QUESTION.match(heading))


def example_questions(searcher, count: int = EXAMPLE_COUNT) -> list[str]:
    """Up to `count` questions ("<heading>について教えて", "Tell me about “<heading>”", in the
    language of the heading's note) that the searcher (retrieve.Searcher) answers with that
    heading's section first and does not flag; [] for an index without such sections. Costs
    up to count x CANDIDATES_PER_EXAMPLE searches."""
    headings = _headings(searcher)
    picked: list[str] = []
    for heading, question in _spread(headings, count * CANDIDATES_PER_EXAMPLE):
        if len(picked) < count and _answers_itself(searcher, question, heading):
            picked.append(question)
    return picked


def _headings(searcher) -> dict[str, list[tuple[str, str]]]:
    """note -> [(heading, question about it)] in page order, for the headings worth asking."""
    by_note: dict[str, dict[str, str]] = {}
    # Not a section the page keeps for the record: a new user's first example button was
    # 「旧・残留塩素の確認（2024年3月まで）について教えて」 (a fresh user, 2026-12-05).
    superseded = set(searcher.superseded.rows().tolist())
    for i, chunk in enumerate(searcher.chunks):
        heading = " ".join(chunk.heading_path[-1].split()) if len(chunk.heading_path) > 1 else ""
        if i in superseded:
            continue
        if (searcher.has_content[i] and MIN_CHARS[language(heading)] <= len(heading) <= MAX_CHARS
                and not _asks(heading) and not _ABOUT_THE_PAGE.search(heading)):
            # The nearest heading above that names a topic, not a question ("どうだったか？").
            parent = next((" ".join(h.split()) for h in reversed(chunk.heading_path[:-1])
                           if h.strip() and not _asks(h) and len(h) <= MAX_CHARS), "")
            # Asked in the note's language: a Japanese page's English heading is asked in Japanese.
            by_note.setdefault(chunk.source, {}).setdefault(heading, _question(heading, str(searcher.chunk_languages[i]), parent))
    notes_of = Counter(h for headings in by_note.values() for h in headings)
    return {note: [(h, q) for h, q in headings.items() if notes_of[h] == 1] for note, headings in by_note.items()}


def _question(heading: str, lang: str, parent: str = "") -> str:
    """The example question about `heading`, in `lang`; one that names at most
    ELLIPTICAL_KEY_TERMS topic words (topicwords.py: "Differences", "料金") is asked within
    the heading (or title) above it, `parent`: alone, "Tell me about “Differences”" did not
    say of what (a fresh user, 2026-12-05), as a chat turn naming so little is a follow-up."""
    topic = _topic(heading, lang)
    within = _topic(parent, lang) if parent else ""
    # Not within a heading that holds it: 「『よくある質問（FAQ）』のよくある質問について教えて」 (a fresh user, heldout26)
    if within and topic not in within and len(within) <= MAX_CHARS and len(topic_words(heading)) <= ELLIPTICAL_KEY_TERMS:
        # the template quotes the heading above; a Japanese sentence's own quotes would double them
        return WITHIN_TEMPLATES[lang].format(within.strip("「」") if lang == "ja" else within, topic)
    return TEMPLATES[lang].format(topic)


def _topic(heading: str, lang: str) -> str:
    # Shown as the breadcrumbs show it: a U+202E in a heading showed "Storage quota TERCES" on
    # the button, and asked "... SECRET" (the chat drops direction characters from questions).
    topic = shown_heading(_NUMBERING.sub("", heading)).rstrip("。.:：、,")
    if lang == "ja" and topic.endswith("について"):  # "メンター制度について" + について教えて
        topic = topic[: -len("について")]
    if lang == "ja" and _ends_in_predicate(topic):  # a sentence is quoted, as an English heading is
        topic = f"「{topic}」"
    return topic


def _ends_in_predicate(heading: str) -> bool:
    """True for a Japanese heading that is a sentence, ending in a verb or an auxiliary
    (UniDic): "VPNに接続できません" + について教えて read badly (a fresh user, 2026-12-04)."""
    tags = tagged(heading)
    return bool(tags) and tags[-1][1] in ("動詞", "助動詞")


def _answers_itself(searcher, question: str, heading: str) -> bool:
    try:
        answer = searcher.search(question)
    except AssistantError:
        return False
    return bool(answer.hits) and not answer.no_answer and answer.hits[0].chunk.heading_path[-1].split() == heading.split()


def _spread(by_note: dict[str, list[tuple[str, str]]], count: int) -> list[tuple[str, str]]:
    """Up to `count` (heading, question) pairs in the order to try them: rounds over evenly
    spaced notes (sorted by path), each round one more heading of each, taken evenly within
    the note; notes in the two languages alternate when there are both."""
    notes = [n for n in sorted(by_note) if by_note[n]]
    per_note = -(-count // max(len(notes), 1))
    rounds = [_evenly(by_note[n], per_note) for n in _evenly(notes, count)]
    order = [r[i] for i in range(per_note) for r in rounds if i < len(r)]
    ja = [p for p in order if language(p[1]) == "ja"]
    en = [p for p in order if language(p[1]) != "ja"]
    mixed = [p for pair in zip(ja, en) for p in pair] + ja[len(en):] + en[len(ja):]
    return mixed[:count]


def _evenly(items: Sequence, count: int) -> list:
    """`count` items spread evenly over `items`, each the middle of its share (all of them
    when there are fewer): a note's middle sections say more than its overview."""
    if count >= len(items):
        return list(items)
    step = len(items) / count
    return [items[int((i + 0.5) * step)] for i in range(count)]
