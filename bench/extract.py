"""Extraction throughput (docs/s) and overhead against the bare spaCy pipeline, same run.

    nice .venv/bin/python bench/extract.py                  # 60 candidates + 60 random
    nice .venv/bin/python bench/extract.py -n 200 --workers-compare

Samples (seeded, read from /work/shared/bench at run time, never written anywhere):

* ``candidates`` - articles that pass pactwatch.triage (what the firehose extracts);
* ``random``     - articles drawn from the whole corpus.

Modes, each over the same texts:

* ``spacy-bare``        - the baseline: ``nlp.pipe`` of the model with the components
                          pactwatch uses, over the whole text; nothing else;
* ``pactwatch-full``    - ``pactwatch.api.process_many``: clean + model over every line +
                          rule annotators + assembly (overhead = this vs. the baseline);
* ``pactwatch-passages``- what the pipeline runs: the model only on triage passages.

``--workers-compare`` also times two ways of using 2 cores on the candidates:
``nlp.pipe(n_process=2)`` inside process_many, and a process pool of 2 whole-batch
workers (pactwatch.pipeline's backend).
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import resource
import sys
import time

import orjson
from isal import igzip

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))
BENCH = os.environ.get("PACTWATCH_BENCH", os.path.join(ROOT, "..", "shared", "bench"))


def samples(n: int, seed: int = 0):
    """Reservoir samples of n triage candidates and n random articles over all parts."""
    from pactwatch.io import RawDocument
    from pactwatch.triage import get_triage

    tri = get_triage()
    rng = random.Random(seed)
    cand, rand = [], []
    seen_c = seen_r = 0
    for f in sorted(glob.glob(os.path.join(BENCH, "*.jsonl.gz"))):
        with igzip.open(f, "rb") as fh:
            for line in fh:
                d = orjson.loads(line)
                raw = RawDocument(source=d.get("source") or "bench", id=d["id"], text=d["text"],
                                  title=d.get("title"), published=d.get("published"))
                seen_r += 1
                if len(rand) < n:
                    rand.append(raw)
                elif (j := rng.randrange(seen_r)) < n:
                    rand[j] = raw
                if tri.is_candidate(raw.text, raw.title):
                    seen_c += 1
                    if len(cand) < n:
                        cand.append(raw)
                    elif (j := rng.randrange(seen_c)) < n:
                        cand[j] = raw
    return {"candidates": cand, "random": rand}, seen_c, seen_r


def maxrss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def run_bare(raws):
    from pactwatch import api

    nlp = api._nlp()
    for _ in nlp.pipe([r.text for r in raws], batch_size=32):
        pass


def run_full(raws):
    from pactwatch import api

    out = list(api.process_many(raws, batch_size=32))
    return sum(len(p.record.agreements) for p in out if hasattr(p, "record"))


def run_passages(raws):
    from pactwatch.pipeline import process_batch

    n = 0
    for i in range(0, len(raws), 32):
        out = process_batch(raws[i:i + 32], True)
        n += sum(len(p.record.agreements) for p in out if hasattr(p, "record"))
    return n


def run_pipe_n2(raws):
    from pactwatch import api
    from pactwatch.pipeline import _passages_fn

    out = list(api.process_many(raws, batch_size=32, n_process=2, passages=_passages_fn(None)))
    return sum(len(p.record.agreements) for p in out if hasattr(p, "record"))


_POOL = None


def start_pool2() -> float:
    """Start the pool and wait until both workers have loaded the model (timed apart:
    a long-running ingest pays it once)."""
    global _POOL
    from pactwatch.pipeline import _PoolBackend

    t = time.perf_counter()
    _POOL = _PoolBackend(2, None)
    for f in [_POOL.submit([], True, None) for _ in range(4)]:
        f.result()
    return time.perf_counter() - t


def run_pool2(raws):
    futs = [_POOL.submit(raws[i:i + 8], True, None) for i in range(0, len(raws), 8)]
    return sum(len(p.record.agreements) for f in futs for p in f.result() if hasattr(p, "record"))


def timed(fn, raws):
    t = time.perf_counter()
    res = fn(raws)
    return time.perf_counter() - t, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=60, help="articles per sample")
    ap.add_argument("--workers-compare", action="store_true")
    args = ap.parse_args()

    t = time.perf_counter()
    sets, n_cand, n_all = samples(args.n)
    print(f"sampled in {time.perf_counter() - t:.1f}s: {n_cand} of {n_all} articles pass triage "
          f"({n_cand / n_all:.1%})")
    from pactwatch import api

    t = time.perf_counter()
    api._nlp()
    print(f"model loaded in {time.perf_counter() - t:.1f}s, pipes: {api._nlp().pipe_names}")
    run_bare(sets["random"][:5])  # warm-up

    print("\n| sample | mode | docs | avg chars | s | docs/s | vs spacy-bare | agreements |")
    print("|---|---|---|---|---|---|---|---|")
    for name, raws in sets.items():
        chars = sum(len(r.text) for r in raws) / max(1, len(raws))
        base, _ = timed(run_bare, raws)
        rows = [("spacy-bare", base, None)]
        for mode, fn in (("pactwatch-full", run_full), ("pactwatch-passages", run_passages)):
            dt, n_ag = timed(fn, raws)
            rows.append((mode, dt, n_ag))
        for mode, dt, n_ag in rows:
            print(f"| {name} | {mode} | {len(raws)} | {chars:.0f} | {dt:.1f} | {len(raws) / dt:.2f} | "
                  f"{base / dt:.2f}x (time {dt / base - 1:+.0%}) | {'' if n_ag is None else n_ag} |", flush=True)

    if args.workers_compare:
        raws = sets["candidates"]
        one, _ = timed(run_passages, raws)
        print("\n| 2 cores on candidates (passages) | s | docs/s | vs 1 process |")
        print("|---|---|---|---|")
        print(f"| 1 process | {one:.1f} | {len(raws) / one:.2f} | 1.00 |")
        dt, _ = timed(run_pipe_n2, raws)
        print(f"| nlp.pipe(n_process=2), inside process_many (start-up included: spaCy starts "
              f"its processes on every pipe call) | {dt:.1f} | {len(raws) / dt:.2f} | {one / dt:.2f} |", flush=True)
        startup = start_pool2()
        dt, _ = timed(run_pool2, raws)
        print(f"| process pool of 2, whole batches of 8 (start-up {startup:.1f}s apart) | {dt:.1f} | "
              f"{len(raws) / dt:.2f} | {one / dt:.2f} |", flush=True)
        _POOL.close()

    print(f"\npeak RSS: this process {maxrss_mb():.0f} MB, largest child {maxrss_mb(resource.RUSAGE_CHILDREN):.0f} MB")


if __name__ == "__main__":
    main()
