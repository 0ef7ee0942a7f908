"""The JSON API over a real database (SQLite and PostgreSQL) filled with extracted records."""

from __future__ import annotations

from datetime import date

import pytest

from web_fixtures import HOSTILE_TEXT, TOKEN, agreement_id


def test_list_agreements_has_items_total_and_facets(client):
    r = client.get("/api/agreements")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 5
    assert body["limit"] == 20 and body["offset"] == 0
    names = {i["name"] for i in body["items"]}
    assert "Arctic Fisheries Agreement" in names
    # Facets are counted over all matches: the Arctic agreement's two parties appear.
    parties = {f["value"]: f["count"] for f in body["facets"]["party"]}
    assert parties["ISL"] >= 1 and parties["NOR"] >= 1
    assert set(body["facets"]) >= {"party", "domain", "kind", "status", "year"}


def test_filters_narrow_the_listing(client):
    everything = client.get("/api/agreements", params={"limit": 200}).json()
    arm = client.get("/api/agreements", params={"party": "ARM", "limit": 200}).json()
    assert 0 < arm["total"] < everything["total"]
    assert all("ARM" in i["parties"] for i in arm["items"])
    pair = client.get("/api/agreements", params={"party": "ARM", "with_party": "USA"}).json()
    assert pair["total"] >= 1
    assert all({"ARM", "USA"} <= set(i["parties"]) for i in pair["items"])
    memo = client.get("/api/agreements", params={"kind": "memorandum"}).json()
    assert memo["total"] >= 1 and all(i["kind"] == "memorandum" for i in memo["items"])
    y2020 = client.get("/api/agreements", params={"year": 2020}).json()
    assert any(i["name"] == "maritime cooperation memorandum" for i in y2020["items"])
    assert all(i["signed_date"].startswith("2020") for i in y2020["items"])


def test_full_text_query_finds_armenia(client):
    r = client.get("/api/agreements", params={"q": "Armenia"})
    assert r.status_code == 200
    items = r.json()["items"]
    assert items, "the US-Armenia story must be found"
    assert any("ARM" in i["parties"] for i in items)


def test_pagination_is_disjoint_and_complete(client):
    total = client.get("/api/agreements", params={"limit": 1}).json()["total"]
    seen = []
    for off in range(0, total, 3):
        page = client.get("/api/agreements", params={"limit": 3, "offset": off}).json()
        seen += [i["id"] for i in page["items"]]
    assert len(seen) == total == len(set(seen))


@pytest.mark.parametrize("params", [
    {"limit": 0}, {"limit": 201}, {"offset": -1}, {"kind": "alliance"}, {"status": "maybe"},
    {"domain": "sports"}, {"since": "yesterday"}, {"until": "2021-13"}, {"year": "abc"}, {"party": "X" * 65},
])
def test_bad_parameters_are_422_json(client, params):
    r = client.get("/api/agreements", params=params)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["status"] == 422 and err["detail"]
    assert "Traceback" not in r.text


def test_agreement_detail_quotes_its_evidence(client):
    aid = agreement_id(client, "maritime cooperation memorandum")
    r = client.get(f"/api/agreements/{aid}")
    assert r.status_code == 200
    ag = r.json()
    assert ag["parties"] == ["CHL", "PER"] and ag["place"] == "Lima"
    assert ag["defense_pledge"] is False and ag["consultation_pledge"] is True
    doc = client.get("/api/documents/chile-peru-mou").json()
    # Every evidence entry points into its document's text, and the quote is that slice.
    for field, spans in ag["evidence"].items():
        for e in spans:
            assert e["doc_id"] == "chile-peru-mou"
            assert doc["text"][e["start"]:e["end"]] == e.get("quote", doc["text"][e["start"]:e["end"]])
    place = ag["evidence"]["place"][0]
    assert doc["text"][place["start"]:place["end"]] == "Lima"
    assert {m["kind"] for m in ag["mechanisms"]} == {"working_group", "council"}


def test_conflicting_sources_are_reported(client):
    aid = agreement_id(client, "Arctic Fisheries Agreement")
    ag = client.get(f"/api/agreements/{aid}").json()
    assert ag["n_sources"] == 2
    assert any(c["field"] == "place" for c in ag["conflicts"]), ag["conflicts"]
    src = client.get(f"/api/agreements/{aid}/sources").json()
    assert {s["doc_id"] for s in src} == {"hostile-doc", "second-source"}


@pytest.mark.parametrize("path", ["/api/agreements/999999", "/api/agreements/999999/sources",
                                  "/api/documents/no-such-doc", "/api/compare?ids=1,999999"])
