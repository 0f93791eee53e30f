"""Which lines are headings on the wiki page, what they show and the id each one gets.

markdown-it (CommonMark, the parser of VitePress and a close kin of GitHub's cmark-gfm and
Docusaurus' remark) finds the heading candidates; each engine family then applies its own
parser's rules:

* kramdown (Jekyll's `GFM` input and plain `kramdown`): an ATX header starts in column 0 and
  has text; plain kramdown also needs a blank line (or an IAL line) before it, and so do
  setext headers in both; headers inside a block-level HTML element (`<details>`) are raw HTML;
  `## Text {#id}` and an IAL line `{: #id}` right before or after set the id. GFM ids come
  from the rendered text with kramdown's typographic symbols (`--` is an en dash), plain
  kramdown ids from the header's source text (link URLs and `&amp;` count).
* python-markdown (MkDocs): the page's ids are taken from python-markdown itself (its
  toc extension run on the note, with the site's slugify and heading extensions) and
  matched to the headings in order.
* markdown-it-attrs (VitePress) and Docusaurus read a trailing `{#id}`; GitHub and GitLab
  show it as text.
"""
from __future__ import annotations

import dataclasses
import difflib
import html
import logging
import re
from dataclasses import dataclass

from markdown_it.token import Token

from ..notes import Note, _front_matter_end, is_liquid_line, parse_structure
from . import slugs
from .goldmarktext import goldmark_text
from .mkdocsmarkdown import MkdocsMarkdown

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WikiHeading:
    """One heading as the engine's page renders it (page_headings): text shown and id."""

    level: int  # 1-6
    line: int  # 1-based first line of the heading
    end_line: int  # 1-based last line (a setext heading spans two or more)
    text: str  # as the page shows it: inline markup and `{#id}` syntax removed
    anchor: str  # the id the engine gives the heading ("" when it gives none)


@dataclass(frozen=True)
class _Candidate:
    level: int
    start: int  # 0-based first line
    end: int  # 0-based line after the heading
    setext: bool
    nested: bool  # inside a list or blockquote
    rendered: str  # text + code spans, entities decoded (what the reader sees)
    typographic: str  # the same with kramdown's typographic symbols applied
    inline: tuple = ()  # the heading's inline tokens (markdown-it), which Hugo's id is made from


def parse_source(note: Note) -> list[str]:
    """The note's lines as the wiki's markdown parser sees them: front matter and lines of
    nothing but Liquid tags blanked (Jekyll runs Liquid first), line numbers kept."""
    fm_end = _front_matter_end(list(note.lines))
    return ["" if i < fm_end or is_liquid_line(line) else line for i, line in enumerate(note.lines)]


_TYPOGRAPHIC = ((re.compile(r"---"), "\u2014"), (re.compile(r"--"), "\u2013"), (re.compile(r"\.\.\."), "\u2026"),
                (re.compile(r"<<"), "\u00ab"), (re.compile(r">>"), "\u00bb"))


def _kramdown_typographic(text: str) -> str:
    for pattern, char in _TYPOGRAPHIC:
        text = pattern.sub(char, text)
    return text


def _joined_text(children) -> list:
    """Heading inline tokens with each run of text and escapes or character references
    (`text_special`, kept apart for Hugo's ids) joined into one text token, as markdown-it's
    text_join makes them."""
    out: list = []
    for child in children:
        if child.type in ("text", "text_special") and out and out[-1].type == "text":
            out[-1] = Token("text", "", 0, content=out[-1].content + child.content)
        else:
            out.append(Token("text", "", 0, content=child.content) if child.type == "text_special" else child)
    return out


def _candidates(lines: list[str]) -> list[_Candidate]:
    tokens = parse_structure("\n".join(lines) + "\n")
    out = []
    for i, tok in enumerate(tokens):
        if tok.type != "heading_open" or not tok.map:
            continue
        shown, typo = [], []
        for child in _joined_text(tokens[i + 1].children or ()):
            if child.type == "text":
                shown.append(child.content)
                typo.append(_kramdown_typographic(child.content))
            elif child.type == "code_inline":
                shown.append(child.content)
                typo.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                shown.append("\n")
                typo.append("\n")
        out.append(_Candidate(int(tok.tag[1:]), tok.map[0], tok.map[1], tok.markup in ("=", "-"),
                              tok.level > 0, "".join(shown), "".join(typo), tuple(tokens[i + 1].children or ())))
    return out


# --- kramdown family -------------------------------------------------------------------

