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


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    if not profiles.EMBEDDINGGEMMA_300M.installed():
        pytest.fail(gemma_missing())
    root = tmp_path_factory.mktemp("gemma")
    corpus = root / "notes"
    corpus.mkdir()
    for name, text in NOTES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = config.Settings(corpus_dir=corpus, index_dir=root / "index", model="embeddinggemma-300m")
    build_index(settings, progress=False)
    return Searcher(settings)


def test_the_installed_model_loads_and_embeds(searcher):
    vectors = searcher.embedder.embed_queries(["バックアップ", "backup"])
    assert vectors.shape == (2, 768) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > 0.5  # the same word in two languages


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
