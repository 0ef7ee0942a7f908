"""Migration 0002_tracking: creates exactly what the models declare, and goes down and up."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import pactwatch.track.models  # noqa: F401  (registers the tracking tables on Base.metadata)
from pactwatch.store import Store, db
from pactwatch.store.models import Base

TRACK_TABLES = {t for t in Base.metadata.tables if t.startswith("track_")}


def _track_diff(engine) -> list:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    # Only differences that concern the tracking tables (the store's own FTS objects are
    # outside the ORM on purpose).
    return [d for d in diff if "track_" in repr(d)]


def test_schema_matches_models_and_downgrade_upgrade(db_url):
    store = Store(db_url)
    try:
        engine = store.engine
        assert TRACK_TABLES <= set(sa.inspect(engine).get_table_names())
        assert _track_diff(engine) == []
        cfg = db.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001_initial")
        assert not TRACK_TABLES & set(sa.inspect(engine).get_table_names())
        db.upgrade(engine)
        assert TRACK_TABLES <= set(sa.inspect(engine).get_table_names())
        assert db.current_revision(engine) == "0002_tracking" or "0002_tracking" in _history(engine)
    finally:
        store.close()


def _history(engine) -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(db.alembic_config())
    cur = db.current_revision(engine)
    return {r.revision for r in script.iterate_revisions(cur, "base")}
