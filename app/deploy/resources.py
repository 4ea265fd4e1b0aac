"""Each resource of a template as what this server runs, or the reason it is skipped.

Names are derived before anything is made (``<stack>-<LogicalId>`` unless the template names the resource), so
every ``Ref`` and ``Fn::GetAtt`` resolves to the ARN the resource will have here, in any order.
"""

from __future__ import annotations

import base64
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import arns
from app.codec import dumps, loads
from app.deploy.errors import DeployError
from app.deploy.intrinsics import Scope, resolve, resolve_properties
from app.deploy.template import Template

SAM_MACHINE = "AWS::Serverless::StateMachine"
CFN_MACHINE = "AWS::StepFunctions::StateMachine"
ACTIVITY = "AWS::StepFunctions::Activity"
SAM_FUNCTION = "AWS::Serverless::Function"
CFN_FUNCTION = "AWS::Lambda::Function"
SCHEDULE = "AWS::Scheduler::Schedule"
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024
SKIPPED_IN_ARCHIVES = frozenset({"__pycache__", ".git", ".aws-sam", ".venv", "node_modules"})
DEFAULT_FUNCTION_TIMEOUT = 3.0


@dataclass
class Machine:
    logical_id: str
    resource_type: str
    name: str
    arn: str
    definition: str
    role_arn: str
    type: str
    logging: dict[str, Any] | None = None
    tracing: dict[str, Any] | None = None
    alias: str | None = None


@dataclass
class Activity:
    logical_id: str
    name: str
    arn: str


@dataclass
class Function:
    logical_id: str
    type: str
    name: str
    arn: str
    body: dict[str, Any]  # what PUT /v1/functions/{name} takes


@dataclass
class Schedule:
    logical_id: str
    type: str
    name: str
    body: dict[str, Any]  # what POST /v1/schedules/{name} takes


@dataclass
class Skipped:
    logical_id: str
    type: str
    reason: str


@dataclass
class Plan:
    """Everything a deployment makes, in the order it is made, and what it leaves out."""

    functions: list[Function] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    machines: list[Machine] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Place:
    """Where the deployment goes: the stack and the server's region and account."""

    stack: str
    region: str
    account: str

    def name(self, logical_id: str, limit: int) -> str:
        return f"{self.stack}-{logical_id}"[:limit]


def plan(template: Template, scope: Scope, place: Place) -> Plan:
    """Name every resource (filling ``scope``), then turn each into what it is here."""
    resources = template.resources
    active = {}
    result = Plan()
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise DeployError(f"resource {logical_id} has no Type")
        condition = resource.get("Condition")
        if isinstance(condition, str) and not _condition(scope, condition, logical_id):
            result.skipped.append(Skipped(logical_id, resource["Type"], f"its condition {condition} is false"))
            continue
        active[logical_id] = resource
        _name(logical_id, resource, scope, place)
    globals_ = template.section("Globals").get("Function", {})
    for logical_id, resource in active.items():
        kind = resource["Type"]
        where = f"resource {logical_id} ({kind})"
        properties = resource.get("Properties") or {}
        if kind == SAM_FUNCTION and isinstance(globals_, dict):
            properties = _with_globals(properties, globals_)
        if kind in (SAM_MACHINE, CFN_MACHINE):
            _machine(logical_id, kind, properties, scope, place, template, result)
        elif kind == ACTIVITY:
            name, arn = scope.attributes[(logical_id, "Name")], scope.attributes[(logical_id, "Arn")]
            result.activities.append(Activity(logical_id, name, arn))
        elif kind in (SAM_FUNCTION, CFN_FUNCTION):
            _function(logical_id, kind, resolve_properties(properties, scope, where), scope, template, result)
        elif kind == SCHEDULE:
            _standalone_schedule(logical_id, resolve_properties(properties, scope, where), scope, result)
        else:
            result.skipped.append(Skipped(logical_id, kind, _skip_reason(kind)))
    for name, output in template.section("Outputs").items():
        if not isinstance(output, dict):
            continue
        condition = output.get("Condition")
        if isinstance(condition, str) and not _condition(scope, condition, f"output {name}"):
            continue
        result.outputs[name] = resolve(output.get("Value"), scope, f"output {name}")
    return result


