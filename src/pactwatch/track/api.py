"""Tracking API over a ``pactwatch.store.Store``: one function per thing the CLI, the web
router (and the web engineer's Deadlines page) need; each opens one transaction.

``db`` is a ``Store`` or a database URL.  ``today`` is injectable everywhere (default: the
UTC date now) so "overdue" can be checked for a fixed day.

    from pactwatch.track import api as track
    track.list_deadlines(store, overdue=True)              # [{uid, due, state, reason, ...}]
    track.set_signed_date(store, 1, "2026-02-10")           # pending terms become dates
    track.import_csv(store, ["meetings.csv"])               # all-or-nothing
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from pactwatch.track import service
from pactwatch.track.csvio import ENTITY_ORDER, Refused, entity_of_path, read_csv, write_csv
from pactwatch.track.deadlines import Deadline
from pactwatch.track.ical import deadlines_to_ical


def today_utc() -> date:
    return datetime.now(timezone.utc).date()


@contextlib.contextmanager
def _session(db):
    """A transaction on ``db`` (a Store, or a URL opened and closed here)."""
    if hasattr(db, "session"):
        with db.session() as s:
            yield s
        return
    from pactwatch.store import Store

    st = Store(db)
    try:
        with st.session() as s:
            yield s
    finally:
        st.close()


def _row(obj) -> dict[str, Any]:
    d = {c.name: getattr(obj, c.name) for c in obj.__table__.columns}
    return {k: (v.isoformat() if isinstance(v, (date, datetime)) else v) for k, v in d.items()}


# -- reading ---------------------------------------------------------------------------------

def tracking(db, agreement_id: int, *, today: date | None = None) -> dict:
    """Bodies, projects, milestones, meetings, updates, provision status, coverage, progress
    per domain and deadlines of one agreement (raises ``Refused`` for an unknown id)."""
    with _session(db) as s:
        return service.tracking(s, agreement_id, today or today_utc())


def deadline_objects(db, *, today: date | None = None, agreement_id: int | None = None,
                     overdue: bool = False) -> list[Deadline]:
    with _session(db) as s:
        return service.deadlines(s, today or today_utc(), agreement_id=agreement_id, overdue_only=overdue)


def list_deadlines(db, *, today: date | None = None, agreement_id: int | None = None,
                   overdue: bool = False) -> list[dict]:
    """Every deadline as plain dicts: {uid, agreement_id, agreement_name, source, source_id,
    title, recurring, due, state (overdue|open|pending|met), reason, frequency, met_on,
    last_meeting, days_left}; sorted overdue first, then soonest."""
    t = today or today_utc()
    return [d.to_dict(t) for d in deadline_objects(db, today=t, agreement_id=agreement_id, overdue=overdue)]


def ical(db, *, today: date | None = None, agreement_id: int | None = None, overdue: bool = False,
         stamp: datetime | None = None) -> bytes:
    """The deadlines as an RFC 5545 calendar."""
    return deadlines_to_ical(deadline_objects(db, today=today, agreement_id=agreement_id, overdue=overdue),
                             stamp=stamp)


def status(db, agreement_id: int | None = None, *, today: date | None = None) -> list[dict]:
    """One summary per tracked agreement (or the given one): coverage, provision counts,
    bodies/projects/milestones/meetings counts, overdue and next deadline."""
    t = today or today_utc()
    out = []
    with _session(db) as s:
        service.sync_pending(s, agreement_id)
        ids = [agreement_id] if agreement_id is not None else service.tracked_agreement_ids(s)
        for aid in ids:
            tr = service.tracking(s, aid, t)
            dl = tr["deadlines"]
            upcoming = [d for d in dl if d["state"] == "open"]
            out.append({
                "agreement_id": aid, "name": tr["agreement"]["name"], "signed_date": tr["anchors"]["signed_date"],
                "coverage": tr["coverage"], "counts": tr["counts"],
                "bodies": len(tr["bodies"]), "projects": len(tr["projects"]),
                "milestones": len(tr["milestones"]), "meetings": len(tr["meetings"]),
                "overdue": [d for d in dl if d["state"] == "overdue"],
                "pending": [d for d in dl if d["state"] == "pending"],
                "next": upcoming[0] if upcoming else None,
                "tracking": tr,
            })
    return out


# -- writing ---------------------------------------------------------------------------------

def add(db, entity: str, values: dict[str, Any]) -> dict:
    """Add one body/project/milestone/meeting/update (``values`` as the CSV columns);
    returns the stored row.  Raises ``Refused`` naming the field on bad input."""
    with _session(db) as s:
        if entity == "updates":
            # Missing values are the validator's to report (field named), not a TypeError.
            obj = service.add_update(s, values.get("agreement_id"), values.get("text"), values.get("date"),
                                     **{k: v for k, v in values.items() if k not in ("agreement_id", "text", "date")})
        else:
            obj = service.write(s, entity, values)
        links = service.links_of(s, entity, [obj.id]).get(obj.id, [])
        return _row(obj) | {"provisions": links}


def edit(db, entity: str, item_id: int, changes: dict[str, Any]) -> dict:
    with _session(db) as s:
        obj = service.edit_item(s, entity, item_id, **changes)
        return _row(obj) | {"provisions": service.links_of(s, entity, [obj.id]).get(obj.id, [])}


def set_dates(db, agreement_id: int, *, signed_date=None, in_force_date=None, notes=None) -> dict:
    """Record the signing / entry-into-force date the office knows."""
    with _session(db) as s:
        return _row(service.set_anchors(s, agreement_id, signed_date=signed_date, in_force_date=in_force_date,
                                        notes=notes))


def update(db, agreement_id: int, *, signed_date=None, in_force_date=None, project_id: int | None = None,
           milestone_id: int | None = None, body_id: int | None = None, status: str | None = None,
           done=None, met=None, note: str | None = None, on=None) -> list[str]:
    """Record news about an agreement in ONE transaction (all of it or none): its dates, a
    milestone reached (``done``), a body's one-off term met (``met``), a status update
    (``note`` and/or a project's new ``status``, dated ``on``, default today).
    Returns what was changed."""
    did: list[str] = []
    with _session(db) as s:
        if service.session_agreement(s, agreement_id) is None:
            raise Refused([f'agreement {agreement_id}, field "agreement_id": unknown agreement: {agreement_id}'])
        if signed_date is not None or in_force_date is not None:
            service.set_anchors(s, agreement_id, signed_date=signed_date, in_force_date=in_force_date)
            did.append("dates")
        if milestone_id is not None and done is not None:
            service.edit_item(s, "milestones", milestone_id, done_date=done, agreement_id=agreement_id)
            did.append(f"milestone #{milestone_id}")
        if body_id is not None and met is not None:
            service.edit_item(s, "bodies", body_id, met_on=met, agreement_id=agreement_id)
            did.append(f"body #{body_id}")
        if note or (status and project_id is not None):
            # A status change is recorded as an update too, so the history says when it happened.
            service.add_update(s, agreement_id, note or f"status: {status}", on or today_utc(),
                               project_id=project_id, milestone_id=milestone_id, status=status)
            did.append("status update")
    return did


def sync(db, agreement_id: int | None = None) -> list[int]:
    """Explicit sync: bodies for every mechanism of one agreement (or of all that need it)."""
    with _session(db) as s:
        if agreement_id is not None:
            service.sync_from_agreement(s, agreement_id)
            return [agreement_id]
        return service.sync_pending(s)


# -- CSV -------------------------------------------------------------------------------------

def export_csv(db, out_dir: str | Path, *, agreement_id: int | None = None) -> list[Path]:
    """Write one CSV per entity into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    with _session(db) as s:
        service.sync_pending(s, agreement_id)
        for entity in ENTITY_ORDER:
            p = out / f"{entity}.csv"
            # utf-8-sig: spreadsheet programs read the BOM as "this is UTF-8" (names with
            # diacritics survive a double-click open); read_csv strips it again.
            p.write_text(write_csv(entity, service.rows(s, entity, agreement_id)), encoding="utf-8-sig", newline="")
            paths.append(p)
    return paths


def _csv_inputs(paths: Iterable[str | Path], entity: str | None) -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for name in ENTITY_ORDER:
                if (p / f"{name}.csv").exists():
                    files.append((name, p / f"{name}.csv"))
            continue
        ent = entity or entity_of_path(p)
        if ent is None:
            raise Refused([f"{p.name}: cannot tell which table it holds; name it like meetings.csv or pass "
                           f"--type ({', '.join(ENTITY_ORDER)})"])
        files.append((ent, p))
    return files


def import_csv(db, paths: Iterable[str | Path], *, entity: str | None = None) -> dict[str, int]:
    """Import CSV files (or directories written by ``export_csv``) all-or-nothing: every
    row of every file is validated first; on any problem ``Refused`` lists them all and
    nothing is written.  Returns {entity: rows written}."""
    tables: dict[str, list] = {}
    structural: list[str] = []
    for ent, p in _csv_inputs(paths, entity):
        if not p.exists():
            structural.append(f"{p}: no such file")
            continue
        try:
            text = p.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            structural.append(f"{p.name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
            continue
        rows, errs = read_csv(text, ent, p.name)
        structural.extend(errs)
        tables.setdefault(ent, []).extend(rows)
    # Structural problems (ragged rows, unknown columns) and value problems are reported
    # together, so one round of fixes in the spreadsheet is enough.
    with _session(db) as s:
        return service.import_tables(s, tables, structural)


__all__ = [
    "Refused", "add", "deadline_objects", "edit", "export_csv", "ical", "import_csv", "list_deadlines",
    "set_dates", "status", "sync", "today_utc", "tracking", "update",
]
