"""JSON text as Step Functions writes it into events and outputs: compact, UTF-8 kept as is."""

from __future__ import annotations

import json
from typing import Any


def dumps(value: Any) -> str:
    """Compact JSON, the form AWS uses for state inputs and outputs."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
