"""A Map's ItemReader: its items read from S3, as AWS reads them.

``s3:getObject`` reads one object by ``ReaderConfig.InputType``: ``JSON`` (an array), ``JSONL`` (one
value a line), ``CSV`` (a row an item: an object of the header's names, every value a string; the
header is the first row, or ``CSVHeaders`` with ``CSVHeaderLocation: GIVEN``; ``CSVDelimiter``) or
``MANIFEST`` (an S3 Inventory ``manifest.json``: a row of its gzipped CSV files an item, named by its
``fileSchema``). ``s3:listObjectsV2`` lists objects, an item each (``Etag``, ``Key``, ``LastModified``
in epoch seconds, ``Size``, ``StorageClass``). Reading stops at ``MaxItems``; arrays, lines and rows are
read as a stream, so a large object is read only as far as the items it gives. A distributed Map's items
go to a sink (its Map Run's rows, a page at a time) as they are read; an inline Map's are held by its
execution, so their JSON may not pass :data:`MAX_ITEMS_BYTES`. Any failure fails the reader with
``States.ItemReaderFailed``.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import itertools
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import ijson
from botocore.exceptions import BotoCoreError, ClientError

from app.asl.errors import ITEM_READER_FAILED
from app.asl.resources import parse_resource
from app.codec import dumps, loads
from app.durable.news import MAX_PAYLOAD_BYTES
from app.integrations.aws.clients import Clients
from app.integrations.aws.errors import s3_cause
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess

#: The most the items of an inline Map may weigh as JSON: they stay in its execution's snapshot while it runs.
MAX_ITEMS_BYTES = 4 * MAX_PAYLOAD_BYTES
DELIMITERS = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}
INPUT_TYPES = ("JSON", "JSONL", "CSV", "MANIFEST")

#: Takes the items as they are read (a distributed Map's run stores them) and answers the read.
ItemSink = Callable[[Iterator[Any]], TaskResult]


class ReadFailedError(Exception):
    """The items cannot be read; the message is the cause the Map fails with."""


@dataclass
class Items:
    """The items read for an inline Map, bounded by :data:`MAX_ITEMS_BYTES`."""

    values: list[Any]
    size: int = 2  # the brackets

    def take(self, values: Iterable[Any]) -> list[Any]:
        for value in values:
            self.size += len(dumps(value).encode()) + 1
            if self.size > MAX_ITEMS_BYTES:
                raise ReadFailedError(
                    f"The items read exceed the {MAX_ITEMS_BYTES} bytes a Map may hold; set MaxItems."
                )
            self.values.append(value)
        return self.values


def read_items(clients: Clients, region: str, request: dict[str, Any], sink: ItemSink | None = None) -> TaskResult:
    """Read the items a Map's ItemReader names (see the module's description), as a stream: into ``sink``
    when one is given, else into a bounded list that is the answer."""
    try:
        with contextlib.closing(_items(clients, region, request)) as items:
            if sink is not None:
                return sink(items)
            return TaskSuccess(Items([]).take(items))
    except ReadFailedError as failure:
        return TaskFailure(ITEM_READER_FAILED, str(failure))
    except ClientError as error:
        return TaskFailure(ITEM_READER_FAILED, s3_cause(error))
    except (BotoCoreError, ValueError, KeyError, TypeError, csv.Error, OSError, ijson.JSONError) as error:
        return TaskFailure(ITEM_READER_FAILED, f"The items could not be read: {error}")


def _items(clients: Clients, region: str, request: dict[str, Any]) -> Generator[Any]:
    """The items, read as they are asked for, up to ``MaxItems``."""
    resource = parse_resource(str(request.get("Resource")))
    arguments = request.get("Arguments")
    config = request.get("ReaderConfig") or {}
    if resource is None or resource.service != "s3" or resource.action not in ("getObject", "listObjectsV2"):
        raise ReadFailedError(f"The ItemReader resource '{request.get('Resource')}' is not supported.")
    if not isinstance(arguments, dict) or not isinstance(config, dict):
        raise ReadFailedError("The ItemReader's Parameters and ReaderConfig must be objects.")
    s3 = clients.get("s3", resource.arn.split(":")[3] or region, None)
    listing = resource.action == "listObjectsV2"
    stream = _list_objects(s3, arguments) if listing else _get_object(s3, arguments, config)
    limit = request.get("MaxItems")
    try:
        yield from stream if limit is None else itertools.islice(stream, limit)
    finally:
        stream.close()


def _list_objects(s3: Any, arguments: dict[str, Any]) -> Generator[Any]:
    for page in s3.get_paginator("list_objects_v2").paginate(**arguments):
        yield from (_listed(entry) for entry in page.get("Contents", []))


def _listed(entry: dict[str, Any]) -> dict[str, Any]:
    """An object of a listing, as the item AWS gives a child."""
    return {
        "Etag": entry["ETag"],
        "Key": entry["Key"],
        "LastModified": int(entry["LastModified"].timestamp()),
        "Size": entry["Size"],
        "StorageClass": entry.get("StorageClass", "STANDARD"),
    }


def _get_object(s3: Any, arguments: dict[str, Any], config: dict[str, Any]) -> Generator[Any]:
    input_type = config.get("InputType")
    if input_type not in INPUT_TYPES:
        raise ReadFailedError(f"ReaderConfig.InputType must be one of {', '.join(INPUT_TYPES)} for s3:getObject.")
    body = s3.get_object(**arguments)["Body"]
    try:
        if input_type == "JSON":
            yield from _json_array(body)
        elif input_type == "JSONL":
            yield from _json_lines(_text(body))
        elif input_type == "CSV":
            yield from _csv_rows(_text(body), config)
        else:
            yield from _manifest(s3, body)
    finally:
        body.close()


def _json_array(body: IO[bytes]) -> Iterator[Any]:
    """The items of a JSON array, parsed an item at a time; none may take more than :data:`MAX_ITEMS_BYTES`
    (it is never held whole: the read stops there)."""
    bounded = _BoundedItems(body)
    events = ijson.parse(bounded, use_float=True)
    _, event, _ = next(events, ("", None, None))
    if event != "start_array":
        raise ReadFailedError("The JSON object must hold an array of items.")
    for item in ijson.items(events, "item"):
        bounded.since_item = 0
        yield item


class _BoundedItems:
    """A body its JSON parser reads, which refuses to read more than :data:`MAX_ITEMS_BYTES` for one item."""

    def __init__(self, body: IO[bytes]) -> None:
        self.body = body
        self.since_item = 0

    def read(self, size: int = -1) -> bytes:
        data = self.body.read(size)
        self.since_item += len(data)
        if self.since_item > MAX_ITEMS_BYTES:
            raise ReadFailedError(f"An item of the JSON array exceeds {MAX_ITEMS_BYTES} bytes.")
        return data


def _json_lines(text: IO[str]) -> Iterator[Any]:
    while line := text.readline(MAX_ITEMS_BYTES + 1):
        if len(line) > MAX_ITEMS_BYTES:
            raise ReadFailedError(f"A line of the JSONL object exceeds {MAX_ITEMS_BYTES} bytes.")
        if line.strip():
            yield loads(line)


def _csv_rows(text: IO[str], config: dict[str, Any]) -> Iterator[dict[str, str]]:
    delimiter = DELIMITERS.get(config.get("CSVDelimiter", "COMMA"))
    if delimiter is None:
        raise ReadFailedError(f"CSVDelimiter must be one of {', '.join(DELIMITERS)}.")
    rows = csv.reader(text, delimiter=delimiter)
    if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
        headers = config.get("CSVHeaders")
        if not isinstance(headers, list) or not headers or not all(isinstance(name, str) for name in headers):
            raise ReadFailedError("CSVHeaders must be a list of column names when CSVHeaderLocation is GIVEN.")
    else:
        headers = next(rows, [])
    for number, row in enumerate(rows, start=1):
        if len(row) > len(headers):
            raise ReadFailedError(f"Row {number} of the CSV object has more fields than its {len(headers)} headers.")
        yield dict(zip(headers, row + [""] * (len(headers) - len(row)), strict=True))


def _manifest(s3: Any, body: IO[bytes]) -> Iterator[Any]:
    """The rows of the CSV files an S3 Inventory manifest lists."""
    data = body.read(MAX_ITEMS_BYTES + 1)
    manifest = loads(data) if len(data) <= MAX_ITEMS_BYTES else None
    if not isinstance(manifest, dict) or manifest.get("fileFormat") != "CSV":
        raise ReadFailedError("The manifest must be an S3 Inventory manifest.json of CSV files.")
    bucket = str(manifest.get("destinationBucket", "")).split(":::")[-1]
    columns = [name.strip() for name in str(manifest.get("fileSchema", "")).split(",")]
    for file in manifest.get("files", []):
        part = s3.get_object(Bucket=bucket, Key=file["key"])["Body"]
        try:
            text = io.TextIOWrapper(gzip.GzipFile(fileobj=part), encoding="utf-8", newline="")
            yield from _csv_rows(text, {"CSVHeaderLocation": "GIVEN", "CSVHeaders": columns})
        finally:
            part.close()


def _text(body: IO[bytes]) -> IO[str]:
    return io.TextIOWrapper(body, encoding="utf-8", newline="")
