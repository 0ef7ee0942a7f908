"""The web server facing hostile clients: tokens on every write route, upload size limits,
extraction timeouts, no internals in error responses, security headers everywhere.

Most tests use FastAPI's TestClient over a real SQLite database (``raise_server_exceptions
=False``: we look at what a client receives, not at the exception); the size-limit test
also runs through a real uvicorn on 127.0.0.1 so the limits hold on a real socket, where
a chunked body arrives in pieces.
"""

from __future__ import annotations

import inspect
import json
import random
import re
import socket
import sqlite3
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from robust_helpers import free_port

from pactwatch.record import Agreement, Document, Record

TOKEN = "robustness-token-8d3e1f"
TEXT = ("Iceland and Norway signed the Arctic Fisheries Agreement in Reykjavik on 4 May 2023.\n"
        "The agreement commits both parties to fisheries research and sets up a joint commission.\n")
# Markers of leaked internals: a traceback, a source path, driver/ORM names, SQL.
LEAKS = re.compile(r"Traceback|File \"|/work/|site-packages|\.py\b|sqlalchemy|sqlite3|psycopg|"
                   r"OperationalError|SELECT |no such table", re.I)


def _record() -> Record:
    def sp(phrase):
        i = TEXT.index(phrase)
        return (i, i + len(phrase))

    return Record(
        document=Document(id="fish-1", source="test", title="Fisheries", published="2023-05-05", text=TEXT),
        agreements=[Agreement(name="Arctic Fisheries Agreement", role="primary", kind="agreement",
                              parties=["ISL", "NOR"], status="signed", signed_date="2023-05-04", place="Reykjavik",
                              evidence={"name": [sp("Arctic Fisheries Agreement")],
                                        "parties": [sp("Iceland"), sp("Norway")], "status": [sp("signed")],
                                        "signed_date": [sp("4 May 2023")], "place": [sp("Reykjavik")]},
                              confidence=0.9)])


@pytest.fixture
def db_file(tmp_path):
    from pactwatch.store import Store

    path = tmp_path / "web.db"
    with Store(f"sqlite:///{path}") as s:
        s.save(_record(), original=TEXT)
    return path


@pytest.fixture
def app(db_file):
    from pactwatch.web import create_app

    return create_app(f"sqlite:///{db_file}", token=TOKEN)


@pytest.fixture
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


# --------------------------------------------------------------------------- tokens
def all_routes(app) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, routers included (FastAPI >= 0.16x keeps included
    routers as lazy wrappers in ``app.routes``; ``iter_route_contexts`` flattens them)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        routes = list(app.routes)
    else:
        routes = [rc.route for rc in iter_route_contexts(app.routes)]
    return [(r.path, set(r.methods)) for r in routes if getattr(r, "methods", None)]


def write_routes(app):
    """Every route of the app that changes something (any method but GET/HEAD/OPTIONS)."""
    return [(m, path) for path, methods in all_routes(app) for m in sorted(methods - {"GET", "HEAD", "OPTIONS"})]


def concrete(path: str) -> str:
    """A request path for a route template: ids that exist, a valid entity name."""
    path = path.replace("{agreement_id}", "1").replace("{entity}", "bodies")
    return re.sub(r"\{[^}]+\}", "x", path)


def test_the_app_has_write_routes_to_check(app):
    # If this list shrinks to nothing the token test below would pass vacuously.
    routes = write_routes(app)
    assert ("POST", "/api/documents") in routes
    assert len(routes) >= 3  # documents + the two tracking write routes


