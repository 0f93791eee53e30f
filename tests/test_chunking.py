"""Tests for assistant.chunking: coverage, order and size invariants, heading paths, splitting.

Examples run over every note in tests/data and the real corpus; hypothesis generates
markdown-ish documents (headings of both kinds, nested bullets, fences with '#' lines,
Liquid lines, CRLF) for the invariants examples miss.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.wiki import wiki_page
from assistant.chunking import Chunk, chunk_note, estimate_tokens, path_label, short_name
from assistant.config import PROJECT_ROOT
from assistant.notes import Note, load_notes, parse_note

DATA = PROJECT_ROOT / "tests" / "data"
CORPUS = PROJECT_ROOT / "corpus"
REAL = "aws-developer-associate.md"
TITLE = "AWS Developer Associate 勉強ノート"


def _all_notes() -> list[Note]:
    return load_notes(DATA) + load_notes(CORPUS)


NOTES = {n.source if n.source != REAL else "corpus/" + REAL: n for n in _all_notes()}


@pytest.fixture(scope="module")
def real_chunks() -> tuple[Note, list[Chunk]]:
    note = NOTES["corpus/" + REAL]
    return note, chunk_note(note)


def assert_chunk_invariants(note: Note, chunks: list[Chunk], max_lines: int = 40, max_tokens: int = 400, count=estimate_tokens):
    """Every line the page shows in exactly one chunk; ordered, in-file ranges; size limits."""
    page = wiki_page(note).text
    owner: dict[int, int] = {}
    for i, c in enumerate(chunks):
        assert 1 <= c.line_start <= c.line_end <= len(note.lines), (c.line_start, c.line_end)
        assert c.n_lines <= max_lines, (c.line_start, c.line_end)
        assert c.text == "\n".join(note.lines[c.line_start - 1 : c.line_end])  # whole lines, as written
        assert page.shows(c.line_start) and page.shows(c.line_end)  # trimmed to shown text
        title = short_name(wiki_page(note).title)  # the wiki's title rules (assistant/wiki/pages.py), capped
        assert c.source == note.source and c.title == title and c.heading_path[0] == title
        if i:
            assert chunks[i - 1].line_end < c.line_start, "chunks overlap or are out of order"
        for n in range(c.line_start, c.line_end + 1):
            if page.shows(n):
                assert n not in owner
                owner[n] = i
        # What the model reads: the path label (the most specific names within LABEL_CHARS,
        # chunking.path_label) and the lines, as Chunk.embed_text builds it.
        tokens = count(path_label(c.heading_path)) + sum(
            count(line) for line in c.text.split("\n") if line.strip()
        )
        assert tokens <= max_tokens or c.n_lines == 1, (c.line_start, c.line_end, tokens)
    content = {n for n in range(1, len(note.lines) + 1) if page.shows(n)}
    assert set(owner) == content, sorted(content ^ set(owner))[:10]


# ----------------------------------------------------------------------------- every example file


@pytest.mark.parametrize("source", sorted(NOTES))
def test_invariants_on_every_example_note(source):
    note = NOTES[source]
    assert_chunk_invariants(note, chunk_note(note))


@pytest.mark.slow
@pytest.mark.parametrize("source", sorted(NOTES))
@pytest.mark.parametrize("max_lines,max_tokens", [(5, 400), (40, 60), (3, 25)])
def test_invariants_hold_for_tight_limits(source, max_lines, max_tokens):
    note = NOTES[source]
    chunks = chunk_note(note, max_lines=max_lines, max_tokens=max_tokens)
    assert_chunk_invariants(note, chunks, max_lines, max_tokens)


def test_empty_note_has_no_chunks():
    assert chunk_note(NOTES["empty.md"]) == []


def test_note_without_headings_is_one_chunk_with_the_title_as_path():
    (chunk,) = chunk_note(NOTES["no_headings.md"])

    assert (chunk.line_start, chunk.line_end) == (1, 6)
    assert chunk.heading_path == ("No headings",)  # the file name made readable (wiki/pages.py)
    assert chunk.anchor == ""


def test_fence_hash_lines_stay_in_the_first_section():
    chunks = chunk_note(NOTES["code_fence_hash.md"])

    assert [(c.line_start, c.line_end, c.heading_path) for c in chunks] == [
        (1, 9, ("Fence Note",)),
        (11, 13, ("Fence Note", "Real Section")),
    ]
    assert "# not a heading" in chunks[0].text


def test_front_matter_is_in_no_chunk_and_permalink_is_carried():
    chunks = chunk_note(NOTES["front_matter.md"])

    assert chunks[0].line_start == 7
    assert all(c.permalink == "/notes/front-matter/" for c in chunks)
    assert chunks[0].heading_path == ("Front Matter Title", "A Different H1")


def test_crlf_chunks_have_no_carriage_returns():
    chunks = chunk_note(NOTES["crlf.md"])

    assert [(c.line_start, c.line_end) for c in chunks] == [(1, 3), (5, 8)]
    assert not any("\r" in c.text for c in chunks)


def test_setext_sections_start_at_the_heading_text_line():
    chunks = chunk_note(NOTES["setext.md"])

    assert [(c.line_start, c.line_end, c.heading_path[-1]) for c in chunks] == [
        (1, 4, "Setext Title"),
        (6, 9, "Second Level"),
    ]


def test_liquid_is_dropped_from_embed_text_but_kept_in_text():
    (chunk,) = chunk_note(NOTES["liquid.md"])

    assert (chunk.line_start, chunk.line_end) == (1, 9)  # {{ page.date }} on line 10 is not content
    assert "{{ page.title }}" in chunk.text
    assert "{%" not in chunk.embed_text and "{{ page" not in chunk.embed_text
    assert "The page is called  in the template." in chunk.embed_text
    assert "Value: {{ not.liquid.here }}" in chunk.embed_text  # inside {% raw %}: shown as written


def test_liquid_is_text_under_engines_without_liquid():
    (chunk,) = chunk_note(NOTES["liquid.md"], wiki_engine="github")

    assert "The page is called {{ page.title }} in the template." in chunk.embed_text
    assert chunk.line_end == 10  # GitHub shows "{{ page.date }}" as written


def test_long_section_is_split_and_every_piece_carries_the_heading():
    note = NOTES["long_section.md"]
    chunks = chunk_note(note)

    assert len(chunks) >= 6
    assert all(c.heading_path == ("Long Section",) and c.anchor == "long-section" for c in chunks)
    assert chunks[-1].line_end == len(note.lines)
    # The 60-line fence (lines 207-266) cannot fit one chunk: it is cut between lines.
    fence_chunks = [c for c in chunks if c.line_end >= 207 and c.line_start <= 266]
    assert len(fence_chunks) >= 2


def test_emoji_anchor_and_path():
    chunks = chunk_note(NOTES["emoji.md"], wiki_engine="kramdown")

    assert chunks[1].heading_path == ("Emoji 🚀 Note", "☁️ Cloud 🌧 Section")
    assert chunks[1].anchor == "cloud--section"
    # Jekyll (kramdown GFM) keeps the emoji's variation selector U+FE0F (a mark, \p{Word}):
    # checked with the real kramdown-parser-gfm.
    assert chunk_note(NOTES["emoji.md"])[1].anchor == "\ufe0f-cloud--section"


def test_nested_markdown_note_is_chunked():
    (chunk,) = chunk_note(NOTES["nested/deeper/note.markdown"])

    assert chunk.source == "nested/deeper/note.markdown"
    assert chunk.heading_path == ("Deep Note",)


@pytest.mark.parametrize("max_lines", [1, 2, 40])
@pytest.mark.parametrize("text", [
    "- item one\n  more\n  # heading in item\n  after\n- item two\n",
    "- S3\n  ```\n  ```\n  # not a heading\n  S3\n  ```",  # found by the property test below
    "> quoted\n> # heading in a quote\n> after\n",
])
def test_heading_nested_in_a_block_starts_a_section_without_overlap(text, max_lines):
    """A list item or quote holding a heading is cut at it: the lines after the heading are
    in the heading's section only (they were also split off the cut block, in two chunks)."""
    note = parse_note(text, "gen/doc.md")
    assert note.headings
    assert_chunk_invariants(note, chunk_note(note, max_lines=max_lines, max_tokens=400), max_lines, 400)


