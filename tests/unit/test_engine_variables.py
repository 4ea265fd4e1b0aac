"""Variables (Assign) and JSONata states on the pure interpreter: evaluation order and scope."""

from __future__ import annotations

from typing import Any

from tests.unit.test_engine_harness import execute, machine

SET_X = {"Type": "Pass", "Assign": {"x": 1}, "Next": "S"}


def test_assign_is_recorded_in_the_exit_event_and_seen_by_later_states() -> None:
    definition = machine(
        {
            "A": {
                "Type": "Pass",
                "Result": {"v": [1, 2]},
                "Assign": {"list.$": "$.v", "lit": "s", "n": 3},
                "Next": "B",
            },
            "B": {
                "Type": "Pass",
                "Parameters": {"list.$": "$list", "lit.$": "$lit", "first.$": "$list[0]"},
                "End": True,
            },
        }
    )
    run = execute(definition)
    assert run.result == {"list": [1, 2], "lit": "s", "first": 1}
    assert run.exited("A")["assignedVariables"] == {"list": "[1,2]", "lit": '"s"', "n": "3"}
    assert run.exited("A")["assignedVariablesDetails"] == {"truncated": False}
    assert "assignedVariables" not in run.exited("B")


def test_jsonpath_output_and_assign_see_the_old_values() -> None:
    definition = machine(
        {
            "Init": SET_X,
            "S": {"Type": "Pass", "Parameters": {"old.$": "$x"}, "Assign": {"x": 2, "prev.$": "$x"}, "Next": "After"},
            "After": {"Type": "Pass", "Parameters": {"x.$": "$x", "prev.$": "$prev", "in.$": "$"}, "End": True},
        }
    )
    assert execute(definition).result == {"x": 2, "prev": 1, "in": {"old": 1}}


def test_output_path_sees_the_old_value() -> None:
    definition = machine(
        {
            "Init": SET_X,
            "S": {
                "Type": "Pass",
                "Result": {},
                "ResultPath": "$.r",
                "OutputPath": "$x",
                "Assign": {"x": 5},
                "End": True,
            },
        }
    )
    assert execute(definition).result == 1


def test_jsonata_assign_and_output_see_the_old_values() -> None:
    definition = machine(
        {
            "Init": SET_X,
            "S": {
                "Type": "Pass",
                "Assign": {"x": "{% $x + 10 %}", "y": "{% $x %}"},
                "Output": {"x": "{% $x %}"},
                "Next": "T",
            },
            "T": {
                "Type": "Pass",
                "Output": {"x": "{% $x %}", "y": "{% $y %}", "in": "{% $states.input %}"},
                "End": True,
            },
        },
        QueryLanguage="JSONata",
    )
    run = execute(definition)
    assert run.result == {"x": 11, "y": 1, "in": {"x": 1}}
    assert run.exited("S")["assignedVariables"] == {"x": "11", "y": "1"}


def test_jsonata_states_input_and_context() -> None:
    definition = machine(
        {
            "S": {
                "Type": "Pass",
                "Output": {
                    "in": "{% $states.input.a %}",
                    "name": "{% $states.context.State.Name %}",
                    "exec": "{% $states.context.Execution.Name %}",
                    "sum": "{% $sum($states.input.list) %}",
                },
                "End": True,
            }
        },
        QueryLanguage="JSONata",
    )
    assert execute(definition, {"a": "A", "list": [1, 2, 3]}).result == {
        "in": "A",
        "name": "S",
        "exec": "run-1",
        "sum": 6,
    }


def test_jsonata_state_in_a_jsonpath_machine() -> None:
    definition = machine(
        {
            "P": {"Type": "Pass", "Result": {"n": 2}, "Next": "J"},
            "J": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.n * 3 %}", "End": True},
        }
    )
    assert execute(definition).result == 6


def branches_reading(var: str) -> list[dict[str, Any]]:
    return [
        {"StartAt": "Read", "States": {"Read": {"Type": "Pass", "Parameters": {"seen.$": f"${var}"}, "End": True}}},
        {
            "StartAt": "Write",
            "States": {
                "Write": {
                    "Type": "Pass",
                    "Assign": {var: "inner", "own": 1},
                    "Parameters": {"seen.$": f"${var}"},
                    "End": True,
                }
            },
        },
    ]


def test_parallel_branches_see_outer_variables_and_do_not_leak_assignments() -> None:
    definition = machine(
        {
            "Init": {"Type": "Pass", "Assign": {"x": "outer"}, "Next": "Par"},
            "Par": {"Type": "Parallel", "Branches": branches_reading("x"), "Next": "After"},
            "After": {"Type": "Pass", "Parameters": {"x.$": "$x", "branches.$": "$"}, "End": True},
        }
    )
    run = execute(definition)
    assert run.result == {"x": "outer", "branches": [{"seen": "outer"}, {"seen": "outer"}]}
    assert run.exited("Write")["assignedVariables"] == {"x": '"inner"', "own": "1"}


def test_a_variable_assigned_only_in_a_branch_is_unknown_outside() -> None:
    definition = machine(
        {
            "Par": {"Type": "Parallel", "Branches": [branches_reading("x")[1]], "Next": "After"},
            "After": {"Type": "Pass", "Parameters": {"own.$": "$own"}, "End": True},
        }
    )
    definition["States"]["Par"]["Branches"][0]["States"]["Write"]["Parameters"] = {}
    run = execute(definition)
    assert run.status == "FAILED"
    assert run.error == "States.Runtime"


def test_map_iterations_see_outer_variables_and_keep_their_own() -> None:
    processor = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Assign": {"mine.$": "$"}, "Next": "B"},
            "B": {"Type": "Pass", "Parameters": {"mine.$": "$mine", "outer.$": "$outer"}, "End": True},
        },
    }
    definition = machine(
        {
            "Init": {"Type": "Pass", "Assign": {"outer": "o"}, "Next": "M"},
            "M": {"Type": "Map", "ItemProcessor": processor, "ItemsPath": "$.items", "MaxConcurrency": 2, "End": True},
        }
    )
    assert execute(definition, {"items": [1, 2, 3]}).result == [
        {"mine": 1, "outer": "o"},
        {"mine": 2, "outer": "o"},
        {"mine": 3, "outer": "o"},
    ]


def test_parallel_assign_uses_the_branch_results() -> None:
    definition = machine(
        {
            "Par": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": True}}}],
                "Assign": {"results.$": "$"},
                "Next": "After",
            },
            "After": {"Type": "Pass", "Parameters": {"r.$": "$results"}, "End": True},
        }
    )
    assert execute(definition).result == {"r": [1]}
