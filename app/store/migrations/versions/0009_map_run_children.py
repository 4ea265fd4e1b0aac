"""the children of Map Runs in a table of their own

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:00:00.000000

A distributed Map's children (their inputs, item counts, statuses and results) move out of the parent's
snapshot into ``map_run_children``. A snapshot of the previous format with a running Map Run is read as a
Map to enter again (see ``durable.snapshot.upgrade``); every running execution is handed a ``run`` item so
that such a Map starts again at once (for any other, it finds nothing to do).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "map_run_children",
        sa.Column("map_run_arn", sa.String(600), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("execution_arn", sa.String(256), nullable=False),
        sa.Column("input", sa.Text(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("map_run_arn", "position", name=op.f("pk_map_run_children")),
    )
    with op.batch_alter_table("map_run_children") as batch_op:
        batch_op.create_index(batch_op.f("ix_map_run_children_execution_arn"), ["execution_arn"], unique=False)
    op.execute(
        "INSERT INTO work_items (execution_arn, kind, visible_at, attempts, payload) "
        "SELECT arn, 'run', 0, 0, '{}' FROM executions WHERE status = 'RUNNING'"
    )


def downgrade() -> None:
    with op.batch_alter_table("map_run_children") as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_run_children_execution_arn"))
    op.drop_table("map_run_children")
