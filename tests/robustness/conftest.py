"""Fixtures of the robustness tests (helpers live in robust_helpers.py)."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def pg_schema_url(pg_base_url):
    """A private PostgreSQL schema with a unique application_name, so a test can cut its own
    connections (and only its own) with pg_terminate_backend."""
    import sqlalchemy as sa

    app_name = "pw_robust_" + uuid.uuid4().hex[:10]
    schema = "r_" + uuid.uuid4().hex[:12]
    eng = sa.create_engine(pg_base_url)
    with eng.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_base_url else "?"
    url = f"{pg_base_url}{sep}options=-csearch_path%3D{schema}&application_name={app_name}"
    yield url, app_name, eng
    with eng.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    eng.dispose()




@pytest.fixture(scope="session")
def fault_docs():
    """The documents of the fault and concurrency tests: 16 agreement reports (two of each
    agreement, so merging is exercised) and 4 off-topic stories (triaged out)."""
    from robust_helpers import OTHER_DOCS, numbered_docs

    docs = numbered_docs(16)
    # off-topic stories interleaved, so triage's "seen" writes happen throughout the run
    for i, d in enumerate(OTHER_DOCS):
        docs.insert(4 * i + 2, d)
    return docs


@pytest.fixture(scope="session")
def reference(fault_docs, tmp_path_factory):
    """Fingerprint of an uninterrupted one-process ingest of ``fault_docs`` (SQLite)."""
    from robust_helpers import store_fingerprint, write_feed

    from pactwatch.pipeline import ingest
    from pactwatch.store import Store

    tmp = tmp_path_factory.mktemp("reference")
    feed = write_feed(tmp / "feed.jsonl", fault_docs)
    with Store(f"sqlite:///{tmp / 'ref.db'}") as store:
        stats = ingest([str(feed)], store, batch_size=4)
        assert stats.failed == 0 and stats.read == len(fault_docs)
        return store_fingerprint(store)
