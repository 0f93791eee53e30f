"""The real EmbeddingGemma-300m profile on a tiny bilingual corpus: a Japanese question finds
an English line and an English question a Japanese one.

Needs the model installed (`./scripts/get-model.sh embeddinggemma-300m --accept-gemma-terms`;
scripts/test.sh does it). Without it these tests fail with that command, on purpose: a skip
would let CI pass without ever running the model.
"""
from __future__ import annotations

import numpy as np
import pytest

from assistant import config, profiles
from assistant.build import build_index
from assistant.retrieve import Searcher
from conftest import gemma_missing

NOTES = {
    "backups.md": "# Backups\n\n## Retention\n\n- Database snapshots are taken every night at 02:00 UTC.\n"
    "- Snapshots are kept for 35 days, then deleted automatically.\n\n## Restore\n\n"
    "- Ask the on-call engineer to restore a snapshot into a staging database first.\n",
    "onboarding.md": "# Onboarding\n\n## Laptop\n\n- New hires receive their laptop on the first day.\n"
    "- The IT desk installs the VPN client and the password manager.\n",
    "deploy.md": "# デプロイ\n\n## 本番リリース\n\n- 本番環境へのリリースは毎週木曜日の午後3時に行う。\n"
    "- リリース前にステージングで回帰テストを実施する。\n\n## ロールバック\n\n- 障害時は直前のタグに戻す。\n",
    "meeting.md": "# 会議\n\n## 定例\n\n- チーム定例は月曜日の朝10時から30分。\n- 議事録は共有フォルダに保存する。\n",
}


def _indexed(root, notes: dict[str, str]) -> config.Settings:
    """Settings of a Gemma index built over `notes` (file name -> text) in `root`."""
    if not profiles.EMBEDDINGGEMMA_300M.installed():
        pytest.fail(gemma_missing())
    corpus = root / "notes"
    corpus.mkdir()
    for name, text in notes.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = config.Settings(corpus_dir=corpus, index_dir=root / "index", model="embeddinggemma-300m")
    build_index(settings, progress=False)
    return settings


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    return Searcher(_indexed(tmp_path_factory.mktemp("gemma"), NOTES))


def test_the_installed_model_loads_and_embeds(searcher):
    vectors = searcher.embedder.embed_queries(["バックアップ", "backup"])
    assert vectors.shape == (2, 768) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > 0.5  # the same word in two languages


def test_a_passage_vector_does_not_depend_on_the_texts_embedded_with_it(searcher):
    # int8 products quantize each run's inputs with one range: batched, a short line's vector
    # moved with a long neighbour and its padding (cosine 0.97 to the text alone).
    line = "- Snapshots are kept for 35 days, then deleted automatically."
    neighbour = "# Runbook\n\n" + " ".join(f"Step {i}: check the queue depth and the error rate." for i in range(60))
    alone = searcher.embedder.embed_passages([line])
    batched = searcher.embedder.embed_passages([neighbour, line, "短い行"])
    assert float(alone[0] @ batched[1]) > 0.9999


def test_japanese_question_finds_the_english_line(searcher):
    answer = searcher.search("スナップショットは何日間保存されますか？", 3)
    top = answer.hits[0]
    assert top.chunk.source == "backups.md"
    assert 6 in top.highlight_lines[:2]  # "kept for 35 days"


def test_english_question_finds_the_japanese_line(searcher):
    answer = searcher.search("On which day of the week are production releases done?", 3)
    top = answer.hits[0]
    assert top.chunk.source == "deploy.md"
    assert 5 in top.highlight_lines[:2]  # 毎週木曜日


