"""``sfn validate``: the diagnostics of definition files, written for a person at a terminal.

A line reads ``file:line:column: SEVERITY CODE: message; hint (at /States/A/Next)``, the form
editors and terminals jump from. Errors come in the order of the text. One that only follows
from another (a state unreachable only because a ``Next`` is misspelt) is counted in the file's
summary but not listed: fixing its cause makes it go away, and listing it buries the cause.
The API answers in AWS's order and wording, without hints; only this report differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app.asl.validation.diagnostics import ERROR, WARNING, Diagnostic
from app.asl.validation.machine import validate_definition
from app.asl.validation.source import Position, SourceMap

#: The file name that means standard input, and how the report names it.
STDIN = "-"
STDIN_NAME = "<stdin>"

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2


def validate_files_report(paths: Sequence[str], stdin: TextIO) -> tuple[int, str]:
    """The exit code and the printable report of ``sfn validate`` for these files.

    Exit code 0 when no definition has an ERROR, 1 when one has (a text that is not JSON
    included: AWS reports that as a diagnostic too), 2 when a file cannot be read at all
    (missing, a directory, not UTF-8): as with grep and diff, trouble outranks findings.
    """
    results = [_file_report(path, stdin) for path in paths]
    return max(code for code, _ in results), "\n".join(text for _, text in results)


def _file_report(path: str, stdin: TextIO) -> tuple[int, str]:
    name = STDIN_NAME if path == STDIN else path
    try:
        text = stdin.read() if path == STDIN else Path(path).read_text(encoding="utf-8")
    except OSError as error:
        return EXIT_UNREADABLE, f"{name}: cannot read: {error.strerror or error}"
    except UnicodeDecodeError as error:
        return EXIT_UNREADABLE, f"{name}: cannot read: not UTF-8 text ({error.reason} at byte {error.start})"
    return definition_report(name, text)


def definition_report(name: str, text: str) -> tuple[int, str]:
    """The exit code (0 or 1) and the report of one definition's text, named ``name``."""
    diagnostics = validate_definition(text, explain=True)
    roots = [d for d in diagnostics if not d.cause]
    source = SourceMap(text)
    placed = [(source.position(d.location) if d.location else None, d) for d in roots]
    placed.sort(key=lambda entry: entry[0] or (0, 0))  # what concerns the whole text first
    lines = [_line(name, position, diagnostic) for position, diagnostic in placed]
    lines.append(_summary(name, roots, following=len(diagnostics) - len(roots)))
    failed = any(d.severity == ERROR for d in roots)
    return (EXIT_INVALID if failed else EXIT_OK), "\n".join(lines)


def _line(name: str, position: Position | None, diagnostic: Diagnostic) -> str:
    text = f"{diagnostic.message}; {diagnostic.hint}" if diagnostic.hint else diagnostic.message
    finding = f"{diagnostic.severity} {diagnostic.code}: {text}"
    if position is not None:
        line, column = position
        return f"{name}:{line}:{column}: {finding} (at {diagnostic.location})"
    return f"{name}: {diagnostic.location}: {finding}" if diagnostic.location else f"{name}: {finding}"


def _summary(name: str, listed: list[Diagnostic], following: int) -> str:
    errors = sum(d.severity == ERROR for d in listed)
    warnings = sum(d.severity == WARNING for d in listed)
    if not errors:
        return f"{name}: OK ({_count(warnings, 'warning')})" if warnings else f"{name}: OK"
    unlisted = f"; {_count(following, 'error')} that follow from these are not listed" if following else ""
    return f"{name}: FAIL ({_count(errors, 'error')}, {_count(warnings, 'warning')}{unlisted})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
