"""``.sync`` jobs over moto's server: the task waits for the job to end, watching it, and stops it when the
execution no longer waits."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.integration.aws.conftest import RunMachine
from tests.support.moto_server import MotoServer
from tests.support.waiting import wait_for_event, wait_until

Aws = Callable[[str], Any]
ROLE = "arn:aws:iam::123456789012:role/jobs"


def one_task(resource: str, parameters: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "StartAt": "Job",
        "States": {"Job": {"Type": "Task", "Resource": resource, "Parameters": parameters, "End": True, **fields}},
    }


def task_events(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events if event["type"].startswith("Task") and "State" not in event["type"]]


def succeeded(description: dict[str, Any]) -> Any:
    assert description["status"] == "SUCCEEDED", (description.get("error"), description.get("cause"))
    return json.loads(description["output"])


WATCHED = ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]


def test_an_athena_query_runs_to_its_end(run_machine: RunMachine) -> None:
    definition = one_task(
        "arn:aws:states:::athena:startQueryExecution.sync",
        {"QueryString": "SELECT 1", "WorkGroup": "primary", "ResultConfiguration": {"OutputLocation": "s3://out/"}},
    )
    description, events = run_machine(definition, {})
    output = succeeded(description)
    assert output["QueryExecution"]["Status"]["State"] == "SUCCEEDED"
    assert output["QueryExecution"]["Query"] == "SELECT 1"
    assert task_events(events) == WATCHED
    submitted = next(event for event in events if event["type"] == "TaskSubmitted")
    assert "QueryExecutionId" in json.loads(submitted["taskSubmittedEventDetails"]["output"])


def test_a_glue_job_run_and_a_missing_job_caught_by_name(run_machine: RunMachine, aws: Aws) -> None:
    job = f"job-{uuid.uuid4().hex[:8]}"
    aws("glue").create_job(Name=job, Role=ROLE, Command={"Name": "glueetl", "ScriptLocation": "s3://scripts/a.py"})
    resource = "arn:aws:states:::glue:startJobRun.sync"
    description, events = run_machine(one_task(resource, {"JobName": job}), {})
    output = succeeded(description)
    assert (output["JobName"], output["JobRunState"]) == (job, "SUCCEEDED")
    assert task_events(events) == WATCHED

    named = ["Glue.EntityNotFoundException"]
    retry = [{"ErrorEquals": named, "IntervalSeconds": 1, "MaxAttempts": 1}]
    missing = one_task(
        resource, {"JobName": "no-such-job"}, Retry=retry, Catch=[{"ErrorEquals": named, "Next": "Caught"}]
    )
    del missing["States"]["Job"]["End"]
    missing["States"]["Job"]["Next"] = "Caught"
    missing["States"]["Caught"] = {"Type": "Pass", "End": True}
    description, events = run_machine(missing, {})
    assert succeeded(description)["Error"] == "Glue.EntityNotFoundException"
    assert task_events(events) == ["TaskScheduled", "TaskStarted", "TaskFailed"] * 2  # tried, retried, caught


def test_a_codebuild_build_runs_to_its_end(run_machine: RunMachine, aws: Aws) -> None:
    project = f"project-{uuid.uuid4().hex[:8]}"
    aws("codebuild").create_project(
        name=project,
        source={"type": "S3", "location": "bucket/source.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=ROLE,
    )
    description, events = run_machine(
        one_task("arn:aws:states:::codebuild:startBuild.sync", {"ProjectName": project}), {}
    )
    output = succeeded(description)
    assert output["Build"]["BuildStatus"] == "SUCCEEDED" and output["Build"]["ProjectName"] == project
    assert task_events(events) == WATCHED


@pytest.fixture
def ecs_task_definition(aws: Aws) -> tuple[str, str]:
    """A cluster with one container instance, and a task definition's family to run on it."""
    ec2, ecs = aws("ec2"), aws("ecs")
    cluster = ecs.create_cluster(clusterName=f"cluster-{uuid.uuid4().hex[:8]}")["cluster"]["clusterArn"]
    image = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
    document = json.dumps({"instanceId": instance, "region": "us-east-1"})
    ecs.register_container_instance(cluster=cluster, instanceIdentityDocument=document)
    family = f"family-{uuid.uuid4().hex[:8]}"
    container = {"name": "main", "image": "busybox", "memory": 128, "essential": True}
    ecs.register_task_definition(family=family, containerDefinitions=[container])
    return cluster, family


