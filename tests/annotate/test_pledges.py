"""Defense and consultation pledges (ATOP) on passages written in news / treaty style."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pactwatch.annotate.pledges import PledgeMention, find_pledges


def _pledges(text: str) -> list[tuple[str, bool, str]]:
    out = []
    for p in find_pledges(text):
        assert text[p.start:p.end] == p.text
        out.append((p.kind, p.value, p.text))
    return out


@pytest.mark.parametrize(
    "text,cue",
    [
        ("The Parties agree that an armed attack against one of them shall be considered an attack against both.",
         "armed attack against one of them shall be considered an attack against both"),
        ("The allies are bound by a 1951 pact to come to each other's aid if attacked.", "come to each other's aid"),
        ("The treaty obliges Moscow and Pyongyang to provide immediate military assistance if either is attacked.",
         "provide immediate military assistance if either is attacked"),
        ("The parties shall provide military assistance in case of aggression against either party.",
         "provide military assistance in case of aggression"),
        ("Manila and Washington signed a mutual defense treaty in 1951.", "mutual defense treaty"),
        ("Russia's move would trigger NATO's Article 5 commitments.", "NATO's Article 5"),
        ("In case one of the Parties is subjected to an armed attack and finds itself in a state of war, the other "
         "Party shall immediately provide military and other assistance with all means at its disposal.",
         "provide military and other assistance"),
        ("Both states pledge to defend each other against any armed attack.", "defend each other"),
    ],
)
def test_defense_pledge_true(text, cue):
    got = [g for g in _pledges(text) if g[0] == "defense"]
    assert got and all(v is True for _, v, _ in got), got
    assert any(cue == c or cue in c for _, _, c in got), got


@pytest.mark.parametrize(
    "text,cue",
    [
        ("It is emphasized that the bilateral agreement does not include a mutual defense clause, which would "
         "obligate signatories to militarily defend Ukraine in the event of an attack.",
         "does not include a mutual defense clause"),
        ("The accord falls short of a mutual defence commitment.", "falls short of a mutual defence commitment"),
        ("The security pact offers no Article 5-style guarantee.", "no Article 5-style guarantee"),
        ("Officials stressed it is not a mutual defence pact.", "not a mutual defence pact"),
        ("The deal stops short of the security guarantees Kyiv wanted.", "stops short of the security guarantees"),
    ],
)
def test_defense_pledge_denied(text, cue):
    got = [g for g in _pledges(text) if g[0] == "defense"]
    assert got and all(v is False for _, v, _ in got), got
    assert cue in [c for _, _, c in got]


@pytest.mark.parametrize(
    "text",
    [
        "The two sides will hold consultations within 24 hours in case of an attack on either of them.",
        "As part of the pact, the US will commit to holding consultations with Ukraine promptly following any potential attack by Russia.",
        "The signatories shall convene consultations in the event of future aggression.",
        "If the security of either party is threatened, the parties shall consult immediately.",
        "The parties shall consult without delay when either of them faces an external threat.",
    ],
)
def test_consultation_pledge_true(text):
    got = [g for g in _pledges(text) if g[0] == "consultation"]
    assert got and all(v is True for _, v, _ in got), got
    assert all("consult" in c for _, _, c in got)


def test_consultation_denied():
    text = "The agreement contains no obligation to consult in the event of an attack."
    got = [g for g in _pledges(text) if g[0] == "consultation"]
    assert got and got[0][1] is False


@pytest.mark.parametrize(
    "text",
    [
        # trade-treaty consultations are not a crisis pledge
        "The Parties shall consult on any difficulties that may arise in their trade in agricultural products.",
        "The two Parties shall engage in consultations on the establishment of dispute settlement procedures.",
        # a request is not a pledge
        "Turkey called for consultations with the alliance after militant attacks on border posts.",
        # "mutual assistance" in criminal matters is not military
        "The U.S. and Ukraine agreed to provide mutual assistance in connection with the investigation.",
        # Brexit's Article 50 is not NATO's Article 5
        "May formally triggered Article 50 of the Lisbon Treaty.",
        "Armenia proposed a non-aggression pact to Azerbaijan.",
        # a treaty's own fifth article, and GATT's Article V, are not NATO's
        "CHAPTER 2\nTrade In Goods\n\nARTICLE 5\nScope\n\nThis Chapter applies to trade in goods.",
        "The Parties reaffirm Article V of the General Agreement on Trade in Services.",
        "Allies will come to the aid of flood victims.",
    ],
)
def test_no_pledge(text):
    assert _pledges(text) == []


def test_denial_silences_affirmative_in_same_sentence_only():
    text = (
        "The deal does not include a mutual defense clause. "
        "Under NATO's Article 5, an attack on one member is considered an attack on all."
    )
    got = _pledges(text)
    assert ("defense", False) in [(k, v) for k, v, _ in got]
    assert ("defense", True) in [(k, v) for k, v, _ in got]
    assert [v for _, v, _ in got] == [False] + [True] * (len(got) - 1)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_and_offsets_in_range(text):
    for p in find_pledges(text):
        assert isinstance(p, PledgeMention)
        assert 0 <= p.start < p.end <= len(text)
        assert p.kind in ("defense", "consultation")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "does not include", " a mutual defense clause", " consult", "ations", " in case of", " an attack", ". ",
    " shall", " come to each other's aid", " Article 5", " no", "\n",
]), max_size=20))
def test_never_raises_on_pledge_soup(parts):
    text = "".join(parts)
    for p in find_pledges(text):
        assert text[p.start:p.end] == p.text


def test_numbered_article_five_heading_in_a_treaty_is_no_defence_pledge():
    from pactwatch.annotate.pledges import find_pledges

    text = ("AGREEMENT ON ECONOMIC COOPERATION\n\nARTICLE 4\nThe Parties shall promote trade.\n\n"
            "ARTICLE 5\nThe Parties shall exchange information on investment.\n\nArticle 5 shall apply from 2025.")
    assert find_pledges(text) == []
