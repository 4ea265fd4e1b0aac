"""History events rendered from stored rows: as ready JSON text, exactly what the parsed form would give."""

from __future__ import annotations

import orjson
import pytest

from app.service.executions import _event_fragment, history_event
from app.store.records import HistoryEventRecord


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
    row = HistoryEventRecord(
        "arn:aws:states:us-east-1:123456789012:execution:m:e", 7, "PassStateEntered", 6, 1.5, details
    )
    assert orjson.loads(orjson.dumps({"events": [_event_fragment(row)]})) == {"events": [history_event(row)]}
