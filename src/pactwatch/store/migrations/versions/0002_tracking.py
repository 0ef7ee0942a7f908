"""Tracking: partnership bodies, projects, roadmap milestones, meetings, status updates, the
office's anchor dates, and the link tables to the provisions each one implements.

Models: ``pactwatch.track.models``.  Plain tables on both dialects (no FTS here).

Revision ID: 0002_tracking
Revises: 0001_initial
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_tracking"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

LINKS = (
    ("track_body_provisions", "track_bodies"),
    ("track_project_provisions", "track_projects"),
    ("track_milestone_provisions", "track_milestones"),
    ("track_meeting_provisions", "track_meetings"),
    ("track_update_provisions", "track_updates"),
)


def _agreement_fk() -> sa.Column:
    return sa.Column("agreement_id", sa.Integer(), sa.ForeignKey("agreements.id", ondelete="CASCADE"),
                     nullable=False)


def upgrade() -> None:
    op.create_table(
        "track_agreements",
        sa.Column("agreement_id", sa.Integer(), sa.ForeignKey("agreements.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("signed_date", sa.Date(), nullable=True),
        sa.Column("in_force_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "track_bodies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _agreement_fk(),
        sa.Column("mechanism_id", sa.Integer(), sa.ForeignKey("mechanisms.id", ondelete="SET NULL"),
                  nullable=True, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(32), nullable=True),
        sa.Column("due", sa.String(10), nullable=True),
        sa.Column("due_period", sa.String(32), nullable=True),
        sa.Column("due_anchor", sa.String(32), nullable=True),
        sa.Column("task", sa.Text(), nullable=True),
        sa.Column("established", sa.Date(), nullable=True),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
    )
    op.create_index("ix_track_bodies_agreement_id", "track_bodies", ["agreement_id"])
    op.create_table(
        "track_projects",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _agreement_fk(),
        sa.Column("body_id", sa.Integer(), sa.ForeignKey("track_bodies.id", ondelete="SET NULL"), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("lead", sa.Text(), nullable=True),
    )
    op.create_index("ix_track_projects_agreement_id", "track_projects", ["agreement_id"])
    op.create_index("ix_track_projects_body_id", "track_projects", ["body_id"])
    op.create_table(
        "track_milestones",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _agreement_fk(),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("track_projects.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("body_id", sa.Integer(), sa.ForeignKey("track_bodies.id", ondelete="SET NULL"), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("done_date", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
    )
    op.create_index("ix_track_milestones_agreement_id", "track_milestones", ["agreement_id"])
    op.create_index("ix_track_milestones_project_id", "track_milestones", ["project_id"])
    op.create_index("ix_track_milestones_due_date", "track_milestones", ["due_date"])
    op.create_table(
        "track_meetings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _agreement_fk(),
        sa.Column("body_id", sa.Integer(), sa.ForeignKey("track_bodies.id", ondelete="CASCADE"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.UniqueConstraint("body_id", "date", name="uq_track_meetings_body_date"),
    )
    op.create_index("ix_track_meetings_agreement_id", "track_meetings", ["agreement_id"])
    op.create_table(
        "track_updates",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _agreement_fk(),
        sa.Column("project_id", sa.Integer(), sa.ForeignKey("track_projects.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("milestone_id", sa.Integer(), sa.ForeignKey("track_milestones.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=True),
    )
    op.create_index("ix_track_updates_agreement_id", "track_updates", ["agreement_id"])
    op.create_index("ix_track_updates_project_id", "track_updates", ["project_id"])
    for name, entity in LINKS:
        op.create_table(
            name,
            sa.Column("entity_id", sa.Integer(), sa.ForeignKey(f"{entity}.id", ondelete="CASCADE"),
                      primary_key=True),
            sa.Column("provision_id", sa.Integer(), sa.ForeignKey("provisions.id", ondelete="CASCADE"),
                      primary_key=True),
        )
        op.create_index(f"ix_{name}_provision_id", name, ["provision_id"])


def downgrade() -> None:
    for name, _entity in reversed(LINKS):
        op.drop_index(f"ix_{name}_provision_id", table_name=name)
        op.drop_table(name)
    for table in ("track_updates", "track_meetings", "track_milestones", "track_projects", "track_bodies",
                  "track_agreements"):
        op.drop_table(table)  # dropping a table drops its indexes on both dialects
