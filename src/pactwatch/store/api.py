"""The agreement database: the one entry point the pipeline, the CLI, the web app and
the tracker use to write and read records.

    from pactwatch.store import Store
    store = Store("sqlite:///pactwatch.db")          # or postgresql+psycopg://...
    if store.document_state(doc.id, digest) != "same":
        store.save(record, original=raw_html, content_hash=digest)
    page = store.agreements(party="UKR", domain="defense")
    store.agreement(page.items[0]["id"])               # merged record with quoted evidence

Contract (names are stable; other modules code against them):

* Every public method returns plain, JSON-serialisable data (dicts, lists, str, int,
  float, bool, None) or a Pydantic model with ``model_dump()`` (``Page``, ``SaveResult``).
* Identifiers: documents are keyed by their record id (str); agreements, reports,
  provisions, mechanisms, signatories and funding rows by integer ids.  An agreement
  keeps its id when more sources are merged into it or a source document changes
  (when a new report shows two stored agreements to be one, the one most reports belonged
  to keeps its id and the other row is deleted, cascading to rows that reference it);
  provisions and mechanisms keep their ids as long as a source still reports them
  (matched on normalised text / kind+name), so the tracker can link to them.
* ``save`` is one transaction per document: a crash leaves either the whole document
  or none of it; rerunning an interrupted ingest completes it without duplicates.
* Writers may run concurrently (threads or processes): SQLite uses WAL, a busy
  timeout, ``BEGIN IMMEDIATE`` write transactions and a retry on "database is
  locked"; PostgreSQL takes transaction-scoped advisory locks on the document id
  and on each party set being merged, so two writers never both create the same
  canonical agreement.
"""

from __future__ import annotations

import contextlib
import time

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import sessionmaker

from pactwatch.record import Record
from pactwatch.store import db, queries, search, write
from pactwatch.store.models import DocumentRow, FailureRow


class SaveResult(BaseModel):
    """What ``Store.save`` did with one document."""

    doc_id: str
    state: str = Field(description='"new", "same" (nothing written) or "changed" (old reports replaced)')
    report_ids: list[int] = Field(default_factory=list)
    agreement_ids: list[int] = Field(default_factory=list, description="canonical agreements touched")


class Page(BaseModel):
    """One page of a filtered agreement listing."""

    total: int
    limit: int
    offset: int
    items: list[dict] = Field(default_factory=list)
    # facet name -> [{"value": ..., "count": n}], counted over all matches (not just this page):
    # keys "party", "domain", "kind", "status", "year".
    facets: dict[str, list[dict]] = Field(default_factory=dict)