def test_empty_heading_joins_the_next_section():
    note = parse_note("# T\n\n## Chapter\n\n### Section\n\nbody\n", "t.md")

    chunks = chunk_note(note)
    assert [(c.line_start, c.line_end, c.heading_path) for c in chunks] == [
        (1, 1, ("T",)),  # the title line itself
        (3, 7, ("T", "Chapter", "Section")),  # "## Chapter" has no text of its own
    ]


def test_text_before_first_heading_is_a_preamble_chunk():
    note = parse_note("intro line\n\n# Title\n\nbody\n", "p.md")

    chunks = chunk_note(note)
    assert [(c.line_start, c.line_end, c.anchor) for c in chunks] == [(1, 1, ""), (3, 5, "title")]


def test_github_engine_anchor():
    note = parse_note("# T\n\n## 日本語 Heading\n\nbody\n", "g.md")

    assert chunk_note(note, wiki_engine="github")[1].anchor == "日本語-heading"
    assert chunk_note(note, wiki_engine="kramdown")[1].anchor == "heading"


# ----------------------------------------------------------------------------- real corpus


def _chunk_at(chunks: list[Chunk], line: int) -> Chunk:
    (chunk,) = [c for c in chunks if c.line_start <= line <= c.line_end]
    return chunk


@pytest.mark.parametrize(
    "line,path",
    [
        (1910, ("第4章 開発関連サービス", "Amazon SQS (Simple Queue Service)")),
        (1247, ("第4章 開発関連サービス", "AWS Lambda")),
        (325, ("第1章 AWSサービス全体の概要", "Amazon EBS (Elastic Block Store)")),
        (2330, ("試験情報", "第1分野: AWS のサービスによる開発")),
        (16, ()),
    ],
)
def test_real_corpus_heading_paths(real_chunks, line, path):
    _, chunks = real_chunks

    chunk = _chunk_at(chunks, line)
    assert chunk.heading_path == (TITLE, *path)


