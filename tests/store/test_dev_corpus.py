"""The real dev corpus through the real extractor into the store: twice, and in reverse."""

from __future__ import annotations

import glob
import os

import pytest

from pactwatch.store import Store


@pytest.fixture(scope="module")
def dev_records(dev_corpus):
    pactwatch = pytest.importorskip("pactwatch")
    try:
        from pactwatch.api import extract_file  # noqa: F401
    except ImportError:
        pytest.skip("extractor not available")
    paths = sorted(glob.glob(os.path.join(dev_corpus, "*.txt")))
    return [pactwatch.extract_file(p) for p in paths]


def _snapshot(store: Store) -> list:
    out = []
    for a in store.iter_agreements():
        out.append((a["party_key"], a["signed_date"], a["name"], a["kind"], a["status"], a["n_sources"],
                    tuple(s["doc_id"] for s in a["sources"]), tuple(m["key"] if "key" in m else (m["kind"], m["name"])
                                                                    for m in a["mechanisms"])))
    return sorted(out, key=repr)


def test_dev_corpus_ingests_idempotently_and_order_independently(db_url, dev_records):
    store = Store(db_url)
    for r in dev_records:
        assert store.save(r).state == "new"
    counts, snap = store.table_counts(), _snapshot(store)
    assert counts["documents"] == len(dev_records)
    assert counts["reports"] == sum(len(r.agreements) for r in dev_records)
    assert 0 < counts["agreements"] <= counts["reports"]
    for r in dev_records:  # second run: nothing changes
        assert store.save(r).state == "same"
    assert store.table_counts() == counts
    for r in dev_records:
        store.delete_document(r.document.id)
    assert store.table_counts()["agreements"] == 0
    for r in reversed(dev_records):
        store.save(r)
    assert _snapshot(store) == snap
    # Every evidence quote of every merged agreement lies inside its source text.
    for a in store.iter_agreements():
        for spans in a["evidence"].values():
            for e in spans:
                assert 0 <= e["start"] <= e["end"]
    store.close()
