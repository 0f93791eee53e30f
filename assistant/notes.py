"""Markdown files -> Note: lines, front matter, headings and the block structure.

Line numbers are the product's citations, so a Note keeps every line of its file exactly
(1-based, CRLF folded to LF) and the parser sees a copy in which front matter and Liquid
tag lines are blanked out rather than removed, so its line map stays the file's.
What this leaves out: rendering, chunking (chunking.py) and anchors (cite.py).
"""
from __future__ import annotations

import dataclasses
import errno
import hashlib
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import CorpusError
from .mdtables import bound_tables
from .notemeta import FrontMatterError, front_matter_meta, json_front_matter

log = logging.getLogger(__name__)

# `.mdx`: MDX pages, which Docusaurus publishes and other engines do not (wiki/published.py)
NOTE_SUFFIXES = (".md", ".markdown", ".mdx")
MAX_NOTE_BYTES = 5 * 1024 * 1024
MAX_FOLDER_DEPTH = 32  # folders below the notes folder; a wiki's deepest is a handful
# A Liquid tag ({% raw %}) or output ({{ page.x }}). A tag never holds another's opening, so
# each match stops at the next "{%" / "{{": linear in the line. (".*?" scanned to the line's
# end from every "{{": 9 s for a line of 20,000 characters; a line-wide pattern repeating
# it took exponential time, 2.9 s for 22 tags and a word.)
LIQUID_INLINE = re.compile(r"\{%(?:(?!\{%).)*?%\}|\{\{(?:(?!\{\{).)*?\}\}")


def is_liquid_line(line: str) -> bool:
    """A line that is nothing but Liquid tags: template, not content."""
    return "{" in line and LIQUID_INLINE.search(line) is not None and not LIQUID_INLINE.sub("", line).strip()


@dataclass(frozen=True)
class Heading:
    """A markdown heading as markdown-it parses it: level 1-6, its plain text and lines."""

    level: int
    text: str  # plain text, inline markup removed
    line: int  # 1-based first line (a setext heading spans two)
    end_line: int


@dataclass(frozen=True)
class Block:
    """A parsed block (paragraph, list, list item, fence...) and the blocks nested in it."""

    kind: str
    start: int  # 1-based inclusive
    end: int
    children: tuple["Block", ...] = ()


@dataclass(frozen=True)
class Note:
    """One markdown file, read and parsed once (parse_note / load_notes): its lines as
    written, which of them are content, its headings and block tree, and the sha256 hex
    of its text as UTF-8 (what the wiki page cache keys on)."""

    source: str  # path relative to the corpus folder, '/'-separated
    title: str
    permalink: str | None
    lines: tuple[str, ...]  # lines[i - 1] is line i of the file
    content: tuple[bool, ...]  # content[i - 1]: line i is note content (not front matter/Liquid/blank)
    headings: tuple[Heading, ...]
    blocks: tuple[Block, ...]  # top-level blocks outside headings, in order
    sha256: str
    # A README without front matter in a folder with no index page (load_notes): GitHub Pages
    # serves it as the folder's page (its default plugin jekyll-readme-index): docs/README.md
    # at /docs/.
    folder_readme: bool = False
    # Why the front matter was read line by line (FrontMatterError), or None: said for the
    # notes a wiki publishes (wiki/published.py), when the index is built. Said on every
    # parse, it came on each `ask` for Hugo's `archetypes/default.md`, a template that is no page
    # (a fresh user, heldout28).
    front_matter_problem: str | None = None


def _parser() -> MarkdownIt:
    return bound_tables(MarkdownIt("commonmark").enable("table").enable("strikethrough"))


# A heading's text longer than this is taken as written, not parsed for markup: nobody writes
# one, and markdown-it-py 4.3's link labels take time quadratic in a run's length (a line of
# 20,000 "[": 1.1 s a parse; a 370 KB one, hours).
MAX_HEADING_PARSE_CHARS = 2_000


def parse_structure(text: str) -> list:
    """markdown-it's tokens of `text` with the block structure (every token's `map`) and the
    inline markup of headings only (their inline token's `children`; a heading longer than
    MAX_HEADING_PARSE_CHARS gets one text child as written). The build reads blocks, lines and
    heading text; leaving the rest of the inline markup unparsed keeps a note's parse linear
    in its length, whatever its lines hold (the quadratic link labels above)."""
    env: dict = {}  # the note's link reference definitions: `## [Clinic][c]` shows "Clinic"
    tokens = _parser().disable("inline").parse(text, env)
    inline = _parser()  # one per note: a parser's construction costs more than a heading's parse
    # An escape or a character reference stays a token of its own (`text_special`): Hugo's
    # ids keep a numeric reference as written (`&#65;` gives "65": wiki/goldmarktext.py).
    inline.disable("text_join")
    for i, token in enumerate(tokens):
        if token.type == "inline" and i and tokens[i - 1].type == "heading_open":
            if len(token.content) <= MAX_HEADING_PARSE_CHARS:
                token.children = inline.parseInline(token.content, env)[0].children
            else:
                token.children = [Token("text", "", 0, content=token.content)]
    return tokens


