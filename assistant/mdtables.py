"""markdown-it's table rule with a bound on the empty cells it adds to short rows.

A table row with fewer cells than its header is filled with empty cells, each rendered with
the column's style: a 16,000-character hit of 256-column tables with one-character rows
rendered to 19 MB of HTML in 9.6 s, and a 36 KB note took 17 s to parse at build (an attack,
2026-12-05; measured 2026-12-06). markdown-it-py bounds the cells added per table (65,536,
https://github.com/markdown-it/markdown-it/issues/1000), not per character of the text, so
twenty tables multiply it; a bound per table did too (a second attack: many 12-column tables
of 30 one-character rows, 108 times the text as HTML, a 1 MB note 94 s and 3.9 GB to parse).

Here the cells added in one parse stay within MIN_ADDED_CELLS plus one per two characters of
the text: a table ends at the row that would pass that, and the lines after it read as
paragraphs, as the library does at its own bound. A written table never comes near it (each
written cell takes at least two characters, "x|"), and the HTML of a filled table is then at
most that of a written one of the same size.

The library has no setting for this bound, hence the wrapper; it repeats the library's own
loop over rows (markdown_it/rules_block/table.py, 4.3: its stop rules are blockquote's) to
find where a table ends, only where the library finds a table start (its silent check), so
each table's rows are read twice and nothing else is.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import escapedSplit, getLine, table

MIN_ADDED_CELLS = 256  # a short table may leave many cells empty (a 3-row table of 80 columns)
_SPENT = "_mdtables_added_cells"  # the parse's env key: [the text, cells added so far]


def _cells(line: str) -> int:
    """The number of cells of a table row as markdown-it counts them (outer pipes dropped)."""
    columns = escapedSplit(line)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return len(columns)


def _bounded_table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """The library's table rule, given an end line where the cells added in this parse would
    pass the bound (see the module docstring). The count is kept in the parse's `env`, by the
    text it is for: nested blocks share the parse's state and text."""
    # Only a real table start is scanned: scanning from every block start made a parse
    # quadratic ("#\n" x 8,000: 48 s; a third attack, 2026-12-06).
    if silent or not table(state, start_line, end_line, True):
        return table(state, start_line, end_line, silent)
    spent = state.env.get(_SPENT)
    if not spent or spent[0] is not state.src:
        spent = state.env[_SPENT] = [state.src, 0]
    budget = MIN_ADDED_CELLS + len(state.src) // 2
    count = _cells(mdTrim(getLine(state, start_line + 1)))
    terminators = state.md.block.ruler.getRules("blockquote")  # the library's own stop rules for a table
    added = spent[1]
    for line in range(start_line + 2, end_line):  # the library's loop: where its table ends
        if state.sCount[line] < state.blkIndent or any(rule(state, line, end_line, True) for rule in terminators):
            break
        text = mdTrim(getLine(state, line))
        if not text or state.is_code_block(line):
            break
        row = max(0, count - _cells(text))
        if added + row > budget:
            spent[1] = added
            return table(state, start_line, line, silent)
        added += row
    spent[1] = added
    return table(state, start_line, end_line, silent)


def bound_tables(md: MarkdownIt) -> MarkdownIt:
    """`md` with its table rule bounded (see the module docstring); returns `md`."""
    md.block.ruler.at("table", _bounded_table)
    return md
