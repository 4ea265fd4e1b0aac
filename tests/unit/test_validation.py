"""Definition validation: one case per rule, asserting code, message and location as AWS gives them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.asl.validation.choice import OPERATORS
from app.asl.validation.diagnostics import Diagnostic
from app.asl.validation.machine import validate_definition

SCHEMA = "SCHEMA_VALIDATION_FAILED"
PASS_END: dict[str, Any] = {"Type": "Pass", "End": True}
TASK = "arn:aws:states:::lambda:invoke"


def machine(states: dict[str, Any], **top: Any) -> str:
    """A definition text starting at the first of ``states``."""
    return json.dumps({"StartAt": next(iter(states)), "States": states, **top})


def one(state: dict[str, Any], **top: Any) -> str:
    """A definition whose only state is ``A``."""
    return machine({"A": state}, **top)


def errors(text: str) -> list[tuple[str, str, str]]:
    return [(d.code, d.message, d.location) for d in validate_definition(text) if d.severity == "ERROR"]


WRONG_LANGUAGE = "The QueryLanguage is set to '{}', but field '{}' is only supported for the '{}' QueryLanguage"
ONLY_ONE = "There should only be one of the following fields: [{}]"
NONE_OF = "This object should have only one of the following fields: [{}]"
WAIT_FIELDS = "SecondsPath, Seconds, TimestampPath, Timestamp"

CASES: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "invalid json",
        '{"StartAt": ',
        [("INVALID_JSON_DESCRIPTION", "Expecting value at line 1 column 13", "")],
    ),
    ("empty text", "  ", [("MISSING_DESCRIPTION", "Received a null or empty workflow input.", "")]),
    ("top level not object", "[]", [(SCHEMA, "Expected value of type Object", "")]),
    (
        "top level required",
        json.dumps({"Comment": "x"}),
        [(SCHEMA, "These fields are required: [StartAt, States]", "")],
    ),
    ("top level unknown", one(PASS_END, Coment="x"), [(SCHEMA, "Field 'Coment' is not supported", "")]),
    (
        "version",
        one(PASS_END, Version="2.0"),
        [(SCHEMA, "Value should be one of the following: [1.0]", "/Version")],
    ),
    (
        "timeout kind",
        one(PASS_END, TimeoutSeconds="1"),
        [(SCHEMA, "Expected value of type Integer", "/TimeoutSeconds")],
    ),
    (
        "query language value",
        one(PASS_END, QueryLanguage="XPath"),
        [(SCHEMA, "Value should be one of the following: [JSONPath, JSONata]", "/QueryLanguage")],
    ),
    (
        "empty states",
        json.dumps({"StartAt": "A", "States": {}}),
        [
            (SCHEMA, "Value cannot be empty", "/States"),
            ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: A", "/StartAt"),
            ("MISSING_END_STATE", "Workflow has no terminal state", ""),
        ],
    ),
    ("missing type", one({"End": True}), [(SCHEMA, "These fields are required: [Type]", "/States/A")]),
    (
        "unknown type",
        one({"Type": "Sleep", "End": True}),
        [
            (
                SCHEMA,
                "Value should be one of the following: [Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map]",
                "/States/A/Type",
            )
        ],
    ),
    (
        "unknown state field",
        one({**PASS_END, "Foo": 1}),
        [(SCHEMA, "Field 'Foo' is not supported", "/States/A")],
    ),
    (
        "timeout on pass",
        one({**PASS_END, "TimeoutSeconds": 5}),
        [(SCHEMA, "Field 'TimeoutSeconds' is not supported", "/States/A")],
    ),
    (
        "catch on wait",
        one({"Type": "Wait", "Seconds": 1, "End": True, "Catch": []}),
        [(SCHEMA, "Field 'Catch' is not supported", "/States/A")],
    ),
    (
        "task resource required",
        one({"Type": "Task", "End": True}),
        [(SCHEMA, "These fields are required: [Resource]", "/States/A")],
    ),
    (
        "task resource arn",
        one({"Type": "Task", "Resource": "fn", "End": True}),
        [(SCHEMA, "Value is not a valid resource ARN", "/States/A/Resource")],
    ),
    (
        "next and end",
        one({"Type": "Pass", "Next": "A", "End": True}),
        [(SCHEMA, ONLY_ONE.format("Next, End"), "/States/A")],
    ),
    (
        "neither next nor end",
        machine({"A": {"Type": "Pass"}, "B": {"Type": "Succeed"}}),
        [
            (SCHEMA, NONE_OF.format("Next, End"), "/States/A"),
            ("MISSING_TRANSITION_TARGET", 'State "B" is not reachable.', "/States/B"),
        ],
    ),
    (
        "end not boolean",
        one({"Type": "Pass", "End": "yes"}),
        [
            (SCHEMA, "Expected value of type Boolean", "/States/A/End"),
            ("MISSING_END_STATE", "Workflow has no terminal state", ""),
        ],
    ),
    ("wait none", one({"Type": "Wait", "End": True}), [(SCHEMA, NONE_OF.format(WAIT_FIELDS), "/States/A")]),
    (
        "wait two",
        one({"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s", "End": True}),
        [(SCHEMA, ONLY_ONE.format(WAIT_FIELDS), "/States/A")],
    ),
    (
        "wait seconds minimum",
        one({"Type": "Wait", "Seconds": -1, "End": True}),
        [(SCHEMA, "Minimum value is 0", "/States/A/Seconds")],
    ),
    (
        "wait seconds kind",
        one({"Type": "Wait", "Seconds": "1", "End": True}),
        [(SCHEMA, "Expected value of type Integer", "/States/A/Seconds")],
    ),
    (
        "wait timestamp",
        one({"Type": "Wait", "Timestamp": "2016-03-14 01:59:00", "End": True}),
        [(SCHEMA, "String does not match RFC3339 timestamp", "/States/A/Timestamp")],
    ),
    (
        "fail error exclusive",
        one({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}),
        [(SCHEMA, ONLY_ONE.format("Error, ErrorPath"), "/States/A/Error")],
    ),
    (
        "fail cause exclusive",
        one({"Type": "Fail", "Cause": "C", "CausePath": "$.c"}),
        [(SCHEMA, ONLY_ONE.format("Cause, CausePath"), "/States/A/Cause")],
    ),
    ("fail end", one({"Type": "Fail", "End": True}), [(SCHEMA, "Field 'End' is not supported", "/States/A")]),
    (
        "task timeout range",
        one({"Type": "Task", "Resource": TASK, "TimeoutSeconds": 0, "End": True}),
        [(SCHEMA, "Minimum value is 1", "/States/A/TimeoutSeconds")],
    ),
    (
        "task heartbeat exclusive",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "HeartbeatSeconds": 1,
                "HeartbeatSecondsPath": "$.h",
                "End": True,
            }
        ),
        [(SCHEMA, ONLY_ONE.format("HeartbeatSeconds, HeartbeatSecondsPath"), "/States/A/HeartbeatSeconds")],
    ),
    (
        "input path syntax",
        one({**PASS_END, "InputPath": "$.a["}),
        [(SCHEMA, "The value for the field 'InputPath' must be a valid JSONPath", "/States/A/InputPath")],
    ),
    (
        "input path no dollar",
        one({**PASS_END, "InputPath": "a.b"}),
        [(SCHEMA, "The value for the field 'InputPath' must be a valid JSONPath", "/States/A/InputPath")],
    ),
    (
        "result path wildcard",
        one({**PASS_END, "ResultPath": "$.a[*]"}),
        [(SCHEMA, "Value is not a Reference Path", "/States/A/ResultPath")],
    ),
    (
        "result path context",
        one({**PASS_END, "ResultPath": "$$.Execution"}),
        [(SCHEMA, "Value is not a Reference Path", "/States/A/ResultPath")],
    ),
    (
        "result path no dollar",
        one({**PASS_END, "ResultPath": "a"}),
        [
            (
                SCHEMA,
                "Value is not a Reference Path: Reference path didn't start with '$'",
                "/States/A/ResultPath",
            )
        ],
    ),
    (
        "dollar key",
        one({**PASS_END, "Parameters": {"a": {"b.$": "nope"}}}),
        [
            (
                SCHEMA,
                "The value for the field 'b.$' must be a valid JSONPath or a valid intrinsic function call",
                "/States/A/Parameters/a/b.$",
            )
        ],
    ),
    (
        "parameters kind",
        one({**PASS_END, "Parameters": "x"}),
        [(SCHEMA, "Expected value of type Object", "/States/A/Parameters")],
    ),
    (
        "jsonata field on jsonpath",
        one({**PASS_END, "Output": {}}),
        [(SCHEMA, WRONG_LANGUAGE.format("JSONPath", "Output", "JSONata"), "/States/A")],
    ),
    (
        "arguments on jsonpath task",
        one({"Type": "Task", "Resource": TASK, "Arguments": {}, "End": True}),
        [(SCHEMA, WRONG_LANGUAGE.format("JSONPath", "Arguments", "JSONata"), "/States/A")],
    ),
    (
        "jsonpath field on jsonata",
        one({**PASS_END, "InputPath": "$.a"}, QueryLanguage="JSONata"),
        [(SCHEMA, WRONG_LANGUAGE.format("JSONata", "InputPath", "JSONPath"), "/States/A/InputPath")],
    ),
    (
        "jsonpath state in jsonata machine",
        one({**PASS_END, "QueryLanguage": "JSONPath"}, QueryLanguage="JSONata"),
        [
            (
                SCHEMA,
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                "/States/A",
            )
        ],
    ),
    (
        "state query language value",
        one({**PASS_END, "QueryLanguage": "jsonata"}),
        [(SCHEMA, "Value should be one of the following: [JSONPath, JSONata]", "/States/A/QueryLanguage")],
    ),
    (
        "choice empty",
        machine({"C": {"Type": "Choice", "Choices": [], "Default": "D"}, "D": PASS_END}),
        [(SCHEMA, "Value cannot be empty", "/States/C/Choices")],
    ),
    (
        "choice rule next",
        machine(
            {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": True}], "Default": "D"},
                "D": PASS_END,
            }
        ),
        [(SCHEMA, "These fields are required: [Next]", "/States/C/Choices[0]")],
    ),
    (
        "choice nested next",
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Not": {"Variable": "$.x", "IsNull": True, "Next": "D"}, "Next": "D"}],
                },
                "D": PASS_END,
            }
        ),
        [(SCHEMA, "Field 'Next' is not supported", "/States/C/Choices[0]/Not")],
    ),
    (
        "choice two operators",
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.x", "IsNull": True, "IsString": True, "Next": "D"}],
                },
                "D": PASS_END,
            }
        ),
        [(SCHEMA, ONLY_ONE.format(", ".join(OPERATORS)), "/States/C/Choices[0]")],
    ),
    (
        "choice two selectors",
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.x", "IsNull": True, "And": [], "Next": "D"}],
                },
                "D": PASS_END,
            }
        ),
        [
            (
                SCHEMA,
                "The object must have only one of the following fields, [And, Or, Not, Variable, Condition]",
                "/States/C/Choices[0]",
            ),
            (SCHEMA, "Value cannot be empty", "/States/C/Choices[0]/And"),
        ],
    ),
    (
        "choice operand kind",
        machine(
            {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "1", "Next": "D"}]},
                "D": PASS_END,
            }
        ),
        [(SCHEMA, "Expected value of type Number", "/States/C/Choices[0]/NumericEquals")],
    ),
    (
        "choice variable",
        machine(
            {
                "C": {"Type": "Choice", "Choices": [{"Variable": "x", "IsNull": True, "Next": "D"}]},
                "D": PASS_END,
            }
        ),
        [
            (
                SCHEMA,
                "Value is not a Reference Path: Reference path didn't start with '$'",
                "/States/C/Choices[0]/Variable",
            )
        ],
    ),
    (
        "choice next on choice state",
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "D"}],
                    "Next": "D",
                },
                "D": PASS_END,
            }
        ),
        [(SCHEMA, "Field 'Next' is not supported", "/States/C")],
    ),
    (
        "choice jsonata condition",
        machine(
            {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True, "Next": "D"}]},
                "D": PASS_END,
            },
            QueryLanguage="JSONata",
        ),
        [(SCHEMA, WRONG_LANGUAGE.format("JSONata", "Variable", "JSONPath"), "/States/C/Choices[0]/Variable")],
    ),
    (
        "retry error equals required",
        one({"Type": "Task", "Resource": TASK, "End": True, "Retry": [{}]}),
        [(SCHEMA, "These fields are required: [ErrorEquals]", "/States/A/Retry[0]")],
    ),
    (
        "retry error equals empty",
        one({"Type": "Task", "Resource": TASK, "End": True, "Retry": [{"ErrorEquals": []}]}),
        [(SCHEMA, "Value cannot be empty", "/States/A/Retry[0]/ErrorEquals")],
    ),
    (
        "retry all not alone",
        one({"Type": "Task", "Resource": TASK, "End": True, "Retry": [{"ErrorEquals": ["States.ALL", "E"]}]}),
        [(SCHEMA, "States.ALL must appear alone and at end of list", "/States/A/Retry[0]/ErrorEquals")],
    ),
    (
        "retry all not last",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "End": True,
                "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}],
            }
        ),
        [(SCHEMA, "States.ALL must appear alone and at end of list", "/States/A/Retry[0]/ErrorEquals")],
    ),
    (
        "retry backoff",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "End": True,
                "Retry": [{"ErrorEquals": ["E"], "BackoffRate": 0.5}],
            }
        ),
        [(SCHEMA, "Minimum value is 1.0", "/States/A/Retry[0]/BackoffRate")],
    ),
    (
        "retry max attempts",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "End": True,
                "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": -1}],
            }
        ),
        [(SCHEMA, "Minimum value is 0", "/States/A/Retry[0]/MaxAttempts")],
    ),
    (
        "retry interval kind",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "End": True,
                "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 1.5}],
            }
        ),
        [(SCHEMA, "Expected value of type Integer", "/States/A/Retry[0]/IntervalSeconds")],
    ),
    (
        "retry max delay",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "End": True,
                "Retry": [{"ErrorEquals": ["E"], "MaxDelaySeconds": 0}],
            }
        ),
        [(SCHEMA, "Minimum value is 1", "/States/A/Retry[0]/MaxDelaySeconds")],
    ),
    (
        "retry jitter",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "End": True,
                "Retry": [{"ErrorEquals": ["E"], "JitterStrategy": "HALF"}],
            }
        ),
        [(SCHEMA, "Value should be one of the following: [FULL, NONE]", "/States/A/Retry[0]/JitterStrategy")],
    ),
    (
        "retry unknown",
        one({"Type": "Task", "Resource": TASK, "End": True, "Retry": [{"ErrorEquals": ["E"], "Next": "A"}]}),
        [(SCHEMA, "Field 'Next' is not supported", "/States/A/Retry[0]")],
    ),
    (
        "catch required",
        one({"Type": "Task", "Resource": TASK, "End": True, "Catch": [{}]}),
        [(SCHEMA, "These fields are required: [ErrorEquals, Next]", "/States/A/Catch[0]")],
    ),
    (
        "catch result path",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "End": True,
                "Catch": [{"ErrorEquals": ["E"], "Next": "A", "ResultPath": "$..x"}],
            }
        ),
        [(SCHEMA, "Value is not a Reference Path", "/States/A/Catch[0]/ResultPath")],
    ),
    (
        "parallel branches",
        one({"Type": "Parallel", "Branches": [], "End": True}),
        [(SCHEMA, "Value cannot be empty", "/States/A/Branches")],
    ),
    (
        "parallel branch query language",
        one(
            {
                "Type": "Parallel",
                "Branches": [{"QueryLanguage": "JSONata", "StartAt": "B", "States": {"B": PASS_END}}],
                "End": True,
            }
        ),
        [(SCHEMA, "Field 'QueryLanguage' is not supported", "/States/A/Branches[0]")],
    ),
    (
        "parallel branch required",
        one({"Type": "Parallel", "Branches": [{}], "End": True}),
        [(SCHEMA, "These fields are required: [StartAt, States]", "/States/A/Branches[0]")],
    ),
    (
        "map processor missing",
        one({"Type": "Map", "End": True}),
        [(SCHEMA, NONE_OF.format("ItemProcessor, Iterator"), "/States/A")],
    ),
    (
        "map max concurrency",
        one(
            {
                "Type": "Map",
                "MaxConcurrency": -1,
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [(SCHEMA, "Minimum value is 0", "/States/A/MaxConcurrency")],
    ),
    (
        "map max concurrency exclusive",
        one(
            {
                "Type": "Map",
                "MaxConcurrency": 1,
                "MaxConcurrencyPath": "$.m",
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [(SCHEMA, ONLY_ONE.format("MaxConcurrency, MaxConcurrencyPath"), "/States/A/MaxConcurrency")],
    ),
    (
        "map tolerated percentage",
        one(
            {
                "Type": "Map",
                "ToleratedFailurePercentage": 101,
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [(SCHEMA, "Maximum value is 100.0", "/States/A/ToleratedFailurePercentage")],
    ),
    (
        "map items on jsonpath",
        one(
            {
                "Type": "Map",
                "Items": [1],
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [(SCHEMA, WRONG_LANGUAGE.format("JSONPath", "Items", "JSONata"), "/States/A")],
    ),
    (
        "map processor config",
        one(
            {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "FAST"},
                    "StartAt": "B",
                    "States": {"B": PASS_END},
                },
                "End": True,
            }
        ),
        [
            (
                SCHEMA,
                "Value should be one of the following: [INLINE, DISTRIBUTED]",
                "/States/A/ItemProcessor/ProcessorConfig/Mode",
            )
        ],
    ),
    (
        "result writer empty",
        one(
            {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "ResultWriter": {},
                "End": True,
            }
        ),
        [
            (
                SCHEMA,
                "The ResultWriter field cannot be empty: it needs a WriterConfig, a Resource, or both",
                "/States/A/ResultWriter",
            )
        ],
    ),
    (
        "result writer resource and config",
        one(
            {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "WriterConfig": {"Transformation": "SQUASH", "OutputType": "CSV"},
                },
                "End": True,
            }
        ),
        [
            (
                SCHEMA,
                "Value should be one of the following: [JSON, JSONL]",
                "/States/A/ResultWriter/WriterConfig/OutputType",
            ),
            (
                SCHEMA,
                "The ResultWriter's Resource must be arn:aws:states:::s3:putObject",
                "/States/A/ResultWriter/Resource",
            ),
            (SCHEMA, "The ResultWriter's Resource needs Parameters naming its Bucket", "/States/A/ResultWriter"),
            (
                SCHEMA,
                "Transformation must be one of NONE, COMPACT, FLATTEN",
                "/States/A/ResultWriter/WriterConfig/Transformation",
            ),
        ],
    ),
    (
        "map processor query language",
        one(
            {
                "Type": "Map",
                "ItemProcessor": {"QueryLanguage": "JSONata", "StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [(SCHEMA, "Field 'QueryLanguage' is not supported", "/States/A/ItemProcessor")],
    ),
    (
        "map item reader",
        one(
            {
                "Type": "Map",
                "ItemReader": {"Parameters": {}},
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [(SCHEMA, "These fields are required: [Resource]", "/States/A/ItemReader")],
    ),
    (
        "map item batcher",
        one(
            {
                "Type": "Map",
                "ItemBatcher": {"MaxItemsPerBatch": -1},
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [(SCHEMA, "Minimum value is 0", "/States/A/ItemBatcher/MaxItemsPerBatch")],
    ),
    (
        "map item batcher without a limit",
        one(
            {
                "Type": "Map",
                "ItemBatcher": {"BatchInput": {"a.$": "not a path"}},
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [
            (
                SCHEMA,
                "This object should have at least one of the following fields: [MaxItemsPerBatch, "
                "MaxItemsPerBatchPath, MaxInputBytesPerBatch, MaxInputBytesPerBatchPath]",
                "/States/A/ItemBatcher",
            ),
            (
                SCHEMA,
                "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call",
                "/States/A/ItemBatcher/BatchInput/a.$",
            ),
        ],
    ),
    (
        "map label",
        one(
            {
                "Type": "Map",
                "Label": "L" * 41,
                "ItemProcessor": {"StartAt": "B", "States": {"B": PASS_END}},
                "End": True,
            }
        ),
        [
            (
                "INVALID_LABEL_NAME",
                "Invalid Label name: Label exceeds the 40-character limit allowed by the service",
                "/States/A/Label",
            )
        ],
    ),
    (
        "inner states inherit machine language",
        one(
            {
                "Type": "Map",
                "QueryLanguage": "JSONata",
                "Items": [1],
                "ItemProcessor": {"StartAt": "B", "States": {"B": {**PASS_END, "Output": 1}}},
                "End": True,
            }
        ),
        [
            (
                SCHEMA,
                WRONG_LANGUAGE.format("JSONPath", "Output", "JSONata"),
                "/States/A/ItemProcessor/States/B",
            )
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [(t, e) for _, t, e in CASES], ids=[n for n, _, _ in CASES])
def test_rule(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert errors(text) == expected


VALID: list[tuple[str, str]] = [
    ("jsonata state in jsonpath machine", one({**PASS_END, "QueryLanguage": "JSONata", "Output": "{% 1 %}"})),
    ("null paths", one({**PASS_END, "InputPath": None, "OutputPath": None, "ResultPath": None})),
    (
        "context and variable paths",
        one(
            {
                **PASS_END,
                "InputPath": "$$.Execution.Input",
                "OutputPath": "$v.a",
                "Parameters": {"a.$": "$$.State.Name"},
            }
        ),
    ),
    (
        "jsonata numbers",
        one(
            {"Type": "Task", "Resource": TASK, "TimeoutSeconds": "{% 3 %}", "End": True},
            QueryLanguage="JSONata",
        ),
    ),
    (
        "catch all last",
        one(
            {
                "Type": "Task",
                "Resource": TASK,
                "End": True,
                "Catch": [{"ErrorEquals": ["E"], "Next": "A"}, {"ErrorEquals": ["States.ALL"], "Next": "A"}],
            }
        ),
    ),
    (
        "choice rule and",
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [
                        {
                            "And": [
                                {"Variable": "$.x", "IsPresent": True},
                                {"Variable": "$.y", "StringEqualsPath": "$.z"},
                            ],
                            "Next": "D",
                        }
                    ],
                    "Default": "D",
                },
                "D": PASS_END,
            }
        ),
    ),
    ("wait timestamp offset", one({"Type": "Wait", "Timestamp": "2016-03-14T01:59:00+01:00", "End": True})),
    ("fail error path intrinsic", one({"Type": "Fail", "ErrorPath": "States.Format('{}', $.e)"})),
]


@pytest.mark.parametrize("text", [t for _, t in VALID], ids=[n for n, _ in VALID])
def test_valid(text: str) -> None:
    assert errors(text) == []


def test_diagnostic_is_frozen() -> None:
    diagnostic = Diagnostic("ERROR", SCHEMA, "m", "/States/A")
    with pytest.raises(AttributeError):
        diagnostic.code = "X"  # type: ignore[misc]  # the very write a frozen dataclass refuses
