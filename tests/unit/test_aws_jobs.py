"""How each ``.sync`` job's state is read from its service's answer (in the Java SDK's casing)."""

from __future__ import annotations

from typing import Any

import pytest

from app.integrations.aws.jobs import JOBS, JobState


def state_of(service: str, action: str, answer: dict[str, Any]) -> tuple[JobState, Any]:
    return JOBS[(service, action)].read(answer)


def ecs(last_status: str, *codes: int | None) -> dict[str, Any]:
    containers = [
        {"Name": f"c{index}", **({} if code is None else {"ExitCode": code})} for index, code in enumerate(codes)
    ]
    return {"Tasks": [{"TaskArn": "arn:task", "LastStatus": last_status, "Containers": containers}]}


@pytest.mark.parametrize(
    ("answer", "state"),
    [
        (ecs("RUNNING"), JobState.RUNNING),
        (ecs("STOPPED", 0, None), JobState.SUCCEEDED),
        (ecs("STOPPED", 0, 2), JobState.FAILED),
    ],
)
def test_an_ecs_task_ends_when_stopped_and_fails_on_an_exit_code(answer: dict[str, Any], state: JobState) -> None:
    read, described = state_of("ecs", "runTask", answer)
    assert read == state and described == answer["Tasks"][0]


@pytest.mark.parametrize(
    ("service", "action", "answer", "state"),
    [
        ("batch", "submitJob", {"Jobs": [{"Status": "RUNNABLE"}]}, JobState.RUNNING),
        ("batch", "submitJob", {"Jobs": [{"Status": "SUCCEEDED"}]}, JobState.SUCCEEDED),
        ("batch", "submitJob", {"Jobs": [{"Status": "FAILED"}]}, JobState.FAILED),
        ("glue", "startJobRun", {"JobRun": {"JobRunState": "RUNNING"}}, JobState.RUNNING),
        ("glue", "startJobRun", {"JobRun": {"JobRunState": "TIMEOUT"}}, JobState.FAILED),
        ("glue", "startJobRun", {"JobRun": {"JobRunState": "SUCCEEDED"}}, JobState.SUCCEEDED),
        ("codebuild", "startBuild", {"Builds": [{"BuildStatus": "IN_PROGRESS"}]}, JobState.RUNNING),
        ("codebuild", "startBuild", {"Builds": [{"BuildStatus": "FAULT"}]}, JobState.FAILED),
        ("athena", "startQueryExecution", {"QueryExecution": {"Status": {"State": "QUEUED"}}}, JobState.RUNNING),
        ("athena", "startQueryExecution", {"QueryExecution": {"Status": {"State": "CANCELLED"}}}, JobState.FAILED),
        ("athena", "startQueryExecution", {"QueryExecution": {"Status": {"State": "SUCCEEDED"}}}, JobState.SUCCEEDED),
    ],
)
def test_each_job_state(service: str, action: str, answer: dict[str, Any], state: JobState) -> None:
    assert state_of(service, action, answer)[0] == state


def test_the_looks_and_stops_take_the_start_s_parameters_and_answer() -> None:
    glue = JOBS[("glue", "startJobRun")]
    assert glue.describe_parameters({"JobName": "j"}, {"JobRunId": "r"}) == {"JobName": "j", "RunId": "r"}
    assert glue.stop_parameters({"JobName": "j"}, {"JobRunId": "r"}) == {"JobName": "j", "JobRunIds": ["r"]}
    submitted = {"Tasks": [{"TaskArn": "arn:task", "ClusterArn": "arn:cluster"}]}
    assert JOBS[("ecs", "runTask")].describe_parameters({}, submitted) == {
        "cluster": "arn:cluster",
        "tasks": ["arn:task"],
    }
