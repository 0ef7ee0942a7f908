"""Tracking service: every read and write of tracking data, on a SQLAlchemy ``Session``.

The CLI, the web router and the CSV import all come through here, and all writes go
through one validator (``validate_batch``) so a bad value is refused with the same
message whichever door it came in by, and nothing is written unless everything is valid.

Syncing with the extractor is *lazy and explicit*: ``sync_from_agreement`` creates a
body for every mechanism the store holds (idempotent, keyed on ``mechanism_id``), and
the readers (``tracking``, ``deadlines``) call ``sync_pending`` first, which only touches
agreements whose mechanisms have no body yet or carry values a body lacks.  The store's
``save`` therefore needs no hook into this package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Iterable

from sqlalchemy import Table, delete, func, insert, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pactwatch.store.models import AgreementRow, AgreementSource, DocumentRow, MechanismRow, ProvisionRow
from pactwatch.track.csvio import ENTITY_ORDER, SINGULAR, FieldError, Refused, convert_row
from pactwatch.track.deadlines import Deadline, MechanismFacts, MilestoneFacts, compute_deadlines, parse_day
from pactwatch.track.models import (
    BODY_KINDS, ENTITIES, Body, Meeting, Milestone, Project, StatusUpdate, TrackedAgreement,
)
from pactwatch.track.progress import MilestoneLinkFacts, ProjectFacts, ProvisionFacts, summarize
from pactwatch.track.terms import Term, read_terms

MODELS = {name: model for name, (model, _link) in ENTITIES.items()}
LINKS: dict[str, Table] = {name: link for name, (_model, link) in ENTITIES.items()}
# Which column of an entity points at which other entity (validated: exists, same agreement).
REFS = {
    "projects": (("body_id", "bodies"),),
    "milestones": (("project_id", "projects"), ("body_id", "bodies")),
    "meetings": (("body_id", "bodies"),),
    "updates": (("project_id", "projects"), ("milestone_id", "milestones")),
}
DEFAULTS = {"bodies": {"origin": "manual"}, "projects": {"status": "planned"}}
FREQ_ADJ = {"P1Y": "Annual", "P6M": "Semi-annual", "P3M": "Quarterly", "P1M": "Monthly", "P2Y": "Biennial",
            "P1W": "Weekly"}
# Words by which a sentence names a body of each kind (for finding its relative term).
KIND_NOUNS = {
    "working_group": r"\bgroups?\b", "commission": r"\bcommissions?\b", "dialogue": r"\bdialogues?\b",
    "council": r"\bcouncils?\b", "committee": r"\bcommittees?\b", "summit": r"\bsummits?\b",
    "meeting": r"\bmeet(?:ing)?s?\b", "secretariat": r"\bsecretariats?\b",
}
_SELF_REF = re.compile(r"\b(?:this|the present|the said)\s+(charter|treaty|agreement|memorandum|protocol|declaration|"
                       r"framework|roadmap|statement|pact|accord)\b", re.I)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (date, datetime)) else v


def _chunks(ids: Iterable[int], n: int = 500):
    ids = sorted(set(ids))
    for i in range(0, len(ids), n):
        yield ids[i:i + n]


# --------------------------------------------------------------------------- validation

@dataclass
class Op:
    """One validated write: insert (``existing`` False) or update of the row ``values["id"]``."""

    entity: str
    label: str
    values: dict[str, Any]
    existing: bool


def _lookup(session: Session, model, ids: Iterable[int]) -> dict[int, int]:
    """{id: agreement_id} for the given ids of an ORM model's table."""
    out: dict[int, int] = {}
    tbl = model.__table__
    for chunk in _chunks(ids):
        for rid, aid in session.execute(select(tbl.c.id, tbl.c.agreement_id).where(tbl.c.id.in_(chunk))):
            out[rid] = aid
    return out


