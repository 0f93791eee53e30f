"""The "not in the notes" verdict (verdict.py) on hand-made hits and a hand-made calibration."""
from __future__ import annotations

import numpy as np

from assistant.background import Background
from assistant.calibration import Calibration
from assistant.chunking import Chunk
from assistant.hits import Hit
from assistant.verdict import Verdict
from assistant.vocabulary import Vocabulary

# Off-topic probes score 0, on-topic ones 1: the spread is 1, so a same-language floor is 0.3
# when the top answer line shares a key term with the question and 0.6 when it shares none.
CALIBRATION = Calibration("m", 1, offsets={}, off_topic={"en": {"en": [0.0]}}, on_topic={"en": [1.0]})


def _unanswered(header: str, score: float,
                question: str = "A group of 19 wants everyone in the same room. Which room can take them?",
                answer_line: int = 20, row: str = "| 大部屋 A | 20 | nearest the toilets |", shown: str | None = None) -> bool:
    text = f"## Sleeping\n\n{header}\n|---|---|---|\n{row}"
    chunk = Chunk(source="check-in.md", title="Check-in", heading_path=("Check-in", "Sleeping"), anchor="sleeping",
                  permalink=None, line_start=16, line_end=20, text=text,
                  shown=None if shown is None else f"## Sleeping\n\n{header}\n|---|---|---|\n{shown}")
    verdict = Verdict(CALIBRATION, np.array(["en"]), Vocabulary([text]), cross_language_position=0.2)
    scores = np.array([score], dtype=np.float32)
    return verdict.unanswered(question, question, [[0]], [Hit(chunk, score, "u", (answer_line,))], scores, scores)


def test_a_table_row_is_judged_with_its_header():
    # heldout16 h16-042: the row names no word of the question, its header names the room; read
    # without it, the floor for a line sharing no key term (0.6) flagged it in both profiles.
    assert not _unanswered("| Room | Beds | Notes |", 0.45)
    assert _unanswered("| Name | Beds | Notes |", 0.45)  # a header without the word: still flagged
    assert _unanswered("| Room | Beds | Notes |", 0.25)  # under the lower floor too


def test_a_header_places_the_floor_but_does_not_carry_the_question():
    # a helper's attack (2026-12-04): generic column names carried every key term of "What is
    # the name of the fee?" (share 1.0 >= 0.6) and switched the floor off at any score
    question = "What is the name of the fee?"
    assert _unanswered("| Name | Fee | Notes |", 0.1, question)  # under the 0.3 floor: flagged
    assert not _unanswered("| Name | Fee | Notes |", 0.45, question)  # over it: answered
    assert _unanswered("| Room | Beds | Notes |", 0.45, question)  # shares nothing: the 0.6 floor
    # nor does the header row when it is the top answer line (a second attack, the same day)
    assert _unanswered("| Name | Fee | Notes |", 0.1, question, answer_line=18)
    assert not _unanswered("| Name | Fee | Notes |", 0.45, question, answer_line=18)


def test_a_profile_places_the_floor_for_a_line_sharing_no_key_word():
    # e5's profile: 0.5 of the spread, not 0.6 (answered questions word their line differently)
    question = "Which room can take a group of nineteen?"
    line = "| 大部屋 A | 20 | nearest the toilets |"
    chunk = Chunk(source="check-in.md", title="Check-in", heading_path=("Check-in", "Sleeping"), anchor="sleeping",
                  permalink=None, line_start=16, line_end=18, text=f"## Sleeping\n\n{line}")
    judged = {}
    for position in (0.5, 0.6):
        verdict = Verdict(CALIBRATION, np.array(["en"]), Vocabulary([chunk.text]), cross_language_position=0.2,
                          no_shared_term_position=position)
        scores = np.array([0.55], dtype=np.float32)
        judged[position] = verdict.unanswered(question, question, [[0]], [Hit(chunk, 0.55, "u", (18,))], scores, scores)
    assert judged == {0.5: False, 0.6: True}


