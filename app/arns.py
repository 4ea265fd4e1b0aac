"""ARNs of the resources this service owns, built and parsed in one place.

Also how a function's calls back into this server carry the ARN of the execution that made them:
requests under ``/_from/<quoted execution ARN>`` (see :func:`caller_endpoint`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from app.errors import InvalidArn

_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-zA-Z-]*):states:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"(?P<kind>stateMachine|execution|activity|express|mapRun):(?P<rest>.+)$"
)
CALLER_PATH_PREFIX = "/_from/"
CALLER_PROOF_DIGITS = 32


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


def express_execution(state_machine_arn: str, name: str, run_id: str) -> str:
    """An Express execution's ARN: ``express`` as resource type, then machine, name and a unique id."""
    parsed = parse(state_machine_arn)
    assert parsed is not None and parsed.kind == "stateMachine"
    return f"arn:aws:states:{parsed.region}:{parsed.account}:express:{parsed.parts[0]}:{name}:{run_id}"


def is_express_execution(arn: str) -> bool:
    """Whether an execution ARN names an Express execution (which no store row keeps)."""
    parsed = parse(arn)
    return parsed is not None and parsed.kind == "express"


def map_run(state_machine_arn: str, label: str, run_id: str) -> str:
    """A Map Run's ARN: ``mapRun``, then the machine's name and the Map's label, then the run's id."""
    parsed = parse(state_machine_arn)
    assert parsed is not None and parsed.kind == "stateMachine"
    return f"arn:aws:states:{parsed.region}:{parsed.account}:mapRun:{parsed.parts[0]}/{label}:{run_id}"


def map_run_machine(map_run_arn: str) -> str:
    """The labelled machine a Map Run's children run (``stateMachine:Machine/Label``)."""
    parsed = parse(map_run_arn)
    assert parsed is not None and parsed.kind == "mapRun"
    return f"arn:aws:states:{parsed.region}:{parsed.account}:stateMachine:{parsed.parts[0]}"


def labelled_parent(state_machine_arn: str) -> str:
    """The machine whose distributed Map a labelled machine (``stateMachine:Machine/Label``) runs the items of;
    any other machine's ARN as it is."""
    head, _, name = state_machine_arn.rpartition(":stateMachine:")
    return f"{head}:stateMachine:{name.split('/', 1)[0]}" if head and "/" in name else state_machine_arn


def map_run_id(execution_name: str, entered_event_id: int) -> str:
    """A Map Run's id: the execution that started it and the id of its ``MapStateEntered`` event (unique in it)."""
    return f"{execution_name}-{entered_event_id}"


def map_run_parent(map_run_arn: str) -> str:
    """The execution that started a Map Run (from an ARN :func:`require_map_run` accepted)."""
    parsed = parse(map_run_arn)
    assert parsed is not None and parsed.kind == "mapRun"
    machine = parsed.parts[0].rsplit("/", 1)[0]
    execution_name = parsed.parts[1].rsplit("-", 1)[0]
    return f"arn:aws:states:{parsed.region}:{parsed.account}:execution:{machine}:{execution_name}"


def map_run_child_prefix(map_run_arn: str) -> str:
    """What the names of a Map Run's children begin with: a digest of the run's ARN, so they stay short."""
    return hashlib.sha256(map_run_arn.encode()).hexdigest()[:32] + "-"


def map_run_child_name(map_run_arn: str, index: int) -> str:
    """The name of a Map Run's child execution of item ``index``."""
    return f"{map_run_child_prefix(map_run_arn)}{index}"


def unlabelled(state_machine_arn: str) -> str:
    """The machine a labelled Map Run machine belongs to (itself for any other machine)."""
    head, _, name = state_machine_arn.rpartition(":")
    return f"{head}:{name.split('/', 1)[0]}"


def state_machine_of_execution(execution_arn: str) -> str:
    parsed = parse(execution_arn)
    assert parsed is not None and parsed.kind == "execution"
    return f"arn:aws:states:{parsed.region}:{parsed.account}:stateMachine:{parsed.parts[0]}"


def state_machine_name(state_machine_arn: str) -> str:
    """The machine's name, from its ARN or from the ARN of one of its versions or aliases."""
    parsed = parse(state_machine_arn)
    return parsed.parts[0] if parsed is not None else state_machine_arn.rsplit(":", 1)[-1]


def version(state_machine_arn: str, number: int) -> str:
    """A version's ARN: the machine's ARN and the version number, separated by a colon."""
    return f"{state_machine_arn}:{number}"


def alias(state_machine_arn: str, name: str) -> str:
    """An alias's ARN: the machine's ARN and the alias name, separated by a colon."""
    return f"{state_machine_arn}:{name}"


