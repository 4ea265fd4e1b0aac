"""Task: schedules work with an integration, then waits for its news (started, done, timed out).

Events are named by the resource kind, as AWS names them: ``LambdaFunction*`` for the Lambda
function ARN form, ``Activity*`` for activities, ``Task*`` for service integrations.

In an execution that runs a mock test case, a Task state the test case mocks takes its answer from
the mocked responses where it would call out, whatever its resource: it writes the same events as a
real call, within the same transition, and nothing is called, queued or waited for.
"""

from __future__ import annotations

from typing import Any

from app.asl import errors, jsonata_adapter
from app.asl.resources import Resource
from app.asl.states.base import MISSING
from app.asl.states.task import TaskSpec
from app.codec import dumps
from app.durable import news as task_news
from app.durable.news import Phase, TaskNews, TimeoutKind
from app.durable.snapshot import PendingTask, TaskCall, TimerPurpose
from app.durable.work import AWAIT_JOB
from app.engine import dataflow
from app.engine.outcomes import Failure, Outcome, Suspend
from app.engine.run import Run
from app.engine.states.base import StateHandler
from app.engine.types import MockedResult, TaskInvocation

EVENT_PREFIX = {"lambda_function": "LambdaFunction", "activity": "Activity", "service": "Task"}
TIMEOUT_ERRORS = {TimeoutKind.TASK: errors.TIMEOUT, TimeoutKind.HEARTBEAT: errors.HEARTBEAT_TIMEOUT}
TASK_TIMERS = frozenset({TimerPurpose.TASK_TIMEOUT, TimerPurpose.HEARTBEAT})


def enter(run: Run) -> Outcome:
    spec = _spec(run)
    resource = spec.resource
    if resource is None:
        raise errors.StatesError(errors.RUNTIME, f"The resource '{spec.raw.get('Resource')}' is not supported.")
    uses_token = resource.kind == "activity" or resource.pattern == "wait_for_task_token"
    task_id = run.next_id()
    task = PendingTask(task_id, run.task_token(task_id) if uses_token else None)
    run.frame.task = task
    try:
        effective = dataflow.select_input(run)
        timeout = _seconds(run, spec.timeout_seconds, spec.timeout_seconds_path, "TimeoutSeconds")
        heartbeat = _seconds(run, spec.heartbeat_seconds, spec.heartbeat_seconds_path, "HeartbeatSeconds")
        role_arn = _role_arn(run, spec)
        mocked = _mocked(run)
    except errors.StatesError:
        run.frame.task = None
        raise
    _scheduled_event(run, resource, effective, timeout, heartbeat, role_arn)
    if mocked is not None:
        return _answer_mocked(run, resource, mocked)
    scale = run.options.wait_time_scale
    if timeout is not None:
        run.arm_timer(run.now + timeout * scale, TimerPurpose.TASK_TIMEOUT)
    heartbeat_timer = (
        run.arm_timer(run.now + heartbeat * scale, TimerPurpose.HEARTBEAT) if heartbeat and uses_token else None
    )
    invocation = TaskInvocation(
        task_id=task.id,
        resource=resource.arn,
        input=effective,
        call=resource.kind != "activity",
        token=task.token,
        activity_arn=resource.arn if resource.kind == "activity" else None,
        timeout_seconds=timeout,
        heartbeat_seconds=heartbeat if uses_token else None,
        heartbeat_timer_id=heartbeat_timer,
        role_arn=role_arn,
    )
    if invocation.call:  # kept so a lost call can be made again (see recover())
        task.call = TaskCall(resource.arn, effective, timeout, role_arn)
    run.tasks.append(invocation)
    return Suspend()


def recover(run: Run) -> None:
    """Ask again for the call of a task whose work item was lost (the token, if any, is in the store)."""
    task = run.frame.task
    assert task is not None
    call = task.call
    if call is None or (task.submitted and call.resource != AWAIT_JOB):
        return
    run.tasks.append(
        TaskInvocation(
            task_id=task.id,
            resource=call.resource,
            input=call.input,
            call=True,
            timeout_seconds=call.timeout_seconds,
            role_arn=call.role_arn,
        )
    )


