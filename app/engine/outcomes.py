"""What a state handler tells the interpreter to do next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Proceed:
    """The state is done with ``output``: exit it and follow ``Next`` or end the execution."""

    output: Any


@dataclass(frozen=True)
class Suspend:
    """The state waits for a trigger (a timer, a task result); nothing more to do now."""


@dataclass(frozen=True)
class FailExecution:
    """End the execution as FAILED with this error and cause, exactly as given."""

    error: str | None
    cause: str | None


Outcome = Proceed | Suspend | FailExecution
