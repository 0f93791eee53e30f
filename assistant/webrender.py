"""Answers as safe HTML for the chat UI: breadcrumb, linked citation, copy control, section.

Notes are written by many people and may contain raw HTML, so the section is rendered by
markdown-it with HTML parsing off and then cleaned by nh3 (an allowlist sanitizer). Answer
lines (`Hit.highlight_lines`, source line numbers) are marked inside paragraphs, list items,
table rows and code blocks. The result is one line of HTML (newlines inside <pre> become `&#10;`), so
Gradio's markdown pass leaves it alone as one HTML block. Leaves out: Gradio (ui.py), plain text (render.py).
"""
from __future__ import annotations

import html
import re
from typing import Sequence

from .chunking import PATH_SEPARATOR
from .fragments import containers_as_text, disclosure_as_text, indented_blocks_as_text, outdent, unindented_html_blocks
from .hits import Answer, Hit
from .language import reply_language
from .mdparser import MAX_RANK_STYLED, markdown, rank_class
from .answeritems import answer_items
from .lines import row_text, table_header
from .notelinks import link_rewriter
from .paragraphleads import DEFINITION, definition_term
from .query import MAX_QUESTION_CHARS
from .render import NO_ANSWER, REPLACED_TAG, WEAK_LINES_LABEL, asks_nothing_notice, citation_parts, collapsed_note, replaced_note
from .scopes import shown_heading

MARK_OPEN = '<mark class="hl">'  # the unranked form; ranked marks add "rank-N" (see _mark_open)
MARK_CLOSE = "</mark>"

_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "mark", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul", "img", "button", "nav", "details", "summary",
}
# Only the classes this module writes itself survive cleaning (nh3 drops every other one).
LINK_TARGETS = ("_top", "_blank", "_self", "_parent")
_CLASSES = {
    "hl", "hl-block", "hit", "hit-head", "crumb", "cite", "cite-lines", "copy-cite", "cite-text", "section",
    "answer", "notice", "error", "question", "lead", "lead-label", "lead-line", "context", "more",
    "more-label", "preview", "weak", "cut", "scope-note", "collapsed-note", "replaced-note", "replaced-tag", "search-all", "rank-1", "rank-2", "rank-3", "again", *("cite-target" + t for t in LINK_TARGETS),
}
_ALLOWED_ATTRS = {  # `class` is kept through allowed_classes (nh3 forbids it in both places)
    "a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"},
    "button": {"type", "title"},
}

NOTHING_FOUND = {
    "ja": "該当するノートが見つかりませんでした。言い換えるか、フィルターを「すべて」にしてみてください。",
    "en": "Nothing found in the notes. Try other words or set the filter to “all”.",
}
COPY_LABEL = {"ja": "コピー", "en": "Copy"}
COPY_TITLE = {"ja": "見出し・引用・答えの行をテキストでコピー", "en": "Copy the heading path, citation and answer lines as text"}
LEAD_LABEL = {"ja": "答えの行", "en": "Answer"}
WEAK_LABEL = {"ja": "最も近い行（弱い一致）", "en": "Closest line (weak match)"}
SECTION_LABEL = {"ja": "節の全文", "en": "Whole section"}
MORE_LABEL = {"ja": "ほかの候補", "en": "Other matches"}
CUT_NOTICE = {"ja": "質問が長すぎるため、最初の{used:,}文字だけを使いました（全{total:,}文字）。",
              "en": "The question is long: only its first {used:,} characters were used (of {total:,})."}
SCOPE_NOTE = {"ja": "絞り込み中:", "en": "Searched only in:"}
SEARCH_ALL = {"ja": "すべてのノートで検索", "en": "Search everywhere"}
GONE_SCOPE = {"ja": "絞り込み「{scope}」はノートにありません（名前が変わったか、削除されました）。すべてのノートで検索しました。",
              "en": "The filter \u201c{scope}\u201d is no longer in the notes (renamed or removed?): every note was searched."}


