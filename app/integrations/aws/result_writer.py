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

from collections.abc import Iterable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from app.asl.errors import DATA_LIMIT_EXCEEDED, RESULT_WRITER_FAILED, oversized_result
from app.codec import dumps, loads
from app.durable.news import MAX_PAYLOAD_BYTES
from app.integrations.aws.clients import Clients
from app.integrations.aws.errors import s3_cause
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess

#: The files of an export, in the manifest's order, and the status of the children each one holds.
FILES = ("FAILED", "PENDING", "SUCCEEDED")


#: S3's smallest part of a multipart upload (but the last): a file is sent a part at a time once it grows past it.
PART_BYTES = 5 * 1024 * 1024


def shaped(result: dict[str, Any], transformation: str) -> list[Any]:
    """A child's result (as DescribeExecution tells it, in PascalCase) as ``transformation`` shapes it: the
    values it adds to its file."""
    if transformation == "NONE" or result["Status"] != "SUCCEEDED":
        return [result]
    output = loads(result["Output"]) if "Output" in result else None
    if transformation == "FLATTEN" and isinstance(output, list):
        return output
    return [output]


def file_of(status: str) -> str:
    """The file of the export a child of this status is written to."""
    if status == "SUCCEEDED":
        return "SUCCEEDED"
    return "PENDING" if status in ("RUNNING", "PENDING_REDRIVE") else "FAILED"


def write_results(
    clients: Clients, region: str, request: dict[str, Any], results: Iterable[dict[str, Any]]
) -> TaskResult:
    """Write the results a Map's ResultWriter asks for, or shape them into its output (see the module). The
    results are taken as a stream, and a file is sent a part at a time, so an export holds a few parts at most."""
    config = request.get("WriterConfig") or {}
    exporting = request.get("Resource") is not None
    transformation = str(config.get("Transformation", "NONE" if exporting else "COMPACT"))
    output_type = str(config.get("OutputType", "JSON"))
    if not exporting:
        return _output(results, transformation, str(request.get("StateName")))
    arguments = request.get("Arguments")
    if not isinstance(arguments, dict) or not isinstance(arguments.get("Bucket"), str):
        return TaskFailure(RESULT_WRITER_FAILED, "The ResultWriter's Parameters must name a Bucket.")
    bucket, map_run_arn = arguments["Bucket"], str(request["MapRunArn"])
    prefix = str(arguments.get("Prefix") or "").rstrip("/")
    folder = "/".join(part for part in (prefix, map_run_arn.rsplit(":", 1)[1]) if part)
    extension = "jsonl" if output_type == "JSONL" else "json"
    try:
        s3 = clients.get("s3", map_run_arn.split(":")[3] or region, None)
        files = {name: _ResultFile(s3, bucket, f"{folder}/{name}_0.{extension}", output_type) for name in FILES}
        try:
            for result in results:
                files[file_of(result["Status"])].add(shaped(result, transformation))
            written = {name: file.close() for name, file in files.items()}
        except BaseException:
            for file in files.values():
                file.abort()
            raise
        manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": written}
        manifest_key = f"{folder}/manifest.json"
        s3.put_object(Bucket=bucket, Key=manifest_key, Body=dumps(manifest).encode())
    except ClientError as error:
        cause = s3_cause(error)
        return TaskFailure(RESULT_WRITER_FAILED, f"The results could not be written to S3 bucket {bucket}: {cause}")
    except BotoCoreError as error:
        return TaskFailure(RESULT_WRITER_FAILED, f"The results could not be written to S3 bucket {bucket}: {error}")
    return TaskSuccess({"MapRunArn": map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": manifest_key}})


def _output(results: Iterable[dict[str, Any]], transformation: str, state_name: str) -> TaskResult:
    """The shaped results as the Map's output, which may not pass the payload quota."""
    values: list[Any] = []
    size = 1
    for result in results:
        for value in shaped(result, transformation):
            size += len(dumps(value).encode()) + 1
            if size > MAX_PAYLOAD_BYTES:
                return TaskFailure(DATA_LIMIT_EXCEEDED, oversized_result(state_name))
            values.append(value)
    return TaskSuccess(values)


class _ResultFile:
    """One file of an export, written as its values come: in one put if it stays small, else in parts."""

    def __init__(self, s3: Any, bucket: str, key: str, output_type: str) -> None:
        self.s3, self.bucket, self.key, self.lines = s3, bucket, key, output_type == "JSONL"
        self.buffer = bytearray()
        self.count = self.size = 0
        self.upload_id: str | None = None
        self.parts: list[dict[str, Any]] = []

    def add(self, values: list[Any]) -> None:
        for value in values:
            text = dumps(value)
            if self.lines:
                self.buffer += f"{text}\n".encode()
            else:
                self.buffer += ("[" if self.count == 0 else ",").encode() + text.encode()
            self.count += 1
        if len(self.buffer) >= PART_BYTES:
            self._send_part()

    def close(self) -> list[dict[str, Any]]:
        """Send what is left: the file's entry in the manifest (none when no value was added)."""
        if self.count == 0:
            return []
        if not self.lines:
            self.buffer += b"]"
        if self.upload_id is None:
            self.size = len(self.buffer)
            self.s3.put_object(Bucket=self.bucket, Key=self.key, Body=bytes(self.buffer))
        else:
            self._send_part()
            upload = {"Parts": self.parts}
            self.s3.complete_multipart_upload(
                Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, MultipartUpload=upload
            )
        return [{"Key": self.key, "Size": self.size}]

    def abort(self) -> None:
        """Give up a file sent in parts (a failed export leaves no half-written file behind)."""
        if self.upload_id is not None:
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id)

    def _send_part(self) -> None:
        if self.upload_id is None:
            self.upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key=self.key)["UploadId"]
        number = len(self.parts) + 1
        answer = self.s3.upload_part(
            Bucket=self.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=bytes(self.buffer)
        )
        self.parts.append({"ETag": answer["ETag"], "PartNumber": number})
        self.size += len(self.buffer)
        self.buffer = bytearray()
