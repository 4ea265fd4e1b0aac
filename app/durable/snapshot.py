"""An execution's snapshot: everything needed to go on from where it stands, never rebuilt from history.

A snapshot is a tree of frames. The root frame runs the machine's states; a Parallel or Map state
that runs keeps its branches or iterations as child frames, each with its own current state,
input, variables, timers and task, so the same handlers run at any depth.

The stored form is JSON with a format number (:data:`FORMAT_VERSION`). :func:`decode` reads every
format this version of the service ever wrote, upgrading older ones through :func:`upgrade` first,
so executions started before an upgrade of the service go on after it.

The JSON values a frame holds (inputs, outputs, variables, items) are shared between copies and
never changed in place: whoever changes data builds a new value. A child frame whose end its
parent has recorded (``reported``) never changes again either. :meth:`Snapshot.copy` therefore
copies only the frames that may still change, and a reported frame keeps the stored form it was
read from, so a Map of thousands of ended iterations costs little to read, copy and write again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.codec import dumps
from app.durable.news import TaskNews
from app.durable.statuses import ExecutionStatus

FORMAT_VERSION = 6


class TimerPurpose(StrEnum):
    """What a frame's timer is for: the first two hold the frame, the others guard its task."""

    WAIT = "wait"
    RETRY = "retry"
    TASK_TIMEOUT = "task_timeout"
    HEARTBEAT = "heartbeat"


SUSPENDING = frozenset({TimerPurpose.WAIT, TimerPurpose.RETRY})


@dataclass(frozen=True, slots=True)
class ArmedTimer:
    purpose: TimerPurpose
    due: float


@dataclass(frozen=True, slots=True)
class MapItem:
    """``$$.Map.Item`` of an iteration."""

    index: int
    value: Any


@dataclass(frozen=True, slots=True)
class TaskCall:
    """The integration call of a task, kept so a call lost in a crash can be made again."""

    resource: str
    input: Any
    timeout_seconds: float | None
    role_arn: str | None = None


@dataclass(slots=True)
class PendingTask:
    """The task a frame's Task state waits for.

    ``early`` holds an answer that came before the news that the call went out, to be applied
    after it (AWS orders TaskSubmitted before TaskSucceeded).
    """

    id: int
    token: str | None = None
    call: TaskCall | None = None
    started: bool = False
    submitted: bool = False
    early: TaskNews | None = None

    def copy(self) -> PendingTask:
        return PendingTask(self.id, self.token, self.call, self.started, self.submitted, self.early)


@dataclass(slots=True)
class MapProgress:
    """A Map state's bookkeeping: its items, how many may run at once, the count of ended ones, and the
    bytes its ended iterations hold: their results (the Map's result array) and the inputs that failed
    ones keep for a redrive."""

    items: list[Any]
    effective: Any
    limit: int
    tolerated_count: Any
    tolerated_percent: Any
    failures: int = 0
    finished: int = 0
    result_bytes: int = 0
    kept_input_bytes: int = 0

    def copy(self) -> MapProgress:
        return MapProgress(
            self.items,
            self.effective,
            self.limit,
            self.tolerated_count,
            self.tolerated_percent,
            self.failures,
            self.finished,
            self.result_bytes,
            self.kept_input_bytes,
        )


@dataclass(slots=True)
class Children:
    """The branches of a running Parallel, or the iterations a running Map has started."""

    frames: list[Frame]
    map: MapProgress | None = None

    def copy(self) -> Children:
        """A copy in which reported frames, which never change again, are shared (copy on write)."""
        frames = [frame if frame.reported else frame.copy() for frame in self.frames]
        return Children(frames, None if self.map is None else self.map.copy())