# kramdown parser/kramdown/header.rb HEADER_ID (REXML name characters, approximated by \w)
_HEADER_ID = re.compile(r"[\t ]\{#([A-Za-z_:\u00c0-\uffff][\w:.\-\u00b7]*)\}\Z")
_IAL_LINE = re.compile(r"^ {0,3}\{:(?!:|/)(.+)\}\s*$")  # parser/kramdown/extensions.rb IAL_BLOCK
_IAL_ID = re.compile(r"(?:^|\s)#(\w[\w-]*)")
_BLOCK_HTML_OPEN = re.compile(r"^ {0,3}<(details|div|section|aside|article|figure|table|blockquote|dl|form|nav)\b", re.I)


def is_ial_line(line: str) -> bool:
    """A kramdown block attribute list (`{: .class #id}`): syntax, never shown."""
    return bool(_IAL_LINE.match(line))


def _ial_id(line: str) -> str | None:
    match = _IAL_LINE.match(line)
    ids = _IAL_ID.findall(match.group(1)) if match else []
    return ids[-1] if ids else None


def _raw_html_lines(lines: list[str]) -> set[int]:
    """0-based lines inside top-level block HTML elements, which kramdown keeps raw
    (parse_block_html is off by default), so a `## x` there is not a header."""
    inside: set[int] = set()
    i = 0
    while i < len(lines):
        match = _BLOCK_HTML_OPEN.match(lines[i])
        if match and (i == 0 or not lines[i - 1].strip()):
            tag = match.group(1).lower()
            depth, j = 0, i
            while j < len(lines):
                depth += len(re.findall(rf"<{tag}\b", lines[j], re.I)) - len(re.findall(rf"</{tag}\s*>", lines[j], re.I))
                if depth <= 0:
                    break
                j += 1
            inside.update(range(i, min(j, len(lines) - 1) + 1))
            i = j + 1
        else:
            i += 1
    return inside


def _kramdown_headings(lines: list[str], plain: bool) -> list[WikiHeading]:
    ids: slugs.Ids = slugs.KramdownIds() if plain else slugs.GfmKramdownIds()
    raw_html = _raw_html_lines(lines)
    out = []
    for cand in _candidates(lines):
        if cand.start in raw_html:
            continue
        prev = lines[cand.start - 1] if cand.start > 0 else ""
        boundary = not prev.strip() or is_ial_line(prev)
        if cand.setext:
            if not boundary:
                continue
            contents = "\n".join(lines[cand.start : cand.end - 1]).strip()
            underline_end = cand.end
        else:
            first = lines[cand.start]
            if not cand.nested and not first.startswith("#"):
                continue  # kramdown's ATX header starts in column 0
            if plain and not boundary:
                continue
            match = re.match(r"^\s*#{1,6}(.*)$", first)
            contents = (match.group(1) if match else "").strip(" \t")
            underline_end = cand.end
        id_match = _HEADER_ID.search(contents.rstrip())
        explicit = None
        if id_match:
            explicit = id_match.group(1)
            contents = contents.rstrip()[: id_match.start()].rstrip()
        if not cand.setext:
            closing = r"(?<!\\)#+\Z" if plain else r"[\t ]#+\Z"
            contents = re.sub(closing, "", contents).rstrip()
        if not contents:
            continue  # kramdown: a header needs text
        nxt = lines[underline_end] if underline_end < len(lines) else ""
        explicit = _ial_id(nxt) or explicit or (_ial_id(prev) if is_ial_line(prev) else None)
        shown = cand.rendered or contents  # `## #`: kramdown shows the '#'
        if plain and shown.endswith("#") and not contents.endswith("#"):
            shown = shown.rstrip("#")  # plain kramdown strips closing hashes without a space
        if id_match:
            shown = _HEADER_ID.sub("", shown.rstrip()).rstrip()
        if explicit:
            anchor = ids.explicit(explicit)
        else:
            anchor = ids.add(contents if plain else _HEADER_ID.sub("", cand.typographic.rstrip()).rstrip())
        out.append(WikiHeading(cand.level, cand.start + 1, cand.end, shown.strip(), anchor))
    return out


# --- markdown-it family (GitHub, GitLab, Docusaurus, VitePress) ---------------------------

# docusaurus-utils src/markdownUtils.ts parseMarkdownHeadingId
_DOCUSAURUS_ID = re.compile(r"(?<!\s)\s*+\{#(?P<id>(?:.(?!\{#|\}))*.)\}$")  # (?<!\s): from a run's start only
# markdown-it-attrs on a heading: a trailing {...} block, e.g. {#id .class key=value}
_ATTRS_BLOCK = re.compile(r"(?<!\s)\s*+\{(\s*+[^{}\s][^{}]*+)\}\s*+$")  # linear (sixth attack run)


def _split_attrs(text: str) -> tuple[str, str | None]:
    match = _ATTRS_BLOCK.search(text)
    if not match:
        return text, None
    ids = [part[1:] for part in match.group(1).split() if part.startswith("#") and len(part) > 1]
    return text[: match.start()], (ids[-1] if ids else None)


