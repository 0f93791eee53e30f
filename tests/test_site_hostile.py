"""A site file from a notes repository anyone on the team can push to (assistant/wiki/site.py,
config._base_url): it may point citation links at a host that reads as the wiki, read a file
outside the notes through a symbolic link, come from a folder another user can write, or be
slow to parse. Each is refused or bounded here. No model, no index.
"""
from __future__ import annotations

import logging
import os

import pytest

from assistant.config import PLACEHOLDER_BASE_URL, from_env, links_line
from assistant.errors import ConfigError
from assistant.wiki import site


def _notes(folder):
    (folder / "ops").mkdir(parents=True)
    (folder / "ops" / "deploy.md").write_text("# Deploy\n\n## Window\n\nTuesdays.\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("config_text", [
    'url: "https://wiki.corp.example@evil.example"\n',        # goes to evil.example
    'url: "https://deploy:hunter2@wiki.corp.example"\n',       # a password in every link
    'url: "https://evil.example\\\\@wiki.corp.example"\n',     # browsers read \ as /: evil.example
    'url: "https://wiki.corp.example"\nbaseurl: "/w?x="\n',    # every link: the page /w
    'url: "https://wiki.corp.example"\nbaseurl: "/w#"\n',
    'url: "https://wiki.corp.example"\nbaseurl: "/\u202egnp.exe"\n',  # reads as exe.png
    'url: "https://wiki.corp.example/a\u200bb"\n',
    'url: "https://wiki.corp.example/' + "a" * 100_000 + '"\n',  # 100 KB in every citation
])
def test_a_base_url_that_reads_as_another_or_breaks_every_link_is_refused(tmp_path, caplog, config_text):
    notes = _notes(tmp_path / "site")
    (notes / "_config.yml").write_text(config_text, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        settings = from_env({}, corpus_dir=notes)
    assert settings.wiki_base_url == PLACEHOLDER_BASE_URL
    assert "ignored" in caplog.text
    stated = site.read_site_config(notes).base_url
    with pytest.raises(ConfigError):  # and the same value given as the setting: one line
        from_env({}, wiki_base_url=stated)


def test_a_plain_base_url_with_a_path_is_still_taken(tmp_path):
    for url in ("https://github.com/org/repo/blob/main", "http://[::1]:8080/wiki/", "https://wiki.example.com/日本語",
                "https://x.example/wiki.html.d/", "https://x.example/docs.md-site",
                "https://x.org/index.php/", "https://x.org/doku.php", "https://user.github.io/handbook.md/"):
        assert from_env({}, wiki_base_url=url).wiki_base_url == url


@pytest.mark.parametrize("url", ["https://x.example/wiki/faq.html", "https://x.example/wiki/index.HTM",
                                 "https://x.example/w/Home.md", "https://x.example/docs/intro.mdx"])
def test_a_pages_address_given_as_the_base_url_is_refused(url):
    # A fresh user copied a page's address from the browser: every citation became
    # ".../wiki/faq.html/stage/load-in#strike", with no word (2026-12-06).
    with pytest.raises(ConfigError, match="not a page's"):
        from_env({}, wiki_base_url=url)


def test_a_site_file_linked_to_a_file_outside_the_notes_is_not_read(tmp_path, caplog):
    secret = tmp_path / "app" / "deploy.yml"
    secret.parent.mkdir()
    secret.write_text('url: "https://registry.internal.example/token-4f9a"\n', encoding="utf-8")
    notes = _notes(tmp_path / "site")
    (notes / "_config.yml").symlink_to(secret)
    with caplog.at_level(logging.WARNING):
        settings = from_env({}, corpus_dir=notes)
    assert settings.wiki_base_url == PLACEHOLDER_BASE_URL
    assert "token-4f9a" not in links_line(settings) and "symbolic link" in caplog.text


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="gives a file to another user")
def test_a_parent_folders_mkdocs_file_of_another_user_is_not_read(tmp_path, caplog):
    shared = tmp_path / "tmp"  # e.g. /tmp: anyone may write /tmp/mkdocs.yml beside /tmp/docs
    notes = _notes(shared / "docs")
    theirs = shared / "mkdocs.yml"
    theirs.write_text("site_url: https://evil.example/\n", encoding="utf-8")
    os.chown(theirs, 12345, 12345)
    with caplog.at_level(logging.WARNING):
        assert site.read_site_config(notes).source is None
    assert "another user" in caplog.text
    os.chown(theirs, os.stat(notes).st_uid, -1)  # the notes' owner's file is the site's
    assert site.read_site_config(notes).base_url == "https://evil.example/"


def test_a_site_file_is_parsed_once_per_start(tmp_path, monkeypatch):
    """A 256 KB flow mapping took 5.0 s to parse (pure-Python PyYAML) and was parsed twice at
    every start and CLI command (from_env, then the links line): 20.6 s for `links`."""
    notes = _notes(tmp_path / "site")
    (notes / "_config.yml").write_text('url: "https://wiki.corp.example"\nz: {' + ",".join(["a"] * 5000) + "}\n",
                                       encoding="utf-8")
    import yaml

    loads = []
    real_load = yaml.load
    monkeypatch.setattr(yaml, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    settings = from_env({}, corpus_dir=notes)
    links_line(settings)
    from_env({}, corpus_dir=notes)
    assert settings.wiki_base_url == "https://wiki.corp.example" and len(loads) == 1
    if getattr(yaml, "__with_libyaml__", False):
        assert issubclass(site._loader(), yaml.CSafeLoader)

