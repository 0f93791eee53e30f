"""A section the wiki marks as replaced ranks below the current one, unless the question asks
about the past (assistant/superseded.py). Three held-out wikis' testers wrote such sections
("旧ルール（2025年3月まで）", "Old app (before April 2026)"); heldout8's old oil-change
interval and old PIN length answered questions about today. Rules on their own, then the real
e5 model on a small note: with the rule off, the old section wins (the trap is real)."""
from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

import assistant.retrieve as retrieve
from assistant.config import from_env
from assistant.service import open_searcher
from assistant.superseded import Superseded, asks_past


@pytest.mark.parametrize("heading", [
    "旧ルール（2025年3月まで）", "旧手順（〜2026年3月）", "古い手順（2025 年まで）", "Old app (before April 2026)",
    "リリース手順（v1・旧版）", "Legacy workflow", "Setup (deprecated)", "以前のやり方",
    "Keg tracking (2023 spreadsheet) — OBSOLETE", "[Deprecated] Build setup", "旧システムの使い方 - 廃止",
    "旧デプロイ手順 (deploy.sh)", "旧デプロイスクリプト", "Old deploy script",  # heldout18: a name before the way
    "延長保育の時間（旧）", "Booking (old)", "【廃止】鍵の受け渡し", "Limits (legacy)",  # the marker alone (heldout16, 24)
    "料金（令和6年3月まで）", "Fees (until March 2025)",
])
def test_a_heading_that_marks_its_section_as_replaced(heading):
    assert Superseded([("Page", heading)]).groups


@pytest.mark.parametrize("heading", [
    "古い本の除籍", "Old data cleanup", "新旧の違い", "旧館の利用", "サービス廃止の手順", "移行（2026年4月〜）",
    "Release (v2)", "概要", "Deprecated APIs", "Handling obsolete stock", "廃止になった商品の扱い",
    "旧正月の営業", "Old tools cleanup", "旧館（本館の隣）の鍵", "Old Town (旧市街) walking route",
    # a period with no year is today's rule (an attack: each was labelled "old version")
    "Visitor parking (up to 3 hours)", "Road closure (until further notice)", "Submit forms (before your first day)",
    "Lunch (~13:00)", "受付時間（17時まで）", "経費精算（月末まで）",
])
def test_a_current_section_about_old_things_is_not_replaced(heading):
    assert not Superseded([("Page", heading)]).groups


@pytest.mark.parametrize("question, past", [
    ("Back when we used the PowerWater kit, what elution volume did we use?", True),
    ("前はどういうやり方だった？", True), ("Wasn't it every 5,000 km?", True), ("旧手順のころは何曜日？", True),
    ("How often is the engine oil changed?", False), ("この設定の名前は？", False), ("名前の付け方は？", False),
    # the previous version a rollback goes back to is today's procedure (heldout18)
    ("5xx が増えてる。前のバージョンに戻すコマンドは？", False), ("How do I roll back to the previous release?", False),
    ("What was the previous process?", True), ("前のやり方は？", True),
    # an age is no past (heldout17: the 2023 gym rules came first for a 16-year-old)
    ("A 16-year-old high-school girl wants to use the gym. Do we need a consent form?", False),
    ("My helmet is only four years old. Do I replace it?", False), ("How old must children be?", False),
    ("Can guests 65 or older pay less?", False), ("Is the pool free for people older than 70?", False),
    ("What was the old process?", True), ("Which were the older rules?", True),
    # a past form inside the question tells what happened; at its end it asks about then
    ("14 時の測定で、いちばん低いところが 0.45 だった。お客さんを上げたほうがいい？", False),
    ("2025年3月までのやり方では、督促のはがきはいつ出していた？", True), ("締め日は何日だったっけ？", True),
    # last year's documents are asked about today (an attack on this pass's first version)
    ("去年の源泉徴収票はどこでもらえる？", False), ("Where do I submit last year's expense report?", False),
    ("売上の前年比はどこで見られる？", False), ("Prior to 2030, how do I submit expenses?", False),
])
def test_a_question_about_the_past(question, past):
    assert asks_past(question) is past


def test_a_question_naming_the_replaced_sections_heading_asks_about_it():
    superseded = Superseded([("Release", "Steps"), ("リリース手順（v1・旧版）", "Steps"), ("Maintenance", "Old procedure (until 2025)")])
    assert superseded.current_only("Who signs off a release?").tolist() == [False, True, True]
    assert superseded.current_only("Under the v1 process, who signed off releases?").tolist() == [False, False, True]
    assert not superseded.current_only("In the old process, who signed off?").any()


def test_a_topic_word_the_current_page_shares_does_not_ask_about_the_old_page():
    # heldout15: "keg" named the obsolete page's title, so every keg question took the old 90 days
    superseded = Superseded([("Keg tracking (2023 spreadsheet) — OBSOLETE", "Procedure"), ("Keg tracking", "Scanning")])
    assert superseded.current_only("How many days until an unreturned keg is written off?").tolist() == [True, False]
    assert not superseded.current_only("What did the 2023 spreadsheet say about lost kegs?").any()


NOTE = """# Truck maintenance

## Engine oil

- Change the engine oil every 10,000 km or 6 months.
- Record each change in the maintenance sheet.

## Tyres

- Check tyre pressure every Monday.

## Old procedure (until 2025)

- Change the engine oil of each truck every 5,000 km.
- Write each engine oil change on the paper log in the garage.
"""


@pytest.fixture(scope="module")
def maintenance(tmp_path_factory):
    root = tmp_path_factory.mktemp("superseded")
    (root / "notes").mkdir()
    (root / "notes" / "maintenance.md").write_text(NOTE, encoding="utf-8")
    return open_searcher(from_env({}, model="e5", corpus_dir=root / "notes", index_dir=root / "index"), progress=False)


