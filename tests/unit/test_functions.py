"""Local functions: name resolution, AWS-worded errors, the in-process runtime pieces and module reloading."""

from __future__ import annotations

import json
import os
import signal
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from app.integrations.functions import (
    FunctionInvoker,
    FunctionRef,
    FunctionSettings,
    InvalidFunctionNameError,
    errors,
    parse_function_ref,
)
from app.integrations.functions.call import Call
from app.integrations.functions.environment import base_environment, call_environment
from app.integrations.functions.loader import LoadError, ModuleCache
from app.integrations.functions.protocol import Invocation
from app.integrations.functions.worker import execute
from app.integrations.results import TaskFailure, TaskSuccess

REGION = "us-east-1"
ACCOUNT = "123456789012"


# --- name resolution ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "name", "qualifier", "region", "account"),
    [
        ("Iterator", "Iterator", None, REGION, ACCOUNT),
        ("Iterator:1", "Iterator", "1", REGION, ACCOUNT),
        ("Iterator:$LATEST", "Iterator", "$LATEST", REGION, ACCOUNT),
        ("my-function_2:prod", "my-function_2", "prod", REGION, ACCOUNT),
        ("210987654321:function:Iterator", "Iterator", None, REGION, "210987654321"),
        ("210987654321:function:Iterator:live", "Iterator", "live", REGION, "210987654321"),
        ("arn:aws:lambda:eu-west-2:210987654321:function:Restart", "Restart", None, "eu-west-2", "210987654321"),
        ("arn:aws:lambda:us-east-2:123456789012:function:my-function:1", "my-function", "1", "us-east-2", ACCOUNT),
        ("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:F", "F", None, "us-gov-west-1", ACCOUNT),
    ],
)
def test_parse_function_ref(reference: str, name: str, qualifier: str | None, region: str, account: str) -> None:
    ref = parse_function_ref(reference, region=REGION, account_id=ACCOUNT)
    assert (ref.name, ref.qualifier, ref.region, ref.account_id) == (name, qualifier, region, account)


@pytest.mark.parametrize("reference", ["", "has space", "../etc/passwd", "a.b", "a/b", "Iterator:", "x" * 65])
def test_invalid_references_are_rejected(reference: str) -> None:
    with pytest.raises(InvalidFunctionNameError):
        parse_function_ref(reference, region=REGION, account_id=ACCOUNT)


def test_arns_and_version_of_a_reference() -> None:
    plain = parse_function_ref("Iterator", region=REGION, account_id=ACCOUNT)
    qualified = parse_function_ref("Iterator:3", region=REGION, account_id=ACCOUNT)
    assert plain.arn == plain.invoked_arn == "arn:aws:lambda:us-east-1:123456789012:function:Iterator"
    assert qualified.invoked_arn == "arn:aws:lambda:us-east-1:123456789012:function:Iterator:3"
    assert (plain.version, qualified.version) == ("$LATEST", "3")


# --- error shaping -----------------------------------------------------------------------------------------------


def test_function_error_matches_the_python_runtime_document() -> None:
    trace = ['  File "/var/task/handler.py", line 2, in handler\n    raise Exception("Some exception was raised.")\n']
    failure = errors.function_error(errors.error_payload("Some exception was raised.", "Exception", trace, "rid"))
    # Byte for byte what Step Functions shows as the Cause of a Python Lambda's exception.
    assert failure == TaskFailure(
        "Exception",
        '{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": "rid", '
        '"stackTrace": ["  File \\"/var/task/handler.py\\", line 2, in handler\\n    '
        'raise Exception(\\"Some exception was raised.\\")\\n"]}',
    )


@pytest.mark.parametrize("body", ['{"errorMessage": "no type"}', "not json", "[1]", '{"errorType": ""}'])
def test_error_document_without_a_type_is_lambda_unknown(body: str) -> None:
    assert errors.from_error_document(body) == TaskFailure("Lambda.Unknown", errors.UNKNOWN_CAUSE)


@pytest.mark.parametrize(
    ("exitcode", "reason"),
    [
        (1, "exit status 1"),
        (-signal.SIGSEGV, "signal: segmentation fault"),
        (-signal.SIGKILL, "signal: killed"),
        (None, "signal: killed"),
    ],
)
def test_exit_error_wording(exitcode: int | None, reason: str) -> None:
    failure = errors.exit_error("rid", exitcode)
    assert failure.error == "Runtime.ExitError"
    assert json.loads(failure.cause) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: rid Error: Runtime exited with error: {reason}",
    }


@pytest.mark.parametrize(("reference", "qualified"), [("Nope:2", "Nope:2"), ("Nope", "Nope:$LATEST")])
def test_not_found_wording_names_the_version(reference: str, qualified: str) -> None:
    ref = parse_function_ref(reference, region=REGION, account_id=ACCOUNT)
    assert errors.not_found(ref, "rid") == TaskFailure(
        "Lambda.ResourceNotFoundException",
        f"Function not found: arn:aws:lambda:us-east-1:123456789012:function:{qualified} (Service: AWSLambda; "
        "Status Code: 404; Error Code: ResourceNotFoundException; Request ID: rid; Proxy: null)",
    )


