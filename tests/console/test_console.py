"""The web console in Chromium: what a person sees and does, checked through the page's DOM."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
import pytest
from mypy_boto3_stepfunctions import SFNClient
from playwright.sync_api import Locator, Page, expect

from app.server_process import ServerProcess
from tests.conftest import ROLE_ARN
from tests.console import machines
from tests.console.conftest import PHONE, Scenario, Screenshot
from tests.support.waiting import wait_for_status, wait_until

pytestmark = pytest.mark.browser


def execution_page(arn: str) -> str:
    return f"/console/executions/{quote(arn)}"


def statuses(page: Page) -> dict[str, str]:
    """State name → the status its graph node shows."""
    page.wait_for_selector("#graph .node[data-status]")
    found: dict[str, str] = page.eval_on_selector_all(
        "#graph .node", "nodes => Object.fromEntries(nodes.map(n => [n.dataset.state, n.dataset.status]))"
    )
    return found


def test_the_root_leads_to_the_console(console_server: ServerProcess) -> None:
    response = httpx.get(console_server.endpoint + "/")
    assert response.status_code == 307
    assert response.headers["location"] == "/console"


def test_a_page_escapes_what_its_address_carries(console_server: ServerProcess) -> None:
    page = httpx.get(console_server.endpoint + "/console/executions/" + quote('"><script>alert(1)</script>'))
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "&lt;script&gt;alert(1)" in page.text


def test_the_list_of_machines_counts_running_and_failed(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.goto("/console")
    rows = page.locator("#machines tbody tr")

    def row(name: str) -> Locator:
        return rows.filter(has=page.get_by_role("link", name=name, exact=True))

    for name in scenario.machines:
        expect(row(name)).to_have_count(1)
    expect(row("payments").locator("td").nth(1)).to_have_text("STANDARD")
    expect(row("payments").locator("td").nth(4)).to_have_text("1")  # failed
    expect(row("nightly").locator("td").nth(3)).to_have_text("1")  # running
    screenshot(page, "state-machines")
    page.fill("input[name=nameContains]", "PAY")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("payments")


def test_the_executions_list_filters_by_status_and_name(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.goto("/console/executions")
    rows = page.locator("#executions tbody tr")
    expect(rows.filter(has_text="order-1001")).to_have_count(1)
    expect(rows.filter(has_text="twenty").locator(".badge")).to_have_text("succeeded")
    screenshot(page, "console-executions")
    page.select_option("select[name=statusFilter]", "FAILED")
    expect(rows.filter(has_text="payment-7")).to_have_count(1)
    expect(rows.filter(has_text="order-1001")).to_have_count(0)
    page.select_option("select[name=statusFilter]", "")
    page.fill("input[name=nameContains]", "run-")
    expect(rows).to_have_count(3)
    rows.filter(has_text="run-1").get_by_role("link", name="run-1").click()
    expect(page.locator("#execution-name")).to_contain_text("run-1")


def test_a_succeeded_graph_colours_every_state(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.goto(execution_page(scenario.succeeded))
    shown = statuses(page)
    assert shown == {"Prepare": "passed", "Go?": "taken", "Done": "succeeded", "Skipped": "not-reached"}
    expect(page.locator('#graph .node[data-state="Go?"] text.word')).to_have_text("Choice · Taken")
    screenshot(page, "execution-succeeded")


def test_a_caught_failure_shows_the_error_of_the_state(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.goto(execution_page(scenario.caught))
    shown = statuses(page)
    assert shown == {"Call": "caught", "Unused": "not-reached", "Record": "passed", "Give up": "failed"}
    assert page.locator("#graph .node").count() == machines.state_count(machines.FAILS_AFTER_CATCH)
    page.click('#graph .node[data-state="Call"]')
    details = page.locator("#state-details")
    expect(details).to_contain_text("CustomError")
    expect(details.locator(".state-input")).to_contain_text('"amount": 7')
    screenshot(page, "execution-failed")


def test_every_state_of_a_nested_workflow_has_one_node(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.goto(execution_page(scenario.showcase))
    shown = statuses(page)
    assert len(shown) == page.locator("#graph .node").count() == machines.state_count(machines.SHOWCASE)
    assert shown == {
        "Validate order": "passed",
        "In stock?": "taken",
        "Back-order": "not-reached",
        "Fulfil": "succeeded",
        "Charge card": "caught",
        "Invoice instead": "succeeded",
        "Pack items": "succeeded",
        "Pack": "passed",
        "Notify customer": "succeeded",
        "Done": "succeeded",
    }
    expect(page.locator("#graph .node.group")).to_have_count(2)
    expect(page.locator("#graph .edge-taken")).to_have_count(5)
    screenshot(page, "console-execution")
    page.click('#graph .node[data-state="Invoice instead"]')
    expect(page.locator("#state-details .task-input")).to_contain_text('"inStock": true')
    expect(page.locator("#state-details .task-result")).to_contain_text('"function": "echo"')


def test_clicking_a_state_shows_its_input_and_output(page: Page, scenario: Scenario) -> None:
    page.goto(execution_page(scenario.succeeded))
    statuses(page)
    page.click('#graph .node[data-state="Prepare"]')
    expect(page.locator("#state-title")).to_have_text("State: Prepare")
    expect(page.locator("#state-details .state-input")).to_contain_text('"order": 1001')
    expect(page.locator("#state-details .state-output")).to_contain_text('"go": true')


def test_a_state_is_chosen_with_the_keyboard(page: Page, scenario: Scenario) -> None:
    page.goto(execution_page(scenario.parallel))
    statuses(page)
    page.focus('#graph .node[data-state="Right again"]')
    page.keyboard.press("Enter")
    expect(page.locator("#state-title")).to_have_text("State: Right again")
    expect(page.locator("#state-details .state-output")).to_contain_text('"x": 1')


def test_parallel_branches_are_drawn_inside_their_state(page: Page, scenario: Scenario) -> None:
    page.goto(execution_page(scenario.parallel))
    shown = statuses(page)
    expect(page.locator("#timeline .lane-group")).to_have_text(["Both branch 1", "Both branch 2"])
    assert shown == {
        "Both": "succeeded",
        "Left": "passed",
        "Right": "passed",
        "Right again": "passed",
        "Joined": "succeeded",
    }
    assert page.locator("#graph .node.group").count() == 1
    both = page.locator('#graph .node[data-state="Both"] rect').bounding_box()
    left = page.locator('#graph .node[data-state="Left"] rect').bounding_box()
    assert both is not None and left is not None
    assert both["x"] < left["x"] and left["x"] + left["width"] < both["x"] + both["width"]
    assert both["y"] < left["y"] < both["y"] + both["height"]


def test_a_map_lists_its_twenty_iterations(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.goto(execution_page(scenario.mapped))
    assert statuses(page) == {"Each": "succeeded", "Double": "passed"}
    iterations = page.locator("#iterations tbody tr")
    expect(iterations).to_have_count(20)
    expect(iterations.locator(".badge.st-succeeded")).to_have_count(20)
    expect(page.locator("#timeline .lane")).to_have_count(20 + 1 + 20)  # iterations, the Map, each Double
    # Each iteration's lane holds its own Double: the iteration's bar, then the visit it made.
    labels = page.locator("#timeline .lane-label").all_inner_texts()
    assert labels[:3] == ["Each", "Each [0]", "Double"] and labels[-2:] == ["Each [19]", "Double"]
    third = page.locator('#iterations tbody tr[data-index="3"] details')
    third.locator("summary").click()
    expect(third.locator("li")).to_have_count(1)
    expect(third.locator("li")).to_contain_text("Double")
    third.locator("li button").click()
    expect(page.locator("#state-title")).to_have_text("State: Double")
    opened = page.locator("#state-details .visit")  # the visit of that iteration, not the last ones of the state
    expect(opened).to_have_count(1)
    expect(opened.locator("h3")).to_contain_text("(Each [3])")
    expect(opened.locator(".state-input")).to_have_text("3")
    screenshot(page, "execution-map")


def test_a_wait_is_yellow_and_stop_ends_it(
    page: Page, scenario: Scenario, console_sfn: SFNClient, screenshot: Screenshot
) -> None:
    page.goto(execution_page(scenario.waiting))
    assert statuses(page) == {"Hold": "waiting", "After": "not-reached"}
    expect(page.locator('#graph .node[data-state="Hold"] text.word')).to_have_text("Wait · Waiting")
    screenshot(page, "execution-waiting")
    page.once("dialog", lambda dialog: dialog.accept("Cancelled"))
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#stop")
    page.click("#confirm-ok")
    expect(page.locator("#execution-name .badge")).to_have_text("aborted")
    assert console_sfn.describe_execution(executionArn=scenario.waiting)["status"] == "ABORTED"
    assert statuses(page)["Hold"] == "aborted"


def test_a_failed_execution_is_redriven(
    page: Page, console_sfn: SFNClient, console_server: ServerProcess, scenario: Scenario
) -> None:
    machine = console_sfn.create_state_machine(
        name="redrivable", definition=json.dumps(machines.FAILS_AFTER_CATCH), roleArn=ROLE_ARN
    )["stateMachineArn"]
    arn = console_sfn.start_execution(stateMachineArn=machine, name="again")["executionArn"]
    wait_for_status(console_sfn, arn, "FAILED")
    page.goto(execution_page(arn))
    page.click("#redrive")
    page.click("#confirm-ok")
    wait_until(lambda: _redrives(console_server, arn) == 1, 30, "the execution was not redriven")
    wait_for_status(console_sfn, arn, "FAILED")  # the state fails again, as it did the first time


def _redrives(server: ServerProcess, arn: str) -> int:
    return int(httpx.get(f"{server.endpoint}/v1/executions/{arn}").json()["redriveCount"])


def test_the_approval_button_completes_a_waiting_task(
    page: Page, scenario: Scenario, console_sfn: SFNClient, screenshot: Screenshot
) -> None:
    page.goto(execution_page(scenario.approval))
    assert statuses(page)["Ask"] == "waiting"
    token = page.locator("#token-list .token")
    expect(token).to_contain_text("Ask waits for a callback")
    screenshot(page, "execution-approval")
    page.once("dialog", lambda dialog: dialog.accept('{"approved": true}'))
    token.get_by_role("button", name="Send success").click()
    page.click("#confirm-ok")
    expect(page.locator("#execution-name .badge")).to_have_text("succeeded")
    described = wait_for_status(console_sfn, scenario.approval, "SUCCEEDED")
    assert described["output"] == '{"approved":true}'
    assert statuses(page) == {"Ask": "succeeded", "Approved": "passed"}
    expect(page.locator("#tokens")).to_be_hidden()


def test_a_continue_as_new_chain_links_its_runs(page: Page, scenario: Scenario) -> None:
    page.goto(execution_page(scenario.chain[1]))
    chain = page.locator("#lineage .chain li")
    expect(chain).to_have_count(3)
    for item, name in zip(chain.all(), ["run-1", None, None], strict=True):
        expect(item).to_contain_text("of 25000 events")
        if name:
            expect(item).to_contain_text(name)
    expect(page.locator("#lineage")).to_contain_text("Started by run-1")
    chain.nth(2).get_by_role("link").click()
    expect(page.locator("#execution-name")).to_contain_text("succeeded")
    assert page.url.endswith(quote(scenario.chain[2]))


def test_the_event_table_filters(page: Page, scenario: Scenario) -> None:
    page.goto(execution_page(scenario.succeeded))
    rows = page.locator("#events tbody tr")
    expect(rows).to_have_count(8)  # started, 3 states entered and 2 exited... as the history has them
    page.fill("#event-filter", "ChoiceState")
    expect(rows).to_have_count(2)
    rows.first.locator("summary").click()
    expect(rows.first.locator("pre")).to_contain_text('"name": "Go?"')


def test_the_editor_shows_diagnostics_at_their_line(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.goto("/console/editor")
    expect(page.locator("#diagnostics li")).to_have_text(["No problems found."])
    expect(page.locator("#graph .node")).to_have_count(1)
    broken = '{\n  "StartAt": "First",\n  "States": {\n    "First": {"Type": "Pass", "Next": "Nowhere"}\n  }\n}'
    page.fill("#definition", broken)
    problem = page.locator('#diagnostics li.error[data-location="/States/First/Next"]')
    expect(problem).to_contain_text("MISSING_TRANSITION_TARGET")
    expect(problem).to_contain_text("line 4")
    expect(page.locator("#gutter .marked").filter(has_text="4")).to_have_attribute(
        "title", "Missing 'Next' target: Nowhere"
    )
    screenshot(page, "editor")
    page.fill("input[name=name]", "made-in-the-editor")
    page.fill("#definition", broken.replace('"Next": "Nowhere"', '"End": true'))
    expect(page.locator("#diagnostics li")).to_have_text(["No problems found."])
    page.click("#save")
    expect(page.locator("#machine-name")).to_have_text("made-in-the-editor")
    expect(page.locator("#graph .node")).to_have_count(1)


def test_starting_checks_the_input_is_json(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.goto(f"/console/state-machines/{quote(scenario.machines['orders'])}")
    expect(page.locator("#graph .node")).to_have_count(machines.state_count(machines.SUCCEEDS))
    expect(page.locator("#asl")).to_contain_text('"StartAt": "Prepare"')
    screenshot(page, "state-machine")
    page.click("#start-open")
    page.fill("textarea[name=input]", "{not json")
    page.click("#start-form button[type=submit]")
    expect(page.locator("#start-error")).to_contain_text("not JSON")
    page.fill("textarea[name=input]", '{"order": 2002}')
    page.fill("input[name=name]", "from-the-console")
    page.click("#start-form button[type=submit]")
    expect(page.locator("#execution-name")).to_contain_text("from-the-console")
    expect(page.locator("#execution-name .badge")).to_have_text("succeeded")


def test_activities_show_their_queues(page: Page, console_sfn: SFNClient) -> None:
    console_sfn.create_activity(name="review-queue")
    page.goto("/console/activities")
    row = page.locator('#activities tr[data-activity="review-queue"]')
    expect(row.locator("td").nth(2)).to_have_text("0")


def test_a_phone_sees_every_page_without_it_overflowing(page: Page, scenario: Scenario, screenshot: Screenshot) -> None:
    page.set_viewport_size(PHONE)
    pages = {
        "phone-machines": ("/console", "#machines tbody tr"),
        "phone-machine": (f"/console/state-machines/{quote(scenario.machines['side-by-side'])}", "#graph .node"),
        "phone-editor": ("/console/editor", "#diagnostics li"),
        "phone-executions": ("/console/executions", "#executions tbody tr"),
        "phone-activities": ("/console/activities", "#activities-empty, #activities tbody tr"),
        "phone-execution": (execution_page(scenario.caught), "#graph .node[data-status]"),
    }
    for name, (address, shown) in pages.items():
        page.goto(address)
        page.locator(shown).first.wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{address} scrolls sideways; only graphs and tables may"
        screenshot(page, name)


def test_the_banner_tells_when_the_server_is_unreachable(page: Page, scenario: Scenario) -> None:
    page.goto("/console/executions")
    expect(page.locator("#executions tbody tr").first).to_be_visible()
    page.route("**/v1/**", lambda route: route.abort())
    expect(page.locator("#unreachable")).to_be_visible()
    page.unroute("**/v1/**")
    expect(page.locator("#unreachable")).to_be_hidden()
