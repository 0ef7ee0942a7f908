"""The pipeline on a Dask cluster gives the same database as a single-process run."""

from __future__ import annotations

import pytest

from pactwatch.pipeline import ingest
from pactwatch.store import Store
from test_pipeline import AGREEMENTS, OTHER, write_jsonl

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def cluster():
    # Two worker processes of one thread each, as on a small real cluster; each loads the
    # model once (the pipeline runs _worker_init on every worker).
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=40) as c:
        yield c


def test_dask_cluster_output_equals_single_process(cluster, tmp_path, db_url):
    docs = [d for pair in zip(AGREEMENTS, OTHER) for d in pair] * 1
    path = write_jsonl(tmp_path / "feed.jsonl", docs)
    ids = [d[0] for d in docs]

    ref = Store(f"sqlite:///{tmp_path / 'ref.db'}")
    s1 = ingest([str(path)], ref, batch_size=2)

    store = Store(db_url)
    s2 = ingest([str(path)], store, scheduler=cluster.scheduler_address, batch_size=2, max_in_flight=3)
    assert (s2.read, s2.extracted, s2.triaged_out, s2.agreements, s2.failed) == \
        (s1.read, s1.extracted, s1.triaged_out, s1.agreements, s1.failed)
    # record for record: same documents, same extracted agreements, no duplicates
    for doc_id in ids:
        assert store.stored_record(doc_id) == ref.stored_record(doc_id)
    assert store.table_counts() == ref.table_counts()
    assert [a["name"] for a in store.agreements(limit=100).items] == [a["name"] for a in ref.agreements(limit=100).items]

    # a rerun on the cluster skips everything before sending any work
    s3 = ingest([str(path)], store, scheduler=cluster.scheduler_address)
    assert s3.skipped_same == len(ids) and s3.extracted == 0
    ref.close()
    store.close()


def test_dask_client_object_is_accepted(cluster, tmp_path):
    # An existing Client can be passed as the scheduler (the pipeline does not close it).
    path = write_jsonl(tmp_path / "feed.jsonl", AGREEMENTS[:2])
    store = Store(f"sqlite:///{tmp_path / 'c.db'}")
    with distributed.Client(cluster) as client:
        stats = ingest([str(path)], store, scheduler=client)
        assert stats.extracted == 2
        assert client.status == "running"
    store.close()
