"""EventBridge-style connections for the HTTP task: credentials live in local configuration, never in a definition.

``SFN_CONNECTIONS`` holds JSON text, or the path of a JSON file, mapping a ConnectionArn to one connection::

    {"arn:aws:events:us-east-1:123456789012:connection/stripe/1": {
        "type": "API_KEY", "key": "Authorization", "value": "Bearer sk_test",
        "invocationHttpParameters": {"headers": {"X-Team": "a"}, "queryString": {}, "body": {}}},
     "...": {"type": "BASIC", "username": "u", "password": "p"},
     "...": {"type": "OAUTH_CLIENT_CREDENTIALS", "tokenUrl": "https://idp/token", "clientId": "id",
             "clientSecret": "secret", "scope": "read", "httpMethod": "POST",
             "oauthHttpParameters": {"headers": {}, "queryString": {}, "body": {"audience": "api"}}}}

The shape EventBridge's ``CreateConnection`` takes (``AuthorizationType`` + ``AuthParameters``) is accepted too, so a
connection can be copied from AWS. Parameter groups may be objects or AWS's ``[{"Key": ..., "Value": ...}]`` lists.

OAuth follows EventBridge (eb-target-connection-auth): the client id and secret are exchanged for a token (client
credentials grant, id/secret as HTTP Basic), the token is cached, refreshed when it is within 60 s of expiring, and
dropped when the API answers 401 or 407 so that the task's next retry fetches a new one.

Failures use the ``Events.ConnectionResource.*`` names of the "Connection errors" section of AWS's "Call HTTPS APIs"
page: an unknown ARN is ``Events.ConnectionResource.ResourceNotFound``; a token that cannot be obtained is
``Events.ConnectionResource.InvalidConnectionState`` (EventBridge deauthorizes such a connection).
"""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from app.codec import dumps_spaced, loads

ENV_VAR = "SFN_CONNECTIONS"
NOT_FOUND = "Events.ConnectionResource.ResourceNotFound"
INVALID_STATE = "Events.ConnectionResource.InvalidConnectionState"
_REFRESH_MARGIN_SECONDS = 60.0
_TOKEN_TIMEOUT = httpx.Timeout(60.0, connect=10.0)


class ConnectionResourceError(Exception):
    """A connection problem with the ASL error name the task fails with."""

    def __init__(self, error: str, cause: str) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


@dataclass(frozen=True)
class HttpParameters:
    """Headers, query string and body parameters a connection adds to requests (its values win on conflicts)."""

    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiKeyAuth:
    """Sends ``key: value`` as a header on every request."""

    key: str
    value: str


@dataclass(frozen=True)
class BasicAuth:
    """Sends ``Authorization: Basic base64(username:password)``."""

    username: str
    password: str


@dataclass(frozen=True)
class OAuthClientCredentials:
    """Exchanges a client id and secret at ``token_url`` for a bearer token."""

    token_url: str
    client_id: str
    client_secret: str
    scope: str | None = None
    method: str = "POST"
    parameters: HttpParameters = field(default_factory=HttpParameters)


Authorization = ApiKeyAuth | BasicAuth | OAuthClientCredentials


@dataclass(frozen=True)
class Connection:
    """One connection: how to authorize, and what to merge into every invocation."""

    arn: str
    auth: Authorization
    invocation: HttpParameters = field(default_factory=HttpParameters)


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float | None


