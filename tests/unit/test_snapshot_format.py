"""Stored snapshots: the current format round-trips, and a snapshot of format 1 goes on where it stood.

``snapshots/format1_map_in_parallel.json`` was written by the previous version of the engine: a
Parallel whose first branch runs a Map of activity tasks (two started, one item still to come)
and whose second branch waits to retry a failed Lambda call. It holds the snapshot, and the events
that version wrote for the three triggers that followed it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.asl.model import parse_definition
from app.codec import dumps, loads
from app.durable import snapshot as snapshots
from app.durable.news import Phase, TaskNews
from app.durable.snapshot import FORMAT_VERSION, ArmedTimer, MapItem, TimerPurpose
from app.durable.work import WorkKind
from app.engine.advance import advance
from app.engine.types import ExecutionInfo, Trigger

STORED = Path(__file__).resolve().parent / "snapshots" / "format1_map_in_parallel.json"


def _recording() -> dict[str, Any]:
    recorded: dict[str, Any] = json.loads(STORED.read_text())
    return recorded


def _info(recorded: dict[str, Any]) -> ExecutionInfo:
    return ExecutionInfo(
        recorded["arn"],
        "run-1",
        "arn:aws:states:us-east-1:111111111111:stateMachine:machine",
        "machine",
        "arn:aws:iam::111111111111:role/r",
        recorded["start_time"],
        dumps(recorded["input"]),
    )


def _events(transition: Any) -> list[list[Any]]:
    return [[e.id, e.previous_event_id, e.type, e.timestamp, e.details] for e in transition.events]


def test_format_1_is_upgraded_to_the_current_format() -> None:
    old = _recording()["snapshot"]
    upgraded = snapshots.upgrade(old)
    assert upgraded["format"] == FORMAT_VERSION
    assert snapshots.upgrade(upgraded) is upgraded, "the current format is left as it is"
    snapshot = snapshots.decode(old)
    assert (snapshot.last_event_id, snapshot.seq) == (old["last_event_id"], old["seq"])
    mapped, call = snapshot.root.children.frames if snapshot.root.children else []
    assert call.retries == {0: 1}
    assert call.timers == {8: ArmedTimer(TimerPurpose.RETRY, 1700000003.0)}
    assert mapped.children is not None and mapped.children.map is not None
    first, second = mapped.children.frames
    assert first.item == MapItem(0, 10) and second.item == MapItem(1, 20)
    assert first.task is not None and first.task.token == old["kids"]["frames"][0]["kids"]["frames"][0]["task"]["token"]
    assert first.timers[3] == ArmedTimer(TimerPurpose.HEARTBEAT, 1700000100.0)
    assert mapped.children.map.limit == 2 and mapped.children.map.finished == 0
    assert snapshots.encode(snapshot) == upgraded
    assert snapshots.encode(snapshots.decode(loads(dumps(upgraded)))) == upgraded


def test_an_ended_child_of_format_1_counts_as_reported() -> None:
    old = _recording()["snapshot"]
    iteration = old["kids"]["frames"][0]["kids"]["frames"][0]
    iteration.update(state=None, status="SUCCEEDED", output={"done": 10})
    snapshot = snapshots.decode(old)
    assert snapshot.root.children is not None
    mapped = snapshot.root.children.frames[0]
    assert mapped.children is not None and mapped.children.map is not None
    assert mapped.children.frames[0].reported
    assert mapped.children.map.finished == 1


def test_an_execution_stored_in_format_1_goes_on_as_it_would_have() -> None:
    recorded = _recording()
    model = parse_definition(json.dumps(recorded["definition"]))
    info = _info(recorded)
    snapshot = snapshots.decode(recorded["snapshot"])
    for step in recorded["steps"]:
        payload = step["payload"]
        news = None if payload is None else TaskNews.from_json(payload)
        trigger = Trigger(WorkKind(step["kind"]), timer_id=step["timer_id"], news=news, entropy=b"test")
        transition = advance(model, snapshot, trigger, step["now"], info)
        # what the previous version wrote comes first, the same but for ids after the extra events
        bodies = [event[2:] for event in _events(transition)]
        assert bodies[: len(step["events"])] == [event[2:] for event in step["events"]]
        assert len(transition.timers) >= len(step["timers"])
        snapshot = transition.snapshot
    # The previous version did not record the end of an iteration whose last state ended on a task's
    # answer; this one records it and starts the third item in its place.
    assert snapshot.root.children is not None
    mapped = snapshot.root.children.frames[0]
    assert mapped.children is not None and mapped.children.map is not None
    assert [frame.item.index for frame in mapped.children.frames if frame.item] == [0, 1, 2]
    assert mapped.children.map.finished == 1
    news = TaskNews(1, Phase.SUCCEEDED, output={})
    stale = advance(model, snapshot, Trigger(WorkKind.TASK, news=news), 0.0, info)
    assert not stale.changed, "news of a task that already ended is stale"


def test_a_reported_child_is_shared_by_copies_and_written_as_it_was_read() -> None:
    """Reported ends never change again: copies share them, and their stored form is reused (copy on write)."""
    old = _recording()["snapshot"]
    iteration = old["kids"]["frames"][0]["kids"]["frames"][0]
    for waiting_on in ("task", "timers", "timer_due"):
        del iteration[waiting_on]
    iteration.update(state=None, status="SUCCEEDED", output={"done": 10})
    snapshot = snapshots.decode(old)
    copy = snapshot.copy()
    assert snapshot.root.children is not None and copy.root.children is not None
    original_map, copied_map = snapshot.root.children.frames[0], copy.root.children.frames[0]
    assert original_map is not copied_map, "a frame that may still change is copied"
    assert original_map.children is not None and copied_map.children is not None
    ended, running = original_map.children.frames
    assert copied_map.children.frames[0] is ended, "a reported frame is shared"
    assert copied_map.children.frames[1] is not running
    stored = snapshots.encode(snapshot)["root"]["children"]["frames"][0]["children"]["frames"][0]
    assert stored is ended.stored
    assert snapshots.encode(copy) == snapshots.encode(snapshot)


FORMAT_2 = Path(__file__).resolve().parent / "snapshots" / "format2_map_in_parallel.json"


def test_an_execution_stored_in_format_2_goes_on_exactly_as_it_did() -> None:
    """``format2_map_in_parallel.json``: the same execution as stored by format 2, with the events and
    timers that version wrote for each trigger. Format 3 only adds the mock test case."""
    recorded = json.loads(FORMAT_2.read_text())
    assert recorded["snapshot"]["format"] == 2
    upgraded = snapshots.upgrade(recorded["snapshot"])
    mapped = upgraded["root"]["children"]["frames"][0]["children"]["map"]
    assert (mapped["result_bytes"], mapped["kept_input_bytes"]) == (0, 0), "no iteration had ended"
    assert snapshots.encode(snapshots.decode(recorded["snapshot"])) == upgraded
    model = parse_definition(json.dumps(recorded["definition"]))
    info = _info(recorded)
    snapshot = snapshots.decode(recorded["snapshot"])
    assert snapshot.mocked is None
    for step in recorded["steps"]:
        payload = step["payload"]
        news = None if payload is None else TaskNews.from_json(payload)
        trigger = Trigger(WorkKind(step["kind"]), timer_id=step["timer_id"], news=news, entropy=b"test")
        transition = advance(model, snapshot, trigger, step["now"], info)
        assert _events(transition) == step["events"]
        assert [[timer.timer_id, timer.due] for timer in transition.timers] == step["timers"]
        snapshot = transition.snapshot


def test_format_3_counts_the_bytes_a_map_holds_from_its_ended_iterations() -> None:
    """Format 4 adds to a running Map the bytes of its ended iterations' results and of the inputs its failed
    iterations keep for a redrive; a snapshot of format 3 gets them counted from its reported frames."""
    stored = json.loads(FORMAT_2.read_text())["snapshot"]
    stored["format"] = 3
    first, second = stored["root"]["children"]["frames"][0]["children"]["frames"]
    for iteration in (first, second):
        for waiting_on in ("task", "timers", "entered", "entered_time"):
            del iteration[waiting_on]
    first.update(state=None, status="SUCCEEDED", output={"done": 10}, reported=True)
    second.update(state=None, status="FAILED", error="E", cause="C", output=None, reported=True)
    upgraded = snapshots.upgrade(stored)
    assert upgraded["format"] == FORMAT_VERSION
    counted = upgraded["root"]["children"]["frames"][0]["children"]["map"]
    results = len('{"done":10},') + len('{"Error":"E","Cause":"C"},')
    assert (counted["result_bytes"], counted["kept_input_bytes"]) == (results, len('{"i":1,"v":20}'))
    progress = snapshots.decode(stored).root.children.frames[0].children.map  # type: ignore[union-attr]
    assert progress is not None and (progress.result_bytes, progress.kept_input_bytes) == (results, 14)


def test_format_4_gains_no_map_runs_and_map_runs_round_trip() -> None:
    root = {"state": "A", "input": {}, "vars": {}}
    old = {"format": 4, "last_event_id": 3, "seq": 1, "root": root}
    assert snapshots.upgrade(old) == {**old, "format": FORMAT_VERSION}
    snapshot = snapshots.decode(old)
    assert snapshot.map_runs == []
    record = snapshots.MapRunRecord("arn:aws:states:us-east-1:1:mapRun:m/l:run-5", 10.0, 5, 1, None, 7, children=4)
    snapshot.map_runs.append(record)
    stored = loads(dumps(snapshots.encode(snapshot)))
    assert snapshots.decode(stored).map_runs == [record]
    copied = snapshot.copy()
    copied.map_runs[0].succeeded_items = 3
    assert record.succeeded_items == 0, "a copy's records are its own"


def test_format_5_enters_again_a_distributed_map_whose_run_kept_its_children_as_frames() -> None:
    run_arn = "arn:aws:states:us-east-1:1:mapRun:m/l:run-4"
    placeholder = {"state": None, "input": 1, "vars": {}, "task": {"id": 7, "token": None}, "item": [0, 1]}
    progress = {"items": [1], "effective": [1], "limit": 10, "tolerated_count": None, "tolerated_percent": None}
    fan = {
        "state": "Fan",
        "input": [1],
        "vars": {},
        "entered": 4,
        "entered_time": 1.0,
        "children": {"frames": [placeholder], "map": progress},
    }
    other = {"state": "Other", "input": {}, "vars": {}, "entered": 9, "task": {"id": 8, "token": None}}
    root = {"state": None, "input": {}, "vars": {}, "children": {"frames": [fan, other]}, "entered": 2}
    record = {"arn": run_arn, "start": 1.0, "max_concurrency": 10, "tolerated_count": None}
    record.update(tolerated_percent=None, items=1, children=1)
    old = {"format": 5, "last_event_id": 9, "seq": 8, "root": root, "map_runs": [record]}
    snapshot = snapshots.decode(loads(dumps(old)))
    assert snapshot.root.children is not None
    entered_again, untouched = snapshot.root.children.frames
    assert (entered_again.state, entered_again.entered, entered_again.children, entered_again.task) == (
        "Fan",
        None,
        None,
        None,
    )
    assert untouched.task is not None and untouched.entered == 9
    assert snapshot.map_runs[0].status == "ABORTED"
    assert record.get("status") is None, "the stored form read is left as it was"
