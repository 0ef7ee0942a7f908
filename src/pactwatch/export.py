"""Exports of the merged agreement database: CSV, JSON, Parquet and an ATOP-style dyad-year table.

Library API (the ``pactwatch export`` command is a thin layer over it)::

    from pactwatch.store import Store
    from pactwatch import export
    store = Store("sqlite:///pactwatch.db")
    export.write(store, "csv", "agreements.csv")            # one row per agreement
    export.write(store, "csv", "out_dir/", tables=True)     # plus one CSV per child table
    export.write(store, "json", "agreements.json")          # full merged records (.jsonl: one per line)
    export.write(store, "parquet", "agreements.parquet")    # list fields as Arrow lists/structs
    export.write(store, "atop", "dyad_years.csv")           # dyad-year rows, see below

CSV: one row per agreement; list fields are joined with ``"; "`` (``parties``,
``domains``, ``signatories`` as "Name (Role, PARTY)", ``funding`` as "AMOUNT CUR",
``mechanisms`` as "kind: name", ``sources`` as document ids, ``conflicts`` as field names).

ATOP-style dyad-year convention (``atop_rows``), so the table drops into the usual
``stateA``/``stateB``/``year`` workflows of the Alliance Treaty Obligations and Provisions
project:

* **Which agreements.** Those with a known signing year whose status says they were
  concluded: ``signed``, ``in_force``, ``withdrawn``, ``terminated`` (or no status).
  ``expected``/``negotiating``/``proposed`` agreements produce no rows.
* **Which dyads.** Every unordered pair of *state* parties (ISO alpha-3 codes;
  organisations such as EU or NATO and non-state parties are left out unless
  ``include_non_states=True``), written with ``stateA < stateB`` alphabetically.
  A three-state agreement yields three dyads.
* **Which years.** A row for every calendar year in which the agreement was in effect
  at any time, first year = the signing year.  With ``duration_years`` d, the last year
  is the year of the expiry date = signing date + d years (month precision when the
  date has a month; otherwise signing year + ceil(d)): a 10-year agreement signed
  2024-06-13 runs to 2034-06-13, i.e. rows 2024..2034 (11 rows).  Without a duration,
  a ``terminated``/``withdrawn`` agreement runs to the publication year of its latest
  source (the report of its end), and any other agreement runs to ``through``
  (default: the current year), as ATOP codes ongoing alliances to the end of its data.
* **Columns.** ``stateA, stateB, year, agreement_id, name, kind, status, signed_date,
  start_year, end_year, duration_years, defense, consultation, n_parties, bilateral``.
  ``defense``/``consultation`` are 1 when the record's ``defense_pledge``/
  ``consultation_pledge`` is true and 0 otherwise (false or not stated), as ATOP codes
  an absent obligation 0.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

FORMATS = ("csv", "json", "parquet", "atop")
ATOP_STATUSES = frozenset({"signed", "in_force", "withdrawn", "terminated", None})
ATOP_COLUMNS = ("stateA", "stateB", "year", "agreement_id", "name", "kind", "status", "signed_date", "start_year",
                "end_year", "duration_years", "defense", "consultation", "n_parties", "bilateral")
CSV_COLUMNS = ("id", "name", "kind", "role", "status", "signed_date", "year", "place", "parties", "domains",
               "signatories", "duration_years", "defense_pledge", "consultation_pledge", "funding", "mechanisms",
               "n_provisions", "related", "n_sources", "sources", "confidence", "conflicts")
SEP = "; "


def _join(values: Iterable) -> str:
    return SEP.join(str(v) for v in values)


def _num(x: float | None) -> str | float | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _signatory(s: dict) -> str:
    extra = ", ".join(x for x in (s.get("role"), s.get("party")) if x)
    return f"{s['name']} ({extra})" if extra else s["name"]


def csv_row(a: dict) -> dict:
    """The flat CSV row of one merged agreement."""
    return {
        "id": a["id"], "name": a["name"], "kind": a["kind"], "role": a["role"], "status": a["status"],
        "signed_date": a["signed_date"], "year": a["year"], "place": a["place"], "parties": _join(a["parties"]),
        "domains": _join(a["domains"]), "signatories": _join(_signatory(s) for s in a["signatories"]),
        "duration_years": _num(a["duration_years"]), "defense_pledge": a["defense_pledge"],
        "consultation_pledge": a["consultation_pledge"],
        "funding": _join(f"{_num(f['amount'])} {f['currency']}" for f in a["funding"]),
        "mechanisms": _join(f"{m['kind']}: {m['name']}" if m["name"] else m["kind"] for m in a["mechanisms"]),
        "n_provisions": len(a["provisions"]), "related": _join(a["related"]), "n_sources": a["n_sources"],
        "sources": _join(s["doc_id"] for s in a["sources"]), "confidence": a["confidence"],
        "conflicts": _join(c["field"] for c in a["conflicts"]),
    }


# Child tables for `--tables`: name -> (columns, rows of one agreement).
def _child_tables() -> dict:
    return {
        "parties": (("agreement_id", "party"), lambda a: [{"agreement_id": a["id"], "party": p} for p in a["parties"]]),
        "domains": (("agreement_id", "domain"), lambda a: [{"agreement_id": a["id"], "domain": d} for d in a["domains"]]),
        "signatories": (("id", "agreement_id", "name", "role", "party", "n_sources"),
                        lambda a: [{**s, "agreement_id": a["id"]} for s in a["signatories"]]),
        "provisions": (("id", "agreement_id", "text", "actor", "modality", "domains", "n_sources"),
                       lambda a: [{**p, "agreement_id": a["id"], "actor": _join(p["actor"]), "domains": _join(p["domains"])}
                                  for p in a["provisions"]]),
        "funding": (("id", "agreement_id", "amount", "currency", "purpose", "n_sources"),
                    lambda a: [{**f, "agreement_id": a["id"], "amount": _num(f["amount"])} for f in a["funding"]]),
        "mechanisms": (("id", "agreement_id", "kind", "name", "frequency", "due", "n_sources"),
                       lambda a: [{**m, "agreement_id": a["id"]} for m in a["mechanisms"]]),
        "sources": (("agreement_id", "doc_id", "role", "source", "title", "published"),
                    lambda a: [{**s, "agreement_id": a["id"]} for s in a["sources"]]),
        "conflicts": (("agreement_id", "field", "value", "sources"),
                      lambda a: [{"agreement_id": a["id"], "field": c["field"], "value": v["value"],
                                  "sources": _join(v["sources"])} for c in a["conflicts"] for v in c["values"]]),
    }


def _write_csv(fh, columns: Iterable[str], rows: Iterable[dict]) -> int:
    w = csv.DictWriter(fh, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    n = 0
    for r in rows:
        w.writerow(r)
        n += 1
    return n


def _is_state(code: str) -> bool:
    from pactwatch.store.queries import party_kind

    return party_kind(code) == "state"


def _end_year(a: dict, through: int) -> int:
    sd = a["signed_date"]
    start = int(sd[:4])
    d = a.get("duration_years")
    if d is not None and d > 0:
        if len(sd) >= 7:
            months = int(sd[:4]) * 12 + int(sd[5:7]) - 1 + round(d * 12)
            return months // 12
        return start + math.ceil(d)
    if a.get("status") in ("terminated", "withdrawn"):
        years = [int(s["published"][:4]) for s in a.get("sources", []) if s.get("published")]
        return max([start, *years])
    return max(start, through)


def atop_rows(agreements: Iterable[dict], *, through: int | None = None,
              include_non_states: bool = False) -> Iterator[dict]:
    """Dyad-year rows of merged agreements (convention in the module docstring)."""
    through = through or datetime.now(UTC).year
    for a in agreements:
        if not a.get("signed_date") or a.get("status") not in ATOP_STATUSES:
            continue
        parties = sorted(p for p in a["parties"] if include_non_states or _is_state(p))
        if len(parties) < 2:
            continue
        start = int(a["signed_date"][:4])
        end = _end_year(a, through)
        for sa, sb in combinations(parties, 2):
            for year in range(start, end + 1):
                yield {"stateA": sa, "stateB": sb, "year": year, "agreement_id": a["id"], "name": a["name"],
                       "kind": a["kind"], "status": a["status"], "signed_date": a["signed_date"],
                       "start_year": start, "end_year": end, "duration_years": _num(a.get("duration_years")),
                       "defense": 1 if a.get("defense_pledge") is True else 0,
                       "consultation": 1 if a.get("consultation_pledge") is True else 0,
                       "n_parties": len(a["parties"]), "bilateral": 1 if len(a["parties"]) == 2 else 0}


def _clean_record(a: dict) -> dict:
    out = dict(a)
    out.pop("party_key", None)
    return out


def parquet_table(agreements: Iterable[dict]):
    """An Arrow table: scalars as columns, list fields as lists / lists of structs."""
    import pyarrow as pa

    sig = pa.struct([("name", pa.string()), ("role", pa.string()), ("party", pa.string())])
    prov = pa.struct([("text", pa.string()), ("actor", pa.list_(pa.string())), ("modality", pa.string()),
                      ("domains", pa.list_(pa.string()))])
    fund = pa.struct([("amount", pa.float64()), ("currency", pa.string()), ("purpose", pa.string())])
    mech = pa.struct([("kind", pa.string()), ("name", pa.string()), ("frequency", pa.string()), ("due", pa.string())])
    conf = pa.struct([("field", pa.string()), ("values_json", pa.string())])
    schema = pa.schema([
        ("id", pa.int64()), ("name", pa.string()), ("kind", pa.string()), ("role", pa.string()),
        ("status", pa.string()), ("signed_date", pa.string()), ("year", pa.int32()), ("place", pa.string()),
        ("parties", pa.list_(pa.string())), ("domains", pa.list_(pa.string())), ("signatories", pa.list_(sig)),
        ("provisions", pa.list_(prov)), ("funding", pa.list_(fund)), ("mechanisms", pa.list_(mech)),
        ("duration_years", pa.float64()), ("defense_pledge", pa.bool_()), ("consultation_pledge", pa.bool_()),
        ("related", pa.list_(pa.string())), ("names", pa.list_(pa.string())), ("n_sources", pa.int32()),
        ("sources", pa.list_(pa.string())), ("confidence", pa.float64()), ("conflicts", pa.list_(conf)),
    ])

    def pick(items, keys):
        return [{k: it.get(k) for k in keys} for it in items]

    rows = []
    for a in agreements:
        rows.append({
            **{k: a[k] for k in ("id", "name", "kind", "role", "status", "signed_date", "year", "place", "parties",
                                 "domains", "duration_years", "defense_pledge", "consultation_pledge", "related",
                                 "names", "n_sources", "confidence")},
            "signatories": pick(a["signatories"], ("name", "role", "party")),
            "provisions": pick(a["provisions"], ("text", "actor", "modality", "domains")),
            "funding": pick(a["funding"], ("amount", "currency", "purpose")),
            "mechanisms": pick(a["mechanisms"], ("kind", "name", "frequency", "due")),
            "sources": [s["doc_id"] for s in a["sources"]],
            # Conflict values are of mixed types (str, float, bool): kept as JSON text.
            "conflicts": [{"field": c["field"], "values_json": json.dumps(c["values"])} for c in a["conflicts"]],
        })
    return pa.Table.from_pylist(rows, schema=schema)


def write(store, fmt: str, out: str | Path | None = None, *, tables: bool = False, through: int | None = None,
          include_non_states: bool = False) -> dict:
    """Export the whole database in ``fmt`` to ``out`` (a file; ``None`` or "-" = stdout for
    text formats; a directory for ``csv`` with ``tables``).  Returns {"format", "path",
    "rows", "files"}."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    to_stdout = out in (None, "-")
    if fmt == "parquet":
        import pyarrow.parquet as pq

        if to_stdout:
            raise ValueError("parquet is binary: give --out FILE")
        table = parquet_table(store.iter_agreements())
        pq.write_table(table, str(out))
        return {"format": fmt, "path": str(out), "rows": table.num_rows, "files": [str(out)]}
    if fmt == "csv" and tables:
        if to_stdout:
            raise ValueError("--tables writes several files: give --out DIRECTORY")
        return _write_csv_tables(store, Path(out))
    buf = io.StringIO() if to_stdout else open(out, "w", encoding="utf-8", newline="")
    try:
        agreements = store.iter_agreements()
        if fmt == "csv":
            n = _write_csv(buf, CSV_COLUMNS, (csv_row(a) for a in agreements))
        elif fmt == "atop":
            n = _write_csv(buf, ATOP_COLUMNS, atop_rows(agreements, through=through,
                                                         include_non_states=include_non_states))
        else:
            n = _write_json(buf, agreements, lines=not to_stdout and str(out).endswith(".jsonl"))
        if to_stdout:
            sys.stdout.write(buf.getvalue())
    finally:
        if not to_stdout:
            buf.close()
    return {"format": fmt, "path": None if to_stdout else str(out), "rows": n,
            "files": [] if to_stdout else [str(out)]}


def _write_json(fh, agreements: Iterable[dict], *, lines: bool) -> int:
    n = 0
    if lines:
        for a in agreements:
            fh.write(json.dumps(_clean_record(a), ensure_ascii=False) + "\n")
            n += 1
        return n
    fh.write("[")
    for a in agreements:
        fh.write(("," if n else "") + "\n" + json.dumps(_clean_record(a), ensure_ascii=False))
        n += 1
    fh.write("\n]\n")
    return n


def _write_csv_tables(store, outdir: Path) -> dict:
    outdir.mkdir(parents=True, exist_ok=True)
    agreements = list(store.iter_agreements())
    files = []
    with open(outdir / "agreements.csv", "w", encoding="utf-8", newline="") as fh:
        n = _write_csv(fh, CSV_COLUMNS, (csv_row(a) for a in agreements))
    files.append(str(outdir / "agreements.csv"))
    for name, (cols, rows_of) in _child_tables().items():
        path = outdir / f"{name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            _write_csv(fh, cols, (r for a in agreements for r in rows_of(a)))
        files.append(str(path))
    return {"format": "csv", "path": str(outdir), "rows": n, "files": files}
