"""An index the dashboard reads alone: open findings by control and severity.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_index(
        "ix_findings_dashboard", "findings", ["project_id", "status", "control", "severity"]
    )
