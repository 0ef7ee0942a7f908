"""Provision status, coverage and progress per domain: pure functions over plain data.

A provision's status comes from the projects and milestones linked to it (a milestone
of a linked project counts for the provision too):

* ``overdue``      - some linked milestone is past its due date and not done, or some
                     linked project is past its end date and not done;
* ``done``         - everything linked (cancelled projects aside) is done;
* ``in_progress``  - work has visibly begun: a project in progress or done, a milestone
                     done, or a project whose start date has passed;
* ``not_started``  - nothing linked, or only planned work that has not begun.

Overdue wins over everything else: an office wants the late item on top even when most
of the work is done.  Coverage is the share of provisions with at least one project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

NOT_STARTED, IN_PROGRESS, DONE, OVERDUE = "not_started", "in_progress", "done", "overdue"
PROVISION_STATES = (NOT_STARTED, IN_PROGRESS, DONE, OVERDUE)
STATE_LABELS = {NOT_STARTED: "not started", IN_PROGRESS: "in progress", DONE: "done", OVERDUE: "overdue"}
NO_DOMAIN = "(no domain)"


@dataclass(frozen=True)
class ProvisionFacts:
    id: int
    text: str
    domains: tuple[str, ...] = ()
    modality: str | None = None


@dataclass(frozen=True)
class ProjectFacts:
    id: int
    status: str
    start_date: date | None = None
    end_date: date | None = None
    provision_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class MilestoneLinkFacts:
    id: int
    due: date | None
    done: date | None
    project_id: int | None = None
    provision_ids: frozenset[int] = frozenset()


@dataclass
class ProvisionStatus:
    provision_id: int
    state: str
    projects: list[int] = field(default_factory=list)
    milestones: list[int] = field(default_factory=list)
    why: str = ""


def provision_status(pid: int, projects: Iterable[ProjectFacts], milestones: Iterable[MilestoneLinkFacts],
                     today: date) -> ProvisionStatus:
    linked_p = [p for p in projects if pid in p.provision_ids]
    pids = {p.id for p in linked_p}
    linked_m = [m for m in milestones if pid in m.provision_ids or (m.project_id in pids)]
    st = ProvisionStatus(pid, NOT_STARTED, sorted(pids), sorted(m.id for m in linked_m))
    late_m = [m for m in linked_m if m.done is None and m.due is not None and m.due < today]
    late_p = [p for p in linked_p if p.status not in ("done", "cancelled") and p.end_date and p.end_date < today]
    if late_m or late_p:
        st.state = OVERDUE
        st.why = "; ".join([f"milestone #{m.id} due {m.due}" for m in late_m]
                           + [f"project #{p.id} ended {p.end_date}" for p in late_p])
        return st
    active_p = [p for p in linked_p if p.status != "cancelled"]
    if not active_p and not linked_m:
        st.why = "no project or milestone" if not linked_p else "only cancelled projects"
        return st
    if all(p.status == "done" for p in active_p) and all(m.done for m in linked_m):
        st.state, st.why = DONE, "all linked work done"
        return st
    begun = (any(p.status in ("in_progress", "done") for p in active_p)
             or any(m.done for m in linked_m)
             or any(p.start_date and p.start_date <= today for p in active_p if p.status != "suspended"))
    if begun:
        st.state, st.why = IN_PROGRESS, "work under way"
    else:
        st.why = "only planned work"
    return st


def summarize(provisions: list[ProvisionFacts], projects: list[ProjectFacts],
              milestones: list[MilestoneLinkFacts], today: date) -> dict:
    """{"provisions": {id: ProvisionStatus}, "coverage": float|None, "covered": n, "total": n,
    "counts": {state: n}, "domains": {domain: {state: n, "total": n}}}."""
    statuses = {p.id: provision_status(p.id, projects, milestones, today) for p in provisions}
    covered = sum(1 for p in provisions if statuses[p.id].projects)
    counts = {s: 0 for s in PROVISION_STATES}
    domains: dict[str, dict[str, int]] = {}
    for p in provisions:
        s = statuses[p.id].state
        counts[s] += 1
        for d in (p.domains or (NO_DOMAIN,)):
            row = domains.setdefault(d, {**{k: 0 for k in PROVISION_STATES}, "total": 0})
            row[s] += 1
            row["total"] += 1
    return {
        "provisions": statuses,
        "covered": covered,
        "total": len(provisions),
        # None rather than 0 for an agreement without provisions: nothing to cover is not 0 %.
        "coverage": (covered / len(provisions)) if provisions else None,
        "counts": counts,
        "domains": dict(sorted(domains.items())),
    }


__all__ = [
    "DONE", "IN_PROGRESS", "NOT_STARTED", "OVERDUE", "PROVISION_STATES", "STATE_LABELS", "MilestoneLinkFacts",
    "ProjectFacts", "ProvisionFacts", "ProvisionStatus", "provision_status", "summarize",
]