def _name(logical_id: str, resource: dict[str, Any], scope: Scope, place: Place) -> None:
    """Fill in the Ref and GetAtt values of a resource, from the name it will have."""
    kind = resource["Type"]
    properties = resource.get("Properties") or {}
    where = f"resource {logical_id} ({kind})"

    def named(member: str, limit: int) -> str:
        given = properties.get(member) if isinstance(properties, dict) else None
        return str(resolve(given, scope, f"{where} property {member}")) if given else place.name(logical_id, limit)

    if kind in (SAM_MACHINE, CFN_MACHINE):
        name = named("Name" if kind == SAM_MACHINE else "StateMachineName", 80)
        arn = arns.state_machine(place.region, place.account, name)
        scope.refs[logical_id] = arn
        scope.attributes.update({(logical_id, "Arn"): arn, (logical_id, "Name"): name})
        scope.attributes[(logical_id, "StateMachineRevisionId")] = ""
    elif kind == ACTIVITY:
        name = named("Name", 80)
        arn = arns.activity(place.region, place.account, name)
        scope.refs[logical_id] = arn
        scope.attributes.update({(logical_id, "Arn"): arn, (logical_id, "Name"): name})
    elif kind in (SAM_FUNCTION, CFN_FUNCTION):
        name = named("FunctionName", 64)
        arn = arns.function(place.region, place.account, name)
        scope.refs[logical_id] = name
        scope.attributes.update({(logical_id, "Arn"): arn})
    elif kind == SCHEDULE:
        name = named("Name", 64)
        arn = arns.schedule(place.region, place.account, name)
        scope.refs[logical_id] = name
        scope.attributes.update({(logical_id, "Arn"): arn})
    else:  # not run here: a plausible name and ARN, so a role's ARN can still be written into a machine
        name = place.name(logical_id, 64)
        service = kind.split("::")[1].lower() if kind.count("::") >= 2 else "unknown"
        arn = (
            f"arn:aws:iam::{place.account}:role/{name}"
            if kind == "AWS::IAM::Role"
            else f"arn:aws:{service}:{place.region}:{place.account}:{name}"
        )
        scope.refs[logical_id] = name
        scope.placeholders[logical_id] = (name, arn)


def _machine(
    logical_id: str, kind: str, properties: dict[str, Any], scope: Scope, place: Place, template: Template, plan: Plan
) -> None:
    where = f"resource {logical_id} ({kind})"
    sam = kind == SAM_MACHINE
    unsupported = [member for member in ("DefinitionS3Location",) if member in properties]
    if unsupported:
        raise DeployError(f"{where} property {unsupported[0]}: S3 is not read; give Definition or a local file")
    events = properties.get("Events") or {}
    resolved = resolve_properties({key: value for key, value in properties.items() if key != "Events"}, scope, where)
    definition = _definition(resolved, where, template)
    substitutions = resolved.get("DefinitionSubstitutions") or {}
    if not isinstance(substitutions, dict):
        raise DeployError(f"{where} property DefinitionSubstitutions: an object of name -> value")
    text = _substitute(definition, {str(k): _text(v) for k, v in substitutions.items()})
    role = resolved.get("Role" if sam else "RoleArn") or f"arn:aws:iam::{place.account}:role/{logical_id}Role"
    machine_type = str(resolved.get("Type" if sam else "StateMachineType") or "STANDARD")
    logging = resolved.get("Logging" if sam else "LoggingConfiguration")
    tracing = resolved.get("Tracing" if sam else "TracingConfiguration")
    alias = resolved.get("AutoPublishAlias") if sam else None
    name, arn = scope.attributes[(logical_id, "Name")], scope.attributes[(logical_id, "Arn")]
    plan.machines.append(
        Machine(
            logical_id,
            kind,
            name,
            arn,
            text,
            str(role),
            machine_type,
            _camel(logging) if logging else None,
            _camel(tracing) if tracing else None,
            str(alias) if alias else None,
        )
    )
    if sam and "DeploymentPreference" in resolved:
        plan.skipped.append(
            Skipped(
                f"{logical_id}.DeploymentPreference",
                "DeploymentPreference",
                "the alias moves to each new version at once",
            )
        )
    if not isinstance(events, dict):
        raise DeployError(f"{where} property Events: an object of event name -> event")
    target = f"{arn}:{alias}" if alias else arn
    for event_id, event in events.items():
        _event(logical_id, event_id, event, target, scope, place, plan)


