"""``GET /metrics``: the process's counters, and the shared figures read from the database at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.executions.runtime import Runtime
from app.metrics import REGISTRY
from app.store import executions, work_items

router = APIRouter(tags=["health"])


class _SharedFigures(Collector):
    """Open executions and the work queue, which every process shares through the database."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.runtime.clock.now()
        with self.runtime.db.read() as conn:
            running = executions.count_running(conn)
            due, oldest = work_items.due_now(conn, now)
        yield GaugeMetricFamily("sfn_open_executions", "Executions RUNNING.", value=running)
        yield GaugeMetricFamily("sfn_work_items_due", "Work items claimable now (queue depth).", value=due)
        age = 0.0 if oldest is None else max(0.0, now - oldest)
        yield GaugeMetricFamily(
            "sfn_work_item_oldest_age_seconds", "How long the oldest due item has waited.", value=age
        )


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    shared = CollectorRegistry()
    shared.register(_SharedFigures(request.app.state.runtime))
    return Response(generate_latest(REGISTRY) + generate_latest(shared), media_type=CONTENT_TYPE_LATEST)
