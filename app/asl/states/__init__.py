"""The state types of the language: one module each, holding its model (a frozen spec and its parser)
and its validation rules (the fields it takes and a check of its own), gathered in :data:`KINDS`.

How each type runs lives beside it in ``app.engine.states``, which refuses to load unless every
kind here has a handler there.
"""

from __future__ import annotations

from app.asl.states import choice, fail, map_, parallel, pass_, succeed, task, wait
from app.asl.states.base import StateKind

#: Every state type, in the order AWS lists them in its messages.
KINDS: dict[str, StateKind] = {
    kind.name: kind
    for kind in (task.KIND, pass_.KIND, choice.KIND, wait.KIND, succeed.KIND, fail.KIND, parallel.KIND, map_.KIND)
}