def _definition(properties: dict[str, Any], where: str, template: Template) -> Any:
    """The definition as a JSON value (object), or as text when given as a string."""
    if "Definition" in properties:
        return properties["Definition"]
    if "DefinitionString" in properties:
        return str(properties["DefinitionString"])
    uri = properties.get("DefinitionUri")
    if isinstance(uri, str) and not uri.startswith("s3://"):
        path = (template.directory / uri).resolve()
        try:
            text = path.read_text()
        except OSError as exc:
            raise DeployError(f"{where} property DefinitionUri: cannot read {path}: {exc.strerror}") from exc
        try:
            return loads(text)
        except ValueError:
            from app.deploy.template import load

            return load(path).body  # a YAML definition file
    if uri is not None:
        raise DeployError(f"{where} property DefinitionUri: S3 is not read; give a local file")
    raise DeployError(f"{where}: no Definition, DefinitionString or DefinitionUri")


def _substitute(definition: Any, substitutions: dict[str, str]) -> str:
    """The definition's text with ``${name}`` replaced: in each string of an object definition (so the JSON
    stays whole), or in the text of a ``DefinitionString``."""

    def within(value: Any) -> Any:
        if isinstance(value, str):
            return _replace(value, substitutions)
        if isinstance(value, list):
            return [within(item) for item in value]
        if isinstance(value, dict):
            return {key: within(item) for key, item in value.items()}
        return value

    if isinstance(definition, str):
        return _replace(definition, substitutions)
    return dumps(within(definition))


def _replace(text: str, substitutions: dict[str, str]) -> str:
    for name, value in substitutions.items():
        text = text.replace("${" + name + "}", value)
    return text


def _event(logical_id: str, event_id: str, event: Any, target: str, scope: Scope, place: Place, plan: Plan) -> None:
    where = f"resource {logical_id} event {event_id}"
    if not isinstance(event, dict):
        raise DeployError(f"{where}: an object with Type and Properties")
    kind = str(event.get("Type"))
    if kind not in ("Schedule", "ScheduleV2"):
        plan.skipped.append(Skipped(f"{logical_id}.{event_id}", f"event {kind}", "only Schedule events run here"))
        return
    properties = resolve_properties(event.get("Properties") or {}, scope, where)
    if kind == "Schedule":
        expression = properties.get("Schedule")
        enabled = properties.get("Enabled", True) and properties.get("State", "ENABLED") == "ENABLED"
        body: dict[str, Any] = {"ScheduleExpression": expression, "State": "ENABLED" if enabled else "DISABLED"}
    else:
        body = {
            "ScheduleExpression": properties.get("ScheduleExpression"),
            "State": properties.get("State", "ENABLED"),
        }
        for member in ("ScheduleExpressionTimezone", "StartDate", "EndDate", "FlexibleTimeWindow"):
            if member in properties:
                body[member] = properties[member]
    if not isinstance(body["ScheduleExpression"], str):
        raise DeployError(f"{where}: no schedule expression")
    body["Target"] = {"Arn": target, **({"Input": properties["Input"]} if "Input" in properties else {})}
    if "Description" in properties:
        body["Description"] = properties["Description"]
    name = str(properties.get("Name") or place.name(f"{logical_id}-{event_id}", 64))
    plan.schedules.append(Schedule(f"{logical_id}.{event_id}", f"{kind} event", name, body))


def _standalone_schedule(logical_id: str, properties: dict[str, Any], scope: Scope, plan: Plan) -> None:
    target = properties.get("Target") or {}
    arn = target.get("Arn") if isinstance(target, dict) else None
    if not isinstance(arn, str) or ":states:" not in arn:
        plan.skipped.append(Skipped(logical_id, SCHEDULE, "only schedules that start state machines run here"))
        return
    body: dict[str, Any] = {
        key: properties[key]
        for key in ("ScheduleExpression", "ScheduleExpressionTimezone", "State", "Description", "StartDate", "EndDate")
        if key in properties
    }
    body["Target"] = {"Arn": arn, **({"Input": target["Input"]} if "Input" in target else {})}
    plan.schedules.append(Schedule(logical_id, SCHEDULE, scope.refs[logical_id], body))


