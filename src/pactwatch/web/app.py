"""The pactwatch web application: one FastAPI app serving the JSON API and the HTML pages.

Layout (Datasette-style split):

* ``app.py``      - ``create_app``: settings, middleware (security headers, upload limit),
                    error handlers, static files, routers.  No routes of its own but /docs.
* ``api.py``      - JSON routes under ``/api`` (documented in /openapi.json).
* ``pages.py``    - server-rendered HTML pages (Jinja2, autoescaped).
* ``views.py``    - plain functions that shape Store data for both (compare matrix,
                    highlighted text, chart geometry); no HTTP, no SQL.
* ``deadlines.py``- the deadline source behind the Deadlines page and API.
* ``templating.py`` - the shared Jinja2 environment other routers extend.

Other teams add pages by shipping a module that exposes ``router`` (an ``APIRouter``)
and listing it in ``EXTRA_ROUTERS``; their templates can ``{% extends "base.html" %}``
after calling ``templating.add_template_dir``.
"""

from __future__ import annotations

import contextlib
import hmac
import importlib
import threading
import logging
import os
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from pactwatch import __version__

log = logging.getLogger("pactwatch.web")

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_DB = "sqlite:///pactwatch.db"
# Uploads are single documents; 5 MB is far above any real article or treaty text and
# keeps one request from tying up the extractor or the server's memory.
MAX_BODY_BYTES = 5 * 1024 * 1024
# Optional routers owned by other teams: included when the module exists.
EXTRA_ROUTERS = ("pactwatch.web.tracking",)

# Everything is served from this origin: no CDN, no inline script (XSS in a hostile
# document cannot run even if escaping ever failed), no framing (clickjacking).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI (vendored) sets style attributes from React; scripts stay 'self' only.
CSP_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityMiddleware:
    """Pure ASGI middleware: security headers on every response and an upload size cap.

    Pure ASGI (not BaseHTTPMiddleware) so streaming bodies are counted as they arrive and
    the per-request overhead stays negligible on the latency budget.
    """

    def __init__(self, app, max_body: int = MAX_BODY_BYTES):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = (CSP_DOCS if path == "/docs" else CSP).encode()

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"content-security-policy",)]
                headers.append((b"content-security-policy", csp))
                headers.extend(SECURITY_HEADERS)
                message = {**message, "headers": headers}
            await send(message)

        # Reject by declared length before reading anything.
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    declared = int(v)
                except ValueError:
                    declared = -1
                if declared > self.max_body:
                    await _send_error(send_with_headers, path, 413, f"request body larger than {self.max_body} bytes")
                    return

        if scope.get("method") in ("POST", "PUT", "PATCH"):
            # Chunked bodies carry no length: read (at most max_body bytes) up front and
            # replay, so the route never sees an oversized body.
            chunks, size = [], 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await _send_error(send_with_headers, path, 413, f"request body larger than {self.max_body} bytes")
                    return
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            replayed = False

            async def replay():
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()
            inner_receive = replay
        else:
            inner_receive = receive

        started = False

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, inner_receive, tracking_send)
        except Exception as exc:
            # Caught here rather than by Starlette's outermost handler so that the 500
            # response still carries the security headers.  Logged with the traceback
            # for the operator; the client gets no internals.
            if "statement timeout" in str(exc):
                # STATEMENT_TIMEOUT_MS cut a runaway query: the server is fine, the query too broad.
                log.warning("statement timeout on %s", path)
                if not started:
                    await _send_error(send_with_headers, path, 503,
                                      "the query took too long; narrow it with filters or more specific words")
                return
            log.exception("unhandled error on %s", path)
            if not started:
                await _send_error(send_with_headers, path, 500, "internal server error")


async def _send_error(send, path: str, status: int, message: str):
    if path.startswith("/api") or path.endswith(".json"):
        body = error_json(status, message).body
        ctype = b"application/json"
    else:
        from pactwatch.web.templating import render_string

        body = render_string("error.html", {"status": status, "message": message}).encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path.endswith(".json")


