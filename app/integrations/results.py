"""What an integration call comes back with: an output, or an ASL error name with a cause."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TaskSuccess:
    """The call succeeded; ``output`` is the task's result (before ResultSelector/ResultPath)."""

    output: Any


@dataclass(frozen=True)
class TaskFailure:
    """The call failed with an error name Retry/Catch can match, and a cause."""

    error: str
    cause: str


TaskResult = TaskSuccess | TaskFailure
