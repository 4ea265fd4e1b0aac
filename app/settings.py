"""Server configuration from the environment, under the names Step Functions Local uses where it has one."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Two servers (the compose stack's replicas) and a few clients stay within PostgreSQL's default of 100.
DEFAULT_DATABASE_CONNECTIONS = 40


class Settings(BaseSettings):
    """Every knob of the server; one instance is built at start-up and passed down explicitly."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default="sqlite:///./sfn.db",
        description="Where executions live: sqlite:///PATH (a file) or postgresql+psycopg://USER:PASSWORD@HOST:PORT/DB.",
        validation_alias=AliasChoices("SFN_DATABASE_URL", "database_url"),
    )
    region: str = Field(
        default="us-east-1",
        description="The AWS region in the ARNs this server makes (e.g. us-east-1).",
        validation_alias=AliasChoices("AWS_DEFAULT_REGION", "region"),
    )
    account_id: str = Field(
        default="123456789012",
        description="The 12-digit account id in the ARNs this server makes.",
        validation_alias=AliasChoices("AWS_ACCOUNT_ID", "account_id"),
    )
    wait_time_scale: float = Field(
        default=1.0,
        ge=0,
        description="Multiplies Wait durations, retry intervals, task timeouts, heartbeats: 0.01 makes an hour 36 s.",
        validation_alias=AliasChoices("WAIT_TIME_SCALE", "wait_time_scale"),
    )
    workers: int = Field(
        default=2,
        ge=1,
        description="Scheduler threads of this process that run executions.",
        validation_alias=AliasChoices("SFN_WORKERS", "workers"),
    )
    lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="How long claimed work stays a process's own before another process may take it over.",
        validation_alias=AliasChoices("SFN_LEASE_SECONDS", "lease_seconds"),
    )
    poll_seconds: float = Field(
        default=1.0,
        gt=0,
        description="Longest time an idle scheduler waits before looking for work written by other processes.",
        validation_alias=AliasChoices("SFN_POLL_SECONDS", "poll_seconds"),
    )
    run_scheduler: bool = Field(
        default=True,
        description="false: this process serves the API only and leaves executions to `sfn worker` processes.",
        validation_alias=AliasChoices("SFN_RUN_SCHEDULER", "run_scheduler"),
    )
    functions_dir: Path | None = Field(
        default=None,
        description="Directory of local Lambda functions: NAME.py with handler(event, context) runs as function NAME.",
        validation_alias=AliasChoices("SFN_FUNCTIONS_DIR", "functions_dir"),
    )
    function_urls: dict[str, str] = Field(
        default_factory=dict,
        description="JSON object of function name -> URL that Lambda Invoke POSTs the payload to.",
        validation_alias=AliasChoices("SFN_FUNCTION_URLS", "function_urls"),
    )
    lambda_endpoint: str | None = Field(
        default=None,
        description="URL of a Lambda API for functions found neither locally nor in SFN_FUNCTION_URLS "
        "(default: where the AWS SDK sends Lambda calls, when the server has AWS credentials).",
        validation_alias=AliasChoices("LAMBDA_ENDPOINT", "lambda_endpoint"),
    )
    mock_config: Path | None = Field(
        default=None,
        description="Step Functions Local MockConfigFile (JSON): starting MACHINE_ARN#TestCase mocks its Task states.",
        validation_alias=AliasChoices("SFN_MOCK_CONFIG", "mock_config"),
    )
    public_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SFN_PUBLIC_URL", "public_url"),
        description="This server's own URL, for functions that call back into it (set by `sfn serve`).",
    )
    max_history_events: int = Field(
        default=25_000,
        ge=10,
        description="History events an execution may have before it fails (AWS: 25,000).",
        validation_alias=AliasChoices("SFN_MAX_HISTORY_EVENTS", "max_history_events"),
    )
    max_execution_seconds: float = Field(
        default=365 * 24 * 3600,
        gt=0,
        description="Longest an execution may run before it times out (AWS: one year).",
        validation_alias=AliasChoices("SFN_MAX_EXECUTION_SECONDS", "max_execution_seconds"),
    )
    max_open_executions: int = Field(
        default=1_000_000,
        ge=1,
        description="Executions that may run at once before StartExecution answers ExecutionLimitExceeded.",
        validation_alias=AliasChoices("SFN_MAX_OPEN_EXECUTIONS", "max_open_executions"),
    )
    max_versions: int = Field(
        default=1000,
        ge=1,
        description="Versions a state machine may have (AWS: 1,000).",
        validation_alias=AliasChoices("SFN_MAX_VERSIONS", "max_versions"),
    )
    max_aliases: int = Field(
        default=100,
        ge=1,
        description="Aliases a state machine may have (AWS: 100).",
        validation_alias=AliasChoices("SFN_MAX_ALIASES", "max_aliases"),
    )
    limit_warning_share: float = Field(
        default=0.8,
        gt=0,
        le=1,
        description="Share of the history limit at which the log warns that an execution nears it.",
        validation_alias=AliasChoices("SFN_LIMIT_WARNING_SHARE", "limit_warning_share"),
    )
    express_max_seconds: float = Field(
        default=300.0,
        gt=0,
        validation_alias=AliasChoices("SFN_EXPRESS_MAX_SECONDS", "express_max_seconds"),
        description="How long an Express execution may run (AWS: five minutes).",
    )
    execution_log: str = Field(
        default="stdout",
        validation_alias=AliasChoices("SFN_EXECUTION_LOG", "execution_log"),
        description="Where the log records of state machines with a loggingConfiguration go: stdout, a file, or off.",
    )
    auth: str = Field(
        default="none",
        pattern="^(none|sigv4)$",
        validation_alias=AliasChoices("SFN_AUTH", "auth"),
        description="none, or sigv4: every API call must be signed with a key of SFN_CREDENTIALS.",
    )
    credentials: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SFN_CREDENTIALS", "credentials"),
        description='JSON object of access key id -> secret (or {"secret": ...}), or a file holding it.',
    )
    step_seconds: float = Field(
        default=0.1,
        gt=0,
        validation_alias=AliasChoices("SFN_STEP_SECONDS", "step_seconds"),
        description="Longest time one execution runs states before others get their turn.",
    )
    http_allow: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SFN_HTTP_ALLOW", "http_allow"),
        description="Private destinations HTTP Tasks may reach: host names, IP addresses or CIDR networks.",
    )
    retention_days: float = Field(
        default=90.0,
        gt=0,
        validation_alias=AliasChoices("SFN_RETENTION_DAYS", "retention_days"),
        description="Days a closed execution and its history are kept (AWS: 90).",
    )
    log_format: str = Field(
        default="text",
        pattern="^(text|json)$",
        validation_alias=AliasChoices("SFN_LOG_FORMAT", "log_format"),
        description="text, or json: one JSON object per log line.",
    )
    log_level: str = Field(
        default="info",
        pattern="^(critical|error|warning|info|debug)$",
        description="Least severe log lines written: critical, error, warning, info or debug (--log-level wins).",
        validation_alias=AliasChoices("SFN_LOG_LEVEL", "log_level"),
    )
    access_log: bool = Field(
        default=False,
        description="true: one log line per HTTP request (--access-log).",
        validation_alias=AliasChoices("SFN_ACCESS_LOG", "access_log"),
    )
    database_connections: int = Field(
        default=DEFAULT_DATABASE_CONNECTIONS,
        ge=2,
        description=(
            "The most connections one server process opens to PostgreSQL, writes and reads together (one more "
            "listens for the other servers' news): servers times (this + 1) must stay below its max_connections."
        ),
        validation_alias=AliasChoices("SFN_DATABASE_CONNECTIONS", "database_connections"),
    )
    task_threads: int = Field(
        default=32,
        ge=1,
        description="Threads that call tasks (functions, HTTP endpoints) at once.",
        validation_alias=AliasChoices("SFN_TASK_THREADS", "task_threads"),
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_through_psycopg(cls, url: str) -> str:
        """``postgresql://`` and ``postgres://`` (as PostgreSQL tools write them) use the installed driver."""
        for scheme in ("postgresql://", "postgres://"):
            if url.startswith(scheme):
                return "postgresql+psycopg://" + url.removeprefix(scheme)
        return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()
