#!/usr/bin/env python3
"""An activity worker: poll GetActivityTask, price the order in the task's input, answer SendTaskSuccess/Failure.

Run it next to any server that has the activity (``run.py`` creates it and starts this worker for you)::

    python examples/activity_worker/worker.py --endpoint http://127.0.0.1:8083

An order is ``{"orderId": ..., "items": [{"sku": ..., "quantity": n, "price": p}, ...]}``. A valid order gets a
receipt; an order with no items or a quantity below 1 is refused with the error ``OrderRejected``, which becomes
the execution's error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import socket
import sys
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_ACTIVITY = "example-order-worker"


class OrderRejectedError(Exception):
    """The order cannot be processed; reported to the execution as the error ``OrderRejected``."""


def client(endpoint: str) -> Any:
    """A boto3 client whose read timeout outlasts GetActivityTask's 60-second long poll."""
    return boto3.client(
        "stepfunctions",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="example",
        aws_secret_access_key="example",
        config=Config(read_timeout=70, retries={"max_attempts": 2}),
    )


def process(order: dict[str, Any], heartbeat: Any) -> dict[str, Any]:
    """Price the order, calling ``heartbeat()`` after each item; raise ``OrderRejectedError`` if it is invalid."""
    items = order.get("items") or []
    if not items:
        raise OrderRejectedError(f"order {order.get('orderId')} has no items")
    total = 0.0
    for item in items:
        if int(item.get("quantity", 0)) < 1:
            raise OrderRejectedError(f"order {order.get('orderId')}: quantity of {item.get('sku')} must be at least 1")
        total += int(item["quantity"]) * float(item["price"])
        heartbeat()  # long work should prove it is alive more often than HeartbeatSeconds
    return {"orderId": order.get("orderId"), "items": len(items), "total": round(total, 2)}


def handle(sfn: Any, task: dict[str, Any], worker_name: str) -> None:
    """Answer one task: success with the receipt, or failure with an error name and a cause."""
    token = task["taskToken"]
    order = json.loads(task["input"])
    try:
        receipt = process(order, lambda: sfn.send_task_heartbeat(taskToken=token))
    except OrderRejectedError as exc:
        sfn.send_task_failure(taskToken=token, error="OrderRejected", cause=str(exc))
        print(f"[{worker_name}] rejected {order.get('orderId')}: {exc}", flush=True)
    except Exception as exc:  # anything unexpected still answers the task, so the execution does not hang
        sfn.send_task_failure(taskToken=token, error=type(exc).__name__, cause=str(exc)[:32768])
        print(f"[{worker_name}] failed on {order.get('orderId')}: {exc!r}", flush=True)
    else:
        sfn.send_task_success(taskToken=token, output=json.dumps(receipt))
        print(f"[{worker_name}] done {order.get('orderId')}: {json.dumps(receipt)}", flush=True)


def serve(sfn: Any, activity_arn: str, worker_name: str, max_tasks: int) -> int:
    """Poll and answer tasks until ``max_tasks`` were handled (0: forever); return how many were handled."""
    handled = 0
    print(f"[{worker_name}] polling {activity_arn}", flush=True)
    while max_tasks == 0 or handled < max_tasks:
        task = sfn.get_activity_task(activityArn=activity_arn, workerName=worker_name)
        if not task.get("taskToken"):
            continue  # the long poll ended without work: poll again
        handle(sfn, task, worker_name)
        handled += 1
    return handled


def main(argv: list[str] | None = None) -> int:
    """Parse the options, make sure the activity exists, and serve tasks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--endpoint", default="http://127.0.0.1:8083", help="the server's URL")
    parser.add_argument("--activity-arn", help=f"the activity to serve (default: the one named {DEFAULT_ACTIVITY})")
    parser.add_argument("--worker-name", default=f"worker@{socket.gethostname()}")
    parser.add_argument("--max-tasks", type=int, default=0, help="stop after this many tasks (0: never)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sfn = client(args.endpoint)
    # CreateActivity is idempotent: it returns the existing activity's ARN.
    activity_arn = args.activity_arn or sfn.create_activity(name=DEFAULT_ACTIVITY)["activityArn"]
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops the worker quietly
        serve(sfn, activity_arn, args.worker_name, args.max_tasks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