BAD_AUTH = [
    {},                                                   # no header
    {"Authorization": "Bearer"},                          # scheme, no token
    {"Authorization": "Bearer "},                         # empty token
    {"Authorization": "Bearer wrong-token"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"},            # right prefix, one char short
    {"Authorization": f"Bearer {TOKEN}x"},                # one char too many
    {"Authorization": f"Basic {TOKEN}"},                  # wrong scheme
    {"Authorization": f"Token {TOKEN}"},
    {"Authorization": "Bearer \u00e9\u00e9".encode()},  # non-ASCII bytes in the header
]


@pytest.mark.parametrize("bad", BAD_AUTH, ids=range(len(BAD_AUTH)))
def test_every_write_route_refuses_a_missing_or_invalid_token(client, app, bad):
    for method, path in write_routes(app):
        url = concrete(path)
        for kind in ("json", "form"):
            if kind == "json":
                r = client.request(method, url, json={"text": TEXT, "name": "x", "kind": "commission"}, headers=bad)
            else:
                # An HTML form carries the token as a field: a wrong one there is refused too.
                r = client.request(method, url, data={"name": "x", "token": "wrong"}, headers=bad)
            assert r.status_code == 401, (method, url, kind, bad, r.status_code, r.text[:200])
            assert r.headers.get("www-authenticate", "").lower().startswith("bearer")
    # nothing was written by any of these requests
    from pactwatch.store import Store

    with Store(str(app.state.store.url)) as s:
        assert s.table_counts()["documents"] == 1


def test_writes_do_not_exist_without_a_server_token(db_file):
    """Started without --token the server is read-only: every write route answers 403."""
    from pactwatch.web import create_app

    app = create_app(f"sqlite:///{db_file}")
    with TestClient(app, raise_server_exceptions=False) as c:
        for method, path in write_routes(app):
            for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer anything"}):
                r = c.request(method, concrete(path), json={"text": TEXT}, headers=headers)
                assert r.status_code == 403, (method, path, r.status_code)
        assert c.get("/api/agreements").status_code == 200  # reading still works


def test_token_checks_use_a_constant_time_comparison():
    # A timing test would be flaky on a shared machine; instead pin the implementation:
    # both places that check a token compare with hmac.compare_digest, never with ==.
    from pactwatch.web import app as web_app
    from pactwatch.web import tracking

    for fn in (web_app.check_token, tracking._authorized):
        src = inspect.getsource(fn)
        assert "hmac.compare_digest" in src, fn.__qualname__
        assert not re.search(r"(given|candidate|token)\s*[!=]=\s*(expected|token)", src), fn.__qualname__


# --------------------------------------------------------------------------- sizes
def test_oversized_json_upload_is_413_before_the_token_is_even_needed(client):
    big = json.dumps({"text": "x" * (5 * 1024 * 1024 + 1)})
    for headers in (AUTH, {}):
        r = client.post("/api/documents", content=big, headers={**headers, "content-type": "application/json"})
        assert r.status_code == 413
        assert r.json()["error"]["status"] == 413


def test_oversized_form_on_tracking_route_is_413(client):
    r = client.post("/api/agreements/1/tracking/bodies", data={"name": "x" * (6 * 1024 * 1024), "token": TOKEN})
    assert r.status_code == 413


def test_deeply_nested_json_is_a_client_error_not_a_crash(client):
    # json.loads raises RecursionError (not a ValueError) on deep nesting.
    body = "[" * 100_000 + "]" * 100_000
    for url in ("/api/documents", "/api/agreements/1/tracking/bodies"):
        r = client.post(url, content=body, headers={**AUTH, "content-type": "application/json"})
        assert 400 <= r.status_code < 500, (url, r.status_code)
        assert not LEAKS.search(r.text)


def test_lone_surrogates_in_a_posted_document_do_not_break_the_server(client):
    # "\ud800" is valid JSON but not encodable as UTF-8: it must not reach the database raw.
    body = '{"text": "Iceland and Norway signed a fisheries agreement in Reykjavik \\ud800 on Monday.", "id": "sur-1"}'
    r = client.post("/api/documents", content=body, headers={**AUTH, "content-type": "application/json"})
    assert r.status_code in (201, 422), r.text[:300]
    assert not LEAKS.search(r.text)
    if r.status_code == 201:
        doc = client.get("/api/documents/sur-1")
        assert doc.status_code == 200 and "\ufffd" in doc.json()["text"]


# --------------------------------------------------------------------------- extraction timeout
def test_slow_extraction_gives_a_503_json_error_not_a_hung_worker(client, monkeypatch):
    from pactwatch.web import data

    # The bound is configurable (PACTWATCH_EXTRACT_TIMEOUT); a tiny one makes a real
    # ~30 KB document (a few seconds of extraction) "too slow" without a test that runs
    # for minutes.  Lines are all different: the cleaner drops repeated lines as furniture.
    monkeypatch.setattr(data, "EXTRACT_TIMEOUT", 0.2)
    rnd = random.Random(5)
    words = ("the United States Ukraine signed agreement treaty defence security Kyiv on Tuesday million "
             "committed France Germany minister said").split()
    text = "\n".join(" ".join(rnd.choice(words) for _ in range(25)) + "." for _ in range(200))
    t0 = time.monotonic()
    r = client.post("/api/documents", json={"text": text, "id": "slow-1", "published": "2024-06-12"}, headers=AUTH)
    elapsed = time.monotonic() - t0
    assert r.status_code in (503, 504), (r.status_code, r.text[:200])
    assert r.json()["error"]["status"] == r.status_code
    assert "extract" in r.json()["error"]["message"].lower()
    assert elapsed < 20, f"the client waited {elapsed:.1f} s"
    # The server still answers while the abandoned extraction finishes in the background.
    assert client.get("/api/stats").status_code == 200


# --------------------------------------------------------------------------- no internals in errors
def test_internal_errors_show_no_stack_trace(db_file):
    from pactwatch.web import create_app

    app = create_app(f"sqlite:///{db_file}", token=TOKEN)
    # Break the database under the running app (a table gone, as after a botched manual
    # migration): every query on it raises inside the route.
    con = sqlite3.connect(db_file)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("DROP TABLE agreement_parties")
    con.execute("DROP TABLE agreements")
    con.commit()
    con.close()
    with TestClient(app, raise_server_exceptions=False) as c:
        for path in ("/api/agreements", "/api/agreements/1", "/", "/agreements/1", "/api/network", "/network"):
            r = c.get(path)
            assert r.status_code == 500, (path, r.status_code)
            assert not LEAKS.search(r.text), (path, LEAKS.search(r.text).group(0))
            if path.startswith("/api"):
                assert r.json() == {"error": {"status": 500, "message": "internal server error"}}
            # security headers are kept on error responses too
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "script-src 'self'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("method,path,kw", [
    ("GET", "/api/agreements?limit=999999", {}),
    ("GET", "/api/agreements/99999999999999999999", {}),
    ("GET", "/api/agreements?since=2024-13-45", {}),
    ("GET", "/api/search?q=" + "x" * 5000, {}),
    ("GET", "/api/search?q=%22%22%22%20OR%20-%20(%20)%20*%20NEAR", {}),
    ("GET", "/api/documents/" + "%00" * 10, {}),
    ("GET", "/api/compare?ids=1,abc", {}),
    ("DELETE", "/api/agreements/1", {}),
    ("POST", "/api/documents", {"content": b"{not json", "headers": {**AUTH, "content-type": "application/json"}}),
    ("POST", "/api/documents", {"content": b"\xff\xfe\x00garbage", "headers": {**AUTH, "content-type": "application/json"}}),
    ("GET", "/no/such/page", {}),
])
def test_client_errors_show_no_internals(client, method, path, kw):
    # Odd but valid input may succeed (a search for operators alone); it may never be a 5xx.
    r = client.request(method, path, **kw)
    assert r.status_code < 500, (path, r.status_code)
    assert not LEAKS.search(r.text), LEAKS.search(r.text).group(0)