@dataclass(slots=True)
class Frame:
    """One line of execution: its current state (None once it ended) and what that state waits for.

    ``entered`` is the id of the current state's StateEntered event (None before entering it);
    ``retries`` counts attempts per retrier index; ``timers`` are keyed by timer id. A child frame
    that ended has a ``status`` (and ``output`` or ``error``/``cause``); ``reported`` is set once
    its parent has recorded that end. ``failed_at`` names the state a failed child frame (or the
    root of an execution that did not succeed) stopped in, where a redrive takes it up again.
    ``last_event`` is the id of the last event the frame wrote (for a new branch or iteration, the event
    that started it): its next event follows from it. None (snapshots written before it was kept): the
    execution's latest event.
    """

    state: str | None
    input: Any
    variables: dict[str, Any] = field(default_factory=dict)
    entered: int | None = None
    entered_time: float | None = None
    retries: dict[int, int] = field(default_factory=dict)
    timers: dict[int, ArmedTimer] = field(default_factory=dict)
    task: PendingTask | None = None
    children: Children | None = None
    status: str | None = None
    output: Any = None
    error: str | None = None
    cause: str | None = None
    reported: bool = False
    branch: int | None = None
    item: MapItem | None = None
    failed_at: str | None = None
    last_event: int | None = None
    stored: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def suspended(self) -> bool:
        """Whether the frame waits for a timer (a Wait state, a retry back-off) or a task."""
        return self.task is not None or any(timer.purpose in SUSPENDING for timer in self.timers.values())

    def copy(self) -> Frame:
        return Frame(
            self.state,
            self.input,
            dict(self.variables),
            self.entered,
            self.entered_time,
            dict(self.retries),
            dict(self.timers),
            None if self.task is None else self.task.copy(),
            None if self.children is None else self.children.copy(),
            self.status,
            self.output,
            self.error,
            self.cause,
            self.reported,
            self.branch,
            self.item,
            self.failed_at,
            self.last_event,
        )

    def walk(self) -> list[Frame]:
        """This frame and all below it, parents before children."""
        frames = [self]
        if self.children is not None:
            for child in self.children.frames:
                frames.extend(child.walk())
        return frames


@dataclass(slots=True)
class MapRunRecord:
    """A Map Run a distributed Map of the execution started, kept after it ended for DescribeMapRun and
    ListMapRuns: its settings (UpdateMapRun changes them while it runs), its status and its items' counts."""

    arn: str
    start: float
    max_concurrency: int
    tolerated_count: Any
    tolerated_percent: Any
    items: int
    children: int = 0
    status: str = "RUNNING"
    stop: float | None = None
    succeeded_items: int = 0
    failed_items: int = 0
    #: The items whose results its ResultWriter wrote to S3 (0 until it did).
    results_written: int = 0
    #: How many times a redrive of its execution ran its unsuccessful children again, and the last time.
    redrive_count: int = 0
    redrive_date: float | None = None
    #: The task its children report their ends to, and the calls that start them their answers.
    task_id: int = 0
    #: Its children (rows of the store, by position): how many were asked to start since the run began or was
    #: last redriven (those below this position), how many ended as the Map counted them (with those a redrive
    #: kept, once a call told them), and how many of those did not succeed.
    started: int = 0
    ended: int = 0
    failures: int = 0
    #: The call its ResultWriter makes once the children ended, rendered when the run began (None: none).
    writer: dict[str, Any] | None = None

    def copy(self) -> MapRunRecord:
        return MapRunRecord(**self.to_json())

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class MockedRun:
    """The mock test case an execution runs (``…:stateMachine:name#TestCase``), and how many times
    each Task state was invoked so far: the index of the mocked response its next invocation takes."""

    test_case: str
    invocations: dict[str, int] = field(default_factory=dict)

    def copy(self) -> MockedRun:
        return MockedRun(self.test_case, dict(self.invocations))


@dataclass(slots=True)
class Snapshot:
    """The root frame, the id of the last history event written, the last fencing number given, and
    the mock test case the execution runs, if any."""

    root: Frame
    last_event_id: int = 0
    seq: int = 0
    mocked: MockedRun | None = None
    map_runs: list[MapRunRecord] = field(default_factory=list)

    def copy(self) -> Snapshot:
        mocked = None if self.mocked is None else self.mocked.copy()
        map_runs = [record.copy() for record in self.map_runs]
        return Snapshot(self.root.copy(), self.last_event_id, self.seq, mocked, map_runs)

    def map_run(self, arn: str) -> MapRunRecord | None:
        return next((record for record in self.map_runs if record.arn == arn), None)


