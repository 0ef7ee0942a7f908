"""Deadline arithmetic with a fixed clock (pure functions, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from pactwatch.track.deadlines import (
    MET, OPEN, OVERDUE, PENDING, MechanismFacts, MilestoneFacts, add_period, compute_deadlines, end_of,
    mechanism_deadlines, milestone_deadline, parse_duration,
)

WG = MechanismFacts(agreement_id=1, body_id=10, kind="working_group", name="Working groups",
                    due_period="P3M", due_anchor="signing", task="decide on the list of projects and roadmaps")
YEARLY = MechanismFacts(agreement_id=1, body_id=11, kind="meeting", name="Annual meeting", frequency="P1Y")


def test_periods():
    assert add_period(date(2026, 2, 10), "P3M") == date(2026, 5, 10)
    assert add_period(date(2025, 11, 30), "P3M") == date(2026, 2, 28)  # clamps to month end
    assert add_period(date(2024, 2, 29), "P1Y") == date(2025, 2, 28)
    assert add_period(date(2026, 1, 1), "P2W") == date(2026, 1, 15)
    assert add_period(date(2026, 1, 1), "P1Y6M") == date(2027, 7, 1)
    for bad in ("", "P", "1Y", "PXM", "P1.5Y"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_partial_due_runs_to_end_of_period():
    assert end_of("2027-03") == date(2027, 3, 31)
    assert end_of("2028-02") == date(2028, 2, 29)
    assert end_of("2027") == date(2027, 12, 31)


def test_relative_term_pending_until_signing_known():
    (d,) = mechanism_deadlines(WG, {"signing": None}, date(2026, 3, 1))
    assert d.state == PENDING and d.due is None and d.reason == "signing date unknown"
    (d,) = mechanism_deadlines(WG, {"signing": "2026-02"}, date(2026, 3, 1))
    assert d.state == PENDING and d.reason == "signing date known only as 2026-02"
    (d,) = mechanism_deadlines(WG, {"signing": "2026-02-10"}, date(2026, 3, 1))
    assert d.due == date(2026, 5, 10) and d.state == OPEN
    assert d.title == "Working groups: decide on the list of projects and roadmaps"
    assert d.reason == "P3M after signing date 2026-02-10"


def test_one_off_turns_overdue_the_day_after_due():
    anchors = {"signing": "2026-02-10"}
    assert mechanism_deadlines(WG, anchors, date(2026, 5, 10))[0].state == OPEN
    assert mechanism_deadlines(WG, anchors, date(2026, 5, 11))[0].state == OVERDUE
    met = MechanismFacts(**{**WG.__dict__, "met_on": date(2026, 5, 2)})
    assert mechanism_deadlines(met, anchors, date(2026, 6, 1))[0].state == MET


def test_absolute_due_wins_over_relative_term():
    m = MechanismFacts(1, 12, "commission", "Joint Commission", due="2026-04", due_period="P3M")
    (d,) = mechanism_deadlines(m, {"signing": None}, date(2026, 3, 1))
    assert d.due == date(2026, 4, 30) and d.state == OPEN


def test_recurring_from_signing_then_from_last_meeting():
    anchors = {"signing": date(2026, 2, 10)}
    (d,) = mechanism_deadlines(YEARLY, anchors, date(2026, 3, 1))
    assert d.recurring and d.due == date(2027, 2, 10) and d.state == OPEN and d.frequency == "P1Y"
    assert d.reason == "P1Y after signing date 2026-02-10 (no meeting recorded)"
    # No meeting for more than a year after the signing: overdue.
    assert mechanism_deadlines(YEARLY, anchors, date(2027, 2, 11))[0].state == OVERDUE
    met = MechanismFacts(**{**YEARLY.__dict__, "meetings": (date(2026, 6, 3), date(2027, 1, 20))})
    (d,) = mechanism_deadlines(met, anchors, date(2027, 2, 11))
    assert d.due == date(2028, 1, 20) and d.state == OPEN and d.last_meeting == date(2027, 1, 20)
    assert mechanism_deadlines(met, anchors, date(2028, 1, 21))[0].state == OVERDUE


def test_recurring_with_first_meeting_date_is_one_deadline():
    m = MechanismFacts(1, 13, "council", "Strategic Council", frequency="P1Y", due="2026-06")
    (d,) = mechanism_deadlines(m, {}, date(2026, 3, 1))
    assert d.recurring and d.due == date(2026, 6, 30) and d.reason == "first meeting due 2026-06"


def test_recurring_pending_without_anchor_or_meeting_but_known_from_a_meeting():
    (d,) = mechanism_deadlines(YEARLY, {}, date(2026, 3, 1))
    assert d.state == PENDING and d.reason == "signing date unknown"
    met = MechanismFacts(**{**YEARLY.__dict__, "meetings": (date(2026, 6, 3),)})
    assert mechanism_deadlines(met, {}, date(2026, 7, 1))[0].due == date(2027, 6, 3)


def test_milestones():
    ms = MilestoneFacts(1, 5, "Roadmap adopted", due=date(2026, 5, 10))
    assert milestone_deadline(ms, date(2026, 5, 10)).state == OPEN
    assert milestone_deadline(ms, date(2026, 5, 11)).state == OVERDUE
    late = milestone_deadline(MilestoneFacts(1, 5, "Roadmap adopted", date(2026, 5, 10), date(2026, 6, 1)),
                              date(2026, 7, 1))
    assert late.state == MET and late.reason == "met 2026-06-01 (late)"


def test_compute_sorts_overdue_open_pending_met_and_uids_are_stable():
    ms = [MilestoneFacts(1, 5, "Late", date(2026, 3, 1)), MilestoneFacts(1, 6, "Done", date(2026, 3, 1), date(2026, 2, 1)),
          MilestoneFacts(2, 7, "Soon", date(2026, 4, 1))]
    mechs = [WG, YEARLY, MechanismFacts(2, 20, "meeting", "Annual meeting", frequency="P1Y")]
    anchors = {1: {"signing": "2026-02-10"}, 2: {"signing": None}}
    out = compute_deadlines(mechs, ms, anchors, date(2026, 3, 15), names={1: "Charter", 2: "Other"})
    assert [(d.state, d.uid) for d in out] == [
        (OVERDUE, "pactwatch-a1-m5"), (OPEN, "pactwatch-a2-m7"), (OPEN, "pactwatch-a1-b10-due"),
        (OPEN, "pactwatch-a1-b11-meet"), (PENDING, "pactwatch-a2-b20-meet"), (MET, "pactwatch-a1-m6"),
    ]
    assert out[0].agreement_name == "Charter"
    again = compute_deadlines(mechs, ms, anchors, date(2026, 3, 15))
    assert [d.uid for d in again] == [d.uid for d in out]
