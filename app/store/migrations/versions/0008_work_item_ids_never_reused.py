"""work item ids are never reused

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 15:00:00.000000

SQLite hands out the id of a deleted last row again unless the table is declared AUTOINCREMENT.
A worker whose lease ran out deletes the item it held by id when its late news arrives; with ids
reused, that could delete the newer item of another execution. PostgreSQL's sequence never
reuses ids, so only SQLite's table is rebuilt (rows and their ids kept).
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)


def _rebuild(*, autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("work_items", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass
