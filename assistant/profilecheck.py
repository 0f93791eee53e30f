"""Does the quality profile meet the serving targets on this machine? Measured once, read at start.

    python -m assistant.profilecheck measure [--whole] [--corpus DIR] [--record]
    python -m assistant.profilecheck show

`measure` builds the same notes from scratch with e5 and with embeddinggemma-300m in one run
(fresh index folders, empty embedding caches), then, per model, times a cold start (a new
`python -m assistant ask` process to its answer on the built index, median of 3), lone
queries (p50 over QUESTIONS, 3 rounds, in one warm process) and reads that process's
resident memory (VmRSS after the queries). Every number comes with the load average at the
time and the process CPU time beside the wall time. By default the notes are a sample (the
first SAMPLE_CHARS characters of the corpus' notes): a build ratio needs both models over the
same text, not the whole corpus; `--whole` builds everything (the seed: ~4 + ~6 min idle).

`--record` (get-model.sh does it after installing) writes the result to
`models/embeddinggemma-300m/measured.json`; `profiles.default_model` reads it at start-up,
so no start pays for timing. Targets (issue 15, a 2-core machine): TARGETS below.

On a machine others load too, wall times measure their work as well: each time target is
judged on the smaller of wall and process CPU time (CPU time is what this process itself
spent; with ONNX Runtime on 2 threads it is >= the wall time of an idle machine), and the
build target on the smaller of the wall-time and CPU-time ratios. Both are recorded.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import models
from .config import PROJECT_ROOT
from .notes import note_paths

MEASURED_FILE = "measured.json"
# The serving targets of the quality profile on this 2-core machine (issue 15).
TARGETS = {"cold_start_s": 3.0, "query_p50_ms": 100.0, "serving_rss_mb": 800.0, "build_ratio": 1.5}
SAMPLE_CHARS = 40_000
# Lone questions for latency: both languages, both directions, no corpus of their own needed.
QUESTIONS = (
    "SQSの可視性タイムアウトとは？",
    "What is the maximum execution time of a Lambda function?",
    "本番リリースは何曜日に行いますか？",
    "How long are database snapshots kept?",
    "S3のバージョニングを有効にするには？",
    "Which IAM policy lets a user read one bucket only?",
    "障害が起きたときの連絡先は？",
    "What does the on-call engineer do first during an incident?",
    "DynamoDBのパーティションキーの選び方",
    "How do I roll back a failed deployment?",
)
PY = sys.executable

_WORKER = r"""
import json, sys, time
from pathlib import Path
from assistant import config
from assistant.retrieve import Searcher
settings = config.from_env(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]), model=sys.argv[3])
searcher = Searcher(settings)
questions = json.loads(sys.argv[4])
searcher.search(questions[0])
wall, cpu = [], []
for _ in range(3):
    for q in questions:
        t, c = time.perf_counter(), time.process_time()
        searcher.search(q)
        wall.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
status = dict(l.split(":", 1) for l in open("/proc/self/status") if l.startswith(("VmRSS", "VmHWM")))
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": int(status["VmRSS"].split()[0]) // 1024,
                  "hwm_mb": int(status["VmHWM"].split()[0]) // 1024}))
"""


class MeasureError(RuntimeError):
    """A measuring step failed; the message is one line naming it."""


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], what: str) -> tuple[float, float, str]:
    """(wall s, CPU s of the child, stdout) of one child process run from the project root."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    cpu, wall = _child_cpu(), time.perf_counter()
    proc = subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - wall, _child_cpu() - cpu
    if proc.returncode:
        lines = [l for l in proc.stderr.splitlines() if l.strip()]
        raise MeasureError(f"{what} failed: {lines[-1] if lines else 'exit ' + str(proc.returncode)}")
    return wall, cpu, proc.stdout


