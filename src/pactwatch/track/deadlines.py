"""Concrete due dates derived from an agreement's machinery: pure functions, injectable clock.

Input is plain data (``MechanismFacts``, ``MilestoneFacts``, the anchor dates) and output is
a list of ``Deadline``; nothing here touches the database, so the CLI, the web page, the
iCal export and the report all agree on what is due and when, and tests can fix ``today``.

Rules (issue "Partnership implementation tracking"):

* a mechanism with an absolute ``due`` is a one-off deadline on that date;
* a mechanism with a relative term (``due_period`` after ``due_anchor``, e.g. P3M after the
  signing) is a one-off deadline on anchor + period, or *pending* with the reason
  ("signing date unknown") while the anchor is not known to the day;
* a mechanism with a ``frequency`` is recurring: next due = last recorded meeting +
  frequency, or anchor + frequency when no meeting is recorded yet;
* a milestone is a one-off deadline on its due date, met by its done date;
* anything not met whose due date is before ``today`` is overdue (the due day itself is
  still on time: "within three months" of 2026-02-10 includes 2026-05-10).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Iterable, Mapping

from dateutil.relativedelta import relativedelta

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")

# Deadline states, in the order a reader cares about them.
OVERDUE, OPEN, PENDING, MET = "overdue", "open", "pending", "met"
STATES = (OVERDUE, OPEN, PENDING, MET)

# Human wording of the anchors the extractor reports ("from the signing", ...).
ANCHOR_LABELS = {
    "signing": "signing date",
    "signature": "signing date",
    "entry_into_force": "entry-into-force date",
    "publication": "publication date",
}


def parse_duration(period: str) -> relativedelta:
    """ISO 8601 duration (the subset the record uses: ``P1Y``, ``P3M``, ``P2W``, ``P1Y6M``)."""
    m = _DURATION.match(period or "")
    if not m or not any(m.groups()):
        raise ValueError(f"not an ISO 8601 duration: {period!r}")
    y, mo, w, d = (int(g) if g else 0 for g in m.groups())
    return relativedelta(years=y, months=mo, weeks=w, days=d)


def add_period(start: date, period: str) -> date:
    """``start`` + ISO duration; month arithmetic clamps to the month's end (Nov 30 + P3M = Feb 28)."""
    return start + parse_duration(period)


def parse_day(value: str | date | None) -> date | None:
    """A full ``YYYY-MM-DD`` date, or None for None/partial dates (``2026-02``, ``2026``)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return None


def end_of(partial: str) -> date:
    """Last day a partial date covers: a due date "by March 2027" (``2027-03``) runs to 03-31."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", partial):
        return date.fromisoformat(partial)
    if re.fullmatch(r"\d{4}-\d{2}", partial):
        y, m = int(partial[:4]), int(partial[5:])
        return date(y, m, calendar.monthrange(y, m)[1])
    if re.fullmatch(r"\d{4}", partial):
        return date(int(partial), 12, 31)
    raise ValueError(f"not a date: {partial!r}")


@dataclass(frozen=True)
class MechanismFacts:
    """What the tracker knows about one body/mechanism of an agreement."""

    agreement_id: int
    body_id: int
    kind: str
    name: str | None = None
    frequency: str | None = None        # ISO duration of a recurring meeting (P1Y)
    due: str | None = None              # absolute due date from the record (may be partial)
    due_period: str | None = None       # relative term (P3M) ...
    due_anchor: str | None = None       # ... counted from this anchor ("signing")
    task: str | None = None             # what is due, for the deadline's title
    met_on: date | None = None          # when a one-off term was recorded as met
    meetings: tuple[date, ...] = ()     # recorded meetings of this body


@dataclass(frozen=True)
class MilestoneFacts:
    agreement_id: int
    milestone_id: int
    title: str
    due: date | None
    done: date | None = None
    project_id: int | None = None


@dataclass(frozen=True)
class Deadline:
    """One concrete (or pending) due date."""

    uid: str                  # stable across runs: the iCal UID and the CSV/JSON key
    agreement_id: int
    source: str               # "body" | "milestone"
    source_id: int
    title: str
    recurring: bool
    due: date | None          # None while pending
    state: str                # overdue | open | pending | met
    reason: str | None = None  # why pending, or how the date was derived
    frequency: str | None = None
    met_on: date | None = None
    last_meeting: date | None = None
    agreement_name: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def days_left(self, today: date) -> int | None:
        return None if self.due is None else (self.due - today).days

    def to_dict(self, today: date | None = None) -> dict:
        d = {
            "uid": self.uid, "agreement_id": self.agreement_id, "agreement_name": self.agreement_name,
            "source": self.source, "source_id": self.source_id, "title": self.title,
            "recurring": self.recurring, "due": self.due.isoformat() if self.due else None,
            "state": self.state, "reason": self.reason, "frequency": self.frequency,
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "last_meeting": self.last_meeting.isoformat() if self.last_meeting else None,
        }
        if today is not None:
            d["days_left"] = self.days_left(today)
        return d


def _state(due: date, today: date, met_on: date | None) -> str:
    if met_on is not None:
        return MET
    return OVERDUE if due < today else OPEN


