"""assistant.wiki: the engine setting, page URLs, titles, cases, the links command.

Heading ids against the real renderers are in test_wiki_engines_real.py; these are the rules
no renderer run gives (URLs, titles, GitLab) and the shared cases of issue 13.
"""
from __future__ import annotations

import json

import pytest

from assistant import cli, config
from assistant.chunking import chunk_note
from assistant.errors import ConfigError
from assistant.notes import load_notes, parse_note
from assistant.wiki import ENGINES, wiki_page
from assistant.wiki.slugs import GitlabIds

CASES = config.PROJECT_ROOT / "tests" / "cases"  # copies of ../shared/cases/retrieval/<case>/notes


def _note(text: str, source: str = "dir/page.md"):
    return parse_note(text, source)


# --- shared cases -----------------------------------------------------------------------

def test_case_kramdown_explicit_id():
    (note,) = load_notes(CASES / "kramdown-explicit-id")
    for engine in ("jekyll", "kramdown"):
        chunks = chunk_note(note, wiki_engine=engine)
        by_heading = {c.heading_path[-1]: c for c in chunks}
        assert by_heading["Timeout settings"].anchor == "timeout"  # {#timeout} is syntax, not text
        assert by_heading["Concurrency"].anchor == "concurrency-limits"  # the IAL line after it


def test_case_kramdown_rawtext_id():
    (note,) = load_notes(CASES / "kramdown-rawtext-id")
    anchors = [h.anchor for h in wiki_page(note, "kramdown").headings]
    assert anchors[1:] == ["layers-and-the-runtime-apihttpsdocsawsamazoncomlambdalatestdgruntimes-apihtml", "qampa"]
    assert [h.anchor for h in wiki_page(note, "jekyll").headings][1:] == ["layers-and-the-runtime-api", "qa"]
    assert [h.text for h in wiki_page(note, "kramdown").headings][1:] == ["Layers and the runtime API", "Q&A"]


# --- settings ---------------------------------------------------------------------------

def test_default_engine_is_jekyll_and_anchor_style_is_an_alias():
    assert config.from_env({}).wiki_engine == "jekyll"
    assert config.from_env({"ASSISTANT_ANCHOR_STYLE": "github"}).wiki_engine == "github"
    both = {"ASSISTANT_ANCHOR_STYLE": "github", "ASSISTANT_WIKI_ENGINE": "mkdocs"}
    assert config.from_env(both).wiki_engine == "mkdocs"
    assert config.from_env({}, wiki_engine="vitepress").wiki_engine == "vitepress"


def test_unknown_engine_is_one_clear_error(capsys):
    with pytest.raises(ConfigError, match="unknown wiki engine 'hexo'; expected one of jekyll, kramdown"):
        config.from_env({"ASSISTANT_WIKI_ENGINE": "hexo"})
    with pytest.raises(SystemExit):
        cli.main(["links", "--wiki-engine", "hexo"])
    assert "invalid choice: 'hexo'" in capsys.readouterr().err


# --- page URLs --------------------------------------------------------------------------

@pytest.mark.parametrize(
    "engine, clean, page, index",
    [
        ("jekyll", None, "/dir/page.html", "/dir/"),
        ("jekyll", True, "/dir/page/", "/dir/"),
        ("kramdown", None, "/dir/page.html", "/dir/"),
        ("mkdocs", None, "/dir/page/", "/dir/"),
        ("mkdocs", False, "/dir/page.html", "/dir/index.html"),  # MkDocs File.url: hosts without folder indexes
        ("vitepress", None, "/dir/page.html", "/dir/"),
        ("vitepress", True, "/dir/page", "/dir/"),
        ("docusaurus", None, "/dir/page", "/dir/"),
        ("github", None, "/dir/page.md", "/dir/index.md"),
        ("gitlab", None, "/dir/page.md", "/dir/index.md"),
    ],
)
def test_page_paths(engine, clean, page, index):
    assert wiki_page(_note("# T\n"), engine, clean).path == page
    assert wiki_page(_note("# T\n", "dir/index.md"), engine, clean).path == index