def error_json(status: int, message: str, detail=None) -> JSONResponse:
    body = {"error": {"status": status, "message": message}}
    if detail is not None:
        body["error"]["detail"] = detail
    return JSONResponse(body, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    from pactwatch.web.templating import render

    def error_page(request: Request, status: int, message: str):
        return render(request, "error.html", {"status": status, "message": message}, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if _wants_json(request):
            resp = error_json(exc.status_code, message)
        else:
            resp = error_page(request, exc.status_code, message)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        # Only location, message and type: echoing the raw input back is pointless and
        # can carry unserialisable values.
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        if _wants_json(request):
            return error_json(422, "invalid request parameters", detail)
        msg = "; ".join(f"{'.'.join(str(p) for p in d['loc'][1:])}: {d['msg']}" for d in detail)
        return error_page(request, 422, f"Invalid parameters - {msg}")


def check_token(request: Request) -> None:
    """Dependency for write routes: a bearer token equal to the server's --token."""
    expected = request.app.state.token
    if not expected:
        # Without --token the server is read-only: writes do not exist.
        raise HTTPException(status_code=403, detail="writes are disabled: start the server with --token")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    # compare_digest: the time taken does not reveal how much of the token matched.
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="missing or invalid bearer token",
                            headers={"WWW-Authenticate": "Bearer"})


# Longest a single SQL statement may run for the web server (PostgreSQL).  A broad
# full-text query over a large database can otherwise run for minutes, holding a
# connection and a thread long after its visitor left; past this it fails fast instead.
STATEMENT_TIMEOUT_MS = int(os.environ.get("PACTWATCH_WEB_STATEMENT_TIMEOUT_MS", "30000"))


def _bound_statements(store) -> None:
    engine = getattr(store, "engine", None)
    if engine is None or engine.dialect.name != "postgresql" or STATEMENT_TIMEOUT_MS <= 0:
        return
    import sqlalchemy as sa

    def on_checkout(dbapi_conn, _record, _proxy):
        # On every checkout: connections opened before the app (migrations) get it too.
        # Session-level SET, outside any transaction the Store opens afterwards.
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"SET statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")
        finally:
            cur.close()
        if not dbapi_conn.autocommit:
            dbapi_conn.commit()

    if not sa.event.contains(engine, "checkout", on_checkout):
        sa.event.listen(engine, "checkout", on_checkout)


def create_app(db_url: str | None = None, token: str | None = None, *, store=None, warm: bool = True) -> FastAPI:
    """Build the web app over the database at ``db_url`` (default: $PACTWATCH_DB or ./pactwatch.db).

    ``token`` enables ``POST /api/documents`` for clients sending ``Authorization: Bearer TOKEN``.
    ``store`` lets a caller share an already-open Store.  ``warm`` precomputes the
    whole-database views (facets, network, timeline) in a background thread at startup.
    """
    from pactwatch.web import api, pages

    if store is None:
        from pactwatch.store import Store

        store = Store(db_url or os.environ.get("PACTWATCH_DB") or DEFAULT_DB)
    @contextlib.asynccontextmanager
    async def lifespan(app):
        from pactwatch.web import data

        stop = threading.Event()
        warmer = None
        if warm:
            warmer = threading.Thread(target=data.warm, args=(store, stop), name="pactwatch-warm", daemon=True)
            warmer.start()
        yield
        # Shutdown: stop between steps and wait briefly, so no query of a finished app runs on.
        stop.set()
        if warmer is not None:
            warmer.join(timeout=5)

    app = FastAPI(
        lifespan=lifespan,
        title="pactwatch",
        version=__version__,
        description="Evidence-linked database of international agreements. Every value links to the "
                    "passages of the source documents that justify it.",
        docs_url=None,  # served below from vendored assets, no CDN
        redoc_url=None,
    )
    app.state.store = store
    app.state.token = token or None
    _bound_statements(store)
    app.add_middleware(SecurityMiddleware)
    _install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    for name in EXTRA_ROUTERS:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but is broken: say so
                raise
            continue
        if getattr(mod, "router", None) is not None:
            app.include_router(mod.router)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    async def docs(request: Request):
        from pactwatch.web.templating import render

        return render(request, "docs.html", {})

    return app


def app_from_env() -> FastAPI:
    """App factory for multi-worker uvicorn: settings from PACTWATCH_DB / PACTWATCH_TOKEN."""
    return create_app(db_url=os.environ.get("PACTWATCH_DB"), token=os.environ.get("PACTWATCH_TOKEN"))
