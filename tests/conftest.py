"""Shared fixtures.

`db_url` runs a test against SQLite and against the PostgreSQL server (127.0.0.1:5432,
database `test`, trust auth). Set PACTWATCH_TEST_PG to another URL, or to "" to skip
the PostgreSQL half on a machine without the server.
"""

from __future__ import annotations

import os
import uuid

import pytest

PG_URL = os.environ.get("PACTWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEV_CORPUS = os.environ.get("PACTWATCH_DEV_CORPUS", os.path.join(os.path.dirname(REPO), "shared", "corpus", "dev"))


def _pg_available() -> bool:
    if not PG_URL:
        return False
    try:
        import sqlalchemy as sa

        eng = sa.create_engine(PG_URL)
        with eng.connect() as c:
            c.execute(sa.text("select 1"))
        eng.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_base_url():
    if not _pg_available():
        pytest.skip("PostgreSQL server not reachable")
    return PG_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    """A fresh, empty database URL: a SQLite file, or a private schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pactwatch.db'}"
        return
    base = request.getfixturevalue("pg_base_url")
    import sqlalchemy as sa

    schema = "t_" + uuid.uuid4().hex[:12]
    eng = sa.create_engine(base)
    with eng.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    # search_path makes every table of this test live in its own schema.
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with eng.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    eng.dispose()


@pytest.fixture(scope="session")
def dev_corpus():
    if not os.path.isdir(DEV_CORPUS):
        pytest.skip(f"dev corpus not found at {DEV_CORPUS}")
    return DEV_CORPUS
