"""Tracking on a real store (SQLite and PostgreSQL): the seed charter's machinery, anchor
dates, meetings, milestones, provision status, coverage, and refused input."""

from __future__ import annotations

from datetime import date

import pytest
from pactwatch.record import Document, Record
from pactwatch.track import api, service
from pactwatch.track.csvio import Refused


def bodies_by_kind(tr: dict) -> dict:
    return {b["kind"]: b for b in tr["bodies"]}


def test_seed_yields_working_groups_and_yearly_meeting(seeded):
    store, charter, _mou = seeded
    tr = api.tracking(store, charter, today=date(2026, 3, 1))
    kinds = bodies_by_kind(tr)
    assert kinds["working_group"]["origin"] == "extracted"
    assert kinds["working_group"]["due_period"] == "P3M" and kinds["working_group"]["due_anchor"] == "signing"
    assert "list of projects and roadmaps" in kinds["working_group"]["task"]
    yearly = [b for b in tr["bodies"] if b["frequency"] == "P1Y"]
    assert len(yearly) == 1 and yearly[0]["name"].startswith("Annual")
    # Sync is idempotent: reading again (or syncing explicitly) creates nothing new.
    api.sync(store, charter)
    with store.session() as s:
        service.sync_from_agreement(s, charter)
    again = api.tracking(store, charter, today=date(2026, 3, 1))
    assert [b["id"] for b in again["bodies"]] == [b["id"] for b in tr["bodies"]]


def test_signing_date_makes_three_month_deadline_appear(seeded):
    store, charter, mou = seeded
    before = {d["source_id"]: d for d in api.list_deadlines(store, agreement_id=charter, today=date(2026, 3, 1))}
    assert {d["state"] for d in before.values()} == {"pending"}
    assert {d["reason"] for d in before.values()} == {"signing date unknown"}
    assert api.update(store, charter, signed_date="2026-02-10") == ["dates"]
    after = api.list_deadlines(store, agreement_id=charter, today=date(2026, 3, 1))
    wg = next(d for d in after if not d["recurring"])
    assert wg["due"] == "2026-05-10" and wg["state"] == "open" and wg["days_left"] == 70
    meet = next(d for d in after if d["recurring"])
    assert meet["due"] == "2027-02-10" and meet["frequency"] == "P1Y"
    # The memorandum's working group was given no term ("the present Charter" is not it).
    assert not [d for d in api.list_deadlines(store, today=date(2026, 3, 1)) if d["agreement_id"] == mou]
    # The office's date is kept apart from the sources' value (which stays null).
    tr = api.tracking(store, charter, today=date(2026, 3, 1))
    assert tr["agreement"]["signed_date"] is None
    assert tr["anchors"] == {"signed_date": "2026-02-10", "signed_date_source": "office", "in_force_date": None}
    # Overdue from the day after; --overdue shows only it.
    assert [d["due"] for d in api.list_deadlines(store, today=date(2026, 5, 11), overdue=True)] == ["2026-05-10"]
    assert api.list_deadlines(store, today=date(2026, 5, 10), overdue=True) == []


def test_one_off_term_met(seeded):
    store, charter, _mou = seeded
    api.update(store, charter, signed_date="2026-02-10")
    wg = next(d for d in api.list_deadlines(store, agreement_id=charter, today=date(2026, 3, 1)) if not d["recurring"])
    assert api.update(store, charter, body_id=wg["source_id"], met="2026-04-20") == [f"body #{wg['source_id']}"]
    after = next(d for d in api.list_deadlines(store, agreement_id=charter, today=date(2026, 6, 1)) if not d["recurring"])
    assert after["state"] == "met" and after["met_on"] == "2026-04-20" and after["due"] == "2026-05-10"
    assert api.list_deadlines(store, today=date(2026, 6, 1), overdue=True) == []
    # A body of another agreement cannot be marked through this one.
    with pytest.raises(Refused, match="belongs to agreement"):
        api.update(store, _mou, body_id=wg["source_id"], met="2026-04-20")


