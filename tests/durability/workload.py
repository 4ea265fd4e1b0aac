"""A mixed workload that keeps running while servers die under it, and the check that it ended as it should.

Machines, each deterministic (its history's event types do not depend on timing or on its input):

- ``chain``: Pass, Choice, Pass, Pass (one commit for the lot);
- ``waits``: two Waits between Passes (timers; ``WAIT_TIME_SCALE`` makes them short);
- ``parallel``: two branches, one of them waits;
- ``map``: an inline Map over three items, then a Wait;
- ``map_retry``: a Map whose iterations reach a Fail; the Map is retried, then caught;
- ``lambda``: a local function (an ``invoke`` work item: the integration call path);
- ``activity``: an activity task answered by the test's worker threads, failed on the first attempt and
  retried (callbacks through ``GetActivityTask``/``SendTaskFailure``/``SendTaskSuccess``);
- ``timeout``: a long Wait cut by the machine's ``TimeoutSeconds`` (TIMED_OUT);
- ``stopped``: a long Wait that the test stops once it is entered (ABORTED);
- ``whoami``: a function that answers with the id of the server process that called it.

Every client call goes through :class:`Cluster`, which retries on connection errors against whichever
server is alive, so the workload carries on across kills and restarts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import botocore.exceptions
from mypy_boto3_stepfunctions import SFNClient
from mypy_boto3_stepfunctions.type_defs import GetActivityTaskOutputTypeDef

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN, make_client
from tests.durability import invariants

TRANSPORT_ERRORS = (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError)
CALL_DEADLINE = 60.0
ACCOUNT_PREFIX = "arn:aws:states:us-east-1:123456789012"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"
# Task timeout of the activity state: 1000 s at the tests' WAIT_TIME_SCALE of 0.01 is 10 s. It only matters
# when a kill loses a task between its claim and the worker (GetActivityTask answered by a dying server).
ACTIVITY_TIMEOUT_SECONDS = 1000
FLAKY_ERROR = "Worker.Flaky"


class Cluster:
    """The live servers of a test, and boto3 clients for them that survive servers coming and going."""

    def __init__(self, servers: list[ServerProcess]) -> None:
        self._servers = list(servers)
        self._clients: dict[str, SFNClient] = {}
        self._lock = threading.Lock()
        self._turn = 0

    def set_servers(self, servers: list[ServerProcess]) -> None:
        with self._lock:
            self._servers = list(servers)

    def client(self, index: int | None = None) -> SFNClient:
        """A client for a live server: ``index`` picks one (modulo the count); None takes turns."""
        with self._lock:
            live = [server for server in self._servers if server.alive()] or self._servers
            if not live:
                raise AssertionError("no server in the cluster")
            if index is None:
                self._turn += 1
                index = self._turn
            endpoint = live[index % len(live)].endpoint
            if endpoint not in self._clients:
                self._clients[endpoint] = make_client(endpoint)  # creating clients is not thread-safe
            return self._clients[endpoint]

    def call(self, operation: str, index: int | None = None, **arguments: Any) -> Any:
        """Call ``operation`` on a live server, retrying connection errors for up to a minute."""
        deadline = time.monotonic() + CALL_DEADLINE
        while True:
            try:
                return getattr(self.client(index), operation)(**arguments)
            except TRANSPORT_ERRORS:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


@dataclass(frozen=True)
class Kind:
    """A machine of the workload: its definition, the input of its i-th execution and what that must end as."""

    name: str
    definition: Callable[[str], dict[str, Any]]  # given the activity ARN
    make_input: Callable[[int], dict[str, Any]]
    expected: Callable[[int], tuple[str, Any]]  # (status, output or None)
    # Event types that may be missing after a crash because a timer raced a delayed transition.
    timing_dependent: frozenset[str] = frozenset()


def _pass(next_state: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"Type": "Pass", **fields, **({"Next": next_state} if next_state else {"End": True})}


def _chain(_: str) -> dict[str, Any]:
    return {
        "StartAt": "Add1",
        "States": {
            "Add1": _pass("Check", Parameters={"n.$": "States.MathAdd($.n, 1)"}),
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 0, "Next": "Add2"}],
                "Default": "Negative",
            },
            "Negative": {"Type": "Fail", "Error": "Chain.Negative"},
            "Add2": _pass("Tag", Parameters={"n.$": "States.MathAdd($.n, 2)"}),
            "Tag": _pass(Result="chain", ResultPath="$.tag"),
        },
    }


def _waits(_: str) -> dict[str, Any]:
    return {
        "StartAt": "One",
        "States": {
            "One": _pass("Hold1", Result="one", ResultPath="$.stage"),
            "Hold1": {"Type": "Wait", "Seconds": 60, "Next": "Two"},
            "Two": _pass("Hold2", Result="two", ResultPath="$.stage"),
            "Hold2": {"Type": "Wait", "Seconds": 40, "Next": "Done"},
            "Done": _pass(),
        },
    }


def _parallel(_: str) -> dict[str, Any]:
    quick = {"StartAt": "A", "States": {"A": _pass(Parameters={"a.$": "States.MathAdd($.n, 100)"})}}
    slow = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 30, "Next": "B"}, "B": _pass(Parameters={"b.$": "$.n"})},
    }
    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {"Type": "Parallel", "Branches": [quick, slow], "ResultPath": "$.parts", "Next": "Done"},
            "Done": _pass(),
        },
    }


def _map(_: str) -> dict[str, Any]:
    processor = {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Inc",
        "States": {"Inc": _pass(Parameters={"v.$": "States.MathAdd($.x, 10)"})},
    }
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": processor,
                "ResultPath": "$.out",
                "Next": "Pause",
            },
            "Pause": {"Type": "Wait", "Seconds": 20, "Next": "Done"},
            "Done": _pass(),
        },
    }


def _map_retry(_: str) -> dict[str, Any]:
    processor = {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Look",
        "States": {"Look": _pass("Boom"), "Boom": {"Type": "Fail", "Error": "Item.Broken", "Cause": "broken item"}},
    }
    retry = [{"ErrorEquals": ["Item.Broken"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1.0}]
    catch = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recovered"}]
    return {
        "StartAt": "Try",
        "States": {
            "Try": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": processor,
                "Retry": retry,
                "Catch": catch,
                "Next": "Recovered",
            },
            "Recovered": _pass(),
        },
    }


def _lambda(_: str) -> dict[str, Any]:
    return {
        "StartAt": "Double",
        "States": {
            "Double": {
                "Type": "Task",
                "Resource": FUNCTION_ARN.format("double"),
                "ResultPath": "$.result",
                "Next": "Done",
            },
            "Done": _pass(),
        },
    }


def _activity(activity_arn: str) -> dict[str, Any]:
    retry = [
        {"ErrorEquals": [FLAKY_ERROR], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 1.0},
        {"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 1.0},
    ]
    work = {
        "Type": "Task",
        "Resource": activity_arn,
        "Parameters": {"execution.$": "$$.Execution.Name", "n.$": "$.n"},
        "TimeoutSeconds": ACTIVITY_TIMEOUT_SECONDS,
        "Retry": retry,
        "ResultPath": "$.result",
        "End": True,
    }
    return {"StartAt": "Work", "States": {"Work": work}}


def _whoami(_: str) -> dict[str, Any]:
    task = {"Type": "Task", "Resource": FUNCTION_ARN.format("whoami"), "ResultPath": "$.ran", "End": True}
    return {"StartAt": "Who", "States": {"Who": task}}


def _timeout(_: str) -> dict[str, Any]:
    # TimeoutSeconds is not scaled: the execution times out after 2 s, during a 1000 s (scaled) Wait.
    return {
        "TimeoutSeconds": 2,
        "StartAt": "Long",
        "States": {"Long": {"Type": "Wait", "Seconds": 100000, "End": True}},
    }


def _stopped(_: str) -> dict[str, Any]:
    return {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 100000, "End": True}}}


def _n(i: int) -> dict[str, Any]:
    return {"n": i}


def _items(i: int) -> dict[str, Any]:
    return {"n": i, "items": [{"x": i}, {"x": i + 1}, {"x": i + 2}]}


MAP_RETRY_ERROR = {"Error": "Item.Broken", "Cause": "broken item"}

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind("chain", _chain, _n, lambda i: ("SUCCEEDED", {"n": i + 3, "tag": "chain"})),
        Kind("waits", _waits, _n, lambda i: ("SUCCEEDED", {"n": i, "stage": "two"})),
        Kind("parallel", _parallel, _n, lambda i: ("SUCCEEDED", {"n": i, "parts": [{"a": i + 100}, {"b": i}]})),
        Kind("map", _map, _items, lambda i: ("SUCCEEDED", {**_items(i), "out": [{"v": i + k + 10} for k in range(3)]})),
        Kind("map_retry", _map_retry, _items, lambda i: ("SUCCEEDED", {**_items(i), "error": MAP_RETRY_ERROR})),
        Kind("lambda", _lambda, _n, lambda i: ("SUCCEEDED", {"n": i, "result": {"doubled": 2 * i}})),
        Kind("activity", _activity, _n, lambda i: ("SUCCEEDED", {"n": i, "result": {"answer": 2 * i + 1}})),
        # When a crash delays the first transition past the 2 s timeout, the Wait is never entered.
        Kind("timeout", _timeout, _n, lambda i: ("TIMED_OUT", None), frozenset({"WaitStateEntered"})),
        Kind("stopped", _stopped, _n, lambda i: ("ABORTED", None)),
        Kind("whoami", _whoami, _n, lambda i: ("SUCCEEDED", None)),  # its output names the server that ran it
    ]
}


class ActivityWorkers:
    """Worker threads answering the workload's activity: the first task of an execution fails, later ones succeed.

    Answers are retried on connection errors until a server gives a definite reply, so an answer is never
    lost to a kill; TaskTimedOut/TaskDoesNotExist after such a retry means the first try had landed.
    """

    def __init__(self, cluster: Cluster, activity_arn: str, threads: int = 4) -> None:
        self.cluster = cluster
        self.activity_arn = activity_arn
        self.failed_once: set[str] = set()
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, args=(index,), name=f"activity-worker-{index}", daemon=True)
            for index in range(threads)
        ]

    def start(self) -> ActivityWorkers:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 1.0) -> None:
        """Ask the threads to stop; a thread in a long poll leaves when its server answers or goes away."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.0))

    def _work(self, index: int) -> None:
        while not self._stopping.is_set():
            try:
                task = self.cluster.client(index).get_activity_task(
                    activityArn=self.activity_arn, workerName=f"worker-{index}"
                )
            except TRANSPORT_ERRORS:
                time.sleep(0.1)
                continue
            except Exception as exc:  # reported by the test, which must not hang on a dead thread
                self.errors.append(f"worker {index}: {exc!r}")
                time.sleep(0.5)
                continue
            if task.get("taskToken"):
                self._answer(index, task)

    def _answer(self, index: int, task: GetActivityTaskOutputTypeDef) -> None:
        payload = json.loads(task["input"])
        with self._lock:
            first = payload["execution"] not in self.failed_once
            self.failed_once.add(payload["execution"])
        token = task["taskToken"]
        try:
            if first:
                self.cluster.call(
                    "send_task_failure", index + 1, taskToken=token, error=FLAKY_ERROR, cause="first attempt fails"
                )
            else:
                output = json.dumps({"answer": 2 * payload["n"] + 1})
                self.cluster.call("send_task_success", index + 1, taskToken=token, output=output)
        except Exception as exc:
            name = type(exc).__name__
            if "TaskTimedOut" not in name and "TaskDoesNotExist" not in name:
                self.errors.append(f"worker {index}: answering {payload}: {exc!r}")


