"""Tracking commands: ``pactwatch track ...``, ``pactwatch deadlines``, ``pactwatch report``.

A thin layer over ``pactwatch.track.api``: parse options, call, print.  Refused input
(unknown agreement, end before start, duplicate meeting, malformed CSV row) is printed
one problem per line on stderr with exit code 1; nothing is written in that case.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pactwatch.cli import app

track_app = typer.Typer(help="Follow an agreement's machinery after the signing: bodies, projects, "
                             "milestones, meetings, status.", no_args_is_help=True)
app.add_typer(track_app, name="track")

_out = Console(highlight=False, soft_wrap=True)
_err = Console(stderr=True, highlight=False, soft_wrap=True)

TodayOpt = typer.Option(None, "--today", help="Evaluate deadlines as of this day (YYYY-MM-DD); default: today (UTC).")
ProvOpt = typer.Option(None, "--provision", "-p", help="Id of a provision this implements (repeatable).")
from pactwatch.cli.common import DbOpt, JsonOpt  # noqa: E402
from pactwatch.cli.common import open_store as _store  # noqa: E402


def _day(value: str | None, option: str) -> date | None:
    from pactwatch.track.csvio import to_date

    try:
        return to_date(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def _run(fn):
    """Call ``fn``; a refusal becomes its messages on stderr and exit code 1."""
    from pactwatch.track.csvio import Refused

    try:
        return fn()
    except Refused as exc:
        for e in exc.errors:
            _err.print(Text(e))
        _err.print(Text("refused: nothing was written"))
        raise typer.Exit(1) from None


def _dump(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _added(entity: str, row: dict, as_json: bool) -> None:
    if as_json:
        _dump(row)
    else:
        _out.print(Text(f"added {entity} #{row['id']}"))


def _add(db, entity: str, values: dict, as_json: bool) -> None:
    from pactwatch.track import api

    with _store(db) as st:
        row = _run(lambda: api.add(st, entity, values))
    _added(entity.rstrip("s") if entity != "bodies" else "body", row, as_json)


@track_app.command("add-body")
def add_body_cmd(
    agreement: int = typer.Argument(..., help="Agreement id."),
    kind: str = typer.Option(..., "--kind", help="commission, working_group, dialogue, council, committee, summit, "
                                                 "meeting, secretariat or other."),
    name: str = typer.Option(..., "--name"),
    frequency: Optional[str] = typer.Option(None, "--frequency", help="ISO 8601 duration between meetings, e.g. P1Y."),
    due: Optional[str] = typer.Option(None, "--due", help="Absolute due date of its task (YYYY[-MM[-DD]])."),
    due_period: Optional[str] = typer.Option(None, "--due-period", help="Relative term, e.g. P3M ..."),
    due_anchor: Optional[str] = typer.Option(None, "--due-anchor", help="... after: signing | entry_into_force."),
    task: Optional[str] = typer.Option(None, "--task", help="What is due."),
    established: Optional[str] = typer.Option(None, "--established", help="Date set up (YYYY-MM-DD)."),
    notes: Optional[str] = typer.Option(None, "--notes"),
    provision: Optional[list[int]] = ProvOpt,
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt,
) -> None:
    """Add a partnership body (commission, working group, dialogue, ...)."""
    _add(db, "bodies", {"agreement_id": agreement, "kind": kind, "name": name, "frequency": frequency, "due": due,
                        "due_period": due_period, "due_anchor": due_anchor, "task": task, "established": established,
                        "notes": notes, "provisions": provision or []}, as_json)


@track_app.command("add-project")
def add_project_cmd(
    agreement: int = typer.Argument(..., help="Agreement id."),
    name: str = typer.Option(..., "--name"),
    body: Optional[int] = typer.Option(None, "--body", help="Id of the body running it."),
    status: str = typer.Option("planned", "--status", help="planned, in_progress, done, suspended, cancelled."),
    start: Optional[str] = typer.Option(None, "--start", help="Start date (YYYY-MM-DD)."),
    end: Optional[str] = typer.Option(None, "--end", help="End date (YYYY-MM-DD)."),
    lead: Optional[str] = typer.Option(None, "--lead"),
    description: Optional[str] = typer.Option(None, "--description"),
    provision: Optional[list[int]] = ProvOpt,
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt,
) -> None:
    """Add a project implementing provisions of the agreement."""
    _add(db, "projects", {"agreement_id": agreement, "name": name, "body_id": body, "status": status,
                          "start_date": start, "end_date": end, "lead": lead, "description": description,
                          "provisions": provision or []}, as_json)


@track_app.command("add-milestone")
def add_milestone_cmd(
    agreement: int = typer.Argument(..., help="Agreement id."),
    title: str = typer.Option(..., "--title"),
    due: Optional[str] = typer.Option(None, "--due", help="Due date (YYYY-MM-DD)."),
    done: Optional[str] = typer.Option(None, "--done", help="Date reached (YYYY-MM-DD)."),
    project: Optional[int] = typer.Option(None, "--project"),
    body: Optional[int] = typer.Option(None, "--body"),
    notes: Optional[str] = typer.Option(None, "--notes"),
    provision: Optional[list[int]] = ProvOpt,
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt,
) -> None:
    """Add a roadmap milestone."""
    _add(db, "milestones", {"agreement_id": agreement, "title": title, "due_date": due, "done_date": done,
                            "project_id": project, "body_id": body, "notes": notes, "provisions": provision or []},
         as_json)


@track_app.command("add-meeting")
def add_meeting_cmd(
    agreement: int = typer.Argument(..., help="Agreement id."),
    body: int = typer.Option(..., "--body", help="Id of the body that met (see `track status`)."),
    on: str = typer.Option(..., "--date", help="YYYY-MM-DD"),
    place: Optional[str] = typer.Option(None, "--place"),
    notes: Optional[str] = typer.Option(None, "--notes"),
    provision: Optional[list[int]] = ProvOpt,
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt,
) -> None:
    """Record a meeting of a body (one per body and day)."""
    _add(db, "meetings", {"agreement_id": agreement, "body_id": body, "date": on, "place": place, "notes": notes,
                          "provisions": provision or []}, as_json)


@track_app.command("update")
def update_cmd(
    agreement: int = typer.Argument(..., help="Agreement id."),
    signed_date: Optional[str] = typer.Option(None, "--signed-date", help="The signing date, when the sources lack it."),
    in_force_date: Optional[str] = typer.Option(None, "--in-force-date", help="Date of entry into force."),
    project: Optional[int] = typer.Option(None, "--project", help="Project to update."),
    milestone: Optional[int] = typer.Option(None, "--milestone", help="Milestone to update."),
    body: Optional[int] = typer.Option(None, "--body", help="Body whose one-off term was met (with --met)."),
    status: Optional[str] = typer.Option(None, "--status", help="New project status (planned, in_progress, done, ...)."),
    done: Optional[str] = typer.Option(None, "--done", help="Milestone reached on (YYYY-MM-DD)."),
    met: Optional[str] = typer.Option(None, "--met", help="Body's term met on (YYYY-MM-DD)."),
    note: Optional[str] = typer.Option(None, "--note", help="Text of a status update to record."),
    on: Optional[str] = typer.Option(None, "--date", help="Date of the status update (default today)."),
    db: Optional[str] = DbOpt,
) -> None:
    """Record news: the signing date, a project's status, a milestone reached, a status note."""
    from pactwatch.track import api

    if not (signed_date or in_force_date or (milestone is not None and done) or (body is not None and met) or note
            or (status and project is not None)):
        raise typer.BadParameter("nothing to update: give --signed-date, --project/--status, --milestone/--done, "
                                 "--body/--met or --note")
    with _store(db) as st:
        did = _run(lambda: api.update(st, agreement, signed_date=signed_date, in_force_date=in_force_date,
                                      project_id=project, milestone_id=milestone, body_id=body, status=status,
                                      done=done, met=met, note=note, on=on))
    _out.print(Text(f"updated agreement #{agreement}: {', '.join(did)}"))


