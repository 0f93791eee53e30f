"""Jekyll's posts and collections (wiki/jekyll.py): which notes are pages and where. The real
Jekyll builds are in tests/test_site_real.py; these are the rules' edges, without a build."""
from __future__ import annotations

import logging

import pytest

from assistant import config
from assistant.notes import parse_note
from assistant.store import chunking_settings
from assistant.wiki import wiki_page
from assistant.wiki.jekyll import JekyllCollection, JekyllUrls, jekyll_urls
from assistant.wiki.published import published_notes
from assistant.wiki.sitefile import SiteConfig

DOCS = JekyllUrls(collections=(JekyllCollection("docs", True), JekyllCollection("hidden", False)))


def _path(text: str, source: str, urls: JekyllUrls | None = None) -> str:
    return wiki_page(parse_note(text, source), "jekyll", None, None, "", urls).path


def test_site_file_collections_as_a_mapping_or_a_list():
    urls = jekyll_urls({"permalink": "pretty", "collections": {"docs": {"output": True, "permalink": "/d/:name/"},
                                                               "posts": {"permalink": "/p/:title/"}, "drafts": None},
                        "collections_dir": "/my/", "timezone": "Asia/Tokyo"})
    assert urls == JekyllUrls("pretty", "my", (JekyllCollection("docs", True, "/d/:name/"), JekyllCollection("drafts")),
                              "/p/:title/", "Asia/Tokyo")
    assert jekyll_urls({"collections": ["docs", 3]}).collections == (JekyllCollection("docs"),)  # output: false
    assert jekyll_urls({"collections": "docs", "permalink": 5, "collections_dir": "../up"}) == JekyllUrls()


def test_posts_without_a_site_file_take_jekylls_default_date_style():
    assert _path("---\n---\n# A\n", "_posts/2024-03-05-weekly.md") == "/2024/03/05/weekly.html"
    assert _path("# A\n", "team/_posts/2024-3-5-Weekly Notes.md") == "/team/2024/03/05/Weekly-Notes.html"
    assert _path("---\ncategories: Ops Infra\ncategory: Big Team\n---\n", "_posts/2024-03-05-x.md") \
        == "/ops/infra/big team/2024/03/05/x.html"  # `categories` text splits, `category` does not
    assert _path("---\nslug: Own Slug\ndate: 2023-01-31\n---\n", "_posts/2024-03-05-x.md") == "/2023/01/31/Own-Slug.html"


def test_categories_are_names_only_so_yaml_aliases_cannot_nest_them():
    """A 390-byte post whose `categories:` nests YAML aliases nine deep (9^9 names) took 60 s
    and 3.7 GB, then MemoryError, to index: every item, a nested list too, was made text (an
    attack run, 2026-12-05). Five levels here: a nested list is no category."""
    levels = "abcde"
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"{level}: &{level} [{', '.join([f'*{prev}'] * 9)}]\n" for prev, level in zip(levels, levels[1:]))
    for field in ("categories", "category"):
        assert _path(f"---\n{bomb}{field}: *e\n---\n# Bomb\n", "_posts/2024-01-01-bomb.md") == "/2024/01/01/bomb.html"
    long_name = "x" * 2_000
    assert _path(f"---\ncategories: [Ops, {long_name}, true, 2]\n---\n", "_posts/2024-03-05-x.md") \
        == "/ops/true/2/2024/03/05/x.html"  # a name longer than any URL part is left out


def test_a_posts_title_without_front_matter_or_h1_leaves_out_its_date():
    assert wiki_page(parse_note("No heading here.\n", "_posts/2024-03-05-weekly-notes.md"), "jekyll").title \
        == "Weekly notes"


