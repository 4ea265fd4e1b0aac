"""The errors the Step Functions API answers with: one class per AWS error code, in one registry.

A client that made a mistake gets HTTP 400 and ``{"__type": code, "message": message}``; the SDKs
turn ``__type`` into an exception class of the same name. The REST routes answer 404 for the
codes that say a resource does not exist.

    ServiceError                        every error the API reports (HTTP 400)
    ├── ResourceMissing                 a named resource does not exist (REST: 404)
    │   ├── StateMachineDoesNotExist, ExecutionDoesNotExist, ActivityDoesNotExist
    │   └── ResourceNotFound, TaskDoesNotExist
    ├── CommonError                     errors of every AWS service, outside this one's model
    │   ├── ProtocolError               the request is not an AWS JSON call this server can read
    │   │   └── UnknownOperationException, SerializationException
    │   └── InternalFailure (500), ServiceUnavailable (503)   the server's fault: SDKs retry them
    └── ValidationException, InvalidArn, InvalidName, InvalidDefinition, ... (the rest below)

Raise the class (``raise InvalidArn(message)``); :data:`REGISTRY` maps every code to its class.
"""

from __future__ import annotations

from typing import ClassVar

REGISTRY: dict[str, type[ServiceError]] = {}


class ServiceError(Exception):
    """An error the client caused, reported with the AWS error code of its class.

    Subclasses are registered under their class name, which is the AWS code, unless they are
    families (``abstract``) that only group codes.
    """

    code: ClassVar[str] = "ServiceError"
    status: ClassVar[int] = 400
    abstract: ClassVar[bool] = True

    def __init_subclass__(cls, *, abstract: bool = False, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.abstract = abstract
        if not abstract:
            cls.code = cls.__name__
            assert cls.code not in REGISTRY, f"two classes for {cls.code}"
            REGISTRY[cls.code] = cls

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ResourceMissing(ServiceError, abstract=True):
    """The request names a resource that does not exist (the REST surface answers 404)."""


class CommonError(ServiceError, abstract=True):
    """An error every AWS service may answer, so none of them lists it in its model."""


class ProtocolError(CommonError, abstract=True):
    """The request is not a well-formed call of the AWS JSON protocol."""


class InternalFailure(CommonError):
    """The server failed in a way the request did not cause; SDKs retry it."""

    status = 500


class ServiceUnavailable(CommonError):
    """The database does not take the request now (unreachable, or no longer writable); SDKs retry it."""

    status = 503


class UnknownOperationException(ProtocolError):
    """``X-Amz-Target`` names no operation this server knows."""


class SerializationException(ProtocolError):
    """The body is not a JSON object."""


class ValidationException(ServiceError):
    """A member breaks its documented constraint, or a combination of members is not allowed."""


class MissingRequiredParameter(ServiceError):
    """An update that changes nothing."""


class InvalidArn(ServiceError):
    """An ARN that is malformed or names the wrong kind of resource."""


class InvalidName(ServiceError):
    """A resource name AWS refuses."""


class InvalidDefinition(ServiceError):
    """A state machine definition with errors."""


class InvalidExecutionInput(ServiceError):
    """An execution input that is not JSON, or too large."""


class InvalidOutput(ServiceError):
    """A task output (SendTaskSuccess) that is not JSON, or too large."""


class InvalidToken(ServiceError):
    """A task or page token that this server did not issue."""


class TooManyTags(ServiceError):
    """More than 50 tags on a resource."""


class StateMachineAlreadyExists(ServiceError):
    """A machine of that name exists with another definition or role."""


class StateMachineDeleting(ServiceError):
    """The machine is being deleted (its executions are being stopped)."""


class ExecutionAlreadyExists(ServiceError):
    """An execution of that name exists and is not a repeat of a running one's start."""


class ExecutionLimitExceeded(ServiceError):
    """The server runs as many executions as it is configured to hold."""


class TaskTimedOut(ServiceError):
    """The task of that token is no longer waiting (timed out, or answered already)."""


class StateMachineDoesNotExist(ResourceMissing):
    """No state machine has that ARN."""


class ExecutionDoesNotExist(ResourceMissing):
    """No execution has that ARN."""


class ActivityDoesNotExist(ResourceMissing):
    """No activity has that ARN."""


class ResourceNotFound(ResourceMissing):
    """No taggable resource has that ARN."""


class TaskDoesNotExist(ResourceMissing):
    """No task has that token."""


class ConflictException(ServiceError):
    """The request conflicts with the resource as it stands (a revision that moved on, a version an alias uses)."""


class ServiceQuotaExceededException(ServiceError):
    """A per-machine quota is reached (versions, aliases)."""


class StateMachineTypeNotSupported(ServiceError):
    """An operation that the machine's type (STANDARD or EXPRESS) does not have."""


class ExecutionNotRedrivable(ServiceError):
    """A redrive that AWS's rules do not allow for this execution."""


class InvalidEncryptionConfiguration(ServiceError):
    """An encryptionConfiguration whose members do not fit its type."""


class MissingAuthenticationTokenException(ProtocolError):
    """A request without a signature, to a server that requires one."""


class IncompleteSignatureException(ProtocolError):
    """An ``Authorization`` header that is not a whole Signature Version 4."""


class UnrecognizedClientException(ProtocolError):
    """A signature made with an access key the server does not know."""


class InvalidSignatureException(ProtocolError):
    """A signature that does not match the request, or that has expired."""
