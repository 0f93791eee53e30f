"""What the page shows is what gets indexed (issue 13; assistant/wiki/shown.py).

Unit tests of the per-line page text under each engine, then the real entry point
(`python -m assistant ask --json`, real e5 model and index) on the shared case
html-comment-answer and on a small wiki page with every kind of hidden and shown syntax.
"""
from __future__ import annotations

import json

import pytest

from assistant.chunking import chunk_note
from assistant.config import PROJECT_ROOT
from assistant.notes import parse_note
from assistant.wiki import wiki_page
from test_cli import run

CASES = PROJECT_ROOT / "tests" / "cases"  # copies of ../shared/cases/retrieval/<case>/notes


def shown(text: str, engine: str = "jekyll"):
    note = parse_note(text, "page.md")
    page = wiki_page(note, engine).text
    assert len(page.lines) == len(note.lines)  # a mask over the source lines: numbers stay
    return page


# ----------------------------------------------------------------------------- unit: page text


def test_html_comments_are_hidden_outside_code():
    page = shown("<!-- old: 5 min\nstill old -->\nNow <!-- was 5 --> 20 min `<!-- code -->`.\n\n"
                 "```\n<!-- in a fence -->\n```\n")
    assert page.lines[:3] == ("", "", "Now  20 min `<!-- code -->`.")
    assert page.lines[5] == "<!-- in a fence -->"


@pytest.mark.parametrize("engine", ["jekyll", "kramdown"])
def test_liquid_is_hidden_but_raw_text_is_shown_under_jekyll(engine):
    page = shown("{% raw %}\nUse `{{ secrets.TOKEN }}`.\n{% endraw %}\n{% comment %}\ndraft\n{% endcomment %}\n"
                 "Site {{ site.title }} {% include x.html %}ok\n", engine)
    assert page.lines == ("", "Use `{{ secrets.TOKEN }}`.", "", "", "", "", "Site  ok")


def test_a_sites_own_tag_shows_its_one_quoted_argument():
    # 18F's handbook (wiki-dev): "Ask {% slack_channel "admins-docker" %} for access" lost the
    # channel a fresh user asked for. Standard tags, file names and several arguments show nothing.
    page = shown('Ask {% slack_channel "admins-docker" %} for access.\n[Tock]({%- page \'/tools/tock/\' -%})\n'
                 '{% alert "Re-adding the keys" %}\n{% image "_img/a.png" %} {% include "low.html" %}\n'
                 '{% alert "Add a key", "warning" %}{% link "_posts/a.md" %}{% if a == "b" %}\n'
                 '[keys]({% link "https://x.org/keys" %})\n')
    assert page.lines == ("Ask admins-docker for access.", "[Tock](/tools/tock/)", "Re-adding the keys", " ", "",
                          "[keys](https://x.org/keys)")


@pytest.mark.parametrize("engine", ["github", "gitlab", "mkdocs", "vitepress", "docusaurus", "hugo"])
def test_liquid_is_text_where_the_engine_has_no_liquid(engine):
    text = "{% raw %}\nSite {{ site.title }}\n"
    assert shown(text, engine).lines == ("{% raw %}", "Site {{ site.title }}")


def test_hugo_shortcodes_are_hidden_a_quoted_title_is_a_caption():
    # heldout13 (a Hugo wiki, hugo-book's shortcodes): the tags carry no words; a details
    # title is shown as a label; a ref as the note's path, relative as written (notelinks.py
    # points the chat's link at that note's page, beside the page first, then from the folders
    # above, as Hugo does; left empty it pointed at the page it was on); an escaped tag as
    # Hugo renders it.
    page = shown('{{< hint info >}}\nClose the valve first.\n{{< /hint >}}\n{{% details "Why old mains" %}}\n'
                 'Rust lifts off.\n{{% /details %}}\nSee [Training]({{< ref "ops/training.md" >}}).\n'
                 'Write {{</* hint */>}} to open one.\n', "hugo")
    assert page.lines == ("", "Close the valve first.", "", "Why old mains", "Rust lifts off.", "",
                          "See [Training](ops/training.md).", "Write {{< hint >}} to open one.")
    assert page.captions == {4}
    assert shown('{{< hint info >}}\n', "jekyll").lines == ("",)  # Liquid reads {{ ... }} as output