def test_dates_with_an_offset_are_shown_in_the_sites_timezone_else_utc():
    text = "---\ndate: 2024-01-02 01:00:00 +0900\n---\n"
    assert _path(text, "_posts/2024-01-02-t.md") == "/2024/01/01/t.html"
    assert _path(text, "_posts/2024-01-02-t.md", JekyllUrls(timezone="Asia/Tokyo")) == "/2024/01/02/t.html"
    assert _path("---\ndate: \"2024-01-02 01:00\"\n---\n", "_posts/2024-01-05-t.md") == "/2024/01/02/t.html"
    assert _path("---\ndate: yesterday\n---\n", "_posts/2024-01-05-t.md") == "/2024/01/05/t.html"  # the name's


def test_collection_documents_and_a_front_matter_template():
    assert _path("---\n---\n", "_docs/sub/setup.md", DOCS) == "/docs/sub/setup.html"
    assert _path("---\n---\n", "_docs/sub/setup.md", JekyllUrls("pretty", collections=DOCS.collections)) \
        == "/docs/sub/setup/"
    assert _path("# no front matter: copied as it is\n", "_docs/raw.md", DOCS) == "/docs/raw.md"
    assert _path("---\npermalink: /:path/:basename/\n---\n", "guide/page.md") == "/guide/page/"
    assert _path("---\npermalink: /x/:nothing/:title/\n---\n", "_posts/2024-01-01-a.md") == "/x/:nothing/a/"


def test_only_what_jekyll_renders_is_published(caplog):
    sources = ["_posts/2024-01-01-a.md", "_posts/README.md", "_posts/_2024-01-01-b.md", "_posts/sub/2024-01-01-c.md",
               "_drafts/2024-01-01-d.md", "_docs/e.md", "_docs/_f.md", "_docs/sub/_g/h.md", "_hidden/i.md",
               "_other/j.md", "_x/_posts/2024-01-01-k.md"]
    notes = [parse_note("---\n---\n# T\n", s) for s in sources]
    with caplog.at_level(logging.WARNING):
        kept = [n.source for n in published_notes(notes, "jekyll", SiteConfig(None, "jekyll", permalinks=DOCS))]
    assert kept == ["_posts/2024-01-01-a.md", "_posts/sub/2024-01-01-c.md", "_docs/e.md", "_docs/sub/_g/h.md"]
    assert "left out 7 note(s)" in caplog.text


def test_the_manifest_records_jekylls_url_settings_for_jekyll_sites_only():
    assert chunking_settings(config.Settings(wiki_engine="jekyll"))["wiki_permalinks"] == JekyllUrls().record()
    assert chunking_settings(config.Settings(wiki_engine="jekyll", wiki_permalinks=DOCS))["wiki_permalinks"] \
        == DOCS.record()
    assert "wiki_permalinks" not in chunking_settings(config.Settings(wiki_engine="mkdocs"))


def test_what_an_attack_run_found_stays_fixed():
    """A helper's attack on the first version (2026-12-04), each against a real Jekyll 4.3.1."""
    # a date shifted past year 9999 by its offset: a traceback that stopped `links` and the build
    assert _path("---\ndate: 9999-12-31 23:00:00 -1200\n---\n", "_posts/2024-01-02-p.md") == "/2024/01/02/p.html"
    # a filled-in template bounded as a written permalink is: a 20 KB slug made a 4 MB URL
    huge = "---\npermalink: /" + ":slug" * 150 + "/\nslug: " + "x" * 20_000 + "\n---\n"
    assert _path(huge, "_posts/2024-01-02-p.md") == "/_posts/2024-01-02-p.html"
    # Ruby's dates: a day past the month's end rolls over, a two-digit year is this century's
    assert _path("---\n---\n", "_posts/2024-02-30-s.md") == "/2024/03/01/s.html"
    assert _path("---\n---\n", "_posts/24-01-02-j.md") == "/2024/01/02/j.html"
    assert _path("---\ndate: 2024-02-30\n---\n", "_posts/2024-01-01-s.md") == "/2024/03/01/s.html"
    # a collection note without front matter is copied as it is, where the collection's template puts it
    urls = JekyllUrls(collections=(JekyllCollection("docs", True, "/r/:path/"),))
    assert _path("# raw\n", "_docs/a.md", urls) == "/r/a.md"


