"""How ranked chunks become distinct hits (hits.Grouper), on hand-made chunks and scores."""
from __future__ import annotations

import dataclasses

import numpy as np

from assistant.chunking import Chunk
from assistant.hits import TINY_SHARE, Grouper, merged, parent_ids


def _chunk(path: tuple[str, ...], start: int, end: int, source: str = "p.md", long: bool = False) -> Chunk:
    """A heading line and one body line per line after it ('line N', or a long sentence)."""
    body = [f"line {n}" + (" of a long sentence that says something" if long else "") for n in range(start + 1, end + 1)]
    return Chunk(source=source, title=path[0], heading_path=path, anchor="", permalink=None,
                 line_start=start, line_end=end, text="\n".join(["## " + path[-1], *body]))


def _answer_chars(chunks) -> np.ndarray:
    """What LineRanker.answer_chars gives when every body line is an answer line."""
    return np.array([sum(len(line.strip()) for line in c.text.split("\n")[1:]) for c in chunks])


# A pattern page cut into subsections of a line or a few, then another note.
PAGE = [
    _chunk(("Load pattern",), 1, 3),
    _chunk(("Load pattern", "Pros"), 5, 9, long=True),
    _chunk(("Load pattern", "Cons"), 11, 15, long=True),
    _chunk(("Load pattern", "Needs consideration"), 17, 18),
    _chunk(("Load pattern", "Needs consideration", "Versions"), 20, 21),
    _chunk(("Other page",), 1, 2, source="q.md"),
]


def _groups(scores, top_k=5, max_lines=40, chunks=PAGE):
    fused = np.array(scores, dtype=np.float32)
    return Grouper(chunks, max_lines, _answer_chars(chunks)).groups(fused, np.ones(len(chunks), dtype=bool), top_k)


def test_a_section_is_tiny_when_its_headings_are_most_of_what_is_embedded():
    tiny = Grouper(PAGE, 40, _answer_chars(PAGE)).tiny
    assert tiny.tolist() == [True, False, False, True, True, True]
    one_long_line = _chunk(("Load pattern", "Cons"), 1, 2, long=True)
    assert not Grouper([one_long_line], 40, _answer_chars([one_long_line])).tiny[0]
    assert _answer_chars([one_long_line])[0] >= TINY_SHARE * len(one_long_line.embed_text)


def test_sibling_subsections_share_their_parent_and_a_page_intro_shares_the_page():
    ids = parent_ids(PAGE)
    assert ids[0] == ids[1] == ids[2] == ids[3]  # the intro and the page's subsections
    assert ids[4] != ids[3]  # a sub-subsection is under "Needs consideration", not the page
    assert ids[5] != ids[0]  # another note


def test_a_one_line_subsection_ranked_first_joins_its_sibling_next_to_it():
    # "Needs consideration" (one line) outranks "Cons", the subsection just before it.
    groups = _groups([0.1, 0.2, 2.9, 3.0, 0.0, 1.0], top_k=2)
    assert groups == [[3, 2], [5]]  # best chunk first, the neighbour joined
    hit = merged([PAGE[i] for i in sorted(groups[0])], PAGE[groups[0][0]])
    assert (hit.line_start, hit.line_end) == (11, 18)
    assert hit.text.split("\n")[0] == "## Cons" and hit.text.split("\n")[-1] == "line 18"
    assert hit.heading_path[-1] == "Needs consideration"  # cites the section that ranked it


def test_a_tiny_subsection_joins_the_sibling_that_outranks_it_too():
    assert _groups([0.1, 0.2, 3.0, 2.9, 0.0, 1.0], top_k=2) == [[2, 3], [5]]


def test_sibling_sections_that_are_both_more_than_tiny_stay_apart():
    # Pros and Cons: parallel topics, each mostly body text.
    assert _groups([0.0, 2.9, 3.0, 0.5, 0.0, 1.0], top_k=2) == [[2], [1]]


def test_chunks_that_are_not_adjacent_or_under_another_parent_stay_apart():
    # The intro (0) and Cons (2) are siblings but Pros sits between them; the
    # sub-subsection (4) is under another parent; q.md (5) is another note.
    assert _groups([2.8, 0.0, 3.0, 0.0, 2.9, 2.7], top_k=4) == [[2], [4], [0], [5]]


def test_a_neighbour_joins_only_when_it_ranks_above_the_last_hit():
    # A joined chunk is one that would otherwise have taken a slot of its own.
    assert _groups([0.0, 0.0, 0.5, 3.0, 0.0, 1.0], top_k=2) == [[3], [5]]
    assert _groups([0.0, 0.0, 0.0, 3.0, 0.5, 1.0], top_k=2) == [[3], [5]]


def test_a_section_and_its_first_subsection_join_whichever_ranks_first():
    # "Needs consideration" (17-18) and "Versions" (20-21) under it: the steps or details
    # under a short heading continue their parent's topic.
    assert _groups([0.0, 0.0, 0.0, 3.0, 2.0, 1.0], top_k=2) == [[3, 4], [5]]
    assert _groups([0.0, 0.0, 0.0, 2.0, 3.0, 1.0], top_k=2) == [[4, 3], [5]]
    hit = merged([PAGE[3], PAGE[4]], PAGE[4])
    assert (hit.line_start, hit.line_end, hit.heading_path[-1]) == (17, 21, "Versions")


