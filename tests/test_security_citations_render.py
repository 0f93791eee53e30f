"""An attack run on the 2026-12-01 changes (cite._quote_path and wiki.pages.jekyll_permalink,
the inline formatting tags of webrender, vocabulary's typo look-up): each test failed on the code
it attacked (3229d61) and holds the fix.
"""
from __future__ import annotations

import json
import random
import string
from urllib.parse import urlsplit

import pytest

from assistant import cli, questionnames, vocabulary, webrender

BASE = "https://wiki.corp.example/team/docs"


def _links(tmp_path, capsys, notes: dict[str, str], engine: str = "jekyll") -> dict[str, str]:
    corpus = tmp_path / "notes"
    for name, text in notes.items():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text(text, encoding="utf-8")
    code = cli.main(["links", "--corpus", str(corpus), "--json", "--wiki-engine", engine, "--wiki-base-url", BASE])
    assert code == 0
    return {p["source"]: p["url"] for p in map(json.loads, capsys.readouterr().out.splitlines())}


# A static host that decodes %2F before resolving dot segments (nginx's
# ngx_http_parse_complex_uri does) serves /team/docs/..%2F..%2Fx as /x: above the base path.
@pytest.mark.parametrize("engine", ["jekyll", "mkdocs", "docusaurus"])
def test_no_citation_path_holds_an_encoded_slash_or_backslash(tmp_path, capsys, engine):
    urls = _links(tmp_path, capsys, {
        "%2e%2e%2f/vacation.md": "# Vacation\n\n## Leave\n",  # a folder named '%2e%2e%2f'
        "a%2Fb/expenses.md": "# Expenses\n",
        "pl/laptop.md": '---\npermalink: "%252e%252e%252f%252e%252e%252fadmin/"\nslug: "/..%2F..%2Fadmin"\n---\n# Laptop\n',
        "pl/win.md": '---\npermalink: "..%255C..%255Cwin/"\nslug: "..%5C..%5Cwin"\n---\n# Win\n',
    }, engine)
    bad = {s: u for s, u in urls.items() if any(e in urlsplit(u).path.lower() for e in ("%2f", "%5c"))}
    assert bad == {}


def test_jekyll_citation_is_the_url_jekyll_serves_for_a_double_encoded_permalink(tmp_path, capsys):
    # `jekyll build` (4.3.1) writes this page at _site/%2e%2e%2f%2e%2e%2fx/index.html, served
    # at /%252e%252e%252f%252e%252e%252fx/; the citation decodes twice and says /..%2F..%2Fx/.
    urls = _links(tmp_path, capsys, {"p.md": '---\npermalink: "%252e%252e%252f%252e%252e%252fx/"\n---\n# P\n'})
    assert urls["p.md"] == BASE + "/%252e%252e%252f%252e%252e%252fx/"


def test_a_folder_named_with_backslash_dot_dot_is_no_traceback(tmp_path, capsys):
    # A legal Linux folder name; today `index` and `links` die with ValueError from wiki/pages._parts.
    urls = _links(tmp_path, capsys, {"good.md": "# Good\n", "a\\..\\..\\b/bad.md": "# Bad\n"})
    assert BASE + "/good.html" in urls.values()


@pytest.mark.parametrize("text, shown", [
    ("Wrap the value in &lt;code&gt; tags", "Wrap the value in &lt;code&gt; tags"),
    (r"Use \<br> for a line break", "Use &lt;br&gt; for a line break"),
])
def test_an_escaped_tag_is_shown_as_the_note_escaped_it(text, shown):
    # The author escaped the tag to show it; entities are text_special tokens that markdown-it's
    # text_join merged into text before the old text-token rewrite ran, so the words vanished.
    assert webrender.section_html(text).strip() == f"<p>{shown}</p>"


class _NoScan(set):
    def __iter__(self):
        raise AssertionError("the typo look-up scanned the notes' words")


def test_the_typo_look_up_never_scans_the_vocabulary():
    # Scanning every notes word with the name's first letter cost 5 s for a question of 220
    # made-up names over 200,000 words; each edit of the name is looked up instead.
    rng = random.Random(7)
    notes = vocabulary.Vocabulary(["Lambda " + " ".join("s" + "".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(2_000))])
    notes.words = _NoScan(notes.words)
    question = "Does " + ", ".join("S" + "".join(rng.choices("qxzjvkw", k=7)) for _ in range(200)) + " work with Lamdba?"
    unknown = questionnames.unknown_names(question, notes)
    assert len(unknown) == 200 and "Lamdba" not in unknown
