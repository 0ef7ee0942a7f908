"""Tracking tables: what happened after the signing (bodies, projects, milestones, meetings,
status updates), on the store's declarative ``Base`` so one Alembic history covers both.

Created by migration ``0002_tracking``.  Everything hangs off ``agreements.id`` with
ON DELETE CASCADE (tracking data of an agreement that is deleted has nothing to track).
Links to the extractor's rows are softer: a body keeps its ``mechanism_id`` only while
the store still reports that mechanism (SET NULL, the office's records stay), and a
provision link disappears with its provision (the store keeps provision ids stable
across re-merges, so that only happens when no source reports the provision any more).

Dates are real ``DATE`` columns: comparisons and sorting happen in SQL, and both
dialects store them natively.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pactwatch.store.models import Base

BODY_KINDS = ("commission", "working_group", "dialogue", "council", "committee", "summit", "meeting",
              "secretariat", "other")
PROJECT_STATUSES = ("planned", "in_progress", "done", "suspended", "cancelled")
ORIGINS = ("extracted", "manual")


def _link_table(name: str, entity_table: str) -> Table:
    """An entity <-> provision link table: which provisions an entity implements."""
    return Table(
        name, Base.metadata,
        Column("entity_id", Integer, ForeignKey(f"{entity_table}.id", ondelete="CASCADE"), primary_key=True),
        Column("provision_id", Integer, ForeignKey("provisions.id", ondelete="CASCADE"), primary_key=True,
               index=True),
    )


body_provisions = _link_table("track_body_provisions", "track_bodies")
project_provisions = _link_table("track_project_provisions", "track_projects")
milestone_provisions = _link_table("track_milestone_provisions", "track_milestones")
meeting_provisions = _link_table("track_meeting_provisions", "track_meetings")
update_provisions = _link_table("track_update_provisions", "track_updates")


class TrackedAgreement(Base):
    """Facts the office knows that the sources may not (yet): the anchors of relative terms.

    Kept here rather than written into ``agreements.signed_date`` because the canonical
    agreement is re-derived from its sources on every merge and would lose the value;
    the effective signing date is this one when set, else the store's.
    """

    __tablename__ = "track_agreements"

    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), primary_key=True)
    signed_date: Mapped[date | None] = mapped_column(Date)
    in_force_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Body(Base):
    """A partnership body (commission, working group, dialogue, ...) or recurring meeting.

    Also holds the mechanism's terms: the record's Mechanism only has an absolute ``due``,
    so the relative term ("within three months from the signing" -> P3M after signing)
    that sync reads from the evidence passage is kept here for when the anchor is learned.
    """

    __tablename__ = "track_bodies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    mechanism_id: Mapped[int | None] = mapped_column(
        ForeignKey("mechanisms.id", ondelete="SET NULL"), unique=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    frequency: Mapped[str | None] = mapped_column(String(32))
    due: Mapped[str | None] = mapped_column(String(10))        # absolute, may be partial (2026-05)
    due_period: Mapped[str | None] = mapped_column(String(32))  # relative term: P3M ...
    due_anchor: Mapped[str | None] = mapped_column(String(32))  # ... after "signing"
    task: Mapped[str | None] = mapped_column(Text)              # what is due by then
    established: Mapped[date | None] = mapped_column(Date)
    met_on: Mapped[date | None] = mapped_column(Date)           # one-off term met on
    notes: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), nullable=False, default="manual")

    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="body", cascade="all, delete-orphan", passive_deletes=True, order_by="Meeting.date")


class Project(Base):
    __tablename__ = "track_projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("track_bodies.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="planned")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    lead: Mapped[str | None] = mapped_column(Text)


class Milestone(Base):
    """A roadmap milestone: due date and (once reached) done date."""

    __tablename__ = "track_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("track_projects.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("track_bodies.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(Text, nullable=False)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    done_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class Meeting(Base):
    """A recorded meeting of a body.  One per body and day: a second one is a duplicate."""

    __tablename__ = "track_meetings"
    __table_args__ = (UniqueConstraint("body_id", "date", name="uq_track_meetings_body_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("track_bodies.id", ondelete="CASCADE"), nullable=False)
    date: Mapped[date] = mapped_column(Date, nullable=False)
    place: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    body: Mapped[Body] = relationship(back_populates="meetings")


class StatusUpdate(Base):
    """A dated note on progress, optionally moving a project to a new status."""

    __tablename__ = "track_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), nullable=False, index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("track_projects.id", ondelete="CASCADE"), index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("track_milestones.id", ondelete="CASCADE"))
    date: Mapped[date] = mapped_column(Date, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str | None] = mapped_column(String(16))


# entity name -> (ORM class, provision link table); the service and CSV code iterate this.
ENTITIES = {
    "bodies": (Body, body_provisions),
    "projects": (Project, project_provisions),
    "milestones": (Milestone, milestone_provisions),
    "meetings": (Meeting, meeting_provisions),
    "updates": (StatusUpdate, update_provisions),
}

__all__ = [
    "BODY_KINDS", "ENTITIES", "ORIGINS", "PROJECT_STATUSES", "Body", "Meeting", "Milestone", "Project",
    "StatusUpdate", "TrackedAgreement", "body_provisions", "meeting_provisions", "milestone_provisions",
    "project_provisions", "update_provisions",
]
