"""The context object (``$$`` in JSONPath, ``$states.context`` in JSONata)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from app.engine.types import ExecutionInfo


@lru_cache(maxsize=256)
def iso_timestamp(epoch: float) -> str:
    """Epoch seconds as AWS prints them in the context object: millisecond precision, ``Z``."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def context_object(
    info: ExecutionInfo, state_name: str, entered_time: float, retry_count: int | None = None
) -> dict[str, Any]:
    """The context object as a state sees it while it runs; ``State.RetryCount`` only where it can retry."""
    state: dict[str, Any] = {"Name": state_name, "EnteredTime": iso_timestamp(entered_time)}
    if retry_count is not None:
        state["RetryCount"] = retry_count
    execution: dict[str, Any] = {
        "Id": info.arn,
        "Input": info.input,
        "Name": info.name,
        "RoleArn": info.role_arn,
        "StartTime": iso_timestamp(info.start_time),
        "RedriveCount": info.redrive_count,
    }
    if info.redrive_time is not None:
        execution["RedriveTime"] = iso_timestamp(info.redrive_time)
    return {
        "Execution": execution,
        "StateMachine": {"Id": info.state_machine_arn, "Name": info.state_machine_name},
        "State": state,
    }
