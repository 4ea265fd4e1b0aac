"""Field tables of the States Language: which fields each object accepts, requires, and how.

Kept as data so a rule is one table row, not a branch of code. Fields valid in only one query
language are listed once here and checked once (see ``fields.check_language``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

JSONPATH = "JSONPath"
JSONATA = "JSONata"
QUERY_LANGUAGES = (JSONPATH, JSONATA)


class Kind(Enum):
    """JSON value kinds, named as AWS names them in ``Expected value of type ...``."""

    STRING = "String"
    INTEGER = "Integer"
    NUMBER = "Number"
    BOOLEAN = "Boolean"
    OBJECT = "Object"
    ARRAY = "Array"
    ANY = "Any"


@dataclass(frozen=True)
class Number:
    """A numeric field's kind and inclusive bounds (None: unbounded)."""

    kind: Kind
    minimum: float | None = None
    maximum: float | None = None


COMMON_STATE_FIELDS = frozenset({"Type", "Comment", "QueryLanguage"})
#: Building blocks of the fields each state type accepts (each type lists its own, in its module).
IO_FIELDS = frozenset({"InputPath", "OutputPath", "Output"})
FLOW_FIELDS = frozenset({"Assign", "Next", "End"})
RESULT_FIELDS = frozenset({"Parameters", "ResultPath", "ResultSelector", "Retry", "Catch", "Arguments"})

#: Fields a JSONata state refuses, and fields a JSONPath state refuses.
JSONPATH_ONLY = frozenset(
    {
        "InputPath",
        "OutputPath",
        "Parameters",
        "Result",
        "ResultPath",
        "ResultSelector",
        "ItemsPath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "SecondsPath",
        "TimestampPath",
        "ErrorPath",
        "CausePath",
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
        "MaxItemsPath",
        "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatchPath",
        "Variable",
    }
)
JSONATA_ONLY = frozenset({"Output", "Arguments", "Items", "Condition"})

#: Groups of which at most one may be present; the message lists them in this order.
EXCLUSIVE: tuple[tuple[str, ...], ...] = (
    ("TimeoutSeconds", "TimeoutSecondsPath"),
    ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    ("MaxConcurrency", "MaxConcurrencyPath"),
    ("ToleratedFailureCount", "ToleratedFailureCountPath"),
    ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ("Error", "ErrorPath"),
    ("Cause", "CausePath"),
    ("MaxItems", "MaxItemsPath"),
    ("MaxItemsPerBatch", "MaxItemsPerBatchPath"),
    ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"),
)
NEXT_OR_END = ("Next", "End")

_SECONDS = 99999999
#: Numeric fields; in a JSONata state each may instead be a ``{% %}`` expression.
NUMBERS: dict[str, Number] = {
    "TimeoutSeconds": Number(Kind.INTEGER, 1, _SECONDS),
    "HeartbeatSeconds": Number(Kind.INTEGER, 1, _SECONDS),
    "Seconds": Number(Kind.INTEGER, 0, _SECONDS),
    "MaxConcurrency": Number(Kind.INTEGER, 0),
    "ToleratedFailureCount": Number(Kind.INTEGER, 0),
    "ToleratedFailurePercentage": Number(Kind.NUMBER, 0, 100),
    "MaxItems": Number(Kind.INTEGER, 0, 100000000),
    "MaxItemsPerBatch": Number(Kind.INTEGER, 0),
    "MaxInputBytesPerBatch": Number(Kind.INTEGER, 0, 262144),
}
RETRY_NUMBERS: dict[str, Number] = {
    "IntervalSeconds": Number(Kind.INTEGER, 0, _SECONDS),
    "MaxAttempts": Number(Kind.INTEGER, 0, _SECONDS),
    "BackoffRate": Number(Kind.NUMBER, 1),
    "MaxDelaySeconds": Number(Kind.INTEGER, 1, 31622400),
}
TOP_LEVEL_NUMBERS: dict[str, Number] = {"TimeoutSeconds": Number(Kind.INTEGER, 0, _SECONDS)}

#: Plain string fields (a JSONata expression is a string too).
STRINGS = frozenset({"Comment", "Resource", "Error", "Cause", "Default", "Next", "Label", "Timestamp"})
BOOLEANS = frozenset({"End"})
OBJECTS = frozenset(
    {
        "Credentials",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        "ResultSelector",
        "Parameters",
        "ItemSelector",
    }
    | {"Assign", "ReaderConfig", "ProcessorConfig", "BatchInput"}
)
#: Fields whose value is a JSONPath (``$``, ``$.a``, ``$$.x``, ``$var``); null allowed where listed.
PATHS = frozenset(
    {
        "InputPath",
        "OutputPath",
        "ItemsPath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "SecondsPath",
        "TimestampPath",
        "ErrorPath",
        "CausePath",
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
        "MaxItemsPath",
        "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatchPath",
    }
)
NULLABLE_PATHS = frozenset({"InputPath", "OutputPath", "ResultPath"})
#: Payload templates: keys ending in ``.$`` hold a path or an intrinsic function call.
TEMPLATES = frozenset({"Parameters", "ResultSelector", "ItemSelector", "Assign"})

TOP_LEVEL_FIELDS = frozenset({"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"})
BRANCH_FIELDS = frozenset({"StartAt", "States", "Comment"})
PROCESSOR_FIELDS = BRANCH_FIELDS | {"ProcessorConfig"}
MACHINE_REQUIRED = ("StartAt", "States")

RETRIER_FIELDS = frozenset({"ErrorEquals", "Comment"} | set(RETRY_NUMBERS) | {"JitterStrategy"})
CATCHER_FIELDS = frozenset({"ErrorEquals", "Next", "ResultPath", "Output", "Assign", "Comment"})
CATCHER_REQUIRED = ("ErrorEquals", "Next")

#: Small nested objects of a Map: allowed fields, required fields, enumerated string values.
NESTED_FIELDS: dict[str, frozenset[str]] = {
    "ProcessorConfig": frozenset({"Mode", "ExecutionType"}),
    "ItemReader": frozenset({"Resource", "Parameters", "Arguments", "ReaderConfig"}),
    "ReaderConfig": frozenset(
        {"InputType", "CSVHeaderLocation", "CSVHeaders", "CSVDelimiter", "MaxItems", "MaxItemsPath"}
        | {"ManifestType", "Transformation"}
    ),
    "ItemBatcher": frozenset(
        {"MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"}
        | {"BatchInput"}
    ),
    "ResultWriter": frozenset({"Resource", "Parameters", "Arguments", "WriterConfig"}),
    "WriterConfig": frozenset({"OutputType", "Transformation"}),
    "Credentials": frozenset({"RoleArn", "RoleArn.$"}),
}
NESTED_REQUIRED: dict[str, tuple[str, ...]] = {"ItemReader": ("Resource",)}
ENUMS: dict[str, tuple[str, ...]] = {
    "Mode": ("INLINE", "DISTRIBUTED"),
    "ExecutionType": ("STANDARD", "EXPRESS"),
    "InputType": ("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"),
    "CSVHeaderLocation": ("FIRST_ROW", "GIVEN"),
    "CSVDelimiter": ("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"),
    "JitterStrategy": ("FULL", "NONE"),
    "OutputType": ("JSON", "JSONL"),
}

MAX_STATE_NAME_LENGTH = 80
MAX_LABEL_LENGTH = 40
#: Deepest nesting of Parallel/Map sub-machines accepted (AWS does not document the number).
MAX_NESTING_DEPTH = 25
