"""The filter's names for readers (scopes.titled_scopes over Searcher.note_titles): a note by
its title, not its path, with the path only where the title alone would not say which note.
A fresh user's 11-page wiki showed `ops/oncall/rotation.md` where the page says
"On-call Rotation" (2026-12-01)."""
from __future__ import annotations

from assistant.build import build_index
from assistant.config import from_env
from assistant.retrieve import Searcher
from assistant.scopes import titled_scopes

NOTES = {
    "ops/oncall/rotation.md": "---\ntitle: On-call Rotation\n---\n\n# On-call Rotation\n\nOne week.\n\n## Swapping shifts\n\nAsk.\n",
    "ops/障害対応.md": "# 障害対応手順\n\n宣言する。\n\n## 初動対応\n\n連絡する。\n",  # a title from its one H1
    "dev/faq.md": "---\ntitle: FAQ\n---\n\nDev questions.\n\n## Builds\n\nMake.\n",
    "ops/faq.md": "---\ntitle: FAQ\n---\n\nOps questions.\n",  # the same title as dev/faq.md
    "misc/scratch.md": "Some text and no heading.\n",  # no title: the wiki engine makes one from the file name
}


def test_the_filter_names_notes_by_title_with_the_path_where_titles_clash(tmp_path):
    corpus = tmp_path / "notes"
    for path, text in NOTES.items():
        (corpus / path).parent.mkdir(parents=True, exist_ok=True)
        (corpus / path).write_text(text, encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="fake-hash")
    build_index(settings, progress=False)
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
