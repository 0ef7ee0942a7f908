"""The iCal export parses back with icalendar and holds the same events."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from icalendar import Calendar

from pactwatch.track.deadlines import MechanismFacts, MilestoneFacts, compute_deadlines
from pactwatch.track.ical import deadlines_to_ical, frequency_to_rrule

STAMP = datetime(2026, 3, 15, 9, 30, tzinfo=timezone.utc)


def _deadlines():
    mechs = [MechanismFacts(1, 10, "working_group", "Working groups", due_period="P3M", due_anchor="signing",
                            task="decide on the list of projects"),
             MechanismFacts(1, 11, "meeting", "Annual meeting", frequency="P1Y"),
             MechanismFacts(2, 20, "commission", "Joint Commission", frequency="P6M")]  # anchor unknown: pending
    ms = [MilestoneFacts(1, 5, "Roadmap adopted", date(2026, 5, 10))]
    return compute_deadlines(mechs, ms, {1: {"signing": "2026-02-10"}, 2: {}}, date(2026, 3, 15),
                             names={1: "Charter on Strategic Partnership", 2: "Other"})


def test_calendar_round_trip():
    dls = _deadlines()
    raw = deadlines_to_ical(dls, stamp=STAMP)
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\n" in raw
    cal = Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and "pactwatch" in str(cal["PRODID"])
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    dated = [d for d in dls if d.due]
    # Pending deadlines have no date, so nothing to put in a calendar.
    assert set(events) == {f"{d.uid}@pactwatch" for d in dated}
    for d in dated:
        ev = events[f"{d.uid}@pactwatch"]
        start = ev.decoded("DTSTART")
        assert type(start) is date and start == d.due  # all-day, not a datetime
        assert ev["DTSTART"].params.get("VALUE") == "DATE"
        assert ev.decoded("DTEND") == date.fromordinal(d.due.toordinal() + 1)
        assert ev.decoded("DTSTAMP") == STAMP
        assert str(ev["SUMMARY"]).startswith(d.title)
        assert ("RRULE" in ev) == d.recurring
    rule = events["pactwatch-a1-b11-meet@pactwatch"]["RRULE"]
    assert rule["FREQ"] == ["YEARLY"] and rule["INTERVAL"] == [1]
    assert events["pactwatch-a1-b11-meet@pactwatch"].decoded("DTSTART") == date(2027, 2, 10)
    assert events["pactwatch-a1-b10-due@pactwatch"].decoded("DTSTART") == date(2026, 5, 10)


def test_uids_stable_across_exports():
    a = Calendar.from_ical(deadlines_to_ical(_deadlines(), stamp=STAMP))
    b = Calendar.from_ical(deadlines_to_ical(_deadlines()))
    assert [str(e["UID"]) for e in a.walk("VEVENT")] == [str(e["UID"]) for e in b.walk("VEVENT")]


@pytest.mark.parametrize("period, freq, interval", [
    ("P1Y", "YEARLY", 1), ("P2Y", "YEARLY", 2), ("P6M", "MONTHLY", 6), ("P1Y6M", "MONTHLY", 18),
    ("P2W", "WEEKLY", 2), ("P14D", "WEEKLY", 2), ("P10D", "DAILY", 10),
])
def test_rrule_from_duration(period, freq, interval):
    r = frequency_to_rrule(period)
    assert r.to_ical() == f"FREQ={freq};INTERVAL={interval}".encode()
