"""The error names and causes Step Functions shows when a Lambda call fails, built in one place.

Each wording follows what AWS returns, so Retry/Catch rules (and tests) written against AWS match here:
the Python runtime's error document (``awslambdaric``: key order, ``json.dumps`` spacing, ``Runtime.*``
names), and Step Functions' recorded causes for a missing function and a Task timeout (LocalStack's
AWS-recorded snapshots of ``lambda:invoke``).
"""

from __future__ import annotations

import signal
import uuid
from collections.abc import Sequence
from typing import Any

from app.codec import dumps, dumps_spaced, loads
from app.durable.news import MAX_CAUSE
from app.integrations.results import TaskFailure

from .names import FunctionRef

# Error codes the Lambda API answers with that are not exceptions of its SDK model.
_UNMODELLED_CODES = frozenset(
    {"ValidationException", "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException"}
)
UNKNOWN_CAUSE = "The cause could not be determined because Lambda did not return an error type."
# Go's names for the signals a runtime most often dies of, as Lambda prints them ("signal: killed").
_SIGNAL_NAMES = {
    signal.SIGKILL: "killed",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated",
    signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception",
    signal.SIGILL: "illegal instruction",
    signal.SIGINT: "interrupt",
}


def new_request_id() -> str:
    """A Lambda-style request id."""
    return str(uuid.uuid4())


def error_payload(message: str, error_type: str, stack_trace: Sequence[str], request_id: str) -> dict[str, Any]:
    """The document the Python runtime returns for an unhandled error, in its key order."""
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": list(stack_trace)}


def function_error(payload: dict[str, Any]) -> TaskFailure:
    """A function error as Step Functions reports it: the ``errorType`` names it, the whole payload is the cause.

    The Python runtime serialises with ``json.dumps`` defaults (``", "`` and ``": "``), and Step Functions
    passes that text through unchanged, so the same spacing is used here.
    """
    return from_error_document(dumps_spaced(payload))


def from_error_document(body: str) -> TaskFailure:
    """Shape a function error from the raw error document a runtime or Lambda returned."""
    try:
        document = loads(body)
    except ValueError:
        document = None
    error_type = document.get("errorType") if isinstance(document, dict) else None
    if not isinstance(error_type, str) or not error_type:
        return TaskFailure("Lambda.Unknown", UNKNOWN_CAUSE)
    return TaskFailure(error_type, truncate(body))


def runtime_error(error_type: str, message: str) -> TaskFailure:
    """An error raised by the Lambda service around the runtime (exit, timeout): compact JSON, type first."""
    body = dumps({"errorType": error_type, "errorMessage": message})
    return TaskFailure(error_type, body)


def exit_error(request_id: str, exitcode: int | None) -> TaskFailure:
    """The worker process died mid-call (``os._exit``, a segfault, the OOM killer): ``Runtime.ExitError``."""
    if exitcode is None:
        reason = "signal: killed"
    elif exitcode < 0:
        number = -exitcode
        try:
            reason = "signal: " + _SIGNAL_NAMES.get(signal.Signals(number), f"signal {number}")
        except ValueError:
            reason = f"signal: signal {number}"
    else:
        reason = f"exit status {exitcode}"
    return runtime_error("Runtime.ExitError", f"RequestId: {request_id} Error: Runtime exited with error: {reason}")


def sandbox_timeout(request_id: str, seconds: float) -> TaskFailure:
    """The function ran past its own (Lambda-side) timeout: ``Sandbox.Timedout``."""
    return runtime_error(
        "Sandbox.Timedout", f"RequestId: {request_id} Error: Task timed out after {seconds:.2f} seconds"
    )


def state_timeout() -> TaskFailure:
    """The Task's ``TimeoutSeconds`` elapsed. AWS records ``States.Timeout`` with no cause (``"Cause": ""``)."""
    return TaskFailure("States.Timeout", "")


def service_error(code: str, message: str, status: int, request_id: str) -> TaskFailure:
    """A Lambda API error (not the function's), worded as the AWS Java SDK inside Step Functions words it.

    Codes the SDK does not model surface as its base class, ``Lambda.AWSLambdaException``.
    """
    cause = (
        f"{message} (Service: AWSLambda; Status Code: {status}; Error Code: {code}; "
        f"Request ID: {request_id}; Proxy: null)"
    )
    name = "AWSLambdaException" if code in _UNMODELLED_CODES else code
    return TaskFailure(f"Lambda.{name}", truncate(cause))


def not_found(function: FunctionRef, request_id: str | None = None) -> TaskFailure:
    """No source has the function: ``Lambda.ResourceNotFoundException``, as AWS words it.

    The ARN always carries the version asked for, ``$LATEST`` when the call named none.
    """
    message = f"Function not found: {function.arn}:{function.version}"
    return service_error("ResourceNotFoundException", message, 404, request_id or new_request_id())


def invalid_name(reference: str, request_id: str | None = None) -> TaskFailure:
    """The reference is not a function name or ARN Lambda would accept."""
    message = (
        f"1 validation error detected: Value '{reference}' at 'functionName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?"
        r"([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?"
    )
    return service_error("ValidationException", message, 400, request_id or new_request_id())


def invalid_invocation_type(value: str, request_id: str) -> TaskFailure:
    """``InvocationType`` is not one of Lambda's three."""
    message = (
        f"1 validation error detected: Value '{value}' at 'invocationType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
    )
    return service_error("ValidationException", message, 400, request_id)


def invalid_request_content(request_id: str | None = None) -> TaskFailure:
    """The event is not JSON text: Lambda refuses the request before any function runs."""
    message = "Could not parse request body into json: Could not parse payload into json"
    return service_error("InvalidRequestContentException", message, 400, request_id or new_request_id())


def client_error(reason: str) -> TaskFailure:
    """The HTTP call itself failed (refused, reset): the SDK's ``SdkClientException``, which AWS suggests retrying."""
    return TaskFailure("Lambda.SdkClientException", truncate(f"Unable to execute HTTP request: {reason}"))


def truncate(cause: str) -> str:
    """Keep a cause within Step Functions' limit."""
    return cause if len(cause) <= MAX_CAUSE else cause[:MAX_CAUSE]
