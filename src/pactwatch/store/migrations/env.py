"""Alembic environment of the pactwatch store.

Run programmatically by ``pactwatch.store.db.upgrade`` (which hands over an open
connection in ``config.attributes["connection"]``) or from the command line with
``alembic -c src/pactwatch/store/migrations/alembic.ini -x url=... upgrade head``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from pactwatch.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode recreates tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("pactwatch migrations run online only (they differ per dialect)")
run_migrations_online()
