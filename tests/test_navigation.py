"""Navigation (an index page's link table, a "See also" / 関連ページ list) ranks after content
and is never the highlighted answer (navigation.navigation_lines, retrieve.py). The corpus test
runs the real bundled model over tests/cases/link-table-index: a handbook home page whose
body is a table of links to the other pages, and content pages with link sections."""
from __future__ import annotations

import pytest

from assistant.navigation import navigation_lines
from assistant.retrieve import MAX_TOP_K, Searcher

from test_retrieval_cases import _searcher

LINK_TABLE = [
    "Welcome to the handbook. Start with the setup guide.",
    "",
    "| Area | Page |",
    "|---|---|",
    "| Onboarding | [Setup guide](onboarding/setup-guide.html) |",
    "| Operations | [Deploying](ops/deploy.md) |",
    "",
    "Questions go to the #platform-help channel.",
]


def test_rows_of_a_link_table_and_its_header_are_navigation():
    assert navigation_lines(LINK_TABLE) == [False, False, True, False, True, True, False, False]


# A fresh user's index page (2026-12-06): a column says what each page covers, over the
# label bound row by row; "What kind of shoes do desk staff have to wear?" showed these rows first.
DESCRIBED_LINK_TABLE = [
    "| 分類 | ページ | 内容 |",
    "|---|---|---|",
    "| 毎日の業務 | [開院準備と朝の手順](desk/opening.md) | 鍵、レジ、待合室 |",
    "| 診療 | [ワクチン・予防](desk/vaccines.md) | 混合ワクチン、狂犬病、フィラリア |",
    "| English | [Phone scripts in English](en/phone-scripts.md) | calls from foreign clients |",
]


def test_a_link_table_whose_rows_say_what_each_page_covers_is_navigation():
    assert navigation_lines(DESCRIBED_LINK_TABLE) == [True, False, True, True, True]
    # A chunk that starts inside the table, its header in the chunk before.
    assert navigation_lines(DESCRIBED_LINK_TABLE[2:] + ["", "更新したら一言お願いします。"]) == [True] * 3 + [False] * 2


@pytest.mark.parametrize("rows", [
    DESCRIBED_LINK_TABLE[:4],  # two body rows: too few to tell a link table
    DESCRIBED_LINK_TABLE + ["| 診療 | [急患](desk/emergency.md) | 21:00 以降は夜間救急センター（0000-11-2222）へ案内し、受付票を書いてもらう |"],
    DESCRIBED_LINK_TABLE + ["| 外部 | [メーカー通販](https://shop.example.com/) | 療法食 |"],  # a link out
    DESCRIBED_LINK_TABLE + ["| 院内 | 受付の内線 | 203 |"],  # a row without a link
])
def test_a_table_with_a_row_of_content_is_not_a_link_table(rows):
    assert not navigation_lines(rows)[3]  # (row 2 is short enough to be navigation alone)


@pytest.mark.parametrize(
    "line",
    [
        "- [Setup guide](../onboarding/setup.md)",  # links only (is_boilerplate too)
        "- [On-call](../ops/oncall.md): who is paged",
        "[補佐のトレーニングガイド](/training/deputy.md)を読んでください。",
        "- [データのロード](../warehouse/loading.md)を参照",
        '<li><a href="../during/during_an_incident">インシデント発生中</a>を読む</li>',
        "| `wg-` | [Working groups]({% page \"/working-groups/\" %}) |",
        "* [[Deploying]] / [[Rollback|how to roll back]]",
    ],
)
def test_navigation_lines(line):
    assert navigation_lines(["", line, ""]) == [False, True, False]


@pytest.mark.parametrize(
    "line",
    [
        "1. Go to your [GitHub key settings](https://github.com/settings/keys).",  # a step on another site
        "* [Failure Friday](https://www.pagerduty.com/blog/failure-friday/)に参加してください。",
        "| [@cloudfoundry-community](https://github.com/cloudfoundry-community) | N | N |",  # data, not a way round the wiki
        "インシデント対応の最初のステップは、何が[インシデントを引き起こしている](/before/what.md)かを特定することです。",
        '<td><a href="#">#incident-chat</a></td>',  # a placeholder link says where nothing is
        "- Backfills need a reviewer's approval; see [Backfills](#backfills).",
    ],
)
def test_content_lines_with_links(line):
    assert navigation_lines(["", line, ""]) == [False, False, False]


def test_a_line_wrapped_out_of_a_paragraph_is_not_navigation():
    paragraph = ["Ask for access to the GitHub organisation you work in:", "[GSA or TTS Organization](#orgs) you need", "in the form."]
    assert navigation_lines(paragraph) == [False, False, False]
    assert navigation_lines(["```", "[Setup guide](setup.md)", "```"]) == [False, False, False]  # code is never navigation


# --- the real model over a handbook with an index page ------------------------------------------------


@pytest.fixture(scope="module")
def handbook(tmp_path_factory) -> Searcher:
    return _searcher("link-table-index", tmp_path_factory)


def _is_navigation(searcher: Searcher, hit) -> bool:
    return hit.chunk.source == "index.md" or hit.chunk.heading_path[-1] in ("See also", "関連ページ")


@pytest.mark.slow
@pytest.mark.parametrize(
    "question, source, line",
    [
        ("How many times is a failed warehouse batch retried?", "warehouse/loading.md", 6),
        ("What time does the nightly load start?", "warehouse/loading.md", 5),
        ("How far ahead do I have to request paid leave?", "people/leave.md", 6),
        ("オンコール手当は1週間いくら？", "ops/oncall.md", 10),
        ("当番を交代するにはどうすればいい？", "ops/oncall.md", 6),
        ("How much is the on-call allowance per week?", "ops/oncall.md", 10),
    ],
)
def test_content_ranks_before_navigation_and_answers(handbook, question, source, line):
    hits = handbook.search(question, MAX_TOP_K).hits
    assert hits[0].chunk.source == source and hits[0].highlight_lines[0] == line
    navigation = [i for i, hit in enumerate(hits) if _is_navigation(handbook, hit)]
    content = [i for i, hit in enumerate(hits) if not _is_navigation(handbook, hit)]
    assert navigation and max(content) < min(navigation), [(h.chunk.source, h.chunk.heading_path) for h in hits]


@pytest.mark.slow
def test_navigation_lines_are_never_highlighted(handbook):
    for question in ("Where is the setup guide for loading data?", "Which pages does the handbook have?", "休暇のページはどこ？"):
        for hit in handbook.search(question, MAX_TOP_K).hits:
            lines = hit.chunk.text.split("\n")
            nav = navigation_lines(lines)
            assert not any(nav[n - hit.chunk.line_start] for n in hit.highlight_lines), (hit.chunk.source, hit.highlight_lines)


def test_an_image_is_not_navigation():
    # A section of one answer line and its screenshot is content, not a link list.
    assert navigation_lines(["優先度**Medium**で対応する。", "", "![Medium](../img/medium.png)"]) == [False, False, False]


@pytest.mark.parametrize("line", ["[" * 20000, "[a](" * 5000, '<a href="x">' * 3000, "[[" * 10000, "[a](b" + "(" * 20000])
def test_hostile_lines_are_read_in_linear_time_and_are_not_navigation(line):
    # Nested repeats in the link pattern took 38 s on 20,000 "[" (at index load); each part
    # of it now stops at the next bracket, and a line over NAV_MAX_CHARS is never navigation.
    assert navigation_lines(["", line, ""]) == [False, False, False]
    assert navigation_lines(["", line[:999], ""]) == [False, False, False]
