"""The filter's names for readers (scopes.titled_scopes over Searcher.note_titles): a note by
its title, not its path, with the path only where the title alone would not say which note.
A fresh user's 11-page wiki showed `ops/oncall/rotation.md` where the page says
"On-call Rotation" (2026-12-01)."""
from __future__ import annotations

from assistant.build import build_index
from assistant.config import from_env
from assistant.retrieve import Searcher
from assistant.scopes import scope_label, titled_scopes

NOTES = {
    "ops/oncall/rotation.md": "---\ntitle: On-call Rotation\n---\n\n# On-call Rotation\n\nOne week.\n\n## Swapping shifts\n\nAsk.\n",
    "ops/障害対応.md": "# 障害対応手順\n\n宣言する。\n\n## 初動対応\n\n連絡する。\n",  # a title from its one H1
    "dev/faq.md": "---\ntitle: FAQ\n---\n\nDev questions.\n\n## Builds\n\nMake.\n",
    "ops/faq.md": "---\ntitle: FAQ\n---\n\nOps questions.\n",  # the same title as dev/faq.md
    "misc/scratch.md": "Some text and no heading.\n",  # no title: the wiki engine makes one from the file name
}


def built_notes(tmp_path, notes: dict[str, str]):
    """Settings of a fake-model index built over `notes` (path -> text) in tmp_path."""
    corpus = tmp_path / "notes"
    for path, text in notes.items():
        (corpus / path).parent.mkdir(parents=True, exist_ok=True)
        (corpus / path).write_text(text, encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="fake-hash")
    build_index(settings, progress=False)
    return settings


def test_the_filter_names_notes_by_title_with_the_path_where_titles_clash(tmp_path):
    settings = built_notes(tmp_path, NOTES)
    searcher = Searcher(settings)

    names = titled_scopes(searcher.scopes(), searcher.note_titles)

    assert set(names) == set(searcher.scopes())  # every value still the path the search takes
    assert names["ops/oncall/rotation.md"] == "On-call Rotation"
    assert names["ops/oncall/rotation.md › Swapping shifts"] == "On-call Rotation › Swapping shifts"
    assert names["ops/障害対応.md"] == "障害対応手順"
    assert names["ops/障害対応.md › 初動対応"] == "障害対応手順 › 初動対応"
    assert names["dev/faq.md"] == "FAQ (dev/faq.md)" and names["ops/faq.md"] == "FAQ (ops/faq.md)"
    assert names["dev/faq.md › Builds"] == "FAQ (dev/faq.md) › Builds"
    assert names["misc/scratch.md"] == "Scratch"  # the title Jekyll (the default engine) gives a page from its file name
    assert len(set(names.values())) == len(names)  # no two entries of the dropdown look the same


def test_a_scope_without_a_known_title_keeps_its_path():
    assert titled_scopes(["a.md", "a.md › X", "b.md"], {"b.md": ""}) == {"a.md": "a.md", "a.md › X": "a.md › X", "b.md": "b.md"}


BODY = "# Heading\n\nLead text.\n\n## Alpha\n\n- alpha line\n\n## Beta\n\n### Beta one\n\n- beta line\n"
CHAPTERED = {
    "titled.md": "---\ntitle: Another title\n---\n\n" + BODY,  # front-matter title != its H1
    "same.md": "---\ntitle: Heading\n---\n\n" + BODY,  # title == H1
    "plain.md": BODY,  # title from its one H1
    # A fresh tester's page (2026-12-01): its filter offered only "オンボーディング（入社初週）".
    "office/onboarding.md": "---\ntitle: オンボーディング\n---\n\n# オンボーディング（入社初週）\n\n新しく入った人向け。\n\n"
                            "## 入社前\n\n- バディを決める\n\n## バディ制度\n\n- バディは同じチームの先輩\n- 期間は3か月\n",
    "two.md": "---\ntitle: Parts\n---\n\n# Part one\n\n- one\n\n# Part two\n\n## Detail\n\n- two\n",  # two H1s, neither the title: chapters
}