def _first(searcher, question, history=()):
    return searcher.search(question, 3, history=history).hits[0].chunk.heading_path[-1]


@pytest.mark.parametrize("question", [
    "How often do we change the engine oil on a truck?", "Where do I write down an engine oil change?",
])
def test_the_current_section_answers_a_question_about_today(maintenance, question, monkeypatch):
    assert _first(maintenance, question) == "Engine oil"
    monkeypatch.setattr(retrieve, "SUPERSEDED_SPREAD", 0.0)
    # The trap, without the rule and without the hub penalty (calibration.py), which in a
    # note of three sections reorders them too. One notes language: no offsets to keep.
    no_shift = np.zeros(len(maintenance.chunks), dtype=np.float32)
    monkeypatch.setattr(maintenance, "_hub_penalty", defaultdict(lambda: no_shift))
    assert _first(maintenance, question) == "Old procedure (until 2025)"


def test_the_old_section_answers_a_question_about_the_past(maintenance, monkeypatch):
    assert _first(maintenance, "How was the engine oil change logged in the old procedure?") == "Old procedure (until 2025)"
    # A question about the past is ranked as without the rule: the old section is not demoted.
    # (Which of the two sections then wins this one is a near tie of the model's, 0.0002 apart
    # on one machine, so it is not asserted.)
    # Scores as well as order: the demotion (0.1 here) may leave the order of a tie unchanged.
    past = "Wasn't the engine oil changed every 5,000 km?"
    with_rule = [(h.chunk.heading_path[-1], h.score) for h in maintenance.search(past, 3).hits]
    monkeypatch.setattr(retrieve, "SUPERSEDED_SPREAD", 0.0)
    without = [(h.chunk.heading_path[-1], h.score) for h in maintenance.search(past, 3).hits]
    assert [name for name, _ in without] == [name for name, _ in with_rule]
    assert [score for _, score in without] == pytest.approx([score for _, score in with_rule], abs=1e-6)
    # a follow-up asks what its conversation asks (heldout8 h8f-006)
    assert _first(maintenance, "And where was it logged?",
                  history=("How did we change the engine oil in the old procedure?",)) == "Old procedure (until 2025)"


def test_rows_are_every_chunk_under_a_replaced_heading():
    from assistant.superseded import Superseded

    paths = [("Deploy", "Steps"), ("Deploy", "旧手順（2024年まで）", "a"), ("Deploy", "Old process (before 2025)"), ("Deploy", "Tips")]
    assert sorted(Superseded(paths).rows().tolist()) == [1, 2]
    assert Superseded([("A", "B")]).rows().tolist() == []


@pytest.mark.parametrize("source, folder", [
    ("archive/延長保育ルール-2024年版.md", "archive"), ("docs/Old/setup.md", "Old"), ("アーカイブ/a.md", "アーカイブ"),
    ("_archive/x.md", "_archive"), ("old-school.md", None), ("archives.md", None), ("staff/older/a.md", None),
])
def test_a_folder_of_retired_pages(source, folder):
    from assistant.superseded import archive_folder

    assert archive_folder(source) == folder
    assert Superseded([("Page", "Section")], [source]).rows().tolist() == ([0] if folder else [])


CURRENT_FEES = """## 延長保育の時間

- 平日の延長保育は 18:00〜19:00。閉所は 19:00。
- 土曜は延長保育なし。
"""
# heldout24's retired page, without the "（旧）" of its headings: its folder alone says so
OLD_FEES = """> このページは記録のために残しています。

## 延長保育の時間

- 平日の延長保育は 18:00〜19:30 で、閉所は 19:30。閉所の時刻を過ぎたら園長に電話。
- 土曜の延長保育は 18:00〜18:30（要予約）。
"""


def test_a_page_in_the_archive_folder_ranks_below_the_current_one(tmp_path, monkeypatch):
    (tmp_path / "notes" / "archive").mkdir(parents=True)
    (tmp_path / "notes" / "延長保育.md").write_text(CURRENT_FEES, encoding="utf-8")
    (tmp_path / "notes" / "archive" / "延長保育-2024.md").write_text(OLD_FEES, encoding="utf-8")
    searcher = open_searcher(from_env({}, model="e5", corpus_dir=tmp_path / "notes", index_dir=tmp_path / "index"), progress=False)
    question = "延長保育の時間は？"
    assert searcher.search(question, 3).hits[0].chunk.source == "延長保育.md"
    assert searcher.superseded.current_only(question).tolist() == [c.source.startswith("archive/") for c in searcher.chunks]
    assert not searcher.superseded.current_only("以前の閉所は何時だった？").any()  # asks about then: not demoted
    # The old page says so wherever it is shown (a fresh user read an old page's fee as today's).
    from assistant.render import format_answer
    from assistant.webrender import answer_html
    old = next(h for h in searcher.search(question, 3).hits if h.chunk.source.startswith("archive/"))
    assert old.replaced == "archive" and old.to_json()["replaced"] == "archive"
    answer = searcher.search(question, 3)
    assert format_answer(answer).count("旧版：ノートでは置き換え済みとされています（archive）") == 1
    shown = answer_html(answer)
    assert shown.count('class="replaced-note"') == 1
    # closed, its row says so too (an attack: an archived page's closed row read as the current one)
    assert shown.count('<summary><span class="replaced-tag">旧版</span>') == 1
    assert answer.hits[0].replaced is None and answer.hits[0].to_json()["replaced"] is None
    monkeypatch.setattr(retrieve, "SUPERSEDED_SPREAD", 0.0)  # the trap, without the rule
    assert searcher.search(question, 3).hits[0].chunk.source == "archive/延長保育-2024.md"
