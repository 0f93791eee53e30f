"""Tests for assistant.notes: line numbers, front matter, Liquid, headings, discovery."""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from assistant.errors import CorpusError
from assistant.notes import load_notes, note_paths, parse_note, read_note

DATA = PROJECT_ROOT / "tests" / "data"


def note(name: str):
    return read_note(DATA / name, DATA)


def content_lines(n) -> list[int]:
    return [i for i, c in enumerate(n.content, 1) if c]


# ----------------------------------------------------------------------------- line numbers


def test_lines_are_the_file_lines_one_based():
    n = note("code_fence_hash.md")
    raw = (DATA / "code_fence_hash.md").read_text(encoding="utf-8").split("\n")[:-1]

    assert n.lines == tuple(raw)
    assert n.lines[0] == "# Fence Note"  # line 1
    assert n.lines[10] == "## Real Section"  # line 11
    assert n.headings[1].line == 11


def test_crlf_is_folded_and_line_numbers_stay_exact():
    raw = (DATA / "crlf.md").read_bytes()
    assert b"\r\n" in raw  # the file really has CRLF (tests/data/.gitattributes keeps it)

    n = note("crlf.md")

    assert n.lines == tuple(raw.decode().split("\r\n")[:-1])
    assert not any("\r" in line for line in n.lines)
    assert [(h.text, h.line) for h in n.headings] == [("CRLF Note", 1), ("Second", 5)]
    assert content_lines(n) == [1, 3, 5, 7, 8]


def test_lone_cr_and_missing_final_newline():
    n = parse_note("# A\rtext\r\n\nlast", "x.md")

    assert n.lines == ("# A", "text", "", "last")
    assert content_lines(n) == [1, 2, 4]


def test_utf8_bom_is_not_part_of_line_one(tmp_path):
    (tmp_path / "bom.md").write_bytes("\ufeff# Title\n\nbody\n".encode("utf-8"))

    n = read_note(tmp_path / "bom.md", tmp_path)

    assert n.lines[0] == "# Title"
    assert n.headings[0].line == 1 and n.title == "Title"


def test_empty_file_is_a_note_with_no_lines():
    n = note("empty.md")

    assert n.lines == () and n.content == () and n.headings == ()
    assert n.title == "empty"


def test_note_without_headings_takes_its_title_from_the_file_name():
    n = note("no_headings.md")

    assert n.headings == ()
    assert n.title == "no_headings"
    assert content_lines(n) == [1, 2, 4, 5, 6]


# ----------------------------------------------------------------------------- front matter, Liquid


def test_front_matter_title_and_permalink_are_used():
    n = note("front_matter.md")

    assert n.title == "Front Matter Title"  # wins over the H1
    assert n.permalink == "/notes/front-matter/"
    assert not any(n.content[:5])  # the front matter block (lines 1-5) is not content
    assert content_lines(n) == [7, 9]
    assert [(h.text, h.line) for h in n.headings] == [("A Different H1", 7)]


def test_broken_front_matter_is_ignored_and_kept_to_be_said():
    # Said by the build for a published page (wiki/published.py), not on every parse.
    n = parse_note("---\ntitle: [unclosed\n---\n# Heading\n", "broken.md")

    assert n.title == "Heading"
    assert n.headings[0].line == 4
    assert n.front_matter_problem and "while parsing" in n.front_matter_problem


def test_toml_front_matter_is_front_matter_not_text():
    # heldout13 (Hugo): `+++` blocks were read as a paragraph, and `weight = 20` was content.
    n = parse_note('+++\ntitle = "車両の使い方"\nweight = 20\n+++\n\n# 車両\n\n係の車両は 5 台です。\n', "v.md")
    assert n.title == "車両の使い方" and content_lines(n) == [6, 8]
    bad = parse_note('+++\ntitle = "unclosed\n+++\n# Heading\n', "bad.md")
    assert bad.title == "Heading" and not any(bad.content[:3]) and bad.front_matter_problem
    assert content_lines(parse_note("+++ a plus line\n\ntext\n", "p.md")) == [1, 3]  # no closing +++: text


