"""Server-rendered HTML pages.

Each page is a plain ``def`` (the Store is synchronous) that gathers data through
``pactwatch.web.data``, shapes it with ``pactwatch.web.views`` and renders one template.
Query parameters are validated like the API's (bad values -> 422 page, unknown ids -> 404).
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Literal

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from markupsafe import Markup, escape

from pactwatch.record import DOMAINS, KINDS, STATUSES
from pactwatch.store.search import HIT_CLOSE, HIT_OPEN
from pactwatch.web import data, views
from pactwatch.web.api import DATE_RE, MAX_ID, TEXT_RE, DomainT, KindT, StatusT, check_range, parse_ids
from pactwatch.web.templating import FIELD_LABELS, render

class FormRoute(APIRoute):
    """Drop empty query parameters before validation.

    A GET form submits every field, so an untouched "Domain: Any" arrives as
    ``domain=``; for a page that means "no filter", not an invalid domain.
    """

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def drop_empty(request: Request):
            qs = request.scope.get("query_string", b"")
            if qs:
                kept = [(k, v) for k, v in parse_qsl(qs.decode("latin-1"), keep_blank_values=True) if v != ""]
                request.scope["query_string"] = urlencode(kept).encode("latin-1")
            return await handler(request)

        return drop_empty


router = APIRouter(include_in_schema=False, route_class=FormRoute)
PAGE_SIZE = 20
# Points drawn on the timeline: the most recent signings (bars count all of them).  More
# dots than this are unreadable and slow to render.
TIMELINE_POINTS = 800
NETWORK_EDGES = 300

Party = Annotated[str | None, Query(max_length=64, pattern=TEXT_RE)]


def _store(request: Request):
    return request.app.state.store


def snippet_html(snippet: str | None) -> Markup:
    """A search snippet with its hit markers turned into <mark>, everything else escaped."""
    if not snippet:
        return Markup("")
    out = []
    for part in re.split(f"({re.escape(HIT_OPEN)}.*?{re.escape(HIT_CLOSE)})", snippet, flags=re.S):
        if part.startswith(HIT_OPEN) and part.endswith(HIT_CLOSE):
            out.append(Markup("<mark>") + escape(part[1:-1]) + Markup("</mark>"))
        else:
            out.append(escape(part))
    return Markup("").join(out)


def _pages(total: int, page: int, size: int) -> list:
    """Page numbers to show: first, last, and a window around the current one (None = gap)."""
    last = max(1, math.ceil(total / size))
    want = {1, last, *range(max(1, page - 2), min(last, page + 2) + 1)}
    out, prev = [], 0
    for p in sorted(want):
        if p - prev > 1:
            out.append(None)
        out.append(p)
        prev = p
    return out


# --------------------------------------------------------------------------- search


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str | None, Query(max_length=500, pattern=TEXT_RE)] = None,
    party: Party = None,
    with_party: Party = None,
    domain: Annotated[DomainT | None, Query()] = None,
    kind: Annotated[KindT | None, Query()] = None,
    status: Annotated[StatusT | None, Query()] = None,
    year: Annotated[int | None, Query(ge=1, le=9999)] = None,
    since: Annotated[str | None, Query(pattern=DATE_RE)] = None,
    until: Annotated[str | None, Query(pattern=DATE_RE)] = None,
    page: Annotated[int, Query(ge=1, le=50000)] = 1,
    size: Annotated[int, Query(ge=5, le=100)] = PAGE_SIZE,
):
    f = {"q": q, "party": party, "with_party": with_party, "domain": domain, "kind": kind, "status": status,
         "since": since or (f"{year:04d}" if year else None), "until": until or (f"{year:04d}" if year else None)}
    check_range(f["since"], f["until"])
    result = data.search(_store(request), f, limit=size, offset=(page - 1) * size, facet_budget=data.FACET_BUDGET)
    # Matching source documents are listed under the first page of results only.
    docs = data.search_documents(_store(request), q, limit=5) if q and page == 1 else []
    for d in docs:
        d["snippet_html"] = snippet_html(d.get("snippet"))
    params = {"q": q, "party": party, "with_party": with_party, "domain": domain, "kind": kind, "status": status,
              "year": year, "since": since, "until": until}
    active = [(k, v) for k, v in params.items() if v not in (None, "") and k != "q"]
    return render(request, "search.html", {
        "result": result, "params": params, "active": active, "docs": docs, "page": page,
        "pages": _pages(result["total"], page, size), "page_size": size,
        "last_page": max(1, math.ceil(result["total"] / size)),
    })


# --------------------------------------------------------------------------- agreement

LIST_FIELDS = ("parties", "signatories", "domains", "provisions", "funding", "mechanisms", "related")
SCALAR_ORDER = ("name", "kind", "status", "signed_date", "place", "duration_years", "defense_pledge",
                "consultation_pledge")
FIELD_ORDER = ("name", "parties", "kind", "status", "signed_date", "place", "signatories", "domains", "funding",
               "duration_years", "defense_pledge", "consultation_pledge", "mechanisms", "provisions", "related")


def agreement_view(ag: dict, texts: dict[str, str]) -> dict:
    """Rows of the agreement page: each value with the ids of its evidence quotes.

    Evidence entries are ``{item, doc_id, start, end}``; ``item`` is the index of the
    list value they justify (None for scalars).  ``texts`` maps doc id -> cleaned text
    for the context around each quote.
    """
    ev = ag.get("evidence") or {}
    conflicts = {c.get("field"): c for c in (ag.get("conflicts") or [])}
    quotes = []  # evidence panel entries
    rows = []

    def quote_group(field: str, item, label: str) -> tuple[str | None, str | None, int]:
        spans = [e for e in ev.get(field, []) if (e.get("item") == item or (item is None and e.get("item") is None))]
        if not spans:
            return None, None, 0
        qid = f"q-{field}-{'x' if item is None else item}"
        entries = []
        for e in spans:
            text = texts.get(e["doc_id"], "")
            ctx = views.context(text, e["start"], e["end"]) if text else {
                "before": "", "match": e.get("quote", ""), "after": ""}
            entries.append({**ctx, "doc_id": e["doc_id"], "start": e["start"], "end": e["end"],
                            "href": f"/documents/{e['doc_id']}?hl={e['start']}-{e['end']}#hl"})
        quotes.append({"id": qid, "label": label, "entries": entries})
        return qid, entries[0]["href"], len(entries)

    for field in FIELD_ORDER:
        value = ag.get(field)
        empty = value is None or value == [] or value == ""
        row = {"field": field, "label": FIELD_LABELS.get(field, field), "values": [], "empty": empty,
               "conflict": conflicts.get(field), "list": field in LIST_FIELDS}
        if not empty:
            items = list(enumerate(value)) if field in LIST_FIELDS else [(None, value)]
            for item, v in items:
                text_label = _value_text(field, v)
                qid, href, n = quote_group(field, item, f"{row['label']}: {text_label}")
                row["values"].append({"value": v, "text": text_label, "qid": qid, "href": href, "n": n})
        rows.append(row)
    return {"rows": rows, "quotes": quotes}


def _value_text(field: str, v) -> str:
    from pactwatch.web.templating import duration, label, money, party_label, pledge

    if field == "parties":
        return party_label(v)
    if field == "domains":
        return label(v)
    if field == "signatories" and isinstance(v, dict):
        bits = [v.get("name") or ""]
        extra = ", ".join(x for x in (v.get("role"), party_label(v.get("party")) if v.get("party") else None) if x)
        return f"{bits[0]} ({extra})" if extra else bits[0]
    if field == "funding" and isinstance(v, dict):
        s = money(v.get("amount"), v.get("currency") or "")
        return f"{s} - {v['purpose']}" if v.get("purpose") else s
    if field == "mechanisms" and isinstance(v, dict):
        s = label(v.get("kind"))
        if v.get("name"):
            s += f": {v['name']}"
        return s
    if field == "provisions" and isinstance(v, dict):
        return v.get("text") or ""
    if field == "duration_years":
        return duration(v)
    if field in ("defense_pledge", "consultation_pledge"):
        return pledge(v)
    if field in ("kind", "status"):
        return label(v)
    return str(v)


@router.get("/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement_page(request: Request, agreement_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    store = _store(request)
    ag = data.agreement(store, agreement_id)
    if ag is None:
        raise HTTPException(404, f"No agreement with id {agreement_id}")
    doc_ids = sorted({e["doc_id"] for spans in (ag.get("evidence") or {}).values() for e in spans})
    texts = {}
    for d in doc_ids[:25]:  # context for the quotes; an agreement rarely has more sources
        doc = data.document(store, d)
        if doc:
            texts[d] = doc["text"]
    view = agreement_view(ag, texts)
    sources = data.sources(store, agreement_id)
    return render(request, "agreement.html", {"ag": ag, "view": view, "sources": sources})


# --------------------------------------------------------------------------- document


@router.get("/documents/{doc_id:path}", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: Annotated[str, Path(min_length=1, max_length=512, pattern=TEXT_RE)],
    removed: Annotated[bool, Query(description="show removed page furniture struck out")] = False,
    hl: Annotated[str | None, Query(pattern=r"^\d{1,9}-\d{1,9}$")] = None,
    agreement: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
):
    store = _store(request)
    doc = data.document(store, doc_id)
    if doc is None:
        raise HTTPException(404, f"No document with id {doc_id}")
    focus = None
    if hl:
        a, b = (int(x) for x in hl.split("-"))
        focus = (a, b) if a < b else None
    reports = {r["report_id"]: r for r in doc.get("reports", [])}
    spans = []
    for s in doc.get("spans", []):
        if agreement and s.get("agreement_id") != agreement:
            continue
        rep = reports.get(s.get("report_id"))
        spans.append({**s, "label": rep["name"] if rep else ""})
    inserts = views.removed_insertions(doc.get("original"), doc.get("removed") or []) if removed else []
    segments = views.highlight(doc["text"], spans, focus=focus, removed=inserts)
    fields_present = sorted({s["field"] for s in spans})
    return render(request, "document.html", {
        "doc": doc, "segments": segments, "show_removed": removed, "focus": focus,
        "focus_text": doc["text"][focus[0]:focus[1]] if focus else None, "fields_present": fields_present,
        "n_removed": len(doc.get("removed") or []), "has_original": bool(doc.get("original")),
        "agreement_filter": agreement, "hl": hl,
    })


# --------------------------------------------------------------------------- compare


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, ids: Annotated[list[str] | None, Query(max_length=20)] = None):
    id_list = parse_ids(ids or [])
    if len(id_list) > 12:
        raise HTTPException(422, "Compare at most 12 agreements at once")
    result = data.compare(_store(request), id_list) if id_list else {"agreements": [], "missing": [], "matrix": None}
    if result["missing"]:
        raise HTTPException(404, "No agreement " + ", ".join(str(i) for i in result["missing"]))
    suggestions = []
    if len(id_list) < 2:
        # Something to pick from: the newest agreements, the ones already chosen kept ticked.
        suggestions = data.search(_store(request), {}, limit=30)["items"]
    return render(request, "compare.html", {"result": result, "ids": id_list, "suggestions": suggestions})


# --------------------------------------------------------------------------- timeline


def cached_page(request: Request, build):
    """Serve a whole rendered page from the aggregate cache (same TTL and refresh).

    Timeline and network pages are pure functions of the database and the query string,
    and rendering hundreds of SVG elements costs more than reading the cached data.
    """
    key = data._key(_store(request), "html", request.url.path, str(request.url.query))
    body, status = data._cache.get_or_compute(key, lambda: _render_body(build()))
    return HTMLResponse(body, status_code=status)


def _render_body(response) -> tuple[bytes, int]:
    return bytes(response.body), response.status_code


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(
    request: Request,
    party: Party = None,
    with_party: Party = None,
    domain: Annotated[DomainT | None, Query()] = None,
    kind: Annotated[KindT | None, Query()] = None,
    since: Annotated[str | None, Query(pattern=DATE_RE)] = None,
    until: Annotated[str | None, Query(pattern=DATE_RE)] = None,
):
    check_range(since, until)

    def build():
        f = {"party": party, "with_party": with_party, "domain": domain, "kind": kind, "since": since, "until": until}
        tl = data.timeline(_store(request), f, limit=TIMELINE_POINTS)
        signings = [e for e in tl["events"] if e.get("event") != "due"]
        chart = views.timeline_chart(
            [{"id": e["agreement_id"], "name": e["name"], "date": e["date"], "parties": e.get("parties") or [],
              "status": e.get("status")} for e in signings],
            max_lanes=1 if party and with_party else 14, per_year={y["year"]: y["count"] for y in tl["per_year"]})
        parties = [p["value"] for p in data.search(_store(request), {}, limit=1)["facets"].get("party", [])]
        recent = sorted(signings, key=lambda e: str(e["date"]), reverse=True)[:50]
        dues = sorted((e for e in tl["events"] if e.get("event") == "due"), key=lambda e: e["date"], reverse=True)[:50]
        return render(request, "timeline.html", {"chart": chart, "f": f, "recent": recent, "dues": dues,
                                                 "total": tl["total"], "drawn": len(signings), "truncated": tl["truncated"], "parties": parties, "DOMAINS": DOMAINS,
                                                 "KINDS": KINDS, "STATUS_COLORS": views.STATUS_COLORS})

    return cached_page(request, build)


# --------------------------------------------------------------------------- network


@router.get("/network", response_class=HTMLResponse)
def network_page(
    request: Request,
    party: Party = None,
    domain: Annotated[DomainT | None, Query()] = None,
    since: Annotated[str | None, Query(pattern=DATE_RE)] = None,
    until: Annotated[str | None, Query(pattern=DATE_RE)] = None,
    min_count: Annotated[int, Query(ge=1, le=100000)] = 1,
    max_nodes: Annotated[int, Query(ge=2, le=200)] = 60,
):
    check_range(since, until)

    def build():
        f = {"party": party, "domain": domain, "since": since, "until": until}
        net = data.network(_store(request), f, min_count=min_count, max_nodes=max_nodes)
        # The strongest links only: past a few hundred chords the picture is a hairball and
        # the page heavy; the table and the pair searches still reach every link.
        drawn = sorted(net["edges"], key=lambda e: (-e["count"], e["source"], e["target"]))[:NETWORK_EDGES]
        chart = views.network_chart([{"id": n["id"], "count": n.get("agreements", 0)} for n in net["nodes"]],
                                    drawn, max_nodes=max_nodes)
        chart["hidden_edges"] = max(0, len(net["edges"]) - len(drawn))
        top_edges = sorted(net["edges"], key=lambda e: (-e["count"], e["source"], e["target"]))[:25]
        return render(request, "network.html", {"chart": chart, "f": f, "min_count": min_count, "max_nodes": max_nodes,
                                                "hidden": net["hidden_nodes"], "top_edges": top_edges,
                                                "DOMAINS": DOMAINS, "labels": {n["id"]: n.get("label") for n in net["nodes"]}})

    return cached_page(request, build)


# --------------------------------------------------------------------------- deadlines


@router.get("/deadlines", response_class=HTMLResponse)
def deadlines_page(request: Request, party: Party = None,
                   state: Annotated[Literal["overdue", "open", "pending", "met"] | None, Query()] = None):
    from pactwatch.web.deadlines import deadlines as compute

    today = date.today()
    items = compute(_store(request), party=party, today=today, limit=1000)
    counts = {s: sum(1 for d in items if d["state"] == s) for s in ("overdue", "open", "pending", "met")}
    if state:
        items = [d for d in items if d["state"] == state]
    return render(request, "deadlines.html", {"items": items, "counts": counts, "party": party, "state": state,
                                              "today_date": today.isoformat()})


__all__ = ["router", "STATUSES"]
