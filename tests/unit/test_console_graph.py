"""The layout of definitions as boxes and arrows: every state a box, groups around nested machines."""

from __future__ import annotations

from typing import Any

import pytest

from app.console import graph

NESTED: dict[str, Any] = {
    "StartAt": "Route",
    "States": {
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": "Both"}],
            "Default": "Stop",
        },
        "Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "L", "States": {"L": {"Type": "Pass", "End": True}}},
                {
                    "StartAt": "Each",
                    "States": {
                        "Each": {
                            "Type": "Map",
                            "Iterator": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}},
                            "End": True,
                        }
                    },
                },
            ],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Stop"}],
            "Next": "Route",
        },
        "Stop": {"Type": "Fail"},
    },
}


def boxes(drawing: graph.Drawing) -> dict[str, graph.Node]:
    return {node.name: node for node in drawing.nodes}


def inside(inner: graph.Node, outer: graph.Node) -> bool:
    return (
        outer.x <= inner.x
        and inner.x + inner.width <= outer.x + outer.width
        and outer.y <= inner.y
        and inner.y + inner.height <= outer.y + outer.height
    )


def test_every_state_is_a_box_and_nested_ones_sit_in_their_group() -> None:
    drawing = graph.layout(NESTED)
    found = boxes(drawing)
    assert set(found) == {"Route", "Both", "L", "Each", "Item", "Stop"}
    assert (found["Both"].group, found["Each"].group, found["L"].group) == (True, True, False)
    assert (found["L"].parent, found["Each"].parent, found["Item"].parent) == ("Both", "Both", "Each")
    assert (
        inside(found["L"], found["Both"])
        and inside(found["Each"], found["Both"])
        and inside(found["Item"], found["Each"])
    )
    assert not inside(found["Stop"], found["Both"])
    assert all(node.x >= 0 and node.y >= 0 for node in drawing.nodes)
    assert all(
        node.x + node.width <= drawing.width and node.y + node.height <= drawing.height for node in drawing.nodes
    )


def test_arrows_have_the_kind_of_their_transition_and_touch_their_boxes() -> None:
    drawing = graph.layout(NESTED)
    kinds = {(arrow.source, arrow.target): arrow.kind for arrow in drawing.arrows}
    assert kinds == {
        ("Route", "Both"): "choice",
        ("Route", "Stop"): "default",
        ("Both", "Stop"): "catch",
        ("Both", "Route"): "next",
    }
    found = boxes(drawing)
    for arrow in drawing.arrows:
        for end, name in ((arrow.points[0], arrow.source), (arrow.points[-1], arrow.target)):
            box = found[name]
            on_edge = min(
                abs(end[0] - box.x),
                abs(end[0] - box.x - box.width),
                abs(end[1] - box.y),
                abs(end[1] - box.y - box.height),
            )
            assert on_edge < 0.5, f"{arrow.source}->{arrow.target} ends at {end}, not on {name}'s border"


def test_boxes_of_one_level_do_not_overlap() -> None:
    chain: dict[str, dict[str, Any]] = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(39)}
    chain["S39"] = {"Type": "Succeed"}
    for i in range(0, 39, 4):
        chain[f"S{i}"]["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": "S39"}]
    nodes = graph.layout({"StartAt": "S0", "States": chain}).nodes
    assert len(nodes) == 40
    for index, one in enumerate(nodes):
        for other in nodes[index + 1 :]:
            apart = (
                one.x + one.width <= other.x
                or other.x + other.width <= one.x
                or one.y + one.height <= other.y
                or other.y + other.height <= one.y
            )
            assert apart, f"{one.name} overlaps {other.name}"


@pytest.mark.parametrize(
    "draft",
    [
        {},
        {"States": []},
        {"StartAt": "A", "States": {"A": "not a state"}},
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Missing"}}},
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}},
        {"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"States": 3}], "End": True}}},
    ],
)
def test_drafts_being_typed_are_drawn_as_far_as_they_go(draft: dict[str, Any]) -> None:
    drawing = graph.layout(draft).as_json()
    assert all(edge["source"] != edge["target"] for edge in drawing["edges"])
    assert [node["name"] for node in drawing["nodes"]] == [
        name for name, state in (draft.get("States") or {}).items() if isinstance(state, dict)
    ]


def test_a_definition_too_large_to_arrange_is_drawn_in_plain_layers() -> None:
    """Past the bound, rows by distance from StartAt: every state still a box, none overlapping."""
    size = graph.MAX_ARRANGED_STATES * 10
    states: dict[str, dict[str, Any]] = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(size - 1)}
    states[f"S{size - 1}"] = {"Type": "Succeed"}
    states["S0"]["Catch"] = [{"ErrorEquals": ["States.ALL"], "Next": f"S{size - 1}"}]
    drawing = graph.layout({"StartAt": "S0", "States": states})
    found = boxes(drawing)
    assert len(found) == size
    assert found["S0"].y == 0 and found["S1"].y > found["S0"].y
    assert found[f"S{size - 1}"].y == found["S1"].y, "the catch's target is one step from StartAt"
    assert found["S1"].x + found["S1"].width <= found[f"S{size - 1}"].x
    assert len(drawing.arrows) == size