@pytest.mark.parametrize("engine", ["jekyll", "mkdocs", "github"])
def test_a_backslash_is_part_of_a_file_name(engine):
    # An attack run: a folder named a\..\..\b stopped `index` and `links` with a traceback.
    assert wiki_page(_note("# T\n", "a\\..\\..\\b/x.md"), engine).path.startswith("/a\\..\\..\\b/")


def test_front_matter_permalink_and_docusaurus_slug():
    note = _note("---\npermalink: /handbook/tools/\nslug: tools-page\n---\n# T\n")
    assert wiki_page(note, "jekyll").path == "/handbook/tools/"
    assert wiki_page(note, "docusaurus").path == "/dir/tools-page"
    assert wiki_page(note, "mkdocs").path == "/dir/page/"  # MkDocs has no per-page permalink


def test_docusaurus_drops_number_prefixes():
    assert wiki_page(_note("# T\n", "01-guide/02-setup.md"), "docusaurus").path == "/guide/setup"


@pytest.mark.parametrize("source, path", [
    # DefaultNumberPrefixParser (plugin-content-docs 3.x numberPrefix.ts): a date- or version-like
    # name keeps its numbers (a fresh user, heldout29: 2026-27-season.md was cited at /27-season)
    ("01-office/2026-27-season.md", "/office/2026-27-season"), ("2025-concert-tickets.md", "/concert-tickets"),
    ("2021.01.31-notes.md", "/2021.01.31-notes"), ("8.0-release.md", "/8.0-release"), ("003 - setup.md", "/setup"),
    ("01__intro.md", "/intro"), ("01 -_ intro.md", "/intro"), ("01-.md", "/01-"), ("01.md", "/01"), ("٣-x.md", "/٣-x"),
])
def test_docusaurus_keeps_date_and_version_like_names(source, path):
    assert wiki_page(_note("# T\n", source), "docusaurus").path == path


@pytest.mark.parametrize("front, source, path", [
    ("id: on-call", "01-ops/pager.md", "/ops/on-call"),  # an id names the page (facebook/docusaurus#10496)
    ("id: on-call", "ops/index.md", "/ops/"),  # a conventional index stays the folder's page
    ("", "ops/Ops.md", "/ops/"),  # named as its folder: the folder's page
    ("id: a/b", "ops/pager.md", "/ops/pager"),  # an id with '/' is refused by Docusaurus: the file name
    ("slug: ../rollback", "01-ops/deploy/x.md", "/ops/rollback"),  # a relative slug, resolved under the folder
    ("slug: steps/", "01-ops/x.md", "/ops/steps/"),
    ("slug: /runbooks/db", "ops/x.md", "/runbooks/db"),
])
def test_docusaurus_page_paths_from_id_slug_and_folder(front, source, path):
    # plugin-content-docs 3.x: docs.ts (baseID = front matter id, else the file name without
    # its number prefix), slug.ts (a conventional index without a slug is its folder's page)
    assert wiki_page(_note(f"---\n{front}\n---\n# T\n", source), "docusaurus").path == path


def test_citation_url_with_base_path():
    (note,) = load_notes(CASES / "kramdown-explicit-id")
    chunk = [c for c in chunk_note(note) if c.anchor == "timeout"][0]
    from assistant.cite import citation_url

    url = citation_url("https://team.github.io/handbook/", chunk.source, chunk.permalink, chunk.anchor)
    assert url == "https://team.github.io/handbook/lambda.html#timeout"


# --- titles -----------------------------------------------------------------------------

# A GitHub wiki titles every page by its file name, as GitHub shows it ("index" too); the h1
# then follows it in a hit's heading path (test_a_github_wiki_page_is_titled_by_its_file_name...).
@pytest.mark.parametrize("engine", [e for e in ENGINES if e != "github-wiki"])
def test_titles_never_index_when_something_better_exists(engine):
    assert wiki_page(_note("text\n", "runbooks/index.md"), engine).title == "Runbooks"
    assert wiki_page(_note("text\n", "runbooks/README.md"), engine).title == "Runbooks"
    assert wiki_page(_note("# On-call runbook\n\ntext\n", "runbooks/index.md"), engine).title == "On-call runbook"
    assert wiki_page(_note("---\ntitle: Front\n---\n# H1\n", "x/index.md"), engine).title == "Front"
    assert wiki_page(_note("text\n", "going-out_of-office.md"), engine).title == "Going out of office"


