"""Wires the process together: runtime, integrations, task runner and scheduler."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from app.api.auth import read_credentials
from app.executions.express import ExpressRunner, express_options
from app.executions.runtime import Runtime
from app.integrations.aws.services import AwsServices
from app.integrations.connections import ConnectionStore
from app.integrations.destinations import Destinations, GuardedTransport
from app.integrations.dispatch import Integrations
from app.integrations.functions import FunctionInvoker, FunctionSettings
from app.scheduler.loop import Scheduler
from app.scheduler.periodic import Periodic
from app.scheduler.tasks import TaskRunner
from app.service import executions, map_children
from app.service.functions import deployed_lookup
from app.service.schedule_firing import ScheduleFirer
from app.settings import Settings

HTTP_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


def build_integrations(runtime: Runtime) -> Integrations:
    settings = runtime.settings
    functions = FunctionInvoker(
        FunctionSettings(
            functions_dir=settings.functions_dir,
            function_urls=settings.function_urls,
            lambda_endpoint=settings.lambda_endpoint,
            region=settings.region,
            account_id=settings.account_id,
            self_endpoint=settings.public_url,
            callback_credentials=_first_key(settings),
            caller_key=runtime.caller_key,
        ),
        deployed=deployed_lookup(runtime),
    )

    def start_execution(state_machine_arn: str, **kwargs: Any) -> dict[str, Any]:
        return executions.start(runtime, state_machine_arn, **kwargs)

    return Integrations(
        functions=functions,
        connections=ConnectionStore.from_environment(),
        http=httpx.Client(timeout=HTTP_TIMEOUT, transport=GuardedTransport(Destinations.parse(settings.http_allow))),
        start_execution=start_execution,
        map_runs=map_children.MapRunChildren(runtime),
        region=settings.region,
        aws=AwsServices(region=settings.region),
    )


def _first_key(settings: Settings) -> tuple[str, str] | None:
    """The key functions call back with when the server requires signatures."""
    if settings.auth == "none" or not settings.credentials:
        return None
    return next(iter(read_credentials(settings.credentials).items()))


def build_express(runtime: Runtime, integrations: Integrations) -> ExpressRunner:
    """The runner of this process's Express executions, with their own duration limit."""
    settings = runtime.settings
    options = express_options(runtime.engine_options, settings.express_max_seconds)
    return ExpressRunner(integrations, runtime.clock, options, threads=settings.task_threads)


def build_scheduler(runtime: Runtime, integrations: Integrations) -> Scheduler:
    return Scheduler(runtime, TaskRunner(runtime, integrations, threads=runtime.settings.task_threads))


def build_schedule_thread(runtime: Runtime) -> Periodic:
    """The thread that fires due schedules, looking again at least every poll interval (other processes
    may have created or changed a schedule) and at once when this process changes one."""
    firer = ScheduleFirer(runtime)
    poll = runtime.settings.poll_seconds
    return Periodic("sfn-schedules", firer.fire_due, lambda: firer.seconds_to_next(poll), runtime.schedules_wakeup)


@contextmanager
def running(runtime: Runtime, *, scheduler: bool = True) -> Iterator[None]:
    """The integrations, the Express runner and (with ``scheduler``) the scheduler and schedules of ``runtime``,
    started for the block and stopped after it, the scheduler first: the server and ``sfn run`` alike."""
    integrations = build_integrations(runtime)
    runtime.express = build_express(runtime, integrations)
    runner = build_scheduler(runtime, integrations) if scheduler else None
    schedule_thread = build_schedule_thread(runtime) if scheduler else None
    if runner is not None and schedule_thread is not None:
        runner.start()
        schedule_thread.start()
    try:
        yield
    finally:
        if runner is not None and schedule_thread is not None:
            schedule_thread.stop()
            runner.stop()
        runtime.require_express().stop()
        integrations.close()
