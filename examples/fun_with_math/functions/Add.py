"""Add: ``[a, b]`` -> ``a + b``."""

from __future__ import annotations

from typing import Any


def handler(event: list[float], context: Any) -> float:
    """Sum the two numbers of the input array."""
    first, second = event
    return first + second
