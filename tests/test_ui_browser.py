"""The chat UI in a real browser (Debian Chromium via Playwright) against a real server.

Covers: answers in Japanese and English with heading and citation link, follow-ups sending
history, the example wiki page embedding the assistant in an iframe, and notes carrying
script/HTML that must never execute, and everything issue 17 asked of the page (each test says
which defect it covers), ending with a new user's walkthrough on a desktop, a phone and a 400 px
wiki panel. Set ASSISTANT_SCREENSHOT=1 to refresh docs/screenshot-ja.png from that walkthrough. A few fast tests of the HTML rendering (no browser) come first.
"""
from __future__ import annotations

import dataclasses
import functools
import http.server
import os
import shutil
import re
import threading
import urllib.parse
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

from assistant.api import create_app
from assistant.config import PROJECT_ROOT, from_env
from assistant.webrender import section_html

from conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
JA_QUESTION = "SQSの可視性タイムアウトとは？"
EN_QUESTION = "What is the X-Ray trace header?"
TIMEOUT = 30_000


# --- rendering, no browser -------------------------------------------------------------------

def test_marks_answer_lines_in_lists_paragraphs_and_code():
    # "plain." ends its sentence: the next line is an answer line of its own (answeritems.item_spans).
    text = "### T\n- first\n  - nested `code`\n\nplain.\nsecond line\n\n```python\nx = 1\ny = 2\n```\n"
    out = section_html(text, first_line=100, highlight=(109, 102, 105))  # best first
    assert '<mark class="hl rank-2">nested <code>code</code></mark>' in out
    assert '<mark class="hl rank-3">second line</mark>' in out and "plain.</mark>" not in out
    assert '<span class="hl rank-1">y = 2</span>' in out and 'x = 1</span>' not in out
    assert "<ul>" in out and "<pre><code>" in out


def test_raw_html_in_notes_is_neutralised():
    text = ('<script>alert(1)</script>\n<img src=x onerror="alert(2)">\n[x](javascript:alert(3))\n'
            '<iframe src="javascript:alert(4)"></iframe>\n')
    out = section_html(text)
    for bad in ("<script", "<img", "<iframe", "href=\"javascript"):
        assert bad not in out  # onerror= etc. survive only as escaped text
    assert "&lt;script&gt;" in out


def _code_lines(md, text: str, first_line: int) -> set[int]:
    """Source line numbers shown as code (fence marker lines excluded) when `text` is rendered."""
    import re

    source, lines = text.split("\n"), set()
    for t in md.parse(text):
        if t.type in ("fence", "code_block") and t.map:
            for i in range(t.map[0] + (t.type == "fence"), t.map[1]):
                if not (t.type == "fence" and re.match(r"^\s*(```|~~~)", source[i])):
                    lines.add(i + first_line)
    return lines


def test_every_section_renders_its_code_as_the_whole_note_does(built_settings):
    """A chunk cut from inside a nested list or a long fence shows code exactly where the whole
    note does (21 of 166 sections were a grey code box: 「S3の署名付きURLとは？」)."""
    import json

    from assistant.mdparser import markdown
    from assistant.webrender import outdent

    md = markdown()
    chunks = [json.loads(line) for line in (built_settings.index_dir / "current" / "chunks.jsonl").open(encoding="utf-8")]
    notes = {}
    for c in chunks:
        if c["source"] not in notes:
            note = (built_settings.corpus_dir / c["source"]).read_text(encoding="utf-8")
            notes[c["source"]] = _code_lines(md, note, 1)
        text, added = outdent(c["text"])
        in_chunk = _code_lines(md, text, c["line_start"] - added) & set(range(c["line_start"], c["line_end"] + 1))
        note_code = notes[c["source"]] & set(range(c["line_start"], c["line_end"] + 1))
        assert in_chunk == note_code, (c["heading_path"], sorted(in_chunk ^ note_code)[:5])


def test_a_chunk_from_a_nested_list_or_a_fence_keeps_its_shape():
    nested = "    - **signed URL**\n      - temporary access\n        - expires\n  - sibling\n"
    out = section_html(nested, first_line=10, highlight=(11,))
    assert "<pre" not in out and out.count("<ul>") >= 2 and '<mark class="hl rank-1">temporary access</mark>' in out
    in_fence = "      x: 1\n        y: 2\n    ```\n  - after the code\n    ```yaml\n    z: 3\n    ```\n"
    out = section_html(in_fence, first_line=20, highlight=(21,))
    assert '<span class="hl rank-1">    y: 2</span>' in out and '<code>  x: 1' in out and "after the code</li>" in out and out.count("<pre>") == 2


# --- browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing; install it with `apt-get install -y chromium` (scripts/test.sh does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """Factory: new_page(width=1200, height=900, locale="ja-JP", **context_options) -> a page
    in a browser context of its own (playwright's new_context options: is_mobile, permissions,
    ...), its dialogs recorded in `page.dialogs` and dismissed; `page.context` is the context.
    Every context opened is closed when the test ends."""
    contexts = []

    def open_page(width: int = 1200, height: int = 900, locale: str | None = "ja-JP", **options):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A 1200x900 page with the ja-JP locale (new_page's defaults)."""
    return new_page()


def test_every_page_comes_from_the_new_page_fixture():
    """One place opens and closes browser contexts: a test with a context of its own repeats
    the set-up, misses the dialog recorder, and must remember to close it."""
    import ast

    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name != "new_page":
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Attribute) and n.attr == "new_context"]
            assert not calls, f"{node.name} opens a browser context itself: take `new_page` (or `page`)"


class RecordingService:
    """The real SearchService, remembering the history each question arrived with."""

    def __init__(self, service):
        self._service, self.calls, self.answers = service, [], []

    def search(self, question, top_k=None, history=(), scope=None):
        self.calls.append((question, tuple(history)))
        self.answers.append(self._service.search(question, top_k, history, scope))
        return self.answers[-1]

    def __getattr__(self, name):
        return getattr(self._service, name)


@pytest.fixture
def static_server(tmp_path):
    """A tiny http.server on another free port (a different origin, like a real wiki)."""
    root = tmp_path / "site"
    root.mkdir()
    port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def wait_loaded(frame) -> None:
    """The page-load event has run: labels follow the browser language (ja-JP here)."""
    from assistant.ui import TEXT

    frame.locator(f'#question textarea[placeholder="{TEXT["ja"]["placeholder"]}"]').wait_for(timeout=TIMEOUT)


def expand(answer) -> None:
    """Open every collapsed part of a reply (the whole sections and the other hits)."""
    answer.evaluate("el => el.querySelectorAll('details').forEach(d => { d.open = true; })")


def ask(frame, question: str, n_answers: int):
    frame.locator("#question textarea").fill(question)
    frame.locator("#send").click()
    answer = frame.locator("#chat .answer").nth(n_answers - 1)
    answer.wait_for(timeout=TIMEOUT)
    error = answer.locator(".error")
    assert error.count() == 0 or question.strip() == "", error.inner_text()
    return answer


def open_notes(live_server, page, folder, notes: dict[str, str], **settings) -> str:
    """Serve `notes` (path -> markdown, written under `folder`/corpus) with a real server,
    open its page and return the server's URL."""
    from assistant.service import SearchService

    corpus = folder / "corpus"
    for name, text in notes.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    config = from_env({}, corpus_dir=corpus, index_dir=folder / "index", **settings)
    base = live_server(create_app(SearchService(config, progress=False), config))
    page.goto(base + "/")
    wait_loaded(page)
    return base


def test_answers_japanese_and_english_with_citations(live_server, page, search_service, built_settings, tmp_path):
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    first = ask(page, JA_QUESTION, 1)
    assert "Amazon SQS (Simple Queue Service)" in first.locator(".crumb").first.inner_text()
    link = first.locator("a.cite").first
    assert link.get_attribute("href").startswith(built_settings.wiki_base_url.rstrip("/") + "/aws-developer-associate.html#")
    assert "cite-target" + built_settings.link_target in link.get_attribute("class")  # read by ui.HEAD's script
    assert "aws-developer-associate.md" in link.inner_text() and "L" in link.inner_text()
    assert first.locator(".copy-cite").count() >= 1
    if any(hit.highlight_lines for hit in search_service.search(JA_QUESTION).hits):
        assert first.locator("mark.hl.rank-1, pre span.hl.rank-1").count() >= 1
    assert page.locator("#send").inner_text().strip() == "質問する"  # labels follow the question

    follow = ask(page, "その最大値は？", 2)
    assert follow.locator(".hit").count() >= 1
    assert service.calls[-1] == ("その最大値は？", (JA_QUESTION,))

    english = ask(page, EN_QUESTION, 3)
    assert "AWS X-Ray" in english.locator(".crumb").first.inner_text()
    assert page.locator("#send").inner_text().strip() == "Ask"
    assert service.calls[-1] == (EN_QUESTION, (JA_QUESTION, "その最大値は？"))

    page.locator("#clear").click()
    page.locator("#chat .answer").first.wait_for(state="detached", timeout=TIMEOUT)
    ask(page, "   ", 1)
    assert page.locator("#chat .answer .error").count() == 1  # visible message, no traceback
    assert "Traceback" not in page.content()


