"""Choice: follows the first rule that matches, else ``Default``, else fails."""

from __future__ import annotations

from app.asl import errors
from app.asl.choice import NO_CHOICE_MATCHED_CAUSE, ChoiceRule, matched_rule
from app.asl.states.base import MISSING
from app.asl.states.choice import ChoiceSpec, ConditionRule
from app.engine import dataflow
from app.engine.outcomes import Outcome, Proceed
from app.engine.run import Run
from app.engine.states.base import StateHandler


def enter(run: Run) -> Outcome:
    spec = run.state
    assert isinstance(spec, ChoiceSpec)
    effective = run.state_input if spec.is_jsonata else dataflow.select_input(run)
    rule = matched_rule(spec.choices, run.scope(effective))
    target = rule.next if rule is not None else spec.default
    if target is None:
        raise errors.StatesError(errors.NO_CHOICE_MATCHED, NO_CHOICE_MATCHED_CAUSE)
    if spec.is_jsonata:
        return _jsonata_exit(run, spec, rule, target)
    assign = (rule.assign if rule is not None else None) or spec.assign
    assigned = dataflow.render(run, assign, effective) if assign else {}
    return Proceed(dataflow.filter_output(run, effective), assigned, next=target)


def _jsonata_exit(run: Run, spec: ChoiceSpec, rule: ChoiceRule | None, target: str) -> Outcome:
    assign = (rule.assign if rule is not None else None) or spec.assign
    assigned = dataflow.jsonata_value(run, dict(assign), "Assign") if assign else {}
    if isinstance(rule, ConditionRule) and rule.has_output:
        output = dataflow.jsonata_value(run, rule.output, "Output")
    elif spec.output is not MISSING:
        output = dataflow.jsonata_value(run, spec.output, "Output")
    else:
        output = run.state_input
    return Proceed(output, assigned, next=target)


HANDLER = StateHandler(enter)
