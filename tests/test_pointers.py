"""pointers.py: a hit whose best answer line links to another section yields to it (logic on
hand-made chunks; the real model and index: test_retrieval_cases.py, faq-points-to-section)."""
from __future__ import annotations

from assistant.chunking import Chunk
from assistant.hits import Hit
from assistant.pointers import POINTED_HITS, Pointers, link_targets


def _chunk(source: str, path: tuple[str, ...], anchor: str, start: int, text: str) -> Chunk:
    return Chunk(source=source, title=path[0], heading_path=path, anchor=anchor, permalink=None,
                 line_start=start, line_end=start + text.count("\n"), text=text)


PAGES = {"faq/index.md": "https://w.example/faq/", "pool/outdoor.md": "https://w.example/pool/outdoor/",
         "faq/lanes 2.md": "https://w.example/faq/lanes%202/", "pool/食事.md": "https://w.example/pool/%E9%A3%9F%E4%BA%8B/"}


def test_a_link_leads_where_the_wiki_reader_lands_and_only_a_section_of_another_note_counts():
    pointers = Pointers([], PAGES)
    line = ("Thunder does: see [Outdoor](../pool/outdoor.md#thunder), [lanes](<lanes 2.md#Kids%20only> \"t\"), "
            "[whole page](../pool/outdoor.md), [here](#setup), [site](https://example.com/a.md#x), `[code](c.md#d)`, "
            "[no note](../pool/none.md#x)")
    assert pointers.linked_sections(line, "faq/index.md") == [
        ("pool/outdoor.md", "thunder"), ("faq/lanes 2.md", "Kids only"), ("faq/index.md", "setup")]
    # as the wiki's own URLs: without the suffix, from the site root, by the page's URL, in Japanese
    line = "[a](../pool/outdoor#heat) [b](/pool/outdoor/#sun) [c](https://w.example/pool/outdoor#x) [d](../pool/食事#弁当)"
    assert pointers.linked_sections(line, "faq/index.md") == [
        ("pool/outdoor.md", "heat"), ("pool/outdoor.md", "sun"), ("pool/outdoor.md", "x"), ("pool/食事.md", "弁当")]


def test_a_hostile_line_is_read_only_up_to_the_longest_line_a_hit_shows():
    assert link_targets("[" * 200_000 + "](a.md#b)") == []
    assert link_targets("[a](b.md#c)") == ["b.md#c"]


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


OUTDOOR = {"faq.md": "https://w.example/faq/", "pool/outdoor.md": "https://w.example/pool/outdoor/"}


def _order(pointers: Pointers, *rows: int, answer_lines: dict[int, int] | None = None, top_k: int = 5) -> list[int]:
    """The chunk rows of the hits `pointed_first` returns, in its order."""
    groups, hits = pointers.pointed_first(*_hits(*rows, answer_lines=answer_lines), top_k)
    assert [h.chunk for h in hits] == [CHUNKS[g[0]] for g in groups]
    return [g[0] for g in groups]


def test_a_section_holds_its_subsections_and_ends_at_its_next_sibling():
    pointers = Pointers(CHUNKS, OUTDOOR)
    assert list(pointers.section_rows("pool/outdoor.md", "thunder")) == [3, 4]
    assert pointers.section_rows("pool/outdoor.md", "nowhere") == range(0)
    assert pointers.section_rows("other.md", "thunder") == range(0)


def test_the_section_the_first_hits_answer_line_points_at_goes_first():
    pointers = Pointers(CHUNKS, OUTDOOR)
    assert _order(pointers, 0, 2, 4, 5) == [4, 0, 2, 5]  # "### Steps", inside #thunder
    assert _order(pointers, 0, 3) == [3, 0]
    assert _order(pointers, 0, 2, 4, top_k=1) == [4]  # the pointed hit, whatever top_k shows


def test_nothing_moves_for_a_whole_page_link_another_line_or_a_hit_past_the_first_few():
    pointers = Pointers(CHUNKS, OUTDOOR)
    assert _order(pointers, 1, 3) == [1, 3]  # "see also [Outdoor](pool/outdoor.md)": a reference
    assert _order(pointers, 0, 3, answer_lines={0: 3}) == [0, 3]  # the heading line holds no link
    far = (0, 2, 5, 1)[:POINTED_HITS] + (3,)
    assert _order(pointers, *far) == list(far)
    assert _order(pointers, 3, 0) == [3, 0]  # a section is not moved behind what points at it
    assert _order(pointers, 0) == [0]
    assert pointers.pointed_first([], [], 5) == ([], ())


