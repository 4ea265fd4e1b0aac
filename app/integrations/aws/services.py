"""The AWS service integrations a Task resource may name: ``aws-sdk:*`` and the optimized ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.asl.resources import Resource
from app.integrations.aws.clients import Clients
from app.integrations.aws.optimized import OPTIMIZED, call_optimized
from app.integrations.aws.sdk import Call, call_sdk, find_operation
from app.integrations.results import TaskResult

SDK = "aws-sdk:"
#: AWS's SDK and optimized integrations answer at once or wait for a callback; none of these has ``.sync``.
PATTERNS = frozenset({"request_response", "wait_for_task_token"})


@dataclass
class AwsServices:
    """Calls AWS services (or whatever botocore's configuration points them at) for Task states."""

    region: str = "us-east-1"
    clients: Clients = field(default_factory=Clients)

    def supports(self, resource: Resource) -> bool:
        if resource.pattern not in PATTERNS:
            return False
        if (resource.service, resource.action) in OPTIMIZED:
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
        region = resource.arn.split(":")[3] or self.region  # arn:aws:states:<region>:<account>:...
        call = Call(region, timeout, role_arn)
        optimized = OPTIMIZED.get((resource.service, resource.action))
        if optimized is not None:
            return call_optimized(
                self.clients, optimized, resource.action, parameters, execution_arn=execution_arn, call=call
            )
        operation = find_operation(resource.service.removeprefix(SDK), resource.action)
        assert operation is not None, resource.arn
        return call_sdk(self.clients, operation, parameters, call)

    def close(self) -> None:
        self.clients.close()
