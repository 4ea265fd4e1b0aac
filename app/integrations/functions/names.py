"""Turn what a state machine names a function by (name, partial ARN, full ARN) into one reference.

Lambda accepts all of these for ``FunctionName``; the runner needs the bare name to find the code
and the full ARN for ``context.invoked_function_arn`` and for error messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The forms Lambda's Invoke accepts, with the name restricted to what CreateFunction allows (no dots,
# so a name can never step outside the functions directory).
_REFERENCE = re.compile(
    r"^(?:arn:(?P<partition>aws[a-zA-Z-]*):lambda:(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?:function:)?"
    r"(?P<name>[a-zA-Z0-9_-]{1,64})"
    r"(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9_-]{1,128}))?$"
)
LATEST = "$LATEST"


class InvalidFunctionNameError(ValueError):
    """The reference matches none of the forms Lambda accepts."""


@dataclass(frozen=True)
class FunctionRef:
    """One function, qualified or not, with the region and account it lives in."""

    name: str
    qualifier: str | None
    region: str
    account_id: str
    partition: str = "aws"

    @property
    def arn(self) -> str:
        """The unqualified function ARN, as Lambda's error messages and the Lambda context name it."""
        return f"arn:{self.partition}:lambda:{self.region}:{self.account_id}:function:{self.name}"

    @property
    def invoked_arn(self) -> str:
        """The ARN the caller used, with its qualifier (``context.invoked_function_arn``)."""
        return f"{self.arn}:{self.qualifier}" if self.qualifier else self.arn

    @property
    def version(self) -> str:
        """What Lambda reports as the executed version when the code is run here."""
        return self.qualifier or LATEST


def parse_function_ref(reference: str, *, region: str, account_id: str) -> FunctionRef:
    """Parse ``Name``, ``Name:qualifier``, ``123456789012:function:Name`` or a full function ARN.

    The region and account come from the ARN when it has them, otherwise from the defaults given.
    """
    match = _REFERENCE.match(reference.strip())
    if match is None:
        raise InvalidFunctionNameError(reference)
    return FunctionRef(
        name=match["name"],
        qualifier=match["qualifier"],
        region=match["region"] or region,
        account_id=match["account"] or account_id,
        partition=match["partition"] or "aws",
    )