# --- the stored form --------------------------------------------------------------------------
def encode(snapshot: Snapshot) -> dict[str, Any]:
    """The JSON form of the current format."""
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "last_event_id": snapshot.last_event_id,
        "seq": snapshot.seq,
        "root": _encode_frame(snapshot.root),
    }
    if snapshot.mocked is not None:
        data["mocked"] = {"test_case": snapshot.mocked.test_case, "invocations": snapshot.mocked.invocations}
    if snapshot.map_runs:
        data["map_runs"] = [record.to_json() for record in snapshot.map_runs]
    return data


def decode(data: dict[str, Any]) -> Snapshot:
    """A snapshot from its JSON form in any format this service has written."""
    data = upgrade(data)
    mocked = data.get("mocked")
    return Snapshot(
        _decode_frame(data["root"]),
        int(data["last_event_id"]),
        int(data["seq"]),
        None if mocked is None else MockedRun(str(mocked["test_case"]), dict(mocked["invocations"])),
        [MapRunRecord(**record) for record in data.get("map_runs", [])],
    )


def _encode_frame(frame: Frame) -> dict[str, Any]:
    if frame.stored is not None:
        return frame.stored
    data: dict[str, Any] = {"state": frame.state, "input": frame.input, "vars": frame.variables}
    if frame.entered is not None:
        data["entered"] = frame.entered
    if frame.entered_time is not None:
        data["entered_time"] = frame.entered_time
    if frame.retries:
        data["retries"] = {str(index): count for index, count in frame.retries.items()}
    if frame.timers:
        data["timers"] = {str(timer_id): [timer.purpose.value, timer.due] for timer_id, timer in frame.timers.items()}
    if frame.task is not None:
        data["task"] = _encode_task(frame.task)
    if frame.children is not None:
        data["children"] = _encode_children(frame.children)
    if frame.status is not None:
        data.update(status=frame.status, output=frame.output, error=frame.error, cause=frame.cause)
    if frame.reported:
        data["reported"] = True
    if frame.branch is not None:
        data["branch"] = frame.branch
    if frame.item is not None:
        data["item"] = [frame.item.index, frame.item.value]
    if frame.failed_at is not None:
        data["failed_at"] = frame.failed_at
    if frame.last_event is not None:
        data["last_event"] = frame.last_event
    return data


def _decode_frame(data: dict[str, Any]) -> Frame:
    item = data.get("item")
    if data.get("reported") and "children" not in data and "task" not in data:
        # an ended child frame that holds nothing open: its end and its place are all that is read
        return Frame(
            state=None,
            input=data.get("input"),
            variables=data.get("vars", {}),
            status=data["status"],
            output=data.get("output"),
            error=data.get("error"),
            cause=data.get("cause"),
            reported=True,
            branch=data.get("branch"),
            item=None if item is None else MapItem(int(item[0]), item[1]),
            failed_at=data.get("failed_at"),
            last_event=data.get("last_event"),
            stored=data,
        )
    return Frame(
        state=data["state"],
        input=data.get("input"),
        variables=data.get("vars", {}),
        entered=data.get("entered"),
        entered_time=data.get("entered_time"),
        retries={int(index): count for index, count in data.get("retries", {}).items()},
        timers={
            int(timer_id): ArmedTimer(TimerPurpose(purpose), float(due))
            for timer_id, (purpose, due) in data.get("timers", {}).items()
        },
        task=None if "task" not in data else _decode_task(data["task"]),
        children=None if "children" not in data else _decode_children(data["children"]),
        status=data.get("status"),
        output=data.get("output"),
        error=data.get("error"),
        cause=data.get("cause"),
        reported=bool(data.get("reported", False)),
        branch=data.get("branch"),
        item=None if item is None else MapItem(int(item[0]), item[1]),
        failed_at=data.get("failed_at"),
        last_event=data.get("last_event"),
    )


