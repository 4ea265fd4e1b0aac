"""TestState: one state run on its own, through the real integrations, with a look into its data flow.

The state runs inside a small machine built around it: its transition targets become ``Succeed``
stand-ins (the first one entered is ``nextState``), its Retry is set aside (a matching retrier
makes the answer RETRIABLE, as on AWS, instead of waiting and retrying), a Wait does not wait,
and variables given with the request are assigned by a Pass before it. The machine runs as an
Express execution whose engine options carry an :class:`Inspection`, which the engine fills with
each step of the tested state's data flow.
"""

from __future__ import annotations

import asyncio
import copy
import random
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from app import arns, errors
from app.asl import handlers
from app.asl.model import parse_definition
from app.asl.validation.diagnostics import format_invalid_definition
from app.asl.validation.machine import validate_definition
from app.codec import dumps, loads
from app.durable.statuses import ExecutionStatus
from app.engine.types import ExecutionInfo, HistoryEvent, Inspection
from app.executions.express import ExpressOutcome, ExpressStart
from app.executions.runtime import Runtime
from app.service.executions import parse_payload

SINGLE_STATE_NAME = "TestState"
PRELUDE = "TestState.Variables"
STAND_IN = "TestState.Next."
TEST_MACHINE = "TestState"
WAIT_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")