def test_words_the_page_hides_carry_nothing():
    # "<!-- name fee -->" in the row: the page shows no such words (a helper's attack)
    question = "What is the name of the fee?"
    row = "| 大部屋 A | 20 | <!-- name fee --> |"
    assert _unanswered("| Room | Beds | Notes |", 0.1, question, row=row, shown="| 大部屋 A | 20 |  |")
    assert not _unanswered("| Room | Beds | Notes |", 0.1, question, row=row.replace("<!-- name fee -->", "name fee"))


def test_a_row_of_a_table_split_over_chunks_is_judged_with_its_header():
    # a helper's attack (2026-12-04): the verdict read the header from the chunk's own text,
    # so a row of a long table's later chunk had none and met the higher floor again
    from assistant.chunking import chunk_note
    from assistant.lines import TableHeaders, line_units
    from assistant.notes import parse_note
    from assistant.verdict import EmbeddedRows
    from assistant.wiki import wiki_page

    rows = "".join(f"| 小部屋 {i} | 2 | |\n" for i in range(30))
    note = parse_note(f"# Check-in\n\n## Sleeping\n\n| Room | Beds | Notes |\n|---|---|---|\n{rows}"
                      "| 大部屋 A | 20 | nearest the toilets |\n", "check-in.md")
    chunks = chunk_note(note, max_lines=12)
    shown = wiki_page(note).text
    tables = TableHeaders(shown.lines)
    units = [u for i, c in enumerate(chunks) for u in line_units(c, i, shown.lines, shown.captions, note.lines, tables)]
    last = len(chunks) - 1
    answer = note.lines.index("| 大部屋 A | 20 | nearest the toilets |") + 1
    assert chunks[last].line_start > 6 and chunks[last].line_end == answer  # the header is not in it
    question = "A group of 19 wants everyone in the same room. Which room can take them?"

    rows_indexed = EmbeddedRows(chunks, units, np.array([u.chunk for u in units], dtype=np.int64))
    assert "Room" in rows_indexed(last, answer)
    assert not _last_chunk_unanswered(chunks, question, answer, 0.45, rows_indexed)
    assert _last_chunk_unanswered(chunks, question, answer, 0.45, None)  # the row alone shares no key term


def _last_chunk_unanswered(chunks, question: str, answer: int, score: float, embedded_rows) -> bool:
    """The verdict of `question` when the last of `chunks` is its only hit, with answer line
    `answer` and `score` for every chunk; `embedded_rows`: verdict.EmbeddedRows or None."""
    last = len(chunks) - 1
    verdict = Verdict(CALIBRATION, np.array(["en"] * len(chunks)), Vocabulary([c.text for c in chunks]),
                      cross_language_position=0.2, embedded_row=embedded_rows)
    scores = np.full(len(chunks), score, dtype=np.float32)
    return verdict.unanswered(question, question, [[last]], [Hit(chunks[last], score, "u", (answer,))], scores, scores)


def test_a_definition_is_judged_with_its_term():
    # heldout17 h17-038 (Gemma): ": プールの横の暖かい部屋。サウナではない" names no word of "Is
    # the 採暖室 a sauna?"; its term does, and a term is no generic label: it may carry it
    question = "What is the warming room for?"

    def unanswered(text: str, score: float) -> bool:
        chunk = Chunk(source="glossary.md", title="Glossary", heading_path=("Glossary", "Pool"), anchor="pool",
                      permalink=None, line_start=10, line_end=13, text=text)
        verdict = Verdict(CALIBRATION, np.array(["en"]), Vocabulary([text]), cross_language_position=0.2)
        scores = np.array([score], dtype=np.float32)
        return verdict.unanswered(question, question, [[0]], [Hit(chunk, score, "u", (13,))], scores, scores)

    assert not unanswered("## Pool\n\nWarming room\n: A heated space beside the pool.\n", 0.1)
    assert unanswered("## Pool\n\nWarming.\nA heated space beside the pool.\n", 0.1)  # no term: the 0.6 floor


