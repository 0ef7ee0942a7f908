"""Two `pactwatch ingest` processes writing to the same database at once, over overlapping
inputs, end with the union of both inputs: every document once, every agreement merged
once (two writers never both create the same canonical agreement), the same database a
single uninterrupted run gives.

Both processes start on a database that does not exist yet, so they also race to create
the schema.
"""

from __future__ import annotations

import pytest
from robust_helpers import assert_no_duplicates, start_cli, stop_group, store_fingerprint, write_feed

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


def check_union(url, fault_docs, reference):
    with Store(url) as store:
        assert_no_duplicates(store)
        assert store.failures() == []
        fp = store_fingerprint(store)
    assert set(fp["docs"]) == {d[0] for d in fault_docs}
    assert fp == reference


def test_two_ingests_into_one_sqlite_file(tmp_path, fault_docs, reference):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    run_two_at_once(tmp_path, fault_docs, url)
    check_union(url, fault_docs, reference)


@pytest.mark.postgres
def test_two_ingests_into_one_postgres_database(tmp_path, fault_docs, reference, pg_schema_url):
    url, _, _ = pg_schema_url
    run_two_at_once(tmp_path, fault_docs, url)
    check_union(url, fault_docs, reference)