def test_a_page_intro_joins_its_first_section_but_not_a_later_one():
    intro_and_sections = [_chunk(("Guide",), 1, 3, long=True), _chunk(("Guide", "Setup"), 5, 8, long=True),
                          _chunk(("Guide", "Usage"), 10, 12, long=True)]
    assert _groups([3.0, 2.0, 1.0], top_k=2, chunks=intro_and_sections) == [[0, 1], [2]]
    # Usage is the intro's second subsection and Setup's sibling (neither tiny): apart.
    assert _groups([0.0, 3.0, 2.0], top_k=2, chunks=intro_and_sections) == [[1], [2]]


def test_a_subsection_of_another_note_or_deeper_down_is_no_first_subsection():
    other_note = [_chunk(("Guide",), 1, 3, long=True), _chunk(("Guide", "Setup"), 1, 4, source="q.md", long=True)]
    assert _groups([3.0, 2.0], top_k=2, chunks=other_note) == [[0], [1]]
    grandchild = [_chunk(("Guide",), 1, 3, long=True), _chunk(("Guide", "Setup", "Linux"), 5, 8, long=True)]
    assert _groups([3.0, 2.0], top_k=2, chunks=grandchild) == [[0], [1]]


def test_without_answer_line_sizes_no_sibling_joins():
    fused = np.array([0.1, 0.2, 2.9, 3.0, 1.0, 0.0], dtype=np.float32)
    assert Grouper(PAGE, 40).groups(fused, np.ones(len(PAGE), dtype=bool), 2) == [[3], [2]]


def test_a_piece_of_a_section_cut_in_two_joins_its_own_section_not_a_sibling():
    chunks = [
        _chunk(("Guide", "Build"), 1, 2),  # tiny
        _chunk(("Guide", "Deploy"), 4, 30, long=True),  # "Deploy" is cut into two chunks
        _chunk(("Guide", "Deploy"), 31, 40, long=True),
    ]
    # The first piece of Deploy ranks first: Build, its tiny sibling, stays a hit of its
    # own, and the second piece of Deploy joins.
    assert _groups([2.9, 3.0, 2.5], top_k=2, chunks=chunks) == [[1], [0]]
    assert _groups([2.9, 3.0, 2.95], top_k=2, chunks=chunks) == [[1, 2], [0]]


def test_joined_siblings_never_exceed_max_lines():
    assert _groups([0.0, 0.0, 2.9, 3.0, 0.0, 0.0], max_lines=7, top_k=2) == [[3], [2]]
    assert _groups([0.0, 0.0, 2.9, 3.0, 0.0, 0.0], max_lines=8, top_k=2)[0] == [3, 2]


def test_a_joined_hit_keeps_the_shown_text_line_for_line():
    a = dataclasses.replace(PAGE[3], shown="## Needs consideration\n")  # line 18 hidden on the page
    hit = merged([PAGE[2], a])
    assert hit.shown.split("\n")[-3:] == ["", "## Needs consideration", ""]
    assert len(hit.text.split("\n")) == len(hit.shown.split("\n")) == hit.n_lines


def test_hits_of_one_section_shown_once_join_their_shown_text_too():
    from assistant.hits import Hit
    from assistant.webrender import merge_hits

    first = Chunk(source="a.md", title="A", heading_path=("A", "S"), anchor="s", permalink=None,
                  line_start=3, line_end=4, text="<!-- hidden -->\nvisible one", shown="\nvisible one")
    second = Chunk(source="a.md", title="A", heading_path=("A", "S"), anchor="s", permalink=None,
                   line_start=5, line_end=6, text="visible two\n<!-- gone -->", shown="visible two\n")
    (one,) = merge_hits([Hit(first, 1.0, "u", (4,)), Hit(second, 0.9, "u", (5,))])
    assert one.chunk.text == "<!-- hidden -->\nvisible one\nvisible two\n<!-- gone -->"
    assert one.chunk.page_text == "\nvisible one\nvisible two\n"
    assert (one.chunk.line_start, one.chunk.line_end) == (3, 6)


def test_a_table_row_answer_is_shown_with_its_header_not_its_pipes():
    # A fresh tester (2026-12-01): the big answer line read "| 書籍 | 月1万円 | 技術書に限る |".
    from assistant.hits import Hit
    from assistant.webrender import answer_lines, best_hit_html

    text = "## 上限金額\n\n| 項目 | 上限 | 備考 |\n|---|---|---|\n| 書籍 | 月1万円 | 技術書に限る |\n| 交通費 | 実費 |  |"
    chunk = Chunk(source="a.md", title="A", heading_path=("A", "上限金額"), anchor="s", permalink=None,
                  line_start=10, line_end=15, text=text)
    hit = Hit(chunk, 1.0, "u", (14, 15, 12))
    assert answer_lines(hit) == ["項目: 書籍; 上限: 月1万円; 備考: 技術書に限る", "項目: 交通費; 上限: 実費", "項目; 上限; 備考"]  # a header row: its cells
    lead = best_hit_html(hit, "ja").split('class="lead-line">')[1].split("</p>")[0]
    assert lead == "項目: 書籍; 上限: 月1万円; 備考: 技術書に限る"