def test_a_definition_split_from_its_term_is_judged_with_the_term_as_indexed():
    # a glossary whose term and definition do not fit in one chunk: the chunk holds only
    # ": A heated space ...", the line as indexed holds its term (lines.line_units)
    from assistant.chunking import chunk_note
    from assistant.lines import line_units
    from assistant.notes import parse_note
    from assistant.verdict import EmbeddedRows

    note = parse_note("# Glossary\n\nWarming room\n\n: A heated space beside the pool.\n", "glossary.md")
    chunks = chunk_note(note, max_lines=1)
    units = [u for i, c in enumerate(chunks) for u in line_units(c, i, note.lines)]
    last, answer = len(chunks) - 1, 5
    assert chunks[last].line_start == chunks[last].line_end == answer
    question = "What is the warming room for?"

    rows_indexed = EmbeddedRows(chunks, units, np.array([u.chunk for u in units], dtype=np.int64))
    assert not _last_chunk_unanswered(chunks, question, answer, 0.1, rows_indexed)
    assert _last_chunk_unanswered(chunks, question, answer, 0.1, None)  # the definition alone names nothing asked


def _judged_with_topics(question: str, line: str, nearer: bool) -> bool:
    text = f"## Sleeping\n\n{line}"
    chunk = Chunk(source="check-in.md", title="Check-in", heading_path=("Check-in", "Sleeping"), anchor="sleeping",
                  permalink=None, line_start=16, line_end=18, text=text)
    topic = np.array([[1.0, 0.0]], dtype=np.float32)
    verdict = Verdict(CALIBRATION, np.array(["en"]), Vocabulary([text]), cross_language_position=0.2,
                      background=Background(topic, margin=0.01, languages=np.array(["en"])))
    scores = np.array([0.9], dtype=np.float32)  # far over the floor: only the topics can flag it
    question_vector = np.array([1.0, 0.0], dtype=np.float32)  # cosine 1.0 with the topic
    notes_best = {"en": 0.5 if nearer else 0.995}
    return verdict.unanswered(question, question, [[0]], [Hit(chunk, 0.9, "u", (18,))], scores, scores,
                              (question_vector, notes_best))


def test_a_question_nearer_to_an_everyday_topic_is_not_answered():
    # (Not a forecast: that is "not in the notes" whatever is nearer, noanswer.asks_forecast.)
    question = "Where can we get a good lunch after the tour?"
    assert _judged_with_topics(question, "Tours start at the gate at 10:00.", nearer=True)
    assert not _judged_with_topics(question, "Tours start at the gate at 10:00.", nearer=False)
    forecast = "Is it going to rain during the tour tomorrow?"
    assert _judged_with_topics(forecast, "Tours start at the gate at 10:00.", nearer=False)


def test_the_top_line_carrying_the_question_s_words_outweighs_the_topics():
    # A wiki's own note on the weather ("rain": the tour is moved indoors) answers it.
    assert not _judged_with_topics("Is the tour moved when it rains?", "When it rains, the tour is moved indoors.",
                                   nearer=True)


def test_a_filter_does_not_answer_when_a_match_outside_it_is_far_better():
    from assistant.verdict import SCOPE_MARGIN, answered_outside

    ranking = np.array([3.0, 2.9, 2.5, 2.4], dtype=np.float32)
    inside = np.array([False, False, True, True])
    assert answered_outside(ranking, inside, spread=0.3)  # 0.5 > 0.5 x 0.3
    assert not answered_outside(ranking, inside, spread=0.5 / SCOPE_MARGIN)  # within the margin
    assert not answered_outside(ranking, np.ones(4, dtype=bool), spread=0.3)  # no filter
    assert not answered_outside(ranking, inside, spread=None)  # an unmeasured index
    assert not answered_outside(ranking, np.array([True, False, False, False]), spread=0.3)  # its best is inside


def test_a_unit_written_after_a_number_is_a_word_of_the_notes():
    """「硫化水素は何ppmまで？」 was "not in the notes" over the line that answers it: the notes
    write "10ppm" and "2m³" joined, so "ppm" and "m3" were unknown names (a fresh user,
    2026-12-05). A measurement names its unit."""
    vocabulary = Vocabulary(["硫化水素 10ppm 以下。容量 2m³ の給水車。濃度 0.4mg/L。"])
    assert vocabulary.knows(["ppm"]) and vocabulary.knows(["m3"]) and vocabulary.knows(["mg"])
    assert not vocabulary.knows(["ppb"])
