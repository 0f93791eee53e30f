"""Kinds of retrieval failure from ../shared/cases/retrieval, each on its tiny corpus (copied
into tests/cases/) with the real bundled model and a real index; plus the logic behind them."""
from __future__ import annotations

import shutil

import pytest

from assistant.build import build_index
from assistant.config import PROJECT_ROOT, from_env
from assistant.lines import is_boilerplate, is_content
from assistant.noanswer import Vocabulary, unknown_names
from assistant.retrieve import Searcher, conversation

CASES = PROJECT_ROOT / "tests" / "cases"


def _searcher(case: str, tmp_path_factory) -> Searcher:
    index_dir = tmp_path_factory.mktemp(f"index-{case}")
    seed = PROJECT_ROOT / "index" / "cache.sqlite"
    if seed.exists():  # content-keyed embeddings only: cannot change results
        shutil.copy(seed, index_dir / "cache.sqlite")
    settings = from_env({}, corpus_dir=CASES / case, index_dir=index_dir)
    build_index(settings, progress=False)
    return Searcher(settings)


@pytest.fixture(scope="module")
def duplicates(tmp_path_factory) -> Searcher:
    return _searcher("duplicate-notes", tmp_path_factory)


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Searcher:
    return _searcher("followup-chain", tmp_path_factory)


# --- duplicate-notes: identical passages in two files take one slot ----------------------------


def test_a_copied_note_takes_one_slot_and_the_other_answer_gets_the_second(duplicates):
    answer = duplicates.search("可視性タイムアウトはどう設定すべき？", 2)
    texts = [" ".join(h.chunk.text.split()) for h in answer.hits]
    assert len(set(texts)) == 2, [h.chunk.source for h in answer.hits]
    assert "lambda.md" in {h.chunk.source for h in answer.hits}  # the "6 倍以上" rule


# --- followup-chain: the topic is two turns back -------------------------------------------------


@pytest.mark.parametrize(
    "turns",
    [
        ["SQSのメッセージ保持期間のデフォルトは？", "その最大値は？", "それを変更するには？"],
        ["What is the default retention period of SQS messages?", "What is its maximum?", "How do I change it?"],
    ],
)
def test_third_turn_keeps_the_first_turns_topic(chain, turns):
    answer = chain.search(turns[-1], 2, history=turns[:-1])
    top = answer.hits[0]
    assert top.chunk.heading_path[-1] == "SQS"
    assert top.chunk.line_start <= 13 <= top.chunk.line_end  # MessageRetentionPeriod
    assert not answer.no_answer


def test_conversation_joins_every_earlier_turn_oldest_first():
    assert conversation(("a", "b"), "c") == "a b c"
    assert conversation(tuple("abcdefg"), "q").split() == ["d", "e", "f", "g", "q"]


# --- boilerplate is never the answer -------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["## Setup", '<details markdown="block">', "<summary> Compliance and records</summary>", "</details>",
     "::: tip", '!!! note "ドキュメント化"', "理由:", "**理由：**", "- [Internal Guide](https://example.com/a)",
     "* [A](a) / [B](b)", "TODO", "</td>"],
)
def test_boilerplate_lines(line):
    assert is_boilerplate(line) and not is_content(line)


@pytest.mark.parametrize(
    "line",
    ["- SQS の保持期間は最大 14 日。", "| SEV-2 | 重大な問題 |", "See [the docs](https://example.com) for limits.",
     "理由: 顧客に影響があるため", "- TODO: write the retry policy", "<td>SEV-1</td>"],
)
def test_content_lines(line):
    assert is_content(line) and not is_boilerplate(line)


# --- names the notes write otherwise -------------------------------------------------------------


VOCAB = Vocabulary(["東京リージョンで使う", "対応OS: Windows/Mac", "通知はスラックで", "ＡＷＳ の設定"])


@pytest.mark.parametrize(
    "question",
    ["Which instance types are offered in the Tokyo region?", "Does the client run on Mac?",
     "Where do Slack notifications go?", "ＡＷＳの設定は？", "AWSの設定は？", "Windows/Macのどちらで動く？"],
)
def test_names_written_in_japanese_combined_or_full_width_are_known(question):
    assert unknown_names(question, VOCAB) == []


def test_a_name_the_notes_never_write_is_still_unknown():
    assert unknown_names("Does it run on Linux in the Osaka region?", VOCAB) == ["Linux", "Osaka"]


# --- answers in tables ------------------------------------------------------------------------------


def test_a_table_row_is_embedded_with_its_header_and_html_tags_are_dropped():
    from assistant.chunking import Chunk
    from assistant.lines import line_units

    lines = ["| Priority | Response |", "|---|---|", "| Medium | 24時間以内 |", '<p class="response">JIRAチケット</p>']
    chunk = Chunk("a.md", "T", ("T", "Alerts"), "", None, 1, 4, "\n".join(lines))
    units = {u.line: u.text for u in line_units(chunk, 0, lines)}
    assert 2 not in units  # the |---| rule is no answer line
    assert units[3] == "Alerts: Priority: Medium; Response: 24時間以内"
    assert units[4] == "Alerts: JIRAチケット"


def test_hyphenated_words_are_known_by_their_parts_but_numbered_names_are_not():
    vocab = Vocabulary(["| Medium | 高優先度 |", "alert priority", "SEV-1 と SEV-2"])
    assert unknown_names("For a Medium-priority alert, who answers?", vocab) == []
    assert unknown_names("SEV-0はどんな状況？", vocab) == ["SEV-0"]