def test_permalink_asks_on_load(live_server, page, search_service, built_settings):
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/?q=" + EN_QUESTION.replace(" ", "%20"))
    answer = page.locator("#chat .answer").first
    answer.wait_for(timeout=TIMEOUT)
    assert "AWS X-Ray" in answer.locator(".crumb").first.inner_text()


def test_wiki_page_embeds_the_assistant(live_server, static_server, page, search_service, built_settings):
    root, wiki = static_server
    settings = dataclasses.replace(built_settings, allowed_origins=(wiki,))
    base = live_server(create_app(search_service, settings))
    html = (PROJECT_ROOT / "examples" / "wiki.html").read_text(encoding="utf-8")
    assert 'src="/embed/"' in html
    (root / "wiki.html").write_text(html.replace('src="/embed/"', f'src="{base}/embed/"'), encoding="utf-8")
    page.goto(wiki + "/wiki.html")
    frame = page.frame_locator("#assistant")
    wait_loaded(frame)
    answer = ask(frame, JA_QUESTION, 1)
    assert "Amazon SQS (Simple Queue Service)" in answer.locator(".crumb").first.inner_text()
    assert not frame.locator("#header").is_visible()  # ?embed=1: no header chrome
    page.goto(base + "/embed/")
    page.locator("#question textarea").wait_for(timeout=TIMEOUT)
    assert not page.locator("#header").is_visible()


XSS_NOTE = """# XSS test note

## Zebra pineapple section

Zebra pineapple facts live here.
<script>window.__xss=1</script>
<img src=x onerror="window.__xss=2">
[click me](javascript:window.__xss=3)
<iframe src="javascript:window.__xss=4"></iframe>
<a href="#" onclick="window.__xss=5">link</a>

- list item <img src=y onerror="alert('xss')">

```html
<script>window.__xss=6</script>
```
"""


def test_html_in_notes_never_executes(live_server, page, tmp_path):
    open_notes(live_server, page, tmp_path, {"xss.md": XSS_NOTE, "other.md": "# Other\n\n## Lambda\n\nAWS Lambda runs code.\n"})
    answer = ask(page, "zebra pineapple facts", 1)
    assert "Zebra pineapple section" in answer.locator(".crumb").first.inner_text()
    expand(answer)
    assert "<script>window.__xss=1</script>" in answer.inner_text()  # shown as text
    answer.locator("text=click me").first.click()
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []
    assert answer.locator("script, iframe, img[onerror], [onclick], a[href^='javascript']").count() == 0


PERMALINK_MARKUP = (  # ../shared/cases/security/permalink-markup: markdown link, image and a mermaid fence, CR-separated
    "[**Your session expired - sign in again**](https://evil.example/login)\r![](https://evil.example/pixel.png)\r"
    "```mermaid\rflowchart TD\rA[\"<b>IT notice</b><br><a href='https://evil.example/x'>Re-enter your password</a>\"]\r```"
    "\r$$\\color{red}\\Huge\\text{SESSION EXPIRED}$$"  # KaTeX
)


@pytest.mark.parametrize("mount", ["/", "/embed/"])
def test_a_permalink_question_is_shown_as_plain_text(live_server, page, search_service, built_settings, mount):
    from urllib.parse import quote

    base = live_server(create_app(search_service, built_settings))
    page.goto(base + mount + "?q=" + quote(PERMALINK_MARKUP))
    page.locator("#chat .answer").first.wait_for(timeout=TIMEOUT)
    chat = page.locator("#chat")
    assert chat.locator("a[href*='evil.example'], img[src*='evil.example'], .mermaid, svg a, .katex").count() == 0
    assert "Your session expired" in chat.inner_text() and "evil.example/login" in chat.inner_text()


MERMAID_NOTE = "# Diagram\n\n## Flow chart notes\n\nThe deploy flow chart follows.\n\n```x\tmermaid\nflowchart TD\n  A[\"<a href='https://evil.example'>click</a>\"]\n```\n"


def test_a_note_cannot_give_its_code_block_a_class(live_server, page, tmp_path):
    """../shared/cases/security/note-mermaid-class: a tab in the info string made `mermaid` a class."""
    open_notes(live_server, page, tmp_path, {"diagram.md": MERMAID_NOTE}, model="fake-hash")
    answer = ask(page, "deploy flow chart", 1)
    expand(answer)
    assert "flowchart TD" in answer.inner_text()
    page.wait_for_timeout(1000)  # mermaid, if it ran, would have replaced the block by now
    assert answer.locator(".mermaid, svg, a[href*='evil.example']").count() == 0
    classes = answer.evaluate("el => [...el.querySelectorAll('[class]')].flatMap(e => [...e.classList])")
    from assistant.webrender import _CLASSES
    assert set(classes) <= _CLASSES, set(classes) - _CLASSES


def test_an_answer_in_a_collapsed_block_is_said_to_be_in_it(live_server, page, tmp_path):
    """The link lands on the heading; the answer inside a closed <details> is not on the
    wiki's screen until opened (a fresh user, 2026-12-06): the reply names the block, in the
    browser, under the citation."""
    case = Path(__file__).parent / "cases" / "oncall-rows"
    open_notes(live_server, page, tmp_path, {"oncall.md": (case / "oncall.md").read_text(encoding="utf-8")})
    answer = ask(page, "How do I set up the pager app?", 1)
    note = answer.locator(".lead .collapsed-note")
    assert note.count() == 1 and note.is_visible()
    assert "collapsed block “Pager setup”" in note.inner_text()
    again = ask(page, "What is the response time for SEV1?", 2)
    assert again.locator(".lead .collapsed-note").count() == 0  # its best line is in view


def test_question_text_drops_invisible_and_direction_characters():
    from assistant.ui import _plain

    assert _plain("a\u202eb\u2066c\u200bd\ufeffe\rf") == "a b c d e f"
    with pytest.raises(Exception, match="text only"):
        _plain({"path": "/etc/passwd"})


# --- issue 17: each reply opens at its answer ------------------------------------------------

WEAK_QUESTION = "What is Azure Cosmos DB?"  # a service the notes never mention: "not in the notes"
VIEWPORTS = {"desktop": (1200, 900), "phone": (360, 740)}


def lead_in_view(frame) -> dict:
    """Where the newest reply's answer line is, seen from inside its own document: on screen
    (inside the window and not hidden by the chat's scrolling) and how large its text is."""
    return frame.locator("#chat .answer").last.evaluate("""answer => {
        const line = answer.querySelector('.lead-line') || answer.querySelector('.notice');
        const r = line.getBoundingClientRect();
        const x = r.left + Math.min(r.width / 2, 40), y = r.top + Math.min(r.height / 2, 12);
        const hit = document.elementFromPoint(x, y);
        return {top: r.top, bottom: r.bottom, height: window.innerHeight, visible: !!hit && line.contains(hit),
                font: parseFloat(getComputedStyle(line).fontSize)};
    }""")


