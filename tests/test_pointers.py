"""pointers.py: a hit whose best answer line links to another section yields to it (logic on
hand-made chunks; the real model and index: test_retrieval_cases.py, faq-points-to-section)."""
from __future__ import annotations

from assistant.chunking import Chunk
from assistant.hits import Hit
from assistant.pointers import POINTED_HITS, Pointers, linked_sections


def _chunk(source: str, path: tuple[str, ...], anchor: str, start: int, text: str) -> Chunk:
    return Chunk(source=source, title=path[0], heading_path=path, anchor=anchor, permalink=None,
                 line_start=start, line_end=start + text.count("\n"), text=text)


def test_only_links_to_a_section_of_a_note_count_resolved_from_the_linking_note():
    line = ("Thunder does: see [Outdoor](../pool/outdoor.md#thunder), [lanes](<lanes 2.md#Kids%20only> \"t\"), "
            "[whole page](outdoor.md), [here](#setup), [site](https://example.com/a.md#x), `[code](c.md#d)`")
    assert linked_sections(line, "faq/index.md") == [("pool/outdoor.md", "thunder"), ("faq/lanes 2.md", "Kids only")]


def test_a_hostile_line_is_read_only_up_to_the_longest_line_a_hit_shows():
    assert linked_sections("[" * 200_000 + "](a.md#b)", "x.md") == []


CHUNKS = [
    _chunk("faq.md", ("FAQ", "Thunder?"), "thunder", 3, "## Thunder?\nClear the pool; see [Outdoor](pool/outdoor.md#thunder)."),
    _chunk("faq.md", ("FAQ", "Parking?"), "parking", 6, "## Parking?\nNorth car park; see also [Outdoor](pool/outdoor.md)."),
    _chunk("pool/outdoor.md", ("Outdoor pool", "Sun"), "sun", 3, "## Sun\nTents."),
    _chunk("pool/outdoor.md", ("Outdoor pool", "Thunder"), "thunder", 6, "## Thunder\nEveryone out."),
    _chunk("pool/outdoor.md", ("Outdoor pool", "Thunder", "Steps"), "steps", 9, "### Steps\nReopen after 30 min."),
    _chunk("pool/outdoor.md", ("Outdoor pool", "Heat"), "heat", 12, "## Heat\nDrink water."),
]


def _hits(*rows: int, answer_lines: dict[int, int] | None = None) -> tuple[list[list[int]], list[Hit]]:
    answer_lines = answer_lines or {}
    return [[r] for r in rows], [Hit(CHUNKS[r], 1.0 - i / 10, "", (answer_lines.get(r, CHUNKS[r].line_start + 1),))
                                 for i, r in enumerate(rows)]


def _order(pointers: Pointers, *rows: int, answer_lines: dict[int, int] | None = None, top_k: int = 5) -> list[int]:
    """The chunk rows of the hits `pointed_first` returns, in its order."""
    groups, hits = pointers.pointed_first(*_hits(*rows, answer_lines=answer_lines), top_k)
    assert [h.chunk for h in hits] == [CHUNKS[g[0]] for g in groups]
    return [g[0] for g in groups]


def test_a_section_holds_its_subsections_and_ends_at_its_next_sibling():
    pointers = Pointers(CHUNKS)
    assert list(pointers.section_rows("pool/outdoor.md", "thunder")) == [3, 4]
    assert pointers.section_rows("pool/outdoor.md", "nowhere") == range(0)
    assert pointers.section_rows("other.md", "thunder") == range(0)


def test_the_section_the_first_hits_answer_line_points_at_goes_first():
    pointers = Pointers(CHUNKS)
    assert _order(pointers, 0, 2, 4, 5) == [4, 0, 2, 5]  # "### Steps", inside #thunder
    assert _order(pointers, 0, 3) == [3, 0]
    assert _order(pointers, 0, 2, 4, top_k=1) == [4]  # the pointed hit, whatever top_k shows


def test_nothing_moves_for_a_whole_page_link_another_line_or_a_hit_past_the_first_few():
    pointers = Pointers(CHUNKS)
    assert _order(pointers, 1, 3) == [1, 3]  # "see also [Outdoor](pool/outdoor.md)": a reference
    assert _order(pointers, 0, 3, answer_lines={0: 3}) == [0, 3]  # the heading line holds no link
    far = (0, 2, 5, 1)[:POINTED_HITS] + (3,)
    assert _order(pointers, *far) == list(far)
    assert _order(pointers, 3, 0) == [3, 0]  # a section is not moved behind what points at it
    assert _order(pointers, 0) == [0]
    assert pointers.pointed_first([], [], 5) == ([], ())
