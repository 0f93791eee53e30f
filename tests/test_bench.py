"""Smoke test of `python -m assistant bench --quick` on a tiny corpus (the numbers are not checked)."""
from __future__ import annotations

import pytest

import json

from assistant.cli import main

NOTE = """---
title: ベンチ用メモ
---

## 第1章 計算

### Amazon EC2

- EC2 はサイズを変えられる仮想サーバー
- スポットインスタンスは最大 90% 安い

### AWS Lambda

- Lambda の最大実行時間は 15 分
- メモリは 128 MB から 10240 MB

## 第2章 保存

### Amazon S3

- S3 のオブジェクトは最大 5 TB
- バージョニングで過去の版を残せる
"""

QUESTIONS = [
    {"lang": "ja", "question": "Lambda の最大実行時間は？"},
    {"lang": "ja", "question": "S3 のオブジェクトの最大サイズは？"},
    {"lang": "en", "question": "How long can a Lambda function run?"},
    {"lang": "en", "question": "How cheap are spot instances?"},
]


@pytest.mark.slow
def test_bench_quick_writes_table_and_json(tmp_path, capsys, monkeypatch):
    # as a user runs it: no ASSISTANT_MODEL, so a server not told its model would serve the
    # installed default (embeddinggemma-300m where scripts/get-model.sh ran, as in CI)
    monkeypatch.delenv("ASSISTANT_MODEL", raising=False)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "memo.md").write_text(NOTE, encoding="utf-8")
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in QUESTIONS), encoding="utf-8")
    out = tmp_path / "results.json"

    code = main(["bench", "--quick", "--skip-baseline", "--corpus", str(corpus),
                 "--questions", str(questions), "--out", str(out)])

    assert code == 0
    table = capsys.readouterr().out
    assert "cold start to first answer" in table and "HTTP 8 clients" in table and "scale" in table
    results = json.loads(out.read_text(encoding="utf-8"))
    e5 = results["e5"]
    assert e5["build"]["nochange_status"] == "up-to-date"
    assert 0 < e5["build"]["edit_embedded"] < e5["build"]["scratch_embedded"]
    assert e5["cold"]["heavy_imports"] == []
    assert e5["http"]["load"]["answers"] > 0 and e5["http"]["load"]["errors"] == 0
    # the server measured is the profile's: named, not the installed default (Gemma where installed)
    assert e5["http"]["served_model"] == "e5"
    assert e5["http"]["lone"]["bare_p50"] > 0 and e5["http"]["lone"]["bare_ratio"] > 0  # lone HTTP vs the bare model
    assert "HTTP lone p50" in table
    assert results["scale"][0]["chunks"] > e5["build"]["chunks"]
    # issue 14's rows: the build against one pass over the chunks, the bare model, hostile shapes
    assert e5["build"]["chunk_pass_s"] > 0 and e5["build"]["build_ratio"] > 0
    assert e5["build"]["chunk_pass_cpu_s"] > 0 and e5["build"]["build_cpu_ratio"] > 0
    stages = e5["build"]["scratch_stages"]  # where a from-scratch build's time goes
    assert {"BM25", "saved (FAISS, files)"} <= set(stages) and all(t["wall_s"] >= 0 for t in stages.values())
    assert "by stage" in table
    assert e5["query"]["bare_p50"] > 0 and e5["query"]["bare_ratio"] > 0
    assert set(e5["hostile"]) >= {"long heading", "5 MB note", "worst"} and e5["hostile"]["worst"] > 0
    assert "hostile shapes" in table and "bare model query" in table
    assert "[ok] e5: no torch/gradio on the CLI path" in table  # each check names its profile


def test_bench_has_help(capsys):
    try:
        main(["bench", "--help"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "--quick" in capsys.readouterr().out


BENCH_MODULES = {"bench", "benchscale", "benchcommon", "benchhttp"}


def _bench_imports(path) -> list[tuple[str, str]]:
    """(enclosing top-level function or '<module>', imported bench module) of a source file."""
    import ast

    found = []
    for top in ast.parse(path.read_text(encoding="utf-8")).body:
        scope = top.name if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)) else "<module>"
        for node in ast.walk(top):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level else [(node.module or "").removeprefix("assistant.")]
                names += [a.name for a in node.names] if node.module in (None, "assistant") else []
            elif isinstance(node, ast.Import):
                names = [a.name.removeprefix("assistant.") for a in node.names]
            else:
                continue
            found += [(scope, n) for n in names if n in BENCH_MODULES]
    return found


def test_only_the_bench_command_imports_the_bench_modules():
    """No import cycle among the bench modules, and none of them on a user's path: only
    cli.cmd_bench imports bench (lazily); bench -> benchscale, benchhttp -> benchcommon."""
    from pathlib import Path

    import assistant

    package = Path(assistant.__file__).parent
    allowed = {"bench": {"benchscale", "benchhttp", "benchcommon"}, "benchscale": {"benchcommon"},
               "benchhttp": {"benchcommon"}, "benchcommon": set()}
    for path in sorted(package.rglob("*.py")):
        imports = _bench_imports(path)
        if path.stem in allowed and path.parent == package:
            assert {n for _, n in imports} <= allowed[path.stem], (path.name, imports)
        elif path.name == "cli.py" and path.parent == package:
            assert imports == [("cmd_bench", "bench")], imports
        else:
            assert imports == [], (path, imports)


@pytest.mark.slow
def test_the_cli_parser_loads_no_bench_module():
    import subprocess
    import sys

    code = ("import sys; from assistant import cli; cli.build_parser().parse_known_args(['bench', '--quick']); "
            "print(sorted(m for m in sys.modules if m.startswith('assistant.bench')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