def on_task(run: Run, news: TaskNews) -> Outcome:
    """Apply a task's news: started, submitted, succeeded, failed or timed out."""
    spec = _spec(run)
    assert spec.resource is not None
    task = run.frame.task
    assert task is not None
    phase = news.phase
    ends = phase in (Phase.SUCCEEDED, Phase.FAILED, Phase.CALL_FAILED)
    if phase in (Phase.STARTED, Phase.SUBMITTED):
        _progress_event(run, spec.resource, news)
        if phase == Phase.SUBMITTED and spec.resource.polls_job and task.call is not None:  # not a mock's
            _watch_job(run, task, news.output)
        early, task.early = (task.early, None) if phase == Phase.SUBMITTED else (None, task.early)
        return on_task(run, early) if early else Suspend()
    if phase in (Phase.SUCCEEDED, Phase.FAILED) and _awaits_submission(spec.resource, task):
        task.early = news  # the callback or child beat the call's own return: keep AWS's order
        return Suspend()
    if not task.started and (spec.resource.kind != "activity" or ends):
        _progress_event(run, spec.resource, TaskNews(task.id, Phase.STARTED, worker_name=news.worker_name))
    _forget_task(run)  # news held back for a submission that never came goes with it
    if phase == Phase.SUCCEEDED:
        output = news.output
        _event(run, spec.resource, "Succeeded", {"output": dumps(output), "outputDetails": {"truncated": False}})
        run.inspect("result", output)
        return dataflow.complete(run, output)
    if phase in (Phase.FAILED, Phase.CALL_FAILED):
        if phase == Phase.CALL_FAILED and task.token:
            run.closed_tokens.append(task.token)  # the task is over: its token can no longer be answered
        _event(run, spec.resource, "Failed", _error_details(news.error, news.cause))
        return Failure(news.error, news.cause)
    assert news.reason is not None
    error = TIMEOUT_ERRORS[news.reason]
    if task.token:
        run.closed_tokens.append(task.token)
    _event(run, spec.resource, "TimedOut", _error_details(error, None))
    return Failure(error, "")  # AWS's timeouts have an empty cause ("Cause": "" in a Catch's output)


def _watch_job(run: Run, task: PendingTask, submitted: Any) -> None:
    """A ``.sync`` job started: from now on the task's call is the look at the job, until it ends (made
    again if lost, as the start was)."""
    start = task.call
    assert start is not None
    request = {"Resource": start.resource, "Parameters": start.input, "Submitted": submitted}
    task.call = TaskCall(AWAIT_JOB, request, start.timeout_seconds, start.role_arn)
    run.tasks.append(
        TaskInvocation(
            task.id, AWAIT_JOB, request, call=True, timeout_seconds=start.timeout_seconds, role_arn=start.role_arn
        )
    )


def _mocked(run: Run) -> MockedResult | None:
    """The mocked answer of this invocation of the state, taking the next index; None: call for real."""
    mocked, mocks = run.snapshot.mocked, run.options.mocks
    if mocked is None or mocks is None:
        return None
    state = run.state.name
    index = mocked.invocations.get(state, 0)
    result = mocks.response(run.info.state_machine_name, mocked.test_case, state, index)
    if result is not None:
        mocked.invocations[state] = index + 1
    return result


def _answer_mocked(run: Run, resource: Resource, result: MockedResult) -> Outcome:
    """The task's news as a real call would bring it: submitted first where the call goes on waiting
    (``.sync``, ``.waitForTaskToken``), then the mocked result or error."""
    task = run.frame.task
    assert task is not None
    if _awaits_submission(resource, task):
        on_task(run, TaskNews(task.id, Phase.SUBMITTED, output={}))
    if result.error is not None:
        return on_task(run, task_news.failed(task.id, result.error, result.cause))
    return on_task(run, task_news.succeeded(task.id, result.output))


def _awaits_submission(resource: Resource, task: PendingTask) -> bool:
    """Whether a task's end must wait for the news that its call went out (AWS orders them so)."""
    waits = resource.kind == "service" and resource.pattern in ("sync", "sync2", "wait_for_task_token")
    return waits and not task.submitted


