"""The environment variables a function sees, so code written for Lambda runs here unchanged.

Lambda sets the region, the function's identity and credentials; here the credentials are dummies unless
the server has real ones, and ``AWS_ENDPOINT_URL_SFN`` points boto3's Step Functions client back at this
server (botocore >= 1.31 reads ``AWS_ENDPOINT_URL_<SERVICE_ID>``, and Step Functions' service id is ``SFN``),
which is what lets the continue-as-new tutorial's Restart function call ``StartExecution`` here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .names import FunctionRef

DUMMY_ACCESS_KEY_ID = "test"
DUMMY_SECRET_ACCESS_KEY = "test"
MEMORY_SIZE_MB = "128"
# Any of these means the server's owner configured credentials that functions should keep using.
_CREDENTIAL_SOURCES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


def base_environment(
    *,
    region: str,
    self_endpoint: str | None,
    functions_dir: Path | None,
    parent: Mapping[str, str] | None = None,
    callback_credentials: tuple[str, str] | None = None,
) -> dict[str, str]:
    """Variables set once when a worker process starts (on top of the server's own environment)."""
    source = os.environ if parent is None else parent
    environment = {"AWS_REGION": region, "AWS_DEFAULT_REGION": region}
    if not _has_credentials(source):
        key, secret = callback_credentials or (DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY)
        environment["AWS_ACCESS_KEY_ID"] = key
        environment["AWS_SECRET_ACCESS_KEY"] = secret
    if self_endpoint:
        environment["AWS_ENDPOINT_URL_SFN"] = self_endpoint
    if functions_dir is not None:
        environment["LAMBDA_TASK_ROOT"] = str(functions_dir)
    return environment


def call_environment(function: FunctionRef, caller_endpoint: str | None = None) -> dict[str, str]:
    """Variables Lambda sets per function, applied before each call because workers are shared.

    ``caller_endpoint`` is this server's URL with the calling execution in its path: executions the
    function starts through boto3 are then recorded as started by that execution.
    """
    environment = {
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_VERSION": function.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": MEMORY_SIZE_MB,
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
    }
    if caller_endpoint:
        environment["AWS_ENDPOINT_URL_SFN"] = caller_endpoint
    return environment


def _has_credentials(environment: Mapping[str, str]) -> bool:
    if any(environment.get(name) for name in _CREDENTIAL_SOURCES):
        return True
    shared = environment.get("AWS_SHARED_CREDENTIALS_FILE")
    if not shared:
        try:
            shared = str(Path.home() / ".aws" / "credentials")
        except RuntimeError:  # no home directory to look in
            return False
    return Path(shared).is_file()
