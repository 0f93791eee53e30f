"""How ranked chunks become distinct hits (hits.Grouper), on hand-made chunks and scores."""
from __future__ import annotations

import dataclasses

import numpy as np

from assistant.chunking import Chunk
from assistant.hits import TINY_SECTION, Grouper, merged, parent_ids


def _chunk(path: tuple[str, ...], start: int, end: int, source: str = "p.md") -> Chunk:
    text = "\n".join(["## " + path[-1]] + [f"line {n}" for n in range(start + 1, end + 1)])
    return Chunk(source=source, title=path[0], heading_path=path, anchor="", permalink=None,
                 line_start=start, line_end=end, text=text)


# A pattern page cut into subsections of a line or a few, then another note.
PAGE = [
    _chunk(("Load pattern",), 1, 3),
    _chunk(("Load pattern", "Pros"), 5, 9),
    _chunk(("Load pattern", "Cons"), 11, 15),
    _chunk(("Load pattern", "Needs consideration"), 17, 18),
    _chunk(("Load pattern", "Needs consideration", "Versions"), 20, 21),
    _chunk(("Other page",), 1, 2, source="q.md"),
]
ANSWER_LINES = [2, 4, 4, 1, 1, 1]  # per chunk: Pros and Cons have 4, the others are tiny


def _groups(scores, top_k=5, max_lines=40, chunks=PAGE, answer_lines=ANSWER_LINES):
    fused = np.array(scores, dtype=np.float32)
    return Grouper(chunks, max_lines, np.array(answer_lines)).groups(fused, np.ones(len(chunks), dtype=bool), top_k)


def test_sibling_subsections_share_their_parent_and_a_page_intro_shares_the_page():
    ids = parent_ids(PAGE)
    assert ids[0] == ids[1] == ids[2] == ids[3]  # the intro and the page's subsections
    assert ids[4] != ids[3]  # a sub-subsection is under "Needs consideration", not the page
    assert ids[5] != ids[0]  # another note


def test_a_one_line_subsection_ranked_first_joins_its_sibling_next_to_it():
    # "Needs consideration" (one line) outranks "Cons", the subsection just before it.
    groups = _groups([0.1, 0.2, 2.9, 3.0, 1.0, 0.0], top_k=2)
    assert groups == [[3, 2], [4]]  # best chunk first, the neighbour joined
    hit = merged([PAGE[i] for i in sorted(groups[0])], PAGE[groups[0][0]])
    assert (hit.line_start, hit.line_end) == (11, 18)
    assert hit.text.split("\n")[0] == "## Cons" and hit.text.split("\n")[-1] == "line 18"
    assert hit.heading_path[-1] == "Needs consideration"  # cites the section that ranked it


def test_a_tiny_subsection_joins_the_sibling_that_outranks_it_too():
    assert _groups([0.1, 0.2, 3.0, 2.9, 1.0, 0.0], top_k=2) == [[2, 3], [4]]


def test_sibling_sections_that_are_both_more_than_tiny_stay_apart():
    # Pros and Cons: parallel topics of TINY_SECTION + 2 answer lines each.
    assert ANSWER_LINES[1] > TINY_SECTION and ANSWER_LINES[2] > TINY_SECTION
    assert _groups([0.0, 2.9, 3.0, 0.5, 0.0, 1.0], top_k=2) == [[2], [1]]


def test_chunks_that_are_not_adjacent_or_under_another_parent_stay_apart():
    # The intro (0) and Cons (2) are siblings but Pros sits between them; the
    # sub-subsection (4) is under another parent; q.md (5) is another note.
    assert _groups([2.8, 0.0, 3.0, 0.0, 2.9, 2.7], top_k=4) == [[2], [4], [0], [5]]


def test_a_neighbour_joins_only_when_it_ranks_above_the_last_hit():
    # A joined chunk is one that would otherwise have taken a slot of its own.
    assert _groups([0.0, 0.0, 0.5, 3.0, 2.0, 1.0], top_k=2) == [[3], [4]]


def test_without_answer_line_counts_no_sibling_joins():
    fused = np.array([0.1, 0.2, 2.9, 3.0, 1.0, 0.0], dtype=np.float32)
    assert Grouper(PAGE, 40).groups(fused, np.ones(len(PAGE), dtype=bool), 2) == [[3], [2]]


def test_a_piece_of_a_section_cut_in_two_joins_its_own_section_not_a_sibling():
    chunks = [
        _chunk(("Guide", "Build"), 1, 2),  # tiny
        _chunk(("Guide", "Deploy"), 4, 30),  # "Deploy" is cut into two chunks
        _chunk(("Guide", "Deploy"), 31, 40),
    ]
    # The first piece of Deploy ranks first: Build, its tiny sibling, stays a hit of its
    # own, and the second piece of Deploy joins.
    assert _groups([2.9, 3.0, 2.5], top_k=2, chunks=chunks, answer_lines=[1, 20, 9]) == [[1], [0]]
    assert _groups([2.9, 3.0, 2.95], top_k=2, chunks=chunks, answer_lines=[1, 20, 9]) == [[1, 2], [0]]


def test_joined_siblings_never_exceed_max_lines():
    assert _groups([0.0, 0.0, 2.9, 3.0, 0.0, 0.0], max_lines=7, top_k=2) == [[3], [2]]
    assert _groups([0.0, 0.0, 2.9, 3.0, 0.0, 0.0], max_lines=8, top_k=2)[0] == [3, 2]


def test_a_joined_hit_keeps_the_shown_text_line_for_line():
    a = dataclasses.replace(PAGE[1], shown="## Pros\n\nline 7\nline 8\nline 9")  # line 6 hidden on the page
    hit = merged([a, PAGE[2]])
    assert hit.shown.split("\n")[:7] == ["## Pros", "", "line 7", "line 8", "line 9", "", "## Cons"]
    assert len(hit.text.split("\n")) == len(hit.shown.split("\n")) == hit.n_lines