def test_a_sibling_of_the_same_name_ends_a_section():
    # Two "## Restart" sections (restart, restart-1): the first ended at the note's end (an attack).
    chunks = [_chunk("ops.md", ("Ops", "Restart"), "restart", 3, "## Restart\nA."),
              _chunk("ops.md", ("Ops", "Restart"), "restart", 5, "More of A."),
              _chunk("ops.md", ("Ops", "Restart", "Steps"), "steps", 7, "### Steps\n1."),
              _chunk("ops.md", ("Ops", "Restart"), "restart-1", 9, "## Restart\nB."),
              _chunk("ops.md", ("Ops", "Restart", "Steps"), "steps-1", 11, "### Steps\n2.")]
    pointers = Pointers(chunks, {"ops.md": "/ops/"})
    assert list(pointers.section_rows("ops.md", "restart")) == [0, 1, 2]
    assert list(pointers.section_rows("ops.md", "restart-1")) == [3, 4]


def test_a_note_named_by_its_file_wins_over_another_with_the_same_page_url():
    # MkDocs: foo.md and foo/index.md are both /foo/ (an attack).
    pointers = Pointers([], {"faq.md": "/faq/", "foo.md": "/foo/", "foo/index.md": "/foo/"})
    assert pointers.linked_sections("[a](foo/index.md#x) [b](foo.md#y)", "faq.md") == [("foo/index.md", "x"), ("foo.md", "y")]


def test_a_replaced_section_is_never_moved_before_what_links_to_it():
    # "(this replaced the [old process](legacy.md#old-deploy-process))": superseded.py demotes
    # that section; the link must not bring it back first (an attack).
    pointers = Pointers(CHUNKS, OUTDOOR, superseded=[3, 4])
    assert _order(pointers, 0, 3) == [0, 3]
    assert _order(Pointers(CHUNKS, OUTDOOR, superseded=[4]), 0, 3) == [3, 0]


def test_a_link_on_the_line_under_the_answer_in_its_paragraph_counts():
    # An FAQ entry's link on a line of its own under the short answer: one paragraph to the
    # reader (heldout19: "毎朝 4:30 に...決めます。" then "→ [Snow levels](...#snow-levels)").
    from assistant.pointers import paragraph_from
    lines = ["## Thunder?", "Clear the pool.", "→ [Outdoor](pool/outdoor.md#thunder)", "", "Next paragraph [x](a.md#b)"]
    assert paragraph_from(lines, 1) == "Clear the pool. → [Outdoor](pool/outdoor.md#thunder)"
    assert paragraph_from(lines, 2) == lines[2] and paragraph_from(lines, 4) == lines[4]
    # a later line with words of its own is another sentence, often an aside (an attack)
    assert paragraph_from(["Closes at thunder.", "Unrelated, but the [fees](parking.md#fees) went up."], 0) == "Closes at thunder."
    assert paragraph_from(["Closes at thunder.", "---", "→ [x](a.md#b)"], 0) == "Closes at thunder."
    # a list item, a table row or a heading after the line starts a block of its own
    for block in ("- [Outdoor](pool/outdoor.md#thunder)", "| [Outdoor](pool/outdoor.md#thunder) |", "## [Outdoor](pool/outdoor.md#thunder)"):
        assert paragraph_from(["Clear the pool.", block], 0) == "Clear the pool."
    chunks = [_chunk("faq.md", ("FAQ", "Thunder?"), "thunder", 3, "## Thunder?\nClear the pool.\n→ [Outdoor](pool/outdoor.md#thunder)"),
              *CHUNKS[2:]]
    pointers = Pointers(chunks, OUTDOOR)
    hits = [Hit(chunks[r], 1.0 - i / 10, "", (chunks[r].line_start + 1,)) for i, r in enumerate((0, 1, 2))]
    groups, ordered = pointers.pointed_first([[0], [1], [2]], hits, 3)
    assert [g[0] for g in groups] == [2, 0, 1]  # the Thunder section first, the FAQ entry after it


