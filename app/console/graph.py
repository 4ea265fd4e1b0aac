"""A state machine's definition as a drawing: every state a box, every transition an arrow.

The layered (Sugiyama) layout comes from grandalf; this module only says what the boxes and
arrows are. A Parallel state's branches and a Map state's processor are laid out on their own
first and become one large box (a *group*) in the layout of the states around them, so nested
machines are drawn inside the state that runs them. Positions are absolute, in pixels, with the
drawing's top-left corner at (0, 0); the console turns them into SVG.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from grandalf.graphs import Edge, Graph, Vertex
from grandalf.layouts import SugiyamaLayout

#: Box sizes and gaps, in pixels.
NODE_HEIGHT = 40
CHAR_WIDTH = 7.2
MIN_NODE_WIDTH = 110
MAX_NODE_WIDTH = 260
GROUP_HEADER = 30
GROUP_PADDING = 16
BRANCH_GAP = 20
LAYER_GAP = 44
SIBLING_GAP = 28
#: Ordering sweeps of the layout: more untangle crossings further, at a cost that grows with the graph.
SWEEPS = 3
#: States past which a definition is drawn in plain layers (breadth-first from StartAt) instead of
#: by the Sugiyama layout, whose cost grows much faster than the graph (0.1 s at 100 states, 1.4 s
#: at 300): a 1 MB definition, which anyone may send to be drawn, must not hold a worker for minutes.
MAX_ARRANGED_STATES = 150
#: Room a group's header leaves after its name and type, for the status the console adds (" () · Caught error").
HEADER_STATUS = " () · Caught error"


@dataclass
class Node:
    """A state's box; ``parent`` is the group (Parallel or Map state) it is drawn in."""

    name: str
    type: str
    x: float
    y: float
    width: float
    height: float
    parent: str | None
    group: bool
    end: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "x": round(self.x, 1),
            "y": round(self.y, 1),
            "width": round(self.width, 1),
            "height": round(self.height, 1),
            "parent": self.parent,
            "group": self.group,
            "end": self.end,
        }


@dataclass
class Arrow:
    """A transition: ``kind`` is ``next``, ``choice``, ``default`` or ``catch``; ``points`` its polyline."""

    source: str
    target: str
    kind: str
    points: list[tuple[float, float]]

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "kind": self.kind,
            "points": [[round(x, 1), round(y, 1)] for x, y in self.points],
        }


@dataclass
class Drawing:
    """Boxes and arrows, with the size of the whole drawing."""

    width: float
    height: float
    nodes: list[Node] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "width": round(self.width, 1),
            "height": round(self.height, 1),
            "nodes": [node.as_json() for node in self.nodes],
            "edges": [arrow.as_json() for arrow in self.arrows],
        }

    def shifted(self, dx: float, dy: float, parent: str | None) -> Iterator[Node | Arrow]:
        """Its boxes and arrows moved by (dx, dy), top-level boxes given ``parent``."""
        for node in self.nodes:
            yield Node(
                node.name,
                node.type,
                node.x + dx,
                node.y + dy,
                node.width,
                node.height,
                node.parent or parent,
                node.group,
                node.end,
            )
        for arrow in self.arrows:
            yield Arrow(arrow.source, arrow.target, arrow.kind, [(x + dx, y + dy) for x, y in arrow.points])


class _Box:
    """What grandalf needs of a vertex's view: its size, and where the layout put its centre."""

    def __init__(self, width: float, height: float) -> None:
        self.w = width
        self.h = height
        self.xy: tuple[float, float] = (0.0, 0.0)