def _status_table(s: dict) -> None:
    tr = s["tracking"]
    cov = s["coverage"]
    share = "n/a" if cov["share"] is None else f"{round(100 * cov['share'])} %"
    _out.print(Text(f"#{s['agreement_id']} {s['name']}", style="bold"))
    _out.print(Text(f"  signed: {s['signed_date'] or 'unknown'} · coverage {cov['covered']}/{cov['total']} ({share}) · "
                    + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in s["counts"].items())))
    t = Table("id", "kind", "body", "meets", "last meeting", box=None, title="bodies", title_justify="left")
    for b in tr["bodies"]:
        t.add_row(str(b["id"]), b["kind"], b["name"], b["frequency"] or "", b["last_meeting"] or "")
    if tr["bodies"]:
        _out.print(t)
    if tr["projects"]:
        t = Table("id", "project", "status", "end", "provisions", box=None, title="projects", title_justify="left")
        for p in tr["projects"]:
            t.add_row(str(p["id"]), p["name"], p["status"], p["end_date"] or "", ",".join(map(str, p["provisions"])))
        _out.print(t)
    t = Table("due", "state", "deadline", "why", box=None, title="deadlines", title_justify="left")
    for d in tr["deadlines"]:
        t.add_row(d["due"] or "—", d["state"], d["title"], d["reason"] or "")
    if tr["deadlines"]:
        _out.print(t)
    t = Table("id", "status", "provision", box=None, title="provisions", title_justify="left")
    for p in tr["provisions"]:
        t.add_row(str(p["id"]), p["state"].replace("_", " "), p["text"][:90])
    if tr["provisions"]:
        _out.print(t)
    _out.print()


