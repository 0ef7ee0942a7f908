"""Web benchmark: page and API latency (p50/p95) on a database of 100,000 documents.

    nice .venv/bin/python bench/web.py                          # SQLite, 100k documents
    nice .venv/bin/python bench/web.py --only postgresql
    nice .venv/bin/python bench/web.py --docs 5000 --requests 20   # quick run
    nice .venv/bin/python bench/web.py --db sqlite:////tmp/x.db      # an existing database

The database is built with the store benchmark's generator (bench/ingest.py): 40% real
bench articles as plain documents, 60% extracted records replicated with fresh ids,
remapped parties and shifted dates, bulk-loaded as ``Store.save`` would write them.

The app runs under uvicorn on a loopback port in this process (one worker, as
``pactwatch serve`` starts it); httpx sends ``--requests`` sequential requests per page
with varied parameters (parties, queries, ids drawn from the database).  The first
request of each page is reported apart as ``cold_ms`` (plan caches, the aggregate cache of
network/timeline); p50/p95 are over the rest.  Target: p95 < 300 ms for every page.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
TARGET_MS = 300.0


def build(kind: str, n_docs: int, tmp: Path, sample: int):
    import ingest as store_bench  # the database engineer's generator (bench/ingest.py)

    url, drop = store_bench.fresh_url(kind, tmp)
    records = store_bench.extracted_records(sample)
    articles = list(store_bench.bench_articles())
    arts = articles[: int(n_docs * 0.4)]
    reps = store_bench.replicate(records, n_docs - len(arts), seed=11)
    t = time.perf_counter()
    store_bench.bulk_load(url, reps, arts)
    print(f"[{kind}] built {n_docs} documents in {time.perf_counter() - t:.0f}s", file=sys.stderr)
    return url, drop


def serve(url: str):
    import uvicorn

    from pactwatch.web import create_app

    app = create_app(url)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}", app


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def workload(app, n: int, seed: int = 5) -> dict[str, list[str]]:
    """Paths per page, with parameters drawn from the database itself."""
    rng = random.Random(seed)
    store = app.state.store
    page = store.agreements(limit=200, facets=True)
    parties = [f["value"] for f in page.facets.get("party", [])] or ["USA"]
    ids = [i["id"] for i in page.items]
    total = page.total
    # Ids spread over the whole table, not just the newest.
    deep = [i["id"] for off in rng.sample(range(max(1, total - 1)), min(n, max(1, total - 1)))
            for i in store.agreements(limit=1, offset=off, facets=False).items]
    ids = (ids + deep) or [1]
    docs = []
    for aid in rng.sample(ids, min(len(ids), n)):
        ag = store.agreement(aid)
        if ag and ag["sources"]:
            docs.append(ag["sources"][0]["doc_id"])
    words = ["defense", "trade agreement", "nuclear", "ceasefire", "sanctions", "oil", "climate", "tariffs",
             "Ukraine", "minister", "\"free trade\"", "refugees"]
    years = [f["value"] for f in page.facets.get("year", [])] or [2020]

    def pick(seq, k=n):
        return [rng.choice(seq) for _ in range(k)]

    return {
        "search (all, facets)": [f"/?page={rng.randint(1, 50)}" for _ in range(n)],
        "search ?party": [f"/?party={p}" for p in pick(parties)],
        "search ?q": [f"/?q={w}" for w in pick(words)],
        "search ?party&year": [f"/?party={p}&year={y}" for p, y in zip(pick(parties), pick(years))],
        "agreement": [f"/agreements/{i}" for i in pick(ids)],
        "document": [f"/documents/{d}" for d in pick(docs or ["none"])],
        "document ?removed": [f"/documents/{d}?removed=1" for d in pick(docs or ["none"])],
        "compare (3)": [f"/compare?ids={','.join(str(x) for x in rng.sample(ids, 3))}" for _ in range(n)],
        "timeline (all)": ["/timeline"] * n,
        "timeline ?party": [f"/timeline?party={p}" for p in pick(parties[:15])],
        "network (all)": ["/network"] * n,
        "network ?party": [f"/network?party={p}" for p in pick(parties[:15])],
        "deadlines": ["/deadlines"] * n,
        "api/agreements ?party": [f"/api/agreements?party={p}" for p in pick(parties)],
        "api/agreements/{id}": [f"/api/agreements/{i}" for i in pick(ids)],
    }


def measure(base: str, paths: list[str]) -> dict:
    lat, statuses = [], set()
    with httpx.Client(base_url=base, timeout=120) as c:
        t = time.perf_counter()
        r = c.get(paths[0])
        cold = (time.perf_counter() - t) * 1000
        statuses.add(r.status_code)
        for p in paths[1:]:
            t = time.perf_counter()
            r = c.get(p)
            lat.append((time.perf_counter() - t) * 1000)
            statuses.add(r.status_code)
    return {"cold_ms": round(cold, 1), "p50_ms": round(pct(lat, 50), 1), "p95_ms": round(pct(lat, 95), 1),
            "max_ms": round(max(lat), 1), "n": len(lat), "status": sorted(statuses),
            "ok": pct(lat, 95) < TARGET_MS and statuses <= {200}}


def run(kind: str, args, tmp: Path) -> dict:
    drop = None
    url = args.db
    if not url:
        url, drop = build(kind, args.docs, tmp, args.sample)
    t = time.perf_counter()
    server, thread, base, app = serve(url)
    # The app precomputes the landing views in a background thread at startup (as in
    # production, before analysts arrive); measure after it, and report how long it took.
    for th in threading.enumerate():
        if th.name == "pactwatch-warm":
            th.join()
    warm_s = time.perf_counter() - t
    print(f"[bench] startup warm-up took {warm_s:.1f}s", file=sys.stderr)
    try:
        st = app.state.store.stats()
        res = {"db": kind if not args.db else url.split(":")[0], "documents": st["documents"],
               "agreements": st["agreements"], "warm_up_s": round(warm_s, 1), "pages": {}}
        for name, paths in workload(app, args.requests + 1).items():
            res["pages"][name] = m = measure(base, paths)
            print(f"[{res['db']}] {name:24s} cold {m['cold_ms']:8.1f}  p50 {m['p50_ms']:7.1f}  "
                  f"p95 {m['p95_ms']:7.1f}  {'ok' if m['ok'] else 'SLOW'}", file=sys.stderr)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.store.close()
        if drop and not args.keep:
            drop()
        elif drop:
            print(f"kept database: {url}", file=sys.stderr)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=40, help="timed requests per page (after one cold request)")
    ap.add_argument("--sample", type=int, default=80, help="agreement articles to extract per bench part")
    ap.add_argument("--only", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--db", help="benchmark an existing database instead of building one")
    ap.add_argument("--keep", action="store_true", help="keep the built database (prints its URL)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pactwatch-webbench-"))
    try:
        res = run(args.only, args, tmp)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    res["target_p95_ms"] = TARGET_MS
    res["all_ok"] = all(p["ok"] for p in res["pages"].values())
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
