"""Tags of any taggable resource (state machines, activities), keyed by its ARN."""

from __future__ import annotations

import sqlalchemy as sa

from app.store.records import TagRecord
from app.store.tables import tags


def get(conn: sa.Connection, resource_arn: str) -> dict[str, str]:
    rows = conn.execute(sa.select(tags.c.key, tags.c.value).where(tags.c.resource_arn == resource_arn))
    return {record.key: record.value for record in map(TagRecord._make, rows)}


def put(conn: sa.Connection, resource_arn: str, new_tags: dict[str, str]) -> None:
    """Add or overwrite tags on a resource."""
    if not new_tags:
        return
    conn.execute(tags.delete().where(tags.c.resource_arn == resource_arn, tags.c.key.in_(list(new_tags))))
    conn.execute(
        tags.insert(),
        [{"resource_arn": resource_arn, "key": key, "value": value} for key, value in new_tags.items()],
    )


def remove(conn: sa.Connection, resource_arn: str, keys: list[str]) -> None:
    conn.execute(tags.delete().where(tags.c.resource_arn == resource_arn, tags.c.key.in_(keys)))


def remove_all(conn: sa.Connection, resource_arn: str) -> None:
    """Drop every tag of a resource that is gone."""
    conn.execute(tags.delete().where(tags.c.resource_arn == resource_arn))