def test_a_details_block_in_a_section_shows_its_summary_not_its_tags():
    # A fresh tester (2026-12-01): the section showed "<summary>エスカレーション先（社外秘）</summary>".
    from assistant.webrender import section_html

    text = "## 連絡\n\n<details>\n<summary>エスカレーション先（社外秘）</summary>\n\n- 部長に電話する\n\n</details>\n<script>x</script>"
    out = section_html(text, 20, (25,))
    assert "<strong>エスカレーション先（社外秘）</strong>" in out and "&lt;summary" not in out and "&lt;details" not in out
    assert 'class="hl rank-1"' in out and "部長に電話する" in out  # line 25 still marked
    assert "&lt;script&gt;" in out  # other HTML stays text


def test_a_table_row_answer_keeps_a_placeholder_inside_a_code_span():
    # A fresh tester (heldout6, 2026-12-01): the lead line of "| `/home/<user>` | 100 GB |" read
    # "path: /home/; quota: 100 GB" (the section below showed /home/<user>, as the wiki does).
    from assistant.hits import Hit
    from assistant.webrender import answer_lines, best_hit_html

    text = "## Storage\n\n| path | quota |\n|---|---|\n| `/home/<user>` | 100 GB |\n| <b>shared</b> | none |"
    chunk = Chunk(source="a.md", title="A", heading_path=("A", "Storage"), anchor="s", permalink=None,
                  line_start=10, line_end=15, text=text)
    hit = Hit(chunk, 1.0, "u", (14, 15))
    assert answer_lines(hit) == ["path: /home/<user>; quota: 100 GB", "path: shared; quota: none"]
    lead = best_hit_html(hit, "en").split('class="lead-line">')[1].split("</p>")[0]
    assert lead == "path: <code>/home/&lt;user&gt;</code>; quota: 100 GB"


def test_a_collapsed_hit_names_its_page_before_a_repeated_heading():
    # A fresh tester (heldout6, 2026-12-01): rows read "FAQ …", "概要 …" with no page.
    from assistant.hits import Hit
    from assistant.webrender import hit_html

    def summary(title, path):
        chunk = Chunk(source="a.md", title=title, heading_path=path, anchor="s", permalink=None,
                      line_start=3, line_end=4, text="## FAQ\n\n- yes")
        return hit_html(Hit(chunk, 1.0, "u", (5,)), "en").split('class="crumb">')[1].split("</span>")[0]

    assert summary("Compute server", ("Compute server", "FAQ")) == "Compute server › FAQ"
    assert summary("Compute server", ("Compute server",)) == "Compute server"  # the page's own lead


def _section_hit(text: str, line_start: int, highlight: tuple[int, ...]):
    """A hit on one section `text` (its "## " heading first) starting at note line `line_start`."""
    from assistant.hits import Hit

    heading = text.split("\n", 1)[0].lstrip("# ")
    chunk = Chunk(source="a.md", title="A", heading_path=("A", heading), anchor="s", permalink=None,
                  line_start=line_start, line_end=line_start + text.count("\n"), text=text)
    return Hit(chunk, 1.0, "u", highlight)


def test_a_list_item_written_over_two_lines_is_shown_whole():
    # A fresh tester (heldout7, 2026-12-01): the answer read "3. Use the prepaid labels ...;
    # for other lenders, send it by" and stopped; its next line (the other carrier) was
    # neither shown nor marked, in the CLI, the page or the copied text.
    from assistant.render import format_hit
    from assistant.webrender import answer_lines, best_hit_html, section_html

    text = ("## Returning an item\n\n1. Check the slip.\n3. Use the prepaid labels; for other lenders, send it by\n"
            '   "Letter Pack Plus" and log the tracking number.\n4. Hand it to the pickup.')
    hit = _section_hit(text, 30, (33, 32))
    assert answer_lines(hit)[0] == 'Use the prepaid labels; for other lenders, send it by "Letter Pack Plus" and log the tracking number.'
    assert "Letter Pack Plus" in best_hit_html(hit, "en").split('class="lead-line">')[1].split("</p>")[0]
    html = section_html(text, 30, hit.highlight_lines)
    assert html.count('<mark class="hl rank-1">') == 1 and html.count("rank-2") == 1  # one mark, one badge
    assert 'send it by\n"Letter Pack Plus" and log the tracking number.</mark>' in html
    shown = format_hit(1, hit).split("\n")
    assert '     L34: "Letter Pack Plus" and log the tracking number.' in shown
    assert hit.highlight_lines == (33, 32)  # the API and evaluation count the best lines themselves


