"""The HTTP benchmark: a real `app.py` server in a child process, and clients that keep it busy.

What it reports: latency per question language with one client, and answers per second, p50
and p95 with `clients` concurrent clients for `seconds` (issue 14: 8 clients >= 25 answers/s).
"""
from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import tempfile
import threading
import time

from . import config
from .benchcommon import PY, child_env, pct, vm_hwm_mb

def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _served_model(log) -> str | None:
    """The model the server says it serves (its start-up line "model: NAME ..."), or None."""
    log.seek(0)
    found = re.search(rb"^model: (\S+)", log.read(), re.M)
    log.seek(0, 2)
    return found.group(1).decode() if found else None


@contextlib.contextmanager
def running_server(settings: config.Settings):
    """The real server (app.py: UI + API, no watcher) on a free loopback port, serving
    `settings.model` (named: without it app.py would serve the installed default)."""
    import httpx

    port = free_port()
    args = [PY, str(config.PROJECT_ROOT / "app.py"), "--no-watch", "--host", "127.0.0.1", "--port", str(port),
            "--corpus", str(settings.corpus_dir), "--index-dir", str(settings.index_dir), "--model", settings.model]
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=log, stderr=log, env=child_env(), cwd=config.PROJECT_ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited ({proc.returncode}): {log.read().decode()[-800:]}")
            try:
                if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > 120:
                raise RuntimeError("server did not answer /api/health within 120 s")
            time.sleep(0.1)
        yield url, proc.pid, time.perf_counter() - started, _served_model(log)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def bench_http(settings: config.Settings, questions: list[tuple[str, str]], seconds: float, clients: int,
               bare=None) -> dict:
    """Latency per question language with one client, then throughput with `clients` clients
    for `seconds` (ms, answers/s). With `bare` (benchcommon.bare_query), each lone question
    is followed by the same question to the bare model in this process: "lone" holds both
    p50s and their ratio (issue 14: a lone question <= 1.3x the bare model)."""
    import httpx

    with running_server(settings) as (url, pid, startup, served):
        lat: dict[str, list[float]] = {"ja": [], "en": []}
        alone: list[float] = []
        with httpx.Client(base_url=url, timeout=30) as http:
            for _, q in questions[:3]:
                http.get("/api/ask", params={"q": q})
                if bare:
                    bare(q)
            for lang, q in questions:
                t0 = time.perf_counter()
                http.get("/api/ask", params={"q": q}).raise_for_status()
                lat[lang].append(time.perf_counter() - t0)
                if bare:
                    t0 = time.perf_counter()
                    bare(q)
                    alone.append(time.perf_counter() - t0)
        load = _load(url, [q for _, q in questions], seconds, clients)
        rss = vm_hwm_mb(pid)
    result = {lang: {"p50": pct(v, 50), "p95": pct(v, 95)} for lang, v in lat.items()}
    lone = {"p50": pct(lat["ja"] + lat["en"], 50)}
    if alone:
        lone.update(bare_p50=pct(alone, 50), bare_ratio=lone["p50"] / pct(alone, 50))
    return {**result, "lone": lone, "startup_s": startup, "server_peak_rss_mb": rss, "load": load, "served_model": served}


def _load(url: str, questions: list[str], seconds: float, clients: int) -> dict:
    """`clients` threads, each with its own connection, asking for a fixed duration."""
    import httpx

    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(offset: int) -> None:
        mine, failed = [], 0
        with httpx.Client(base_url=url, timeout=30) as http:
            i = offset
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    ok = http.get("/api/ask", params={"q": questions[i % len(questions)]}).status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    mine.append(time.perf_counter() - t0)
                else:
                    failed += 1
                i += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k * 7,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"clients": clients, "seconds": elapsed, "answers": len(latencies), "errors": errors[0],
            "per_s": len(latencies) / elapsed, "p50": pct(latencies, 50), "p95": pct(latencies, 95)}
