"""Why-questions and the chunks that give a reason (reasons.py)."""
from __future__ import annotations

import pytest

from assistant.chunking import Chunk
from assistant.reasons import REASON_SPREAD, Reasons, asks_why


@pytest.mark.parametrize("question, why", [
    ("3号車に車いすを乗せてはいけないのはなぜ？", True), ("なんでダメなの？", True), ("どうして？", True),
    ("Why can't we put a wheelchair user in car 3?", True), ("How come the oven is on so early?", True),
    ("What's the reason for the 500 m test ride?", True), ("中止の理由は？", True),
    ("Why not ask the office?", False),  # advice, not a reason asked
    ("なんでも聞いていい？", False), ("どうしても休めないときは？", False), ("When does car 3 leave?", False),
    # a reason's field or form is no reason asked (an attack)
    ("What is the reason code for refunds?", False), ("Where do I enter the reason for a refund?", False),
    ("欠勤理由の欄には何を書く？", False), ("理由書のテンプレートはどこ？", False), ("中止の理由は？", True),
])
def test_a_question_asking_why(question, why):
    assert asks_why(question) is why


def _chunk(i: int, text: str) -> Chunk:
    return Chunk("a.md", "A", ("A", f"S{i}"), f"s{i}", None, 10 * i + 1, 10 * i + 5, text)


@pytest.mark.parametrize("line, gives", [
    ("- 軽自動車には固定ベルトの金具がなく、法律上も問題になるためです。", True),
    ("- 熱があるので休む。", True), ("- 危ないからです。", True), ("- 壊れるから触らない。", True),
    ("- Car 3 has no anchor points, because it is a kei car.", True), ("- Wear gloves to avoid burns.", True),
    ("- 9 時から 17 時まで。", False), ("- 確認のための用紙は事務室に。", False), ("- Open since 2020.", False),
    ("- Since April 2025 the timer is 120 minutes.", False), ("- In case the menu is locked, call IT.", False),  # an attack
    ("- That's why we wait 10 minutes.", True), ("- Closed due to the heat.", True),
    ("| 3 号車 | 軽自動車 | 乗せられない |", False),
])
def test_a_line_giving_a_reason(line, gives):
    assert bool(Reasons([_chunk(0, f"## S0\n\n{line}")]).gives_reason[0]) is gives


def test_only_a_why_question_lifts_the_chunks_giving_a_reason():
    reasons = Reasons([_chunk(0, "## S0\n\n| 3 号車 | 乗せられない |"), _chunk(1, "## S1\n\n- 金具がないためです。")])
    assert reasons.lift("3号車に車いすを乗せてはいけないのはなぜ？", 2.0).tolist() == pytest.approx([0.0, REASON_SPREAD * 2.0])
    assert Reasons([_chunk(1, "- ためです。")], 0.1).lift("なぜ？", 2.0).tolist() == pytest.approx([0.2])
    assert reasons.lift("3号車は車いすを乗せられる？", 2.0) == 0.0
    assert reasons.lift("なぜ？", None) == 0.0  # an index without a measured spread: no lift


@pytest.mark.slow
def test_a_why_question_ranks_the_reason_by_the_lift_over_the_real_index(tmp_path):
    # The real searcher over tests/cases/why-reason (e5, whose weight is REASON_SPREAD): asked
    # why, the chunk giving the reason scores REASON_SPREAD x the index's spread more than with
    # no lift; the rule's row does not.
    from assistant.config import PROJECT_ROOT, from_env
    from assistant.service import open_searcher

    searcher = open_searcher(from_env({}, corpus_dir=PROJECT_ROOT / "tests" / "cases" / "why-reason",
                                      index_dir=tmp_path / "index"), progress=False)
    assert searcher.reasons.weight == REASON_SPREAD
    question = "3号車に車いすを乗せてはいけないのはなぜ？"
    scores = {}
    for weight in (0.0, REASON_SPREAD):
        searcher.reasons.weight = weight
        scores[weight] = {h.chunk.heading_path[-1]: h.score for h in searcher.search(question, 3).hits}
    spread = searcher._spread["ja"]
    assert scores[REASON_SPREAD]["事故やけがのとき"] - scores[0.0]["事故やけがのとき"] == pytest.approx(REASON_SPREAD * spread, abs=1e-4)
    assert scores[REASON_SPREAD]["車と乗れる人数"] == pytest.approx(scores[0.0]["車と乗れる人数"], abs=1e-6)