def validate_batch(session: Session, batch: dict[str, list[tuple[str, dict[str, Any]]]]) -> list[Op]:
    """Check every row of ``batch`` ({entity: [(label, raw values)]}) against types, the
    database and the rest of the batch.  Returns the writes in apply order, or raises
    ``Refused`` listing *every* problem (``meetings.csv row 4, field "date": not a date: ...``)."""
    errors: list[str] = []
    converted: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def err(label: str, field: str | None, msg: str) -> None:
        errors.append(f'{label}, field "{field}": {msg}' if field else f"{label}: {msg}")

    for entity in ENTITY_ORDER:
        for label, raw in batch.get(entity, ()):
            values, ferrs = convert_row(entity, raw)
            for fe in ferrs:
                err(label, fe.field, fe.message)
            converted.setdefault(entity, []).append((label, values if not ferrs else {**values, "_bad": True}))

    # What the rows refer to, looked up in one query per table.
    want: dict[str, set[int]] = {k: set() for k in ("agreements", "provisions", "mechanisms", *MODELS)}
    for entity, rows in converted.items():
        for _label, v in rows:
            if v.get("agreement_id") is not None:
                want["agreements"].add(v["agreement_id"])
            want["provisions"].update(v.get("provisions") or ())
            if v.get("mechanism_id") is not None:
                want["mechanisms"].add(v["mechanism_id"])
            if entity in MODELS and v.get("id") is not None:
                want[entity].add(v["id"])
            for col, target in REFS.get(entity, ()):
                if v.get(col) is not None:
                    want[target].add(v[col])
    known_agreements = set()
    for chunk in _chunks(want["agreements"]):
        known_agreements.update(session.scalars(select(AgreementRow.id).where(AgreementRow.id.in_(chunk))))
    db = {name: _lookup(session, MODELS[name], want[name]) for name in MODELS}
    provisions = _lookup(session, ProvisionRow, want["provisions"])
    mechanisms = _lookup(session, MechanismRow, want["mechanisms"])

    # Ids given in the batch: {entity: {id: (agreement_id, label)}}; a repeated id is an error.
    in_batch: dict[str, dict[int, tuple[int, str]]] = {name: {} for name in MODELS}
    for entity, rows in converted.items():
        if entity not in MODELS:
            continue
        for label, v in rows:
            rid = v.get("id")
            if rid is None:
                continue
            if rid in in_batch[entity]:
                err(label, "id", f"duplicate id {rid} (also {in_batch[entity][rid][1]})")
                v["_bad"] = True
                continue
            in_batch[entity][rid] = (v.get("agreement_id"), label)

    ops: list[Op] = []
    meeting_keys: dict[tuple[int, date], tuple[int | None, str]] = {}
    mech_users: dict[int, str] = {}
    anchors_seen: dict[int, str] = {}
    db_meetings = _existing_meetings(session, {v["body_id"] for _l, v in converted.get("meetings", ())
                                               if v.get("body_id") is not None})
    db_mech_users = _existing_mechanism_users(session, want["mechanisms"])
    for entity in ENTITY_ORDER:
        for label, v in converted.get(entity, ()):
            n_before = len(errors)
            aid = v.get("agreement_id")
            if aid is not None and aid not in known_agreements:
                err(label, "agreement_id", f"unknown agreement: {aid}")
                v["_bad"] = True
            if v.get("_bad"):
                continue
            if entity == "agreements":
                if aid in anchors_seen:
                    err(label, "agreement_id", f"agreement {aid} appears twice (also {anchors_seen[aid]})")
                anchors_seen[aid] = label
                if len(errors) == n_before:
                    ops.append(Op(entity, label, v, False))
                continue
            rid = v.get("id")
            existing = rid is not None and rid in db[entity]
            if existing and db[entity][rid] != aid:
                err(label, "agreement_id", f"{SINGULAR[entity]} {rid} belongs to agreement {db[entity][rid]}, not {aid}")
            for col, target in REFS.get(entity, ()):
                ref = v.get(col)
                if ref is None:
                    continue
                owner = in_batch[target][ref][0] if ref in in_batch[target] else db[target].get(ref)
                if owner is None:
                    err(label, col, f"unknown {SINGULAR[target]}: {ref}")
                elif owner != aid:
                    err(label, col, f"{SINGULAR[target]} {ref} belongs to agreement {owner}, not {aid}")
            for pid in v.get("provisions") or ():
                owner = provisions.get(pid)
                if owner is None:
                    err(label, "provisions", f"unknown provision: {pid}")
                elif owner != aid:
                    err(label, "provisions", f"provision {pid} belongs to agreement {owner}, not {aid}")
            if entity == "bodies" and v.get("mechanism_id") is not None:
                mid = v["mechanism_id"]
                owner = mechanisms.get(mid)
                user = db_mech_users.get(mid)
                if owner is None:
                    err(label, "mechanism_id", f"unknown mechanism: {mid}")
                elif owner != aid:
                    err(label, "mechanism_id", f"mechanism {mid} belongs to agreement {owner}, not {aid}")
                elif mid in mech_users:
                    err(label, "mechanism_id", f"mechanism {mid} already has a body ({mech_users[mid]})")
                elif user is not None and user != rid:
                    err(label, "mechanism_id", f"mechanism {mid} already has a body (body {user})")
                mech_users[mid] = label
            if entity == "projects":
                s, e = v.get("start_date"), v.get("end_date")
                if s and e and e < s:
                    err(label, "end_date", f"end {e} before start {s}")
            if entity == "meetings":
                key = (v["body_id"], v["date"])
                if key in meeting_keys:
                    err(label, "date", f"duplicate meeting: body {key[0]} on {key[1]} (also {meeting_keys[key][1]})")
                elif key in db_meetings and db_meetings[key] != rid and db_meetings[key] not in in_batch["meetings"]:
                    err(label, "date", f"duplicate meeting: body {key[0]} already met on {key[1]} "
                                       f"(meeting {db_meetings[key]})")
                meeting_keys[key] = (rid, label)
            if len(errors) == n_before:
                ops.append(Op(entity, label, v, existing))
    if errors:
        raise Refused(errors)
    return ops