def _encode_task(task: PendingTask) -> dict[str, Any]:
    data: dict[str, Any] = {"id": task.id, "token": task.token}
    if task.call is not None:
        call = task.call
        data["call"] = {"resource": call.resource, "input": call.input, "timeout_seconds": call.timeout_seconds}
        if call.role_arn is not None:  # absent before Task Credentials were honoured: no role
            data["call"]["role_arn"] = call.role_arn
    if task.started:
        data["started"] = True
    if task.submitted:
        data["submitted"] = True
    if task.early is not None:
        data["early"] = task.early.to_json()
    return data


def _decode_task(data: dict[str, Any]) -> PendingTask:
    call = data.get("call")
    early = data.get("early")
    return PendingTask(
        id=int(data["id"]),
        token=data.get("token"),
        call=None
        if call is None
        else TaskCall(call["resource"], call["input"], call["timeout_seconds"], call.get("role_arn")),
        started=bool(data.get("started", False)),
        submitted=bool(data.get("submitted", False)),
        early=None if early is None else TaskNews.from_json(early),
    )


def _encode_children(children: Children) -> dict[str, Any]:
    data: dict[str, Any] = {"frames": [_encode_frame(frame) for frame in children.frames]}
    progress = children.map
    if progress is not None:
        data["map"] = {
            "items": progress.items,
            "effective": progress.effective,
            "limit": progress.limit,
            "tolerated_count": progress.tolerated_count,
            "tolerated_percent": progress.tolerated_percent,
            "failures": progress.failures,
            "finished": progress.finished,
            "result_bytes": progress.result_bytes,
            "kept_input_bytes": progress.kept_input_bytes,
        }
    return data


def _decode_children(data: dict[str, Any]) -> Children:
    progress = data.get("map")
    return Children(
        frames=[_decode_frame(frame) for frame in data["frames"]],
        map=None if progress is None else MapProgress(**progress),
    )


