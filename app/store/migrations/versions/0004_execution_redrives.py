"""execution redrives

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redrive_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("redrive_date", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("redrive_tokens", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.drop_column("redrive_tokens")
        batch_op.drop_column("redrive_date")
        batch_op.drop_column("redrive_count")
