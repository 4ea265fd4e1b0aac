"""The README's tables of operations and environment variables are the code's, not a copy that drifts."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.docs_tables import TABLES, rewrite

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_tables_are_generated_from_the_code() -> None:
    text = README.read_text(encoding="utf-8")
    assert rewrite(text) == text, "run: python -m app.docs_tables README.md"


@pytest.mark.parametrize("name", list(TABLES))
def test_a_changed_table_is_noticed(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    stale = text.replace(TABLES[name]().splitlines()[-1], "| `Removed` | |")
    assert stale != text and rewrite(stale) == text
