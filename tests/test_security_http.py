"""Attacks on the real server, started as the README starts it (`python app.py`), over real sockets.

One test per kind of attack in ../shared/cases/security (see docs/reliability.md):
- no Gradio event takes a file, a path or a file-like value, in any input slot (gradio-filedata-read),
  and Gradio's own path guard is active;
- only the routes the product serves answer, whatever the path's spelling (upload-newline);
- one body-size limit for every route, and memory stays near its baseline (gradio-body-size);
- Host checking, no X-Forwarded-Host reflection, one origin allowlist (host-header);
- slow clients are cut off while normal requests keep answering (slowloris).
The server runs the bundled e5 model over a two-note corpus, with an API token set.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT

from conftest import free_port

TOKEN = "tok-" + uuid.uuid4().hex
NOTE = ("# Team notes\n\n## Deploys\n\n- Deploys run every Tuesday from the release branch.\n"
        "- デプロイは毎週火曜日にリリースブランチから行う。\n\n## On call\n\n- The on-call rotation changes on Monday.\n")
SECRET_NOTE = "# Private\n\n## Salaries\n\n- PRIVATECANARY salary bands are confidential.\n"
# A pasted log: one 300 KB line in a code fence (finding: a 1 MB line made a 3 MB answer).
BIG_LINE = "".join(f"{i:06d}-LOGLINECANARY " for i in range(20_000))
LOG_NOTE = f"# Pasted logs\n\n## Crash log\n\nThe crash log of the build follows:\n\n```\n{BIG_LINE}\n```\n"
pytestmark = pytest.mark.slow


@dataclass
class Served:
    base: str
    port: int
    pid: int
    root: Path
    index_dir: Path
    gradio_tmp: Path

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 30, source: str = "127.0.0.1") -> tuple[int, dict, bytes]:
        """A raw HTTP request: `path` goes on the wire exactly as given (no re-encoding);
        `source` is the loopback address the client connects from."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in {"Host": f"127.0.0.1:{self.port}", **(headers or {})}.items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


def start_server(root: Path, corpus: Path, extra_args: tuple[str, ...] = (), watch: bool = False):
    """`python app.py` over `corpus` (API token set, no watcher unless `watch`), waited for until
    /api/health answers; yields a Served and stops the server afterwards. Its output goes to
    root/server.log."""
    index_dir, gradio_tmp = root / "index", root / "gradio-tmp"
    gradio_tmp.mkdir()
    port = free_port()
    env = {**os.environ, "ASSISTANT_API_TOKEN": TOKEN, "GRADIO_TEMP_DIR": str(gradio_tmp)}
    env.pop("ASSISTANT_ALLOWED_ORIGINS", None)
    env.pop("ASSISTANT_ALLOWED_HOSTS", None)
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--corpus", str(corpus), "--index-dir", str(index_dir), "--port", str(port),
         *(() if watch else ("--no-watch",)), *extra_args], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    served = Served(f"http://127.0.0.1:{port}", port, proc.pid, root, index_dir, gradio_tmp)
    deadline = time.monotonic() + 600
    while True:
        if proc.poll() is not None:
            raise RuntimeError("server exited: " + (root / "server.log").read_text()[-2000:])
        try:
            if served.request("GET", "/api/health", timeout=5)[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.5)
    yield served
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def _corpus(root, notes: dict):
    """root/corpus holding `notes` (relative name -> text, or bytes written as they are)."""
    corpus = root / "corpus"
    for name, text in notes.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            (corpus / name).write_bytes(text)
        else:
            (corpus / name).write_text(text, encoding="utf-8")
    return corpus


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    corpus = _corpus(root, {"team.md": NOTE, "private.md": SECRET_NOTE, "logs.md": LOG_NOTE})
    yield from start_server(root, corpus)


# Hostile notes where ranking does not matter, served with the fake-hash model (fast to build).
MANY_HEADINGS = 1_500
HEADINGS_NOTE = "# Outline\n\n" + "".join(f"## Topic {i:05d} {'x' * 50}\n\nline {i}\n\n" for i in range(MANY_HEADINGS))


# Notes the wiki (Jekyll, the default engine) does not publish, and one it does (_posts/).
UNPUBLISHED = {
    "_drafts/reorg.md": "# Reorg\n\n## Plan\n\n- DRAFTCANARY the reorg plan.\n",
    "_private.md": "# Private\n\n## Pay\n\n- UNDERSCORECANARY pay bands.\n",
    "sub/_partial/snippet.md": "# Snippet\n\n## Part\n\n- PARTIALCANARY included text.\n",
    "unpublished.md": "---\npublished: false\n---\n# Later\n\n## News\n\n- UNPUBLISHEDCANARY the news.\n",
    "_posts/2024-01-01-release.md": "# Release\n\n## Notes\n\n- POSTCANARY release notes are out.\n",
}


# A note named with terminal escapes (OSC 0 retitles the window, SGR 8 hides text).
ESCAPE_NAME = "evil\x1b]0;PWNED\x07\x1b[8m.md"


# A note named so that its warning line forges another (the tenth attack run): not UTF-8, skipped.
FORGED_NAME = "forged\nWARNING: index verified, 0 problems\n.md"


# A heading holding a control character (a BEL pasted from a terminal): offered as a filter.
CONTROL_HEADING = "Rollback \x07steps"
CONTROL_HEADING_SECTION = f"\n## {CONTROL_HEADING}\n\n- ROLLBACKCANARY roll back with the previous tag.\n"


@pytest.fixture(scope="module")
def served_hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("served-hostile")
    corpus = _corpus(root, {
        "team.md": NOTE + CONTROL_HEADING_SECTION, "outline.md": HEADINGS_NOTE, **UNPUBLISHED,
        ESCAPE_NAME: b"\xff\xfe not UTF-8: skipped with a warning naming the file\n",
        FORGED_NAME: b"\xff\xfe not UTF-8 either\n",
    })
    yield from start_server(root, corpus, ("--model", "fake-hash"))


def ask_ok(served: Served, source: str = "127.0.0.1") -> float:
    """One real question through the JSON API; returns the seconds it took."""
    start = time.monotonic()
    status, _, body = served.request("GET", "/api/ask?q=deploy%20day&k=1", headers={"Authorization": f"Bearer {TOKEN}"},
                                     source=source)
    assert status == 200 and "Deploys" in json.loads(body)["hits"][0]["heading_path"], body[:300]
    return time.monotonic() - start


# ============================================================================ files through events

