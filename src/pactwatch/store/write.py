"""The write path: one document in, its reports stored, the affected agreements re-merged.

Everything here runs inside the caller's transaction (``Store.save`` opens one per
document).  Row-building functions are plain so the bench can bulk-load the same rows.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime

import orjson
import sqlalchemy as sa
from sqlalchemy.orm import Session

from pactwatch import merge
from pactwatch.record import Record
from pactwatch.store.models import (
    AgreementDomain, AgreementParty, AgreementRow, AgreementSource, DocumentRow, EvidenceRow, FundingRow,
    MechanismRow, ProvisionRow, ReportRow, SignatoryRow,
)

# Advisory-lock namespaces (PostgreSQL two-int form) so a document lock can never collide
# with a party-set lock.
LOCK_DOCUMENT, LOCK_PARTY_SET = 7101, 7102


def now() -> datetime:
    return datetime.now(UTC)


def record_hash(record: Record) -> str:
    """Content hash of a whole record (text + metadata + extraction): same record, same hash."""
    data = orjson.dumps(record.to_json_dict(), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(data).hexdigest()


def document_values(record: Record, *, original: str | None, content_hash: str) -> dict:
    d = record.document
    return {
        "id": d.id, "source": d.source, "title": d.title, "published": d.published, "language": d.language,
        "text": d.text, "original": original, "removed": [list(r) for r in d.removed],
        "content_hash": content_hash, "ingested_at": now(),
        "status": "extracted" if record.agreements else "empty", "n_agreements": len(record.agreements),
    }


def report_values(record: Record) -> list[dict]:
    """Column values of the reports of a record (without ids)."""
    out = []
    for idx, ag in enumerate(record.agreements):
        data = ag.model_dump(mode="json")
        out.append({
            "document_id": record.document.id, "idx": idx, "party_key": merge.party_key(ag.parties),
            "name": ag.name, "role": ag.role, "kind": ag.kind, "status": ag.status,
            "signed_date": ag.signed_date, "place": ag.place, "duration_years": ag.duration_years,
            "defense_pledge": ag.defense_pledge, "consultation_pledge": ag.consultation_pledge,
            "confidence": ag.confidence, "parties": list(ag.parties), "domains": data["domains"],
            "signatories": data["signatories"], "provisions": data["provisions"], "funding": data["funding"],
            "mechanisms": data["mechanisms"], "related": data["related"],
            "evidence": {k: [list(s) for s in v] for k, v in ag.evidence.items()},
            "name_key": " ".join(merge.name_tokens(ag.name, ag.parties)),
        })
    return out


def evidence_values(report_id: int, report: dict) -> list[dict]:
    rows = []
    for field, spans in (report.get("evidence") or {}).items():
        listy = field in merge.LIST_FIELDS
        for i, (s, e) in enumerate(spans):
            rows.append({"report_id": report_id, "document_id": report["document_id"], "field": field,
                         "item": i if listy else None, "start": int(s), "end": int(e), "agreement_id": None})
    return rows


def report_dict(row: ReportRow) -> dict:
    """A stored report as the plain dict ``pactwatch.merge`` works on."""
    return {c: getattr(row, c) for c in (
        "id", "document_id", "idx", "agreement_id", "party_key", "name", "role", "kind", "status", "signed_date",
        "place", "duration_years", "defense_pledge", "consultation_pledge", "confidence", "parties", "domains",
        "signatories", "provisions", "funding", "mechanisms", "related", "evidence", "name_key")}


def lock(session: Session, namespace: int, key: str) -> None:
    """PostgreSQL transaction-scoped advisory lock (SQLite's BEGIN IMMEDIATE already serialises)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:ns, hashtext(:k))"), {"ns": namespace, "k": key})


# Blocks (reports sharing a party set) up to this size are re-clustered whole on every save,
# which makes the result exactly order-independent.  Larger blocks (e.g. the many reports
# whose parties the extractor could not name) re-cluster only the neighbourhood of the
# changed reports: those they match plus every member of the agreements involved, so a
# save stays O(block) instead of O(block^2).
FULL_RECLUSTER_MAX = 150
_LIGHT = ("id", "document_id", "idx", "agreement_id", "name", "kind", "signed_date", "parties", "name_key")


def remerge(session: Session, key: str, touched_report_ids: set[int] = frozenset(),
            dirty_agreements: set[int] = frozenset()) -> list[int]:
    """Re-cluster the reports of one party set and bring the canonical agreements in line.

    Agreements keep their ids: each cluster takes the agreement most of its reports already
    belonged to.  Only clusters whose membership changed (or that contain a new report) are
    re-derived, plus ``dirty_agreements`` (which lost reports of a replaced document: their
    remaining members look unchanged but the canonical values must be recomputed).  Returns
    the ids of the agreements of the clusters holding touched reports.
    """
    cols = [getattr(ReportRow, c) for c in _LIGHT]
    reports = [dict(r) for r in session.execute(sa.select(*cols).where(ReportRow.party_key == key)).mappings()]
    if len(reports) > FULL_RECLUSTER_MAX:
        seeds = [r for r in reports if r["id"] in touched_report_ids]
        near = {r["id"] for r in seeds}
        for r in reports:
            if r["id"] not in near and any(merge.match_score(t, r) > 0 for t in seeds):
                near.add(r["id"])
        involved = {r["agreement_id"] for r in reports if r["id"] in near} | set(dirty_agreements)
        reports = [r for r in reports if r["id"] in near or r["agreement_id"] in involved]
    previous_members: dict[int, set[int]] = {}
    for r in reports:
        if r["agreement_id"] is not None:
            previous_members.setdefault(r["agreement_id"], set()).add(r["id"])
    groups = merge.cluster(reports)
    # Bigger clusters choose first so that a split leaves the old id with the larger part.
    order = sorted(range(len(groups)), key=lambda g: (-len(groups[g]), merge.report_sort_key(reports[groups[g][0]])))
    assigned: dict[int, int | None] = {}
    used: set[int] = set()
    for g in order:
        counts = Counter(reports[i]["agreement_id"] for i in groups[g]
                         if reports[i]["agreement_id"] is not None and reports[i]["agreement_id"] not in used)
        aid = min(counts, key=lambda a: (-counts[a], a)) if counts else None
        assigned[g] = aid
        if aid is not None:
            used.add(aid)
    touched_agreements = []
    for g, members in enumerate(groups):
        member_ids = {reports[i]["id"] for i in members}
        aid = assigned[g]
        unchanged = (aid is not None and aid not in dirty_agreements and previous_members.get(aid) == member_ids
                     and not (member_ids & touched_report_ids))
        if unchanged:
            continue
        full = session.scalars(sa.select(ReportRow).where(ReportRow.id.in_(member_ids))).all()
        derived = merge.derive([report_dict(r) for r in full])
        agreement = session.get(AgreementRow, aid) if aid is not None else None
        new = agreement is None
        if new:
            agreement = AgreementRow(party_key=key, created_at=now(), name="", kind="other", role="mentioned")
            session.add(agreement)
        write_canonical(session, agreement, derived, new=new)
        session.flush()
        aid = agreement.id
        session.execute(sa.update(ReportRow).where(ReportRow.id.in_(member_ids)).values(agreement_id=aid))
        session.execute(sa.update(EvidenceRow).where(EvidenceRow.report_id.in_(member_ids)).values(agreement_id=aid))
        if member_ids & touched_report_ids:
            touched_agreements.append(aid)
    # Agreements of this party set that no cluster kept have lost all their reports.
    stale = (set(previous_members) | set(dirty_agreements)) - used
    if stale:
        session.execute(sa.delete(AgreementRow).where(AgreementRow.id.in_(stale)))
    session.expire_all()
    return sorted(set(touched_agreements))


_CHILDREN = {
    "signatories": (SignatoryRow, ("name", "role", "party")),
    "provisions": (ProvisionRow, ("text", "actor", "modality", "domains")),
    "funding": (FundingRow, ("amount", "currency", "purpose")),
    "mechanisms": (MechanismRow, ("kind", "name", "frequency", "due")),
}


def write_canonical(session: Session, ag: AgreementRow, d: dict, *, new: bool = False) -> None:
    """Store a derived agreement on ``ag``; children synced by natural key (ids survive).

    ``new``: the agreement was created in this transaction, so it has no child rows yet and
    the deletes/lookups of the sync can be skipped (the common case while ingesting).
    """
    for f in ("name", "kind", "role", "status", "signed_date", "place", "duration_years", "defense_pledge",
              "consultation_pledge", "parties", "domains", "related", "names", "confidence", "n_sources",
              "conflicts", "evidence"):
        setattr(ag, f, d[f])
    ag.year = int(d["signed_date"][:4]) if d.get("signed_date") else None
    ag.updated_at = now()
    session.flush()  # the agreement needs its id before children reference it
    aid = ag.id
    if not new:
        session.execute(sa.delete(AgreementParty).where(AgreementParty.agreement_id == aid))
        session.execute(sa.delete(AgreementDomain).where(AgreementDomain.agreement_id == aid))
        session.execute(sa.delete(AgreementSource).where(AgreementSource.agreement_id == aid))
    if d["parties"]:
        session.execute(sa.insert(AgreementParty), [{"agreement_id": aid, "party": p} for p in d["parties"]])
    doms = d["items"]["domains"]
    if doms:
        session.execute(sa.insert(AgreementDomain), [
            {"agreement_id": aid, "domain": it["value"], "n_sources": len(it["sources"])} for it in doms])
    if d["sources"]:
        session.execute(sa.insert(AgreementSource), [
            {"agreement_id": aid, "document_id": s["document_id"], "role": s["role"]} for s in d["sources"]])
    for field, (model, cols) in _CHILDREN.items():
        if new:
            rows = [{"agreement_id": aid, "key": it["key"], "position": pos, "n_sources": len(it["sources"]),
                     **{c: it["value"].get(c) for c in cols}} for pos, it in enumerate(d["items"][field])]
            if rows:
                session.execute(sa.insert(model), rows)
            continue
        existing = {r.key: r for r in session.scalars(sa.select(model).where(model.agreement_id == aid))}
        keep = set()
        for pos, it in enumerate(d["items"][field]):
            values = {c: it["value"].get(c) for c in cols}
            values.update(position=pos, n_sources=len(it["sources"]))
            row = existing.get(it["key"])
            if row is None:
                session.add(model(agreement_id=aid, key=it["key"], **values))
            else:
                for c, v in values.items():
                    if getattr(row, c) != v:
                        setattr(row, c, v)
            keep.add(it["key"])
        gone = [r.id for k, r in existing.items() if k not in keep]
        if gone:
            session.execute(sa.delete(model).where(model.id.in_(gone)))


def save_record(session: Session, record: Record, *, original: str | None, content_hash: str) -> dict:
    """Body of ``Store.save`` (inside its transaction)."""
    doc_id = record.document.id
    lock(session, LOCK_DOCUMENT, doc_id)
    doc = session.scalar(sa.select(DocumentRow).where(DocumentRow.id == doc_id))
    if doc is not None and doc.content_hash == content_hash:
        return {"doc_id": doc_id, "state": "same", "report_ids": [], "agreement_ids": []}
    state = "changed" if doc is not None else "new"
    keys: set[str] = set()
    dirty: dict[str, set[int]] = {}  # party key -> agreements that lose reports
    values = document_values(record, original=original, content_hash=content_hash)
    if doc is None:
        session.execute(sa.insert(DocumentRow), [values])
    else:
        for k, aid in session.execute(sa.select(ReportRow.party_key, ReportRow.agreement_id)
                                      .where(ReportRow.document_id == doc_id)):
            keys.add(k)
            if aid is not None:
                dirty.setdefault(k, set()).add(aid)
        # Evidence and report rows go with the old extraction; links to agreements are rebuilt by remerge.
        session.execute(sa.delete(EvidenceRow).where(EvidenceRow.document_id == doc_id))
        session.execute(sa.delete(ReportRow).where(ReportRow.document_id == doc_id))
        session.execute(sa.delete(AgreementSource).where(AgreementSource.document_id == doc_id))
        session.execute(sa.update(DocumentRow).where(DocumentRow.id == doc_id).values(**values))
    report_ids = []
    for rv in report_values(record):
        rid = session.execute(sa.insert(ReportRow).values(**rv).returning(ReportRow.id)).scalar_one()
        report_ids.append(rid)
        ev = evidence_values(rid, rv)
        if ev:
            session.execute(sa.insert(EvidenceRow), ev)
        keys.add(rv["party_key"])
    agreement_ids: list[int] = []
    for key in sorted(keys):  # sorted: every writer takes party-set locks in the same order
        lock(session, LOCK_PARTY_SET, key)
    for key in sorted(keys):
        agreement_ids += remerge(session, key, set(report_ids), dirty.get(key, set()))
    return {"doc_id": doc_id, "state": state, "report_ids": report_ids, "agreement_ids": sorted(set(agreement_ids))}


def delete_document(session: Session, doc_id: str) -> bool:
    lock(session, LOCK_DOCUMENT, doc_id)
    if session.scalar(sa.select(DocumentRow.pk).where(DocumentRow.id == doc_id)) is None:
        return False
    old = session.execute(sa.select(ReportRow.party_key, ReportRow.agreement_id)
                          .where(ReportRow.document_id == doc_id)).all()
    keys = {k for k, _ in old}
    dirty: dict[str, set[int]] = {}
    for k, a in old:
        if a is not None:
            dirty.setdefault(k, set()).add(a)
    session.execute(sa.delete(EvidenceRow).where(EvidenceRow.document_id == doc_id))
    session.execute(sa.delete(ReportRow).where(ReportRow.document_id == doc_id))
    session.execute(sa.delete(AgreementSource).where(AgreementSource.document_id == doc_id))
    session.execute(sa.delete(DocumentRow).where(DocumentRow.id == doc_id))
    for key in sorted(keys):
        lock(session, LOCK_PARTY_SET, key)
    for key in sorted(keys):
        remerge(session, key, set(), dirty.get(key, set()))
    return True
