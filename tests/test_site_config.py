"""The wiki's own configuration file (assistant/wiki/site.py) fills the wiki settings a user
left unset, so citation links land on the real site: Jekyll's `_config.yml`, MkDocs'
`mkdocs.yml`. Explicit settings win; a bad file changes nothing. Through `from_env` and the
real `python -m assistant links` command. No model, no index.
"""
from __future__ import annotations

import json
import logging

import pytest

from assistant import cli
from assistant.config import PLACEHOLDER_BASE_URL, from_env, links_line
from assistant.wiki.site import MAX_CONFIG_BYTES, read_site_config


def _notes(folder, config_name=None, config_text=""):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ops").mkdir(exist_ok=True)
    (folder / "ops" / "deploy.md").write_text("# Deploy\n\n## Release window\n\nTuesdays 10:00.\n", encoding="utf-8")
    if config_name:
        (folder / config_name).write_text(config_text, encoding="utf-8")
    return folder


def _links_json(folder, capsys, *options):
    assert cli.main(["links", "--corpus", str(folder), "--json", *options]) == 0
    captured = capsys.readouterr()
    return [json.loads(line) for line in captured.out.splitlines()], captured.err


JEKYLL = 'title: Team\nurl: "https://team.github.io"\nbaseurl: "/wiki/"\npermalink: pretty\n'


def test_jekyll_config_gives_base_url_and_pretty_urls(tmp_path, capsys):
    notes = _notes(tmp_path / "site", "_config.yml", JEKYLL)
    settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_engine, settings.wiki_base_url, settings.wiki_clean_urls) == ("jekyll", "https://team.github.io/wiki", True)
    pages, err = _links_json(notes, capsys)
    assert pages[0]["url"] == "https://team.github.io/wiki/ops/deploy/"
    assert pages[0]["headings"][-1]["url"] == "https://team.github.io/wiki/ops/deploy/#release-window"
    assert "_config.yml" in err and "placeholder" not in err


def test_explicit_settings_win_over_the_site_file(tmp_path, capsys):
    notes = _notes(tmp_path / "site", "_config.yml", JEKYLL)
    settings = from_env({"ASSISTANT_WIKI_BASE_URL": "https://intranet.example/wiki"}, corpus_dir=notes, wiki_clean_urls=False)
    assert (settings.wiki_base_url, settings.wiki_clean_urls) == ("https://intranet.example/wiki", False)
    pages, _ = _links_json(notes, capsys, "--wiki-base-url", "https://cli.example", "--no-wiki-clean-urls")
    assert pages[0]["url"] == "https://cli.example/ops/deploy.html"
    # Another engine chosen: the file describes some other site, nothing is taken from it.
    assert from_env({}, corpus_dir=notes, wiki_engine="github").wiki_base_url == PLACEHOLDER_BASE_URL
    assert from_env({}, corpus_dir=notes, wiki_engine="kramdown").wiki_base_url == "https://team.github.io/wiki"


MKDOCS = """site_name: Team
site_url: https://docs.example.org/team/
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
extra:
  analytics: !ENV GOOGLE_ANALYTICS_KEY
"""


def test_mkdocs_config_beside_the_docs_folder(tmp_path, capsys):
    notes = _notes(tmp_path / "repo" / "docs")
    (tmp_path / "repo" / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")  # other programs' tags: not errors
    settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_engine, settings.wiki_base_url, settings.wiki_clean_urls) == ("mkdocs", "https://docs.example.org/team/", None)
    pages, err = _links_json(notes, capsys)
    assert pages[0]["url"] == "https://docs.example.org/team/ops/deploy/"
    assert "mkdocs.yml" in err


def test_mkdocs_config_of_another_docs_dir_is_not_this_site(tmp_path):
    notes = _notes(tmp_path / "repo" / "notes")
    (tmp_path / "repo" / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")  # docs_dir defaults to docs/
    assert read_site_config(notes).source is None
    (tmp_path / "repo" / "mkdocs.yml").write_text(MKDOCS + "docs_dir: notes\nuse_directory_urls: false\n", encoding="utf-8")
    site = read_site_config(notes)
    assert (site.engine, site.clean_urls) == ("mkdocs", False)


@pytest.mark.parametrize("text", [
    "url: [unclosed\n",                                  # not YAML
    "- a list\n- not a mapping\n",                       # not a mapping
    'url: "javascript:alert(1)"\n',                      # not an http(s) URL: refused as the setting is
    'url: "https://evil.example/\\u0000x"\nbaseurl: 5\n',  # a control character
    "a: &a [*a, *a]\n",                                  # a self-referencing alias
])
def test_a_bad_site_file_changes_nothing(tmp_path, caplog, text):
    notes = _notes(tmp_path / "site", "_config.yml", text)
    with caplog.at_level(logging.WARNING):
        settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_engine, settings.wiki_base_url, settings.wiki_clean_urls) == ("jekyll", PLACEHOLDER_BASE_URL, None)
    assert "placeholder" in links_line(settings)


def test_an_oversized_site_file_is_not_read(tmp_path, caplog):
    notes = _notes(tmp_path / "site", "_config.yml", JEKYLL + "#" * MAX_CONFIG_BYTES)
    with caplog.at_level(logging.WARNING):
        assert from_env({}, corpus_dir=notes).wiki_base_url == PLACEHOLDER_BASE_URL
    assert "not read" in caplog.text


def test_placeholder_is_named_at_start_up(tmp_path, capsys):
    _, err = _links_json(_notes(tmp_path / "plain"), capsys)
    assert PLACEHOLDER_BASE_URL in err and "--wiki-base-url" in err