def _mark_inline(inline, first_line: int, marked: dict[int, int], badged: set[int]) -> None:
    """Wrap the parts of a paragraph that come from marked source lines in <mark>, with the
    line's rank (1 = best) as a class; consecutive lines of one rank share one mark. A rank
    already in `badged` (its badge drawn) gets class "again": a table row's cells are
    inlines of their own, and each drew a ① (a fresh user, wiki-dev)."""
    from markdown_it.token import Token

    children, out, line = inline.children or [], [], first_line
    is_open = False
    for child in children:
        if not is_open and line in marked:
            again = " again" if marked[line] in badged else ""
            badged.add(marked[line])
            out.append(Token("html_inline", "", 0, content=f'<mark class="hl {rank_class(marked[line])}{again}">'))
            is_open = True
        if child.type in ("softbreak", "hardbreak"):
            # One mark over the lines of one answer (a list item written over two lines,
            # answeritems.answer_items): a mark per line drew its rank badge twice.
            if is_open and marked.get(line + 1) != marked[line]:
                out.append(Token("html_inline", "", 0, content=MARK_CLOSE))
                is_open = False
            line += 1
        out.append(child)
    if is_open:
        out.append(Token("html_inline", "", 0, content=MARK_CLOSE))
    inline.children = out


def section_html(text: str, first_line: int = 1, highlight: tuple[int, ...] = (), links=None, raw: str | None = None) -> str:
    """A note section (markdown) as sanitized HTML; `highlight` lines (source line numbers,
    best first) are marked with their rank (class rank-1 for the best); `links`
    (notelinks.link_rewriter) points the note's links at the wiki; `raw`: the section as
    written when `text` is it as the page shows it (its indented blocks are read from it,
    fragments.indented_blocks_as_text). A section cut from inside a nested list renders as
    the list it is (see `outdent`)."""
    md = markdown()
    text, added = outdent(indented_blocks_as_text(containers_as_text(disclosure_as_text(text), raw), raw))
    text = unindented_html_blocks(text)
    first_line -= added
    # 0-based lines of `text` -> rank (1 = best): highlight lines come best first, each with
    # the other lines of its list item (answeritems.answer_items).
    marked = {n - first_line: rank for rank, item in enumerate(answer_items(text.split("\n"), first_line, highlight), 1)
              for n in item}
    env = {"marked": marked}
    tokens = md.parse(text, env)
    links and links(tokens)
    badged: set[int] = set()
    for i, token in enumerate(tokens):
        if not token.map or not marked:
            continue
        start, end = token.map
        if token.type == "inline":
            _mark_inline(token, start, marked, badged)
        elif token.type in ("tr_open", "list_item_open") and any(start <= n < end for n in marked):
            if token.type == "tr_open" or start in marked:
                token.attrJoin("class", "hl-block")
    return clean(md.renderer.render(tokens, md.options, env))


def inline_html(text: str, links=None) -> str:
    """One line of a note's inline markdown as HTML (unsanitized: the reply is cleaned whole), its links
    pointed at the wiki by `links` as in section_html (the lead "Answer" line links as in the section)."""
    md = markdown()
    env: dict = {}
    tokens = md.parseInline(text, env)
    links and links(tokens)
    return md.renderer.render(tokens, md.options, env)


def clean(fragment: str) -> str:
    """nh3 allowlist: no scripts, event handlers, iframes or javascript: URLs survive."""
    import nh3

    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRS,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        allowed_classes={tag: _CLASSES for tag in _ALLOWED_TAGS},
    )


def one_line(fragment: str) -> str:
    """Drop layout newlines; keep those inside <pre> as entities (see module docstring)."""
    parts = re.split(r"(<pre[\s>].*?</pre>)", fragment, flags=re.S)
    return "".join(p.replace("\n", "&#10;") if p.startswith("<pre") else p.replace("\n", " ") for p in parts)


def _head(hit: Hit, lang: str, link_target: str, answer_lines: list[str], weak: bool = False) -> str:
    """Breadcrumb, citation link and a copy button whose text is the breadcrumb, the citation
    with its URL and the answer lines, as plain text (never the reply's HTML); under a
    "closest lines (weak match)" label when `weak`, as the CLI prints them: pasted elsewhere,
    a weak match's lines read as an answer (a fresh user, 2026-12-05)."""
    c = hit.chunk
    crumb = shown_heading(c.breadcrumb)
    source, lines = citation_parts(hit)  # the path's invisible and direction characters made visible
    cite = f"{source}  {lines}"
    # Gradio's sanitizer drops data-* attributes and forces target=_blank, so the link target
    # and the text to copy travel in a class name and a hidden span; ui.HEAD reads them.
    target = "cite-target" + re.sub(r"[^A-Za-z0-9_-]", "", link_target)
    # One span per line: the page joins them with newlines (layout newlines are dropped here).
    shown_lines = [WEAK_LINES_LABEL[lang], *answer_lines] if weak and answer_lines else answer_lines
    copy_text = "".join(f"<span>{html.escape(line)}</span>" for line in [crumb, f"{cite}  {hit.url}", *shown_lines])
    folded = f'<p class="collapsed-note">{html.escape(collapsed_note(hit, lang, weak))}</p>' if hit.collapsed else ""
    folded += f'<p class="replaced-note">{html.escape(replaced_note(hit, lang))}</p>' if hit.replaced else ""
    return (
        f'<div class="hit-head"><nav class="crumb">{html.escape(crumb)}</nav>'
        # the line range never breaks inside: at 360 px "L5–L13" showed as "L5–L1" / "3" (a fresh user)
        f'<a class="cite {target}" href="{html.escape(hit.url, quote=True)}">{html.escape(source)}  '
        f'<span class="cite-lines">{html.escape(lines)}</span></a> '
        f'<button type="button" class="copy-cite" title="{COPY_TITLE[lang]}">{COPY_LABEL[lang]}'
        f'<span class="cite-text">{copy_text}</span></button>{folded}</div>'
    )


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_BLOCK_MARKER = re.compile(r"^[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+|#{1,6}[ \t]+|>[ \t]?)")  # list, heading, quote


