"""A Map with an ItemBatcher on a live server: batches of items, durable across the iterations' waits."""

from __future__ import annotations

import json

from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import CreateMachine
from tests.support.waiting import wait_for_status


def test_a_batched_map_runs_one_iteration_per_batch_through_its_waits(
    sfn: SFNClient, create_machine: CreateMachine
) -> None:
    processor = {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Wait",
        "States": {
            "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Count"},
            "Count": {
                "Type": "Pass",
                "Parameters": {"count.$": "States.ArrayLength($.Items)", "job.$": "$.BatchInput.job"},
                "End": True,
            },
        },
    }
    arn = create_machine(
        {
            "StartAt": "Batches",
            "States": {
                "Batches": {
                    "Type": "Map",
                    "ItemsPath": "$.items",
                    "ItemBatcher": {"MaxItemsPerBatchPath": "$.per", "BatchInput": {"job.$": "$.job"}},
                    "ItemProcessor": processor,
                    "End": True,
                }
            },
        }
    )
    execution = sfn.start_execution(
        stateMachineArn=arn, input=json.dumps({"items": list(range(7)), "per": 3, "job": "j-1"})
    )["executionArn"]
    output = json.loads(wait_for_status(sfn, execution, "SUCCEEDED")["output"])
    assert output == [{"count": 3, "job": "j-1"}, {"count": 3, "job": "j-1"}, {"count": 1, "job": "j-1"}]
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    started = [event for event in events if event["type"] == "MapStateStarted"]
    assert started[0]["mapStateStartedEventDetails"] == {"length": 3}
