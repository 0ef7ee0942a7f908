"""Dates: absolute forms, relative forms against the publication date, periods, page dates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.annotate.dates import DateMention, add_period, find_dates, find_published_date, resolve_relative

WED = "2021-09-01"  # a Wednesday


def dates(text: str, published: str | None = WED) -> list[tuple[str, str | None]]:
    found = find_dates(text, published)
    for m in found:
        assert isinstance(m, DateMention)
        assert text[m.start:m.end] == m.text
    assert found == sorted(found, key=lambda m: m.start)
    return [(m.text, m.value) for m in found]


# --- absolute ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,surface,value",
    [
        ("The accord was signed on August 8, 2025 in Washington.", "August 8, 2025", "2025-08-08"),
        ("It was signed on 8 August 2025.", "8 August 2025", "2025-08-08"),
        ("signed Aug. 8, 2025, at the White House", "Aug. 8, 2025", "2025-08-08"),
        ("Posted 1 Sep, 2021 12:49 by staff", "1 Sep, 2021", "2021-09-01"),
        ("date 2026-02-10 BAKU", "2026-02-10", "2026-02-10"),
        ("The talks began in June 2024.", "June 2024", "2024-06"),
        ("The treaty entered into force in 1994.", "1994", "1994"),
        ("It was concluded in March 1977.", "March 1977", "1977-03"),
        ("the Memorandum of 5th March, 1994", "5th March, 1994", "1994-03-05"),
        ("on Thursday December 4, 2025, in Washington", "Thursday December 4, 2025", "2025-12-04"),
        ("the spring of 2005", "2005", "2005"),
        ("Sept. 30, 2019", "Sept. 30, 2019", "2019-09-30"),
        ("the 1994 Budapest Memorandum", "1994", "1994"),
    ],
)
def test_absolute_forms(text, surface, value):
    got = find_dates(text, None)
    assert [(m.text, m.value, m.relative) for m in got] == [(surface, value, False)]


def test_treaty_closing_formulas():
    assert dates("Done at Washington, this 22nd day of April, 1985, in duplicate.") == [
        ("this 22nd day of April, 1985", "1985-04-22")
    ]
    assert dates("DONE at Beijing on 15 April 2013 in two originals.") == [("15 April 2013", "2013-04-15")]
    text = "Done at Asuncion on the twenty-sixth day of March of the year nineteen hundred and ninety-one."
    got = find_dates(text, None)
    assert [(m.text, m.value) for m in got] == [
        ("on the twenty-sixth day of March of the year nineteen hundred and ninety-one", "1991-03-26")
    ]
    assert dates("signed this first day of July two thousand and thirteen", None) == [
        ("this first day of July two thousand and thirteen", "2013-07-01")
    ]


def test_numeric_dates_never_guess_day_month_order():
    assert dates("report of 13/08/2025", None) == [("13/08/2025", "2025-08-13")]
    assert dates("report of 08/13/2025", None) == [("08/13/2025", "2025-08-13")]
    assert dates("report of 04/08/2025", None) == [("04/08/2025", None)]


def test_day_month_without_year_needs_publication():
    assert dates("the 27th of April", None) == [("the 27th of April", None)]
    assert dates("the 27th of April", WED) == [("the 27th of April", "2021-04-27")]


# --- not dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Theresa May said the plan may work.",
        "Protesters will march to the capital.",
        "The 123 Agreement covers civil nuclear trade.",
        "The G20 met; the help line works 24/7.",
        "Section 2 of the act applies.",
        "The fund holds $2000 and 2025 troops were sent.",
        "The meeting started at 12:49 sharp.",
        "It rose 2,021 points, or 19.95%.",
        "Read the Sunday Times.",
    ],
)
def test_not_dates(text):
    assert dates(text) == []


# --- relative -----------------------------------------------------------------------


def test_weekday_past_and_future():
    text = "The two ministers signed the framework on Tuesday. They will meet again on Friday."
    assert dates(text) == [("Tuesday", "2021-08-31"), ("Friday", "2021-09-03")]


def test_weekday_same_day_counts():
    # published on a Wednesday: "said on Wednesday" is the publication day
    assert dates("The ministry said on Wednesday that talks had ended.") == [("Wednesday", "2021-09-01")]


def test_last_and_next_weekday_are_strict():
    assert dates("They met last Wednesday.") == [("last Wednesday", "2021-08-25")]
    assert dates("They meet next Wednesday.") == [("next Wednesday", "2021-09-08")]


def test_future_passive_reads_as_future():
    text = "The agreement is expected to be signed on Monday."
    assert dates(text) == [("Monday", "2021-09-06")]
    assert dates("The agreement was signed on Monday.") == [("Monday", "2021-08-30")]


def test_day_words():
    text = "It was announced yesterday; talks end today and resume tomorrow."
    assert dates(text) == [("yesterday", "2021-08-31"), ("today", "2021-09-01"), ("tomorrow", "2021-09-02")]


def test_periods_keep_their_precision():
    text = "Talks began last week and last month, resume next month, as earlier this month; this year, last year, next year."
    assert dates(text) == [
        ("last week", "2021-08"),
        ("last month", "2021-08"),
        ("next month", "2021-10"),
        ("earlier this month", "2021-09"),
        ("this year", "2021"),
        ("last year", "2020"),
        ("next year", "2022"),
    ]


def test_month_day_without_year_follows_tense():
    assert dates("The deal was signed on Jan. 9.") == [("Jan. 9", "2021-01-09")]
    assert dates("The deal will be signed on Jan. 9.") == [("Jan. 9", "2022-01-09")]


def test_month_only_follows_tense():
    assert dates("The pact was signed in May.") == [("May", "2021-05")]
    assert dates("The pact is expected to be signed in October.") == [("October", "2021-10")]
    assert dates("The pact will be signed in March.") == [("March", "2022-03")]


def test_month_with_relative_year():
    assert dates("a response in December last year") == [("December last year", "2020-12")]


def test_ago():
    assert dates("The deal collapsed three days ago and two years ago.") == [
        ("three days ago", "2021-08-29"),
        ("two years ago", "2019"),
    ]


def test_relative_without_publication_is_none():
    got = find_dates("It was signed on Tuesday, yesterday and last month, on Jan. 9.", None)
    assert [m.value for m in got] == [None, None, None, None]
    assert all(m.relative for m in got)


def test_bad_publication_date_is_ignored():
    assert dates("signed on Tuesday", "not a date") == [("Tuesday", None)]


# --- resolve_relative -------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr,direction,value",
    [
        ("on Tuesday", "past", "2021-08-31"),
        ("on Friday", "future", "2021-09-03"),
        ("will meet on Friday", "auto", "2021-09-03"),
        ("signed on Tuesday", "auto", "2021-08-31"),
        ("next month", "auto", "2021-10"),
        ("last year", "auto", "2020"),
        ("Jan. 9", "past", "2021-01-09"),
        ("Jan. 9", "future", "2022-01-09"),
        ("yesterday", "auto", "2021-08-31"),
        ("August 8, 2025", "auto", "2025-08-08"),
    ],
)
def test_resolve_relative(expr, direction, value):
    assert resolve_relative(expr, WED, direction) == value


def test_resolve_relative_without_publication():
    assert resolve_relative("on Tuesday", None) is None
    assert resolve_relative("8 August 2025", None) == "2025-08-08"
    assert resolve_relative("", WED) is None
    assert resolve_relative("no date here", WED) is None


# --- add_period ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date,period,value",
    [
        ("2026-02-10", "P3M", "2026-05-10"),
        ("2024-01-31", "P1M", "2024-02-29"),
        ("2023-01-31", "P1M", "2023-02-28"),
        ("2024-02-29", "P1Y", "2025-02-28"),
        ("2020-01-01", "P2W", "2020-01-15"),
        ("2020-01-01", "P10D", "2020-01-11"),
        ("2020-01-01", "P1Y6M", "2021-07-01"),
        ("2021-08-31", "P10Y", "2031-08-31"),
    ],
)
def test_add_period(date, period, value):
    assert add_period(date, period) == value


@pytest.mark.parametrize("date,period", [("2026-02", "P3M"), ("2026", "P1Y"), ("2026-02-10", "3 months"), ("", "P1Y"), ("2026-02-30", "P1M"), ("2026-02-10", "P")])
def test_add_period_refuses(date, period):
    assert add_period(date, period) is None


# --- find_published_date --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("1 Sep, 2021 12:49\nUS, Ukraine sign defense framework\n\nWASHINGTON - ...", "2021-09-01"),
        (" date 2026-02-10 BAKU, Azerbaijan, February 10. The full text of the Charter...", "2026-02-10"),
        ("Home | World\nMarch 9, 2025\n\nThe ministers met in Brussels.", "2025-03-09"),
        ("Published: 12 March 2024 | Updated: 14 March 2024\nText", "2024-03-12"),
        ("WASHINGTON, March 9, 2025 (Reuters) - The two sides agreed...", "2025-03-09"),
    ],
)
def test_find_published_date(text, value):
    got = find_published_date(text)
    assert got is not None
    assert got[0] == value
    assert text[got[1]:got[2]] in text and got[1] < got[2]


@pytest.mark.parametrize(
    "text",
    [
        "SALVADOR, Feb 26 - Brazil's finance minister said the accord was near.",
        "On March 9, 2025, the two sides signed a long agreement covering many areas of trade.",
        "The plan, in a memo dated January 28, 2017, said the opposite.",
        "",
    ],
)
def test_find_published_date_refuses(text):
    assert find_published_date(text) is None


# --- robustness ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\x00\x1f", "٢٠٢١ مايو 5", "May" * 5000, "1999-" * 3000, "on the " * 2000 + "day of"])
def test_odd_input(text):
    for m in find_dates(text, WED):
        assert 0 <= m.start < m.end <= len(text)
    find_published_date(text)


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
    | st.lists(st.sampled_from(["May", " ", "2021", "on", "Tuesday", ",", "12", "th", "day of", "last", "year", "-", "/", "ago", "Jan.", "\n"]), max_size=30).map("".join),
    st.sampled_from([None, WED, "2020-02-29", "garbage"]),
)
def test_property_offsets_inside_text(text, published):
    found = find_dates(text, published)
    last = 0
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.start >= last
        last = m.end
        if m.value is not None:
            assert len(m.value) in (4, 7, 10)
    got = find_published_date(text)
    if got is not None:
        assert 0 <= got[1] < got[2] <= len(text)


def test_bracketed_year_in_treaty_closing():
    assert dates("signed in quadruplicate on this 29th day of June [2010] with each Party", None) == [
        ("on this 29th day of June [2010]", "2010-06-29")
    ]


def test_newspaper_titles_are_not_weekdays():
    assert dates("a poll for The Sunday Times", WED) == []
    assert dates("He said on Sunday the deal was done.", WED) == [("Sunday", "2021-08-29")]


def test_day_range_reads_first_day():
    assert dates("talks on March 2-3, 2024 and 2–3 March 2024", None) == [
        ("March 2-3, 2024", "2024-03-02"),
        ("2–3 March 2024", "2024-03-02"),
    ]


def test_number_with_hyphen_is_no_day():
    assert dates("the COVID-19 March 2020 lockdown", None) == [("March 2020", "2020-03")]


def test_published_date_falls_back_to_updated_stamp():
    text = "Updated 10:51 AM ET, Tue July 14, 2015\nVienna (CNN) After arduous talks, negotiators reached a deal."
    got = find_published_date(text)
    assert got is not None and got[0] == "2015-07-14"
    assert text[got[1]:got[2]] == "Tue July 14, 2015"
    # a published stamp wins over an updated one
    assert find_published_date("Updated: 14 March 2024\nPublished: 12 March 2024\nText")[0] == "2024-03-12"


def test_iso_timestamp():
    assert dates("2021-09-01T12:49:00Z", None) == [("2021-09-01", "2021-09-01")]


def test_may_after_a_verb_is_a_date_but_not_after_a_surname():
    assert dates("The accord was signed May 5 in Kyiv.") == [("May 5", "2021-05-05")]
    assert dates("Prime Minister Theresa May 2019 memoirs") == []


def test_weekday_picks_the_year_of_a_yearless_date():
    # published Thursday 2025-11-20; 4 December falls on a Thursday in 2025
    assert dates("Leaders meet on Thursday, Dec. 4, in Washington.", "2025-11-20") == [("Thursday, Dec. 4", "2025-12-04")]
    assert dates("It was signed Friday May 3.", "2025-11-20") == [("Friday May 3", "2024-05-03")]


def test_deadline_set_for_a_date_looks_forward():
    text = "Diplomats said new deadlines were set for March 1 and July 1."
    assert dates(text, "2014-11-24") == [("March 1", "2015-03-01"), ("July 1", "2015-07-01")]


@pytest.mark.parametrize(
    "text,value",
    [
        ("By John Smith | March 9, 2025\nThe ministers met.", "2025-03-09"),
        ("Posted by Jane Doe on 12 March 2024\nText", "2024-03-12"),
        ("By AFP - 1 Sep, 2021 12:49\nText", "2021-09-01"),
    ],
)
def test_published_date_after_a_byline(text, value):
    assert find_published_date(text)[0] == value


def test_prose_starting_with_by_is_no_byline():
    assert find_published_date("Home\nBy the time talks ended on March 9, 2025, the sides agreed.") is None


def test_year_after_mid_or_end():
    assert dates("by mid-2024 and end-2025", None) == [("2024", "2024"), ("2025", "2025")]


@pytest.mark.parametrize(
    "text,value",
    [
        ("DONE at Washington in duplicate, this twenty-second day of April, one thousand nine hundred eighty-five.", "1985-04-22"),
        ("Done at Beijing on the 15th day of April in the year 2013, in two originals", "2013-04-15"),
        ("done on the twenty-sixth day of the month of March in the year one thousand nine hundred and ninety-one", "1991-03-26"),
        ("Signed in Kyiv, this 31st day of August, 2021.", "2021-08-31"),
    ],
)
def test_treaty_closing_variants(text, value):
    got = find_dates(text, None)
    assert [m.value for m in got] == [value]


@pytest.mark.parametrize(
    "text,published,surface,value",
    [
        ("TOKYO, March 14 - Britain and Japan agreed to operate 12 flights a week.", "1987-03-14", "March 14", "1987-03-14"),
        ("The pact, signed on Sept 30, 1990, runs for five years.", "1991-02-01", "Sept 30, 1990", "1990-09-30"),
        ("The accord expires at the end of 1990.", "1987-05-01", "1990", "1990"),
        ("The truce holds from May 31.", "1987-05-01", "May 31", "1987-05-31"),
        ("The treaty was signed on April 30.", "1987-05-05", "April 30", "1987-04-30"),
    ],
)
def test_wire_forms_datelines_and_explicit_signing_dates(text, published, surface, value):
    assert (surface, value) in dates(text, published)


@pytest.mark.parametrize("text,published", [
    ("It was signed yesterday.", "0001-01-01"), ("They met last March.", "0001-01-01"),
    ("Talks resume next year.", "9999-12-31"), ("It ends in three weeks.", "9999-12-31"),
])
def test_relative_dates_past_the_calendar_edge_have_no_value(text, published):
    # date.min - 1 day used to raise OverflowError out of find_dates (found by
    # tests/robustness/test_properties.py); out of range means unresolved, not a crash.
    found = find_dates(text, published)
    assert found and all(m.value is None and m.relative for m in found)
    assert resolve_relative(text, published) is None