@dataclass
class Workload:
    """Machines of every kind, their executions, and the activity workers that serve them."""

    cluster: Cluster
    prefix: str
    counts: dict[str, int]
    activity_arn: str = ""
    machine_arns: dict[str, str] = field(default_factory=dict)
    executions: dict[str, tuple[str, int]] = field(default_factory=dict)  # ARN -> (kind, i)
    workers: ActivityWorkers | None = None
    timed_out_attempts: int = 0  # activity attempts lost to a kill (set by verify)
    start_via: int | None = None  # start every execution through this server of the cluster (None: take turns)

    def create(self, worker_threads: int = 4) -> Workload:
        self.activity_arn = self.cluster.call("create_activity", name=f"{self.prefix}-act")["activityArn"]
        for kind in self.counts:
            definition = json.dumps(KINDS[kind].definition(self.activity_arn))
            name = f"{self.prefix}-{kind}"
            created = self.cluster.call("create_state_machine", name=name, definition=definition, roleArn=ROLE_ARN)
            self.machine_arns[kind] = created["stateMachineArn"]
        if self.counts.get("activity"):
            self.workers = ActivityWorkers(self.cluster, self.activity_arn, worker_threads).start()
        return self

    def execution_arn(self, kind: str, i: int) -> str:
        return f"{ACCOUNT_PREFIX}:execution:{self.prefix}-{kind}:{kind}-{i}"

    def start_all(self) -> list[str]:
        """Start every execution, interleaving the kinds; a start cut by a crash is made again (same name)."""
        largest = max(self.counts.values(), default=0)
        for i in range(largest):
            for kind, count in self.counts.items():
                if i < count:
                    self._start(kind, i)
        return list(self.executions)

    def _start(self, kind: str, i: int) -> None:
        arn = self.execution_arn(kind, i)
        raw_input = json.dumps(KINDS[kind].make_input(i))
        try:
            self.cluster.call(
                "start_execution",
                self.start_via,
                stateMachineArn=self.machine_arns[kind],
                name=f"{kind}-{i}",
                input=raw_input,
            )
        except Exception as exc:
            # Retried after a connection error, the first try may have landed and the execution ended since.
            if "ExecutionAlreadyExists" not in type(exc).__name__:
                raise
            assert self.cluster.call("describe_execution", executionArn=arn)["input"] == raw_input
        self.executions[arn] = (kind, i)

    def stop_the_stoppable(self, timeout: float = 60.0) -> None:
        """Stop each ``stopped`` execution once it waits in its Wait state (so its history is deterministic)."""
        for arn, (kind, _) in list(self.executions.items()):
            if kind != "stopped":
                continue
            deadline = time.monotonic() + timeout
            while "WaitStateEntered" not in _types(self.cluster, arn):
                assert time.monotonic() < deadline, f"{arn} never entered its Wait"
                time.sleep(0.05)
            self.cluster.call("stop_execution", executionArn=arn, error="Test.Stop", cause="stopped by the test")

    def ended_count(self) -> int:
        """How many executions have ended; 0 while no server answers (it may just have died)."""
        try:
            statuses = invariants.execution_statuses(self.cluster.client(), self.machine_arns.values())
        except TRANSPORT_ERRORS:
            return 0
        return sum(1 for arn in self.executions if statuses.get(arn, "RUNNING") != "RUNNING")

    def wait_until_all_end(self, timeout: float) -> None:
        invariants.wait_until_all_end(self.cluster.client, list(self.executions), timeout)

    def close(self) -> None:
        if self.workers is not None:
            self.workers.stop()

    def verify(self, reference: dict[str, list[str]] | None) -> list[invariants.ExecutionRecord]:
        """The invariants hold, and every execution ended as its kind says, with the reference history."""
        records = invariants.assert_invariants(self.cluster.client(), self.executions)
        wrong: list[str] = []
        for record in records:
            kind, i = self.executions[record.arn]
            status, output = KINDS[kind].expected(i)
            got = None if record.description.get("output") is None else json.loads(record.description["output"])
            if record.status != status or (output is not None and got != output):
                wrong.append(f"{record.arn}: ended {record.status} {got}, expected {status} {output}")
            elif reference is not None and not _same_history(record.types, reference[kind], KINDS[kind]):
                wrong.append(f"{record.arn}: history {record.types} differs from the reference {reference[kind]}")
        assert not wrong, f"{len(wrong)} executions ended wrong:\n" + "\n".join(wrong[:30])
        self.timed_out_attempts = sum(record.types.count("ActivityTimedOut") for record in records)
        if self.workers is not None:
            assert not self.workers.errors, self.workers.errors[:10]
        return records


