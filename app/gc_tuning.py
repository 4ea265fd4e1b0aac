"""Garbage collection paced for a server that builds and drops many small containers."""

from __future__ import annotations

import gc

# Collect the youngest generation after this many net container allocations (Python's default: 700).
YOUNG_THRESHOLD = 50_000


def tune_for_server() -> None:
    """Run the cycle collector far less often than Python's default pace.

    Executions load, copy and write whole snapshots, history events and rows: thousands of
    containers per transition, nearly all freed at once by reference counting. At the default
    thresholds those allocations set off a collection every few hundred of them, and every few
    seconds a full one that walks the whole heap while holding the GIL (about 70 ms with a
    1,000-item Map running), so every request and timer waits. Garbage in reference cycles is
    still collected, only later, which costs a few megabytes at most.
    """
    gc.set_threshold(YOUNG_THRESHOLD, 20, 10)
