"""ARNs this server builds and reads."""

from __future__ import annotations

from app import arns

MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:orders"


def test_a_labelled_machine_belongs_to_the_machine_whose_map_runs_it() -> None:
    assert arns.labelled_parent(f"{MACHINE}/Fan") == MACHINE
    assert arns.labelled_parent(MACHINE) == MACHINE
    assert arns.labelled_parent(f"{MACHINE}:3") == f"{MACHINE}:3"  # a version is not a label