def test_real_corpus_anchor_of_sqs(real_chunks):
    _, chunks = real_chunks

    assert _chunk_at(chunks, 1910).anchor == "amazon-sqs-simple-queue-service"


def test_cloudformation_fence_is_split_between_lines(real_chunks):
    note, chunks = real_chunks
    assert note.lines[606].strip().startswith("```")
    assert note.lines[679].strip() == "```"  # the fence is lines 607-680 (74 lines)

    covering = [c for c in chunks if c.line_end >= 607 and c.line_start <= 680]
    assert len(covering) >= 2
    assert all(c.heading_path[-1] == "AWS CloudFormation" for c in covering)
    covered = {n for c in covering for n in range(c.line_start, c.line_end + 1)}
    assert all(n in covered for n in range(607, 681) if wiki_page(note).text.shows(n))


def test_sub_chunks_embed_their_heading_path(real_chunks):
    _, chunks = real_chunks
    cfn = [c for c in chunks if c.heading_path[-1] == "AWS CloudFormation"]
    assert len(cfn) >= 3

    for c in cfn:
        assert c.embed_text.startswith(" > ".join(c.heading_path) + "\n")
        assert c.embed_text.startswith(f"{TITLE} > 第2章 展開（デプロイ）関連サービス > AWS CloudFormation\n")


def test_cache_key_depends_on_the_embedded_text_only(real_chunks):
    from assistant.encode import text_hash

    _, chunks = real_chunks

    hashes = [text_hash(c.embed_text) for c in chunks]
    assert len(set(hashes)) == len(hashes)
    c = chunks[10]
    moved = Chunk(c.source, c.title, c.heading_path, c.anchor, c.permalink, c.line_start + 5, c.line_end + 5, c.text)
    assert text_hash(moved.embed_text) == text_hash(c.embed_text)


@pytest.mark.slow
def test_real_token_counter_keeps_every_chunk_in_the_model_window(real_chunks):
    from assistant.profiles import load_embedder

    e5 = load_embedder("e5")
    note, _ = real_chunks
    budget = e5.max_tokens - 16
    chunks = chunk_note(note, 40, budget, e5.count_tokens)

    assert_chunk_invariants(note, chunks, 40, budget, e5.count_tokens)
    assert all(e5.count_tokens(c.embed_text) <= e5.max_tokens or c.n_lines == 1 for c in chunks)


# ----------------------------------------------------------------------------- property tests

_WORDS = st.sampled_from(
    ["S3", "Lambda", "キュー", "可視性", "タイムアウト", "🚀", "a*b", "`code`", "[link](x)", "#tag",
     "x", "-", "**bold**", "{{ page.title }}", "|", ">", "1.", "=", "日本語のテキスト", "longwordlongwordlongword"]
)
_TEXT = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)


