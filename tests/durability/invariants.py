"""What must hold for every execution, however often the servers crashed: checked through the public API only.

- history event ids are 1, 2, 3, … with no gap, each ``previousEventId`` smaller than its ``id``, and
  timestamps never go backwards;
- an ended execution has exactly one terminal event, the last one, matching its status (and, when it
  succeeded, its output); a RUNNING one has none;
- no state exits more often than it was entered; in a linear machine (no Map, no Parallel) no state is
  entered twice without an exit in between and no task gets two outcomes: no transition was applied twice;
- RUNNING executions still progress (:func:`wait_until_all_end` fails on executions that stall).
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mypy_boto3_stepfunctions import SFNClient
from mypy_boto3_stepfunctions.type_defs import HistoryEventTypeDef

TERMINAL_EVENTS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionAborted": "ABORTED",
    "ExecutionTimedOut": "TIMED_OUT",
}
TERMINAL_STATUSES = set(TERMINAL_EVENTS.values())
TASK_PREFIXES = ("Activity", "LambdaFunction", "Task")
TASK_OUTCOMES = ("Succeeded", "Failed", "TimedOut", "ScheduleFailed", "StartFailed", "SubmitFailed")
FAN_OUT_TYPES = {"Map", "Parallel"}


@dataclass
class ExecutionRecord:
    """One execution as the API shows it: its description, its whole history, its machine's definition."""

    arn: str
    # Read-only shapes of the API's answers, so that a record made by hand needs only the fields it tests.
    description: Mapping[str, Any]
    events: Sequence[Mapping[str, Any]]
    definition: dict[str, Any]
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.description["status"])

    @property
    def types(self) -> list[str]:
        return [str(event["type"]) for event in self.events]


# --- reading through the API ---------------------------------------------------------------------
def _pages(call: Callable[..., Mapping[str, Any]], key: str, **arguments: Any) -> Iterator[Any]:
    """The items under ``key`` of every page of a paginated call: whatever type that operation lists."""
    token: str | None = None
    while True:
        page = call(**arguments, **({"nextToken": token} if token else {}))
        yield from page[key]
        token = page.get("nextToken")
        if not token:
            return


def state_machine_arns(client: SFNClient) -> list[str]:
    return [m["stateMachineArn"] for m in _pages(client.list_state_machines, "stateMachines", maxResults=1000)]


def execution_statuses(client: SFNClient, machine_arns: Iterable[str] | None = None) -> dict[str, str]:
    """ARN -> status of every execution of the given machines (all machines when None)."""
    statuses: dict[str, str] = {}
    for machine in state_machine_arns(client) if machine_arns is None else machine_arns:
        pages = _pages(client.list_executions, "executions", stateMachineArn=machine, maxResults=1000)
        statuses.update({e["executionArn"]: e["status"] for e in pages})
    return statuses


def history(client: SFNClient, arn: str) -> list[HistoryEventTypeDef]:
    return list(_pages(client.get_execution_history, "events", executionArn=arn, maxResults=1000))


def read_execution(client: SFNClient, arn: str, definitions: dict[str, dict[str, Any]]) -> ExecutionRecord:
    """History first, then the status: a status read later is never behind the history read before it."""
    events = history(client, arn)
    description = client.describe_execution(executionArn=arn)
    if description["status"] in TERMINAL_STATUSES:
        events = history(client, arn)  # it may have ended in between; an ended history no longer changes
    machine = description["stateMachineArn"]
    if machine not in definitions:
        described = client.describe_state_machine(stateMachineArn=machine)
        definitions[machine] = json.loads(described["definition"])
    return ExecutionRecord(arn, description, events, definitions[machine])


def read_all(client: SFNClient, arns: Iterable[str] | None = None) -> list[ExecutionRecord]:
    """Every execution on the server (or those named), each checked: see ``ExecutionRecord.problems``."""
    definitions: dict[str, dict[str, Any]] = {}
    targets = sorted(execution_statuses(client)) if arns is None else list(arns)
    records = [read_execution(client, arn, definitions) for arn in targets]
    for record in records:
        record.problems = violations(record)
    return records


def assert_invariants(client: SFNClient, arns: Iterable[str] | None = None) -> list[ExecutionRecord]:
    """Read and check every execution; fail with every violation found, not just the first."""
    records = read_all(client, arns)
    found = [f"{record.arn}: {problem}" for record in records for problem in record.problems]
    assert not found, f"{len(found)} invariant violations:\n" + "\n".join(found[:50])
    return records


# --- the invariants ------------------------------------------------------------------------------
def violations(record: ExecutionRecord) -> list[str]:
    problems = _event_ids(record.events) + _terminal(record) + _balanced_states(record.events)
    if is_linear(record.definition):
        problems += _linear(record.events)
    return problems


