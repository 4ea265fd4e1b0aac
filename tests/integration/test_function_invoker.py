"""The function invoker against real sources: worker processes, a URL function and a fake Lambda Invoke API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.integrations.functions import FunctionInvoker, FunctionSettings
from app.integrations.functions.pool import WorkerPool
from app.integrations.functions.protocol import Invocation, Reply
from app.integrations.results import TaskFailure, TaskSuccess
from tests.support.waiting import wait_until

ITERATOR = """
def lambda_handler(event, context):
    iterator = event["iterator"]
    index = iterator["index"] + iterator["step"]
    return {"index": index, "step": iterator["step"], "count": iterator["count"], "continue": index < iterator["count"]}
"""
RESTART = """
import json
import boto3

def lambda_handler(event, context):
    event["restart"]["executionCount"] -= 1
    client = boto3.client("stepfunctions")
    client.start_execution(stateMachineArn=event["restart"]["StateMachineArn"], input=json.dumps(event))
    return event
"""
CUSTOM_ERROR = """
class CustomError(Exception):
    pass

def handler(event, context):
    raise CustomError("This is a custom error!")
"""
GATE = """
import pathlib
import time

def handler(event, context):
    pathlib.Path(event["started"]).touch()
    release = pathlib.Path(event["release"])
    deadline = time.monotonic() + 30
    while not release.exists():
        if time.monotonic() > deadline:
            return "never released"
        time.sleep(0.01)
    pathlib.Path(event["done"]).touch()
    return "released"
"""
CONTEXT = """
import os

ENV_NAMES = ("AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "AWS_DEFAULT_REGION")

def handler(event, context):
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "identity": [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],
        "client_context": context.client_context,
        "remaining": context.get_remaining_time_in_millis(),
        "env": {name: os.environ.get(name) for name in ENV_NAMES},
        "pid": os.getpid(),
    }