@dataclass
class _Plan:
    """The tested state, the machine that runs it, and what its answer is made of."""

    name: str
    state: dict[str, Any]
    machine: dict[str, Any]
    input_text: str
    input: Any
    variables: dict[str, Any]
    events: list[HistoryEvent] = field(default_factory=list)
    inspection: Inspection = field(init=False)

    def __post_init__(self) -> None:
        self.inspection = Inspection(self.name)

    @classmethod
    def of(cls, definition: str, state_name: str | None, input: str | None, variables: str | None) -> _Plan:
        parsed = _json_object(definition, errors.InvalidDefinition, "Invalid State Machine Definition")
        language = parsed.get("QueryLanguage")
        if state_name is not None:
            states = parsed.get("States")
            if not isinstance(states, dict) or not isinstance(states.get(state_name), dict):
                raise errors.ValidationException(f"State '{state_name}' is not a state of the given definition")
            name, state = state_name, states[state_name]
        else:
            name, state, language = SINGLE_STATE_NAME, parsed, None
        if state.get("Type") == "Task" and ":activity:" in str(state.get("Resource", "")):
            raise errors.InvalidDefinition("TestState does not run Activity tasks")
        input_text = "{}" if input is None else input
        value = parse_payload(input_text, errors.InvalidExecutionInput, "Invalid State Machine Execution Input")
        assigned = {} if variables is None else _json_object(variables, errors.ValidationException, "Invalid variables")
        machine = _machine(name, state, language, assigned)
        problems = [d for d in validate_definition(dumps(_checked(name, state, language))) if d.severity == "ERROR"]
        if problems:
            raise errors.InvalidDefinition(format_invalid_definition(problems))
        return cls(name, state, machine, input_text, value, assigned)

    def start(self, runtime: Runtime, role_arn: str) -> ExpressStart:
        settings = runtime.settings
        machine_arn = arns.state_machine(settings.region, settings.account_id, TEST_MACHINE)
        name = str(uuid.uuid4())
        arn = arns.express_execution(machine_arn, name, name)
        info = ExecutionInfo(arn, name, machine_arn, TEST_MACHINE, role_arn, runtime.clock.now(), self.input_text)
        runner = runtime.require_express()
        options = replace(runner.options, inspection=self.inspection)
        model = parse_definition(dumps(self.machine))
        return ExpressStart(info.knowing_input(self.input), model, self.events.extend, options=options, logged=False)

    def answer(self, outcome: ExpressOutcome, level: str) -> dict[str, Any]:
        result, details = self._verdict(outcome, self.inspection.steps.get("error"))
        if level in ("DEBUG", "TRACE"):
            result["inspectionData"] = self._inspection_data(details, level)
        return result

    def _verdict(
        self, outcome: ExpressOutcome, failure: dict[str, Any] | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The answer's status, output or error and next state, with the error details to inspect."""
        if failure is not None:
            retrier = _retrier(self.state, failure["error"])
            if retrier is not None:
                index, seconds = retrier
                answer = {"status": "RETRIABLE", "error": failure["error"], "cause": failure["cause"]}
                return answer, {"retryIndex": index, "retryBackoffIntervalSeconds": seconds}
        if outcome.status != ExecutionStatus.SUCCEEDED:
            error, cause = (outcome.error, outcome.cause) if failure is None else (failure["error"], failure["cause"])
            ended = {key: value for key, value in (("error", error), ("cause", cause)) if value is not None}
            return {"status": "FAILED", **ended}, {}
        answer = {"status": "SUCCEEDED" if failure is None else "CAUGHT_ERROR"}
        exited, following = self._exited(), self._next_state()
        if exited is not None:
            answer["output"] = exited
        if following is not None:
            answer["nextState"] = following
        if failure is None:
            return answer, {}
        answer.update(error=failure["error"], cause=failure["cause"])
        return answer, {"catchIndex": self.inspection.steps.get("catchIndex", 0)}

    def _inspection_data(self, details: dict[str, Any], level: str) -> dict[str, Any]:
        data: dict[str, Any] = {"input": self.input_text}
        for key, value in self.inspection.steps.items():
            if key not in ("error", "catchIndex"):
                data[key] = dumps(value)
        assigned = self._assigned()
        if self.variables or assigned:
            data["variables"] = dumps({**self.variables, **assigned})
        if details:
            data["errorDetails"] = details
        if level == "TRACE" and self.state.get("Resource") == "arn:aws:states:::http:invoke":
            data.update(_http_trace(self.inspection.steps))
        return data

    def _exited(self) -> str | None:
        for event in self.events:
            details = (event.details or {}).get("stateExitedEventDetails")
            if event.type.endswith("StateExited") and details and details.get("name") == self.name:
                return str(details["output"])
        final = next((event for event in self.events if event.type == "ExecutionSucceeded"), None)
        return None if final is None else str((final.details or {})["executionSucceededEventDetails"]["output"])

    def _assigned(self) -> dict[str, Any]:
        for event in self.events:
            details = (event.details or {}).get("stateExitedEventDetails")
            if details and details.get("name") == self.name and "assignedVariables" in details:
                return {key: loads(value) for key, value in details["assignedVariables"].items()}
        return {}

    def _next_state(self) -> str | None:
        for event in self.events:
            details = (event.details or {}).get("stateEnteredEventDetails")
            if details and str(details.get("name", "")).startswith(STAND_IN):
                return str(details["name"]).removeprefix(STAND_IN)
        return None


def _json_object(text: str, error: type[errors.ServiceError], label: str) -> dict[str, Any]:
    try:
        value = loads(text)
    except ValueError as exc:
        raise error(f"{label}: {exc}") from exc
    if not isinstance(value, dict):
        raise error(f"{label}: a JSON object is expected")
    return value


def _targets(state: dict[str, Any]) -> list[str]:
    """Every state this one may go to: Next, Default, a Choice rule's Next, a Catcher's Next."""
    found = [state.get("Next"), state.get("Default")]
    found += [rule.get("Next") for rule in state.get("Choices") or [] if isinstance(rule, dict)]
    found += [catcher.get("Next") for catcher in state.get("Catch") or [] if isinstance(catcher, dict)]
    return [target for target in dict.fromkeys(found) if isinstance(target, str)]


def _checked(name: str, state: dict[str, Any], language: Any) -> dict[str, Any]:
    """The state in a machine of its own, as validation sees it: its targets exist, as Succeed states."""
    states: dict[str, Any] = {target: {"Type": "Succeed"} for target in _targets(state)}
    states[name] = state
    machine: dict[str, Any] = {"StartAt": name, "States": states}
    if language is not None:
        machine["QueryLanguage"] = language
    return machine


def _machine(name: str, state: dict[str, Any], language: Any, variables: dict[str, Any]) -> dict[str, Any]:
    """The machine that runs the state: targets renamed to stand-ins, no Retry, no waiting."""
    runnable = _retargeted(copy.deepcopy(state))
    runnable.pop("Retry", None)
    if runnable.get("Type") == "Wait":
        for key in WAIT_FIELDS:
            runnable.pop(key, None)
        runnable["Seconds"] = 0
    states: dict[str, Any] = {STAND_IN + target: {"Type": "Succeed"} for target in _targets(state)}
    states[name] = runnable
    start = name
    if variables:
        states[PRELUDE] = {"Type": "Pass", "QueryLanguage": "JSONPath", "Assign": variables, "Next": name}
        start = PRELUDE
    machine: dict[str, Any] = {"StartAt": start, "States": states}
    if language is not None:
        machine["QueryLanguage"] = language
    return machine


def _retargeted(state: dict[str, Any]) -> dict[str, Any]:
    for holder in [state, *(state.get("Choices") or []), *(state.get("Catch") or [])]:
        for key in ("Next", "Default"):
            if isinstance(holder, dict) and isinstance(holder.get(key), str):
                holder[key] = STAND_IN + holder[key]
    return state


def _retrier(state: dict[str, Any], error: str) -> tuple[int, int] | None:
    """The index of the retrier that would retry ``error`` and its first back-off, if one would."""
    retriers = handlers.parse_retriers([raw for raw in state.get("Retry") or [] if isinstance(raw, dict)])
    index = handlers.first_match(retriers, error)
    if index is None or retriers[index].max_attempts < 1:
        return None
    return index, int(handlers.backoff_seconds(retriers[index], 0, random.Random(0)))


def _http_trace(steps: dict[str, Any]) -> dict[str, Any]:
    """The request an HTTP Task sent and the response it got, as TRACE shows them."""
    arguments = steps.get("afterParameters") or steps.get("afterArguments") or {}
    answer = steps.get("result") or {}
    trace: dict[str, Any] = {
        "request": {
            "protocol": "https",
            "method": str(arguments.get("Method", "")),
            "url": str(arguments.get("ApiEndpoint", "")),
            "headers": dumps(arguments.get("Headers", {})),
            "body": dumps(arguments.get("RequestBody", "")),
        }
    }
    if answer:
        trace["response"] = {
            "protocol": "https",
            "statusCode": str(answer.get("StatusCode", "")),
            "statusMessage": str(answer.get("StatusText", "")),
            "headers": dumps(answer.get("Headers", {})),
            "body": dumps(answer.get("ResponseBody", "")),
        }
    return trace


async def test_state(
    runtime: Runtime,
    *,
    definition: str,
    role_arn: str | None = None,
    input: str | None = None,
    inspection_level: str | None = None,
    variables: str | None = None,
    state_name: str | None = None,
) -> dict[str, Any]:
    """TestState's answer: status, output or error, nextState, and inspectionData at DEBUG or TRACE."""
    plan = _Plan.of(definition, state_name, input, variables)
    start = plan.start(runtime, role_arn or "")
    outcome: ExpressOutcome = await asyncio.wrap_future(runtime.require_express().run(start))
    return plan.answer(outcome, inspection_level or "INFO")
