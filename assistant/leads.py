"""Page leads: the text under a page's title, before its first section, ranks after the
page's best section.

A lead summarises its page ("重大インシデント発生中に何をすべきかについて説明します",
a contacts table, "this page covers ..."), so its embedding sits close to every question
about the page and often outranks the section that answers (wiki-dev, e5: 5 of 17 Hit@1
misses had their page's lead first). The rule is structural, with no weight to set: a lead
that scores above every section of its page holding an answer line is placed right after
the best of them, so a question the lead itself answers still finds it at the next rank.
Measured in docs/evaluation.md ("Issue 16, fourth pass"): the same dev results whether a lead
yields only to sections within 0.4 or 0.8 of the index's calibrated spread or always. It
yields only within 0.8 of the spread (`max_gap`, retrieve.LEAD_YIELD_SPREAD): on a held-out
wiki (OWASP Top 10) a long lead that holds the answer ("OWASPは特定のテクノロジー企業と提携
している？", a 30-line lead in several chunks) scored 0.27-0.41 above its page's best section
(spread 0.19), and "always" pushed it out of the top 5; 0.4 lost one wiki-dev en>ja Hit@1.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import numpy as np

from .chunking import Chunk


class PageLeads:
    """Which chunks are leads, and their pages' sections, for `after_best_section`.

    `chunks`: the index's chunks; `has_content`: bool[n_chunks], True for a chunk that holds
    an answer line (a section of only links or a TODO does not count as the page's answer)."""

    def __init__(self, chunks: Sequence[Chunk], has_content: np.ndarray):
        pages: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, c in enumerate(chunks):
            leads, sections = pages[c.source]
            if len(c.heading_path) <= 1:
                leads.append(i)
            elif has_content[i]:
                sections.append(i)
        lead_rows, lead_page, section_rows, starts = [], [], [], []
        for leads, sections in pages.values():
            if leads and sections:
                lead_page += [len(starts)] * len(leads)
                lead_rows += leads
                starts.append(len(section_rows))
                section_rows += sections
        self.leads = np.array(lead_rows, dtype=np.int64)  # chunk rows of leads
        self.lead_page = np.array(lead_page, dtype=np.int64)  # each lead's page, an index into starts
        self.sections = np.array(section_rows, dtype=np.int64)  # chunk rows of sections, grouped by page
        self.starts = np.array(starts, dtype=np.int64)  # where each page's sections begin in `sections`

    def after_best_section(self, ranking: np.ndarray, max_gap: float = np.inf) -> np.ndarray:
        """`ranking` (float32[n_chunks]) with each lead lowered to just under its page's best
        section when it scored above it by at most `max_gap` (score units); other chunks
        unchanged. A new array."""
        if not len(self.leads):
            return ranking
        best = np.maximum.reduceat(ranking[self.sections], self.starts)[self.lead_page]
        lead = ranking[self.leads]
        lowered = np.minimum(lead, np.nextafter(best, -np.inf, dtype=ranking.dtype))
        out = ranking.copy()
        out[self.leads] = np.where(lead - best <= max_gap, lowered, lead)
        return out
