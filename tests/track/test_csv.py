"""CSV export/import: round trips without loss; a bad row refuses the whole import with
the file, row and field named, and leaves the database as it was."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from pactwatch.store import Store
from pactwatch.track import api
from pactwatch.track.csvio import Refused, read_csv



def _populate(store, charter: int, provision_ids) -> dict:
    """Tracking data with the awkward values a spreadsheet holds: commas, quotes, line
    breaks, non-ASCII, empty cells, several linked provisions."""
    p = provision_ids(store, charter)
    api.update(store, charter, signed_date="2026-02-10")
    bodies = api.tracking(store, charter, today=date(2026, 3, 1))["bodies"]
    yearly = next(b for b in bodies if b["frequency"] == "P1Y")
    wg = next(b for b in bodies if b["kind"] == "working_group")
    energy = api.add(store, "bodies", {"agreement_id": charter, "kind": "working_group",
                                       "name": "Working Group on Energy, \"Middle Corridor\" & TRIPP",
                                       "established": "2026-03-02", "provisions": [p[0], p[1]]})
    proj = api.add(store, "projects", {"agreement_id": charter, "body_id": energy["id"], "name": "Interconnector study",
                                       "description": "Phase 1:\nfeasibility; phase 2: financing",
                                       "status": "in_progress", "start_date": "2026-04-01", "end_date": "2026-12-31",
                                       "lead": "Ministry of Energy (Bakı)", "provisions": [p[1], p[0]]})
    api.add(store, "projects", {"agreement_id": charter, "name": "De-mining support", "provisions": [p[-1]]})
    ms = api.add(store, "milestones", {"agreement_id": charter, "project_id": proj["id"], "title": "Terms of reference",
                                       "due_date": "2026-06-30", "done_date": "2026-07-02"})
    api.add(store, "milestones", {"agreement_id": charter, "body_id": wg["id"], "title": "Project list",
                                  "due_date": "2026-05-10", "notes": "per Section IV"})
    api.add(store, "meetings", {"agreement_id": charter, "body_id": yearly["id"], "date": "2026-09-15",
                                "place": "Washington, D.C.", "notes": "first annual meeting", "provisions": p[:3]})
    api.add(store, "updates", {"agreement_id": charter, "milestone_id": ms["id"], "date": "2026-07-02",
                               "text": "ToR signed off", "status": "done"})
    return {"yearly": yearly, "energy": energy, "project": proj}


def _files(d: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8-sig") for p in sorted(d.glob("*.csv"))}


def test_round_trip_without_loss(seeded, seed, snapshot, provision_ids, tmp_path):
    store, charter, _mou = seeded
    _populate(store, charter, provision_ids)
    first = tmp_path / "first"
    api.export_csv(store, first)
    files = _files(first)
    assert set(files) == {f"{e}.csv" for e in ("agreements", "bodies", "projects", "milestones", "meetings", "updates")}
    rows, errs = read_csv(files["projects.csv"], "projects", "projects.csv")
    assert not errs and rows[0][1]["description"] == "Phase 1:\nfeasibility; phase 2: financing"
    assert rows[0][1]["provisions"] == ";".join(map(str, sorted(provision_ids(store, charter)[:2])))

    # Importing the export into the same database changes nothing.
    before = snapshot(store)
    counts = api.import_csv(store, [first])
    assert counts == {e: len(before[e]) for e in before if before[e]}
    assert snapshot(store) == before

    # Into a fresh database holding the same agreement: identical tables, identical export.
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        other.save(seed)
        api.import_csv(other, [first / f"{e}.csv" for e in ("meetings", "bodies", "agreements", "projects",
                                                               "updates", "milestones")])
        assert snapshot(other) == before
        second = tmp_path / "second"
        api.export_csv(other, second)
        assert _files(second) == files
        # New rows continue after the imported ids (sequence moved on PostgreSQL too).
        added = api.add(other, "projects", {"agreement_id": charter, "name": "after import"})
        assert added["id"] == max(r["id"] for r in before["projects"]) + 1
    finally:
        other.close()


def test_new_row_without_id_gets_next_id(seeded, snapshot, provision_ids, tmp_path):
    store, charter, _mou = seeded
    _populate(store, charter, provision_ids)
    out = tmp_path / "x"
    api.export_csv(store, out)
    # Re-import with a brand-new row that has no id: it gets the next free id.
    with (out / "projects.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["", charter, "", "Spreadsheet row", "", "planned", "", "", "", ""])
    before = snapshot(store)
    api.import_csv(store, [out / "projects.csv"])
    after = snapshot(store)
    new = [r for r in after["projects"] if r["name"] == "Spreadsheet row"]
    assert len(new) == 1 and new[0]["id"] == max(r["id"] for r in before["projects"]) + 1


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


BAD_CASES = [
    # (file name, content with {C}=charter, {B}=yearly body, {E}=energy body, expected errors)
    ("meetings.csv",
     "agreement_id,body_id,date,place\n{C},{B},2026-10-01,Baku\n{C},{B},2026-11-01,Baku\n{C},{B},2026-13-01,Baku\n",
     ['meetings.csv row 4, field "date": not a date: "2026-13-01"']),
    ("meetings.csv",
     "agreement_id,body_id,date\n{C},{B},2026-09-15\n",
     ['meetings.csv row 2, field "date": duplicate meeting: body {B} already met on 2026-09-15 (meeting 1)']),
    ("meetings.csv",
     "agreement_id,body_id,date\n{C},{B},2026-10-01\n{C},{B},2026-10-01\n",
     ['meetings.csv row 3, field "date": duplicate meeting: body {B} on 2026-10-01 (also meetings.csv row 2)']),
    ("projects.csv",
     "agreement_id,name,start_date,end_date\n{C},Fine,2026-01-01,2026-02-01\n999,Ghost,,\n{C},Backwards,2026-05-01,2026-04-01\n",
     ['projects.csv row 3, field "agreement_id": unknown agreement: 999',
      'projects.csv row 4, field "end_date": end 2026-04-01 before start 2026-05-01']),
    ("meetings.csv",
     "agreement_id,body_id,date,place\n{C},{B},2026-10-01,Baku\n{C},{B},2026-11-01\n",
     ["meetings.csv row 3: 3 values for 4 columns"]),
    ("meetings.csv",
     "agreement_id,body_id,date,venue\n{C},{B},2026-10-01,Baku\n",
     ['meetings.csv row 1, field "venue": unknown column (expected some of id, agreement_id, body_id, date, place, '
      'notes, provisions)']),
    ("milestones.csv",
     "agreement_id,title,due_date,provisions\n{C},Roadmap,2026-05-10,1;x\n",
     ['milestones.csv row 2, field "provisions": not a list of provision ids separated by ";": "1;x"']),
    ("bodies.csv",
     "agreement_id,kind,name,frequency\n{C},commission,Joint Commission,yearly\n",
     ['bodies.csv row 2, field "frequency": not an ISO 8601 duration like P1Y or P3M: "yearly"']),
]


@pytest.mark.parametrize("name, content, expected", BAD_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(BAD_CASES)])
def test_bad_rows_refused_with_row_and_field_and_nothing_changes(seeded, snapshot, provision_ids, tmp_path,
                                                                  name, content, expected):
    store, charter, _mou = seeded
    made = _populate(store, charter, provision_ids)
    fill = {"C": charter, "B": made["yearly"]["id"], "E": made["energy"]["id"]}
    path = _write(tmp_path / name, content.format(**fill))
    before = snapshot(store)
    with pytest.raises(Refused) as exc:
        api.import_csv(store, [path])
    meeting_id = before["meetings"][0]["id"]
    assert exc.value.errors == [e.format(**fill).replace("(meeting 1)", f"(meeting {meeting_id})") for e in expected]
    assert snapshot(store) == before


def test_import_is_all_or_nothing_across_files(seeded, snapshot, provision_ids, tmp_path):
    store, charter, _mou = seeded
    made = _populate(store, charter, provision_ids)
    d = tmp_path / "batch"
    d.mkdir()
    # A new body, a project run by it (refers to the body by the id given in the same
    # import) and a meeting file with one bad row: nothing of it may be stored.
    _write(d / "bodies.csv", f"id,agreement_id,kind,name\n900,{charter},commission,Joint Commission\n")
    _write(d / "projects.csv", f"agreement_id,body_id,name\n{charter},900,Commission secretariat set-up\n")
    _write(d / "meetings.csv", f"agreement_id,body_id,date\n{charter},900,2026-10-01\n{charter},{made['yearly']['id']},01/10/2026\n")
    before = snapshot(store)
    with pytest.raises(Refused) as exc:
        api.import_csv(store, [d])
    assert exc.value.errors == ['meetings.csv row 3, field "date": not a date: "01/10/2026"']
    assert snapshot(store) == before
    # Fixed, the same batch goes in whole, cross-file references resolved.
    _write(d / "meetings.csv", f"agreement_id,body_id,date\n{charter},900,2026-10-01\n{charter},{made['yearly']['id']},2026-10-01\n")
    assert api.import_csv(store, [d]) == {"bodies": 1, "projects": 1, "meetings": 2}
    tr = api.tracking(store, charter, today=date(2026, 10, 2))
    assert any(b["id"] == 900 and b["name"] == "Joint Commission" for b in tr["bodies"])
    assert any(p["body_id"] == 900 for p in tr["projects"])


def test_unnamed_file_needs_type(seeded, tmp_path):
    store, charter, _mou = seeded
    path = _write(tmp_path / "sheet.csv", f"agreement_id,name\n{charter},x\n")
    with pytest.raises(Refused, match="cannot tell which table"):
        api.import_csv(store, [path])
    assert api.import_csv(store, [path], entity="projects") == {"projects": 1}
