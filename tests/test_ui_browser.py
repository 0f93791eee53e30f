"""The chat UI in a real browser (Debian Chromium via Playwright) against a real server.

Covers: answers in Japanese and English with heading and citation link, follow-ups sending
history, the example wiki page embedding the assistant in an iframe, and notes carrying
script/HTML that must never execute. Set ASSISTANT_SCREENSHOT=1 to also refresh
docs/screenshot-ja.png. A few fast tests of the HTML rendering (no browser) come first.
"""
from __future__ import annotations

import dataclasses
import functools
import http.server
import os
import shutil
import threading
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
    text = "### T\n- first\n  - nested `code`\n\nplain\nsecond line\n\n```python\nx = 1\ny = 2\n```\n"
    out = section_html(text, first_line=100, highlight=(102, 105, 109))
    assert '<mark class="hl">nested <code>code</code></mark>' in out
    assert '<mark class="hl">second line</mark>' in out and "<mark class=\"hl\">plain" not in out
    assert '<span class="hl">y = 2</span>' in out and '<span class="hl">x = 1' not in out
    assert "<ul>" in out and "<pre><code>" in out


def test_raw_html_in_notes_is_neutralised():
    text = ('<script>alert(1)</script>\n<img src=x onerror="alert(2)">\n[x](javascript:alert(3))\n'
            '<iframe src="javascript:alert(4)"></iframe>\n')
    out = section_html(text)
    for bad in ("<script", "<img", "<iframe", "href=\"javascript"):
        assert bad not in out  # onerror= etc. survive only as escaped text
    assert "&lt;script&gt;" in out


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
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="ja-JP")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


class RecordingService:
    """The real SearchService, remembering the history each question arrived with."""

    def __init__(self, service):
        self._service, self.calls = service, []

    def search(self, question, top_k=None, history=(), scope=None):
        self.calls.append((question, tuple(history)))
        return self._service.search(question, top_k, history, scope)

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
    frame.locator('#question textarea[placeholder^="質問"]').wait_for(timeout=TIMEOUT)


def ask(frame, question: str, n_answers: int):
    frame.locator("#question textarea").fill(question)
    frame.locator("#send").click()
    answer = frame.locator("#chat .answer").nth(n_answers - 1)
    answer.wait_for(timeout=TIMEOUT)
    error = answer.locator(".error")
    assert error.count() == 0 or question.strip() == "", error.inner_text()
    return answer


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
        assert first.locator("mark.hl, pre span.hl").count() >= 1
    assert page.locator("#send").inner_text().strip() == "質問する"  # labels follow the question
    first.locator(".hit").first.evaluate("el => el.scrollIntoView({block: 'start'})")
    shot = tmp_path / "screenshot-ja.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("ASSISTANT_SCREENSHOT"):
        shutil.copy(shot, PROJECT_ROOT / "docs" / "screenshot-ja.png")

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
    (root / "wiki.html").write_text(html.replace("http://127.0.0.1:7860", base), encoding="utf-8")
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
    from assistant.service import SearchService

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "xss.md").write_text(XSS_NOTE, encoding="utf-8")
    (corpus / "other.md").write_text("# Other\n\n## Lambda\n\nAWS Lambda runs code.\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index")
    base = live_server(create_app(SearchService(settings, progress=False), settings))
    page.goto(base + "/")
    wait_loaded(page)
    answer = ask(page, "zebra pineapple facts", 1)
    assert "Zebra pineapple section" in answer.locator(".crumb").first.inner_text()
    assert "<script>window.__xss=1</script>" in answer.inner_text()  # shown as text
    answer.locator("text=click me").first.click()
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []
    assert answer.locator("script, iframe, img[onerror], [onclick], a[href^='javascript']").count() == 0


PERMALINK_MARKUP = (  # ../shared/cases/security/permalink-markup: markdown link, image and a mermaid fence, CR-separated
    "[**Your session expired - sign in again**](https://evil.example/login)\r![](https://evil.example/pixel.png)\r"
    "```mermaid\rflowchart TD\rA[\"<b>IT notice</b><br><a href='https://evil.example/x'>Re-enter your password</a>\"]\r```"
)


@pytest.mark.parametrize("mount", ["/", "/embed/"])
def test_a_permalink_question_is_shown_as_plain_text(live_server, page, search_service, built_settings, mount):
    from urllib.parse import quote

    base = live_server(create_app(search_service, built_settings))
    page.goto(base + mount + "?q=" + quote(PERMALINK_MARKUP))
    page.locator("#chat .answer").first.wait_for(timeout=TIMEOUT)
    chat = page.locator("#chat")
    assert chat.locator("a[href*='evil.example'], img[src*='evil.example'], .mermaid, svg a").count() == 0
    assert "Your session expired" in chat.inner_text() and "evil.example/login" in chat.inner_text()


MERMAID_NOTE = "# Diagram\n\n## Flow chart notes\n\nThe deploy flow chart follows.\n\n```x\tmermaid\nflowchart TD\n  A[\"<a href='https://evil.example'>click</a>\"]\n```\n"


def test_a_note_cannot_give_its_code_block_a_class(live_server, page, tmp_path):
    """../shared/cases/security/note-mermaid-class: a tab in the info string made `mermaid` a class."""
    from assistant.service import SearchService

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "diagram.md").write_text(MERMAID_NOTE, encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="fake-hash")
    base = live_server(create_app(SearchService(settings, progress=False), settings))
    page.goto(base + "/")
    wait_loaded(page)
    answer = ask(page, "deploy flow chart", 1)
    assert "flowchart TD" in answer.inner_text()
    page.wait_for_timeout(1000)  # mermaid, if it ran, would have replaced the block by now
    assert answer.locator(".mermaid, svg, a[href*='evil.example']").count() == 0
    classes = answer.evaluate("el => [...el.querySelectorAll('[class]')].flatMap(e => [...e.classList])")
    from assistant.webrender import _CLASSES
    assert set(classes) <= _CLASSES, set(classes) - _CLASSES
