"""Questions asking a detail of a kind (quantities.py) whose answer line in one of the
held-out wikis gives it: the line alone must satisfy the kind. 161 questions written by two
helpers attacking the asked-detail rules (2026-12-02) over the seed, wiki-dev and heldout5-9:
prices, phone numbers and extensions, opening hours, in both languages (86 of them ask for no
kind now: a price asked by its noun alone, 利用時間, いくらかかる). The
first version of the price, phone and hours kinds flagged 26 of the first 106 per model "not in the
notes" (docs/evaluation.md, twentieth pass)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.quantities import missing_quantity

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "asked-details.jsonl").open(encoding="utf-8")]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['suite']}:{c['where']}" for c in CASES])
def test_the_answer_line_gives_the_asked_detail(case):
    assert missing_quantity(case["question"], [case["line"]]) is None, case["line"]


def test_the_cases_ask_details_of_every_new_kind():
    # The set stays an attack on the kinds: each asks for some kind on a line without the answer.
    asked = {missing_quantity(c["question"], ["本文に数字はない。"]) for c in CASES} - {None}
    assert {"amount of money", "phone number", "opening hours"} <= asked


def test_a_bare_count_in_a_table_cell_answers_a_count():
    # The header names the unit ("| Service | HPA min | HPA max |"); both profiles flagged
    # heldout18's h18-026 for want of a 台 after the number.
    row = "| `forms-api` | 6 | 40 | CPU 65% |"
    assert missing_quantity("forms-api のポッドって HPA で最大何台まで増える?", [row]) is None
    assert missing_quantity("How many instances can forms-api scale to?", [row]) is None
    assert missing_quantity("当番は何人必要？", ["| 平日 | 2 |"]) is None


def test_a_table_row_naming_who_is_counted_answers_a_count_of_people():
    # "| Listener limit | 500 at the same time |" was "not in the notes" for
    # 「ネット配信は同時に何人まで聴ける？」 in both profiles (a fresh user, 2026-12-06).
    assert missing_quantity("ネット配信は同時に何人まで聴ける？", ["| Listener limit | 500 at the same time |"]) is None
    assert missing_quantity("部屋には何人入れる？", ["| 定員 | 6（立ち見なし） |"]) is None
    assert missing_quantity("How many listeners can tune in?", ["The stream takes 500 listeners at once."]) is None
    # A number in a row that names no one counted, or people named with no number after them.
    assert missing_quantity("ネット配信は同時に何人まで聴ける？", ["| Bitrate | 128 kbps |"]) == "people"
    assert missing_quantity("ネット配信は同時に何人まで聴ける？", ["| Listener limit | see the dashboard, 2 panels |"]) == "people"


def test_a_cell_naming_people_over_and_over_costs_one_scan():
    # Each name rescanned the cell's rest: 16,000 "people" in one cell took 13 s (my own read).
    import time
    started = time.perf_counter()
    assert missing_quantity("何人まで？", ["| " + "people " * 40_000 + "| none |"]) == "people"
    assert time.perf_counter() - started < 10  # ~80 s before


def test_a_count_is_still_missing_without_a_number_of_its_kind():
    # A number in prose without its counter, or a cell holding words, gives no count.
    assert missing_quantity("最大何台まで増える？", ["CPU 65% を超えるとポッドが増える。"]) == "count of 台"
    assert missing_quantity("How many servers do we run?", ["| web | see the dashboard |"]) == "count of 台"
    assert missing_quantity("当番は何人必要？", ["平日は 2 交代で回す。"]) == "people"


def test_the_line_holding_the_asked_quantity_is_highlighted_first():
    """「…いくら？」 over a workshop's lines: the one sharing the question's words ("写真の掲載
    について") led, not the one with the price (a fresh user, 2026-12-05). A line holding a
    quantity of the asked kind gets highlight.ASKED_KIND_WEIGHT; a question asking no kind
    leaves the vector to decide."""
    import numpy as np

    from assistant.chunking import Chunk
    from assistant.highlight import LineRanker
    from assistant.lines import LineUnit
    from assistant.vectors import FaissIndex

    text = "## 写真の貸し出し\n写真の本への掲載について、申請を受け付けている。\n商用の掲載は 1 点 5,000 円。"
    chunk = Chunk(source="n.md", title="n", heading_path=("n", "写真の貸し出し"), anchor="", permalink=None,
                  line_start=1, line_end=3, text=text)
    lines = [LineUnit(line=n + 2, chunk=0, text=t) for n, t in enumerate(text.split("\n")[1:])]
    vectors = np.array([[1.0, 0.0], [0.95, 0.31225]], dtype=np.float32)  # the words' line, the price's
    ranker = LineRanker([chunk], lines, FaissIndex.build(vectors))
    query = np.array([1.0, 0.0], dtype=np.float32)  # nearest the line sharing the question's words
    assert ranker.highlights([0], query, "写真を本に載せたい。いくら？", None)[0] == 3
    assert ranker.highlights([0], query, "写真を本に載せたい。申請は？", None)[0] == 2


def test_asking_how_much_one_receives_asks_an_amount():
    """「待機手当は1回いくらもらえますか？」 was answered by a line without an amount: "いくらも"
    is "not much", but "いくらもらえる" asks a price (a fresh user, 2026-12-05)."""
    assert missing_quantity("待機手当は1回いくらもらえますか？", ["待機当番は月に2回まで。"]) == "amount of money"
    assert missing_quantity("待機手当は1回いくらもらえますか？", ["待機手当は1回 3,000 円。"]) is None
    assert missing_quantity("そこまで行くのにいくらもかからない？", ["駅から徒歩5分。"]) is None


def test_a_number_asked_by_its_value_alone_needs_a_number():
    """「震度いくつで避難する？」 was answered by the drill's line that names no intensity (a
    fresh user, 2026-12-06); 「いくつか」 ("some") asks for none."""
    assert missing_quantity("震度いくつで避難を始める？", ["地震のときはまず机の下に隠れる。"]) == "number"
    assert missing_quantity("震度いくつで避難を始める？", ["震度5弱以上で避難を始める。"]) is None
    assert missing_quantity("Prometheus の UI のポートは何番？", ["| prometheus | 9091 |"]) is None
    assert missing_quantity("定員はいくつ？", ["定員はひとつの班につきふたり。"]) is None
    assert missing_quantity("避難経路はいくつかある？", ["避難経路は地図を見る。"]) is None
    # an attack: 「いくつから」 asks; a digit after letters is a number
    assert missing_quantity("プールは震度いくつから臨時休館にする？", ["地震のときは館内放送で避難を呼びかける。"]) == "number"
    assert missing_quantity("Sevはいくつがいちばん重い？", ["Sev1 がいちばん重い"]) is None


@pytest.mark.parametrize("question", ["エマの携帯番号は？", "What's Emma's mobile number?", "エマの携帯電話番号を教えて"])
def test_an_extension_or_a_short_number_does_not_answer_a_mobile_number(question):
    # A fresh user asked for Emma's mobile and got her extension as the answer (heldout22, 2026-12-06).
    assert missing_quantity(question, ["Sound is run by Emma Lindqvist (エマ, ext. 104); tel 03-1234"]) == "mobile number"
    assert missing_quantity(question, ["| 音響 | エマ | 0000-90-6021 |"]) is None
    assert missing_quantity(question, ["Emma: mobile 0000-1234"]) is None  # labelled as a mobile's
    assert missing_quantity(question, ["+81 90 1234 5678"]) is None


def test_asking_about_a_mobile_asks_for_no_number():
    assert missing_quantity("当番携帯の引き継ぎってどうやるんだっけ？", ["x"]) is None
    assert missing_quantity("How do I register my mobile number in the app?", ["x"]) is None
    # An attack: each was "not in the notes" over notes that answer it.
    for question in ("What is the mobile number field on the sign-up form for?", "受付でお客様に携帯番号を教えてもらう必要はある？",
                     "What's our mobile number policy for the sign-up form?", "What is the cell number for dairy?"):
        assert missing_quantity(question, ["x"]) is None, question


def test_a_mobile_number_with_japanese_dashes_is_one():
    # ０９０ー１２３４ー５６７８ and 090‐1234‐5678 (an attack: both were flagged).
    for line in ("田中 太郎（施設担当）の携帯：０９０ー１２３４ー５６７８", "090‐1234‐5678", "090–1234–5678"):
        assert missing_quantity("田中さんの携帯番号は？", [line]) is None, line


def test_a_long_line_of_digits_and_separators_costs_one_scan():
    import time
    start = time.perf_counter()
    missing_quantity("エマの携帯番号は？", ["1 " * 50_000, "携帯" + "-" * 50_000 + "1", "1-" * 50_000])
    assert time.perf_counter() - start < 2.0  # quadratic was minutes


def test_an_extension_a_few_letters_after_its_word_answers():
    # A table row read with its header puts its column name between 内線 and the number:
    # 「カフェ厨房の内線番号は？」 was "not in the notes" over it (a fresh user, heldout26).
    row = "項目: 事務所の内線; 内容: 201（店長席）、202（事務・長谷部）、205（カフェ厨房）"
    assert missing_quantity("カフェ厨房の内線番号は？", [row]) is None
    assert missing_quantity("What's the café kitchen's extension number?", ["Extensions: office 201, café kitchen 205"]) is None
    assert missing_quantity("カフェ厨房の内線番号は？", ["内線はありません。"]) == "phone number"


def test_what_something_costs_asks_an_amount_that_words_may_give():
    assert missing_quantity("What does one new 20 mm meter cost the bureau to buy?", ["Meters are replaced every 8 years."]) \
        == "amount charged"  # heldout13: the meter page gives no price
    # an attack: notes say who pays in words
    assert missing_quantity("What does the parking cost?", ["Parking at the office is provided by the company."]) is None
    assert missing_quantity("How much is the parking fee at the office?", ["Parking is covered by the company."]) is None


def test_a_year_after_the_word_extension_is_no_extension():
    assert missing_quantity("What's the café kitchen's extension number?", ["Support: extension TBA, 2025"]) == "phone number"


def test_a_number_joined_to_its_unit_by_a_hyphen_answers():
    # "How many digits is the tablet PIN?" over "your own **6-digit PIN**" was "not in the
    # notes" in both profiles (a fresh user, heldout27): "6-digit" is a count of digits.
    assert missing_quantity("How many digits is the tablet PIN?",
                            ["- Log in with your 4-digit staff number and your own **6-digit PIN**."]) is None
    assert missing_quantity("How long is the break?", ["- Take your own 10-minute break."]) is None
    assert missing_quantity("How many digits is the tablet PIN?", ["- Log in with your PIN."]) == "count of 桁"
    # a one-letter unit after a hyphen is a label (an attack): rule 5-m, clause 4-h, a 3-D printer
    assert missing_quantity("How many minutes is a break?", ["- Breaks follow rule 5-m."]) == "duration"
    assert missing_quantity("How many hours is a shift?", ["- See clause 4-h."]) == "duration"
