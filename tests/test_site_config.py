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


# --- what real Jekyll and MkDocs do (checked against jekyll 4.3.1 and mkdocs 1.6.1 builds) ---

@pytest.mark.parametrize("permalink, url", [
    ("pretty", "https://team.github.io/ops/deploy/"),
    ("/:categories/:title/", "https://team.github.io/ops/deploy/"),  # a template ending in /: page/index.html
    ("/:year/:title:output_ext", "https://team.github.io/ops/deploy.html"),
    ("date", "https://team.github.io/ops/deploy.html"),
    ("none", "https://team.github.io/ops/deploy.html"),
])
def test_jekyll_permalink_styles_give_the_page_urls_jekyll_writes(tmp_path, capsys, permalink, url):
    notes = _notes(tmp_path / "site", "_config.yml", f'url: "https://team.github.io"\npermalink: "{permalink}"\n')
    pages, _ = _links_json(notes, capsys)
    assert pages[0]["url"] == url


def test_jekyll_kramdown_input_gives_the_kramdown_engine(tmp_path, capsys):
    notes = _notes(tmp_path / "site", "_config.yml", 'url: "https://team.github.io"\nkramdown:\n  input: kramdown\n')
    (notes / "faq.md").write_text("# FAQ\n\n## よくある質問\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_engine, settings.wiki_base_url) == ("kramdown", "https://team.github.io")
    pages, _ = _links_json(notes, capsys)
    faq = next(p for p in pages if p["source"] == "faq.md")
    assert faq["headings"][-1]["url"] == "https://team.github.io/faq.html#section"  # kramdown drops non-ASCII
    # The user's choice of the same family still wins, and the rest of the file is still read.
    assert from_env({}, corpus_dir=notes, wiki_engine="jekyll").wiki_base_url == "https://team.github.io"


@pytest.mark.parametrize("layout", ["_config.yaml", "mkdocs.yaml"])
def test_the_yaml_spelling_of_the_file_name_is_read_too(tmp_path, layout):
    if layout == "_config.yaml":
        notes = _notes(tmp_path / "site", "_config.yaml", JEKYLL)
        expected = ("jekyll", "https://team.github.io/wiki")
    else:
        notes = _notes(tmp_path / "repo" / "docs")
        (tmp_path / "repo" / "mkdocs.yaml").write_text(MKDOCS, encoding="utf-8")
        expected = ("mkdocs", "https://docs.example.org/team/")
    settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_engine, settings.wiki_base_url) == expected


def test_links_leaves_out_notes_the_wiki_does_not_publish(tmp_path, capsys, caplog):
    notes = _notes(tmp_path / "site", "_config.yml", JEKYLL)
    (notes / "_site" / "ops").mkdir(parents=True)  # Jekyll's own build output beside the sources
    (notes / "_site" / "ops" / "notes.md").write_text("# Copied static file\n", encoding="utf-8")
    (notes / "draft.md").write_text("---\npublished: false\n---\n# Draft\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        pages, _ = _links_json(notes, capsys)
    assert [p["source"] for p in pages] == ["ops/deploy.md"]
    assert "left out 2 note(s)" in caplog.text and "_site/ops/notes.md" in caplog.text


def test_a_bad_site_file_is_warned_about_once(tmp_path, capsys, caplog):
    notes = _notes(tmp_path / "site", "_config.yml", "url: [unclosed\n")
    with caplog.at_level(logging.WARNING):
        _links_json(notes, capsys)  # from_env and the start-up line both read the file
    assert caplog.text.count("not read as the site's configuration") == 1


def test_the_placeholder_line_names_the_mkdocs_setting_for_an_mkdocs_site(tmp_path):
    notes = _notes(tmp_path / "repo" / "docs")
    (tmp_path / "repo" / "mkdocs.yml").write_text("site_name: Team\n", encoding="utf-8")
    line = links_line(from_env({}, corpus_dir=notes))
    assert "site_url" in line and "mkdocs.yml" in line and "_config.yml" not in line


def test_the_index_leaves_out_what_jekylls_exclude_leaves_out(tmp_path, caplog):
    from assistant.build import build_index
    from assistant.retrieve import Searcher

    notes = _notes(tmp_path / "site", "_config.yml", JEKYLL + "exclude: [ops/old]\n")
    (notes / "ops" / "old").mkdir()
    (notes / "ops" / "old" / "deploy-v1.md").write_text("# Old deploy\n\nMondays.\n", encoding="utf-8")
    (notes / "node_modules" / "pkg").mkdir(parents=True)
    (notes / "node_modules" / "pkg" / "README.md").write_text("# pkg\n\nnpm install pkg\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=notes, index_dir=tmp_path / "index", model="fake-hash")
    with caplog.at_level(logging.WARNING):
        build_index(settings, progress=False)
    assert {c.source for c in Searcher(settings).chunks} == {"ops/deploy.md"}
    assert "left out 2 note(s)" in caplog.text and "ops/old/deploy-v1.md" in caplog.text


@pytest.mark.parametrize("config_name, text, setting", [
    ("mkdocs.yml", "site_url: https://docs.example.org/\nmarkdown_extensions:\n  - toc:\n      permalink: true\n"
                   "      slugify: !!python/name:pymdownx.slugs.uslugify\n", "markdown_extensions: toc: slugify"),
    ("_config.yml", JEKYLL + "kramdown:\n  auto_ids: false\n", "kramdown: auto_ids: false"),
    ("_config.yml", JEKYLL + "markdown: CommonMarkGhPages\n", "markdown: CommonMarkGhPages"),
    ("_config.yml", JEKYLL + "kramdown:\n  auto_id_prefix: h-\n", "kramdown: auto_id_prefix"),
])
def test_a_site_setting_that_changes_heading_ids_is_named_at_start_up(tmp_path, config_name, text, setting):
    notes = _notes(tmp_path / "docs")
    (tmp_path / config_name if config_name == "mkdocs.yml" else notes / config_name).write_text(text, encoding="utf-8")
    line = links_line(from_env({}, corpus_dir=notes))
    assert f"sets `{setting}`" in line and "maybe not on the heading" in line, line
    assert "maybe not on the heading" not in links_line(from_env({}, corpus_dir=_notes(tmp_path / "plain", "_config.yml", JEKYLL)))


VITEPRESS = """import { defineConfig } from 'vitepress'
export default defineConfig({
  title: '清掃事務所',
  base: '/north/',
  cleanUrls: true,
  sitemap: { hostname: 'https://ops.example.org' },
  themeConfig: { nav: [{ text: 'Home', link: '/' }] },
})
"""


def test_a_vitepress_site_gives_its_engine_clean_urls_and_base(tmp_path, capsys):
    # heldout8 (a VitePress wiki): links were made the Jekyll way and missed 12 of 85 ids
    # (・, （）, &, voiced kana) until the engine was set by hand.
    notes = _notes(tmp_path / "docs")
    (notes / "ops" / "deploy.md").write_text("# Deploy\n\n## リリース（本番）& 確認\n\ntext\n", encoding="utf-8")
    (notes / ".vitepress").mkdir()
    (notes / ".vitepress" / "config.mts").write_text(VITEPRESS, encoding="utf-8")
    settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_engine, settings.wiki_base_url, settings.wiki_clean_urls) == (
        "vitepress", "https://ops.example.org/north", True)
    pages, err = _links_json(notes, capsys)
    assert pages[0]["url"] == "https://ops.example.org/north/ops/deploy"
    assert "placeholder" not in err
    # the heading ids are VitePress' own (wiki/slugs.py, checked against VitePress in test_site_real)
    assert pages == _links_json(notes, capsys, "--wiki-engine", "vitepress")[0]
    jekyll = _links_json(notes, capsys, "--wiki-engine", "jekyll", "--wiki-base-url", "https://ops.example.org/north")[0]
    assert jekyll[0]["headings"][-1]["url"] != pages[0]["headings"][-1]["url"]


def test_a_site_file_in_a_subfolder_of_the_notes_takes_no_note_out(tmp_path, capsys):
    # A notes repository whose docs/ holds a GitHub Pages `_config.yml` (measured and not kept:
    # read as a site in docs/, an attack run's 31 notes elsewhere were left out, and with no
    # notes in docs/ every question failed). Only a site file in the notes folder or beside it
    # decides; a subfolder's is one more note folder.
    _notes(tmp_path / "team")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "_config.yml").write_text("url: https://e.example\n", encoding="utf-8")
    assert read_site_config(tmp_path).engine is None
    assert [p["source"] for p in _links_json(tmp_path, capsys)[0]] == ["team/ops/deploy.md"]


