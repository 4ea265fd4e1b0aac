"""Names as Step Functions spells them, mapped to botocore's.

AWS runs SDK integrations on the AWS SDK for Java 2.x, so its names follow that SDK's code
generator: a service is named by its ``serviceId`` split into words and each word capitalised
(``DynamoDB`` → ``DynamoDb``, ``SFN`` → ``Sfn``, ``CloudWatch Logs`` → ``CloudWatchLogs``), the
``aws-sdk:<service>`` of a resource is that name in lower case, and output members are cased the
same way (``MD5OfMessageBody`` → ``Md5OfMessageBody``).
"""

from __future__ import annotations

import functools
import re
import threading

import botocore.session
from botocore.model import ServiceModel

_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
_VERSION_AFTER_CAPITALS = re.compile(r"([^a-z]{2,})v([0-9]+)")
_VERSION_AFTER_LOWER = re.compile(r"([^A-Z]{2,})V([0-9]+)")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z][a-zA-Z0-9])")
_ACRONYM_END = re.compile(r"([A-Z]+)([A-Z][a-z])")
_DIGIT_THEN_LETTER = re.compile(r"([0-9])([a-zA-Z])")

_session_lock = threading.Lock()


class UnknownServiceError(LookupError):
    """No botocore service answers to the name a resource gives."""


def java_words(name: str) -> list[str]:
    """The words the Java SDK's code generator sees in ``name`` (``ACMSuccess`` → ``ACM``, ``Success``)."""
    text = _NON_ALPHANUMERIC.sub(" ", name)
    text = _VERSION_AFTER_CAPITALS.sub(r"\1 v\2 ", text)
    text = _VERSION_AFTER_LOWER.sub(r"\1 V\2 ", text)
    text = _CAMEL_BOUNDARY.sub(" ", text)
    text = _ACRONYM_END.sub(r"\1 \2", text)
    text = _DIGIT_THEN_LETTER.sub(r"\1 \2", text)
    return text.split()


def java_pascal(name: str) -> str:
    """``name`` in the Java SDK's PascalCase: each word capitalised, the rest of it lower case."""
    return "".join(word[:1].upper() + word[1:].lower() for word in java_words(name))


def java_service_name(service_id: str) -> str:
    """The Java SDK's name of a service (the prefix of its errors): ``Amazon``/``AWS``/``Service`` dropped."""
    name = java_pascal(service_id)
    for prefix in ("Amazon", "Aws"):
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix) :]
    if name.endswith("Service") and len(name) > len("Service"):
        name = name[: -len("Service")]
    return name


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.cache
def service_model(botocore_name: str) -> ServiceModel:
    """botocore's model of a service, loaded once per process."""
    with _session_lock:
        return _session().get_service_model(botocore_name)


@functools.cache
def _by_plain_name() -> dict[str, str]:
    """Every botocore service by its name without hyphens (``acmpca`` → ``acm-pca``)."""
    with _session_lock:
        return {name.replace("-", ""): name for name in _session().get_available_services()}


@functools.cache
def _by_java_name() -> dict[str, str]:
    """Every botocore service by its Java SDK name in lower case (loads every model: done once, when needed)."""
    index: dict[str, str] = {}
    for name in sorted(_by_plain_name().values()):
        service_id = service_model(name).metadata.get("serviceId") or name
        index.setdefault(java_service_name(service_id).lower(), name)
    return index


def botocore_service(sdk_name: str) -> str:
    """The botocore service of an ``aws-sdk:<sdk_name>`` resource (``eventbridge`` → ``events``).

    A botocore name with its hyphens taken out is tried first (``acmpca`` → ``acm-pca``, no
    model loaded); other names are looked up by the Java SDK name of every service.
    """
    wanted = sdk_name.lower()
    found = _by_plain_name().get(wanted) or _by_java_name().get(wanted)
    if found is None:
        raise UnknownServiceError(sdk_name)
    return found


def error_prefix(model: ServiceModel) -> str:
    """The service part of an SDK integration's error names (``DynamoDb``, ``Sfn``, ``S3``)."""
    return java_service_name(model.metadata.get("serviceId") or model.service_name)


def operation_name(model: ServiceModel, action: str) -> str | None:
    """The botocore operation of a camelCase action (``getObject`` → ``GetObject``), case-insensitively."""
    wanted = action.lower()
    return next((name for name in model.operation_names if name.lower() == wanted), None)
