"""ARNs of the resources this service owns, built and parsed in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.service.errors import ServiceError

_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-zA-Z-]*):states:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>stateMachine|execution|activity|express):(?P<rest>.+)$"
)


@dataclass(frozen=True)
class ParsedArn:
    partition: str
    region: str
    account: str
    kind: str
    parts: tuple[str, ...]


def parse(arn: str) -> ParsedArn | None:
    """The parts of a Step Functions ARN, or None when it is not one."""
    match = _ARN.match(arn)
    if match is None:
        return None
    return ParsedArn(
        match["partition"], match["region"], match["account"], match["kind"], tuple(match["rest"].split(":"))
    )


def state_machine(region: str, account: str, name: str) -> str:
    return f"arn:aws:states:{region}:{account}:stateMachine:{name}"


def activity(region: str, account: str, name: str) -> str:
    return f"arn:aws:states:{region}:{account}:activity:{name}"


def execution(state_machine_arn: str, name: str) -> str:
    """An execution's ARN: the machine's ARN with ``execution`` as resource type and the name appended."""
    parsed = parse(state_machine_arn)
    assert parsed is not None and parsed.kind == "stateMachine"
    return f"arn:aws:states:{parsed.region}:{parsed.account}:execution:{parsed.parts[0]}:{name}"


def state_machine_of_execution(execution_arn: str) -> str:
    parsed = parse(execution_arn)
    assert parsed is not None and parsed.kind == "execution"
    return f"arn:aws:states:{parsed.region}:{parsed.account}:stateMachine:{parsed.parts[0]}"


def require_state_machine(arn: str) -> ParsedArn:
    """Parse a state machine ARN or raise ``InvalidArn`` as AWS does."""
    parsed = parse(arn)
    if parsed is None or parsed.kind != "stateMachine" or len(parsed.parts) != 1:
        raise ServiceError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    return parsed


def require_execution(arn: str) -> ParsedArn:
    """Parse an execution ARN or raise ``InvalidArn`` as AWS does."""
    parsed = parse(arn)
    if parsed is None or parsed.kind != "execution" or len(parsed.parts) != 2:
        raise ServiceError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    return parsed


def require_activity(arn: str) -> ParsedArn:
    """Parse an activity ARN or raise ``InvalidArn`` as AWS does."""
    parsed = parse(arn)
    if parsed is None or parsed.kind != "activity" or len(parsed.parts) != 1:
        raise ServiceError("InvalidArn", f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    return parsed


def require_any(arn: str) -> ParsedArn:
    parsed = parse(arn)
    if parsed is None:
        raise ServiceError("InvalidArn", f"Invalid Arn: '{arn}'")
    return parsed
