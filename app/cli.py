"""The ``sfn`` command: ``serve``, ``worker``, ``migrate`` and ``validate``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from pythonjsonlogger.json import JsonFormatter

from app.gc_tuning import tune_for_server
from app.settings import Settings, get_settings

GRACEFUL_SHUTDOWN_SECONDS = 5
LOG_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sfn", description="A self-hosted AWS Step Functions server.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server and the scheduler")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8083)
    serve.add_argument("--log-level", default="info")
    worker = commands.add_parser("worker", help="run only the scheduler (PostgreSQL: beside any number of servers)")
    worker.add_argument("--log-level", default="info")
    commands.add_parser("migrate", help="apply database migrations and exit")
    validate = commands.add_parser("validate", help="check state machine definition files")
    validate.add_argument("files", nargs="+", help="definition files to check; - reads standard input")
    args = parser.parse_args(argv)

    if args.command == "serve":
        return _serve(args.host, args.port, args.log_level)
    if args.command == "worker":
        return _worker(args.log_level)
    if args.command == "migrate":
        from app.store import migrate

        migrate.upgrade(get_settings().database_url)
        print("database is up to date")
        return 0
    from app.asl.validation.report import validate_files_report

    code, report = validate_files_report(args.files, sys.stdin)
    print(report)
    return code


def _prepare_process(log_level: str) -> Settings:
    """Logging and garbage collection for a long-running server or worker; its settings.

    One handler on the root logger writes every line, the server's own and uvicorn's, in one
    format: text for people, or one JSON object per line (``SFN_LOG_FORMAT=json``) for machines.
    """
    tune_for_server()
    settings = get_settings()
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter(LOG_FIELDS, rename_fields={"levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=log_level.upper(), handlers=[handler], force=True)
    return settings


def _serve(host: str, port: int, log_level: str) -> int:
    import uvicorn

    from app.main import create_app

    settings = _prepare_process(log_level)
    if settings.auth == "none" and host not in LOOPBACK_HOSTS:
        logging.getLogger("sfn").warning(
            "serving on %s WITHOUT AUTHENTICATION: anyone who reaches this port can run and read every workflow; "
            "set SFN_AUTH=sigv4 and SFN_CREDENTIALS",
            host,
        )
    if settings.public_url is None:
        reachable = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        settings.public_url = f"http://{reachable}:{port}"
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        log_config=None,  # uvicorn's lines go through the root handler, in the process's format
        # Activity workers long-poll for up to a minute; a stopping server does not wait for them.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return 0


def _worker(log_level: str) -> int:
    """Run the scheduler without the HTTP API until SIGTERM or SIGINT."""
    from app.composition import build_integrations, build_scheduler
    from app.executions.runtime import build_runtime
    from app.store import migrate

    settings = _prepare_process(log_level)
    migrate.upgrade(settings.database_url)
    runtime = build_runtime(settings)
    integrations = build_integrations(runtime)
    scheduler = build_scheduler(runtime, integrations)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    scheduler.start()
    logging.getLogger(__name__).info("worker running; stop with SIGTERM")
    stopping.wait()
    scheduler.stop()
    integrations.close()
    runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
