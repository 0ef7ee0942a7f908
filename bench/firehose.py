"""End-to-end ingest throughput on the bench news corpus, into SQLite, same-run baselines.

    nice .venv/bin/python bench/firehose.py --limit 3000            # 1 and 2 workers
    nice .venv/bin/python bench/firehose.py                         # all 58,434 articles
    nice .venv/bin/python bench/firehose.py --limit 2000 --modes 1,2,dask2

The articles of all parts are interleaved (round robin over the files), so a ``--limit``
sees every part. Every mode runs in a fresh subprocess with a fresh SQLite database
(under --tmp, deleted after), so peak memory is per mode:

* ``read+triage`` - the same-run ceiling: read, hash and triage only, no store, no model;
* ``1``           - ``pactwatch.pipeline.ingest`` in one process (the baseline);
* ``2``           - ``ingest(workers=2)``: a pool of 2 processes, one model each;
* ``dask2``       - ``ingest(scheduler=...)`` on a local Dask cluster of 2 worker processes.

Printed per mode: docs/s, ratio to mode ``1``, extracted documents and agreements, peak RSS
of the main process and of the largest worker. Article texts are read from
/work/shared/bench at run time and never written anywhere but the temporary database.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import orjson
from isal import igzip

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
BENCH = os.environ.get("PACTWATCH_BENCH", os.path.join(ROOT, "..", "shared", "bench"))


def documents(limit: int | None):
    """RawDocuments of every part, round robin over the files, streamed."""
    from pactwatch.io import RawDocument

    handles = [igzip.open(f, "rb") for f in sorted(glob.glob(os.path.join(BENCH, "*.jsonl.gz")))]
    n = 0
    try:
        while handles and (limit is None or n < limit):
            for fh in list(handles):
                line = fh.readline()
                if not line:
                    handles.remove(fh)
                    continue
                d = orjson.loads(line)
                yield RawDocument(source=d.get("source") or "bench", id=d["id"], text=d["text"],
                                  title=d.get("title"), published=d.get("published"),
                                  meta={"origin": d["id"]})
                n += 1
                if limit is not None and n >= limit:
                    return
    finally:
        for fh in handles:
            fh.close()


def run_mode(mode: str, limit: int | None, batch_size: int, tmp: str) -> dict:
    from pactwatch.pipeline import content_hash, ingest
    from pactwatch.triage import get_triage

    t0 = time.perf_counter()
    if mode == "read+triage":
        tri = get_triage()
        n = kept = 0
        for raw in documents(limit):
            content_hash(raw)
            kept += tri.is_candidate(raw.text, raw.title)
            n += 1
        el = time.perf_counter() - t0
        return {"mode": mode, "docs": n, "elapsed": el, "docs_per_s": n / el, "extracted": kept,
                "agreements": None, "failed": 0, "rss_main": _rss(), "rss_worker": _rss(resource.RUSAGE_CHILDREN)}

    from pactwatch.store import Store

    db = os.path.join(tmp, f"firehose-{mode}.db")
    store = Store(f"sqlite:///{db}")
    kw: dict = {"batch_size": batch_size}
    cluster = None
    if mode.startswith("dask"):
        from dask.distributed import LocalCluster

        cluster = LocalCluster(n_workers=int(mode[4:]), threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=40)
        kw["scheduler"] = cluster.scheduler_address
    else:
        kw["workers"] = int(mode)
    t0 = time.perf_counter()  # model/cluster start-up counts: it is part of a real run
    stats = ingest([], store, documents=documents(limit), **kw)
    el = time.perf_counter() - t0
    worker_rss = _rss(resource.RUSAGE_CHILDREN)
    if cluster is not None:
        # Dask workers are grandchildren (nannies): ask them.
        from dask.distributed import Client

        with Client(cluster) as c:
            worker_rss = max(c.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024).values())
        cluster.close()
    store.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return {"mode": mode, "docs": stats.read, "elapsed": el, "docs_per_s": stats.read / el,
            "extracted": stats.extracted, "triaged_out": stats.triaged_out, "agreements": stats.agreements,
            "failed": stats.failed, "rss_main": _rss(), "rss_worker": worker_rss}


def _rss(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="articles (default: all 58,434)")
    ap.add_argument("--modes", default="read+triage,1,2", help="comma-separated: read+triage, 1, 2, dask2")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--tmp", default=tempfile.gettempdir())
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one mode, print JSON
    args = ap.parse_args()

    if args.one:
        print("RESULT " + json.dumps(run_mode(args.one, args.limit, args.batch_size, args.tmp)), flush=True)
        return

    print(f"firehose: limit={args.limit or 'all'} batch_size={args.batch_size} cores={os.cpu_count()} "
          f"load={os.getloadavg()[0]:.1f} date={time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    results = []
    for mode in args.modes.split(","):
        cmd = [sys.executable, __file__, "--one", mode, "--batch-size", str(args.batch_size), "--tmp", args.tmp]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        out = subprocess.run(cmd, capture_output=True, text=True)
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
        if line is None:
            print(f"mode {mode} failed:\n{out.stderr[-3000:]}")
            continue
        r = json.loads(line[7:])
        results.append(r)
        print(f"  {mode}: {r['docs']} docs in {r['elapsed']:.1f}s = {r['docs_per_s']:.1f} docs/s", flush=True)

    base = next((r for r in results if r["mode"] == "1"), None)
    print("\n| mode | docs | s | docs/s | x mode 1 | extracted | agreements | failed | peak RSS main MB | peak RSS worker MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = f"{r['docs_per_s'] / base['docs_per_s']:.2f}" if base else "-"
        print(f"| {r['mode']} | {r['docs']} | {r['elapsed']:.1f} | {r['docs_per_s']:.1f} | {ratio} | "
              f"{r['extracted']} | {'' if r['agreements'] is None else r['agreements']} | {r['failed']} | "
              f"{r['rss_main']:.0f} | {r['rss_worker']:.0f} |")


if __name__ == "__main__":
    main()
