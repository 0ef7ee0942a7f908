"""Every read query and filter, on both databases."""

from __future__ import annotations

import pytest


def _ids_by_name(page):
    return {a["name"]: a["id"] for a in page.items}


def test_filters(loaded):
    s = loaded
    assert s.agreements().total == 4
    assert {a["name"] for a in s.agreements(party="USA").items} == {
        "Strategic Defense Framework", "bilateral security agreement", "peace agreement"}
    assert [a["name"] for a in s.agreements(party=["ARM", "AZE"]).items] == ["peace agreement"]
    assert s.agreements(party="USA", with_party="ARM").total == 1
    assert s.agreements(party="GBR").total == 0
    assert {a["name"] for a in s.agreements(domain="defense").items} == {
        "Strategic Defense Framework", "bilateral security agreement", "defence cooperation agreement"}
    assert [a["name"] for a in s.agreements(kind="framework").items] == ["Strategic Defense Framework"]
    assert [a["name"] for a in s.agreements(status="terminated").items] == ["defence cooperation agreement"]
    assert [a["name"] for a in s.agreements(status="expected").items] == ["peace agreement"]
    # Dates: partial bounds are inclusive; undated agreements drop out of date filters.
    assert {a["year"] for a in s.agreements(since="2024").items} == {2024, 2025}
    assert [a["year"] for a in s.agreements(until="2021").items] == [2021]
    assert [a["signed_date"] for a in s.agreements(since="2024-06", until="2024-06").items] == ["2024-06-13"]
    assert s.agreements(since="2021-09", until="2024-05").total == 0
    with pytest.raises(ValueError):
        s.agreements(since="2025", until="2021")


def test_sorting_paging_and_facets(loaded):
    page = loaded.agreements(limit=2)
    assert page.total == 4 and len(page.items) == 2
    # Newest first, undated last.
    dates = [a["signed_date"] for a in loaded.agreements().items]
    assert dates == ["2025-08-08", "2024-06-13", "2021-08-31", None]
    assert [a["signed_date"] for a in loaded.agreements(limit=2, offset=2).items] == ["2021-08-31", None]
    assert loaded.agreements(sort="sources").items[0]["n_sources"] == 4
    f = page.facets
    assert {d["value"]: d["count"] for d in f["party"]}["USA"] == 3
    assert {d["value"]: d["count"] for d in f["domain"]}["defense"] == 3
    assert {d["value"]: d["count"] for d in f["kind"]} == {"agreement": 3, "framework": 1}
    assert {d["value"]: d["count"] for d in f["status"]} == {"signed": 2, "expected": 1, "terminated": 1}
    assert {d["value"]: d["count"] for d in f["year"]} == {2021: 1, 2024: 1, 2025: 1}
    # Facets count the filtered set, not the whole database.
    g = loaded.agreements(party="UKR").facets
    assert {d["value"]: d["count"] for d in g["party"]} == {"UKR": 2, "USA": 2}
    assert loaded.agreements(party="UKR", facets=False).facets == {}


def test_full_text_filters_and_document_search(loaded):
    s = loaded
    # Stemming on both dialects: "partnerships" finds "partnership".
    assert [a["name"] for a in s.agreements(text="defense partnerships").items] == ["Strategic Defense Framework"]
    assert [a["name"] for a in s.agreements(text='"transit route"').items] == ["peace agreement"]
    assert {a["name"] for a in s.agreements(text="troops OR Zelensky").items} == {
        "defence cooperation agreement", "bilateral security agreement", "Strategic Defense Framework"}
    assert s.agreements(text="Reznikov -cyber").total == 1  # only outlet C lacks "cyber"; it is the framework
    assert s.agreements(text="nonexistentword").total == 0
    assert s.agreements(text="   ").total == 0
    hits = s.search_documents("Reznikov framework")
    assert {h["doc_id"] for h in hits} == {"outlet-a-2021-09-01", "outlet-c-2021-09-15"}
    assert all("«" in h["snippet"] for h in hits)
    assert hits[0]["doc_id"] == "outlet-c-2021-09-15"  # title hit ranks first
    assert [h["doc_id"] for h in s.search_documents('"G7 summit"')] == ["outlet-d-2024-06-13"]
    # Query-syntax characters from users never raise (FTS5 would on a bare "(" or quote).
    assert {h["doc_id"] for h in s.search_documents('Reznikov and ( "')} == {
        "outlet-a-2021-09-01", "outlet-b-2021-08-31", "outlet-c-2021-09-15"}
    prov = s.search_provisions("security assistance")
    assert [p["text"] for p in prov] == ["The United States committed $60 million in security assistance."]


def test_agreement_detail_compare_sources(loaded):
    ids = _ids_by_name(loaded.agreements())
    fw, sec = ids["Strategic Defense Framework"], ids["bilateral security agreement"]
    assert loaded.agreement(999999) is None
    cmp = loaded.compare([fw, sec])
    rows = {r["field"]: r["values"] for r in cmp["rows"]}
    assert rows["kind"] == ["framework", "agreement"]
    assert rows["duration_years"] == [None, 10]
    assert rows["defense_pledge"] == [None, False] and rows["consultation_pledge"] == [None, True]
    assert rows["funding_total"] == [{"USD": 60000000.0}, {}]
    assert rows["signatories"][1] == ["Joe Biden (President, USA)", "Volodymyr Zelensky (President, UKR)"]
    assert cmp["shared_domains"] == ["defense"] and cmp["shared_parties"] == ["UKR", "USA"]
    assert loaded.compare([fw, 424242])["missing"] == [424242]
    src = loaded.sources(fw)
    assert [x["published"] for x in src] == ["2021-08-31", "2021-09-01", "2021-09-15", "2024-06-13"]
    assert src[1]["name"] == "strategic defense framework" and src[3]["role"] == "mentioned"


