"""A distributed Map's ResultWriter as the engine sees it: the request it hands the integrations once the
Map Run's children ended, which read the children's results and write them to S3 (or shape them).

The request names the writer's resource (None: no export), its rendered ``Parameters`` (JSONPath) or
``Arguments`` (JSONata), its ``WriterConfig``, the Map Run and its count of children (whose ARNs follow from
the run's). The Map waits for the answer, which becomes its result, as a Task waits for its own.
"""

from __future__ import annotations

from typing import Any

from app.asl.states.base import MISSING
from app.asl.states.map_ import WriterSpec
from app.engine import dataflow
from app.engine.run import Run


def request(run: Run, writer: WriterSpec, effective: Any, map_run_arn: str, children: int) -> dict[str, Any]:
    """What the integrations need to write the results, with every expression of the writer evaluated."""
    if run.state.is_jsonata:
        arguments = {} if writer.arguments is MISSING else dataflow.jsonata_value(run, writer.arguments, "Arguments")
    else:
        arguments = {} if writer.parameters is MISSING else dataflow.render(run, writer.parameters, effective)
    return {
        "Resource": writer.resource,
        "Arguments": arguments,
        "WriterConfig": dict(writer.config),
        "MapRunArn": map_run_arn,
        "Children": children,
    }
