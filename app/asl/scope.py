"""What an expression can see while a state runs: its input, the context object, variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DataScope:
    """The data a JSONPath, payload template, intrinsic or JSONata expression is evaluated against.

    ``input`` is ``$`` (JSONPath) or ``$states.input`` (JSONata); ``context`` is ``$$`` /
    ``$states.context``; ``variables`` are the workflow variables set by ``Assign``.
    """

    input: Any
    context: Mapping[str, Any] = field(default_factory=dict)
    variables: Mapping[str, Any] = field(default_factory=dict)
