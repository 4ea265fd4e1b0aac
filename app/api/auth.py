"""Who is calling: AWS Signature Version 4 on every API request, when the server is configured for it.

``SFN_AUTH=sigv4`` with access keys from ``SFN_CREDENTIALS`` makes every call prove it holds a
configured secret, as AWS does: the SDKs and the CLI sign their requests already, so they work
unchanged with a configured key. The expected signature is computed by botocore's own signer over
the headers the client says it signed; nothing of the canonicalisation is written here. The REST
routes also take ``Authorization: Bearer <access key id>:<secret>`` for scripts and browsers.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from app import errors
from app.codec import loads

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = dt.timedelta(minutes=15)
AMZ_DATE = "%Y%m%dT%H%M%SZ"
BEARER = "Bearer "


@dataclass(frozen=True)
class Request:
    """What a signature covers: method, path, query string, headers (lower-case names) and body."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes


class Verifier:
    """Checks requests against the configured access keys; ``None`` from :func:`verifier` when auth is off."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        self._secrets = dict(secrets)

    def check_signature(self, request: Request, now: dt.datetime) -> str:
        """The access key id that signed ``request``, or the AWS error for why it is refused."""
        authorization = request.headers.get("authorization", "")
        if not authorization:
            raise errors.MissingAuthenticationTokenException("Missing Authentication Token")
        parts = _authorization_parts(authorization)
        scope = parts["Credential"].split("/")
        if len(scope) != 5 or scope[4] != "aws4_request":
            raise errors.IncompleteSignatureException(f"Credential should be scoped correctly: {parts['Credential']}")
        access_key, date, region, service, _ = scope
        secret = self._secrets.get(access_key)
        if secret is None:
            raise errors.UnrecognizedClientException("The security token included in the request is invalid.")
        amz_date = request.headers.get("x-amz-date", "")
        signed_at = _parse_date(amz_date)
        if abs(now - signed_at) > MAX_SKEW:
            raise errors.InvalidSignatureException(
                f"Signature expired: {amz_date} is now earlier than {(now - MAX_SKEW).strftime(AMZ_DATE)} "
                f"({now.strftime(AMZ_DATE)} - 15 min.)"
            )
        if not amz_date.startswith(date):
            raise errors.InvalidSignatureException("Date in Credential scope does not match YYYYMMDD from ISO-8601")
        expected = _signature(request, parts["SignedHeaders"].split(";"), amz_date, access_key, secret, region, service)
        if not hmac.compare_digest(expected, parts["Signature"]):
            raise errors.InvalidSignatureException(
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method."
            )
        return access_key

    def check_bearer(self, authorization: str) -> str | None:
        """The access key id of a valid ``Bearer <id>:<secret>`` header, else None."""
        if not authorization.startswith(BEARER):
            return None
        access_key, _, secret = authorization.removeprefix(BEARER).strip().partition(":")
        expected = self._secrets.get(access_key)
        return access_key if expected is not None and hmac.compare_digest(expected, secret) else None


def verifier(mode: str, credentials: str | None) -> Verifier | None:
    """The verifier for ``SFN_AUTH``/``SFN_CREDENTIALS``; None when authentication is off."""
    if mode == "none":
        return None
    if mode != "sigv4":
        raise ValueError(f"SFN_AUTH must be 'none' or 'sigv4', not {mode!r}")
    if not credentials:
        raise ValueError("SFN_AUTH=sigv4 needs SFN_CREDENTIALS: a JSON object of access key id -> secret")
    return Verifier(read_credentials(credentials))


def read_credentials(value: str) -> dict[str, str]:
    """Access key id → secret, from JSON text or a file holding it (values may be ``{"secret": …}``)."""
    text = value if value.lstrip().startswith("{") else Path(value).read_text(encoding="utf-8")
    data: Any = loads(text)
    if not isinstance(data, dict) or not data:
        raise ValueError("SFN_CREDENTIALS must be a non-empty JSON object of access key id -> secret")
    secrets: dict[str, str] = {}
    for key, entry in data.items():
        secret = entry.get("secret") if isinstance(entry, dict) else entry
        if not isinstance(secret, str) or not secret:
            raise ValueError(f"SFN_CREDENTIALS: the secret of {key!r} must be a non-empty string")
        secrets[str(key)] = secret
    return secrets


def _authorization_parts(authorization: str) -> dict[str, str]:
    algorithm, _, rest = authorization.partition(" ")
    if algorithm != ALGORITHM:
        raise errors.IncompleteSignatureException(f"Unsupported authorization algorithm: {algorithm}")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        name, _, value = item.strip().partition("=")
        parts[name] = value
    missing = [name for name in ("Credential", "SignedHeaders", "Signature") if not parts.get(name)]
    if missing:
        raise errors.IncompleteSignatureException(
            f"Authorization header requires '{missing[0]}' parameter. Authorization={authorization}"
        )
    return parts


def _parse_date(amz_date: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(amz_date, AMZ_DATE).replace(tzinfo=dt.UTC)
    except ValueError:
        raise errors.IncompleteSignatureException(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        ) from None


def _signature(
    request: Request,
    signed_headers: list[str],
    amz_date: str,
    access_key: str,
    secret: str,
    region: str,
    service: str,
) -> str:
    """The signature botocore's signer makes for this request with this secret."""
    headers = {name: request.headers.get(name, "") for name in signed_headers}
    query = f"?{request.query}" if request.query else ""
    url = f"http://{headers.get('host') or request.headers.get('host', '')}{quote(request.path, safe='/~')}{query}"
    aws_request = AWSRequest(method=request.method, url=url, data=request.body, headers=headers)
    aws_request.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(access_key, secret), service, region)
    canonical = signer.canonical_request(aws_request)
    signature: str = signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
    return signature