def _split_lines(text: str) -> list[str]:
    """Split on LF only (as editors number lines); a trailing newline ends the last line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _front_matter_end(lines: list[str]) -> int:
    """Number of leading lines taken by a front matter block (0 if none): YAML between `---`
    lines (Jekyll, MkDocs, Docusaurus, ...; `...` may close it) or TOML between `+++` lines
    (Hugo, Zola: https://gohugo.io/content-management/front-matter/). A TOML block is front
    matter under every engine: read as text, its `title = "..."` and `weight = 20` lines were
    indexed and cited as answers (heldout13, a Hugo wiki). Its fences start the line, as Jekyll
    and Hugo read them (trailing spaces allowed): an indented " ---" closed the block early,
    and a `published: false` after it was no key (an attack, 2026-12-05). A JSON object that
    opens the note is Hugo's third kind (notemeta.json_front_matter)."""
    if not lines or lines[0].rstrip() not in ("---", "+++"):
        found = json_front_matter(lines) if lines and lines[0][:1] in ("{", " ", "\t", "") else None
        return found[1] if found else 0
    closers = ("---", "...") if lines[0].rstrip() == "---" else ("+++",)
    for i in range(1, len(lines)):
        if lines[i].rstrip() in closers:
            return i + 1
    return 0


def _inline_text(token) -> str:
    """Plain text of an inline token: code spans keep their content, markup is dropped."""
    parts = []
    for child in token.children or ():
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()


def _block_tree(tokens, start: int, stop: int, level: int) -> tuple[list[Block], int]:
    """Blocks at `level` among tokens[start:stop], each with its nested blocks."""
    blocks, i = [], start
    while i < stop:
        tok = tokens[i]
        if tok.level != level or tok.map is None or tok.nesting == -1 or tok.type == "inline":
            i += 1
            continue
        kind = tok.type.removesuffix("_open")
        first, last = tok.map[0] + 1, tok.map[1]
        if tok.nesting == 1:
            close = i + 1
            while not (tokens[close].nesting == -1 and tokens[close].level == level):
                close += 1
            close += 1
            children, _ = _block_tree(tokens, i + 1, close - 1, level + 1)
            blocks.append(Block(kind, first, last, tuple(children)))
            i = close
        else:
            blocks.append(Block(kind, first, last))
            i += 1
    return blocks, i


def parse_note(text: str, source: str) -> Note:
    """Parse one note's text; `source` is its path relative to the corpus folder."""
    lines = _split_lines(text)
    fm_end = _front_matter_end(lines)
    meta, problem = {}, None
    if fm_end:
        try:
            meta = front_matter_meta(lines, fm_end)
        except FrontMatterError as exc:  # a bad header must not lose the note
            meta, problem = exc.partial, str(exc)
    parsed = [
        "" if i < fm_end or is_liquid_line(line) else line for i, line in enumerate(lines)
    ]
    tokens = parse_structure("\n".join(parsed) + "\n")
    headings, blocks = [], []
    top, _ = _block_tree(tokens, 0, len(tokens), 0)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map:
            headings.append(
                Heading(int(tok.tag[1:]), _inline_text(tokens[i + 1]), tok.map[0] + 1, tok.map[1])
            )
    blocks = [b for b in top if b.kind != "heading"]
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    if not title:
        h1 = [h for h in headings if h.level == 1]
        title = h1[0].text if len(h1) == 1 else Path(source).stem
    permalink = meta.get("permalink") if isinstance(meta.get("permalink"), str) else None
    return Note(
        source=source,
        title=title.strip(),
        permalink=permalink,
        lines=tuple(lines),
        content=tuple(bool(p.strip()) for p in parsed),
        headings=tuple(headings),
        blocks=tuple(blocks),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        front_matter_problem=problem,
    )


def _shown(source: str) -> str:
    """A file name fit for a log line, even when its bytes are not UTF-8."""
    return source.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def is_hidden(name: str) -> bool:
    """A file or folder name that git and Jekyll treat as hidden ('.draft.md', '.obsidian')."""
    return name.startswith(".")


def is_note_path(relative: str | Path) -> bool:
    """The one rule, for builds and the watcher alike: a note is a *.md / *.markdown / *.mdx file
    no part of whose path (relative to the corpus folder) is hidden."""
    parts = Path(relative).parts
    return bool(parts) and parts[-1].lower().endswith(NOTE_SUFFIXES) and not any(is_hidden(p) for p in parts)


# Opened without following a final symlink and without blocking on a FIFO; what is read is
# then checked on the descriptor itself (fstat, its real path), never on the name again:
# between a check by name and the open, a writer could swap the file for a symlink.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _fd_inside(fd: int, info: os.stat_result, path: Path, real_root: Path) -> bool:
    """Whether the open file `fd` lies inside `real_root`: by the descriptor's own path in
    /proc (Linux), else by the resolved name, accepted only if it is still the same inode."""
    try:
        real = Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # no /proc: resolve the name, then prove it names what we opened
        real = path.resolve()
        try:
            now = os.stat(real)
        except OSError:
            return False
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            return False
    return real.is_relative_to(real_root) and real != real_root


def read_note(path: Path, root: Path, real_root: Path | None = None) -> Note | None:
    """Read and parse one file; None (with a warning naming it) when it is not a usable note:
    a symlink, not a regular file, outside `root` once opened, over MAX_NOTE_BYTES, binary or
    not UTF-8. `real_root` is root.resolve() (pass it when reading many notes)."""
    source = path.relative_to(root).as_posix()
    if source != _shown(source):
        # The name would be cited and written to chunks.jsonl, which holds UTF-8 only.
        log.warning("skipped %s: its name is not valid UTF-8; rename the file", _shown(source))
        return None
    real_root = real_root or root.resolve()
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink (or a symlink loop)
            log.warning("skipped %s: it is a symbolic link; notes are read only from regular files", source)
        else:
            log.warning("skipped %s: cannot read it (%s)", source, exc.strerror or exc)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            log.warning("skipped %s: not a regular file", source)
            return None
        if not _fd_inside(fd, info, path, real_root):
            log.warning("skipped %s: it lies outside the corpus folder", source)
            return None
        if info.st_size > MAX_NOTE_BYTES:
            log.warning("skipped %s: larger than %d MB", source, MAX_NOTE_BYTES // 2**20)
            return None
        os.set_blocking(fd, True)
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(MAX_NOTE_BYTES + 1)  # bounded, even if the file grew since fstat()
    except OSError as exc:
        log.warning("skipped %s: cannot read it (%s)", source, exc.strerror or exc)
        return None
    finally:
        os.close(fd)
    if len(data) > MAX_NOTE_BYTES:
        log.warning("skipped %s: larger than %d MB", source, MAX_NOTE_BYTES // 2**20)
        return None
    if b"\x00" in data:
        log.warning("skipped %s: looks like a binary file", source)
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("skipped %s: not UTF-8 text", source)
        return None
    return parse_note(text, source)


def note_paths(corpus_dir: Path) -> list[Path]:
    """Every note (is_note_path) under the folder, sorted; hidden files and folders are
    skipped, symlinked folders are not followed, and folders more than MAX_FOLDER_DEPTH
    levels down are skipped with a warning. CorpusError when the folder is missing or a file."""
    if corpus_dir.exists() and not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir} is a file, not a folder; pass the folder that holds the notes")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; create it and put notes (*.md) in it")
    found, too_deep = [], []
    for dirpath, dirnames, filenames in os.walk(corpus_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not is_hidden(d))
        # os.walk recurses once per level (Python 3.11): a folder ~1,000 levels deep raised
        # RecursionError, and no note of the wiki could be indexed (security case deep-folders).
        if dirnames and len(Path(dirpath).relative_to(corpus_dir).parts) >= MAX_FOLDER_DEPTH:
            too_deep += [Path(dirpath) / d for d in dirnames]
            dirnames.clear()
        found += [Path(dirpath) / f for f in filenames if is_note_path(f)]
    if too_deep:
        log.warning("skipped %d folder(s) more than %d levels deep, e.g. %s", len(too_deep), MAX_FOLDER_DEPTH,
                    str(too_deep[0].relative_to(corpus_dir))[:200])
    return sorted(found)


def load_notes(corpus_dir: Path) -> list[Note]:
    """All readable notes of the corpus, each README without an index page beside it marked
    `folder_readme`; raises CorpusError when there are none."""
    real_root = corpus_dir.resolve()
    notes = [n for n in (read_note(p, corpus_dir, real_root) for p in note_paths(corpus_dir)) if n]
    if not notes:
        raise CorpusError(
            f"no readable notes (*.md, *.markdown, *.mdx) in {corpus_dir}; add some or pass --corpus"
        )
    return _mark_folder_readmes(notes, corpus_dir)


def is_bare_readme(note: Note) -> bool:
    """A README (any case, any markdown extension) without front matter: GitHub Pages renders
    no page of its own for it (wiki.pages.page_path, _mark_folder_readmes)."""
    return PurePosixPath(note.source).stem.lower() == "readme" and not _front_matter_end(list(note.lines))


def _mark_folder_readmes(notes: list[Note], corpus_dir: Path) -> list[Note]:
    # jekyll-readme-index 0.3: a folder's README (any case, any markdown extension) without
    # front matter is its page when the folder has no index.md / index.markdown / index.html
    # (one with front matter is an ordinary page).
    folders_with_index = {str(PurePosixPath(n.source).parent) for n in notes if PurePosixPath(n.source).stem.lower() == "index"}
    marked = []
    for note in notes:
        path = PurePosixPath(note.source)
        if is_bare_readme(note) and str(path.parent) not in folders_with_index \
                and not (corpus_dir / path.parent / "index.html").is_file():
            note = dataclasses.replace(note, folder_readme=True)
        marked.append(note)
    return marked