"""
SIMPLE = {
    "Loop": "def handler(event, context):\n    while True:\n        pass\n",
    "PidLoop": (
        "import os, pathlib\n\ndef handler(event, context):\n"
        "    pathlib.Path(event['path']).write_text(str(os.getpid()))\n    while True:\n        pass\n"
    ),
    "Exit": "import os\n\ndef handler(event, context):\n    os._exit(7)\n",
    "Segfault": "import ctypes\n\ndef handler(event, context):\n    ctypes.string_at(0)\n",
    "Echo": "def handler(event, context):\n    return {'echo': event}\n",
    "Unmarshallable": "def handler(event, context):\n    return object()\n",
    "Bytes": "def handler(event, context):\n    return event.encode()\n",
}


# --- tiny loopback HTTP servers ----------------------------------------------------------------------------------

Route = Callable[[BaseHTTPRequestHandler, bytes], tuple[int, dict[str, str], bytes]]


class Gate:
    """The Gate function's files: it creates ``started``, runs until the test creates ``release``, then ``done``.

    A call of it ends when the test says so: what happens meanwhile needs no guess at how long anything takes.
    """

    def __init__(self, directory: Path) -> None:
        self.started = directory / "started"
        self.release = directory / "release"
        self.done = directory / "done"

    def event(self) -> dict[str, str]:
        return {"started": str(self.started), "release": str(self.release), "done": str(self.done)}

    def open(self) -> None:
        self.release.touch()


class _Recorder:
    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []


@pytest.fixture
def http_server() -> Iterator[Callable[[Route], tuple[str, _Recorder]]]:
    """Start loopback servers answering every POST with ``route``; returns ``(base_url, recorder)``."""
    servers: list[ThreadingHTTPServer] = []

    def start(route: Route) -> tuple[str, _Recorder]:
        recorder = _Recorder()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                recorder.requests.append((self.path, dict(self.headers), body))
                status, headers, payload = route(self, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}", recorder

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def functions_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "functions"
    directory.mkdir()
    sources = {"Iterator": ITERATOR, "Restart": RESTART, "Raiser": CUSTOM_ERROR, "Gate": GATE, "Context": CONTEXT}
    for name, source in {**sources, **SIMPLE}.items():
        (directory / f"{name}.py").write_text(source)
    return directory


@pytest.fixture
def make_invoker() -> Iterator[Callable[..., FunctionInvoker]]:
    invokers: list[FunctionInvoker] = []

    def make(**settings: Any) -> FunctionInvoker:
        workers = settings.pop("workers", 2)
        function_timeout = settings.pop("function_timeout_seconds", 900.0)
        invoker = FunctionInvoker(
            FunctionSettings(**settings), workers=workers, function_timeout_seconds=function_timeout
        )
        invokers.append(invoker)
        return invoker

    yield make
    for invoker in invokers:
        invoker.close()


# --- Python handlers ---------------------------------------------------------------------------------------------


def test_the_tutorial_iterator_runs(make_invoker: Callable[..., FunctionInvoker], functions_dir: Path) -> None:
    invoker = make_invoker(functions_dir=functions_dir)
    outcome = invoker.invoke(
        "arn:aws:lambda:us-east-1:123456789012:function:Iterator", {"iterator": {"count": 10, "index": 5, "step": 1}}
    )
    assert outcome.result == TaskSuccess({"index": 6, "step": 1, "count": 10, "continue": True})
    assert (outcome.status_code, outcome.executed_version, outcome.function_error) == (200, "$LATEST", None)


def test_a_raised_exception_is_named_by_its_class(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path
) -> None:
    outcome = make_invoker(functions_dir=functions_dir).invoke("Raiser:2", {})
    assert isinstance(outcome.result, TaskFailure)
    assert outcome.result.error == "CustomError"
    cause = json.loads(outcome.result.cause)
    assert cause["errorMessage"] == "This is a custom error!"
    assert cause["errorType"] == "CustomError"
    assert cause["stackTrace"][0].startswith('  File "/var/task/Raiser.py", line 6, in handler')  # no host path
    assert (outcome.status_code, outcome.executed_version, outcome.function_error) == (200, "2", "Unhandled")


def test_a_timeout_kills_the_worker_and_the_pool_recovers(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path
) -> None:
    invoker = make_invoker(functions_dir=functions_dir, workers=1)
    before = invoker.invoke("Context", {}).result
    assert isinstance(before, TaskSuccess)
    worker = before.output["pid"]  # the pool's one process, which the endless Loop runs on next
    outcome = invoker.invoke("Loop", {}, timeout_seconds=0.5)
    assert outcome.result == TaskFailure("States.Timeout", "")
    assert not _running(worker), "the call timed out but its worker still runs"
    after = invoker.invoke("Context", {}).result
    assert isinstance(after, TaskSuccess)
    assert after.output["pid"] != worker


def test_the_functions_own_timeout_is_lambdas_sandbox_timeout(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path
) -> None:
    invoker = make_invoker(functions_dir=functions_dir, workers=1, function_timeout_seconds=0.3)
    outcome = invoker.invoke("Loop", {})
    assert isinstance(outcome.result, TaskFailure)
    assert outcome.result.error == "Sandbox.Timedout"
    assert json.loads(outcome.result.cause)["errorMessage"].endswith("Error: Task timed out after 0.30 seconds")
    assert outcome.function_error == "Unhandled"
    assert invoker.invoke("Echo", 2, invocation_type="DryRun").status_code == 204


@pytest.mark.parametrize(
    ("function", "reason"), [("Exit", "exit status 7"), ("Segfault", "signal: segmentation fault")]
)
def test_a_crashed_worker_fails_the_call_and_is_replaced(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path, function: str, reason: str
) -> None:
    invoker = make_invoker(functions_dir=functions_dir, workers=1)
    outcome = invoker.invoke(function, {})
    assert isinstance(outcome.result, TaskFailure)
    assert outcome.result.error == "Runtime.ExitError"
    assert json.loads(outcome.result.cause)["errorMessage"].endswith(f"Error: Runtime exited with error: {reason}")
    assert invoker.invoke("Echo", 1).result == TaskSuccess({"echo": 1})


def test_a_slow_function_does_not_block_other_calls(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path, tmp_path: Path
) -> None:
    invoker = make_invoker(functions_dir=functions_dir, workers=2)
    invoker.invoke("Echo", 0)  # warm one worker up
    gate = Gate(tmp_path)
    with ThreadPoolExecutor(max_workers=1) as executor:
        slow = executor.submit(invoker.invoke, "Gate", gate.event())
        wait_until(gate.started.exists, timeout=10, what="the slow function did not start")
        assert invoker.invoke("Echo", "fast").result == TaskSuccess({"echo": "fast"})
        assert not slow.done(), "the slow call ended before it was released"
        gate.open()
        assert slow.result(timeout=10).result == TaskSuccess("released")


def test_the_context_has_lambdas_attributes(make_invoker: Callable[..., FunctionInvoker], functions_dir: Path) -> None:
    invoker = make_invoker(functions_dir=functions_dir, region="eu-west-1", account_id="210987654321")
    outcome = invoker.invoke("Context:live", {}, timeout_seconds=30)
    assert isinstance(outcome.result, TaskSuccess)
    context = outcome.result.output
    assert context["function_name"] == "Context"
    assert context["function_version"] == "live"
    assert context["invoked_function_arn"] == "arn:aws:lambda:eu-west-1:210987654321:function:Context:live"
    assert context["memory_limit_in_mb"] == "128"
    assert len(context["aws_request_id"]) == 36
    assert context["log_group_name"] == "/aws/lambda/Context"
    assert "[live]" in context["log_stream_name"]
    assert context["identity"] == [None, None]
    assert context["client_context"] is None
    assert 25_000 < context["remaining"] <= 30_000
    assert context["env"] == {
        "AWS_LAMBDA_FUNCTION_NAME": "Context",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }


def test_a_non_json_return_is_a_marshal_error(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path
) -> None:
    outcome = make_invoker(functions_dir=functions_dir).invoke("Unmarshallable", {})
    assert isinstance(outcome.result, TaskFailure)
    assert outcome.result.error == "Runtime.MarshalError"
    assert "Unable to marshal response: Object of type object is not JSON serializable" in outcome.result.cause


@pytest.mark.parametrize(
    ("body", "value"), [('"HelloWorld!"', "HelloWorld!"), ("[1, 2]", [1, 2]), ("not json", "not json"), ("", None)]
)
def test_returned_bytes_are_the_response_body(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path, body: str, value: Any
) -> None:
    outcome = make_invoker(functions_dir=functions_dir).invoke("Bytes", body)
    assert outcome.result == TaskSuccess(value)
    assert outcome.body_bytes == len(body)


def test_the_body_size_is_that_of_the_runtime_json(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path
) -> None:
    outcome = make_invoker(functions_dir=functions_dir).invoke("Echo", {"a": [1, 2]})
    assert outcome.body_bytes == len('{"echo": {"a": [1, 2]}}')


def test_an_event_invocation_returns_before_the_function_ends(
    make_invoker: Callable[..., FunctionInvoker], functions_dir: Path, tmp_path: Path
) -> None:
    gate = Gate(tmp_path)
    outcome = make_invoker(functions_dir=functions_dir).invoke("Gate", gate.event(), invocation_type="Event")
    assert (outcome.status_code, outcome.result) == (202, TaskSuccess(""))
    assert not gate.done.exists(), "the call waited for the function, which ends only once released"
    wait_until(gate.started.exists, timeout=10, what="the function was not run in the background")
    gate.open()
    wait_until(gate.done.exists, timeout=10, what="the released function did not end")


def test_the_restart_function_reaches_this_server_through_boto3(
    make_invoker: Callable[..., FunctionInvoker],
    functions_dir: Path,
    http_server: Callable[[Route], tuple[str, _Recorder]],
) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:execution:ContinueAsNew:next"
    endpoint, recorder = http_server(
        lambda handler, body: (
            200,
            {"Content-Type": "application/x-amz-json-1.0"},
            json.dumps({"executionArn": arn, "startDate": 1700000000.0}).encode(),
        )
    )
    invoker = make_invoker(functions_dir=functions_dir, self_endpoint=endpoint)
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:ContinueAsNew"
    event = {"restart": {"StateMachineArn": machine, "executionCount": 4}}
    outcome = invoker.invoke("Restart", event, timeout_seconds=15)
    assert outcome.result == TaskSuccess({"restart": {"StateMachineArn": machine, "executionCount": 3}})
    [(_, headers, body)] = recorder.requests
    assert headers["X-Amz-Target"] == "AWSStepFunctions.StartExecution"
    assert json.loads(json.loads(body)["input"])["restart"]["executionCount"] == 3


def test_workers_exit_when_the_server_is_killed(functions_dir: Path, tmp_path: Path) -> None:
    pid_file = tmp_path / "worker.pid"
    script = (
        "from pathlib import Path\n"
        "from app.integrations.functions import FunctionInvoker, FunctionSettings\n"
        f"invoker = FunctionInvoker(FunctionSettings(functions_dir=Path({str(functions_dir)!r})), workers=1)\n"
        f"invoker.invoke('PidLoop', {{'path': {str(pid_file)!r}}})\n"
    )
    server = subprocess.Popen([sys.executable, "-c", script])
    try:
        wait_until(lambda: pid_file.exists() and bool(pid_file.read_text()), timeout=10, what="no worker pid")
        worker = int(pid_file.read_text())
    finally:
        server.kill()
        server.wait()
    deadline = time.monotonic() + 5
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _running(worker):
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived the server")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too; only its parent has not collected it yet.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


# --- a URL function ----------------------------------------------------------------------------------------------


def test_url_functions(
    make_invoker: Callable[..., FunctionInvoker], http_server: Callable[[Route], tuple[str, _Recorder]]
) -> None:
    def route(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if handler.path == "/double":
            return 200, {"Content-Type": "application/json"}, json.dumps(json.loads(body)["n"] * 2).encode()
        if handler.path == "/lambda-error":
            error = {"errorMessage": "bad input", "errorType": "ValidationError", "stackTrace": []}
            return 400, {}, json.dumps(error).encode()
        if handler.path == "/slow":
            time.sleep(1)
        return 500, {}, b"Internal Server Error"

    base, recorder = http_server(route)
    urls = {name: f"{base}/{path}" for name, path in [("Double", "double"), ("Strict", "lambda-error")]}
    invoker = make_invoker(function_urls={**urls, "Broken": f"{base}/broken", "Slow": f"{base}/slow"})

    outcome = invoker.invoke("arn:aws:lambda:us-east-1:123456789012:function:Double", {"n": 21})
    assert (outcome.result, outcome.status_code) == (TaskSuccess(42), 200)
    _, headers, body = recorder.requests[0]
    assert json.loads(body) == {"n": 21} and headers["Content-Type"] == "application/json"

    strict = invoker.invoke("Strict", {}).result
    assert isinstance(strict, TaskFailure) and strict.error == "ValidationError"
    assert json.loads(strict.cause)["errorMessage"] == "bad input"

    broken = invoker.invoke("Broken", {}).result
    assert isinstance(broken, TaskFailure) and broken.error == "Lambda.Unknown"
    assert broken.cause.startswith("HTTP 500 from ")

    assert invoker.invoke("Slow", {}, timeout_seconds=0.3).result == TaskFailure("States.Timeout", "")


def test_an_unreachable_url_is_an_sdk_client_error(make_invoker: Callable[..., FunctionInvoker]) -> None:
    invoker = make_invoker(function_urls={"Gone": "http://127.0.0.1:9/"})
    result = invoker.invoke("Gone", {}).result
    assert isinstance(result, TaskFailure) and result.error == "Lambda.SdkClientException"


# --- a fake Lambda Invoke API ------------------------------------------------------------------------------------


def _fake_lambda(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
    """Answers like Lambda: a result, a function error, or the API's own 404."""
    _, _, _, name, _ = handler.path.split("?")[0].split("/")
    if handler.headers["X-Amz-Invocation-Type"] == "Event":
        return 202, {}, b""
    if name == "Echo":
        return 200, {"X-Amz-Executed-Version": "$LATEST"}, body
    if name == "Fails":
        error = {"errorMessage": "boom", "errorType": "Boom", "requestId": "r", "stackTrace": []}
        return 200, {"X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "3"}, json.dumps(error).encode()
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{name}"
    headers = {"X-Amzn-ErrorType": "ResourceNotFoundException", "X-Amzn-RequestId": "req-1"}
    return 404, headers, json.dumps({"Type": "User", "Message": f"Function not found: {arn}"}).encode()


def test_the_lambda_invoke_api(
    make_invoker: Callable[..., FunctionInvoker], http_server: Callable[[Route], tuple[str, _Recorder]]
) -> None:
    endpoint, recorder = http_server(_fake_lambda)
    invoker = make_invoker(lambda_endpoint=endpoint)

    echo = invoker.invoke("Echo", {"a": [1, 2]})
    assert (echo.result, echo.status_code, echo.executed_version) == (TaskSuccess({"a": [1, 2]}), 200, "$LATEST")
    path, headers, _ = recorder.requests[0]
    assert path == "/2015-03-31/functions/Echo/invocations"
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
    assert "/us-east-1/lambda/aws4_request" in headers["Authorization"]

    fails = invoker.invoke("Fails:3", {})
    assert isinstance(fails.result, TaskFailure) and fails.result.error == "Boom"
    assert json.loads(fails.result.cause)["errorMessage"] == "boom"
    assert (fails.function_error, fails.executed_version) == ("Unhandled", "3")
    assert recorder.requests[1][0] == "/2015-03-31/functions/Fails/invocations?Qualifier=3"

    missing = invoker.invoke("Missing", {})
    assert missing.result == TaskFailure(
        "Lambda.ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Missing (Service: AWSLambda; "
        "Status Code: 404; Error Code: ResourceNotFoundException; Request ID: req-1; Proxy: null)",
    )

    event = invoker.invoke("Echo", {}, invocation_type="Event")
    assert (event.status_code, event.result) == (202, TaskSuccess(""))
    assert recorder.requests[-1][1]["X-Amz-Invocation-Type"] == "Event"


def test_sources_are_tried_in_order(
    make_invoker: Callable[..., FunctionInvoker],
    functions_dir: Path,
    http_server: Callable[[Route], tuple[str, _Recorder]],
) -> None:
    url_base, _ = http_server(lambda handler, body: (200, {}, b'"from url"'))
    endpoint, _ = http_server(lambda handler, body: (200, {}, b'"from lambda"'))
    invoker = make_invoker(
        functions_dir=functions_dir,
        function_urls={"Echo": url_base, "OnlyUrl": url_base},
        lambda_endpoint=endpoint,
    )
    assert invoker.invoke("Echo", 1).result == TaskSuccess({"echo": 1})
    assert invoker.invoke("OnlyUrl", 1).result == TaskSuccess("from url")
    assert invoker.invoke("Elsewhere", 1).result == TaskSuccess("from lambda")


def test_a_warmed_pool_starts_a_worker_before_the_first_call(functions_dir: Path) -> None:
    pool = WorkerPool(1, {})
    try:
        pool.warm()
        wait_until(lambda: len(pool._idle) == 1, 30, "no worker was started ahead of the first call")
        (warm,) = pool._idle
        invocation = Invocation("r", str(functions_dir / "Echo.py"), "Echo", "$LATEST", "arn", "1", 2**62)
        assert pool.run(invocation, 10) == Reply("r", body='{"echo": 1}')
        assert pool._idle == [warm]
    finally:
        pool.close()


SERVER_LIBRARIES = ("botocore", "fastapi", "httpx", "sqlalchemy", "uvicorn")


def test_a_new_worker_carries_none_of_the_servers_libraries(tmp_path: Path) -> None:
    """Workers fork from a process that imported only the worker's code, so starting one costs milliseconds
    and a Task's short TimeoutSeconds is spent on the handler, not on importing the server again."""
    (tmp_path / "loaded.py").write_text(
        "import sys\n"
        f"def handler(event, context):\n    return [name for name in {SERVER_LIBRARIES!r} if name in sys.modules]\n"
    )
    pool = WorkerPool(1, {})
    try:
        invocation = Invocation("r", str(tmp_path / "loaded.py"), "loaded", "$LATEST", "arn", "null", 2**62)
        assert pool.run(invocation, 30) == Reply("r", body="[]")
    finally:
        pool.close()


def test_the_command_module_imports_none_of_the_servers_libraries() -> None:
    """Each worker also imports the parent's main module (multiprocessing's rule), ``app.cli`` for the server."""
    probe = f"import sys, app.cli; print([name for name in {SERVER_LIBRARIES!r} if name in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
