"""Functions deployed to the server (``sfn deploy``): their code on this machine, handler, variables and timeout.

Where the code comes from is handed in (``DeployedLookup``): the server keeps it in its database and writes
each version once to a directory named after its hash, so a new deployment is a new path and the next call
loads it, in every process, without a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DeployedFunction:
    """The module file to load, the handler's attribute in it, the function's variables and its timeout."""

    path: Path
    handler: str
    timeout: float
    environment: Mapping[str, str] = field(default_factory=dict)


#: The deployed function of a name, or None: looked up on every call, so a new deployment is seen at once.
DeployedLookup = Callable[[str], DeployedFunction | None]
