"""A distributed Map's ResultWriter as the engine sees it: the request it hands the integrations once the
Map Run's children ended, which read the children's results and write them to S3 (or shape them).

The request names the writer's resource (None: no export), its rendered ``Parameters`` (JSONPath) or
``Arguments`` (JSONata), its ``WriterConfig``, the Map Run and its count of children (whose ARNs follow from
the run's). The Map waits for the answer, which becomes its result, as a Task waits for its own.
"""

from __future__ import annotations

from typing import Any

from app.asl.states.map_ import WriterSpec
from app.engine import dataflow
from app.engine.run import Run


def request(run: Run, writer: WriterSpec, effective: Any, map_run_arn: str, children: int) -> dict[str, Any]:
    """What the integrations need to write the results, with every expression of the writer evaluated."""
    return {
        "Resource": writer.resource,
        "Arguments": dataflow.call_arguments(run, writer.parameters, writer.arguments, effective),
        "WriterConfig": dict(writer.config),
        "MapRunArn": map_run_arn,
        "Children": children,
    }
