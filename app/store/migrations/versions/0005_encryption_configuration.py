"""encryption configuration of state machines and activities

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 15:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("state_machines", "activities"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("encryption_configuration", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ("activities", "state_machines"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("encryption_configuration")