def _source_lines(hit: Hit) -> list[str]:
    """The hit's answer lines as the page shows them, best first, without list markers and
    indentation; a table row as "column: value; ..." (lines.row_text), not its pipes, when its
    header is in the section."""
    # As the page shows them: Liquid and comments gone under Jekyll (wiki/shown.py); as
    # written, a link read "[leave request]({% page "/tools/hrlinks/" %})" (a new user, wiki-dev).
    body = hit.chunk.page_text.split("\n")
    out = []
    # items read as rendered: an admonition's indented body is text, not code (fragments.py)
    rendered = indented_blocks_as_text(hit.chunk.page_text, hit.chunk.text).split("\n")
    for item in answer_items(rendered, hit.chunk.line_start, hit.highlight_lines):
        i = item[0] - hit.chunk.line_start
        if 0 <= i < len(body) and body[i].strip():
            # A row of a table whose header lies before the section: its cells, without pipes.
            header = table_header(body, i + 1) or ([""] * body[i].count("|") if _PIPE_ROW.match(body[i]) else None)
            row = row_text(header, body[i], shown=True) if header is not None else ""
            # A list item written over several lines is one answer (answeritems.item_spans).
            rest = [body[n - hit.chunk.line_start].strip() for n in item[1:]]
            # A definition with its term, as the wiki's list shows it: alone, ": The card a
            # household gets ..." named nothing and kept its marker (a fresh user, heldout23).
            defined = not row and DEFINITION.match(body[i])
            term = _plain_term(definition_term(body, i + 1) or "") if defined else ""
            line = (DEFINITION if defined else _BLOCK_MARKER).sub("", body[i], count=1).strip()
            out.append(_with_definitions([f"{term}: {line}" if term else row or line, *rest]))
    return out


def _with_definitions(parts: list[str]) -> str:
    """One answer's lines joined; a definition line (": text") joined to the term before it as
    "term: text", the term as plain text (`_plain_term`)."""
    joined = parts[0]
    for part in parts[1:]:
        definition = DEFINITION.match(part)
        joined = f"{_plain_term(joined)}: {part[definition.end():].strip()}" if definition else f"{joined} {part}"
    return joined


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]()<>#!|~&])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _plain_term(term: str) -> str:
    """A definition's term as plain text, its markdown punctuation escaped, for the answer line
    it is joined to: joined as written, a term "[Official form" and a definition ": ](https://…)"
    made a link neither is on the page, and a U+202E in it reordered the line (an attack)."""
    import nh3

    text = html.unescape(nh3.clean(inline_html(term), tags=set())) if term else ""
    text = " ".join(_CONTROL.sub(" ", shown_heading(text)).split()).rstrip(":： ")
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def _in_code(hit: Hit) -> bool:
    """Whether the best answer line sits in a code block (then it is shown as code)."""
    return '<span class="hl rank-1">' in section_html(hit.chunk.page_text, hit.chunk.line_start, hit.highlight_lines[:1], raw=hit.chunk.text)


def answer_lines(hit: Hit) -> list[str]:
    """The hit's answer lines as plain text, best first: inline markdown (`**`, links) rendered
    and its tags dropped, so copying and previews show what the reader sees."""
    import nh3

    lines = _source_lines(hit)
    if lines and _in_code(hit):
        return lines[:1] + [html.unescape(nh3.clean(inline_html(x), tags=set())) for x in lines[1:]]
    return [html.unescape(nh3.clean(inline_html(x), tags=set())) for x in lines]


