"""The Map state: runs its item processor once per item of an array, or once per batch of items."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.asl.states.base import JSONPATH, MISSING, StateKind, StateSpec, SubMachineParser, common_fields
from app.asl.validation import schema
from app.asl.validation.diagnostics import DUPLICATE_LABEL_NAME, INVALID_LABEL_NAME, child
from app.asl.validation.expressions import check_template
from app.asl.validation.fields import check_nested
from app.asl.validation.schema import FLOW_FIELDS, IO_FIELDS, RESULT_FIELDS
from app.codec import dumps

#: The one resource a ResultWriter writes with, and the shapes it can give each child's result.
PUT_OBJECT = "arn:aws:states:::s3:putObject"
WRITER_TRANSFORMATIONS = ("NONE", "COMPACT", "FLATTEN")
#: The fields of which an ItemBatcher needs at least one.
BATCH_LIMITS = ("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")

if TYPE_CHECKING:
    from app.asl.model import SubMachine
    from app.asl.validation.states import Walk


@dataclass(frozen=True)
class BatcherSpec:
    """A Map's ``ItemBatcher``: how many items, and how many bytes of input, each iteration takes at most."""

    max_items: Any = MISSING
    max_items_path: str | None = None
    max_bytes: Any = MISSING
    max_bytes_path: str | None = None
    batch_input: Any = MISSING


@dataclass(frozen=True)
class ReaderSpec:
    """A Map's ``ItemReader``: the S3 resource its items are read from, and how to read them."""

    resource: str
    parameters: Any = MISSING
    arguments: Any = MISSING
    config: Mapping[str, Any] = field(default_factory=dict)
    max_items: Any = MISSING
    max_items_path: str | None = None


@dataclass(frozen=True)
class WriterSpec:
    """A distributed Map's ``ResultWriter``: where its children's results are written (an S3 ``Resource``
    and its ``Parameters`` or ``Arguments``; None: into the Map's output), and how each result is shaped."""

    resource: str | None = None
    parameters: Any = MISSING
    arguments: Any = MISSING
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MapSpec(StateSpec):
    processor: SubMachine | None = None
    items_path: str = "$"
    items: Any = MISSING
    item_selector: Any = MISSING
    max_concurrency: Any = 0
    max_concurrency_path: str | None = None
    tolerated_failure_count: Any = MISSING
    tolerated_failure_count_path: str | None = None
    tolerated_failure_percentage: Any = MISSING
    tolerated_failure_percentage_path: str | None = None
    label: str | None = None
    batcher: BatcherSpec | None = None
    reader: ReaderSpec | None = None
    writer: WriterSpec | None = None
    distributed: bool = False
    execution_type: str = "STANDARD"
    child_definition: str | None = None


def parse(name: str, raw: Mapping[str, Any], machine_language: str, sub: SubMachineParser) -> MapSpec:
    processor = raw.get("ItemProcessor", raw.get("Iterator"))
    fields = common_fields(name, raw, machine_language)
    # The legacy ``Parameters`` of a Map is its item selector, not a state-input template.
    item_selector = raw.get("ItemSelector", fields.pop("parameters"))
    return MapSpec(
        **fields,
        processor=sub(processor, machine_language),
        items_path=raw.get("ItemsPath", "$"),
        items=raw.get("Items", MISSING),
        item_selector=item_selector,
        max_concurrency=raw.get("MaxConcurrency", 0),
        max_concurrency_path=raw.get("MaxConcurrencyPath"),
        tolerated_failure_count=raw.get("ToleratedFailureCount", MISSING),
        tolerated_failure_count_path=raw.get("ToleratedFailureCountPath"),
        tolerated_failure_percentage=raw.get("ToleratedFailurePercentage", MISSING),
        tolerated_failure_percentage_path=raw.get("ToleratedFailurePercentagePath"),
        label=raw.get("Label"),
        batcher=_batcher(raw.get("ItemBatcher")),
        reader=_reader(raw.get("ItemReader")),
        writer=_writer(raw.get("ResultWriter")),
        **_distribution(processor, machine_language),
    )


def _distribution(processor: Mapping[str, Any], machine_language: str) -> dict[str, Any]:
    """How a ``DISTRIBUTED`` processor runs: its children's type, and the definition each child execution runs
    (the processor as a machine of its own, in the language it inherits)."""
    config = processor.get("ProcessorConfig", {})
    if config.get("Mode") != "DISTRIBUTED":
        return {}
    body = {key: value for key, value in processor.items() if key != "ProcessorConfig"}
    definition = {"QueryLanguage": machine_language, **body}
    return {
        "distributed": True,
        "execution_type": config.get("ExecutionType", "STANDARD"),
        "child_definition": dumps(definition),
    }


