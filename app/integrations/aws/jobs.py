"""The ``.sync`` integrations that run a job of an AWS service until it ends: ECS RunTask, Batch SubmitJob,
Glue StartJobRun, CodeBuild StartBuild and Athena StartQueryExecution.

The start is the optimized integration's call, and its answer the task's ``TaskSubmitted`` output. The job
is then watched: each look asks the service for its status, and once the job ended, the task ends with the
service's description of it as the output (ECS: the task; Batch: the job; Glue: the job run; CodeBuild:
``{"Build"}``; Athena: ``{"QueryExecution"}``), or fails with ``States.TaskFailed`` and that description as
the cause (a stopped ECS task whose container exited with another code than 0; a Batch job FAILED; a Glue
run FAILED, TIMEOUT, STOPPED or ERROR; a build FAILED, FAULT, TIMED_OUT or STOPPED; a query FAILED or
CANCELLED). A job whose execution no longer waits for it is stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from app.codec import dumps
from app.integrations.aws.clients import AssumeRoleError, Clients
from app.integrations.aws.errors import optimized_failure
from app.integrations.aws.optimized import Optimized
from app.integrations.aws.sdk import Call, find_operation, role_failure
from app.integrations.aws.shapes import from_botocore
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess

TASK_FAILED = "States.TaskFailed"
STOP_REASON = "Stopped by Step Functions: the execution no longer waits for it"


class JobState(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """One service's job: its start (an optimized integration), the look (its operation and parameters, from
    the start's parameters and answer), the job's state and description in the look's answer, its stop."""

    start: Optimized
    describe: str
    describe_parameters: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
    read: Callable[[dict[str, Any]], tuple[JobState, Any]]
    stop: str
    stop_parameters: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]


def _state(value: Any, succeeded: str, failed: tuple[str, ...]) -> JobState:
    if value == succeeded:
        return JobState.SUCCEEDED
    return JobState.FAILED if value in failed else JobState.RUNNING


def _ecs_task(answer: dict[str, Any]) -> tuple[JobState, Any]:
    task = answer["Tasks"][0]
    if task.get("LastStatus") != "STOPPED":
        return JobState.RUNNING, task
    codes = [container.get("ExitCode") for container in task.get("Containers", [])]
    failed = any(code not in (None, 0) for code in codes)
    return (JobState.FAILED if failed else JobState.SUCCEEDED), task


def _ecs_handle(_: dict[str, Any], submitted: dict[str, Any]) -> dict[str, Any]:
    task = submitted["Tasks"][0]
    return {"cluster": task["ClusterArn"], "tasks": [task["TaskArn"]]}


def _ecs_stop(parameters: dict[str, Any], submitted: dict[str, Any]) -> dict[str, Any]:
    handle = _ecs_handle(parameters, submitted)
    return {"cluster": handle["cluster"], "task": handle["tasks"][0], "reason": STOP_REASON}


def _batch_job(answer: dict[str, Any]) -> tuple[JobState, Any]:
    job = answer["Jobs"][0]
    return _state(job.get("Status"), "SUCCEEDED", ("FAILED",)), job


def _glue_run(answer: dict[str, Any]) -> tuple[JobState, Any]:
    run = answer["JobRun"]
    return _state(run.get("JobRunState"), "SUCCEEDED", ("FAILED", "TIMEOUT", "STOPPED", "ERROR")), run


def _build(answer: dict[str, Any]) -> tuple[JobState, Any]:
    build = answer["Builds"][0]
    failed = ("FAILED", "FAULT", "TIMED_OUT", "STOPPED")
    return _state(build.get("BuildStatus"), "SUCCEEDED", failed), {"Build": build}


def _query(answer: dict[str, Any]) -> tuple[JobState, Any]:
    state = answer["QueryExecution"].get("Status", {}).get("State")
    return _state(state, "SUCCEEDED", ("FAILED", "CANCELLED")), {"QueryExecution": answer["QueryExecution"]}


JOBS: dict[tuple[str, str], Job] = {
    ("ecs", "runTask"): Job(
        Optimized("ecs", "ECS", "AmazonECS", java_names=True),
        "DescribeTasks",
        _ecs_handle,
        _ecs_task,
        "StopTask",
        _ecs_stop,
    ),
    ("batch", "submitJob"): Job(
        Optimized("batch", "Batch", "AWSBatch", java_names=True),
        "DescribeJobs",
        lambda _, submitted: {"jobs": [submitted["JobId"]]},
        _batch_job,
        "TerminateJob",
        lambda _, submitted: {"jobId": submitted["JobId"], "reason": STOP_REASON},
    ),
    ("glue", "startJobRun"): Job(
        Optimized("glue", "Glue", "AWSGlue", java_names=True),
        "GetJobRun",
        lambda parameters, submitted: {"JobName": parameters["JobName"], "RunId": submitted["JobRunId"]},
        _glue_run,
        "BatchStopJobRun",
        lambda parameters, submitted: {"JobName": parameters["JobName"], "JobRunIds": [submitted["JobRunId"]]},
    ),
    ("codebuild", "startBuild"): Job(
        Optimized("codebuild", "CodeBuild", "AWSCodeBuild", java_names=True),
        "BatchGetBuilds",
        lambda _, submitted: {"ids": [submitted["Build"]["Id"]]},
        _build,
        "StopBuild",
        lambda _, submitted: {"id": submitted["Build"]["Id"]},
    ),
    ("athena", "startQueryExecution"): Job(
        Optimized("athena", "Athena", "AmazonAthena", java_names=True),
        "GetQueryExecution",
        lambda _, submitted: {"QueryExecutionId": submitted["QueryExecutionId"]},
        _query,
        "StopQueryExecution",
        lambda _, submitted: {"QueryExecutionId": submitted["QueryExecutionId"]},
    ),
}


def look(clients: Clients, job: Job, request: dict[str, Any], call: Call) -> TaskResult | None:
    """How the task ends, asking the service for the job's state; None while it runs (or while the service
    cannot be reached: the next look asks again)."""
    service = job.start.service
    operation = find_operation(service, job.describe)
    assert operation is not None, (service, job.describe)
    try:
        client = clients.get(service, call.region, call.timeout, call.role_arn)
        method = getattr(client, xform_name(job.describe))
        answer = method(**job.describe_parameters(request["Parameters"], request["Submitted"]))
    except AssumeRoleError as exc:
        return role_failure(exc)
    except ClientError as exc:
        return optimized_failure(exc, operation.model, job.start.prefix, job.start.cause_service)
    except BotoCoreError:
        return None
    state, described = job.read(from_botocore(answer, operation.shapes.output_shape))
    if state == JobState.RUNNING:
        return None
    if state == JobState.FAILED:
        return TaskFailure(TASK_FAILED, dumps(described))
    return TaskSuccess(described)


def stop(clients: Clients, job: Job, request: dict[str, Any], call: Call) -> None:
    """Stop the job (best effort: one that already ended, or that cannot be reached, is left as it is)."""
    try:
        client = clients.get(job.start.service, call.region, call.timeout, call.role_arn)
        getattr(client, xform_name(job.stop))(**job.stop_parameters(request["Parameters"], request["Submitted"]))
    except (AssumeRoleError, ClientError, BotoCoreError, KeyError):
        return
