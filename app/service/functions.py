"""Python functions deployed to the server (REST ``/v1/functions``, ``sfn deploy``), and the code a call runs.

The code is a zip archive kept in the database, so every process of the server runs the same code. A process
writes each version once to ``<temp>/sfn-functions-<uid>/<name>-<hash>/`` (atomically: a rename of a complete
directory), and a call loads the handler's module from there: a new deployment has a new hash, so the next call
runs the new code in every process, without a restart.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from app import arns, errors
from app.codec import dumps, loads
from app.executions.runtime import Runtime
from app.integrations.functions import DeployedFunction, DeployedLookup
from app.store import functions
from app.store.records import FunctionMeta

NAME = re.compile(r"[a-zA-Z0-9\-_]{1,64}")
HANDLER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*)*\.[A-Za-z_][A-Za-z0-9_]*")
RUNTIME = re.compile(r"python3\.\d+")
# Lambda's limits: 50 MB for an archive uploaded directly, 250 MB unpacked, 900 s at most.
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
MAX_TIMEOUT = 900.0
DEFAULT_TIMEOUT = 3.0
MAX_ENVIRONMENT_BYTES = 4096


def put(runtime: Runtime, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Create or replace a function from ``{Handler, Runtime, ZipFile (base64), Environment, Timeout, StackName}``."""
    if not NAME.fullmatch(name):
        raise errors.ValidationException(f"Invalid function name '{name}': 1-64 of [a-zA-Z0-9-_].")
    handler, runtime_name = str(body.get("Handler", "")), str(body.get("Runtime", ""))
    if not HANDLER.fullmatch(handler):
        raise errors.ValidationException(f"Invalid Handler '{handler}': MODULE.FUNCTION, e.g. app.lambda_handler.")
    if not RUNTIME.fullmatch(runtime_name):
        raise errors.ValidationException(
            f"Runtime '{runtime_name}' is not run by this server: only Python (python3.x) functions are."
        )
    timeout = body.get("Timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= MAX_TIMEOUT:
        raise errors.ValidationException(f"Timeout must be a number of seconds from 1 to {MAX_TIMEOUT:g}.")
    environment = body.get("Environment") or {}
    if not isinstance(environment, dict) or not all(isinstance(v, str) for v in environment.values()):
        raise errors.ValidationException("Environment must be an object of variable name -> string value.")
    if len(dumps(environment).encode()) > MAX_ENVIRONMENT_BYTES:
        raise errors.ValidationException(f"Environment variables may take at most {MAX_ENVIRONMENT_BYTES} bytes.")
    archive = _archive(body.get("ZipFile"))
    module = _module_path(handler)
    if module not in _checked_names(archive):
        raise errors.ValidationException(f"The archive has no {module} for the Handler '{handler}'.")
    sha = hashlib.sha256(archive).hexdigest()
    stack_name = body.get("StackName")
    with runtime.db.write() as conn:
        functions.put(
            conn,
            {
                "name": name,
                "handler": handler,
                "runtime": runtime_name,
                "code": archive,
                "code_sha256": sha,
                "environment": dumps(environment),
                "timeout": float(timeout),
                "stack_name": stack_name if isinstance(stack_name, str) else None,
                "updated_at": runtime.clock.now(),
            },
        )
    return {"FunctionName": name, "FunctionArn": _arn(runtime, name), "CodeSha256": sha}


def get(runtime: Runtime, name: str) -> dict[str, Any]:
    with runtime.db.read() as conn:
        meta = functions.meta(conn, name)
    if meta is None:
        raise errors.ResourceNotFound(f"Function not found: {_arn(runtime, name)}")
    return _view(runtime, meta)


def list_all(runtime: Runtime) -> dict[str, Any]:
    with runtime.db.read() as conn:
        return {"Functions": [_view(runtime, meta) for meta in functions.listing(conn)]}


def delete(runtime: Runtime, name: str) -> None:
    with runtime.db.write() as conn:
        if not functions.delete(conn, name):
            raise errors.ResourceNotFound(f"Function not found: {_arn(runtime, name)}")


def deployed_lookup(runtime: Runtime, directory: Path | None = None) -> DeployedLookup:
    """The ``DeployedLookup`` the function invoker is handed: the deployed function of a name, its code on disk."""
    root = directory or Path(tempfile.gettempdir()) / f"sfn-functions-{os.getuid()}"

    def lookup(name: str) -> DeployedFunction | None:
        with runtime.db.read() as conn:
            meta = functions.meta(conn, name)
        if meta is None:
            return None
        place = root / f"{name}-{meta.code_sha256[:16]}"
        if not place.is_dir():
            with runtime.db.read() as conn:
                archive = functions.code(conn, name, meta.code_sha256)
            if archive is None:  # replaced meanwhile: the next call finds the new one
                return None
            _unpack(archive, place)
        return DeployedFunction(
            path=place / _module_path(meta.handler),
            handler=meta.handler.rsplit(".", 1)[1],
            timeout=meta.timeout,
            environment=loads(meta.environment),
        )

    return lookup


def _archive(value: Any) -> bytes:
    if not isinstance(value, str) or not value:
        raise errors.ValidationException("ZipFile must be the function's zip archive, base64-encoded.")
    if len(value) > MAX_ARCHIVE_BYTES * 4 // 3 + 4:
        raise errors.ValidationException(f"The archive is larger than {MAX_ARCHIVE_BYTES} bytes.")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise errors.ValidationException(f"ZipFile is not base64: {exc}") from exc


def _checked_names(archive: bytes) -> set[str]:
    """The files of a zip archive, which must stay inside it and unpack to at most MAX_UNPACKED_BYTES."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as opened:
            entries = opened.infolist()
    except zipfile.BadZipFile as exc:
        raise errors.ValidationException(f"ZipFile is not a zip archive: {exc}") from exc
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise errors.ValidationException(f"The archive unpacks to more than {MAX_UNPACKED_BYTES} bytes.")
    names = set()
    for entry in entries:
        path = PurePosixPath(entry.filename)
        if path.is_absolute() or ".." in path.parts:
            raise errors.ValidationException(f"The archive's entry '{entry.filename}' points outside it.")
        names.add(str(path))
    return names


def _unpack(archive: bytes, place: Path) -> None:
    """Unpack into a fresh directory, then rename it into place (another process may win the race: fine)."""
    place.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{place.name}-", dir=place.parent))
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        opened.extractall(staging)
    try:
        staging.rename(place)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not place.is_dir():
            raise


def _module_path(handler: str) -> str:
    """``src/app.lambda_handler`` or ``pkg.app.lambda_handler`` → the module file ``src/app.py``, ``pkg/app.py``."""
    module = handler.rsplit(".", 1)[0]
    return module.replace(".", "/") + ".py"


def _view(runtime: Runtime, meta: FunctionMeta) -> dict[str, Any]:
    return {
        "FunctionName": meta.name,
        "FunctionArn": _arn(runtime, meta.name),
        "Handler": meta.handler,
        "Runtime": meta.runtime,
        "CodeSha256": meta.code_sha256,
        "Timeout": meta.timeout,
        "Environment": {"Variables": loads(meta.environment)},
        "LastModified": meta.updated_at,
        **({"StackName": meta.stack_name} if meta.stack_name else {}),
    }


def _arn(runtime: Runtime, name: str) -> str:
    return arns.function(runtime.settings.region, runtime.settings.account_id, name)
