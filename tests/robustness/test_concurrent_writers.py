"""Two `pactwatch ingest` processes writing to the same database at once, over overlapping
inputs, end with the union of both inputs: every document once, every agreement merged
once (two writers never both create the same canonical agreement), the same database a
single uninterrupted run gives.

Both processes start on a database that does not exist yet, so they also race to create
the schema.
"""

from __future__ import annotations

import pytest
from robust_helpers import (
    assert_no_duplicates, cli_reference, start_cli, stop_group, store_fingerprint, write_feed,
)

from pactwatch.store import Store


def run_two_at_once(tmp_path, docs, url):
    # Overlap in the middle: both processes extract and save documents 6..13.
    a = write_feed(tmp_path / "a.jsonl", docs[:14])
    b = write_feed(tmp_path / "b.jsonl", docs[6:])
    procs = [start_cli("ingest", str(f), "--db", url, "--batch-size", "2", "--no-progress") for f in (a, b)]
    try:
        outs = [p.communicate(timeout=600) for p in procs]
    finally:
        for p in procs:
            stop_group(p)
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-3000:]
        assert "failed" in out
    return outs


def check_union(tmp_path, url, fault_docs):
    with Store(url) as store:
        assert_no_duplicates(store)
        assert store.failures() == []
        fp = store_fingerprint(store)
    assert set(fp["docs"]) == {d[0] for d in fault_docs}
    # the same database as one process ingesting the union
    assert fp == cli_reference(tmp_path, write_feed(tmp_path / "union.jsonl", fault_docs))


def test_two_ingests_into_one_sqlite_file(tmp_path, fault_docs):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    run_two_at_once(tmp_path, fault_docs, url)
    check_union(tmp_path, url, fault_docs)


@pytest.mark.postgres
def test_two_ingests_into_one_postgres_database(tmp_path, fault_docs, pg_schema_url):
    url, _, _ = pg_schema_url
    run_two_at_once(tmp_path, fault_docs, url)
    check_union(tmp_path, url, fault_docs)


# --------------------------------------------------------------------------- readers that write
def _record_with_mechanisms(i: int):
    from pactwatch.record import Agreement, Document, Record

    text = (f"Iceland and Norway signed the Arctic Fisheries Agreement number {i} in Reykjavik on 4 May 2023. "
            "It sets up a joint commission that shall meet once a year and a working group on research.")

    def sp(p):
        k = text.index(p)
        return (k, k + len(p))

    ag = Agreement(name=f"Arctic Fisheries Agreement {i}", role="primary", kind="agreement",
                   parties=["ISL", "NOR"] if i % 2 else ["DNK", "NOR"], status="signed", signed_date="2023-05-04",
                   mechanisms=[{"kind": "commission", "name": "joint commission", "frequency": "P1Y"},
                               {"kind": "working_group", "name": "working group on research"}],
                   evidence={"name": [sp("Arctic Fisheries Agreement")], "status": [sp("signed")],
                             "mechanisms": [sp("joint commission"), sp("working group on research")]},
                   confidence=0.9)
    return Record(document=Document(id=f"mech-{i}", source="t", published="2023-05-05", text=text), agreements=[ag])


def test_concurrent_first_reads_of_tracking(db_url):
    """The tracker creates bodies for new mechanisms on first read, and the web app warms
    its views in a background thread at start: many readers arriving at once on a fresh
    database must all get their page, not a unique-key violation (500)."""
    import asyncio

    import httpx
    from robust_helpers import free_port, wait_for

    with Store(db_url) as store:
        for i in range(4):
            store.save(_record_with_mechanisms(i))
        ids = [a["id"] for a in store.agreements(limit=10, facets=False).items]
    assert len(ids) >= 2
    port = free_port()
    proc = start_cli("serve", "--db", db_url, "--host", "127.0.0.1", "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        def up():
            try:
                return httpx.get(base + "/static/app.css", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_for(up, 60)
        paths = [f"/api/agreements/{i}/tracking" for i in ids] + [f"/agreements/{i}/tracking" for i in ids] + \
                ["/api/deadlines", "/deadlines", "/api/deadlines.ics"]

        async def burst():
            async with httpx.AsyncClient(base_url=base, timeout=60) as c:
                return await asyncio.gather(*(c.get(p) for p in paths * 3))

        responses = asyncio.run(burst())
    finally:
        stop_group(proc, sig=2)
    bad = [(r.request.url.path, r.status_code) for r in responses if r.status_code != 200]
    assert bad == []
    with Store(db_url) as store, store.session() as s:
        import sqlalchemy as sa

        dups = s.execute(sa.text("SELECT mechanism_id, COUNT(*) FROM track_bodies WHERE mechanism_id IS NOT NULL "
                                 "GROUP BY mechanism_id HAVING COUNT(*) > 1")).all()
    assert dups == []