def _anchor(anchor: str | None, anchors: Mapping[str, str | date | None]) -> tuple[date | None, str | None]:
    """Resolve an anchor name to a day, or explain why it cannot be (the pending reason)."""
    name = anchor or "signing"
    if name == "signature":
        name = "signing"
    label = ANCHOR_LABELS.get(name, f"{name} date")
    raw = anchors.get(name)
    if raw is None or raw == "":
        return None, f"{label} unknown"
    day = parse_day(raw)
    if day is None:
        # A month-precision signing date cannot place a "within three months" term to the day.
        return None, f"{label} known only as {raw}"
    return day, None


def _body_title(m: MechanismFacts) -> str:
    return m.name or m.kind.replace("_", " ")


def mechanism_deadlines(m: MechanismFacts, anchors: Mapping[str, str | date | None], today: date) -> list[Deadline]:
    """The deadlines one mechanism produces (none, a one-off, a recurring one, or both)."""
    out: list[Deadline] = []
    base = f"pactwatch-a{m.agreement_id}-b{m.body_id}"
    title = _body_title(m)
    # One-off term: an absolute due date wins over the relative term it was computed from.
    # A recurring body's lone ``due`` is its first meeting, handled below (not twice).
    if m.due_period or (m.due and not m.frequency):
        what = f"{title}: {m.task}" if m.task else f"{title}: due"
        if m.due:
            due = end_of(m.due)
            reason = f"due {m.due}"
            out.append(Deadline(f"{base}-due", m.agreement_id, "body", m.body_id, what, False, due,
                                _state(due, today, m.met_on), reason, met_on=m.met_on))
        else:
            day, why = _anchor(m.due_anchor, anchors)
            label = ANCHOR_LABELS.get(m.due_anchor or "signing", "anchor")
            if day is None:
                state = MET if m.met_on else PENDING
                out.append(Deadline(f"{base}-due", m.agreement_id, "body", m.body_id, what, False, None,
                                    state, why, met_on=m.met_on))
            else:
                due = add_period(day, m.due_period)
                out.append(Deadline(f"{base}-due", m.agreement_id, "body", m.body_id, what, False, due,
                                    _state(due, today, m.met_on), f"{m.due_period} after {label} {day}",
                                    met_on=m.met_on))
    if m.frequency:
        what = f"{title}: next meeting"
        last = max(m.meetings) if m.meetings else None
        if last is not None:
            due, reason = add_period(last, m.frequency), f"{m.frequency} after last meeting {last}"
        elif m.due and not m.due_period:
            # "first meeting by June, then every year": the first one is due on the stated date.
            due, reason = end_of(m.due), f"first meeting due {m.due}"
        else:
            # A yearly meeting "within the framework of the present Charter" counts from the
            # same anchor as the agreement's other terms, the signing unless the text says otherwise.
            day, why = _anchor(m.due_anchor, anchors)
            if day is None:
                out.append(Deadline(f"{base}-meet", m.agreement_id, "body", m.body_id, what, True, None,
                                    PENDING, why, frequency=m.frequency))
                return out
            label = ANCHOR_LABELS.get(m.due_anchor or "signing", "anchor")
            due, reason = add_period(day, m.frequency), f"{m.frequency} after {label} {day} (no meeting recorded)"
        out.append(Deadline(f"{base}-meet", m.agreement_id, "body", m.body_id, what, True, due,
                            OVERDUE if due < today else OPEN, reason, frequency=m.frequency, last_meeting=last))
    return out


def milestone_deadline(ms: MilestoneFacts, today: date) -> Deadline:
    uid = f"pactwatch-a{ms.agreement_id}-m{ms.milestone_id}"
    if ms.due is None:
        state = MET if ms.done else PENDING
        return Deadline(uid, ms.agreement_id, "milestone", ms.milestone_id, ms.title, False, None, state,
                        "no due date set", met_on=ms.done)
    reason = f"met {ms.done}" + (" (late)" if ms.done > ms.due else "") if ms.done else None
    return Deadline(uid, ms.agreement_id, "milestone", ms.milestone_id, ms.title, False, ms.due,
                    _state(ms.due, today, ms.done), reason, met_on=ms.done)


def compute_deadlines(mechanisms: Iterable[MechanismFacts], milestones: Iterable[MilestoneFacts],
                      anchors: Mapping[int, Mapping[str, str | date | None]], today: date,
                      names: Mapping[int, str] | None = None) -> list[Deadline]:
    """Every deadline of the given agreements, sorted: overdue, open (soonest first), pending, met.

    ``anchors`` maps agreement id -> {"signing": "2026-02-10" | "2026-02" | None, ...}.
    """
    out: list[Deadline] = []
    for m in mechanisms:
        out.extend(mechanism_deadlines(m, anchors.get(m.agreement_id, {}), today))
    for ms in milestones:
        out.append(milestone_deadline(ms, today))
    if names:
        out = [replace(d, agreement_name=names.get(d.agreement_id)) for d in out]
    return sort_deadlines(out)


def sort_deadlines(deadlines: Iterable[Deadline]) -> list[Deadline]:
    order = {s: i for i, s in enumerate(STATES)}
    return sorted(deadlines, key=lambda d: (order[d.state], d.due or date.max, d.agreement_id, d.uid))


__all__ = [
    "Deadline", "MechanismFacts", "MilestoneFacts", "STATES", "OVERDUE", "OPEN", "PENDING", "MET",
    "add_period", "compute_deadlines", "end_of", "mechanism_deadlines", "milestone_deadline",
    "parse_day", "parse_duration", "sort_deadlines",
]
