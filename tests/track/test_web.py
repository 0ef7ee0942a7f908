"""Tracking routes: JSON, the page, token-protected writes (JSON and form), calendar."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from pactwatch.web.app import create_app

TOKEN = "s3cret-token"


@pytest.fixture
def client(seeded):
    store, charter, mou = seeded
    # warm=False: the app's warm-up thread reads /api/deadlines at startup, and that read
    # lazily syncs the tracking bodies (track.service.sync_pending) in the background, at
    # an unpredictable moment: it would land between a test's before/after snapshots.
    # Here the tests decide when reads (and so syncs) happen; a refused write must change
    # nothing, not even sync.
    app = create_app(token=TOKEN, store=store, warm=False)
    with TestClient(app) as c:
        yield c, store, charter


def test_read_routes(client):
    c, _store, charter = client
    r = c.get(f"/api/agreements/{charter}/tracking", params={"today": "2026-03-01"})
    assert r.status_code == 200
    body = r.json()
    assert {b["kind"] for b in body["bodies"]} >= {"working_group"} and body["today"] == "2026-03-01"
    assert c.get("/api/agreements/99999/tracking").status_code == 404
    assert c.get(f"/api/agreements/{charter}/tracking", params={"today": "2026-13-01"}).status_code == 422
    page = c.get(f"/agreements/{charter}/tracking", params={"today": "2026-03-01"})
    assert page.status_code == 200 and "<svg" in page.text and 'id="form-meeting"' in page.text
    assert "signing date unknown" in page.text
    # The web app's /api/deadlines is computed by the tracker (same uids).
    items = c.get("/api/deadlines").json()["items"]
    assert any(d["uid"].startswith(f"pactwatch-a{charter}-b") for d in items)


def test_writes_need_the_token(client, snapshot):
    c, store, charter = client
    before = snapshot(store)
    assert c.post(f"/api/agreements/{charter}/tracking/projects", json={"name": "x"}).status_code == 401
    r = c.post(f"/api/agreements/{charter}/tracking/projects", json={"name": "x"},
               headers={"authorization": "Bearer wrong"})
    assert r.status_code == 401
    r = c.post(f"/api/agreements/{charter}/tracking/projects", data={"name": "x", "token": "wrong"})
    assert r.status_code == 401
    assert snapshot(store) == before


def test_read_only_server_refuses_writes(seeded):
    store, charter, _mou = seeded
    with TestClient(create_app(store=store, warm=False)) as c:  # warm=False: see client()
        r = c.post(f"/api/agreements/{charter}/tracking/projects", json={"name": "x"},
                   headers={"authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 403
        assert 'id="form-meeting"' not in c.get(f"/agreements/{charter}/tracking").text


def test_json_and_form_writes(client, snapshot, provision_ids):
    c, store, charter = client
    auth = {"authorization": f"Bearer {TOKEN}"}
    r = c.post(f"/api/agreements/{charter}/tracking/update", json={"signed_date": "2026-02-10"}, headers=auth)
    assert r.status_code == 200 and r.json() == {"updated": ["dates"]}
    p = provision_ids(store, charter)
    r = c.post(f"/api/agreements/{charter}/tracking/projects", headers=auth,
               json={"name": "Interconnector", "start_date": "2026-04-01", "provisions": [p[0]]})
    assert r.status_code == 201 and r.json()["provisions"] == [p[0]] and r.json()["agreement_id"] == charter
    yearly = next(b for b in c.get(f"/api/agreements/{charter}/tracking").json()["bodies"] if b["frequency"])
    # An HTML form: token field, repeated checkbox values, redirect back to the page.
    r = c.post(f"/api/agreements/{charter}/tracking/meetings", follow_redirects=False,
               data={"body_id": str(yearly["id"]), "date": "2026-09-15", "place": "Baku", "token": TOKEN,
                     "provisions": [str(p[0]), str(p[1])]})
    assert r.status_code == 303 and r.headers["location"] == f"/agreements/{charter}/tracking?done=meetings"
    tr = c.get(f"/api/agreements/{charter}/tracking", params={"today": "2026-10-01"}).json()
    assert tr["meetings"][0]["provisions"] == sorted([p[0], p[1]])
    assert next(d for d in tr["deadlines"] if d["recurring"])["due"] == "2027-09-15"
    page = c.get(f"/agreements/{charter}/tracking", params={"today": "2026-10-01"}).text
    assert f"<td>2026-09-15</td><td>{yearly['name']}</td><td>Baku</td>" in page

    before = snapshot(store)
    r = c.post(f"/api/agreements/{charter}/tracking/updates", headers=auth, json={"status": "done", "name": {"x": 1}})
    assert r.status_code == 422 and r.json()["error"]["detail"] == [
        'update, field "date": missing value', 'update, field "text": missing value']
    r = c.post(f"/api/agreements/{charter}/tracking/projects", headers=auth, json={"name": {"x": 1}})
    assert r.json()["error"]["detail"] == ['project, field "name": expected a single value, got dict']
    r = c.post(f"/api/agreements/{charter}/tracking/meetings", headers=auth,
               json={"body_id": yearly["id"], "date": "2026-09-15"})
    assert r.status_code == 422
    assert r.json()["error"]["detail"] == [
        f'meeting, field "date": duplicate meeting: body {yearly["id"]} already met on 2026-09-15 '
        f'(meeting {tr["meetings"][0]["id"]})']
    r = c.post(f"/api/agreements/{charter}/tracking/projects",
               data={"name": "x", "start_date": "2026-05-01", "end_date": "2026-04-01", "token": TOKEN})
    assert r.status_code == 422 and "end 2026-04-01 before start 2026-05-01" in r.text and "Refused" in r.text
    assert snapshot(store) == before


def test_calendar_route(client):
    c, store, charter = client
    c.post(f"/api/agreements/{charter}/tracking/update", json={"signed_date": "2026-02-10"},
           headers={"authorization": f"Bearer {TOKEN}"})
    r = c.get("/api/deadlines.ics", params={"today": "2026-03-01", "agreement": charter})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(r.content).walk("VEVENT")
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert starts == [date(2026, 5, 10), date(2027, 2, 10)]


def test_tracking_routes_never_500(seeded):
    """Generated requests (valid and invalid) against every tracking operation of the
    OpenAPI description: no server error, security headers on every answer."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    store, _charter, _mou = seeded
    if store.dialect != "sqlite":
        pytest.skip("one database is enough for the fuzz run (machine shared; keep runs short)")
    app = create_app(token=TOKEN, store=store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    ops = [op for op in (r.ok() for r in schema.get_all_operations())
           if "tracking" in (op.definition.raw.get("tags") or [])]
    assert {op.path for op in ops} >= {"/api/agreements/{agreement_id}/tracking", "/api/deadlines.ics",
                                       "/api/agreements/{agreement_id}/tracking/{entity}"}
    for op in ops:
        @given(case=op.as_strategy())
        @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
            assert response.status_code < 500, (op.path, response.status_code, response.text[:300])
            headers = {k.lower(): v[0] if isinstance(v, list) else v for k, v in response.headers.items()}
            assert headers["x-content-type-options"] == "nosniff"

        check()
