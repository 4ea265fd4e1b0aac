# Shortcuts for contributors; the README's two commands need nothing but Python.
.PHONY: install serve test check format bench constraints

install:
	python3 -m venv .venv && .venv/bin/pip install -q -c constraints.txt -e '.[test]'

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

# Re-resolve every runtime and test dependency to its newest release allowed by pyproject.toml, in a
# throwaway venv, and pin the result in constraints.txt (then run the tests and commit both).
constraints:
	rm -rf .constraints-venv
	python3 -m venv .constraints-venv
	.constraints-venv/bin/pip install -q -U --upgrade-strategy eager -e '.[test]'
	{ echo '# Every runtime and test dependency pinned: pip install -c constraints.txt ... (refresh: make constraints).'; \
	  .constraints-venv/bin/pip freeze --all --exclude-editable | grep -v '^pip=='; } > constraints.txt
	rm -rf .constraints-venv