@dataclass(frozen=True)
class Qualified:
    """A state machine ARN that may name one of its versions (a number) or aliases (a name)."""

    state_machine_arn: str
    version: int | None = None
    alias: str | None = None

    @property
    def arn(self) -> str:
        if self.version is not None:
            return version(self.state_machine_arn, self.version)
        return self.state_machine_arn if self.alias is None else alias(self.state_machine_arn, self.alias)


def require_qualified(arn: str) -> Qualified:
    """Parse a state machine, version or alias ARN, or raise ``InvalidArn`` as AWS does."""
    parsed = parse(arn)
    if parsed is None or parsed.kind != "stateMachine" or len(parsed.parts) not in (1, 2):
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    machine = state_machine(parsed.region, parsed.account, parsed.parts[0])
    if len(parsed.parts) == 1:
        return Qualified(machine)
    qualifier = parsed.parts[1]
    if qualifier.isdigit():
        return Qualified(machine, version=int(qualifier))
    return Qualified(machine, alias=qualifier)


def require_version(arn: str) -> Qualified:
    """Parse a version ARN, or raise ``InvalidArn``."""
    qualified = require_qualified(arn)
    if qualified.version is None:
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    return qualified


def require_alias(arn: str) -> Qualified:
    """Parse an alias ARN, or raise ``InvalidArn``."""
    qualified = require_qualified(arn)
    if qualified.alias is None:
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    return qualified


def region_of(arn: str) -> str:
    return arn.split(":")[3]


def require_state_machine(arn: str) -> ParsedArn:
    """Parse a state machine ARN or raise ``InvalidArn`` as AWS does."""
    return _require(arn, "stateMachine", 1)


def require_execution(arn: str) -> ParsedArn:
    """Parse a Standard execution's ARN or raise ``InvalidArn`` as AWS does (Express ones have no record)."""
    parsed = parse(arn)
    if parsed is not None and parsed.kind == "express":
        raise InvalidArn("Invalid Arn: 'Resource type not valid in this context: express'")
    return _require(arn, "execution", 2)


def require_map_run(arn: str) -> ParsedArn:
    """Parse a Map Run's ARN (``…:mapRun:machine/label:id``) or raise ``InvalidArn``."""
    return _require(arn, "mapRun", 2)


def require_activity(arn: str) -> ParsedArn:
    """Parse an activity ARN or raise ``InvalidArn`` as AWS does."""
    return _require(arn, "activity", 1)


def require_any(arn: str) -> ParsedArn:
    parsed = parse(arn)
    if parsed is None:
        raise InvalidArn(f"Invalid Arn: '{arn}'")
    return parsed


def _require(arn: str, kind: str, parts: int) -> ParsedArn:
    parsed = parse(arn)
    if parsed is None or parsed.kind != kind or len(parsed.parts) != parts:
        raise InvalidArn(f"Invalid Arn: 'Resource type not valid in this context: {arn}'")
    return parsed


def caller_endpoint(endpoint: str, execution_arn: str, key: bytes) -> str:
    """The URL a function of ``execution_arn`` calls this server at, so new executions record their starter.

    The path carries a proof (an HMAC of the ARN under the database's shared ``key``): only the
    server that called the function can make it, so no client can claim to be an execution.
    """
    return f"{endpoint.rstrip('/')}{CALLER_PATH_PREFIX}{quote(execution_arn, safe='')}/{_proof(execution_arn, key)}"


def caller_of_path(path: str, key: bytes) -> str | None:
    """The calling execution's ARN in a request path under :data:`CALLER_PATH_PREFIX`, if its proof holds."""
    if not path.startswith(CALLER_PATH_PREFIX):
        return None
    quoted, _, proof = path[len(CALLER_PATH_PREFIX) :].rstrip("/").rpartition("/")
    arn = unquote(quoted)  # SDKs may quote the already-quoted ARN of the endpoint URL once more
    if not arn or not hmac.compare_digest(proof, _proof(arn, key)):
        return None
    return arn


def _proof(execution_arn: str, key: bytes) -> str:
    return hmac.new(key, execution_arn.encode(), hashlib.sha256).hexdigest()[:CALLER_PROOF_DIGITS]


SCHEDULE_GROUP = "default"


def schedule(region: str, account: str, name: str) -> str:
    """An EventBridge Scheduler schedule's ARN, in the one group this server has."""
    return f"arn:aws:scheduler:{region}:{account}:schedule/{SCHEDULE_GROUP}/{name}"


def is_schedule(arn: str) -> bool:
    return arn.startswith("arn:aws:scheduler:") and ":schedule/" in arn


def function(region: str, account: str, name: str) -> str:
    """A Lambda function's ARN, as a deployed function of this server is called."""
    return f"arn:aws:lambda:{region}:{account}:function:{name}"
