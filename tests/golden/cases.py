"""Representative state machines whose whole histories are kept as golden files.

Each case names a definition, an input and, where the execution needs a hand from outside (an
activity worker, a stop), a ``drive`` step run after the start. Names are fixed so ARNs are too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mypy_boto3_stepfunctions import SFNClient

REGION_ACCOUNT = "us-east-1:123456789012"
FUNCTION = f"arn:aws:lambda:{REGION_ACCOUNT}:function:{{}}"
ACTIVITY = f"arn:aws:states:{REGION_ACCOUNT}:activity:golden-worker-queue"
CHILD_MACHINE = f"arn:aws:states:{REGION_ACCOUNT}:stateMachine:golden-child"

Drive = Callable[[SFNClient, str], None]


@dataclass(frozen=True)
class GoldenCase:
    """A machine, its input, and what the outside world does while it runs."""

    name: str
    definition: dict[str, Any]
    input: dict[str, Any]
    drive: Drive | None = None


def _work_the_activity(sfn: SFNClient, execution_arn: str) -> None:
    """An activity worker: take the task, beat once, answer."""
    task = sfn.get_activity_task(activityArn=ACTIVITY, workerName="golden-worker")
    assert task.get("taskToken"), f"no activity task for {execution_arn}"
    sfn.send_task_heartbeat(taskToken=task["taskToken"])
    received = json.loads(task["input"])
    sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"worked": received}))


def _stop_when_waiting(sfn: SFNClient, execution_arn: str) -> None:
    from tests.support.waiting import wait_for_event

    wait_for_event(sfn, execution_arn, "WaitStateEntered")
    sfn.stop_execution(executionArn=execution_arn, error="Golden.Stop", cause="stopped by the golden test")


CHILD_DEFINITION: dict[str, Any] = {
    "StartAt": "Double",
    "States": {"Double": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": True}},
}

CASES: tuple[GoldenCase, ...] = (
    GoldenCase(
        "pass_chain",
        {
            "Comment": "JSONPath data flow through Pass states",
            "StartAt": "Shape",
            "States": {
                "Shape": {
                    "Type": "Pass",
                    "InputPath": "$.order",
                    "Parameters": {
                        "id.$": "$.id",
                        "label.$": "States.Format('order {} of {}', $.id, $$.Execution.Name)",
                        "items.$": "States.ArrayLength($.items)",
                    },
                    "ResultPath": "$.shaped",
                    "Next": "Fixed",
                },
                "Fixed": {"Type": "Pass", "Result": {"fixed": True}, "ResultPath": "$.extra", "Next": "Trim"},
                "Trim": {"Type": "Pass", "OutputPath": "$.shaped", "Next": "Done"},
                "Done": {"Type": "Succeed"},
            },
        },
        {"order": {"id": 7, "items": [1, 2, 3]}},
    ),
    GoldenCase(
        "choice_loop",
        {
            "StartAt": "Init",
            "States": {
                "Init": {"Type": "Pass", "Assign": {"count": 0}, "Next": "Check"},
                "Check": {
                    "Type": "Choice",
                    "Choices": [
                        {"Variable": "$count", "NumericGreaterThanEquals": 3, "Next": "Finish"},
                        {"Not": {"Variable": "$.skip", "IsPresent": True}, "Next": "Step"},
                    ],
                    "Default": "Finish",
                },
                "Step": {
                    "Type": "Pass",
                    "Assign": {"count.$": "States.MathAdd($count, 1)"},
                    "Parameters": {"seen.$": "$count"},
                    "Next": "Check",
                },
                "Finish": {"Type": "Pass", "Parameters": {"total.$": "$count"}, "End": True},
            },
        },
        {},
    ),
    GoldenCase(
        "wait_states",
        {
            "StartAt": "Seconds",
            "States": {
                "Seconds": {"Type": "Wait", "Seconds": 1, "Next": "FromPath"},
                "FromPath": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "Past"},
                "Past": {"Type": "Wait", "Timestamp": "2020-01-01T00:00:00Z", "End": True},
            },
        },
        {"delay": 2},
    ),
    GoldenCase(
        "lambda_retry_catch",
        {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": FUNCTION.format("raise_custom"),
                    "Retry": [
                        {"ErrorEquals": ["CustomError"], "IntervalSeconds": 1, "MaxAttempts": 2, "BackoffRate": 2}
                    ],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Report"}],
                    "End": True,
                },
                "Report": {"Type": "Pass", "Parameters": {"error.$": "$.error.Error"}, "Next": "Give up"},
                "Give up": {"Type": "Fail", "ErrorPath": "$.error", "Cause": "the call kept failing"},
            },
        },
        {"id": 3},
    ),
    GoldenCase(
        "lambda_invoke",
        {
            "StartAt": "Invoke",
            "States": {
                "Invoke": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "echo", "Payload": {"value.$": "$.value"}},
                    "ResultSelector": {"payload.$": "$.Payload", "status.$": "$.StatusCode"},
                    "End": True,
                }
            },
        },
        {"value": 42},
    ),
    GoldenCase(
        "parallel",
        {
            "StartAt": "Both",
            "States": {
                "Both": {
                    "Type": "Parallel",
                    "Branches": [
                        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": "left", "End": True}}},
                        {
                            "StartAt": "Pause",
                            "States": {
                                "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Right"},
                                "Right": {"Type": "Pass", "Parameters": {"right.$": "$.n"}, "End": True},
                            },
                        },
                    ],
                    "ResultSelector": {"left.$": "$[0]", "right.$": "$[1].right"},
                    "End": True,
                }
            },
        },
        {"n": 5},
    ),
    GoldenCase(
        "map_tolerated",
        {
            "StartAt": "Each",
            "States": {
                "Each": {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "MaxConcurrency": 2,
                    "ToleratedFailureCount": 1,
                    "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value"},
                    "ItemProcessor": {
                        "ProcessorConfig": {"Mode": "INLINE"},
                        "StartAt": "Odd?",
                        "States": {
                            "Odd?": {
                                "Type": "Choice",
                                "Choices": [{"Variable": "$.value", "NumericEquals": 3, "Next": "Bad"}],
                                "Default": "Good",
                            },
                            "Bad": {"Type": "Fail", "Error": "Item.Bad", "Cause": "three is bad"},
                            "Good": {"Type": "Pass", "End": True},
                        },
                    },
                    "End": True,
                }
            },
        },
        {"items": [1, 2, 3, 4]},
    ),
    GoldenCase(
        "activity",
        {
            "StartAt": "Work",
            "States": {
                "Work": {
                    "Type": "Task",
                    "Resource": ACTIVITY,
                    "HeartbeatSeconds": 1000,
                    "TimeoutSeconds": 5000,
                    "Parameters": {"job.$": "$.job"},
                    "End": True,
                }
            },
        },
        {"job": "paint"},
        _work_the_activity,
    ),
    GoldenCase(
        "activity_timeout_caught",
        {
            "StartAt": "Work",
            "States": {
                "Work": {
                    "Type": "Task",
                    "Resource": ACTIVITY.replace("golden-worker-queue", "golden-unattended"),
                    "TimeoutSeconds": 50,
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}],
                    "End": True,
                },
                "TimedOut": {"Type": "Pass", "End": True},
            },
        },
        {},
    ),
    GoldenCase(
        "wait_for_task_token",
        {
            "StartAt": "Ask",
            "States": {
                "Ask": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {"FunctionName": "callback", "Payload": {"token.$": "$$.Task.Token", "value": 9}},
                    "End": True,
                }
            },
        },
        {},
    ),
    GoldenCase(
        "nested_sync",
        {
            "StartAt": "Child",
            "States": {
                "Child": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::states:startExecution.sync:2",
                    "Parameters": {"StateMachineArn": CHILD_MACHINE, "Name": "golden-child-run", "Input": {"n": 21}},
                    "ResultSelector": {"output.$": "$.Output", "status.$": "$.Status"},
                    "End": True,
                }
            },
        },
        {},
    ),
    GoldenCase(
        "jsonata",
        {
            "QueryLanguage": "JSONata",
            "StartAt": "Compute",
            "States": {
                "Compute": {
                    "Type": "Pass",
                    "Assign": {"total": "{% $sum($states.input.values) %}"},
                    "Output": {"count": "{% $count($states.input.values) %}"},
                    "Next": "Big?",
                },
                "Big?": {
                    "Type": "Choice",
                    "Choices": [{"Condition": "{% $total > 5 %}", "Next": "Big", "Output": {"big": "{% $total %}"}}],
                    "Default": "Small",
                },
                "Big": {"Type": "Succeed", "Output": "{% $merge([$states.input, {'total': $total}]) %}"},
                "Small": {"Type": "Fail", "Error": "TooSmall", "Cause": "{% 'only ' & $string($total) %}"},
            },
        },
        {"values": [1, 2, 3]},
    ),
    GoldenCase(
        "stopped",
        {
            "StartAt": "Fan",
            "States": {
                "Fan": {
                    "Type": "Parallel",
                    "Branches": [
                        {"StartAt": "Quick", "States": {"Quick": {"Type": "Pass", "End": True}}},
                        {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 100000, "End": True}}},
                    ],
                    "End": True,
                }
            },
        },
        {},
        _stop_when_waiting,
    ),
    GoldenCase(
        "execution_timeout",
        {
            "TimeoutSeconds": 1,
            "StartAt": "Long",
            "States": {"Long": {"Type": "Wait", "Seconds": 100000, "End": True}},
        },
        {},
    ),
)
