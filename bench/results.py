"""Results of scenario runs, their medians, and the table and JSON they end up in."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.reference import alternatives


@dataclass
class RunResult:
    """One run of one scenario: its figures (label -> number) or why it failed."""

    figures: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Row:
    scenario: str
    figure: str
    value: str
    alternatives: str
    failure: bool = False


def fmt_number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def summarize(scenario: str, runs: list[RunResult]) -> tuple[dict[str, float], list[Row]]:
    """The median of each figure over the successful runs, and the table rows for them.

    A scenario whose runs all failed becomes one ``failed: <reason>`` row, so the table still shows
    what the server cannot do yet instead of the command dying on it.
    """
    good = [run for run in runs if run.ok]
    failed = [run for run in runs if not run.ok]
    medians: dict[str, float] = {}
    rows: list[Row] = []
    for label in good[0].figures if good else []:
        values = [run.figures[label] for run in good if label in run.figures]
        medians[label] = float(statistics.median(values))
        rows.append(Row(scenario, label, fmt_number(medians[label]), alternatives(scenario, label)))
    if failed:
        reason = short(failed[0].error or "")
        label = "status" if good else "-"
        note = f"failed {len(failed)}/{len(runs)}: {reason}" if good else f"failed: {reason}"
        rows.append(Row(scenario, label, note, "", failure=True))
    return medians, rows


def render_table(rows: list[Row]) -> str:
    """Fixed-width columns; a failure's reason spills over the alternatives column instead of widening it."""
    headers = Row("scenario", "figure", "value", "alternatives (moto / LocalStack)")
    table = [headers, *rows]
    widths = [max(len(row.scenario) for row in table), max(len(row.figure) for row in table)]
    widths.append(max(len(row.value) for row in table if not row.failure))
    lines = []
    for index, row in enumerate(table):
        value = row.value if row.failure else row.value.rjust(widths[2])
        cells = [row.scenario.ljust(widths[0]), row.figure.ljust(widths[1]), value]
        if index == 0:
            cells[2] = row.value.ljust(widths[2])
        lines.append("  ".join([*cells, row.alternatives]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in [*widths, len(headers.alternatives)]))
    return "\n".join(lines)


def write_json(path: Path, meta: dict[str, Any], runs: dict[str, list[RunResult]], rows: list[Row]) -> None:
    """All runs in full next to the medians, so a surprising median can be traced to its runs."""
    scenarios = {}
    for name, scenario_runs in runs.items():
        medians, _ = summarize(name, scenario_runs)
        scenarios[name] = {"median": medians, "runs": [asdict(run) for run in scenario_runs]}
    document = {**meta, "scenarios": scenarios, "table": [asdict(row) for row in rows]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
