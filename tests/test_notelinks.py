"""A note's own links, shown in the chat, lead where the wiki leads (notelinks.py)."""
from __future__ import annotations

import re

import pytest

from assistant.notelinks import link_rewriter, wiki_link
from assistant.webrender import section_html

PAGES = {
    "ops/oncall.md": "https://wiki.example.com/ops/oncall.html",
    "expenses.md": "https://wiki.example.com/expenses.html",
    "index.md": "https://wiki.example.com/",
}
HERE = "https://wiki.example.com/ops/oncall.html"


def test_a_link_to_another_note_goes_to_its_page_with_the_fragment():
    assert wiki_link("../expenses.md", "ops/oncall.md", HERE, PAGES) == "https://wiki.example.com/expenses.html"
    assert wiki_link("../expenses.md#claims", "ops/oncall.md", HERE, PAGES) == "https://wiki.example.com/expenses.html#claims"
    assert wiki_link("/ops/oncall.md", "expenses.md", PAGES["expenses.md"], PAGES) == HERE  # rooted at the notes folder
    assert wiki_link("oncall.md", "ops/deploy.md", "https://wiki.example.com/ops/deploy.html", PAGES) == HERE
    assert wiki_link("../index.md", "ops/deploy.md", "https://wiki.example.com/ops/deploy.html", PAGES) == "https://wiki.example.com/"


def test_other_relative_links_resolve_against_the_notes_page_and_absolute_ones_stay():
    assert wiki_link("#escalation", "ops/oncall.md", HERE, PAGES) == HERE + "#escalation"
    assert wiki_link("img/rota.png", "ops/oncall.md", HERE, PAGES) == "https://wiki.example.com/ops/img/rota.png"
    assert wiki_link("missing.md", "ops/oncall.md", HERE, PAGES) == "https://wiki.example.com/ops/missing.md"
    for absolute in ("https://example.org/x", "mailto:a@b.c", "//cdn.example.org/x", "javascript:alert(1)"):
        assert wiki_link(absolute, "ops/oncall.md", HERE, PAGES) == absolute  # the sanitizer decides on schemes
    # An attack run (2026-12-01): "[x]()" kept href="", which led to the assistant's own page.
    assert wiki_link("", "ops/oncall.md", HERE, PAGES) == HERE
    html = section_html("[x]() ![y]()", links=link_rewriter("ops/oncall.md", HERE + "#a", PAGES))
    assert f'href="{HERE}"' in html and 'src=""' in html


def test_a_rendered_section_links_to_the_wiki_not_to_the_assistant():
    text = "- Claims: see [経費精算](../expenses.md) and [escalation](#escalation).\n- Bad: [x](javascript:alert(1))\n"

    html = section_html(text, 1, (), link_rewriter("ops/oncall.md", HERE + "#compensation", PAGES))

    assert 'href="https://wiki.example.com/expenses.html"' in html
    assert f'href="{HERE}#escalation"' in html
    assert "href=\"javascript" not in html  # markdown-it leaves it text; nh3 would drop it
    assert 'href="../expenses.md"' in section_html(text)  # without pages, as written (the CLI's plain output needs none)


def test_every_link_of_a_reply_leads_to_the_wiki_lead_line_and_other_matches_included():
    """answer_html, as the chat page calls it: the lead "Answer" line is rendered on its own,
    and it linked "mobile/qa-checklist.md" against the assistant's page, a 404 (a fresh
    tester's index page, 2026-12-01). Every href and src of the reply is the wiki's now."""
    import re

    from assistant.chunking import Chunk
    from assistant.hits import Answer, Hit
    from assistant.webrender import answer_html

    def hit(source: str, text: str, first: int, lines: tuple[int, ...]) -> Hit:
        chunk = Chunk(source=source, title="T", heading_path=("T", "S"), anchor="s", permalink=None,
                      line_start=first, line_end=first + text.count("\n"), text=text)
        return Hit(chunk, 1.0, PAGES.get(source, HERE) + "#s", lines)

    index = "### 品質\n\n- [QAチェックリスト](mobile/qa-checklist.md) — 回帰テストの範囲\n- ![map](img/map.png) [Expenses](expenses.md#claims)"
    table = "## Rota\n\n| Week | Page |\n|---|---|\n| 1 | [On-call](/ops/oncall.md) |"
    answer = Answer("How many test phones can I check out?", (
        hit("index.md", index, 19, (21, 22)),
        hit("ops/oncall.md", "## Pay\n\n- Claim it as in [Expenses](../expenses.md#claims).", 3, (5,)),
        hit("ops/rota.md", table, 7, (11,)),
    ), False)
    pages = {**PAGES, "mobile/qa-checklist.md": "https://wiki.example.com/mobile/qa-checklist.html"}

    reply = answer_html(answer, pages=pages)

    lead = reply.split('class="lead-line">')[1].split("</p>")[0]
    assert 'href="https://wiki.example.com/mobile/qa-checklist.html"' in lead, lead
    urls = re.findall(r'(?:href|src)="([^"]*)"', reply)
    assert len(urls) >= 8, urls  # lead line, citations, sections (the image too), the table row
    assert all(u.startswith("https://wiki.example.com/") for u in urls), urls


