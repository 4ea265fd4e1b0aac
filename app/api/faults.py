"""What a request gets when the server, not the request, is at fault: an AWS error SDKs retry.

A database that went away or stopped accepting writes answers ``ServiceUnavailable`` (503); any
other unexpected exception ``InternalFailure`` (500). Both in the AWS error shape, never a bare
plain-text 500, and logged once per outage (:mod:`app.failure_log`), not once per request.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app import errors
from app.failure_log import RepeatingFailure, describe

log = logging.getLogger("sfn.api")
_failures = RepeatingFailure(log, "API requests")
INTERNAL_FAILURE = "The request processing has failed because of an unknown error, exception or failure."


def server_fault(exc: Exception) -> errors.ServiceError:
    """Log ``exc`` (call inside its ``except`` block) and name the AWS error the caller gets."""
    _failures.failed(exc)
    if isinstance(exc, sa.exc.DBAPIError):
        return errors.ServiceUnavailable(f"The database did not take the request: {describe(exc.orig or exc)}")
    return errors.InternalFailure(INTERNAL_FAILURE)


def began() -> float:
    """The moment a request's work begins, for :func:`served`."""
    return _failures.now()


def served(began: float) -> None:
    """A request that writes, begun at ``began``, went through: an outage that was being logged is
    over (reads may work while writes still fail, so they do not count)."""
    _failures.succeeded(began)
