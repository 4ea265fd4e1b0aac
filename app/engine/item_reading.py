"""A Map's ItemReader as the engine sees it: the request it hands the integrations, which read S3.

The request names the reader's resource, its rendered ``Parameters`` (JSONPath) or ``Arguments``
(JSONata), its ``ReaderConfig`` and its ``MaxItems`` (None: every item). The Map waits for the
answer, a list of items, as a Task waits for its result.
"""

from __future__ import annotations

from typing import Any

from app.asl.states.map_ import ReaderSpec
from app.engine import dataflow
from app.engine.run import Run


def request(run: Run, reader: ReaderSpec, effective: Any) -> dict[str, Any]:
    """What the integrations need to read the items, with every expression of the reader evaluated."""
    config: Any = dict(reader.config)
    if run.state.is_jsonata:
        config = dataflow.jsonata_value(run, config, "ReaderConfig")
    return {
        "Resource": reader.resource,
        "Arguments": dataflow.call_arguments(run, reader.parameters, reader.arguments, effective),
        "ReaderConfig": config,
        "MaxItems": dataflow.count(run, reader.max_items, reader.max_items_path, effective, "MaxItems"),
    }
