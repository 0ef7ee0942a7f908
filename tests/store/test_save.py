"""Writing: schema, idempotency, replacement of changed documents, merging, conflicts, crashes,
concurrent writers.  Every test runs on SQLite and PostgreSQL (``db_url``)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from store_records import (
    framework_reports, make_record, other_records, security_agreement_2024,
)

from pactwatch.store import Store
from pactwatch.store import write as write_mod
from pactwatch.store.db import current_revision
from pactwatch.store.models import STORE_TABLES


def _content(store: Store) -> list[dict]:
    """Canonical agreements without database ids/timestamps, for order/idempotency comparisons."""
    out = []
    for a in store.iter_agreements():
        a = {k: v for k, v in a.items() if k not in ("id", "created_at", "updated_at")}
        for f in ("signatories", "provisions", "funding", "mechanisms"):
            a[f] = [{k: v for k, v in it.items() if k != "id"} for it in a[f]]
        out.append(a)
    return sorted(out, key=lambda a: (a["party_key"], a["signed_date"] or "", a["name"]))


def test_migration_creates_schema_and_full_text(db_url):
    store = Store(db_url)
    insp = sa.inspect(store.engine)
    tables = set(insp.get_table_names())
    assert set(STORE_TABLES) <= tables
    assert current_revision(store.engine) is not None
    cols = {c["name"] for c in insp.get_columns("mechanisms")}
    assert {"id", "agreement_id", "kind", "name", "frequency", "due"} <= cols
    if store.dialect == "sqlite":
        assert {"documents_fts", "provisions_fts"} <= tables
        with store.engine.connect() as c:
            assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    else:
        assert "tsv" in {c["name"] for c in insp.get_columns("documents")}
        assert "ix_documents_tsv" in {i["name"] for i in insp.get_indexes("documents")}
    store.close()
    # A second open finds the schema current and changes nothing.
    again = Store(db_url)
    assert again.stats()["documents"] == 0
    again.close()


def test_save_same_document_twice_changes_nothing(store):
    recs = framework_reports()
    for r in recs:
        assert store.save(r).state == "new"
    counts, content = store.table_counts(), _content(store)
    assert store.document_state(recs[0].document.id, write_mod.record_hash(recs[0])) == "same"
    for r in recs:
        assert store.save(r).state == "same"
    assert store.table_counts() == counts
    assert _content(store) == content


def test_three_outlets_merge_into_one_agreement_with_three_sources(store):
    for r in framework_reports():
        store.save(r)
    page = store.agreements(party="UKR")
    assert page.total == 1
    ag = store.agreement(page.items[0]["id"])
    assert ag["n_sources"] == 3
    assert {s["doc_id"] for s in ag["sources"]} == {"outlet-a-2021-09-01", "outlet-b-2021-08-31", "outlet-c-2021-09-15"}
    assert ag["kind"] == "framework" and ag["signed_date"] == "2021-08-31" and ag["status"] == "signed"
    assert ag["parties"] == ["UKR", "USA"]
    assert ag["domains"] == ["cyber", "defense", "intelligence"]
    assert [s["name"] for s in ag["signatories"]] == ["Lloyd Austin", "Oleksii Reznikov"]
    assert ag["funding"][0]["amount"] == 60_000_000 and ag["funding"][0]["n_sources"] == 2
    assert ag["mechanisms"][0]["kind"] == "dialogue" and ag["mechanisms"][0]["n_sources"] == 2
    assert ag["conflicts"] == []
    # Evidence is quoted from the right document at the stored offsets.
    texts = {r.document.id: r.document.text for r in framework_reports()}
    for field, spans in ag["evidence"].items():
        for e in spans:
            assert e["quote"] == texts[e["doc_id"]][e["start"]:e["end"]], field
    assert {e["quote"] for e in ag["evidence"]["signed_date"]} == {"on Tuesday", "August 31, 2021", "August 2021"}
    assert len(store.sources(ag["id"])) == 3


def test_merge_is_order_independent(store):
    recs = [*framework_reports(), security_agreement_2024(), *other_records()]
    for r in recs:
        store.save(r)
    forward = _content(store)
    for r in recs:
        store.delete_document(r.document.id)
    assert store.table_counts()["agreements"] == 0 and store.table_counts()["reports"] == 0
    for r in reversed(recs):
        store.save(r)
    assert _content(store) == forward


def test_2021_framework_and_2024_agreement_stay_apart(store):
    for r in [*framework_reports(), security_agreement_2024()]:
        store.save(r)
    page = store.agreements(party="USA", with_party="UKR")
    assert page.total == 2
    by_year = {a["year"]: a for a in page.items}
    assert set(by_year) == {2021, 2024}
    assert by_year[2024]["name"] == "bilateral security agreement" and by_year[2024]["n_sources"] == 1
    assert by_year[2024]["duration_years"] == 10 and by_year[2024]["defense_pledge"] is False
    # The 2024 article's passing mention of the 2021 framework joins the 2021 agreement.
    fw = store.agreement(by_year[2021]["id"])
    assert fw["n_sources"] == 4
    assert {s["doc_id"]: s["role"] for s in fw["sources"]}["outlet-d-2024-06-13"] == "mentioned"
    assert fw["role"] == "primary"


def test_conflicting_values_are_kept_per_source(store):
    recs = framework_reports()
    text = "Ukraine and the United States signed the strategic defense framework in Kyiv on August 30, 2021."
    odd = make_record("outlet-g", text, published="2021-09-02", source="https://g.example", title=None, agreements=[{
        "name": "strategic defense framework", "role": "primary", "kind": "framework", "parties": ["UKR", "USA"],
        "status": "signed", "signed_date": "2021-08-30", "place": "Kyiv", "confidence": 0.95,
        "quotes": {"place": "Kyiv", "signed_date": "August 30, 2021"}}])
    for r in [*recs, odd]:
        store.save(r)
    (item,) = store.agreements().items
    ag = store.agreement(item["id"])
    assert ag["n_sources"] == 4
    assert ag["signed_date"] == "2021-08-31"  # outlets a and b (and c's "2021-08") against g
    assert ag["place"] == "Kyiv"  # one source each (a, g): the more confident one (g, 0.95) wins
    conflicts = {c["field"]: c["values"] for c in ag["conflicts"]}
    assert conflicts["signed_date"] == [{"value": "2021-08-31", "sources": ["outlet-a-2021-09-01", "outlet-b-2021-08-31"]},
                                        {"value": "2021-08-30", "sources": ["outlet-g"]}]
    assert {v["value"] for v in conflicts["place"]} == {"Washington", "Kyiv"}
    assert item["has_conflicts"] is True


def test_changed_document_replaces_its_reports_and_remerges(store):
    a, b, c = framework_reports()
    for r in (a, b, c):
        store.save(r)
    (before,) = store.agreements().items
    mech_ids = [m["id"] for m in store.agreement(before["id"])["mechanisms"]]
    # Outlet B corrects its story: now it reports the 2024 agreement, not the framework.
    text = "Correction: the agreement Austin and Reznikov discussed is the bilateral security agreement of June 13, 2024."
    b2 = make_record(b.document.id, text, published="2021-08-31", source=b.document.source, title="Correction",
                     agreements=[{"name": "bilateral security agreement", "role": "primary", "kind": "agreement",
                                  "parties": ["UKR", "USA"], "status": "signed", "signed_date": "2024-06-13",
                                  "confidence": 0.6, "quotes": {"name": "bilateral security agreement",
                                                                "signed_date": "June 13, 2024"}}])
    assert store.document_state(b.document.id, write_mod.record_hash(b2)) == "changed"
    res = store.save(b2)
    assert res.state == "changed"
    page = store.agreements(sort="date")
    assert page.total == 2
    fw = store.agreement(before["id"])  # the framework keeps its id ...
    assert fw["n_sources"] == 2 and {s["doc_id"] for s in fw["sources"]} == {a.document.id, c.document.id}
    assert fw["names"] == ["Strategic Defense Framework", "strategic defense framework"]  # ... and lost B's name
    assert [m["id"] for m in fw["mechanisms"]] == mech_ids  # tracker links survive a re-merge
    doc = store.document(b.document.id)
    assert doc["text"] == text and len(doc["reports"]) == 1
    assert all(s["end"] <= len(text) for s in doc["spans"])
    # Evidence rows of the old extraction are gone.
    with store.session() as s:
        n = s.execute(sa.text("SELECT count(*) FROM evidence WHERE document_id = :d"), {"d": b.document.id}).scalar()
    assert n == 2


def test_document_without_agreements_and_deleting_last_source(store):
    empty = make_record("no-agreement", "Markets rose on Tuesday.", published="2021-01-05", source="x", title=None,
                        agreements=[])
    assert store.save(empty).state == "new"
    assert store.document("no-agreement")["status"] == "empty"
    rec = other_records()[1]
    store.save(rec)
    assert store.agreements(party="TCD").total == 1
    assert store.delete_document(rec.document.id)
    assert store.agreements(party="TCD").total == 0
    counts = store.table_counts()
    assert counts["agreements"] == counts["provisions"] == counts["funding"] == 0
    assert not store.delete_document(rec.document.id)


def test_failures_are_recorded_and_cleared_by_a_successful_save(store):
    store.record_failure("/data/broken.html", "UnicodeDecodeError: invalid start byte", doc_id="outlet-e-2025-08-09")
    store.record_failure("/data/empty.txt", "empty document", stage="clean")
    fails = store.failures()
    assert [f["source"] for f in fails] == ["/data/empty.txt", "/data/broken.html"]
    assert fails[1]["reason"].startswith("UnicodeDecodeError") and fails[0]["stage"] == "clean"
    store.save(other_records()[0])  # outlet-e now reads fine
    assert [f["source"] for f in store.failures()] == ["/data/empty.txt"]


def test_crash_mid_save_leaves_nothing_and_rerun_completes(store, monkeypatch):
    recs = framework_reports()
    store.save(recs[0])
    before = store.table_counts()

    def boom(*a, **k):
        raise RuntimeError("worker killed while merging")

    monkeypatch.setattr(write_mod, "remerge", boom)
    with pytest.raises(RuntimeError):
        store.save(recs[1])
    assert store.table_counts() == before  # the document, its reports and evidence rolled back
    assert store.document_state(recs[1].document.id, None) == "new"
    monkeypatch.undo()
    assert store.save(recs[1]).state == "new"
    assert store.save(recs[0]).state == "same"
    (item,) = store.agreements().items
    assert item["n_sources"] == 2


def test_concurrent_writers_build_one_agreement(db_url):
    """Two writers (own engines, like two processes) saving reports of one agreement at once."""
    Store(db_url).close()  # schema first, as `pactwatch ingest` does before starting workers
    recs = framework_reports()
    # Distinct copies of the three reports so each writer has several documents.
    jobs = [[], []]
    for n in range(6):
        r = recs[n % 3].model_copy(deep=True)
        r.document.id = f"{r.document.id}-copy{n}"
        jobs[n % 2].append(r)
    errors = []

    def run(batch):
        s = Store(db_url)
        try:
            for r in batch:
                s.save(r)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=run, args=(b,)) for b in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    store = Store(db_url)
    page = store.agreements()
    assert page.total == 1 and page.items[0]["n_sources"] == 6
    assert store.table_counts()["reports"] == 6
    store.close()


def test_large_blocks_recluster_the_neighbourhood_only(store, monkeypatch):
    """Above FULL_RECLUSTER_MAX reports per party set the merge works on the neighbourhood of
    the new report; it must reach the same agreements as the whole-block clustering."""
    monkeypatch.setattr(write_mod, "FULL_RECLUSTER_MAX", 1)
    recs = [*framework_reports(), security_agreement_2024(), *other_records()]
    for r in recs:
        store.save(r)
    forward = _content(store)
    fw = store.agreements(kind="framework").items[0]
    assert fw["n_sources"] == 4 and store.agreements(party="UKR").total == 2
    for r in recs:
        store.delete_document(r.document.id)
    for r in reversed(recs):
        store.save(r)
    assert _content(store) == forward


_WRITER = """
import sys
sys.path.insert(0, {here!r})
from store_records import framework_reports
from pactwatch.store import Store
store = Store({url!r})
for n in range(4):
    for r in framework_reports():
        r.document.id = f"{{r.document.id}}-p{tag}-{{n}}"
        store.save(r)
store.close()
"""


def test_two_processes_writing_at_once(db_url):
    """Two OS processes ingesting reports of the same agreement at the same time."""
    import os
    import subprocess
    import sys

    Store(db_url).close()
    here = os.path.dirname(os.path.abspath(__file__))
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER.format(here=here, url=db_url, tag=t)],
                              stderr=subprocess.PIPE, text=True) for t in (1, 2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    store = Store(db_url)
    page = store.agreements()
    assert page.total == 1 and page.items[0]["n_sources"] == 24
    assert store.table_counts()["documents"] == 24
    store.close()