def file_payloads(targets: list[str]) -> list:
    """The shapes a client could use to name a file in an event input."""
    shapes = []
    for target in targets:
        data = {"path": target, "meta": {"_type": "gradio.FileData"}}
        shapes += [
            data,
            {"path": target, "url": None, "orig_name": "x", "meta": {"_type": "gradio.FileData"}},
            [{"role": "user", "content": [{"type": "file", "file": data}]}],
            {"role": "user", "content": {"file": data}},
            {"path": target},
            [target],
        ]
    return shapes


def secret_targets(served: Served) -> tuple[list[str], list[bytes]]:
    link = served.root / "link-to-passwd"
    if not link.exists():
        link.symlink_to("/etc/passwd")
    fifo = served.root / "fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    index_file = next(served.index_dir.glob("v-*/chunks.jsonl"))
    targets = ["/etc/passwd", "/proc/self/environ", str(index_file), str(served.index_dir / "cache.sqlite"),
               str(link), str(fifo), "/dev/zero", str(PROJECT_ROOT / "app.py"), "../../../../etc/passwd"]
    secrets = [b"root:x:0:0", TOKEN.encode(), b"PRIVATECANARY", b"SQLite format", b"def main(argv"]
    return targets, secrets


def events(served: Served, mount: str) -> list[dict]:
    status, _, body = served.request("GET", f"{mount}/config")
    assert status == 200
    config = json.loads(body)
    deps = [d for d in config["dependencies"] if d.get("targets")]
    assert len(deps) >= 4  # ask (submit, click), clear, load, the examples
    return deps


def join(served: Served, mount: str, fn_index: int, trigger: int, data: list, event_data=None) -> tuple[int, bytes]:
    body = {"data": data, "event_data": event_data, "fn_index": fn_index, "trigger_id": trigger,
            "session_hash": uuid.uuid4().hex[:11]}
    status, _, out = served.request("POST", f"{mount}/gradio_api/queue/join", json.dumps(body).encode(),
                                    {"Content-Type": "application/json"})
    return status, out


@pytest.mark.parametrize("mount", ["", "/embed"])
def test_no_gradio_event_takes_a_file_in_any_slot(served, mount):
    targets, secrets = secret_targets(served)
    payloads = file_payloads(targets)
    for dep in events(served, mount):
        fn, trigger = dep["id"], dep["targets"][0][0]
        slots = max(len(dep.get("inputs", [])), 1)
        for slot in range(slots):
            for payload in payloads:
                data = [None] * slots
                data[slot] = payload
                status, out = join(served, mount, fn, trigger, data)
                assert status == 400 and b"text and numbers only" in out, (dep.get("api_name"), slot, status, out[:200])
                assert not any(secret in out for secret in secrets)
        status, out = join(served, mount, fn, trigger, [None] * slots, event_data=payloads[0])
        assert status == 400
    copies = [p for p in served.gradio_tmp.rglob("*") if p.is_file()]
    assert not any(any(s in p.read_bytes() for s in secrets) for p in copies), copies
    ask_ok(served)  # the server keeps answering, the right section
    status, _, body = served.request("GET", "/api/health")
    assert status == 200 and json.loads(body)["status"] == "ok", body[:300]


def read_event_stream(served: Served, mount: str, session: str) -> list[dict]:
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    conn.request("GET", f"{mount}/gradio_api/queue/data?session_hash={session}", headers={"Host": f"127.0.0.1:{served.port}"})
    response = conn.getresponse()
    messages = []
    for raw in response:
        line = raw.decode().strip()
        if line.startswith("data:"):
            messages.append(json.loads(line[5:]))
            if messages[-1].get("msg") == "process_completed":
                break
    conn.close()
    return messages


def test_a_text_question_still_works_through_the_event_route(served):
    dep = next(d for d in events(served, "") if d.get("api_name") == "ask")
    session = uuid.uuid4().hex[:11]
    body = {"data": ["When do deploys run?", 3, "__all__", None], "event_data": None, "fn_index": dep["id"],
            "trigger_id": dep["targets"][0][0], "session_hash": session}
    status, _, _ = served.request("POST", "/gradio_api/queue/join", json.dumps(body).encode(),
                                  {"Content-Type": "application/json"})
    assert status == 200
    done = read_event_stream(served, "", session)[-1]
    assert done["msg"] == "process_completed" and done["success"], done
    assert "Tuesday" in json.dumps(done["output"], ensure_ascii=False)


def test_gradio_path_guard_is_active_in_the_mounted_app(search_service, built_settings, tmp_path):
    """Gradio's own guard refuses to copy a client-named file (it is inactive unless the
    Blocks are marked launched, which gr.mount_gradio_app does not do)."""
    from gradio import processing_utils
    from gradio.context import LocalContext
    from gradio.exceptions import InvalidPathError

    from assistant.api import create_app

    app = create_app(search_service, built_settings)
    mounted = [r.app.get_blocks() for r in app.routes if hasattr(getattr(r, "app", None), "get_blocks")]
    assert len(mounted) == 2 and all(b.has_launched for b in mounted)
    for blocks in mounted:
        token = LocalContext.blocks.set(blocks)
        try:
            with pytest.raises(InvalidPathError):
                processing_utils.move_files_to_cache(
                    {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}, blocks.children[0],
                    check_in_upload_folder=True,
                )
        finally:
            LocalContext.blocks.reset(token)


# ============================================================================ routes

@pytest.mark.parametrize("method,path", [
    ("POST", "/gradio_api/upload"), ("POST", "/gradio_api/upload%0A"), ("POST", "/gradio_api/upload%0a"),
    ("POST", "/gradio_api/upload%0D%0A"), ("POST", "/embed/gradio_api/upload%0A"), ("POST", "/gradio_api/upload%20"),
    ("POST", "/gradio_api/upload/"), ("POST", "/gradio_api//upload"), ("POST", "/GRADIO_API/upload"),
    ("POST", "/gradio_api/upload%2F"), ("POST", "/gradio_api/upload%09"), ("POST", "/upload"),
    ("POST", "/gradio_api/queue/join%0A"), ("GET", "/gradio_api/file=/etc/passwd"),
    ("GET", "/gradio_api/file=%2Fetc%2Fpasswd%0A"), ("GET", "/gradio_api/proxy=http://127.0.0.1/"),
    ("POST", "/gradio_api/run/ask"), ("POST", "/gradio_api/call/ask"), ("POST", "/gradio_api/api/ask"),
    ("POST", "/gradio_api/component_server"), ("POST", "/gradio_api/vibe-edit"), ("GET", "/gradio_api/info"),
    ("GET", "/monitoring"), ("POST", "/login"), ("GET", "/gradio_api/runs"), ("POST", "/gradio_api/reset"),
    ("GET", "/static/..%2F..%2F..%2Fetc%2Fpasswd"), ("GET", "/assets/%2e%2e/%2e%2e/etc/passwd"),
    ("PUT", "/api/anything"), ("DELETE", "/"), ("GET", "/redoc"), ("TRACE", "/"),
])
def test_only_the_routes_the_product_serves_answer(served, method, path):
    body = b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.html\"\r\n\r\n<script>1</script>\r\n--x--\r\n"
    status, headers, out = served.request(method, path, body if method in ("POST", "PUT") else None,
                                          {"Content-Type": "multipart/form-data; boundary=x"})
    assert status == 404, (path, status, out[:200])
    assert b"root:x:0:0" not in out and b"gradio_api/file" not in out


