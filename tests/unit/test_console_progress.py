"""Each state's status and visits, read from recorded histories (tests/golden) as the console shows them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.console import progress

HISTORIES = Path(__file__).resolve().parents[1] / "golden" / "histories"


def history(name: str) -> list[dict[str, Any]]:
    """A recorded history, each event given a timestamp (the recordings leave them out): its id."""
    events: list[dict[str, Any]] = json.loads((HISTORIES / f"{name}.json").read_text())
    return [{**event, "timestamp": float(event["id"])} for event in events]


def test_retries_then_a_catch() -> None:
    read = progress.read(history("lambda_retry_catch"), "FAILED")
    assert read.statuses == {"Call": "caught", "Report": "passed", "Give up": "failed"}
    call = read.entries[0]
    assert (call.as_json()["retries"], call.error) == (2, "CustomError")
    assert call.entered_at == 2.0 and call.exited_at == 12.0
    assert json.loads(call.input or "") == {"id": 3}
    assert json.loads(call.task_input or "") == {"id": 3} and call.task_result is None


def test_a_task_s_data_flow() -> None:
    read = progress.read(history("lambda_invoke"), "SUCCEEDED")
    task = next(entry for entry in read.entries if entry.type == "Task")
    assert json.loads(task.task_input or "") == {"FunctionName": "echo", "Payload": {"value": 42}}
    assert json.loads(task.task_result or "")["Payload"] == {"echo": {"value": 42}, "function": "echo"}
    assert json.loads(task.output or "") == {"payload": {"echo": {"value": 42}, "function": "echo"}, "status": 200}


def test_a_stopped_parallel() -> None:
    read = progress.read(history("stopped"), "ABORTED")
    assert read.statuses == {"Fan": "aborted", "Quick": "passed", "Long": "aborted"}


def test_map_iterations_and_a_tolerated_failure() -> None:
    read = progress.read(history("map_tolerated"), "SUCCEEDED")
    assert read.statuses == {"Each": "succeeded", "Odd?": "taken", "Good": "passed", "Bad": "failed"}
    assert [(it.index, it.status) for it in read.iterations] == [
        (0, "succeeded"),
        (1, "succeeded"),
        (2, "failed"),
        (3, "succeeded"),
    ]
    assert len([entry for entry in read.entries if entry.state == "Odd?"]) == 4


def test_a_task_waiting_for_its_token() -> None:
    events = history("wait_for_task_token")
    entered = next(index for index, event in enumerate(events) if event["type"] == "TaskStateEntered")
    waiting = progress.read(events[: entered + 3], "RUNNING")
    assert waiting.statuses[events[entered]["stateEnteredEventDetails"]["name"]] == "waiting"
    assert waiting.entries[-1].exited_at is None and waiting.entries[-1].output is None


def test_the_json_form() -> None:
    shown = progress.read(history("pass_chain"), "SUCCEEDED").as_json()
    assert set(shown) == {"states", "entries", "iterations"}
    assert set(shown["entries"][0]) >= {
        "state",
        "type",
        "enteredAt",
        "exitedAt",
        "input",
        "output",
        "retries",
        "status",
    }
    assert sorted(set(shown["states"].values())) == ["passed", "succeeded"]


def test_each_entry_is_placed_in_its_iteration_by_the_event_it_follows() -> None:
    read = progress.read(history("map_tolerated"), "SUCCEEDED")
    assert [(entry.state, entry.lane) for entry in read.entries if entry.state == "Odd?"] == [
        ("Odd?", f"Each [{index}]") for index in range(4)
    ]
    assert next(entry for entry in read.entries if entry.state == "Bad").lane == "Each [2]"
    assert [iteration.lane for iteration in read.iterations] == [f"Each [{index}]" for index in range(4)]
    assert next(entry for entry in read.entries if entry.state == "Each").lane == ""


def test_parallel_branches_are_lanes_of_their_own() -> None:
    read = progress.read(history("parallel"), "SUCCEEDED")
    lanes = {entry.state: entry.lane for entry in read.entries}
    assert lanes["Both"] == ""
    assert (lanes["Left"], lanes["Pause"], lanes["Right"]) == ("Both branch 1", "Both branch 2", "Both branch 2")