def test_first_h1_is_the_title_even_with_several_and_explicit_id_is_not_shown():
    note = _note("# First {#first}\n\n# Second\n", "a.md")
    assert wiki_page(note, "jekyll").title == "First"


def test_vitepress_hero_title():
    note = _note("---\nlayout: home\nhero:\n  name: Team Wiki\n  text: All we know\n---\n\ntext\n", "index.md")
    assert wiki_page(note, "vitepress").title == "Team Wiki"
    assert wiki_page(note, "jekyll").title == "Home"  # the root index: no folder name, no h1


# --- GitLab (ported from lib/gitlab/utils/markdown.rb; no GitLab to run here) -------------

def test_gitlab_ids():
    ids = GitlabIds()
    got = [ids.add(t) for t in ["Hello World", "Hello World", "This -- is -- it!", "123", "日本語 見出し", "Plans (premium)"]]
    assert got == ["hello-world", "hello-world-1", "this-is-it", "anchor-123", "日本語-見出し", "plans"]


# --- breadcrumbs ------------------------------------------------------------------------

def test_heading_path_shows_rendered_headings():
    note = _note("# Doc\n\n## Why? {#why}\n\nbecause\n\n## `code` and [a link](https://x.y) &amp; more\n\ntext\n")
    paths = [c.heading_path for c in chunk_note(note)]
    assert ("Doc", "Why?") in paths
    assert ("Doc", "code and a link & more") in paths


# --- links command ----------------------------------------------------------------------

def test_links_command_lists_every_heading_with_its_url(capsys):
    corpus = CASES / "kramdown-explicit-id"
    assert cli.main(["links", "--corpus", str(corpus), "--wiki-base-url", "https://w.example/base"]) == 0
    out = capsys.readouterr().out
    assert "Lambda メモ  https://w.example/base/lambda.html   (lambda.md)" in out
    assert "## Timeout settings  https://w.example/base/lambda.html#timeout" in out
    assert "## Concurrency  https://w.example/base/lambda.html#concurrency-limits" in out
    assert cli.main(["links", "--json", "--corpus", str(corpus), "--wiki-engine", "github"]) == 0
    page = json.loads(capsys.readouterr().out.splitlines()[0])
    assert page["url"].endswith("/lambda.md")
    assert [h["anchor"] for h in page["headings"]] == ["lambda-メモ", "timeout-settings-timeout", "concurrency"]