def test_a_paragraph_is_read_only_up_to_the_longest_line_a_hit_shows():
    from assistant.hits import MAX_LINE_CHARS
    from assistant.pointers import paragraph_from
    assert len(paragraph_from(["a" * 100] * 100_000, 0)) <= MAX_LINE_CHARS


def test_a_line_that_answers_itself_keeps_its_place_over_a_side_matter_it_links_to():
    # 「謝礼は出ません。交通費のみ支給します。詳しくは[シフト](shifts.md#交通費)を見てください。」
    # answers 「ボランティアに謝礼は出る？」; moved first, the 交通費 section read as "yes, paid"
    # (a fresh user, Gemma, 2026-12-06).
    from assistant.pointers import points_elsewhere
    faq = _chunk("faq.md", ("FAQ", "Q. 謝礼は出ますか？"), "q-謝礼は出ますか", 21,
                 "### Q. 謝礼は出ますか？\n\n謝礼は出ません。交通費のみ支給します（上限あり）。詳しくは[シフト](shifts.md#交通費)を見てください。")
    fares = _chunk("shifts.md", ("シフト", "交通費"), "交通費", 28, "## 交通費\n\n交通費は1回あたり上限1,000円まで実費で支給します。")
    chunks = [faq, fares]
    pages = {"faq.md": "/faq.html", "shifts.md": "/shifts.html"}
    pointers = Pointers(chunks, pages, languages=["ja", "ja"])
    hits = [Hit(c, 1.0 - i / 10, "", (c.line_start + 2,)) for i, c in enumerate(chunks)]

    def order(question: str, pointers: Pointers = pointers) -> list[int]:
        return [g[0] for g in pointers.pointed_first([[0], [1]], hits, 5, question)[0]]

    assert points_elsewhere("ボランティアに謝礼は出る？", hits[0], hits[1], ("ja", "ja"))
    assert order("ボランティアに謝礼は出る？") == [0, 1]
    # The section names what is asked: the link is followed, as for a question on the fares.
    assert order("交通費の上限は？") == [1, 0]
    # The line's own words hold none of the question's terms: nothing says it answers itself.
    assert order("ボランティアの待遇は？") == [1, 0]
    # Across languages words cannot be compared: the link is followed.
    assert order("Do volunteers get a reward?") == [1, 0]
    assert not points_elsewhere("謝礼は？", hits[0], hits[1], ("en", "ja"))
    # Without a question or the notes' languages (the logic alone), as before.
    assert order("") == [1, 0] and order("ボランティアに謝礼は出る？", Pointers(chunks, pages)) == [1, 0]


def test_a_link_label_is_no_word_of_the_line_that_points():
    # heldout17's English FAQ line "Thunder does — see [屋外プール](pool/屋外プール.md#thunder)."
    # held the Japanese question's 屋外プール only in its link label (which names where it leads):
    # read as the line's own word, the Thunder section lost its place (e5, h17-010).
    from assistant.pointers import own_words, points_elsewhere
    line = "Yes, rain alone does not close it. Thunder does — see [屋外プール](pool/屋外プール.md#thunder)."
    assert "屋外プール" not in own_words(line) and "Thunder does" in own_words(line)
    assert own_words("`a` and [**b** `c`](x.md#y) d") == "a  and   d"
    faq = _chunk("faq.md", ("FAQ", "Thunder?"), "thunder", 3, "## Thunder?\n" + line)
    pool = _chunk("pool/屋外プール.md", ("屋外プール", "Thunder"), "thunder", 6, "## Thunder\n雷が鳴ったら全員プールから出す。")
    hits = [Hit(faq, 1.0, "", (4,)), Hit(pool, 0.9, "", (7,))]
    assert not points_elsewhere("雷のあと屋外プールを再開していい？", hits[0], hits[1], ("ja", "ja"))


