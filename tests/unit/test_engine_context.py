"""The context object a state's expressions see: built once per state, never another iteration's."""

from __future__ import annotations

from app.asl.model import parse_definition
from app.durable.snapshot import Frame, MapItem, Snapshot
from app.engine.run import Run
from app.engine.types import EngineOptions
from tests.unit.test_engine_harness import T0, info_for, machine

MAP = machine(
    {
        "M": {
            "Type": "Map",
            "ItemProcessor": {"StartAt": "E", "States": {"E": {"Type": "Pass", "End": True}}},
            "End": True,
        }
    }
)


def test_an_item_that_takes_the_place_of_a_dropped_one_sees_its_own_value() -> None:
    run = Run(parse_definition(MAP), Snapshot(root=Frame(state="M", input=[])), T0, info_for("[]"), EngineOptions())
    values = [f"value {index}" for index in range(50)]
    seen = []
    for index, value in enumerate(values):  # each item is dropped before the next is made: CPython reuses its address
        run.frame.item = MapItem(index, value)
        seen.append(run.scope(None).context["Map"]["Item"])
        run.frame.item = None
    assert seen == [{"Index": index, "Value": value} for index, value in enumerate(values)]


def test_the_context_is_built_once_while_nothing_it_shows_changes() -> None:
    run = Run(parse_definition(MAP), Snapshot(root=Frame(state="M", input=[])), T0, info_for("[]"), EngineOptions())
    run.frame.item = MapItem(0, "a")
    assert run.scope(None).context is run.scope(None).context
