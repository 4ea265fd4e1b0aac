"""Mocked responses of Task states, read from a Step Functions Local ``MockConfigFile``.

The file names test cases per state machine (``StateMachines`` → machine → ``TestCases`` → test
case → Task state → mocked response) and the mocked responses (``MockedResponses`` → response →
invocation index ``"0"`` or inclusive range ``"1-2"`` → ``{"Return": …}`` or ``{"Throw": {"Error":
…, "Cause": …}}``). A Task state's first invocation in an execution takes index 0, its retries and
later visits the next ones; an invocation no index covers fails the execution (``States.Runtime``),
as Step Functions Local does.

:class:`MockSource` is what the process holds: the file's last good contents, read again when the
file changes (its modification time is checked on each use) or on :meth:`MockSource.reload`; a
broken new version keeps the previous one and is logged once.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.asl import errors
from app.codec import loads
from app.engine.types import MockedResult

log = logging.getLogger(__name__)

TOP_LEVEL = ("StateMachines", "MockedResponses")
INDEX = re.compile(r"^(\d+)(?:-(\d+))?$")


class MockConfigError(Exception):
    """The mock file cannot be used; ``problems`` holds one line per mistake, naming the field."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))
        self.path = path
        self.problems = problems


@dataclass(frozen=True)
class _Answers:
    """The invocations ``first``..``last`` of a mocked response answer ``result``."""

    first: int
    last: int
    result: MockedResult


@dataclass(frozen=True)
class MockConfig:
    """A checked mock file: test cases by machine name, and the answers of each mocked response."""

    test_cases: Mapping[str, Mapping[str, Mapping[str, str]]]
    responses: Mapping[str, tuple[_Answers, ...]]

    def has_test_case(self, state_machine: str, test_case: str) -> bool:
        return test_case in self.test_cases.get(state_machine, {})

    def response(self, state_machine: str, test_case: str, state: str, index: int) -> MockedResult | None:
        """See :class:`app.engine.types.MockedResponses`."""
        case = self.test_cases.get(state_machine, {}).get(test_case)
        if case is None:
            raise errors.StatesError(
                errors.RUNTIME, f"The mock test case '{test_case}' of '{state_machine}' is no longer configured."
            )
        name = case.get(state)
        if name is None:
            return None
        for answers in self.responses[name]:
            if answers.first <= index <= answers.last:
                return answers.result
        raise errors.StatesError(
            errors.RUNTIME,
            f"The mocked response '{name}' of test case '{test_case}' has no response for invocation {index} "
            f"of state '{state}'.",
        )


#: Hears of a mistake at a field of the file (``where``, a dotted path such as
#: ``StateMachines.M.TestCases.T.State``; empty for the file as a whole).
_Problem = Callable[[str, str], None]