def test_a_sentence_wrapped_over_two_lines_is_shown_whole():
    # A fresh new user (heldout8, 2026-12-01): the first answer line began "installed; ignore
    # the old laminated card", the second half of a sentence wrapped in the note.
    from assistant.render import format_hit
    from assistant.webrender import answer_lines

    text = ("## Old app\n\nThe old app used a 4-digit PIN. It is no longer\n"
            "installed; ignore the old card kept in some trucks.\nAsk the office for a new one.")
    hit = _section_hit(text, 10, (13, 14))
    assert answer_lines(hit)[0] == "The old app used a 4-digit PIN. It is no longer installed; ignore the old card kept in some trucks."
    assert answer_lines(hit)[1] == "Ask the office for a new one."  # the sentence before it ended: a line of its own
    shown = format_hit(1, hit).split("\n")
    assert "   ▶ L12: The old app used a 4-digit PIN. It is no longer" in shown
    assert hit.highlight_lines == (13, 14)  # the API and evaluation count the best lines themselves


def test_answer_lines_read_as_the_page_shows_them():
    # A new user (wiki-dev, 2026-12-01): a Jekyll page's answer line showed its Liquid link
    # target '({% page "/tools/hrlinks/" %})' and inline HTML ("<br>", '<span class="good">').
    from dataclasses import replace

    from assistant.render import format_hit
    from assistant.webrender import answer_lines, section_html

    text = ('## Leave\n\nHave an approved [leave request]({% page "/tools/hrlinks/" %}) first.<br>\n'
            '<span class="good">&#x2713;</span> Ask `<br>` in code.')
    shown = '## Leave\n\nHave an approved [leave request]() first.<br>\n<span class="good">&#x2713;</span> Ask `<br>` in code.'
    hit = _section_hit(text, 1, (3, 4))
    hit = replace(hit, chunk=replace(hit.chunk, shown=shown))
    assert answer_lines(hit) == ["Have an approved leave request first.", "✓ Ask <br> in code."]
    assert "   ▶ L3: Have an approved [leave request]() first.<br>" in format_hit(1, hit).split("\n")  # the CLI too
    html = section_html(shown, 1, (3,))
    assert "&lt;br&gt;" not in html.replace("<code>&lt;br&gt;</code>", "") and "<code>&lt;br&gt;</code>" in html
    # A tag the note escapes to show it stays (an attack run); a quoted '>' ends no tag.
    from assistant.webrender import inline_html

    assert inline_html("Wrap it in &lt;code&gt; tags; use \\<br> to break") == "Wrap it in &lt;code&gt; tags; use &lt;br&gt; to break"
    assert inline_html("<b title='>'>bold</b> <script>x</script>") == "bold &lt;script&gt;x&lt;/script&gt;"


def test_answer_lines_of_html_tables_and_of_tables_cut_above_the_section_read_as_text():
    # A fresh user (wiki-dev): previews and copied text read "<li>外部へ通知する</li>" and
    # "| @presidential-innovation-fellows | Y | Y |" (a section starting mid-table).
    from assistant.webrender import answer_lines

    text = "## Levels\n\n<li>外部へ通知する</li>\n| @pif | Y | N |\n<script>x</script>"
    assert answer_lines(_section_hit(text, 1, (3, 4, 5))) == ["外部へ通知する", "@pif; Y; N", "<script>x</script>"]


def test_an_indented_html_table_reads_as_its_text_not_as_code():
    # A fresh user (wiki-dev's severity levels): cells indented eight spaces inside a raw HTML
    # table were an indented code block once raw HTML is off, so the answer line and the
    # section showed '<p class="intent">...</p>' as code where the wiki shows a table.
    from assistant.webrender import answer_lines, section_html

    text = ("## Levels\n\n<table>\n  <tr>\n    <td>SEV-1</td>\n    <td>\n"
            '        <p class="intent">外部への告知が必要な、致命的な問題</p>\n    </td>\n  </tr>\n</table>\n\n'
            "Fenced code stays code:\n\n```html\n    <p>literal</p>\n```\n")
    html = section_html(text, 1, (7,))
    assert '<mark class="hl rank-1">外部への告知が必要な、致命的な問題</mark>' in html
    assert "&lt;p class=" not in html and "&lt;td&gt;" not in html
    assert "&lt;p&gt;literal&lt;/p&gt;" in html  # HTML a fence shows is code
    assert answer_lines(_section_hit(text, 1, (7,))) == ["外部への告知が必要な、致命的な問題"]
    # A chunk cut from inside the table starts at an indented cell, its tag-only lines blank
    # as the page shows them (wiki-dev's chunk at line 24): the same.
    cut = '      <th class="sev">深刻度</th>\n\n\n      <td class="sev-1">SEV-1</td>\n\n        <p class="intent">致命的な問題</p>\n\n          <li>顧客に影響がある</li>'
    html = section_html(cut, 24, (29,))
    assert '<mark class="hl rank-1">致命的な問題</mark>' in html and "&lt;" not in html and "<code>" not in html
    assert answer_lines(_section_hit(cut, 24, (29, 31))) == ["致命的な問題", "顧客に影響がある"]
    # An HTML paragraph of a list item stays in its item (a helper's attack).
    html = section_html("1. first\n\n   <div>note</div>\n\n2. second\n3. third", 1, (3,))
    assert html.startswith("<ol>") and html.count("<ol") == 1 and '<mark class="hl rank-1">note</mark></p>\n</li>' in html


