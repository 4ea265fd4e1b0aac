"""Execution log records, in the shape Step Functions sends to CloudWatch Logs, as JSON lines.

A state machine's ``loggingConfiguration`` picks the records: ``ALL`` events, ``ERROR`` the
events of failures, ``FATAL`` only the execution's own failure, ``OFF`` none; without
``includeExecutionData`` the records carry no input or output. They go to the sink the server
is configured with (``SFN_EXECUTION_LOG``: ``stdout``, a file path, or ``off``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from app.codec import dumps, loads
from app.engine.types import HistoryEvent

LEVELS = ("ALL", "ERROR", "FATAL", "OFF")
FATAL_EVENTS = frozenset({"ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"})
ERROR_SUFFIXES = ("Failed", "TimedOut", "Aborted")
DATA_FIELDS = frozenset({"input", "output", "inputDetails", "outputDetails"})


@dataclass(frozen=True)
class LogLevel:
    """What a ``loggingConfiguration`` asks to be logged."""

    level: str = "OFF"
    include_data: bool = False

    @classmethod
    def of(cls, configuration: str | None) -> LogLevel:
        """The level of a stored ``loggingConfiguration`` (JSON text, or None for none)."""
        if not configuration:
            return cls()
        data: dict[str, Any] = loads(configuration)
        return cls(str(data.get("level", "OFF")), bool(data.get("includeExecutionData", False)))

    @property
    def enabled(self) -> bool:
        return self.level != "OFF"

    def wants(self, event_type: str) -> bool:
        if self.level == "ALL":
            return True
        if self.level == "ERROR":
            return event_type.endswith(ERROR_SUFFIXES)
        return self.level == "FATAL" and event_type in FATAL_EVENTS


class LogSink:
    """Where log records go: one JSON object per line, whole lines even from many threads."""

    def __init__(self, target: str) -> None:
        self._lock = threading.Lock()
        self._file: TextIO | None = None
        self._off = target.lower() == "off"
        if not self._off and target.lower() != "stdout":
            self._file = Path(target).open("a", encoding="utf-8")  # noqa: SIM115 - kept open for the process

    @property
    def enabled(self) -> bool:
        return not self._off

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        if self._off or not records:
            return
        text = "".join(dumps(record) + "\n" for record in records)
        with self._lock:
            stream = self._file or sys.stdout
            stream.write(text)
            stream.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def records(
    level: LogLevel, execution_arn: str, events: Sequence[HistoryEvent], redrive_count: int = 0
) -> list[dict[str, Any]]:
    """The log records of ``events`` that ``level`` asks for."""
    return [_record(level, execution_arn, event, redrive_count) for event in events if level.wants(event.type)]


def _record(level: LogLevel, execution_arn: str, event: HistoryEvent, redrive_count: int) -> dict[str, Any]:
    details: dict[str, Any] = {}
    for value in (event.details or {}).values():
        if isinstance(value, dict):
            details = value if level.include_data else {k: v for k, v in value.items() if k not in DATA_FIELDS}
    return {
        "id": str(event.id),
        "type": event.type,
        "details": details,
        "previous_event_id": str(event.previous_event_id),
        "event_timestamp": str(int(event.timestamp * 1000)),
        "execution_arn": execution_arn,
        "redrive_count": str(redrive_count),
    }
