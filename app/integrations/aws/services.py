"""The AWS service integrations a Task resource may name: ``aws-sdk:*`` and the optimized ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.asl.resources import Resource, parse_resource
from app.integrations.aws import jobs
from app.integrations.aws.clients import Clients
from app.integrations.aws.optimized import OPTIMIZED, Optimized, call_optimized
from app.integrations.aws.sdk import Call, call_sdk, find_operation
from app.integrations.results import TaskResult

SDK = "aws-sdk:"
#: AWS's SDK and optimized integrations answer at once or wait for a callback; the jobs also run to their end.
PATTERNS = frozenset({"request_response", "wait_for_task_token"})


@dataclass
class AwsServices:
    """Calls AWS services (or whatever botocore's configuration points them at) for Task states."""

    region: str = "us-east-1"
    clients: Clients = field(default_factory=Clients)

    def supports(self, resource: Resource) -> bool:
        if resource.polls_job:
            return True
        if resource.pattern not in PATTERNS:
            return False
        if _optimized(resource) is not None:
            return True
        return (
            resource.service.startswith(SDK)
            and find_operation(resource.service[len(SDK) :], resource.action) is not None
        )

    def call(
        self,
        execution_arn: str,
        resource: Resource,
        parameters: Any,
        timeout: float | None,
        role_arn: str | None = None,
    ) -> TaskResult:
        """Call a resource :meth:`supports`; ``timeout`` bounds each attempt; ``role_arn`` is the role to call as."""
        call = Call(self._region(resource), timeout, role_arn)
        optimized = _optimized(resource)
        if optimized is not None:
            return call_optimized(
                self.clients, optimized, resource.action, parameters, execution_arn=execution_arn, call=call
            )
        operation = find_operation(resource.service.removeprefix(SDK), resource.action)
        assert operation is not None, resource.arn
        return call_sdk(self.clients, operation, parameters, call)

    def look_at_job(self, request: dict[str, Any], role_arn: str | None) -> TaskResult | None:
        """How a ``.sync`` job's task ends (see :mod:`jobs`), or None while the job runs."""
        resource, call = self._job_call(request, role_arn)
        return jobs.look(self.clients, jobs.JOBS[(resource.service, resource.action)], request, call)

    def stop_job(self, request: dict[str, Any], role_arn: str | None) -> None:
        """Stop a ``.sync`` job its execution no longer waits for."""
        resource, call = self._job_call(request, role_arn)
        jobs.stop(self.clients, jobs.JOBS[(resource.service, resource.action)], request, call)

    def _job_call(self, request: dict[str, Any], role_arn: str | None) -> tuple[Resource, Call]:
        resource = parse_resource(str(request["Resource"]))
        assert resource is not None and resource.polls_job, request["Resource"]
        return resource, Call(self._region(resource), None, role_arn)

    def _region(self, resource: Resource) -> str:
        """The region the resource ARN names (``arn:aws:states:<region>:…``), else the server's."""
        return resource.arn.split(":")[3] or self.region

    def close(self) -> None:
        self.clients.close()


def _optimized(resource: Resource) -> Optimized | None:
    """The optimized integration a resource names: a job's start, or one of the others."""
    key = (resource.service, resource.action)
    job = jobs.JOBS.get(key)
    return job.start if job is not None else OPTIMIZED.get(key)