def test_a_marked_table_row_draws_its_rank_badge_once():
    # A fresh user (wiki-dev): each cell of a marked row drew a ① of its own.
    from assistant.webrender import section_html

    html = section_html("| Level | Response |\n|---|---|\n| Medium | 24時間以内 |\n| Low | 翌週 |", 1, (3,))
    assert html.count('class="hl rank-1"') == 1 and html.count('class="hl rank-1 again"') == 1


def test_an_item_spans_its_indented_and_lazy_lines_up_to_the_next_block():
    from assistant.answeritems import MAX_ITEM_LINES, answer_items, item_spans
    from assistant.lines import code_lines

    lines = ["- one", "  wrapped", "lazy too", "- two", "", "- three", "## H", "- four", "```", "- code", "more", "```"]
    spans = item_spans(lines, code_lines(lines))
    assert spans == {0: range(0, 3), 1: range(0, 3), 2: range(0, 3)}
    assert item_spans(["- a", "  b", "---", "x"], [False] * 4) == {0: range(0, 2), 1: range(0, 2)}  # a rule ends it
    long = ["- item"] + ["  more"] * 20
    assert max(len(r) for r in item_spans(long, [False] * len(long)).values()) == MAX_ITEM_LINES
    # A paragraph's lines join while each stops inside a sentence; a finished one stands alone.
    para = ["It is no", "longer here.", "Next one.", "回収は月曜、", "水曜。", "**Q?**", "Yes"]
    assert item_spans(para, [False] * len(para)) == {0: range(0, 2), 1: range(0, 2), 3: range(3, 5), 4: range(3, 5)}
    # A line ending in a colon or a dash goes on too ("... with the head of broadcasting:" /
    # "reading a news script ...": the answer began mid-sentence, a fresh user, 2026-12-06).
    para = ["You take a voice test:", "reading a script.", "Two parts —", "both short.", "Done."]
    assert item_spans(para, [False] * len(para)) == {0: range(0, 2), 1: range(0, 2), 2: range(2, 4), 3: range(2, 4)}
    # Two answer lines of one item: the item is given once, at the better one.
    assert answer_items(lines, 1, (2, 1, 4)) == [(1, 2, 3), (4,)]


def test_task_boxes_and_footnote_references_are_shown_as_the_page_shows_them():
    # A new user saw "[ ] テラス席を出すか決める" and "20.[^id]" raw (heldout15, 2026-12-03).
    from assistant.webrender import inline_html, section_html

    out = section_html("- [ ] テラス席を出すか決める\n- [x] Check the CO2\n\nFrom age 20.[^id]\n\n[ ] not in a list\n", 1, (1,))
    assert "☐ テラス席を出すか決める" in out and "☑ Check the CO2" in out
    assert "From age 20.<sup>[id]</sup>" in out and "[^id]" not in out
    assert "<p>[ ] not in a list</p>" in out  # a bracket pair outside a list is text
    assert "<p><sup>[id]</sup> Student cards" in section_html("[^id]: Student cards are not accepted.\n")
    assert inline_html("[ ] テラス席 [^a]") == "☐ テラス席 <sup>[a]</sup>"
    assert "<script>" not in section_html("x[^<script>]\n")  # the label is escaped text or none


def test_an_alert_shows_its_type_as_a_title_as_github_does():
    # "> [!WARNING]" was shown raw (a new user, heldout15); the marker counts as one line.
    from assistant.webrender import section_html

    out = section_html("> [!WARNING]\n> Never enter the tank alone.\n", 1, (2,))
    assert out.startswith("<blockquote>\n<p><strong>Warning</strong><br")
    assert '<mark class="hl rank-1">Never enter the tank alone.</mark>' in out and "[!WARNING]" not in out
    assert "<strong>Tip</strong>" in section_html("> [!tip]\n")
    # Not alone on the quote's first line, or outside a quote: text, as GitHub leaves it.
    assert "[!NOTE] not alone" in section_html("> [!NOTE] not alone\n> x\n")
    assert "<p>[!NOTE]</p>" in section_html("[!NOTE]\n")


def test_only_a_top_level_quote_opening_with_a_bare_marker_is_an_alert():
    # A helper's attack on the alert title (2026-12-03), one case of each kind.
    from assistant.webrender import section_html

    # A hard break after the marker (two spaces, a backslash) is still one line break: the
    # highlighted line stays the one asked for.
    for marker in ("> [!NOTE]  ", "> [!NOTE]\\"):
        out = section_html(f"{marker}\n> Line two.\n> Line three.\n", 1, (3,))
        assert out.count("<br") == 1 and '<mark class="hl rank-1">Line three.</mark>' in out, marker
    # Markup after the marker on its line, an escaped marker, a nested quote, a quote in a
    # list, a heading in a quote: GitHub shows no alert, nor does the page.
    for text in ("> [!NOTE] **bold**\n", "> [!NOTE] `code`\n", "> \\[!NOTE]\n> x\n", "> > [!NOTE]\n> > x\n",
                 "- > [!NOTE]\n  > x\n", "> # [!NOTE]\n"):
        assert "<strong>Note</strong>" not in section_html(text), text
    # Only the five ASCII names: a dotted capital I is no "IMPORTANT".
    assert "<strong>" not in section_html("> [!\u0130MPORTANT]\n> x\n")