def _markdown_it_headings(lines: list[str], engine: str) -> list[WikiHeading]:
    ids: slugs.Ids = {
        "github": slugs.GithubIds, "docusaurus": slugs.GithubIds, "github-wiki": slugs.GithubIds,
        "gitlab": slugs.GitlabIds, "gitlab-wiki": slugs.GitlabIds, "vitepress": slugs.VitepressIds,
    }[engine]()
    out = []
    for cand in _candidates(lines):
        text, explicit = cand.rendered, None
        if engine == "vitepress":
            text, explicit = _split_attrs(text)
        elif engine == "docusaurus":
            match = _DOCUSAURUS_ID.search(text)
            if match:
                text, explicit = text.replace(match.group(0), "", 1), match.group("id")
        anchor = ids.explicit(explicit) if explicit else ids.add(text)
        if engine == "docusaurus" and cand.level == 1:
            # Docusaurus counts the h1's id (a later "## Title" is "title-1") but its theme
            # renders the h1 without one (theme-classic Heading: `id={undefined}`, "h1 headings
            # do not need an id"): a lead cited "#機器のメンテナンス", on no element (a fresh user,
            # heldout25). The page's own URL lands on its top.
            anchor = ""
        out.append(WikiHeading(cand.level, cand.start + 1, cand.end, text.strip(), anchor))
    return out


# --- goldmark (Hugo) -----------------------------------------------------------------------

# Container prefixes before a nested heading (`> ## x`, `- ## x`): not part of its text.
_CONTAINER_PREFIX = re.compile(r"^(?:[ \t]*(?:>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+))*")
# goldmark's attribute list (parser/attribute.go): `#id`, `.class` and `key=value` items only;
# `{id}` or `{a, b}` is heading text. Run on the text between one pair of braces (no brace
# inside), with possessive repeats: linear.
_ATTRIBUTE_LIST = re.compile(r"[ \t]*+(?:(?:#[\w:-]++|\.[\w:-]++|[A-Za-z_:][\w:.-]*+[ \t]*+=[ \t]*+"
                             r"(?:\"[^\"]*+\"|'[^']*+'|[^\s\"'=<>`]++))[ \t]*+)++")

_ID_ITEM = re.compile(r"(?<![\w:.-])#([\w:-]++)|(?<![\w:.-])id[ \t]*+=[ \t]*+(?:\"([^\"]*+)\"|'([^']*+)'|([^\s\"'=<>`]++))")


def _atx_text(line: str) -> str:
    """An ATX heading's source text: the `#` run, the closing `#` sequence and the spaces
    around them removed (CommonMark 4.2). Plain string scans: a regex with a lazy group
    before optional trailing spaces took quadratic time on a line of spaces (a review's
    attack: 21 s for a 50 KB heading)."""
    text = line.lstrip(" \t").lstrip("#").strip(" \t")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip(" \t")
    return text


def _split_goldmark_attrs(text: str) -> tuple[str, str | None, bool]:
    """(text without a trailing attribute list, the last `#id` in it or None, whether there
    was one). `## Price {#price .note}` has one; `## GET /users/{id}` and `\\{#x}` have none."""
    body = text.rstrip(" \t")
    if not body.endswith("}"):
        return text, None, False
    open_at = body.rfind("{")
    if open_at < 0 or "}" in body[open_at + 1 : -1] or (open_at and body[open_at - 1] == "\\"):
        return text, None, False
    inner = body[open_at + 1 : -1]
    if not _ATTRIBUTE_LIST.fullmatch(inner):
        return text, None, False
    ids = [next(g for g in m.groups() if g is not None) for m in _ID_ITEM.finditer(inner)]
    return body[:open_at], (ids[-1] if ids else None), True


def _hugo_headings(lines: list[str]) -> list[WikiHeading]:
    """Hugo 0.168's ids (tests/test_wiki_engines_real.py): from the heading's text (goldmarktext.py),
    or a trailing `{#id .class}` on an ATX heading or a setext heading's last line, which is
    not text."""
    ids, out = slugs.HugoIds(), []
    for cand in _candidates(lines):
        text, basis = cand.rendered, goldmark_text(cand.inline)
        if cand.setext:
            last = _CONTAINER_PREFIX.sub("", lines[cand.end - 2], count=1).strip()
        else:
            last = _atx_text(_CONTAINER_PREFIX.sub("", lines[cand.start], count=1))
        _, explicit, had = _split_goldmark_attrs(last)
        if had:
            text, basis = _split_goldmark_attrs(text)[0], _split_goldmark_attrs(basis)[0]
        # no text (`##`, an autolink alone): no id in Hugo 0.168; "## !!!" is "heading"
        anchor = ids.explicit(explicit) if explicit else ids.add(basis) if basis else ""
        out.append(WikiHeading(cand.level, cand.start + 1, cand.end, text.strip(), anchor))
    return out


