"""Exports parsed back: CSV (and per-table CSVs), JSON/JSONL, Parquet, ATOP dyad-years."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
from store_records import make_record

from pactwatch import export


def test_csv_one_row_per_agreement(loaded, tmp_path):
    out = tmp_path / "a.csv"
    res = export.write(loaded, "csv", out)
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert res["rows"] == len(rows) == 4
    fw = next(r for r in rows if r["name"] == "Strategic Defense Framework")
    assert fw["parties"] == "UKR; USA" and fw["domains"] == "cyber; defense; intelligence"
    assert fw["signatories"] == "Lloyd Austin (Defense Secretary, USA); Oleksii Reznikov (Defense Minister, UKR)"
    assert fw["funding"] == "60000000 USD" and fw["mechanisms"] == "dialogue: strategic dialogue"
    assert fw["n_sources"] == "4" and len(fw["sources"].split("; ")) == 4


def test_csv_tables(loaded, tmp_path):
    res = export.write(loaded, "csv", tmp_path / "tables", tables=True)
    names = {p.split("/")[-1] for p in res["files"]}
    assert {"agreements.csv", "parties.csv", "signatories.csv", "provisions.csv", "funding.csv", "mechanisms.csv",
            "sources.csv", "conflicts.csv"} <= names
    parties = list(csv.DictReader(open(tmp_path / "tables" / "parties.csv")))
    assert len(parties) == 2 + 2 + 3 + 2
    mech = list(csv.DictReader(open(tmp_path / "tables" / "mechanisms.csv")))
    assert {m["kind"] for m in mech} == {"dialogue", "meeting", "commission"} and all(m["id"] for m in mech)


def test_json_and_jsonl(loaded, tmp_path):
    export.write(loaded, "json", tmp_path / "a.json")
    data = json.load(open(tmp_path / "a.json"))
    assert len(data) == 4
    fw = next(a for a in data if a["kind"] == "framework")
    assert fw["evidence"]["name"][0]["doc_id"] and "party_key" not in fw
    export.write(loaded, "json", tmp_path / "a.jsonl")
    lines = open(tmp_path / "a.jsonl").read().splitlines()
    assert [json.loads(x)["id"] for x in lines] == [a["id"] for a in data]


def test_parquet(loaded, tmp_path):
    export.write(loaded, "parquet", tmp_path / "a.parquet")
    t = pq.read_table(tmp_path / "a.parquet")
    assert t.num_rows == 4
    rows = {r["name"]: r for r in t.to_pylist()}
    sec = rows["bilateral security agreement"]
    assert sec["parties"] == ["UKR", "USA"] and sec["duration_years"] == 10.0 and sec["defense_pledge"] is False
    assert sec["signatories"][0] == {"name": "Joe Biden", "role": "President", "party": "USA"}
    assert rows["Strategic Defense Framework"]["funding"] == [
        {"amount": 60000000.0, "currency": "USD", "purpose": "security assistance"}]
    assert str(t.schema.field("mechanisms").type).startswith("list<element: struct<kind")


def test_atop_dyad_years(loaded, tmp_path):
    out = tmp_path / "atop.csv"
    export.write(loaded, "atop", out, through=2026)
    rows = list(csv.DictReader(open(out)))
    sec = [r for r in rows if r["name"] == "bilateral security agreement"]
    # 10 years from 2024-06-13 -> in effect during 2024..2034 (expiry year included).
    assert [int(r["year"]) for r in sec] == list(range(2024, 2035))
    assert {(r["stateA"], r["stateB"]) for r in sec} == {("UKR", "USA")}
    assert {r["defense"] for r in sec} == {"0"} and {r["consultation"] for r in sec} == {"1"}
    assert {r["end_year"] for r in sec} == {"2034"} and {r["bilateral"] for r in sec} == {"1"}
    # Open-ended: through the given year.  Three states: three dyads.
    fw = [r for r in rows if r["name"] == "Strategic Defense Framework"]
    assert [int(r["year"]) for r in fw] == list(range(2021, 2027))
    # The peace agreement is only "expected" and the French-Chad one undated: no rows.
    assert {r["name"] for r in rows} == {"bilateral security agreement", "Strategic Defense Framework"}


def test_atop_multilateral_and_year_only_dates():
    ag = {"id": 7, "name": "x", "kind": "treaty", "status": "in_force", "signed_date": "1994",
          "duration_years": 10, "parties": ["ARM", "EU", "UKR", "GEO"], "defense_pledge": True,
          "consultation_pledge": None, "sources": []}
    rows = list(export.atop_rows([ag], through=2030))
    # EU is not a state; three states -> three dyads, 1994..2004 each (year-only: start + ceil(d)).
    assert sorted({(r["stateA"], r["stateB"]) for r in rows}) == [("ARM", "GEO"), ("ARM", "UKR"), ("GEO", "UKR")]
    assert sorted({r["year"] for r in rows}) == list(range(1994, 2005))
    assert all(r["stateA"] < r["stateB"] and r["defense"] == 1 and r["n_parties"] == 4 for r in rows)
    assert len(list(export.atop_rows([ag], include_non_states=True))) == 6 * 11


def test_terminated_without_duration_ends_at_latest_report(store):
    text = "Chad and France signed a defence pact in 2019. Chad ended the defence pact with France."
    rec = make_record("chad-2024", text, published="2024-11-29", source="x", title=None, agreements=[{
        "name": "defence pact", "role": "primary", "kind": "pact", "parties": ["FRA", "TCD"],
        "status": "terminated", "signed_date": "2019", "confidence": 0.7, "quotes": {"signed_date": "2019"}}])
    store.save(rec)
    rows = list(export.atop_rows(store.iter_agreements(), through=2030))
    assert [r["year"] for r in rows] == [2019, 2020, 2021, 2022, 2023, 2024]