def check_reply_opens_at_its_answer(frame, question: str, n: int, service) -> None:
    """After asking: the best line (with its citation) is on screen, large; the other hits are
    collapsed; the top hit's marks are numbered best first, from Hit.highlight_lines."""
    answer = ask(frame, question, n)
    answer.page.wait_for_timeout(300)  # let the reply's own scrolling settle
    where = lead_in_view(frame)
    assert where["visible"] and 0 <= where["top"] and where["bottom"] <= where["height"], (question, where)
    assert where["font"] >= 16, where
    from assistant.webrender import merge_hits

    expected = merge_hits(service.answers[-1].hits)  # what the page was sent (asked with the chat's history)
    best = expected[0]
    lead = answer.locator(".lead")
    assert lead.locator("a.cite").inner_text().startswith(best.chunk.source)
    if best.highlight_lines:
        line = best.chunk.text.split("\n")[best.highlight_lines[0] - best.chunk.line_start]
        words = [w for w in re.split(r"[\s*`:：|-]+", line) if len(w) > 1][:3]
        assert all(w in lead.locator(".lead-line").inner_text() for w in words), (line, lead.inner_text())
        ranks = answer.locator(".context .section .hl").evaluate_all(
            "els => els.map(e => +[...e.classList].find(c => c.startsWith('rank-')).slice(5))")
        assert sorted(ranks) == list(range(1, len(best.highlight_lines) + 1)), ranks  # one mark per line, 1 = best
    others = answer.locator("details.hit")
    assert others.count() == len(expected) - 1
    assert others.evaluate_all("els => els.every(d => !d.open)")
    assert answer.locator("details.context").evaluate("d => !d.open")


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_each_reply_opens_at_its_answer_line(live_server, new_page, search_service, built_settings, device):
    width, height = VIEWPORTS[device]
    page = new_page(width, height, is_mobile=device == "phone", has_touch=device == "phone")
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    questions = ["SQSの可視性タイムアウトの最大値は？", "Lambdaのタイムアウトの最大値は？", EN_QUESTION, "S3の署名付きURLとは？"]
    for n, question in enumerate(questions, 1):
        check_reply_opens_at_its_answer(page, question, n, service)
        # The chat's trash icon never covers the question just asked (it sat over it at 360 px).
        icon = page.locator("#chat .top-panel button").first.bounding_box()
        bubble = page.locator("#chat .user-row").last.bounding_box()
        assert icon and bubble and (icon["x"] >= bubble["x"] + bubble["width"] or icon["y"] + icon["height"] <= bubble["y"]
                                    or icon["y"] >= bubble["y"] + bubble["height"]), (icon, bubble)
    weak = ask(page, WEAK_QUESTION, len(questions) + 1)
    assert "weak" in weak.get_attribute("class") and weak.locator(".notice").is_visible()
    strong = page.locator("#chat .answer").first
    colours = [a.locator(".lead").evaluate("e => getComputedStyle(e).backgroundColor") for a in (weak, strong)]
    assert colours[0] != colours[1]  # weak matches do not look like answers


def test_a_reply_in_a_400px_iframe_opens_at_its_answer(live_server, static_server, new_page, search_service, built_settings):
    root, wiki = static_server
    settings = dataclasses.replace(built_settings, allowed_origins=(wiki,))
    service = RecordingService(search_service)
    base = live_server(create_app(service, settings))
    (root / "panel.html").write_text(
        f'<!doctype html><meta charset="utf-8"><body style="margin:0"><p style="height:40px">wiki</p>'
        f'<iframe id="assistant" src="{base}/embed/" style="width:400px;height:640px;border:0"></iframe>',
        encoding="utf-8")
    page = new_page(1000, 720)
    page.goto(wiki + "/panel.html")
    frame = page.frame_locator("#assistant")
    wait_loaded(frame)
    # The question box and the Ask button show in the frame docs/embedding.md gives (the
    # full page with ?embed=1, which that snippet used, put Ask at 670 px of 640: a wiki owner).
    # "Clear chat" and the options too: the page was 766 px tall, Clear below the fold.
    for control in ("#question textarea", "#send", "#clear", "#k", "#scope"):
        box = frame.locator(control).bounding_box()
        assert box["y"] + box["height"] <= 40 + 640, (control, box)
    for n, question in enumerate(["SQSの可視性タイムアウトの最大値は？", EN_QUESTION], 1):
        check_reply_opens_at_its_answer(frame, question, n, service)
        box = frame.locator("#chat .answer").last.locator(".lead-line").bounding_box()  # page coordinates
        assert box["y"] >= 40 and box["y"] + min(box["height"], 20) <= 40 + 640, box


# --- issue 17: sections as the wiki shows them, citations that keep the chat, copy as text ----

def test_a_section_cut_from_a_nested_list_shows_as_a_list(live_server, page, search_service, built_settings):
    """「S3の署名付きURLとは？」 was a grey code box of raw markdown (the chunk starts at an indented item)."""
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    answer = ask(page, "S3の署名付きURLとは？", 1)
    expand(answer)
    assert answer.locator(".context .section li").filter(has_text="署名付きURL").count() >= 1
    assert answer.locator(".context .section li").count() >= 2
    # No section anywhere in the reply shows list markdown as code.
    code = answer.locator(".section pre").evaluate_all("els => els.map(e => e.textContent)")
    assert not any(re.search(r"^\s*- \S|\*\*", text, re.M) for text in code), code
    assert "**" not in answer.locator(".context .section").inner_text()


def test_copy_gives_text_not_html(live_server, new_page, search_service, built_settings):
    """../shared/cases/retrieval/ui-copy-html: the copy icon copied the reply's HTML."""
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    answer = ask(page, "put-retention-policy & <retention> の使い方は？", 1)
    answer.locator(".lead .copy-cite").click()
    page.wait_for_timeout(300)
    copied = page.evaluate("navigator.clipboard.readText()")
    best = service.answers[-1].hits[0]
    lines = copied.split("\n")
    assert lines[0] == best.chunk.breadcrumb
    assert lines[1].startswith(f"{best.chunk.source}  L{best.chunk.line_start}") and lines[1].endswith(best.url)
    assert len(lines) == 2 + service.answers[-1].no_answer + len([n for n in best.highlight_lines if best.chunk.text.split("\n")[n - best.chunk.line_start].strip()])
    assert "<" not in "".join(lines[:2]) and 'class="' not in copied and "**" not in copied
    # Gradio's own copy button (which copied message HTML) is gone from the chat.
    labels = page.locator("#chat button:not(.copy-cite)").evaluate_all(
        "bs => bs.map(b => (b.getAttribute('aria-label') || '') + (b.title || '')).join(' ')")
    assert "opy" not in labels, labels


def test_copy_in_a_frame_without_clipboard_permission(live_server, static_server, new_page, search_service,
                                                     built_settings):
    """A fresh user (heldout27): in a wiki page's iframe without `allow="clipboard-write"`, the
    copy button showed a tick and copied nothing (the clipboard API is refused there). It copies
    by the older copy command; where that fails too, it says so and shows the text, selected."""
    root, wiki = static_server
    base = live_server(create_app(search_service, dataclasses.replace(built_settings, allowed_origins=(wiki,))))
    (root / "plain.html").write_text(f'<iframe id="assistant" src="{base}/embed/" width="900" height="800"></iframe>',
                                     encoding="utf-8")
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto(wiki + "/plain.html")
    frame = page.frame_locator("#assistant")
    wait_loaded(frame)
    answer = ask(frame, JA_QUESTION, 1)
    button = answer.locator(".lead .copy-cite")
    button.click()
    expect_text = button.locator(".cite-text").evaluate("t => [...t.children].map(s => s.textContent).join('\\n')")
    page.wait_for_timeout(300)
    assert page.evaluate("navigator.clipboard.readText()") == expect_text
    assert "copied" in button.get_attribute("class")
    # Where no way of copying works, no tick: the text to copy by hand, selected.
    page.evaluate("navigator.clipboard.writeText('before')")
    for f in page.frames:
        f.evaluate("document.execCommand = () => false")
    button.click()
    page.wait_for_timeout(300)
    assert "copy-failed" in button.get_attribute("class") and "copied" not in button.get_attribute("class").split()
    by_hand = answer.locator(".lead textarea.copy-by-hand")
    assert by_hand.is_visible() and by_hand.input_value() == expect_text
    assert by_hand.evaluate("a => document.activeElement === a && a.selectionEnd - a.selectionStart === a.value.length")
    assert page.evaluate("navigator.clipboard.readText()") == "before"


def test_a_citation_opens_a_new_tab_and_keeps_the_chat(live_server, new_page, search_service, built_settings):
    page = new_page()
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    ask(page, JA_QUESTION, 1)
    href = page.locator("#chat .answer .lead a.cite").get_attribute("href")
    page.context.route("https://wiki.example.com/**", lambda route: route.fulfill(body="<h1>wiki</h1>", content_type="text/html"))
    with page.context.expect_page() as opened:
        page.locator("#chat .answer .lead a.cite").click()
    assert opened.value.url == href
    assert page.url.startswith(base) and page.locator("#chat .answer").count() == 1  # the chat is still there


