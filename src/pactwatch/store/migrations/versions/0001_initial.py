"""Initial schema: documents, failures, reports, evidence, canonical agreements and their
children, agreement sources; full-text search over documents and provisions.

Full text is dialect-specific (``pactwatch.store.search`` hides it):

* SQLite: FTS5 *external-content* tables ``documents_fts`` (title, text) and
  ``provisions_fts`` (text) with the porter tokenizer, kept in sync by triggers, so the
  text is stored once;
* PostgreSQL: a generated ``tsvector`` column ``tsv`` (english configuration) with a GIN
  index on ``documents`` and ``provisions``.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('party_key', sa.String(length=1024), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('signed_date', sa.String(length=10), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('place', sa.Text(), nullable=True),
    sa.Column('duration_years', sa.Float(), nullable=True),
    sa.Column('defense_pledge', sa.Boolean(), nullable=True),
    sa.Column('consultation_pledge', sa.Boolean(), nullable=True),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.Column('conflicts', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_agreements_kind'), 'agreements', ['kind'], unique=False)
    op.create_index(op.f('ix_agreements_party_key'), 'agreements', ['party_key'], unique=False)
    op.create_index(op.f('ix_agreements_signed_date'), 'agreements', ['signed_date'], unique=False)
    op.create_index(op.f('ix_agreements_status'), 'agreements', ['status'], unique=False)
    op.create_index(op.f('ix_agreements_year'), 'agreements', ['year'], unique=False)
    op.create_index('ix_agreements_facets', 'agreements', ['id', 'kind', 'status', 'year'], unique=False)
    op.create_table('documents',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=512), nullable=False),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published', sa.String(length=10), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('original', sa.Text(), nullable=True),
    sa.Column('removed', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('n_agreements', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('id')
    )
    op.create_index(op.f('ix_documents_published'), 'documents', ['published'], unique=False)
    op.create_index('ix_documents_pk_id', 'documents', ['pk', 'id'], unique=False)
    op.create_table('failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('doc_id', sa.String(length=512), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_failures_doc_id'), 'failures', ['doc_id'], unique=False)
    op.create_table('agreement_domains',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agreement_id', 'domain')
    )
    op.create_index('ix_agreement_domains_domain', 'agreement_domains', ['domain', 'agreement_id'], unique=False)
    op.create_table('agreement_parties',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('party', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agreement_id', 'party')
    )
    op.create_index('ix_agreement_parties_party', 'agreement_parties', ['party', 'agreement_id'], unique=False)
    op.create_table('agreement_sources',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.String(length=512), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agreement_id', 'document_id')
    )
    op.create_index('ix_agreement_sources_document', 'agreement_sources', ['document_id', 'agreement_id'], unique=False)
    op.create_table('funding',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('amount', sa.Float(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_funding_agreement_id'), 'funding', ['agreement_id'], unique=False)
    op.create_table('mechanisms',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('frequency', sa.String(length=32), nullable=True),
    sa.Column('due', sa.String(length=10), nullable=True),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_mechanisms_agreement_id'), 'mechanisms', ['agreement_id'], unique=False)
    op.create_index(op.f('ix_mechanisms_due'), 'mechanisms', ['due'], unique=False)
    op.create_table('provisions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('actor', sa.JSON(), nullable=False),
    sa.Column('modality', sa.String(length=16), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_provisions_agreement_id'), 'provisions', ['agreement_id'], unique=False)
    op.create_table('reports',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.String(length=512), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('party_key', sa.String(length=1024), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('signed_date', sa.String(length=10), nullable=True),
    sa.Column('place', sa.Text(), nullable=True),
    sa.Column('duration_years', sa.Float(), nullable=True),
    sa.Column('defense_pledge', sa.Boolean(), nullable=True),
    sa.Column('consultation_pledge', sa.Boolean(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('signatories', sa.JSON(), nullable=False),
    sa.Column('provisions', sa.JSON(), nullable=False),
    sa.Column('funding', sa.JSON(), nullable=False),
    sa.Column('mechanisms', sa.JSON(), nullable=False),
    sa.Column('related', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('name_key', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'idx')
    )
    op.create_index(op.f('ix_reports_agreement_id'), 'reports', ['agreement_id'], unique=False)
    op.create_index(op.f('ix_reports_document_id'), 'reports', ['document_id'], unique=False)
    op.create_index(op.f('ix_reports_party_key'), 'reports', ['party_key'], unique=False)
    op.create_table('signatories',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('role', sa.Text(), nullable=True),
    sa.Column('party', sa.String(length=128), nullable=True),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_signatories_agreement_id'), 'signatories', ['agreement_id'], unique=False)
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.String(length=512), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('item', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_evidence_agreement_field', 'evidence', ['agreement_id', 'field'], unique=False)
    op.create_index(op.f('ix_evidence_document_id'), 'evidence', ['document_id'], unique=False)
    op.create_index(op.f('ix_evidence_report_id'), 'evidence', ['report_id'], unique=False)

    dialect = op.get_bind().dialect.name
    # The listing order (newest first, undated last) as an index, so `agreements --party X`
    # reads the first page off it instead of sorting all of X's agreements.
    if dialect == "postgresql":
        op.execute("CREATE INDEX ix_agreements_date_id ON agreements (signed_date DESC NULLS LAST, id DESC)")
    else:
        op.execute("CREATE INDEX ix_agreements_date_id ON agreements (signed_date, id)")
    if dialect == "sqlite":
        _sqlite_fts_up()
    elif dialect == "postgresql":
        _postgres_fts_up()


# SQLite: external content tables read the indexed text from the base table, so the triggers
# must feed the *old* values on delete/update ('delete' command) before the new ones.
_SQLITE_FTS = [
    """CREATE VIRTUAL TABLE documents_fts USING fts5(
           title, text, content='documents', content_rowid='pk', tokenize='porter unicode61')""",
    """CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN
           INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
       END""",
    """CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN
           INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.pk, old.title, old.text);
       END""",
    """CREATE TRIGGER documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN
           INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.pk, old.title, old.text);
           INSERT INTO documents_fts(rowid, title, text) VALUES (new.pk, new.title, new.text);
       END""",
    """CREATE VIRTUAL TABLE provisions_fts USING fts5(
           text, content='provisions', content_rowid='id', tokenize='porter unicode61')""",
    """CREATE TRIGGER provisions_fts_ai AFTER INSERT ON provisions BEGIN
           INSERT INTO provisions_fts(rowid, text) VALUES (new.id, new.text);
       END""",
    """CREATE TRIGGER provisions_fts_ad AFTER DELETE ON provisions BEGIN
           INSERT INTO provisions_fts(provisions_fts, rowid, text) VALUES ('delete', old.id, old.text);
       END""",
    """CREATE TRIGGER provisions_fts_au AFTER UPDATE OF text ON provisions BEGIN
           INSERT INTO provisions_fts(provisions_fts, rowid, text) VALUES ('delete', old.id, old.text);
           INSERT INTO provisions_fts(rowid, text) VALUES (new.id, new.text);
       END""",
]


def _sqlite_fts_up() -> None:
    for stmt in _SQLITE_FTS:
        op.execute(stmt)


def _postgres_fts_up() -> None:
    op.execute(
        "ALTER TABLE documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
        "to_tsvector('english', coalesce(text, ''))) STORED")
    op.execute("CREATE INDEX ix_documents_tsv ON documents USING gin (tsv)")
    # Ranking reads a small "lead" vector (title + first 600 characters) instead of the full
    # one: full vectors of news articles are TOASTed, and ranking thousands of matches of a
    # frequent word by them costs a detoast each (6x slower measured on 100k documents).
    # News puts the essentials first, so the lead is also a sensible relevance signal.
    op.execute(
        "ALTER TABLE documents ADD COLUMN lead_tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
        "to_tsvector('english', left(coalesce(text, ''), 600))) STORED")
    op.execute(
        "ALTER TABLE provisions ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
        "to_tsvector('english', coalesce(text, ''))) STORED")
    op.execute("CREATE INDEX ix_provisions_tsv ON provisions USING gin (tsv)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_agreements_date_id")
    if op.get_bind().dialect.name == "sqlite":
        for name in ("documents_fts_ai", "documents_fts_ad", "documents_fts_au",
                     "provisions_fts_ai", "provisions_fts_ad", "provisions_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
        op.execute("DROP TABLE IF EXISTS provisions_fts")
    op.drop_index(op.f('ix_evidence_report_id'), table_name='evidence')
    op.drop_index(op.f('ix_evidence_document_id'), table_name='evidence')
    op.drop_index('ix_evidence_agreement_field', table_name='evidence')
    op.drop_table('evidence')
    op.drop_index(op.f('ix_signatories_agreement_id'), table_name='signatories')
    op.drop_table('signatories')
    op.drop_index(op.f('ix_reports_party_key'), table_name='reports')
    op.drop_index(op.f('ix_reports_document_id'), table_name='reports')
    op.drop_index(op.f('ix_reports_agreement_id'), table_name='reports')
    op.drop_table('reports')
    op.drop_index(op.f('ix_provisions_agreement_id'), table_name='provisions')
    op.drop_table('provisions')
    op.drop_index(op.f('ix_mechanisms_due'), table_name='mechanisms')
    op.drop_index(op.f('ix_mechanisms_agreement_id'), table_name='mechanisms')
    op.drop_table('mechanisms')
    op.drop_index(op.f('ix_funding_agreement_id'), table_name='funding')
    op.drop_table('funding')
    op.drop_index('ix_agreement_sources_document', table_name='agreement_sources')
    op.drop_table('agreement_sources')
    op.drop_index('ix_agreement_parties_party', table_name='agreement_parties')
    op.drop_table('agreement_parties')
    op.drop_index('ix_agreement_domains_domain', table_name='agreement_domains')
    op.drop_table('agreement_domains')
    op.drop_index(op.f('ix_failures_doc_id'), table_name='failures')
    op.drop_table('failures')
    op.drop_index('ix_documents_pk_id', table_name='documents')
    op.drop_index(op.f('ix_documents_published'), table_name='documents')
    op.drop_table('documents')
    op.drop_index('ix_agreements_facets', table_name='agreements')
    op.drop_index(op.f('ix_agreements_year'), table_name='agreements')
    op.drop_index(op.f('ix_agreements_status'), table_name='agreements')
    op.drop_index(op.f('ix_agreements_signed_date'), table_name='agreements')
    op.drop_index(op.f('ix_agreements_party_key'), table_name='agreements')
    op.drop_index(op.f('ix_agreements_kind'), table_name='agreements')
    op.drop_table('agreements')
