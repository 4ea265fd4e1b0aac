"""Transitions, names, expression syntax, hints for people, the InvalidDefinition message and the corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.asl.validation.diagnostics import MAX_GUESSES, Diagnostic, format_invalid_definition
from app.asl.validation.machine import validate_definition
from tests.support.shared import case_files

MISSING = "MISSING_TRANSITION_TARGET"
PASS_END: dict[str, Any] = {"Type": "Pass", "End": True}


def machine(states: dict[str, Any], **top: Any) -> str:
    return json.dumps({"StartAt": next(iter(states)), "States": states, **top})


def errors(text: str) -> list[tuple[str, str, str]]:
    return [(d.code, d.message, d.location) for d in validate_definition(text) if d.severity == "ERROR"]


def branch(states: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


GRAPH_CASES: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "dangling next",
        machine({"A": {"Type": "Pass", "Next": "B"}, "Z": PASS_END}),
        [
            (MISSING, "Missing 'Next' target: B", "/States/A/Next"),
            (MISSING, 'State "Z" is not reachable.', "/States/Z"),
        ],
    ),
    (
        "dangling start",
        machine({"A": PASS_END}).replace('"StartAt": "A"', '"StartAt": "Nope"'),
        [
            (MISSING, "Missing 'Next' target: Nope", "/StartAt"),
            (MISSING, 'State "A" is not reachable.', "/States/A"),
        ],
    ),
    (
        "dangling default",
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "Z"}],
                    "Default": "Ghost",
                },
                "Z": PASS_END,
            }
        ),
        [(MISSING, "Missing 'Next' target: Ghost", "/States/C/Default")],
    ),
    (
        "dangling choice next",
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "Ghost"}],
                    "Default": "Z",
                },
                "Z": PASS_END,
            }
        ),
        [(MISSING, "Missing 'Next' target: Ghost", "/States/C/Choices[0]/Next")],
    ),
    (
        "dangling catch",
        machine(
            {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "End": True,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Ghost"}],
                }
            }
        ),
        [(MISSING, "Missing 'Next' target: Ghost", "/States/T/Catch[0]/Next")],
    ),
    (
        "no terminal state",
        machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}),
        [("MISSING_END_STATE", "Workflow has no terminal state", "")],
    ),
    (
        "unreachable terminal",
        machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}, "C": PASS_END}),
        [(MISSING, 'State "C" is not reachable.', "/States/C")],
    ),
    (
        "nested loop is allowed",
        machine(
            {
                "M": {
                    "Type": "Map",
                    "ItemProcessor": branch({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}),
                    "End": True,
                }
            }
        ),
        [],
    ),
    (
        "unreachable in branch",
        machine({"P": {"Type": "Parallel", "Branches": [branch({"W": PASS_END, "Ghost": PASS_END})], "End": True}}),
        [(MISSING, 'State "Ghost" is not reachable.', "/States/P/Branches[0]/States/Ghost")],
    ),
    (
        "next across blocks",
        machine(
            {
                "P": {
                    "Type": "Parallel",
                    "Branches": [branch({"W": {"Type": "Pass", "Next": "P"}})],
                    "End": True,
                }
            }
        ),
        [(MISSING, "Missing 'Next' target: P", "/States/P/Branches[0]/States/W/Next")],
    ),
    (
        "duplicate across branches",
        machine(
            {
                "P": {
                    "Type": "Parallel",
                    "Branches": [branch({"X": PASS_END}), branch({"X": PASS_END})],
                    "End": True,
                }
            }
        ),
        [("DUPLICATE_STATE_NAME", "Duplicate State name: X", "/States/P/Branches[1]/States/X")],
    ),
    (
        "duplicate key",
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}',
        [("DUPLICATE_STATE_NAME", "Duplicate State name: A", "/States/A")],
    ),
    (
        "long state name",
        machine({"A" * 81: PASS_END}),
        [
            (
                "INVALID_STATE_NAME",
                "Invalid State name: State exceeds the 80-character limit allowed by the service",
                "/States/" + "A" * 81,
            )
        ],
    ),
    (
        "control character name",
        machine({"A\u0001": PASS_END}),
        [("INVALID_STATE_NAME", "Invalid State name: 'A\\x01'", "/States/A\u0001")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in GRAPH_CASES], ids=[n for n, _, _ in GRAPH_CASES])
def test_graph_rule(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert errors(text) == expected


def _nested_parallel(depth: int) -> dict[str, Any]:
    inner: dict[str, Any] = branch({"L": PASS_END})
    for level in range(depth):
        inner = branch({f"P{level}": {"Type": "Parallel", "Branches": [inner], "End": True}})
    return inner


def test_too_deeply_nested() -> None:
    found = errors(json.dumps(_nested_parallel(26)))
    assert [code for code, _, _ in found] == ["TOO_DEEPLY_NESTED"]
    assert found[0][1] == "The states are too deeply nested"
    assert errors(json.dumps(_nested_parallel(25))) == []


def test_invalid_jsonata_expression() -> None:
    pytest.importorskip("app.asl.jsonata_adapter")
    text = machine({"A": {"Type": "Pass", "Output": {"v": "{% 1 + %}"}, "End": True}}, QueryLanguage="JSONata")
    assert errors(text) == [("INVALID_JSONATA_EXPRESSION", "Unexpected end of expression", "/States/A/Output/v")]


def test_jsonata_syntax_not_checked_in_jsonpath_state() -> None:
    assert errors(machine({"A": {"Type": "Pass", "Result": {"v": "{% 1 + %}"}, "End": True}})) == []


def test_invalid_intrinsic() -> None:
    pytest.importorskip("app.asl.intrinsics")
    text = machine({"A": {"Type": "Pass", "Parameters": {"v.$": "States.Format('{}'"}, "End": True}})
    assert errors(text) == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "The value for the field 'v.$' must be a valid JSONPath or a valid intrinsic function call",
            "/States/A/Parameters/v.$",
        )
    ]


def explained(text: str) -> list[tuple[str, str, str]]:
    """(location, hint, cause) of each ERROR, with the hints a person gets."""
    return [(d.location, d.hint, d.cause) for d in validate_definition(text, explain=True) if d.severity == "ERROR"]


def test_misspelt_next_gets_a_guess_and_the_states_it_cuts_off_name_it_as_cause() -> None:
    text = machine(
        {
            "First": {"Type": "Pass", "Next": "Secnd"},
            "Second": {"Type": "Pass", "Next": "Third"},
            "Third": {"Type": "Pass", "Next": "Done"},
            "Done": {"Type": "Succeed"},
        }
    )
    assert explained(text) == [
        ("/States/First/Next", 'did you mean "Second"?', ""),
        ("/States/Second", "", "/States/First/Next"),
        ("/States/Third", "", "/States/First/Next"),
        ("/States/Done", "", "/States/First/Next"),
    ]


def test_the_api_gets_no_hints_and_keeps_aws_order() -> None:
    text = machine({"First": {"Type": "Pass", "Next": "Secnd"}, "Second": PASS_END})
    assert [(d.message, d.hint, d.cause) for d in validate_definition(text)] == [
        ("Missing 'Next' target: Secnd", "", ""),
        ('State "Second" is not reachable.', "", ""),
    ]


def test_a_state_no_guess_reaches_is_unreachable_in_its_own_right() -> None:
    text = machine(
        {
            "First": {"Type": "Pass", "Next": "Secnd"},
            "Second": PASS_END,
            "Orphan": PASS_END,
            "Ghost": {"Type": "Pass", "Next": "Nowhere"},
        }
    )
    assert explained(text) == [
        ("/States/First/Next", 'did you mean "Second"?', ""),
        ("/States/Ghost/Next", "", ""),
        ("/States/Second", "", "/States/First/Next"),
        ("/States/Orphan", "", ""),
        ("/States/Ghost", "", ""),
    ]


def test_misspelt_start_at_is_the_cause_of_every_state() -> None:
    text = machine({"First": {"Type": "Pass", "Next": "Done"}, "Done": PASS_END}).replace(
        '"StartAt": "First"', '"StartAt": "first"'
    )
    assert explained(text) == [
        ("/StartAt", 'did you mean "First"?', ""),
        ("/States/First", "", "/StartAt"),
        ("/States/Done", "", "/StartAt"),
    ]


def test_guesses_stay_inside_their_block() -> None:
    text = machine(
        {"Outer": {"Type": "Parallel", "Branches": [branch({"W": {"Type": "Pass", "Next": "Outr"}})], "End": True}}
    )
    assert explained(text) == [("/States/Outer/Branches[0]/States/W/Next", "", "")]


def test_catch_next_gets_a_guess() -> None:
    task: dict[str, Any] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Done"}
    task["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}]
    text = machine({"T": task, "Done": PASS_END, "Recovery": PASS_END})
    assert explained(text) == [
        ("/States/T/Catch[0]/Next", 'did you mean "Recovery"?', ""),
        ("/States/Recovery", "", "/States/T/Catch[0]/Next"),
    ]


def test_guesses_are_bounded() -> None:
    states: dict[str, Any] = {f"State{i}": {"Type": "Pass", "Next": f"Stat{i}"} for i in range(MAX_GUESSES + 5)}
    states["End"] = PASS_END
    hints = [hint for location, hint, _ in explained(machine(states)) if location.endswith("/Next")]
    assert sum(bool(hint) for hint in hints) == MAX_GUESSES
    assert hints[0] == 'did you mean "State0"?'


@pytest.mark.parametrize(
    ("state", "location"),
    [
        ({"Type": "Pass", "Parameters": {"v.$": "States.Formatt('{}', $.a)"}, "End": True}, "/States/A/Parameters/v.$"),
        ({"Type": "Fail", "ErrorPath": "States.Formatt('{}', $.e)"}, "/States/A/ErrorPath"),
    ],
)
def test_unknown_intrinsic_is_named_in_the_hint(state: dict[str, Any], location: str) -> None:
    assert explained(machine({"A": state})) == [
        (location, "unknown intrinsic function States.Formatt (did you mean States.Format?)", "")
    ]


def test_bad_path_gets_no_hint() -> None:
    text = machine({"A": {"Type": "Pass", "Parameters": {"v.$": "not a path"}, "End": True}})
    assert explained(text) == [("/States/A/Parameters/v.$", "", "")]


FORMAT_CASES: list[tuple[list[Diagnostic], str]] = [
    (
        [Diagnostic("ERROR", MISSING, "Missing 'Next' target: B", "/States/A/Next")],
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next'",
    ),
    (
        [
            Diagnostic("ERROR", MISSING, "Missing 'Next' target: pass3", "/States/pass1/Next"),
            Diagnostic("ERROR", MISSING, 'State "pass2" is not reachable.', "/States/pass2"),
            Diagnostic("WARNING", "NO_DOLLAR", "ignored", "/States/x"),
        ],
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at "
        '/States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2\'',
    ),
    (
        [Diagnostic("ERROR", "MISSING_END_STATE", "Workflow has no terminal state", "")],
        "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'",
    ),
]


@pytest.mark.parametrize(("diagnostics", "expected"), FORMAT_CASES)
def test_format_invalid_definition(diagnostics: list[Diagnostic], expected: str) -> None:
    assert format_invalid_definition(diagnostics) == expected


def test_format_from_validation() -> None:
    text = machine({"A": {"Type": "Parallel", "TimeoutSeconds": 5, "Branches": [branch({"W": PASS_END})], "End": True}})
    assert format_invalid_definition(validate_definition(text)) == (
        "Invalid State Machine Definition: "
        "'SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/A'"
    )


@pytest.mark.conformance
@pytest.mark.parametrize("case", case_files(), ids=lambda path: path.stem)
def test_accepted_definitions_have_no_errors(case: Path) -> None:
    """Every definition AWS accepted validates with no ERROR (some of them fail only at run time)."""
    definition = json.loads(case.read_text(encoding="utf-8"))["definition"]
    text = definition if isinstance(definition, str) else json.dumps(definition)
    assert errors(text) == []
