"""CSV layout of tracking data and the per-field converters both CSV import and the
single-item API use, so a bad date is refused with the same words everywhere.

One CSV per entity type (``bodies.csv``, ``projects.csv``, ``milestones.csv``,
``meetings.csv``, ``updates.csv``, plus ``agreements.csv`` for the office's anchor dates),
every column of the table in it, ``id`` included: an office can keep its spreadsheet,
edit it, and import it back; export -> import -> export gives the same files.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row
is row 2, so "meetings.csv row 4" is the line the office sees as 4.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from pactwatch.track.deadlines import parse_duration
from pactwatch.track.models import BODY_KINDS, ORIGINS, PROJECT_STATUSES

# Import/apply order: a row may only refer to rows of entities listed before it.
ENTITY_ORDER = ("agreements", "bodies", "projects", "milestones", "meetings", "updates")
ID_SEP = ";"


class FieldError(ValueError):
    """One bad value: ``field`` names the column."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Refused(ValueError):
    """Tracking input refused; ``errors`` holds one message per problem, each naming where."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _q(v: Any) -> str:
    return '"' + str(v).replace('"', '""') + '"'


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def to_text(v: Any) -> str | None:
    return None if _blank(v) else str(v).strip()


def to_int(v: Any) -> int | None:
    if _blank(v):
        return None
    if isinstance(v, bool):
        raise ValueError(f"not an integer: {_q(v)}")
    if isinstance(v, int):
        return v
    s = str(v).strip()
    if not re.fullmatch(r"\d+", s):
        raise ValueError(f"not an integer: {_q(v)}")
    return int(s)


def to_date(v: Any) -> date | None:
    if _blank(v):
        return None
    if isinstance(v, date):
        return v
    s = str(v).strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            raise ValueError
        return date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"not a date: {_q(v)}") from None


def to_partial_date(v: Any) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD (a due date may be known only to the month)."""
    if _blank(v):
        return None
    if isinstance(v, date):
        return v.isoformat()
    s = str(v).strip()
    ok = False
    if re.fullmatch(r"\d{4}", s):
        ok = True
    elif re.fullmatch(r"\d{4}-\d{2}", s):
        ok = 1 <= int(s[5:]) <= 12
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        try:
            date.fromisoformat(s)
            ok = True
        except ValueError:
            ok = False
    if not ok:
        raise ValueError(f"not a date (YYYY, YYYY-MM or YYYY-MM-DD): {_q(v)}")
    return s


def to_duration(v: Any) -> str | None:
    if _blank(v):
        return None
    s = str(v).strip().upper()
    try:
        parse_duration(s)
    except ValueError:
        raise ValueError(f"not an ISO 8601 duration like P1Y or P3M: {_q(v)}") from None
    return s


def choice(options: Iterable[str]) -> Callable[[Any], str | None]:
    opts = tuple(options)

    def conv(v: Any) -> str | None:
        if _blank(v):
            return None
        s = str(v).strip().lower().replace(" ", "_").replace("-", "_")
        if s not in opts:
            raise ValueError(f"not one of {', '.join(opts)}: {_q(v)}")
        return s
    return conv


def to_ids(v: Any) -> list[int]:
    """``"12;15"`` (or a list) -> [12, 15]: the provisions an item implements."""
    if _blank(v):
        return []
    items = v if isinstance(v, (list, tuple, set, frozenset)) else str(v).split(ID_SEP)
    out = []
    for it in items:
        if isinstance(it, str) and it.strip() == "":
            continue
        try:
            out.append(to_int(it))
        except ValueError:
            raise ValueError(f"not a list of provision ids separated by \"{ID_SEP}\": {_q(v)}") from None
    return sorted(set(out))


@dataclass(frozen=True)
class Column:
    name: str
    conv: Callable[[Any], Any]
    required: bool = False


