"""Ingest under faults: a worker process dying, the database connection cut, the disk
filling up, the ingest process terminated.  In every case the run ends by itself, nothing
is half-written, a document that failed is listed with its reason (in the store's failure
log, which `pactwatch failures` prints) instead of being lost, and a plain rerun completes
the database: every document stored exactly once, the same database an uninterrupted run
gives (``reference``).

The faults are real: a forked worker really exits, PostgreSQL really terminates our
backend (only ours: a unique application_name), SQLite really refuses pages past
``max_page_count``, the CLI process really gets SIGTERM.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3

import pytest
import sqlalchemy as sa
from robust_helpers import (
    assert_no_duplicates, cli_reference, run_cli, start_cli, stop_group, store_fingerprint, terminate_backends,
    wait_for, write_feed,
)

from pactwatch.pipeline import ingest
from pactwatch.store import Store


def cli_failures(url: str) -> list[dict]:
    """What an operator sees: `pactwatch failures --json`."""
    r = run_cli("failures", "--db", url, "--json")
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


def doc_ids(docs):
    return [d[0] for d in docs]


# --------------------------------------------------------------------------- worker crash
POISON = "poison-000"


def test_worker_crash_mid_batch(tmp_path, fault_docs, reference, monkeypatch):
    """A document that kills its extraction process (a segfault in a native library, the
    OOM killer) costs that document only; the run and the rerun go on."""
    from pactwatch import api

    real_record = api._record

    def dying_record(document, ann):
        if document.id == POISON:
            os._exit(139)  # the worker process dies on the spot, as on SIGSEGV
        return real_record(document, ann)

    # Workers are forked from this process, so they inherit the patched function.
    monkeypatch.setattr(api, "_record", dying_record)
    poison = (POISON, "Japan and Korea sign a treaty", "TOKYO, May 1 - Japan and South Korea signed a treaty "
              "on defence cooperation on Monday, officials said.")
    docs = list(fault_docs)
    docs.insert(5, poison)
    feed = write_feed(tmp_path / "feed.jsonl", docs)
    url = f"sqlite:///{tmp_path / 'crash.db'}"

    with Store(url) as store:
        first = ingest([str(feed)], store, workers=2, batch_size=4, batch_timeout=300)
    assert first.read == len(docs)
    assert first.failed >= 1
    listed = {f["doc_id"]: f for f in cli_failures(url)}
    assert POISON in listed, listed
    assert listed[POISON]["reason"]  # with its reason

    with Store(url) as store:
        second = ingest([str(feed)], store, workers=2, batch_size=4, batch_timeout=300)
        assert second.failed == 1  # only the poison document, again
        assert_no_duplicates(store)
        fp = store_fingerprint(store)
    assert set(fp["docs"]) == set(doc_ids(fault_docs))  # every other document stored
    assert fp == reference
    failures = cli_failures(url)
    assert [f["doc_id"] for f in failures if f["doc_id"]] and {f["doc_id"] for f in failures if f["doc_id"]} == {POISON}


def test_worker_process_killed_from_outside(tmp_path, fault_docs):
    """SIGKILL to one extraction worker of a running `pactwatch ingest --workers 2` (the OOM
    killer's way): the run replaces the pool, redoes the lost batch and ends normally."""
    import psutil

    feed = write_feed(tmp_path / "feed.jsonl", fault_docs)
    path = tmp_path / "killed.db"
    url = f"sqlite:///{path}"
    proc = start_cli("ingest", str(feed), "--db", url, "--workers", "2", "--batch-size", "1", "--no-progress")
    try:
        assert wait_for(lambda: _stored_count(path) >= 2 or proc.poll() is not None, 240, 0.05)
        workers = psutil.Process(proc.pid).children()
        assert proc.poll() is None and workers, "ingest finished before a worker could be killed"
        workers[0].kill()
        out, err = proc.communicate(timeout=300)
    finally:
        stop_group(proc)
    assert proc.returncode == 0, err[-3000:]
    with Store(url) as store:
        assert_no_duplicates(store)
        lost = {f["doc_id"] for f in store.failures()}
    # A document lost with the worker is retried at once; whatever still failed is listed
    # (by `pactwatch failures`) and the rerun completes the database.
    assert {f["doc_id"] for f in cli_failures(url)} == lost
    r = run_cli("ingest", str(feed), "--db", url, "--no-progress")
    assert r.returncode == 0, r.stderr[-2000:]
    with Store(url) as store:
        assert_no_duplicates(store)
        assert store_fingerprint(store) == cli_reference(tmp_path, feed)
        assert store.failures() == []


# --------------------------------------------------------------------------- PostgreSQL going away
@pytest.mark.postgres
def test_postgres_connections_terminated_mid_run(tmp_path, fault_docs, reference, pg_schema_url):
    url, app_name, admin = pg_schema_url
    feed = write_feed(tmp_path / "feed.jsonl", fault_docs)
    store = Store(url)
    cut = {"idle": 0, "in_tx": 0}
    target = [d[0] for d in fault_docs if d[0].startswith("doc-")][5]  # an agreement report mid-feed

    # Cut 1: while a save is inside its transaction (just before its reports are inserted)
    # the server terminates the connection.  Test-side instrumentation only: the statement
    # then runs on a really dead connection.
    @sa.event.listens_for(store.engine, "before_cursor_execute")
    def _cut_mid_transaction(conn, cursor, statement, params, context, executemany):
        if cut["in_tx"] == 0 and statement.lstrip().upper().startswith("INSERT INTO REPORTS"):
            if isinstance(params, dict) and params.get("document_id") == target:
                cut["in_tx"] = terminate_backends(admin, app_name)

    # Cut 2: between batches, every idle pooled connection is terminated (a server restart).
    def progress(stats):
        if stats.read >= 12 and cut["idle"] == 0:
            cut["idle"] = terminate_backends(admin, app_name)

    first = ingest([str(feed)], store, batch_size=4, progress=progress)
    assert cut["in_tx"] >= 1 and cut["idle"] >= 1, cut
    assert first.read == len(fault_docs)
    failed = {f["doc_id"]: f["reason"] for f in store.failures()}
    assert target in failed and "OperationalError" in failed[target], failed
    assert {f["doc_id"] for f in cli_failures(url)} >= {target}
    store.close()

    sa.event.remove(store.engine, "before_cursor_execute", _cut_mid_transaction)
    with Store(url) as again:
        second = ingest([str(feed)], again, batch_size=4)
        assert second.failed == 0 and second.extracted >= 1
        assert_no_duplicates(again)
        assert store_fingerprint(again) == reference
        assert again.failures() == []  # the stored document's failure is cleared


# --------------------------------------------------------------------------- disk full
def _limit_pages(store, extra_pages: int) -> None:
    """Every new write connection of ``store`` may grow the file by ``extra_pages`` pages only."""
    with store._write_engine.connect() as c:
        pages = c.exec_driver_sql("PRAGMA page_count").scalar()

    @sa.event.listens_for(store._write_engine, "connect")
    def _cap(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + extra_pages}")

    store._write_engine.dispose()  # pooled connections were opened without the cap


def test_sqlite_disk_full(tmp_path, fault_docs, reference):
    feed = write_feed(tmp_path / "feed.jsonl", fault_docs)
    path = tmp_path / "full.db"
    url = f"sqlite:///{path}"
    with Store(url) as store:
        # first few documents fit, then the "disk" is full
        ingest([str(write_feed(tmp_path / "head.jsonl", fault_docs[:3]))], store, batch_size=4)
        _limit_pages(store, 2)
        first = ingest([str(feed)], store, batch_size=4)
    assert not first.interrupted
    assert first.failed >= 1
    assert any("full" in f for f in first.failures), first.failures  # the reason is reported
    # Not lost: each failed document is in the failure log, or -- when even that row no
    # longer fits -- named in the run's report as "could not record failure".
    logged = {f["source"] for f in cli_failures(url) if "full" in f["reason"]}
    unlogged = {line.split("] ", 1)[1].split(": could not record failure")[0]
                for line in first.failures if "could not record failure" in line}
    failed_sources = {line.split("] ", 1)[1].split(": save failed")[0]
                      for line in first.failures if ": save failed" in line}
    assert failed_sources and failed_sources <= logged | unlogged
    assert logged, "at least the first failures fit in the log"
    # nothing half-written: the file is sound and each stored document is whole
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with Store(url) as store:
        assert_no_duplicates(store)

    # space freed (connections without the cap): the rerun completes the database
    with Store(url) as store:
        second = ingest([str(feed)], store, batch_size=4)
        assert second.failed == 0
        assert_no_duplicates(store)
        assert store_fingerprint(store) == reference


def test_sqlite_disk_full_while_noting_triaged_out_documents(tmp_path):
    """Triaged-out documents are noted as "seen" (so a rerun skips them); when even that
    note cannot be written the run goes on, and the rerun simply triages them again."""
    from robust_helpers import OTHER_DOCS

    # long titles: each "seen" row needs new pages, which a full disk cannot give
    docs = [(f"{d[0]}-{i}", d[1] + " " + "headline words " * 400, d[2]) for i in range(3) for d in OTHER_DOCS]
    feed = write_feed(tmp_path / "feed.jsonl", docs)
    url = f"sqlite:///{tmp_path / 'seen.db'}"
    with Store(url) as store:
        _limit_pages(store, 0)
        first = ingest([str(feed)], store, batch_size=4)
    assert not first.interrupted and first.read == len(docs)
    assert any("full" in f for f in first.failures), first.failures
    with Store(url) as store:
        second = ingest([str(feed)], store, batch_size=4)
        assert second.triaged_out + second.skipped_same == len(docs) and second.failed == 0
        assert_no_duplicates(store)
        assert store.table_counts()["documents"] == len(docs)


# --------------------------------------------------------------------------- SIGTERM
def _stored_count(path) -> int:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM documents WHERE status != 'triaged_out'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_sigterm_then_rerun(tmp_path, fault_docs):
    feed = write_feed(tmp_path / "feed.jsonl", fault_docs)
    path = tmp_path / "term.db"
    url = f"sqlite:///{path}"
    proc = start_cli("ingest", str(feed), "--db", url, "--batch-size", "2", "--workers", "2", "--no-progress")
    try:
        # terminate once some, but not all, documents are stored
        assert wait_for(lambda: _stored_count(path) >= 2 or proc.poll() is not None, 240, 0.05)
        assert proc.poll() is None, "ingest finished before it could be terminated; use more documents"
        os.killpg(proc.pid, signal.SIGTERM)  # as a service manager stops a unit: the whole group
        proc.communicate(timeout=60)
    finally:
        stop_group(proc)
    assert proc.returncode != 0
    partial = _stored_count(path)
    assert 0 < partial < 16
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()

    r = run_cli("ingest", str(feed), "--db", url, "--batch-size", "2", "--no-progress")
    assert r.returncode == 0, r.stderr[-2000:]
    with Store(url) as store:
        assert_no_duplicates(store)
        assert store_fingerprint(store) == cli_reference(tmp_path, feed)
