"""A batch of triggers applied in place (``owned``) gives exactly what applying each to a copy gives."""

from __future__ import annotations

import json

from app.asl.model import parse_definition
from app.durable import snapshot as snapshots
from app.durable.news import Phase, TaskNews
from app.durable.work import WorkKind
from app.engine.advance import advance, start
from app.engine.types import EngineOptions, Transition, Trigger
from tests.unit.test_engine_harness import LAMBDA_ARN, T0, info_for

ITEM = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": LAMBDA_ARN, "End": True}}}
DEFINITION = {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemProcessor": ITEM, "End": True}}}


def news(task_id: int, index: int) -> Trigger:
    return Trigger(WorkKind.TASK, entropy=f"e{index}".encode(), news=TaskNews(task_id, Phase.SUCCEEDED, output=index))


def test_applying_a_batch_in_place_equals_applying_each_to_a_copy() -> None:
    model, info, options = parse_definition(DEFINITION), info_for(json.dumps([1, 2, 3])), EngineOptions()
    first = start(model, info, T0, options)
    running = advance(model, first.snapshot, Trigger(WorkKind.RUN, entropy=b"run"), T0, info, options)
    triggers = [news(task.task_id, index) for index, task in enumerate(running.tasks)]
    assert len(triggers) == 3

    def applied(owned: bool) -> list[Transition]:
        steps, snapshot = [], running.snapshot.copy()
        for index, trigger in enumerate(triggers):
            step = advance(model, snapshot, trigger, T0, info, options, owned=owned and index > 0)
            steps.append(step)
            snapshot = step.snapshot
        return steps

    copied, in_place = applied(owned=False), applied(owned=True)
    assert [step.events for step in copied] == [step.events for step in in_place]
    assert snapshots.encode(copied[-1].snapshot) == snapshots.encode(in_place[-1].snapshot)
    assert in_place[-1].output == "[0,1,2]"
