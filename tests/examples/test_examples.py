"""The runnable examples in ``examples/``, each run end to end as a user runs it, against its own live server.

Every example gets a real ``sfn serve`` process (SQLite) with ``SFN_FUNCTIONS_DIR`` pointing at the example's
``functions/`` and ``WAIT_TIME_SCALE=0.01``; its ``run.py`` runs as a subprocess, and the outcome is then read back
from the server through the API, so the assertions do not rest on what the script printed.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient
from mypy_boto3_stepfunctions.type_defs import DescribeExecutionOutputTypeDef, HistoryEventTypeDef

from app.server_process import ServerProcess
from tests.conftest import make_client
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_end

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
STARTED_BY_KEY = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"
ALL_EXAMPLES = [
    "continue_as_new",
    "busy_waiting",
    "lambda_retry_catch",
    "batch_job",
    "fun_with_math",
    "activity_worker",
]

ServerFor = Callable[[str], ServerProcess]
# This server scales a Task's TimeoutSeconds and HeartbeatSeconds by WAIT_TIME_SCALE as well as Wait states and
# retry intervals: at 0.01 the activity example's HeartbeatSeconds of 60 would leave its worker 0.6 s, less than
# a Python process takes to start. That example has no Wait or Retry to speed up, so it runs at full scale.
WAIT_TIME_SCALES = {"activity_worker": "1"}


@pytest.fixture(scope="module")
def server_for(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerFor]:
    """``server_for(example)``: a live server serving that example's functions, started once per example."""
    servers: dict[str, ServerProcess] = {}

    def get(example: str) -> ServerProcess:
        if example not in servers:
            directory = tmp_path_factory.mktemp(f"example-{example}")
            env = {
                "WAIT_TIME_SCALE": WAIT_TIME_SCALES.get(example, "0.01"),
                "BATCH_JOBS_DIR": str(directory / "jobs"),  # batch_job's pretend batch service
            }
            if (EXAMPLES / example / "functions").is_dir():
                env["SFN_FUNCTIONS_DIR"] = str(EXAMPLES / example / "functions")
            servers[example] = new_server(sqlite_url(directory), directory / "server.log", env).start()
        return servers[example]

    yield get
    for server in servers.values():
        server.stop()


def run_example(example: str, server: ServerProcess, *arguments: str) -> str:
    """Run ``examples/<example>/run.py --endpoint …`` as a user would; fail with its output unless it exits 0."""
    command = [sys.executable, str(EXAMPLES / example / "run.py"), "--endpoint", server.endpoint, *arguments]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False, cwd=ROOT)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}{result.stderr}"
    return result.stdout


def executions_of(sfn: SFNClient, machine_name: str) -> list[DescribeExecutionOutputTypeDef]:
    """DescribeExecution of every execution of the state machine named ``machine_name``."""
    machines = sfn.list_state_machines()["stateMachines"]
    arn = next(machine["stateMachineArn"] for machine in machines if machine["name"] == machine_name)
    listed = sfn.list_executions(stateMachineArn=arn, maxResults=1000)["executions"]
    return [wait_for_end(sfn, item["executionArn"]) for item in listed]


def raw_lineage(server: ServerProcess, execution_arn: str) -> dict[str, Any]:
    """The lineage members of DescribeExecution, which boto3 drops because AWS's model does not have them."""
    response = httpx.post(
        server.endpoint,
        headers={"X-Amz-Target": "AWSStepFunctions.DescribeExecution", "Content-Type": "application/x-amz-json-1.0"},
        content=json.dumps({"executionArn": execution_arn}),
    )
    body: dict[str, Any] = response.json()
    return {key: body[key] for key in ("startedByExecutionArn", "startedExecutionArns") if key in body}


def history(sfn: SFNClient, execution_arn: str) -> list[HistoryEventTypeDef]:
    return sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]


def entered_states(events: list[HistoryEventTypeDef]) -> list[str]:
    return [event["stateEnteredEventDetails"]["name"] for event in events if event["type"].endswith("StateEntered")]


# --- continue_as_new ----------------------------------------------------------------------------------------------