def test_a_readme_without_front_matter_is_its_folders_page_on_github_pages(tmp_path):
    """jekyll-readme-index (a GitHub Pages default): checked against the real plugin in
    tests/test_site_real.py; here the rule alone, for every engine."""
    for name, text in {"README.md": "# Home\n", "ops/ReadMe.markdown": "# Ops\n", "dev/index.md": "# Dev\n",
                       "dev/README.md": "# Dev readme\n", "docs/README.md": "---\ntitle: Docs\n---\n# Docs\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    notes = {n.source: n for n in load_notes(tmp_path)}
    paths = {s: wiki_page(n, "jekyll").path for s, n in notes.items()}
    assert paths == {"README.md": "/", "ops/ReadMe.markdown": "/ops/", "dev/index.md": "/dev/",
                     "dev/README.md": "/dev/README.md", "docs/README.md": "/docs/README.html"}
    assert wiki_page(notes["ops/ReadMe.markdown"], "github").path == "/ops/ReadMe.markdown"
    assert wiki_page(notes["ops/ReadMe.markdown"], "mkdocs").path == "/ops/"


# --- GitHub and GitLab wikis -------------------------------------------------------------


@pytest.mark.parametrize("source, github, gitlab", [
    ("Home.md", "/Home", "/Home"),
    ("On-call-rotation.md", "/On-call-rotation", "/On-call-rotation"),
    ("ops/Equipment checklist.md", "/Equipment-checklist", "/ops/Equipment-checklist"),  # gollum's cname: ' ' -> '-'
    ("ops/機材の貸し出し.md", "/機材の貸し出し", "/ops/機材の貸し出し"),
])
def test_wiki_page_names(source, github, gitlab):
    note = _note("# Title\n\ntext\n", source)
    assert wiki_page(note, "github-wiki").path == github
    assert wiki_page(note, "gitlab-wiki").path == gitlab


def test_a_github_wiki_page_is_titled_by_its_file_name_and_shows_its_links_text():
    note = _note("# Welcome to the wiki\n\nSee [[On-call rotation]], [[the list|Equipment-checklist#fees]] "
                 "and `[[not a link]]`.\n", "On-call-rotation.md")
    page = wiki_page(note, "github-wiki")
    assert page.title == "On call rotation"  # GitHub shows the page name; the h1 is content
    assert page.text.lines[2] == "See On-call rotation, the list and `[[not a link]]`."
    assert [h.anchor for h in page.headings] == ["welcome-to-the-wiki"]
    assert wiki_page(note, "jekyll").text.lines[2].startswith("See [[On-call rotation]]")  # other engines: as written


def test_a_wiki_sidebar_is_no_page_and_a_footer_is_cited_at_the_home_page():
    from assistant.wiki.published import is_published

    # A GitHub wiki's footer and header are shown on every page: indexed, cited at the home page.
    for source, github, gitlab in [("_Sidebar.md", False, True), ("ops/_Footer.md", True, True),
                                   ("_Header.md", True, True), ("_sidebar.md", False, False), ("_FOOTER.md", True, True),
                                   ("ops/_sidebar.md", False, True), ("Home.md", True, True)]:
        note = _note("* [[Home]]\n", source)
        assert (is_published(note, "github-wiki"), is_published(note, "gitlab-wiki")) == (github, gitlab), source
    footer = wiki_page(_note("Office: 0000-12-3300\n", "_Footer.md"), "github-wiki")
    assert (footer.path, footer.title) == ("/Home", "Footer (every page)")


def test_notes_a_github_wiki_serves_as_one_page_are_named_in_a_warning(caplog):
    from assistant.wiki.published import published_notes

    notes = [_note("a\n", s) for s in ("Page.md", "ops/page.md", "Other.md", "Foo Bar.md", "x/Foo-Bar.md", "Home.md",
                                        "_Footer.md")]
    assert len(published_notes(notes, "github-wiki")) == 7  # all indexed: which one GitHub shows is unknown
    warning = " ".join(r.getMessage() for r in caplog.records)
    assert "2 GitHub wiki page name(s)" in warning and "ops/page.md" in warning and "x/Foo-Bar.md" in warning
    assert "_Footer.md" not in warning  # cited at the home page on purpose
    caplog.clear()
    published_notes(notes, "gitlab-wiki")  # GitLab keeps the folders
    assert "page name" not in " ".join(r.getMessage() for r in caplog.records)


def test_docusaurus_hides_mdx_imports_and_exports():
    # MDX's ESM (Docusaurus 3 reads .md as MDX): module code the page never shows, which was
    # indexed as a chunk of its own ("import Tabs from '@theme/Tabs';")
    text = ("---\nid: deploy\n---\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n"
            "# Deploy\n\nexport const owner = 'SRE';\n\nRun `make deploy`.\n\n```sh\nexport ENV=prod\n```\n")
    note = parse_note(text, "deploy.md")
    shown = wiki_page(note, "docusaurus").text.lines
    assert shown[3] == shown[4] == shown[8] == ""
    assert shown[10] == "Run `make deploy`." and shown[13] == "export ENV=prod"  # code is shown
    assert wiki_page(note, "jekyll").text.lines[3] == "import Tabs from '@theme/Tabs';"  # not MDX there
    assert [c.line_start for c in chunk_note(note, wiki_engine="docusaurus")][0] == 7


def test_an_mdx_page_is_a_note_under_docusaurus_only(tmp_path, caplog):
    # Docusaurus renders MDX pages (`docs/deploy.mdx`); a Jekyll or MkDocs site does not
    from assistant.wiki.published import published_notes

    (tmp_path / "deploy.mdx").write_text("import Tabs from '@theme/Tabs';\n\n# Deploy\n\nRun it.\n", encoding="utf-8")
    (tmp_path / "intro.md").write_text("# Intro\n", encoding="utf-8")
    notes = load_notes(tmp_path)
    assert [n.source for n in published_notes(notes, "docusaurus")] == ["deploy.mdx", "intro.md"]
    assert wiki_page(notes[0], "docusaurus").path == "/deploy"
    assert [n.source for n in published_notes(notes, "jekyll")] == ["intro.md"]
    assert "an .mdx page is published by Docusaurus only" in caplog.text


def test_a_docusaurus_tab_shows_its_label_as_a_caption():
    text = ("# Deploy\n\n<Tabs>\n  <TabItem value=\"prod\" label=\"Production\" default>\n\nRun `kdeploy promote`.\n\n"
            "  </TabItem>\n  <TabItem value='staging'>\n\nMerge to main.\n\n  </TabItem>\n</Tabs>\n")
    page = wiki_page(parse_note(text, "deploy.md"), "docusaurus").text
    assert page.lines[3] == "Production" and 4 in page.captions
    assert page.lines[8] == "staging" and 9 in page.captions  # no label: its value
    assert page.lines[2] == page.lines[7] == page.lines[12] == ""  # <Tabs>, </TabItem>, </Tabs>
    assert wiki_page(parse_note(text, "deploy.md"), "jekyll").text.lines[3] == ""  # a tag line elsewhere


def test_a_folder_of_mdx_pages_read_as_jekyll_says_which_engine_publishes_them(tmp_path):
    # a helper's attack: "every note ... is a draft or unpublished" and nothing more
    import dataclasses

    from assistant.build import build_index
    from assistant.config import from_env
    from assistant.errors import CorpusError

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "deploy.mdx").write_text("# Deploy\n\nRun it.\n", encoding="utf-8")
    settings = dataclasses.replace(from_env({}, corpus_dir=tmp_path / "notes", index_dir=tmp_path / "index"),
                                   wiki_engine="jekyll")
    with pytest.raises(CorpusError, match="pass --wiki-engine docusaurus"):
        build_index(settings, embedder=object())  # refused before any embedding
    assert not (tmp_path / "index").exists() or not any((tmp_path / "index").iterdir())