def test_ingest_that_learns_the_signing_date(seeded, seed):
    """A later source giving the signing date turns the pending terms into dates, with no
    office action: the effective anchor is read from the store on every computation."""
    store, charter, _mou = seeded
    assert {d["state"] for d in api.list_deadlines(store, agreement_id=charter, today=date(2026, 3, 1))} == {"pending"}
    charter_rec = next(a for a in seed.agreements if a.kind == "charter")
    text = ("BAKU, February 11. The Charter on Strategic Partnership between the Government of the Republic of "
            "Azerbaijan and the Government of the United States of America was signed on 10 February 2026.")
    followup = Record(document=Document(id="followup", published="2026-02-11", text=text), agreements=[
        charter_rec.model_copy(update={"signed_date": "2026-02-10", "provisions": [], "mechanisms": [],
                                       "evidence": {"signed_date": [(0, len(text))]}})])
    result = store.save(followup)
    assert charter in result.agreement_ids  # merged into the same agreement
    wg = next(d for d in api.list_deadlines(store, agreement_id=charter, today=date(2026, 3, 1)) if not d["recurring"])
    assert wg["due"] == "2026-05-10" and wg["reason"] == "P3M after signing date 2026-02-10"
    assert api.tracking(store, charter, today=date(2026, 3, 1))["anchors"]["signed_date_source"] == "sources"


def test_meetings_drive_the_yearly_deadline(seeded):
    store, charter, _mou = seeded
    api.update(store, charter, signed_date="2026-02-10")
    body = next(b for b in api.tracking(store, charter, today=date(2026, 3, 1))["bodies"] if b["frequency"] == "P1Y")
    # No meeting a year after the signing: overdue.
    late = next(d for d in api.list_deadlines(store, today=date(2027, 2, 11)) if d["recurring"])
    assert late["state"] == "overdue"
    api.add(store, "meetings", {"agreement_id": charter, "body_id": body["id"], "date": "2026-09-15",
                                "place": "Washington"})
    nxt = next(d for d in api.list_deadlines(store, today=date(2027, 2, 11)) if d["recurring"])
    assert nxt["due"] == "2027-09-15" and nxt["state"] == "open" and nxt["last_meeting"] == "2026-09-15"
    assert next(d for d in api.list_deadlines(store, today=date(2027, 9, 16)) if d["recurring"])["state"] == "overdue"


def test_missed_milestone_turns_overdue_on_the_right_day(seeded, provision_ids):
    store, charter, _mou = seeded
    p1, p2, *_rest = provision_ids(store, charter)
    proj = api.add(store, "projects", {"agreement_id": charter, "name": "Interconnector feasibility study",
                                       "start_date": "2026-04-01", "end_date": "2026-12-31", "provisions": [p1]})
    ms = api.add(store, "milestones", {"agreement_id": charter, "project_id": proj["id"], "title": "Terms of reference",
                                       "due_date": "2026-06-30"})

    def state(day):
        tr = api.tracking(store, charter, today=day)
        return next(p for p in tr["provisions"] if p["id"] == p1)["state"], \
            next(d for d in tr["deadlines"] if d["source"] == "milestone")["state"]

    assert state(date(2026, 3, 1)) == ("not_started", "open")
    assert state(date(2026, 6, 30)) == ("in_progress", "open")  # started 04-01, due today: not late yet
    assert state(date(2026, 7, 1)) == ("overdue", "overdue")
    api.update(store, charter, milestone_id=ms["id"], done="2026-07-03")
    assert state(date(2026, 7, 4)) == ("in_progress", "met")
    api.update(store, charter, project_id=proj["id"], status="done", on="2026-11-30", note="study delivered")
    tr = api.tracking(store, charter, today=date(2026, 12, 1))
    assert next(p for p in tr["provisions"] if p["id"] == p1)["state"] == "done"
    assert next(p for p in tr["provisions"] if p["id"] == p2)["state"] == "not_started"
    assert tr["projects"][0]["status"] == "done"
    assert tr["updates"][-1]["text"] == "study delivered" and tr["updates"][-1]["status"] == "done"
    n = len(tr["provisions"])
    assert tr["coverage"] == {"covered": 1, "total": n, "share": 1 / n}
    energy = [d for p in tr["provisions"] if p["id"] == p1 for d in p["domains"]]
    assert all(tr["domains"][d]["done"] >= 1 for d in energy)