def chain_of(sfn: SFNClient, machine_name: str) -> list[DescribeExecutionOutputTypeDef]:
    """The executions of the machine, ordered by following each one's ``$.next.ExecutionArn`` from the first."""
    by_arn = {execution["executionArn"]: execution for execution in executions_of(sfn, machine_name)}
    current: DescribeExecutionOutputTypeDef | None = next(e for e in by_arn.values() if e["name"].startswith("Test1-"))
    chain = []
    while current is not None:
        chain.append(current)
        output = json.loads(current["output"])
        current = by_arn[output["next"]["ExecutionArn"]] if "next" in output else None
    assert len(chain) == len(by_arn), "an execution is not part of the chain"
    return chain


def assert_four_chained(chain: list[DescribeExecutionOutputTypeDef]) -> None:
    """Four successful executions, each started by the previous one with one execution fewer to go."""
    assert [execution["status"] for execution in chain] == ["SUCCEEDED"] * 4
    inputs = [json.loads(execution["input"]) for execution in chain]
    assert [run_input["restart"]["executionCount"] for run_input in inputs] == [4, 3, 2, 1]
    assert STARTED_BY_KEY not in inputs[0]
    for previous, run_input in zip(chain, inputs[1:], strict=False):
        assert run_input[STARTED_BY_KEY] == previous["executionArn"]
    for execution in chain:
        output = json.loads(execution["output"])
        assert output["iterator"]["index"] == output["iterator"]["count"] == 100
        assert output["result"] == {"success": True}
    assert "next" not in json.loads(chain[-1]["output"])


def assert_lineage(server: ServerProcess, arns: list[str]) -> None:
    """Each execution of the chain names the one that started it, and the one it started."""
    for index, arn in enumerate(arns):
        expected: dict[str, Any] = {}
        if index > 0:
            expected["startedByExecutionArn"] = arns[index - 1]
        if index < len(arns) - 1:
            expected["startedExecutionArns"] = [arns[index + 1]]
        assert raw_lineage(server, arn) == expected


@pytest.mark.slow
def test_continue_as_new_with_restart_function_calling_boto3(server_for: ServerFor) -> None:
    server = server_for("continue_as_new")
    stdout = run_example("continue_as_new", server, "--variant", "lambda")
    assert "ContinueAsNew - 4 execution(s)" in stdout
    sfn = make_client(server.endpoint)
    chain = chain_of(sfn, "ContinueAsNew")
    assert_four_chained(chain)
    # Each Restart call really ran in the function and called StartExecution over the API.
    for execution in chain[:-1]:
        types_seen = [event["type"] for event in history(sfn, execution["executionArn"])]
        assert types_seen.count("LambdaFunctionSucceeded") == 102  # 101 Iterator calls and one Restart
    # The function's boto3 client reaches the server through an endpoint that names the calling execution,
    # so the chain is recorded on the server too, both ways.
    assert_lineage(server, [execution["executionArn"] for execution in chain])


def test_continue_as_new_natively_with_start_execution_integration(server_for: ServerFor) -> None:
    server = server_for("continue_as_new")
    stdout = run_example("continue_as_new", server, "--variant", "native")
    assert "ContinueAsNewNative - 4 execution(s)" in stdout
    sfn = make_client(server.endpoint)
    chain = chain_of(sfn, "ContinueAsNewNative")
    assert_four_chained(chain)
    arns = [execution["executionArn"] for execution in chain]
    assert_lineage(server, arns)
    # No function runs in this variant.
    types_seen = {event["type"] for event in history(sfn, arns[0])}
    assert not any(name.startswith("LambdaFunction") for name in types_seen)


def test_tutorial_full_definition_fails_on_restart_count(server_for: ServerFor) -> None:
    """The tutorial's full listing tests ``$.restart.count``, which its input never sets: AWS fails the Choice."""
    server = server_for("continue_as_new")
    sfn = make_client(server.endpoint)
    definition = (EXAMPLES / "continue_as_new" / "definition.json").read_text()
    literal = definition.replace('"Variable": "$.restart.executionCount"', '"Variable": "$.restart.count"')
    assert literal != definition
    machine = sfn.create_state_machine(
        name="ContinueAsNewTutorialLiteral", definition=literal, roleArn="arn:aws:iam::123456789012:role/x"
    )
    started = sfn.start_execution(
        stateMachineArn=machine["stateMachineArn"], input=json.dumps({"restart": {"executionCount": 4}})
    )
    described = wait_for_end(sfn, started["executionArn"])
    assert described["status"] == "FAILED"
    assert described["error"] == "States.Runtime"
    assert "$.restart.count" in described["cause"]