# A long section that answers in one of its many lines, and a short one on the same topic that
# does not (the kind of wiki-dev w-048): Gemma's chunk vector of the long section is diluted,
# its line vector is not.
ON_CALL_DUTIES = [
    "Keep your laptop and a charger with you during the whole shift.",
    "Answer a page within five minutes, even if only to acknowledge it.",
    "Hand over open incidents at the end of the week in the handover meeting.",
    "Update the runbook when a step in it turned out to be wrong.",
    "Swap shifts through the scheduling tool, never by chat alone.",
    "A low-urgency disk alert at night, with plenty of free space and slow growth, can wait: "
    "snooze it and look at it in the morning.",
    "Escalate to the secondary on-call when you cannot make progress in thirty minutes.",
    "Write a short note on every page you handled in the on-call log.",
    "Do not deploy on Friday afternoons while on call.",
    "Ask the team lead before you take a day off during your on-call week.",
    "Check the dashboards once at the start of each shift.",
    "Keep your phone's volume up at night.",
]
LONG_SECTION_NOTES = {
    "oncall.md": "# Being on call\n\n## Duties\n\n" + "".join(f"- {duty}\n" for duty in ON_CALL_DUTIES),
    "alerts.md": "# Alerting principles\n\n## Alert content\n\n"
    "- An alert names the metric that fired, such as disk usage, and its threshold.\n\n"
    "## Priorities\n\n- A disk that will be full within 48 hours is a high-priority alert.\n",
}


def test_the_answering_line_of_a_long_section_outranks_a_short_section_on_the_topic(tmp_path, monkeypatch):
    """The profile counts the line view twice in ranking (profiles.EMBEDDINGGEMMA_300M.ranking_extra);
    with the shared table alone the short section about alert content came first."""
    import dataclasses

    settings = _indexed(tmp_path, LONG_SECTION_NOTES)
    question = "夜中にディスク使用率のアラートが来たけど、空きは十分で増え方もゆるやか。どうすればいい？"
    top = Searcher(settings).search(question, 3).hits[0]
    assert (top.chunk.source, top.highlight_lines[0]) == ("oncall.md", 10)  # "can wait: snooze it"
    shared_table_only = dataclasses.replace(profiles.EMBEDDINGGEMMA_300M, ranking_extra=())
    monkeypatch.setitem(profiles.PROFILES, shared_table_only.name, shared_table_only)
    assert Searcher(settings).search(question, 3).hits[0].chunk.source == "alerts.md"


@pytest.fixture(scope="module")
def hotel(tmp_path_factory):
    """Settings of a Gemma index over heldout9's hotel wiki (17 notes, ~1 min to build)."""
    if not profiles.EMBEDDINGGEMMA_300M.installed():
        pytest.fail(gemma_missing())
    settings = config.Settings(corpus_dir=config.PROJECT_ROOT / "tests" / "heldout9" / "notes",
                               index_dir=tmp_path_factory.mktemp("gemma-hotel") / "index", model="embeddinggemma-300m")
    build_index(settings, progress=False)
    return settings


def test_a_same_language_answer_in_other_words_is_answered_and_an_uncovered_detail_is_not(hotel, monkeypatch):
    """The profile's floor for a same-language answer line that shares none of the question's
    key words (profiles.EMBEDDINGGEMMA_300M.no_shared_term_position, 0.5): at the shared 0.6
    "a guest wants a razor, the room has none" was "not in the notes" over the amenities page
    that answers it (heldout9 h9-045, one of seven answered questions flagged over 18 corpora;
    docs/evaluation.md, thirty-seventh pass). A drill's length, which no note gives, stays flagged."""
    import dataclasses

    answered = "お客様にひげそりがほしいと言われたけど、部屋に置いてない"
    uncovered = "避難訓練は何時間くらいかかる？"
    answer = Searcher(hotel).search(answered, 3)
    assert not answer.no_answer and answer.hits[0].chunk.source == "housekeeping/linen-amenities.md"
    assert Searcher(hotel).search(uncovered, 3).no_answer
    shared_default = dataclasses.replace(profiles.EMBEDDINGGEMMA_300M, no_shared_term_position=0.6)
    monkeypatch.setitem(profiles.PROFILES, shared_default.name, shared_default)
    assert Searcher(hotel).search(answered, 3).no_answer
