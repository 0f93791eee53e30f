"""A Hugo site's languages (assistant/wiki/hugo.py) and where a language's page is served
(pages.hugo_page_path: translation by file name). Each expected URL is what Debian's Hugo
0.111 wrote for that file (tests/test_site_real.py builds such sites); no model, no index.
"""
from __future__ import annotations

import logging

import pytest

from assistant import cli
from assistant.config import from_env
from assistant.notes import parse_note
from assistant.store import chunking_settings
from assistant.wiki import wiki_page
from assistant.wiki.hugo import HugoLanguages
from assistant.wiki.published import published_notes
from assistant.wiki.site import read_site_config

EN_JA = HugoLanguages("en", ("en", "ja"))
EN_JA_SUBDIR = HugoLanguages("en", ("en", "ja"), default_in_subdir=True)


def _path(source: str, languages: HugoLanguages | None, front: str = "", clean: bool | None = None) -> str:
    return wiki_page(parse_note(f"---\n{front}\n---\n## H\n", source), "hugo", clean, languages).path


@pytest.mark.parametrize("source, at_root, in_subdir", [
    ("about.md", "/about/", "/en/about/"),
    ("about.ja.md", "/ja/about/", "/ja/about/"),
    ("about.en.md", "/about/", "/en/about/"),  # the default language's suffix names it too
    ("foo.fr.md", "/foo.fr/", "/en/foo.fr/"),  # not a language of the site: kept in the name
    ("Mixed.JA.md", "/ja/mixed/", "/ja/mixed/"),  # a suffix names a language in any case (Hugo 0.168)
    ("dotted.v1.ja.md", "/ja/dotted.v1/", "/ja/dotted.v1/"),
    ("guide/x.ja.markdown", "/ja/guide/x/", "/ja/guide/x/"),
    ("_index.md", "/", "/en/"),
    ("_index.ja.md", "/ja/", "/ja/"),
    ("guide/_index.ja.md", "/ja/guide/", "/ja/guide/"),
    ("sec/_index.fr.md", "/sec/_index.fr/", "/en/sec/_index.fr/"),  # fr is no language: a page of its own
    ("pump/index.ja.md", "/ja/pump/", "/ja/pump/"),
    ("other/index.fr.md", "/other/index.fr/", "/en/other/index.fr/"),  # so is this, no leaf bundle's
    ("b3/Index.md", "/b3/", "/en/b3/"),  # a leaf bundle's page in any case
])
def test_a_language_suffix_is_served_under_its_language(source, at_root, in_subdir):
    assert _path(source, EN_JA) == at_root
    assert _path(source, EN_JA_SUBDIR) == in_subdir


@pytest.mark.parametrize("languages, source, path", [
    (None, "c.en.md", "/c/"),  # Hugo's default: one language, "en"
    (None, "b.ja.md", "/b.ja/"),
    (HugoLanguages("ja", ("ja",)), "b.ja.md", "/b/"),
    (HugoLanguages("ja", ("ja",)), "c.en.md", "/c.en/"),
    (HugoLanguages("ja", ("ja",), default_in_subdir=True), "a.md", "/a/"),  # one language: no subdir
    (HugoLanguages("en", ("en",), ("ja",), default_in_subdir=True), "a.md", "/a/"),  # the other disabled
    (HugoLanguages("en", ("en", "zh-cn")), "a.zh-cn.md", "/zh-cn/a/"),
])
def test_the_site_s_languages_decide_which_suffix_names_one(languages, source, path):
    assert _path(source, languages) == path


@pytest.mark.parametrize("source, front, path", [
    ("a.ja.md", "slug: aslug", "/ja/aslug/"),
    ("d/index.ja.md", "slug: dslug", "/ja/dslug/"),  # a leaf bundle's slug names its folder
    ("e/_index.ja.md", "slug: eslug", "/ja/e/"),  # a section keeps its folder's name
    ("b.ja.md", "url: /burl/", "/burl/"),  # a url from the root has no language prefix
    ("h.ja.md", "url: /ja/explicit/", "/ja/explicit/"),
    ("c.ja.md", "url: rel-ja/", "/ja/rel-ja/"),  # a relative one is under it
    ("a.md", "url: rel-en/", "/rel-en/"),
    ("c.ja.md", "url: ../../up/", "/ja/up/"),  # and never climbs out of the base path
])
def test_url_and_slug_with_languages(source, front, path):
    assert _path(source, EN_JA, front) == path


def test_a_relative_url_of_the_default_language_in_its_subdir():
    assert _path("a.md", EN_JA_SUBDIR, "url: rel-en/") == "/en/rel-en/"
    assert _path("b.md", EN_JA_SUBDIR, "url: /abs-en/") == "/abs-en/"


