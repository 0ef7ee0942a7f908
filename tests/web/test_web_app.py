"""App assembly: the CLI command, the app factory, and the hooks other routers use."""

from __future__ import annotations

import sys
import types

import pytest

from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pactwatch.cli import app as cli
from pactwatch.web import app as web_app
from pactwatch.web import templating


def test_serve_command_is_registered():
    r = CliRunner().invoke(cli, ["serve", "--help"])
    assert r.exit_code == 0
    for opt in ("--db", "--host", "--port", "--token"):
        assert opt in r.output


def test_app_from_env_reads_db_and_token(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("PACTWATCH_DB", url)
    monkeypatch.setenv("PACTWATCH_TOKEN", "env-token")
    app = web_app.app_from_env()
    assert app.state.token == "env-token"
    assert str(app.state.store.url) == url
    with TestClient(app) as c:
        assert c.post("/api/documents", json={"text": "x"}).status_code == 401


def test_extra_router_is_included_and_extends_base_layout(tmp_path, monkeypatch):
    (tmp_path / "extra.html").write_text(
        '{% extends "base.html" %}{% block title %}Extra{% endblock %}{% block content %}<p id="x">{{ n }}</p>{% endblock %}')
    mod = types.ModuleType("pactwatch_extra_router_for_test")
    router = APIRouter()

    @router.get("/extra")
    def extra(request: Request):
        return templating.render(request, "extra.html", {"n": "<b>41</b>"})

    mod.router = router
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    monkeypatch.setattr(web_app, "EXTRA_ROUTERS", (mod.__name__, "pactwatch_module_that_does_not_exist"))
    templating.add_template_dir(tmp_path)
    app = web_app.create_app(f"sqlite:///{tmp_path / 'x.db'}")
    with TestClient(app) as c:
        r = c.get("/extra")
    assert r.status_code == 200
    assert '<p id="x">&lt;b&gt;41&lt;/b&gt;</p>' in r.text      # autoescaped
    assert "<title>Extra · pactwatch</title>" in r.text        # inside the shared layout
    assert r.headers["x-frame-options"] == "DENY"              # and the shared middleware


@pytest.mark.postgres
def test_postgresql_statements_are_bounded(db_url, monkeypatch):
    """On PostgreSQL the web server caps every statement (a runaway query fails fast)."""
    import sqlalchemy as sa

    if not db_url.startswith("postgresql"):
        pytest.skip("statement timeouts are a PostgreSQL setting")
    monkeypatch.setattr(web_app, "STATEMENT_TIMEOUT_MS", 1234)
    app = web_app.create_app(db_url, warm=False)
    try:
        with app.state.store.engine.connect() as c:
            assert c.execute(sa.text("SHOW statement_timeout")).scalar_one() == "1234ms"
            try:
                c.execute(sa.text("SELECT pg_sleep(3)"))
                raise AssertionError("pg_sleep(3) should have been cancelled")
            except sa.exc.OperationalError as exc:
                assert "statement timeout" in str(exc)
    finally:
        app.state.store.close()