def test_another_method_on_an_endpoint_is_told_which_it_takes(served):
    status, headers, out = served.request("PUT", "/api/ask", b"<script>1</script>", {"Content-Type": "text/html"})
    assert status == 405 and headers.get("allow") == "GET, HEAD, POST" and b"<script>" not in out, (status, out[:200])


@pytest.mark.parametrize("path", ["/", "/embed/", "/embed", "/config", "/embed/config", "/docs", "/openapi.json",
                                  "/api/health"])
def test_the_routes_the_page_needs_still_answer(served, path):
    status, headers, _ = served.request("GET", path)
    assert status in (200, 307), (path, status)


# ============================================================================ body size

def test_one_body_limit_for_every_route_and_memory_stays_near_baseline(served):
    ask_ok(served)
    baseline = served.rss_mb()
    big = b'{"data": ["' + b"a" * (52 * 1024 * 1024) + b'"]}'
    for path in ["/gradio_api/queue/join", "/embed/gradio_api/queue/join", "/api/ask", "/gradio_api/cancel"]:
        status, _, out = served.request("POST", path, big, {"Content-Type": "application/json"})
        assert status == 413 and b"limit" in out, (path, status)
    for _ in range(4):  # no Content-Length: the body is counted while it is read
        conn = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        conn.sendall(b"POST /gradio_api/queue/join HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Type: application/json\r\n\r\n")
        reply = b""
        try:
            for _ in range(200):
                conn.sendall(b"100000\r\n" + b"a" * 0x100000 + b"\r\n")
        except OSError:
            pass  # the server answered and closed while we were still sending
        conn.settimeout(10)
        try:
            reply = conn.recv(200)
        except OSError:
            pass
        conn.close()
        assert reply == b"" or reply.startswith(b"HTTP/1.1 413"), reply
    ask_ok(served)
    assert served.rss_mb() - baseline < 60, (baseline, served.rss_mb())


