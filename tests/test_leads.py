"""Page leads rank after their page's best section (assistant/leads.py)."""
from __future__ import annotations

import numpy as np

from assistant.chunking import Chunk
from assistant.leads import PageLeads


def _chunk(source: str, *path: str) -> Chunk:
    return Chunk(source, path[0], tuple(path), "", None, 1, 2, "text")


CHUNKS = [
    _chunk("a.md", "A"),  # 0: lead of a.md
    _chunk("a.md", "A", "Setup"),  # 1
    _chunk("a.md", "A", "Rules"),  # 2
    _chunk("b.md", "B"),  # 3: lead of b.md, whose only section is links (no answer line)
    _chunk("b.md", "B", "Links"),  # 4
    _chunk("c.md", "C"),  # 5: a page that is all lead
]
HAS_CONTENT = np.array([True, True, True, True, False, True])


def test_a_lead_above_its_pages_sections_goes_right_after_the_best_one():
    ranking = np.array([3.0, 2.5, 2.8, 1.0, 0.5, 2.9], dtype=np.float32)
    out = PageLeads(CHUNKS, HAS_CONTENT).after_best_section(ranking)
    assert out[0] < out[2] and out[0] > out[1]  # after "Rules" (2.8), still before "Setup"
    assert out[0] == np.nextafter(np.float32(2.8), np.float32(-np.inf))
    assert list(np.argsort(-out)[:3]) == [5, 2, 0]  # another page's chunks are untouched
    np.testing.assert_array_equal(out[1:], ranking[1:])
    assert ranking[0] == 3.0  # the input is not changed


def test_a_lead_under_its_best_section_keeps_its_score():
    ranking = np.array([2.0, 2.5, 2.8, 1.0, 0.5, 2.9], dtype=np.float32)
    np.testing.assert_array_equal(PageLeads(CHUNKS, HAS_CONTENT).after_best_section(ranking), ranking)


def test_sections_without_an_answer_line_and_pages_without_sections_do_not_count():
    ranking = np.array([1.0, 0.5, 0.5, 3.0, 2.0, 3.5], dtype=np.float32)
    out = PageLeads(CHUNKS, HAS_CONTENT).after_best_section(ranking)
    assert out[3] == 3.0  # b.md's only section is a link list
    assert out[5] == 3.5  # c.md has no section
    np.testing.assert_array_equal(PageLeads(CHUNKS[3:], HAS_CONTENT[3:]).after_best_section(ranking[3:]), ranking[3:])


def test_a_lead_far_above_its_pages_sections_holds_the_answer_and_keeps_its_score():
    # a long lead that answers (held-out OWASP wiki) scores well above every section of its page
    ranking = np.array([3.0, 2.5, 2.6, 1.0, 0.5, 2.9], dtype=np.float32)
    out = PageLeads(CHUNKS, HAS_CONTENT).after_best_section(ranking, max_gap=0.3)
    np.testing.assert_array_equal(out, ranking)  # 0.4 above "Rules": not a summary
    out = PageLeads(CHUNKS, HAS_CONTENT).after_best_section(ranking, max_gap=0.5)
    assert out[0] == np.nextafter(np.float32(2.6), np.float32(-np.inf))
