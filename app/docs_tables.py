"""The README's tables of API operations and environment variables, generated from the code.

The operation table (``api/operations.py``) and the settings (``settings.py``) are the truth; the
README holds their tables between markers, and ``python -m app.docs_tables README.md`` rewrites
them. A test fails when the README's copy differs, so the documentation cannot drift.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pydantic_core import PydanticUndefined

from app.api.operations import OPERATIONS
from app.preflight import environment_variables
from app.settings import Settings

NONE = "\N{EN DASH}"  # an empty cell, as the README's hand-written tables write it
BEGIN = "<!-- generated {name}: python -m app.docs_tables README.md -->"
END = "<!-- end of generated {name} -->"


def operations_table() -> str:
    """Every operation the server answers, with its REST route where it has one."""
    rows = ["| operation | REST route |", "|---|---|"]
    for operation in sorted(OPERATIONS.values(), key=lambda operation: operation.name):
        rest = operation.rest
        route = f"`{rest.method} /v1{rest.path}`" if rest is not None else NONE
        rows.append(f"| `{operation.name}` | {route} |")
    return "\n".join(rows)


def configuration_table() -> str:
    """Every environment variable: its default and its meaning (``sfn config`` shows the effective values)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for field, variable in environment_variables().items():
        info = Settings.model_fields[field]
        default = info.get_default(call_default_factory=True)
        if isinstance(default, bool):
            default = str(default).lower()
        shown = NONE if default in (None, PydanticUndefined) or default == {} else f"`{default}`"
        rows.append(f"| `{variable}` | {shown} | {info.description} |")
    return "\n".join(rows)


TABLES = {"operations": operations_table, "configuration": configuration_table}


def rewrite(text: str) -> str:
    """``text`` with each generated table between its markers replaced by the current one."""
    for name, table in TABLES.items():
        begin, end = BEGIN.format(name=name), END.format(name=name)
        found = re.search(re.escape(begin) + r".*?" + re.escape(end), text, re.S)
        if found is None:
            raise ValueError(f"no markers for the {name} table: {begin} … {end}")
        text = f"{text[: found.start()]}{begin}\n{table()}\n{end}{text[found.end() :]}"
    return text


def main(paths: list[str]) -> int:
    for path in paths:
        file = Path(path)
        file.write_text(rewrite(file.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
