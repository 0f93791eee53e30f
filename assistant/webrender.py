"""Answers as safe HTML for the chat UI: breadcrumb, linked citation, copy control, section.

Notes are written by many people and may contain raw HTML, so the section is rendered by
markdown-it with HTML parsing off and then cleaned by nh3 (an allowlist sanitizer). Answer
lines (`Hit.highlight_lines`, source line numbers) are marked inside paragraphs, list items,
table rows and code blocks. The result is one line of HTML (newlines inside <pre> become
`&#10;`) so that Gradio's own markdown pass treats it as a single HTML block and leaves it
alone. What this leaves out: Gradio (ui.py) and plain-text output (render.py).
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from .render import NO_ANSWER, citation, language
from .retrieve import Answer, Hit

MARK_OPEN = '<mark class="hl">'
MARK_CLOSE = "</mark>"

_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "mark", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul", "img", "button", "nav",
}
# Only the classes this module writes itself survive cleaning (nh3 drops every other one).
LINK_TARGETS = ("_top", "_blank", "_self", "_parent")
_CLASSES = {
    "hl", "hl-block", "hit", "hit-head", "crumb", "cite", "copy-cite", "cite-text", "section",
    "answer", "notice", "error", "question", *("cite-target" + t for t in LINK_TARGETS),
}
_ALLOWED_ATTRS = {  # `class` is kept through allowed_classes (nh3 forbids it in both places)
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "button": {"type", "title"},
}

NOTHING_FOUND = {
    "ja": "該当するノートが見つかりませんでした。言い換えるか、フィルターを「すべて」にしてみてください。",
    "en": "Nothing found in the notes. Try other words or set the filter to “all”.",
}
COPY_LABEL = {"ja": "引用をコピー", "en": "Copy citation"}


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    # html=False: raw HTML in a note becomes visible text, never markup.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")
    md.add_render_rule("fence", _render_code)
    md.add_render_rule("code_block", _render_code)
    return md


def _render_code(self, tokens, idx, options, env) -> str:
    """Code blocks line by line, so single answer lines can be marked."""
    token = tokens[idx]
    marked = env.get("marked", set())
    first = token.map[0] + (1 if token.type == "fence" else 0) if token.map else -1
    lines = token.content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for i, line in enumerate(lines):
        text = html.escape(line)
        out.append(f'<span class="hl">{text}</span>' if first + i in marked else text)
    # The info string is the note's to choose, so it sets no class: a class such as
    # "mermaid" would hand the block to another renderer in the page (case note-mermaid-class).
    return "<pre><code>" + "\n".join(out) + "</code></pre>\n"


def _mark_inline(inline, first_line: int, marked: set[int]) -> None:
    """Wrap the parts of a paragraph that come from marked source lines in <mark>."""
    from markdown_it.token import Token

    children, out, line = inline.children or [], [], first_line
    is_open = False
    for child in children:
        if not is_open and line in marked:
            out.append(Token("html_inline", "", 0, content=MARK_OPEN))
            is_open = True
        if child.type in ("softbreak", "hardbreak"):
            if is_open:
                out.append(Token("html_inline", "", 0, content=MARK_CLOSE))
                is_open = False
            line += 1
        out.append(child)
    if is_open:
        out.append(Token("html_inline", "", 0, content=MARK_CLOSE))
    inline.children = out


def section_html(text: str, first_line: int = 1, highlight: tuple[int, ...] = ()) -> str:
    """A note section (markdown) as sanitized HTML; `highlight` lines are marked."""
    md = _markdown()
    marked = {n - first_line for n in highlight}  # 0-based lines of `text`
    env = {"marked": marked}
    tokens = md.parse(text, env)
    for i, token in enumerate(tokens):
        if not token.map or not marked:
            continue
        start, end = token.map
        if token.type == "inline":
            _mark_inline(token, start, marked)
        elif token.type in ("tr_open", "list_item_open") and any(start <= n < end for n in marked):
            if token.type == "tr_open" or start in marked:
                token.attrJoin("class", "hl-block")
    return clean(md.renderer.render(tokens, md.options, env))


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


def hit_html(hit: Hit, lang: str, link_target: str = "_top") -> str:
    c = hit.chunk
    crumb = " › ".join(html.escape(h) for h in c.heading_path)
    cite = citation(hit)
    # Gradio's sanitizer drops data-* attributes and forces target=_blank, so the link target
    # and the text to copy travel in a class name and a hidden span; ui.HEAD reads them.
    target = "cite-target" + re.sub(r"[^A-Za-z0-9_-]", "", link_target)
    head = (
        f'<div class="hit-head"><nav class="crumb">{crumb}</nav>'
        f'<a class="cite {target}" href="{html.escape(hit.url, quote=True)}">{html.escape(cite)}</a> '
        f'<button type="button" class="copy-cite" title="{COPY_LABEL[lang]}">{COPY_LABEL[lang]}'
        f'<span class="cite-text">{html.escape(cite + "  " + hit.url)}</span></button></div>'
    )
    body = section_html(c.text, c.line_start, hit.highlight_lines)
    return clean(f'<div class="hit">{head}<div class="section">{body}</div></div>')


def answer_html(answer: Answer, link_target: str = "_top") -> str:
    """The whole reply for one question, in the question's language."""
    lang = language(answer.question)
    parts = []
    if not answer.hits:
        parts.append(f'<p class="notice">{html.escape(NOTHING_FOUND[lang])}</p>')
    elif answer.no_answer:
        parts.append(f'<p class="notice">{html.escape(NO_ANSWER[lang])}</p>')
    parts += [hit_html(hit, lang, link_target) for hit in answer.hits]
    return one_line('<div class="answer">' + "".join(parts) + "</div>")


def question_html(question: str) -> str:
    """The user's own words as plain text in an HTML block, so that neither a ?q= permalink
    nor a pasted question can put links, images or diagrams into the chat (Gradio renders
    chat messages as markdown; an HTML block on one line is left alone)."""
    return one_line(f'<div class="question"><p>{html.escape(question).replace(chr(10), "<br>")}</p></div>')


def error_html(message: str) -> str:
    return one_line(f'<div class="answer"><p class="error">⚠ {html.escape(message)}</p></div>')
