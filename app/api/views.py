"""Routes under ``/v1/overview`` for the web console (and anyone): answers no AWS operation gives.

They are entries of the same kind as the operation table's, so they are checked, run, answered and
documented exactly like the REST routes of AWS operations; only the AWS JSON endpoint leaves them
out, since no SDK asks for them.
"""

from __future__ import annotations

from app.api import rest_models as bodies
from app.api.operations import Operation, Rest
from app.service import overview
from app.store.overview import ExecutionFilter

CONSOLE = "console views"

_TABLE: tuple[Operation, ...] = (
    Operation(
        "ListStateMachineOverviews",
        bodies.MachinesOverviewInput,
        bodies.MachinesOverview,
        lambda rt, r, ctx: overview.machines_page(
            rt, name_contains=r.nameContains, max_results=r.maxResults, next_token=r.nextToken
        ),
        (),
        read_only=True,
        rest=Rest(
            "GET",
            "/overview/state-machines",
            "State machines with execution counts",
            "In ARN order; each with how many of its executions are running and failed.",
            CONSOLE,
        ),
    ),
    Operation(
        "ListExecutionOverviews",
        bodies.ExecutionsOverviewInput,
        bodies.ExecutionsOverview,
        lambda rt, r, ctx: overview.executions_page(
            rt,
            ExecutionFilter(r.stateMachineArn, r.statusFilter, r.nameContains, r.startedAfter, r.startedBefore),
            max_results=r.maxResults,
            next_token=r.nextToken,
        ),
        (),
        read_only=True,
        rest=Rest(
            "GET",
            "/overview/executions",
            "Executions of every machine",
            "Newest first, by status, part of the name and start time.",
            CONSOLE,
        ),
    ),
    Operation(
        "DescribeExecutionView",
        bodies.ExecutionViewInput,
        bodies.ExecutionView,
        lambda rt, r, ctx: overview.execution_view(rt, r.executionArn),
        (),
        read_only=True,
        large=True,
        rest=Rest(
            "GET",
            "/overview/executions/{arn}",
            "An execution as a coloured graph",
            "Its description, the graph of its definition, each state's visits, open task tokens and lineage.",
            CONSOLE,
            arn="executionArn",
        ),
    ),
    Operation(
        "CheckDraftDefinition",
        bodies.DraftInput,
        bodies.DraftCheck,
        lambda rt, r, ctx: overview.draft(r.definition, r.type),
        (),
        read_only=True,
        rest=Rest(
            "POST",
            "/overview/drafts",
            "Check and draw a draft definition",
            "ValidateStateMachineDefinition's diagnostics with the line and column each points at, and the drawing.",
            CONSOLE,
            body=bodies.DraftBody,
            json_text=("definition",),
        ),
    ),
    Operation(
        "ListActivityOverviews",
        bodies.ActivitiesOverviewInput,
        bodies.ActivitiesOverview,
        lambda rt, r, ctx: overview.activities_page(rt, max_results=r.maxResults, next_token=r.nextToken),
        (),
        read_only=True,
        rest=Rest(
            "GET",
            "/overview/activities",
            "Activities with their queues",
            "In ARN order; tasks waiting for a worker, tasks being worked on, and the workers seen lately.",
            CONSOLE,
        ),
    ),
)

VIEWS: dict[str, Operation] = {view.name: view for view in _TABLE}
