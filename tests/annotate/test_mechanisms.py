"""Mechanisms, frequencies and due periods on short passages in treaty / news style."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.annotate.mechanisms import (
    MechanismMention,
    find_due,
    find_frequencies,
    find_mechanisms,
    merge_mechanisms,
)


def _countable(text: str) -> list[MechanismMention]:
    ms = find_mechanisms(text)
    for m in ms:
        assert text[m.start:m.end] == m.text
    return [m for m in merge_mechanisms(ms) if m.countable]


@pytest.mark.parametrize(
    "phrase,iso",
    [
        ("at least once a year", "P1Y"),
        ("annually", "P1Y"),
        ("once in a year", "P1Y"),
        ("every year", "P1Y"),
        ("not less than once a year", "P1Y"),
        ("twice a year", "P6M"),
        ("every six months", "P6M"),
        ("semi-annually", "P6M"),
        ("on a semi-annual basis", "P6M"),
        ("quarterly", "P3M"),
        ("monthly", "P1M"),
        ("every two years", "P2Y"),
        ("biennially", "P2Y"),
        ("every three years", "P3Y"),
    ],
)
def test_frequencies(phrase, iso):
    text = f"The Joint Committee shall meet {phrase} to review the agreement."
    found = find_frequencies(text)
    assert [f[2] for f in found] == [iso]
    s, e, _ = found[0]
    assert phrase in text[s:e] or text[s:e] in phrase


@pytest.mark.parametrize(
    "text,period,anchor",
    [
        ("Within three months from the signing of the present Charter, the Working Groups intend to decide.", "P3M", "signing"),
        ("The Committee shall be set up within 90 days of the entry into force of this Agreement.", "P90D", "entry_into_force"),
        ("The parties shall open talks no later than six months after signature.", "P6M", "signing"),
        ("Consultations shall begin not later than one year after the date of entry into force.", "P1Y", "entry_into_force"),
    ],
)
def test_due_periods(text, period, anchor):
    due = find_due(text)
    assert [(d[2], d[3]) for d in due] == [(period, anchor)]
    assert text[due[0][0]:due[0][1]].lower().startswith(("within", "no later", "not later"))


def test_bare_duration_has_no_due_anchor():
    assert find_due("The deal will run for six months after a review.") == []


def test_joint_committee_with_schedule():
    text = (
        "1. A Joint Committee is hereby established to supervise the implementation of this Agreement.\n"
        "2. The Joint Committee shall convene at least once a year in regular session."
    )
    got = _countable(text)
    assert [(m.kind, m.frequency) for m in got] == [("committee", "P1Y")]
    assert got[0].name == "Joint Committee"


def test_permitted_body_with_nothing_to_do_is_not_counted():
    text = "The Committee may set up working group(s) as needed to handle matters in specific areas."
    ms = find_mechanisms(text)
    wg = [m for m in ms if m.kind == "working_group"]
    assert wg and all(m.permitted_only for m in wg)
    assert not any(m.kind == "working_group" for m in _countable(text))


def test_permitted_then_tasked_body_counts_with_due():
    text = (
        "The two countries may, as part of the existing framework, establish working groups on areas of cooperation. "
        "Within three months from the signing of the present Charter, the respective Working Groups intend to decide "
        "on the list of projects."
    )
    got = _countable(text)
    wg = [m for m in got if m.kind == "working_group"]
    assert len(wg) == 1
    assert (wg[0].due_period, wg[0].due_anchor) == ("P3M", "signing")


def test_parent_commission_named_in_passing():
    text = (
        "Memorandum of Understanding on the Structure and Operation of the Working Group for Business "
        "Development and Economic Relations of the U.S.-Russian Presidential Commission. "
        "The Sides intend to conduct the meetings of the Working Group as needed, but preferably not less than once a year."
    )
    ms = find_mechanisms(text)
    parent = [m for m in ms if m.kind == "commission"]
    assert parent and parent[0].name == "U.S.-Russian Presidential Commission" and parent[0].in_passing
    got = _countable(text)
    assert [(m.kind, m.frequency) for m in got] == [("working_group", "P1Y")]
    assert got[0].name.startswith("Working Group for Business Development")


def test_parties_meet_on_schedule_is_a_meeting():
    text = (
        "The Republic of Azerbaijan and the United States of America intend to meet regularly, at least once "
        "in a year within the framework of the present Charter and may create other dialogue platforms as necessary."
    )
    got = _countable(text)
    assert [(m.kind, m.frequency) for m in got] == [("meeting", "P1Y")]
    dialogue = [m for m in find_mechanisms(text) if m.kind == "dialogue"]
    assert dialogue and dialogue[0].permitted_only


def test_annual_summits():
    text = "The leaders agreed that the two countries will hold annual summits, alternating between the capitals."
    got = _countable(text)
    assert [(m.kind, m.frequency) for m in got] == [("summit", "P1Y")]


def test_regular_meetings_without_frequency():
    text = "The two leaders also agreed to hold regular meetings and direct telephone conversations."
    got = _countable(text)
    assert [(m.kind, m.frequency) for m in got] == [("meeting", None)]


def test_committee_convening_a_meeting_takes_the_schedule():
    text = (
        "The two Parties shall establish a Cross-Straits Economic Cooperation Committee. "
        "The Committee will convene a regular meeting on a semi-annual basis."
    )
    got = _countable(text)
    assert [(m.kind, m.frequency) for m in got] == [("committee", "P6M")]


def test_news_summit_and_standing_bodies_are_not_mechanisms():
    text = (
        "On the sidelines of the G7 summit, the leaders met. The UN Security Council will discuss the issue, "
        "and the Senate Foreign Relations Committee held a hearing. Rebel groups rejected the deal."
    )
    assert _countable(text) == []


def test_old_body_and_company_meetings_are_not_mechanisms():
    text = (
        "The United States has held economic talks with China since the Joint Commission on Commerce and Trade "
        "was formed in 1983. The board will be presented as the slate for the 1987 annual shareholders meeting."
    )
    ms = find_mechanisms(text)
    jcct = [m for m in ms if m.kind == "commission"]
    assert jcct and jcct[0].in_passing
    assert _countable(text) == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The two sides agreed to set up a joint working group to draft the roadmap within 90 days of the signing.",
         [("working_group", None, "P90D", "signing")]),
        ("The ministers launched a Strategic Dialogue that will meet annually, alternating between the capitals.",
         [("dialogue", "P1Y", None, None)]),
        ("Both countries will hold 2+2 ministerial dialogues every year.", [("dialogue", "P1Y", None, None)]),
        ("The leaders agreed to hold summits on a regular basis and to set up a hotline.", [("summit", None, None, None)]),
        ("The defence ministers agreed to establish a high-level steering committee on defence industry cooperation.",
         [("committee", None, None, None)]),
        ("Under the deal, a trilateral secretariat will be based in Tashkent.", [("secretariat", None, None, None)]),
        ("The agreement creates a bilateral coordination council chaired by the two foreign ministers.",
         [("council", None, None, None)]),
    ],
)
def test_news_style_mechanisms(text, expected):
    got = [(m.kind, m.frequency, m.due_period, m.due_anchor) for m in _countable(text)]
    assert got == expected


def test_named_joint_commission_in_news():
    text = "The initiative is known as the US-Armenia Strategic Partnership Commission."
    got = _countable(text)
    assert [(m.kind, m.name) for m in got] == [("commission", "US-Armenia Strategic Partnership Commission")]


def test_commission_established_in_treaty_text():
    text = "Contracting Parties have agreed to establish a joint Armenian-Ukrainian commission."
    got = _countable(text)
    assert [(m.kind, m.name) for m in got] == [("commission", "joint Armenian-Ukrainian commission")]


def test_secretariat_and_group_of_a_common_market():
    text = (
        "The Common Market Group shall be the executive organ of the common market. "
        "The Common Market Group shall have an administrative secretariat whose main functions shall be to keep the "
        "Group's documents."
    )
    kinds = {m.kind for m in _countable(text)}
    assert kinds == {"working_group", "secretariat"}


def test_hard_wrapped_treaty_text():
    text = "4. Each party shall preside in turn over the Joint\nCommittee, which shall convene at least once a year."
    got = _countable(text)
    assert [(m.kind, m.frequency) for m in got] == [("committee", "P1Y")]


def test_data_file_kinds_are_record_kinds():
    from pactwatch.annotate.mechanisms import _lexicon
    from pactwatch.record import MECHANISM_KINDS

    kinds, stop = _lexicon()
    assert {k for k, _ in kinds} == set(MECHANISM_KINDS)
    assert stop is not None and stop.search("the UN Security Council")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_and_offsets_in_range(text):
    for m in find_mechanisms(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
    for s, e, _ in find_frequencies(text):
        assert 0 <= s < e <= len(text)
    for s, e, _, _ in find_due(text):
        assert 0 <= s < e <= len(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "The Joint Committee", " shall meet", " at least once a year", " may establish", " working groups",
    ". ", "\n", " of the ", "Commission", " summit", " regularly", ",", " will hold annual summits",
]), max_size=25))
def test_never_raises_on_mechanism_soup(parts):
    text = "".join(parts)
    for m in merge_mechanisms(find_mechanisms(text)):
        assert 0 <= m.start < m.end <= len(text)
