"""A Map Run's children rows: written once, an end marked once, unsuccessful ones reopened by a redrive."""

from __future__ import annotations

from app.store import map_runs
from app.store.database import Database

RUN = "arn:aws:states:us-east-1:123456789012:mapRun:m/l:exec-3"
PARENT = "arn:aws:states:us-east-1:123456789012:execution:m:exec"


def add_children(db: Database, count: int) -> None:
    rows = [
        {"map_run_arn": RUN, "position": index, "execution_arn": PARENT, "input": f'{{"v":{index}}}', "items": 2}
        for index in range(count)
    ]
    with db.write() as conn:
        map_runs.insert(conn, rows)


def test_an_end_is_marked_once_with_its_items(db: Database) -> None:
    add_children(db, 3)
    with db.write() as conn:
        assert map_runs.mark_end(conn, RUN, 1, "SUCCEEDED", '"one"') == 2
        assert map_runs.mark_end(conn, RUN, 1, "FAILED", "{}") is None  # the second report counts for nothing
    with db.read() as conn:
        page = map_runs.page(conn, RUN, 1, 3)
    assert [(child.position, child.input, child.status, child.result) for child in page] == [
        (1, '{"v":1}', "SUCCEEDED", '"one"'),
        (2, '{"v":2}', None, None),
    ]


def test_a_redrive_keeps_the_children_that_succeeded_and_reopens_the_others(db: Database) -> None:
    add_children(db, 4)
    with db.write() as conn:
        map_runs.mark_end(conn, RUN, 0, "SUCCEEDED", "0")
        map_runs.mark_end(conn, RUN, 1, "FAILED", '{"Error":"E","Cause":null}')
        map_runs.mark_end(conn, RUN, 3, "SUCCEEDED", "3")
        map_runs.reopen(conn, RUN)
    with db.read() as conn:
        page = map_runs.page(conn, RUN, 0, 4)
        assert map_runs.items_started(conn, RUN, 0) == 4  # the kept children's items: none asked to start yet
        assert map_runs.items_started(conn, RUN, 2) == 6
    assert [(child.status, child.result, child.kept) for child in page] == [
        ("SUCCEEDED", "0", True),
        (None, None, False),
        (None, None, False),
        ("SUCCEEDED", "3", True),
    ]
    with db.write() as conn:  # a reopened child ends, and is not kept: a call made again counts the same
        assert map_runs.mark_end(conn, RUN, 1, "SUCCEEDED", "1") == 2
    with db.read() as conn:
        assert [child.kept for child in map_runs.page(conn, RUN, 0, 4)] == [True, False, False, True]
    with db.write() as conn:  # the next redrive keeps it too
        map_runs.reopen(conn, RUN)
    with db.read() as conn:
        assert [child.kept for child in map_runs.page(conn, RUN, 0, 4)] == [True, True, False, True]
    with db.write() as conn:
        map_runs.delete_for_executions(conn, [PARENT])
    with db.read() as conn:
        assert map_runs.page(conn, RUN, 0, 4) == []