# --- python-markdown (MkDocs) --------------------------------------------------------------

def _flatten(tokens: list[dict]) -> list[dict]:
    out = []
    for tok in tokens:
        out.append(tok)
        out += _flatten(tok["children"])
    return out


# Leading indentation past which python-markdown is not run: 250 nested list levels (1,000
# columns) raised RecursionError, and 1,000 levels took over a minute first; one such note
# failed a whole MkDocs build with a traceback (a check, 2026-12-06). 200 levels take 0.2 s.
MAX_MKDOCS_INDENT = 800
# Runs of spaces inside a line: python-markdown's attr_list header pattern backtracks over them
# ("## h {" + 100,000 spaces: 7 s). One space reads the same to every heading rule.
_SPACE_RUN = re.compile(r"(?<=\S)[ \t]{2,}")
# attr_list's pattern is tried from every "{" of a line to its end: quadratic ("## h " + "{: "
# x 27,000, 80 KB: 104 s; an attack, 2026-12-06). Only a line ending in "}" can carry an
# attribute list, and a real one is short: other lines' braces are read as "(", which no
# slugify keeps either.
MAX_ATTR_LINE = 300


def _attr_free(line: str) -> str:
    """The line as attr_list may read it: its braces kept only when it can end in an attribute list."""
    return line if "{" not in line or (line.rstrip().endswith("}") and len(line) <= MAX_ATTR_LINE) else line.replace("{", "(")


def _mkdocs_headings(lines: list[str], site: MkdocsMarkdown | None = None, source: str = "") -> list[WikiHeading]:
    """Ids from python-markdown itself (MkDocs' default extensions, with the site's heading
    settings: mkdocsmarkdown.py), matched to our headings by (level, text) in order; a
    heading python-markdown does not see is not one on the page. A note nested past what
    python-markdown can parse (MAX_MKDOCS_INDENT, RecursionError) gets its ids from its own
    headings in order, with the site's slugify, and a warning naming it (`source`)."""
    import markdown
    from markdown.extensions.toc import slugify, unique

    site = site or MkdocsMarkdown()
    ours = _candidates(lines)
    if "attr_list" in site.extensions:  # `## Title {#id}`: the page shows the title alone
        from markdown.extensions.attr_list import AttrListTreeprocessor

        ours = [dataclasses.replace(c, rendered=AttrListTreeprocessor.HEADER_RE.sub("", _SPACE_RUN.sub(" ", c.rendered)))
                if _attr_free(c.rendered) == c.rendered else c for c in ours]
    fed = [_SPACE_RUN.sub(" ", line) for line in lines]
    fed = [_attr_free(line) for line in fed] if "attr_list" in site.extensions else fed
    theirs = None
    if max((len(line) - len(line.lstrip(" \t")) for line in fed), default=0) <= MAX_MKDOCS_INDENT:
        md = markdown.Markdown(extensions=["toc", "tables", "fenced_code", *site.extensions],
                               extension_configs={"toc": site.toc_config()})
        try:
            md.convert("\n".join(fed))
            theirs = [(t["level"], html.unescape(t["name"]).strip(), t["id"]) for t in _flatten(md.toc_tokens)]
        except RecursionError:
            pass
    if theirs is None:
        log.warning("%s: nested too deeply for python-markdown; heading ids made from its headings alone", source)
        slug, used = site.toc_config().get("slugify", slugify), set()
        theirs = [(c.level, c.rendered, unique(slug(c.rendered, site.separator), used)) for c in ours]

    def key(level: int, text: str) -> tuple[int, str]:
        # Letters and digits only: the parsers differ on closing '#', escapes and entities.
        return level, re.sub(r"[\W_]+", "", text.lower())

    matcher = difflib.SequenceMatcher(
        a=[key(c.level, c.rendered) for c in ours], b=[key(lv, tx) for lv, tx, _ in theirs], autojunk=False
    )
    out = []
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            cand, (_, _, anchor) = ours[block.a + k], theirs[block.b + k]
            out.append(WikiHeading(cand.level, cand.start + 1, cand.end, cand.rendered.strip(), anchor))
    return out


def page_headings(note: Note, engine: str, mkdocs: MkdocsMarkdown | None = None) -> list[WikiHeading]:
    """Every heading the engine renders for this note, in line order, with its id; `mkdocs`:
    an MkDocs site's heading settings (None: MkDocs' defaults)."""
    lines = parse_source(note)
    if engine in ("jekyll", "kramdown"):
        return _kramdown_headings(lines, plain=engine == "kramdown")
    if engine == "mkdocs":
        return _mkdocs_headings(lines, mkdocs, note.source)
    if engine == "hugo":
        return _hugo_headings(lines)
    return _markdown_it_headings(lines, engine)