def test_a_reply_shows_the_alert_title_the_page_shows():
    # The marker line is blank in the indexed page text (no answer line, not embedded), so
    # replies showed a plain quote without its title; only section_html on raw text had it
    # (a helper's attack, 2026-12-03). Through real chunking and both reply forms.
    from assistant.chunking import chunk_note
    from assistant.hits import Hit
    from assistant.notes import parse_note
    from assistant.webrender import best_hit_html, hit_html

    note = parse_note("# Ops\n\n## Tank\n\n> [!WARNING]\n> Never enter the tank alone.\n", "ops.md")
    (chunk,) = [c for c in chunk_note(note, wiki_engine="github") if c.heading_path[-1] == "Tank"]
    assert "[!WARNING]" not in chunk.embed_text  # the marker is still not indexed
    hit = Hit(chunk, 1.0, "u", (6,))
    for out in (hit_html(hit, "en"), best_hit_html(hit, "en")):
        assert "<strong>Warning</strong>" in out and "[!WARNING]" not in out
        assert '<mark class="hl rank-1">Never enter the tank alone.</mark>' in out


def test_under_kramdown_a_reply_shows_the_marker_as_the_page_does():
    # kramdown (Jekyll, the default engine) shows "[!WARNING]" as text, no title (ruby-kramdown
    # 2.4: "<blockquote><p>[!WARNING]<br />Never enter ..."); replies titled it (a helper's attack)
    from assistant.chunking import chunk_note
    from assistant.hits import Hit
    from assistant.notes import parse_note
    from assistant.webrender import best_hit_html, hit_html

    note = parse_note("# Ops\n\n## Tank\n\n> [!WARNING]\n> Never enter the tank alone.\n", "ops.md")
    for engine, titled in (("jekyll", False), ("kramdown", False), ("mkdocs", False), ("github", True),
                           ("gitlab-wiki", True)):
        (chunk,) = [c for c in chunk_note(note, wiki_engine=engine) if c.heading_path[-1] == "Tank"]
        assert "[!WARNING]" not in chunk.embed_text, engine  # a caption either way, never embedded
        for out in (hit_html(Hit(chunk, 1.0, "u", (6,)), "en"), best_hit_html(Hit(chunk, 1.0, "u", (6,)), "en")):
            assert ("<strong>Warning</strong>" in out) is titled and ("[!WARNING]" in out) is not titled, engine


def test_an_alert_marker_the_page_hides_shows_no_title():
    # A marker in a comment came back as a "Warning" title in replies: the reply restored any
    # blank marker line (a helper's attack, 2026-12-04). Now the shown text keeps only markers
    # the page shows.
    from assistant.chunking import chunk_note
    from assistant.hits import Hit
    from assistant.notes import parse_note
    from assistant.webrender import best_hit_html

    for text, engine in (("Text.\n<!--\n> [!WARNING]\n-->\nMore.\n", "github"),
                         ("Text.\n\n{% comment %}\n> [!WARNING]\n> Internal.\n{% endcomment %}\n\nMore.\n", "jekyll"),
                         ("Text.\n\n{::comment}\n> [!WARNING]\n{:/comment}\n\nMore.\n", "kramdown")):
        note = parse_note("# Ops\n\n" + text, "ops.md")
        (chunk,) = chunk_note(note, wiki_engine=engine)
        out = best_hit_html(Hit(chunk, 1.0, "u", (3,)), "en")
        assert "<strong>Warning</strong>" not in out and "[!WARNING]" not in out, engine
    # Inside an HTML block the marker is raw text to every engine: shown so, never a title.
    for block in ("<div>\n> [!WARNING]\n> div text\n</div>\n", "<pre>\n> [!WARNING]\n</pre>\n"):
        note = parse_note("# Ops\n\n" + block, "ops.md")
        (chunk,) = chunk_note(note, wiki_engine="github")
        out = best_hit_html(Hit(chunk, 1.0, "u", (1,)), "en")
        assert "<strong>Warning</strong>" not in out and "[!WARNING]" in out, block


def test_a_footnote_definition_is_never_a_link_reference_definition():
    # "[^src]: https://..." is a CommonMark link reference definition: the section showed
    # nothing for it and linked "Cited.[^src]" to its URL (a helper's attack, 2026-12-03).
    from assistant.webrender import section_html

    out = section_html("Cited.[^src]\n\n[^src]: https://example.org/x\n")
    assert "<a" not in out and "<sup>[src]</sup> https://example.org/x" in out
    assert "<sup>[a]</sup> Accepted." in section_html("[^a]: Accepted.\n")
    assert "<pre>" not in section_html("[^a]: b\n    cont\n")  # its continuation, not code
    assert '<a href="https://e.org"' in section_html("[x]: https://e.org\n\nSee [x].\n")  # other references work


