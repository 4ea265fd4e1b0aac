"""Schedule expressions in EventBridge Scheduler's syntax, and the times they fall due.

``rate(N minute|minutes|hour|hours|day|days)``, ``cron(minutes hours day-of-month month day-of-week year)``
with ``?``, ``L``, ``W`` and ``#`` (days of the week 1-7 = SUN-SAT, as EventBridge counts them), and the
one-time ``at(yyyy-mm-ddThh:mm:ss)``. Cron fields are read by ``aws-croniter``, which knows this dialect;
a cron or ``at`` expression is read in the schedule's time zone, so ``cron(0 9 * * ? *)`` in
``Europe/Paris`` fires at nine o'clock Paris time in summer and in winter. A wall time that a daylight
saving change skips fires at the same offset as the time before the change (an hour late); one it repeats
fires once.

Times are epoch seconds. ``next_after(t)`` is always strictly later than ``t``, so a schedule never
fires twice for one occurrence, and ``None`` when no occurrence is left.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aws_croniter import AwsCroniter
from aws_croniter.exceptions import AwsCroniterExpressionError

RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)")
CRON = re.compile(r"cron\((.*)\)")
AT = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86_400}
#: The longest period a rate may have: a century keeps every due time a date the API can show.
MAX_RATE_SECONDS = 100 * 365 * 86_400
MAX_EXPRESSION = 256
# Daylight saving changes move a wall time by at most this much; past it a search gives up.
_LOCAL_SEARCH_STEPS = 4


class ExpressionError(ValueError):
    """The expression or time zone is not one EventBridge Scheduler accepts; the message says why."""


@dataclass(frozen=True)
class Recurrence:
    """A parsed expression in its time zone, anchored where a rate starts counting."""

    expression: str
    timezone: str
    period: float | None = None
    cron: AwsCroniter | None = None
    at: float | None = None

    def next_after(self, t: float, anchor: float) -> float | None:
        """The first due time strictly after ``t``; a rate counts whole periods from ``anchor``."""
        if self.at is not None:
            return self.at if self.at > t else None
        if self.period is not None:
            periods = max(math.floor((t - anchor) / self.period) + 1, 0)
            return anchor + periods * self.period
        return self._next_cron(t)

    def _next_cron(self, t: float) -> float | None:
        assert self.cron is not None
        zone = ZoneInfo(self.timezone)
        after = t
        for _ in range(_LOCAL_SEARCH_STEPS):
            # aws-croniter counts in UTC: give it the wall time of the zone as if it were UTC.
            wall = datetime.fromtimestamp(after, zone).replace(tzinfo=UTC)
            found = self.cron.occurrence(wall).next()
            if found is None:
                return None
            due: float = found.replace(tzinfo=zone).timestamp()
            if due > t:
                return due
            after = max(after + 60, due + 60)  # a repeated wall time: look past it
        return None


def parse(expression: str, timezone: str = "UTC") -> Recurrence:
    """The recurrence of ``expression`` in ``timezone``, or ``ExpressionError`` saying what is wrong."""
    if len(expression) > MAX_EXPRESSION:
        raise ExpressionError(f"A schedule expression has at most {MAX_EXPRESSION} characters.")
    zone = _zone(timezone)
    text = expression.strip()
    if rate := RATE.fullmatch(text):
        return Recurrence(expression, timezone, period=_rate_period(int(rate.group(1)), rate.group(2)))
    if cron := CRON.fullmatch(text):
        fields = cron.group(1).split()
        try:
            return Recurrence(expression, timezone, cron=AwsCroniter(" ".join(fields)))
        except (AwsCroniterExpressionError, ValueError, IndexError) as exc:
            raise ExpressionError(f"Invalid cron expression '{expression}': {exc}") from exc
    if at := AT.fullmatch(text):
        local = datetime.fromisoformat(at.group(1)).replace(tzinfo=zone)
        return Recurrence(expression, timezone, at=local.timestamp())
    raise ExpressionError(
        f"Invalid schedule expression '{expression}': expected rate(N minutes|hours|days), "
        "cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)."
    )


def _rate_period(value: int, unit: str) -> float:
    """EventBridge's rule: a value of 1 takes the singular unit, any other positive value the plural."""
    if value < 1:
        raise ExpressionError(f"A rate must be a positive number of {unit.rstrip('s')}s.")
    singular = unit.rstrip("s")
    if (value == 1) != (unit == singular):
        wanted = singular if value == 1 else f"{singular}s"
        raise ExpressionError(f"Invalid rate expression 'rate({value} {unit})': write 'rate({value} {wanted})'.")
    seconds = value * UNIT_SECONDS[singular]
    if seconds > MAX_RATE_SECONDS:
        raise ExpressionError(f"A rate may be at most {MAX_RATE_SECONDS // 86_400} days.")
    return float(seconds)


def _zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ExpressionError(f"Invalid time zone '{timezone}': not a name of the IANA time zone database.") from exc


def iso(t: float) -> str:
    """An epoch time as ISO 8601 in UTC, as the API shows due times."""
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def execution_suffix(due: float) -> str:
    """The part of an execution's name that names the occurrence: its UTC minute, ``20261203T2045Z``."""
    return datetime.fromtimestamp(due, UTC).strftime("%Y%m%dT%H%MZ")
