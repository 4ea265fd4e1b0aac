"""The ``sfn`` command: ``serve``, ``worker``-less ``migrate`` and ``validate``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from app.settings import get_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sfn", description="A self-hosted AWS Step Functions server.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the API server and the scheduler")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8083)
    serve.add_argument("--log-level", default="info")
    commands.add_parser("migrate", help="apply database migrations and exit")
    validate = commands.add_parser("validate", help="check a state machine definition file")
    validate.add_argument("file")
    args = parser.parse_args(argv)

    if args.command == "serve":
        return _serve(args.host, args.port, args.log_level)
    if args.command == "migrate":
        from app.store import migrate

        migrate.upgrade(get_settings().database_url)
        print("database is up to date")
        return 0
    from app.asl.validation import validate_file_report

    code, report = validate_file_report(args.file)
    print(report)
    return code


def _serve(host: str, port: int, log_level: str) -> int:
    import uvicorn

    from app.main import create_app

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    if settings.public_url is None:
        reachable = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        settings.public_url = f"http://{reachable}:{port}"
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