def _atx(level, text):
    return ["#" * level + " " + text]


def _setext(level, text):
    return [text, ("=" if level == 1 else "-") * 3]


_HEADING = st.one_of(
    st.builds(_atx, st.integers(1, 6), _TEXT),
    st.builds(_setext, st.integers(1, 2), _TEXT),
    st.builds(_atx, st.integers(1, 6), st.just("")),  # empty heading
)
_BULLETS = st.lists(
    st.tuples(st.integers(0, 5), st.sampled_from(["-", "*", "1."]), _TEXT), min_size=1, max_size=25
).map(lambda items: ["  " * depth + marker + " " + text for depth, marker, text in items])
_PARAGRAPH = st.lists(_TEXT, min_size=1, max_size=8)
_FENCE = st.tuples(
    st.integers(0, 3),
    st.lists(st.one_of(_TEXT, st.just("# not a heading"), st.just("## also not"), st.just("")), max_size=50),
    st.booleans(),
).map(lambda t: [" " * t[0] + "```"] + [" " * t[0] + x for x in t[1]] + ([" " * t[0] + "```"] if t[2] else []))
_LIQUID = st.sampled_from([["{% raw %}"], ["{% endraw %}"], ["{{ page.date }}"], ["  {% include x.html %}  "]])
_BLANK = st.integers(1, 3).map(lambda n: [""] * n)
_OTHER = st.sampled_from([["---"], ["> quote"], ["| a | b |", "|---|---|", "| 1 | 2 |"], ["<div>", "html", "</div>"], ["    indented code"], ["   "]])
_BLOCK = st.one_of(_HEADING, _BULLETS, _PARAGRAPH, _FENCE, _LIQUID, _BLANK, _OTHER)


@st.composite
def documents(draw) -> str:
    lines = []
    if draw(st.booleans()):
        lines += ["---", "title: " + draw(_TEXT).replace(":", ""), "---"]
    for block in draw(st.lists(_BLOCK, max_size=30)):
        lines += block
        if draw(st.booleans()):
            lines.append("")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + (newline if draw(st.booleans()) else "")


@settings(deadline=None, max_examples=150, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents(), max_lines=st.integers(1, 40), max_tokens=st.integers(10, 400))
# A title longer than the path label keeps: the budget is the label's, as the model reads it.
@example(
    text="---\ntitle: S3 S3 S3 S3 S3 S3 S3 S3 S3 S3 longwordlongwordlongword longwordlongwordlongword\n---\n# \n"
    "# S3 S3 S3 S3 S3 S3 S3 S3 Lambda Lambda {{ page.title }} longwordlongwordlongword\n- S3\n- S3",
    max_lines=2, max_tokens=30,
)
def test_property_chunks_cover_every_content_line_once(text, max_lines, max_tokens):
    note = parse_note(text, "gen/doc.md")

    chunks = chunk_note(note, max_lines=max_lines, max_tokens=max_tokens)

    expected = text.replace("\r\n", "\n").split("\n")
    assert list(note.lines) == (expected[:-1] if expected[-1] == "" else expected)
    assert_chunk_invariants(note, chunks, max_lines, max_tokens)


@settings(deadline=None, max_examples=150, database=None)
@given(text=documents())
def test_property_default_limits_and_heading_paths(text):
    note = parse_note(text, "doc.md")

    chunks = chunk_note(note)

    assert_chunk_invariants(note, chunks)
    for c in chunks:
        assert c.embed_text.startswith(path_label(c.heading_path) + "\n")  # capped labels (issue 11)
        assert c.heading_path[0] == short_name(wiki_page(note).title)