def _function(
    logical_id: str, kind: str, properties: dict[str, Any], scope: Scope, template: Template, plan: Plan
) -> None:
    where = f"resource {logical_id} ({kind})"
    runtime = str(properties.get("Runtime", ""))
    if properties.get("PackageType") == "Image" or not runtime.startswith("python3"):
        reason = f"runtime '{runtime or properties.get('PackageType')}': this server runs Python functions only"
        plan.skipped.append(Skipped(logical_id, kind, reason))
        return
    handler = properties.get("Handler")
    if not isinstance(handler, str):
        raise DeployError(f"{where}: no Handler")
    archive = _archive(logical_id, kind, properties, template, where)
    variables = (properties.get("Environment") or {}).get("Variables") or {}
    timeout = properties.get("Timeout", DEFAULT_FUNCTION_TIMEOUT)
    name, arn = scope.refs[logical_id], scope.attributes[(logical_id, "Arn")]
    body = {
        "Handler": handler,
        "Runtime": runtime,
        "ZipFile": archive,
        "Environment": {str(key): _text(value) for key, value in variables.items()},
        "Timeout": float(timeout),
    }
    plan.functions.append(Function(logical_id, kind, name, arn, body))


def _archive(logical_id: str, kind: str, properties: dict[str, Any], template: Template, where: str) -> str:
    """The function's code as a base64 zip archive: a local directory or .zip (``CodeUri``), or inline code."""
    inline = properties.get("InlineCode") if kind == SAM_FUNCTION else (properties.get("Code") or {}).get("ZipFile")
    if isinstance(inline, str):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("index.py", inline)
        return base64.b64encode(buffer.getvalue()).decode()
    uri = properties.get("CodeUri", ".") if kind == SAM_FUNCTION else None
    if not isinstance(uri, str) or uri.startswith("s3://"):
        member = "CodeUri" if kind == SAM_FUNCTION else "Code"
        raise DeployError(f"{where} property {member}: S3 is not read; give a local directory or .zip file")
    path = (template.directory / uri).resolve()
    if path.is_file() and path.suffix == ".zip":
        data = path.read_bytes()
    elif path.is_dir():
        data = _zip_directory(path, where)
    else:
        raise DeployError(f"{where} property CodeUri: {path} is neither a directory nor a .zip file")
    if len(data) > MAX_ARCHIVE_BYTES:
        raise DeployError(f"{where}: the code is larger than {MAX_ARCHIVE_BYTES} bytes zipped")
    return base64.b64encode(data).decode()


def _zip_directory(directory: Path, where: str) -> bytes:
    buffer, total = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for root, folders, files in os.walk(directory):
            folders[:] = sorted(folder for folder in folders if folder not in SKIPPED_IN_ARCHIVES)
            for file_name in sorted(files):
                path = Path(root) / file_name
                total += path.stat().st_size
                if total > MAX_ARCHIVE_BYTES * 5:
                    raise DeployError(f"{where}: {directory} holds more than {MAX_ARCHIVE_BYTES * 5} bytes")
                archive.write(path, path.relative_to(directory).as_posix())
    return buffer.getvalue()


def _with_globals(properties: dict[str, Any], globals_: dict[str, Any]) -> dict[str, Any]:
    """SAM's ``Globals.Function`` under a function's own properties (variables merged, the function's win)."""
    merged = {**globals_, **properties}
    shared = (globals_.get("Environment") or {}).get("Variables") or {}
    own = (properties.get("Environment") or {}).get("Variables") or {}
    if shared or own:
        merged["Environment"] = {"Variables": {**shared, **own}}
    return merged


def _condition(scope: Scope, name: str, where: str) -> bool:
    try:
        return scope.conditions[name]
    except KeyError:
        raise DeployError(f"{where}: no condition named '{name}'") from None


def _skip_reason(kind: str) -> str:
    if kind.startswith("AWS::IAM::"):
        return "IAM is not enforced here: state machines and functions run with the server's rights"
    if kind.startswith("AWS::Logs::"):
        return "execution logs go to SFN_EXECUTION_LOG"
    return "not a resource this server runs"


def _camel(value: Any) -> Any:
    """CloudFormation's PascalCase configuration members as the Step Functions API's camelCase."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else dumps(value)
