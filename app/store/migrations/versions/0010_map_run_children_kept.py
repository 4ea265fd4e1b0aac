"""the children a Map Run's redrive keeps

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 06:00:00.000000

A redrive of a Map Run marks, in the same transaction, the children that succeeded before it (``kept``)
and reopens the others; its calls then run the reopened ones a range at a time within ``MaxConcurrency``,
each call counting the kept children of its range once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("map_run_children") as batch_op:
        batch_op.add_column(sa.Column("kept", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("map_run_children") as batch_op:
        batch_op.drop_column("kept")
