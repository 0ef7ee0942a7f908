"""Triage throughput (MB/s of article text) and pass rate, against a same-run baseline.

    nice .venv/bin/python bench/triage.py                 # whole bench corpus
    nice .venv/bin/python bench/triage.py --limit 3000    # first 3000 articles per part

Engines compared, all over the same in-memory articles (reading is timed apart):

* ``baseline-re``  - one Python ``re`` alternation of agreement words, search() only:
                     what a naive keyword filter costs and lets through;
* ``ahocorasick-nouns`` - pyahocorasick over the agreement nouns only (word boundaries
                     checked in Python): a cheap prefilter, no co-occurrence rule;
* ``triage-re``    - pactwatch.triage with the Python ``re`` engine (full rule; only the
                     fallback when Hyperscan is missing: an alternation of ~2,000 names
                     runs at ~0.1 MB/s, so it is timed on ``--re-limit`` articles per part);
* ``triage-hyperscan`` - pactwatch.triage with Hyperscan (full rule; the default).

Also prints recall of the rule on the dev corpus documents whose gold has a primary
agreement (it must be 1.0), and reading throughput (isal igzip + orjson vs gzip + json).
The texts are read from /work/shared/bench at run time and never written anywhere.
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import re
import resource
import sys
import time

import orjson
from isal import igzip

SHARED = os.environ.get("PACTWATCH_SHARED", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared"))
BENCH = os.path.join(SHARED, "bench")
DEV = os.path.join(SHARED, "corpus", "dev")
PARTS = {"reuters": "news-reuters21578", "abp": "news-allsides-abp-", "bbc": "news-bbc"}

BASELINE = re.compile(
    r"\b(?:agreements?|treat(?:y|ies)|pacts?|accords?|deals?|memorand(?:um|a)|charters?|frameworks?"
    r"|declarations?|protocols?|ceasefires?|truces?)\b|\bMoUs?\b",
    re.IGNORECASE,
)


def load(limit: int | None) -> dict[str, list[tuple[str, str]]]:
    """(title, text) per part; also times reading with igzip+orjson against gzip+json."""
    out: dict[str, list[tuple[str, str]]] = {}
    for part, prefix in PARTS.items():
        docs: list[tuple[str, str]] = []
        for f in sorted(glob.glob(os.path.join(BENCH, prefix + "*.jsonl.gz"))):
            with igzip.open(f, "rb") as fh:
                for line in fh:
                    d = orjson.loads(line)
                    docs.append((d.get("title") or "", d["text"]))
                    if limit and len(docs) >= limit:
                        break
            if limit and len(docs) >= limit:
                break
        out[part] = docs
    return out


def reading_speed(path: str) -> dict[str, float]:
    res = {}
    for name, opener, loads in (("gzip+json", gzip.open, json.loads), ("igzip+orjson", igzip.open, orjson.loads)):
        t = time.perf_counter()
        n = 0
        with opener(path, "rb") as fh:
            for line in fh:
                n += len(loads(line)["text"])
        res[name] = n / (time.perf_counter() - t) / 1e6
    return res


def gold_recall(fn) -> tuple[int, int, list[str]]:
    kept = total = 0
    missed = []
    for g in sorted(glob.glob(os.path.join(DEV, "*.gold.json"))):
        name = os.path.basename(g)[: -len(".gold.json")]
        gold = json.load(open(g, encoding="utf-8"))
        if not any(a.get("role") == "primary" for a in gold.get("agreements", [])):
            continue
        meta_p = os.path.join(DEV, name + ".meta.json")
        meta = json.load(open(meta_p, encoding="utf-8")) if os.path.exists(meta_p) else {}
        text = open(os.path.join(DEV, name + ".txt"), encoding="utf-8").read()
        total += 1
        if fn(text, meta.get("title")):
            kept += 1
        else:
            missed.append(name)
    return kept, total, missed


def make_ahocorasick():
    import ahocorasick

    from pactwatch.triage import NOUN, load_cues

    # Aho-Corasick takes literals: expand the few noun patterns by hand-written forms.
    words = ["agreement", "agreements", "treaty", "treaties", "pact", "pacts", "accord", "accords",
             "deal", "deals", "memorandum", "memoranda", "charter", "charters", "framework",
             "frameworks", "declaration", "declarations", "protocol", "protocols", "joint statement",
             "communique", "communiqué", "roadmap", "road map", "partnership", "alliance",
             "ceasefire", "cease-fire", "truce", "armistice", "convention", "covenant", "compact",
             "arrangement"]
    assert any(c.kind == NOUN for c in load_cues())
    A = ahocorasick.Automaton()
    for w in words:
        A.add_word(w, len(w))
    A.make_automaton()

    def has(text: str, title: str | None = None) -> bool:
        for t in (title or "", text):
            low = t.lower()  # same length as t for the scripts news is written in
            n = len(low)
            for end, ln in A.iter(low):
                s = end - ln + 1
                if (s == 0 or not low[s - 1].isalnum()) and (end + 1 >= n or not low[end + 1].isalnum()):
                    return True
        return False

    return has


def run(name: str, fn, data: dict[str, list[tuple[str, str]]]) -> dict:
    row = {"engine": name}
    tot_chars = 0
    tot_t = 0.0
    tot_pass = tot_n = 0
    for part, docs in data.items():
        chars = sum(len(t) + len(ti) for ti, t in docs)
        t0 = time.perf_counter()
        p = sum(1 for ti, t in docs if fn(t, ti))
        dt = time.perf_counter() - t0
        row[part] = (p / max(1, len(docs)), chars / dt / 1e6)
        tot_chars += chars
        tot_t += dt
        tot_pass += p
        tot_n += len(docs)
    row["all"] = (tot_pass / max(1, tot_n), tot_chars / tot_t / 1e6)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="articles per part (default: all)")
    ap.add_argument("--re-limit", type=int, default=100, help="articles per part for the slow triage-re engine")
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
    from pactwatch.triage import Triage, available_engines

    print(f"reading ({os.path.basename(glob.glob(os.path.join(BENCH, 'news-bbc*'))[0])}, MB/s of text):",
          {k: round(v, 1) for k, v in reading_speed(glob.glob(os.path.join(BENCH, "news-bbc*"))[0]).items()})
    t = time.perf_counter()
    data = load(args.limit)
    print(f"loaded {sum(len(v) for v in data.values())} articles in {time.perf_counter() - t:.1f}s "
          + ", ".join(f"{k}={len(v)}" for k, v in data.items()))

    engines = [("baseline-re", lambda text, title=None: bool(BASELINE.search(title or "") or BASELINE.search(text)))]
    try:
        engines.append(("ahocorasick-nouns", make_ahocorasick()))
    except ImportError:
        pass
    for e in reversed(available_engines()):
        t = time.perf_counter()
        tri = Triage(e)
        print(f"compiled triage engine {e} in {time.perf_counter() - t:.2f}s")
        engines.append((f"triage-{e}", tri.is_candidate))

    rows = []
    for name, fn in engines:
        kept, total, missed = gold_recall(fn)
        row = run(name, fn, {p: d[: args.re_limit] for p, d in data.items()} if name == "triage-re" else data)
        row["recall"] = f"{kept}/{total}"
        rows.append(row)
        print(f"  {name}: done (gold recall {kept}/{total}{' missed ' + ','.join(missed) if missed else ''})", flush=True)

    base_speed = rows[0]["all"][1]
    print()
    print("| engine | gold recall | " + " | ".join(f"{p} pass" for p in data) + " | all pass | MB/s | x baseline |")
    print("|---|---|" + "---|" * (len(data) + 3))
    for r in rows:
        print(f"| {r['engine']}{' (' + str(args.re_limit) + '/part)' if r['engine'] == 'triage-re' else ''} | {r['recall']} | " + " | ".join(f"{r[p][0]:.1%}" for p in data)
              + f" | {r['all'][0]:.1%} | {r['all'][1]:.2f} | {r['all'][1] / base_speed:.3f} |")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
