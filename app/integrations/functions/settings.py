"""Where functions come from, read from the environment under the names the design documents."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.codec import loads


@dataclass(frozen=True)
class FunctionSettings:
    """The three function sources, tried in this order, and the identity functions run under."""

    functions_dir: Path | None = None
    function_urls: Mapping[str, str] = field(default_factory=dict)
    lambda_endpoint: str | None = None
    region: str = "us-east-1"
    account_id: str = "123456789012"
    self_endpoint: str | None = None

    @classmethod
    def from_environ(
        cls,
        *,
        region: str,
        account_id: str,
        self_endpoint: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> FunctionSettings:
        """Read ``SFN_FUNCTIONS_DIR``, ``SFN_FUNCTION_URLS`` (a JSON object name -> URL) and ``LAMBDA_ENDPOINT``."""
        source = os.environ if environ is None else environ
        directory = source.get("SFN_FUNCTIONS_DIR")
        return cls(
            functions_dir=Path(directory).resolve() if directory else None,
            function_urls=parse_function_urls(source.get("SFN_FUNCTION_URLS", "")),
            lambda_endpoint=source.get("LAMBDA_ENDPOINT") or None,
            region=region,
            account_id=account_id,
            self_endpoint=self_endpoint,
        )


def parse_function_urls(text: str) -> dict[str, str]:
    """``{"Name": "http://..."}`` from its JSON text; empty text means no URLs. Raises ``ValueError`` otherwise."""
    if not text.strip():
        return {}
    value = loads(text)
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("SFN_FUNCTION_URLS must be a JSON object mapping function names to URLs")
    return dict(value)
