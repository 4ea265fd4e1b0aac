"""A Map's ItemReader over a real S3 API (moto's server): JSON, JSONL, CSV, manifest and listing readers."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conftest import ROLE_ARN
from tests.integration.aws.conftest import RunMachine

Aws = Callable[[str], Any]
ECHO = {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "E", "States": {"E": {"Type": "Pass", "End": True}}}


@pytest.fixture
def bucket(aws: Aws) -> str:
    name = f"items-{uuid.uuid4().hex[:10]}"
    aws("s3").create_bucket(Bucket=name)
    return name


def reading_map(reader: dict[str, Any], **fields: Any) -> dict[str, Any]:
    state = {"Type": "Map", "ItemReader": reader, "ItemProcessor": ECHO, "End": True, **fields}
    return {"StartAt": "Read", "States": {"Read": state}}


def get_object(input_type: str, **config: Any) -> dict[str, Any]:
    return {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": input_type, **config},
        "Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"},
    }


def succeeded(description: dict[str, Any]) -> Any:
    assert description["status"] == "SUCCEEDED", (description.get("error"), description.get("cause"))
    return json.loads(description["output"])


def test_a_json_array_with_the_item_selector(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="items.json", Body=json.dumps([{"n": 1}, {"n": 2}, {"n": 3}]))
    selector = {"index.$": "$$.Map.Item.Index", "n.$": "$$.Map.Item.Value.n", "bucket.$": "$.bucket"}
    definition = reading_map(get_object("JSON"), ItemSelector=selector)
    output = succeeded(run_machine(definition, {"bucket": bucket, "key": "items.json"})[0])
    assert output == [{"index": i, "n": i + 1, "bucket": bucket} for i in range(3)]


def test_json_lines_up_to_max_items_path(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    lines = "".join(json.dumps({"line": n}) + "\n" for n in range(10))
    aws("s3").put_object(Bucket=bucket, Key="items.jsonl", Body=lines)
    definition = reading_map(get_object("JSONL", MaxItemsPath="$.max"))
    output = succeeded(run_machine(definition, {"bucket": bucket, "key": "items.jsonl", "max": 4})[0])
    assert output == [{"line": n} for n in range(4)]


def test_csv_with_its_first_row_as_header_batched(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="rows.csv", Body='id,name\n1,"a, b"\n2,c\n3,d\n')
    definition = reading_map(
        get_object("CSV", CSVHeaderLocation="FIRST_ROW"),
        ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"file.$": "$.key"}},
    )
    output = succeeded(run_machine(definition, {"bucket": bucket, "key": "rows.csv"})[0])
    assert output == [
        {"Items": [{"id": "1", "name": "a, b"}, {"id": "2", "name": "c"}], "BatchInput": {"file": "rows.csv"}},
        {"Items": [{"id": "3", "name": "d"}], "BatchInput": {"file": "rows.csv"}},
    ]


def test_csv_with_given_headers_and_a_pipe_delimiter(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="rows.psv", Body="1|x\n2|y\n")
    reader = get_object("CSV", CSVHeaderLocation="GIVEN", CSVHeaders=["id", "v"], CSVDelimiter="PIPE", MaxItems=1)
    output = succeeded(run_machine(reading_map(reader), {"bucket": bucket, "key": "rows.psv"})[0])
    assert output == [{"id": "1", "v": "x"}]


def test_an_s3_inventory_manifest(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    s3 = aws("s3")
    s3.put_object(Bucket=bucket, Key="inventory/a.csv.gz", Body=gzip.compress(b'"src","k1","10"\n"src","k2","20"\n'))
    s3.put_object(Bucket=bucket, Key="inventory/b.csv.gz", Body=gzip.compress(b'"src","k3","30"\n'))
    manifest = {
        "sourceBucket": "src",
        "destinationBucket": f"arn:aws:s3:::{bucket}",
        "fileFormat": "CSV",
        "fileSchema": "Bucket, Key, Size",
        "files": [{"key": "inventory/a.csv.gz"}, {"key": "inventory/b.csv.gz"}],
    }
    s3.put_object(Bucket=bucket, Key="inventory/manifest.json", Body=json.dumps(manifest))
    description, _ = run_machine(
        reading_map(get_object("MANIFEST")), {"bucket": bucket, "key": "inventory/manifest.json"}
    )
    assert succeeded(description) == [
        {"Bucket": "src", "Key": "k1", "Size": "10"},
        {"Bucket": "src", "Key": "k2", "Size": "20"},
        {"Bucket": "src", "Key": "k3", "Size": "30"},
    ]


def test_an_object_listing(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    s3 = aws("s3")
    for key in ("in/a", "in/b", "out/c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"xyz")
    reader = {
        "Resource": "arn:aws:states:::s3:listObjectsV2",
        "Parameters": {"Bucket.$": "$.bucket", "Prefix": "in/"},
    }
    output = succeeded(run_machine(reading_map(reader), {"bucket": bucket})[0])
    assert [item["Key"] for item in output] == ["in/a", "in/b"]
    assert set(output[0]) == {"Etag", "Key", "LastModified", "Size", "StorageClass"}
    assert output[0]["Size"] == 3 and isinstance(output[0]["LastModified"], int)


def test_a_missing_object_fails_the_map_with_item_reader_failed(run_machine: RunMachine, bucket: str) -> None:
    definition = reading_map(get_object("JSON"), Catch=[{"ErrorEquals": ["States.ItemReaderFailed"], "Next": "Caught"}])
    definition["States"]["Read"].pop("End")
    definition["States"]["Read"]["Next"] = "Caught"
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    output = succeeded(run_machine(definition, {"bucket": bucket, "key": "nothing.json"})[0])
    assert output["Error"] == "States.ItemReaderFailed"
    assert "NoSuchKey" in output["Cause"]


def test_a_malformed_manifest_fails(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    manifest = {"destinationBucket": f"arn:aws:s3:::{bucket}", "fileFormat": "CSV", "files": [{"no key": 1}]}
    aws("s3").put_object(Bucket=bucket, Key="manifest.json", Body=json.dumps(manifest))
    description, _ = run_machine(reading_map(get_object("MANIFEST")), {"bucket": bucket, "key": "manifest.json"})
    assert (description["status"], description["error"]) == ("FAILED", "States.ItemReaderFailed")
    assert description["cause"].startswith("The items could not be read")


def test_a_json_object_that_is_not_an_array_fails(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="object.json", Body=b'{"not": "an array"}')
    description, events = run_machine(reading_map(get_object("JSON")), {"bucket": bucket, "key": "object.json"})
    assert (description["status"], description["error"]) == ("FAILED", "States.ItemReaderFailed")
    assert "must hold an array" in description["cause"]
    assert [event["type"] for event in events][-2:] == ["MapStateFailed", "ExecutionFailed"]


def test_an_express_machine_reads_its_items_too(aws_sfn: SFNClient, aws: Aws, bucket: str) -> None:
    aws("s3").put_object(Bucket=bucket, Key="items.jsonl", Body=b'"a"\n"b"\n')
    definition = reading_map(get_object("JSONL"), ItemBatcher={"MaxItemsPerBatch": 5})
    machine = aws_sfn.create_state_machine(
        name=f"express-{uuid.uuid4().hex[:10]}", definition=json.dumps(definition), roleArn=ROLE_ARN, type="EXPRESS"
    )
    answer = aws_sfn.start_sync_execution(
        stateMachineArn=machine["stateMachineArn"], input=json.dumps({"bucket": bucket, "key": "items.jsonl"})
    )
    assert answer["status"] == "SUCCEEDED", (answer.get("error"), answer.get("cause"))
    assert json.loads(answer["output"]) == [{"Items": ["a", "b"]}]


def test_a_large_read_is_stored_a_page_at_a_time_selected_and_batched(
    run_machine: RunMachine, aws_sfn: SFNClient, aws: Aws, bucket: str
) -> None:
    # 2,500 items: the run's rows are written in three pages as the lines stream in, past the 1 MiB an inline
    # Map could hold
    lines = "".join(json.dumps({"n": n, "pad": "x" * 500}) + "\n" for n in range(2500))
    aws("s3").put_object(Bucket=bucket, Key="many.jsonl", Body=lines)
    definition = reading_map(
        get_object("JSONL"),
        ItemSelector={"at.$": "$$.Map.Item.Index", "n.$": "$$.Map.Item.Value.n"},
        ItemBatcher={"MaxItemsPerBatch": 100},
        ResultSelector={"batches.$": "States.ArrayLength($)", "last.$": "$[24].Items[99]"},
    )
    description, events = run_machine(definition, {"bucket": bucket, "key": "many.jsonl"})
    assert succeeded(description) == {"batches": 25, "last": {"at": 2499, "n": 2499}}
    [started] = [event for event in events if event["type"] == "MapRunStarted"]
    map_run_arn = started["mapRunStartedEventDetails"]["mapRunArn"]
    counts = aws_sfn.describe_map_run(mapRunArn=map_run_arn)
    assert (counts["itemCounts"]["total"], counts["executionCounts"]["succeeded"]) == (2500, 25)


def test_an_item_selector_that_fails_on_a_read_item_fails_the_map(
    run_machine: RunMachine, aws: Aws, bucket: str
) -> None:
    aws("s3").put_object(Bucket=bucket, Key="items.json", Body=json.dumps([{"n": 1}, {"m": 2}]))
    definition = reading_map(get_object("JSON"), ItemSelector={"n.$": "$$.Map.Item.Value.n"})
    description, _ = run_machine(definition, {"bucket": bucket, "key": "items.json"})
    assert (description["status"], description["error"]) == ("FAILED", "States.Runtime")
    assert "$$.Map.Item.Value.n" in description["cause"]