@track_app.command("status")
def status_cmd(
    agreement: Optional[int] = typer.Argument(None, help="Agreement id (default: every tracked agreement)."),
    today: Optional[str] = TodayOpt, db: Optional[str] = DbOpt, as_json: bool = JsonOpt,
) -> None:
    """Implementation status: bodies, projects, provision status, coverage, deadlines."""
    from pactwatch.track import api

    with _store(db) as st:
        data = _run(lambda: api.status(st, agreement, today=_day(today, "--today")))
    if as_json:
        _dump([{k: v for k, v in s.items() if k != "tracking"} | {"tracking": s["tracking"]} for s in data])
        return
    if not data:
        _out.print("no tracked agreements")
    for s in data:
        _status_table(s)


@track_app.command("sync")
def sync_cmd(agreement: Optional[int] = typer.Argument(None, help="Agreement id (default: all that need it)."),
             db: Optional[str] = DbOpt) -> None:
    """Create bodies from the mechanisms the extractor found (reads do this on their own too)."""
    from pactwatch.track import api

    with _store(db) as st:
        ids = _run(lambda: api.sync(st, agreement))
    _out.print(Text(f"synced {len(ids)} agreement(s)"))


@track_app.command("export")
def export_cmd(out: Path = typer.Option(..., "--out", help="Directory for the CSV files (one per table)."),
               agreement: Optional[int] = typer.Option(None, "--agreement", help="Only this agreement."),
               db: Optional[str] = DbOpt) -> None:
    """Export tracking data as CSV: agreements, bodies, projects, milestones, meetings, updates."""
    from pactwatch.track import api

    with _store(db) as st:
        paths = api.export_csv(st, out, agreement_id=agreement)
    for p in paths:
        _out.print(Text(str(p)))


@track_app.command("import")
def import_cmd(files: list[Path] = typer.Argument(..., help="CSV files (named like meetings.csv) or export directories."),
               kind: Optional[str] = typer.Option(None, "--type", help="Table of the files when their names do not say: "
                                                                        "agreements, bodies, projects, milestones, meetings, updates."),
               db: Optional[str] = DbOpt) -> None:
    """Import CSV all-or-nothing: every row is checked first; one bad row and nothing changes."""
    from pactwatch.track import api

    with _store(db) as st:
        counts = _run(lambda: api.import_csv(st, files, entity=kind))
    _out.print(Text("imported " + (", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing")))


@app.command("deadlines")
def deadlines_cmd(
    overdue: bool = typer.Option(False, "--overdue", help="Only overdue deadlines."),
    ical: Optional[Path] = typer.Option(None, "--ical", help="Also write an RFC 5545 calendar file."),
    today: Optional[str] = TodayOpt,
    agreement: Optional[int] = typer.Option(None, "--agreement", help="Only this agreement."),
    db: Optional[str] = DbOpt, as_json: bool = JsonOpt,
) -> None:
    """Due dates derived from the agreements' machinery and milestones (overdue first)."""
    from pactwatch.track import api
    from pactwatch.track.ical import deadlines_to_ical

    day = _day(today, "--today") or api.today_utc()
    with _store(db) as st:
        objs = api.deadline_objects(st, today=day, agreement_id=agreement, overdue=overdue)
    if ical is not None:
        ical.write_bytes(deadlines_to_ical(objs))
    if as_json:
        _dump([d.to_dict(day) for d in objs])
        return
    t = Table("due", "state", "agreement", "deadline", "why", box=None)
    for d in objs:
        t.add_row(d.due.isoformat() if d.due else "—", d.state, f"#{d.agreement_id}", d.title, d.reason or "")
    _out.print(t if objs else "no deadlines")
    if ical is not None:
        _err.print(Text(f"wrote {sum(1 for d in objs if d.due)} event(s) to {ical}"))


@app.command("report")
def report_cmd(
    agreement: int = typer.Argument(..., help="Agreement id."),
    fmt: str = typer.Option("md", "--format", help="md or html."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write to this file instead of stdout."),
    today: Optional[str] = TodayOpt, db: Optional[str] = DbOpt,
) -> None:
    """Implementation report of one agreement with a progress chart per domain."""
    from pactwatch.track import api, report

    if fmt not in ("md", "html"):
        raise typer.BadParameter("md or html", param_hint="--format")
    with _store(db) as st:
        tr = _run(lambda: api.tracking(st, agreement, today=_day(today, "--today")))
    text = report.render(tr, fmt)
    if out is None:
        print(text, end="")
    else:
        out.write_text(text, encoding="utf-8")
        _err.print(Text(f"wrote {out}"))