# --------------------------------------------------------------------------- headers
def check_headers(r) -> None:
    csp = r.headers["content-security-policy"]
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    script = directives.get("script-src") or directives["default-src"]
    assert "'self'" in script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "frame-ancestors 'none'" in csp or r.headers.get("x-frame-options", "").upper() == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_security_headers_on_every_kind_of_response(client):
    # One of each route of the app plus errors: pages, API, static, 401, 404, 413, 422.
    app = client.app
    gets = {concrete(path) for path, methods in all_routes(app) if "GET" in methods}
    responses = [client.get(p) for p in sorted(gets)]
    responses += [client.get("/static/app.css"), client.get("/nope"), client.post("/api/documents", json={}),
                  client.post("/api/documents", json={}, headers=AUTH),
                  client.post("/api/documents", content=b"x" * (5 * 1024 * 1024 + 1), headers=AUTH)]
    assert len(responses) > 10
    for r in responses:
        check_headers(r)


def test_hostile_document_is_escaped_in_pages(client):
    text = ("Iceland and Norway signed a fisheries agreement in Reykjavik on Monday.\n"
            "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">\n")
    r = client.post("/api/documents", json={"text": text, "id": "xss-1", "title": "<script>alert(1)</script>",
                                            "published": "2023-05-05"}, headers=AUTH)
    assert r.status_code == 201, r.text[:300]
    page = client.get("/documents/xss-1")
    assert page.status_code == 200
    assert "<script>window.pwned" not in page.text and "<script>alert(1)" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text  # shown, as text


# --------------------------------------------------------------------------- a real socket
@pytest.fixture
def live_server(db_file):
    """``pactwatch serve`` on 127.0.0.1 (a real process, as deployed)."""
    from robust_helpers import free_port, start_cli, stop_group, wait_for

    port = free_port()
    proc = start_cli("serve", "--db", f"sqlite:///{db_file}", "--host", "127.0.0.1", "--port", str(port),
                     env={"PACTWATCH_TOKEN": TOKEN})
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return httpx.get(base + "/api/stats", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        assert wait_for(up, 60), "server did not start"
        yield base
    finally:
        stop_group(proc, sig=2)


def test_limits_hold_on_a_real_socket(live_server):
    with httpx.Client(base_url=live_server, timeout=30) as c:
        # chunked transfer: no content-length to refuse early, the body is counted as it comes
        def chunks():
            for _ in range(7):
                yield b"x" * (1024 * 1024)

        r = c.post("/api/documents", content=chunks(), headers={**AUTH, "content-type": "application/json"})
        assert r.status_code == 413
        r = c.post("/api/documents", json={"text": TEXT})
        assert r.status_code == 401
        check_headers(r)
        r = c.get("/")
        assert r.status_code == 200
        check_headers(r)


# --------------------------------------------------------------------------- no outbound network
_NET_EVENTS: list = []
_NET_WATCH = {"on": False}


def _net_audit(event, args):
    # An audit hook sees every socket connect and name lookup the interpreter makes (C
    # libraries that bypass Python sockets excepted), with no mocking of the network.
    if _NET_WATCH["on"] and event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _NET_EVENTS.append((event, repr(args[1] if event == "socket.connect" else args)[:200]))


def _is_loopback(ev: str) -> bool:
    return any(h in ev for h in ("127.0.0.1", "'localhost'", "::1", "/tmp/", "testserver"))


def test_server_makes_no_outbound_connections(client):
    """Serving pages and extracting an uploaded document (HTML via trafilatura, the spaCy
    model) contacts nothing: no model download, no remote fetch, no DNS lookup."""
    import sys

    if _net_audit not in getattr(test_server_makes_no_outbound_connections, "_hooked", []):
        sys.addaudithook(_net_audit)  # hooks cannot be removed; _NET_WATCH switches it off
        test_server_makes_no_outbound_connections._hooked = [_net_audit]
    _NET_EVENTS.clear()
    _NET_WATCH["on"] = True
    try:
        html = ("<html><head><title>t</title><link rel='stylesheet' href='http://example.com/x.css'>"
                "<script src='https://cdn.example.net/a.js'></script></head><body><article>"
                "<p>Iceland and Norway signed a fisheries agreement in Reykjavik on Monday.</p>"
                "<img src='https://tracker.example.org/p.gif'></article></body></html>")
        r = client.post("/api/documents", json={"html": html, "id": "net-1", "published": "2023-05-05"}, headers=AUTH)
        assert r.status_code == 201, r.text[:300]
        for path in ("/", "/documents/net-1", "/api/agreements", "/network", "/timeline", "/docs"):
            assert client.get(path).status_code == 200
        # the hook is live: a loopback connect of our own is seen
        with socket.socket() as s:
            s.settimeout(1)
            try:
                s.connect(("127.0.0.1", free_port()))
            except OSError:
                pass
    finally:
        _NET_WATCH["on"] = False
    assert any(e[0] == "socket.connect" and "127.0.0.1" in e[1] for e in _NET_EVENTS)
    outbound = [e for e in _NET_EVENTS if not _is_loopback(e[1])]
    assert outbound == [], outbound


def test_pages_load_nothing_from_other_origins(client):
    # The CSP would block it anyway; the pages should not even ask (no CDN, no web fonts).
    for path in ("/", "/agreements/1", "/documents/fish-1", "/network", "/timeline", "/docs"):
        html = client.get(path).text
        for m in re.finditer(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html):
            assert not re.match(r"(?i)(https?:)?//", m.group(1)), (path, m.group(1))