def _spec(run: Run) -> TaskSpec:
    spec = run.state
    assert isinstance(spec, TaskSpec)
    return spec


def _scheduled_event(
    run: Run, resource: Resource, effective: Any, timeout: float | None, heartbeat: float | None, role_arn: str | None
) -> None:
    limits = {"timeoutInSeconds": timeout, "heartbeatInSeconds": heartbeat}
    if resource.kind == "service":
        details: dict[str, Any] = {
            "resourceType": resource.service,
            "resource": resource.event_resource,
            "region": run.info.arn.split(":")[3],
            "parameters": dumps(effective),
        }
    else:
        details = {"resource": resource.arn, "input": dumps(effective), "inputDetails": {"truncated": False}}
        if resource.kind == "lambda_function":
            limits.pop("heartbeatInSeconds")
    details.update({key: int(value) for key, value in limits.items() if value is not None})
    if role_arn is not None:
        details["taskCredentials"] = {"roleArn": role_arn}
    prefix = EVENT_PREFIX[resource.kind]
    run.emit(f"{prefix}Scheduled", f"{_lower(prefix)}ScheduledEventDetails", details)


def _progress_event(run: Run, resource: Resource, news: TaskNews) -> None:
    task = run.frame.task
    assert task is not None
    if news.phase == Phase.STARTED:
        task.started = True
        details = {"workerName": news.worker_name} if news.worker_name else {}
        _event(run, resource, "Started", details)
        return
    if not task.started:
        _progress_event(run, resource, TaskNews(task.id, Phase.STARTED))
    task.submitted = True
    output = {"output": dumps(news.output), "outputDetails": {"truncated": False}}
    _event(run, resource, "Submitted", output)


def _event(run: Run, resource: Resource, suffix: str, details: dict[str, Any]) -> None:
    prefix = EVENT_PREFIX[resource.kind]
    if resource.kind == "service":
        details = {"resourceType": resource.service, "resource": resource.event_resource, **details}
    if resource.kind == "lambda_function" and suffix == "Started":
        run.emit(f"{prefix}{suffix}")
        return
    run.emit(f"{prefix}{suffix}", f"{_lower(prefix)}{suffix}EventDetails", details)


def _forget_task(run: Run) -> None:
    """The task is over: its timers are stale from now on."""
    frame = run.frame
    frame.task = None
    frame.timers = {timer_id: timer for timer_id, timer in frame.timers.items() if timer.purpose not in TASK_TIMERS}


def _role_arn(run: Run, spec: TaskSpec) -> str | None:
    """The role the Task's ``Credentials`` name (``RoleArn``, ``RoleArn.$`` or a JSONata template), if any."""
    if spec.credentials is MISSING:
        return None
    if spec.is_jsonata:
        credentials = dataflow.jsonata_value(run, spec.credentials, "Credentials")
    else:
        credentials = dataflow.render(run, spec.credentials, run.state_input)
    role_arn = credentials.get("RoleArn") if isinstance(credentials, dict) else None
    if not isinstance(role_arn, str) or not role_arn:
        raise errors.StatesError(errors.RUNTIME, "The Credentials field must give a RoleArn string.")
    return role_arn


def _seconds(run: Run, literal: Any, path: str | None, field: str) -> float | None:
    if path is not None:
        value = dataflow.resolve_path(run, path, run.state_input, f"{field}Path")
    elif literal is MISSING:
        return None
    elif run.state.is_jsonata and jsonata_adapter.is_expression(literal):
        value = dataflow.jsonata_value(run, literal, field)
    else:
        value = literal
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise errors.StatesError(errors.RUNTIME, f"The {field} value must be a positive integer: {value}")
    return float(value)


def _error_details(error: str | None, cause: str | None) -> dict[str, Any]:
    """AWS leaves an empty cause out of the event."""
    return {key: value for key, value in (("error", error), ("cause", cause)) if value}


def _lower(prefix: str) -> str:
    return prefix[0].lower() + prefix[1:]


HANDLER = StateHandler(enter, on_task=on_task)