def test_a_replaced_page_first_yields_to_the_current_page_it_names():
    # "Since 1 April 2026 the Japanese page [返金ルール](refund-policy.md) applies": an English
    # question ranked the old English page first and the current one second (a fresh user,
    # heldout21, 2026-12-06). The old page's link to the current one says which to read.
    import numpy as np

    from assistant.superseded import Superseded

    chunks = [
        _chunk("refund-2024.md", ("【旧版】Refund policy (2024)",), "top", 1, "# 【旧版】Refund policy (2024)\nSee [返金ルール](refund.md)."),
        _chunk("refund-2024.md", ("【旧版】Refund policy (2024)", "How we refund"), "how", 4, "## How we refund\nBank transfer, ¥220 fee."),
        _chunk("faq.md", ("FAQ", "Refunds"), "refunds", 3, "## Refunds\nAsk Kubota."),
        _chunk("refund.md", ("返金ルール", "返金の方法"), "method", 9, "## 返金の方法\n銀行振込での返金はしない。"),
        _chunk("other.md", ("Other", "Old app (before April 2026)"), "old-app", 3, "## Old app (before April 2026)\nSee [new](refund.md)."),
    ]
    pages = {"refund-2024.md": "/r24/", "faq.md": "/faq/", "refund.md": "/refund/", "other.md": "/other/"}
    superseded = Superseded([c.heading_path for c in chunks])
    pointers = Pointers(chunks, pages, superseded.rows(), stale=superseded.current_only)
    hits = lambda *rows: ([[r] for r in rows], [Hit(chunks[r], 1.0 - i / 10, "", (chunks[r].line_start + 1,))  # noqa: E731
                                                for i, r in enumerate(rows)])
    order = lambda question, *rows: [g[0] for g in pointers.pointed_first(*hits(*rows), 5, question)[0]]  # noqa: E731
    assert order("Can we refund by bank transfer?", 1, 3, 2) == [3, 1, 2]
    assert order("Can we refund by bank transfer?", 1, 2, 3) == [3, 1, 2]  # within the first POINTED_HITS
    assert order("Can we refund by bank transfer?", 1, 2, 0, 3) == [1, 2, 0, 3]  # further down: left alone
    # asked about the past, or naming the old one: the old page stays first
    assert order("Could we refund by bank transfer back in 2024, before the change?", 1, 3) == [1, 3]
    # a current page the old one does not link to does not move; nor without `stale`
    assert order("Can we refund by bank transfer?", 1, 2) == [1, 2]
    assert [g[0] for g in Pointers(chunks, pages, superseded.rows()).pointed_first(*hits(1, 3), 5, "refund?")[0]] == [1, 3]
    assert np.asarray(superseded.current_only("Can we refund?")).dtype == bool
    # A current section with its replaced subsection joined to it stays first (heldout9's
    # "リネンの交換" with its "旧ルール（2025年まで）" moved behind another page, Gemma).
    joined = [[2, 4], [3]], [Hit(chunks[2], 1.0, "", (4,)), Hit(chunks[3], 0.9, "", (10,))]
    assert [g[0] for g in pointers.pointed_first(*joined, 5, "Can we refund by bank transfer?")[0]] == [2, 3]
    # Only the one note a replaced page's first chunk links to: "questions go to [finance](...)"
    # beside the replacement moved the finance page first (an attack).
    assert pointers.replacing_notes("other.md") == {"refund.md"} and pointers.replacing_notes("faq.md") == frozenset()
    two = [_chunk("old.md", ("Refunds (before April 2025)",), "top", 1,
                  "# Refunds (before April 2025)\nQuestions: [finance](faq.md). Now [rules](refund.md) apply."), *chunks[2:4]]
    assert Pointers(two, {"old.md": "/o/", **pages}, [0], stale=lambda q: np.array([True, False, False])).replacing_notes("old.md") == frozenset()


