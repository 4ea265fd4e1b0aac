"""``sfn validate``'s report: places as file:line:column, causes first, hints, several files, stdin."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.asl.validation.report import validate_files_report
from app.cli import main

BROKEN = """{
  "StartAt": "First",
  "States": {
    "First": {
      "Type": "Pass",
      "Parameters": {"greeting.$": "States.Formatt('hi {}', $.name)"},
      "Next": "Secnd"
    },
    "Second": {"Type": "Pass", "TimeoutSecond": 3, "Next": "Third"},
    "Third": {"Type": "Pass", "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}
"""
GOOD = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def report(paths: list[str], stdin: str = "") -> tuple[int, list[str]]:
    code, text = validate_files_report(paths, io.StringIO(stdin))
    return code, text.splitlines()


def test_broken_definition(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.json", BROKEN)
    assert report([path]) == (
        1,
        [
            f"{path}:6:22: ERROR SCHEMA_VALIDATION_FAILED: The value for the field 'greeting.$' must be a valid "
            "JSONPath or a valid intrinsic function call; unknown intrinsic function States.Formatt "
            "(did you mean States.Format?) (at /States/First/Parameters/greeting.$)",
            f"{path}:7:7: ERROR MISSING_TRANSITION_TARGET: Missing 'Next' target: Secnd; "
            'did you mean "Second"? (at /States/First/Next)',
            f"{path}:9:5: ERROR SCHEMA_VALIDATION_FAILED: Field 'TimeoutSecond' is not supported (at /States/Second)",
            f"{path}: FAIL (3 errors, 0 warnings; 3 errors that follow from these are not listed)",
        ],
    )


def test_errors_follow_the_text_not_the_order_of_the_checks(tmp_path: Path) -> None:
    """The walk reports transitions after every state; the report reads top to bottom."""
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "Ghost"}, "B": {"Type": "Pass", "Bogus": 1, "End": True}},
    }
    path = write(tmp_path, "order.json", json.dumps(definition, indent=1))
    code, lines = report([path])
    assert code == 1
    assert [line.split(": ")[1] for line in lines[:-1]] == [
        "ERROR MISSING_TRANSITION_TARGET",  # /States/A/Next
        "ERROR SCHEMA_VALIDATION_FAILED",  # /States/B
        "ERROR MISSING_TRANSITION_TARGET",  # B: unreachable, and no guess ties it to Ghost
    ]
    assert lines[-1] == f"{path}: FAIL (3 errors, 0 warnings)"


def test_whole_definition_errors_have_no_place(tmp_path: Path) -> None:
    loop = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}
    path = write(tmp_path, "loop.json", json.dumps(loop))
    assert report([path]) == (
        1,
        [f"{path}: ERROR MISSING_END_STATE: Workflow has no terminal state", f"{path}: FAIL (1 error, 0 warnings)"],
    )


def test_text_that_is_not_json_is_a_failed_definition(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.json", '{"StartAt": "A",\n "States": {\n')
    code, lines = report([path])
    assert code == 1
    assert lines[0].startswith(f"{path}: ERROR INVALID_JSON_DESCRIPTION: ")
    assert lines[0].endswith("at line 3 column 1")


def test_several_files_and_stdin(tmp_path: Path) -> None:
    good = write(tmp_path, "good.json", GOOD)
    broken = write(tmp_path, "broken.json", BROKEN)
    code, lines = report([good, "-", broken], stdin=GOOD)
    assert code == 1
    assert lines[:2] == [f"{good}: OK", "<stdin>: OK"]
    assert lines[-1].startswith(f"{broken}: FAIL (3 errors")


def test_broken_stdin() -> None:
    code, lines = report(["-"], stdin='{"StartAt": "A",\n"States": {"A": {"Type": "Pass", "Bogus": 1, "End": true}}}')
    assert code == 1
    assert lines[0].startswith("<stdin>:2:12: ERROR SCHEMA_VALIDATION_FAILED: ")
    assert lines[0].endswith("(at /States/A)")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.json", None, "No such file or directory"),
        ("latin1.json", b'{"Comment": "\xe9"}', "not UTF-8 text (invalid continuation byte at byte 13)"),
    ],
)
def test_a_file_that_cannot_be_read_exits_2(tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    broken = write(tmp_path, "broken.json", BROKEN)
    code, lines = report([str(path), broken])
    assert code == 2
    assert lines[0] == f"{path}: cannot read: {reason}"
    assert lines[-1].startswith(f"{broken}: FAIL")


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    good = write(tmp_path, "good.json", GOOD)
    broken = write(tmp_path, "broken.json", BROKEN)
    monkeypatch.setattr("sys.stdin", io.StringIO(GOOD))
    assert main(["validate", good, "-"]) == 0
    assert capsys.readouterr().out == f"{good}: OK\n<stdin>: OK\n"
    assert main(["validate", broken]) == 1
    assert f"{broken}:7:7: ERROR MISSING_TRANSITION_TARGET" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["validate"])
