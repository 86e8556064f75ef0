"""The dashboard's counts kept per project (filled from the findings already
there), and a lease on running jobs so that a dead worker's job is taken again.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "project_counts",
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey("projects.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("control", sa.String(40), primary_key=True),
        sa.Column("severity", sa.String(10), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.execute(
        "INSERT INTO project_counts (project_id, control, severity, count) "
        "SELECT f.project_id, f.control, f.severity, COUNT(*) FROM findings f "
        "LEFT JOIN triage t ON t.project_id = f.project_id AND t.fingerprint = f.fingerprint "
        "WHERE f.status IN ('new', 'open', 'reopened') AND t.id IS NULL "
        "GROUP BY f.project_id, f.control, f.severity"
    )
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("locked_by", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
