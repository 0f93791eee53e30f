"""Golden answers: the top hits, scores, highlights and "not in the notes" for a fixed set of
questions, on an index built with the fake embedder and on the real e5 index.

They pin what the search returns so that a change meant to keep answers (a refactor, a faster
build) can show it did. A change meant to alter answers (a new signal, new weights) rewrites
them on purpose, with its eval numbers in the commit message:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil

import numpy as np
import pytest

from assistant.build import build_index
from assistant.config import PROJECT_ROOT, from_env
from assistant.retrieve import Searcher

from conftest import DATA, SMALL_NOTE

GOLDEN = PROJECT_ROOT / "tests" / "golden"
TOP_K = 5
# The fake embedder is plain arithmetic; the real model's 4-bit kernels may round a last
# digit differently on another CPU, so real scores are compared to 1e-5.
FAKE_TOLERANCE = 1e-6
REAL_TOLERANCE = 1e-5
# The real model's vectors are not the same bits on every CPU: its -ffast-math AVX2 kernels
# give other last digits on an AMD EPYC than on the machine e5.json was recorded on, and
# rank fusion turns those into other near-tie orders (2026-12-01: 14 of 26 questions moved,
# scores by up to 0.029). So the real answers are recorded per engine numerics,
# e5-<fingerprint>.json (UPDATE_GOLDEN=1 writes the file of the machine it runs on), and a
# machine with none recorded skips the real check, saying so.
# The query vector alone did not tell two such machines apart: on one with the same query bits,
# the highlighted lines below the first moved (2026-12-07: 7 of 26 questions, scores equal to
# 1e-7). Lines are scored with vectors from the one-pass engine's late chunking, a path of
# its own, so the fingerprint also takes in that path's output for a probe passage.
NUMERICS_PROBE = "golden numerics probe: Lambda の最大実行時間は？"
NUMERICS_PASSAGE = ("## Lambda の制限", "- 最大実行時間: 15 分 (900 秒)", "- Maximum memory: 10,240 MB")


def _questions() -> list[dict]:
    with open(GOLDEN / "questions.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def answers(searcher: Searcher) -> list[dict]:
    """What the golden files record for each question: no_answer and per hit (source, line
    range, score, highlighted lines)."""
    out = []
    for case in _questions():
        answer = searcher.search(
            case["question"], top_k=TOP_K, history=case.get("history", ()), scope=case.get("scope")
        )
        out.append(
            {
                "question": case["question"],
                "no_answer": answer.no_answer,
                "hits": [
                    [h.chunk.source, h.chunk.line_start, h.chunk.line_end, round(float(h.score), 7), list(h.highlight_lines)]
                    for h in answer.hits
                ],
            }
        )
    return out


def check(name: str, got: list[dict], tolerance: float) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert [e["question"] for e in expected] == [g["question"] for g in got], "questions.jsonl changed: UPDATE_GOLDEN=1"
    for want, have in zip(expected, got):
        where = want["question"]
        assert have["no_answer"] == want["no_answer"], where
        assert [h[:3] + h[4:] for h in have["hits"]] == [h[:3] + h[4:] for h in want["hits"]], where
        for h, w in zip(have["hits"], want["hits"]):
            assert abs(h[3] - w[3]) <= tolerance, (where, h, w)


@pytest.fixture(scope="module")
def fake_searcher(tmp_path_factory):
    """The seed page plus a small English note and edge-case notes, indexed with the fake."""
    corpus = tmp_path_factory.mktemp("golden-corpus")
    shutil.copy(PROJECT_ROOT / "corpus" / "aws-developer-associate.md", corpus)
    (corpus / "sub").mkdir()
    (corpus / "aws.md").write_text(SMALL_NOTE, encoding="utf-8")
    for name in ("crlf.md", "emoji.md", "setext.md"):
        shutil.copy(DATA / name, corpus / "sub" / name)
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path_factory.mktemp("golden-index"), model="fake-hash")
    build_index(settings, progress=False)
    return Searcher(settings)


def test_fake_index_answers_are_golden(fake_searcher):
    check("fake-hash.json", answers(fake_searcher), FAKE_TOLERANCE)


def numerics_fingerprint(searcher: Searcher) -> str:
    """12 hex digits of the sha256 of the model's query vector for NUMERICS_PROBE and, where
    the engine does late chunking, of its passage vector and per-line sums for NUMERICS_PASSAGE:
    equal on two machines exactly when their engines compute the same bits on both paths."""
    embedder = searcher.embedder
    digest = hashlib.sha256(np.ascontiguousarray(embedder.embed_queries([NUMERICS_PROBE]), dtype=np.float32).tobytes())
    if getattr(embedder, "can_embed_late", False):
        (late,) = embedder.embed_late([NUMERICS_PASSAGE], [[False] * len(NUMERICS_PASSAGE)])
        for part in (late.vector, late.piece_sums):
            digest.update(np.ascontiguousarray(part, dtype=np.float32).tobytes())
    return digest.hexdigest()[:12]


def test_real_index_answers_are_golden(built_settings):
    searcher = Searcher(built_settings)
    name = f"e5-{numerics_fingerprint(searcher)}.json"
    if not (GOLDEN / name).exists() and not os.environ.get("UPDATE_GOLDEN"):
        pytest.skip(f"no golden answers recorded for this CPU's e5 numerics ({name}); UPDATE_GOLDEN=1 records them")
    check(name, answers(searcher), REAL_TOLERANCE)