@settings(deadline=None, max_examples=150, database=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_property_arbitrary_text_never_crashes(text):
    note = parse_note(text, "any.md")

    assert_chunk_invariants(note, chunk_note(note, max_lines=7, max_tokens=50), 7, 50)


def test_a_paragraphs_bold_lead_is_read_with_its_other_lines():
    """An FAQ's answer ("Yes: the first Tuesday ...") says what it answers only through the
    bold question above it; a list item or a new paragraph starts afresh."""
    from assistant.paragraphleads import paragraph_leads

    lines = ["## FAQ", "", "**Is there a maintenance window?**", "Yes: the first Tuesday.", "Jobs keep running.",
             "", "Unrelated paragraph.", "**Steps:**", "- one", "after the list", "__Bold lead__", "| a | b |"]
    assert paragraph_leads(lines, 1, len(lines)) == (
        {4: "Is there a maintenance window?", 5: "Is there a maintenance window?"}, {3})


def test_a_definitions_term_is_read_with_it_and_is_no_answer_line():
    """A glossary written as a definition list (kramdown, Python-Markdown's def_list,
    goldmark): ": サウナではない" answers "Is the 採暖室 a sauna?" only through its term above
    it, a blank line between or not, later definitions of the term too (heldout17)."""
    from assistant.lines import line_units
    from assistant.paragraphleads import leading_lines

    text = ("# 用語集\n\n採暖室（warming room）\n: プールの横の暖かい部屋。サウナではない。\n  水着のまま入る。\n\n"
            "**Backwash**\n\n: Running water backwards.\n\n: Mondays and Thursdays.\n\nA paragraph.\n\n- a list\n: no term\n")
    note = parse_note(text, "g.md")
    units = {u.line: u.text for c in chunk_note(note) for u in line_units(c, 0, note.lines)}

    assert units[4] == "用語集: 採暖室（warming room）: プールの横の暖かい部屋。サウナではない。"
    assert units[5] == "用語集: 採暖室（warming room） 水着のまま入る。"
    assert units[9] == "用語集: Backwash: Running water backwards."
    assert units[11] == "用語集: Backwash: Mondays and Thursdays."
    assert "A paragraph" not in units[16]
    assert leading_lines(note.lines) == {2, 6}  # 0-based: the terms' lines


def test_a_glossary_split_into_chunks_keeps_each_term_with_its_definition():
    """A helper's attack (2026-12-04): a glossary written loose ("Term", blank, ": definition")
    and longer than a chunk was packed with a term closing one chunk and its definition opening
    the next, read with no term. A term now goes with its definition when both fit; when they
    do not, the definition's line is still read with its term (the whole note is read)."""
    from assistant.lines import line_units
    from assistant.paragraphleads import paragraph_leads

    text = "# 用語集\n\n" + "".join(f"用語{i}\n\n: 説明{i}の文です。\n\n" for i in range(6))
    note = parse_note(text, "g.md")
    chunks = chunk_note(note, max_lines=4)
    for i in range(6):
        term, definition = note.lines.index(f"用語{i}") + 1, note.lines.index(f": 説明{i}の文です。") + 1
        assert any(c.line_start <= term and definition <= c.line_end for c in chunks)
    units = {u.line: u.text for c in chunk_note(note, max_lines=2) for u in line_units(c, 0, note.lines)}
    assert units[5] == "用語集: 用語0: 説明0の文です。"  # its chunk (lines 5-5) does not hold the term
    shared = paragraph_leads(note.lines, 1, len(note.lines))[0]
    assert [u.text for c in chunks for u in line_units(c, 0, note.lines, leads=shared)] == [
        u.text for c in chunks for u in line_units(c, 0, note.lines)]


def test_many_definitions_of_one_term_chunk_in_linear_time():
    """A helper's attack (2026-12-04): 20,000 definitions of one term far above them walked
    back over every earlier piece each: 24 s for one note (8,000: 4 s). Counted, not timed (a
    wall-clock ratio failed under CI's load): the lines the joining step executes, traced, for
    two sizes; 4x the definitions must cost well under 16x (quadratic) of them."""
    import sys

    from assistant import chunking

    def steps(n: int) -> int:
        note = parse_note("# Glossary\n\nTerm\n\n" + "".join(f": def {i}\n\n" for i in range(n)), "g.md")
        code = chunking._terms_kept_with_definitions.__code__
        count = 0

        def tracer(frame, event, arg):
            if frame.f_code is not code:
                return None
            def local(frame, event, arg):
                nonlocal count
                count += event == "line"
                return local
            return local

        sys.settrace(tracer)
        try:
            chunks = chunk_note(note)
        finally:
            sys.settrace(None)
        assert all(c.line_end - c.line_start < 40 for c in chunks)
        return count

    small, large = steps(2_000), steps(8_000)
    assert small > 2_000  # the step ran over every definition
    assert large < 6 * small


def test_definition_lists_as_kramdown_reads_them():
    """A helper's attack (2026-12-04): a definition's continuation line was taken for a term
    (never highlighted), code and the line after a setext underline were definitions, a long
    term was repeated whole on every line, and a line of blanks made the bold-lead pattern
    quadratic. Each checked with real kramdown 2.4."""
    import time

    from assistant.lines import line_units
    from assistant.paragraphleads import LEAD_CHARS, leading_lines, paragraph_leads

    term = ["Warming room", ": Open from 6:00.", "  Closes at 22:00 on weekdays.", ": Not a sauna."]
    assert leading_lines(term) == {0}  # "Closes at 22:00" continues the first definition
    fenced = ["Port 8080 by default.", "```sh", ': "${PORT:=8080}"', "```", "Restart after changing it."]
    assert paragraph_leads(fenced, 1, len(fenced)) == ({}, set())
    for underline in ("---", "====="):
        assert paragraph_leads(["Title", underline, ": def"], 1, 3) == ({}, set())  # a heading, then text
    assert paragraph_leads(["> Quote", "", ": def"], 1, 3) == ({}, set())
    long_term = "x" * 300
    note = parse_note(f"# G\n\n{long_term}\n: a definition.\n", "g.md")
    units = [u.text for c in chunk_note(note) for u in line_units(c, 0, note.lines)]
    assert units[-1] == f"G: {'x' * (LEAD_CHARS - 1)}…: a definition."
    started = time.perf_counter()
    leading_lines(["**a**" + " " * 50_000 + "x", "text", "b:" + " " * 50_000 + "x"])
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize("engine, key", [("jekyll", "permalink"), ("docusaurus", "slug")])
def test_an_overlong_permalink_or_slug_is_ignored(engine, key):
    """An attack run (2026-12-01): every citation and every link of a note's sections repeats
    its page URL, so a 100 KB `permalink:` made one chat reply 100 MB. A value no wiki would
    use (over 1,000 characters) is ignored: the page's path is the file's."""
    long = parse_note(f"---\n{key}: /{'p' * 100_000}\n---\n# Runbook\n\nText.\n", "ops/runbook.md")
    short = parse_note(f"---\n{key}: /ops/rb/\n---\n# Runbook\n\nText.\n", "ops/runbook.md")

    assert {c.permalink for c in chunk_note(long, wiki_engine=engine)} == {
        "/ops/runbook.html" if engine == "jekyll" else "/ops/runbook"}
    assert {c.permalink for c in chunk_note(short, wiki_engine=engine)} == {"/ops/rb/"}


def test_a_title_its_h1_extends_is_shown_once_in_the_breadcrumb():
    """"よくある質問 › よくある質問（FAQ） › 勤務について" read as a stutter (a fresh user,
    2026-12-05): the breadcrumb shows the H1; the heading path (embedded, cited) keeps both."""
    note = parse_note("---\ntitle: よくある質問\n---\n# よくある質問（FAQ）\n\n## 勤務について\n\n本文。\n", "faq.md")
    chunk = next(c for c in chunk_note(note) if c.heading_path[-1] == "勤務について")
    assert chunk.heading_path == ("よくある質問", "よくある質問（FAQ）", "勤務について")
    assert chunk.breadcrumb == "よくある質問（FAQ） › 勤務について"
    other = parse_note("---\ntitle: Handbook\n---\n# Shifts\n\n## Nights\n\ntext\n", "h.md")
    assert next(c for c in chunk_note(other) if c.heading_path[-1] == "Nights").breadcrumb == "Handbook › Shifts › Nights"
    named = parse_note("# AWS\n\n## AWS Lambda\n\nruns 900 s\n", "aws.md")  # two things, both shown
    assert next(c for c in chunk_note(named) if c.heading_path[-1] == "AWS Lambda").breadcrumb == "AWS › AWS Lambda"
    # The same name but for spaces and width (a fresh user, heldout21, 2026-12-06): shown once.
    spaced = parse_note("---\ntitle: 返金ルール（2026年4月改定）\n---\n# 返金ルール（2026 年 4 月改定）\n\n## 承認\n\n本文。\n", "r.md")
    assert next(c for c in chunk_note(spaced) if c.heading_path[-1] == "承認").breadcrumb == "返金ルール（2026 年 4 月改定） › 承認"
