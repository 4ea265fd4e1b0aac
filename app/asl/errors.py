"""Run-time errors named the way the States Language names them.

Every failure inside a state machine is an error name (``States.Runtime``, a Lambda's
``errorType``, a ``Fail`` state's ``Error``) plus a human-readable cause. Pure code raises
:class:`StatesError`; the engine turns it into history events and Retry/Catch decisions.
"""

from __future__ import annotations

ALL = "States.ALL"
HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout"
TIMEOUT = "States.Timeout"
TASK_FAILED = "States.TaskFailed"
PERMISSIONS = "States.Permissions"
RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure"
PARAMETER_PATH_FAILURE = "States.ParameterPathFailure"
QUERY_EVALUATION_ERROR = "States.QueryEvaluationError"
BRANCH_FAILED = "States.BranchFailed"
NO_CHOICE_MATCHED = "States.NoChoiceMatched"
INTRINSIC_FAILURE = "States.IntrinsicFailure"
EXCEED_TOLERATED_FAILURE_THRESHOLD = "States.ExceedToleratedFailureThreshold"
ITEM_READER_FAILED = "States.ItemReaderFailed"
RESULT_WRITER_FAILED = "States.ResultWriterFailed"
RUNTIME = "States.Runtime"
DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded"


class StatesError(Exception):
    """A run-time failure with an ASL error name and a cause, as recorded in history events."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


def oversized_result(state_name: str) -> str:
    """AWS's cause of a state's result over the payload quota (``States.DataLimitExceeded``)."""
    return (
        f"The state/task '{state_name}' returned a result with a size exceeding the maximum number of bytes "
        "service limit."
    )