def test_a_sections_links_cannot_multiply_its_size_by_repeating_a_long_page_url():
    """An attack run (2026-12-01): a resolved link repeats the page's URL, and a note in a deep
    folder of Japanese names has a ~11,000-character URL, so "[]()" x 100 (400 characters,
    within the hit's size and token limits) made 1.1 MB of HTML per hit and a 5 MB chat reply
    that every session kept (200 sessions: RSS 378 MB -> 3.3 GB). The first links still lead
    to the wiki; the URLs added in all stay within the budget."""
    from assistant.notelinks import MAX_ADDED_URL_CHARS

    folder = "/".join(["%E3%81%82" * 85] * 14)  # 14 folders of 85 x "あ", percent-encoded
    page = f"https://wiki.example.com/{folder}/runbook.html"
    text = "To roll back run make rollback.\n\n" + "[]()" * 100 + " ![](a.png)" * 20
    ordinary = "".join(f"[step {i}](../steps/{i}.md) " for i in range(100))
    html_ordinary = section_html(ordinary, 1, (), link_rewriter("ops/deploy.md", "https://wiki.example.com/ops/deploy.html", {}))
    assert html_ordinary.count('href="https://wiki.example.com/steps/') == 100  # an ordinary section keeps them all

    html = section_html(text, 1, (), link_rewriter("x/runbook.md", page + "#rollback", {}))

    assert len(page) > 10_000
    assert html.count(f'href="{page}"') >= 1  # the first links are rewritten as before
    assert len(html) < MAX_ADDED_URL_CHARS + 20 * len(text)  # was 1.1 MB


@pytest.mark.parametrize("pages", [{"a.md": "https://wiki.example.com/a.html"}, None])
def test_a_reference_link_used_many_times_counts_its_address_each_time(pages):
    """An attack (2026-12-05): a definition "[...]: <2,000-character URL>" written once and
    "[...]" used 230 times in each of ten sections made a 4.7 MB chat reply (+13.6 MB a chat
    session): each use repeats the address, and only growth over the written href counted."""
    from assistant.notelinks import MAX_ADDED_URL_CHARS

    url = "https://e.example/" + "-" * 1980
    text = f"## Parking\n\n[...]: {url}\n\n" + "[...] " * 125
    html = section_html(text, 1, (), link_rewriter("a.md", "https://wiki.example.com/a.html#parking", pages))
    assert html.count(f'href="{url}"') >= 1  # the first uses still lead there
    assert len(html) < MAX_ADDED_URL_CHARS + 20 * len(text)  # was 255,000 characters
    # A second attack: the definition's title repeats at each use too, in links and images.
    for use in ("[x][]", "![x]"):
        text = '## Parking\n\n[x]: /p "' + "t" * 1990 + '"\n\n' + (use + " ") * 1300
        html = section_html(text, 1, (), link_rewriter("a.md", "https://wiki.example.com/a.html#parking", pages))
        assert 'title="ttt' in html and len(html) < MAX_ADDED_URL_CHARS + 20 * len(text), (use, len(html))  # was 1-2 MB


def test_a_hugo_ref_shortcode_links_to_the_notes_page():
    # A new user on a Hugo wiki (heldout13): "see [Road permits]({{< ref "permits/road.md#emergency" >}})"
    # was shown as "[Road permits]()", a link to the page it was written on.
    from assistant.notes import parse_note
    from assistant.wiki import wiki_page

    pages = {"faq.md": "https://x.example/w/faq/", "permits/road.md": "https://x.example/w/permits/road/",
             "field/winter.md": "https://x.example/w/field/winter/", "field/meter.md": "https://x.example/w/field/meter/"}
    faq = parse_note('# FAQ\n\nAsk first: see [Road permits]({{< ref "permits/road.md#emergency" >}}).\n', "faq.md")
    meter = parse_note('# Meter\n\nIn winter see [冬]({{< relref "winter.md" >}}) and [冬 too]({{< ref "field/winter.md" >}}).\n',
                       "field/meter.md")
    html = section_html("\n".join(wiki_page(faq, "hugo").text.lines),
                        links=link_rewriter("faq.md", pages["faq.md"], pages))
    assert 'href="https://x.example/w/permits/road/#emergency"' in html
    html = section_html("\n".join(wiki_page(meter, "hugo").text.lines),
                        links=link_rewriter("field/meter.md", pages["field/meter.md"], pages))
    assert html.count('href="https://x.example/w/field/winter/"') == 2


