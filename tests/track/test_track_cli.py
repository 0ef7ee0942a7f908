"""The CLI is a thin layer: drive it end to end on the seed charter."""

from __future__ import annotations

import json

from icalendar import Calendar
from typer.testing import CliRunner

from pactwatch.cli import app

runner = CliRunner()


def run(*args, ok=True):
    res = runner.invoke(app, [str(a) for a in args])
    if ok:
        assert res.exit_code == 0, res.output
    return res


def test_track_commands_end_to_end(seeded, provision_ids, snapshot, tmp_path):
    store, charter, _mou = seeded
    db = ("--db", store.url)
    out = json.loads(run("deadlines", "--today", "2026-03-01", "--json", *db).stdout)
    assert {d["reason"] for d in out if d["agreement_id"] == charter} == {"signing date unknown"}
    run("track", "update", charter, "--signed-date", "2026-02-10", *db)
    out = json.loads(run("deadlines", "--today", "2026-05-11", "--overdue", "--json", *db).stdout)
    assert [(d["due"], d["state"]) for d in out] == [("2026-05-10", "overdue")]

    status = json.loads(run("track", "status", charter, "--today", "2026-03-01", "--json", *db).stdout)[0]
    yearly = next(b for b in status["tracking"]["bodies"] if b["frequency"] == "P1Y")
    p = provision_ids(store, charter)
    proj = json.loads(run("track", "add-project", charter, "--name", "Interconnector", "--start", "2026-04-01",
                          "-p", p[0], "--json", *db).stdout)
    run("track", "add-milestone", charter, "--title", "ToR", "--due", "2026-06-30", "--project", proj["id"], *db)
    run("track", "add-meeting", charter, "--body", yearly["id"], "--date", "2026-09-15", "--place", "Baku", *db)
    run("track", "update", charter, "--project", proj["id"], "--status", "in_progress", "--date", "2026-04-02", *db)
    status = json.loads(run("track", "status", charter, "--today", "2026-07-01", "--json", *db).stdout)[0]
    assert status["coverage"]["covered"] == 1 and status["counts"]["overdue"] == 1
    assert status["tracking"]["projects"][0]["status"] == "in_progress"
    assert "Interconnector" in run("track", "status", charter, "--today", "2026-07-01", *db).stdout

    # Refused input: message on stderr naming the field, exit 1, nothing written.
    before = snapshot(store)
    res = run("track", "add-meeting", charter, "--body", yearly["id"], "--date", "2026-09-15", *db, ok=False)
    assert res.exit_code == 1
    assert f'meeting, field "date": duplicate meeting: body {yearly["id"]} already met on 2026-09-15' in res.stderr
    res = run("track", "add-project", charter, "--name", "x", "--start", "2026-05-01", "--end", "2026-04-01", *db,
              ok=False)
    assert res.exit_code == 1 and 'project, field "end_date": end 2026-04-01 before start 2026-05-01' in res.stderr
    res = run("track", "add-project", 999, "--name", "x", *db, ok=False)
    assert res.exit_code == 1 and 'field "agreement_id": unknown agreement: 999' in res.stderr
    assert snapshot(store) == before

    # iCal file and CSV round trip through the CLI.
    ics = tmp_path / "d.ics"
    run("deadlines", "--today", "2026-07-01", "--ical", ics, *db)
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert {str(e["SUMMARY"]).split(" (")[0] for e in events} >= {"ToR", "Annual meeting: next meeting"}
    run("track", "export", "--out", tmp_path / "csv", *db)
    res = run("track", "import", tmp_path / "csv", *db)
    assert "imported" in res.stdout and snapshot(store) == before
    bad = tmp_path / "meetings.csv"
    bad.write_text(f"agreement_id,body_id,date\n{charter},{yearly['id']},2026-13-01\n", encoding="utf-8")
    res = run("track", "import", bad, *db, ok=False)
    assert res.exit_code == 1 and 'meetings.csv row 2, field "date": not a date: "2026-13-01"' in res.stderr

    md = tmp_path / "r.md"
    run("report", charter, "--out", md, "--today", "2026-07-01", *db)
    assert "## Progress per domain" in md.read_text(encoding="utf-8")
    html = run("report", charter, "--format", "html", "--today", "2026-07-01", *db).stdout
    assert "<svg" in html
