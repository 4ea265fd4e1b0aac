"""What the alternatives reach, so every figure we print has something to be judged against."""

from __future__ import annotations

# Source: ../shared/bench/README.md, "What the alternatives reach on this kind of machine"
# (2 cores; median of 3 runs; moto 5.2.5 and LocalStack 2026.3, both in-memory).
# Keyed by (scenario, figure label as printed in our table).
REFERENCE: dict[tuple[str, str], dict[str, str]] = {
    ("start_latency", "StartExecution calls/s"): {"moto": "187", "LocalStack": "56"},
    ("start_latency", "StartExecution p50 ms"): {"moto": "40", "LocalStack": "134"},
    ("pass_chain", "transitions/s"): {"moto": "381", "LocalStack": "41"},
    ("choice_loop", "transitions/s, one execution"): {"moto": "698", "LocalStack": "20"},
    ("wait_fanout", "1000 x Wait 2 s, all done after s"): {"moto": "9.8", "LocalStack": "21.4"},
    ("callback", "activity tasks completed/s"): {"moto": "not supported", "LocalStack": "26"},
    ("map_parallel", "Map 1000 items x 3 Pass, wall s"): {
        "moto": "3.5",
        "LocalStack": "~92 (9.2 for 100)",
    },
    ("map_1000", "Map 1000 items x 3 Pass, wall s"): {
        "moto": "3.5",
        "LocalStack": "~92 (9.2 for 100)",
    },
}


def alternatives(scenario: str, figure: str) -> str:
    """The reference figures as one table cell, or an empty string where the README gives none."""
    ref = REFERENCE.get((scenario, figure))
    if ref is None:
        return ""
    return " / ".join(f"{name} {value}" for name, value in ref.items())