def _event_ids(events: Sequence[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    ids = [int(event["id"]) for event in events]
    if ids != list(range(1, len(ids) + 1)):
        problems.append(f"event ids are not 1..{len(ids)}: {_compress(ids)}")
    for event in events:
        previous = int(event.get("previousEventId", 0))
        if not 0 <= previous < int(event["id"]):
            problems.append(f"event {event['id']} ({event['type']}) has previousEventId {previous}")
    stamps = [event["timestamp"] for event in events]
    if any(later < earlier for earlier, later in itertools.pairwise(stamps)):
        problems.append("timestamps go backwards")
    if events and events[0]["type"] != "ExecutionStarted":
        problems.append(f"first event is {events[0]['type']}, not ExecutionStarted")
    return problems


def _terminal(record: ExecutionRecord) -> list[str]:
    terminal = [event for event in record.events if event["type"] in TERMINAL_EVENTS]
    status = record.status
    if status == "RUNNING":
        return [f"RUNNING but has terminal events {[e['type'] for e in terminal]}"] if terminal else []
    if len(terminal) != 1:
        return [f"{status} with {len(terminal)} terminal events {[e['type'] for e in terminal]}"]
    event = terminal[0]
    problems: list[str] = []
    if TERMINAL_EVENTS[event["type"]] != status:
        problems.append(f"status {status} but terminal event {event['type']}")
    if event is not record.events[-1]:
        problems.append(f"terminal event {event['id']} is followed by {record.types[record.events.index(event) + 1 :]}")
    if status == "SUCCEEDED":
        recorded = event.get("executionSucceededEventDetails", {}).get("output")
        described = record.description.get("output")
        if recorded is not None and described is not None and json.loads(recorded) != json.loads(described):
            problems.append(f"output {described} differs from the ExecutionSucceeded event's {recorded}")
    return problems


def _balanced_states(events: Sequence[Mapping[str, Any]]) -> list[str]:
    """No state (by name) has more exits than entries at any point of the history."""
    entered: Counter[str] = Counter()
    exited: Counter[str] = Counter()
    for event in events:
        if event["type"].endswith("StateEntered"):
            entered[event["stateEnteredEventDetails"]["name"]] += 1
        elif event["type"].endswith("StateExited"):
            name = event["stateExitedEventDetails"]["name"]
            exited[name] += 1
            if exited[name] > entered[name]:
                return [f"state {name!r} exited more often than entered (event {event['id']})"]
    return []


def _linear(events: Sequence[Mapping[str, Any]]) -> list[str]:
    """One state at a time, each entered then exited once; each scheduled task gets one outcome."""
    problems: list[str] = []
    open_state: str | None = None
    task_open = False
    for event in events:
        kind = str(event["type"])
        if kind.endswith("StateEntered"):
            name = event["stateEnteredEventDetails"]["name"]
            if open_state is not None:
                problems.append(f"event {event['id']}: entered {name!r} while {open_state!r} was not exited")
            open_state = name
        elif kind.endswith("StateExited"):
            name = event["stateExitedEventDetails"]["name"]
            if open_state != name:
                problems.append(f"event {event['id']}: exited {name!r} but the open state is {open_state!r}")
            open_state = None
        elif _task_event(kind, ("Scheduled",)):
            if task_open:
                problems.append(f"event {event['id']}: {kind} while the previous task had no outcome")
            task_open = True
        elif _task_event(kind, TASK_OUTCOMES):
            if not task_open:
                problems.append(f"event {event['id']}: {kind} for no scheduled task (a second outcome?)")
            task_open = False
    return problems


def _task_event(kind: str, suffixes: tuple[str, ...]) -> bool:
    return "State" not in kind and kind.startswith(TASK_PREFIXES) and kind.endswith(suffixes)


def is_linear(definition: dict[str, Any]) -> bool:
    """True when no state (at any depth) is a Map or a Parallel: one state runs at a time."""
    states = definition.get("States", {})
    return not any(state.get("Type") in FAN_OUT_TYPES for state in states.values())


def _compress(ids: list[int]) -> str:
    return str(ids) if len(ids) <= 20 else f"{ids[:10]} … {ids[-10:]}"


# --- progress ----------------------------------------------------------------------------------
def wait_until_all_end(
    client_of: Callable[[], SFNClient], arns: Iterable[str], timeout: float, stall_seconds: float = 20.0
) -> dict[str, str]:
    """Poll until every execution in ``arns`` has ended; their final statuses.

    Fails after ``timeout`` seconds, or earlier when RUNNING executions stop progressing: no execution
    ended and no RUNNING one got a new history event for ``stall_seconds``. ``client_of`` gives a
    client of a live server each time (the tests swap servers underneath).
    """
    wanted = set(arns)
    deadline = time.monotonic() + timeout
    last_change = time.monotonic()
    last_ended = -1
    lengths: dict[str, int] = {}
    while True:
        client = client_of()
        statuses = _statuses_of(client, wanted)
        running = sorted(arn for arn in wanted if statuses.get(arn, "RUNNING") == "RUNNING")
        if not running:
            return statuses
        ended = len(wanted) - len(running)
        now = time.monotonic()
        if ended != last_ended:
            last_ended, last_change = ended, now
        elif now - last_change > stall_seconds / 2:
            grown = {arn: len(history(client, arn)) for arn in running[:50]}
            if any(grown[arn] != lengths.get(arn) for arn in grown):
                last_change = now
            lengths = grown
        if now - last_change > stall_seconds or now > deadline:
            raise AssertionError(_stuck_report(client, running, now > deadline, stall_seconds))
        time.sleep(0.25)


def _statuses_of(client: SFNClient, arns: set[str]) -> dict[str, str]:
    machines = {arn.split(":execution:")[1].split(":")[0] for arn in arns}
    prefix = next(iter(arns)).split(":execution:")[0]
    machine_arns = [f"{prefix}:stateMachine:{name}" for name in sorted(machines)]
    return execution_statuses(client, machine_arns)


def _stuck_report(client: SFNClient, running: list[str], timed_out: bool, stall_seconds: float) -> str:
    why = "did not end in time" if timed_out else f"made no progress for {stall_seconds}s"
    lines = [f"{len(running)} executions {why}; the first ones and their last events:"]
    for arn in running[:8]:
        lines.append(f"  {arn}: {history(client, arn)[-4:]}")
    return "\n".join(lines)
