"""A history of big events comes in shorter pages (``maxResults`` is an upper limit, as on AWS), read
off the event loop: no single request holds the others back for the time of a 256 MB answer."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from app.service.executions import HISTORY_PAGE_BYTES
from tests.conftest import ROLE_ARN, make_client
from tests.support.databases import sqlite_url
from tests.support.server import new_server
from tests.support.waiting import wait_for_status

# Forty Pass states each carrying a 200 KB string: 80 events of about 200 KB, 16 MB of history.
BIG = "x" * 200_000
STATES = {f"P{index}": {"Type": "Pass", "Next": f"P{index + 1}"} for index in range(40)}
DEFINITION = {"StartAt": "P0", "States": {**STATES, "P40": {"Type": "Succeed"}}}


def test_big_events_make_shorter_pages_and_other_requests_go_on(tmp_path: Path) -> None:
    server = new_server(sqlite_url(tmp_path), tmp_path / "server.log").start()
    try:
        sfn = make_client(server.endpoint)
        machine = sfn.create_state_machine(name="big", definition=json.dumps(DEFINITION), roleArn=ROLE_ARN)
        arn = machine["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"big": BIG}))["executionArn"]
        wait_for_status(sfn, execution, "SUCCEEDED")

        reader = make_client(server.endpoint)
        pages: list[int] = []

        def read_history() -> None:
            paginator = reader.get_paginator("get_execution_history")
            for page in paginator.paginate(executionArn=execution, PaginationConfig={"PageSize": 1000}):
                pages.append(len(page["events"]))

        thread = threading.Thread(target=read_history)
        thread.start()
        meanwhile = 0
        while thread.is_alive():
            sfn.describe_state_machine(stateMachineArn=arn)
            meanwhile += 1
        thread.join()
    finally:
        server.stop()
    assert sum(pages) == 2 + 2 * 40 + 2, "every event, once: started, 40 Pass entered/exited, Succeed, end"
    assert len(pages) == 2, pages
    assert (max(pages) - 1) * len(BIG) <= HISTORY_PAGE_BYTES, "a page ends with the event past the byte budget"
    assert meanwhile >= len(pages), "small requests went on while the pages were read"
