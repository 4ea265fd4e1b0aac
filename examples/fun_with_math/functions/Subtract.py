"""Subtract: ``[a, b]`` -> ``a - b``."""

from __future__ import annotations

from typing import Any


def handler(event: list[float], context: Any) -> float:
    """Subtract the second number of the input array from the first."""
    first, second = event
    return first - second
