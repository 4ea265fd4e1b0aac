"""Named crash points: places where a fault test can make this process die as if the machine lost power.

Durability claims ("a crash at any moment loses nothing and applies nothing twice") are only worth
what their tests show, and a ``kill -9`` from outside lands at a random moment: the narrow windows
(between claiming an item and committing its transition, between calling an integration and
recording its outcome, just before or just after a commit) are the ones a random kill almost never
hits. A test arms one point through the environment of the server process it starts:

    SFN_CRASH_POINT=before_commit      # the point's name
    SFN_CRASH_AFTER=3                  # optional: die on the 3rd time the point is reached (default 1)

and the process SIGKILLs itself there: no ``finally`` blocks, no atexit handlers, no flushed buffers,
exactly like ``kill -9``. With ``SFN_PAUSE_SECONDS=0.5`` the armed point pauses that long each time
instead, which widens a race window for a test to land in. Unarmed, :func:`crash_point` is one
string comparison: the environment is read once, at import.

Points (where the scheduler calls them):

- ``after_claim``: work items were claimed (leases taken, committed) but nothing was done with them.
- ``after_integration_call``: an integration returned, its outcome not yet recorded.
- ``after_fence``: a transition's version fence is taken (the execution's row locked), its events
  and token changes not yet written.
- ``before_commit``: a transition was computed, its transaction not yet committed.
- ``after_commit``: the transition is committed, nothing after it (wake-ups, notifications) has run.
"""

from __future__ import annotations

import os
import signal
import threading
import time

CRASH_POINT_ENV = "SFN_CRASH_POINT"
CRASH_AFTER_ENV = "SFN_CRASH_AFTER"
PAUSE_ENV = "SFN_PAUSE_SECONDS"
POINTS = frozenset({"after_claim", "after_integration_call", "after_fence", "before_commit", "after_commit"})


def _read_armed() -> tuple[str | None, int]:
    name = os.environ.get(CRASH_POINT_ENV) or None
    if name is not None and name not in POINTS:
        raise ValueError(f"{CRASH_POINT_ENV}={name!r} names no crash point; known: {', '.join(sorted(POINTS))}")
    after = int(os.environ.get(CRASH_AFTER_ENV) or "1")
    if after < 1:
        raise ValueError(f"{CRASH_AFTER_ENV} must be at least 1, not {after}")
    return name, after


_armed, _remaining = _read_armed()
_pause = float(os.environ.get(PAUSE_ENV) or 0)
_lock = threading.Lock()


def crash_point(name: str) -> None:
    """Kill this process at once with SIGKILL if the environment armed crash point ``name`` (or pause
    there, with ``SFN_PAUSE_SECONDS``); else do nothing."""
    global _remaining
    if name != _armed:
        return
    if _pause:
        time.sleep(_pause)
        return
    with _lock:
        _remaining -= 1
        if _remaining > 0:
            return
    os.kill(os.getpid(), signal.SIGKILL)
