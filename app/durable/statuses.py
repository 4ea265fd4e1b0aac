"""The statuses an execution and a task token go through, as stored and as the API shows them."""

from __future__ import annotations

from enum import StrEnum


class ExecutionStatus(StrEnum):
    """An execution's status; every one but RUNNING is final."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"


class TokenStatus(StrEnum):
    """A task token's status. Only an open token can be completed, and only once."""

    SCHEDULED = "SCHEDULED"  # an activity task no worker has taken yet
    STARTED = "STARTED"  # an activity task a worker took
    PENDING = "PENDING"  # a .waitForTaskToken task waiting for its callback
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"  # the task timed out; a late answer gets TaskTimedOut
    CLOSED = "CLOSED"  # the execution ended while the task waited


OPEN_TOKEN_STATUSES = (TokenStatus.SCHEDULED, TokenStatus.STARTED, TokenStatus.PENDING)


class StateMachineStatus(StrEnum):
    """A state machine is ACTIVE until deleted; DELETING while its running executions are stopped."""

    ACTIVE = "ACTIVE"
    DELETING = "DELETING"