class ConnectionStore:
    """Connections by ARN, plus the OAuth tokens fetched for them (shared by every task of the process)."""

    def __init__(self, connections: Mapping[str, Connection], clock: Callable[[], float] = time.monotonic) -> None:
        self._connections = dict(connections)
        self._clock = clock
        self._tokens: dict[str, _Token] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any], clock: Callable[[], float] = time.monotonic) -> ConnectionStore:
        """Build from the decoded ``SFN_CONNECTIONS`` document; a malformed entry fails at start-up, not mid-run."""
        return cls({arn: parse_connection(arn, spec) for arn, spec in raw.items()}, clock)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ConnectionStore:
        """Read ``SFN_CONNECTIONS`` (JSON text or a file path); no variable means no connections."""
        value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
        if not value:
            return cls({})
        text = value if value.startswith("{") else Path(value).read_text(encoding="utf-8")
        document = loads(text)
        if not isinstance(document, dict):
            raise ValueError(f"{ENV_VAR} must hold a JSON object mapping ConnectionArn to a connection")
        return cls.from_mapping(document)

    def get(self, arn: str) -> Connection:
        """The connection for ``arn``, or the error AWS raises for a missing one."""
        connection = self._connections.get(arn)
        if connection is None:
            raise ConnectionResourceError(NOT_FOUND, f"Connection resource {arn} does not exist.")
        return connection

    def auth_headers(self, connection: Connection, client: httpx.Client) -> dict[str, str]:
        """The headers that authorize a request through ``connection``."""
        auth = connection.auth
        if isinstance(auth, ApiKeyAuth):
            return {auth.key: auth.value}
        if isinstance(auth, BasicAuth):
            secret = base64.b64encode(f"{auth.username}:{auth.password}".encode()).decode("ascii")
            return {"Authorization": f"Basic {secret}"}
        return {"Authorization": f"Bearer {self._token(connection.arn, auth, client)}"}

    def invalidate_token(self, arn: str) -> None:
        """Forget a cached token, as EventBridge does after a 401 or 407, so the next call fetches a new one."""
        with self._lock:
            self._tokens.pop(arn, None)

    def _token(self, arn: str, auth: OAuthClientCredentials, client: httpx.Client) -> str:
        with self._lock:
            cached = self._tokens.get(arn)
            if cached is not None and not self._expiring(cached):
                return cached.value
            token = self._fetch(auth, client)
            self._tokens[arn] = token
            return token.value

    def _expiring(self, token: _Token) -> bool:
        return token.expires_at is not None and self._clock() >= token.expires_at - _REFRESH_MARGIN_SECONDS

    def _fetch(self, auth: OAuthClientCredentials, client: httpx.Client) -> _Token:
        form: dict[str, Any] = {"grant_type": "client_credentials"}
        if auth.scope:
            form["scope"] = auth.scope
        form.update({key: _text(value) for key, value in auth.parameters.body.items()})
        query = dict(auth.parameters.query)
        in_query = auth.method in ("GET", "DELETE", "HEAD")
        try:
            response = client.request(
                auth.method,
                auth.token_url,
                params={**query, **form} if in_query else query,
                data=None if in_query else form,
                headers=dict(auth.parameters.headers),
                auth=(auth.client_id, auth.client_secret),
                timeout=_TOKEN_TIMEOUT,
            )
        except httpx.HTTPError as exc:
            cause = f"OAuth token request to {auth.token_url} failed: {exc}"
            raise ConnectionResourceError(INVALID_STATE, cause) from exc
        return self._read_token(auth.token_url, response)

    def _read_token(self, url: str, response: httpx.Response) -> _Token:
        if not response.is_success:
            raise ConnectionResourceError(INVALID_STATE, f"OAuth token endpoint {url} answered {response.status_code}")
        try:
            document = response.json()
        except ValueError:
            document = None
        access_token = document.get("access_token") if isinstance(document, dict) else None
        if not isinstance(access_token, str) or not access_token:
            raise ConnectionResourceError(INVALID_STATE, f"OAuth token endpoint {url} returned no access_token")
        lifetime = _seconds(document.get("expires_in")) if isinstance(document, dict) else None
        return _Token(access_token, None if lifetime is None else self._clock() + lifetime)


