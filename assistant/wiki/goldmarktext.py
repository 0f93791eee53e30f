"""The text Hugo 0.168's goldmark makes a heading's id from, out of markdown-it's inline tokens.

Hugo 0.111 made ids from the heading's source line: `## See ([C](https://c.x))` was
`see-chttpscx`; 0.168 makes them from the text of the heading's inline nodes, `see-c`
(heldout28, written blind against 0.168). What each node gives, as real builds of 0.168 show
(tests/test_wiki_engines_real.py, and an attack's headings there):

- the heading's own text, code spans and the text of what it holds, with what goldmark's
  extensions make nodes of left out: the typographer's replacements (`'`, `"`, `--`, `---`,
  `...`, `<<`, `>>`, which the id drops anyway, bar the dashes), a bare URL or e-mail address
  (linkify), a footnote reference (`[^1]`), autolinks and raw HTML;
- of emphasis, a link, a strikethrough or an image, only its first piece of text: the text up
  to its first nested markup or typographer's replacement (`**What's new**` is `what`,
  `[Step 2: **Deploy** it](x)` is `step-2`, `*Don't* panic` is `don-panic`), where a run
  of `*` or `_` that made no emphasis ends the piece after it (`*d_e*` is `d_`);
- of a setext heading, its last line;
- of a numeric character reference, its number as written (`&#x41;` is `x41`); of a named
  one or an escape, the character.
"""
from __future__ import annotations

import re

# What goldmark's typographer replaces, its linkify extension links and its footnote
# extension refers with: each ends a container's first piece of text and is no text itself.
_SPLIT = re.compile(
    r"---|--|\.\.\.|<<|>>|['\"]"
    r"|(?:https?://|ftp://|www\.)[^\s<]*[^\s<.,:;\"')\]!?*_~]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\[\^[^\]\s]+\]")
_DELIMITER_RUN = re.compile(r"[*_]+")
_CONTAINERS = {"em_open": "em_close", "strong_open": "strong_close", "s_open": "s_close", "link_open": "link_close"}


def goldmark_text(children) -> str:
    """A heading's text as Hugo 0.168 makes its id from it (the module docstring says what
    counts). `children`: the heading inline token's children (markdown-it tokens)."""
    out: list[str] = []
    i = 0
    while i < len(children):
        child = children[i]
        if child.type in _CONTAINERS:
            end = _closing(children, i)
            inner = children[i + 1:end]
            # an autolink, or a footnote reference that markdown-it took for a link (`[^1]` with
            # a definition `[^1]: ...`), gives no text
            footnote = child.type == "link_open" and inner[:1] and inner[0].type == "text" and inner[0].content.startswith("^")
            if not (child.type == "link_open" and child.markup in ("autolink", "linkify")) and not footnote:
                out.append(_first_piece(inner))
            i = end + 1
            continue
        if child.type == "text":
            out.append(_SPLIT.sub("", child.content))
        elif child.type == "text_special":
            out.append(_special_text(child))
        elif child.type == "code_inline":
            out.append(child.content)
        elif child.type == "image":
            out.append(_first_piece(child.children or ()))
        elif child.type in ("softbreak", "hardbreak"):
            out.clear()  # the id is made from the last line
        i += 1
    return "".join(out)


def _special_text(token) -> str:
    """An escape's or character reference's text: goldmark's of a numeric reference is its
    number as written."""
    return token.markup[2:-1] if token.info == "entity" and token.markup.startswith("&#") else token.content


def _closing(children, at: int) -> int:
    """The index of the token closing the container opened at `at` (the last one if unclosed)."""
    opening, closing, depth = children[at].type, _CONTAINERS[children[at].type], 0
    for j in range(at, len(children)):
        depth += (children[j].type == opening) - (children[j].type == closing)
        if depth == 0:
            return j
    return len(children) - 1


def _first_piece(children) -> str:
    """The first piece of text inside a container: its first token's text up to the first
    typographer's replacement or linked address; a nested container's first piece."""
    while children and children[0].type == "text" and not children[0].content:
        children = children[1:]  # markdown-it's empty text before a delimiter run
    if not children:
        return ""
    first = children[0]
    if first.type in ("text", "text_special"):  # a reference or an escape ends no piece
        run = []
        for child in children:
            if child.type == "text_special":
                run.append(_special_text(child))
                continue
            if child.type != "text":
                break
            # goldmark's piece ends before a typographer's replacement or linked address, and
            # after a run of `*` or `_` that made no emphasis ("*d_e*" is "d_")
            cut = _SPLIT.search(child.content)
            delimiters = _DELIMITER_RUN.search(child.content)
            if delimiters and (cut is None or delimiters.end() <= cut.start()):
                run.append(child.content[: delimiters.end()])
                break
            if cut:
                run.append(child.content[: cut.start()])
                break
            run.append(child.content)
        return "".join(run)
    if first.type == "code_inline":
        return first.content
    if first.type in _CONTAINERS and not (first.type == "link_open" and first.markup in ("autolink", "linkify")):
        return _first_piece(children[1:_closing(children, 0)])
    if first.type == "image":
        return _first_piece(first.children or ())
    return ""
