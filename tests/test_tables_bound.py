"""Tables whose short rows markdown-it fills with empty cells (mdtables.py): a reply and a
note's parse stay linear in the text, and written tables render whole."""
from __future__ import annotations

from assistant.mdtables import MIN_ADDED_CELLS
from assistant.notes import parse_structure
from assistant.webrender import section_html


def _sparse_table(columns: int, rows: int) -> str:
    """An aligned header of `columns` columns over `rows` rows of one character (an attack,
    2026-12-05: each row is filled with `columns - 1` empty styled cells)."""
    return "|" + "a|" * columns + "\n|" + ":-|" * columns + "\n" + "x\n" * rows + "\n"


def test_a_hit_of_sparse_tables_renders_to_html_linear_in_its_text():
    text = (_sparse_table(256, 257) * 40)[:16_000]  # a hit's most text (hits.MAX_HIT_CHARS)
    rendered = section_html(text)
    assert len(rendered) < 40 * len(text)  # unbounded: 19 MB, 1,213 times the text


def test_many_small_sparse_tables_share_one_bound():
    """A second attack: each table had its own allowance, so 12-column tables of 30
    one-character rows rendered to 108 times their text (a 1 MB note: 94 s and 3.9 GB to
    parse). The cells added in one parse share one bound."""
    unit = "a|a|a|a|a|a|a|a|a|a|a|a\n:-|:-|:-|:-|:-|:-|:-|:-|:-|:-|:-|:-\n" + "x\n" * 30 + "\n"
    text = (unit * 400)[:16_000]
    assert len(section_html(text)) < 40 * len(text)
    big = unit * (200_000 // len(unit))
    assert len(parse_structure(big)) < 4 * len(big)


def test_a_note_of_sparse_tables_parses_to_tokens_linear_in_its_text():
    text = "# T\n\n" + _sparse_table(256, 257) * 20
    tokens = parse_structure(text)
    assert len(tokens) < 4 * len(text)  # unbounded: 1.3 million cells of 3 tokens each (17 s)


def test_written_tables_render_every_cell_however_wide():
    written = "|" + "h|" * 200 + "\n|" + "-|" * 200 + "\n" + ("|" + "v|" * 200 + "\n") * 50
    assert section_html(written).count("<td") == 200 * 50
    assert 80 * 3 < MIN_ADDED_CELLS
    short = "|" + "h|" * 80 + "\n|" + "-|" * 80 + "\n|x|\n|y|\n|z|\n"  # a few rows left mostly empty
    assert section_html(short).count("<td") == 80 * 3
    assert section_html(_sparse_table(256, 40)).count("<td") < 256 * 40  # cut where the empty cells run past


def test_only_a_table_start_is_scanned(monkeypatch):
    """A third attack: the bound's scan ran from every block start to the next blank line,
    so "#\\n" x 8,000 (16,000 characters) took 48 s to parse. Lines without a table are
    never counted as rows now; a table's rows are read once by the scan."""
    from assistant import mdtables

    counted = []
    real = mdtables._cells
    monkeypatch.setattr(mdtables, "_cells", lambda line: counted.append(line) or real(line))
    for text in ("#\n" * 8_000, "***\n" * 4_000, "[a]: b\n" * 4_000, "a\n===\n" * 2_000):
        parse_structure(text)
        assert counted == [], text[:8]
    parse_structure("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 |\n\n# after\n" * 10)
    assert len(counted) == 10 * 3  # each table's delimiter and its two rows