# The columns of each entity, in CSV order.  ``provisions`` is the link table.
SPECS: dict[str, tuple[Column, ...]] = {
    "agreements": (
        Column("agreement_id", to_int, True), Column("signed_date", to_date), Column("in_force_date", to_date),
        Column("notes", to_text),
    ),
    "bodies": (
        Column("id", to_int), Column("agreement_id", to_int, True), Column("mechanism_id", to_int),
        Column("kind", choice(BODY_KINDS), True), Column("name", to_text, True),
        Column("frequency", to_duration), Column("due", to_partial_date), Column("due_period", to_duration),
        Column("due_anchor", choice(("signing", "entry_into_force"))), Column("task", to_text),
        Column("established", to_date), Column("met_on", to_date), Column("notes", to_text),
        Column("origin", choice(ORIGINS)), Column("provisions", to_ids),
    ),
    "projects": (
        Column("id", to_int), Column("agreement_id", to_int, True), Column("body_id", to_int),
        Column("name", to_text, True), Column("description", to_text),
        Column("status", choice(PROJECT_STATUSES)), Column("start_date", to_date), Column("end_date", to_date),
        Column("lead", to_text), Column("provisions", to_ids),
    ),
    "milestones": (
        Column("id", to_int), Column("agreement_id", to_int, True), Column("project_id", to_int),
        Column("body_id", to_int), Column("title", to_text, True), Column("due_date", to_date),
        Column("done_date", to_date), Column("notes", to_text), Column("provisions", to_ids),
    ),
    "meetings": (
        Column("id", to_int), Column("agreement_id", to_int, True), Column("body_id", to_int, True),
        Column("date", to_date, True), Column("place", to_text), Column("notes", to_text),
        Column("provisions", to_ids),
    ),
    "updates": (
        Column("id", to_int), Column("agreement_id", to_int, True), Column("project_id", to_int),
        Column("milestone_id", to_int), Column("date", to_date, True), Column("text", to_text, True),
        Column("status", choice(PROJECT_STATUSES)), Column("provisions", to_ids),
    ),
}
SINGULAR = {"agreements": "agreement", "bodies": "body", "projects": "project", "milestones": "milestone",
            "meetings": "meeting", "updates": "update"}


def convert_row(entity: str, raw: dict[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], list[FieldError]]:
    """Convert one row's values; returns (values, errors).  Columns absent from ``raw`` are
    left out of ``values`` (an update keeps what it does not mention) unless required."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for col in SPECS[entity]:
        if col.name not in raw:
            if col.required and not partial:
                errors.append(FieldError(col.name, "missing value"))
            continue
        if col.name != "provisions" and isinstance(raw[col.name], (dict, list, tuple, set)):
            # JSON clients can send structures; a cell holds one value.
            errors.append(FieldError(col.name, f"expected a single value, got {type(raw[col.name]).__name__}"))
            continue
        try:
            v = col.conv(raw[col.name])
        except ValueError as exc:
            errors.append(FieldError(col.name, str(exc)))
            continue
        if v is None and col.required:
            errors.append(FieldError(col.name, "missing value"))
            continue
        values[col.name] = v
    return values, errors


def entity_of_path(path: str | Path) -> str | None:
    """``meetings.csv`` / ``2026-meetings.csv`` -> "meetings"."""
    stem = Path(path).stem.lower()
    for name in ENTITY_ORDER:
        if stem == name or stem.endswith(("-" + name, "_" + name, " " + name)):
            return name
    return None


def read_csv(text: str, entity: str, filename: str) -> tuple[list[tuple[str, dict[str, str]]], list[str]]:
    """Parse CSV text into [(label, raw row)] with labels like ``meetings.csv row 4``; also
    returns structural errors (unknown/missing columns, ragged rows)."""
    errors: list[str] = []
    rows: list[tuple[str, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], [f"{filename}: empty file (no header row)"]
    except csv.Error as exc:
        return [], [f"{filename} row 1: {exc}"]
    header = [h.strip() for h in header]
    known = {c.name for c in SPECS[entity]}
    for h in header:
        if h not in known:
            errors.append(f'{filename} row 1, field "{h}": unknown column (expected some of {", ".join(c.name for c in SPECS[entity])})')
    if len(set(header)) != len(header):
        errors.append(f"{filename} row 1: a column appears twice")
    for c in SPECS[entity]:
        if c.required and c.name not in header:
            errors.append(f'{filename} row 1, field "{c.name}": required column missing')
    n = 1
    try:
        for n, cells in enumerate(reader, start=2):
            if not cells or all(c.strip() == "" for c in cells):
                continue  # spreadsheets leave blank lines; they carry nothing
            label = f"{filename} row {n}"
            if len(cells) != len(header):
                errors.append(f"{label}: {len(cells)} values for {len(header)} columns")
                continue
            rows.append((label, dict(zip(header, cells))))
    except csv.Error as exc:
        errors.append(f"{filename} row {n + 1}: {exc}")
    return rows, errors


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ID_SEP.join(str(x) for x in v)
    return str(v)


def write_csv(entity: str, rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180 line ends, what spreadsheets expect
    cols = [c.name for c in SPECS[entity]]
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return buf.getvalue()


__all__ = [
    "Column", "ENTITY_ORDER", "FieldError", "Refused", "SINGULAR", "SPECS", "convert_row", "entity_of_path",
    "read_csv", "to_date", "to_duration", "to_ids", "to_int", "to_partial_date", "write_csv",
]
