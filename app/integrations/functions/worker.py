"""The code that runs inside a worker process: receive an invocation, run the handler, send the reply.

Handlers run here and not in the server so that whatever they do (block, loop forever, ``os._exit``,
segfault) costs at most this process, which the pool then replaces.
"""

from __future__ import annotations

import contextlib
import decimal
import os
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from multiprocessing.connection import Connection
from typing import Any

from app.codec import dumps_spaced, loads

from . import loader
from .context import LambdaContext
from .errors import error_payload
from .loader import LoadError, ModuleCache
from .protocol import Invocation, Reply

# Frames of these files sit above the handler's in every traceback; Lambda hides its bootstrap the same way.
_RUNTIME_FILES = frozenset(os.path.abspath(path) for path in (__file__, loader.__file__))


def _decimal(value: Any) -> Any:
    """Lambda's marshaller also accepts ``Decimal`` (what boto3's DynamoDB layer returns)."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def serve(connection: Connection, lifeline: Connection, environment: Mapping[str, str]) -> None:
    """Worker process entry point: apply the base environment, then answer invocations until the pipe closes.

    ``lifeline`` is the read end of a pipe only the server can write to; it reads EOF once the server is gone.
    """
    os.environ.update(environment)
    sys.dont_write_bytecode = True
    _exit_with(lifeline)
    cache = ModuleCache()
    while True:
        try:
            invocation = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(execute(invocation, cache))


def execute(invocation: Invocation, cache: ModuleCache) -> Reply:
    """Run one invocation in this process and shape its result or error as the Python runtime does."""
    os.environ.update(dict(invocation.environment))
    context = LambdaContext(
        aws_request_id=invocation.request_id,
        function_name=invocation.function_name,
        function_version=invocation.function_version,
        invoked_function_arn=invocation.invoked_function_arn,
        deadline_ms=invocation.deadline_ms,
        memory_limit_in_mb=os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
    )
    try:
        with _function_environment(dict(invocation.function_environment)):
            handler = cache.handler(invocation.path, invocation.function_name, invocation.handler)
            event = loads(invocation.event_json)
            result = handler(event, context)
    except LoadError as exc:
        return _failed(invocation, exc.message, exc.error_type, exc.stack_trace)
    except Exception as exc:
        return _failed(invocation, str(exc), type(exc).__name__, _user_frames(exc))
    try:
        return Reply(invocation.request_id, body=_marshal(result))
    except (TypeError, ValueError) as exc:
        return _failed(invocation, f"Unable to marshal response: {exc}", "Runtime.MarshalError", [])


@contextlib.contextmanager
def _function_environment(variables: dict[str, str]) -> Iterator[None]:
    """A function's own variables for one call: the worker is shared, and another function must not see them."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _marshal(result: Any) -> str:
    """The response body: JSON as the Python runtime writes it, except that bytes are the body as they are."""
    if isinstance(result, bytes | bytearray):
        return bytes(result).decode("utf-8", errors="replace")
    return dumps_spaced(result, default=_decimal)


def _failed(invocation: Invocation, message: str, error_type: str, stack_trace: list[str]) -> Reply:
    return Reply(invocation.request_id, error=error_payload(message, error_type, stack_trace, invocation.request_id))


def _user_frames(exc: BaseException) -> list[str]:
    """The traceback from the handler down, without this module's frames (the runtime drops its bootstrap too),
    its files named as Lambda names them: an error's cause must not tell the host's paths."""
    frames = traceback.extract_tb(exc.__traceback__)
    index = 0
    while index < len(frames) and os.path.abspath(frames[index].filename) in _RUNTIME_FILES:
        index += 1
    shown = frames[index:]
    for frame in shown:
        _ = frame.line  # read the source line while the real path still finds it
        frame.filename = loader.shown_path(frame.filename)
    return traceback.format_list(shown)


def _exit_with(lifeline: Connection) -> None:
    """Leave when the server is gone (even killed), also while a handler is stuck in a loop.

    The parent pid cannot tell: a fork-server child's parent is the fork server, which outlives the server
    as long as its children hold its own lifeline open.
    """

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            lifeline.recv_bytes()
        os._exit(0)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()
