"""Opaque page tokens: the position after the last item returned, for one kind of listing."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from app.codec import dumps, loads
from app.errors import InvalidToken

Row = TypeVar("Row")
#: What a position holds: a type, or a list of positions of these types (``(float, str)``).
Shape = type | tuple[type, ...]
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def page_size(max_results: int | None) -> int:
    """AWS treats 0 or an absent ``maxResults`` as the default page size."""
    return DEFAULT_PAGE_SIZE if not max_results else min(max_results, MAX_PAGE_SIZE)


def encode(kind: str, position: Any) -> str:
    raw = dumps({"k": kind, "p": position}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode(kind: str, token: str | None, shape: Shape = str) -> Any:
    """The position a token carries; ``InvalidToken`` for a token that is not one of ours for ``kind``,
    or whose position is not of ``shape`` (a forged token must not reach a query)."""
    if token is None:
        return None
    try:
        data = loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken(f"Invalid Token: '{token}'") from exc
    if not isinstance(data, dict) or data.get("k") != kind or not _fits(data.get("p"), shape):
        raise InvalidToken(f"Invalid Token: '{token}'")
    return data["p"]


def _fits(position: Any, shape: Shape) -> bool:
    if isinstance(shape, tuple):
        return (
            isinstance(position, list)
            and len(position) == len(shape)
            and all(_fits(part, kind) for part, kind in zip(position, shape, strict=True))
        )
    if isinstance(position, bool):
        return shape is bool
    if shape is float:
        return isinstance(position, int | float)
    return isinstance(position, shape)


def page(
    member: str,
    rows: Sequence[Row],
    limit: int,
    render: Callable[[Row], Any],
    kind: str,
    position: Callable[[Row], Any],
) -> dict[str, Any]:
    """A listing response from ``limit + 1`` fetched rows: the extra row only says another page follows."""
    result: dict[str, Any] = {member: [render(row) for row in rows[:limit]]}
    if len(rows) > limit:
        result["nextToken"] = encode(kind, position(rows[limit - 1]))
    return result
