"""``map_run_memory``: what a distributed Map costs the server's memory as its run grows tenfold.

A fresh server and database, whose AWS calls go to a moto server. A distributed Map reads its items from
a JSON Lines object in S3 (an ``ItemReader``), runs each as a child execution of three Pass states and
exports the results to S3 (a ``ResultWriter``: 100,000 results cannot be a Map's output). It runs over
10,000 items, then 100,000: the server's peak resident memory after each tells whether the items, the
children and the results are held (it grows with the run) or streamed (it stays flat).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import boto3

from app.server_process import MOTO_CREDENTIALS, MotoServer
from bench.client import create_state_machine, make_client, wait_finished
from bench.database import choose_database
from bench.map_items import three_pass_map
from bench.results import RunResult
from bench.server import BenchServer, rss_mb

SIZES = (10_000, 100_000)
BUCKET = "bench-map-run-memory"


def definition() -> dict[str, Any]:
    """The three-Pass distributed Map, its items read from S3 and its results written there."""
    machine = three_pass_map({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"})
    state = machine["States"]["M"]
    del state["ItemsPath"]
    state["ItemReader"] = {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "JSONL"},
        "Parameters": {"Bucket": BUCKET, "Key.$": "$.key"},
    }
    state["ResultWriter"] = {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": BUCKET}}
    return machine


def run(
    log_path: Path, extra_env: dict[str, str], sizes: tuple[int, ...] = SIZES, timeout: float = 1800.0
) -> RunResult:
    started = time.monotonic()
    database = choose_database()
    moto = MotoServer(log_path.with_suffix(".moto.log"))
    try:
        moto.start()
        s3 = boto3.client(
            "s3",
            endpoint_url=moto.endpoint,
            region_name="us-east-1",
            aws_access_key_id=MOTO_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=MOTO_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        s3.create_bucket(Bucket=BUCKET)
        env = {**MOTO_CREDENTIALS, "AWS_ENDPOINT_URL": moto.endpoint, **extra_env}
        server = BenchServer(database.url, log_path, env)
        try:
            server.start()
            return _measure(server, s3, sizes, timeout, started)
        finally:
            server.stop()
    finally:
        moto.stop()
        database.close()


def _measure(server: BenchServer, s3: Any, sizes: tuple[int, ...], timeout: float, started: float) -> RunResult:
    client = make_client(server.endpoint, read_timeout=120.0)
    machine = create_state_machine(client, f"bench-map-run-{uuid.uuid4().hex[:8]}", definition())
    figures: dict[str, float] = {}
    for size in sizes:
        key = f"items-{size}.jsonl"
        s3.put_object(Bucket=BUCKET, Key=key, Body="".join(json.dumps({"v": n}) + "\n" for n in range(size)))
        t0 = time.monotonic()
        arn = client.start_execution(stateMachineArn=machine, input=json.dumps({"key": key}))["executionArn"]
        described = wait_finished(client, arn, timeout)
        wall = time.monotonic() - t0
        if described["status"] != "SUCCEEDED":
            return RunResult(error=f"{size} items: {described['status']}: {described.get('cause')}")
        [map_run] = client.list_map_runs(executionArn=arn)["mapRuns"]
        counts = client.describe_map_run(mapRunArn=map_run["mapRunArn"])
        if counts["executionCounts"]["succeeded"] != size or counts["itemCounts"]["resultsWritten"] != size:
            return RunResult(error=f"{size} items: counts {counts['executionCounts']}, {counts['itemCounts']}")
        label = f"Distributed Map over {size} items read from S3"
        figures[f"{label}, wall s"] = wall
        figures[f"{label}, children per s"] = size / wall
        figures[f"{label}, server peak RSS MB"] = rss_mb(server.pid, "VmHWM")
    return RunResult(figures=figures, detail={"sizes": list(sizes)}, seconds=time.monotonic() - started)