def _existing_meetings(session: Session, body_ids: set[int]) -> dict[tuple[int, date], int]:
    out = {}
    for chunk in _chunks(body_ids):
        for mid, bid, d in session.execute(select(Meeting.id, Meeting.body_id, Meeting.date)
                                           .where(Meeting.body_id.in_(chunk))):
            out[(bid, d)] = mid
    return out


def _existing_mechanism_users(session: Session, mech_ids: set[int]) -> dict[int, int]:
    out = {}
    for chunk in _chunks(mech_ids):
        for bid, mid in session.execute(select(Body.id, Body.mechanism_id).where(Body.mechanism_id.in_(chunk))):
            out[mid] = bid
    return out


def _set_links(session: Session, entity: str, entity_id: int, provision_ids: Iterable[int]) -> None:
    link = LINKS[entity]
    session.execute(delete(link).where(link.c.entity_id == entity_id))
    rows = [{"entity_id": entity_id, "provision_id": p} for p in sorted(set(provision_ids))]
    if rows:
        session.execute(insert(link), rows)


def _fix_sequence(session: Session, table: str) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them so the
    next auto-numbered row does not collide (SQLite picks max(rowid)+1 by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(text(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
        f"FROM {table}"))


def apply_ops(session: Session, ops: list[Op]) -> list[Any]:
    """Write validated ops (caller owns the transaction).  Returns the ORM objects."""
    out: list[Any] = []
    # Explicit ids first within each entity, then auto-numbered rows after the sequence fix.
    order = {e: i for i, e in enumerate(ENTITY_ORDER)}
    ops = sorted(ops, key=lambda o: (order[o.entity], o.values.get("id") is None))
    explicit: set[str] = set()
    fixed: set[str] = set()
    for op in ops:
        v = dict(op.values)
        if op.entity == "agreements":
            row = session.get(TrackedAgreement, v["agreement_id"]) or TrackedAgreement(agreement_id=v["agreement_id"])
            for k, val in v.items():
                setattr(row, k, val)
            row.updated_at = _now()
            session.add(row)
            out.append(row)
            continue
        model = MODELS[op.entity]
        table = model.__tablename__
        if v.get("id") is None and table in explicit and table not in fixed:
            session.flush()
            _fix_sequence(session, table)
            fixed.add(table)
        provs = v.pop("provisions", None)
        if op.existing:
            obj = session.get(model, v["id"])
            for k, val in v.items():
                setattr(obj, k, val)
        else:
            obj = model(**{**DEFAULTS.get(op.entity, {}), **{k: val for k, val in v.items() if val is not None or k != "id"}})
            if v.get("id") is not None:
                explicit.add(table)
            session.add(obj)
        session.flush()
        if provs is not None:
            _set_links(session, op.entity, obj.id, provs)
        out.append(obj)
    for table in explicit - fixed:
        _fix_sequence(session, table)
    session.flush()
    return out


def _apply_checked(session: Session, ops: list[Op]) -> list[Any]:
    """``apply_ops``, turning a constraint violation into a refusal.  Validation already
    checked uniqueness; only a concurrent writer (another office member adding the same
    meeting between our check and our insert) gets here, and deserves words, not a 500."""
    try:
        return apply_ops(session, ops)
    except IntegrityError as exc:
        where = ops[0].label if len(ops) == 1 else "import"
        raise Refused([f"{where}: conflicts with a change made meanwhile ({exc.orig.__class__.__name__}); "
                       f"nothing was written, try again"]) from None


def write(session: Session, entity: str, values: dict[str, Any], *, label: str | None = None) -> Any:
    """Validate and write one item; ``values`` as in the CSV columns (strings or native)."""
    ops = validate_batch(session, {entity: [(label or SINGULAR[entity], values)]})
    return _apply_checked(session, ops)[0]


# --------------------------------------------------------------------------- single-item writes

def add_body(session: Session, agreement_id: int, kind: str, name: str, **extra) -> Body:
    return write(session, "bodies", {"agreement_id": agreement_id, "kind": kind, "name": name, **extra})


def add_project(session: Session, agreement_id: int, name: str, **extra) -> Project:
    return write(session, "projects", {"agreement_id": agreement_id, "name": name, **extra})


def add_milestone(session: Session, agreement_id: int, title: str, **extra) -> Milestone:
    return write(session, "milestones", {"agreement_id": agreement_id, "title": title, **extra})


def add_meeting(session: Session, agreement_id: int, body_id: Any, date: Any, **extra) -> Meeting:
    return write(session, "meetings", {"agreement_id": agreement_id, "body_id": body_id, "date": date, **extra})


def add_update(session: Session, agreement_id: Any, text: Any = None, date: Any = None, **extra) -> StatusUpdate:
    """Record a status update; with a ``status`` and a project, the project moves to that
    status when this is its latest update (an old note entered late does not roll it back)."""
    upd = write(session, "updates", {"agreement_id": agreement_id, "text": text, "date": date, **extra})
    if upd.status and upd.project_id:
        latest = session.scalar(select(func.max(StatusUpdate.date)).where(
            StatusUpdate.project_id == upd.project_id, StatusUpdate.status.is_not(None)))
        if latest is None or upd.date >= latest:
            session.get(Project, upd.project_id).status = upd.status
    if upd.milestone_id and upd.status == "done":
        ms = session.get(Milestone, upd.milestone_id)
        if ms.done_date is None:
            ms.done_date = upd.date
    session.flush()
    return upd


def _edit(session: Session, entity: str, item_id: int, changes: dict[str, Any]) -> Any:
    model = MODELS[entity]
    obj = session.get(model, item_id)
    if obj is None:
        raise Refused([f'{SINGULAR[entity]} {item_id}, field "id": unknown {SINGULAR[entity]}: {item_id}'])
    current = {c.name: getattr(obj, c.name) for c in model.__table__.columns}
    current["provisions"] = links_of(session, entity, [item_id]).get(item_id, [])
    merged = {**current, **{k: v for k, v in changes.items() if v is not None}}
    return write(session, entity, merged, label=f"{SINGULAR[entity]} {item_id}")


def edit_item(session: Session, entity: str, item_id: int, **changes) -> Any:
    """Change some fields of an existing item (validated like a new one)."""
    return _edit(session, entity, item_id, changes)


def session_agreement(session: Session, agreement_id: int) -> AgreementRow | None:
    return session.get(AgreementRow, agreement_id)


def set_anchors(session: Session, agreement_id: int, *, signed_date: Any = None, in_force_date: Any = None,
                notes: str | None = None) -> TrackedAgreement:
    """Record what the office knows of the agreement's dates (e.g. the signing date the
    sources did not give): relative terms become concrete deadlines from then on."""
    row = session.get(TrackedAgreement, agreement_id)
    values: dict[str, Any] = {"agreement_id": agreement_id}
    for k, v in (("signed_date", signed_date), ("in_force_date", in_force_date), ("notes", notes)):
        values[k] = v if v is not None else (getattr(row, k) if row else None)
    return write(session, "agreements", values, label=f"agreement {agreement_id}")


# --------------------------------------------------------------------------- sync

def _default_name(kind: str, frequency: str | None) -> str:
    label = kind.replace("_", " ")
    adj = FREQ_ADJ.get(frequency or "")
    if kind == "working_group" and not adj:
        return "Working groups"  # the extractor reports "working groups" as one mechanism
    return f"{adj} {label}" if adj else label.capitalize()


def _paragraph(text_: str, start: int, end: int) -> str:
    s = text_.rfind("\n", 0, start) + 1
    e = text_.find("\n", end)
    return text_[s:e if e >= 0 else len(text_)]


def _sentences(text_: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+|\n+", text_) if s.strip()]


def _mechanism_terms(session: Session, ag: AgreementRow, mechs: list[MechanismRow]) -> dict[int, Term]:
    """{mechanism id: its relative term} read from the evidence passages, then (for bodies
    whose evidence is the founding clause only) from sentences of the agreement's primary
    sources that name the body ("... the respective Working Groups intend to decide ...")."""
    ev = (ag.evidence or {}).get("mechanisms") or []
    doc_ids = {e[1] for e in ev if len(e) >= 4}
    sources = list(session.execute(select(AgreementSource.document_id).where(
        AgreementSource.agreement_id == ag.id, AgreementSource.role == "primary")).scalars())
    texts: dict[str, str] = {}
    for chunk in [sorted(doc_ids | set(sources))]:
        if chunk:
            texts.update(session.execute(select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(chunk))).tuples().all())
    out: dict[int, Term] = {}
    for item, doc_id, start, end in (e[:4] for e in ev if len(e) >= 4):
        if not isinstance(item, int) or not (0 <= item < len(mechs)) or doc_id not in texts:
            continue
        m = mechs[item]
        if m.id in out:
            continue
        terms = read_terms(_paragraph(texts[doc_id], start, end))
        if terms:
            out[m.id] = terms[0]
    own = (ag.name or "").lower()

    def about_this(sentence: str) -> bool:
        # "... from the signing of the present Charter": a term of another instrument
        # named in the same text (the memorandum the charter builds on) is not ours.
        m = _SELF_REF.search(sentence)
        return m is None or m.group(1).lower() in own or m.group(1).lower() == ag.kind

    for m in mechs:
        if m.id in out or m.frequency and m.kind == "meeting":
            continue
        noun = KIND_NOUNS.get(m.kind)
        if not noun:
            continue
        for doc_id in sources:
            hit = next((t for s in _sentences(texts.get(doc_id, "")) if re.search(noun, s, re.I) and about_this(s)
                        for t in read_terms(s)), None)
            if hit:
                out[m.id] = hit
                break
    return out


_LOCK_TRACK_SYNC = 7103  # advisory-lock namespace (store/write.py uses 7101, 7102)


def sync_from_agreement(session: Session, agreement_id: int) -> list[Body]:
    """Create a body for every mechanism of the agreement that has none; fill blank fields
    of extracted bodies from their mechanism.  Idempotent; never overwrites an office's
    edits (only empty fields are filled).  Returns the agreement's bodies."""
    ag = session.get(AgreementRow, agreement_id)
    if ag is None:
        raise Refused([f"agreement {agreement_id}: unknown agreement: {agreement_id}"])
    # Readers sync on first read, so concurrent first readers (and the web app's warm-up
    # thread) race to create the same bodies: on PostgreSQL the loser hit the unique key on
    # mechanism_id (a 500).  Serialise syncs of one agreement; after the wait the SELECT
    # below sees the bodies the other transaction committed.  (SQLite: BEGIN IMMEDIATE
    # already serialises.)  tests/robustness/test_concurrent_writers.py
    from pactwatch.store.write import lock

    lock(session, _LOCK_TRACK_SYNC, str(agreement_id))
    mechs = list(session.scalars(select(MechanismRow).where(MechanismRow.agreement_id == agreement_id)
                                 .order_by(MechanismRow.position, MechanismRow.id)))
    bodies = {b.mechanism_id: b for b in session.scalars(select(Body).where(Body.agreement_id == agreement_id))
              if b.mechanism_id is not None}
    terms = _mechanism_terms(session, ag, mechs) if mechs else {}
    for m in mechs:
        t = terms.get(m.id)
        b = bodies.get(m.id)
        if b is None:
            b = Body(agreement_id=agreement_id, mechanism_id=m.id, origin="extracted",
                     kind=m.kind if m.kind in BODY_KINDS else "other", name=m.name or _default_name(m.kind, m.frequency))
            session.add(b)
        for attr, val in (("frequency", m.frequency), ("due", m.due), ("due_period", t and t.period),
                          ("due_anchor", t and t.anchor), ("task", t and t.task)):
            if getattr(b, attr) is None and val:
                setattr(b, attr, val)
    session.flush()
    return list(session.scalars(select(Body).where(Body.agreement_id == agreement_id).order_by(Body.id)))


def sync_pending(session: Session, agreement_id: int | None = None) -> list[int]:
    """Sync the agreements that need it (a mechanism without body, or a value its body
    lacks); cheap when nothing changed, so readers call it every time."""
    q = (select(MechanismRow.agreement_id).outerjoin(Body, Body.mechanism_id == MechanismRow.id)
         .where(or_(Body.id.is_(None),
                    (MechanismRow.frequency.is_not(None)) & Body.frequency.is_(None),
                    (MechanismRow.due.is_not(None)) & Body.due.is_(None)))
         .distinct())
    if agreement_id is not None:
        q = q.where(MechanismRow.agreement_id == agreement_id)
    ids = sorted(session.scalars(q))
    for aid in ids:
        sync_from_agreement(session, aid)
    return ids


# --------------------------------------------------------------------------- reading

def links_of(session: Session, entity: str, ids: Iterable[int]) -> dict[int, list[int]]:
    link = LINKS[entity]
    out: dict[int, list[int]] = {}
    for chunk in _chunks(ids):
        for eid, pid in session.execute(select(link.c.entity_id, link.c.provision_id)
                                        .where(link.c.entity_id.in_(chunk))):
            out.setdefault(eid, []).append(pid)
    return {k: sorted(v) for k, v in out.items()}


def _dump(obj: Any) -> dict[str, Any]:
    return {c.name: _iso(getattr(obj, c.name)) for c in obj.__table__.columns}


def rows(session: Session, entity: str, agreement_id: int | None = None) -> list[dict[str, Any]]:
    """Every row of an entity (optionally of one agreement) as plain data, with ``provisions``."""
    if entity == "agreements":
        q = select(TrackedAgreement).order_by(TrackedAgreement.agreement_id)
        if agreement_id is not None:
            q = q.where(TrackedAgreement.agreement_id == agreement_id)
        # updated_at is bookkeeping, not the office's data: left out so a round trip is exact.
        return [{k: v for k, v in _dump(r).items() if k != "updated_at"} for r in session.scalars(q)]
    model = MODELS[entity]
    q = select(model).order_by(model.id)
    if agreement_id is not None:
        q = q.where(model.agreement_id == agreement_id)
    objs = list(session.scalars(q))
    links = links_of(session, entity, [o.id for o in objs])
    return [_dump(o) | {"provisions": links.get(o.id, [])} for o in objs]


def anchors_of(session: Session, agreement_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Effective anchor dates: the office's value when recorded, else the store's signing date."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(agreement_ids):
        for aid, signed in session.execute(select(AgreementRow.id, AgreementRow.signed_date)
                                           .where(AgreementRow.id.in_(chunk))):
            out[aid] = {"signing": signed, "entry_into_force": None}
        for t in session.scalars(select(TrackedAgreement).where(TrackedAgreement.agreement_id.in_(chunk))):
            if t.signed_date:
                out[t.agreement_id]["signing"] = t.signed_date
            if t.in_force_date:
                out[t.agreement_id]["entry_into_force"] = t.in_force_date
    return out


def deadlines(session: Session, today: date, *, agreement_id: int | None = None,
              overdue_only: bool = False, sync: bool = True) -> list[Deadline]:
    """Every deadline (of one agreement or all), computed against ``today``."""
    if sync:
        sync_pending(session, agreement_id)
    bq = select(Body).where(or_(Body.frequency.is_not(None), Body.due.is_not(None), Body.due_period.is_not(None)))
    mq = select(Milestone)
    if agreement_id is not None:
        bq, mq = bq.where(Body.agreement_id == agreement_id), mq.where(Milestone.agreement_id == agreement_id)
    bodies = list(session.scalars(bq))
    meets: dict[int, list[date]] = {}
    for chunk in _chunks(b.id for b in bodies if b.frequency):
        for bid, d in session.execute(select(Meeting.body_id, Meeting.date).where(Meeting.body_id.in_(chunk))):
            meets.setdefault(bid, []).append(d)
    mechs = [MechanismFacts(b.agreement_id, b.id, b.kind, b.name, b.frequency, b.due, b.due_period, b.due_anchor,
                            b.task, b.met_on, tuple(sorted(meets.get(b.id, ())))) for b in bodies]
    mss = [MilestoneFacts(m.agreement_id, m.id, m.title, m.due_date, m.done_date, m.project_id)
           for m in session.scalars(mq)]
    ag_ids = {m.agreement_id for m in mechs} | {m.agreement_id for m in mss}
    names = {}
    for chunk in _chunks(ag_ids):
        names.update(session.execute(select(AgreementRow.id, AgreementRow.name).where(AgreementRow.id.in_(chunk))).tuples().all())
    out = compute_deadlines(mechs, mss, anchors_of(session, ag_ids), today, names)
    return [d for d in out if d.state == "overdue"] if overdue_only else out


def tracking(session: Session, agreement_id: int, today: date) -> dict[str, Any]:
    """Everything about one agreement's implementation, as plain JSON-able data."""
    ag = session.get(AgreementRow, agreement_id)
    if ag is None:
        raise Refused([f"agreement {agreement_id}: unknown agreement: {agreement_id}"])
    sync_pending(session, agreement_id)
    data = {e: rows(session, e, agreement_id) for e in ("bodies", "projects", "milestones", "meetings", "updates")}
    anchors = anchors_of(session, [agreement_id])[agreement_id]
    tracked = session.get(TrackedAgreement, agreement_id)
    provs = list(session.scalars(select(ProvisionRow).where(ProvisionRow.agreement_id == agreement_id)
                                 .order_by(ProvisionRow.position, ProvisionRow.id)))
    summary = summarize(
        [ProvisionFacts(p.id, p.text, tuple(p.domains or ()), p.modality) for p in provs],
        [ProjectFacts(p["id"], p["status"], parse_day(p["start_date"]), parse_day(p["end_date"]),
                      frozenset(p["provisions"])) for p in data["projects"]],
        [MilestoneLinkFacts(m["id"], parse_day(m["due_date"]), parse_day(m["done_date"]), m["project_id"],
                            frozenset(m["provisions"])) for m in data["milestones"]],
        today)
    last_meeting: dict[int, str] = {}
    for m in data["meetings"]:
        last_meeting[m["body_id"]] = max(last_meeting.get(m["body_id"], ""), m["date"])
    for b in data["bodies"]:
        b["last_meeting"] = last_meeting.get(b["id"])
        b["n_meetings"] = sum(1 for m in data["meetings"] if m["body_id"] == b["id"])
    st = summary["provisions"]
    return {
        "agreement": {"id": ag.id, "name": ag.name, "kind": ag.kind, "status": ag.status,
                      "parties": list(ag.parties or ()), "domains": list(ag.domains or ()),
                      "signed_date": ag.signed_date},
        "anchors": {"signed_date": _iso(anchors["signing"]),
                    "signed_date_source": "office" if tracked and tracked.signed_date else
                    ("sources" if ag.signed_date else None),
                    "in_force_date": _iso(anchors["entry_into_force"])},
        "today": today.isoformat(),
        **data,
        "provisions": [{"id": p.id, "text": p.text, "modality": p.modality, "domains": list(p.domains or ()),
                        "state": st[p.id].state, "why": st[p.id].why, "projects": st[p.id].projects,
                        "milestones": st[p.id].milestones} for p in provs],
        "coverage": {"covered": summary["covered"], "total": summary["total"], "share": summary["coverage"]},
        "counts": summary["counts"],
        "domains": summary["domains"],
        "deadlines": [d.to_dict(today) for d in deadlines(session, today, agreement_id=agreement_id, sync=False)],
    }


def tracked_agreement_ids(session: Session) -> list[int]:
    """Agreements with any tracking data or mechanisms: what ``track status`` lists."""
    ids: set[int] = set(session.scalars(select(MechanismRow.agreement_id).distinct()))
    for model in (*MODELS.values(),):
        ids.update(session.scalars(select(model.agreement_id).distinct()))
    ids.update(session.scalars(select(TrackedAgreement.agreement_id)))
    return sorted(ids)


# --------------------------------------------------------------------------- CSV import/export

def import_tables(session: Session, tables: dict[str, list[tuple[str, dict[str, Any]]]],
                  structural_errors: list[str] | None = None) -> dict[str, int]:
    """All-or-nothing import: validate every row first (raising ``Refused`` with every
    problem), then write.  The caller's transaction makes the write atomic."""
    errors = list(structural_errors or ())
    try:
        ops = validate_batch(session, tables)
    except Refused as exc:
        errors.extend(exc.errors)
        ops = []
    if errors:
        raise Refused(errors)
    _apply_checked(session, ops)
    counts: dict[str, int] = {}
    for op in ops:
        counts[op.entity] = counts.get(op.entity, 0) + 1
    return counts


__all__ = [
    "FieldError", "Op", "Refused", "add_body", "add_meeting", "add_milestone", "add_project", "add_update",
    "anchors_of", "apply_ops", "deadlines", "edit_item", "import_tables", "links_of", "rows", "set_anchors",
    "sync_from_agreement", "sync_pending", "tracked_agreement_ids", "tracking", "validate_batch", "write",
]
