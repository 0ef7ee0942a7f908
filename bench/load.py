"""Load test: many concurrent readers against `pactwatch serve` on the loopback interface.

    .venv/bin/python bench/load.py                              # 50 readers for 60 s
    .venv/bin/python bench/load.py --readers 10 --duration 5    # a quick run (the test does this)
    .venv/bin/python bench/load.py --db sqlite:////tmp/load.db  # reuse / keep a filled database

What it does, and its bounds:

* Fills a SQLite database with the dev corpus (``$PACTWATCH_DEV_CORPUS``, default
  ``../shared/corpus/dev``) through the real pipeline, unless ``--db`` names a database
  that already holds documents.
* Starts ``pactwatch serve`` (one uvicorn worker, as deployed by default) on 127.0.0.1 on a
  free port -- loopback only, nothing else is contacted -- and stops it at the end.
* Holds ``--readers`` concurrent httpx AsyncClient readers for ``--duration`` seconds, each
  looping over a mix of HTML pages and JSON API routes with ids, parties and queries taken
  from the database.  Bounded: at most 500 readers, at most 600 s, 30 s per request.
* Prints requests/second, p50/p95/p99 latency (overall and per route) and the error count
  (any status >= 400, timeout or connection error), plus a JSON summary line.  Exits 1 on
  any error, 2 when the server does not start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEV_CORPUS = os.environ.get("PACTWATCH_DEV_CORPUS", str(REPO.parent / "shared" / "corpus" / "dev"))
HOST = "127.0.0.1"  # never anything else
MAX_READERS, MAX_DURATION, REQUEST_TIMEOUT = 500, 600.0, 30.0


def fill(url: str, n_docs: int | None) -> int:
    """Ingest the dev corpus (its .txt/.html documents, sidecars read alongside) into ``url``."""
    from pactwatch.pipeline import ingest
    from pactwatch.store import Store

    with Store(url) as store:
        have = store.table_counts()["documents"]
        if have:
            return have
        files = sorted(p for p in Path(DEV_CORPUS).iterdir() if p.suffix in (".txt", ".html")
                       and not p.name.endswith((".gold.json", ".meta.json")))
        if n_docs:
            files = files[:n_docs]
        if not files:
            raise SystemExit(f"no documents in {DEV_CORPUS}")
        t = time.perf_counter()
        stats = ingest([str(p) for p in files], store, triage=False)
        print(f"filled {url}: {stats.extracted} documents, {stats.agreements} agreement reports "
              f"in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        return store.table_counts()["documents"]


def targets(url: str) -> list[tuple[str, str]]:
    """(route label, path) pairs over what the database holds."""
    from pactwatch.store import Store

    with Store(url) as store:
        items = store.agreements(limit=200, facets=False).items
        import sqlalchemy as sa

        with store.engine.connect() as c:
            docs = [r[0] for r in c.execute(sa.text("SELECT id FROM documents WHERE n_agreements > 0 LIMIT 50"))]
    ids = [a["id"] for a in items] or [1]
    parties = sorted({p for a in items for p in a["parties"]}) or ["USA"]
    words = ["agreement", "defence", "energy", "treaty", "cooperation", "signed", "minister", "security"]
    rnd = random.Random(7)
    out: list[tuple[str, str]] = []
    for _ in range(40):
        aid, party, word = rnd.choice(ids), rnd.choice(parties), rnd.choice(words)
        doc = httpx.URL("/documents/" + rnd.choice(docs)).raw_path.decode() if docs else "/documents/none"
        other = rnd.choice(ids)
        out += [
            ("page /", f"/?q={word}"), ("page /", f"/?party={party}"),
            ("page /agreements/{id}", f"/agreements/{aid}"),
            ("page /documents/{id}", doc),
            ("page /compare", f"/compare?ids={aid},{other}"),
            ("page /timeline", "/timeline"), ("page /network", "/network"), ("page /deadlines", "/deadlines"),
            ("api /api/agreements", f"/api/agreements?party={party}&limit=20"),
            ("api /api/agreements", f"/api/agreements?q={word}"),
            ("api /api/agreements/{id}", f"/api/agreements/{aid}"),
            ("api /api/agreements/{id}/sources", f"/api/agreements/{aid}/sources"),
            ("api /api/documents/{id}", "/api" + doc),
            ("api /api/search", f"/api/search?q={word}"),
            ("api /api/timeline", f"/api/timeline?party={party}"),
            ("api /api/network", "/api/network"),
            ("api /api/stats", "/api/stats"),
            ("static", "/static/app.css"),
        ]
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, log) -> subprocess.Popen:
    exe = str(Path(sys.executable).with_name("pactwatch"))
    cmd = [exe, "serve", "--db", url, "--host", HOST, "--port", str(port)] if os.path.exists(exe) else \
        [sys.executable, "-m", "pactwatch.cli", "serve", "--db", url, "--host", HOST, "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if k != "PACTWATCH_TOKEN"}  # read-only: no writes exist
    # stderr to a file, never an unread pipe: a full pipe would block the server's logging.
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, env=env, start_new_session=True)


def wait_up(base: str, proc: subprocess.Popen, timeout: float = 90) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            if httpx.get(base + "/api/stats", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    return False


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


async def load(base: str, paths: list[tuple[str, str]], readers: int, duration: float) -> dict:
    lat: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    stop_at = time.monotonic() + duration
    # keepalive_expiry below uvicorn's 5 s keep-alive: the client drops an idle connection
    # before the server may close it, so a reused connection is never one the server is
    # closing at that moment (that race shows up as ReadError and is not a server fault).
    limits = httpx.Limits(max_connections=readers, max_keepalive_connections=readers, keepalive_expiry=2.0)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as client:

        async def reader(i: int):
            rnd = random.Random(i)
            while time.monotonic() < stop_at:
                label, path = rnd.choice(paths)
                t = time.perf_counter()
                try:
                    r = await client.get(path)
                    dt = (time.perf_counter() - t) * 1000
                    if r.status_code >= 400:
                        errors.append(f"{r.status_code} {path}")
                    lat[label].append(dt)
                except httpx.HTTPError as exc:
                    errors.append(f"{type(exc).__name__} {path}")

        t0 = time.monotonic()
        await asyncio.gather(*(reader(i) for i in range(readers)))
        elapsed = time.monotonic() - t0
    every = [v for vs in lat.values() for v in vs]
    return {
        "readers": readers, "duration_s": round(elapsed, 1), "requests": len(every) + len(errors),
        "rps": round((len(every) + len(errors)) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(pct(every, 50), 1), "p95_ms": round(pct(every, 95), 1), "p99_ms": round(pct(every, 99), 1),
        "max_ms": round(max(every), 1) if every else 0.0, "errors": len(errors), "error_samples": errors[:10],
        "routes": {k: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "p99_ms": round(pct(v, 99), 1)}
                   for k, v in sorted(lat.items())},
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--readers", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file, filled from the dev corpus)")
    ap.add_argument("--docs", type=int, default=None, help="ingest only the first N dev-corpus documents")
    args = ap.parse_args(argv)
    readers = max(1, min(args.readers, MAX_READERS))
    duration = max(1.0, min(args.duration, MAX_DURATION))

    tmp = None
    url = args.db
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="pw-load-")
        url = f"sqlite:///{Path(tmp.name) / 'load.db'}"
    n = fill(url, args.docs)
    paths = targets(url)
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = tempfile.TemporaryFile()
    proc = start_server(url, port, log)
    try:
        if not wait_up(base, proc):
            log.seek(0)
            print(f"server did not start on {base}\n{log.read().decode(errors='replace')[-2000:]}", file=sys.stderr)
            return 2
        result = asyncio.run(load(base, paths, readers, duration))
        if result["errors"]:
            log.seek(0)
            print("server log (tail):\n" + log.read().decode(errors="replace")[-3000:], file=sys.stderr)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # uvicorn shuts down cleanly on SIGINT
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if tmp is not None:
            tmp.cleanup()
    result["documents"] = n
    print(f"{result['readers']} readers for {result['duration_s']} s over {n} documents: "
          f"{result['requests']} requests, {result['rps']} req/s, p50 {result['p50_ms']} ms, "
          f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms, "
          f"{result['errors']} errors")
    for label, r in result["routes"].items():
        print(f"  {label:36s} n={r['n']:6d}  p50 {r['p50_ms']:8.1f} ms  p99 {r['p99_ms']:8.1f} ms")
    for e in result["error_samples"]:
        print(f"  error: {e}")
    print("JSON " + json.dumps(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
