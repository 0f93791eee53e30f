"""Lines that lead others: a paragraph's bold lead ("**Is there a maintenance window?**"), a
definition list's term, a paragraph ending in a colon over a list. What they lead is read
with them (lines.line_units), and they are never the highlighted answer (highlight.py).
"""
from __future__ import annotations

import re
from typing import Sequence

from .mdlines import BLOCK_START, BULLET, HEADING, HTML_TAG, TABLE_ROW, code_lines

# A paragraph whose first line is bold text alone: an FAQ's question ("**Is there a
# maintenance window?**") or a pseudo-heading, its answer on the next lines of the paragraph.
# Possessive trailing blanks keep it linear: "**a**" + 20,000 spaces + "x" took 1.9 s a
# question (a helper's attack, 2026-12-04); so in _ENDS_IN_COLON.
_BOLD_LEAD = re.compile(r"^\s{0,3}(\*\*|__)(?=\S)(.+?)(?<=\S)\1\s*+[:：]?\s*+$")


def leading_lines(lines: Sequence[str]) -> set[int]:
    """The 0-based indexes of `lines` (a chunk's, read from its first line) that lead others
    (`paragraph_leads`): a bold lead with its paragraph's text below it, a definition list's
    term. They ask or name what the lines below answer, so they are never shown as the answer
    (an FAQ's "**落とし物を見つけた。**" led the reply over the answer below it: heldout7, a
    fresh tester). Read from the first line, so a definition's continuation is no term."""
    return {n - 1 for n in paragraph_leads(lines, 1, len(lines))[1]}


# A line that ends in a colon (after closing emphasis): "Before taking leave, be sure to:".
_ENDS_IN_COLON = re.compile(r"[:：]\s*+(?:\*\*|__|\*|_)?\s*+$")


def is_list_lead_in(lines: Sequence[str], at: int, code: Sequence[bool]) -> bool:
    """lines[at] (0-based) is a paragraph line ending in a colon with a list right after it (at
    most a blank line between): it introduces the items that answer, so it is never shown as
    the answer ("Before taking leave, be sure to:" led a reply over its list: wiki-dev, a
    fresh new user, 2026-12-01). `code`: lines.code_lines of `lines`."""
    raw = lines[at]
    if code[at] or not _ENDS_IN_COLON.search(raw) or BULLET.match(raw) or BLOCK_START.match(raw):
        return False
    nxt = at + 1 + (at + 1 < len(lines) and not lines[at + 1].strip())
    return nxt < len(lines) and not code[nxt] and bool(BULLET.match(lines[nxt]))


# A definition list's definition under its term ("採暖室（warming room）" over ": プールの横の
# 暖かい部屋。サウナではない"): kramdown's (Jekyll), PHP Markdown Extra's, Python-Markdown's
# def_list and goldmark's (Hugo) syntax, up to three spaces, a colon, a blank.
DEFINITION = re.compile(r"^\s{0,3}:[ \t]+(?=\S)")
# Lines no term or lead runs over: a fence, a quote, a rule or setext underline ("Term\n---"
# is a heading to kramdown, so ": def" under it has no term), an admonition or math marker.
_BREAKS_PARAGRAPH = re.compile(r"^\s{0,3}(?:```|~~~|>|\$\$|:::|!!!|\?\?\?|([-=*_])(?:\s*+\1){2,}+\s*+$)")
# A lead or term is repeated on every line it labels: a long one is cut, as a table row's
# label is (lines.HTML_ROW_LABEL_CHARS): 30 terms of ~1.4k characters made the text to
# embed 35x the note (a helper's attack, 2026-12-04).
LEAD_CHARS = 200


def _label(text: str) -> str:
    """A lead or term as it labels other lines: no tags or bold marks, at most LEAD_CHARS."""
    text = HTML_TAG.sub("", text).replace("**", "").strip()
    return text if len(text) <= LEAD_CHARS else text[: LEAD_CHARS - 1].rstrip() + "…"


def _term_text(line: str) -> str:
    found = _BOLD_LEAD.match(line)
    return found.group(2) if found else line


def paragraph_leads(lines: Sequence[str], start: int, end: int) -> tuple[dict[int, str], set[int]]:
    """(line number -> what leads it, the leading line numbers), for lines start..end
    (1-based). A paragraph's bold lead labels the paragraph's lines below it: "Yes: the first
    Tuesday" says what it answers only through the question above it (a held-out wiki's FAQ
    pages, 2026-12-01). A definition list's term labels its definitions and their lines, as
    a table's header labels its rows: ": サウナではない" answers "Is the 採暖室 a sauna?" only
    through its term (heldout17, a glossary written as a kramdown definition list). Terms are
    the lines of the paragraph right above the first definition, or above it and one blank
    line (kramdown's definition lists); later definitions of the same term keep it."""
    leads: dict[int, str] = {}
    leaders: set[int] = set()
    lead, lead_at = None, ()  # what labels the next line of this paragraph, and its lines
    term = None  # the term of the definitions being read, across the blank lines between them
    paragraph: list[int] = []  # the plain lines of the paragraph being read: terms, if a definition follows
    above: list[int] = []  # the paragraph that ended at the last blank line
    blanks = 0
    code = code_lines(lines[start - 1 : end])
    for n in range(start, end + 1):
        raw = lines[n - 1]
        if not raw.strip():
            above, paragraph, lead, blanks = paragraph, [], None, blanks + 1
            continue
        if (code[n - start] or HEADING.match(raw) or TABLE_ROW.match(raw) or BULLET.match(raw)
                or _BREAKS_PARAGRAPH.match(raw)):
            lead = term = None  # the paragraph ended: code, a heading, a table, a list, a quote...
            paragraph, above, blanks = [], [], 0
            continue
        if DEFINITION.match(raw):
            terms = paragraph or (above if blanks == 1 else [])
            if terms:
                term, lead_at = _label(" / ".join(_term_text(lines[t - 1]) for t in terms[-3:])), terms[-3:]
            lead = term or lead
            if lead:
                leads[n] = lead
                leaders.update(lead_at)
            paragraph, above, blanks = [], [], 0
            continue
        found = _BOLD_LEAD.match(raw)
        if found:
            lead, lead_at = _label(found.group(2)), (n,)
            paragraph = [n]  # a bold term over a definition
        elif lead:
            leads[n] = lead
            leaders.update(lead_at)
        else:
            paragraph.append(n)
            term = None
        blanks = 0
    return leads, {n for n in leaders if n >= start}


def definition_term(lines: Sequence[str], at: int) -> str | None:
    """The term of the definition list item that lines[at - 1] (1-based `at`) belongs to, as
    `paragraph_leads` reads `lines` from their start; None for a line of no definition."""
    leads = paragraph_leads(lines, 1, at)[0]
    if at not in leads:
        return None
    start = next((n for n in range(at, 0, -1) if n not in leads), 0) + 1  # the labelled run's first line
    return leads[at] if DEFINITION.match(lines[start - 1]) else None
