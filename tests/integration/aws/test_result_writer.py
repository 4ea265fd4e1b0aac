"""A distributed Map's ResultWriter over a real S3 API (moto's server): the manifest and result files AWS
writes, their shapes (NONE, COMPACT, FLATTEN; JSON and JSON Lines), results past the payload quota, Express
children, the WriterConfig alone, and a write that fails."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.integration.aws.conftest import RunMachine

Aws = Callable[[str], Any]
STANDARD = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
# Item 2 fails; the run tolerates one failure.
PROCESSOR = {
    "StartAt": "Odd?",
    "States": {
        "Odd?": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.n", "NumericEquals": 2, "Next": "Boom"}],
            "Default": "Twice",
        },
        "Boom": {"Type": "Fail", "Error": "Two", "Cause": "two is not wanted"},
        "Twice": {"Type": "Pass", "Parameters": {"n.$": "$.n", "pair.$": "States.Array($.n, $.n)"}, "End": True},
    },
}
EXPORT = {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket.$": "$.bucket", "Prefix": "runs/"}}


@pytest.fixture
def bucket(aws: Aws) -> str:
    name = f"results-{uuid.uuid4().hex[:10]}"
    aws("s3").create_bucket(Bucket=name)
    return name


def writing_map(writer: dict[str, Any], config: dict[str, str] = STANDARD, **fields: Any) -> dict[str, Any]:
    processor = {"ProcessorConfig": config, **copy.deepcopy(PROCESSOR)}
    state = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemProcessor": processor,
        "ResultWriter": writer,
        "ToleratedFailureCount": 1,
        "End": True,
        **fields,
    }
    return {"StartAt": "Fan", "States": {"Fan": state}}


def read(aws: Aws, bucket: str, key: str) -> bytes:
    body: bytes = aws("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def succeeded(description: dict[str, Any]) -> Any:
    assert description["status"] == "SUCCEEDED", (description.get("error"), description.get("cause"))
    return json.loads(description["output"])


def items(count: int, bucket: str) -> dict[str, Any]:
    return {"bucket": bucket, "items": [{"n": n} for n in range(1, count + 1)]}


def test_an_export_writes_the_manifest_and_a_file_per_status(
    run_machine: RunMachine, aws: Aws, bucket: str, aws_sfn: SFNClient
) -> None:
    output = succeeded(run_machine(writing_map(EXPORT), items(3, bucket))[0])
    map_run_arn = output["MapRunArn"]
    run_id = map_run_arn.rsplit(":", 1)[1]
    assert output["ResultWriterDetails"] == {"Bucket": bucket, "Key": f"runs/{run_id}/manifest.json"}
    manifest = json.loads(read(aws, bucket, f"runs/{run_id}/manifest.json"))
    assert manifest["DestinationBucket"] == bucket and manifest["MapRunArn"] == map_run_arn
    files = manifest["ResultFiles"]
    assert files["PENDING"] == []
    assert [entry["Key"] for entry in files["SUCCEEDED"]] == [f"runs/{run_id}/SUCCEEDED_0.json"]
    assert [entry["Key"] for entry in files["FAILED"]] == [f"runs/{run_id}/FAILED_0.json"]
    succeeded_body = read(aws, bucket, f"runs/{run_id}/SUCCEEDED_0.json")
    assert files["SUCCEEDED"][0]["Size"] == len(succeeded_body)
    results = json.loads(succeeded_body)
    assert [json.loads(result["Output"]) for result in results] == [{"n": 1, "pair": [1, 1]}, {"n": 3, "pair": [3, 3]}]
    first = results[0]
    assert first["Status"] == "SUCCEEDED" and json.loads(first["Input"]) == {"n": 1}
    assert first["InputDetails"] == {"Included": True} and first["OutputDetails"] == {"Included": True}
    assert first["StateMachineArn"] in first["ExecutionArn"].replace(":execution:", ":stateMachine:")
    assert first["StartDate"].endswith("Z") and first["StopDate"].endswith("Z")
    (failed,) = json.loads(read(aws, bucket, f"runs/{run_id}/FAILED_0.json"))
    assert (failed["Status"], failed["Error"], failed["Cause"]) == ("FAILED", "Two", "two is not wanted")
    assert "Output" not in failed
    described = aws_sfn.describe_map_run(mapRunArn=map_run_arn)
    assert described["itemCounts"]["resultsWritten"] == 3 and described["executionCounts"]["resultsWritten"] == 3


def test_compact_and_flatten_keep_the_outputs_alone_as_json_lines(
    run_machine: RunMachine, aws: Aws, bucket: str
) -> None:
    for transformation, expected in [
        ("COMPACT", [{"n": 1, "pair": [1, 1]}, {"n": 3, "pair": [3, 3]}]),
        ("FLATTEN", [{"n": 1, "pair": [1, 1]}, {"n": 3, "pair": [3, 3]}]),
    ]:
        writer = {**EXPORT, "WriterConfig": {"Transformation": transformation, "OutputType": "JSONL"}}
        output = succeeded(run_machine(writing_map(writer), items(3, bucket))[0])
        folder = output["ResultWriterDetails"]["Key"].removesuffix("/manifest.json")
        lines = read(aws, bucket, f"{folder}/SUCCEEDED_0.jsonl").decode().splitlines()
        assert [json.loads(line) for line in lines] == expected
        (failed,) = [json.loads(line) for line in read(aws, bucket, f"{folder}/FAILED_0.jsonl").decode().splitlines()]
        assert failed["Error"] == "Two"  # a failed child is written whole, whatever the transformation


def test_writer_config_alone_shapes_the_output(run_machine: RunMachine, bucket: str) -> None:
    flatten = {"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}}
    processor_output = {"ItemSelector": {"n.$": "$$.Map.Item.Value.n"}}
    definition = writing_map(flatten, ToleratedFailureCount=0, ItemsPath="$.pairs", **processor_output)
    definition["States"]["Fan"]["ItemProcessor"]["States"]["Twice"]["OutputPath"] = "$.pair"
    output = succeeded(run_machine(definition, {"bucket": bucket, "pairs": [{"n": 1}, {"n": 3}]})[0])
    assert output == [1, 1, 3, 3]


def test_results_past_the_payload_quota_are_exported_a_part_at_a_time(
    run_machine: RunMachine, aws: Aws, bucket: str
) -> None:
    # 24 results of 250 KB: far over the 256 KiB a Map's result may hold, and sent to S3 in two parts
    text = "{% $pad('', 250000, 'x') %}"
    big = {
        "StartAt": "Big",
        "States": {"Big": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"text": text}, "End": True}},
    }
    state = {
        "Type": "Map",
        "ItemsPath": "$.items",
        "ItemProcessor": {"ProcessorConfig": STANDARD, **big},
        "ResultWriter": EXPORT,
        "End": True,
    }
    run_input = {"bucket": bucket, "items": list(range(24))}
    output = succeeded(run_machine({"StartAt": "Fan", "States": {"Fan": state}}, run_input)[0])
    manifest_key = output["ResultWriterDetails"]["Key"]
    folder = manifest_key.removesuffix("/manifest.json")
    body = read(aws, bucket, f"{folder}/SUCCEEDED_0.json")
    etag = aws("s3").head_object(Bucket=bucket, Key=f"{folder}/SUCCEEDED_0.json")["ETag"]
    assert etag.strip('"').endswith("-2")  # a multipart upload of two parts
    assert [len(json.loads(result["Output"])["text"]) for result in json.loads(body)] == [250_000] * 24
    manifest = json.loads(read(aws, bucket, manifest_key))
    assert manifest["ResultFiles"]["SUCCEEDED"] == [{"Key": f"{folder}/SUCCEEDED_0.json", "Size": len(body)}]


def test_express_children_are_written_from_their_runs_rows(run_machine: RunMachine, aws: Aws, bucket: str) -> None:
    express = {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}
    output = succeeded(run_machine(writing_map(EXPORT, express), items(3, bucket))[0])
    folder = output["ResultWriterDetails"]["Key"].removesuffix("/manifest.json")
    results = json.loads(read(aws, bucket, f"{folder}/SUCCEEDED_0.json"))
    assert [json.loads(result["Output"])["n"] for result in results] == [1, 3]
    (failed,) = json.loads(read(aws, bucket, f"{folder}/FAILED_0.json"))
    assert failed["Error"] == "Two"


def test_a_missing_bucket_fails_the_map_with_result_writer_failed(run_machine: RunMachine) -> None:
    writer = {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "no-such-bucket-here"}}
    definition = writing_map(writer, Next="Caught")
    del definition["States"]["Fan"]["End"]
    definition["States"]["Fan"]["Catch"] = [{"ErrorEquals": ["States.ResultWriterFailed"], "Next": "Caught"}]
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    output = succeeded(run_machine(definition, items(1, "unused"))[0])
    assert output["Error"] == "States.ResultWriterFailed"
    assert "no-such-bucket-here" in output["Cause"] and "NoSuchBucket" in output["Cause"]


def test_an_inline_map_with_a_result_writer_fails_at_once(run_machine: RunMachine, bucket: str) -> None:
    definition = writing_map(EXPORT, {"Mode": "INLINE"})
    description, _ = run_machine(definition, items(1, bucket))
    assert (description["status"], description["error"]) == ("FAILED", "States.ResultWriterFailed")
