"""API errors with the AWS error codes that SDKs map to exception classes.

ServiceError                      HTTP 400, {"__type": code, "message": message}
├── ValidationException           a request field breaks its documented constraint
├── InvalidArn / InvalidName / InvalidDefinition / InvalidExecutionInput / InvalidToken
├── StateMachineDoesNotExist / ExecutionDoesNotExist / ResourceNotFound
├── StateMachineAlreadyExists / ExecutionAlreadyExists / StateMachineDeleting
└── ... every other code is a plain ServiceError with that code
"""

from __future__ import annotations


class ServiceError(Exception):
    """An error the client caused, reported with an AWS error code."""

    status_code = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