def test_a_container_shows_its_title_on_a_line_of_its_own_not_its_markers():
    # A fresh user (heldout27, VitePress, 2026-12-07): "::: warning 金額を聞かれたら" ran into the
    # box's first line in the reply; so did a MkDocs box's title and a <summary>.
    from assistant.chunking import chunk_note
    from assistant.hits import Hit
    from assistant.notes import parse_note
    from assistant.webrender import best_hit_html, section_html

    raw = ("# 利用料\n\n前文。\n\n::: warning 金額を聞かれたら\n電話では答えない。\n:::\n\n::: tip\n本文。\n:::\n\n"
           "```\n::: tip kept\n```\n\n    ::: tip indented code\n")
    for engine in ("vitepress", "docusaurus", "jekyll"):
        (chunk,) = chunk_note(parse_note(raw, "a.md"), wiki_engine=engine)
        html = best_hit_html(Hit(chunk, 1.0, "u", (6,)), "ja")
        assert '<strong>金額を聞かれたら</strong><br>\n<mark class="hl rank-1">電話では答えない。</mark>' in html, engine
        assert "<strong>TIP</strong><br>" in html and ":::" not in html.replace("::: tip kept", "").replace("::: tip indented", "")
        assert "::: tip kept" in html and "::: tip indented code" in html  # code stays code
    # a box inside a list item stays in the item (a second attack)
    (chunk,) = chunk_note(parse_note("# Close\n\n1. Lights.\n\n   ::: danger Gas valve\n   Close it.\n   :::\n\n2. Doors.\n", "a.md"),
                          wiki_engine="vitepress")
    html = best_hit_html(Hit(chunk, 1.0, "u", (7,)), "en")
    assert "<strong>Gas valve</strong><br>" in html and "<ol start" not in html
    # as written (no page text): Docusaurus' [Title], a bare closer blank, not a line of prose
    assert "<strong>Docusaurus title</strong><br>" in section_html(":::note[Docusaurus title]\nx\n:::\n")
    assert "::: by the way" in section_html("::: by the way\n")
    assert "<strong>MkDocs title</strong><br>" in section_html('!!! note "MkDocs title"\n    body line\n')
    assert "<strong>要約</strong><br>" in section_html("<details>\n<summary>要約</summary>\n本文\n</details>\n")


def test_an_admonition_or_tab_body_reads_as_text_not_as_code():
    # A fresh user (heldout21, MkDocs, 2026-12-06): the body of `!!! note`, indented four
    # columns, was an indented code block, so the answer line showed as small grey code and
    # the section as a code block with literal backticks.
    from assistant.webrender import best_hit_html, section_html

    text = ("## 保管期間\n\n| 物 | 期間 |\n|---|---|\n| 傘 | 7 日 |\n\n!!! note\n"
            "    ヘルメットだけ長いのは、連絡が `1 週間` 以上たってから来るため。\n\n"
            '??? tip "Why?"\n    Because.\n\n    ```\n    !!! kept as code\n    ```\n'
            '=== "Linux"\n    apt install x\n\n        indented code in a tab\n')
    html = section_html(text, 1, (8,))
    assert "<strong>Note</strong>" in html and "<strong>Why?</strong>" in html and "<strong>Linux</strong>" in html
    assert '<mark class="hl rank-1">ヘルメットだけ長いのは、連絡が <code>1 週間</code> 以上たってから来るため。</mark>' in html
    assert "!!! kept as code" in html.split("<pre><code>")[1]  # fenced code stays code
    assert "indented code in a tab" in html.split("<pre><code>")[2]  # so does code indented past the body
    lead = best_hit_html(_section_hit(text, 1, (8,)), "ja").split('class="lead-line">')[1].split("</p>")[0]
    assert lead.startswith("ヘルメットだけ長いのは") and not lead.startswith("<code>")


def _mkdocs_chunks(raw: str, **limits) -> list:
    """The real chunks of note `raw` as MkDocs shows it (wiki/shown.py page text)."""
    from assistant.chunking import chunk_note
    from assistant.notes import parse_note

    return chunk_note(parse_note(raw, "a.md"), wiki_engine="mkdocs", **limits)


def test_an_admonition_body_reads_as_text_in_the_lines_the_page_shows():
    # As indexed, a chunk's page text has the marker line already as its caption (blank when
    # untitled) and the body unindented (wiki/shown.py); the titles are read from the lines as written.
    from assistant.hits import Hit
    from assistant.webrender import best_hit_html

    raw = "# A\n\n## 保管期間\n\n!!! note\n    ヘルメットだけ長いのは連絡が遅いため。\n\n!!! tip \"理由\"\n    二つ目。\n"
    (chunk,) = [c for c in _mkdocs_chunks(raw) if c.heading_path[-1] == "保管期間"]
    assert "\n理由\n二つ目。" in chunk.page_text  # the caption, and the body as text
    html = best_hit_html(Hit(chunk, 1.0, "u", (6, 9)), "ja")
    assert html.split('class="lead-line">')[1].startswith("ヘルメットだけ長いのは連絡が遅いため。</p>")
    assert "<pre>" not in html and "<strong>理由</strong>" in html and "<strong>Note</strong>" in html and "二つ目。" in html