def test_a_vitepress_value_written_twice_or_computed_is_not_taken(tmp_path):
    notes = _notes(tmp_path / "site")
    (notes / ".vitepress").mkdir()
    (notes / ".vitepress" / "config.js").write_text(
        "export default { base: process.env.BASE, cleanUrls: isProd,\n"
        "  themeConfig: { sidebar: { '/guide/': { base: '/guide/', items: [] } } } }\n", encoding="utf-8")
    site = read_site_config(notes)
    assert (site.engine, site.base_url, site.clean_urls) == ("vitepress", None, None)
    assert from_env({}, corpus_dir=notes).wiki_base_url == PLACEHOLDER_BASE_URL
    assert "sitemap: {hostname}" in links_line(from_env({}, corpus_dir=notes))


def test_a_docusaurus_site_gives_its_engine(tmp_path):
    notes = _notes(tmp_path / "site" / "docs")
    (tmp_path / "site" / "docusaurus.config.js").write_text("module.exports = { url: 'https://x.example' };\n",
                                                           encoding="utf-8")
    assert from_env({}, corpus_dir=notes).wiki_engine == "docusaurus"
    other = _notes(tmp_path / "site" / "notes")  # not the docs plugin's default folder
    assert from_env({}, corpus_dir=other).wiki_engine == "jekyll"


@pytest.mark.parametrize("docs, options", [
    ("docs", "docs: {routeBasePath: '/'}, blog: {path: 'blog'}"),
    ("notes", "docs: {path: 'notes', routeBasePath: '/'}, blog: {path: 'blog'}"),
    # an attack run: the blog's path came first and the blog was cited at docs URLs; a `docs/`
    # folder of other notes was taken over the docs plugin's own `path`
    ("handbook", "blog: {path: 'blog'}, docs: {path: 'handbook', routeBasePath: '/'}"),
    ("handbook", "pages: {path: 'src/pages'}, docs: {path: 'handbook', routeBasePath: '/'}"),
])
def test_a_docusaurus_project_root_as_the_notes_folder_cites_its_docs(tmp_path, capsys, docs, options):
    """The repository's root given as the notes folder: the docs plugin's folder (`docs`, or
    its `path`) holds the pages; the README, the blog and another `docs/` are left out."""
    repo = tmp_path / "repo"
    for folder in {docs, "docs", "blog", "src/pages"}:
        _notes(repo / folder)
    (repo / "README.md").write_text("# The repository\n", encoding="utf-8")
    (repo / "docusaurus.config.js").write_text(
        f"module.exports = {{ url: 'https://x.example', baseUrl: '/', presets: [['classic', {{\n  {options}}}]] }};\n",
        encoding="utf-8")
    settings = from_env({}, corpus_dir=repo)
    assert (settings.wiki_engine, settings.wiki_pages_dir) == ("docusaurus", docs)
    pages, _ = _links_json(repo, capsys)
    assert {p["source"]: p["url"] for p in pages} == {f"{docs}/ops/deploy.md": "https://x.example/ops/deploy"}


