"""Every table of the service, in one SQLAlchemy Core metadata that the Alembic migrations mirror."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    }
)

state_machines = sa.Table(
    "state_machines",
    metadata,
    sa.Column("arn", sa.String(256), primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("revision_id", sa.String(64), nullable=False),
    sa.Column("role_arn", sa.String(256), nullable=False),
    sa.Column("logging_configuration", sa.Text, nullable=True),
    sa.Column("tracing_configuration", sa.Text, nullable=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=True),
    # The number of the last version published; numbers are never reused, even after a deletion.
    sa.Column("last_version", sa.Integer, nullable=False, server_default="0"),
    # Accepted and echoed (JSON text); the server does not encrypt data at rest.
    sa.Column("encryption_configuration", sa.Text, nullable=True),
)

# Published versions: numbered, immutable pointers to a revision, startable by their own ARN.
state_machine_versions = sa.Table(
    "state_machine_versions",
    metadata,
    sa.Column("arn", sa.String(256), primary_key=True),
    sa.Column("state_machine_arn", sa.String(256), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("revision_id", sa.String(64), nullable=False),
    sa.Column("description", sa.String(256), nullable=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.UniqueConstraint("state_machine_arn", "version"),
)

# Aliases: a name that routes executions to one version, or splits them between two by weight.
state_machine_aliases = sa.Table(
    "state_machine_aliases",
    metadata,
    sa.Column("arn", sa.String(256), primary_key=True),
    sa.Column("state_machine_arn", sa.String(256), nullable=False, index=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("description", sa.String(256), nullable=True),
    sa.Column("routing", sa.Text, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
)

# Each definition a machine has had; executions point at the one they started with, so an
# UpdateStateMachine never changes what a running execution runs.
state_machine_revisions = sa.Table(
    "state_machine_revisions",
    metadata,
    sa.Column("revision_id", sa.String(64), primary_key=True),
    sa.Column("state_machine_arn", sa.String(256), nullable=False, index=True),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("role_arn", sa.String(256), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
)

tags = sa.Table(
    "tags",
    metadata,
    sa.Column("resource_arn", sa.String(256), primary_key=True),
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)

executions = sa.Table(
    "executions",
    metadata,
    sa.Column("arn", sa.String(256), primary_key=True),
    sa.Column("state_machine_arn", sa.String(256), nullable=False),
    sa.Column("revision_id", sa.String(64), nullable=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("input", sa.Text, nullable=False),
    sa.Column("output", sa.Text, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.Column("cause", sa.Text, nullable=True),
    sa.Column("trace_header", sa.String(256), nullable=True),
    sa.Column("start_date", sa.Double, nullable=False),
    sa.Column("stop_date", sa.Double, nullable=True),
    sa.Column("snapshot", sa.Text, nullable=False),
    sa.Column("next_event_id", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    # Lineage: the execution whose Task (or function) started this one, and, for ``.sync``
    # integrations, the parent task ({"execution_arn", "task_id", "pattern"}) to report back to.
    sa.Column("started_by", sa.String(256), nullable=True, index=True),
    sa.Column("parent_task", sa.Text, nullable=True),
    # The version that runs (started by its ARN or through an alias), and the alias, if any.
    sa.Column("version_arn", sa.String(256), nullable=True),
    sa.Column("alias_arn", sa.String(256), nullable=True),
    # Redrives: how many, the last one's date, and the recent client tokens ([[token, date], ...]).
    sa.Column("redrive_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("redrive_date", sa.Double, nullable=True),
    sa.Column("redrive_tokens", sa.Text, nullable=True),
    sa.UniqueConstraint("state_machine_arn", "name"),
    sa.Index("ix_executions_state_machine_arn_start_date", "state_machine_arn", "start_date"),
    sa.Index("ix_executions_version_arn_start_date", "version_arn", "start_date"),
    sa.Index("ix_executions_alias_arn_start_date", "alias_arn", "start_date"),
    sa.Index(
        "ix_executions_running",
        "state_machine_arn",
        sqlite_where=sa.text("status = 'RUNNING'"),
        postgresql_where=sa.text("status = 'RUNNING'"),
    ),
)

history_events = sa.Table(
    "history_events",
    metadata,
    sa.Column("execution_arn", sa.String(256), primary_key=True),
    sa.Column("event_id", sa.Integer, primary_key=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("previous_event_id", sa.Integer, nullable=False),
    sa.Column("timestamp", sa.Double, nullable=False),
    sa.Column("details", sa.Text, nullable=True),
)

# The ready queue and every timer: an item becomes claimable at `visible_at`; a claim pushes
# `visible_at` to the end of a lease, so an item a crashed worker held comes back by itself.
# Ids are never reused (SQLite's AUTOINCREMENT; PostgreSQL's sequences never go back): a worker whose
# lease ran out while it still held an item deletes it by id, and must not hit a newer item instead.
work_items = sa.Table(
    "work_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("execution_arn", sa.String(256), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("visible_at", sa.Double, nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("timer_id", sa.Integer, nullable=True),
    sa.Column("payload", sa.Text, nullable=False),
    sqlite_autoincrement=True,
)

# The children of a distributed Map's Map Run, a row each: the input it runs (its item or batch, selected), how
# many items it stands for and, once it ended, its status and its result (its output, or its error and cause).
# The parent's snapshot keeps only the run's counts, so its cost per child does not grow with the run.
map_run_children = sa.Table(
    "map_run_children",
    metadata,
    sa.Column("map_run_arn", sa.String(600), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("execution_arn", sa.String(256), nullable=False, index=True),
    sa.Column("input", sa.Text, nullable=False),
    sa.Column("items", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=True),
    sa.Column("result", sa.Text, nullable=True),
    # It succeeded before the run's last redrive, which left it as it was.
    sa.Column("kept", sa.Boolean, nullable=False, server_default=sa.false()),
)

activities = sa.Table(
    "activities",
    metadata,
    sa.Column("arn", sa.String(256), primary_key=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("encryption_configuration", sa.Text, nullable=True),
)

# Callback tokens of activity tasks and ``.waitForTaskToken`` tasks. A token completes at most
# once: every completion is an UPDATE guarded by the open statuses.
task_tokens = sa.Table(
    "task_tokens",
    metadata,
    sa.Column("token", sa.String(128), primary_key=True),
    sa.Column("execution_arn", sa.String(256), nullable=False, index=True),
    sa.Column("task_id", sa.Integer, nullable=False),
    sa.Column("activity_arn", sa.String(256), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("input", sa.Text, nullable=True),
    sa.Column("worker_name", sa.String(80), nullable=True),
    sa.Column("heartbeat_seconds", sa.Double, nullable=True),
    sa.Column("heartbeat_timer_id", sa.Integer, nullable=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Index(
        "ix_task_tokens_scheduled",
        "activity_arn",
        "created_at",
        sqlite_where=sa.text("status = 'SCHEDULED'"),
        postgresql_where=sa.text("status = 'SCHEDULED'"),
    ),
)

# Secrets every process of this database shares, made once (the key that proves a function's calls).
server_secrets = sa.Table(
    "server_secrets",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)

# Schedules (EventBridge Scheduler's): each fires its target at most once per due time. A process claims a
# due row with a lease (compare-and-set on ``next_fire_at``), starts the execution, then moves the row on.
schedules = sa.Table(
    "schedules",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("arn", sa.String(256), nullable=False),
    sa.Column("expression", sa.String(256), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("target_arn", sa.String(256), nullable=False),
    sa.Column("input", sa.Text, nullable=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("description", sa.String(512), nullable=True),
    sa.Column("start_date", sa.Double, nullable=True),
    sa.Column("end_date", sa.Double, nullable=True),
    sa.Column("stack_name", sa.String(128), nullable=True, index=True),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
    # Where a rate counts its periods from: the start date, or the creation (or last change) of the expression.
    sa.Column("anchor", sa.Double, nullable=False),
    # The next due time; NULL when no occurrence is left.
    sa.Column("next_fire_at", sa.Double, nullable=True, index=True),
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_until", sa.Double, nullable=True),
    sa.Column("last_fired_at", sa.Double, nullable=True),
    sa.Column("last_execution_arn", sa.String(256), nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
)

# Stacks deployed from SAM or CloudFormation templates: what each created, for updates and deletion.
stacks = sa.Table(
    "stacks",
    metadata,
    sa.Column("name", sa.String(128), primary_key=True),
    # JSON: [{"logicalId", "type", "physicalId" | null, "status", "reason"?}]
    sa.Column("resources", sa.Text, nullable=False),
    sa.Column("outputs", sa.Text, nullable=False),
    sa.Column("parameters", sa.Text, nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
)

# Python functions deployed from templates: their code travels in the database, so every process runs the
# same code, and a new deployment (a new ``code_sha256``) takes effect on the next call without a restart.
functions = sa.Table(
    "functions",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("handler", sa.String(128), nullable=False),
    sa.Column("runtime", sa.String(32), nullable=False),
    sa.Column("code", sa.LargeBinary, nullable=False),
    sa.Column("code_sha256", sa.String(64), nullable=False),
    # JSON object of environment variables
    sa.Column("environment", sa.Text, nullable=False),
    sa.Column("timeout", sa.Double, nullable=False),
    sa.Column("stack_name", sa.String(128), nullable=True),
    sa.Column("updated_at", sa.Double, nullable=False),
)
