"""The agreement database (SQLAlchemy models, Alembic migrations, queries, full-text search).

Public entry point: :class:`pactwatch.store.api.Store` (also importable as ``pactwatch.store.Store``).
"""

from pactwatch.store.api import Page, SaveResult, Store

__all__ = ["Page", "SaveResult", "Store"]
