"""SQLAlchemy 2 models of the agreement database.

Two layers:

* what the extractor said: ``documents`` -> ``reports`` (one agreement as extracted from
  one document, every field kept as reported) -> ``evidence`` (one row per span);
* what we believe: ``agreements`` (the canonical, merged agreement) with its normalised
  children ``agreement_parties``, ``agreement_domains``, ``signatories``, ``provisions``,
  ``funding``, ``mechanisms`` and ``agreement_sources`` (agreement <-> document).

The canonical layer is always re-derivable from the reports (``pactwatch.merge``);
children with identities other modules link to (provisions, mechanisms) are synced by
a natural key rather than rewritten, so their integer ids survive a re-merge.

Full-text indexes are not ORM objects: the Alembic migration creates SQLite FTS5
external-content tables (with triggers) or PostgreSQL generated ``tsvector`` columns
with GIN indexes; ``pactwatch.store.search`` hides the difference.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    # pk -> id without reading the (large) document row: full-text matches come back as pk
    # (FTS5 rowid) and are joined to agreement_sources by id.
    __table_args__ = (Index("ix_documents_pk_id", "pk", "id"),)

    # Integer surrogate key: SQLite FTS5 external-content tables need an integer rowid that
    # VACUUM cannot renumber, i.e. an INTEGER PRIMARY KEY.  Everything else refers to `id`.
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(512), unique=True, nullable=False)
    source: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10), index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, nullable=False)
    original: Mapped[str | None] = mapped_column(Text)
    removed: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # "extracted" (has reports), "empty" (read fine, no agreement found)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="extracted")
    n_agreements: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    reports: Mapped[list[ReportRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReportRow.idx")


class FailureRow(Base):
    """Quarantine: a document that failed at some stage, with the reason."""

    __tablename__ = "failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str | None] = mapped_column(String(512), index=True)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    stage: Mapped[str] = mapped_column(String(32), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AgreementRow(Base):
    __tablename__ = "agreements"
    # Covering index of the kind/status/year facets: counting them over a filtered id set
    # reads this narrow index instead of the wide agreement rows (JSON evidence, ...).
    __table_args__ = (Index("ix_agreements_facets", "id", "kind", "status", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Sorted parties joined by "|": the blocking key of the merge (only reports with the
    # same party set are compared) and of the PostgreSQL advisory lock.
    party_key: Mapped[str] = mapped_column(String(1024), nullable=False, index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # "primary" if any source reports on it
    status: Mapped[str | None] = mapped_column(String(16), index=True)
    signed_date: Mapped[str | None] = mapped_column(String(10), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    place: Mapped[str | None] = mapped_column(Text)
    duration_years: Mapped[float | None] = mapped_column(Float)
    defense_pledge: Mapped[bool | None] = mapped_column(Boolean)
    consultation_pledge: Mapped[bool | None] = mapped_column(Boolean)
    parties: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    domains: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    related: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    names: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # every name the sources use
    confidence: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    n_sources: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    conflicts: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # Derived evidence of the canonical values: {field: [[item, doc_id, start, end], ...]}.
    evidence: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)

    party_rows: Mapped[list[AgreementParty]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    domain_rows: Mapped[list[AgreementDomain]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    signatories: Mapped[list[SignatoryRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SignatoryRow.position")
    provisions: Mapped[list[ProvisionRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ProvisionRow.position")
    funding: Mapped[list[FundingRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="FundingRow.position")
    mechanisms: Mapped[list[MechanismRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MechanismRow.position")
    source_rows: Mapped[list[AgreementSource]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class ReportRow(Base):
    """One agreement as extracted from one document (the `agreements[idx]` of its record)."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("document_id", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True)
    idx: Mapped[int] = mapped_column(Integer, nullable=False)
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreements.id", ondelete="SET NULL"), index=True)
    party_key: Mapped[str] = mapped_column(String(1024), nullable=False, index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str | None] = mapped_column(String(16))
    signed_date: Mapped[str | None] = mapped_column(String(10))
    place: Mapped[str | None] = mapped_column(Text)
    duration_years: Mapped[float | None] = mapped_column(Float)
    defense_pledge: Mapped[bool | None] = mapped_column(Boolean)
    consultation_pledge: Mapped[bool | None] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    parties: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    domains: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    signatories: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    provisions: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    funding: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    mechanisms: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    related: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # The record's evidence as given ({field: [[start, end], ...]}); the `evidence`
    # table holds the same spans one per row for span queries (highlighting).
    evidence: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # Normalised name tokens (merge.name_tokens), space-joined, so merging never re-parses names.
    name_key: Mapped[str] = mapped_column(Text, nullable=False, default="")

    document: Mapped[DocumentRow] = relationship(back_populates="reports")


class EvidenceRow(Base):
    """One evidence span of a report: `field`, list `item` index (None for scalars), [start, end)."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_agreement_field", "agreement_id", "field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id", ondelete="SET NULL"))
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(32), nullable=False)
    item: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer, nullable=False)
    end: Mapped[int] = mapped_column(Integer, nullable=False)


class AgreementParty(Base):
    __tablename__ = "agreement_parties"
    # (party, agreement_id) index serves `--party X` without touching the agreements table.
    __table_args__ = (Index("ix_agreement_parties_party", "party", "agreement_id"),)

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True)
    party: Mapped[str] = mapped_column(String(128), primary_key=True)


class AgreementDomain(Base):
    __tablename__ = "agreement_domains"
    __table_args__ = (Index("ix_agreement_domains_domain", "domain", "agreement_id"),)

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True)
    domain: Mapped[str] = mapped_column(String(32), primary_key=True)
    n_sources: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class SignatoryRow(Base):
    __tablename__ = "signatories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    key: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str | None] = mapped_column(Text)
    party: Mapped[str | None] = mapped_column(String(128))
    n_sources: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class ProvisionRow(Base):
    __tablename__ = "provisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    key: Mapped[str] = mapped_column(Text, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    actor: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    modality: Mapped[str] = mapped_column(String(16), nullable=False)
    domains: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    n_sources: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class FundingRow(Base):
    __tablename__ = "funding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    key: Mapped[str] = mapped_column(Text, nullable=False)
    amount: Mapped[float] = mapped_column(Float, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    purpose: Mapped[str | None] = mapped_column(Text)
    n_sources: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class MechanismRow(Base):
    __tablename__ = "mechanisms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    key: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str | None] = mapped_column(Text)
    frequency: Mapped[str | None] = mapped_column(String(32))
    due: Mapped[str | None] = mapped_column(String(10), index=True)
    n_sources: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class AgreementSource(Base):
    """Agreement <-> document link; `role` is the report's role in that document."""

    __tablename__ = "agreement_sources"
    # (document_id, agreement_id): the full-text filter maps matching documents to their
    # agreements off this index alone, without a table lookup per match.
    __table_args__ = (Index("ix_agreement_sources_document", "document_id", "agreement_id"),)

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)


# The tables this module defines (other modules, e.g. the tracker, add theirs to Base).
STORE_TABLES: tuple[str, ...] = (
    "documents", "failures", "reports", "evidence", "agreements", "agreement_parties", "agreement_domains",
    "signatories", "provisions", "funding", "mechanisms", "agreement_sources",
)
