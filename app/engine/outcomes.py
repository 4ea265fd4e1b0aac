"""What a state handler tells the interpreter to do next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Proceed:
    """The state is done: exit it with ``output``, apply ``assigned`` variables, go to ``next``.

    ``next`` overrides the state's own ``Next`` (a Choice rule's target, a Catcher's).
    """

    output: Any
    assigned: Mapping[str, Any] = field(default_factory=dict)
    next: str | None = None


@dataclass(frozen=True)
class Suspend:
    """The state waits for a trigger (a timer, a task result); nothing more to do now."""


@dataclass(frozen=True)
class Fork:
    """The state runs child frames (Parallel branches, Map iterations) and joins them later."""


@dataclass(frozen=True)
class Failure:
    """The state fails with this error and cause, exactly as given (a Fail state's own)."""

    error: str | None
    cause: str | None


Outcome = Proceed | Suspend | Fork | Failure