def test_a_citation_in_the_wiki_panel_opens_in_the_wiki_and_the_chat_comes_back(
        live_server, new_page, built_settings):
    from assistant.service import SearchService

    port = free_port()
    wiki = f"http://127.0.0.1:{port}"  # the wiki the citations point at (same site as the pages)
    settings = dataclasses.replace(built_settings, allowed_origins=(wiki,), wiki_base_url=wiki)
    service = RecordingService(SearchService(settings, progress=False))
    base = live_server(create_app(service, settings))

    class WikiPage(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # every page of this wiki: its path as the title, the assistant beside it
            body = (f'<!doctype html><meta charset="utf-8"><h1>{self.path}</h1><iframe id="assistant" '
                    f'src="{base}/embed/" style="width:400px;height:640px;border:0"></iframe>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), WikiPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = new_page(1000, 760)
    try:
        page.goto(wiki + "/home/")
        frame = page.frame_locator("#assistant")
        wait_loaded(frame)
        ask(frame, JA_QUESTION, 1)
        ask(frame, "その最大値は？", 2)
        link = frame.locator("#chat .answer").last.locator(".lead a.cite")
        href = link.get_attribute("href")
        link.click()
        page.wait_for_url(href, timeout=TIMEOUT)  # the wiki page itself went to the citation
        assert page.locator("h1").inner_text() == href[len(wiki):].split("#")[0] and len(page.context.pages) == 1
        frame = page.frame_locator("#assistant")
        frame.locator("#chat .answer").nth(1).wait_for(timeout=TIMEOUT)  # both replies are back
        assert frame.locator("#chat .answer").count() == 2
        ask(frame, "デフォルト値は？", 3)  # and follow-ups still know the earlier questions
        assert service.calls[-1] == ("デフォルト値は？", (JA_QUESTION, "その最大値は？"))
    finally:
        server.shutdown()
        server.server_close()


# --- issue 17: /embed with or without the slash, the example page, /docs offline -------------

@pytest.mark.parametrize("path", ["/embed", "/embed/", "/embed?q=" + JA_QUESTION])
def test_embed_works_with_and_without_the_slash(live_server, page, search_service, built_settings, path):
    """`/embed` is the URL printed at start-up; it was a 404."""
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + path)
    assert page.url.split("?")[0] == base + "/embed/"
    if "?q=" in path:  # the query string survives the redirect
        answer = page.locator("#chat .answer").first
        answer.wait_for(timeout=TIMEOUT)
    else:
        wait_loaded(page)
        answer = ask(page, JA_QUESTION, 1)
    assert "Amazon SQS (Simple Queue Service)" in answer.locator(".crumb").first.inner_text()
    assert not page.locator("#header").is_visible()


def test_the_example_wiki_page_is_served_and_says_how_when_opened_as_a_file(live_server, page, search_service, built_settings):
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/example/wiki.html")
    frame = page.frame_locator("#assistant")
    wait_loaded(frame)
    answer = ask(frame, JA_QUESTION, 1)
    assert "Amazon SQS (Simple Queue Service)" in answer.locator(".crumb").first.inner_text()
    page.goto((PROJECT_ROOT / "examples" / "wiki.html").as_uri())
    assert page.locator("#opened-as-file").is_visible() and page.locator("iframe").count() == 0
    assert "/example/wiki.html" in page.locator("#opened-as-file").inner_text()


def test_api_docs_work_offline(live_server, new_page, search_service, built_settings):
    """/docs was blank offline: Swagger UI came from a CDN. Every other host is unreachable here."""
    base = live_server(create_app(search_service, built_settings))
    page = new_page(locale=None)
    elsewhere = []

    def offline(route):
        if route.request.url.startswith(base + "/"):
            return route.continue_()
        elsewhere.append(route.request.url)
        return route.abort()

    page.context.route("**/*", offline)
    page.goto(base + "/docs")
    paths = page.locator(".opblock-summary-path")
    paths.first.wait_for(timeout=TIMEOUT)
    listed = paths.all_inner_texts()
    assert {"/api/ask", "/api/scopes", "/api/health"} <= {p.strip().replace("\u200b", "") for p in listed}, listed
    assert elsewhere == []
    page.locator(".opblock-post .opblock-summary").first.click()  # POST /api/ask
    responses = page.locator(".opblock-post .responses-table").first
    responses.wait_for(timeout=TIMEOUT)
    text = responses.inner_text()
    assert '"error": "the request body is not valid JSON"' in text and "HTTPValidationError" not in text
    assert page.locator(".models").get_by_text("AnswerOut").count() >= 1


# --- issue 17: clear, filter, language, accessibility, layout, long and markdown questions ----

class ScopeRecordingService(RecordingService):
    def __init__(self, service):
        super().__init__(service)
        self.scopes = []

    def search(self, question, top_k=None, history=(), scope=None):
        self.scopes.append(scope)
        return super().search(question, top_k, history, scope)


def test_an_example_question_is_asked_in_one_click(live_server, page, search_service, built_settings):
    """A click on an example only filled the box; readers waited for an answer (heldout7 tester)."""
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    example = page.locator("#examples button:visible").first
    question = example.inner_text().strip()
    example.click()
    page.locator("#chat .answer").first.wait_for(timeout=TIMEOUT)
    assert service.calls and service.calls[-1][0] == question


def test_clear_chat_resets_the_follow_up_history(live_server, page, search_service, built_settings):
    """The trash icon cleared the screen but not the history; both clear controls reset both."""
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    for control in ("#clear", "#chat button.icon-button[aria-label]"):  # ours, then the chat's own trash icon
        ask(page, JA_QUESTION, 1)
        assert "q=" in page.url
        page.locator(control).first.click()
        page.locator("#chat .answer").first.wait_for(state="detached", timeout=TIMEOUT)
        page.wait_for_timeout(500)
        assert "q=" not in page.url and page.evaluate("sessionStorage.getItem('notes-assistant-chat')") is None
        ask(page, "その最大値は？", 1)
        assert service.calls[-1] == ("その最大値は？", ()), control  # no history left from before the clear
        page.locator("#clear").click()
        page.locator("#chat .answer").first.wait_for(state="detached", timeout=TIMEOUT)


def test_thanks_after_an_answer_gets_a_short_reply_and_no_matches(live_server, page, search_service, built_settings):
    """A fresh user (museum wiki, 2026-12-05): "thanks!" and 「こんにちは」 got "not in the notes"
    over three weak matches, the closest lines ASCII art from a diagram."""
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    assert ask(page, JA_QUESTION, 1).locator(".hit").count() >= 1
    thanks = ask(page, "ありがとう！", 2)
    assert thanks.inner_text().strip() == "ノートについて、何でも聞いてください。"
    assert thanks.locator(".hit").count() == 0
    # A reply, not a warning: the notice's ⚠ read as an error (a second fresh user, 2026-12-05).
    invite = thanks.locator(".invite")
    assert invite.evaluate("el => getComputedStyle(el, '::before').content") in ("none", "normal")


def scope_names(service) -> dict[str, str]:
    """Every filter value (a path) -> the name the page shows for it (the note's title)."""
    from assistant.scopes import titled_scopes

    return titled_scopes(service.searcher.scopes(), service.searcher.note_titles)


def test_a_filtered_reply_names_the_filter_and_searches_everywhere_in_one_click(live_server, page, search_service, built_settings):
    service = ScopeRecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    chapter = next(s for s in search_service.searcher.scopes() if "第1章" in s)
    page.goto(base + "/")
    wait_loaded(page)
    page.locator("#scope input").click()
    page.get_by_role("option", name=scope_names(search_service)[chapter]).click()
    answer = ask(page, JA_QUESTION, 1)
    assert service.scopes[-1] == chapter
    note = answer.locator(".scope-note")
    assert scope_names(search_service)[chapter] in note.inner_text()
    note.locator(".search-all").click()
    everywhere = page.locator("#chat .answer").nth(1)
    everywhere.wait_for(timeout=TIMEOUT)
    assert service.scopes[-1] is None and service.calls[-1] == (JA_QUESTION, ())  # not its own follow-up
    assert everywhere.locator(".scope-note").count() == 0
    assert "Amazon SQS (Simple Queue Service)" in everywhere.locator(".crumb").first.inner_text()


def test_the_ui_language_follows_the_conversation_not_a_keyword(live_server, new_page, search_service, built_settings):
    page = new_page(locale="en-US")
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    page.locator('#question textarea[placeholder^="Ask"]').wait_for(timeout=TIMEOUT)
    ask(page, JA_QUESTION, 1)
    assert page.locator("#send").inner_text().strip() == "質問する"
    # The page's language follows, for screen readers (it stayed "en": a fresh user).
    page.wait_for_function("document.documentElement.lang === 'ja'", timeout=TIMEOUT)
    keyword = ask(page, "EC2", 2)
    assert page.locator("#send").inner_text().strip() == "質問する"  # one English keyword keeps Japanese
    assert keyword.locator(".lead-label").inner_text().strip() in ("答えの行", "最も近い行（弱い一致）")
    ask(page, "   ", 3)
    assert page.locator("#send").inner_text().strip() == "質問する"
    english = ask(page, EN_QUESTION, 4)
    assert page.locator("#send").inner_text().strip() == "Ask" and english.get_attribute("lang") == "en"
    page.wait_for_function("document.documentElement.lang === 'en'", timeout=TIMEOUT)


CONTRAST_JS = """
function lum(c) { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
  .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4); return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
function ratio(a, b) { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
function background(el) { for (let n = el; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor;
  if (!/rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; }
"""


def test_accessibility_label_contrast_and_focus_ring(live_server, page, search_service, built_settings):
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    box = page.get_by_role("textbox", name="ノートへの質問")
    assert box.count() == 1  # announced by its label, not as "Textbox"
    send_ratio = page.locator("#send").evaluate(f"el => {{ {CONTRAST_JS} return ratio(getComputedStyle(el).color, background(el)); }}")
    assert send_ratio >= 4.5, send_ratio
    placeholder_ratio = box.evaluate(
        f"el => {{ {CONTRAST_JS} return ratio(getComputedStyle(el, '::placeholder').color, background(el)); }}")
    assert placeholder_ratio >= 4.5, placeholder_ratio
    box.focus()
    page.keyboard.press("Tab")  # keyboard focus moves to the Ask button
    page.wait_for_timeout(600)  # Gradio's buttons transition their colours
    ring = page.evaluate(f"""() => {{ {CONTRAST_JS} const el = document.activeElement, s = getComputedStyle(el);
        return {{id: el.id, width: parseFloat(s.outlineWidth), style: s.outlineStyle,
                 contrast: ratio(s.outlineColor, background(el.parentElement))}}; }}""")
    assert ring["id"] == "send" and ring["width"] >= 2 and ring["style"] != "none" and ring["contrast"] >= 3, ring


LAYOUTS = {"phone": (360, 740), "tablet": (768, 1000), "desktop": (1280, 900)}


def check_layout(frame, width: int) -> None:
    """No sideways scrolling; the question box is wide enough to type in; every control is on screen."""
    sizes = frame.locator("body").evaluate("""() => {
        const r = id => document.querySelector(id).getBoundingClientRect();
        return {scroll: document.scrollingElement.scrollWidth, width: innerWidth, box: r('#question textarea').width,
                clear: [r('#clear').left, r('#clear').right], send: [r('#send').left, r('#send').right]}; }""")
    assert sizes["scroll"] <= sizes["width"], sizes
    assert sizes["box"] >= min(0.75 * sizes["width"], 480), sizes
    for control in ("clear", "send"):
        assert 0 <= sizes[control][0] and sizes[control][1] <= sizes["width"], (control, sizes)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_layout_from_phone_to_desktop(live_server, new_page, search_service, built_settings, layout):
    width, height = LAYOUTS[layout]
    page = new_page(width, height)
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    check_layout(page, width)
    if layout == "phone":  # the empty chat filled the screen: the box sat at its bottom edge (a fresh user)
        box = page.locator("#question textarea").bounding_box()
        assert box["y"] + box["height"] <= 0.6 * height, box
    ask(page, JA_QUESTION, 1)
    if layout == "phone":  # asked, the chat takes its height
        assert page.locator("#chat").bounding_box()["height"] >= 0.5 * height
    check_layout(page, width)
    # a citation's line range is never broken: at 360 px "L5–L13" showed as "L5–L1" / "3" (a fresh user)
    ranges = page.locator("#chat .cite-lines")
    assert ranges.count() > 0
    assert ranges.evaluate_all("els => els.filter(e => e.getClientRects().length !== 1).length") == 0
    if layout != "phone":
        return
    # a closed row shows its line, not one or two letters of it after the breadcrumb (a fresh
    # user at 360 px): on a row of its own, at least half the row wide
    ask(page, JA_QUESTION + " ", 2)
    previews = page.locator("#chat details.hit > summary .preview")
    assert previews.count() > 0
    shown = previews.evaluate_all("""els => els.map(e => {
        const row = e.parentElement.getBoundingClientRect(), r = e.getBoundingClientRect();
        return (Math.min(r.right, row.right) - Math.max(r.left, row.left)) / row.width; })""")
    assert min(shown) >= 0.5, shown


def test_layout_in_a_400px_side_panel(live_server, static_server, new_page, search_service, built_settings):
    root, wiki = static_server
    settings = dataclasses.replace(built_settings, allowed_origins=(wiki,))
    base = live_server(create_app(search_service, settings))
    (root / "panel.html").write_text(f'<!doctype html><iframe id="assistant" src="{base}/embed/" '
                                     'style="width:400px;height:640px;border:0"></iframe>', encoding="utf-8")
    page = new_page(1000, 720)
    page.goto(wiki + "/panel.html")
    frame = page.frame_locator("#assistant")
    wait_loaded(frame)
    check_layout(frame, 400)
    ask(frame, JA_QUESTION, 1)
    check_layout(frame, 400)
    # 「表示する件数」 wrapped onto three lines beside its number box (a fresh user, 2026-12-06).
    label = frame.locator("#k .head label span").first
    assert label.inner_text().strip() == "表示する件数"
    assert label.evaluate("el => el.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(el).fontSize)")
    # Gradio's "↓" (to the latest reply) sat centred on the citation line (a fresh user, heldout30):
    # scrolled up, the reply shows it in the chat's corner.
    frame.locator("#chat .bubble-wrap").evaluate("el => el.scrollTo(0, 0)")
    button = frame.locator("#chat .scroll-down-button-container")
    button.wait_for(state="visible")
    box, chat = button.bounding_box(), frame.locator("#chat").bounding_box()
    assert box["x"] + box["width"] >= chat["x"] + chat["width"] - 12 and box["x"] > chat["x"] + chat["width"] / 2
    # A taller frame gives the chat the height: at 800 px, 200 px stayed empty under it (a fresh user).
    chat_height = lambda: frame.locator("#chat").evaluate("el => el.getBoundingClientRect().height")  # noqa: E731
    assert chat_height() == pytest.approx(330, abs=2)
    page.evaluate("document.querySelector('#assistant').style.height = '800px'")
    page.wait_for_timeout(500)
    assert chat_height() >= 450
    assert frame.locator("body").evaluate("() => document.scrollingElement.scrollHeight <= innerHeight + 1")


def test_a_long_question_says_what_was_used_and_markdown_stays_text(live_server, page, search_service, built_settings):
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    long_question = (JA_QUESTION + " ") * 500  # ~8,000 characters
    answer = ask(page, long_question, 1)
    assert "2,000" in answer.locator(".notice.cut").inner_text()
    bubble = page.locator("#chat .question").first
    assert bubble.bounding_box()["height"] <= 200  # not a 3,862 px bubble
    assert len(bubble.evaluate("el => el.textContent")) == 2000
    markdown = "**太字** `code` [リンク](https://evil.example/) # 見出し _em_ SQSとは？"
    ask(page, markdown, 2)
    shown = page.locator("#chat .question").nth(1)
    assert shown.inner_text().strip() == markdown
    assert shown.locator("strong, code, a, h1, em, img").count() == 0


def test_one_section_is_one_hit(live_server, page, search_service, built_settings):
    """Adjacent chunks of one long section came back as several hits (e.g. SQS L1908-1923 and L1924-1940)."""
    question = "SQSの可視性タイムアウトの最大値は？"
    raw = search_service.search(question).hits
    touching = lambda a, b: (a.chunk.source, a.chunk.heading_path) == (b.chunk.source, b.chunk.heading_path) and not (
        a.chunk.line_start > b.chunk.line_end + 1 or b.chunk.line_start > a.chunk.line_end + 1)
    assert any(touching(a, b) for i, a in enumerate(raw) for b in raw[i + 1:])  # the case is really there
    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    answer = ask(page, question, 1)
    shown = answer.locator("a.cite").evaluate_all("els => els.map(a => [a.closest('.hit').querySelector('nav.crumb').textContent, a.textContent])")
    spans = [(crumb, *map(int, re.findall(r"L(\d+)", cite))) for crumb, cite in shown]
    for i, (crumb, start, end) in enumerate(spans):
        for other, s2, e2 in spans[i + 1:]:
            assert crumb != other or s2 > end + 1 or start > e2 + 1, spans


def test_the_permalink_follows_the_latest_question(live_server, new_page, search_service, built_settings):
    from urllib.parse import parse_qs, urlparse

    base = live_server(create_app(search_service, built_settings))
    page = new_page()
    page.goto(base + "/")
    wait_loaded(page)
    ask(page, JA_QUESTION, 1)
    page.wait_for_function("q => new URL(location.href).searchParams.get('q') === q", arg=JA_QUESTION, timeout=TIMEOUT)
    ask(page, EN_QUESTION, 2)
    page.wait_for_function("q => new URL(location.href).searchParams.get('q') === q", arg=EN_QUESTION, timeout=TIMEOUT)
    permalink = page.url
    page.reload()  # the same tab: the chat comes back, the last question is not asked twice
    page.locator("#chat .answer").nth(1).wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(1500)
    assert page.locator("#chat .answer").count() == 2
    other = page.context.new_page()  # another tab: the permalink asks its question
    other.goto(permalink)
    answer = other.locator("#chat .answer").first
    answer.wait_for(timeout=TIMEOUT)
    assert parse_qs(urlparse(permalink).query)["q"] == [EN_QUESTION]
    assert "AWS X-Ray" in answer.locator(".crumb").first.inner_text() and other.locator("#chat .answer").count() == 1
    ask(page, "", 3)  # Ask on an empty box: the address still links to the last answer (it was reset to "/")
    page.wait_for_timeout(1000)
    assert parse_qs(urlparse(page.url).query)["q"] == [EN_QUESTION]


# --- a fresh user's wiki (2026-12-01): the filter by title, kept by permalink and reload ----

def scope_in_url(page, value: str | None) -> None:
    page.wait_for_function("v => new URL(location.href).searchParams.get('scope') === v", arg=value, timeout=TIMEOUT)


def test_the_filter_lists_every_note_of_a_large_wiki(live_server, page, tmp_path):
    """A fresh user's 20-page wiki had 138 choices; the dropdown showed the first 100 (Gradio's
    `num_choices_shown`), and the last pages could not be chosen (2026-12-06)."""
    notes = {f"page{n:03d}.md": f"# Page {n:03d}\n\n## Part A\n\nText {n}.\n\n## Part B\n\nMore {n}.\n" for n in range(60)}
    open_notes(live_server, page, tmp_path, notes, model="fake-hash")
    page.locator("#scope input").click()
    page.get_by_role("option").first.wait_for(timeout=TIMEOUT)
    listed = page.get_by_role("option").all_inner_texts()
    assert len(listed) >= 1 + 60 * 3, len(listed)  # "all", then each page and its two chapters
    last = page.get_by_role("option", name="Page 059 › Part B")
    last.scroll_into_view_if_needed()
    last.click()
    scope_in_url(page, "page059.md › Part B")
    # Typing narrows the list: the box held "すべて" and the typed text was added to it, which
    # matched nothing, so all 134 choices stayed (a fresh user, 2026-12-06).
    box = page.locator("#scope input")
    box.click()
    page.wait_for_timeout(300)
    page.keyboard.type("Page 042")
    page.wait_for_function("() => document.querySelectorAll('[role=option]').length <= 4", timeout=TIMEOUT)
    assert box.input_value() == "Page 042"
    assert set(page.get_by_role("option").all_inner_texts()) == {"Page 042", "Page 042 › Part A", "Page 042 › Part B"}
    # Text that comes with no keydown (a paste from the menu, dictation, an IME's commit) narrows
    # it too: the list of the filter before stayed (a fresh user typing 料金, heldout25).
    page.keyboard.press("Control+A")
    page.wait_for_timeout(300)  # the list of "Page 042" is made again on that keydown first
    page.keyboard.insert_text("Page 017")
    page.wait_for_function("() => document.querySelectorAll('[role=option]').length <= 4", timeout=TIMEOUT)
    assert set(page.get_by_role("option").all_inner_texts()) == {"Page 017", "Page 017 › Part A", "Page 017 › Part B"}


def test_the_filter_is_listed_by_title_and_kept_by_reload_and_permalink(live_server, new_page, search_service, built_settings):
    """The dropdown listed file paths; a reload and the ?q= permalink lost the filter."""
    from urllib.parse import parse_qs, urlparse

    service = ScopeRecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    names = scope_names(search_service)
    note = next(s for s in names if " › " not in s)
    chapter = next(s for s in names if "第1章" in s)
    page = new_page()
    page.goto(base + "/")
    wait_loaded(page)
    page.locator("#scope input").click()
    listed = [t.strip().lstrip("✓").strip() for t in page.get_by_role("option").all_inner_texts()]
    assert names[note] in listed and names[note] != note and note not in listed, listed
    assert names[chapter] in listed and chapter not in listed, listed
    page.get_by_role("option", name=names[chapter]).click()
    scope_in_url(page, chapter)  # the value in the address is the path the search takes
    page.reload()  # chosen, not asked yet: the reload keeps it
    wait_loaded(page)
    page.wait_for_function("v => document.querySelector('#scope input').value === v", arg=names[chapter], timeout=TIMEOUT)
    ask(page, JA_QUESTION, 1)
    assert service.scopes[-1] == chapter
    page.wait_for_function("q => new URL(location.href).searchParams.get('q') === q", arg=JA_QUESTION, timeout=TIMEOUT)
    scope_in_url(page, chapter)
    permalink = page.url
    assert parse_qs(urlparse(permalink).query) == {"q": [JA_QUESTION], "scope": [chapter]}
    other = new_page()  # another person opening the permalink: the same question, the same filter
    other.goto(permalink)
    answer = other.locator("#chat .answer").first
    answer.wait_for(timeout=TIMEOUT)
    assert service.scopes[-1] == chapter and names[chapter] in answer.locator(".scope-note").inner_text()
    assert other.locator("#scope input").input_value() == names[chapter]
    other.locator("#scope input").click()  # back to "all": the address drops the filter
    other.get_by_role("option", name="すべて").click()
    scope_in_url(other, None)


@pytest.mark.parametrize("value", ["no-such-note.md", '<img src=x onerror="alert(1)">', "__all__", ""])
def test_a_bad_filter_in_the_address_is_said_or_dropped_never_run(live_server, new_page, search_service, built_settings, value):
    """An address is anyone's to write: an unknown ?scope= with a question is answered from
    every note under a one-line notice naming it (escaped): an old permalink's note may have
    been renamed or removed, and the bare error left its reader without an answer (a fresh
    user, 2026-12-06); without a question it is dropped; the dropdown shows "all" either way."""
    from urllib.parse import quote

    service = ScopeRecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page = new_page()
    page.goto(f"{base}/?q={quote(JA_QUESTION)}&scope={quote(value)}")
    answer = page.locator("#chat .answer").first
    answer.wait_for(timeout=TIMEOUT)
    if value in ("", "__all__"):  # no filter: searched everywhere
        assert service.scopes[-1] is None and answer.locator(".hit").count() >= 1
    else:
        assert answer.locator(".error").count() == 0 and answer.locator(".hit").count() >= 1
        notice = answer.locator(".notice.gone")
        assert notice.count() == 1 and value in notice.inner_text() and "ノートにありません" in notice.inner_text()
        assert service.scopes[-1] is None and answer.locator("img").count() == 0
    scope_in_url(page, None)
    assert page.locator("#scope input").input_value() == "すべて"
    assert page.dialogs == [] and "Traceback" not in page.content()
    fresh = new_page()  # a tab of its own (this one would show its chat again)
    fresh.goto(f"{base}/?scope={quote(value)}")  # no question: nothing asked, the filter dropped
    wait_loaded(fresh)
    scope_in_url(fresh, None)
    assert fresh.locator("#scope input").input_value() == "すべて" and fresh.locator("#chat .answer").count() == 0
    assert fresh.dialogs == [] and "Traceback" not in fresh.content()


# --- a fresh tester (2026-12-01): a follow-up's permalink carries the questions it read ----

FOLLOW_UP_CHAT = [JA_QUESTION, "その最大値は？", "その後は？"]  # その後は？ alone: "not in the notes"


def history_in_url(page, turns: list[str]) -> None:
    page.wait_for_function("t => JSON.stringify(new URL(location.href).searchParams.getAll('history')) === JSON.stringify(t)",
                           arg=turns, timeout=TIMEOUT)


def top_hit(answer) -> tuple[str, str]:
    """A reply's first hit as shown: its heading path and its citation (note and lines)."""
    hit = answer.locator(".hit").first
    return hit.locator(".crumb").first.inner_text(), hit.locator("a.cite").first.inner_text()


def test_a_follow_ups_permalink_gives_the_same_answer(live_server, new_page, search_service, built_settings):
    """After "SQSの可視性タイムアウトとは？ / その最大値は？", the address of "その後は？" was only
    ?q=その後は？, and opening it answered the follow-up alone: "not in the notes". The address
    now carries the earlier questions the answer read (&history=, oldest first); Clear drops them."""
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page = new_page()
    page.goto(base + "/")
    wait_loaded(page)
    for n, question in enumerate(FOLLOW_UP_CHAT, 1):
        follow_up = ask(page, question, n)
    assert service.answers[-1].hits and not service.answers[-1].no_answer  # the case is really there:
    assert search_service.search(FOLLOW_UP_CHAT[-1]).no_answer  # alone it is not answered
    page.wait_for_function("q => new URL(location.href).searchParams.get('q') === q", arg=FOLLOW_UP_CHAT[-1], timeout=TIMEOUT)
    history_in_url(page, FOLLOW_UP_CHAT[:-1])
    permalink = page.url
    other = new_page()  # another person opening the link
    other.goto(permalink)
    answer = other.locator("#chat .answer").first
    answer.wait_for(timeout=TIMEOUT)
    assert service.calls[-1] == (FOLLOW_UP_CHAT[-1], tuple(FOLLOW_UP_CHAT[:-1]))
    assert top_hit(answer) == top_hit(follow_up) and "見つかりませんでした" not in answer.inner_text()
    assert other.locator("#chat .answer").count() == 1 and other.url == permalink  # its own link stays the same
    # its reader sees the questions it followed, oldest first, above the last (a fresh user, 2026-12-05)
    assert other.locator("#chat .question .earlier").inner_text() == "前の質問: " + " → ".join(FOLLOW_UP_CHAT[:-1])
    ask(other, "それを変更するには？", 2)  # the link's questions are the chat's from then on
    assert service.calls[-1] == ("それを変更するには？", tuple(FOLLOW_UP_CHAT))
    other.locator("#clear").click()
    other.wait_for_function("!new URL(location.href).searchParams.has('q')", timeout=TIMEOUT)
    history_in_url(other, [])
    ask(other, EN_QUESTION, 1)
    assert service.calls[-1] == (EN_QUESTION, ())
    history_in_url(other, [])  # a question without earlier ones: none in its link
    assert other.locator("#chat .question .earlier").count() == 0  # nor in a question asked in the chat


LONG_TURN = "SQS " * 1000  # 4,000 characters: cut at MAX_QUESTION_CHARS, as the API cuts it


def test_another_permalink_opened_in_a_tab_starts_its_own_chat(live_server, new_page, search_service, built_settings):
    """Opened in a tab with a chat, a permalink's answer (read with the link's history) was
    shown under that chat, as if it followed it (a fresh tester, 2026-12-01)."""
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page = new_page()
    page.goto(base + "/")
    wait_loaded(page)
    ask(page, EN_QUESTION, 1)
    query = urllib.parse.urlencode([("q", FOLLOW_UP_CHAT[-1]), *(("history", t) for t in FOLLOW_UP_CHAT[:-1])])
    page.goto(f"{base}/?{query}")
    page.locator("#chat .answer").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    assert service.calls[-1] == (FOLLOW_UP_CHAT[-1], tuple(FOLLOW_UP_CHAT[:-1]))
    assert page.locator("#chat .answer").count() == 1 and EN_QUESTION not in page.locator("#chat").inner_text()


def test_the_same_question_with_another_filter_is_another_permalink(live_server, new_page, search_service, built_settings):
    """A fresh user (2026-12-04): "?q=X&scope=faq.md" and then "?q=X&scope=ops/deploy.md" in
    one tab showed the first reply again, as a reload of that chat; the same address again is
    a reload and asks nothing."""
    from urllib.parse import quote

    service = ScopeRecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    first, second = list(scope_names(search_service))[:2]
    page = new_page()
    for scope, asks in ((first, True), (second, True), (second, False)):
        before = len(service.scopes)
        page.goto(f"{base}/?q={quote(JA_QUESTION)}&scope={quote(scope)}")
        page.locator("#chat .answer").first.wait_for(timeout=TIMEOUT)
        page.wait_for_timeout(500)
        assert (len(service.scopes) > before) is asks, (scope, service.scopes)
        assert service.scopes[-1] == scope
        assert page.locator("#chat .answer").count() == 1


@pytest.mark.parametrize("turns, said", [
    (["<img src=x onerror=\"alert(1)\">", "<script>alert(2)</script>"], None),  # text, never markup
    (["SQS\x07の\u202e可視性タイムアウト", LONG_TURN, "   "], None),  # controls become spaces, cut, blank dropped
    ([f"turn {i}" for i in range(21)], "20件まで"),  # more than MAX_HISTORY: said (in the page's Japanese), not run
])
def test_bad_history_in_the_address_is_cleaned_or_said_never_run(live_server, new_page, search_service, built_settings,
                                                                  turns, said):
    """An address is anyone's to write: &history= gets the API's own checks (query.validate_history:
    at most MAX_HISTORY questions, each cut at MAX_QUESTION_CHARS, blank ones dropped), its
    questions are text and never shown as markup; too many get a one-line message. Without a
    ?q= nothing is asked and the questions leave the address."""
    from urllib.parse import quote

    from assistant import MAX_QUESTION_CHARS

    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page = new_page()
    asked = len(service.calls)
    page.goto(f"{base}/?q={quote(FOLLOW_UP_CHAT[-1])}" + "".join(f"&history={quote(t)}" for t in turns))
    answer = page.locator("#chat .answer").first
    answer.wait_for(timeout=TIMEOUT)
    if said:
        assert answer.locator(".error").count() == 1 and said in answer.inner_text() and len(service.calls) == asked
        history_in_url(page, [])
    else:
        question, history = service.calls[-1]
        assert question == FOLLOW_UP_CHAT[-1] and 1 <= len(history) <= 2 and answer.locator(".error").count() == 0
        assert all(len(t) <= MAX_QUESTION_CHARS and "\x07" not in t and "\u202e" not in t for t in history), history
        assert answer.locator("img, script").count() == 0
    page.wait_for_timeout(500)
    assert page.dialogs == [] and "Traceback" not in page.content()
    fresh = new_page()  # a tab of its own, no question: nothing asked, the history dropped
    fresh.goto(f"{base}/?history={quote(turns[0])}")
    wait_loaded(fresh)
    fresh.wait_for_timeout(1000)
    history_in_url(fresh, [])
    assert fresh.locator("#chat .answer").count() == 0 and fresh.dialogs == []


def test_a_reload_right_after_clear_does_not_ask_again(live_server, page, search_service, built_settings):
    """Clear left ?q= in the address until the server answered: a reload at once asked the
    cleared question again. The address and the tab's chat id now go at the click."""
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    ask(page, JA_QUESTION, 1)
    page.wait_for_function("q => new URL(location.href).searchParams.get('q') === q", arg=JA_QUESTION, timeout=TIMEOUT)
    asked = len(service.calls)
    page.locator("#clear").click()
    page.wait_for_function("!new URL(location.href).searchParams.has('q')", timeout=1000)  # in the browser, at the click
    page.reload()  # at once: the server may not have handled the clear yet
    wait_loaded(page)
    page.wait_for_timeout(1500)
    assert page.locator("#chat .answer").count() == 0 and len(service.calls) == asked and "q=" not in page.url


# --- issue 17: a new user's walkthrough, with screenshots -------------------------------------

WALKTHROUGH = [JA_QUESTION, "その最大値は？", "What is the maximum size of an SQS message?"]
DEVICES = {  # name -> (viewport, page to open, whether the chat is in the example wiki's side panel)
    "desktop": ((1280, 800), "/", False),
    "phone": ((360, 740), "/", False),
    "panel": ((1100, 760), "/example/wiki.html", True),
}


@pytest.mark.parametrize("device", list(DEVICES))
def test_new_user_walkthrough(live_server, new_page, search_service, built_settings, tmp_path, device):
    """A first visit: pick an example question, then a follow-up, then an English question. After
    each, the screen (a viewport screenshot, not the full page) shows the answering line, and
    the reply is the one the service gave. The desktop run's first screenshot is the README's."""
    (width, height), path, in_panel = DEVICES[device]
    page = new_page(width, height, is_mobile=device == "phone", has_touch=device == "phone")
    service = RecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    page.goto(base + path)
    frame = page.frame_locator("#assistant") if in_panel else page
    wait_loaded(frame)
    if in_panel:
        assert 380 <= page.locator("#assistant").bounding_box()["width"] <= 420
    for n, question in enumerate(WALKTHROUGH, 1):
        if n == 1 and not in_panel:
            example = frame.locator("#examples button").first  # a new user starts from an example
            question = example.inner_text().strip()
            example.click()  # asks it: no Send needed
            answer = frame.locator("#chat .answer").nth(0)
            answer.wait_for(timeout=TIMEOUT)
        else:
            answer = ask(frame, question, n)
        page.wait_for_timeout(400)
        where = lead_in_view(frame)
        assert where["visible"] and 0 <= where["top"] and where["bottom"] <= where["height"], (device, question, where)
        if in_panel:  # and the panel itself shows it on the wiki page
            box = answer.locator(".lead-line").bounding_box()
            assert 0 <= box["y"] and box["y"] + min(box["height"], 20) <= height, box
        assert service.calls[-1][0] == question
        shot = tmp_path / f"walkthrough-{device}-{n}.png"
        page.screenshot(path=str(shot))
        if device == "desktop" and n == 1 and os.environ.get("ASSISTANT_SCREENSHOT"):
            shutil.copy(shot, PROJECT_ROOT / "docs" / "screenshot-ja.png")


def test_example_questions_follow_the_notes_after_an_edit(live_server, page, tmp_path):
    """The examples are made per loaded index: after an edit and its rebuild, a page opened
    then offers the new headings and no longer the deleted one (a tester, 2026-12-01: they
    were made once at start-up)."""
    from assistant.service import SearchService

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    note = corpus / "ops.md"
    note.write_text("# Operations\n\n## Rotating the database password\n\n- Rotate it every 90 days with the vault CLI.\n\n"
                    "## Restarting the queue workers\n\n- Restart them with `systemctl restart workers` after a deploy.\n",
                    encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index")
    service = SearchService(settings, progress=False)
    base = live_server(create_app(service, settings))
    page.goto(base + "/")
    wait_loaded(page)
    before = page.locator("#examples button:visible").all_inner_texts()
    assert any("queue workers" in q for q in before), before

    note.write_text("# Operations\n\n## Rotating the database password\n\n- Rotate it every 90 days with the vault CLI.\n\n"
                    "## Renewing the TLS certificates\n\n- Renew them with certbot thirty days before they expire.\n",
                    encoding="utf-8")
    service.refresh()
    page.goto(base + "/")
    wait_loaded(page)
    page.wait_for_function("document.querySelectorAll('#examples button').length > 0")
    after = page.locator("#examples button:visible").all_inner_texts()

    assert not any("queue workers" in q for q in after), after
    assert any("TLS certificates" in q for q in after), after
    page.locator("#examples button:visible", has_text="TLS certificates").first.click()  # the new button asks its own text
    page.wait_for_function("document.querySelector('#question textarea').value.includes('TLS certificates')", timeout=TIMEOUT)


def test_a_notes_own_links_lead_to_the_wiki_not_to_the_assistant(live_server, page, tmp_path):
    """A relative link inside a shown section ("../expenses.md") opened the assistant's own
    404 (a tester, 2026-12-01); it now goes where the wiki sends it: the linked note's page."""
    base = open_notes(live_server, page, tmp_path, {
        "ops/oncall.md": "# On-call\n\n## Compensation\n\n"
                         "- The on-call allowance is paid monthly; claim it as in [Expenses](../expenses.md#claim-form).\n",
        "expenses.md": "# Expenses\n\n## Claims\n\n- Submit claims by the 25th.\n",
    }, wiki_base_url="https://wiki.example.com")
    # (A fragment no heading of expenses.md has: a link to its "Claims" section would put that
    # section first, pointers.py, and this test reads the on-call section's links.)
    answer = ask(page, "How is the on-call allowance paid?", 1)
    expand(answer)

    hrefs = answer.locator(".section a").evaluate_all("links => links.map(a => a.href)")
    assert "https://wiki.example.com/expenses.html#claim-form" in hrefs, hrefs
    # Every part of the reply that shows the note's markdown: the lead "Answer" line too (a
    # fresh tester's index page led with "[QAチェックリスト](mobile/qa-checklist.md)", 2026-12-01).
    lead = answer.locator(".lead-line a").evaluate_all("links => links.map(a => a.href)")
    assert lead == ["https://wiki.example.com/expenses.html#claim-form"], lead
    everywhere = page.locator("#chat a[href], #chat img[src]").evaluate_all("els => els.map(e => e.href || e.src)")
    assert not any(h.startswith(base) for h in everywhere), everywhere


def test_chat_messages_are_labelled_with_their_text_not_their_html(live_server, page, tmp_path):
    """Gradio labels each chat message with its content, here HTML: a screen reader read
    "bot's message: <div class="answer">..." (a tester, 2026-12-01). The label is the shown text."""
    open_notes(live_server, page, tmp_path, {
        "oncall.md": "# On-call\n\n## Allowance\n\n- The on-call allowance is **5000 yen** a week & paid `monthly`.\n"},
        model="fake-hash")
    ask(page, "How is the on-call allowance paid?", 1)
    ask(page, "What does 切り戻し mean?", 2)
    page.wait_for_timeout(300)  # the labels are set after each render
    messages = page.locator("#chat [data-testid='user'], #chat [data-testid='bot']")
    assert messages.count() == 4
    for message in messages.all():
        label, shown = message.get_attribute("aria-label"), " ".join(message.inner_text().split())
        assert re.fullmatch(r"(user|bot)'s message: .+", label), label
        assert "<" not in label and "&lt;" not in label and "&amp;" not in label and 'class="' not in label, label
        assert label.split("'s message: ", 1)[1] == shown, (label, shown)
    assert "The on-call allowance is 5000 yen a week & paid monthly." in messages.nth(1).get_attribute("aria-label")


def test_one_japanese_term_in_an_english_question_keeps_the_page_english(live_server, new_page, tmp_path):
    """"What does 切り戻し mean?" answered with Japanese labels and notices (a tester,
    2026-12-01): the page follows the sentence's language, not a term it quotes."""
    from assistant.render import NO_ANSWER
    from assistant.webrender import COPY_LABEL, LEAD_LABEL, MORE_LABEL, SECTION_LABEL, WEAK_LABEL

    page = new_page(locale="ja-JP")
    open_notes(live_server, page, tmp_path, {
        "glossary.md": "# Glossary\n\n## Terms\n\n| Term | Meaning |\n|---|---|\n| 切り戻し | Rolling a release back to the previous version |\n",
        "deploy.md": "# デプロイ\n\n## バージョニング\n\n- S3のバージョニングで以前のオブジェクトを戻せる。\n"}, model="fake-hash")
    english = ask(page, "What does 切り戻し mean?", 1)
    assert page.locator("#send").inner_text().strip() == "Ask"
    expand(english)
    shown = english.inner_text()
    japanese_ui = [NO_ANSWER["ja"], LEAD_LABEL["ja"], WEAK_LABEL["ja"], SECTION_LABEL["ja"], MORE_LABEL["ja"], COPY_LABEL["ja"]]
    assert not [text for text in japanese_ui if text in shown], shown
    assert english.locator(".lead-label").inner_text().strip() in (LEAD_LABEL["en"], WEAK_LABEL["en"])
    japanese = ask(page, "S3のバージョニングとは？", 2)  # English names in a Japanese sentence
    assert page.locator("#send").inner_text().strip() == "質問する"
    assert japanese.locator(".lead-label").inner_text().strip() in (LEAD_LABEL["ja"], WEAK_LABEL["ja"])


def test_the_chat_says_when_older_turns_are_no_longer_shown(live_server, page, search_service, built_settings):
    """A fresh user (heldout28): from the 11th turn the oldest vanished without a word. The
    chat keeps its latest MAX_TURNS_SHOWN pairs and says, once, at its top, that older ones
    are gone."""
    from assistant.sessions import MAX_TURNS_SHOWN, OLDER_TURNS

    base = live_server(create_app(search_service, built_settings))
    page.goto(base + "/")
    wait_loaded(page)
    questions = [f"{JA_QUESTION} ({n})" for n in range(MAX_TURNS_SHOWN + 2)]
    for n, question in enumerate(questions[:MAX_TURNS_SHOWN], 1):
        ask(page, question, n)
    assert page.locator("#chat .older-turns").count() == 0
    for question in questions[MAX_TURNS_SHOWN:]:
        ask(page, question, MAX_TURNS_SHOWN)
        page.locator("#chat .question").filter(has_text=question).wait_for(timeout=TIMEOUT)
    assert page.locator("#chat .older-turns").count() == 1
    assert OLDER_TURNS["ja"].format(n=MAX_TURNS_SHOWN) in page.locator("#chat").inner_text()
    assert page.locator("#chat .answer").count() == MAX_TURNS_SHOWN
    shown = page.locator("#chat").inner_text()
    assert questions[0] not in shown and questions[1] not in shown and questions[-1] in shown


def test_a_filter_chosen_after_a_question_is_the_topic_of_the_next(live_server, page, search_service, built_settings):
    """A fresh user (heldout28): after a question on gondola tickets they chose the dorm's fee
    chapter and asked 「いくら？」; the earlier turn, not the filter, gave the topic, and the
    answer said "not in the notes". A newly chosen filter starts the topic; the same filter
    kept keeps the conversation."""
    service = ScopeRecordingService(search_service)
    base = live_server(create_app(service, built_settings))
    names = scope_names(search_service)
    chapter = next(s for s in names if "第1章" in s)
    page.goto(base + "/")
    wait_loaded(page)
    ask(page, JA_QUESTION, 1)
    page.locator("#scope input").click()
    page.get_by_role("option", name=names[chapter]).click()
    scope_in_url(page, chapter)
    ask(page, "いくら？", 2)
    assert service.calls[-1] == ("いくら？", ()) and service.scopes[-1] == chapter
    ask(page, "その上限は？", 3)  # the filter kept: a follow-up of the turn before
    assert service.calls[-1] == ("その上限は？", ("いくら？",))