def test_a_translated_page_first_yields_to_its_original():
    # A blind writer's stale translation in each of heldout29-31: "Translated from the Japanese
    # page in March 2026 — if they differ, the Japanese page is right." An English question
    # ranked the copy's old price first, the original second.
    import numpy as np

    chunks = [
        _chunk("vaccines/dogs.en.md", ("Dog vaccines (English)",), "", 1,
               "# Dog vaccines (English)\nTranslated from the Japanese page in March 2026; if they differ, the Japanese page is right."),
        _chunk("vaccines/dogs.en.md", ("Dog vaccines (English)", "Prices"), "prices", 4, "## Prices\n| 8-in-1 | ¥8,800 |"),
        _chunk("vaccines/dogs.md", ("犬のワクチン", "料金"), "prices", 4, "## 料金\n| 8種 | 9,350 円 |"),
        _chunk("faq.md", ("FAQ", "Prices"), "prices", 3, "## Prices\nSee the price list."),
        _chunk("desk/arrivals.md", ("Check-in (English)",), "", 1,
               "# Check-in (English)\nEnglish version of [チェックイン](checkin.md), [FAQ](../faq.md) aside."),
        _chunk("desk/arrivals.md", ("Check-in (English)", "When"), "when", 4, "## When\nFrom 15:00."),
        _chunk("desk/checkin.md", ("チェックイン", "時間"), "時間", 4, "## 時間\n16:00 から。"),
        _chunk("en/guide.md", ("Guide",), "", 1, "# Guide\nWritten for English speakers (not translated)."),
        _chunk("en/guide.md", ("Guide", "Hours"), "hours", 3, "## Hours\n9-17."),
        _chunk("guide.md", ("ガイド", "時間"), "時間", 3, "## 時間\n9-17 時。"),
    ]
    languages = np.array(["en", "en", "ja", "en", "en", "en", "ja", "en", "en", "ja"])
    pages = {"vaccines/dogs.en.md": "https://w.example/wiki/en/vaccines/dogs/", "vaccines/dogs.md": "https://w.example/wiki/vaccines/dogs/",
             "faq.md": "https://w.example/wiki/faq/", "desk/arrivals.md": "https://w.example/en/check-in/",
             "desk/checkin.md": "https://w.example/desk/checkin/", "en/guide.md": "https://w.example/en/guide/",
             "guide.md": "https://w.example/guide/"}
    pointers = Pointers(chunks, pages, languages=languages)
    # by its name without the language, by the one note its notice links to (a link to a note
    # outside the notice's lines or to itself does not count)
    assert pointers.original_note("vaccines/dogs.en.md") == "vaccines/dogs.md"
    assert pointers.original_note("desk/arrivals.md") is None  # two notes linked, its name names none
    chunks[4] = _chunk("desk/arrivals.md", ("Check-in (English)",), "", 1, "# Check-in (English)\nEnglish version of [チェックイン](checkin.md).")
    pointers = Pointers(chunks, pages, languages=languages)
    assert pointers.original_note("desk/arrivals.md") == "desk/checkin.md"
    # a page that does not say it is a translation has no original, whatever its URL; nor the original itself
    assert pointers.original_note("en/guide.md") is None and pointers.original_note("vaccines/dogs.md") is None
    hits = lambda *rows: ([[r] for r in rows], [Hit(chunks[r], 1.0 - i / 10, "", (chunks[r].line_start + 1,))  # noqa: E731
                                                for i, r in enumerate(rows)])
    order = lambda *rows: [g[0] for g in pointers.pointed_first(*hits(*rows), 5, "How much is the 8-in-1 vaccine?")[0]]  # noqa: E731
    assert order(1, 3, 2) == [2, 1, 3]  # the original's hit within the first POINTED_HITS goes first
    assert order(5, 6) == [6, 5]
    assert order(1, 3, 0, 2) == [1, 3, 0, 2]  # further down: left alone
    assert order(8, 9) == [8, 9]  # no notice: no original
    assert order(2, 1) == [2, 1]
    # A question in the original's language that still ranks the copy first asks what the copy
    # adds (heldout22, 29, 31: three Japanese questions about English-only lines went to the original).
    assert [g[0] for g in pointers.pointed_first(*hits(1, 3, 2), 5, "8種のワクチンはいくら？")[0]] == [1, 3, 2]