def _same_history(types: list[str], reference: list[str], kind: Kind) -> bool:
    def strip(events: list[str]) -> list[str]:
        return [event for event in normalized(events) if event not in kind.timing_dependent]

    return strip(types) == strip(reference)


def _types(cluster: Cluster, arn: str) -> list[str]:
    try:
        return [e["type"] for e in cluster.call("get_execution_history", executionArn=arn, maxResults=1000)["events"]]
    except Exception as exc:
        if "ExecutionDoesNotExist" in type(exc).__name__:
            return []
        raise


def normalized(types: list[str]) -> list[str]:
    """Event types, without activity attempts that timed out: a kill may lose a task on its way to a worker.

    ``ActivityScheduled [ActivityStarted] ActivityTimedOut`` then a retry is the only way a crash may
    legitimately change a deterministic history here, and only when it hit a ``GetActivityTask`` answer.
    """
    result: list[str] = []
    for kind in types:
        if kind == "ActivityTimedOut":
            if result and result[-1] == "ActivityStarted":
                result.pop()
            if result and result[-1] == "ActivityScheduled":
                result.pop()
            continue
        result.append(kind)
    return result


def reference_histories(cluster: Cluster, prefix: str) -> dict[str, list[str]]:
    """Event types of one execution of each kind, run on a server that never crashes."""
    workload = Workload(cluster, prefix, dict.fromkeys(KINDS, 1)).create(worker_threads=1)
    try:
        workload.start_all()
        workload.stop_the_stoppable()
        workload.wait_until_all_end(timeout=60)
        records = workload.verify(None)
    finally:
        workload.close()
    return {workload.executions[record.arn][0]: record.types for record in records}
