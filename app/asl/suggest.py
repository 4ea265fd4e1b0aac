"""The known name closest to a misspelt one, for the "did you mean" of a diagnostic."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: How alike (difflib's ratio, 0 to 1) two names must be for one to be suggested for the other.
_CUTOFF = 0.75


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like ``name``, ignoring case; None when none is close enough."""
    by_folded: dict[str, str] = {}
    for candidate in known:
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(name.casefold(), by_folded, n=1, cutoff=_CUTOFF)
    return by_folded[matches[0]] if matches else None
