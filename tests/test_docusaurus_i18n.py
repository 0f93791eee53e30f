"""A Docusaurus site's translated docs (wiki/docusaurusi18n.py): a locale's copy of a doc is
that doc's page under /<locale>/, cited there; a copy with no doc is no page. heldout29 (a
bilingual orchestra wiki, written blind) had every English page left out as "outside docs/"."""
from __future__ import annotations

import json
import logging

import pytest

from assistant import cli
from assistant.build import build_index
from assistant.config import from_env
from assistant.retrieve import Searcher
from assistant.wiki.docusaurusi18n import DocusaurusTranslations
from assistant.wiki.site import read_site_config

EN = "i18n/en/docusaurus-plugin-content-docs/current"
CONFIG = """module.exports = {
  url: 'https://orch.example',
  baseUrl: '/wiki/',
  i18n: { defaultLocale: 'ja', locales: ['ja', 'en', '../up'] },
  presets: [['classic', { docs: { %s } }]],
};
"""
NOTES = {
    "docs/index.md": "# ようこそ\n\n## 使い方\n\n右上で言語を選ぶ。\n",
    "docs/01-office/tickets.md": "# チケット\n\n## 料金 {#prices}\n\n一般 2,000 円。\n",
    "docs/01-office/contacts.md": "---\nslug: /contacts\n---\n# 連絡先\n\n## 事務局\n\n内線 12。\n",
    f"{EN}/index.md": "# Welcome\n\n## How to use\n\nPick a language at the top right.\n",
    f"{EN}/01-office/tickets.md": "# Tickets\n\n## Prices {#prices}\n\nAdults pay 2,000 yen for a concert ticket.\n",
    f"{EN}/01-office/contacts.md": "---\nslug: /contacts\n---\n# Contacts\n\n## Office desk\n\nExtension 12.\n",
    f"{EN}/01-office/only-english.md": "# Only English\n\n## No Japanese doc\n\nThis page is never built.\n",
    "i18n/fr/docusaurus-plugin-content-docs/current/01-office/tickets.md": "# Billets\n\n## Prix\n\n2 000 yens.\n",
    "README.md": "# The repository\n",
}


def _site(tmp_path, docs_options: str = ""):
    repo = tmp_path / "repo"
    for source, text in NOTES.items():
        (repo / source).parent.mkdir(parents=True, exist_ok=True)
        (repo / source).write_text(text, encoding="utf-8")
    (repo / "docusaurus.config.js").write_text(CONFIG % docs_options, encoding="utf-8")
    return repo


def _links(repo, capsys) -> tuple[dict, str]:
    assert cli.main(["links", "--corpus", str(repo), "--json"]) == 0
    captured = capsys.readouterr()
    pages = [json.loads(line) for line in captured.out.splitlines()]
    return {p["source"]: p for p in pages}, captured.err


@pytest.mark.parametrize("route, served", [("", "/wiki/docs"), ("routeBasePath: 'handbook'", "/wiki/handbook"),
                                           ("routeBasePath: '/'", "/wiki")])
def test_a_locale_copy_of_a_doc_is_its_page_under_the_locale(tmp_path, capsys, caplog, route, served):
    repo = _site(tmp_path, route)
    site = read_site_config(repo)
    assert site.translations == DocusaurusTranslations(((EN, "en"),), route.split("'")[1].strip("/") if route else "docs")
    with caplog.at_level(logging.WARNING):
        pages, _ = _links(repo, capsys)
    english = served.replace("/wiki", "/wiki/en", 1)
    assert pages["docs/01-office/tickets.md"]["url"] == f"https://orch.example{served}/office/tickets"
    assert pages[f"{EN}/01-office/tickets.md"]["url"] == f"https://orch.example{english}/office/tickets"
    assert pages[f"{EN}/01-office/tickets.md"]["headings"][1]["url"].endswith(f"{english}/office/tickets#prices")
    assert pages[f"{EN}/01-office/contacts.md"]["url"] == f"https://orch.example{english}/contacts"
    assert pages[f"{EN}/index.md"]["url"] == f"https://orch.example{english}/"
    # a copy with no doc, a locale the site does not list, a locale name that climbs: no pages
    assert not {f"{EN}/01-office/only-english.md", "README.md"} & set(pages)
    assert not any("/fr/" in source or "up" in source.split("/")[1:2] for source in pages)
    said = caplog.text
    assert "left out 1 translated note(s) with no doc at the same path in docs/" in said and "only-english.md" in said


def test_the_docs_folder_as_the_notes_folder_says_its_translations_are_not_indexed(tmp_path, caplog):
    repo = _site(tmp_path)
    with caplog.at_level(logging.WARNING):
        site = read_site_config(repo / "docs")
    assert site.engine == "docusaurus" and site.translations is None
    assert "the translated docs are outside the notes folder" in caplog.text and str(repo) in caplog.text


def test_a_translation_draft_is_no_page_in_its_locale(tmp_path, capsys):
    repo = _site(tmp_path)
    (repo / EN / "01-office" / "tickets.md").write_text("---\ndraft: true\n---\n# Tickets\n\n## Prices\n", encoding="utf-8")
    pages, _ = _links(repo, capsys)
    assert f"{EN}/01-office/tickets.md" not in pages and "docs/01-office/tickets.md" in pages


def test_a_search_cites_a_translation_at_its_locale_url(tmp_path):
    """Through the index: a hit from the English copy links under /en/, the Japanese doc's not."""
    repo = _site(tmp_path)
    settings = from_env({}, corpus_dir=repo, index_dir=tmp_path / "index", model="fake-hash")
    build_index(settings, progress=False)
    searcher = Searcher(settings)
    urls = {hit.chunk.source: hit.url for hit in searcher.search("concert ticket prices for adults", 10).hits}
    assert urls[f"{EN}/01-office/tickets.md"] == "https://orch.example/wiki/en/docs/office/tickets#prices"
    assert searcher.page_urls["docs/01-office/tickets.md"] == "https://orch.example/wiki/docs/office/tickets"


def test_a_base_url_given_by_hand_takes_the_locale_before_the_route():
    translations = DocusaurusTranslations(((EN, "en"),), "docs")
    assert translations.base_url("https://w.example/x/docs/", f"{EN}/a.md") == "https://w.example/x/en/docs"
    assert translations.base_url("https://w.example/x", f"{EN}/a.md") == "https://w.example/x/en"
    assert translations.base_url("https://w.example/x/docs", "docs/a.md") == "https://w.example/x/docs"
