"""A Map Run's children rows: written once, an end marked once, unsuccessful ones reopened by a redrive."""

from __future__ import annotations

from app import arns
from app.codec import dumps
from app.engine import map_run
from app.service.map_children import take_late_ends
from app.store import map_runs
from app.store.database import Database
from app.store.tables import executions as executions_table

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


def add_child_execution(db: Database, position: int, task_id: int, status: str) -> None:
    """The child execution at ``position``, reporting to task ``task_id`` of the run's parent."""
    arn = map_run.child_arn(RUN, position)
    parent_task = {"execution_arn": PARENT, "task_id": task_id, "pattern": "map", "map_run_arn": RUN}
    with db.write() as conn:
        conn.execute(
            executions_table.insert().values(
                arn=arn,
                state_machine_arn=arns.state_machine_of_execution(arn),
                revision_id="r",
                name=arn.rsplit(":", 1)[1],
                status=status,
                input="{}",
                start_date=1.0,
                snapshot="{}",
                next_event_id=2,
                version=1,
                parent_task=dumps({**parent_task, "position": position}),
            )
        )


def test_ends_told_to_an_earlier_task_of_a_redriven_run_are_taken_by_its_call(db: Database) -> None:
    """Children still running when the run was redriven end after the redrive reopened their rows, telling the
    run's task of before: the redrive's call keeps those that succeeded and reopens the others to run them."""
    add_children(db, 4)
    with db.write() as conn:
        map_runs.reopen(conn, RUN)  # the redrive: all four still ran, or never started
    add_child_execution(db, 0, task_id=7, status="SUCCEEDED")  # ended late: told task 7, the run's old task
    add_child_execution(db, 1, task_id=7, status="ABORTED")  # stopped with the failed run, late
    add_child_execution(db, 2, task_id=9, status="SUCCEEDED")  # redriven by this call once: told task 9
    with db.write() as conn:
        for position, status in ((0, "SUCCEEDED"), (1, "ABORTED"), (2, "SUCCEEDED")):
            map_runs.mark_end(conn, RUN, position, status, "null")
        rows = take_late_ends(conn, RUN, 9, map_runs.page(conn, RUN, 0, 4))
    assert [(row.status, row.kept) for row in rows] == [
        ("SUCCEEDED", True),  # counted now, as the call's answer tells the kept ones
        (None, False),  # runs again
        ("SUCCEEDED", False),  # told the run's task already
        (None, False),  # never started: starts
    ]
