"""Store benchmark: ingest throughput (documents/s) and query latency, SQLite and PostgreSQL.

    nice .venv/bin/python bench/ingest.py                         # ingest 1000 docs + 100k-doc query bench
    nice .venv/bin/python bench/ingest.py --ingest-docs 300 --query-docs 5000   # quick run
    nice .venv/bin/python bench/ingest.py --only sqlite

Records. Real bench articles that mention an agreement (first ``--sample`` per part) go
through ``pactwatch.extract`` once; the records are cached outside the repository in
``$TMPDIR/pactwatch-bench-records.jsonl`` (article text is under a research licence).

1. Ingest: ``--ingest-docs`` documents through ``Store.save`` (one transaction per
   document, merge included).  Extracted records are replicated with fresh ids, each
   replica's parties re-mapped through a seeded permutation of ~200 state codes and its
   dates shifted, so replicas are distinct agreements (blocks stay realistic).  The
   same-run **baseline** inserts the same document + report rows with plain INSERTs, one
   transaction per document, no evidence rows and no merge: the ratio is the price of
   evidence + merging.
2. Query: a database of ``--query-docs`` documents (default 100,000): 40% real bench
   articles as plain documents (most news reports no agreement, so full text sees a realistic
   vocabulary), topped up with replicated records and their canonical agreements
   bulk-loaded with executemany (one cluster per report, as the merge would produce for
   distinct party sets/dates).  Latency p50/p99 of ``Store.agreements(party=X)`` (as the
   CLI calls it, and with facets as the web page does), ``Store.agreements(text=...)``,
   ``Store.search_documents(...)``, the unfiltered listing, ``Store.timeline(limit=1000)``
   and ``Store.network()`` (few repeats: they are the heavy ones).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
BENCH = Path(os.environ.get("PACTWATCH_BENCH", REPO.parent / "shared" / "bench"))
PG_BASE = os.environ.get("PACTWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CACHE = Path(tempfile.gettempdir()) / "pactwatch-bench-records.jsonl"
MENTION = re.compile(r"\b(agreement|treaty|pact|accord|memorandum of understanding|MoU)\b", re.I)
STATES = (
    "AFG ALB DZA AGO ARG ARM AUS AUT AZE BHR BGD BLR BEL BEN BTN BOL BIH BWA BRA BRN BGR BFA BDI KHM CMR CAN CPV CAF "
    "TCD CHL CHN COL COM COG COD CRI CIV HRV CUB CYP CZE DNK DJI DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB "
    "GMB GEO DEU GHA GRC GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ "
    "LAO LVA LBN LSO LBR LBY LTU LUX MDG MWI MYS MDV MLI MLT MRT MUS MEX MDA MNG MNE MAR MOZ MMR NAM NPL NLD NZL NIC "
    "NER NGA PRK MKD NOR OMN PAK PAN PNG PRY PER PHL POL PRT QAT ROU RUS RWA SAU SEN SRB SLE SGP SVK SVN SOM ZAF KOR "
    "SSD ESP LKA SDN SUR SWE CHE SYR TWN TJK TZA THA TLS TGO TTO TUN TUR TKM UGA UKR ARE GBR URY UZB VEN VNM YEM ZMB "
    "ZWE").split()


# ----------------------------------------------------------------------------------- data

def bench_articles(limit_per_part: int | None = None):
    for path in sorted(BENCH.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if limit_per_part and i >= limit_per_part:
                    break
                yield json.loads(line)


def extracted_records(sample: int):
    """Records of up to ``sample`` agreement-mentioning articles per bench part (cached)."""
    from pactwatch.record import Record

    if CACHE.exists():
        recs = [Record.model_validate_json(line) for line in CACHE.read_text().splitlines() if line]
        if len(recs) >= sample:
            return recs
    from pactwatch.api import extract

    recs, per_part = [], {}
    t0 = time.perf_counter()
    for art in bench_articles():
        part = art["id"].split("-")[0]
        if per_part.get(part, 0) >= sample or not MENTION.search(art["text"]):
            continue
        per_part[part] = per_part.get(part, 0) + 1
        rec = extract(art["text"], published=art.get("published"), source=art.get("source"),
                                title=art.get("title"), id=art["id"])
        if rec.agreements:
            recs.append(rec)
        if all(per_part.get(p, 0) >= sample for p in ("abp", "reuters21578", "bbc")):
            break
    print(f"extracted {sum(per_part.values())} articles -> {len(recs)} records with agreements "
          f"in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    CACHE.write_text("".join(r.model_dump_json(by_alias=True) + "\n" for r in recs))
    return recs


def _shift(date: str | None, years: int) -> str | None:
    if not date:
        return date
    y = max(1900, min(2099, int(date[:4]) + years))
    out = f"{y}{date[4:]}"
    return out[:4] + "-02-28" if out[4:] == "-02-29" else out


def replicate(records, n: int, seed: int = 7):
    """``n`` records: copies of ``records`` with fresh ids, remapped parties, shifted dates."""
    rng = random.Random(seed)
    out = []
    k = 0
    while len(out) < n:
        perm = STATES[:]
        rng.shuffle(perm)
        mapping = dict(zip(STATES, perm))
        mapping["USA"] = "USA"  # keep one very frequent party: the heavy --party query
        shift = rng.randint(-12, 6)
        for rec in records:
            if len(out) >= n:
                break
            r = rec.model_copy(deep=True)
            r.document.id = f"r{k}-{rec.document.id}"
            r.document.published = _shift(r.document.published, shift)
            for ag in r.agreements:
                ag.parties = sorted({mapping.get(p, p) for p in ag.parties})
                ag.signed_date = _shift(ag.signed_date, shift)
                for m in ag.mechanisms:
                    m.due = _shift(m.due, shift)
            out.append(r)
        k += 1
    return out


# ------------------------------------------------------------------------------- databases

def fresh_url(kind: str, tmp: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        path = tmp / f"bench-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: [p.unlink() for p in tmp.glob(path.name + "*")]
    schema = "bench_" + uuid.uuid4().hex[:10]
    eng = sa.create_engine(PG_BASE)
    with eng.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with eng.begin() as c:
            c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        eng.dispose()

    return f"{PG_BASE}?options=-csearch_path%3D{schema}", drop


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


# ---------------------------------------------------------------------------------- ingest

def bench_ingest(kind: str, records, tmp: Path) -> dict:
    from pactwatch.store import Store
    from pactwatch.store import write as w
    from pactwatch.store.models import DocumentRow, ReportRow

    url, drop = fresh_url(kind, tmp)
    store = Store(url)
    t0 = time.perf_counter()
    for r in records:
        store.save(r)
    t_save = time.perf_counter() - t0
    t0 = time.perf_counter()
    for r in records:  # idempotent re-run: hash check only
        store.save(r)
    t_same = time.perf_counter() - t0
    st = store.stats()
    store.close()
    drop()

    # Baseline: same document and report rows, plain INSERTs, one transaction per document.
    url, drop = fresh_url(kind, tmp)
    Store(url).close()
    eng = sa.create_engine(url)
    t0 = time.perf_counter()
    for r in records:
        with eng.begin() as c:
            c.execute(sa.insert(DocumentRow), [w.document_values(r, original=None, content_hash=w.record_hash(r))])
            rows = w.report_values(r)
            if rows:
                c.execute(sa.insert(ReportRow), rows)
    t_base = time.perf_counter() - t0
    eng.dispose()
    drop()
    n = len(records)
    return {"db": kind, "docs": n, "save_docs_per_s": n / t_save, "rerun_docs_per_s": n / t_same,
            "baseline_docs_per_s": n / t_base, "save_vs_baseline": t_base / t_save,
            "agreements": st["agreements"], "reports": st["reports"]}


# ---------------------------------------------------------------------------------- query

def bulk_load(url: str, records, articles, batch: int = 2000) -> dict:
    """Fill a fresh database fast: executemany of the rows ``Store.save`` would write."""
    from pactwatch import merge
    from pactwatch.store import Store
    from pactwatch.store import write as w
    from pactwatch.store.models import (
        AgreementDomain, AgreementParty, AgreementRow, AgreementSource, DocumentRow, EvidenceRow, MechanismRow,
        ProvisionRow, ReportRow,
    )

    Store(url).close()
    eng = sa.create_engine(url)
    now = w.now()
    t0 = time.perf_counter()
    docs = []
    for a in articles:
        docs.append({"id": "bench-" + a["id"], "source": a.get("source"), "title": a.get("title"),
                     "published": a.get("published"), "language": "en", "text": a["text"], "original": None,
                     "removed": [], "content_hash": None, "ingested_at": now, "status": "empty", "n_agreements": 0})
    with eng.begin() as c:
        for i in range(0, len(docs), batch):
            c.execute(sa.insert(DocumentRow), docs[i:i + batch])
    t_plain = time.perf_counter() - t0
    rid = aid = 0
    t0 = time.perf_counter()
    buf: dict[str, list] = {k: [] for k in ("doc", "rep", "ev", "ag", "party", "dom", "src", "mech", "prov")}

    def flush(c):
        for key, model in (("doc", DocumentRow), ("ag", AgreementRow), ("rep", ReportRow), ("ev", EvidenceRow),
                           ("party", AgreementParty), ("dom", AgreementDomain), ("src", AgreementSource),
                           ("mech", MechanismRow), ("prov", ProvisionRow)):
            if buf[key]:
                c.execute(sa.insert(model), buf[key])
                buf[key].clear()

    with eng.begin() as c:
        for n, r in enumerate(records):
            buf["doc"].append(w.document_values(r, original=None, content_hash=w.record_hash(r)))
            for rv in w.report_values(r):
                rid += 1
                aid += 1
                d = merge.derive([{**rv, "id": rid}])
                rv = {**rv, "id": rid, "agreement_id": aid}
                buf["rep"].append(rv)
                buf["ev"] += [{**e, "agreement_id": aid} for e in w.evidence_values(rid, rv)]
                buf["ag"].append({
                    "id": aid, "party_key": rv["party_key"], "created_at": now, "updated_at": now,
                    "year": int(d["signed_date"][:4]) if d["signed_date"] else None,
                    **{f: d[f] for f in ("name", "kind", "role", "status", "signed_date", "place", "duration_years",
                                         "defense_pledge", "consultation_pledge", "parties", "domains", "related",
                                         "names", "confidence", "n_sources", "conflicts", "evidence")}})
                buf["party"] += [{"agreement_id": aid, "party": p} for p in d["parties"]]
                buf["dom"] += [{"agreement_id": aid, "domain": x, "n_sources": 1} for x in d["domains"]]
                buf["src"] += [{"agreement_id": aid, "document_id": s["document_id"], "role": s["role"]}
                               for s in d["sources"]]
                for pos, it in enumerate(d["items"]["mechanisms"]):
                    buf["mech"].append({"agreement_id": aid, "position": pos, "key": it["key"], "n_sources": 1,
                                        **{k: it["value"].get(k) for k in ("kind", "name", "frequency", "due")}})
                for pos, it in enumerate(d["items"]["provisions"]):
                    buf["prov"].append({"agreement_id": aid, "position": pos, "key": it["key"], "n_sources": 1,
                                        **{k: it["value"].get(k) for k in ("text", "actor", "modality", "domains")}})
            if n % batch == batch - 1:
                flush(c)
        flush(c)
        if eng.dialect.name == "postgresql":  # explicit ids were used: move the sequences past them
            for table in ("agreements", "reports"):
                c.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    t_records = time.perf_counter() - t0
    with eng.begin() as c:
        if eng.dialect.name == "postgresql":
            c.execute(sa.text("ANALYZE"))
        else:
            c.execute(sa.text("ANALYZE"))
    eng.dispose()
    return {"plain_docs": len(docs), "plain_s": t_plain, "record_docs": len(records), "records_s": t_records}


def bench_query(kind: str, records, articles, n_docs: int, tmp: Path, repeats: int, keep: bool = False,
                reuse: str | None = None) -> dict:
    from pactwatch.store import Store

    if reuse:  # time queries on a database kept by an earlier run (--keep)
        url, drop, load, t_load, keep = reuse, (lambda: None), {}, 0.0, True
    else:
        url, drop = fresh_url(kind, tmp)
        # 40% real articles without agreements (realistic full-text vocabulary), 60% replicated records.
        arts = articles[: int(n_docs * 0.4)]
        reps = replicate(records, n_docs - len(arts), seed=11)
        t0 = time.perf_counter()
        load = bulk_load(url, reps, arts)
        t_load = time.perf_counter() - t0
    store = Store(url)
    st = store.stats()
    rng = random.Random(3)
    parties = [p["value"] for p in store.agreements(limit=1).facets["party"]]
    # Mostly-used parties (USA the heaviest) and rare ones.
    party_pool = parties[:10] + rng.sample(STATES, 20)
    words = ["defense", "trade agreement", "nuclear", "\"free trade\"", "ceasefire", "sanctions", "oil",
             "climate", "tariffs", "Ukraine", "Brexit", "election", "refugees", "OPEC", "minister"]

    def timed(fn, args_list):
        lat = []
        fn(args_list[0])  # warm-up: first use of a connection / plan cache is not latency
        for a in args_list:
            t = time.perf_counter()
            fn(a)
            lat.append((time.perf_counter() - t) * 1000)
        return {"p50_ms": round(pct(lat, 50), 2), "p99_ms": round(pct(lat, 99), 2), "n": len(lat)}

    plist = [rng.choice(party_pool) for _ in range(repeats)]
    wlist = [rng.choice(words) for _ in range(max(30, repeats // 4))]
    res = {
        "db": kind, "documents": st["documents"], "agreements": st["agreements"], "load_s": round(t_load, 1),
        "load": {k: round(v, 1) if isinstance(v, float) else v for k, v in load.items()},
        "agreements --party X": timed(lambda p: store.agreements(party=p, facets=False), plist),
        "agreements --party USA": timed(lambda p: store.agreements(party=p, facets=False), ["USA"] * 50),
        "agreements --party X (+facets)": timed(lambda p: store.agreements(party=p), plist[: max(30, repeats // 4)]),
        "agreements --text Q": timed(lambda q: store.agreements(text=q, facets=False), wlist),
        "search Q (documents)": timed(lambda q: store.search_documents(q, limit=20), wlist),
        "agreements --text Q (+facets)": timed(lambda q: store.agreements(text=q), wlist),
        "agreements (all, page 1)": timed(lambda _: store.agreements(facets=False), [None] * 20),
        "agreements (all, +facets)": timed(lambda _: store.agreements(), [None] * 10),
        "timeline --party X -n 1000": timed(lambda p: store.timeline(party=p, limit=1000), plist[:20]),
        "timeline (all) -n 1000": timed(lambda _: store.timeline(limit=1000), [None] * 5),
        "network --party X": timed(lambda p: store.network(party=p), plist[:10]),
        "network (all)": timed(lambda _: store.network(), [None] * 5),
    }
    store.close()
    if keep:
        print(f"kept database: {url}", file=sys.stderr)
    else:
        drop()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", type=int, default=80, help="agreement articles to extract per bench part")
    ap.add_argument("--ingest-docs", type=int, default=1000)
    ap.add_argument("--query-docs", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    ap.add_argument("--skip-query", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the query databases (prints their URLs)")
    ap.add_argument("--reuse", help="time queries on this kept database URL instead of building one")
    args = ap.parse_args()
    kinds = [args.only] if args.only else ["sqlite", "postgresql"]
    records = extracted_records(args.sample)
    print(f"{len(records)} extracted records, {sum(len(r.agreements) for r in records)} reports", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="pactwatch-bench-") as tmpd:
        tmp = Path("/tmp") if args.keep else Path(tmpd)
        for kind in ([] if args.skip_ingest else kinds):
            r = bench_ingest(kind, replicate(records, args.ingest_docs), tmp)
            print(f"[ingest {kind}] {r['docs']} docs: save {r['save_docs_per_s']:.1f} docs/s "
                  f"(baseline raw INSERT {r['baseline_docs_per_s']:.1f} docs/s, ratio {r['save_vs_baseline']:.2f}); "
                  f"re-run of same docs {r['rerun_docs_per_s']:.0f} docs/s; "
                  f"{r['reports']} reports -> {r['agreements']} agreements")
        if args.skip_query:
            return
        articles = [] if args.reuse else list(bench_articles())
        for kind in kinds:
            r = bench_query(kind, records, articles, args.query_docs, tmp, args.repeats, keep=args.keep,
                            reuse=args.reuse)
            print(f"[query {kind}] {r['documents']} documents, {r['agreements']} agreements, loaded in {r['load_s']}s "
                  f"{r['load']}")
            for k, v in r.items():
                if isinstance(v, dict) and "p50_ms" in v:
                    print(f"    {k:34s} p50 {v['p50_ms']:7.2f} ms   p99 {v['p99_ms']:7.2f} ms   (n={v['n']})")


if __name__ == "__main__":
    main()
