"""A Task's parameters as botocore's arguments, and botocore's answer as the Task's result.

Step Functions takes parameters in PascalCase whatever the service's own casing, so each key is
matched to the input shape's member without regard to case, down through structures, lists
and maps (a map's keys are data and stay as they are). A value given where the service wants a
string or a blob is sent as its JSON text: ``{"a": 1}`` as ``{"a":1}``, and a string given for
a blob as a JSON string, quotes included (``s3:putObject`` with ``"Body": "text"`` stores
``"text"``, as AWS does). Results come back with structure members in the Java SDK's casing,
timestamps as ISO 8601 text, a streamed body as its text and other blobs as base64.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.response import StreamingBody

from app.codec import dumps
from app.integrations.aws.names import java_pascal

#: No task result may be larger than this (AWS's payload limit): a body is read one byte past it, no more.
BODY_LIMIT = 262_144


class UnknownParameterError(ValueError):
    """A parameter that the operation's input shape does not have."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def to_botocore(value: Any, shape: Shape | None, path: str = "") -> Any:
    """``value`` as botocore's argument for ``shape``; raises :class:`UnknownParameterError`."""
    if shape is None:
        return value
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        members = {name.lower(): name for name in shape.members}
        arguments: dict[str, Any] = {}
        for key, item in value.items():
            name = members.get(str(key).lower())
            if name is None:
                raise UnknownParameterError(f"{path}{key}")
            arguments[name] = to_botocore(item, shape.members[name], f"{path}{key}.")
        return arguments
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [to_botocore(item, shape.member, f"{path}[{index}].") for index, item in enumerate(value)]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: to_botocore(item, shape.value, f"{path}{key}.") for key, item in value.items()}
    if shape.type_name == "string" and not isinstance(value, str):
        return dumps(value)
    if shape.type_name == "blob":
        return dumps(value).encode()
    return value


def from_botocore(value: Any, shape: Shape | None, *, java_names: bool = True) -> Any:
    """botocore's parsed ``value`` of ``shape`` as Step Functions shows it.

    SDK integrations name members in the Java SDK's casing; optimized integrations keep the
    service's own names (``java_names=False``: ``MD5OfMessageBody`` stays as it is).
    """
    if isinstance(value, StreamingBody):
        return _read_text(value)
    if isinstance(value, datetime):
        return _instant(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        return {
            java_pascal(name) if java_names else name: from_botocore(
                item, shape.members.get(name), java_names=java_names
            )
            for name, item in value.items()
            if name != "ResponseMetadata"
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [from_botocore(item, shape.member, java_names=java_names) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, dict):
        return {key: from_botocore(item, shape.value, java_names=java_names) for key, item in value.items()}
    return value


def _read_text(body: StreamingBody) -> str:
    try:
        return body.read(BODY_LIMIT + 1).decode("utf-8", errors="replace")
    finally:
        body.close()


def _instant(moment: datetime) -> str:
    """A timestamp as Java's ``Instant.toString()`` writes it: UTC, ``Z``, milliseconds only when there are some."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        fraction = f"{utc.microsecond:06d}"
        text += "." + (fraction[:3] if fraction.endswith("000") else fraction)
    return text + "Z"
