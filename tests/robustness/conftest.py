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


