"""A distributed Map's ResultWriter: its children's results written to S3 as AWS writes them, or shaped
into the Map's output.

An export (``Resource: arn:aws:states:::s3:putObject``, ``Bucket`` and ``Prefix``) writes under
``<Prefix>/<Map Run id>/`` one file per status that has results, ``SUCCEEDED_0.json``, ``FAILED_0.json``
(failed, timed out or aborted children) and ``PENDING_0.json``, and ``manifest.json`` naming each file with
its size; the Map's output is then the Map Run's ARN and where the manifest is. ``WriterConfig.Transformation``
shapes each result: ``NONE`` (the child execution as DescribeExecution tells it, in PascalCase; an export's
default), ``COMPACT`` (the child's output alone; the default without an export) or ``FLATTEN`` (as COMPACT,
an array output spread into the list). A failed child's result is always as ``NONE``. ``OutputType`` ``JSON``
writes each file as one array, ``JSONL`` as one result a line (``.jsonl``). Without an export the shaped
results are the Map's output, within the payload quota as any output.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from app.asl.errors import RESULT_WRITER_FAILED
from app.codec import dumps, loads
from app.integrations.aws.clients import Clients
from app.integrations.aws.errors import s3_cause
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess

#: The files of an export, in the manifest's order, and the status of the children each one holds.
FILES = ("FAILED", "PENDING", "SUCCEEDED")


def shaped(results: list[dict[str, Any]], transformation: str) -> list[Any]:
    """The children's results (each as DescribeExecution tells it, in PascalCase) as ``transformation`` shapes them."""
    if transformation == "NONE":
        return results
    values: list[Any] = []
    for result in results:
        if result["Status"] != "SUCCEEDED":
            values.append(result)
            continue
        output = loads(result["Output"]) if "Output" in result else None
        if transformation == "FLATTEN" and isinstance(output, list):
            values.extend(output)
        else:
            values.append(output)
    return values


def file_of(status: str) -> str:
    """The file of the export a child of this status is written to."""
    if status == "SUCCEEDED":
        return "SUCCEEDED"
    return "PENDING" if status in ("RUNNING", "PENDING_REDRIVE") else "FAILED"


def write_results(clients: Clients, region: str, request: dict[str, Any], results: list[dict[str, Any]]) -> TaskResult:
    """Write the results a Map's ResultWriter asks for, or shape them into its output (see the module)."""
    config = request.get("WriterConfig") or {}
    exporting = request.get("Resource") is not None
    transformation = str(config.get("Transformation", "NONE" if exporting else "COMPACT"))
    output_type = str(config.get("OutputType", "JSON"))
    if not exporting:
        return TaskSuccess(shaped(results, transformation))
    arguments = request.get("Arguments")
    if not isinstance(arguments, dict) or not isinstance(arguments.get("Bucket"), str):
        return TaskFailure(RESULT_WRITER_FAILED, "The ResultWriter's Parameters must name a Bucket.")
    bucket, map_run_arn = arguments["Bucket"], str(request["MapRunArn"])
    prefix = str(arguments.get("Prefix") or "").rstrip("/")
    folder = "/".join(part for part in (prefix, map_run_arn.rsplit(":", 1)[1]) if part)
    extension = "jsonl" if output_type == "JSONL" else "json"
    try:
        s3 = clients.get("s3", map_run_arn.split(":")[3] or region, None)
        files: dict[str, list[dict[str, Any]]] = {name: [] for name in FILES}
        for name in FILES:
            values = shaped([result for result in results if file_of(result["Status"]) == name], transformation)
            if not values:
                continue
            body = _serialized(values, output_type)
            key = f"{folder}/{name}_0.{extension}"
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            files[name].append({"Key": key, "Size": len(body)})
        manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": files}
        manifest_key = f"{folder}/manifest.json"
        s3.put_object(Bucket=bucket, Key=manifest_key, Body=dumps(manifest).encode())
    except ClientError as error:
        cause = s3_cause(error)
        return TaskFailure(RESULT_WRITER_FAILED, f"The results could not be written to S3 bucket {bucket}: {cause}")
    except BotoCoreError as error:
        return TaskFailure(RESULT_WRITER_FAILED, f"The results could not be written to S3 bucket {bucket}: {error}")
    return TaskSuccess({"MapRunArn": map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": manifest_key}})


def _serialized(values: list[Any], output_type: str) -> bytes:
    if output_type == "JSONL":
        return "".join(f"{dumps(value)}\n" for value in values).encode()
    return dumps(values).encode()