def test_a_translated_page_is_named_by_its_file_or_its_locale_url():
    from assistant.translatedpages import named_original

    pages = {"a/dogs.en.md": "https://w.example/wiki/en/a/dogs/", "a/dogs.md": "https://w.example/wiki/a/dogs/",
             "a/new-crew-en.md": "/a/new-crew-en/", "a/new-crew.md": "/a/new-crew/",
             "i18n/en/plugin/current/x.md": "https://w.example/en/docs/x", "docs/x.md": "https://w.example/docs/x",
             "it/net.md": "https://w.example/it/net/", "net.md": "https://w.example/net/"}
    by_url = {url.rstrip("/"): source for source, url in pages.items()}
    page_note = lambda url: by_url.get(url.rstrip("/"))  # noqa: E731
    assert named_original("a/dogs.en.md", "en", pages, page_note) == "a/dogs.md"
    assert named_original("a/new-crew-en.md", "en", pages, page_note) == "a/new-crew.md"
    assert named_original("i18n/en/plugin/current/x.md", "en", pages, page_note) == "docs/x.md"
    # only a mark of the page's own language: "it" is an IT folder of an English page
    assert named_original("it/net.md", "en", pages, page_note) is None
    assert named_original("a/dogs.en.md", "ja", pages, page_note) is None


def test_only_a_page_saying_it_is_itself_a_translation_names_an_original():
    # An attack (2026-12-07): an original's 「英訳: [...]」, a changelog's "was translated into",
    # "translated strings", an i18n team "translated by", 「UI の翻訳は」 and a notice whose
    # original is gone each moved an unrelated page first.
    import numpy as np

    firsts = {
        "checkin.md": ("ja", "# チェックイン\n英訳: [Check-in (English)](checkin-en.md)"),
        "checkin-en.md": ("en", "# Check-in (English)\nTranslated from the Japanese page [チェックイン](checkin.md)."),
        "guide.md": ("en", "# Guide\nA Japanese version of this page is [here](guide-ja.md)."),
        "guide-ja.md": ("ja", "# ガイド\n駐車場は 1 泊 300 円。"),
        "changelog.md": ("en", "# Changes\n- 2026-03-02: the housekeeping guide was translated into English: [it](housekeeping-en.md)"),
        "housekeeping-en.md": ("en", "# Housekeeping\nRooms first."),
        "api.md": ("en", "# API\nThe API returns translated strings; see [Locales](locales.md)."),
        "locales.md": ("ja", "# ロケール\n対応言語。"),
        "ui.md": ("ja", "# UI\nUI の翻訳は [用語集](glossary.md) に合わせます。"),
        "glossary.md": ("ja", "# 用語集\n用語。"),
        "rooms-en.md": ("en", "# Rooms\nTranslated from [部屋](rooms.md), since removed. Questions go to the [FAQ](faq.md)."),
        "faq.md": ("ja", "# FAQ\n質問。"),
        "en/errors.md": ("en", "# Errors\nError messages shown to users are translated by the i18n team."),
        "errors.md": ("ja", "# エラー\n夜間バッチ。"),
        # a second attack: Japanese sentences about translating, an English version "in passing"
        "style-guide.md": ("ja", "# 表記\nこのページは翻訳チームが管理しています。質問は [Translation team](team.md) へ。"),
        "team.md": ("en", "# Translation team\nPrices in English."),
        "mail-ja.md": ("ja", "# メール\n英語のメールを翻訳したテンプレートは [Email templates](email.md) にあります。"),
        "email.md": ("en", "# Email templates\nWithin one hour."),
        "desk-faq.md": ("en", "# Desk FAQ\nAn English version of the [館内案内](house.md) is pinned at the front desk."),
        "house.md": ("ja", "# 館内案内\n荷物は夕方まで。"),
        # the notice's own link names the original, not an older sibling named like the copy
        "menu-en.md": ("en", "# Breakfast\n**Note:** Translated from [朝食メニュー 2026](menu-2026.md)."),
        "menu.md": ("ja", "# 朝食（2023 年、廃止）\n1,200 円。"),
        "menu-2026.md": ("ja", "# 朝食メニュー 2026\n1,800 円。"),
    }
    chunks = [_chunk(source, (text.split("\n")[0][2:],), "", 1, text) for source, (_, text) in firsts.items()]
    languages = np.array([language for language, _ in firsts.values()])
    pages = {source: f"https://w.example/{source[:-3]}/" for source in firsts}
    pointers = Pointers(chunks, pages, languages=languages)
    originals = {"checkin-en.md": "checkin.md", "menu-en.md": "menu-2026.md"}
    assert {source: pointers.original_note(source) for source in firsts} == {source: originals.get(source) for source in firsts}