def read(path: Path) -> MockConfig:
    """The mock file at ``path``, checked; :class:`MockConfigError` naming every mistake otherwise."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise MockConfigError(path, [f"cannot be read ({exc.strerror or exc})"]) from None
    try:
        data = loads(text)
    except ValueError as exc:
        raise MockConfigError(path, [f"not JSON ({exc})"]) from None
    problems: list[str] = []
    config = parse(data, lambda where, text: problems.append(f"{where}: {text}" if where else text))
    if problems:
        raise MockConfigError(path, problems)
    return config


def parse(data: Any, problem: _Problem) -> MockConfig:
    """A mock file's JSON value; each mistake is told to ``problem`` with the dotted path of its field
    (the result is only complete when there was none)."""
    if not isinstance(data, dict):
        problem("", f"expected a JSON object with {' and '.join(TOP_LEVEL)}")
        return MockConfig({}, {})
    for key in data:
        if key not in TOP_LEVEL:
            problem(key, f"unknown field; expected {' or '.join(TOP_LEVEL)}")
    responses = _responses(data.get("MockedResponses", {}), problem)
    return MockConfig(_test_cases(data.get("StateMachines", {}), responses, problem), responses)


def _objects(value: Any, where: str, problem: _Problem) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    problem(where, "expected a JSON object")
    return {}


def _test_cases(value: Any, responses: Mapping[str, Any], problem: _Problem) -> dict[str, dict[str, dict[str, str]]]:
    machines: dict[str, dict[str, dict[str, str]]] = {}
    for machine, config in _objects(value, "StateMachines", problem).items():
        where = f"StateMachines.{machine}"
        config = _objects(config, where, problem)
        for key in config:
            if key != "TestCases":
                problem(f"{where}.{key}", "unknown field; expected TestCases")
        cases: dict[str, dict[str, str]] = {}
        for case, states in _objects(config.get("TestCases", {}), f"{where}.TestCases", problem).items():
            case_where = f"{where}.TestCases.{case}"
            cases[case] = {}
            for state, name in _objects(states, case_where, problem).items():
                if not isinstance(name, str):
                    problem(f"{case_where}.{state}", "expected the name of a mocked response")
                elif name not in responses:
                    problem(f"{case_where}.{state}", f"names the mocked response '{name}', which MockedResponses lacks")
                else:
                    cases[case][state] = name
        machines[machine] = cases
    return machines


def _responses(value: Any, problem: _Problem) -> dict[str, tuple[_Answers, ...]]:
    responses: dict[str, tuple[_Answers, ...]] = {}
    for name, indexes in _objects(value, "MockedResponses", problem).items():
        where = f"MockedResponses.{name}"
        answers: list[_Answers] = []
        for key, answer in _objects(indexes, where, problem).items():
            match = INDEX.match(key)
            if match is None:
                problem(f"{where}.{key}", 'expected an invocation index such as "0", or a range such as "1-2"')
                continue
            first = int(match.group(1))
            last = first if match.group(2) is None else int(match.group(2))
            if last < first:
                problem(f"{where}.{key}", "the range ends before it begins")
                continue
            overlapping = next((each for each in answers if each.first <= last and first <= each.last), None)
            if overlapping is not None:
                problem(f"{where}.{key}", f"overlaps invocations {overlapping.first}-{overlapping.last}")
                continue
            result = _result(answer, f"{where}.{key}", problem)
            if result is not None:
                answers.append(_Answers(first, last, result))
        responses[name] = tuple(sorted(answers, key=lambda each: each.first))
    return responses


def _result(value: Any, where: str, problem: _Problem) -> MockedResult | None:
    """A ``{"Return": …}`` or ``{"Throw": {"Error": …, "Cause": …}}``."""
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in ("Return", "Throw"):
        problem(where, "expected an object with exactly one field, Return or Throw")
        return None
    if "Return" in value:
        return MockedResult(output=value["Return"])
    thrown = value["Throw"]
    fields = ("Error", "Cause")
    if (
        not isinstance(thrown, dict)
        or set(thrown) != set(fields)
        or not all(isinstance(thrown[f], str) for f in fields)
    ):
        problem(f"{where}.Throw", "expected an object with the strings Error and Cause")
        return None
    return MockedResult(error=thrown["Error"], cause=thrown["Cause"])


class MockSource:
    """The process's mock file: its last good contents, read again when it changes.

    Every use compares the file's modification time and size with those of the contents in hand
    (one ``stat``); :meth:`reload` reads it whatever they are (SIGHUP). A new version that cannot be
    used is logged once, and the previous contents stay in force.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp = self._stat()
        self._config = read(path)

    def current(self) -> MockConfig:
        stamp = self._stat()
        if stamp != self._stamp:
            self._load(stamp, changed_only=True)
        return self._config

    def reload(self) -> None:
        self._load(self._stat(), changed_only=False)

    def has_test_case(self, state_machine: str, test_case: str) -> bool:
        return self.current().has_test_case(state_machine, test_case)

    def response(self, state_machine: str, test_case: str, state: str, index: int) -> MockedResult | None:
        return self.current().response(state_machine, test_case, state, index)

    def _load(self, stamp: tuple[int, int] | None, *, changed_only: bool) -> None:
        with self._lock:
            if changed_only and stamp == self._stamp:
                return  # another thread read this version already
            self._stamp = stamp
            try:
                self._config = read(self.path)
            except MockConfigError as exc:
                log.warning("mock file not reloaded, the previous one stays in force: %s", str(exc).replace("\n", "; "))
                return
        log.info("mock file %s reloaded", self.path)

    def _stat(self) -> tuple[int, int] | None:
        try:
            status = os.stat(self.path)
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size