def test_service_errors_outside_the_sdk_model_are_aws_lambda_exception() -> None:
    assert errors.service_error("TooManyRequestsException", "Rate exceeded", 429, "r").error == (
        "Lambda.TooManyRequestsException"
    )
    assert errors.service_error("ValidationException", "bad", 400, "r").error == "Lambda.AWSLambdaException"


def test_which_timeout_applies() -> None:
    ref = parse_function_ref("F", region=REGION, account_id=ACCOUNT)
    by_state = Call(ref, "{}", "rid", 2.0, 900.0)
    by_function = Call(ref, "{}", "rid", None, 3.0)
    assert (by_state.limit, by_state.timed_out()) == (2.0, TaskFailure("States.Timeout", ""))
    assert by_function.limit == 3.0
    assert by_function.timed_out().error == "Sandbox.Timedout"
    assert json.loads(by_function.timed_out().cause)["errorMessage"] == (
        "RequestId: rid Error: Task timed out after 3.00 seconds"
    )


# --- settings and environment ------------------------------------------------------------------------------------


def test_worker_environment_has_region_endpoint_and_dummy_credentials(tmp_path: Path) -> None:
    empty = {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    environment = base_environment(
        region="eu-west-1", self_endpoint="http://127.0.0.1:8083", functions_dir=tmp_path, parent=empty
    )
    assert environment["AWS_REGION"] == environment["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert environment["AWS_ENDPOINT_URL_SFN"] == "http://127.0.0.1:8083"
    assert environment["AWS_ACCESS_KEY_ID"] and environment["AWS_SECRET_ACCESS_KEY"]
    real = base_environment(region=REGION, self_endpoint=None, functions_dir=None, parent={"AWS_ACCESS_KEY_ID": "AK"})
    assert "AWS_ACCESS_KEY_ID" not in real and "AWS_ENDPOINT_URL_SFN" not in real


def test_boto3_reads_the_step_functions_endpoint_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:8083")
    monkeypatch.delenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", raising=False)
    client = boto3.client("stepfunctions", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")
    assert client.meta.endpoint_url == "http://127.0.0.1:8083"


def test_call_environment_names_the_function() -> None:
    ref = parse_function_ref("Restart:4", region=REGION, account_id=ACCOUNT)
    assert call_environment(ref)["AWS_LAMBDA_FUNCTION_NAME"] == "Restart"
    assert call_environment(ref)["AWS_LAMBDA_FUNCTION_VERSION"] == "4"


# --- the runtime, in process -------------------------------------------------------------------------------------


@pytest.fixture
def function_name() -> Iterator[str]:
    """A module name no other test uses; ``sys.modules`` and ``sys.path`` are restored afterwards."""
    name = f"fn_{uuid.uuid4().hex[:10]}"
    saved_path = list(sys.path)
    yield name
    sys.modules.pop(name, None)
    sys.path[:] = saved_path


def _write(path: Path, source: str, *, bump: int = 0) -> None:
    path.write_text(source)
    if bump:
        status = path.stat()
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + bump * 1_000_000_000))


def _invocation(path: Path, name: str, event: Any = None, deadline_ms: int = 2**62) -> Invocation:
    ref = parse_function_ref(name, region=REGION, account_id=ACCOUNT)
    return Invocation(
        request_id="rid",
        path=str(path),
        function_name=name,
        function_version=ref.version,
        invoked_function_arn=ref.invoked_arn,
        event_json=json.dumps(event),
        deadline_ms=deadline_ms,
    )


def test_module_is_reloaded_when_its_file_changes(tmp_path: Path, function_name: str) -> None:
    path = tmp_path / f"{function_name}.py"
    cache = ModuleCache()
    _write(path, "def handler(event, context):\n    return 1\n")
    first = cache.handler(str(path), function_name)
    assert cache.handler(str(path), function_name) is first
    _write(path, "def handler(event, context):\n    return 2\n", bump=1)
    assert cache.handler(str(path), function_name)(None, None) == 2
    assert not (tmp_path / "__pycache__").exists()


def test_handler_names(tmp_path: Path, function_name: str) -> None:
    path = tmp_path / f"{function_name}.py"
    _write(path, "def lambda_handler(event, context):\n    return 'seed style'\n")
    assert ModuleCache().handler(str(path), function_name)(None, None) == "seed style"
    _write(path, "def other(event, context):\n    return 1\n", bump=1)
    with pytest.raises(LoadError) as caught:
        ModuleCache().handler(str(path), function_name)
    assert caught.value.error_type == "Runtime.HandlerNotFound"
    assert caught.value.message == f"Handler 'handler' missing on module '{function_name}'"


@pytest.mark.parametrize(
    ("source", "error_type"),
    [
        ("def handler(event, context)\n    return 1\n", "Runtime.UserCodeSyntaxError"),
        ("import no_such_module_here\n", "Runtime.ImportModuleError"),
    ],
)
def test_modules_that_do_not_load(tmp_path: Path, function_name: str, source: str, error_type: str) -> None:
    path = tmp_path / f"{function_name}.py"
    _write(path, source)
    reply = execute(_invocation(path, function_name), ModuleCache())
    assert reply.error is not None
    assert reply.error["errorType"] == error_type
    assert function_name not in sys.modules


def test_execute_shapes_an_exception_like_lambda(
    tmp_path: Path, function_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAMBDA_TASK_ROOT", str(tmp_path))  # as the worker's environment sets it
    path = tmp_path / f"{function_name}.py"
    _write(
        path, "class CustomError(Exception):\n    pass\n\ndef handler(event, context):\n    raise CustomError('no')\n"
    )
    reply = execute(_invocation(path, function_name), ModuleCache())
    assert reply.error is not None
    assert list(reply.error) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (reply.error["errorMessage"], reply.error["errorType"], reply.error["requestId"]) == (
        "no",
        "CustomError",
        "rid",
    )
    # The trace starts in the handler's file, like Lambda's (which hides its bootstrap frames), under /var/task.
    shown = f"/var/task/{path.name}"
    assert reply.error["stackTrace"] == [f"  File \"{shown}\", line 5, in handler\n    raise CustomError('no')\n"]


def test_execute_marshals_like_lambda(tmp_path: Path, function_name: str) -> None:
    path = tmp_path / f"{function_name}.py"
    _write(
        path, "import decimal\ndef handler(event, context):\n    return event['n'] and {'d': decimal.Decimal('1.5')}\n"
    )
    assert execute(_invocation(path, function_name, {"n": 1}), ModuleCache()).body == '{"d": 1.5}'
    _write(path, "def handler(event, context):\n    return {1, 2}\n", bump=1)
    reply = execute(_invocation(path, function_name), ModuleCache())
    assert reply.error is not None
    assert reply.error["errorType"] == "Runtime.MarshalError"
    assert reply.error["errorMessage"] == "Unable to marshal response: Object of type set is not JSON serializable"


def test_execute_passes_returned_bytes_through_as_the_body(tmp_path: Path, function_name: str) -> None:
    path = tmp_path / f"{function_name}.py"
    _write(path, "def handler(event, context):\n    return b'\"HelloWorld!\"'\n")
    assert execute(_invocation(path, function_name), ModuleCache()).body == '"HelloWorld!"'


# --- reloading through real worker processes ---------------------------------------------------------------------


def test_editing_a_function_takes_effect_without_a_restart(tmp_path: Path) -> None:
    invoker = FunctionInvoker(FunctionSettings(functions_dir=tmp_path), workers=1)
    try:
        path = tmp_path / "Versioned.py"
        _write(path, "def handler(event, context):\n    return {'v': 1, 'got': event}\n")
        assert invoker.invoke("Versioned", {"a": 1}).result == TaskSuccess({"v": 1, "got": {"a": 1}})
        _write(path, "def handler(event, context):\n    return {'v': 2}\n", bump=1)
        assert invoker.invoke("Versioned", {}).result == TaskSuccess({"v": 2})
    finally:
        invoker.close()


def test_an_unknown_function_is_resource_not_found(tmp_path: Path) -> None:
    invoker = FunctionInvoker(FunctionSettings(functions_dir=tmp_path))
    try:
        outcome = invoker.invoke("arn:aws:lambda:us-east-1:123456789012:function:Missing", {})
    finally:
        invoker.close()
    assert isinstance(outcome.result, TaskFailure)
    assert outcome.result.error == "Lambda.ResourceNotFoundException"
    assert outcome.result.cause.startswith(
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Missing:$LATEST ("
    )
    assert outcome.status_code == 404


def test_a_bad_reference_or_invocation_type_is_a_failure_not_an_exception(tmp_path: Path) -> None:
    invoker = FunctionInvoker(FunctionSettings(functions_dir=tmp_path))
    try:
        bad_name = invoker.invoke("no such/function", {})
        bad_type = invoker.invoke("F", {}, invocation_type="Sometimes")
    finally:
        invoker.close()
    for outcome in (bad_name, bad_type):
        assert isinstance(outcome.result, TaskFailure)
        assert outcome.result.error == "Lambda.AWSLambdaException"
        assert "Error Code: ValidationException" in outcome.result.cause
        assert outcome.status_code == 400


def test_refs_are_plain_values() -> None:
    assert FunctionRef("F", None, REGION, ACCOUNT) == parse_function_ref("F", region=REGION, account_id=ACCOUNT)
