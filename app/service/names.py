"""Resource-name rules of Step Functions (state machines, executions, activities)."""

from __future__ import annotations

import re

from app.errors import InvalidName

# Whitespace, brackets, wildcards, special and control characters that AWS forbids in names.
_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def require_valid_name(name: str) -> None:
    """Raise ``InvalidName`` for a name AWS would refuse."""
    if not 1 <= len(name) <= 80:
        raise InvalidName(f"Invalid Name: '{name}' (length must be between 1 and 80)")
    if _FORBIDDEN.search(name):
        raise InvalidName(f"Invalid Name: '{name}'")