# --- older formats ----------------------------------------------------------------------------
def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of the current format from the form of any earlier one (unchanged if current).

    Format 1 (no ``format`` member) kept the root frame's members beside the counters, a frame's
    timer purposes and due times in two maps, a running fan's frames and Map bookkeeping together
    under ``kids``, and no mark on reported child ends. Format 1 recorded the end of a child only
    when it ended while its parent drove it, so its ended children count as reported, and its Map
    count of ended iterations is the number of ended frames.

    Format 2 is format 3 without ``mocked`` (no execution ran a mock test case before format 3).
    Format 3 is format 4 without a Map's counts of the bytes its ended iterations hold: they are
    counted from its reported frames. Format 4 is format 5 without ``map_runs`` (no Map Run existed
    before format 5). Format 5 kept a distributed Map's children as frames of its own, its items with
    them; format 6 keeps them in the store: a Map of format 5 that started its run is entered again
    (a new Map Run; the old one counts as aborted, and its children's news finds nobody waiting).
    """
    if data.get("format") == FORMAT_VERSION:
        return data
    if data.get("format") is None:
        data = _upgrade_v1(data)
    if data["format"] not in (4, 5):
        data = {**data, "root": _count_map_bytes(data["root"])}
    if data.get("map_runs"):
        data = _upgrade_map_runs_v5(data)
    return {**data, "format": FORMAT_VERSION}


def _upgrade_map_runs_v5(data: dict[str, Any]) -> dict[str, Any]:
    """Format 6 from format 5: distributed Maps whose run started, entered again (see :func:`upgrade`)."""
    # the items its children started are summed from the store (format 5 counted them here)
    records = [{key: value for key, value in record.items() if key != "started_items"} for record in data["map_runs"]]
    runs = {int(str(record["arn"]).rsplit("-", 1)[1]): record for record in records}

    def enter_again(frame: dict[str, Any]) -> dict[str, Any]:
        children = frame.get("children")
        if children is None:
            return frame
        record = runs.get(frame.get("entered", -1))
        if record is not None and children.get("map") is not None:
            if record.get("status", ExecutionStatus.RUNNING) == ExecutionStatus.RUNNING:
                record["status"] = ExecutionStatus.ABORTED
            dropped = ("children", "entered", "entered_time", "task", "timers", "retries")
            return {key: value for key, value in frame.items() if key not in dropped}
        return {**frame, "children": {**children, "frames": [enter_again(kid) for kid in children["frames"]]}}

    return {**data, "root": enter_again(data["root"]), "map_runs": records}


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    root = dict(data)
    last_event_id = root.pop("last_event_id", 0)
    seq = root.pop("seq", 0)
    return {"format": 3, "last_event_id": last_event_id, "seq": seq, "root": _upgrade_frame_v1(root)}


def _count_map_bytes(frame: dict[str, Any]) -> dict[str, Any]:
    """A frame of format 3 in format 4: each running Map below it with the bytes its ended iterations hold."""
    children = frame.get("children")
    if children is None:
        return frame
    frames = [_count_map_bytes(child) for child in children["frames"]]
    upgraded: dict[str, Any] = {**children, "frames": frames}
    if "map" in children:
        ended = [child for child in frames if child.get("reported")]
        upgraded["map"] = {
            **children["map"],
            "result_bytes": sum(result_bytes(_stored_result(child)) for child in ended),
            "kept_input_bytes": sum(
                kept_input_bytes(child.get("input")) for child in ended if child["status"] != ExecutionStatus.SUCCEEDED
            ),
        }
    return {**frame, "children": upgraded}


def _stored_result(frame: dict[str, Any]) -> Any:
    return iteration_result(frame["status"], frame.get("output"), frame.get("error"), frame.get("cause"))


def iteration_result(status: str, output: Any, error: str | None, cause: str | None) -> Any:
    """What an ended Map iteration adds to the Map's result: its output, or its error and cause."""
    if status == ExecutionStatus.SUCCEEDED:
        return output
    return {"Error": error, "Cause": cause}


def result_bytes(result: Any) -> int:
    """The size of an iteration's result in the Map's result array (with the comma that follows it)."""
    return len(dumps(result).encode()) + 1


def kept_input_bytes(value: Any) -> int:
    return len(dumps(value).encode())


def _upgrade_frame_v1(old: dict[str, Any]) -> dict[str, Any]:
    frame: dict[str, Any] = {"state": old.get("state"), "input": old.get("input"), "vars": old.get("vars", {})}
    for key in ("entered", "entered_time", "retries", "branch"):
        if old.get(key) is not None:
            frame[key] = old[key]
    due = old.get("timer_due", {})
    if old.get("timers"):
        frame["timers"] = {timer_id: [purpose, due[timer_id]] for timer_id, purpose in old["timers"].items()}
    if "task" in old:
        frame["task"] = old["task"]  # the same members; early news kept the news' JSON form
    if "kids" in old:
        frame["children"] = _upgrade_children_v1(old["kids"])
    if old.get("status") is not None:
        frame.update(status=old["status"], output=old.get("output"), error=old.get("error"), cause=old.get("cause"))
        frame["reported"] = True
    if "map_item" in old:
        frame["item"] = [old["map_item"]["Index"], old["map_item"]["Value"]]
    return frame


def _upgrade_children_v1(kids: dict[str, Any]) -> dict[str, Any]:
    frames = [_upgrade_frame_v1(frame) for frame in kids["frames"]]
    children: dict[str, Any] = {"frames": frames}
    if "items" in kids:
        children["map"] = {
            "items": kids["items"],
            "effective": kids["effective"],
            "limit": kids["limit"],
            "tolerated_count": kids["tolerated_count"],
            "tolerated_percent": kids["tolerated_percent"],
            "failures": kids["failures"],
            "finished": sum(1 for frame in frames if frame.get("status") is not None),
        }
    return children
