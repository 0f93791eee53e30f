"""The chat page's example questions come from the notes' own headings, and each is answered
by its own section (suggestions.py). They used to be four fixed questions about the seed
notes, answered "not in the notes" over any other wiki (a fresh tester's, 2026-12-01)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assistant.language import language
from assistant.suggestions import _headings, _question, _spread, example_questions
from assistant.superseded import Superseded


def test_every_example_is_answered_by_the_section_it_names(search_service):
    examples = example_questions(search_service.searcher)
    assert len(examples) == 4 and len(set(examples)) == 4
    for question in examples:
        answer = search_service.search(question)
        assert not answer.no_answer, question
        heading = answer.hits[0].chunk.heading_path[-1]
        assert " ".join(heading.split()) in question, (question, heading)
        # corpus/ is one Japanese page: asked in Japanese, whatever the heading's language
        assert language(question) == "ja" and question.endswith("について教えて")


def test_a_question_reads_as_one_in_the_notes_language():
    assert _question("3. Configure git to sign commits", "en") == "Tell me about “Configure git to sign commits”"
    assert _question("Someone wants a keg for a home party", "en") == "Tell me about “Someone wants a keg for a home party”"
    assert _question("メンター制度について", "ja") == "メンター制度について教えて"
    assert _question("Amazon EBS (Elastic Block Store)", "ja") == "Amazon EBS (Elastic Block Store)について教えて"
    assert _question("Description.", "en") == "Tell me about “Description”"
    # a heading that is a sentence is quoted (a fresh user: "VPNに接続できませんについて教えて")
    assert _question("VPNに接続できません", "ja") == "「VPNに接続できません」について教えて"
    assert _question("休みを取るとき", "ja") == "休みを取るときについて教えて"


def test_a_heading_naming_one_topic_word_is_asked_within_the_one_above_it():
    """"Tell me about “Differences”" did not say of what (a fresh user, 2026-12-05): a heading
    that names at most one topic word, as an elliptical chat turn does, is asked within its
    parent heading or title; one that names its topic is asked alone."""
    assert _question("Differences", "en", "Cash-up at closing") == "Tell me about “Differences” in “Cash-up at closing”"
    assert _question("料金", "ja", "修了検定") == "「修了検定」の料金について教えて"
    assert _question("Configure git to sign commits", "en", "Setup") == "Tell me about “Configure git to sign commits”"
    assert _question("申し込みの締め切り", "ja", "修了検定") == "申し込みの締め切りについて教えて"
    assert _question("Differences", "en", "") == "Tell me about “Differences”"  # a note without a title above
    # a heading above that holds it says nothing more (a fresh user, heldout26)
    assert _question("よくある質問", "ja", "よくある質問（FAQ）") == "よくある質問について教えて"


def test_the_heading_above_is_the_nearest_that_names_a_topic():
    searcher = _stub_searcher({"a.md": ("ja", [])})
    searcher.chunks.append(SimpleNamespace(source="a.md", heading_path=["振り返り", "どうだったか？", "うまくいったこと"]))
    searcher.chunk_languages = np.append(searcher.chunk_languages, "ja")
    searcher.has_content = np.append(searcher.has_content, True)
    assert _headings(searcher) == {"a.md": [("うまくいったこと", "「振り返り」のうまくいったことについて教えて")]}


def _stub_searcher(pages: dict[str, tuple[str, list[str]]]):
    """A searcher shaped object: per note (language, section headings), one chunk per
    section with one answer line, and the note's title chunk without one."""
    chunks, languages, content = [], [], []
    for source, (lang, headings) in pages.items():
        chunks.append(SimpleNamespace(source=source, heading_path=["Title"]))
        languages.append(lang)
        content.append(False)
        for heading in headings:
            chunks.append(SimpleNamespace(source=source, heading_path=["Title", heading]))
            languages.append(lang)
            content.append(True)
    return SimpleNamespace(chunks=chunks, chunk_languages=np.array(languages), has_content=np.array(content),
                           superseded=Superseded([c.heading_path for c in chunks]))


def test_headings_shared_by_notes_short_or_asking_are_left_out():
    searcher = _stub_searcher({
        "a.md": ("en", ["Description", "Approval and merging", "Pros", "Why do we review?"]),
        "b.md": ("en", ["Description", "Restoring data"]),
        "c.md": ("ja", ["在宅勤務の申請", "概要"]),
    })
    found = {note: [h for h, _ in pairs] for note, pairs in _headings(searcher).items()}
    assert found == {"a.md": ["Approval and merging"], "b.md": ["Restoring data"], "c.md": ["在宅勤務の申請"]}


def test_an_faq_question_heading_is_no_example():
    # 「「安全・勤務」の「Q. シフトを代わってもらいたい」について教えて」 was a button (a fresh user, heldout21).
    searcher = _stub_searcher({
        "faq.md": ("ja", ["Q. シフトを代わってもらいたい", "Ｑ１．鍵をなくした", "問2: 雨の日は", "QRコードの読み取り"]),
        "faq-en.md": ("en", ["Q: Can I swap a shift", "Q. Lost keys", "Quarterly reports"]),
    })
    found = {note: [h for h, _ in pairs] for note, pairs in _headings(searcher).items()}
    assert found == {"faq.md": ["QRコードの読み取り"], "faq-en.md": ["Quarterly reports"]}


def test_a_section_about_the_wiki_page_itself_is_no_example():
    # A fresh user's first button, 「このページの編集について教えて」, read as "edit this page".
    searcher = _stub_searcher({
        "faq.md": ("ja", ["ゲネプロの開始時刻", "このページの編集", "更新履歴", "この Wiki の書き方"]),
        "ops.md": ("en", ["Editing this page", "Changelog", "Rigging limits", "Page editing rules"]),
    })
    found = {note: [h for h, _ in pairs] for note, pairs in _headings(searcher).items()}
    assert found == {"faq.md": ["ゲネプロの開始時刻"], "ops.md": ["Rigging limits", "Page editing rules"]}


def test_examples_span_the_notes_and_both_languages():
    by_note = {f"ja{i}.md": [(f"見出し{i}-{j}の手順", f"見出し{i}-{j}の手順について教えて") for j in range(5)] for i in range(6)}
    by_note["en.md"] = [("Restoring data", "Tell me about “Restoring data”")]
    order = _spread(by_note, 4)
    questions = [q for _, q in order]
    assert "Tell me about “Restoring data”" in questions[:2]  # the other language early, though one note of seven
    assert len({h.split("-")[0] for h, _ in order}) == 4  # four different notes


def test_no_examples_without_sections():
    searcher = _stub_searcher({"a.md": ("en", [])})
    assert example_questions(searcher) == []


def test_an_example_question_shows_no_direction_or_invisible_characters():
    """The tenth attack run (2026-12-01): a heading "Storage quota \\u202eSECRET" made the
    button "Tell me about Storage quota TERCES" (reversed), asking another text than shown."""
    from assistant.suggestions import _question

    assert _question("Storage quota \u202eSECRET\u202c", "en") == "Tell me about “Storage quota SECRET”"
    assert _question("デプ\u200bロイ", "ja") == "デプロイについて教えて"


def test_a_section_kept_for_the_record_is_no_example():
    """A new user's first example was 「旧・残留塩素の確認（2024年3月まで）について教えて」
    (a fresh user, 2026-12-05): sections the page marks as replaced are not offered."""
    searcher = _stub_searcher({"a.md": ("ja", ["旧・残留塩素の確認（2024年3月まで）", "残留塩素の確認"])})
    assert [h for h, _ in _headings(searcher)["a.md"]] == ["残留塩素の確認"]
