"""Raises an exception of a custom class, as a function would to signal a business error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # for the checker only: a function file imports nothing of the server when it runs
    from app.integrations.functions.context import LambdaContext


class CustomError(Exception):
    pass


def handler(event: dict[str, Any], context: LambdaContext) -> NoReturn:
    raise CustomError(f"custom failure for {event.get('id')}")