def test_a_notes_chapters_are_offered_whether_or_not_its_title_is_its_h1(tmp_path):
    """/api/scopes and the page's filter (its /config) list every note, then its chapters: the
    sections under the page's one H1. A page whose front-matter title differs from its H1
    listed the H1 as its one chapter, so its sections could not be chosen."""
    from fastapi.testclient import TestClient

    from assistant.api import create_app
    from assistant.service import SearchService

    settings = built_notes(tmp_path, CHAPTERED)

    with TestClient(create_app(SearchService(settings, progress=False), settings), base_url="http://127.0.0.1") as c:
        scopes = c.get("/api/scopes").json()["scopes"]
        (dropdown,) = [x for x in c.get("/config").json()["components"] if x.get("type") == "dropdown"]
        found = c.get("/api/ask", params={"q": "バディの期間は？", "scope": "office/onboarding.md › バディ制度"}).json()

    def chapters(note: str) -> list[str]:
        return [s.split(" › ", 1)[1] for s in scopes if s.startswith(note + " › ")]

    assert {note for note in CHAPTERED} <= set(scopes)  # every note as a whole
    assert chapters("titled.md") == chapters("same.md") == chapters("plain.md") == ["Alpha", "Beta"]
    assert chapters("office/onboarding.md") == ["入社前", "バディ制度"]
    assert chapters("two.md") == ["Part one", "Part two"]
    labels = dict((value, label) for label, value in dropdown["props"]["choices"])
    assert labels["office/onboarding.md › バディ制度"] == "オンボーディング › バディ制度"
    assert labels["titled.md › Beta"] == "Another title › Beta"
    assert found["hits"] and all(h["heading_path"][-1] == "バディ制度" for h in found["hits"]), found


def test_chapters_cost_time_linear_in_a_notes_headings(monkeypatch):
    # An attack run (2026-12-01): the page's H1s were counted again for every section, so a
    # note of 10,000 headings (200 KB) took 9-18 s to chunk against 2-3 s before chapters
    # (20,000: over a minute). Counted here as walks over the page's headings, not as time.
    from assistant import chunking
    from assistant.notes import parse_note

    walks = []

    class Headings(list):
        def __iter__(self):
            walks.append(1)
            return super().__iter__()

    def counted(*args, **kwargs):
        from dataclasses import replace

        page = make_page(*args, **kwargs)
        return replace(page, headings=Headings(page.headings))

    make_page = chunking.wiki_page
    monkeypatch.setattr(chunking, "wiki_page", counted)
    note = parse_note("# Page\n\n" + "".join(f"## H{i}\n\nx\n\n" for i in range(2_000)), "p.md")
    chunks = chunking.chunk_note(note)
    assert [c.chapter for c in chunks[:3]] == ["", "H0", "H1"]
    assert len(walks) < 20  # a few walks for the whole page, not one a section (2,000)


def test_a_file_named_with_the_separator_is_offered_as_a_note(tmp_path):
    """An attacker's note `a › b.md` (2026-12-01) was read as chapter 'b.md' of a note 'a' and
    left out of the filter and the API's list."""
    from assistant.scopes import listed_scopes

    notes = {"a.md": "# A\n\nLead.\n\n## Part\n\n- one\n", "a.md › b.md": "# Sneaky\n\nText.\n\n## Inner\n\n- two\n"}
    settings = built_notes(tmp_path, notes)
    searcher = Searcher(settings)

    listed, cut = listed_scopes(searcher.scopes(), searcher.note_titles)
    names = titled_scopes(searcher.scopes(), searcher.note_titles)

    assert not cut and set(listed) == set(searcher.scopes())
    assert {"a.md", "a.md › b.md", "a.md › Part", "a.md › b.md › Inner"} <= set(listed), listed
    assert names["a.md › b.md"] == "Sneaky" and names["a.md › b.md › Inner"] == "Sneaky › Inner"
    assert searcher.in_scope("a.md › b.md").sum() >= 1 and not searcher.in_scope("a.md › b.md")[searcher.in_scope("a.md")].any()


def test_a_label_drops_bidi_controls_and_keeps_its_value():
    from assistant.scopes import scope_label

    assert scope_label("ops/\u202egnp.exe\u202c.md › \u2067Part\u2069") == "ops/gnp.exe.md › Part"
    assert scope_label("x" * 500).endswith("…") and len(scope_label("x" * 500)) == 100


def test_names_that_would_look_alike_carry_the_path(tmp_path):
    """Anyone who can push a note could title it so that the filter showed it as another
    note, or as another note's chapter: in real Chromium the dropdown listed "Deploying
    Services › Staging" three times, two of them searching other notes."""
    settings = built_notes(tmp_path, {
        "ops/deploy.md": "---\ntitle: Deploying Services\n---\n\n# Deploying Services\n\nHow.\n\n## Staging\n\nReset it.\n",
        "ops/evil.md": "---\ntitle: Deploying Services › Staging\n---\n\nMail your password.\n",
        "ops/zw.md": "---\ntitle: \"Deploying Serv\u200bices\"\n---\n\nHi.\n\n## Staging\n\nMail it.\n",
        "ops/wide.md": "---\ntitle: \"ＤＥＰＬＯＹＩＮＧ  services\"\n---\n\nWide letters.\n",
    })
    searcher = Searcher(settings)
    names = searcher.scope_names
    assert names == titled_scopes(searcher.scopes(), searcher.note_titles)
    shown = {scope_label(name) for name in names.values()}
    assert len(shown) == len(names)
    assert names["ops/deploy.md › Staging"] == "Deploying Services (ops/deploy.md) › Staging"
    assert names["ops/evil.md"] == "Deploying Services › Staging (ops/evil.md)"
    assert scope_label(names["ops/zw.md"]) == "Deploying Services (ops/zw.md)"
    assert names["ops/wide.md"].endswith("(ops/wide.md)")