@pytest.mark.parametrize("trailing, page, folder", [(None, "/ops/pager", "/ops/"), (True, "/ops/pager/", "/ops/"),
                                                    (False, "/ops/pager", "/ops")])
def test_docusaurus_trailing_slash(trailing, page, folder):
    # heldout18's `trailingSlash: false` serves its onboarding README at /onboarding, not /onboarding/
    assert wiki_page(_note("# T\n", "ops/pager.md"), "docusaurus", trailing).path == page
    assert wiki_page(_note("# T\n", "ops/README.md"), "docusaurus", trailing).path == folder
    assert wiki_page(_note("---\nslug: /\n---\n# T\n", "intro.md"), "docusaurus", trailing).path == "/"


@pytest.mark.parametrize("engine, trailing, url", [
    ("docusaurus", False, "https://w.example/manual"), ("docusaurus", True, "https://w.example/manual/"),
    ("docusaurus", None, "https://w.example/manual/"), ("jekyll", False, "https://w.example/manual/"),
])
def test_the_root_page_under_trailing_slash_false_has_no_final_slash(engine, trailing, url):
    # heldout25: docs under `routeBasePath: 'manual'` with `trailingSlash: false` serve their
    # index at /manual; the citation said /manual/, a 404 on a static host.
    from assistant.cite import bare_root_for, citation_url, page_url

    bare = bare_root_for(engine, trailing)
    assert page_url("https://w.example/manual", "docs/index.md", "/", bare) == url
    assert citation_url("https://w.example/manual/", "docs/index.md", "/", "診療時間", bare) == url + "#%E8%A8%BA%E7%99%82%E6%99%82%E9%96%93"
    assert page_url("https://w.example/manual", "docs/a.md", "/a", bare) == "https://w.example/manual/a"


