"""History events rendered from stored rows: as ready JSON text, exactly what the parsed form would give."""

from __future__ import annotations

from collections import namedtuple

import orjson
import pytest

from app.service.executions import _event, _event_fragment

Row = namedtuple("Row", "timestamp type event_id previous_event_id details")


@pytest.mark.parametrize(
    "details",
    [
        None,
        "{}",
        '{"passStateEnteredEventDetails":{"name":"A","input":"{\\"k\\":\\"ü\\"}","inputDetails":{"truncated":false}}}',
        '{"executionSucceededEventDetails":{"output":"[1,2.5,null]"}}',
    ],
)
def test_a_fragment_is_the_event_as_json(details: str | None) -> None:
    row = Row(1_700_000_000.125, "PassStateEntered", 7, 6, details)
    assert orjson.loads(orjson.dumps({"events": [_event_fragment(row)]})) == {"events": [_event(row, True)]}
