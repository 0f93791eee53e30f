"""Answers as text for a person: breadcrumb, citation, then the section.

The answering lines (when known) come first, marked, so the reader sees the answer before
the context. Plain text only; the UI renders markdown itself.

Notes are untrusted text for a terminal: an ESC in a note could write the clipboard (OSC 52),
disguise a link (OSC 8), hide text or retitle the window, so an answer goes through
termsafe.terminal_safe before it is printed.
"""
from __future__ import annotations

from .language import language, reply_language
from .termsafe import json_text, terminal_safe
from .hits import Answer, Hit
from .noanswer import is_small_talk
from .answeritems import answer_items
from .fragments import indented_blocks_as_text
from .scopes import shown_heading, shown_source

__all__ = ["NO_ANSWER", "asks_nothing_notice", "citation", "format_answer", "format_hit", "json_text", "language",
           "terminal_safe"]

NO_ANSWER = {
    "ja": "ノートにはこの質問への答えが見つかりませんでした。近い内容を下に示します（弱い一致）。",
    "en": "The notes do not seem to answer this question. The closest sections are below (weak matches).",
}
# The reply to a turn that asks nothing (Answer.asks_nothing): thanks or a greeting, or a
# first question naming nothing. Weak matches under "thanks!" (ASCII art from a diagram)
# read as an answer to it (a fresh user, 2026-12-05).
SMALL_TALK_REPLY = {"ja": "ノートについて、何でも聞いてください。", "en": "Ask me anything about the notes."}
NAMES_NOTHING_REPLY = {
    "ja": "何についての質問でしょうか。知りたい項目・用語・名前を書いてください。",
    "en": "Which topic do you mean? Write what you want to know about: a topic, a term or a name from the notes.",
}


def asks_nothing_notice(question: str, lang: str) -> str:
    """The reply, in `lang` ('ja' / 'en'), to a turn that asks nothing to look up
    (Answer.asks_nothing): an invitation after small talk, else a request to name the topic."""
    return (SMALL_TALK_REPLY if is_small_talk(question) else NAMES_NOTHING_REPLY)[lang]


# The label over a hit's answer lines, in the notice's language: a Japanese notice over
# "closest lines (weak match):" read as two replies (a fresh user, 2026-12-05).
LINES_LABEL = {"ja": "答えの行：", "en": "answer:"}
WEAK_LINES_LABEL = {"ja": "最も近い行（弱い一致）：", "en": "closest lines (weak match):"}
# The answer line is in a block the page shows folded (collapsed.py): the link lands above it.
# A weak match's line is only the closest one, and saying "the answer is inside" over it
# claimed an answer the notice above denies (a second read, 2026-12-06).
COLLAPSED_NOTE = {"ja": "答えはページの折りたたみ「{}」の中にあります（開いて読んでください）",
                  "en": "the answer is inside the collapsed block “{}” on the page: open it to read it"}
WEAK_COLLAPSED_NOTE = {"ja": "最も近い行はページの折りたたみ「{}」の中にあります（開いて読んでください）",
                       "en": "the closest line is inside the collapsed block “{}” on the page: open it to read it"}


# The section is one the notes mark as replaced (superseded.replaced_by): its values are not
# today's unless the question asks about the past.
REPLACED_NOTE = {"ja": "旧版：ノートでは置き換え済みとされています（{}）",
                 "en": "old version: the notes mark this section as replaced (“{}”)"}
REPLACED_TAG = {"ja": "旧版", "en": "old"}  # on the closed row of such a hit in the chat


def replaced_note(hit: Hit, lang: str) -> str:
    """The note beside a hit from a section marked as replaced, in `lang`, naming the heading
    or folder that marks it (shown as headings are: scopes.shown_heading); "" for a current one."""
    return REPLACED_NOTE[lang].format(shown_heading(hit.replaced)) if hit.replaced else ""


def collapsed_note(hit: Hit, lang: str, weak: bool) -> str:
    """The note under a hit whose first answer line the page shows folded, in `lang` ('ja' /
    'en'), naming the block; "" when the line is in view."""
    if not hit.collapsed:
        return ""
    return (WEAK_COLLAPSED_NOTE if weak else COLLAPSED_NOTE)[lang].format(hit.collapsed)


def citation_parts(hit: Hit) -> tuple[str, str]:
    """('source', 'L<start>–L<end>'): the note and the hit's line range (1-based, inclusive),
    the path's invisible and direction characters shown as `<U+XXXX>` (scopes.shown_source),
    so a note cannot pass for another one or reorder the line it is cited on."""
    c = hit.chunk
    return shown_source(c.source), f"L{c.line_start}–L{c.line_end}"


def citation(hit: Hit) -> str:
    """'source  L<start>–L<end>' (citation_parts)."""
    return "  ".join(citation_parts(hit))


def format_hit(rank: int, hit: Hit, weak: bool = False, lang: str = "en") -> str:
    """One hit as terminal text: rank and breadcrumb, citation and URL, the answer lines
    best first as the page shows them (labelled, in `lang` 'ja' / 'en', as the closest lines
    when `weak`), then the section as written."""
    c = hit.chunk
    lines = [f"{rank}. {c.breadcrumb}", f"   {citation(hit)}  {hit.url}"]  # ' › ': a heading may hold ' > '
    if hit.replaced:
        lines.append("   " + replaced_note(hit, lang))
    body = c.text.split("\n")
    if hit.highlight_lines:
        lines.append("   " + (WEAK_LINES_LABEL if weak else LINES_LABEL)[lang])
        # Each answer line with the rest of its list item (answeritems.answer_items), marked
        # once, as the page shows it: as written, a Jekyll link read
        # '[leave request]({% page "/tools/hrlinks/" %})' (as the web page's answer lines did).
        page, rendered = c.page_text.split("\n"), indented_blocks_as_text(c.page_text, c.text).split("\n")
        lines += [f"   {'▶' if k == 0 else ' '} L{n}: {page[n - c.line_start].strip()}"
                  for item in answer_items(rendered, c.line_start, hit.highlight_lines) for k, n in enumerate(item)]
        if hit.collapsed:
            lines.append("   " + collapsed_note(hit, lang, weak))
        lines.append("")
    lines += ["   " + line for line in body]
    return "\n".join(lines)


def format_answer(answer: Answer) -> str:
    """What `ask` prints: the no-answer notice in the question's language (reply_language:
    an English sentence quoting a Japanese term is English) when there is one, then every
    hit (format_hit), with terminal control characters made harmless."""
    parts, lang = [], reply_language(answer.question)
    if answer.asks_nothing:
        parts.append(asks_nothing_notice(answer.question, lang))
    elif answer.no_answer:
        parts.append(NO_ANSWER[lang])
    parts += [format_hit(rank, hit.bounded(), answer.no_answer, lang) for rank, hit in enumerate(answer.hits, 1)]
    return terminal_safe("\n\n".join(parts))