@pytest.mark.parametrize("source, front, path", [
    ("a.ja.md", "", "/ja/a.html"), ("s/_index.ja.md", "", "/ja/s/index.html"), ("p/index.ja.md", "", "/ja/p.html"),
    ("_index.ja.md", "", "/ja/index.html"), ("d.ja.md", "url: rel-ja2.html", "/ja/rel-ja2.html"),
])
def test_ugly_urls_with_languages(source, front, path):
    assert _path(source, EN_JA, front, clean=False) == path


def _site(tmp_path, config: str, notes: dict[str, str]):
    folder = tmp_path / "repo" / "content"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in notes.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "repo" / "hugo.toml").write_text(config, encoding="utf-8")
    return folder


def test_the_site_file_s_languages_reach_the_links_and_the_index_record(tmp_path, capsys, monkeypatch):
    for name in ("ASSISTANT_WIKI_BASE_URL", "ASSISTANT_WIKI_ENGINE", "ASSISTANT_WIKI_CLEAN_URLS"):
        monkeypatch.delenv(name, raising=False)
    notes = _site(tmp_path, 'baseURL = "https://x.example/w/"\ndefaultContentLanguage = "ja"\n'
                            'defaultContentLanguageInSubdir = true\n[languages.JA]\nweight = 1\n[languages.en]\nweight = 2\n',
                  {"about.md": "# About\n", "about.en.md": "# About\n"})
    settings = from_env({}, corpus_dir=notes)
    assert settings.wiki_languages == HugoLanguages("ja", ("ja", "en"), (), True)
    assert chunking_settings(settings)["wiki_languages"] == {"default": "ja", "enabled": ["ja", "en"], "disabled": [],
                                                             "default_in_subdir": True}
    assert cli.main(["links", "--corpus", str(notes), "--json"]) == 0
    assert sorted(line.split('"url": "')[1].split('"')[0] for line in capsys.readouterr().out.splitlines()) == [
        "https://x.example/w/en/about/", "https://x.example/w/ja/about/"]
    # Another engine chosen: the file describes some other site, its languages are not taken.
    assert from_env({}, corpus_dir=notes, wiki_engine="mkdocs").wiki_languages is None


def test_a_disabled_language_s_pages_are_not_published(tmp_path):
    notes = _site(tmp_path, 'disableLanguages = ["ja", "fr"]\n[languages.en]\n[languages.ja]\n[languages.de]\ndisabled = true\n',
                  {"a.md": "# A\n", "a.ja.md": "# A\n", "a.de.md": "# A\n", "b.fr.md": "# B\n"})
    site = read_site_config(notes)
    assert site.languages == HugoLanguages("en", ("en",), ("de", "ja"))
    kept = published_notes([parse_note("# A\n", s) for s in ("a.md", "a.ja.md", "a.de.md", "b.fr.md")], "hugo", site)
    assert [n.source for n in kept] == ["a.md", "b.fr.md"]  # fr is no language of the site: /b.fr/


def test_a_bundle_s_language_versions_and_resources(tmp_path):
    notes = [parse_note("# N\n", s) for s in ("b1/index.v1.md", "b1/res.md", "b2/index.ja.md", "b2/res.ja.md", "b3/Index.md", "b3/r.md")]
    # Hugo 0.168 (one language, en): index.v1.md and index.ja.md are pages of their own, Index.md a bundle's
    assert [n.source for n in published_notes(notes, "hugo")] == ["b1/index.v1.md", "b1/res.md", "b2/index.ja.md",
                                                                   "b2/res.ja.md", "b3/Index.md"]


@pytest.mark.parametrize("config, warned", [
    ('defaultContentLanguage = 5\n', "is not a language code"),
    ('defaultContentLanguageInSubdir = "yes"\n', "is not true or false"),
    ('disableLanguages = 5\n', "disableLanguages is not a list"),
    ('[languages]\nen = "English"\n', "not a table of settings"),  # Hugo: "Language config is not a map"
    ('defaultContentLanguage = "JA"\n[languages.ja]\n[languages.en]\n', "not written in lower case"),
    ('languages = "en"\n', "languages is not a table"),
    ('[languages]\n"../x" = {}\nen = {}\n', "'../x' is not a language code"),
    ('[languages.ja]\nweight = 1\n', "is not one of its enabled languages"),  # Hugo refuses to build it
    ('[languages.en]\nbaseURL = "https://en.x.example/"\n[languages.ja]\nbaseURL = "https://ja.x.example/"\n',
     "has its own baseURL"),
    # a language's contentDir that names no folder: Hugo builds none of its pages
    ('[languages.en]\n[languages.ja]\ncontentDir = "content/nowhere"\n', "that is no folder of the project"),
])
def test_a_bad_language_setting_is_a_warning_not_an_error(tmp_path, caplog, config, warned):
    notes = _site(tmp_path, config, {"a.ja.md": "# A\n"})
    with caplog.at_level(logging.WARNING):
        site = read_site_config(notes)
        assert wiki_page(parse_note("# A\n", "a.ja.md"), "hugo", None, site.languages).path.startswith("/")
    assert site.engine == "hugo" and warned in caplog.text


