"""The deadline source of the Deadlines page and ``GET /api/deadlines``.

``deadlines()`` is the one switch point: it uses the tracker's computation
(``pactwatch.track.service.deadlines``: bodies, recorded meetings, milestones, anchors
the office has corrected) when that package is installed, and otherwise derives
deadlines from the mechanisms the extractor stored (``due`` dates and meeting
``frequency``), through the tracker's pure ``compute_deadlines`` when available.
Both return the same plain dicts (``Deadline.to_dict(today)``), so the page does not
care which one ran.
"""

from __future__ import annotations

import logging
from datetime import date

log = logging.getLogger("pactwatch.web")


def _session(store, write: bool = False):
    """A session on the Store's database.

    Writes go through ``Store.session()`` (a write transaction, committed on exit); reads
    use a plain session on ``Store.engine`` so they never take SQLite's write lock.
    """
    if write:
        return store.session()
    from sqlalchemy.orm import Session

    return Session(store.engine)


def deadlines(store, *, party: str | None = None, today: date | None = None, limit: int = 500) -> list[dict]:
    today = today or date.today()
    try:
        items = _from_tracker(store, today)
    except ImportError:
        items = _from_mechanisms(store, today)
    if party:
        allowed = _agreements_of_party(store, party, {d["agreement_id"] for d in items})
        items = [d for d in items if d["agreement_id"] in allowed]
    return items[:limit]


def _from_tracker(store, today: date) -> list[dict]:
    from pactwatch.track import service  # ImportError -> fall back

    # The tracker syncs bodies from new mechanisms lazily on read, so this is a write
    # transaction (cheap when nothing changed).
    with _session(store, write=True) as session:
        out = service.deadlines(session, today)
    return [d.to_dict(today) for d in out]


def _from_mechanisms(store, today: date) -> list[dict]:
    """Deadlines straight from stored mechanisms: a one-off ``due`` or a recurring frequency."""
    import sqlalchemy as sa

    from pactwatch.store.models import AgreementRow, MechanismRow

    with _session(store) as session:
        rows = session.execute(
            sa.select(MechanismRow.id, MechanismRow.agreement_id, MechanismRow.kind, MechanismRow.name,
                      MechanismRow.frequency, MechanismRow.due, AgreementRow.name, AgreementRow.signed_date)
            .join(AgreementRow, AgreementRow.id == MechanismRow.agreement_id)
            .where(sa.or_(MechanismRow.due.is_not(None), MechanismRow.frequency.is_not(None)))).all()
    try:
        from pactwatch.track.deadlines import MechanismFacts, compute_deadlines
    except ImportError:  # pragma: no cover - the tracker's pure module ships with the package
        return _plain(rows, today)
    facts = [MechanismFacts(agreement_id=aid, body_id=mid, kind=kind, name=name, frequency=freq, due=due)
             for mid, aid, kind, name, freq, due, _, _ in rows]
    anchors = {aid: {"signing": signed, "entry_into_force": None} for _, aid, _, _, _, _, _, signed in rows}
    names = {aid: an for _, aid, _, _, _, _, an, _ in rows}
    return [d.to_dict(today) for d in compute_deadlines(facts, [], anchors, today, names)]


def _plain(rows, today: date) -> list[dict]:
    out = []
    for mid, aid, kind, name, freq, due, an, _ in rows:
        if not due or len(due) != 10:
            continue
        d = date.fromisoformat(due)
        out.append({"uid": f"mechanism-{mid}", "agreement_id": aid, "agreement_name": an, "source": "body",
                    "source_id": mid, "title": name or kind.replace("_", " "), "recurring": bool(freq),
                    "due": due, "state": "overdue" if d < today else "open", "reason": None, "frequency": freq,
                    "met_on": None, "last_meeting": None, "days_left": (d - today).days})
    out.sort(key=lambda x: (x["state"] != "overdue", x["due"]))
    return out


def _agreements_of_party(store, party: str, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    import sqlalchemy as sa

    from pactwatch.store.models import AgreementParty

    out: set[int] = set()
    id_list = sorted(ids)
    with _session(store) as session:
        for i in range(0, len(id_list), 500):
            chunk = id_list[i:i + 500]
            out.update(session.scalars(sa.select(AgreementParty.agreement_id)
                                       .where(AgreementParty.party == party, AgreementParty.agreement_id.in_(chunk))))
    return out