def sample_notes(corpus: Path, dest: Path, chars: int | None = SAMPLE_CHARS) -> Path:
    """Copy the corpus' notes (sorted by path) into `dest` until `chars` characters (None: all);
    the last note is cut at a line break. Returns `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    left = chars
    for path in note_paths(corpus):  # the notes an index reads: no hidden, linked or too deep folders
        if left is not None and left <= 0:
            break
        text = path.read_text(encoding="utf-8", errors="replace")
        if left is not None and len(text) > left:
            cut = text.rfind("\n", 0, left)
            if cut < 0:  # not one whole line fits
                break
            text = text[: cut + 1]
        target = dest / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        left = None if left is None else left - len(text)
    if not any(dest.rglob("*.md")) and not any(dest.rglob("*.markdown")):
        raise MeasureError(f"no notes in {corpus} to measure with")
    return dest


def measure_build(model: str, corpus: Path, index_dir: Path) -> dict:
    """A from-scratch build (empty index folder, so an empty cache): wall and CPU seconds."""
    load = _load()
    wall, cpu, _ = _run([PY, "-m", "assistant", "index", "--quiet", "--corpus", str(corpus),
                         "--index-dir", str(index_dir), "--model", model], f"building with {model}")
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "load": load}


def measure_serving(model: str, corpus: Path, index_dir: Path, cold_runs: int = 3) -> dict:
    """Cold start (median of `cold_runs` fresh processes), lone-query p50 and serving RSS."""
    cold = []
    for _ in range(cold_runs):
        load = _load()
        wall, cpu, _ = _run([PY, "-m", "assistant", "ask", "--json", "--corpus", str(corpus), "--index-dir",
                             str(index_dir), "--model", model, QUESTIONS[0]], f"a cold start with {model}")
        cold.append((wall, cpu, load))
    load = _load()
    _, _, out = _run([PY, "-c", _WORKER, str(corpus), str(index_dir), model, json.dumps(QUESTIONS)], f"queries with {model}")
    q = json.loads(out.strip().splitlines()[-1])
    return {
        "cold_start_s": {"wall": round(statistics.median(c[0] for c in cold), 2),
                         "cpu": round(statistics.median(c[1] for c in cold), 2),
                         "load": round(statistics.median(c[2] for c in cold), 2)},
        "query_p50_ms": {"wall": round(1000 * statistics.median(q["wall"]), 1),
                         "cpu": round(1000 * statistics.median(q["cpu"]), 1), "load": load,
                         "n": len(q["wall"])},
        "serving_rss_mb": {"rss": q["rss_mb"], "peak": q["hwm_mb"]},
    }


def measure(corpus: Path, chars: int | None = SAMPLE_CHARS, models_to_compare=("e5", "embeddinggemma-300m"),
            log=print) -> dict:
    """Build and serving numbers of both profiles over the same notes, in one run.

    Returns {"machine", "when", "notes_chars", "e5": {...}, "embeddinggemma-300m": {...},
    "build_ratio": {"wall", "cpu"}}. Raises MeasureError naming the step that failed."""
    base, gemma = models_to_compare
    work = Path(tempfile.mkdtemp(prefix="assistant-profilecheck-"))
    try:
        notes = sample_notes(corpus, work / "notes", chars)
        size = sum(len(p.read_text(encoding="utf-8")) for p in notes.rglob("*") if p.is_file())
        result = {"machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "notes_chars": size,
                  "corpus": str(corpus)}
        for model in (base, gemma):
            log(f"building {size:,} characters of notes with {model} (load {_load()})")
            result[model] = {"build": measure_build(model, notes, work / f"index-{model}")}
        for model in (base, gemma):
            log(f"cold starts and lone queries with {model} (load {_load()})")
            result[model].update(measure_serving(model, notes, work / f"index-{model}"))
        b, g = result[base]["build"], result[gemma]["build"]
        result["build_ratio"] = {"wall": round(g["wall_s"] / b["wall_s"], 2), "cpu": round(g["cpu_s"] / b["cpu_s"], 2)}
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def machine() -> dict:
    """What identifies 'this machine' for a measurement: host name and core count."""
    return {"host": platform.node(), "cpus": os.cpu_count()}


def verdict(measured: dict, gemma: str = "embeddinggemma-300m") -> tuple[bool, list[str]]:
    """(meets every target, one short phrase per target with the number judged).

    Time targets are judged on min(wall, CPU) and the build on min(wall ratio, CPU ratio)
    (module docstring). Raises KeyError / TypeError for a record without these fields."""
    g = measured[gemma]
    cold = min(g["cold_start_s"]["wall"], g["cold_start_s"]["cpu"])
    query = min(g["query_p50_ms"]["wall"], g["query_p50_ms"]["cpu"])
    rss = g["serving_rss_mb"]["rss"]
    ratio = min(measured["build_ratio"]["wall"], measured["build_ratio"]["cpu"])
    checks = [
        (cold <= TARGETS["cold_start_s"], f"cold start {cold:.1f} s", f"<= {TARGETS['cold_start_s']:g} s"),
        (query <= TARGETS["query_p50_ms"], f"query p50 {query:.0f} ms", f"<= {TARGETS['query_p50_ms']:g} ms"),
        (rss <= TARGETS["serving_rss_mb"], f"RSS {rss} MB", f"<= {TARGETS['serving_rss_mb']:g} MB"),
        (ratio <= TARGETS["build_ratio"], f"build {ratio:.2f}x e5", f"<= {TARGETS['build_ratio']:g}x"),
    ]
    return all(ok for ok, _, _ in checks), [text if ok else f"{text} (target {target})" for ok, text, target in checks]


def record(folder: Path, measured: dict, terms_accepted: bool) -> Path:
    """Write `folder/measured.json` atomically; returns its path."""
    path = folder / MEASURED_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({**measured, "terms_accepted": bool(terms_accepted)}, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read(folder: Path) -> dict | None:
    """The recorded measurement of a model folder, or None (absent or unreadable)."""
    try:
        data = json.loads((folder / MEASURED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def report(measured: dict) -> str:
    """The numbers as a few printable lines."""
    lines = [f"machine {measured['machine']}, {measured['when']}, {measured['notes_chars']:,} characters of notes"]
    for model in ("e5", "embeddinggemma-300m"):
        m = measured[model]
        lines.append(
            f"{model:20} build {m['build']['wall_s']:.1f} s wall / {m['build']['cpu_s']:.1f} s CPU (load {m['build']['load']}); "
            f"cold start {m['cold_start_s']['wall']:.2f} s wall / {m['cold_start_s']['cpu']:.2f} s CPU (load {m['cold_start_s']['load']}); "
            f"query p50 {m['query_p50_ms']['wall']:.1f} ms wall / {m['query_p50_ms']['cpu']:.1f} ms CPU (load {m['query_p50_ms']['load']}); "
            f"RSS {m['serving_rss_mb']['rss']} MB (peak {m['serving_rss_mb']['peak']})")
    r = measured["build_ratio"]
    lines.append(f"build ratio embeddinggemma-300m / e5: {r['wall']:.2f}x wall, {r['cpu']:.2f}x CPU")
    ok, parts = verdict(measured)
    lines.append(("meets the targets: " if ok else "misses the targets: ") + ", ".join(parts))
    return "\n".join(lines)


def judge_installed(folder: Path) -> tuple[bool, str]:
    """(the installed profile in `folder` may be the default, why) from its recorded
    measurement: recorded, terms accepted, this machine, every target met. Never raises."""
    measured = read(folder)
    remeasure = "./scripts/get-model.sh embeddinggemma-300m --accept-gemma-terms measures it"
    if measured is None:
        return False, f"embeddinggemma-300m is installed but was never measured on this machine ({remeasure})"
    if measured.get("terms_accepted") is not True:
        return False, f"the Gemma Terms of Use were not accepted for embeddinggemma-300m ({remeasure})"
    if measured.get("machine") != machine():
        return False, f"embeddinggemma-300m was measured on another machine ({remeasure})"
    try:
        ok, parts = verdict(measured)
    except (KeyError, TypeError, ValueError, AttributeError):
        return False, f"the measurement of embeddinggemma-300m is unreadable ({remeasure})"
    when = str(measured.get("when", ""))[:10]
    if ok:
        return True, f"installed, terms accepted, meets the targets here ({', '.join(parts)}; measured {when})"
    missed = [part for part in parts if "(target" in part]
    return False, f"embeddinggemma-300m misses the targets here ({', '.join(missed)}; measured {when})"

def measure_installed(folder: Path, terms_accepted: bool, log=print) -> dict | None:
    """The set-up step after installing embeddinggemma-300m (models.py's fetch command):
    measure once on this machine and record it, unless a record for this machine exists.

    Never raises: a failed measurement is logged in one line and leaves e5 the default."""
    measured = read(folder)
    if measured and measured.get("machine") == machine() and measured.get("terms_accepted") is True:
        log(f"measured on this machine on {str(measured.get('when'))[:10]} (python -m assistant.profilecheck measure --record measures again)")
        return measured
    from .config import from_env
    from .errors import AssistantError

    try:
        corpus = from_env().corpus_dir
    except AssistantError:
        corpus = PROJECT_ROOT / "corpus"
    log(f"measuring both profiles on this machine (once; a sample of {corpus}: ~5 min idle, longer on a busy machine) - the default follows the numbers")
    # The children must find this model folder, wherever --models-dir put it.
    os.environ["ASSISTANT_MODELS_DIR"] = str(folder.parent)
    try:
        measured = measure(corpus, SAMPLE_CHARS, log=log)
    except (MeasureError, OSError) as exc:
        log(f"warning: could not measure embeddinggemma-300m ({exc}); e5 stays the default")
        return None
    record(folder, measured, terms_accepted)
    log(report(measured))
    return measured


def main(argv: list[str] | None = None) -> int:
    """`python -m assistant.profilecheck measure|show`: 0 on success, 1 with one `error: ...`
    line (model not installed, terms not accepted for --record, a measuring step failed)."""
    parser = argparse.ArgumentParser(prog="python -m assistant.profilecheck", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("measure", help="build and serve both profiles over the same notes, print the numbers")
    p.add_argument("--corpus", type=Path, default=PROJECT_ROOT / "corpus", help="notes to sample (default: corpus/)")
    p.add_argument("--whole", action="store_true", help="build all of the notes, not the first %d characters" % SAMPLE_CHARS)
    p.add_argument("--record", action="store_true", help="save the result beside the installed model (start-up reads it)")
    p.add_argument("--accept-gemma-terms", action="store_true", help=f"with --record: the terms are accepted (or {models.TERMS_ENV}=1)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    sub.add_parser("show", help="print the recorded measurement and what start-up makes of it")
    args = parser.parse_args(argv)
    folder = models.installed(models.EMBEDDINGGEMMA_300M)
    if args.command == "show":
        measured = read(folder) if folder else None
        if measured:
            print(report(measured))
        ok, reason = judge_installed(folder) if folder else (False, "embeddinggemma-300m is not installed")
        print(f"default model: {'embeddinggemma-300m' if ok else 'e5'} ({reason})")
        return 0
    if folder is None:
        print("error: embeddinggemma-300m is not installed; run ./scripts/get-model.sh embeddinggemma-300m --accept-gemma-terms",
              file=sys.stderr)
        return 1
    accepted = models.terms_accepted(models.EMBEDDINGGEMMA_300M, args.accept_gemma_terms)
    if args.record and not accepted:
        print(f"error: the Gemma terms were not accepted; re-run with --accept-gemma-terms or {models.TERMS_ENV}=1",
              file=sys.stderr)
        return 1
    try:
        measured = measure(args.corpus, None if args.whole else SAMPLE_CHARS, log=lambda s: print(s, file=sys.stderr))
    except MeasureError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(measured, indent=1) if args.json else report(measured))
    if args.record:
        print(f"recorded in {record(folder, measured, accepted)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