def test_a_docusaurus_project_root_without_docs_is_no_docs_site(tmp_path):
    _notes(tmp_path / "docs")
    (tmp_path / "docusaurus.config.js").write_text("module.exports = { presets: [['classic', {docs: false}]] };\n",
                                                  encoding="utf-8")
    assert read_site_config(tmp_path).engine is None


def test_a_docusaurus_file_of_many_path_literals_reads_only_the_first(tmp_path):
    # an attack run: 28,000 `path:` literals made every start resolve them all (3.3 s)
    from assistant.wiki.projectroot import MAX_PATH_LITERALS, path_literals

    text = "module.exports = {" + "path:'q'," * 28_000 + "};"
    assert len(path_literals(text)) == MAX_PATH_LITERALS


def test_a_docusaurus_site_names_its_docs_folder_and_url(tmp_path):
    # heldout18: `docs: {path: 'notes', routeBasePath: '/'}` was read as Jekyll
    notes = _notes(tmp_path / "site" / "notes")
    config = ("const config = {\n  url: 'https://wiki.example.com',\n  baseUrl: '/platform/',\n  presets: [['classic', {\n"
              "    docs: {path: 'notes', routeBasePath: '/', sidebarPath: require.resolve('./sidebars.js')},\n"
              "    blog: false}]],\n};\nmodule.exports = config;\n")
    (tmp_path / "site" / "docusaurus.config.js").write_text(config, encoding="utf-8")
    site = read_site_config(notes)
    assert (site.engine, site.base_url, site.base_path) == ("docusaurus", "https://wiki.example.com/platform", "/platform")
    assert site.clean_urls is None  # no trailingSlash: Docusaurus' default
    (tmp_path / "site" / "docusaurus.config.js").write_text(config.replace("url:", "trailingSlash: false,\n  url:"),
                                                           encoding="utf-8")
    assert read_site_config(notes).clean_urls is False
    (tmp_path / "site" / "docusaurus.config.js").write_text(config.replace("routeBasePath: '/', ", ""), encoding="utf-8")
    assert read_site_config(notes).base_url == "https://wiki.example.com/platform/docs"  # the default routeBasePath
    # a blog's, a locale's or another docs instance's `path` beside it (a helper's attack: the
    # site fell back to Jekyll, its .mdx pages left out)
    for other in ("blog: {path: 'changelog'}", "i18n: {localeConfigs: {ja: {path: 'ja'}}}"):
        (tmp_path / "site" / "docusaurus.config.js").write_text(config.replace("blog: false", other), encoding="utf-8")
        assert read_site_config(notes).engine == "docusaurus", other
        docs = _notes(tmp_path / "site" / "docs")  # the default folder still counts
        assert read_site_config(docs).engine == "docusaurus", other
    (tmp_path / "site" / "docusaurus.config.js").write_text(
        config.replace("path: 'notes'", "path: '../notes'").replace("baseUrl: '/platform/'", "baseUrl: '/team/'")
        .replace("routeBasePath: '/'", "routeBasePath: '../../x'"), encoding="utf-8")
    site = read_site_config(notes)
    assert site.engine is None  # '../notes' is another folder than site/notes
    (tmp_path / "site" / "docusaurus.config.js").write_text(
        config.replace("routeBasePath: '/'", "routeBasePath: '../../../x'"), encoding="utf-8")
    site = read_site_config(notes)  # dot segments resolved as a browser would: never "/platform/../../../x"
    assert (site.base_url, site.base_path) == ("https://wiki.example.com/x", "/x")


def test_a_vitepress_base_without_a_host_is_named_for_the_base_url(tmp_path):
    # A new user gave heldout8's host alone for a site VitePress serves under /north/: every
    # link would 404, and nothing said so.
    notes = _notes(tmp_path / "docs")
    (notes / ".vitepress").mkdir()
    (notes / ".vitepress" / "config.mts").write_text("export default { base: '/north/', cleanUrls: true }\n",
                                                     encoding="utf-8")
    line = links_line(from_env({}, corpus_dir=notes))
    assert "placeholder" in line and "ending in /north" in line
    line = links_line(from_env({}, corpus_dir=notes, wiki_base_url="https://wiki.city.example"))
    assert "serves the site under /north" in line
    line = links_line(from_env({}, corpus_dir=notes, wiki_base_url="https://wiki.city.example/north"))
    assert "/north" in line and "does not end" not in line


HUGO = 'baseURL = "https://example.org/teamwiki/"\ncontentDir = "notes"\n'


def test_a_hugo_site_gives_its_engine_base_url_and_section_pages(tmp_path, capsys):
    # heldout13 (a Hugo wiki): read as a Jekyll site, its `_index.md` section pages (3 of 52
    # questions' answers) were left out as `_` names, and links ended in .html.
    notes = _notes(tmp_path / "repo" / "notes")
    (notes / "ops" / "_index.md").write_text("+++\ntitle = \"運用\"\n+++\n## 概要\n\n当番は 2 人。\n", encoding="utf-8")
    (notes / "draft.md").write_text("---\ndraft: true\n---\n# Draft\n", encoding="utf-8")
    (tmp_path / "repo" / "hugo.toml").write_text(HUGO, encoding="utf-8")
    settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_engine, settings.wiki_base_url) == ("hugo", "https://example.org/teamwiki/")
    pages, _ = _links_json(notes, capsys)
    assert {p["source"]: p["url"] for p in pages} == {
        "ops/deploy.md": "https://example.org/teamwiki/ops/deploy/", "ops/_index.md": "https://example.org/teamwiki/ops/"}
    assert pages[0]["headings"][0]["url"].endswith("#概要") or pages[0]["headings"][0]["url"].endswith("#%E6%A6%82%E8%A6%81")