def test_unknown_ids_are_404_json(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.json()["error"]["status"] == 404


@pytest.mark.parametrize("path", ["/api/agreements/abc", "/api/agreements/0", "/api/compare?ids=1",
                                  "/api/compare?ids=1,x", "/api/search", "/api/search?q="])
def test_malformed_ids_and_queries_are_422(client, path):
    r = client.get(path)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["status"] == 422


def test_compare_two_agreements(client):
    a = agreement_id(client, "maritime cooperation memorandum")
    b = agreement_id(client, "Arctic Fisheries Agreement")
    for query in (f"ids={a},{b}", f"ids={a}&ids={b}"):
        r = client.get(f"/api/compare?{query}")
        assert r.status_code == 200
        body = r.json()
        assert [x["id"] for x in body["agreements"]] == [a, b]
        rows = {row["field"]: row for row in body["matrix"]["fields"]}
        assert rows["parties"]["cells"] == [["CHL", "PER"], ["ISL", "NOR"]]
        assert rows["parties"]["differs"] is True
        doms = {row["domain"]: row["cells"] for row in body["matrix"]["domains"]}
        assert doms["border_security"] == [True, False]


def test_timeline_lists_dated_signings(client):
    body = client.get("/api/timeline").json()
    events = body["events"]
    assert any(e["name"] == "maritime cooperation memorandum" and e["date"] == "2020-02-10" for e in events)
    assert {"year": 2020, "count": 1} in body["per_year"] or any(y["year"] == 2020 for y in body["per_year"])
    dates = [e["date"] for e in events]
    assert dates == sorted(dates)
    chl = client.get("/api/timeline", params={"party": "CHL"}).json()
    assert chl["events"] and all("CHL" in e["parties"] for e in chl["events"])


def test_network_counts_pairs(client):
    body = client.get("/api/network").json()
    ids = {n["id"] for n in body["nodes"]}
    assert {"CHL", "PER", "ISL", "NOR"} <= ids
    edge = next(e for e in body["edges"] if {e["source"], e["target"]} == {"ISL", "NOR"})
    assert edge["count"] == 1
    assert set(edge["domains"]) >= {"defense"}
    only = client.get("/api/network", params={"domain": "border_security"}).json()
    assert all("border_security" in e["domains"] for e in only["edges"])


def test_document_has_text_removed_ranges_and_spans(client):
    doc = client.get("/api/documents/seed-000_19355014d914bc56").json()
    assert doc["text"].startswith("The US signed a strategic partnership agreement with Armenia")
    assert doc["spans"], "extracted spans are listed for highlighting"
    for s in doc["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(doc["text"])
    # The cleaner removed page furniture ("JOIN US ON TELEGRAM"); ranges index `original`.
    assert doc["removed"]
    for start, end, _reason in doc["removed"]:
        assert doc["original"][start:end].strip()
        assert "JOIN US ON TELEGRAM" not in doc["text"]


def test_document_search_returns_snippets(client):
    body = client.get("/api/search", params={"q": "Armenia"}).json()
    assert body["items"]
    assert any(i["doc_id"] == "seed-000_19355014d914bc56" for i in body["items"])


def test_deadlines_from_mechanisms(client):
    items = client.get("/api/deadlines").json()["items"]
    wg = [d for d in items if d["agreement_name"] == "maritime cooperation memorandum" and not d["recurring"]]
    assert wg and wg[0]["due"] == "2020-05-10" and wg[0]["state"] == "overdue"
    future = [d for d in items if d["agreement_name"] == "Arctic Fisheries Agreement"]
    assert future and future[0]["state"] == "open" and future[0]["due"] > date.today().isoformat()
    overdue = client.get("/api/deadlines", params={"state": "overdue"}).json()["items"]
    assert overdue and all(d["state"] == "overdue" for d in overdue)
    chl = client.get("/api/deadlines", params={"party": "CHL"}).json()["items"]
    assert chl and all(d["agreement_name"] == "maritime cooperation memorandum" for d in chl)


def test_stats(client):
    s = client.get("/api/stats").json()
    assert s["documents"] == 8 and s["agreements"] >= 5


# --------------------------------------------------------------------------- security

SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
}


@pytest.mark.parametrize("path", ["/", "/api/agreements", "/api/agreements/999999", "/api/agreements?limit=0",
                                  "/static/app.css", "/docs", "/openapi.json", "/no/such/page"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    for k, v in SECURITY.items():
        assert r.headers[k] == v
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert r.headers["referrer-policy"]


def test_hostile_document_text_is_returned_verbatim_as_json(client):
    doc = client.get("/api/documents/hostile-doc").json()
    assert doc["text"] == HOSTILE_TEXT
    assert client.get("/api/documents/hostile-doc").headers["content-type"].startswith("application/json")


def test_post_requires_the_bearer_token(client):
    body = {"text": "Iceland and Norway signed a treaty.", "id": "never-stored"}
    assert client.post("/api/documents", json=body).status_code == 401
    r = client.post("/api/documents", json=body, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = client.post("/api/documents", json=body, headers={"Authorization": f"Basic {TOKEN}"})
    assert r.status_code == 401
    assert client.get("/api/documents/never-stored").status_code == 404


def test_upload_over_5mb_is_413(client):
    big = {"text": "x" * (5 * 1024 * 1024 + 10)}
    r = client.post("/api/documents", json=big, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 413
    assert r.json()["error"]["status"] == 413


def test_upload_without_length_header_is_still_capped(client):
    def chunks():
        for _ in range(6):
            yield b"x" * (1024 * 1024)

    r = client.post("/api/documents", content=chunks(), headers={"Authorization": f"Bearer {TOKEN}",
                                                                 "content-type": "application/json"})
    assert r.status_code == 413


# --------------------------------------------------------------------------- writes (fresh database)


@pytest.fixture
def write_client(db_url):
    from fastapi.testclient import TestClient

    from pactwatch.web import create_app

    # warm=False: the warm-up thread outlives the client; on PostgreSQL its queries then
    # deadlock with db_url's teardown (DROP SCHEMA ... CASCADE).
    with TestClient(create_app(db_url, token=TOKEN, warm=False), raise_server_exceptions=False) as c:
        yield c


POSTED = ("The United States and Armenia signed a memorandum of understanding on nuclear energy "
          "cooperation in Yerevan on 14 January 2025. The two governments will establish a working group.")


def test_post_document_extracts_and_stores(write_client):
    r = write_client.post("/api/documents", headers={"Authorization": f"Bearer {TOKEN}"},
                          json={"text": POSTED, "published": "2025-01-15", "source": "test", "title": "US-Armenia MoU",
                                "id": "posted-1"})
    assert r.status_code == 201, r.text
    body = r.json()
    rec = body["record"]
    assert rec["schema"] == "pactwatch/v1" and rec["document"]["id"] == "posted-1"
    assert body["saved"]["state"] == "new"
    assert rec["agreements"] and set(rec["agreements"][0]["parties"]) == {"ARM", "USA"}
    # Stored at once: visible through the read API.
    doc = write_client.get("/api/documents/posted-1")
    assert doc.status_code == 200 and doc.json()["text"] == rec["document"]["text"]
    listing = write_client.get("/api/agreements", params={"party": "ARM"}).json()
    assert listing["total"] >= 1
    # Posting the same document again changes nothing.
    again = write_client.post("/api/documents", headers={"Authorization": f"Bearer {TOKEN}"},
                              json={"text": POSTED, "published": "2025-01-15", "source": "test",
                                    "title": "US-Armenia MoU", "id": "posted-1"})
    assert again.json()["saved"]["state"] == "same"


def test_post_html_document(write_client):
    html = f"<html><head><title>MoU</title></head><body><nav>Home | World</nav><article><p>{POSTED}</p></article></body></html>"
    r = write_client.post("/api/documents", headers={"Authorization": f"Bearer {TOKEN}"},
                          json={"html": html, "id": "posted-html", "published": "2025-01-15"})
    assert r.status_code == 201, r.text
    assert "nuclear energy" in r.json()["record"]["document"]["text"]


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "a", "html": "<p>b</p>"}, {"text": "a", "published": "15/01/2025"},
                                  {"text": 5}, {"text": "a", "id": "bad\nid"}, {"text": "a", "title": "t\u0000"}])
def test_post_invalid_body_is_422(write_client, body):
    r = write_client.post("/api/documents", headers={"Authorization": f"Bearer {TOKEN}"}, json=body)
    assert r.status_code == 422
    assert r.json()["error"]["status"] == 422


def test_post_lone_surrogate_is_422(write_client):
    raw = b'{"text": "Iceland and Norway \\ud800 signed."}'
    r = write_client.post("/api/documents", content=raw, headers={"Authorization": f"Bearer {TOKEN}",
                                                                  "content-type": "application/json"})
    assert r.status_code == 422


def test_post_is_disabled_without_token(db_url):
    from fastapi.testclient import TestClient

    from pactwatch.web import create_app

    with TestClient(create_app(db_url, warm=False), raise_server_exceptions=False) as c:
        r = c.post("/api/documents", json={"text": POSTED}, headers={"Authorization": "Bearer anything"})
        assert r.status_code == 403
        assert c.get("/api/agreements").json()["total"] == 0


@pytest.mark.parametrize("path", ["/api/search?q=a%00b", "/api/agreements?q=%00", "/api/agreements?party=A%00",
                                  "/api/documents/x%00y"])
def test_nul_bytes_are_a_client_error(client, path):
    # PostgreSQL text cannot hold NUL: it must be refused before it reaches the database.
    r = client.get(path)
    assert r.status_code == 422, r.text
