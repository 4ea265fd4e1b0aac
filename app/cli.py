"""The ``sfn`` command: run a server or worker, migrate, validate, and look at what runs."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from app.settings import Settings

# Every command imports what it needs when it runs: this module is also what a function worker process
# imports first (multiprocessing runs the parent's main module in each child), so it must stay light.

GRACEFUL_SHUTDOWN_SECONDS = 5
LOG_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
#: Loggers whose INFO lines say nothing a person running the server needs.
QUIET_LOGGERS = ("alembic.runtime.plugins",)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_ENDPOINT = "http://127.0.0.1:8083"
EPILOG = (
    "Configuration comes from environment variables (SFN_DATABASE_URL, SFN_FUNCTIONS_DIR, SFN_AUTH, ...): "
    "`sfn config` lists every one with its meaning and effective value."
)


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows an option's default where it has one worth saying (not None, not an off switch)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default in (None, False):
            return action.help or ""
        return super()._get_help_string(action) or ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a configuration mistake is one line per problem on stderr and exit status 2."""
    from app.preflight import EXIT_STATUS, ConfigurationError

    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except ConfigurationError as exc:
        for problem in exc.problems:
            print(f"sfn: {problem}", file=sys.stderr)
        return EXIT_STATUS
    return code


def _parser() -> argparse.ArgumentParser:
    from app.version import version

    formatter = _HelpFormatter
    parser = argparse.ArgumentParser(
        prog="sfn", description="A self-hosted AWS Step Functions server.", epilog=EPILOG, formatter_class=formatter
    )
    parser.add_argument("--version", action="version", version=f"sfn {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help, description=help, epilog=EPILOG, formatter_class=formatter)

    serve = command("serve", "run the API server and the scheduler")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    serve.add_argument("--port", type=int, default=8083, help="TCP port to listen on")
    _logging_options(serve)
    serve.add_argument("--access-log", action="store_true", help="log one line per HTTP request (SFN_ACCESS_LOG)")
    serve.set_defaults(run=_serve)

    worker = command("worker", "run only the scheduler (PostgreSQL: beside any number of servers)")
    _logging_options(worker)
    worker.set_defaults(run=_worker)

    command("migrate", "apply database migrations to SFN_DATABASE_URL and exit").set_defaults(run=_migrate)

    command("config", "print every environment variable: effective value, origin, meaning").set_defaults(run=_config)

    validate = command("validate", "check state machine definition files")
    validate.add_argument("files", nargs="+", metavar="FILE", help="definition files to check; - reads standard input")
    validate.set_defaults(run=_validate)

    executions = command("executions", "list the newest executions of a running server")
    _endpoint_option(executions)
    executions.add_argument("--state-machine", help="only this state machine (name or ARN)")
    executions.add_argument("--status", choices=("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"))
    executions.add_argument("--limit", type=int, default=20, help="rows to show")
    executions.set_defaults(run=_executions)

    run = command("run", "run one execution in this process on a temporary database; print its result and history")
    run.add_argument("definition", type=Path, metavar="DEFINITION.json", help="the state machine's definition")
    run.add_argument("--input", default="{}", help="the execution's input (JSON)")
    run.add_argument("--name", help="the state machine's name (default: DEFINITION's file name without .json)")
    run.add_argument("--mock", type=Path, metavar="FILE", help="a Step Functions Local mock file (SFN_MOCK_CONFIG)")
    run.add_argument("--test-case", help="the mock file's test case to run (MACHINE_ARN#TestCase)")
    run.add_argument("--functions-dir", type=Path, metavar="DIR", help="local Lambda functions (SFN_FUNCTIONS_DIR)")
    run.add_argument("--wait-time-scale", type=float, help="multiplies waits and retry intervals (WAIT_TIME_SCALE)")
    run.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the execution's end")
    run.set_defaults(run=_run)

    history = command("history", "show an execution's status and its history events")
    _endpoint_option(history)
    history.add_argument("execution_arn", metavar="EXECUTION_ARN")
    history.set_defaults(run=_history)

    from app.remote import schedules

    schedule_command = command("schedules", "list, show, create, update, enable, disable or delete schedules")
    _endpoint_option(schedule_command)
    schedules.add_arguments(schedule_command)
    schedule_command.set_defaults(run=_schedules)

    from app.deploy import command as deploy_command

    deploy = command("deploy", "deploy a SAM or CloudFormation template to a running server (or --delete a stack)")
    _endpoint_option(deploy)
    deploy_command.add_arguments(deploy)
    deploy.set_defaults(run=_deploy)

    stacks = command("stacks", "list the stacks deployed to a running server, or show one")
    _endpoint_option(stacks)
    stacks.add_argument("name", nargs="?", metavar="STACK", help="show this stack's resources and outputs")
    stacks.set_defaults(run=_stacks)
    return parser


def _logging_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=None,
        help="least severe lines logged (default: SFN_LOG_LEVEL, else info)",
    )


