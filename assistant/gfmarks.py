"""GitHub-flavoured marks CommonMark leaves as text, as the chat page shows them: a task
list's box ("- [ ] Decide ..."), a footnote reference ("20.[^id]") or definition's start, and
an alert's type ("> [!WARNING]"), all shown raw to a new user (heldout15, 2026-12-03).

A box becomes a ballot box: markdown-it's tasklists plugin (mdit-py-plugins) makes an
<input>, which the page's sanitizer (webrender.clean) rightly drops. A reference becomes its
label in superscript: its definition is usually in another chunk, at the page's end, so the
footnote plugin would have nothing to link it to. An alert's type becomes its title, as
GitHub shows it ("Warning"), in bold on the quote's first line.
"""
from __future__ import annotations

import html
import re

_TASK_BOX = re.compile(r"^\[([ xX])\][ \t]")
# GitHub's five alert types, alone on the first line of a quote that is not inside another
# block (docs.github.com, "Basic writing and formatting syntax", Alerts); GitLab reads the same
# marker. ASCII: "[!İMPORTANT]" is no alert (IGNORECASE alone matched it, and capitalize()
# then titled it "İmportant").
_ALERT = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*$", re.IGNORECASE | re.ASCII)
_ALERT_TITLES = {name: name.capitalize() for name in ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION")}
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]{1,40})\](?!:)|^\[\^([^\]\s]{1,40})\]:[ \t]*")  # a reference, or a definition's start


def github_marks(tokens, in_list_item: bool = True) -> None:
    """Rewrite, in place, markdown-it's tokens (a parse's block tokens, or a parseInline's one
    inline token with `in_list_item` False: a list item's line without its bullet): a task
    box opening a list item's text as ☐ / ☑, a footnote reference or a definition's start as
    <sup>[label]</sup> (the label escaped; the result is sanitized with the page)."""
    from markdown_it.token import Token

    depth = 0  # list items open around the current token
    for at_token, token in enumerate(tokens):
        depth += token.type == "list_item_open"
        depth -= token.type == "list_item_close"
        if token.type != "inline" or not token.children:
            continue
        if _is_alert(tokens, at_token):
            # The marker's line becomes the title's; its line break stays one break, so the
            # lines after it keep their places (the highlight counts lines).
            name = _ALERT.match(token.children[0].content)[1].upper()
            title = Token("html_inline", "", 0, content=f"<strong>{_ALERT_TITLES[name]}</strong>")
            rest = token.children[2:]
            token.children = [title] + ([Token("hardbreak", "br", 0)] if rest else []) + rest
        first = token.children[0]
        if first.type == "text" and (depth or not in_list_item):
            first.content = _TASK_BOX.sub(lambda m: "☐ " if m[1] == " " else "☑ ", first.content, count=1)
        out = []
        for child in token.children:
            if child.type != "text" or "[^" not in child.content:
                out.append(child)
                continue
            at = 0
            for m in _FOOTNOTE_REF.finditer(child.content):
                out.append(Token("text", "", 0, content=child.content[at:m.start()]))
                out.append(Token("html_inline", "", 0, content=f"<sup>[{html.escape(m[1] or m[2])}]</sup>"
                                 + (" " if m[2] else "")))
                at = m.end()
            out.append(Token("text", "", 0, content=child.content[at:]))
        token.children = out


def _is_alert(tokens, at: int) -> bool:
    """Whether the inline token `tokens[at]` is a top-level quote's first paragraph whose
    first line is an alert marker alone: plain text (not "[!NOTE] **bold**", not an escaped
    "\\[!NOTE]"), then a line break or nothing."""
    children = tokens[at].children
    return (
        at >= 2
        and tokens[at - 2].type == "blockquote_open"
        and tokens[at - 2].level == 0
        and tokens[at - 1].type == "paragraph_open"
        and tokens[at].content.lstrip().startswith("[!")
        and children[0].type == "text"
        and _ALERT.match(children[0].content) is not None
        and (len(children) == 1 or children[1].type in ("softbreak", "hardbreak"))
    )
