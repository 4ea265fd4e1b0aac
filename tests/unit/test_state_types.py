"""One registry of state types: each has its model, its validation rules and its handler."""

from __future__ import annotations

import pytest

from app.asl.states import KINDS
from app.asl.states.base import StateSpec
from app.engine import states
from app.engine.states import STATE_TYPES, StateType

AWS_STATE_TYPES = ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]


def test_every_state_type_of_the_language_is_registered_whole() -> None:
    assert list(KINDS) == AWS_STATE_TYPES, "in the order AWS lists them in its messages"
    assert list(STATE_TYPES) == AWS_STATE_TYPES
    for name, state_type in STATE_TYPES.items():
        assert state_type.kind is KINDS[name]
        assert issubclass(state_type.kind.spec, StateSpec)
        assert state_type.kind.fields, f"{name} lists the fields it accepts"
        assert callable(state_type.handler.enter)


def test_the_engine_refuses_to_load_without_a_handler_for_every_type(monkeypatch: pytest.MonkeyPatch) -> None:
    without_map = {name: handler for name, handler in states._HANDLERS.items() if name != "Map"}
    monkeypatch.setattr(states, "_HANDLERS", without_map)
    with pytest.raises(ImportError, match="without a handler: \\['Map'\\]"):
        states._registry()


def test_a_parsed_state_is_the_spec_of_its_kind() -> None:
    from app.asl.model import parse_definition

    definition = {
        "StartAt": "W",
        "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "P"}, "P": {"Type": "Pass", "End": True}},
    }
    model = parse_definition(definition)
    assert isinstance(model.states["W"], KINDS["Wait"].spec)
    assert isinstance(model.states["P"], KINDS["Pass"].spec)
    assert all(isinstance(state, StateType) for state in STATE_TYPES.values())
