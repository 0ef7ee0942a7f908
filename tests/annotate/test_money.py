"""Money, durations and the number parser on short news/treaty-style passages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.annotate.money import DurationMention, MoneyMention, find_durations, find_money, parse_number


def money(text: str) -> list[tuple[str, float, str]]:
    found = find_money(text)
    for m in found:
        assert isinstance(m, MoneyMention)
        assert text[m.start:m.end] == m.text
    assert found == sorted(found, key=lambda m: m.start)
    return [(m.text, m.amount, m.currency) for m in found]


def durations(text: str) -> list[tuple[str, float]]:
    found = find_durations(text)
    for m in found:
        assert isinstance(m, DurationMention)
        assert text[m.start:m.end] == m.text
    assert found == sorted(found, key=lambda m: m.start)
    return [(m.text, m.years) for m in found]


# --- parse_number --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        ("ten", 10),
        ("2.5", 2.5),
        ("1,200", 1200),
        ("a dozen", 12),
        ("twenty-five", 25),
        ("1.6bn", 1.6e9),
        ("2.5 million", 2.5e6),
        ("nineteen hundred and ninety-one", 1991),
        ("two thousand and thirteen", 2013),
        ("one hundred twenty", 120),
        ("two and a half", 2.5),
        ("a billion", 1e9),
        ("500 crore", 5e9),
        ("3 lakh", 3e5),
        (" Ten ", 10),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "two one", "ten apples", "$", "-"])
def test_parse_number_refuses(text):
    assert parse_number(text) is None


# --- money -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,surface,amount,currency",
    [
        ("Washington pledged $2.5 billion in military aid.", "$2.5 billion", 2.5e9, "USD"),
        ("a loan of US$1.6 billion from the bank", "US$1.6 billion", 1.6e9, "USD"),
        ("grants worth USD 10 million", "USD 10 million", 1e7, "USD"),
        ("$18 million in Foreign Military Financing", "$18 million", 1.8e7, "USD"),
        ("Brussels will add €50m for demining", "€50m", 5e7, "EUR"),
        ("a facility of EUR 3.2bn", "EUR 3.2bn", 3.2e9, "EUR"),
        ("London offered £3bn over three years", "£3bn", 3e9, "GBP"),
        ("The EU will provide 50 million euros.", "50 million euros", 5e7, "EUR"),
        ("worth 1.6 billion dollars", "1.6 billion dollars", 1.6e9, "USD"),
        ("Nairobi set aside Sh5 billion for the corridor.", "Sh5 billion", 5e9, "KES"),
        ("a KSh 2 billion facility", "KSh 2 billion", 2e9, "KES"),
        ("projects worth Rs 500 crore", "Rs 500 crore", 5e9, "INR"),
        ("Tokyo lent ¥10 billion", "¥10 billion", 1e10, "JPY"),
        ("Tokyo lent 10 billion yen", "10 billion yen", 1e10, "JPY"),
        ("a 20 billion yuan fund", "20 billion yuan", 2e10, "CNY"),
        ("5 billion renminbi in swaps", "5 billion renminbi", 5e9, "CNY"),
        ("3 billion rubles for the plant", "3 billion rubles", 3e9, "RUB"),
        ("a grant of JD 50 million", "JD 50 million", 5e7, "JOD"),
        ("4 million Iraqi dinars", "4 million Iraqi dinars", 4e6, "IQD"),
        ("$1.45 billion in total", "$1.45 billion", 1.45e9, "USD"),
        ("$10.15 billion in sales", "$10.15 billion", 1.015e10, "USD"),
        ("an extra $75 million", "$75 million", 7.5e7, "USD"),
        ("1.2 trillion dollars of debt", "1.2 trillion dollars", 1.2e12, "USD"),
        ("a $60m package", "$60m", 6e7, "USD"),
        ("a $277bn deficit", "$277bn", 2.77e11, "USD"),
        ("a grant of U.S. $5 million", "U.S. $5 million", 5e6, "USD"),
        ("ten million dollars in aid", "ten million dollars", 1e7, "USD"),
        ("a C$300 million line", "C$300 million", 3e8, "CAD"),
        ("5 million Swiss francs", "5 million Swiss francs", 5e6, "CHF"),
    ],
)
def test_money_forms(text, surface, amount, currency):
    got = money(text)
    assert len(got) == 1
    assert got[0][0] == surface
    assert got[0][1] == pytest.approx(amount)
    assert got[0][2] == currency


@pytest.mark.parametrize(
    "text,surface,amount,currency",
    [
        ("Brazil owes about 1.5 billion dlrs to banks.", "1.5 billion dlrs", 1.5e9, "USD"),
        ("net profit of 3.2 mln dlrs", "3.2 mln dlrs", 3.2e6, "USD"),
        ("a loan of 2 billion stg", "2 billion stg", 2e9, "GBP"),
        ("exports of 500 mln yen", "500 mln yen", 5e8, "JPY"),
        ("EC aid of 40 mln ECUs", "40 mln ECUs", 4e7, "XEU"),
        ("bonds of 300 mln marks", "300 mln marks", 3e8, "DEM"),
    ],
)
def test_reuters_wire_style(text, surface, amount, currency):
    assert money(text) == [(surface, pytest.approx(amount), currency)]


def test_range_is_one_mention_with_lower_bound():
    assert money("a $1-2 billion facility") == [("$1-2 billion", 1e9, "USD")]
    assert money("10 to 20 million dollars") == [("10 to 20 million dollars", 1e7, "USD")]


def test_year_before_to_is_not_a_range():
    assert money("exports fell in 1986 to 15.995 billion dlrs") == [("15.995 billion dlrs", pytest.approx(1.5995e10), "USD")]


def test_conversion_gives_two_mentions():
    got = money("a deal worth 1bn euros ($1.3bn; £690m)")
    assert [(t, c) for t, _, c in got] == [("1bn euros", "EUR"), ("$1.3bn", "USD"), ("£690m", "GBP")]


@pytest.mark.parametrize(
    "text",
    [
        "Shares of $AAPL rose 5% on Tuesday.",
        "Section 2 of the 2021 act applies to 300 vessels.",
        "He weighed 200 pounds and they won 3 games.",
        "a multi billion dollar company",
        "Some 3 million dinars changed hands.",
        "Turnout was 45.6 per cent.",
        "",
    ],
)
def test_not_money(text):
    assert money(text) == []


# --- durations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,surface,years",
    [
        ("The Agreement shall remain in force for a period of 10 years.", "remain in force for a period of 10 years", 10),
        ("India and the United States signed a 10-year Defence Framework.", "10-year", 10),
        ("They agreed a ten-year pact on energy.", "ten-year", 10),
        ("It is a five-year deal.", "five-year", 5),
        ("The memorandum is valid for five years.", "valid for five years", 5),
        ("The parties will cooperate for five years.", "for five years", 5),
        ("Funding is spread over the next decade.", "over the next decade", 10),
        ("It shall remain in force for ten years.", "remain in force for ten years", 10),
        ("for an initial term of three years", "for an initial term of three years", 3),
        ("a term of three years", "term of three years", 3),
        ("the 2023-2029 MoU on defence", "2023-2029", 7),
        ("the 2023–29 Defense Cooperation Memorandum", "2023–29", 7),
        ("a ceasefire for six months", "for six months", 0.5),
        ("valid for ten (10) years", "valid for ten (10) years", 10),
        ("an 18-month roadmap", "18-month", 1.5),
    ],
)
def test_duration_forms(text, surface, years):
    got = durations(text)
    assert len(got) == 1
    assert got[0][0] == surface
    assert got[0][1] == pytest.approx(years)


def test_renewal_period_is_its_own_mention():
    text = "It remains in force for five years and is renewed for successive periods of one year."
    assert durations(text) == [("remains in force for five years", 5), ("renewed for successive periods of one year", 1)]


@pytest.mark.parametrize(
    "text",
    [
        "The talks collapsed 10 years ago.",
        "Relations have been tense for the past 10 years.",
        "Peace may come in 10 years' time.",
        "Troops will leave within five years.",
        "A 10-year-old girl was hurt.",
        "The 10-year Treasury yield rose.",
        "He was jailed for five years.",
        "the 2010-2015 period of growth",
        "A year ago the deal seemed far off.",
    ],
)
def test_not_durations(text):
    assert durations(text) == []


# --- robustness ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["\x00$\x01", "$" * 5000, "1" * 10000, "for " * 3000 + "years", "مليون دولار $5"])
def test_odd_input(text):
    for m in find_money(text):
        assert 0 <= m.start < m.end <= len(text)
    for d in find_durations(text):
        assert 0 <= d.start < d.end <= len(text)
    parse_number(text)


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
    | st.lists(st.sampled_from(["$", "1", ".", "5", " ", "billion", "m", "for", "ten", "-year", "years", "dlrs", "€", ",", "2023-2029", " MoU", "to"]), max_size=30).map("".join)
)
def test_property_offsets_inside_text(text):
    last = 0
    for m in find_money(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.start >= last and m.amount >= 0
        last = m.end
    last = 0
    for d in find_durations(text):
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text
        assert d.start >= last and d.years > 0
        last = d.end
    parse_number(text)


def test_spelled_out_sums_with_article():
    assert money("Congress approved half a billion dollars and then a billion dollars more.") == [
        ("half a billion dollars", 5e8, "USD"),
        ("a billion dollars", 1e9, "USD"),
    ]


def test_durations_need_a_number_or_a_single_unit():
    assert durations("debt over the coming years; a 15-1/2 year loan") == []
    assert durations("repayments over the next year") == [("over the next year", 1)]


def test_indian_digit_grouping():
    assert money("a grant of 5,00,000 rupees and Rs 12,50,000") == [
        ("5,00,000 rupees", 5e5, "INR"),
        ("Rs 12,50,000", 1.25e6, "INR"),
    ]
    assert parse_number("12,50,000") == 1250000


@pytest.mark.parametrize(
    "text,amount",
    [
        ("US, China Sign $40 Billion Energy Deal", 40e9),
        ("EGYPT TO EXCHANGE 100 MLN DLRS WORTH OF GOODS", 100e6),
        ("Brazil Gets 1.8 Billion Dlr Rescheduling", 1.8e9),
    ],
)
def test_capitalised_scale_words_in_headlines(text, amount):
    from pactwatch.annotate.money import find_money

    got = find_money(text)
    assert [(m.amount, m.currency) for m in got] == [(amount, "USD")]


@pytest.mark.parametrize(
    "text,background",
    [
        ("Washington kept tariffs on $200 billion of Chinese goods in place.", "tariff_base"),
        ("It threatened tariffs on an additional $300 billion worth of imports.", "tariff_base"),
        ("The trade deficit, which peaked at $40 billion, has narrowed.", "statistic"),
        ("The country is struggling with its 19 billion dlr foreign debt.", "statistic"),
        ("The US will give Kyiv $60 million in military aid under the pact.", None),
        ("The two sides signed a $240m agreement.", None),
        ("The agreement covers 1.4 billion dollars of debt.", None),
        ("They agreed a $1.8 billion debt rescheduling.", None),
    ],
)
def test_background_sums_are_marked(text, background):
    from pactwatch.annotate.money import find_money

    (m,) = find_money(text)
    assert m.background == background
