"""The markdown-it parser replies render a note's markdown with (webrender.py).

CommonMark with tables and strikethrough; raw HTML off, except inline formatting tags, which
give way to the text they wrap (`_formatting_tag`); a `[^label]:` line is never a link
reference definition (`_not_a_footnote_definition`); code blocks rendered line by line so one
answer line can be marked (`_render_code`); task boxes, footnote references and alert titles
as the wiki shows them (gfmarks.py). The result is not sanitized: webrender cleans it.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from markdown_it.common import html_re

from .gfmarks import github_marks
from .mdtables import bound_tables

MAX_RANK_STYLED = 3  # answer lines styled by rank (1 = best); later ranks share the last style


# A CommonMark open or close tag (markdown-it's own pattern, quoted '>' in attributes
# included) of inline text formatting, or of a list, table or paragraph whose text the wiki
# shows: a line of a note's HTML table ("<li>外部へ通知する</li>") read with its tags (a
# fresh user, wiki-dev).
_TAG = re.compile(f"(?:{html_re.open_tag}|{html_re.close_tag})")
_FORMATTING = frozenset("a abbr b br code del em font i img ins kbd mark nobr s small span strong sub sup u wbr "
                        "li ul ol p td th tr thead tbody tfoot table dl dt dd div".split())
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
# Kept as text: a tag whose attribute runs over lines hid them and moved every later mark onto
# the wrong line, and one the wiki hides showed its text as if the page did (an attack run).
_NOT_SKIPPED = re.compile(r"\n|\shidden\b(?!-)|display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I)


def _formatting_tag(state, silent: bool) -> bool:
    """markdown-it inline rule: a formatting tag (`<br>`, `<span class="good">`) is skipped,
    its text kept, as the wiki renders it: kept as text, a new user read "...判断します。<br>"
    (wiki-dev). A rule, not a rewrite of text tokens: an escaped `\\<br>` or `&lt;br&gt;` is
    consumed by the escape and entity rules first and stays visible; code spans are their own."""
    if state.src[state.pos] != "<":
        return False
    tag = _TAG.match(state.src, state.pos)
    if not tag or _TAG_NAME.match(tag.group()).group(1).lower() not in _FORMATTING or _NOT_SKIPPED.search(tag.group()):
        return False
    state.pos = tag.end()
    return True


def _not_a_footnote_definition(reference):
    """markdown-it's link reference definition rule, except for a `[^label]:` line: kramdown,
    GitHub, GitLab, Hugo's goldmark and Docusaurus read that as a footnote definition (shown
    as text by gfmarks). As a reference, `[^src]: https://...` showed nothing and made
    `Cited.[^src]` a link to its URL (a helper's attack, 2026-12-03). VitePress without a
    footnote plugin does read a reference there; a reply shows the definition's text anyway.

    Like GitHub's cmark-gfm (checked 2026-12-04), a link reference definition on the line
    right under the footnote's is text of it; kramdown (Jekyll) reads it as a definition."""

    def rule(state, start_line: int, end_line: int, silent: bool) -> bool:
        begin = state.bMarks[start_line] + state.tShift[start_line]
        if state.src.startswith("[^", begin):
            return False
        return reference(state, start_line, end_line, silent)
    return rule


@lru_cache(maxsize=1)
def markdown():
    """The parser (built once): see the module docstring."""
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import reference

    # html=False: raw HTML in a note becomes visible text, never markup; only inline formatting
    # tags give way to the text they wrap (`_formatting_tag`).
    md = bound_tables(MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough"))
    md.inline.ruler.before("autolink", "formatting_tag", _formatting_tag)
    md.block.ruler.at("reference", _not_a_footnote_definition(reference))
    md.add_render_rule("fence", _render_code)
    md.add_render_rule("code_block", _render_code)
    md.core.ruler.push("github_marks", lambda state: github_marks(state.tokens, in_list_item=not state.inlineMode))
    return md


def _render_code(self, tokens, idx, options, env) -> str:
    """Code blocks line by line, so single answer lines can be marked."""
    token = tokens[idx]
    marked = env.get("marked", {})
    first = token.map[0] + (1 if token.type == "fence" else 0) if token.map else -1
    lines = token.content.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for i, line in enumerate(lines):
        text = html.escape(line)
        rank = marked.get(first + i)
        out.append(f'<span class="hl {rank_class(rank)}">{text}</span>' if rank else text)
    # The info string is the note's to choose, so it sets no class: a class such as
    # "mermaid" would hand the block to another renderer in the page (case note-mermaid-class).
    return "<pre><code>" + "\n".join(out) + "</code></pre>\n"


def rank_class(rank: int) -> str:
    """CSS class of the rank-th best answer line (1 = best); ranks past the styled ones share one."""
    return f"rank-{min(rank, MAX_RANK_STYLED)}"