def test_a_front_matter_with_an_impossible_date_keeps_its_other_keys():
    """PyYAML refused `2024-02-30` and the whole front matter was dropped, `published: false`
    with it: the note was indexed and cited (an attack run)."""
    note = parse_note("---\ndate: 2024-02-30\npublished: false\n---\n# Secret\n", "_posts/2024-02-28-secret.md")
    assert published_notes([note], "jekyll") == []


@pytest.mark.parametrize("header, engine", [
    ("---\nrev: " + "1" * 5_000 + "\npublished: false\n---\n", "jekyll"),  # Python refuses to read it
    ("---\nnote: !private x\npublished: false\n---\n", "jekyll"),  # a tag the safe loader does not know
    ("---\ntitle: [unclosed\npublished: false\n---\n", "jekyll"),  # a syntax error: read line by line
    ("+++\ndraft = true\nrev = " + "1" * 5_000 + "\n+++\n", "hugo"),  # TOML read line by line
    ("---\npublished: false\n...\n", "jekyll"),  # YAML's own closer, which Jekyll takes: its keys were none
    # an indented " ---" closes nothing in Jekyll or Hugo: it closed the block before the flag
    ("---\ntitle: x\n ---\npublished: false\n---\n", "jekyll"),
    ("---\ntitle: x\n ---\ndraft: true\n---\n", "hugo"),
    ("---  \npublished: false\n---\t\n", "jekyll"),  # trailing spaces after a fence are allowed
])
def test_a_front_matter_that_does_not_parse_whole_still_hides_its_page(header, engine):
    """Each lost a whole front matter, its `published: false` or `draft = true` with it: the
    page was indexed and answered (an attack run, 2026-12-05)."""
    note = parse_note(header + "# Secret\n\nVAULT CODE 1234\n", "secret.md")
    assert published_notes([note], engine) == []


def test_a_number_too_long_to_write_is_no_category_or_doc_id():
    """Python refuses to write an integer of over 4,300 digits: a post's hex category and a
    Docusaurus doc's TOML `id` stopped the build with a traceback (an attack run, 2026-12-05)."""
    huge = "0x" + "f" * 5_000
    assert _path(f"+++\ncategories = [{huge}, 7]\n+++\n", "_posts/2024-01-02-a.md") == "/7/2024/01/02/a.html"
    page = wiki_page(parse_note(f"+++\nid = {huge}\n+++\n# A\n", "docs/a.md"), "docusaurus")
    assert page.path.endswith("/a")


def test_published_left_empty_is_unpublished_as_in_ruby():
    notes = [parse_note(f"---\npublished: {v}\n---\n# T\n", f"p{i}.md") for i, v in enumerate(["", "null", "0", "yes"])]
    assert [n.source for n in published_notes(notes, "jekyll")] == ["p2.md", "p3.md"]


def test_collection_labels_are_cleaned_as_jekyll_cleans_them():
    urls = jekyll_urls({"collections": {"my docs": {"output": True}, "data": {"output": True}, "..": {"output": True}}})
    assert [c.label for c in urls.collections] == ["mydocs"]
    assert _path("---\n---\n", "_mydocs/a.md", urls) == "/mydocs/a.html"
    # posts are read only from folders Jekyll walks: not below a collections_dir named `_c`
    site = SiteConfig(None, "jekyll", permalinks=JekyllUrls(collections_dir="_c", collections=urls.collections))
    notes = [parse_note("---\n---\n# T\n", s) for s in ("_c/_posts/2024-01-01-a.md", "_c/_mydocs/b.md")]
    assert [n.source for n in published_notes(notes, "jekyll", site)] == ["_c/_mydocs/b.md"]
