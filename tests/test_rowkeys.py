"""rowkeys.py: the number that picks a table row or a "key: value" item."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.rowkeys import key_fit, key_names, names_key, question_numbers, read_row, row_keys, states_key


def _picks(question: str, line: str) -> bool:
    keys = row_keys(line)
    return keys is not None and states_key(question_numbers(question), keys)


@pytest.mark.parametrize("question, picked, other", [
    # a range in the first cell (heldout11), or in another one (heldout5)
    ("How much is one month of Tri-Guard for a 12 kg beagle?", "| 10–20 kg | 2,420 yen |", "| 5–10 kg | 2,000 yen |"),
    ("A crash shows up in about 0.3% of sessions. How urgent is that?",
     "| P2 | affects 0.1-0.5% of sessions | Schedule within the sprint |",
     "| P1 | affects more than 0.5% of sessions | Fix in the next release |"),
    # "7 to 3 days" reads either way; a Japanese counter may touch the number
    ("5日後に泊まるお客さんのキャンセル料は？", "| 7 to 3 days before | 20 % |", "| 8 days or more before | free |"),
    # the number itself as the key: a count, a size, a dotted version, a list item's key
    ("午後から 2 人帰って、2 人になる。何を閉める？", "| 2 | the kids' pool closes |", "| 4 | no break slot |"),
    ("口径 200 mm の制水弁を閉める", "| 200 mm | 約 42 回転 |", "| 150 mm | 約 32 回転 |"),
    ("Apple bounced our build under guideline 5.1.1", "| 5.1.1 | データ収集の説明不足 |", "| 3.1.1 | アプリ内課金 |"),
    ("How much downtime per year does 99.99% availability allow?",
     "  - 99.99% : 年間52.60分間のダウンタイム", "  - 99% : 年間3.65日間のダウンタイム"),
])
def test_the_stated_number_picks_its_row(question, picked, other):
    assert _picks(question, picked)
    assert not _picks(question, other)


@pytest.mark.parametrize("question, line", [
    # parts of longer runs: a phone number, a date, a clock time, a letter's number
    ("Which extension is 31?", "| City contact | 霞野市, 0000-31-1000 |"),
    ("What happened on the 12th?", "| 2024-03-12 | outage |"),
    ("We closed at 19:05, can she still collect?", "| 19 | late pickups |"),
    ("Is a P2 crash urgent?", "| 2 | the kids' pool closes |"),
    # prose is no row, and a long first cell is no key
    ("Is 12 kg heavy?", "Dogs of 10-20 kg get the medium chew."),
    ("What about 12?", "| 12 dogs were treated in the first week of the trial | yes |"),
])
def test_numbers_that_pick_no_row(question, line):
    assert not _picks(question, line)


@pytest.mark.parametrize("question, line", [
    # an attacking helper's wrong rows (2026-12-04): a date and a count of nights in a
    # kilogram table, a version read as a decimal, a minus sign dropped, a phone number as a range
    ("3月12日から2泊、中型犬を預けたい。料金は？", "| 小型犬 1〜5kg | 3,000円 |"),
    ("3月12日から2泊、中型犬を預けたい。料金は？", "| 大型犬 11〜25kg | 5,000円 |"),
    ("Is Python 3.10 supported?", "| 3.0–3.7 | unsupported, builds are rejected |"),
    ("Is Python 3.12 supported?", "| 3.8–3.11 | supported, tested nightly |"),
    ("Can I reach 10.0.0.5 from the VPN?", "| office | 1-20 |"),
    ("What does the caretaker do at −7 °C?", "| 5 to 15 °C | run the heater overnight |"),
    ("Who is in room 300?", "| reception | 555-0100 |"),
])
def test_incidental_numbers_pick_no_row(question, line):
    assert not _picks(question, line)


def test_a_row_of_many_spaces_is_read_in_linear_time():
    # Two optional runs of spaces around a unit backtracked: 13 s an `ask` for one such row.
    assert row_keys("| Laptops | 1" + " " * 50_000 + "x | Floor 3 |") is None


def test_a_line_without_keys_has_none():
    assert row_keys("plain prose with 12 in it") is None
    assert row_keys("| Name | Role |") is None
    assert question_numbers("no numbers here") == ()


@pytest.mark.parametrize("line, names", [
    ("| Gym | 6:00–22:00 | closed Mondays |", {"gym"}),
    ("| `bigmem` | 7 days | 1.5 |", {"bigmem"}),
    ("- **Medium** : 翌営業日までに対応", {"medium"}),
    ("| 早番 | 6:30〜15:30 | 60 分 | 2 |", {"早番"}),
    ("| `max_connections` | 200 |", {"max_connections"}),  # only the markup around it goes
    ("| 缶 | 水曜 |", {"缶"}),
    # Kinds a helper's attack found unread (2026-12-05): a gloss names its row by either part,
    # a link's or a tag's text is the key, bold around the colon, the full-width colon without
    # a space, the "・" bullet, an escaped pipe inside the key cell.
    ("| Gym (トレーニング室) | 7:00–22:00 |", {"gym", "トレーニング室", "gym (トレーニング室)"}),
    ("- Sauna（サウナ室）: 2F", {"sauna", "サウナ室", "sauna(サウナ室)"}),
    ("| [Gym](gym.md) | 7:00 |", {"gym"}),
    ("| <b>Sauna</b> | 7:00 |", {"sauna"}),
    ("- **Phone:** 0000-12-3456", {"phone"}),
    ("- 電話：受付の内線", {"電話"}),
    ("・受付時間：9:00〜17:00", {"受付時間"}),
    (r"| Gym \| Pool | 7:00 | 22:00 |", {"gym | pool"}),  # one cell: neither "gym" nor "pool" alone
])
def test_a_row_is_keyed_by_the_name_in_its_first_cell(line, names):
    assert key_names(line) == names


@pytest.mark.parametrize("line", ["| 12 | 2,420 yen |", "| — | b |", "plain prose: not an item", "| " + "x" * 40 + " | y |",
                                  "- 10:30 集合", "- http://example.com", "- Note:https://example.com"])
def test_a_number_a_letter_or_prose_is_no_key_name(line):
    assert key_names(line) == frozenset()


def test_an_escaped_pipe_stays_inside_its_cell():
    assert row_keys(r"| 12 | a \| b | 3–5 kg |").ranges == ((3.0, 5.0, "kg"),)
    assert read_row("| 12 | 3–5 kg |", named=False) == (row_keys("| 12 | 3–5 kg |"), frozenset())


@pytest.mark.parametrize("question, name, named", [
    ("And the gym?", "gym", True),
    ("And the gym?", "gym (トレーニング室)", False),
    ("Is gymnastics offered?", "gym", False),
    ("早番は？", "早番", True),
    ("カスタムルートテーブルは？", "ルートテーブル", False),  # a key inside a longer word is another thing
    ("And when?", "when", False),  # a question word is no topic word
    ("And the pool?", "gym", False),
])
def test_a_question_names_a_key_as_its_topic_word(question, name, named):
    from assistant.textnorm import match_form
    from assistant.topicwords import topic_words

    assert names_key(frozenset(match_form(w).lower() for w in topic_words(question)), frozenset({name})) is named


def test_the_row_a_question_names_is_highlighted_first():
    """A follow-up's vector still leans to the earlier turn's row ("When is the pool open?"
    then "And the gym?"): the row keyed by the name the question gives comes first
    (highlight.ROW_KEY_WEIGHT, as for a number)."""
    from assistant.chunking import Chunk
    from assistant.highlight import LineRanker
    from assistant.lines import LineUnit
    from assistant.vectors import FaissIndex

    text = "## Hours\n| Area | Open |\n|---|---|\n| Pool | 6:00–21:00 |\n| Gym | 7:00–22:00 |"
    chunk = Chunk(source="n.md", title="n", heading_path=("n", "Hours"), anchor="", permalink=None,
                  line_start=1, line_end=5, text=text)
    rows = text.split("\n")[1:]
    lines = [LineUnit(line=n + 2, chunk=0, text=t) for n, t in enumerate(rows)]
    vectors = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [0.95, 0.31225]], dtype=np.float32)  # header, rule, Pool, Gym
    ranker = LineRanker([chunk], lines, FaissIndex.build(vectors))
    query = np.array([1.0, 0.0], dtype=np.float32)  # the conversation's: nearest the pool's row
    assert ranker.highlights([0], query, "And the gym?", None)[0] == 5
    assert ranker.highlights([0], query, "And the sauna?", None)[0] == 4  # no row named: the vector decides
    # A question naming more than the row is no choice of a row ("deploy" in "How do I deploy
    # with CodeDeploy blue/green?" is no pick of the item "- Deploy : ...", the seed's golden answers).
    assert ranker.highlights([0], query, "Who cleans the gym equipment after the evening classes?", None)[0] == 4


@pytest.mark.parametrize("question, picked, others", [
    # half-open ranges: which side each bound word closes, and whether it holds the bound
    ("Who approves a 10,000 yen purchase?", "| 5,000 円以上 30,000 円未満 | 白石 |", ["| 5,000 円未満 | 職員 |", "| 30,000 円以上 | 理事会 |"]),
    ("5000円の買い物は誰が承認？", "| 5,000 円以上 30,000 円未満 | 白石 |", ["| 5,000 円未満 | 職員 |"]),
    ("A 3 kg puppy?", "| up to 5 kg | 1,650 yen |", ["| 5 kg or more | 2,000 yen |"]),
    ("A 5 kg dog?", "| 5 kg or more | 2,000 yen |", ["| under 5 kg | 1,650 yen |"]),
])
def test_a_bound_picks_the_rows_its_side_holds(question, picked, others):
    assert _picks(question, picked)
    assert not any(_picks(question, other) for other in others)


@pytest.mark.parametrize("question, line", [
    ("Who approves a 10,000 yen purchase?", "| over 18 | adult fare |"),  # no unit: any number is "over 18"
    ("Who approves a 10,000 yen purchase?", "| under 5 kg | 1,650 yen |"),  # another unit
    ("A 7 kg dog?", "| under 3 kg, 5 kg or more | odd |"),  # bounds that hold nothing
])
def test_bounds_without_the_question_s_unit_pick_no_row(question, line):
    assert not _picks(question, line)


@pytest.mark.parametrize("question, phrase", [
    ("And CLASS III?", "class iii"), ("What about the kids pool?", "kids pool"),
    ("And for CLASS III recalls?", "class iii recalls"),
    ("And the gym?", None),  # one word: the topic word itself names it
    ("How do I deploy with CodeDeploy blue/green?", None),  # its topic words stand apart
])
def test_topic_words_standing_together_name_one_thing(question, phrase):
    from assistant.rowkeys import named_phrase
    from assistant.textnorm import match_form
    from assistant.topicwords import topic_words

    assert named_phrase(question, frozenset(match_form(w).lower() for w in topic_words(question))) == phrase


@pytest.mark.parametrize("line, names", [
    ("| 第 2・第 4 土曜 | 倉庫 | 10:00 |", {"第 2・第 4 土曜", "土曜"}),
    ("| 2nd & 4th Sat | depot |", {"2nd & 4th sat", "sat"}),
    ("| Kids pool | 10:00 |", {"kids pool"}),  # two names: neither alone
])
def test_a_name_qualified_by_ordinals_is_named_by_itself(line, names):
    assert key_names(line) == names


@pytest.mark.parametrize("line", [
    # an attack on the bounds (2026-12-06): countdowns read as counting up, a sign in words,
    # a verb "over" in running text, 超 inside 超過
    "| 100% of the room charge | from 1 day before check-in |",
    "| Free | up to 7 days before check-in |",
    "| マイナス10 度以下 | 屋外作業は中止 |",
    "| 気温 | 氷点下 5 度以下 | 中止 |",
    "| Team plan | hand over 3 keys at checkout |",
    "| 1 日超過ごとに | 500 円 |",
])
def test_cells_whose_numbers_are_no_bounds_pick_no_row_by_them(line):
    keys = row_keys(line)
    assert keys is None or not keys.ranges
    for question in ("If I cancel 10 days before check-in, what is the fee?", "気温が 3 度のときは？", "2度なら？",
                     "We have 5 keys", "3 日超えたら？", "10度の日は？"):
        assert not _picks(question, line) or "10" in question and "10" in (keys.exact if keys else ())


def test_bound_words_read_in_any_case_and_the_closest_range_fits_best():
    from assistant.rowkeys import key_fit

    assert _picks("My son is 5 years old.", "| Under 6 years | Free |")
    assert not _picks("My son is 6 years old.", "| Under 6 years | Free |")
    asked = question_numbers("I'm 70 years old, what is the pool fee?")
    adult, senior = row_keys("| 18 years and over | 600 yen |"), row_keys("| Over 65 years | 200 yen |")
    assert key_fit(asked, senior) < key_fit(asked, adult)
    assert key_fit(question_numbers("A 12 kg dog"), row_keys("| 10–20 kg | x |")) == (1, 10.0)
    assert key_names("| Room 101 | x |") == {"room 101"}  # a bare number is no ordinal


@pytest.mark.parametrize("question, times", [
    ("19時過ぎても迎えが来ないとき、20時には何をする？", ("19:00", "20:00")), ("20時半は？", ("20:30",)),
    ("午後8時には？", ("20:00",)), ("What happens at 8 pm?", ("20:00",)), ("at 7:45 a.m.?", ("7:45",)),
    ("夜8時になったら？", ("20:00",)), ("夕方5時", ("17:00",)),
    ("20:00 になったら？", ("20:00",)),
    ("3時間後は？", ()), ("12 kg の犬", ()), ("2024年3月12日", ()), ("ver 3.10", ()), ("99時", ()),
])
def test_the_clock_times_a_question_states(question, times):
    from assistant.rowkeys import clock_times
    from assistant.textnorm import match_form
    assert tuple(t for t, _ in clock_times(match_form(question))) == times


def test_a_row_keyed_by_a_clock_time_is_picked_by_it():
    from assistant.rowkeys import question_numbers
    numbers = question_numbers("20時には何をする？")
    assert key_fit(numbers, row_keys("| 20:00 | 園長に電話 |")) == (0, 0.0)
    assert key_fit(numbers, row_keys("| 19:15 | 保護者に電話 |")) is None
    assert key_fit(question_numbers("What happens at 8 pm?"), row_keys("| 20:00 | call |")) == (0, 0.0)


def test_clock_times_read_a_long_run_of_spaces_once():
    # This pass's last read: each of 20,000 spaces started a scan of the rest (5.7 s).
    from assistant.rowkeys import clock_times
    assert clock_times(" " * 20000 + "午後" + " " * 20000 + "x") == ()
    assert clock_times("午後" + " " * 3 + "8時") == (("20:00", ""),)


@pytest.mark.parametrize("question, picked, other", [
    # a fresh user, heldout25: "15万円" is 150,000 yen, inside the 100,000〜299,999 円 band, and
    # the 50,000〜99,999 円 row was shown first
    ("15万円の自費治療は何回まで分割できる？", "| 100,000〜299,999 円 | 6 回 |", "| 50,000〜99,999 円 | 3 回 |"),
    ("1.5万円の治療は？", "| 10,000〜19,999 円 | 1 回 |", "| 20,000〜49,999 円 | 2 回 |"),
    ("12万円だと？", "| 10万円以上 | 要相談 |", "| 5万円未満 | 一括 |"),  # the row's scale is read too
    # an age: "16 year old" is in "16〜18 歳", not "13〜15 歳"
    ("What is the fluoride price for a 16 year old?", "| 16〜18 歳 | 2,750 円 |", "| 13〜15 歳 | 2,750 円 |"),
    ("What about a 16-year-old?", "| 16〜18 歳 | 2,750 円 |", "| 13〜15 歳 | 2,750 円 |"),
    # An attack: both ends of a range are scaled ("5万〜30万円" was 5 to 300,000 円, and 1万円 fitted it)
    ("1万円の備品を買うのに誰の承認がいる？", "| 5万円未満 | 不要 |", "| 5万〜30万円 | 部長 |"),
    ("1,500万円では？", "| 1,000万円以上 | 理事会 |", "| 30万〜1,000万円 | 役員 |"),
    ("1億5000万円なら？", "| 1億〜2億円 | 理事会 |", "| 30万〜1,000万円 | 役員 |"),
    ("1万5000円の備品は？", "| 1万〜3万円 | 課長 |", "| 5万〜30万円 | 部長 |"),
])
def test_a_japanese_scale_word_and_an_age_pick_their_band(question, picked, other):
    assert _picks(question, picked) and not _picks(question, other)


@pytest.mark.parametrize("question", ["万が一のときは？", "千葉店の番号は？", "億劫な作業は？"])
def test_a_scale_word_after_no_number_is_no_number(question):
    assert question_numbers(question) == ()


def test_years_alone_are_a_duration_not_an_age():
    # An attack: "3 years into the job" fitted an age table's "| 0〜5 歳 |"
    assert not _picks("I'm 3 years into the job. Do I get the bonus?", "| 0〜5 歳 | 無料 |")
    assert _picks("aged 4?", "| 0〜5 歳 | 無料 |")