def test_a_project_root_with_no_notes_in_its_content_folder_says_so(tmp_path):
    # a helper's attack: a Hugo project root whose content/ is empty failed with "every note
    # ... is a draft or unpublished", while its only note was the repository's README
    from assistant.build import build_index
    from assistant.config import from_env
    from assistant.errors import CorpusError

    (tmp_path / "content").mkdir()
    (tmp_path / "hugo.toml").write_text('baseURL = "https://e.example/"\n', encoding="utf-8")
    (tmp_path / "README.md").write_text("# The repository\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=tmp_path, index_dir=tmp_path / "index")
    with pytest.raises(CorpusError, match="no notes in .*content, the folder the site's pages come from"):
        build_index(settings, embedder=object())  # refused before any embedding


def test_a_docusaurus_h1_has_no_id_and_its_lead_cites_the_page():
    # Docusaurus counts the h1's slug (a later "## Maintenance" is "maintenance-1") but renders
    # the h1 with no id: a fresh user's lead hits cited "/manual/equipment/maintenance#機器の
    # メンテナンス", an anchor on no element (heldout25). Other engines keep the h1's id.
    note = _note("# Maintenance\n\nWho checks the autoclave.\n\n## Maintenance\n\nWeekly.\n", "ops/maint.md")
    assert [h.anchor for h in wiki_page(note, "docusaurus").headings] == ["", "maintenance-1"]
    assert [h.anchor for h in wiki_page(note, "github").headings] == ["maintenance", "maintenance-1"]
    lead = chunk_note(note, wiki_engine="docusaurus")[0]
    assert lead.line_start == 1 and lead.anchor == ""


def test_a_docusaurus_index_records_its_h1_rule_and_no_other_does():
    # An index built before the rule cites the h1's id: it is rebuilt once (store.chunking_settings).
    from assistant.store import chunking_settings

    assert chunking_settings(config.Settings(wiki_engine="docusaurus"))["h1_id"] is False
    assert "h1_id" not in chunking_settings(config.Settings(wiki_engine="github"))


def test_a_front_matter_problem_is_said_for_a_page_when_the_index_is_built(tmp_path, caplog):
    """A fresh user (heldout28): Hugo's `archetypes/default.md`, a template with Go template
    tags in its front matter and no page, was warned about on every `ask`. Only a published
    page's bad front matter is said, once, by the build."""
    import logging

    from assistant.build import build_index

    (tmp_path / "content").mkdir()
    (tmp_path / "archetypes").mkdir()
    (tmp_path / "hugo.toml").write_text('baseURL = "https://x.example/"\n', encoding="utf-8")
    (tmp_path / "archetypes" / "default.md").write_text('---\ntitle: "{{ replace .Name "-" " " }}"\ndate: {{ .Date }}\n---\n',
                                                       encoding="utf-8")
    (tmp_path / "content" / "page.md").write_text("---\ntitle: [unclosed\n---\n# Page\n\n## Hours\n\nOpen 9-17.\n", encoding="utf-8")
    settings = config.from_env({}, corpus_dir=tmp_path, index_dir=tmp_path / "index", model="fake-hash")
    with caplog.at_level(logging.WARNING):
        load_notes(tmp_path)
        assert "read line by line" not in caplog.text  # reading the notes says nothing
        build_index(settings, progress=False)
    said = [r.getMessage() for r in caplog.records if "read line by line" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("content/page.md: front matter read line by line")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        build_index(settings, progress=False)  # up to date: nothing said again
    assert "read line by line" not in caplog.text
