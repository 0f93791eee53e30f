"""Calendar dates that pick a table row (daterows.py)."""
from __future__ import annotations

import pytest

from assistant.daterows import date_fit, question_dates, row_dates


@pytest.mark.parametrize("question, dates", [
    ("Is the shop open on New Year's Day?", (101,)),
    ("元日は営業してる？", (101,)),
    ("大晦日は営業？", (1231,)),
    ("What time does the café open on 1 January?", (101,)),
    ("Open on Jan. 4th?", (104,)),
    ("2027年12月31日は営業してる？", (1231,)),  # the year is noanswer.other_year's
    ("12/29は店開いてる？", (1229,)),
    ("Is the shop open on New Year\u2019s Day?", (101,)),  # a phone's apostrophe (an attack)
    ("2024/12/29", (1229,)), ("Open on 2027/1/2?", (102,)),  # a year first (an attack)
    ("12/29/2024", (1229,)), ("29/12/24", (1229,)), ("12/29/20", (1229,)),  # a year last, read where one way is no date
    ("05/01/2025", ()), ("1.2.3", ()), ("12/29/202", ()),  # read two ways (US, Europe): none
    ("13月40日", ()),
    ("How much is a room per night?", ()),
])
def test_the_dates_a_question_names(question, dates):
    assert question_dates(question) == dates


@pytest.mark.parametrize("cell, ranges", [
    ("12 月 31 日（木）〜 1 月 3 日（日）", ((1231, 103),)),  # over the new year
    ("1 月 4 日（月）", ((104, 104),)),
    ("Dec 24 - Jan 5", ((1224, 105),)),
    ("3/31", ((331, 331),)),
    ("Dec 29-31", ((1229, 1231),)), ("29-31 Dec", ((1229, 1231),)),  # days of one month (an attack)
    ("12月29日（火）〜31日", ((1229, 1231),)), ("Jan 1-3", ((101, 103),)),
    ("12/28 through 1/5", ((1228, 105),)), ("Dec 29 thru 31", ((1229, 1231),)),
    ("Morning shift", ()),
])
def test_the_dates_a_row_gives(cell, ranges):
    assert row_dates(cell) == ranges


def test_a_date_inside_a_range_over_the_new_year_fits_only_that_row():
    # heldout26: "Is the shop open on New Year's Day?" showed the 1 月 4 日 row (a fresh user)
    new_year = row_dates("12 月 31 日〜 1 月 3 日")
    assert date_fit((101,), new_year) == (1, 3.0)
    assert date_fit((101,), row_dates("1 月 4 日")) is None
    assert date_fit((104,), new_year) is None and date_fit((1230,), new_year) is None
    assert date_fit((104,), row_dates("1 月 4 日")) == (0, 0.0)  # alone: closer than any range


@pytest.mark.parametrize("question", ["Can Junior 3 swim in lane 4?", "Is the marketing 5 team in?", "Decembers 3 times"])
def test_a_word_starting_like_a_month_is_no_month(question):
    # "jun" + "ior" was June 3 (this pass's second read)
    assert question_dates(question) == ()