class _Path:
    """What grandalf needs of an edge's view: somewhere to put the routed polyline."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: list[tuple[float, float]]) -> None:
        self.points = list(points)


def layout(definition: Mapping[str, Any]) -> Drawing:
    """The drawing of a definition; parts that are not well formed are drawn as far as they make sense.

    The editor draws drafts as they are typed, so a missing ``Next`` target or a non-object state
    leaves out an arrow or a box rather than failing; validation is the validator's job.
    """
    return _block(definition, arranged=count_states(definition) <= MAX_ARRANGED_STATES)


def count_states(definition: Mapping[str, Any]) -> int:
    """The states of a definition, those of its Parallel branches and Map processors included."""
    states = definition.get("States")
    if not isinstance(states, dict):
        return 0
    found = 0
    for state in states.values():
        if isinstance(state, dict):
            found += 1 + sum(count_states(block) for block in nested_blocks(state))
    return found


def transitions(state: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The (target, kind) pairs a state may go to."""
    if isinstance(state.get("Next"), str):
        yield state["Next"], "next"
    choices = state.get("Choices")
    if isinstance(choices, list):
        for choice in choices:
            if isinstance(choice, dict) and isinstance(choice.get("Next"), str):
                yield choice["Next"], "choice"
    if isinstance(state.get("Default"), str):
        yield state["Default"], "default"
    catchers = state.get("Catch")
    if isinstance(catchers, list):
        for catcher in catchers:
            if isinstance(catcher, dict) and isinstance(catcher.get("Next"), str):
                yield catcher["Next"], "catch"


