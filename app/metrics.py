"""What this process has done, for Prometheus: ``GET /metrics`` (one registry per process).

Counters and histograms are recorded where the work happens; the gauges of shared state (open
executions, the work queue) are read from the database when Prometheus scrapes, so every server
process reports the same queue.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry()

EXECUTIONS_STARTED = Counter(
    "sfn_executions_started", "Executions started.", ["state_machine", "type"], registry=REGISTRY
)
EXECUTIONS_ENDED = Counter(
    "sfn_executions_ended", "Executions ended, by final status.", ["state_machine", "status"], registry=REGISTRY
)
HISTORY_EVENTS = Counter("sfn_history_events", "History events committed (state transitions).", registry=REGISTRY)
COMMIT_SECONDS = Histogram("sfn_commit_seconds", "Time of the scheduler's write transactions.", registry=REGISTRY)
TIMER_LATENESS_SECONDS = Histogram(
    "sfn_timer_lateness_seconds",
    "How long after its due time a timer (Wait, retry, task timeout) was claimed.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
INTEGRATION_CALL_SECONDS = Histogram(
    "sfn_integration_call_seconds", "Time of integration calls, by resource.", ["resource"], registry=REGISTRY
)
INTEGRATION_ERRORS = Counter(
    "sfn_integration_errors",
    "Integration calls that failed, by resource and error.",
    ["resource", "error"],
    registry=REGISTRY,
)
SCHEDULE_FIRINGS = Counter(
    "sfn_schedule_firings",
    "Occurrences of schedules this process fired, by outcome (started, already_started, refused).",
    ["outcome"],
    registry=REGISTRY,
)
SCHEDULE_LATENESS_SECONDS = Histogram(
    "sfn_schedule_lateness_seconds",
    "How long after its due time a schedule's occurrence was fired.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0, 600.0),
    registry=REGISTRY,
)