def test_front_matter_permalink_of_wrong_type_is_ignored():
    n = parse_note("---\ntitle: 3\npermalink: [a, b]\n---\n# Real\n", "t.md")

    assert n.title == "Real" and n.permalink is None


def test_liquid_tag_lines_are_not_content_but_inline_liquid_is():
    n = note("liquid.md")

    assert n.lines[2] == "{% raw %}" and not n.content[2]
    assert n.lines[6] == "{% endraw %}" and not n.content[6]
    assert n.lines[9] == "{{ page.date }}" and not n.content[9]
    assert "{{ page.title }}" in n.lines[8] and n.content[8]
    # The fence between {% raw %} and {% endraw %} is still parsed as a fence.
    assert [b.kind for b in n.blocks if b.start == 4] == ["fence"]
    assert content_lines(n) == [1, 4, 5, 6, 9]


# ----------------------------------------------------------------------------- headings


def test_hash_lines_inside_a_fence_are_not_headings():
    n = note("code_fence_hash.md")

    assert [(h.level, h.text, h.line) for h in n.headings] == [(1, "Fence Note", 1), (2, "Real Section", 11)]
    assert n.lines[5] == "# not a heading" and n.content[5]
    assert n.lines[6] == "## also not" and n.content[6]
    fence = next(b for b in n.blocks if b.kind == "fence")
    assert (fence.start, fence.end) == (5, 9)


def test_setext_headings_are_found_at_their_lines():
    n = note("setext.md")

    assert [(h.level, h.text, h.line, h.end_line) for h in n.headings] == [
        (1, "Setext Title", 1, 2),
        (2, "Second Level", 6, 7),
    ]
    assert n.title == "Setext Title"


def test_emoji_headings_keep_their_text():
    n = note("emoji.md")

    assert [h.text for h in n.headings] == ["Emoji 🚀 Note", "☁️ Cloud 🌧 Section"]
    assert n.title == "Emoji 🚀 Note"
    assert "🚀" in n.lines[2]


def test_inline_markup_is_removed_from_heading_text():
    n = parse_note("# The `code` and **bold** [link](http://x)\n", "m.md")

    assert n.headings[0].text == "The code and bold link"


def test_title_falls_back_to_stem_when_there_are_several_h1():
    n = parse_note("# One\n\n# Two\n", "dir/two-h1.md")

    assert n.title == "two-h1"


def test_real_corpus_note():
    (n,) = load_notes(PROJECT_ROOT / "corpus")

    assert n.source == "aws-developer-associate.md"
    assert n.title == "AWS Developer Associate 勉強ノート"
    assert len(n.lines) == 2626
    by_line = {h.line: h for h in n.headings}
    assert by_line[1892].text == "Amazon SQS (Simple Queue Service)" and by_line[1892].level == 3
    assert by_line[18].text == "第1章 AWSサービス全体の概要" and by_line[18].level == 2
    assert not any(n.content[:14])  # front matter
    assert n.lines[1246].strip() == "- タイムアウト : 最大900秒（15分）"  # line 1247


# ----------------------------------------------------------------------------- discovery


def test_discovery_is_recursive_sorted_and_takes_both_suffixes():
    names = [p.relative_to(DATA).as_posix() for p in note_paths(DATA)]

    assert "nested/deeper/note.markdown" in names
    assert "not_a_note.txt" not in names
    assert not any(name.startswith("eval/") for name in names)
    assert names == sorted(names)
    assert set(names) == {
        "code_fence_hash.md", "crlf.md", "emoji.md", "empty.md", "front_matter.md", "liquid.md",
        "long_section.md", "nested/deeper/note.markdown", "no_headings.md", "setext.md",
    }


def test_load_notes_sources_are_relative_posix_paths():
    sources = [n.source for n in load_notes(DATA)]

    assert "nested/deeper/note.markdown" in sources
    assert "not_a_note.txt" not in sources