def test_only_a_hugo_index_records_the_languages():
    # Page paths are stored in the index: a Hugo wiki's index built before languages moved its
    # pages is rebuilt (its record lacks the key); no other wiki's index is.
    assert "wiki_languages" not in chunking_settings(from_env({}, wiki_engine="mkdocs"))
    assert chunking_settings(from_env({}, wiki_engine="hugo"))["wiki_languages"] is None


@pytest.mark.parametrize("config, languages", [
    # Go's cast.ToBool and cast.ToStringSlice, as Hugo 0.111 reads these (an attack run, 2026-12-03)
    ('defaultContentLanguageInSubdir = "true"\n[languages.en]\n[languages.ja]\n', HugoLanguages("en", ("en", "ja"), (), True)),
    ('[languages.en]\n[languages.ja]\ndisabled = "true"\n', HugoLanguages("en", ("en",), ("ja",))),
    ('disableLanguages = "ja"\n[languages.en]\n[languages.ja]\n', HugoLanguages("en", ("en",), ("ja",))),
    # an empty table is Hugo's default: the default language alone
    ('defaultContentLanguage = "ja"\n[languages]\n', HugoLanguages("ja", ("ja",))),
])
def test_values_hugo_accepts_are_read_as_hugo_reads_them(tmp_path, caplog, config, languages):
    with caplog.at_level(logging.WARNING):
        assert read_site_config(_site(tmp_path, config, {"a.md": "# A\n"})).languages == languages
    assert "hugo.toml" not in caplog.text  # no warning about the file


def test_an_alias_bomb_in_the_site_file_is_named_in_a_bounded_warning(tmp_path, caplog):
    # 442 bytes of YAML aliases expand to 9**9 items: str() of the value ran out of memory.
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    config = "\n".join(levels) + "\ndefaultContentLanguageInSubdir: *i\ndefaultContentLanguage: *i\ndisableLanguages: [*i]\n"
    folder = tmp_path / "repo" / "content"
    folder.mkdir(parents=True)
    (tmp_path / "repo" / "hugo.yaml").write_text(config, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        site = read_site_config(folder)
    assert site.engine == "hugo" and site.languages == HugoLanguages()
    assert "is not true or false" in caplog.text and max(len(r.getMessage()) for r in caplog.records) < 500


def test_a_file_with_the_language_suffix_makes_the_page_the_other_is_left_out(tmp_path, caplog):
    # Hugo 0.111 built /a/ from a.en.md and /about/ from about.ja.md, never from a.md / about.md.
    for default, files, kept in (("en", ("a.md", "a.en.md", "b.md"), ["a.en.md", "b.md"]),
                                 ("ja", ("about.md", "about.ja.md", "about.en.md"), ["about.ja.md", "about.en.md"])):
        site = read_site_config(_site(tmp_path / default, f'defaultContentLanguage = "{default}"\n[languages.en]\n[languages.ja]\n', {}))
        with caplog.at_level(logging.WARNING):
            found = published_notes([parse_note("# A\n", s) for s in files], "hugo", site)
        assert [n.source for n in found] == kept
        assert "with the language suffix" in caplog.text


def test_the_languages_of_hugo_s_configuration_folder_are_read(tmp_path, caplog):
    # config/_default/languages.toml, as Hugo merges it with the root file (which wins)
    notes = _site(tmp_path, 'baseURL = "https://x.example/"\n', {})
    (tmp_path / "repo" / "config" / "_default").mkdir(parents=True)
    (tmp_path / "repo" / "config" / "_default" / "languages.toml").write_text("[en]\nweight = 1\n[ja]\nweight = 2\n")
    (tmp_path / "repo" / "config" / "_default" / "hugo.toml").write_text('baseURL = "https://ignored.example/"\n')
    site = read_site_config(notes)
    assert site.engine == "hugo" and site.base_url == "https://x.example/"
    assert site.languages == HugoLanguages("en", ("en", "ja"))
    assert wiki_page(parse_note("# A\n", "about.ja.md"), "hugo", None, site.languages).path == "/ja/about/"
    # the folder alone states the site
    (tmp_path / "repo" / "hugo.toml").unlink()
    (tmp_path / "repo" / "config" / "production").mkdir()
    (tmp_path / "repo" / "config" / "production" / "hugo.toml").write_text('defaultContentLanguage = "ja"\n')
    site = read_site_config(notes)
    assert site.engine == "hugo" and site.base_url == "https://ignored.example/"
    assert site.languages == HugoLanguages("ja", ("en", "ja"))