def run_task(cluster: str, family: str) -> dict[str, Any]:
    return one_task("arn:aws:states:::ecs:runTask.sync", {"Cluster": cluster, "TaskDefinition": family})


def test_an_ecs_task_runs_until_it_stopped(run_machine: RunMachine, ecs_task_definition: tuple[str, str]) -> None:
    description, events = run_machine(run_task(*ecs_task_definition), {})
    output = succeeded(description)
    assert output["LastStatus"] == "STOPPED" and output["TaskArn"].startswith("arn:aws:ecs:")
    assert task_events(events) == WATCHED


@pytest.fixture
def ecs_tasks_keep_running(moto: MotoServer) -> Iterator[None]:
    """moto's ECS tasks stay RUNNING (as a real one does) until stopped."""
    transition = {"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1_000_000}}
    httpx.post(f"{moto.endpoint}/moto-api/state-manager/set-transition", json=transition).raise_for_status()
    yield
    httpx.post(f"{moto.endpoint}/moto-api/state-manager/unset-transition", json={"model_name": "ecs::task"})


@pytest.mark.usefixtures("ecs_tasks_keep_running")
def test_stopping_the_execution_stops_its_ecs_task(
    aws_sfn: SFNClient,
    start_machine: Callable[[dict[str, Any], Any], str],
    aws: Aws,
    ecs_task_definition: tuple[str, str],
) -> None:
    cluster, family = ecs_task_definition
    arn = start_machine(run_task(cluster, family), {})
    wait_for_event(aws_sfn, arn, "TaskSubmitted")
    events = aws_sfn.get_execution_history(executionArn=arn)["events"]
    submitted = next(event for event in events if event["type"] == "TaskSubmitted")
    task_arn = json.loads(submitted["taskSubmittedEventDetails"]["output"])["Tasks"][0]["TaskArn"]
    aws_sfn.stop_execution(executionArn=arn, error="Enough")
    ecs = aws("ecs")

    def stopped() -> bool:
        return bool(ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"][0]["lastStatus"] == "STOPPED")

    wait_until(stopped, 30, "the task was never stopped")
    reason = ecs.describe_tasks(cluster=cluster, tasks=[task_arn])["tasks"][0].get("stoppedReason", "")
    assert "Step Functions" in reason


@pytest.fixture
def batch_queue(aws: Aws, moto: MotoServer) -> tuple[str, str]:
    """A job queue and a job definition, on moto's Batch without a container engine (jobs succeed at once)."""
    httpx.post(f"{moto.endpoint}/moto-api/config", json={"batch": {"use_docker": False}}).raise_for_status()
    suffix = uuid.uuid4().hex[:8]
    role = aws("iam").create_role(RoleName=f"batch-{suffix}", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    batch = aws("batch")
    environment = batch.create_compute_environment(
        computeEnvironmentName=f"env-{suffix}", type="UNMANAGED", serviceRole=role
    )["computeEnvironmentArn"]
    queue = batch.create_job_queue(
        jobQueueName=f"queue-{suffix}",
        state="ENABLED",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": environment}],
    )["jobQueueArn"]
    container = {"image": "busybox", "vcpus": 1, "memory": 128}
    definition = batch.register_job_definition(
        jobDefinitionName=f"def-{suffix}", type="container", containerProperties=container
    )["jobDefinitionArn"]
    return queue, definition


def test_a_batch_job_runs_to_its_end(run_machine: RunMachine, batch_queue: tuple[str, str]) -> None:
    queue, definition = batch_queue
    parameters = {"JobName": "nightly", "JobQueue": queue, "JobDefinition": definition}
    description, events = run_machine(one_task("arn:aws:states:::batch:submitJob.sync", parameters), {})
    output = succeeded(description)
    assert (output["JobName"], output["Status"]) == ("nightly", "SUCCEEDED")
    assert task_events(events) == WATCHED