def test_kramdown_attribute_lists_and_toc_are_hidden():
    page = shown("# Page\n\n* TOC\n{:toc}\n\nText.\n{: .note #x}\n{::options parse_block_html=\"true\" /}\n"
                 "{::comment}\nhidden\n{:/comment}\n")
    assert [n for n in range(1, 12) if page.shows(n)] == [1, 6]


@pytest.mark.parametrize("engine, heading", [("jekyll", "## Why"), ("vitepress", "## Why"),
                                             ("github", "## Why {#why}")])
def test_explicit_id_syntax_is_hidden_where_it_is_an_id(engine, heading):
    assert shown("# T\n\n## Why {#why}\n\ntext\n", engine).lines[2] == heading


def test_container_markers_hidden_titles_are_captions_bodies_shown():
    page = shown('::: tip Remember\nbody one\n:::\n\n!!! note "Title"\n    body two\n\n!!! warning\n'
                 "    body three\n\n:::info[Docusaurus title]\nx\n:::\n\n> [!NOTE]\n> alert body\n", "mkdocs")
    # an indented block's body is text, as MkDocs shows it, not the code CommonMark reads
    assert page.lines[:6] == ("Remember", "body one", "", "", "Title", "body two")
    assert not page.shows(8) and page.shows(9) and page.lines[10] == "Docusaurus title"
    # An alert's marker: a caption, kept escaped where the engine shows it as text (MkDocs)
    assert page.lines[14] == "> \\[!NOTE]" and page.shows(16)
    assert page.captions == {1, 5, 11, 15}


def test_indented_block_bodies_are_text_nested_and_fenced_and_code_shown_syntax_stays():
    # Python-Markdown's blocks (wiki/mkdocsblocks.py): a tab's title is a caption too; a nested
    # block's body loses both indents; a fence in a body is code, its marker-like line kept; a
    # marker four columns past its body is an indented code block's text; a comment in a body
    # after a blank line (CommonMark's indented code, before) is hidden.
    page = shown('=== "Linux"\n    apt install x\n\n    ??? tip\n        nested\n\n    ```\n    !!! kept\n    ```\n'
                 '\n        !!! danger "code"\n\n    <!-- hidden -->\n    after\nnot in it\n', "mkdocs")
    assert page.lines[0] == "Linux" and 1 in page.captions
    assert page.lines[1] == "apt install x" and page.lines[4] == "nested" and not page.shows(4)
    assert page.lines[6:9] == ("```", "!!! kept", "```")
    assert page.lines[10] == '    !!! danger "code"'
    assert not page.shows(13) and page.lines[13:15] == ("after", "not in it")


def test_an_unclosed_fence_in_a_block_ends_with_it():
    # An attack: a ``` left open in a note box kept every later block's body indented, to the
    # page's end; Python-Markdown closes it with the box. (The later marker itself is still
    # read as code: CommonMark's fence runs on, and page_text finds code as CommonMark does.)
    page = shown("!!! note\n    ```\n    code\nafter\n\n!!! tip\n    body\n", "mkdocs")
    assert page.lines[3] == "after" and page.lines[6] == "body"


def test_details_content_and_table_cells_are_shown_summary_is_a_caption():
    page = shown('<details markdown="block">\n<summary>Records</summary>\n\n| a | b |\n|---|---|\n'
                 "| kept 90 days | x |\n</details>\n")
    assert not page.shows(1) and not page.shows(7)
    assert page.shows(2) and page.shows(6) and page.captions == {2}


def test_hidden_lines_are_in_no_embedded_text_and_chunks_end_on_shown_lines():
    note = parse_note("# T\n\n## Deploy\n\n<!-- old: 5 min -->\nTimeout is 20 min.\n{: .note}\n<!-- end -->\n", "d.md")
    chunk = chunk_note(note)[-1]
    assert (chunk.line_start, chunk.line_end) == (3, 6)
    assert "<!--" in chunk.text  # the source lines, as cited
    assert "old" not in chunk.embed_text and "5 min" not in chunk.embed_text
    assert "Timeout is 20 min." in chunk.embed_text