def test_timeline_and_network(loaded):
    tl = loaded.timeline(pair=("USA", "UKR"))
    assert [(e["date"], e["event"]) for e in tl] == [("2021-08-31", "signed"), ("2024-06-13", "signed"),
                                                      ("2024-06-14", "due")]
    assert [e["date"] for e in loaded.timeline(party="ARM")] == ["2025-08-08"]
    net = loaded.network()
    edges = {(e["source"], e["target"]): e for e in net["edges"]}
    assert edges[("UKR", "USA")]["count"] == 2
    assert edges[("UKR", "USA")]["domains"] == {"defense": 2, "cyber": 1, "intelligence": 1}
    assert {("ARM", "AZE"), ("ARM", "USA"), ("AZE", "USA"), ("FRA", "TCD")} <= set(edges)
    nodes = {n["id"]: n for n in net["nodes"]}
    assert nodes["USA"]["agreements"] == 3 and nodes["USA"]["kind"] == "state"
    only_2024 = loaded.network(since="2024", until="2024")
    assert [(e["source"], e["target"]) for e in only_2024["edges"]] == [("UKR", "USA")]
    assert {(e["source"], e["target"]) for e in loaded.network(domain="connectivity")["edges"]} == {
        ("ARM", "AZE"), ("ARM", "USA"), ("AZE", "USA")}


def test_document_spans_and_stats(loaded):
    doc = loaded.document("outlet-d-2024-06-13")
    assert doc["title"].startswith("Biden") and doc["published"] == "2024-06-13"
    assert [r["name"] for r in doc["reports"]] == ["bilateral security agreement", "Strategic Defense Framework"]
    assert len({r["agreement_id"] for r in doc["reports"]}) == 2
    fields = {sp["field"] for sp in doc["spans"]}
    assert {"name", "signed_date", "duration_years", "consultation_pledge"} <= fields
    sp = next(x for x in doc["spans"] if x["field"] == "duration_years")
    assert doc["text"][sp["start"]:sp["end"]] == "10-year"
    assert loaded.document("missing") is None
    st = loaded.stats()
    assert st["documents"] == 6 and st["reports"] == 7 and st["agreements"] == 4
    assert st["by_kind"] == {"agreement": 3, "framework": 1} and st["by_year"] == {"2021": 1, "2024": 1, "2025": 1}
    rec = loaded.stored_record("outlet-a-2021-09-01")
    from store_records import framework_reports

    assert rec == framework_reports()[0].to_json_dict()  # the record round-trips unchanged


def test_sqlite_index_walk_gives_the_same_pages(loaded, monkeypatch):
    """Large result sets take another plan on SQLite (INDEXED BY the date index): same answer."""
    from pactwatch.store import queries

    def pages():
        return [[a["id"] for a in loaded.agreements(party=p, limit=lim, offset=off, facets=False).items]
                for p in ("USA", "UKR", None) for lim, off in ((1, 0), (2, 1), (50, 0))]

    expected = pages()
    monkeypatch.setattr(queries, "SQLITE_INDEX_WALK_MIN", 0)
    assert pages() == expected
    assert loaded.agreements(party="USA", kind="agreement", since="2021", facets=False).total == 2


def test_bounded_timeline_network_ids_and_text_facets(loaded):
    """The SQL-bounded timeline / aggregated network / once-matched text filter agree with
    their unbounded definitions."""
    full = loaded.timeline()
    assert full == sorted(full, key=lambda e: (e["date"], e["agreement_id"], e["event"]))
    for n in range(1, len(full) + 1):
        assert loaded.timeline(limit=n) == full[:n]
    assert loaded.timeline(party="USA", limit=2) == loaded.timeline(party="USA")[:2]
    net = loaded.network()
    edges = {(e["source"], e["target"]): e for e in net["edges"]}
    assert edges[("UKR", "USA")]["agreement_ids"] == sorted(edges[("UKR", "USA")]["agreement_ids"])
    assert len(edges[("UKR", "USA")]["agreement_ids"]) == 2
    # Text filter: total, page and facets all read the same match set.
    page = loaded.agreements(text="troops OR Zelensky", limit=1)
    full_page = loaded.agreements(text="troops OR Zelensky", limit=100, facets=False)
    assert page.total == full_page.total == len(full_page.items) and len(page.items) == 1
    parties = {}
    for a in full_page.items:
        for p in a["parties"]:
            parties[p] = parties.get(p, 0) + 1
    assert {f["value"]: f["count"] for f in page.facets["party"]} == parties
    kinds = {}
    for a in full_page.items:
        kinds[a["kind"]] = kinds.get(a["kind"], 0) + 1
    assert {f["value"]: f["count"] for f in page.facets["kind"]} == kinds
    assert loaded.agreements(text="troops OR Zelensky", party="USA", facets=False).total <= page.total
