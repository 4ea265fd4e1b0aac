# Shortcuts for contributors; the README's two commands need nothing but Python.
.PHONY: install serve test check format bench

install:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'

serve:
	.venv/bin/sfn serve

test:
	.venv/bin/python -m pytest

check:
	.venv/bin/ruff check app tests bench
	.venv/bin/ruff format --check app tests bench
	.venv/bin/mypy

format:
	.venv/bin/ruff format app tests bench
	.venv/bin/ruff check --fix app tests bench