def test_a_hugo_ref_of_a_multilingual_project_root_links_to_the_notes_page(tmp_path):
    """A fresh user on heldout28 (a Hugo project root, `content/ja` and `content/en`): a ref
    path starts from the content folder of the page's language, or of the one it names
    (`{{< relref path="/patrol/radio.md" lang="en" >}}`); those links led back to the page they
    were on, and positional ones to the site's root with ".md" in the URL."""
    from assistant.build import build_index
    from assistant.config import from_env
    from assistant.retrieve import Searcher
    from assistant.wiki.links import page_links

    notes = tmp_path / "site"
    for source, text in {
        "content/ja/_index.md": '---\ntitle: ホーム\n---\n## 案内\n\n料金は [料金]({{< relref "/ticket/prices.md" >}})、'
                                '無線は英語の [Radio guide]({{< relref path="/patrol/radio.md#channels" lang="en" >}})。\n',
        "content/ja/ticket/prices.md": "---\ntitle: 料金\n---\n## 大人\n\n5,800 円。\n",
        "content/en/patrol/radio.md": "---\ntitle: Radio\n---\n## Channels {#channels}\n\nChannel 3.\n",
        "content/en/ticket/prices.md": "---\ntitle: Prices\n---\n## Adults\n\n5,800 yen.\n",
    }.items():
        (notes / source).parent.mkdir(parents=True, exist_ok=True)
        (notes / source).write_text(text, encoding="utf-8")
    (notes / "hugo.toml").write_text('baseURL = "https://ski.example/ops/"\ndefaultContentLanguage = "ja"\n'
                                     '[languages.ja]\ncontentDir = "content/ja"\n[languages.en]\ncontentDir = "content/en"\n',
                                     encoding="utf-8")
    settings = from_env({}, corpus_dir=notes, index_dir=tmp_path / "index", model="fake-hash")
    build_index(settings, progress=False)
    pages = Searcher(settings).page_urls
    home = wiki_page_lines(settings, "content/ja/_index.md")
    html = section_html(home, links=link_rewriter("content/ja/_index.md", pages["content/ja/_index.md"], pages))
    assert 'href="https://ski.example/ops/ticket/prices/"' in html  # ja's own page, not en's
    assert 'href="https://ski.example/ops/en/patrol/radio/#channels"' in html
    assert {p["url"] for p in page_links(settings)} >= {"https://ski.example/ops/ticket/prices/",
                                                         "https://ski.example/ops/en/patrol/radio/"}


def wiki_page_lines(settings, source: str) -> str:
    """The page text of the note at `source` in `settings`' notes folder, as the index shows it."""
    from assistant.notes import load_notes
    from assistant.wiki import wiki_page

    note = next(n for n in load_notes(settings.corpus_dir) if n.source == source)
    return "\n".join(wiki_page(note, "hugo", settings.wiki_clean_urls, settings.wiki_languages, settings.wiki_pages_dir).text.lines)


def test_a_hugo_ref_is_read_beside_the_page_first():
    """An attack: `ref "sub/y.md"` in guide/x.md was sent to sub/y's page, another note; Hugo
    0.168 looks beside the page first (/guide/sub/y/), then from the content folder."""
    from assistant.notes import parse_note
    from assistant.wiki import wiki_page

    pages = {s: f"https://x.example/w/{s[:-3]}/" for s in
             ("guide/x.md", "guide/sub/y.md", "sub/y.md", "other/z.md", "top.md")}
    x = parse_note('# X\n\n[a]({{< ref "sub/y.md" >}}) [b]({{< relref path="./sub/y.md" >}}) '
                   '[c]({{< ref "../other/z.md" >}}) [d]({{< ref "top.md" >}}) [e]({{< ref "/sub/y.md" >}})\n', "guide/x.md")
    html = section_html("\n".join(wiki_page(x, "hugo").text.lines), links=link_rewriter("guide/x.md", pages["guide/x.md"], pages))
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs == [pages["guide/sub/y.md"], pages["guide/sub/y.md"], pages["other/z.md"], pages["top.md"], pages["sub/y.md"]]