def test_hidden_folders_are_skipped_and_suffix_case_is_ignored(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.md").write_text("# hidden\n")
    (tmp_path / "UPPER.MD").write_text("# upper\n")

    assert [p.name for p in note_paths(tmp_path)] == ["UPPER.MD"]


def test_non_utf8_and_binary_files_are_skipped_with_a_warning(tmp_path, caplog):
    shutil.copy(DATA / "setext.md", tmp_path / "good.md")
    (tmp_path / "latin1.md").write_bytes("# Café\n\nrésumé\n".encode("latin-1"))
    (tmp_path / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    with caplog.at_level(logging.WARNING, logger="assistant.notes"):
        notes = load_notes(tmp_path)

    assert [n.source for n in notes] == ["good.md"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("latin1.md" in m and "UTF-8" in m for m in messages), messages
    assert any("binary.md" in m and "binary" in m for m in messages), messages


def test_symlink_out_of_the_corpus_is_skipped(tmp_path, caplog):
    outside = tmp_path / "outside.md"
    outside.write_text("# Secret\n")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.md").write_text("# Ok\n")
    (corpus / "link.md").symlink_to(outside)

    with caplog.at_level(logging.WARNING, logger="assistant.notes"):
        notes = load_notes(corpus)

    assert [n.source for n in notes] == ["ok.md"]
    assert "link.md" in caplog.text


def test_empty_corpus_raises_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="no readable notes"):
        load_notes(tmp_path)


def test_corpus_of_only_unreadable_files_raises_corpus_error(tmp_path):
    (tmp_path / "notes.txt").write_text("# not markdown\n")
    (tmp_path / "bad.md").write_bytes(b"\xff\xfe\x00\x00")

    with pytest.raises(CorpusError):
        load_notes(tmp_path)


def test_missing_corpus_folder_raises_corpus_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_notes(tmp_path / "nope")


def test_sha256_changes_with_the_bytes():
    a = parse_note("# A\n\ntext\n", "a.md")
    b = parse_note("# A\n\ntext!\n", "a.md")

    assert a.sha256 != b.sha256
    assert a.sha256 == parse_note("# A\n\ntext\n", "a.md").sha256


def test_a_folder_too_deep_is_skipped_with_a_warning_and_the_rest_indexed(tmp_path, caplog):
    # Security case deep-folders: os.walk recursed once per level, and a folder ~1,100 levels
    # deep raised RecursionError, so no note of the wiki could be indexed.
    from assistant.notes import MAX_FOLDER_DEPTH

    (tmp_path / "top.md").write_text("# Top\n\nkept\n", encoding="utf-8")
    folder = os.open(tmp_path, os.O_RDONLY)
    for _ in range(1100):  # one level at a time: Path.mkdir(parents=True) recurses too
        os.mkdir("a", dir_fd=folder)
        folder, parent = os.open("a", os.O_RDONLY, dir_fd=folder), folder
        os.close(parent)
    os.close(os.open("deep.md", os.O_WRONLY | os.O_CREAT, dir_fd=folder))
    os.close(folder)
    edge = tmp_path.joinpath(*["b"] * MAX_FOLDER_DEPTH)
    edge.mkdir(parents=True)
    (edge / "edge.md").write_text("# Edge\n", encoding="utf-8")
    try:
        with caplog.at_level("WARNING"):
            found = [p.relative_to(tmp_path) for p in note_paths(tmp_path)]
        assert found == [edge.relative_to(tmp_path) / "edge.md", Path("top.md")]
        assert "levels deep" in caplog.text and caplog.text.count("\n") == 1
    finally:
        while (tmp_path / "a" / "a").is_dir():  # removed from the top: pytest's cleanup recurses per level
            (tmp_path / "a" / "a").rename(tmp_path / "next")
            (tmp_path / "a").rmdir()
            (tmp_path / "next").rename(tmp_path / "a")


def test_a_file_given_as_the_notes_folder_says_so(tmp_path):
    (tmp_path / "index.md").write_text("# Index\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="is a file, not a folder"):
        note_paths(tmp_path / "index.md")
