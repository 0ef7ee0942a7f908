"""Fixtures of the web tests: real databases filled with real extracted records.

* ``records``: a few dev-corpus documents run through the real extractor (once per
  session: the spaCy model is the slow part) plus hand-written records covering what the
  corpus lacks (see ``web_fixtures.hand_records``).
* ``web_url``: a SQLite file and a PostgreSQL schema, each filled once per module with
  ``records`` (the read-only tests share it; tests that write use ``db_url``).
* ``client``: FastAPI's TestClient over ``create_app(web_url, token=TOKEN)``.
"""

from __future__ import annotations

import os
import uuid

import pytest
from web_fixtures import DEV_DOCS, TOKEN, hand_records


@pytest.fixture(scope="session")
def records(dev_corpus):
    """(record, original) pairs: dev corpus documents through the real extractor + hand-written ones."""
    from pactwatch import api, io

    out = []
    paths = [os.path.join(dev_corpus, n) for n in DEV_DOCS]
    for raw in io.read_paths(paths):
        assert hasattr(raw, "text"), raw
        p = api.process(raw)
        out.append((p.record, p.original))
    for r in hand_records():
        out.append((r, r.document.text))
    return out


def fill(url: str, records) -> None:
    from pactwatch.store import Store

    store = Store(url)
    for rec, original in records:
        store.save(rec, original=original)
    close = getattr(store, "close", None) or getattr(store, "dispose", None)
    if close:
        close()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def web_url(request, tmp_path_factory, records):
    """Like the shared ``db_url`` but filled once per module: the tests using it only read."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
        fill(url, records)
        yield url
        return
    base = request.getfixturevalue("pg_base_url")
    import sqlalchemy as sa

    schema = "w_" + uuid.uuid4().hex[:12]
    eng = sa.create_engine(base)
    with eng.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    fill(url, records)
    yield url
    with eng.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    eng.dispose()


@pytest.fixture(scope="module")
def app(web_url):
    from pactwatch.web import create_app

    return create_app(web_url, token=TOKEN)


@pytest.fixture(scope="module")
def client(app):
    from fastapi.testclient import TestClient

    # raise_server_exceptions=False: a 500 must come back as a response (with headers
    # and without a traceback), which is what the tests check.
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


