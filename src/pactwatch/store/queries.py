"""Read queries of the store: plain dicts out, one function per view.

Each takes an open ``Session`` and the dialect name (full text differs per dialect, see
``pactwatch.store.search``).  ``Store`` wraps them in sessions.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session, aliased

from pactwatch.store import search
from pactwatch.store.models import (
    AgreementDomain, AgreementParty, AgreementRow, AgreementSource, DocumentRow, EvidenceRow, FailureRow,
    FundingRow, MechanismRow, ProvisionRow, ReportRow, SignatoryRow,
)

ORGANISATIONS = frozenset({
    "EU", "NATO", "UN", "CSTO", "ASEAN", "AU", "G7", "G20", "OSCE", "IAEA", "OPEC", "WTO", "IMF", "CIS",
    "EAEU", "GCC", "SCO", "BRICS", "ECOWAS", "MERCOSUR", "OAS", "WHO", "IEA", "EFTA", "APEC", "OECD", "SADC",
})
SCALARS = ("name", "kind", "role", "status", "signed_date", "place", "duration_years", "defense_pledge",
           "consultation_pledge")


def until_bound(until: str) -> str:
    """Inclusive upper bound for partial dates: "2021" includes "2021-12-31"."""
    return until + {4: "-12-31", 7: "-31"}.get(len(until), "")


def filtered_ids(dialect: str, *, party=None, with_party=None, domain=None, kind=None, status=None, since=None,
                 until=None, text=None, role=None, text_ids=None):
    """(SELECT of matching agreement ids, bound params); (None, {}) when the text query is empty.

    ``text_ids``: the agreement ids matching ``text`` already (``text_matches``), used
    instead of the full-text subquery.

    Party and domain filters are ``id IN (SELECT agreement_id ... WHERE party = :p)`` so both
    databases read them straight off the (party, agreement_id) / (domain, agreement_id)
    indexes instead of probing every agreement.
    """
    parties = [party] if isinstance(party, str) else list(party or [])
    if with_party:
        parties.append(with_party)
    if parties:
        # Start from the party index: a party-only filter (the common one) never touches the
        # agreements table, so counting all of a frequent party's agreements stays cheap.
        q = sa.select(AgreementParty.agreement_id.label("id")).where(AgreementParty.party == parties[0])
        idcol = AgreementParty.agreement_id
        if any((kind, status, role, since, until)):
            q = q.join(AgreementRow, AgreementRow.id == AgreementParty.agreement_id)
    else:
        q = sa.select(AgreementRow.id)
        idcol = AgreementRow.id
    for p in parties[1:]:
        q = q.where(idcol.in_(sa.select(AgreementParty.agreement_id).where(AgreementParty.party == p)))
    if domain:
        q = q.where(idcol.in_(sa.select(AgreementDomain.agreement_id).where(AgreementDomain.domain == domain)))
    if kind:
        q = q.where(AgreementRow.kind == kind)
    if status:
        q = q.where(AgreementRow.status == status)
    if role:
        q = q.where(AgreementRow.role == role)
    if since:
        q = q.where(AgreementRow.signed_date >= since)
    if until:
        q = q.where(AgreementRow.signed_date <= until_bound(until))
    params = {}
    if text_ids is not None:
        q = q.where(in_id_list(dialect, idcol))
        params["id_list"] = id_list_param(dialect, text_ids)
    elif text:
        param = search.query_param(dialect, text)
        if param is None:
            return None, {}
        q = q.where(idcol.in_(sa.text(search.agreement_ids_sql(dialect)).columns(sa.column("agreement_id"))))
        params["fts_q"] = param
    return q, params


def in_id_list(dialect: str, col):
    """``col`` is one of the integers bound as :id_list (see ``id_list_param``).

    One bound value whatever the number of ids (SQLite caps bound variables).  SQLite reads
    json_each into a set it probes; PostgreSQL gets ``= ANY(array)``, whose size the planner
    knows (an ``IN (SELECT unnest(...))`` is guessed at 200 rows: 290 ms against 63 ms for
    a page of 30k matches).
    """
    if dialect == "postgresql":
        return col == sa.any_(sa.cast(sa.bindparam("id_list"), postgresql.ARRAY(sa.Integer)))
    return col.in_(sa.text("SELECT value FROM json_each(:id_list)").columns(sa.column("value", sa.Integer)))


def id_list_param(dialect: str, ids: Sequence[int]):
    return list(ids) if dialect == "postgresql" else json.dumps(list(ids))


def text_matches(session: Session, dialect: str, text: str) -> list[int] | None:
    """Ids of the agreements whose source documents or provisions match ``text`` (None: no term).

    The full-text join runs once per request; the page, the total and every facet then
    read this id list instead of re-running the match (five facets meant six matches).
    """
    param = search.query_param(dialect, text)
    if param is None:
        return None
    sql = sa.text(search.agreement_ids_sql(dialect))
    if dialect != "postgresql":
        return list(session.scalars(sql, {"fts_q": param}))
    # PostgreSQL: the GIN index even for frequent words (see ``search.prefer_index``; "oil"
    # on 100k documents: 83 ms against 970 ms by the planner's sequential scan), for this
    # one statement only: the page and facet queries after it keep the normal planner.
    saved = session.execute(sa.text("SELECT current_setting('enable_seqscan')")).scalar_one()
    session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    ids = list(session.scalars(sql, {"fts_q": param}))  # (an error aborts the transaction anyway)
    session.execute(sa.text("SELECT set_config('enable_seqscan', :v, true)"), {"v": saved})
    return ids


_SUMMARY_COLS = ("id", "name", "kind", "role", "status", "signed_date", "year", "place", "parties", "domains",
                 "n_sources", "confidence", "duration_years", "defense_pledge", "consultation_pledge", "conflicts")


def summary(row) -> dict:
    """List item of an agreement (``row``: an AgreementRow or a row with _SUMMARY_COLS)."""
    return {
        "id": row.id, "name": row.name, "kind": row.kind, "role": row.role, "status": row.status,
        "signed_date": row.signed_date, "year": row.year, "place": row.place, "parties": list(row.parties or []),
        "domains": list(row.domains or []), "n_sources": row.n_sources, "confidence": row.confidence,
        "duration_years": row.duration_years, "defense_pledge": row.defense_pledge,
        "consultation_pledge": row.consultation_pledge, "has_conflicts": bool(row.conflicts),
    }


def _order(sort: str, dialect: str = "sqlite"):
    if sort == "sources":
        return [AgreementRow.n_sources.desc(), AgreementRow.id.desc()]
    if sort == "name":
        return [AgreementRow.name, AgreementRow.id]
    # Newest first, undated last.  Written so that each database can walk the
    # ix_agreements_date_id index backwards instead of sorting every match: SQLite puts
    # NULLs last in DESC order by itself; PostgreSQL needs NULLS LAST (and an index
    # declared that way, see the migration).
    if dialect == "postgresql":
        return [AgreementRow.signed_date.desc().nulls_last(), AgreementRow.id.desc()]
    return [AgreementRow.signed_date.desc(), AgreementRow.id.desc()]


# Above this many matches, a page in date order is read by walking ix_agreements_date_id
# (stopping after `limit` hits) rather than by sorting all matches: measured on 71k
# agreements, 6 ms instead of 40 ms for a party in 25k of them; for a party in 300 the
# sort is faster (0.3 ms against 1.6 ms).
SQLITE_INDEX_WALK_MIN = 2000


def agreements(session: Session, dialect: str, *, limit=50, offset=0, sort="date", facets=True, **filters) -> dict:
    text_ids = None
    if filters.get("text"):
        text_ids = text_matches(session, dialect, filters["text"])
        if text_ids is None:
            return {"total": 0, "limit": limit, "offset": offset, "items": [], "facets": {}}
    unfiltered = not any(v for v in filters.values())
    ids, params = filtered_ids(dialect, text_ids=text_ids, **filters)
    if ids is None:
        return {"total": 0, "limit": limit, "offset": offset, "items": [], "facets": {}}
    # Page of ids first, over narrow rows (id + sort keys); the page's full rows are read after.
    page_q = sa.select(AgreementRow.id).order_by(*_order(sort, dialect))
    if unfiltered:
        # No filter: straight off the table / the date index, no IN (SELECT every id).
        total = session.execute(sa.select(sa.func.count()).select_from(AgreementRow)).scalar_one()
    else:
        page_q = page_q.where(AgreementRow.id.in_(ids))
        only_text = text_ids is not None and sum(1 for v in filters.values() if v) == 1
        if only_text:
            total = len(set(text_ids))
        else:
            # Index-only filters: counting first is cheap, and tells SQLite (whose planner
            # would otherwise sort every match) when walking the date index is faster.
            total = session.execute(sa.select(sa.func.count()).select_from(ids.subquery()), params).scalar_one()
    if dialect == "sqlite" and sort == "date" and total > SQLITE_INDEX_WALK_MIN:
        page_q = page_q.with_hint(AgreementRow, "INDEXED BY ix_agreements_date_id", "sqlite")
    page = session.execute(page_q.limit(limit).offset(offset), params).all() if total else []
    page_ids = [r[0] for r in page]
    rows = {r.id: r for r in session.execute(
        sa.select(*[getattr(AgreementRow, c) for c in _SUMMARY_COLS]).where(AgreementRow.id.in_(page_ids)))}
    out = {"total": total, "limit": limit, "offset": offset, "items": [summary(rows[i]) for i in page_ids],
           "facets": {}}
    if facets and total:
        out["facets"] = _facets(session, None if unfiltered else ids, params)
    return out


def _facets(session: Session, ids, params, top: int = 40) -> dict:
    """Facet counts over the agreements selected by ``ids`` (None: all agreements)."""

    def counts(col, where=None):
        q = sa.select(col, sa.func.count())
        if ids is not None:
            q = q.where(col.table.c.agreement_id.in_(ids) if col.table is not AgreementRow.__table__
                        else AgreementRow.id.in_(ids))
        if where is not None:
            q = q.where(where)
        q = q.group_by(col).order_by(sa.func.count().desc(), col).limit(top)
        return [{"value": v, "count": n} for v, n in session.execute(q, params).all()]

    if ids is None:  # all agreements: each count reads its own single-column index, in order
        return {
            "party": counts(AgreementParty.party),
            "domain": counts(AgreementDomain.domain),
            "kind": counts(AgreementRow.kind),
            "status": counts(AgreementRow.status, AgreementRow.status.is_not(None)),
            "year": counts(AgreementRow.year, AgreementRow.year.is_not(None)),
        }
    # A filtered set: kind, status and year in one pass over the ix_agreements_facets
    # covering index (one probe per matching id instead of three); at most
    # kinds x statuses x years groups come back, summed per facet here.
    q = sa.select(AgreementRow.kind, AgreementRow.status, AgreementRow.year, sa.func.count())
    q = q.where(AgreementRow.id.in_(ids))
    per: dict[str, dict] = {"kind": defaultdict(int), "status": defaultdict(int), "year": defaultdict(int)}
    for kind, status, year, n in session.execute(
            q.group_by(AgreementRow.kind, AgreementRow.status, AgreementRow.year), params).all():
        for name, v in (("kind", kind), ("status", status), ("year", year)):
            if v is not None:
                per[name][v] += n

    def top_of(c: dict) -> list[dict]:
        return [{"value": v, "count": n} for v, n in sorted(c.items(), key=lambda t: (-t[1], t[0]))[:top]]

    return {
        "party": counts(AgreementParty.party),
        "domain": counts(AgreementDomain.domain),
        "kind": top_of(per["kind"]),
        "status": top_of(per["status"]),
        "year": top_of(per["year"]),
    }


def _chunks(seq: Sequence, n: int = 500) -> Iterator[Sequence]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def load_agreements(session: Session, ids: Sequence[int], *, quotes: bool = False) -> list[dict]:
    """Full merged records of ``ids`` (in that order), children fetched in bulk."""
    out: dict[int, dict] = {}
    for chunk in _chunks(list(ids)):
        rows = session.scalars(sa.select(AgreementRow).where(AgreementRow.id.in_(chunk))).all()
        for r in rows:
            d = {"id": r.id, "party_key": r.party_key}
            for f in SCALARS:
                d[f] = getattr(r, f)
            d.update(parties=list(r.parties or []), domains=list(r.domains or []), related=list(r.related or []),
                     names=list(r.names or []), confidence=r.confidence, n_sources=r.n_sources,
                     conflicts=list(r.conflicts or []), year=r.year,
                     created_at=r.created_at.isoformat() if r.created_at else None,
                     updated_at=r.updated_at.isoformat() if r.updated_at else None,
                     signatories=[], provisions=[], funding=[], mechanisms=[], sources=[],
                     _evidence=r.evidence or {})
            out[r.id] = d
        for model, field, cols in (
            (SignatoryRow, "signatories", ("name", "role", "party")),
            (ProvisionRow, "provisions", ("text", "actor", "modality", "domains")),
            (FundingRow, "funding", ("amount", "currency", "purpose")),
            (MechanismRow, "mechanisms", ("kind", "name", "frequency", "due")),
        ):
            for c in session.scalars(sa.select(model).where(model.agreement_id.in_(chunk))
                                     .order_by(model.agreement_id, model.position)):
                item = {"id": c.id, **{k: getattr(c, k) for k in cols}, "n_sources": c.n_sources}
                out[c.agreement_id][field].append(item)
        src = session.execute(
            sa.select(AgreementSource.agreement_id, AgreementSource.document_id, AgreementSource.role,
                      DocumentRow.source, DocumentRow.title, DocumentRow.published)
            .join(DocumentRow, DocumentRow.id == AgreementSource.document_id)
            .where(AgreementSource.agreement_id.in_(chunk))
            .order_by(AgreementSource.agreement_id, DocumentRow.published, AgreementSource.document_id)).all()
        for aid, doc_id, role, source, title, published in src:
            out[aid]["sources"].append({"doc_id": doc_id, "role": role, "source": source, "title": title,
                                        "published": published})
    texts: dict[str, str] = {}
    if quotes:
        doc_ids = sorted({e[1] for d in out.values() for spans in d["_evidence"].values() for e in spans})
        for chunk in _chunks(doc_ids):
            texts.update(session.execute(sa.select(DocumentRow.id, DocumentRow.text)
                                         .where(DocumentRow.id.in_(chunk))).tuples().all())
    result = []
    for aid in ids:
        d = out.get(aid)
        if d is None:
            continue
        ev = {}
        for field, spans in d.pop("_evidence").items():
            lst = []
            for item, doc_id, s, e in spans:
                entry = {"item": item, "doc_id": doc_id, "start": s, "end": e}
                if quotes:
                    entry["quote"] = texts.get(doc_id, "")[s:e]
                lst.append(entry)
            ev[field] = lst
        d["evidence"] = ev
        result.append(d)
    return result


def iter_agreements(session: Session, batch: int = 500) -> Iterator[dict]:
    ids = session.scalars(sa.select(AgreementRow.id).order_by(AgreementRow.id)).all()
    for chunk in _chunks(ids, batch):
        yield from load_agreements(session, chunk)


_FUNDING_KEYS = ("amount", "currency", "purpose")


def compare(session: Session, ids: Sequence[int]) -> dict:
    recs = load_agreements(session, ids)
    found = [r["id"] for r in recs]

    def funding_totals(r):
        tot: dict[str, float] = defaultdict(float)
        for f in r["funding"]:
            tot[f["currency"]] += f["amount"]
        return dict(sorted(tot.items()))

    def pledges(r):
        return [p["text"] for p in r["provisions"] if p["modality"] == "commitment"]

    rows_spec = [
        ("name", lambda r: r["name"]), ("kind", lambda r: r["kind"]), ("status", lambda r: r["status"]),
        ("signed_date", lambda r: r["signed_date"]), ("place", lambda r: r["place"]),
        ("parties", lambda r: r["parties"]),
        ("signatories", lambda r: [f"{s['name']} ({s['role']}, {s['party']})" if s["role"] else s["name"]
                                   for s in r["signatories"]]),
        ("domains", lambda r: r["domains"]), ("duration_years", lambda r: r["duration_years"]),
        ("defense_pledge", lambda r: r["defense_pledge"]), ("consultation_pledge", lambda r: r["consultation_pledge"]),
        ("funding", lambda r: [{k: f[k] for k in _FUNDING_KEYS} for f in r["funding"]]),
        ("funding_total", funding_totals),
        ("mechanisms", lambda r: [f"{m['kind']}: {m['name']}" if m["name"] else m["kind"] for m in r["mechanisms"]]),
        ("commitments", pledges), ("n_provisions", lambda r: len(r["provisions"])),
        ("n_sources", lambda r: r["n_sources"]), ("conflicts", lambda r: [c["field"] for c in r["conflicts"]]),
    ]
    rows = [{"field": f, "values": [fn(r) for r in recs]} for f, fn in rows_spec]
    dom_sets = [set(r["domains"]) for r in recs]
    shared = sorted(set.intersection(*dom_sets)) if dom_sets else []
    return {"ids": found, "missing": [i for i in ids if i not in found],
            "agreements": [{k: r[k] for k in ("id", "name", "kind", "status", "signed_date", "parties")} for r in recs],
            "rows": rows, "shared_domains": shared,
            "shared_parties": sorted(set.intersection(*[set(r["parties"]) for r in recs])) if recs else []}


_TL_COLS = ("id", "name", "kind", "status", "parties", "domains", "signed_date")


def timeline(session: Session, *, party=None, pair=None, limit=None) -> list[dict]:
    """Signings and mechanism deadlines in date order.

    Bounded: with ``limit`` only the first ``limit`` dated agreements and the first ``limit``
    deadlines (each read in date order off an index) can make the merged list, so neither
    query reads more; narrow columns only, and the deadlines' agreements are read by id.
    """
    parties = [party] if party else []
    if pair:
        parties += list(pair)
    A = AgreementRow

    def restrict(q, idcol):
        for p in parties:
            q = q.where(idcol.in_(sa.select(AgreementParty.agreement_id).where(AgreementParty.party == p)))
        return q

    cols = [getattr(A, c) for c in _TL_COLS]
    aq = restrict(sa.select(*cols).where(A.signed_date.is_not(None)), A.id).order_by(A.signed_date, A.id)
    mq = restrict(sa.select(MechanismRow.id, MechanismRow.agreement_id, MechanismRow.due, MechanismRow.kind,
                            MechanismRow.name).where(MechanismRow.due.is_not(None)), MechanismRow.agreement_id)
    mq = mq.order_by(MechanismRow.due, MechanismRow.agreement_id, MechanismRow.id)
    if limit:
        aq, mq = aq.limit(limit), mq.limit(limit)
    rows = session.execute(aq).all()
    mechs = session.execute(mq).all()

    def event(r, date, ev, detail):
        return {"date": date, "event": ev, "agreement_id": r.id, "name": r.name, "kind": r.kind, "status": r.status,
                "parties": list(r.parties or []), "domains": list(r.domains or []), "detail": detail}

    events = [event(r, r.signed_date, r.status or "signed", None) for r in rows]
    by_id = {r.id: r for r in rows}
    need = sorted({m.agreement_id for m in mechs} - by_id.keys())
    for chunk in _chunks(need):
        by_id.update((r.id, r) for r in session.execute(sa.select(*cols).where(A.id.in_(chunk))))
    for m in mechs:
        a = by_id.get(m.agreement_id)
        if a is None:
            continue
        e = event(a, m.due, "due", f"{m.kind}: {m.name}" if m.name else m.kind)
        e["mechanism_id"] = m.id
        events.append(e)
    events.sort(key=lambda e: (e["date"], e["agreement_id"], e["event"]))
    return events[:limit] if limit else events


@lru_cache(maxsize=1)
def _gazetteer_orgs() -> frozenset[str]:
    try:
        from pactwatch.annotate.gazetteer import all_codes

        return frozenset(all_codes("org"))
    except Exception:  # the store works without the extractor installed
        return frozenset()


def party_kind(code: str) -> str:
    if code in ORGANISATIONS or code in _gazetteer_orgs():
        return "organisation"
    if len(code) == 3 and code.isalpha() and code.isupper():
        return "state"
    return "other"


def party_label(code: str) -> str:
    try:
        from pactwatch.annotate import gazetteer  # type: ignore[attr-defined]

        for fn in ("display_name", "name_for"):
            if hasattr(gazetteer, fn):
                name = getattr(gazetteer, fn)(code)
                if name:
                    return str(name)
    except Exception:
        pass
    return code


def network(session: Session, dialect: str, *, since=None, until=None, domain=None, party=None) -> dict:
    """Party pairs aggregated in SQL: a self-join of agreement_parties grouped by pair.

    Rows out are bounded by the number of distinct parties / pairs (and pair x domain),
    not by the number of agreements; only each pair's id list grows with the data, and
    it comes back as one aggregated string per pair.
    """
    unfiltered = not any((since, until, domain, party))
    ids, params = (None, {}) if unfiltered else filtered_ids(dialect, since=since, until=until, domain=domain,
                                                             party=party)
    a, b = aliased(AgreementParty), aliased(AgreementParty)

    def scoped(q, col):
        return q if ids is None else q.where(col.in_(ids))

    node_count = dict(session.execute(scoped(
        sa.select(AgreementParty.party, sa.func.count()), AgreementParty.agreement_id)
        .group_by(AgreementParty.party), params).all())
    if dialect == "postgresql":
        id_agg = sa.func.string_agg(sa.cast(a.agreement_id, sa.Text), sa.literal_column("','"))
    else:
        id_agg = sa.func.group_concat(a.agreement_id)
    pair_q = scoped(sa.select(a.party, b.party, sa.func.count(), id_agg)
                    .join(b, sa.and_(b.agreement_id == a.agreement_id, b.party > a.party)), a.agreement_id)
    edges: dict[tuple[str, str], dict] = {}
    for src, dst, n, agg in session.execute(pair_q.group_by(a.party, b.party), params).all():
        edges[(src, dst)] = {"source": src, "target": dst, "count": n, "domains": {},
                             "agreement_ids": sorted(int(x) for x in str(agg).split(","))}
    d = aliased(AgreementDomain)
    dom_q = scoped(sa.select(a.party, b.party, d.domain, sa.func.count())
                   .join(b, sa.and_(b.agreement_id == a.agreement_id, b.party > a.party))
                   .join(d, d.agreement_id == a.agreement_id), a.agreement_id)
    for src, dst, dom, n in session.execute(dom_q.group_by(a.party, b.party, d.domain), params).all():
        e = edges.get((src, dst))
        if e is not None:
            e["domains"][dom] = n
    nodes = [{"id": p, "label": party_label(p), "kind": party_kind(p), "agreements": n}
             for p, n in sorted(node_count.items(), key=lambda t: (-t[1], t[0]))]
    edge_list = []
    for e in sorted(edges.values(), key=lambda e: (-e["count"], e["source"], e["target"])):
        e["domains"] = dict(sorted(e["domains"].items(), key=lambda t: (-t[1], t[0])))
        edge_list.append(e)
    return {"nodes": nodes, "edges": edge_list}


def sources(session: Session, agreement_id: int) -> list[dict]:
    rows = session.execute(
        sa.select(ReportRow.document_id, DocumentRow.source, DocumentRow.title, DocumentRow.published,
                  ReportRow.role, ReportRow.id, ReportRow.confidence, ReportRow.name, ReportRow.status,
                  ReportRow.signed_date)
        .join(DocumentRow, DocumentRow.id == ReportRow.document_id)
        .where(ReportRow.agreement_id == agreement_id)
        .order_by(DocumentRow.published, ReportRow.document_id, ReportRow.idx)).all()
    return [{"doc_id": r[0], "source": r[1], "title": r[2], "published": r[3], "role": r[4], "report_id": r[5],
             "confidence": r[6], "name": r[7], "status": r[8], "signed_date": r[9]} for r in rows]


def document(session: Session, doc_id: str) -> dict | None:
    d = session.scalar(sa.select(DocumentRow).where(DocumentRow.id == doc_id))
    if d is None:
        return None
    reports = session.scalars(sa.select(ReportRow).where(ReportRow.document_id == doc_id).order_by(ReportRow.idx)).all()
    spans = session.execute(
        sa.select(EvidenceRow.start, EvidenceRow.end, EvidenceRow.field, EvidenceRow.item, EvidenceRow.report_id,
                  EvidenceRow.agreement_id)
        .where(EvidenceRow.document_id == doc_id).order_by(EvidenceRow.start, EvidenceRow.end, EvidenceRow.id)).all()
    return {
        "id": d.id, "source": d.source, "title": d.title, "published": d.published, "language": d.language,
        "text": d.text, "original": d.original, "removed": [list(r) for r in (d.removed or [])],
        "content_hash": d.content_hash, "ingested_at": d.ingested_at.isoformat() if d.ingested_at else None,
        "status": d.status,
        "reports": [{"report_id": r.id, "agreement_id": r.agreement_id, "idx": r.idx, "name": r.name, "role": r.role,
                     "kind": r.kind, "status": r.status, "signed_date": r.signed_date, "parties": r.parties,
                     "confidence": r.confidence} for r in reports],
        "spans": [{"start": s, "end": e, "field": f, "item": i, "report_id": rid, "agreement_id": aid}
                  for s, e, f, i, rid, aid in spans],
    }


def report_record(session: Session, doc_id: str) -> dict | None:
    """The stored pactwatch/v1 record of one document, as it was saved."""
    d = session.scalar(sa.select(DocumentRow).where(DocumentRow.id == doc_id))
    if d is None:
        return None
    reports = session.scalars(sa.select(ReportRow).where(ReportRow.document_id == doc_id).order_by(ReportRow.idx)).all()
    agreements = []
    for r in reports:
        a = {k: getattr(r, k) for k in ("name", "role", "kind", "parties", "status", "signed_date", "place",
                                         "signatories", "domains", "provisions", "funding", "duration_years",
                                         "defense_pledge", "consultation_pledge", "mechanisms", "related",
                                         "evidence", "confidence")}
        agreements.append(a)
    return {"schema": "pactwatch/v1",
            "document": {"id": d.id, "source": d.source, "title": d.title, "published": d.published,
                         "language": d.language, "text": d.text, "removed": [list(x) for x in d.removed or []]},
            "agreements": agreements}


def failures(session: Session) -> list[dict]:
    rows = session.scalars(sa.select(FailureRow).order_by(FailureRow.created_at.desc(), FailureRow.id.desc())).all()
    return [{"id": f.id, "doc_id": f.doc_id, "source": f.source, "stage": f.stage, "reason": f.reason,
             "created_at": f.created_at.isoformat()} for f in rows]


def stats(session: Session) -> dict:
    def count(model) -> int:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()

    def by(col, *, joinfrom=None) -> dict:
        q = sa.select(col, sa.func.count()).group_by(col).order_by(col)
        if joinfrom is not None:
            q = q.select_from(joinfrom)
        return {str(k): n for k, n in session.execute(q).all() if k is not None}

    return {
        "documents": count(DocumentRow), "failures": count(FailureRow), "reports": count(ReportRow),
        "agreements": count(AgreementRow),
        "parties": session.execute(sa.select(sa.func.count(sa.distinct(AgreementParty.party)))).scalar_one(),
        "by_kind": by(AgreementRow.kind), "by_status": by(AgreementRow.status),
        "by_domain": by(AgreementDomain.domain), "by_year": by(AgreementRow.year),
    }


def table_counts(session: Session, tables: Iterable[str]) -> dict[str, int]:
    return {t: session.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