def _lead_line_html(hit: Hit, links) -> str:
    """The best answer line on its own, inline markdown rendered with the note's links
    pointed at the wiki by `links` (a code line as code)."""
    lines = _source_lines(hit)
    if not lines:
        return ""
    if _in_code(hit):
        return f"<code>{html.escape(lines[0])}</code>"
    return inline_html(lines[0], links)


def hit_html(hit: Hit, lang: str, link_target: str = "_top", weak: bool = False, pages=None) -> str:
    """A hit other than the best: collapsed to one line (heading and its best line); opening
    it shows the citation and the whole section with its answer lines marked, best first."""
    c = hit.chunk
    lines = answer_lines(hit)  # plain text: the preview shows no links
    preview = f'<span class="preview">{html.escape(lines[0])}</span>' if lines else ""
    body = section_html(c.page_text, c.line_start, hit.highlight_lines, link_rewriter(c.source, hit.url, pages), c.text)
    # The page's title before the section's heading: wikis repeat "FAQ" and "概要" on many
    # pages, and a collapsed row saying only "FAQ" did not tell which (a held-out wiki's tester).
    heading = c.heading_path[-1] if c.heading_path else c.source
    named = shown_heading(heading if not c.title or c.title == heading else f"{c.title}{PATH_SEPARATOR}{heading}")
    # closed, the row says it is old too: an archived page's row read as the current one's (an attack)
    old = f'<span class="replaced-tag">{REPLACED_TAG[lang]}</span> ' if hit.replaced else ""
    return clean(
        f'<details class="hit"><summary>{old}<span class="crumb">{html.escape(named)}'
        f"</span> {preview}</summary>{_head(hit, lang, link_target, lines, weak)}<div class=\"section\">{body}</div></details>"
    )


def best_hit_html(hit: Hit, lang: str, link_target: str = "_top", weak: bool = False, pages=None) -> str:
    """The best hit, opened at its answer: the best line, large, with its citation; the whole
    section below it, collapsed."""
    c = hit.chunk
    links = link_rewriter(c.source, hit.url, pages)  # one for every part that shows the note's markdown
    lead = _lead_line_html(hit, links)
    label = (WEAK_LABEL if weak else LEAD_LABEL)[lang]
    lead_line = f'<p class="lead-label">{label}</p><p class="lead-line">{lead}</p>' if lead else ""
    body = section_html(c.page_text, c.line_start, hit.highlight_lines, links, c.text)
    return clean(
        f'<div class="hit"><div class="lead">{lead_line}{_head(hit, lang, link_target, answer_lines(hit), weak)}</div>'
        f'<details class="context"><summary>{SECTION_LABEL[lang]} (L{c.line_start}–L{c.line_end})</summary>'
        f'<div class="section">{body}</div></details></div>'
    )


def merge_hits(hits) -> list[Hit]:
    """Hits of one section shown once: hits with the same source and heading path whose line
    ranges overlap or touch (a long section split into chunks) become one hit spanning them,
    ranked where its best part was, with the best MAX_RANK_STYLED answer lines of its parts
    (the best part's first).
    Only display: retrieval still ranks the chunks separately (retrieve.py is not changed)."""
    from dataclasses import replace

    merged: list[Hit] = []
    for hit in hits:
        c = hit.chunk
        for i, kept in enumerate(merged):
            k = kept.chunk
            if (k.source, k.heading_path) != (c.source, c.heading_path):
                continue
            if c.line_start > k.line_end + 1 or k.line_start > c.line_end + 1:
                continue
            lines = {**dict.fromkeys(range(k.line_start, k.line_end + 1)), **dict.fromkeys(range(c.line_start, c.line_end + 1))}
            start, end = min(lines), max(lines)

            def spanned(text_of) -> str:  # the lines start..end of both parts, as text_of gives them
                by_line = {n: t for ch in (k, c) for n, t in zip(range(ch.line_start, ch.line_end + 1), text_of(ch).split("\n"))}
                return "\n".join(by_line[n] for n in range(start, end + 1))

            # The shown text (wiki/shown.py) is joined like the source text, not kept from one part.
            shown = spanned(lambda ch: ch.page_text) if k.shown is not None or c.shown is not None else None
            chunk = replace(k, line_start=start, line_end=end, text=spanned(lambda ch: ch.text), shown=shown)
            highlights = tuple(dict.fromkeys(kept.highlight_lines + hit.highlight_lines))[:MAX_RANK_STYLED]
            merged[i] = replace(kept, chunk=chunk, highlight_lines=highlights)
            break
        else:
            merged.append(hit)
    return merged


