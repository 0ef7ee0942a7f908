"""Deadlines as an RFC 5545 calendar (via the ``icalendar`` package).

Every dated deadline is one all-day VEVENT (``DTSTART;VALUE=DATE``) whose UID is the
deadline's stable ``uid`` plus a domain, so re-importing an updated file into a calendar
updates the events instead of duplicating them.  A recurring meeting carries an RRULE
built from its ISO 8601 frequency, starting at its next due date.  Pending deadlines (no
date yet) have nothing to put in a calendar and are left out.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

from icalendar import Calendar, Event, vRecur

from pactwatch.track.deadlines import Deadline, parse_duration

PRODID = "-//pactwatch//partnership deadlines//EN"
UID_DOMAIN = "pactwatch"


def frequency_to_rrule(frequency: str) -> vRecur:
    """ISO duration -> RRULE: P1Y -> FREQ=YEARLY, P6M -> MONTHLY;INTERVAL=6, P2W -> WEEKLY;INTERVAL=2.

    A mixed period (P1Y6M) is expressed in its smallest unit so the rule stays exact.
    """
    rd = parse_duration(frequency)
    if rd.days and not (rd.years or rd.months):
        days = rd.days
        if days % 7 == 0:
            return vRecur(freq="WEEKLY", interval=days // 7)
        return vRecur(freq="DAILY", interval=days)
    if rd.days:
        raise ValueError(f"cannot express {frequency!r} as one RRULE (months and days mixed)")
    if rd.months:
        return vRecur(freq="MONTHLY", interval=rd.years * 12 + rd.months)
    return vRecur(freq="YEARLY", interval=rd.years)


def deadlines_to_calendar(deadlines: Iterable[Deadline], *, stamp: datetime | None = None,
                          name: str = "pactwatch deadlines") -> Calendar:
    """Build the calendar.  ``stamp`` (UTC) is the DTSTAMP of every event; default: now."""
    stamp = (stamp or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for d in deadlines:
        if d.due is None:
            continue
        ev = Event()
        ev.add("uid", f"{d.uid}@{UID_DOMAIN}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", d.due)  # a date object -> DTSTART;VALUE=DATE (all-day)
        ev.add("dtend", d.due + timedelta(days=1))  # all-day events end exclusively the next day
        summary = d.title if not d.agreement_name else f"{d.title} ({d.agreement_name})"
        ev.add("summary", summary)
        desc = [f"State: {d.state}"]
        if d.reason:
            desc.append(f"Derived: {d.reason}")
        if d.agreement_name:
            desc.append(f"Agreement #{d.agreement_id}: {d.agreement_name}")
        ev.add("description", "\n".join(desc))
        ev.add("categories", ["pactwatch", d.state])
        if d.recurring and d.frequency:
            ev.add("rrule", frequency_to_rrule(d.frequency))
        cal.add_component(ev)
    return cal


def deadlines_to_ical(deadlines: Iterable[Deadline], *, stamp: datetime | None = None) -> bytes:
    """The calendar serialised as RFC 5545 bytes (CRLF line ends, folded lines)."""
    return deadlines_to_calendar(deadlines, stamp=stamp).to_ical()


__all__ = ["deadlines_to_calendar", "deadlines_to_ical", "frequency_to_rrule"]