@pytest.mark.parametrize("name, text", [
    ("hugo.toml", 'baseURL = "https://x.example/"\n'),  # contentDir defaults to content/, not notes/
    ("hugo.toml", 'baseURL = "https://x.example/"\ncontentDir = "docs"\n'),
    ("hugo.toml", 'baseURL = "https://x.example/\ncontentDir = "notes"\n'),  # not TOML: warned, not read
    ("config.json", '["not", "a", "mapping"]'),
])
def test_a_hugo_file_for_another_folder_or_unreadable_is_not_this_site(tmp_path, name, text):
    notes = _notes(tmp_path / "repo" / "notes")
    (tmp_path / "repo" / name).write_text(text, encoding="utf-8")
    assert read_site_config(notes).engine is None
    assert from_env({}, corpus_dir=notes).wiki_engine == "jekyll"


def test_a_hugo_project_root_as_the_notes_folder_cites_its_content_pages(tmp_path, capsys, caplog):
    # heldout20: the team's repository (hugo.toml beside content/) given as the notes folder was
    # read as a Jekyll site: its `_index.md` pages were left out as `_` names, URLs had
    # /content/ in them, headings had kramdown's ids. Hit@1 e5 0.500, Gemma 0.692 (0.635, 0.788 as Hugo).
    repo = tmp_path / "repo"
    _notes(repo / "content")
    (repo / "content" / "_index.md").write_text("+++\ntitle = \"Home\"\n+++\n## Welcome\n", encoding="utf-8")
    (repo / "README.md").write_text("# The repository\n\n## Building\n", encoding="utf-8")
    # an index.md above the content folder is no leaf bundle holding every note (an attack run)
    (repo / "index.md").write_text("# Project index\n", encoding="utf-8")
    (repo / "hugo.toml").write_text('baseURL = "https://example.org/w/"\n', encoding="utf-8")
    settings = from_env({}, corpus_dir=repo)
    assert (settings.wiki_engine, settings.wiki_pages_dir) == ("hugo", "content")
    assert "hugo pages made from content/" in links_line(settings)
    with caplog.at_level(logging.WARNING):
        pages, _ = _links_json(repo, capsys)
    assert {p["source"]: p["url"] for p in pages} == {
        "content/_index.md": "https://example.org/w/", "content/ops/deploy.md": "https://example.org/w/ops/deploy/"}
    # said, not silently dropped, and not as a draft
    assert "left out 2 note(s) outside content/, the folder the hugo site's pages come from: README.md, index.md" in caplog.text


