"""Names in the chat's citations and breadcrumbs (webrender, scopes.shown_source /
shown_heading): a note cannot pass for another note or reorder the line it is cited on."""
from __future__ import annotations

import html
import re

from assistant.chunking import Chunk
from assistant.hits import Answer, Hit
from assistant.webrender import answer_html

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")


def _hit(source: str, heading_path: tuple[str, ...], title: str) -> Hit:
    text = "## Rollback\n\nRun `deploy rollback` from the release host."
    chunk = Chunk(source=source, title=title, heading_path=heading_path, anchor="rollback", permalink=None,
                  line_start=3, line_end=5, text=text)
    return Hit(chunk, 1.0, "https://wiki.example.com/x.html#rollback", (5,))


def _texts(reply: str, css: str) -> list[str]:
    """The text of every element of class `css` (tags dropped, entities decoded)."""
    found = re.findall(rf'class="{css}(?: [^"]*)?"[^>]*>(.*?)</(?:a|nav|span|button)>', reply)
    return [html.unescape(re.sub(r"<[^>]+>", "", f)) for f in found]


def test_a_file_name_or_heading_cannot_pass_for_another_or_reorder_its_citation():
    """The tenth attack run (2026-12-01), in Chromium: a note "ops/deploy\\u200b.md" was cited
    exactly as the real "ops/deploy.md" (a planted answer passing for the team's note), and
    "ops/x\\u202egnp.md L1–L5" showed as "ops/x [Copy] 5L–1L dm.png": the override reordered
    the line numbers and the copy button after it. A heading's U+202E did the same to the
    breadcrumb."""
    answer = Answer("How do I roll back?", (
        _hit("ops/deploy\u200b.md", ("Deploy", "Rollback"), "Deploy"),
        _hit("ops/x\u202egnp.md", ("Kubernetes pods \u2067", "Pod \u202eeviction"), "Kubernetes pods \u2067"),
        _hit("ops/deploy.md", ("Deploy\ufeff", "Rollback"), "Deploy"),
    ), False)
    reply = answer_html(answer, lang="en")
    cites = _texts(reply, "cite")
    assert cites == ["ops/deploy<U+200B>.md  L3–L5", "ops/x<U+202E>gnp.md  L3–L5", "ops/deploy.md  L3–L5"], cites
    crumbs = _texts(reply, "crumb")
    assert crumbs and not any(BIDI.search(c) or INVISIBLE.search(c) for c in crumbs), crumbs
    assert "Pod eviction" in " ".join(crumbs), crumbs
    # The copy button's text says what the citation shows.
    copied = html.unescape(" ".join(re.findall(r'class="cite-text">(.*?)</button>', reply)))
    assert "<U+202E>" in copied and not BIDI.search(copied), copied


def test_a_weak_matchs_copied_lines_say_they_are_the_closest_not_an_answer():
    """Pasted elsewhere, a weak match's lines read as an answer (a fresh user, 2026-12-05):
    its copy text labels them as the CLI does; an answer's does not."""
    hits = (_hit("ops/deploy.md", ("Deploy", "Rollback"), "Deploy"),)
    for no_answer, labelled in ((True, True), (False, False)):
        reply = answer_html(Answer("How do I roll back?", hits, no_answer), lang="en")
        copied = [html.unescape(t) for t in re.findall(r"<span>(.*?)</span>", re.findall(r'class="cite-text">(.*?)</button>', reply)[0])]
        assert ("closest lines (weak match):" in copied) is labelled, copied


def test_ordinary_names_are_shown_as_written():
    answer = Answer("ロールバック", (_hit("運用/デプロイ手順.md", ("デプロイ", "ロールバック"), "デプロイ"),
                                  _hit("emoji/👩‍💻.md", ("Dev\u200dTeam", "Rollback"), "Dev"),), False)
    reply = answer_html(answer, lang="ja")
    assert _texts(reply, "cite")[:2] == ["運用/デプロイ手順.md  L3–L5", "emoji/👩‍💻.md  L3–L5"]
    assert "デプロイ › ロールバック" in _texts(reply, "crumb") and "Dev\u200dTeam › Rollback" in _texts(reply, "crumb")


def test_the_cli_cites_the_same_visible_path():
    from assistant.render import format_hit

    assert "   ops/deploy<U+200B>.md  L3–L5  https://" in format_hit(1, _hit("ops/deploy\u200b.md", ("Deploy", "Rollback"), "Deploy"))
    # A newline in a file name printed a forged citation line of its own.
    forged = format_hit(1, _hit("x\n   ops/deploy.md  L1–L9  https://wiki.example.com/ops/deploy.html.md", ("D", "R"), "D"))
    assert "   x<U+000A>   ops/deploy.md  L1–L9" in forged and not any(l.startswith("   ops/") for l in forged.split("\n")), forged