def test_width_variants_are_folded_in_embedded_text_only():
    note = parse_note("# T\n\n## ｻｰﾊﾞｰﾚｽ\n\nｲﾍﾞﾝﾄｿｰｽﾏｯﾋﾟﾝｸﾞ（ＡＷＳ）\n", "k.md")
    chunk = chunk_note(note)[-1]
    assert "ｲﾍﾞﾝﾄ" in chunk.text and "ｻｰﾊﾞｰﾚｽ" in chunk.heading_path
    assert "イベントソースマッピング（AWS）" in chunk.embed_text  # full-width brackets stay
    assert "サーバーレス" in chunk.embed_text


# ----------------------------------------------------------------------------- real entry point

PAGE = """# Handbook

## Deploys

<!-- The legacy QuuxFrobnicator pipeline used a 5 minute timeout. -->
The deploy timeout is set to 20 minutes.
{: .note}

## Workflow secrets

{% raw %}
Reference the token as `{{ secrets.DEPLOY_TOKEN }}` in the workflow file.
{% endraw %}
{% include footer.html %}

## Chat tools

<details markdown="block">
<summary>Chat records</summary>

- Slack messages are kept for 90 days.
</details>

::: tip Reminder
Rotate the signing key every 30 days.
:::
"""
HIDDEN_OR_CAPTION = {5, 7, 11, 13, 14, 18, 19, 22, 24, 26}


def _ask(corpus, index, *questions: str) -> list[dict]:
    env = {"ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(index), "ASSISTANT_MODEL": "e5"}
    batch = "".join(json.dumps({"question": q}) + "\n" for q in questions)
    result = run("ask", "--json", "--top-k", "2", "--batch", "-", env=env, stdin=batch, timeout=600)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.slow
def test_case_html_comment_answer_is_never_highlighted(tmp_path):
    (answer,) = _ask(CASES / "html-comment-answer", tmp_path / "index", "デプロイのタイムアウトは何分？")
    top = answer["hits"][0]
    assert top["highlight_lines"][0] == 6 and 5 not in top["highlight_lines"]
    assert "<!--" in top["text"]  # the cited lines are the file's


@pytest.mark.slow
def test_page_shows_what_is_indexed_through_the_cli(tmp_path):
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "handbook.md").write_text(PAGE, encoding="utf-8")
    lines = PAGE.split("\n")
    assert [lines[n - 1] for n in (5, 18, 24)] == [
        lines[4], '<details markdown="block">', "::: tip Reminder"]  # the table above is right
    answers = _ask(corpus, tmp_path / "index", "What is the deploy timeout?", "How long are Slack messages kept?",
                   "How often is the signing key rotated?", "How do I reference secrets.DEPLOY_TOKEN?",
                   "What timeout did QuuxFrobnicator use?")
    for answer in answers:
        for hit in answer["hits"]:
            assert not HIDDEN_OR_CAPTION & set(hit["highlight_lines"]), (answer["question"], hit["highlight_lines"])
    expected_line = [6, 21, 25, 12]
    for answer, line in zip(answers, expected_line):
        assert answer["hits"][0]["highlight_lines"][0] == line, answer
    assert answers[3]["no_answer"] is False  # the token is shown (inside {% raw %})
    assert answers[4]["no_answer"] is True  # QuuxFrobnicator is only in a comment


def test_wiki_links_and_comments_beside_code_spans_stay_linear():
    # An attack run (2026-12-02): each match counted the backticks before it again, and a 1 MB
    # line of `[[a]]` links took 38 s to index (also "`" + "<!--" x 250,000 under every engine).
    import time

    from assistant.notes import parse_note
    from assistant.wiki import wiki_page

    began = time.process_time()
    wiki_page(parse_note("# Links\n\n`" + "[[a]]" * 200_000 + "\n\n`" + "<!--" * 250_000 + "\n", "Links.md"), "github-wiki")
    assert time.process_time() - began < 10  # linear: ~0.2 s; quadratic: over a minute
    page = wiki_page(parse_note("``[[dbl]]`` and [[x]], `a` [[b]] `c\n", "a.md"), "github-wiki")
    assert page.text.lines[0] == "``[[dbl]]`` and x, `a` b `c"  # a double-backtick span is code; a lone one is not