class Store:
    """A pactwatch database (SQLite or PostgreSQL), schema kept current by Alembic."""

    def __init__(self, url: str | None = None, *, create: bool = True, echo: bool = False) -> None:
        """Open (and with ``create``, create/upgrade to Alembic head) the database at ``url``.

        ``url`` None -> ``$PACTWATCH_DB`` or ``sqlite:///pactwatch.db``.  A bare path
        (no ``://``) is taken as a SQLite file.  Attributes: ``url``, ``engine``
        (SQLAlchemy Engine), ``dialect`` ("sqlite" | "postgresql").
        """
        self.url = db.resolve_url(url)
        self.engine, self._write_engine = db.make_engines(self.url, echo=echo)
        self.dialect = self.engine.dialect.name
        if create:
            db.upgrade(self._write_engine)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)

    # -- plumbing ---------------------------------------------------------------------------
    def session(self):
        """Context manager yielding a SQLAlchemy ``Session`` in a transaction (commit on exit)."""
        return self._session(write=True)

    def close(self) -> None:
        """Dispose of the connection pool."""
        self.engine.dispose()
        if self._write_engine is not self.engine:
            self._write_engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"

    @contextlib.contextmanager
    def _session(self, *, write: bool = False):
        maker = self._write if write else self._read
        with maker() as session, session.begin():
            yield session

    # Errors another writer causes and that a fresh attempt of the same transaction cures:
    # SQLite "database is locked"/"busy", PostgreSQL deadlock (40P01), serialization (40001),
    # and the unique violation (23505) of two processes inserting the same new document.
    _RETRY_SQLSTATES = {"40P01", "40001", "23505"}
    RETRIES = 8

    def _retryable(self, exc: Exception) -> bool:
        if isinstance(exc, OperationalError) and self.dialect == "sqlite":
            msg = str(exc.orig).lower()
            return "locked" in msg or "busy" in msg
        orig = getattr(exc, "orig", None)
        return isinstance(exc, DBAPIError) and getattr(orig, "sqlstate", None) in self._RETRY_SQLSTATES

    def _retry(self, work):
        """Run ``work(session)`` in one write transaction, retrying on lock conflicts."""
        for attempt in range(self.RETRIES):
            try:
                with self._session(write=True) as s:
                    return work(s)
            except DBAPIError as exc:
                if attempt == self.RETRIES - 1 or not self._retryable(exc):
                    raise
                time.sleep(min(2.0, 0.05 * 2 ** attempt))
        raise AssertionError("unreachable")

    def stored_record(self, doc_id: str) -> dict | None:
        """The pactwatch/v1 record of a document as saved (for re-export and round-trip checks)."""
        with self._session() as s:
            return queries.report_record(s, doc_id)

    def table_counts(self) -> dict[str, int]:
        """Row count of every table of the store (diagnostics, idempotency tests)."""
        from pactwatch.store.models import STORE_TABLES

        with self._session() as s:
            return queries.table_counts(s, STORE_TABLES)

    # -- writing ----------------------------------------------------------------------------
    def document_state(self, doc_id: str, content_hash: str | None) -> str:
        """"new" (never stored), "same" (stored with this hash) or "changed"."""
        with self._session() as s:
            stored = s.execute(sa.select(DocumentRow.content_hash).where(DocumentRow.id == doc_id)).first()
        if stored is None:
            return "new"
        return "same" if content_hash is not None and stored[0] == content_hash else "changed"

    def save(self, record, *, original: str | None = None, content_hash: str | None = None) -> SaveResult:
        """Store one ``pactwatch.record.Record`` in ONE transaction.

        Upserts the document (text, original, metadata, removed ranges), replaces the
        document's previous reports if its content changed, stores each agreement report
        with its evidence spans, and merges every report into a canonical agreement
        (``pactwatch.merge``).  ``content_hash`` defaults to a sha256 of the text plus
        the record's agreements, so the same record twice changes nothing (state "same").
        A successful save clears earlier failures recorded for this doc id.
        """
        if not isinstance(record, Record):
            record = Record.model_validate(record)
        digest = content_hash or write.record_hash(record)

        def work(session):
            out = write.save_record(session, record, original=original, content_hash=digest)
            if out["state"] != "same":
                session.execute(sa.delete(FailureRow).where(FailureRow.doc_id == record.document.id))
            return out

        return SaveResult(**self._retry(work))

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document and its reports; re-derive (or drop) the agreements it supported."""
        return self._retry(lambda s: write.delete_document(s, doc_id))

    def mark_seen(self, items: list[dict]) -> int:
        """Record documents the pipeline looked at but did not extract (added for
        pactwatch.pipeline: firehose triage drops ~95% of articles).

        ``items``: [{doc_id, content_hash, source?, title?, published?, status?}] with
        status default "triaged_out". One transaction for the whole list, one light
        document row each (empty text, no reports), so ``document_state`` answers "same"
        on a rerun. A document stored earlier with other content loses its old reports
        first. Returns the number of rows written.
        """
        if not items:
            return 0
        from pactwatch.store.models import DocumentRow

        def work(session):
            ids = [it["doc_id"] for it in items]
            known = dict(session.execute(sa.select(DocumentRow.id, DocumentRow.content_hash)
                                         .where(DocumentRow.id.in_(ids))).all())
            n = 0
            for it in items:
                doc_id = it["doc_id"]
                if doc_id in known:
                    if known[doc_id] == it["content_hash"]:
                        continue
                    write.delete_document(session, doc_id)
                session.add(DocumentRow(
                    id=doc_id, source=it.get("source"), title=it.get("title"), published=it.get("published"),
                    language=None, text="", original=None, removed=[], content_hash=it["content_hash"],
                    ingested_at=write.now(), status=it.get("status") or "triaged_out", n_agreements=0))
                known[doc_id] = it["content_hash"]
                n += 1
            return n

        return self._retry(work)

    def record_failure(self, source: str, reason: str, *, doc_id: str | None = None, stage: str = "read") -> None:
        """Quarantine a document that could not be read/cleaned/extracted (its own transaction)."""
        def work(session):
            session.add(FailureRow(doc_id=doc_id, source=source, stage=stage, reason=str(reason)[:10000],
                                   created_at=write.now()))

        self._retry(work)

    def failures(self) -> list[dict]:
        """[{id, doc_id, source, stage, reason, created_at}] newest first."""
        with self._session() as s:
            return queries.failures(s)

    # -- reading ----------------------------------------------------------------------------
    def agreements(self, *, party: str | list[str] | None = None, with_party: str | None = None,
                   domain: str | None = None, kind: str | None = None, status: str | None = None,
                   since: str | None = None, until: str | None = None, text: str | None = None,
                   role: str | None = None, sort: str = "date", limit: int = 50, offset: int = 0,
                   facets: bool = True) -> Page:
        """Filtered listing.  ``party`` (code; a list means all of them) and ``with_party``
        (a second party that must also be in the agreement) accept codes; names are
        resolved by the CLI/web.  ``since``/``until`` compare ``signed_date`` (YYYY[-MM[-DD]]).
        ``text`` is a full-text query over the agreements' source documents, names and
        provisions (``"quoted phrases"``, ``OR``, ``-not``).  ``sort``: "date" (newest
        first) | "sources" | "name".  Items: {id, name, kind, status, signed_date, year,
        place, parties, domains, n_sources, confidence, duration_years, defense_pledge,
        consultation_pledge, has_conflicts}.
        """
        if until and since and until < since:
            raise ValueError(f"--until {until} is before --since {since}")
        with self._session() as s:
            data = queries.agreements(s, self.dialect, party=party, with_party=with_party, domain=domain, kind=kind,
                                      status=status, since=since, until=until, text=text, role=role, sort=sort,
                                      limit=limit, offset=offset, facets=facets)
        return Page(**data)

    def agreement(self, agreement_id: int) -> dict | None:
        """The merged record: every pactwatch/v1 agreement field holding the best-supported
        value, plus ``id``, ``n_sources``, ``conflicts`` [{field, values: [{value, sources:
        [doc_id]}]}], ``sources`` (as ``sources()``), provisions/mechanisms/signatories/
        funding items with their integer ``id``, and ``evidence``: {field: [{item, doc_id,
        start, end, quote}]} quoted from the source documents (``item`` indexes list fields).
        """
        with self._session() as s:
            recs = queries.load_agreements(s, [int(agreement_id)], quotes=True)
        return recs[0] if recs else None

    def compare(self, ids: list[int]) -> dict:
        """Side-by-side matrix: {"ids": [...], "agreements": [summary...], "rows": [{field,
        values: [one per id]}]} for name, kind, status, signed_date, place, parties,
        signatories, domains, duration_years, defense_pledge, consultation_pledge, funding
        (totals per currency), mechanisms, pledges/provision counts; plus "shared_domains"."""
        with self._session() as s:
            return queries.compare(s, [int(i) for i in ids])

    def timeline(self, *, party: str | None = None, pair: tuple[str, str] | list[str] | None = None,
                 limit: int | None = None) -> list[dict]:
        """Dated events in chronological order: [{date, event, agreement_id, name, kind, status,
        parties, domains, detail}].  ``event`` is the agreement's status at its ``signed_date``
        ("signed", "expected" — a planned date —, "in_force", ...), or "due" for a mechanism
        deadline (then ``detail`` names the mechanism and ``mechanism_id`` is set).  Undated
        agreements are left out.  ``pair`` keeps agreements that include both parties."""
        with self._session() as s:
            return queries.timeline(s, party=party, pair=pair, limit=limit)

    def network(self, *, since: str | None = None, until: str | None = None,
                domain: str | None = None, party: str | None = None) -> dict:
        """Partnership graph: {"nodes": [{id, label, kind: "state"|"organisation"|"other",
        agreements: n}], "edges": [{source, target, count, domains: {domain: n},
        agreement_ids: [...]}]}; every pair of parties of an agreement is one edge."""
        with self._session() as s:
            return queries.network(s, self.dialect, since=since, until=until, domain=domain, party=party)

    def sources(self, agreement_id: int) -> list[dict]:
        """[{doc_id, source, title, published, role, report_id, confidence, name}] per report."""
        with self._session() as s:
            return queries.sources(s, int(agreement_id))

    def document(self, doc_id: str) -> dict | None:
        """{id, source, title, published, language, text, original, removed, content_hash,
        ingested_at, status, reports: [{report_id, agreement_id, name, ...}], spans:
        [{start, end, field, item, report_id, agreement_id}]} for highlighting."""
        with self._session() as s:
            return queries.document(s, doc_id)

    def search_documents(self, q: str, limit: int = 20, offset: int = 0) -> list[dict]:
        """Full-text search of documents: [{doc_id, title, source, published, rank, snippet}]
        (snippet marks hits with « »)."""
        with self._session() as s:
            return search.search_documents(s, self.dialect, q, limit=limit, offset=offset)

    def search_provisions(self, q: str, limit: int = 20) -> list[dict]:
        """Full-text search of canonical provisions: [{provision_id, agreement_id, text, modality}]."""
        with self._session() as s:
            return search.search_provisions(s, self.dialect, q, limit=limit)

    def stats(self) -> dict:
        """{documents, failures, reports, agreements, parties, by_kind, by_status, by_domain, by_year}."""
        with self._session() as s:
            return queries.stats(s)

    def iter_agreements(self):
        """Yield every merged agreement (as ``agreement()`` without quotes) for exports."""
        with self._session() as s:
            yield from queries.iter_agreements(s)


__all__ = ["Page", "SaveResult", "Store"]
