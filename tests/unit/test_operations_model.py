"""The operation table against the botocore model: names, members, required members and error codes."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from pydantic import BaseModel

from app import errors
from app.api.operations import OPERATIONS, Operation

MODEL = botocore.session.get_session().get_service_model("stepfunctions")
# Errors every AWS JSON operation may answer with, whether or not the model lists them.
COMMON_ERRORS = {"ValidationException"}
# Members this server adds to an answer beyond AWS's shape (SDKs ignore members they do not know).
EXTENSIONS = {
    "DescribeExecution": {"startedByExecutionArn", "startedExecutionArns", "historyEventCount", "historyEventLimit"},
}


def _fields(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def _required(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items() if field.is_required()}


OPERATION_LIST = list(OPERATIONS.values())
IDS = [operation.name for operation in OPERATION_LIST]


@pytest.mark.parametrize("operation", OPERATION_LIST, ids=IDS)
def test_the_request_shape_is_aws_s(operation: Operation) -> None:
    shape = MODEL.operation_model(operation.name).input_shape
    assert shape is not None
    members: dict[str, Any] = dict(shape.members)
    assert _fields(operation.request) <= set(members), "members AWS does not have"
    assert _required(operation.request) == set(shape.required_members)


@pytest.mark.parametrize("operation", OPERATION_LIST, ids=IDS)
def test_the_response_shape_is_aws_s(operation: Operation) -> None:
    model = MODEL.operation_model(operation.name)
    members = set(model.output_shape.members) if model.output_shape is not None else set()
    assert _fields(operation.response) <= members | EXTENSIONS.get(operation.name, set())
    assert _required(operation.response) >= set(model.output_shape.required_members if model.output_shape else [])


@pytest.mark.parametrize("operation", OPERATION_LIST, ids=IDS)
def test_the_errors_are_those_aws_answers_with(operation: Operation) -> None:
    listed = {shape.name for shape in MODEL.operation_model(operation.name).error_shapes}
    declared = {error.code for error in operation.errors}
    assert declared <= listed | COMMON_ERRORS


def test_every_error_code_is_aws_s_or_common_to_every_service() -> None:
    modelled = {shape.name for shape in MODEL.error_shapes}
    for code, error in errors.REGISTRY.items():
        assert error.code == code
        assert code in modelled or issubclass(error, errors.CommonError), code
        server_fault = code in ("InternalFailure", "ServiceUnavailable")
        assert error.status == (500 if code == "InternalFailure" else 503 if server_fault else 400), code


def test_the_table_names_operations_of_the_model_once() -> None:
    assert set(OPERATIONS) == set(MODEL.operation_names)  # every operation, none of its own
    assert all(name == operation.name for name, operation in OPERATIONS.items())
