"""schedules, deployed stacks and deployed functions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 20:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("arn", sa.String(256), nullable=False),
        sa.Column("expression", sa.String(256), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("target_arn", sa.String(256), nullable=False),
        sa.Column("input", sa.Text(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("description", sa.String(512), nullable=True),
        sa.Column("start_date", sa.Double(), nullable=True),
        sa.Column("end_date", sa.Double(), nullable=True),
        sa.Column("stack_name", sa.String(128), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.Column("anchor", sa.Double(), nullable=False),
        sa.Column("next_fire_at", sa.Double(), nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.Double(), nullable=True),
        sa.Column("last_fired_at", sa.Double(), nullable=True),
        sa.Column("last_execution_arn", sa.String(256), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_schedules")),
    )
    with op.batch_alter_table("schedules") as batch_op:
        batch_op.create_index(batch_op.f("ix_schedules_next_fire_at"), ["next_fire_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_schedules_stack_name"), ["stack_name"], unique=False)
    op.create_table(
        "stacks",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("resources", sa.Text(), nullable=False),
        sa.Column("outputs", sa.Text(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stacks")),
    )
    op.create_table(
        "functions",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("handler", sa.String(128), nullable=False),
        sa.Column("runtime", sa.String(32), nullable=False),
        sa.Column("code", sa.LargeBinary(), nullable=False),
        sa.Column("code_sha256", sa.String(64), nullable=False),
        sa.Column("environment", sa.Text(), nullable=False),
        sa.Column("timeout", sa.Double(), nullable=False),
        sa.Column("stack_name", sa.String(128), nullable=True),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_functions")),
    )


def downgrade() -> None:
    op.drop_table("functions")
    op.drop_table("stacks")
    with op.batch_alter_table("schedules") as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedules_stack_name"))
        batch_op.drop_index(batch_op.f("ix_schedules_next_fire_at"))
    op.drop_table("schedules")