def test_a_long_admonition_s_later_chunks_read_as_text_too():
    # A body longer than a chunk went on, past the chunk holding its marker, as code: the
    # marker was read at render time, from the chunk alone (a fresh user, heldout21).
    from assistant.hits import Hit
    from assistant.webrender import best_hit_html

    body = "".join(f"    - 手順 {n}: 棚 {n} の在庫を数えて記録する。\n" for n in range(1, 41))
    raw = "# A\n\n## 棚卸し\n\n!!! note \"手順\"\n" + body
    chunks = [c for c in _mkdocs_chunks(raw, max_lines=12) if c.heading_path[-1] == "棚卸し"]
    assert len(chunks) >= 3
    last = chunks[-1]
    assert "!!!" not in last.text and all(not line.startswith(" ") for line in last.page_text.split("\n"))
    html = best_hit_html(Hit(last, 1.0, "u", (last.line_end,)), "ja")
    assert "<pre>" not in html and "手順 40: 棚 40 の在庫を数えて記録する。" in html.split('class="lead-line">')[1]


def test_a_definition_s_answer_line_reads_with_its_term_not_its_marker():
    # A fresh user (heldout23, kramdown definition lists): the answer line read ": The card a
    # household gets ...", naming nothing and keeping the marker the wiki does not show.
    from assistant.hits import Hit
    from assistant.webrender import answer_lines

    raw = ("## Words\n\n世帯カード (household card)\n: The card a household gets when it registers.\n\n"
           "- item\n\n: A colon line with no term.\n")
    chunk = Chunk(source="g.md", title="G", heading_path=("G", "Words"), anchor="words", permalink=None,
                  line_start=1, line_end=8, text=raw)
    assert answer_lines(Hit(chunk, 1.0, "u", (4,))) == ["世帯カード (household card): The card a household gets when it registers."]
    assert answer_lines(Hit(chunk, 1.0, "u", (8,))) == ["A colon line with no term."]


def test_a_definition_s_term_is_joined_as_plain_text():
    # An attack: a term's markdown was joined as written ("[Official form" before the
    # definition's "](https://...)" read as a link), and a U+202E in it reordered the line.
    from assistant.hits import Hit
    from assistant.webrender import _plain_term, answer_lines

    raw = "## Forms\n\n**Bold** term \u202eevil\n: Second definition.\n"
    chunk = Chunk(source="g.md", title="G", heading_path=("G", "Forms"), anchor="forms", permalink=None,
                  line_start=1, line_end=4, text=raw)
    assert answer_lines(Hit(chunk, 1.0, "u", (4,))) == ["Bold term evil: Second definition."]
    assert _plain_term("[Official refund form") == "\\[Official refund form"
    from assistant.webrender import _lead_line_html

    raw = "## Forms\n\n[Official refund form\n: ](https://evil.example/phish) Submit within 14 days.\n"
    chunk = Chunk(source="g.md", title="G", heading_path=("G", "Forms"), anchor="forms", permalink=None,
                  line_start=1, line_end=4, text=raw)
    lead = _lead_line_html(Hit(chunk, 1.0, "u", (4,)), None)
    assert "<a " not in lead and lead.startswith("[Official refund form: ](https://evil.example/phish) Submit")


def test_an_admonition_body_s_wrapped_sentence_is_shown_whole_and_one_fact_lines_apart():
    # An admonition's body is indented: read as code, its wrapped sentence was cut in two (a
    # fresh user, heldout21). Japanese lines of one fact each, without 。, stay apart: joined,
    # 「経理の担当は誰？」 showed six names for one (an attack, 2026-12-06).
    from assistant.hits import Hit
    from assistant.webrender import answer_lines

    raw = ("# A\n\n## Storage\n\n!!! note\n    Helmets are kept longer because owners often call after\n"
           "    a week or more.\n\n## 担当\n\n田中 施設担当\n佐藤 経理担当\n伊藤 広報担当\n")
    storage, staff = [c for c in _mkdocs_chunks(raw) if c.heading_path[-1] in ("Storage", "担当")]
    assert answer_lines(Hit(storage, 1.0, "u", (6,))) == ["Helmets are kept longer because owners often call after a week or more."]
    assert answer_lines(Hit(staff, 1.0, "u", (12,))) == ["佐藤 経理担当"]


def test_a_tab_shows_its_title_an_untitled_note_its_type_and_shown_syntax_stays_code():
    # An attack: `=== "Windows"` showed as written and an untitled `!!! note` lost its label;
    # a note showing the syntax in an indented code block had it rewritten.
    from assistant.webrender import section_html

    raw = '# A\n\n## Install\n\n=== "Windows"\n    Run setup.exe.\n\n!!! note\n    Reboot after.\n\nExample:\n\n    !!! danger "Never"\n        body\n'
    (chunk,) = [c for c in _mkdocs_chunks(raw) if c.heading_path[-1] == "Install"]
    html = section_html(chunk.page_text, chunk.line_start, (6,), raw=chunk.text)
    assert "<strong>Windows</strong>" in html and "<strong>Note</strong>" in html and "===" not in html
    assert '!!! danger "Never"\n    body' in html.split("<pre><code>")[1]