def _reader(raw: Mapping[str, Any] | None) -> ReaderSpec | None:
    if raw is None:
        return None
    config = dict(raw.get("ReaderConfig", {}))
    return ReaderSpec(
        resource=raw["Resource"],
        parameters=raw.get("Parameters", MISSING),
        arguments=raw.get("Arguments", MISSING),
        config={key: value for key, value in config.items() if key not in ("MaxItems", "MaxItemsPath")},
        max_items=config.get("MaxItems", MISSING),
        max_items_path=config.get("MaxItemsPath"),
    )


def _writer(raw: Mapping[str, Any] | None) -> WriterSpec | None:
    if raw is None:
        return None
    return WriterSpec(
        resource=raw.get("Resource"),
        parameters=raw.get("Parameters", MISSING),
        arguments=raw.get("Arguments", MISSING),
        config=dict(raw.get("WriterConfig", {})),
    )


def _batcher(raw: Mapping[str, Any] | None) -> BatcherSpec | None:
    if raw is None:
        return None
    return BatcherSpec(
        max_items=raw.get("MaxItemsPerBatch", MISSING),
        max_items_path=raw.get("MaxItemsPerBatchPath"),
        max_bytes=raw.get("MaxInputBytesPerBatch", MISSING),
        max_bytes_path=raw.get("MaxInputBytesPerBatchPath"),
        batch_input=raw.get("BatchInput", MISSING),
    )


def check(walk: Walk, state: dict[str, Any], location: str, language: str, depth: int) -> None:
    for key in ("ItemProcessor", "Iterator"):
        if key in state:
            walk.check_machine(state[key], child(location, key), schema.PROCESSOR_FIELDS, depth + 1)
    for key in ("ItemReader", "ItemBatcher", "ResultWriter"):
        if isinstance(state.get(key), dict):
            check_nested(walk.report, key, state[key], location, language)
    if isinstance(state.get("ItemBatcher"), dict):
        _check_batcher(walk, state["ItemBatcher"], child(location, "ItemBatcher"), language)
    if isinstance(state.get("ResultWriter"), dict):
        _check_writer(walk, state["ResultWriter"], child(location, "ResultWriter"), language)
    label = state.get("Label")
    if isinstance(label, str):
        _check_label(walk, label, child(location, "Label"))


def _check_batcher(walk: Walk, batcher: Mapping[str, Any], location: str, language: str) -> None:
    """An ItemBatcher bounds its batches by a count of items or a number of bytes, at least one of them."""
    if not any(name in batcher for name in BATCH_LIMITS):
        walk.report.schema(
            f"This object should have at least one of the following fields: [{', '.join(BATCH_LIMITS)}]", location
        )
    if language == JSONPATH and "BatchInput" in batcher:
        check_template(walk.report, batcher["BatchInput"], child(location, "BatchInput"))


def _check_writer(walk: Walk, writer: Mapping[str, Any], location: str, language: str) -> None:
    """A ResultWriter exports to S3 (``Resource`` with its ``Parameters`` or ``Arguments``), shapes the
    output (``WriterConfig``), or both; never neither."""
    arguments = "Parameters" if language == JSONPATH else "Arguments"
    if "Resource" not in writer and "WriterConfig" not in writer:
        walk.report.schema(
            "The ResultWriter field cannot be empty: it needs a WriterConfig, a Resource, or both", location
        )
    if "Resource" in writer and writer["Resource"] != PUT_OBJECT:
        walk.report.schema(f"The ResultWriter's Resource must be {PUT_OBJECT}", child(location, "Resource"))
    if "Resource" in writer and arguments not in writer:
        walk.report.schema(f"The ResultWriter's Resource needs {arguments} naming its Bucket", location)
    if language == JSONPATH and "Parameters" in writer:
        check_template(walk.report, writer["Parameters"], child(location, "Parameters"))
    config = writer.get("WriterConfig")
    if isinstance(config, dict) and config.get("Transformation", "NONE") not in WRITER_TRANSFORMATIONS:
        where = child(child(location, "WriterConfig"), "Transformation")
        walk.report.schema(f"Transformation must be one of {', '.join(WRITER_TRANSFORMATIONS)}", where)


def _check_label(walk: Walk, label: str, location: str) -> None:
    if len(label) > schema.MAX_LABEL_LENGTH:
        walk.report.error(
            INVALID_LABEL_NAME,
            "Invalid Label name: Label exceeds the 40-character limit allowed by the service",
            location,
        )
    if label in walk.labels:
        walk.report.error(DUPLICATE_LABEL_NAME, f"Duplicate Label name: {label}", location)
    walk.labels.add(label)


KIND = StateKind(
    "Map",
    MapSpec,
    parse,
    fields=IO_FIELDS
    | FLOW_FIELDS
    | (RESULT_FIELDS - {"Arguments"})
    | {"ItemProcessor", "Iterator", "ItemsPath", "Items", "ItemSelector", "ItemReader", "ItemBatcher"}
    | {"ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ToleratedFailureCount"}
    | {"ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "Label"},
    exactly_one=("ItemProcessor", "Iterator"),
    transitions=True,
    check=check,
)