def test_old_status_update_does_not_roll_back_project(seeded):
    store, charter, _mou = seeded
    proj = api.add(store, "projects", {"agreement_id": charter, "name": "AI data centre"})
    api.update(store, charter, project_id=proj["id"], status="in_progress", on="2026-05-01")
    api.update(store, charter, project_id=proj["id"], status="planned", on="2026-04-01", note="entered late")
    assert api.tracking(store, charter, today=date(2026, 6, 1))["projects"][0]["status"] == "in_progress"


@pytest.mark.parametrize("entity, values, message", [
    ("projects", {"agreement_id": 999, "name": "x"}, 'project, field "agreement_id": unknown agreement: 999'),
    ("projects", {"agreement_id": "CHARTER", "name": "x", "start_date": "2026-05-01", "end_date": "2026-04-30"},
     'project, field "end_date": end 2026-04-30 before start 2026-05-01'),
    ("meetings", {"agreement_id": "CHARTER", "body_id": "BODY", "date": "2026-13-01"},
     'meeting, field "date": not a date: "2026-13-01"'),
    ("meetings", {"agreement_id": "CHARTER", "body_id": "BODY", "date": "2026-04-01"},
     'meeting, field "date": duplicate meeting: body BODY already met on 2026-04-01 (meeting MEETING)'),
    ("projects", {"agreement_id": "CHARTER", "name": "x", "provisions": "MOUPROV"},
     'project, field "provisions": unknown provision: MOUPROV'),
    ("bodies", {"agreement_id": "CHARTER", "kind": "club", "name": "x"},
     'body, field "kind": not one of commission, working_group, dialogue, council, committee, summit, meeting, '
     'secretariat, other: "club"'),
    ("milestones", {"agreement_id": "MOU", "title": "x", "project_id": "PROJECT"},
     'milestone, field "project_id": project PROJECT belongs to agreement CHARTER, not MOU'),
])
def test_bad_input_refused_and_nothing_changes(seeded, snapshot, entity, values, message):
    store, charter, mou = seeded
    body = next(b for b in api.tracking(store, charter, today=date(2026, 3, 1))["bodies"] if b["frequency"])
    meeting = api.add(store, "meetings", {"agreement_id": charter, "body_id": body["id"], "date": "2026-04-01"})
    project = api.add(store, "projects", {"agreement_id": charter, "name": "existing"})
    subst = {"CHARTER": charter, "MOU": mou, "BODY": body["id"], "MEETING": meeting["id"],
             "PROJECT": project["id"], "MOUPROV": 10_000}
    values = {k: subst.get(v, v) if isinstance(v, str) else v for k, v in values.items()}
    for k in sorted(subst, key=len, reverse=True):  # MOUPROV before MOU
        message = message.replace(k, str(subst[k]))
    before = snapshot(store)
    with pytest.raises(Refused) as exc:
        api.add(store, entity, values)
    assert exc.value.errors == [message]
    assert snapshot(store) == before


def test_refusal_lists_every_problem(seeded):
    store, charter, _mou = seeded
    with pytest.raises(Refused) as exc:
        api.add(store, "projects", {"agreement_id": charter, "name": " ", "status": "late",
                                    "start_date": "soon"})
    assert exc.value.errors == [
        'project, field "name": missing value',
        'project, field "status": not one of planned, in_progress, done, suspended, cancelled: "late"',
        'project, field "start_date": not a date: "soon"',
    ]


def test_unknown_agreement_everywhere(seeded):
    store, _charter, _mou = seeded
    with pytest.raises(Refused, match="unknown agreement: 999"):
        api.tracking(store, 999)
    with pytest.raises(Refused, match="unknown agreement: 999"):
        api.update(store, 999, signed_date="2026-02-10")
