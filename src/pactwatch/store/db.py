"""Engines and migrations: how a database URL becomes a ready-to-use, current schema.

SQLite specifics (why): WAL lets readers run while one writer writes; ``busy_timeout``
makes a second writer wait instead of failing at once; foreign keys are off by default
in SQLite and the cascades of the schema depend on them.  Write transactions start
with ``BEGIN IMMEDIATE`` (the *write* engine) so two writers never both hold a read lock
and then deadlock when upgrading to a write lock (SQLite answers that with an immediate
"database is locked" that no busy timeout cures).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

MIGRATIONS = Path(__file__).with_name("migrations")
DEFAULT_URL = "sqlite:///pactwatch.db"
BUSY_TIMEOUT_MS = 30_000


def resolve_url(url: str | None = None) -> str:
    """None -> $PACTWATCH_DB or sqlite:///pactwatch.db; a bare path -> a SQLite file URL."""
    url = url or os.environ.get("PACTWATCH_DB") or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we install; plain postgresql:// would pick psycopg2.
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _sqlite_engine(url: str, *, immediate: bool, echo: bool) -> Engine:
    engine = sa.create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000,
                                                            "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        # Take transaction control away from pysqlite so the `begin` hook below decides.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fsync at checkpoints only
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_engines(url: str, *, echo: bool = False) -> tuple[Engine, Engine]:
    """(read engine, write engine) for ``url``; the same engine twice on PostgreSQL."""
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url, immediate=False, echo=echo), _sqlite_engine(url, immediate=True, echo=echo)
    # pool_pre_ping: a pooled connection the server dropped (restart, failover, idle
    # timeout, pg_terminate_backend) is replaced at checkout instead of failing the next
    # query -- without it one server restart crashed a running ingest at its next lookup
    # (tests/robustness/test_ingest_faults.py).  The price is one loopback round trip
    # per checkout, far below one document's extraction or one page's queries.
    engine = sa.create_engine(url, echo=echo, pool_pre_ping=True)
    return engine, engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@contextlib.contextmanager
def _migration_lock(engine: Engine):
    """Serialise concurrent first opens of one database (two workers creating the schema)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        # The lock file lives in the temp directory, keyed by the database's absolute path:
        # not beside the database (no clutter in the user's folder), and never the database
        # file itself (opening and closing another descriptor on it would drop SQLite's own
        # POSIX locks held by this process).
        key = hashlib.sha1(os.path.abspath(url.database).encode()).hexdigest()[:16]
        with open(os.path.join(tempfile.gettempdir(), f"pactwatch-migrate-{key}.lock"), "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield None
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return
    yield None


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to ``revision`` (all heads by default) inside one transaction."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as conn:
        if set(MigrationContext.configure(conn).get_current_heads()) == heads:
            return  # fast path: every open of an existing database
    with _migration_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Transaction-scoped: two processes creating the same schema take turns.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('pactwatch:migrate'))"))
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
