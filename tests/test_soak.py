"""A bounded soak test: the real app (API + UI mounts) on loopback, 16 concurrent clients
mixing good and bad requests for ASSISTANT_SOAK_SECONDS (default 20).

Pass: no 5xx and no dropped connection; every bad request gets a 4xx JSON error; every good
request returns the known section, and exactly the hits it returns when asked alone; the
process's resident memory grows less than RSS_GROWTH_LIMIT_MB from warm-up to the end.
The numbers are printed (run with -s) and recorded in docs/reliability.md.
"""
from __future__ import annotations

import json
import os
import random
import statistics
import threading
import time

import httpx
import psutil
import pytest

from assistant.api import create_app

CLIENTS = 16
SECONDS = float(os.environ.get("ASSISTANT_SOAK_SECONDS", "20"))
RSS_GROWTH_LIMIT_MB = 150

# (question, a heading the first hits must contain); from the dev set, answered at rank 1.
GOOD = [
    ("SQSの可視性タイムアウトとは？", "Amazon SQS (Simple Queue Service)"),
    ("RDSでは読み取り専用のリードレプリカを最大何台まで構築できる？", "Amazon RDS (Relational Data Service)"),
    ("CloudTrailを有効にすると、API実行履歴のイベントログはおよそ何分ごとに出力される？", "AWS CloudTrail"),
    ("Auroraの「カスタムエンドポイント」とは？", "Amazon Aurora"),
    ("予測スケーリングは何週間分のメトリクスを分析して時間帯別の需要を予測する？", "Auto Scaling"),
    ("Which HTTP header carries the X-Ray trace ID?", "AWS X-Ray"),
    ('What does "assisted remediation" refer to in Amazon CodeGuru?', "Amazon CodeGuru"),
    ("What does it mean when a CloudWatch alarm is in the INSUFFICIENT_DATA state?", "Amazon CloudWatch"),
    ("What tool can you install to connect to CodeCommit using your AWS CLI profile or a role ARN?", "AWS CodeCommit"),
]
JSON = {"content-type": "application/json"}
BAD = [
    ("GET", "/api/ask", {"params": {"q": ""}}),
    ("GET", "/api/ask", {"params": {"q": "SQS", "k": "100000"}}),
    ("GET", "/api/ask", {"params": {"q": "SQS", "k": "many"}}),
    ("POST", "/api/ask", {"content": b'{"question": "SQS", "k": ', "headers": JSON}),
    ("POST", "/api/ask", {"json": {"question": 42}}),
    ("POST", "/api/ask", {"json": {"question": "SQS", "k": 10**12}}),
    ("POST", "/api/ask", {"json": {"question": "SQS", "history": "not a list"}}),
    ("POST", "/api/ask", {"json": {"question": "SQS", "surprise": True}}),
    ("POST", "/api/ask", {"json": {"question": "   \x00 "}}),
    ("POST", "/api/ask", {"content": b'{"question": "\xff\xfe"}', "headers": JSON}),
    ("POST", "/api/ask", {"content": b"[" * 20_000, "headers": JSON}),
    ("POST", "/api/ask", {"content": b'{"question": "' + b"a" * 70_000 + b'"}', "headers": JSON}),
    ("DELETE", "/api/ask", {}),
    ("GET", "/api/no-such-endpoint", {}),
]


def _hits(body: dict) -> list[tuple[str, int]]:
    return [(h["source"], h["line_start"]) for h in body["hits"]]


@pytest.fixture
def server(search_service, built_settings, live_server):
    return live_server(create_app(search_service, built_settings))


def test_soak(server):
    process = psutil.Process()
    with httpx.Client(base_url=server, timeout=120) as http:
        expected = {}
        for question, heading in GOOD:
            body = http.post("/api/ask", json={"question": question, "k": 3}).json()
            assert heading in [h for hit in body["hits"] for h in hit["heading_path"]], (question, body["hits"][0]["heading_path"])
            expected[question] = _hits(body)
        for method, url, kwargs in BAD:  # warm-up: every code path once before measuring memory
            http.request(method, url, **kwargs)
    rss_start = process.memory_info().rss

    stats = {"good": 0, "bad": 0, "wrong": [], "not_4xx": [], "server_errors": [], "transport": [], "latency": []}
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=server, timeout=120) as http:
            while time.monotonic() < deadline:
                try:
                    if rng.random() < 0.6:
                        question, _ = rng.choice(GOOD)
                        started = time.perf_counter()
                        if rng.random() < 0.5:
                            r = http.post("/api/ask", json={"question": question, "k": 3})
                        else:
                            r = http.get("/api/ask", params={"q": question, "k": 3})
                        elapsed = time.perf_counter() - started
                        with lock:
                            stats["good"] += 1
                            stats["latency"].append(elapsed)
                            if r.status_code >= 500:
                                stats["server_errors"].append((r.status_code, r.text[:200]))
                            elif r.status_code != 200 or _hits(r.json()) != expected[question]:
                                stats["wrong"].append((question, r.status_code, r.text[:200]))
                    else:
                        method, url, kwargs = rng.choice(BAD)
                        r = http.request(method, url, **kwargs)
                        with lock:
                            stats["bad"] += 1
                            if r.status_code >= 500:
                                stats["server_errors"].append((r.status_code, r.text[:200]))
                            elif not (400 <= r.status_code < 500 and isinstance(r.json().get("error"), str)):
                                stats["not_4xx"].append((method, url, r.status_code, r.text[:200]))
                except (httpx.HTTPError, json.JSONDecodeError) as exc:
                    with lock:
                        stats["transport"].append(repr(exc))

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    rss_peak = rss_start
    while any(t.is_alive() for t in threads):
        rss_peak = max(rss_peak, process.memory_info().rss)
        time.sleep(0.5)
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    rss_end = process.memory_info().rss

    latency = sorted(stats["latency"])
    summary = {
        "seconds": round(wall, 1),
        "clients": CLIENTS,
        "requests": stats["good"] + stats["bad"],
        "good": stats["good"],
        "bad": stats["bad"],
        "requests_per_second": round((stats["good"] + stats["bad"]) / wall, 1),
        "good_p50_ms": round(1000 * statistics.median(latency)) if latency else None,
        "good_p95_ms": round(1000 * latency[int(0.95 * (len(latency) - 1))]) if latency else None,
        "good_max_ms": round(1000 * latency[-1]) if latency else None,
        "wrong": len(stats["wrong"]),
        "5xx": len(stats["server_errors"]),
        "bad_not_4xx": len(stats["not_4xx"]),
        "transport_errors": len(stats["transport"]),
        "rss_start_mb": round(rss_start / 2**20),
        "rss_peak_mb": round(rss_peak / 2**20),
        "rss_end_mb": round(rss_end / 2**20),
    }
    print("\nsoak:", json.dumps(summary))

    assert stats["server_errors"] == [], stats["server_errors"][:5]
    assert stats["transport"] == [], stats["transport"][:5]
    assert stats["wrong"] == [], stats["wrong"][:5]
    assert stats["not_4xx"] == [], stats["not_4xx"][:5]
    assert stats["good"] >= CLIENTS and stats["bad"] >= CLIENTS
    assert (rss_end - rss_start) / 2**20 < RSS_GROWTH_LIMIT_MB, summary
    with httpx.Client(base_url=server, timeout=60) as http:  # still healthy afterwards
        assert http.get("/api/health").json()["status"] == "ok"