# --- busy_waiting -------------------------------------------------------------------------------------------------


def test_busy_waiting_polls_until_success(server_for: ServerFor) -> None:
    server = server_for("busy_waiting")
    stdout = run_example("busy_waiting", server, "--ready-after", "3")
    assert "check 3: status='success'" in stdout
    sfn = make_client(server.endpoint)
    [execution] = executions_of(sfn, "BusyWaiting")
    assert execution["status"] == "SUCCEEDED"
    assert json.loads(execution["output"]) == {
        "status": "success",
        "checks": 3,
        "ready_after": 3,
        "message": "Hello, World!",
    }
    loop = ["Main", "WaitforInvocation", "CheckInvocationsStatus"]
    assert entered_states(history(sfn, execution["executionArn"])) == [*loop * 3, "Final"]


# --- lambda_retry_catch -------------------------------------------------------------------------------------------


def load_function(example: str, name: str) -> types.ModuleType:
    """Import an example's function module from its file, to predict what it will do."""
    path = EXAMPLES / example / "functions" / f"{name}.py"
    module = types.ModuleType(f"example_{name}")
    module.__file__ = str(path)
    # Compiled by hand rather than imported, so no __pycache__ appears among the example's files.
    exec(compile(path.read_text(), str(path), "exec"), module.__dict__)
    return module


def predict(module: types.ModuleType, seed: int, error_rate: float = 0.2) -> tuple[str, list[str]]:
    """The state the retry/catch machine ends in for ``seed``, and the error of each failed attempt (MaxAttempts 5)."""
    errors: list[str] = []
    for attempt in range(6):
        event = {"max-depth": 5, "current-depth": 0, "error-rate": error_rate, "seed": seed, "attempt": attempt}
        try:
            module.attempt_outcome(event)
        except module.MaxDepthError:
            errors.append("MaxDepthError")
            continue
        except module.DoublesRolledError:
            return "CaughtException", [*errors, "DoublesRolledError"]
        return "Success", errors
    return "UncaughtException", errors


@functools.cache
def seeds_by_outcome() -> dict[str, int]:
    """One seed for each way an execution can go: at once, after retries, caught, and retries exhausted."""
    module = load_function("lambda_retry_catch", "random_error")
    found: dict[str, int] = {}
    for seed in range(1000):
        state, errors = predict(module, seed)
        kind = "retried-success" if state == "Success" and errors else state
        found.setdefault(kind, seed)
    assert set(found) == {"Success", "retried-success", "CaughtException", "UncaughtException"}, found
    return found


@pytest.mark.parametrize("kind", ["Success", "retried-success", "CaughtException", "UncaughtException"])
def test_lambda_retry_catch(server_for: ServerFor, kind: str) -> None:
    server = server_for("lambda_retry_catch")
    seed = seeds_by_outcome()[kind]
    final_state, errors = predict(load_function("lambda_retry_catch", "random_error"), seed)
    run_example("lambda_retry_catch", server, "--seed", str(seed))
    sfn = make_client(server.endpoint)
    [execution] = [e for e in executions_of(sfn, "LambdaRetryCatch") if e["name"].startswith(f"seed-{seed}-")]
    assert execution["status"] == "SUCCEEDED"
    events = history(sfn, execution["executionArn"])
    assert entered_states(events) == ["Invoke", final_state]
    failed = [event["taskFailedEventDetails"]["error"] for event in events if event["type"] == "TaskFailed"]
    assert failed == errors
    output = json.loads(execution["output"])
    if final_state == "Success":
        assert output["outcome"] == "Invocation succeeded!"
        assert output["result"]["attempt"] == len(errors)
    elif final_state == "CaughtException":
        assert (output["outcome"], output["error"]) == ("The function returned an error.", "DoublesRolledError")
        assert json.loads(output["cause"])["errorType"] == "DoublesRolledError"
    else:
        assert (output["outcome"], output["error"]) == ("Invocation failed.", "MaxDepthError")
        assert len(errors) == 6  # the first call and five retries


