"""Query commands: `agreements`, `show`, `compare`, `timeline`, `network`, `sources`,
`failures`, `search`, `stats` — thin layers over ``pactwatch.store.Store``.

Every command takes ``--db URL`` (default ``$PACTWATCH_DB`` or ``sqlite:///pactwatch.db``)
and ``--json`` (machine-readable output on stdout); without ``--json`` a Rich table.
Party arguments accept codes or names ("Armenia" -> ARM, "Kyiv" -> UKR).
"""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pactwatch.cli import app



class _Out:
    """A Console made when first printed to, so it sees the terminal width of *this* run."""

    def print(self, *a, **k) -> None:
        Console(highlight=False).print(*a, **k)


_out = _Out()
_err = Console(stderr=True, highlight=False)

from pactwatch.cli.common import DbOpt, JsonOpt, open_store  # noqa: E402,F401  (re-exported)


def party_code(value: str | None) -> str | None:
    """A party code for a code or a name: the gazetteer's answer, else the value as given."""
    if value is None:
        return None
    value = value.strip()
    try:
        from pactwatch.annotate.gazetteer import code_for

        code = code_for(value)
    except ImportError:
        code = None
    if code:
        return code
    return value.upper() if len(value) <= 5 and value.isalpha() else value


def _dump(data) -> None:
    # Plain print (not Rich) so JSON is never wrapped or styled.
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list | tuple):
        return ", ".join(_cell(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@app.command("agreements")
def agreements_cmd(
    party: Optional[list[str]] = typer.Option(None, "--party", "-p", help="Party code or name (repeat: all of them)."),
    with_party: Optional[str] = typer.Option(None, "--with", help="A second party that must also be in it."),
    domain: Optional[str] = typer.Option(None, "--domain", help="Domain code, e.g. defense, energy."),
    kind: Optional[str] = typer.Option(None, "--kind", help="treaty, framework, memorandum, ..."),
    status: Optional[str] = typer.Option(None, "--status", help="signed, expected, in_force, ..."),
    since: Optional[str] = typer.Option(None, "--since", help="Signed on/after YYYY[-MM[-DD]]."),
    until: Optional[str] = typer.Option(None, "--until", help="Signed on/before YYYY[-MM[-DD]]."),
    text: Optional[str] = typer.Option(None, "--text", "-t", help="Full-text query over sources and provisions."),
    sort: str = typer.Option("date", "--sort", help="date | sources | name"),
    limit: int = typer.Option(50, "--limit", "-n", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    facets: bool = typer.Option(False, "--facets", help="Include facet counts (JSON output)."),
    db: Optional[str] = DbOpt,
    as_json: bool = JsonOpt,
) -> None:
    """List agreements, newest first, filtered by party, domain, kind, status, dates or text."""
    store = open_store(db)
    try:
        page = store.agreements(party=[party_code(p) for p in party] if party else None,
                                with_party=party_code(with_party), domain=domain, kind=kind, status=status,
                                since=since, until=until, text=text, sort=sort, limit=limit, offset=offset,
                                facets=facets)
    except ValueError as exc:
        _err.print(Text(str(exc)))
        raise typer.Exit(2) from exc
    finally:
        store.close()
    if as_json:
        _dump(page.model_dump())
        return
    t = Table(title=f"{page.total} agreement(s)" + (f" (showing {len(page.items)})" if page.total > len(page.items) else ""))
    for col in ("id", "date", "name", "kind", "status", "parties", "domains", "sources"):
        t.add_column(col, overflow="fold")
    for a in page.items:
        t.add_row(str(a["id"]), _cell(a["signed_date"]), Text(a["name"]), a["kind"], _cell(a["status"]),
                  _cell(a["parties"]), _cell(a["domains"]), str(a["n_sources"]) + (" !" if a["has_conflicts"] else ""))
    _out.print(t)


def _quote(q: str, limit: int = 140) -> str:
    q = " ".join((q or "").split())
    return q if len(q) <= limit else q[: limit - 1] + "…"


@app.command("show")
def show_cmd(agreement_id: int = typer.Argument(..., help="Agreement id (see `pactwatch agreements`)."),
             db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """One merged agreement with every field's evidence quoted from its sources."""
    store = open_store(db)
    try:
        rec = store.agreement(agreement_id)
    finally:
        store.close()
    if rec is None:
        _err.print(f"no agreement {agreement_id}")
        raise typer.Exit(1)
    if as_json:
        _dump(rec)
        return
    ev = rec["evidence"]

    def quotes(field: str, item: int | None = None) -> Text:
        spans = [e for e in ev.get(field, []) if item is None or e["item"] == item]
        return Text("\n".join(f"“{_quote(e['quote'])}” [{e['doc_id']}]" for e in spans[:3]), style="dim")

    t = Table(title=f"#{rec['id']} {rec['name']}", show_header=True, expand=True)
    t.add_column("field", style="cyan", no_wrap=True)
    t.add_column("value", ratio=2, overflow="fold")
    t.add_column("evidence", ratio=3, overflow="fold")
    for f in ("name", "kind", "status", "signed_date", "place", "duration_years", "defense_pledge",
              "consultation_pledge"):
        if rec[f] is not None:
            t.add_row(f, Text(_cell(rec[f])), quotes(f))
    for i, p in enumerate(rec["parties"]):
        t.add_row("party" if i == 0 else "", p, quotes("parties", i))
    for i, d in enumerate(rec["domains"]):
        t.add_row("domain" if i == 0 else "", d, quotes("domains", i))
    for field, fmt in (
        ("signatories", lambda s: f"{s['name']}" + (f", {s['role']}" if s["role"] else "") + (f" ({s['party']})" if s["party"] else "")),
        ("funding", lambda f: f"{f['amount']:,.0f} {f['currency']}" + (f" — {f['purpose']}" if f["purpose"] else "")),
        ("mechanisms", lambda m: f"{m['kind']}: {m['name'] or ''}" + (f" every {m['frequency']}" if m["frequency"] else "") + (f" due {m['due']}" if m["due"] else "")),
        ("provisions", lambda p: f"[{p['modality']}] {p['text']}"),
    ):
        for i, item in enumerate(rec[field]):
            t.add_row(field if i == 0 else "", Text(fmt(item)), quotes(field, i))
    _out.print(t)
    if rec["conflicts"]:
        c = Table(title="conflicting values")
        c.add_column("field")
        c.add_column("value")
        c.add_column("sources")
        for conf in rec["conflicts"]:
            for v in conf["values"]:
                c.add_row(conf["field"], _cell(v["value"]), _cell(v["sources"]))
        _out.print(c)
    _out.print(Text(f"{rec['n_sources']} source(s): " + ", ".join(s["doc_id"] for s in rec["sources"]), style="dim"))


@app.command("compare")
def compare_cmd(ids: list[int] = typer.Argument(..., help="Two or more agreement ids."),
                db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Side-by-side comparison: domains, pledges, duration, funding, mechanisms, signatories."""
    store = open_store(db)
    try:
        data = store.compare(ids)
    finally:
        store.close()
    if data["missing"]:
        _err.print(f"no agreement {', '.join(map(str, data['missing']))}")
        if not data["ids"]:
            raise typer.Exit(1)
    if as_json:
        _dump(data)
        return
    t = Table(title="comparison", expand=True)
    t.add_column("field", style="cyan", no_wrap=True)
    for a in data["agreements"]:
        t.add_column(f"#{a['id']}", overflow="fold")
    for row in data["rows"]:
        vals = []
        for v in row["values"]:
            if isinstance(v, dict):
                v = ", ".join(f"{k} {x:,.0f}" for k, x in v.items())
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                v = "; ".join(f"{f['amount']:,.0f} {f['currency']}" for f in v)
            vals.append(Text(_cell(v)))
        t.add_row(row["field"], *vals)
    _out.print(t)
    _out.print(Text(f"shared domains: {_cell(data['shared_domains']) or '-'}", style="dim"))


def _pair(value: str | None) -> list[str] | None:
    if not value:
        return None
    parts = [party_code(p) for p in value.split(",") if p.strip()]
    if len(parts) != 2:
        raise typer.BadParameter("--pair takes two parties separated by a comma, e.g. USA,UKR")
    return parts


@app.command("timeline")
def timeline_cmd(party: Optional[str] = typer.Option(None, "--party", "-p"),
                 pair: Optional[str] = typer.Option(None, "--pair", help="Two parties: X,Y"),
                 limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1),
                 db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Agreements (and mechanism deadlines) in date order, for a party or a pair."""
    pair_codes = _pair(pair)
    store = open_store(db)
    try:
        events = store.timeline(party=party_code(party), pair=pair_codes, limit=limit)
    finally:
        store.close()
    if as_json:
        _dump(events)
        return
    t = Table(title=f"timeline ({len(events)} event(s))")
    for col in ("date", "event", "id", "name", "parties", "detail"):
        t.add_column(col, overflow="fold")
    for e in events:
        t.add_row(e["date"], e["event"], str(e["agreement_id"]), Text(e["name"]), _cell(e["parties"]),
                  Text(_cell(e.get("detail"))))
    _out.print(t)


@app.command("network")
def network_cmd(since: Optional[str] = typer.Option(None, "--since"), until: Optional[str] = typer.Option(None, "--until"),
                domain: Optional[str] = typer.Option(None, "--domain"),
                party: Optional[str] = typer.Option(None, "--party", "-p", help="Only agreements of this party."),
                db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Partnership network: an edge list of party pairs with agreement counts and domains."""
    store = open_store(db)
    try:
        net = store.network(since=since, until=until, domain=domain, party=party_code(party))
    finally:
        store.close()
    if as_json:
        _dump(net)
        return
    t = Table(title=f"{len(net['nodes'])} parties, {len(net['edges'])} pairs")
    for col in ("party A", "party B", "agreements", "domains", "ids"):
        t.add_column(col, overflow="fold")
    for e in net["edges"]:
        t.add_row(e["source"], e["target"], str(e["count"]),
                  ", ".join(f"{d} ({n})" for d, n in e["domains"].items()), _cell(e["agreement_ids"]))
    _out.print(t)


@app.command("sources")
def sources_cmd(agreement_id: int = typer.Argument(...), db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """The documents an agreement was found in, with what each reported."""
    store = open_store(db)
    try:
        rows = store.sources(agreement_id)
    finally:
        store.close()
    if as_json:
        _dump(rows)
        return
    t = Table(title=f"sources of #{agreement_id}")
    for col in ("document", "published", "role", "name as reported", "date", "status", "source"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(r["doc_id"], _cell(r["published"]), r["role"], Text(r["name"]), _cell(r["signed_date"]),
                  _cell(r["status"]), Text(_cell(r["source"])))
    _out.print(t)


@app.command("failures")
def failures_cmd(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Documents that failed to be read or extracted, with the reason."""
    store = open_store(db)
    try:
        rows = store.failures()
    finally:
        store.close()
    if as_json:
        _dump(rows)
        return
    t = Table(title=f"{len(rows)} failure(s)")
    for col in ("when", "stage", "document", "source", "reason"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(r["created_at"][:19], r["stage"], _cell(r["doc_id"]), Text(r["source"]), Text(r["reason"]))
    _out.print(t)


@app.command("search")
def search_cmd(query: str = typer.Argument(..., help='Words, "phrases", OR, -exclude.'),
               limit: int = typer.Option(20, "--limit", "-n", min=1),
               db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Full-text search of the stored documents."""
    store = open_store(db)
    try:
        hits = store.search_documents(query, limit=limit)
    finally:
        store.close()
    if as_json:
        _dump(hits)
        return
    t = Table(title=f"{len(hits)} document(s) for {query!r}")
    for col in ("document", "published", "title", "snippet"):
        t.add_column(col, overflow="fold")
    for h in hits:
        t.add_row(h["doc_id"], _cell(h["published"]), Text(_cell(h["title"])), Text(_quote(h["snippet"], 240)))
    _out.print(t)


@app.command("stats")
def stats_cmd(db: Optional[str] = DbOpt, as_json: bool = JsonOpt) -> None:
    """Counts of documents, agreements and parties, by kind, status, domain and year."""
    store = open_store(db)
    try:
        st = store.stats()
    finally:
        store.close()
    if as_json:
        _dump(st)
        return
    t = Table(title="database")
    t.add_column("what")
    t.add_column("count")
    for k in ("documents", "failures", "reports", "agreements", "parties"):
        t.add_row(k, str(st[k]))
    for group in ("by_kind", "by_status", "by_domain", "by_year"):
        for k, n in st[group].items():
            t.add_row(f"{group[3:]}: {k}", str(n))
    _out.print(t)