@pytest.mark.parametrize("content", ["../elsewhere", "missing", "link"])
def test_a_hugo_content_folder_outside_the_notes_folder_is_not_this_site(tmp_path, caplog, content):
    """A project root's `contentDir` must be a folder below the notes folder: one above it, one
    that does not exist, or a link out of it names no pages here, and a warning says why."""
    repo = tmp_path / "repo"
    _notes(repo / "content")
    _notes(tmp_path / "elsewhere")
    (repo / "link").symlink_to(tmp_path / "elsewhere")
    (repo / "hugo.toml").write_text(f'baseURL = "https://example.org/w/"\ncontentDir = "{content}"\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert read_site_config(repo).engine is None
    assert from_env({}, corpus_dir=repo).wiki_pages_dir == ""
    assert f"contentDir '{content}' is not a folder inside the notes folder" in caplog.text


def test_a_config_file_among_the_notes_is_no_hugo_site_unless_it_states_a_base_url(tmp_path, caplog):
    # Hugo's older name `config.yaml` is a common name for any tool's file: in the notes folder
    # itself it counts only with Hugo's `baseURL`.
    _notes(tmp_path / "content")
    (tmp_path / "config.yaml").write_text("database: {host: db1}\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert read_site_config(tmp_path).engine is None
    assert "config.yaml" not in caplog.text
    (tmp_path / "config.yaml").write_text("baseURL: https://example.org/w/\n", encoding="utf-8")
    assert (read_site_config(tmp_path).engine, read_site_config(tmp_path).pages_dir) == ("hugo", "content")


def test_a_site_file_with_keys_that_are_not_text_is_no_traceback(tmp_path, capsys):
    # A review's attack: YAML reads `on:` as True and `5:` as 5; `.lower()` on them stopped
    # every command with a traceback for a config.yml beside a `content/` folder.
    notes = _notes(tmp_path / "repo" / "content")
    (tmp_path / "repo" / "config.yml").write_text("title: My notes\non: push\n5: x\nmarkup: {1: x, goldmark: {~: y, parser: {2: z}}}\n",
                                                 encoding="utf-8")
    assert read_site_config(notes).engine == "hugo"
    assert _links_json(notes, capsys)[0][0]["url"].endswith("/ops/deploy/")


def test_the_placeholder_line_names_baseurl_for_a_hugo_site(tmp_path):
    notes = _notes(tmp_path / "repo" / "content")
    (tmp_path / "repo" / "hugo.toml").write_text('title = "Team"\n', encoding="utf-8")
    assert "`baseURL` in" in links_line(from_env({}, corpus_dir=notes))


def test_hugo_reads_its_older_file_names_and_names_an_id_setting(tmp_path):
    notes = _notes(tmp_path / "repo" / "content")
    (tmp_path / "repo" / "config.yaml").write_text("baseurl: https://x.example/w/\nuglyURLs: true\nmarkup:\n  goldmark:\n"
                                                  "    parser:\n      autoHeadingIDType: blackfriday\n", encoding="utf-8")
    site = read_site_config(notes)
    assert (site.engine, site.base_url, site.clean_urls) == ("hugo", "https://x.example/w/", False)
    assert "autoHeadingIDType: blackfriday" in links_line(from_env({}, corpus_dir=notes))


@pytest.mark.parametrize("front, path", [
    ("url: ../../x/", "/x/"), ("url: //evil.example/x", "/evil.example/x"), ("slug: ..", "/d/-/"),
    ("slug: ../../up", "/d/up/"), ("slug: Hello World", "/d/hello-world/"), ("url: /kept/Case/", "/kept/Case/"),
])
def test_a_hugo_url_or_slug_never_leaves_the_base_path(front, path):
    """An attacker's front matter (`url: ../../x`, `slug: ..`) must not make a citation
    link climb above the wiki's base path or name another host."""
    from assistant.notes import parse_note
    from assistant.wiki import wiki_page

    assert wiki_page(parse_note(f"---\n{front}\n---\n# T\n", "d/p.md"), "hugo").path == path


GIT_CONFIG = ('[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote "origin"]\n\turl = {url}\n'
              '\tfetch = +refs/heads/*:refs/remotes/origin/*\n\tfetch = +refs/tags/*:refs/tags/*\n[branch "master"]\n\tremote = origin\n')


@pytest.mark.parametrize("url, engine, base", [
    # a token in the remote is never put into a link
    ("https://x-access-token:ghp_secret@github.com/example-org/radio.wiki.git", "github-wiki",
     "https://github.com/example-org/radio/wiki"),
    ("git@github.com:example-org/radio.wiki.git", "github-wiki", "https://github.com/example-org/radio/wiki"),
    ("ssh://git@gitlab.example.com:2222/ops/team/handbook.wiki.git", "gitlab-wiki",
     "https://gitlab.example.com/ops/team/handbook/-/wikis"),
])
def test_a_wiki_clone_gives_its_engine_and_base_url(tmp_path, capsys, url, engine, base):
    notes = _notes(tmp_path / "handbook.wiki")
    (notes / ".git").mkdir()
    (notes / ".git" / "config").write_text(GIT_CONFIG.format(url=url), encoding="utf-8")
    (notes / "Home.md").write_text("# Welcome\n\nSee [[On-call rotation]].\n", encoding="utf-8")
    (notes / "_Sidebar.md").write_text("* [[Home]]\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_engine, settings.wiki_base_url) == (engine, base)
    pages, _ = _links_json(notes, capsys)
    urls = {p["source"]: p["url"] for p in pages}
    if engine == "github-wiki":  # one flat namespace: the folder is not in the URL; the sidebar is no page
        assert urls == {"Home.md": base + "/Home", "ops/deploy.md": base + "/deploy"}
    else:
        assert urls == {"Home.md": base + "/Home", "ops/deploy.md": base + "/ops/deploy", "_Sidebar.md": base + "/_Sidebar"}
    assert "secret" not in json.dumps(pages) and "secret" not in links_line(settings)


@pytest.mark.parametrize("pages, engine", [
    (("Home.md", "_Sidebar.md"), "github-wiki"), (("Home.md", "_Footer.md"), "github-wiki"),
    (("home.md", "_sidebar.md"), "gitlab-wiki"),
    (("README.md", "_sidebar.md"), "jekyll"),  # docsify's sidebar: no wiki
    (("home.md", "_sidebar.md", "index.html"), "jekyll"),  # nor with docsify's page (an attack)
    (("Home.md",), "jekyll"), (("_Sidebar.md",), "jekyll"),
])
def test_a_copy_of_a_wiki_is_read_as_one_by_its_special_pages(tmp_path, capsys, pages, engine):
    # A blind-written GitHub wiki given as a folder, not a clone (tests/heldout24): read under
    # Jekyll, its [[Page|links]] showed as written and citations had Jekyll's URLs and ids.
    notes = _notes(tmp_path / "handbook")
    for page in pages:
        (notes / page).write_text("# Page\n\nSee [[On-call rotation|Rota]].\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=notes)
    assert settings.wiki_engine == engine and settings.wiki_base_url == PLACEHOLDER_BASE_URL
    if engine != "jekyll":
        assert "run it on a clone of the wiki" in links_line(settings) and f"read as a {engine} from its _" in links_line(settings)
        assert from_env({"ASSISTANT_WIKI_ENGINE": "mkdocs"}, corpus_dir=notes).wiki_engine == "mkdocs"  # a setting wins


@pytest.mark.parametrize("url", [
    "https://github.com/example-org/radio.git",  # the code repository, not its wiki
    "https://git.corp.example/org/handbook.wiki.git",  # a wiki on a host of unknown kind: warned
    "file:///srv/git/handbook.wiki.git",
    "https://github.com/a/b/c.wiki.git",  # no GitHub wiki has such a path
])
def test_a_clone_of_no_known_wiki_is_not_this_site(tmp_path, url):
    notes = _notes(tmp_path / "handbook.wiki")
    (notes / ".git").mkdir()
    (notes / ".git" / "config").write_text(GIT_CONFIG.format(url=url), encoding="utf-8")
    assert read_site_config(notes).source is None
    assert from_env({}, corpus_dir=notes).wiki_base_url == PLACEHOLDER_BASE_URL


def test_a_linked_git_folder_is_not_read(tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "config").write_text(GIT_CONFIG.format(url="https://github.com/evil/x.wiki.git"), encoding="utf-8")
    notes = _notes(tmp_path / "handbook.wiki")
    (notes / ".git").symlink_to(other, target_is_directory=True)
    assert read_site_config(notes).source is None


@pytest.mark.parametrize("url, base", [
    ("https://gitlab.example.com:8443/ops/handbook.wiki.git", "https://gitlab.example.com:8443/ops/handbook/-/wikis"),
    ("http://gitlab.intranet/ops/handbook.wiki.git", "http://gitlab.intranet/ops/handbook/-/wikis"),  # no TLS: links neither
    ("ssh://git@gitlab.example.com:2222/ops/handbook.wiki.git", "https://gitlab.example.com/ops/handbook/-/wikis"),
    ("https://notgithub.example/o/r.wiki.git", None),  # a host is a wiki's by a whole label
])
def test_a_wiki_remote_keeps_the_webs_scheme_and_port(url, base):
    # An attack run (2026-12-02): the port and http were dropped, and links broke.
    from assistant.wiki.clone import wiki_remote

    assert (wiki_remote(url) or (None, None))[1] == base


@pytest.mark.parametrize("section, value", [('[Remote "origin"]', 'url = "{url}" ; quoted, commented'),
                                            ("[remote.origin]", "url = {url}\n\tpushurl")])
def test_git_config_written_other_ways_is_read(tmp_path, section, value):
    notes = _notes(tmp_path / "handbook.wiki")
    (notes / ".git").mkdir()
    text = f"[core]\n\tbare = false\n{section}\n\t" + value.format(url="https://github.com/example-org/radio.wiki.git") + "\n"
    (notes / ".git" / "config").write_text(text, encoding="utf-8")
    assert read_site_config(notes).base_url == "https://github.com/example-org/radio/wiki"


def test_each_languages_content_folder_as_hugo_reads_it(tmp_path):
    """A language's own `contentDir`, or the site's, normalized as Hugo reads it; the folder
    holding them all is the site's content folder (real builds: test_site_real.py). One that
    names no folder of the project gives that language no pages, with a warning."""
    from assistant.wiki.hugo import hugo_languages, lower_keys

    for folder in ("content/en", "content/i18n/ja", "content/no", "other"):
        (tmp_path / folder).mkdir(parents=True)
    warned = []
    keys = lower_keys({"contentDir": "./content//en/", "languages": {
        "en": {}, "ja": {"contentDir": str(tmp_path / "content/i18n/ja")}, "no": {"contentDir": "content/x/../no"},
        "de": {"contentDir": " content/de "}, "fr": {"contentDir": "../outside"}, "es": {"contentDir": 5}}})
    languages = hugo_languages(keys, tmp_path / "hugo.toml", warned.append, tmp_path)
    assert languages.content == "content"  # Docsy's layout: the site's contentDir is en's
    assert languages.folders == (("ja", "i18n/ja"), ("en", "en"), ("no", "no"))  # deepest first
    assert languages.root is None  # no language reads content/ itself: content/README.md is no page
    assert [w.split("contentDir ")[1][:12] for w in warned] == ["' content/de", "'../outside'", "5 that is no"]
    assert languages.folder_language(["i18n", "ja", "a.md"]) == ("ja", ["a.md"])
    assert languages.page_language(["en", "a.ja.md"]) == "ja"  # a suffix wins over the folder
    assert languages.page_language(["README.md"]) is None
    assert languages.record()["folders"] == [["ja", "i18n/ja"], ["en", "en"], ["no", "no"]]
    # a language without a folder of its own reads the site's: the default, or another
    keys = lower_keys({"languages": {"en": {}, "ja": {"contentDir": "content/i18n/ja"}, "de": {"disabled": True}}})
    languages = hugo_languages(keys, tmp_path / "hugo.toml", warned.append, tmp_path)
    assert (languages.content, languages.folders, languages.root) == ("content", (("ja", "i18n/ja"),), "")
    assert "folders" not in hugo_languages(lower_keys({"languages": {"en": {}}}), tmp_path, warned.append).record()


def test_mkdocs_patterns_skip_comments_before_their_cap_and_bound_their_wildcards():
    """An attack on the first version (2026-12-05): 1,000 comment lines pushed the pattern
    after them past the cap (MkDocs excluded the page, the assistant answered from it), and
    "********x.md" took 88 s over 40 notes (pathspec backtracks through each star)."""
    import time

    from assistant.wiki.mkdocsfiles import _gitignore_spec
    from assistant.wiki.mkdocsfiles import MAX_PATTERN_WILDCARDS, pattern_lines as _gitignore_lines

    assert _gitignore_lines("#c\n" * 1000 + "\nlast.md\n") == ("last.md",)
    assert _gitignore_lines("********x.md\n**/tmp/*.md\ndrafts/") == ("*x.md", "**/tmp/*.md", "drafts/")
    assert _gitignore_lines("a*b*c*d*e*f.md\nkeep.md") == ("keep.md",)  # more wildcards than MAX_PATTERN_WILDCARDS
    assert MAX_PATTERN_WILDCARDS == 4 and _gitignore_lines(["not", "a string"]) == ()
    spec = _gitignore_spec(_gitignore_lines("********x.md\n*********y.md"))
    started = time.perf_counter()
    assert not any(spec.match_file("a/b/c/" + "z" * 30 + ".md") for _ in range(40))
    assert time.perf_counter() - started < 5  # 88 s before (2 shared cores); milliseconds now


@pytest.mark.parametrize("slugify, followed", [
    ("!!python/name:markdown.extensions.toc.slugify_unicode", True),
    ("!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}", True),
    ("!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower, percent_encode: true}}", False),
    ("!!python/object/apply:pymdownx.slugs.slugify [lower]", False),
    ("!!python/name:pymdownx.slugs.uslugify", False),  # gone from pymdown-extensions 13
    ("!!python/name:os.system", False),
    ("!!python/object/apply:os.system ['touch {marker}']", False),
])
def test_an_mkdocs_slugify_is_followed_only_when_it_is_a_known_one(tmp_path, slugify, followed):
    """The slugify `mkdocs.yml` names decides the ids citations use (wiki/mkdocsmarkdown.py);
    a name is matched as text, never imported or called: any other is reported at start-up."""
    marker = tmp_path / "ran"
    text = ("site_url: https://docs.example.org/\nmarkdown_extensions:\n  - attr_list\n  - toc:\n"
            "      slugify: " + slugify.replace("{marker}", str(marker)) + "\n")
    notes = _notes(tmp_path / "docs")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    site = read_site_config(notes)
    assert site.engine == "mkdocs" and site.markdown.extensions == ("attr_list",)
    assert (site.markdown.slugify is not None) == followed
    assert (site.id_setting is None) == followed, site.id_setting
    assert ("maybe not on the heading" in links_line(from_env({}, corpus_dir=notes))) != followed
    assert not marker.exists()


def test_an_mkdocs_sites_slugify_sets_the_ids_and_a_change_rebuilds_the_index(tmp_path):
    from assistant.build import build_index
    from assistant.retrieve import Searcher
    from assistant.store import chunking_settings

    notes = _notes(tmp_path / "docs")
    (notes / "ops" / "jp.md").write_text("# 手順\n\n## 再起動のしかた\n\n毎週火曜。\n", encoding="utf-8")
    site_file = tmp_path / "mkdocs.yml"
    site_file.write_text("site_url: https://docs.example.org/\nmarkdown_extensions:\n  - toc:\n"
                         "      slugify: !!python/name:markdown.extensions.toc.slugify_unicode\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=notes, index_dir=tmp_path / "index", model="fake-hash")
    build_index(settings, progress=False)
    anchors = {c.anchor for c in Searcher(settings).chunks if c.source == "ops/jp.md"}
    assert "再起動のしかた" in anchors and "_1" not in anchors
    site_file.write_text("site_url: https://docs.example.org/\n", encoding="utf-8")  # back to MkDocs' default
    plain = from_env({}, corpus_dir=notes, index_dir=tmp_path / "index", model="fake-hash")
    # The manifest's record (what index_difference compares) changes, so the index is stale.
    assert "wiki_mkdocs" in chunking_settings(settings) and "wiki_mkdocs" not in chunking_settings(plain)
    build_index(plain, progress=False)
    assert {c.anchor for c in Searcher(plain).chunks if c.source == "ops/jp.md"} >= {"_1"}


def test_an_mkdocs_note_nested_past_python_markdowns_depth_is_indexed_with_a_warning(tmp_path, caplog):
    """1,000 nested list levels made python-markdown raise RecursionError, after a minute, and
    the whole build failed with a traceback (a check, 2026-12-06). The note's headings now get
    their ids in order with the site's slugify, and a warning names it; other notes as before."""
    from assistant.build import build_index
    from assistant.retrieve import Searcher

    notes = _notes(tmp_path / "docs")
    (notes / "deep.md").write_text("# 深い\n\n## 手順\n\n" + "".join(" " * (4 * i) + "- x\n" for i in range(1000))
                                   + "\n## Staff injury {#staff-injury}\n\n## h {" + " " * 100_000 + "x\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_url: https://docs.example.org/\nmarkdown_extensions:\n  - attr_list\n  - toc:\n"
                                         "      slugify: !!python/name:markdown.extensions.toc.slugify_unicode\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=notes, index_dir=tmp_path / "index", model="fake-hash")
    with caplog.at_level(logging.WARNING):
        build_index(settings, progress=False)
    assert "deep.md: nested too deeply for python-markdown" in caplog.text
    anchors = {c.anchor for c in Searcher(settings).chunks if c.source == "deep.md"}
    assert {"深い", "手順"} <= anchors, anchors
    assert {c.anchor for c in Searcher(settings).chunks if c.source == "ops/deploy.md"} >= {"release-window"}


@pytest.mark.parametrize("separator", ["z-a", "a-", "\\\\", "\\\\d", "\\\\g<0>"])
def test_an_mkdocs_separator_slugify_cannot_take_is_reported_not_a_crash(tmp_path, separator):
    """python-markdown's slugify puts the separator in a character class and uses it as a
    replacement: "z-a" raised re.error and failed `index` and `links` (an attack, 2026-12-06)."""
    notes = _notes(tmp_path / "docs")
    (tmp_path / "mkdocs.yml").write_text("site_url: https://docs.example.org/\nmarkdown_extensions:\n  - toc:\n"
                                         f'      separator: "{separator}"\n', encoding="utf-8")
    site = read_site_config(notes)
    assert site.markdown.separator == "-" and site.id_setting == "markdown_extensions: toc: separator"
    assert cli.main(["links", "--corpus", str(notes), "--json"]) == 0


def test_attr_list_reads_braces_only_where_an_attribute_list_can_end_a_line():
    """attr_list's pattern is tried from every "{" to the line's end: "## h " + "{: " x 27,000
    (80 KB) took 104 s (an attack, 2026-12-06). Ids and shown text stay as MkDocs gives them."""
    import time

    from assistant.wiki.headings import _mkdocs_headings
    from assistant.wiki.mkdocsmarkdown import MkdocsMarkdown

    lines = ["## Staff injury {#staff-injury}", "", "## Using {placeholders} in templates", "", "## h " + "{: " * 27_000]
    started = time.monotonic()
    headings = _mkdocs_headings(lines, MkdocsMarkdown(("attr_list",)))
    assert time.monotonic() - started < 20  # a hang guard only; seconds before the fix were 104
    assert [(h.text, h.anchor) for h in headings[:2]] == [("Staff injury", "staff-injury"),
                                                          ("Using {placeholders} in templates", "using-placeholders-in-templates")]
    assert headings[2].anchor == "h"


def test_a_vitepress_src_dir_and_a_hostname_holding_the_base(tmp_path, capsys):
    # heldout27 (written blind against VitePress 1.6.4): `srcDir: 'docs'` and a sitemap
    # hostname ending with the base cited /daycare-wiki/daycare-wiki/docs/care/bathing for
    # /daycare-wiki/care/bathing: all 37 gold URLs missed.
    notes = tmp_path / "site"
    (notes / "docs" / "care").mkdir(parents=True)
    (notes / "docs" / "care" / "bathing.md").write_text("# 入浴\n\n## お湯の温度\n\n40 度。\n", encoding="utf-8")
    (notes / "README.md").write_text("# The repository\n\nnot a page\n", encoding="utf-8")
    (notes / ".vitepress").mkdir()
    (notes / ".vitepress" / "config.mjs").write_text(
        "export default { base: '/daycare-wiki/', srcDir: 'docs', cleanUrls: true,\n"
        "  sitemap: { hostname: 'https://hidamari.example/daycare-wiki/' } }\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=notes)
    assert (settings.wiki_base_url, settings.wiki_pages_dir) == ("https://hidamari.example/daycare-wiki", "docs")
    pages, _ = _links_json(notes, capsys)
    assert [p["url"] for p in pages] == ["https://hidamari.example/daycare-wiki/care/bathing"]  # README: no page
    # a srcDir outside the notes folder: the rest of the file holds (an attack: all was dropped)
    (notes / ".vitepress" / "config.mjs").write_text(
        "export default { srcDir: '../elsewhere', base: '/w/', sitemap: { hostname: 'https://ex.com' } }\n", encoding="utf-8")
    site = read_site_config(notes)
    assert (site.engine, site.base_url, site.pages_dir) == ("vitepress", "https://ex.com/w", None)


def test_a_vitepress_site_beside_the_notes_folder_when_its_src_dir_is_the_notes(tmp_path, capsys):
    # The team pointed at the pages (`site/docs`) of a site whose `.vitepress` sits beside
    # them with `srcDir: 'docs'`: its base and clean URLs were lost (fifty-first pass, noticed).
    root = tmp_path / "site"
    (root / "docs" / "care").mkdir(parents=True)
    (root / "docs" / "care" / "bathing.md").write_text("# 入浴\n\n## お湯の温度\n\n40 度。\n", encoding="utf-8")
    (root / ".vitepress").mkdir()
    config = root / ".vitepress" / "config.mts"
    config.write_text("export default { base: '/daycare-wiki/', srcDir: './docs', cleanUrls: true,\n"
                      "  sitemap: { hostname: 'https://hidamari.example' } }\n", encoding="utf-8")
    notes = root / "docs"
    site = read_site_config(notes)
    assert (site.engine, site.base_url, site.clean_urls, site.pages_dir) == (
        "vitepress", "https://hidamari.example/daycare-wiki", True, None)
    pages, _ = _links_json(notes, capsys)
    assert [p["url"] for p in pages] == ["https://hidamari.example/daycare-wiki/care/bathing"]
    # Another srcDir, or none (the notes are a folder of the site's pages): not this site's pages.
    for other in ("export default { srcDir: 'src', base: '/w/' }\n", "export default { base: '/w/' }\n"):
        config.write_text(other, encoding="utf-8")
        assert read_site_config(notes).engine != "vitepress"
    # The notes folder's own .vitepress wins over its parent's.
    config.write_text("export default { srcDir: 'docs', base: '/outer/' }\n", encoding="utf-8")
    (notes / ".vitepress").mkdir()
    (notes / ".vitepress" / "config.js").write_text("export default { base: '/inner/' }\n", encoding="utf-8")
    assert read_site_config(notes).base_path == "/inner"


@pytest.mark.parametrize("plugins, expected", [
    ([{"i18n": {"languages": [{"locale": "ja", "default": True}, {"locale": "en"}]}}], ("ja", ("en",), "suffix")),
    ({"search": None, "i18n": {"docs_structure": "folder", "languages": [{"locale": "en"}, {"locale": "ja"}]}},
     ("en", ("ja",), "folder")),  # no default named: the first
    ([{"i18n": {"default_language": "en", "languages": {"en": "English", "fr": "Français"}}}], ("en", ("fr",), "suffix")),
    (["search", "i18n"], None), ([{"i18n": {"languages": [{"locale": "ja", "default": True}]}}], None),
    ([{"i18n": {"languages": [{"locale": "../x", "default": True}, {"locale": "en"}]}}], None), ("i18n", None),
    (5, None), (True, None), (None, None),  # `plugins: 5`: a traceback on every command (an attack)
    ([{"i18n": {"languages": [{"locale": "ja", "default": True}, {"locale": "en", "build": False}]}}], None),
])
def test_an_mkdocs_site_names_its_languages_for_the_i18n_plugin(plugins, expected):
    from assistant.wiki.mkdocsi18n import mkdocs_languages

    found = mkdocs_languages(plugins)
    assert (found and (found.default, found.others, found.structure)) == expected