# --- batch_job ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fail", [False, True], ids=["job-succeeds", "job-fails"])
def test_batch_job(server_for: ServerFor, fail: bool) -> None:
    server = server_for("batch_job")
    run_example("batch_job", server, "--checks", "4", *(["--fail"] if fail else []))
    sfn = make_client(server.endpoint)
    executions = sorted(executions_of(sfn, "BatchJob"), key=lambda e: e["startDate"])
    execution = executions[-1]
    events = history(sfn, execution["executionArn"])
    statuses = [
        json.loads(event["lambdaFunctionSucceededEventDetails"]["output"])
        for event in events
        if event["type"] == "LambdaFunctionSucceeded"
    ][1:]  # the first call is SubmitJob
    outcome = "FAILED" if fail else "SUCCEEDED"
    polls = ["Wait X Seconds", "Get Job Status", "Job Complete?"]
    if fail:
        assert execution["status"] == "FAILED"
        assert (execution["error"], execution["cause"]) == ("DescribeJob returned FAILED", "AWS Batch Job Failed")
        assert statuses == ["RUNNABLE", "STARTING", "RUNNING", "FAILED"]
        assert entered_states(events) == ["Submit Job", *polls * 4, "Job Failed"]
    else:
        assert execution["status"] == "SUCCEEDED"
        assert json.loads(execution["output"]) == outcome
        assert statuses == ["RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "SUCCEEDED"]
        assert entered_states(events) == ["Submit Job", *polls * 4, "Get Final Job Status"]


# --- fun_with_math ------------------------------------------------------------------------------------------------


def test_fun_with_math(server_for: ServerFor) -> None:
    server = server_for("fun_with_math")
    assert "output: [5,1]" in run_example("fun_with_math", server)
    run_example("fun_with_math", server, "10", "2.5")
    sfn = make_client(server.endpoint)
    outputs = {e["input"]: json.loads(e["output"]) for e in executions_of(sfn, "FunWithMath")}
    assert outputs == {"[3, 2]": [5, 1], "[10, 2.5]": [12.5, 7.5]}


# --- activity_worker ----------------------------------------------------------------------------------------------


def test_activity_worker(server_for: ServerFor) -> None:
    server = server_for("activity_worker")
    stdout = run_example("activity_worker", server)
    assert "[example-worker] done order-1" in stdout
    assert "[example-worker] rejected order-2" in stdout
    sfn = make_client(server.endpoint)
    by_order = {json.loads(e["input"])["orderId"]: e for e in executions_of(sfn, "OrderActivity")}
    good, bad = by_order["order-1"], by_order["order-2"]
    assert good["status"] == "SUCCEEDED"
    assert json.loads(good["output"])["receipt"] == {"orderId": "order-1", "items": 2, "total": 18.0}
    assert bad["status"] == "FAILED"
    assert bad["error"] == "OrderRejected"
    assert "quantity of tea must be at least 1" in bad["cause"]
    good_events = history(sfn, good["executionArn"])
    assert [e["type"] for e in good_events if e["type"].startswith("Activity")] == [
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
    ]
    started = next(e for e in good_events if e["type"] == "ActivityStarted")
    assert started["activityStartedEventDetails"]["workerName"] == "example-worker"
    assert "ActivityFailed" in [e["type"] for e in history(sfn, bad["executionArn"])]


# --- the examples as a whole --------------------------------------------------------------------------------------


def test_every_example_has_its_parts() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()) == sorted(ALL_EXAMPLES)
    index = (EXAMPLES / "README.md").read_text()
    for example in ALL_EXAMPLES:
        directory = EXAMPLES / example
        assert (directory / "README.md").is_file(), example
        assert (directory / "run.py").is_file(), example
        assert list(directory.glob("definition*.json")), example
        assert f"{example}/" in index, example


@pytest.mark.parametrize("arguments", [["check", "examples"], ["format", "--check", "examples"]])
def test_examples_are_ruff_clean(arguments: list[str]) -> None:
    """``tests/test_code_quality.py`` lints the package and the tests; the examples are held to the same rules."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_without_a_server_an_example_says_so_in_one_line(example: str) -> None:
    command = [sys.executable, str(EXAMPLES / example / "run.py"), "--endpoint", "http://127.0.0.1:9"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False, cwd=ROOT)
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("cannot reach the server at http://127.0.0.1:9 (") and "sfn serve" in line
