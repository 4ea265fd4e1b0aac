"""The state machines the console tier shows, one of every kind of execution the console must draw."""

from __future__ import annotations

from typing import Any

SUCCEEDS: dict[str, Any] = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": {"go": True}, "ResultPath": "$.prepared", "Next": "Go?"},
        "Go?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.prepared.go", "BooleanEquals": True, "Next": "Done"}],
            "Default": "Skipped",
        },
        "Skipped": {"Type": "Pass", "End": True},
        "Done": {"Type": "Succeed"},
    },
}

FAILS_AFTER_CATCH: dict[str, Any] = {
    "StartAt": "Call",
    "States": {
        "Call": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:raise_custom",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Record"}],
            "Next": "Unused",
        },
        "Unused": {"Type": "Pass", "End": True},
        "Record": {"Type": "Pass", "Next": "Give up"},
        "Give up": {"Type": "Fail", "Error": "Gave.Up", "Cause": "The call failed and was caught"},
    },
}

WAITS: dict[str, Any] = {
    "StartAt": "Hold",
    "States": {"Hold": {"Type": "Wait", "Seconds": 1_000_000, "Next": "After"}, "After": {"Type": "Pass", "End": True}},
}

APPROVAL: dict[str, Any] = {
    "StartAt": "Ask",
    "States": {
        "Ask": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "echo", "Payload": {"token.$": "$$.Task.Token"}},
            "Next": "Approved",
        },
        "Approved": {"Type": "Pass", "End": True},
    },
}

MAP_OF_20: dict[str, Any] = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "Double", "States": {"Double": {"Type": "Pass", "End": True}}},
            "End": True,
        }
    },
}

PARALLEL: dict[str, Any] = {
    "StartAt": "Both",
    "States": {
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "Right",
                    "States": {
                        "Right": {"Type": "Pass", "Next": "Right again"},
                        "Right again": {"Type": "Pass", "End": True},
                    },
                },
            ],
            "Next": "Joined",
        },
        "Joined": {"Type": "Succeed"},
    },
}

CONTINUES: dict[str, Any] = {
    "StartAt": "More?",
    "States": {
        "More?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.run", "NumericLessThan": 3, "Next": "Continue"}],
            "Default": "Last",
        },
        "Continue": {
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution",
            "Parameters": {
                "StateMachineArn.$": "$$.StateMachine.Id",
                "Name.$": "States.Format('run-{}', States.MathAdd($.run, 1))",
                "Input": {"run.$": "States.MathAdd($.run, 1)"},
            },
            "End": True,
        },
        "Last": {"Type": "Succeed"},
    },
}

ECHO = "arn:aws:lambda:us-east-1:123456789012:function:echo"

#: A workflow with a bit of everything, for the README's picture.
SHOWCASE: dict[str, Any] = {
    "StartAt": "Validate order",
    "States": {
        "Validate order": {"Type": "Pass", "Next": "In stock?"},
        "In stock?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.inStock", "BooleanEquals": True, "Next": "Fulfil"}],
            "Default": "Back-order",
        },
        "Back-order": {"Type": "Fail", "Error": "OutOfStock"},
        "Fulfil": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "Charge card",
                    "States": {
                        "Charge card": {
                            "Type": "Task",
                            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:raise_custom",
                            "Catch": [
                                {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Invoice instead"}
                            ],
                            "End": True,
                        },
                        "Invoice instead": {"Type": "Task", "Resource": ECHO, "End": True},
                    },
                },
                {
                    "StartAt": "Pack items",
                    "States": {
                        "Pack items": {
                            "Type": "Map",
                            "ItemsPath": "$.items",
                            "ItemProcessor": {"StartAt": "Pack", "States": {"Pack": {"Type": "Pass", "End": True}}},
                            "End": True,
                        }
                    },
                },
            ],
            "Next": "Notify customer",
        },
        "Notify customer": {"Type": "Task", "Resource": ECHO, "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}


def state_count(definition: dict[str, Any]) -> int:
    """Every state of a definition, those of Parallel branches and Map processors included."""
    count = 0
    for state in definition["States"].values():
        count += 1
        for branch in state.get("Branches", []):
            count += state_count(branch)
        if "ItemProcessor" in state:
            count += state_count(state["ItemProcessor"])
    return count