def parse_connection(arn: str, spec: Any) -> Connection:
    """One configuration entry, in this server's shape or in EventBridge's ``CreateConnection`` shape."""
    if not isinstance(spec, Mapping):
        raise ValueError(f"connection {arn}: expected an object")
    if "AuthorizationType" in spec:
        return _parse_aws_shape(arn, spec)
    kind = spec.get("type")
    invocation = _parameters(spec.get("invocationHttpParameters"))
    if kind == "API_KEY":
        return Connection(arn, ApiKeyAuth(_required(spec, "key", arn), _required(spec, "value", arn)), invocation)
    if kind == "BASIC":
        auth = BasicAuth(_required(spec, "username", arn), _required(spec, "password", arn))
        return Connection(arn, auth, invocation)
    if kind == "OAUTH_CLIENT_CREDENTIALS":
        return Connection(arn, _oauth(spec, arn), invocation)
    raise ValueError(f"connection {arn}: type must be API_KEY, BASIC or OAUTH_CLIENT_CREDENTIALS, not {kind!r}")


def _oauth(spec: Mapping[str, Any], arn: str) -> OAuthClientCredentials:
    scope = spec.get("scope")
    return OAuthClientCredentials(
        token_url=_required(spec, "tokenUrl", arn),
        client_id=_required(spec, "clientId", arn),
        client_secret=_required(spec, "clientSecret", arn),
        scope=str(scope) if scope else None,
        method=str(spec.get("httpMethod", "POST")).upper(),
        parameters=_parameters(spec.get("oauthHttpParameters")),
    )


def _parse_aws_shape(arn: str, spec: Mapping[str, Any]) -> Connection:
    """Translate ``{"AuthorizationType": ..., "AuthParameters": {...}}`` into this module's shape."""
    params = spec.get("AuthParameters") or {}
    kind = spec["AuthorizationType"]
    invocation = params.get("InvocationHttpParameters")
    if kind == "API_KEY":
        key = params.get("ApiKeyAuthParameters") or {}
        local: dict[str, Any] = {"type": kind, "key": key.get("ApiKeyName"), "value": key.get("ApiKeyValue")}
    elif kind == "BASIC":
        basic = params.get("BasicAuthParameters") or {}
        local = {"type": kind, "username": basic.get("Username"), "password": basic.get("Password")}
    elif kind == "OAUTH_CLIENT_CREDENTIALS":
        oauth = params.get("OAuthParameters") or {}
        client = oauth.get("ClientParameters") or {}
        local = {
            "type": kind,
            "tokenUrl": oauth.get("AuthorizationEndpoint"),
            "clientId": client.get("ClientID"),
            "clientSecret": client.get("ClientSecret"),
            "httpMethod": oauth.get("HttpMethod", "POST"),
            "oauthHttpParameters": oauth.get("OAuthHttpParameters"),
        }
    else:
        raise ValueError(f"connection {arn}: unsupported AuthorizationType {kind!r}")
    return parse_connection(arn, {**local, "invocationHttpParameters": invocation})


def _parameters(raw: Any) -> HttpParameters:
    """Accept ``{"headers", "queryString", "body"}`` or AWS's ``HeaderParameters``/... lists."""
    if not raw:
        return HttpParameters()
    if not isinstance(raw, Mapping):
        raise ValueError("HTTP parameters must be an object")
    headers = raw.get("headers", raw.get("HeaderParameters"))
    query = raw.get("queryString", raw.get("QueryStringParameters"))
    body = raw.get("body", raw.get("BodyParameters"))
    return HttpParameters(
        headers={key: _text(value) for key, value in _pairs(headers).items()},
        query={key: _text(value) for key, value in _pairs(query).items()},
        body=_pairs(body),
    )


def _pairs(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, list) and all(isinstance(item, Mapping) and "Key" in item for item in raw):
        return {str(item["Key"]): item.get("Value", "") for item in raw}
    raise ValueError('parameters must be an object or a list of {"Key": ..., "Value": ...}')


def _required(spec: Mapping[str, Any], name: str, arn: str) -> str:
    value = spec.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"connection {arn}: {name} is required")
    return value


def _seconds(value: Any) -> float | None:
    """``expires_in`` as seconds; absent or unreadable means the token lives until the API rejects it."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return dumps_spaced(value)