def answer_html(answer: Answer, link_target: str = "_top", lang: str | None = None, scope: str | None = None,
                cut_from: int = 0, pages=None, gone_scope: str | None = None) -> str:
    """The whole reply for one question, in `lang` (default: the question's reply_language): a
    notice when the question was cut (`cut_from`: its length in characters, when longer than
    the MAX_QUESTION_CHARS used), the filter searched (`scope`) with a "search everywhere"
    button, a "not in the notes" notice when the match is weak, the best hit opened at its
    answer line, then the other hits collapsed, in rank order, each section once (merge_hits),
    each hit's lines cut to hits.MAX_LINE_CHARS / MAX_HIT_CHARS (Hit.bounded), the notes'
    links pointed at the wiki (`pages`: source -> page URL, notelinks.py), and a notice that
    the filter asked for (`gone_scope`: an old permalink's) is gone. Weak replies carry the
    class `weak` (grey, not yellow)."""

    lang = lang or reply_language(answer.question)
    # Bounded after merging: a hit's shown lines are cut (hits.clip_lines), so a reply's size
    # does not grow with a note's longest line.
    hits = [hit.bounded() for hit in merge_hits(answer.hits)]
    weak = bool(answer.no_answer or not hits)
    parts = []
    if cut_from > MAX_QUESTION_CHARS:
        parts.append(f'<p class="notice cut">{html.escape(CUT_NOTICE[lang].format(used=MAX_QUESTION_CHARS, total=cut_from))}</p>')
    if gone_scope:
        named = gone_scope if len(gone_scope) <= 200 else gone_scope[:199] + "…"
        parts.append(f'<p class="notice gone">{html.escape(GONE_SCOPE[lang].format(scope=named))}</p>')
    if scope:
        parts.append(f'<p class="scope-note">{html.escape(SCOPE_NOTE[lang])} <b>{html.escape(scope)}</b> '
                     f'<button type="button" class="search-all">{SEARCH_ALL[lang]}</button></p>')
    if answer.asks_nothing:
        # A reply, not a warning: no ⚠ (a fresh user read "⚠ ノートについて、何でも聞いてください。" as an error).
        parts.append(f'<p class="invite">{html.escape(asks_nothing_notice(answer.question, lang))}</p>')
    elif not hits:
        parts.append(f'<p class="notice">{html.escape(NOTHING_FOUND[lang])}</p>')
    elif answer.no_answer:
        parts.append(f'<p class="notice">{html.escape(NO_ANSWER[lang])}</p>')
    if hits:
        parts.append(best_hit_html(hits[0], lang, link_target, weak, pages))
    if len(hits) > 1:
        parts.append(f'<div class="more"><p class="more-label">{MORE_LABEL[lang]}</p>')
        parts += [hit_html(hit, lang, link_target, weak, pages) for hit in hits[1:]]
        parts.append("</div>")
    css = "answer weak" if weak else "answer"
    # The reply's language for screen readers (ui-head.html makes the page's follow the newest).
    return one_line(f'<div class="{css}" lang="{lang}">' + "".join(parts) + "</div>")


EARLIER_LABEL = {"ja": "前の質問", "en": "After"}


def question_html(question: str, earlier: Sequence[str] = (), lang: str = "en") -> str:
    """The user's own words as plain text in an HTML block, so that neither a ?q= permalink
    nor a pasted question can put links, images or diagrams into the chat (Gradio renders
    chat messages as markdown; an HTML block on one line is left alone). `earlier`: the
    questions a permalink's answer read first (its &history=), shown above it oldest first:
    opened by someone else, the link showed "落ちたらいくらかかる？" alone, over an answer
    about the exam two turns back (a fresh user, 2026-12-05)."""
    before = ""
    if earlier:
        shown = " → ".join(html.escape(q).replace(chr(10), " ") for q in earlier)
        before = f'<p class="earlier">{EARLIER_LABEL.get(lang, EARLIER_LABEL["en"])}: {shown}</p>'
    return one_line(f'<div class="question">{before}<p>{html.escape(question).replace(chr(10), "<br>")}</p></div>')


def error_html(message: str) -> str:
    """A visible one-line ⚠ error in the chat, the message as escaped plain text."""
    return one_line(f'<div class="answer"><p class="error">⚠ {html.escape(message)}</p></div>')