def test_names_that_look_different_keep_their_titles_alone():
    scopes = ["a.md", "a.md › Staging", "b.md", "c.md"]
    titles = {"a.md": "Deploying", "b.md": "Deploying › Production", "c.md": "Staging"}
    assert titled_scopes(scopes, titles) == {"a.md": "Deploying", "a.md › Staging": "Deploying › Staging",
                                             "b.md": "Deploying › Production", "c.md": "Staging"}


def test_a_label_drops_invisible_format_characters_but_joiners():
    assert scope_label("De\u200bploy\u2060ing\ufeff \u00adServices\u200e\U000e0041") == "Deploying Services"
    assert scope_label("می\u200cخواهم 👩\u200d💻") == "می\u200cخواهم 👩\u200d💻"


def test_the_format_character_list_is_every_format_character():
    import re
    import sys
    import unicodedata

    from assistant.scopes import _FORMAT_CHARS

    listed = re.compile(f"[{_FORMAT_CHARS}]")
    missing = [hex(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf" and not listed.match(chr(c))]
    assert not missing  # (U+13439-1343F are format characters from Unicode 15 on)


def test_the_listed_names_stay_within_a_size_however_long_their_paths():
    """An attack (2026-12-05): ten notes in ~3.8 KB-deep folders with 100 chapters each made
    every page load (/config, /embed/config) 15 MB within the count caps: each chapter's name
    repeats its note's path. Notes come first, then chapters, while they fit."""
    from assistant.scopes import MAX_SCOPE_LIST_BYTES, choice_bytes, listed_scopes

    folder = "/".join(["d" * 200] * 19)
    notes = [f"{folder}/n{i}.md" for i in range(10)]
    scopes = [name for note in notes for name in [note, *(f"{note} › ch {k}" for k in range(100))]]
    listed, cut = listed_scopes(scopes, notes)
    assert cut and sum(map(choice_bytes, listed)) <= MAX_SCOPE_LIST_BYTES < sum(map(choice_bytes, scopes)) / 3
    assert set(notes) <= set(listed)  # every note before any chapter
    assert listed == [s for s in scopes if s in set(listed)]  # in their order
    small = [f"n{i}.md" for i in range(10)]
    assert listed_scopes(small, small) == (small, False)
    # a second attack: names of control characters, escaped as 6 bytes each in the page's JSON
    control = [f"{i}" + "\x01" * 248 + "/n.md" for i in range(10)]
    scopes = [name for note in control for name in [note, *(f"{note} › h{k} " + "\x01" * 100 for k in range(100))]]
    listed, cut = listed_scopes(scopes, control)
    assert cut and sum(map(choice_bytes, listed)) <= MAX_SCOPE_LIST_BYTES
    assert choice_bytes("a\x01") == 4 * 7 + 7


def test_a_note_is_found_by_the_end_of_its_path():
    # An MkDocs site's notes are under docs/; a fresh user gave the path the site names
    # ("support/refund-policy.md") and was refused (2026-12-06). Only a unique end after a '/'.
    from assistant.scopes import scope_by_name

    names = {"docs/support/refund.md": "Refunds", "docs/support/refund.md › 承認": "Refunds › 承認",
             "docs/a/faq.md": "FAQ (a)", "docs/b/faq.md": "FAQ (b)"}
    assert scope_by_name("support/refund.md", names) == "docs/support/refund.md"
    assert scope_by_name("support/refund.md › 承認", names) == "docs/support/refund.md › 承認"
    assert scope_by_name("support/refund.md > 承認", names) == "docs/support/refund.md › 承認"
    assert scope_by_name("faq.md", names) is None  # two notes end so
    assert scope_by_name("fund.md", names) is None  # not a path's end after a '/'
    # whole segments of the note's path only, not a chapter's "CI/CD" (an attack); a leading '/'
    names["docs/support/refund.md › CI/CD"] = "Refunds › CI/CD"
    names["contacts.md"] = "Contacts"
    assert scope_by_name("CD", names) is None
    assert scope_by_name("/contacts.md", names) == "contacts.md" and scope_by_name("/support/refund.md", names) == "docs/support/refund.md"
