#!/usr/bin/env python3
"""Activity worker: create the activity and the state machine, start a worker, run a good and a bad order.

Needs only a running server (no functions directory): the work is done by ``worker.py``, which this script starts
as a separate process, exactly as you would run it on another machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # no __pycache__ left among the examples by importing common.py
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # examples/, where common.py is
from common import argument_parser, client, deploy, start, unique_name, wait_for_end  # noqa: E402

HERE = Path(__file__).resolve().parent
NAME = "OrderActivity"
ACTIVITY = "example-order-worker"
ORDERS = [
    {
        "orderId": "order-1",
        "items": [{"sku": "tea", "quantity": 2, "price": 4.5}, {"sku": "cup", "quantity": 1, "price": 9}],
    },
    {"orderId": "order-2", "items": [{"sku": "tea", "quantity": 0, "price": 4.5}]},
]


def start_worker(endpoint: str, activity_arn: str, tasks: int) -> tuple[subprocess.Popen[str], str]:
    """``worker.py`` in its own process, serving ``tasks`` tasks and then exiting; returns once it is polling."""
    command = [sys.executable, str(HERE / "worker.py"), "--endpoint", endpoint, "--activity-arn", activity_arn]
    command += ["--worker-name", "example-worker", "--max-tasks", str(tasks)]
    worker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert worker.stdout is not None
    first_line = worker.stdout.readline()  # "[example-worker] polling …", printed just before its first poll
    if worker.poll() is not None and worker.returncode != 0:
        raise RuntimeError(f"worker.py could not start:\n{first_line}{worker.stdout.read()}")
    return worker, first_line


def stop_worker(worker: subprocess.Popen[str]) -> str:
    """Let the worker finish (it exits after its tasks), or stop it; return what it printed."""
    try:
        output = worker.communicate(timeout=10)[0]
    except subprocess.TimeoutExpired:  # it did not get all its tasks (an execution ended without one)
        worker.terminate()
        output = worker.communicate()[0] + "[run.py] worker stopped before it had handled every task\n"
    return output


def run(endpoint: str, with_worker: bool, timeout: float) -> dict[str, Any]:
    """Set everything up, run one execution per order, and return their descriptions and the worker's log."""
    sfn = client(endpoint)
    activity_arn = sfn.create_activity(name=ACTIVITY)["activityArn"]  # idempotent
    definition = (HERE / "definition.json").read_text().replace("${ActivityArn}", activity_arn)
    machine_arn = deploy(sfn, NAME, definition)
    worker, worker_log = start_worker(endpoint, activity_arn, len(ORDERS)) if with_worker else (None, "")
    try:
        arns = [start(sfn, machine_arn, unique_name(order["orderId"]), order) for order in ORDERS]
        executions = [wait_for_end(sfn, arn, timeout) for arn in arns]
    finally:
        if worker is not None:
            worker_log += stop_worker(worker)
    return {"activityArn": activity_arn, "executions": executions, "worker_log": worker_log}


def main(argv: list[str] | None = None) -> int:
    """Run the example and print it; exit status 0 when order-1 succeeded and order-2 failed with OrderRejected."""
    parser = argument_parser(__doc__)
    parser.add_argument("--no-worker", action="store_true", help="do not start worker.py (run it yourself)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each execution")
    args = parser.parse_args(argv)
    result = run(args.endpoint, not args.no_worker, args.timeout)
    print(f"activity: {result['activityArn']}")
    for line in result["worker_log"].splitlines():
        print(f"  {line}")
    for execution in result["executions"]:
        print(f"execution {execution['name']}: {execution['status']}")
        if execution["status"] == "SUCCEEDED":
            print(f"  output: {execution['output']}")
        else:
            print(f"  error: {execution.get('error')}  cause: {execution.get('cause')}")
    good, bad = result["executions"]
    ok = good["status"] == "SUCCEEDED" and bad["status"] == "FAILED" and bad.get("error") == "OrderRejected"
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
