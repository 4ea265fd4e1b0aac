"""JSON text as Step Functions writes it into events and outputs: compact, UTF-8 kept as is.

orjson writes the same text as ``json.dumps(separators=(",", ":"), ensure_ascii=False)`` many
times faster; integers beyond 64 bits, which it refuses, fall back to the standard library.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def dumps(value: Any) -> str:
    """Compact JSON, the form AWS uses for state inputs and outputs."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)
