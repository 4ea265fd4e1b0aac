"""Task ``Resource`` ARNs: what kind of work a Task state asks for, and how it waits for it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Pattern = Literal["request_response", "sync", "sync2", "wait_for_task_token"]
Kind = Literal["lambda_function", "activity", "service"]

_LAMBDA_FUNCTION = re.compile(r"^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)(?::([^:]+))?$")
_ACTIVITY = re.compile(r"^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:.+$")
_SERVICE = re.compile(r"^arn:aws[a-z-]*:states:([a-z0-9-]*):(\d{12})?:([A-Za-z0-9-]+):(.+)$")
_SUFFIXES: tuple[tuple[str, Pattern], ...] = (
    (".waitForTaskToken", "wait_for_task_token"),
    (".sync:2", "sync2"),
    (".sync", "sync"),
)


#: The ``.sync`` integrations whose end this server learns by asking the service for the job's status.
POLLED_JOBS = frozenset(
    {
        ("ecs", "runTask"),
        ("batch", "submitJob"),
        ("glue", "startJobRun"),
        ("codebuild", "startBuild"),
        ("athena", "startQueryExecution"),
    }
)


@dataclass(frozen=True)
class Resource:
    """A parsed Task resource.

    ``service``/``action`` name a service integration (``lambda``/``invoke``,
    ``states``/``startExecution``, ``http``/``invoke``, ``aws-sdk:s3``/``getObject``: the
    ``resourceType`` and ``resource`` of AWS's Task* events); for the Lambda function ARN form,
    ``service`` is ``lambda`` and ``action`` the function name.
    """

    arn: str
    kind: Kind
    service: str
    action: str
    pattern: Pattern = "request_response"
    suffix: str = ""

    @property
    def polls_job(self) -> bool:
        """Whether the task runs a job of an AWS service until it ends (``.sync``), asking for its status."""
        return self.pattern == "sync" and (self.service, self.action) in POLLED_JOBS

    @property
    def event_resource(self) -> str:
        """``resource`` in Task* history events: the action with its integration suffix."""
        return f"{self.action}{self.suffix}"


def parse_resource(arn: str) -> Resource | None:
    """The resource an ARN names, or None when it is not one this language knows."""
    function = _LAMBDA_FUNCTION.match(arn)
    if function:
        return Resource(arn, "lambda_function", "lambda", function.group(3))
    if _ACTIVITY.match(arn):
        return Resource(arn, "activity", "states", "activity")
    service = _SERVICE.match(arn)
    if service is None:
        return None
    name, action = service.group(3), service.group(4)
    if name == "aws-sdk" and ":" in action:  # aws-sdk:<service>:<action>: AWS's events name the service with it
        sdk_service, action = action.split(":", 1)
        name = f"{name}:{sdk_service}"
    for suffix, pattern in _SUFFIXES:
        if action.endswith(suffix):
            return Resource(arn, "service", name, action.removesuffix(suffix), pattern, suffix)
    return Resource(arn, "service", name, action)
