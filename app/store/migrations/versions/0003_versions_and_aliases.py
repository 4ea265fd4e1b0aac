"""state machine versions and aliases

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 14:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state_machine_versions",
        sa.Column("arn", sa.String(length=256), nullable=False),
        sa.Column("state_machine_arn", sa.String(length=256), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("arn", name=op.f("pk_state_machine_versions")),
        sa.UniqueConstraint(
            "state_machine_arn", "version", name=op.f("uq_state_machine_versions_state_machine_arn_version")
        ),
    )
    op.create_table(
        "state_machine_aliases",
        sa.Column("arn", sa.String(length=256), nullable=False),
        sa.Column("state_machine_arn", sa.String(length=256), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=256), nullable=True),
        sa.Column("routing", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("arn", name=op.f("pk_state_machine_aliases")),
    )
    with op.batch_alter_table("state_machine_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_state_machine_aliases_state_machine_arn"), ["state_machine_arn"], unique=False
        )
    with op.batch_alter_table("state_machines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_version", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version_arn", sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column("alias_arn", sa.String(length=256), nullable=True))
        batch_op.create_index("ix_executions_version_arn_start_date", ["version_arn", "start_date"], unique=False)
        batch_op.create_index("ix_executions_alias_arn_start_date", ["alias_arn", "start_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("executions", schema=None) as batch_op:
        batch_op.drop_index("ix_executions_alias_arn_start_date")
        batch_op.drop_index("ix_executions_version_arn_start_date")
        batch_op.drop_column("alias_arn")
        batch_op.drop_column("version_arn")
    with op.batch_alter_table("state_machines", schema=None) as batch_op:
        batch_op.drop_column("last_version")
    with op.batch_alter_table("state_machine_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_machine_aliases_state_machine_arn"))
    op.drop_table("state_machine_aliases")
    op.drop_table("state_machine_versions")
