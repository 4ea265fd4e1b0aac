"""``arn:aws:states:::aws-sdk:<service>:<action>``: any operation botocore knows, called through botocore."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError
from botocore.model import OperationModel, ServiceModel

from app.asl.errors import RUNTIME
from app.integrations.aws.clients import AssumeRoleError, Clients
from app.integrations.aws.errors import sdk_failure
from app.integrations.aws.names import UnknownServiceError, botocore_service, operation_name, service_model
from app.integrations.aws.shapes import UnknownParameterError, from_botocore, to_botocore
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess


@dataclass(frozen=True)
class Operation:
    """One operation of one botocore service."""

    service: str
    model: ServiceModel
    name: str

    @property
    def shapes(self) -> OperationModel:
        return self.model.operation_model(self.name)


@functools.cache
def find_operation(service: str, action: str) -> Operation | None:
    """The operation ``aws-sdk:<service>:<action>`` names (``sfn``, ``startExecution``), if botocore has it."""
    try:
        botocore_name = botocore_service(service)
    except UnknownServiceError:
        return None
    model = service_model(botocore_name)
    name = operation_name(model, action)
    return None if name is None else Operation(botocore_name, model, name)


@dataclass(frozen=True)
class Call:
    """Where and as whom an operation is called: the region, each attempt's time limit, the role assumed."""

    region: str
    timeout: float | None
    role_arn: str | None = None


def invoke(clients: Clients, operation: Operation, parameters: Any, call: Call) -> Any:
    """Call ``operation`` with the Task's parameters; raises botocore's errors, :class:`UnknownParameterError`
    and :class:`AssumeRoleError`."""
    arguments = to_botocore(parameters if parameters is not None else {}, operation.shapes.input_shape)
    client = clients.get(operation.service, call.region, call.timeout, call.role_arn)
    return getattr(client, xform_name(operation.name))(**arguments)


def call_sdk(clients: Clients, operation: Operation, parameters: Any, call: Call) -> TaskResult:
    """The SDK integration: the operation's output in Step Functions' casing, or its error as AWS names it."""
    try:
        response = invoke(clients, operation, parameters, call)
    except (UnknownParameterError, ParamValidationError) as exc:
        return parameter_failure(exc)
    except AssumeRoleError as exc:
        return role_failure(exc)
    except (ClientError, BotoCoreError) as exc:
        return sdk_failure(exc, operation.model)
    return TaskSuccess(from_botocore(response, operation.shapes.output_shape))


def role_failure(exc: AssumeRoleError) -> TaskFailure:
    """The Task's role could not be assumed: the call was never made."""
    return TaskFailure("States.TaskFailed", str(exc))


def parameter_failure(exc: UnknownParameterError | ParamValidationError) -> TaskFailure:
    """Parameters the operation cannot take: the Task's own mistake, as AWS reports one (``States.Runtime``)."""
    if isinstance(exc, UnknownParameterError):
        return TaskFailure(RUNTIME, f'The field "{exc.path}" is not supported by Step Functions')
    return TaskFailure(RUNTIME, str(exc))