@pytest.mark.parametrize("framing", [b"Content-Length: 209715200\r\n", b"Transfer-Encoding: chunked\r\n"])
def test_a_body_on_a_get_is_refused_not_drained(served, framing):
    # A GET announcing 200 MB was answered and its body read whole (an attack run, 2026-12-06):
    # the 64 KB limit is for every request.
    conn = socket.create_connection(("127.0.0.1", served.port), timeout=30)
    # The headers alone: the answer comes before any body is read (and no unread bytes make
    # the server's close a reset that could drop the answer here).
    conn.sendall(b"GET /api/ask?q=lambda HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing + b"\r\n")
    conn.settimeout(10)
    reply = b""
    while chunk := conn.recv(4096):  # the server closes the connection after its answer
        reply += chunk
    conn.close()
    assert reply.startswith(b"HTTP/1.1 413") and b"connection: close" in reply.lower(), reply
    assert (b"too large" if b"Length" in framing else b"takes no chunked body") in reply, reply
    ask_ok(served)


# ============================================================================ hosts and origins

@pytest.mark.parametrize("path", ["/", "/config", "/api/health", "/api/ask?q=deploy"])
def test_foreign_host_header_is_refused(served, path):
    status, _, _ = served.request("GET", path, headers={"Host": "attacker.example"})
    assert status == 400
    status, _, _ = served.request("GET", path, headers={"Host": f"attacker.example:{served.port}"})
    assert status == 400


def test_loopback_host_names_are_served(served):
    for host in (f"localhost:{served.port}", f"127.0.0.1:{served.port}", "localhost"):
        assert served.request("GET", "/api/health", headers={"Host": host})[0] == 200


def test_forwarded_host_is_not_reflected(served):
    status, _, body = served.request("GET", "/config", headers={"X-Forwarded-Host": "evil.example"})
    assert status == 200 and b"evil.example" not in body


@pytest.mark.parametrize("origin", ["http://localhost:9999", "http://evil.example", "null"])
def test_no_cors_for_foreign_origins_and_no_cross_origin_posts(served, origin):
    for path in ["/config", "/api/health"]:
        _, headers, _ = served.request("GET", path, headers={"Origin": origin})
        assert "access-control-allow-origin" not in headers and "access-control-allow-credentials" not in headers
    dep = next(d for d in events(served, "") if d.get("api_name") == "ask")
    body = {"data": ["deploy", 1, "__all__", None], "fn_index": dep["id"], "trigger_id": dep["targets"][0][0],
            "session_hash": "abc", "event_data": None}
    status, _, _ = served.request("POST", "/gradio_api/queue/join", json.dumps(body).encode(),
                                  {"Content-Type": "application/json", "Origin": origin})
    assert status == 403


# ============================================================================ slow clients

def test_slow_clients_are_cut_off_and_normal_requests_keep_answering(served):
    """Bounded slowloris on loopback: 60 connections trickle headers, 60 trickle a body, from
    two attacker addresses (each under the per-client cap, so the deadline is what cuts them)."""
    from assistant.server import REQUEST_DEADLINE_S

    socks = []
    for i in range(120):
        s = socket.create_connection(("127.0.0.1", served.port), timeout=5, source_address=(f"127.0.0.{5 + i % 2}", 0))
        if i % 2:
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        else:
            s.sendall(b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 60000\r\n\r\n{\"question\": \"")
        socks.append(s)
    latencies = []
    end = time.monotonic() + REQUEST_DEADLINE_S + 4
    while time.monotonic() < end:
        for i, s in enumerate(socks):
            try:
                s.sendall(b"X-a: b\r\n" if i % 2 else b"a")
            except OSError:
                pass
        latencies.append(ask_ok(served))
        time.sleep(1)
    closed = 0
    for s in socks:
        s.settimeout(2)
        try:
            data = s.recv(1)
            closed += data == b""
        except OSError:
            closed += 1
        s.close()
    assert closed == len(socks), f"{closed}/{len(socks)} slow connections closed"
    assert max(latencies) < 5, latencies


def test_one_client_cannot_take_every_connection(served):
    """Never-ending heartbeat streams from one address: its connections past the per-client
    cap are closed at once (or answered 429 and closed, past the heartbeat cap), and another
    client keeps being answered."""
    from assistant.server import MAX_CONNECTIONS_PER_CLIENT

    streams, refused = [], 0
    for i in range(MAX_CONNECTIONS_PER_CLIENT + 20):
        s = socket.create_connection(("127.0.0.1", served.port), timeout=5, source_address=("127.0.0.3", 0))
        s.sendall(f"GET /gradio_api/heartbeat/attacker{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        streams.append(s)
    time.sleep(1)
    for s in streams:
        s.settimeout(0.5)
        try:
            data = s.recv(1 << 16)
            refused += data == b"" or data.startswith(b"HTTP/1.1 429")
        except socket.timeout:
            pass
        except OSError:
            refused += 1
    try:
        assert refused >= 20, refused
        assert ask_ok(served, source="127.0.0.4") < 5
    finally:
        for s in streams:
            s.close()


def test_never_ending_heartbeats_leave_their_address_room_to_ask(served):
    """Gradio's heartbeat answers any made-up session forever: 64 of them from one address
    took every connection it may hold, and each later request of that address was reset (an
    attack run, 2026-12-05). Past guard.MAX_HEARTBEATS_PER_CLIENT they get a 429 and are
    closed, so the same address is still answered."""
    from assistant.guard import MAX_HEARTBEATS_PER_CLIENT
    from assistant.server import MAX_CONNECTIONS_PER_CLIENT

    streams = open_heartbeats(served, {"127.0.0.6": MAX_CONNECTIONS_PER_CLIENT})
    try:
        time.sleep(1)
        assert answered(streams, b"429") == MAX_CONNECTIONS_PER_CLIENT - MAX_HEARTBEATS_PER_CLIENT
        assert ask_ok(served, source="127.0.0.6") < 5
    finally:
        for s in streams:
            s.close()


def open_heartbeats(served: Served, per_address: dict[str, int]) -> list[socket.socket]:
    """Heartbeat streams of made-up sessions: `per_address` source address -> how many."""
    streams = []
    for address, count in per_address.items():
        for i in range(count):
            s = socket.create_connection(("127.0.0.1", served.port), timeout=5, source_address=(address, 0))
            s.sendall(f"GET /gradio_api/heartbeat/{address.replace('.', '-')}x{i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            streams.append(s)
    return streams


def answered(streams: list[socket.socket], status: bytes) -> int:
    """How many of the streams were answered with that HTTP status."""
    found = 0
    for s in streams:
        s.settimeout(0.5)
        try:
            found += s.recv(1 << 16).startswith(b"HTTP/1.1 " + status)
        except (socket.timeout, OSError):
            pass
    return found


def test_heartbeats_from_many_addresses_leave_the_server_room_to_ask(served):
    """32 addresses of 31 heartbeats each took all 1,000 of the server's connections: every
    request of anyone got 503 (an attack run, 2026-12-05). Past guard.MAX_HEARTBEATS in all
    they get a 503 and are closed; another address is still answered."""
    from assistant.guard import MAX_HEARTBEATS, MAX_HEARTBEATS_PER_CLIENT

    per_address = MAX_HEARTBEATS_PER_CLIENT - 1
    streams = []
    try:
        streams += open_heartbeats(served, {f"127.0.1.{i + 1}": per_address for i in range(MAX_HEARTBEATS // per_address + 2)})
        time.sleep(1)
        assert answered(streams, b"503") == len(streams) - MAX_HEARTBEATS
        assert ask_ok(served, source="127.0.2.1") < 5
    finally:
        for s in streams:
            s.close()


def test_open_heartbeats_do_not_hold_a_stopping_server(tmp_path):
    """A stopping server waited for never-ending heartbeat streams as long as their clients
    kept them open (an attack run, 2026-12-05); it stops within server.SHUTDOWN_GRACE_S."""
    import signal

    from assistant.server import SHUTDOWN_GRACE_S

    server = start_server(tmp_path, _corpus(tmp_path, {"team.md": NOTE}))
    served = next(server)
    streams = []
    try:
        streams += open_heartbeats(served, {"127.0.0.1": 3})
        time.sleep(1)
        os.kill(served.pid, signal.SIGTERM)
        start = time.monotonic()
        while _running(served.pid) and time.monotonic() - start < SHUTDOWN_GRACE_S + 20:
            time.sleep(0.2)
        assert not _running(served.pid), "still serving with heartbeats open"
    finally:
        for s in streams:
            s.close()
        next(server, None)


def _running(pid: int) -> bool:
    """Whether the process is alive (an exited child not yet waited for is a zombie, 'Z')."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_a_client_that_stops_reading_is_dropped(served):
    """A slow reader of a large asset holds no connection (or kernel buffers) for long."""
    from assistant.server import WRITE_STALL_S

    import gradio

    # The largest file the page may load (Gradio's plot bundle, ~4.6 MB): more than the
    # kernel's socket buffers hold, so the server must wait on the reader.
    assets = Path(gradio.__file__).parent / "templates" / "frontend" / "assets"
    largest = max(assets.glob("*.js"), key=lambda p: p.stat().st_size)
    size = largest.stat().st_size
    biggest = f"/assets/{largest.name}"
    assert size > 3_000_000, size
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    s.connect(("127.0.0.1", served.port))
    s.sendall(f"GET {biggest} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    time.sleep(WRITE_STALL_S + 5)
    s.settimeout(5)
    received, closed = 0, False
    try:
        while received < size + 10_000:
            chunk = s.recv(1 << 16)
            if not chunk:
                closed = True
                break
            received += len(chunk)
    except OSError:
        closed = True
    finally:
        s.close()
    assert closed and received < size, (closed, received)


def test_a_page_side_event_or_a_short_payload_is_a_400_not_a_traceback(served):
    """Events without a Python function (the page's own js) and payloads with too few values
    reached Gradio, which logged a 1-2.5 KB traceback each (a log flood)."""
    page_side = [d for d in events(served, "") if not d.get("backend_fn", True)]
    ask = next(d for d in events(served, "") if d.get("api_name") == "ask")
    bodies = [{"data": [None, None], "fn_index": d["id"]} for d in page_side[:3]] + [{"data": ["deploy"], "fn_index": ask["id"]}]
    assert len(bodies) > 1, "the page is expected to have page-side (js) events"
    for body in bodies:
        body.update(event_data=None, trigger_id=1, session_hash="abc")
        status, _, out = served.request("POST", "/gradio_api/queue/join", json.dumps(body).encode(),
                                        {"Content-Type": "application/json"})
        assert status == 400 and (b"no such event" in out or b"number of values" in out), (body, status, out[:200])


def _chat_text(message: dict) -> str:
    """A chat message's text as Gradio 6 sends it (content: a list of {"text", "type"} parts)."""
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


# A well-formed event whose values the page cannot produce: k outside the slider, not a
# number, not finite; a filter that is not one of the choices, or not text.
def _ask_in_one_chat(served, mount: str):
    """ask(values) -> the chat's last reply as text: the page's own `ask` event posted to the
    real queue with these values, every call in the same chat session."""
    dep = next(d for d in events(served, mount) if d.get("api_name") == "ask")
    session = uuid.uuid4().hex[:11]

    def ask(data: list) -> str:
        body = {"data": data, "event_data": None, "fn_index": dep["id"], "trigger_id": dep["targets"][0][0],
                "session_hash": session}
        status, _, out = served.request("POST", f"{mount}/gradio_api/queue/join", json.dumps(body).encode(),
                                        {"Content-Type": "application/json"})
        assert status == 200, (data, status, out[:200])
        done = read_event_stream(served, mount, session)[-1]
        assert done["msg"] == "process_completed" and done["success"], (data, str(done)[:300])
        return _chat_text(done["output"]["data"][1][-1])

    return ask


BAD_EVENT_VALUES = [
    (99, "__all__", "between 1 and 10"), (0, "__all__", "between 1 and 10"), (11, "__all__", "between 1 and 10"),
    (-1e30, "__all__", "between 1 and 10"), ("abc", "__all__", "whole number"), ("5", "__all__", "whole number"),
    (float("nan"), "__all__", "whole number"), (float("inf"), "__all__", "whole number"),
    (2.5, "__all__", "whole number"), (None, "__all__", "whole number"), (5, 7, "text only"), (5, True, "text only"),
]
GONE = "is no longer in the notes"  # an unknown filter: searched everywhere, with a notice (webrender.GONE_SCOPE)


@pytest.mark.parametrize("mount", ["", "/embed"])
def test_bad_values_in_a_well_formed_event_are_a_message_in_the_chat_not_a_traceback(served_hostile, mount):
    """k = 99 / NaN / "abc" or an unknown scope in the page's own event (right event, right
    number of values) failed in Gradio's Slider/Dropdown checks before the handler: a bare
    "Error" for the client and a 1-3 KB traceback in the log per request. Now (the events take
    their values unprocessed) the chat shows the ⚠ message, the log gets nothing, and the same
    chat then answers good questions; no stub file is written into the package."""
    served = served_hostile
    log_path = served.root / "server.log"
    log_before = log_path.stat().st_size
    ask = _ask_in_one_chat(served, mount)

    for k, scope, words in BAD_EVENT_VALUES:
        reply = ask(["When do deploys run?", k, scope, None])
        assert '<p class="error">⚠' in reply and words in reply, (k, scope, reply[:300])
    reply = ask(["When do deploys run?", 5, "no-such-note.md", None])
    assert GONE in reply and '<p class="error">' not in reply and 'class="hit"' in reply, reply[:300]
    reply = ask([12345, 3, "__all__", None])  # a number where the text goes: asked as text, as Gradio's Textbox did
    assert '<p class="error">' not in reply and 'class="hit"' in reply, reply[:300]  # fake-hash: any ranking
    reply = ask(["When do deploys run?", 3.0, "__all__", None])
    assert '<p class="error">' not in reply and 'class="hit"' in reply, reply[:300]
    time.sleep(0.5)
    logged = log_path.read_bytes()[log_before:]
    assert b"Traceback" not in logged and b"Error" not in logged, logged[:2000]
    assert len(logged.splitlines()) <= len(BAD_EVENT_VALUES), logged[:2000]
    assert not list((PROJECT_ROOT / "assistant").glob("*.pyi"))  # Gradio writes one beside any component subclass


@pytest.mark.parametrize("mount", ["", "/embed"])
def test_a_lone_surrogate_in_a_question_does_not_break_the_chat(served_hostile, mount):
    """A JSON "\\udfff" escape is valid JSON but not encodable text: a question of one lone
    surrogate (or one with a bad k, so the question is shown unsearched) made Gradio's
    serialization of the reply fail ("unexpected_error", a ~15 KB traceback in the log), and
    every later reply of that chat failed the same way. Lone surrogates now become spaces."""
    served = served_hostile
    log_path = served.root / "server.log"
    log_before = log_path.stat().st_size
    ask = _ask_in_one_chat(served, mount)

    assert "empty" in ask(["\udfff", 3, "__all__", None])
    assert "between 1 and 10" in ask(["deploy \ud800 day", 99, "__all__", None])
    assert GONE in ask(["deploy", 3, "\udc80nope.md", None])
    reply = ask(["When do deploys run?", 3, "__all__", None])  # the same chat still answers
    assert '<p class="error">' not in reply and 'class="hit"' in reply, reply[:300]
    time.sleep(0.5)
    logged = log_path.read_bytes()[log_before:]
    assert b"Traceback" not in logged and b"surrogates" not in logged, logged[:2000]


@pytest.mark.parametrize("mount", ["", "/embed"])
def test_every_filter_the_page_offers_can_be_chosen(served_hostile, mount):
    """A chapter whose heading holds a control character is offered by the dropdown as
    written, and choosing it answered "unknown filter": the handler made the control a space
    (ui._plain) before checking the scope. The page's own choices are taken as they are."""
    config = json.loads(served_hostile.request("GET", f"{mount}/config")[2])
    choices = [value for c in config["components"] if c.get("type") == "dropdown" for _, value in c["props"]["choices"]]
    chosen = next(value for value in choices if value.endswith(CONTROL_HEADING))
    ask = _ask_in_one_chat(served_hostile, mount)
    reply = ask(["How do I roll back?", 3, chosen, None])
    assert '<p class="error">' not in reply and "ROLLBACKCANARY" in reply, reply[:300]
    assert GONE in ask(["How do I roll back?", 3, chosen.replace("\x07", " "), None])  # not a choice


def test_an_event_stream_for_an_unknown_session_is_a_404_without_a_traceback(served):
    """Gradio raised inside an already started response for a session with no events: two
    tracebacks (~8 KB) in the log per GET, for any client. The guard answers 404 first; a
    session that asked a question still gets its stream."""
    log_path = served.root / "server.log"
    log_before = log_path.stat().st_size
    for mount in ("", "/embed"):
        for query in ("session_hash=nosuchsession", "session_hash=", "", "session_hash=a&session_hash=b"):
            status, _, body = served.request("GET", f"{mount}/gradio_api/queue/data?{query}".rstrip("?"), timeout=10)
            assert status == 404 and json.loads(body) == {"error": "no such session"}, (mount, query, status, body[:200])
    done = ask_ui(served, "When do deploys run?", uuid.uuid4().hex[:11], mount="/embed")
    assert "Deploys" in json.dumps(done["output"]["data"][1][-1])
    time.sleep(0.5)
    logged = log_path.read_bytes()[log_before:]
    assert b"Traceback" not in logged, logged[:2000]


@pytest.mark.parametrize("fn_index", [99, -1, 1e30, "0", None, True])
def test_an_unknown_event_is_a_400_not_a_server_error(served, fn_index):
    body = {"data": ["deploy", 1, "__all__", None], "event_data": None, "fn_index": fn_index, "trigger_id": 1,
            "session_hash": "abc"}
    status, _, out = served.request("POST", "/gradio_api/queue/join", json.dumps(body).encode(),
                                    {"Content-Type": "application/json"})
    assert status == 400 and b"no such event" in out, (status, out[:200])


@pytest.mark.parametrize("header", ["X-Gradio-Server", "X-Forwarded-Host", "X-Forwarded-Proto"])
def test_the_page_root_is_not_chosen_by_a_header(served, header):
    for path in ("/", "/embed/", "/config"):
        _, _, body = served.request("GET", path, headers={header: "http://evil.example" if "Proto" not in header else "gopher"})
        assert b"evil.example" not in body and b"gopher" not in body, (header, path)


def test_scopes_route_lists_the_filter_values(served):
    status, _, body = served.request("GET", "/api/scopes")
    assert status == 200 and "team.md" in json.loads(body)["scopes"]


# ============================================================================ answer size

def ask_ui(served: Served, question: str, session: str, mount: str = "") -> dict:
    """One question through the page's own event route; the process_completed message."""
    dep = next(d for d in events(served, mount) if d.get("api_name") == "ask")
    body = {"data": [question, 5, "__all__", None], "event_data": None, "fn_index": dep["id"],
            "trigger_id": dep["targets"][0][0], "session_hash": session}
    status, _, out = served.request("POST", f"{mount}/gradio_api/queue/join", json.dumps(body).encode(),
                                    {"Content-Type": "application/json"})
    assert status == 200, out[:200]
    done = read_event_stream(served, mount, session)[-1]
    assert done["msg"] == "process_completed" and done["success"], str(done)[:300]
    return done


def test_an_answer_is_bounded_in_bytes_whatever_the_note_holds(served):
    """A 300 KB line is cut at hits.MAX_LINE_CHARS with a visible '…' in the JSON API and
    the UI; the citation still names the whole note; a chat resent with every reply stays
    bounded in bytes however many such replies it holds."""
    from assistant.hits import MAX_HIT_CHARS, MAX_LINE_CHARS

    status, _, body = served.request("GET", "/api/ask?q=crash%20log&k=5", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200
    hit = next(h for h in json.loads(body)["hits"] if h["source"] == "logs.md")
    assert hit["truncated"] and "…" in hit["text"] and "LOGLINECANARY" in hit["text"]
    assert max(len(line) for line in hit["text"].split("\n")) <= MAX_LINE_CHARS + 1
    assert hit["url"].endswith("/logs.html#crash-log") and hit["line_end"] >= 8  # the citation: the whole note
    assert len(body) < 5 * (MAX_HIT_CHARS + 2_000) * 3  # k=5 hits, UTF-8 and JSON escaping included
    assert len(body) < len(BIG_LINE) // 2

    session = uuid.uuid4().hex[:11]
    sizes = [len(json.dumps(ask_ui(served, "crash log", session))) for _ in range(4)]
    assert "LOGLINECANARY" in json.dumps(ask_ui(served, "crash log", session))
    assert sizes[0] < len(BIG_LINE) // 2, sizes  # one reply carries the cut line, not the whole
    assert all(size < 4 * sizes[0] for size in sizes), sizes  # the chat grows by one bounded reply a turn


def test_a_chat_is_bounded_in_characters():
    from assistant.sessions import MAX_CHAT_CHARS, bounded_chat

    pair = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "x" * (MAX_CHAT_CHARS // 3)}]
    chat = bounded_chat(pair * 8)
    assert sum(len(m["content"]) for m in chat) <= MAX_CHAT_CHARS and len(chat) == 4
    huge = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "x" * (2 * MAX_CHAT_CHARS)}]
    assert bounded_chat(pair + huge) == huge  # the latest pair always stays


# ============================================================================ filter choices

def test_filter_choices_are_bounded_and_not_resent_with_every_answer(served_hostile):
    """A note with 1,500 chapters: the page's /config and /api/scopes list every note and at
    most MAX_CHAPTERS_PER_NOTE chapters of each; a reply does not carry the choices again."""
    from assistant.scopes import MAX_CHAPTERS_PER_NOTE

    for path in ("/config", "/embed/config"):
        status, _, body = served_hostile.request("GET", path)
        dropdowns = [c for c in json.loads(body)["components"] if c.get("props", {}).get("elem_id") == "scope"]
        assert status == 200 and len(dropdowns) == 1
        assert len(dropdowns[0]["props"]["choices"]) <= MAX_CHAPTERS_PER_NOTE + 10, (path, len(body))
        assert len(body) < 200_000, (path, len(body))
    status, _, body = served_hostile.request("GET", "/api/scopes")
    listed = json.loads(body)
    assert status == 200 and {"team.md", "outline.md"} <= set(listed["scopes"]) and listed["complete"] is False
    assert len(listed["scopes"]) <= MAX_CHAPTERS_PER_NOTE + 10
    unlisted = f"outline.md › Topic {MANY_HEADINGS - 1:05d} {'x' * 50}"
    assert unlisted not in listed["scopes"]
    status, _, body = served_hostile.request("GET", "/api/ask?q=line&scope=" + urllib.parse.quote(unlisted),
                                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body[:300]  # a chapter not listed is still a filter
    session = uuid.uuid4().hex[:11]
    for question in ("When do deploys run?", "Who is on call?"):
        updates = ask_ui(served_hostile, question, session)["output"]["data"]
        assert not any(isinstance(u, dict) and "choices" in u for u in updates), len(json.dumps(updates))


# ============================================================================ the server's log

def test_no_control_character_reaches_the_servers_log(served_hostile):
    """A note file named with ESC/OSC sequences (skipped: not UTF-8) is logged with visible
    stand-ins (termsafe.terminal_safe), never raw; a client's event inputs holding them with
    too few values (Gradio would print 'Received inputs' and a traceback) are refused by the
    guard before Gradio sees them."""
    dep = next(d for d in events(served_hostile, "") if d.get("api_name") == "ask")
    session = uuid.uuid4().hex[:11]
    body = {"data": ["\x1b]52;c;SGVsbG8=\x07\x1b]0;PWNED\x07"], "event_data": None, "fn_index": dep["id"],
            "trigger_id": dep["targets"][0][0], "session_hash": session}
    status, _, out = served_hostile.request("POST", "/gradio_api/queue/join", json.dumps(body).encode(),
                                            {"Content-Type": "application/json"})
    assert status == 400 and b"number of values" in out, (status, out[:200])
    time.sleep(0.5)
    log = (served_hostile.root / "server.log").read_bytes()
    assert b"skipped" in log and "evil␛]0;PWNED␇".encode() in log, log[-2000:]
    assert not any(c in log for c in (b"\x1b", b"\x07", "\x9b".encode())), log[-2000:]
    # The tenth attack run: a newline in the name printed a warning line the server never gave.
    assert "skipped forged␤WARNING: index verified".encode() in log, log[-2000:]
    assert not any(line.startswith(b"WARNING: index verified") for line in log.splitlines()), log[-2000:]


def test_a_request_framed_twice_is_refused_and_nothing_after_it_is_answered(served):
    """The tenth attack run (2026-12-01): `Content-Length: 4` with `Transfer-Encoding: chunked`
    was answered from the chunked body, and a request after it on the same connection was
    answered too (h11 kept the connection open): behind a proxy framing by Content-Length, the
    rest would be a smuggled request answered in another user's place. Now a 400 and closed."""
    import socket

    body = b'{"question": "deploy day"}'
    head = f"Host: 127.0.0.1:{served.port}\r\nAuthorization: Bearer {TOKEN}\r\n".encode()
    raw = (b"POST /api/ask HTTP/1.1\r\n" + head + b"Content-Type: application/json\r\nContent-Length: 4\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
           b"GET /api/health HTTP/1.1\r\n" + head + b"\r\n")
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as conn:
        conn.sendall(raw)
        received = b""
        while chunk := conn.recv(65536):  # the server closes the connection: recv returns b""
            received += chunk
    assert received.startswith(b"HTTP/1.1 400") and received.count(b"HTTP/1.1 ") == 1, received[:500]
    ask_ok(served)


# ============================================================================ unpublished notes

def test_notes_the_wiki_does_not_publish_are_not_served(served_hostile):
    """Jekyll's `_drafts/`, `_`-named files and folders and `published: false` are not indexed
    (wiki/published.py); `_posts/` is."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    _, _, body = served_hostile.request("GET", "/api/scopes")
    scopes = json.loads(body)["scopes"]
    assert "_posts/2024-01-01-release.md" in scopes
    assert not any(name in scopes for name in ("_drafts/reorg.md", "_private.md", "sub/_partial/snippet.md",
                                                "unpublished.md")), scopes[:10]
    for canary in ("DRAFTCANARY", "UNDERSCORECANARY", "PARTIALCANARY", "UNPUBLISHEDCANARY"):
        status, _, body = served_hostile.request("GET", f"/api/ask?q={canary}&k=50", headers=auth)
        assert status == 200 and canary not in json.dumps(json.loads(body)["hits"])
    status, _, body = served_hostile.request("GET", "/api/ask?q=POSTCANARY&k=50", headers=auth)
    assert "POSTCANARY" in json.dumps(json.loads(body)["hits"])


# ============================================================================ health without paths

def test_health_names_no_server_path(tmp_path, fake_settings):
    """/api/health needs no token: its messages keep the state but not the server's paths."""
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    class Degraded:  # SearchService.status() as it reads after a failed rebuild and a refused version
        def status(self):
            return {"status": "degraded", "chunks": 3, "index_built_at": "t", "index_version": "v-1",
                    "build_in_progress": False, "index_behind_notes": False, "watching": False,
                    "last_build_error": f"corpus folder {tmp_path}/notes does not exist; create it",
                    "refused_version": "v-2", "refused_reason": f"index manifest in {tmp_path}/index/v-2 is unreadable"}

    client = TestClient(create_app(Degraded(), fake_settings, with_ui=False), base_url="http://127.0.0.1")
    body = client.get("/api/health").json()
    assert str(tmp_path) not in json.dumps(body) and body["status"] == "degraded"
    assert body["last_build_error"] == "corpus folder <path> does not exist; create it"
    assert body["refused_reason"] == "index manifest in <path> is unreadable"


def test_health_hides_a_path_with_spaces_whole(tmp_path, fake_settings):
    """A folder name with a space ("team notes") was cut at the space: '<path> notes does not
    exist' still named part of it. The server's own folders are hidden whole (a space in their
    last name included), other paths through any folder names holding spaces."""
    import dataclasses

    from fastapi.testclient import TestClient

    from assistant.api import create_app

    base = tmp_path / "home dir"
    corpus, index = base / "team notes", base / "my index"
    settings = dataclasses.replace(fake_settings, corpus_dir=corpus, index_dir=index)

    class Degraded:
        def status(self):
            return {"status": "degraded", "chunks": 3, "index_built_at": "t", "index_version": "v-1",
                    "build_in_progress": False, "index_behind_notes": False, "watching": False,
                    "last_build_error": f"corpus folder {corpus} does not exist; create it",
                    "refused_version": "v-2",
                    "refused_reason": f"index manifest in {index}/v 2/manifest.json is unreadable; "
                                      f"cannot write /srv/shared data/x.tmp (disk full). See {corpus}."}

    client = TestClient(create_app(Degraded(), settings, with_ui=False), base_url="http://127.0.0.1")
    body = client.get("/api/health").json()
    shown = json.dumps(body)
    for fragment in ("home dir", "dir/", " notes", "my index", "index/", "manifest.json", "shared data", "data/", "x.tmp"):
        assert fragment not in shown, (fragment, body)
    assert body["last_build_error"] == "corpus folder <path> does not exist; create it"
    assert body["refused_reason"] == "index manifest in <path> is unreadable; cannot write <path> (disk full). See <path>."


# ============================================================================ cross-site GET

def test_a_cross_site_get_of_the_api_is_refused(served):
    """An <img src=.../api/ask?q=...> on another site (Sec-Fetch-Site: cross-site, no or a
    foreign Origin) is a 403 before any search; same-origin, same-site, typed and
    non-browser requests are answered."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for extra in ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
                  {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}):
        status, _, body = served.request("GET", "/api/ask?q=deploy%20day", headers={**auth, **extra})
        assert status == 403 and b"cross-site" in body, (extra, status, body[:200])
    for site in ("same-origin", "same-site", "none", None):
        extra = {"Sec-Fetch-Site": site} if site else {}
        status, _, body = served.request("GET", "/api/ask?q=deploy%20day&k=1", headers={**auth, **extra})
        assert status == 200, (site, status, body[:200])
    status, _, _ = served.request("GET", "/?q=deploy", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"})
    assert status == 200  # a wiki's link to a permalink still opens the page


# ============================================================================ loading a new version

def _dictionary_words_note(n_words: int) -> str:
    """A note of JMdict headwords (what makes a version's first load, its lexicon, slow)."""
    import sqlite3
    from contextlib import closing

    from assistant.translation import dictionary_path

    with closing(sqlite3.connect(f"file:{dictionary_path()}?mode=ro", uri=True)) as db:
        words = [w for (w,) in db.execute(
            "SELECT text FROM Kanji WHERE length(text) BETWEEN 2 AND 4 ORDER BY idseq LIMIT ?", (n_words,))]
    lines = ["".join(words[i:i + 40]) for i in range(0, len(words), 40)]
    return "# 用語\n\n" + "".join(f"## 節 {i}\n\n{line}\n\n" for i, line in enumerate(lines))


def test_questions_do_not_wait_while_a_new_version_loads(tmp_path):
    """After the watcher publishes a new version, its first load builds the version's lexicon
    (seconds; tens of seconds for notes full of dictionary words). Every question, UI and API,
    waited on that load after each edit of the notes; now the previous version answers
    meanwhile and the new one takes over once loaded."""
    corpus = _corpus(tmp_path, {"team.md": NOTE, "terms.md": _dictionary_words_note(30_000)})
    served = next(gen := start_server(tmp_path, corpus, ("--model", "fake-hash"), watch=True))
    try:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        old = json.loads(served.request("GET", "/api/health")[2])["index_version"]
        current = served.index_dir / "current"
        published_before = os.path.realpath(current)
        with (corpus / "team.md").open("a", encoding="utf-8") as note:
            note.write("\n## Releases\n\n- Releases are tagged on Fridays.\n")
        deadline = time.monotonic() + 120
        while os.path.realpath(current) == published_before:
            assert time.monotonic() < deadline, "the watcher did not publish a new version"
            time.sleep(0.05)
        published = time.monotonic()
        time.sleep(0.3)  # the watcher loads the new version right after publishing it
        start = time.monotonic()
        status, _, body = served.request("GET", "/api/ask?q=deploy%20day&k=1", headers=auth)
        waited = time.monotonic() - start
        assert status == 200, body[:200]
        while json.loads(served.request("GET", "/api/health")[2])["index_version"] == old:
            assert time.monotonic() < deadline, "the new version was never loaded"
            time.sleep(0.05)
        loading = time.monotonic() - published
        assert loading > 1.0, f"the load took {loading:.2f} s: too short for this test to tell"
        assert waited < loading / 2, (waited, loading)
        status, _, body = served.request("GET", "/api/ask?q=releases%20fridays&k=3", headers=auth)
        assert status == 200 and "Fridays" in body.decode(), body[:300]  # the new version answers
    finally:
        next(gen, None)


@pytest.mark.parametrize("path", ["/gradio_api/queue/join", "/embed/gradio_api/queue/join", "/gradio_api/cancel"])
@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e309"])
def test_numbers_standard_json_has_not_are_a_400_not_a_server_error(served, path, number):
    # A fresh attacker (2026-12-01): Gradio's validation error handler could not encode these
    # back, so each request was a 500 with a ~16 KB traceback in the log (1.5 MB/s from one client).
    body = ('{"data": ["deploy", 1, "__all__", null], "event_data": null, "fn_index": %s, "trigger_id": %s, '
            '"session_hash": "abc", "event_id": "e"}' % (number, number)).encode()
    status, _, out = served.request("POST", path, body, {"Content-Type": "application/json"})
    assert status == 400 and b"cannot take" in out, (status, out[:200])


@pytest.mark.parametrize("path, body", [
    ("/gradio_api/cancel", '{"session_hash": ["\\ud800"], "fn_index": 1, "event_id": "x"}'),
    ("/gradio_api/cancel", '{"session_hash": "a", "fn_index": 1, "event_id": "\\udc00x"}'),
    ("/gradio_api/queue/join", '{"data": ["a", 5, null, null], "fn_index": %s, "session_hash": "a", "trigger_id": ["\\udc00"]}'),
    ("/embed/gradio_api/queue/join", '{"data": ["a", 5, null, null], "fn_index": %s, "session_hash": ["\\ud800"], "trigger_id": 1}'),
])
def test_a_lone_surrogate_in_a_gradio_field_is_a_400_not_a_server_error(served, path, body):
    # A fresh attacker (2026-12-01), after the NaN fix: Gradio echoed the field in its
    # validation error, whose UTF-8 encoding failed: a 500 and ~15 KB of traceback each.
    if "%s" in body:
        ask = next(d for d in events(served, "/embed" if path.startswith("/embed") else "") if d.get("api_name") == "ask")
        body = body % ask["id"]
    status, _, out = served.request("POST", path, body.encode(), {"Content-Type": "application/json"})
    assert status == 400 and b"cannot take" in out, (status, out[:200])
