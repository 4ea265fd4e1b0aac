"""``encryptionConfiguration``: checked as AWS checks it, stored, and echoed.

The server keeps no key and encrypts nothing at rest (protect the database instead); the
configuration is kept so that the tools that set it (Terraform, CloudFormation) read back what
they wrote.
"""

from __future__ import annotations

from typing import Any

from app import errors
from app.codec import dumps, loads

CUSTOMER_KEY = "CUSTOMER_MANAGED_KMS_KEY"


def stored(configuration: dict[str, Any] | None) -> str | None:
    """The configuration as stored, after AWS's checks; None when none was given."""
    if configuration is None:
        return None
    key = configuration.get("kmsKeyId")
    if configuration.get("type") == CUSTOMER_KEY and not key:
        raise errors.InvalidEncryptionConfiguration("kmsKeyId is required for type CUSTOMER_MANAGED_KMS_KEY")
    if configuration.get("type") != CUSTOMER_KEY and (key or "kmsDataKeyReusePeriodSeconds" in configuration):
        raise errors.InvalidEncryptionConfiguration(
            "kmsKeyId and kmsDataKeyReusePeriodSeconds are only valid for type CUSTOMER_MANAGED_KMS_KEY"
        )
    return dumps(configuration)


def echoed(text: str | None) -> dict[str, Any]:
    """The ``encryptionConfiguration`` member of a Describe answer, when one was set."""
    return {} if text is None else {"encryptionConfiguration": loads(text)}


def with_customer_key(text: str | None) -> bool:
    return text is not None and loads(text).get("type") == CUSTOMER_KEY