def _endpoint_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help="the server's URL")


def _prepare_process(log_level: str | None) -> Settings:
    """Checked settings, logging and garbage collection for a long-running server or worker.

    One handler on the root logger writes every line, the server's own and uvicorn's, in one
    format: text for people, or one JSON object per line (``SFN_LOG_FORMAT=json``) for machines.
    """
    from pythonjsonlogger.json import JsonFormatter

    from app.gc_tuning import tune_for_server
    from app.preflight import checked_settings

    settings = checked_settings()
    tune_for_server()
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter(LOG_FIELDS, rename_fields={"levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=(log_level or settings.log_level).upper(), handlers=[handler], force=True)
    for chatty in QUIET_LOGGERS:
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return settings


def _serve(args: argparse.Namespace) -> int:
    settings = _prepare_process(args.log_level)  # before the server's imports: a mistake is told at once
    import uvicorn

    from app.config_report import startup_lines
    from app.main import create_app

    log = logging.getLogger("sfn")
    if settings.public_url is None:
        reachable = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        settings.public_url = f"http://{reachable}:{args.port}"
    for line in startup_lines(settings, settings.public_url):
        log.info("%s", line)
    if settings.auth == "none" and args.host not in LOOPBACK_HOSTS:
        log.warning(
            "serving on %s WITHOUT AUTHENTICATION: anyone who reaches this port can run and read every workflow; "
            "set SFN_AUTH=sigv4 and SFN_CREDENTIALS",
            args.host,
        )
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=args.log_level or settings.log_level,
        access_log=args.access_log or settings.access_log,
        log_config=None,  # uvicorn's lines go through the root handler, in the process's format
        # Activity workers long-poll for up to a minute; a stopping server does not wait for them.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Run the scheduler without the HTTP API until SIGTERM or SIGINT (SIGHUP reads the mock file again)."""
    from app.composition import running
    from app.config_report import database_description, functions_description
    from app.executions.runtime import build_runtime
    from app.store import migrate

    settings = _prepare_process(args.log_level)
    log = logging.getLogger("sfn")
    log.info("database: %s", database_description(settings.database_url))
    log.info("functions: %s", functions_description(settings))
    migrate.upgrade(settings.database_url)
    runtime = build_runtime(settings)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    if runtime.mocks is not None:
        mocks = runtime.mocks
        signal.signal(signal.SIGHUP, lambda *_: mocks.reload())
    try:
        with running(runtime):  # the Express runner too: a task may start an Express machine
            log.info("worker running %d scheduler threads; stop with SIGTERM", settings.workers)
            stopping.wait()
    finally:
        runtime.close()
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    from app.config_report import database_description
    from app.preflight import checked_settings
    from app.store import migrate

    settings = checked_settings()
    migrate.upgrade(settings.database_url)
    print(f"database is up to date: {database_description(settings.database_url)}")
    return 0


def _config(_args: argparse.Namespace) -> int:
    """The effective configuration; then its problems, if any (exit status 2), else ``configuration OK``."""
    from app.config_report import configuration_lines
    from app.preflight import checked_settings
    from app.settings import get_settings

    for line in configuration_lines(get_settings()):
        print(line)
    checked_settings()
    print("configuration OK")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from app.asl.validation.report import validate_files_report

    code, report = validate_files_report(args.files, sys.stdin)
    print(report)
    return code


def _run(args: argparse.Namespace) -> int:
    """Exit status 0 when the execution SUCCEEDED, 1 otherwise, 2 for a mistake in what was asked."""
    from rich.console import Console

    from app.local_run import LocalRun, run

    # The history tells of failed tasks; the server's log lines would only repeat it.
    logging.basicConfig(level=logging.ERROR)
    request = LocalRun(
        definition=args.definition,
        input=args.input,
        state_machine=args.name or args.definition.stem,
        test_case=args.test_case,
        mock=args.mock,
        functions_dir=args.functions_dir,
        wait_time_scale=args.wait_time_scale,
        timeout=args.timeout,
    )
    return run(request, Console())


def _executions(args: argparse.Namespace) -> int:
    from app.terminal_views import show_executions

    return _look(args, lambda sfn, console: show_executions(sfn, console, args.state_machine, args.status, args.limit))


def _history(args: argparse.Namespace) -> int:
    from app.terminal_views import show_history

    return _look(args, lambda sfn, console: show_history(sfn, console, args.execution_arn))


def _schedules(args: argparse.Namespace) -> int:
    from app.remote import schedules

    return _remote(args, lambda api, console: schedules.run(api, console, args))


def _deploy(args: argparse.Namespace) -> int:
    """Exit status 0 when deployed, 1 when the server or the template said no, 2 for a mistake in the command."""
    from app.deploy import command as deploy_command
    from app.deploy.errors import DeployError
    from app.settings import get_settings
    from app.terminal_views import client

    sfn = client(args.endpoint, get_settings().region)
    try:
        return _remote(args, lambda api, console: deploy_command.run(api, sfn, console, args))
    except DeployError as exc:
        print(f"sfn: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"sfn: {exc}", file=sys.stderr)
        return 2


def _stacks(args: argparse.Namespace) -> int:
    from app.remote import stacks

    if args.name:
        return _remote(args, lambda api, console: stacks.show_one(api, console, args.name))
    return _remote(args, stacks.show_list)


def _remote(args: argparse.Namespace, act: Callable[[Any, Console], None]) -> int:
    """Act on the server at ``--endpoint`` through its REST routes; an error is one line and exit status 1."""
    from rich.console import Console

    from app.remote.client import ApiError, RestClient, UnreachableError

    api = RestClient(args.endpoint)
    try:
        act(api, Console())
    except (ApiError, UnreachableError) as exc:
        print(f"sfn: {exc}", file=sys.stderr)
        return 1
    finally:
        api.close()
    return 0


def _look(args: argparse.Namespace, show: Callable[[Any, Console], None]) -> int:
    """Run a terminal view against ``--endpoint``; an unreachable server or an API error is one line."""
    from botocore.exceptions import BotoCoreError, ClientError
    from rich.console import Console

    from app.settings import get_settings
    from app.terminal_views import client

    sfn = client(args.endpoint, get_settings().region)
    try:
        show(sfn, Console())
    except ClientError as exc:
        error = exc.response.get("Error", {})
        print(f"sfn: {error.get('Code')}: {error.get('Message')}", file=sys.stderr)
        return 1
    except BotoCoreError as exc:
        print(f"sfn: {exc} (is the server running at {args.endpoint}?)", file=sys.stderr)
        return 1
    except LookupError as exc:
        print(f"sfn: {exc.args[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