def nested_blocks(state: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The machines a state runs inside it: a Parallel's branches, a Map's processor."""
    if state.get("Type") == "Parallel" and isinstance(state.get("Branches"), list):
        return [branch for branch in state["Branches"] if isinstance(branch, dict)]
    processor = state.get("ItemProcessor", state.get("Iterator"))
    if state.get("Type") == "Map" and isinstance(processor, dict):
        return [processor]
    return []


def _block(definition: Mapping[str, Any], arranged: bool) -> Drawing:
    raw_states = definition.get("States")
    states: dict[str, Mapping[str, Any]] = (
        {name: state for name, state in raw_states.items() if isinstance(state, dict)}
        if isinstance(raw_states, dict)
        else {}
    )
    if not states:
        return Drawing(0, 0)
    groups = {name: _group(name, state, arranged) for name, state in states.items() if nested_blocks(state)}
    vertices: dict[str, Vertex] = {}
    for name, state in states.items():
        inner = groups.get(name)
        vertex = Vertex(name)
        vertex.view = _Box(inner[0], inner[1]) if inner else _Box(_node_width(name, state), NODE_HEIGHT)
        vertices[name] = vertex
    edges: list[tuple[Edge, str]] = []
    for name, state in states.items():
        for target, kind in transitions(state):
            if target in vertices and target != name:  # a loop onto itself has no layered drawing
                edge = Edge(vertices[name], vertices[target])
                edge.view = _Path()
                edges.append((edge, kind))
    start = definition.get("StartAt")
    first = vertices.get(start) if isinstance(start, str) else None
    if arranged:
        _place(Graph(list(vertices.values()), [edge for edge, _ in edges]), first)
    else:
        _place_in_layers(list(vertices.values()), [edge for edge, _ in edges], first)
    return _assemble(states, vertices, edges, groups)


def _group(name: str, state: Mapping[str, Any], arranged: bool) -> tuple[float, float, list[Drawing]]:
    """A group's size: its branches side by side under a header wide enough for its label, each
    branch laid out on its own."""
    inner = [_block(block, arranged) for block in nested_blocks(state)]
    width = sum(drawing.width for drawing in inner) + BRANCH_GAP * (len(inner) - 1) + 2 * GROUP_PADDING
    height = max((drawing.height for drawing in inner), default=0) + GROUP_HEADER + 2 * GROUP_PADDING
    header = (len(name) + len(str(state.get("Type", ""))) + len(HEADER_STATUS)) * CHAR_WIDTH + 2 * GROUP_PADDING
    return max(width, header), height, inner


def _node_width(name: str, state: Mapping[str, Any]) -> float:
    label = max(len(name), len(str(state.get("Type", ""))) + 2)
    return min(MAX_NODE_WIDTH, max(MIN_NODE_WIDTH, label * CHAR_WIDTH + 24))


def _place(graph: Graph, start: Vertex | None) -> None:
    """Lay out each connected part of the graph, top to bottom, then put the parts side by side."""
    offset = 0.0
    for part in graph.C:
        sugiyama = SugiyamaLayout(part)
        sugiyama.xspace = SIBLING_GAP
        sugiyama.yspace = LAYER_GAP
        roots = [start] if start is not None and start in part.sV else None
        sugiyama.init_all(roots=roots)
        sugiyama.draw(SWEEPS)
        left = min(v.view.xy[0] - v.view.w / 2 for v in part.sV)
        right = max(v.view.xy[0] + v.view.w / 2 for v in part.sV)
        for vertex in part.sV:
            vertex.view.xy = (vertex.view.xy[0] - left + offset, vertex.view.xy[1])
        for edge in part.sE:
            edge.view.points = [(x - left + offset, y) for x, y in edge.view.points]
        offset += right - left + SIBLING_GAP


def _place_in_layers(vertices: list[Vertex], edges: list[Edge], start: Vertex | None) -> None:
    """Rows by breadth-first distance from ``start`` (states it never reaches last), left to right
    in definition order, arrows straight: linear time, for definitions too large to arrange."""
    following: dict[int, list[Vertex]] = {}
    for edge in edges:
        following.setdefault(id(edge.v[0]), []).append(edge.v[1])
    rank: dict[int, int] = {}
    queue = [start or vertices[0]]
    rank[id(queue[0])] = 0
    for vertex in queue:
        for target in following.get(id(vertex), []):
            if id(target) not in rank:
                rank[id(target)] = rank[id(vertex)] + 1
                queue.append(target)
    last = max(rank.values()) + 1
    rows: dict[int, list[Vertex]] = {}
    for vertex in vertices:
        rows.setdefault(rank.get(id(vertex), last), []).append(vertex)
    top = 0.0
    for _, row in sorted(rows.items()):
        left = 0.0
        height = max(vertex.view.h for vertex in row)
        for vertex in row:
            vertex.view.xy = (left + vertex.view.w / 2, top + height / 2)
            left += vertex.view.w + SIBLING_GAP
        top += height + LAYER_GAP
    for edge in edges:
        edge.view.points = [edge.v[0].view.xy, edge.v[1].view.xy]


def _assemble(
    states: Mapping[str, Mapping[str, Any]],
    vertices: Mapping[str, Vertex],
    edges: list[tuple[Edge, str]],
    groups: Mapping[str, tuple[float, float, list[Drawing]]],
) -> Drawing:
    """Absolute boxes and arrows, the drawing's top-left corner at (0, 0)."""
    top = min(v.view.xy[1] - v.view.h / 2 for v in vertices.values())
    left = min(v.view.xy[0] - v.view.w / 2 for v in vertices.values())
    drawing = Drawing(0, 0)
    for name, vertex in vertices.items():
        box: _Box = vertex.view
        x, y = box.xy[0] - box.w / 2 - left, box.xy[1] - box.h / 2 - top
        state = states[name]
        group = groups.get(name)
        drawing.nodes.append(
            Node(name, str(state.get("Type", "?")), x, y, box.w, box.h, None, group is not None, _ends(state))
        )
        if group is not None:
            content = sum(inner.width for inner in group[2]) + BRANCH_GAP * (len(group[2]) - 1)
            inner_x = x + (box.w - content) / 2
            for inner in group[2]:
                for item in inner.shifted(inner_x, y + GROUP_HEADER + GROUP_PADDING, name):
                    (drawing.nodes if isinstance(item, Node) else drawing.arrows).append(item)  # type: ignore[arg-type]
                inner_x += inner.width + BRANCH_GAP
    for edge, kind in edges:
        points = [(px - left, py - top) for px, py in edge.view.points]
        source, target = edge.v[0].view, edge.v[1].view
        points[0] = _clip(_shift(source.xy, left, top), source.w, source.h, points[1] if len(points) > 1 else points[0])
        points[-1] = _clip(
            _shift(target.xy, left, top), target.w, target.h, points[-2] if len(points) > 1 else points[-1]
        )
        drawing.arrows.append(Arrow(edge.v[0].data, edge.v[1].data, kind, points))
    drawing.width = max((node.x + node.width for node in drawing.nodes), default=0)
    drawing.height = max((node.y + node.height for node in drawing.nodes), default=0)
    return drawing


def _ends(state: Mapping[str, Any]) -> bool:
    return state.get("End") is True or state.get("Type") in ("Succeed", "Fail")


def _shift(point: tuple[float, float], left: float, top: float) -> tuple[float, float]:
    return point[0] - left, point[1] - top


def _clip(centre: tuple[float, float], width: float, height: float, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from a box's centre toward a point leaves the box."""
    cx, cy = centre
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return centre
    scale = min(width / 2 / abs(dx) if dx else float("inf"), height / 2 / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale
