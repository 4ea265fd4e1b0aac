"""The HTTP task against mock transports (request shape, auth, errors) and once against a real local server."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from app.integrations.connections import ConnectionStore
from app.integrations.http_task import encode_form, invoke_http
from app.integrations.results import TaskFailure, TaskResult, TaskSuccess
from tests.support.echo_api import serving

ARN = "arn:aws:events:us-east-1:123456789012:connection/test/1"
API_KEY_CONNECTION = {"type": "API_KEY", "key": "x-api-key", "value": "secret-key"}
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A mock transport that records every request and answers with ``handler``."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.handler = handler or (lambda _request: httpx.Response(200, json={"ok": True}))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.handler(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def client_for(recorder: Recorder) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(recorder))


def store(spec: dict[str, Any] | None = None, clock: Callable[[], float] | None = None) -> ConnectionStore:
    raw = {ARN: spec or API_KEY_CONNECTION}
    return ConnectionStore.from_mapping(raw) if clock is None else ConnectionStore.from_mapping(raw, clock)


def task(**fields: Any) -> dict[str, Any]:
    base = {
        "ApiEndpoint": "https://api.example.com/v1/items",
        "Method": "GET",
        "Authentication": {"ConnectionArn": ARN},
    }
    return base | fields


def run(arguments: dict[str, Any], recorder: Recorder, connections: ConnectionStore | None = None) -> TaskResult:
    with client_for(recorder) as client:
        return invoke_http(arguments, connections or store(), client)


def query_of(request: httpx.Request) -> str:
    return request.url.query.decode()


# --- request --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
def test_every_method_is_sent(method: str) -> None:
    recorder = Recorder(lambda _r: httpx.Response(204))
    result = run(task(Method=method), recorder)
    assert isinstance(result, TaskSuccess)
    assert recorder.last.method == method
    assert str(recorder.last.url) == "https://api.example.com/v1/items"


def test_unknown_method_is_a_runtime_error() -> None:
    recorder = Recorder()
    result = run(task(Method="TRACE"), recorder)
    assert isinstance(result, TaskFailure)
    assert (result.error, result.cause.startswith("Method")) == ("States.Runtime", True)
    assert recorder.requests == []


def test_aws_fixed_headers_are_set() -> None:
    recorder = Recorder()
    with client_for(recorder) as client:
        invoke_http(task(), store(), client, region="eu-west-1")
    headers = recorder.last.headers
    assert headers["user-agent"] == "Amazon|StepFunctions|HttpInvoke|eu-west-1"
    assert headers["range"] == "bytes=0-262144"
    assert "content-type" not in headers  # no body, no content type


def test_query_parameters_object_string_and_existing_query() -> None:
    recorder = Recorder()
    run(task(QueryParameters={"currency": "usd", "tag": ["a", "b"], "n": 1, "flag": True, "q": "a b&c"}), recorder)
    assert query_of(recorder.last) == "currency=usd&tag=a&tag=b&n=1&flag=true&q=a%20b%26c"
    run(task(ApiEndpoint="https://api.example.com/s?limit=5", QueryParameters="page=2&x="), recorder)
    assert query_of(recorder.last) == "limit=5&page=2&x="


def test_json_body_by_default() -> None:
    recorder = Recorder()
    body = {"Card": {"Number": "123", "Name": "Jane Doe"}, "Items": [1, 2.5, None, True]}
    run(task(Method="POST", RequestBody=body), recorder)
    assert recorder.last.headers["content-type"] == "application/json; charset=UTF-8"
    assert json.loads(recorder.last.content) == body
    assert recorder.last.content == b'{"Card":{"Number":"123","Name":"Jane Doe"},"Items":[1,2.5,null,true]}'


def test_string_body_is_sent_as_is_and_definition_content_type_kept() -> None:
    recorder = Recorder()
    run(task(Method="POST", RequestBody="<xml/>", Headers={"Content-Type": "application/xml"}), recorder)
    assert recorder.last.content == b"<xml/>"
    assert recorder.last.headers["content-type"] == "application/xml"


def test_url_encoded_body_matches_the_aws_stripe_example() -> None:
    recorder = Recorder()
    arguments = task(
        Method="POST",
        Headers={"Content-Type": "application/x-www-form-urlencoded"},
        RequestBody={
            "description": "Monthly subscription",
            "metadata": {"order_details": "monthly report data"},
            "customer": "1234567890",
        },
        Transform={"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": "INDICES"}},
    )
    run(arguments, recorder)
    assert recorder.last.content == (
        b"description=Monthly%20subscription&metadata%5Border_details%5D=monthly%20report%20data&customer=1234567890"
    )
    assert recorder.last.headers["content-type"] == "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("array_format", "expected"),
    [
        ("INDICES", "array[0]=a&array[1]=b&array[2]=c&array[3]=d"),
        ("REPEAT", "array=a&array=b&array=c&array=d"),
        ("COMMAS", "array=a,b,c,d"),
        ("BRACKETS", "array[]=a&array[]=b&array[]=c&array[]=d"),
    ],
)
def test_array_formats_match_the_aws_examples(array_format: str, expected: str) -> None:
    encoded = encode_form({"array": ["a", "b", "c", "d"]}, array_format)
    assert unquote(encoded) == expected
    recorder = Recorder()
    transform = {"RequestBodyEncoding": "URL_ENCODED", "RequestEncodingOptions": {"ArrayFormat": array_format}}
    run(task(Method="POST", RequestBody={"array": ["a", "b", "c", "d"]}, Transform=transform), recorder)
    assert unquote(recorder.last.content.decode()) == expected
    assert recorder.last.headers["content-type"] == "application/x-www-form-urlencoded"


def test_form_encoding_of_nested_arrays_and_scalars() -> None:
    body = {"o": [{"k": 1}, {"k": 2}], "t": True, "n": None, "f": 2.0, "empty": []}
    assert unquote(encode_form(body)) == "o[0][k]=1&o[1][k]=2&t=true&n=&f=2"
    assert unquote(encode_form(body, "BRACKETS")) == "o[][k]=1&o[][k]=2&t=true&n=&f=2"


def test_url_encoding_needs_an_object_body() -> None:
    transform = {"RequestBodyEncoding": "URL_ENCODED"}
    result = run(task(Method="POST", RequestBody=[1, 2], Transform=transform), Recorder())
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"


@pytest.mark.parametrize(
    "transform",
    [{"RequestBodyEncoding": "GZIP"}, {"RequestEncodingOptions": {"ArrayFormat": "SPACES"}}, "URL_ENCODED"],
)
def test_bad_transform_is_a_runtime_error(transform: Any) -> None:
    result = run(task(Method="POST", RequestBody={"a": 1}, Transform=transform), Recorder())
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"


@pytest.mark.parametrize(
    "header",
    ["Authorization", "host", "Accept-Encoding", "If-Match", "TE", "X-Forwarded-For", "x-amz-date", "X-Amzn-Trace-Id"],
)
def test_forbidden_headers_fail_before_sending(header: str) -> None:
    recorder = Recorder()
    result = run(task(Headers={header: "v"}), recorder)
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"
    assert header in result.cause
    assert recorder.requests == []


def test_allowed_headers_are_sent() -> None:
    recorder = Recorder()
    run(task(Headers={"Request-Id": "r1", "Accept": "application/json", "X-Count": 3, "X-List": ["a", "b"]}), recorder)
    headers = recorder.last.headers
    assert (headers["request-id"], headers["accept"], headers["x-count"], headers["x-list"]) == (
        "r1",
        "application/json",
        "3",
        "a,b",
    )


@pytest.mark.parametrize(
    "arguments",
    [
        {"ApiEndpoint": "ftp://example.com/x", "Method": "GET", "Authentication": {"ConnectionArn": ARN}},
        {"ApiEndpoint": 42, "Method": "GET", "Authentication": {"ConnectionArn": ARN}},
        {"ApiEndpoint": "https://example.com", "Method": "GET"},
        {**task(), "Headers": "x: y"},
        {**task(), "QueryParameters": 5},
    ],
)
def test_malformed_task_is_a_runtime_error(arguments: dict[str, Any]) -> None:
    result = run(arguments, Recorder())
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"


def test_non_ascii_header_values_are_sent_as_utf8() -> None:
    recorder = Recorder()
    assert isinstance(run(task(Headers={"X-Name": "José"}), recorder), TaskSuccess)
    assert dict(recorder.last.headers.raw)[b"X-Name"] == "José".encode()


def test_invocation_config_names_the_connection_too() -> None:
    recorder = Recorder()
    arguments = task()
    del arguments["Authentication"]
    arguments["InvocationConfig"] = {"ConnectionArn": ARN}
    assert isinstance(run(arguments, recorder), TaskSuccess)
    assert recorder.last.headers["x-api-key"] == "secret-key"


# --- connections and authentication ----------------------------------------------------------------------------------


def test_unknown_connection_fails_with_the_eventbridge_error() -> None:
    recorder = Recorder()
    result = run(task(Authentication={"ConnectionArn": "arn:aws:events:us-east-1:1:connection/nope/1"}), recorder)
    assert isinstance(result, TaskFailure)
    assert result.error == "Events.ConnectionResource.ResourceNotFound"
    assert recorder.requests == []


def test_api_key_auth() -> None:
    recorder = Recorder()
    run(task(), recorder)
    assert recorder.last.headers["x-api-key"] == "secret-key"


def test_basic_auth() -> None:
    recorder = Recorder()
    run(task(), recorder, store({"type": "BASIC", "username": "user", "password": "p:ss"}))
    assert recorder.last.headers["authorization"] == "Basic " + base64.b64encode(b"user:p:ss").decode()


def test_connection_parameters_are_merged_and_win() -> None:
    """The AWS "Merging EventBridge connection and HTTP Task definition data" example."""
    connection = {
        **API_KEY_CONNECTION,
        "invocationHttpParameters": {
            "headers": {"Header-Param": "connection_header_param"},
            "queryString": {"QueryParam": "connection_query_param"},
            "body": {"BodyParam": "connection_body_param"},
        },
    }
    arguments = task(
        Method="POST",
        Headers={"Request-Id": "my_request_id", "header-param": "state_machine_header_param"},
        RequestBody={"Job": "Software Engineer", "Company": "AnyCompany", "BodyParam": "state_machine_body_param"},
        QueryParameters={"QueryParam": "state_machine_query_param", "Other": "kept"},
    )
    recorder = Recorder()
    run(arguments, recorder, store(connection))
    request = recorder.last
    assert query_of(request) == "Other=kept&QueryParam=connection_query_param"
    assert request.headers.get_list("header-param") == ["connection_header_param"]
    assert request.headers["request-id"] == "my_request_id"
    assert request.content == b'{"Job":"Software Engineer","Company":"AnyCompany","BodyParam":"connection_body_param"}'


def test_connection_body_alone_becomes_the_body() -> None:
    recorder = Recorder()
    run(task(Method="POST"), recorder, store({**API_KEY_CONNECTION, "invocationHttpParameters": {"body": {"a": 1}}}))
    assert json.loads(recorder.last.content) == {"a": 1}


def test_string_body_cannot_merge_with_connection_body() -> None:
    connection = {**API_KEY_CONNECTION, "invocationHttpParameters": {"body": {"a": "1"}}}
    result = run(task(Method="POST", RequestBody="raw"), Recorder(), store(connection))
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"


def test_aws_create_connection_shape_is_accepted() -> None:
    spec = {
        "AuthorizationType": "API_KEY",
        "AuthParameters": {
            "ApiKeyAuthParameters": {"ApiKeyName": "ApiKey", "ApiKeyValue": "key_value"},
            "InvocationHttpParameters": {"QueryStringParameters": [{"Key": "QueryParam", "Value": "q"}]},
        },
    }
    recorder = Recorder()
    run(task(), recorder, store(spec))
    assert recorder.last.headers["apikey"] == "key_value"
    assert query_of(recorder.last) == "QueryParam=q"


class OAuthServer:
    """Answers token requests at /token and API calls elsewhere, with a configurable API status."""

    def __init__(self) -> None:
        self.tokens_issued = 0
        self.api_status = 200
        self.expires_in: int | None = 3600

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            self.tokens_issued += 1
            document: dict[str, Any] = {"access_token": f"tok-{self.tokens_issued}", "token_type": "Bearer"}
            if self.expires_in is not None:
                document["expires_in"] = self.expires_in
            return httpx.Response(200, json=document)
        return httpx.Response(self.api_status, json={"seen": request.headers.get("authorization")})


OAUTH_CONNECTION = {
    "type": "OAUTH_CLIENT_CREDENTIALS",
    "tokenUrl": "https://idp.example.com/token",
    "clientId": "client",
    "clientSecret": "shh",
    "scope": "read write",
    "oauthHttpParameters": {"body": {"audience": "api"}, "headers": {"X-Idp": "1"}, "queryString": {"tenant": "t"}},
}


def test_oauth_token_is_fetched_with_client_credentials_and_cached() -> None:
    server = OAuthServer()
    recorder = Recorder(server)
    connections = store(OAUTH_CONNECTION)
    first = run(task(), recorder, connections)
    second = run(task(), recorder, connections)
    assert isinstance(first, TaskSuccess)
    assert isinstance(second, TaskSuccess)
    assert server.tokens_issued == 1
    assert first.output["ResponseBody"] == {"seen": "Bearer tok-1"}
    token_request = recorder.requests[0]
    assert token_request.method == "POST"
    assert token_request.headers["authorization"] == "Basic " + base64.b64encode(b"client:shh").decode()
    assert token_request.headers["x-idp"] == "1"
    assert query_of(token_request) == "tenant=t"
    assert dict(httpx.QueryParams(token_request.content.decode())) == {
        "grant_type": "client_credentials",
        "scope": "read write",
        "audience": "api",
    }
    assert [r.url.path for r in recorder.requests] == ["/token", "/v1/items", "/v1/items"]


def test_oauth_token_is_refreshed_before_it_expires() -> None:
    now = [1000.0]
    server = OAuthServer()
    server.expires_in = 120
    recorder = Recorder(server)
    connections = store(OAUTH_CONNECTION, clock=lambda: now[0])
    run(task(), recorder, connections)
    now[0] += 59  # 61 s left: still good
    run(task(), recorder, connections)
    assert server.tokens_issued == 1
    now[0] += 2  # 59 s left: inside EventBridge's 60 s refresh window
    result = run(task(), recorder, connections)
    assert server.tokens_issued == 2
    assert isinstance(result, TaskSuccess)
    assert result.output["ResponseBody"] == {"seen": "Bearer tok-2"}


@pytest.mark.parametrize("status", [401, 407])
def test_oauth_token_is_dropped_after_401_or_407(status: int) -> None:
    server = OAuthServer()
    server.expires_in = None
    recorder = Recorder(server)
    connections = store(OAUTH_CONNECTION)
    server.api_status = status
    result = run(task(), recorder, connections)
    assert isinstance(result, TaskFailure)
    assert result.error == f"States.Http.StatusCode.{status}"
    server.api_status = 200
    retried = run(task(), recorder, connections)
    assert isinstance(retried, TaskSuccess)
    assert retried.output["ResponseBody"] == {"seen": "Bearer tok-2"}


def test_oauth_token_failure_is_an_invalid_connection_state() -> None:
    recorder = Recorder(lambda r: httpx.Response(400 if r.url.path == "/token" else 200, json={}))
    result = run(task(), recorder, store(OAUTH_CONNECTION))
    assert isinstance(result, TaskFailure)
    assert result.error == "Events.ConnectionResource.InvalidConnectionState"
    assert [r.url.path for r in recorder.requests] == ["/token"]


def test_malformed_task_fails_before_any_token_is_fetched() -> None:
    recorder = Recorder(OAuthServer())
    result = run(task(Headers={"Authorization": "Bearer mine"}), recorder, store(OAUTH_CONNECTION))
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"
    assert recorder.requests == []


def test_oauth_get_token_endpoint_sends_the_form_in_the_query() -> None:
    server = OAuthServer()
    recorder = Recorder(server)
    run(task(), recorder, store({**OAUTH_CONNECTION, "httpMethod": "GET", "oauthHttpParameters": {}}))
    token_request = recorder.requests[0]
    assert token_request.method == "GET"
    assert dict(token_request.url.params) == {"grant_type": "client_credentials", "scope": "read write"}


# --- results and failures -------------------------------------------------------------------------------------------


def test_json_response_mapping() -> None:
    recorder = Recorder(
        lambda _r: httpx.Response(
            200, headers=[("Content-Type", "application/json"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")],
            content=b'{"id": 7, "tags": ["x"]}',
        )
    )  # fmt: skip
    result = run(task(), recorder)
    assert isinstance(result, TaskSuccess)
    assert list(result.output) == ["Headers", "ResponseBody", "StatusCode", "StatusText"]
    assert result.output["ResponseBody"] == {"id": 7, "tags": ["x"]}
    assert result.output["StatusCode"] == 200
    assert result.output["StatusText"] == "OK"
    assert result.output["Headers"]["content-type"] == ["application/json"]
    assert result.output["Headers"]["set-cookie"] == ["a=1", "b=2"]


def test_text_response_mapping() -> None:
    recorder = Recorder(lambda _r: httpx.Response(201, text="created {not json}"))
    result = run(task(Method="POST", RequestBody={}), recorder)
    assert isinstance(result, TaskSuccess)
    assert result.output["ResponseBody"] == "created {not json}"
    assert (result.output["StatusCode"], result.output["StatusText"]) == (201, "Created")


def test_invalid_json_with_json_content_type_stays_text() -> None:
    recorder = Recorder(lambda _r: httpx.Response(200, headers={"content-type": "application/json"}, content=b"{x"))
    result = run(task(), recorder)
    assert isinstance(result, TaskSuccess)
    assert result.output["ResponseBody"] == "{x"


@pytest.mark.parametrize("status", [400, 404, 409, 429, 500, 503])
def test_non_2xx_fails_with_the_status_code_error(status: int) -> None:
    recorder = Recorder(lambda _r: httpx.Response(status, json={"errors": ["nope"]}))
    result = run(task(), recorder)
    assert isinstance(result, TaskFailure)
    assert result.error == f"States.Http.StatusCode.{status}"
    assert result.cause == httpx.codes.get_reason_phrase(status)


def test_redirect_is_not_followed_and_fails_like_any_non_2xx() -> None:
    recorder = Recorder(lambda _r: httpx.Response(302, headers={"location": "https://elsewhere.example.com/"}))
    result = run(task(), recorder)
    assert result == TaskFailure("States.Http.StatusCode.302", "Found")


@pytest.mark.parametrize("content_type", ["application/octet-stream", "image/png", "video/mp4", "audio/mpeg"])
def test_binary_content_types_are_unsupported(content_type: str) -> None:
    recorder = Recorder(lambda _r: httpx.Response(200, headers={"content-type": content_type}, content=b"\x00\x01"))
    result = run(task(), recorder)
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"


def test_undecodable_body_is_unsupported() -> None:
    recorder = Recorder(lambda _r: httpx.Response(200, headers={"content-type": "text/plain"}, content=b"\xff\xfe\xfa"))
    result = run(task(), recorder)
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"


@pytest.mark.parametrize(
    "exception",
    [
        httpx.ConnectError("connection refused"),
        httpx.ConnectTimeout("timed out"),
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("server disconnected"),
    ],
)
def test_network_errors_are_socket_errors(exception: httpx.TransportError) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise exception

    result = run(task(), Recorder(fail))
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Http.Socket"
    assert type(exception).__name__ in result.cause


def test_other_request_errors_are_runtime_errors() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.DecodingError("bad gzip", request=request)

    result = run(task(), Recorder(fail))
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Runtime"


def test_timeouts_are_connect_10_read_60() -> None:
    recorder = Recorder()
    run(task(), recorder)
    timeout = recorder.last.extensions["timeout"]
    assert (timeout["connect"], timeout["read"]) == (10.0, 60.0)


# --- configuration --------------------------------------------------------------------------------------------------


def test_from_environment_reads_json_text_or_a_file(tmp_path: Path) -> None:
    document = json.dumps({ARN: API_KEY_CONNECTION})
    assert ConnectionStore.from_environment({"SFN_CONNECTIONS": document}).get(ARN).arn == ARN
    path = tmp_path / "connections.json"
    path.write_text(document, encoding="utf-8")
    assert ConnectionStore.from_environment({"SFN_CONNECTIONS": str(path)}).get(ARN).arn == ARN
    empty = ConnectionStore.from_environment({})
    result = run(task(), Recorder(), empty)
    assert isinstance(result, TaskFailure)
    assert result.error == "Events.ConnectionResource.ResourceNotFound"


@pytest.mark.parametrize(
    "spec",
    [{"type": "API_KEY", "key": "k"}, {"type": "DIGEST"}, {"type": "BASIC", "username": "u"}, ["not", "an", "object"]],
)
def test_malformed_connections_fail_at_load_time(spec: Any) -> None:
    with pytest.raises(ValueError):
        ConnectionStore.from_mapping({ARN: spec})


# --- a real server --------------------------------------------------------------------------------------------------


class _EchoHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        body = json.dumps(
            {
                "path": self.path,
                "body": self.rfile.read(length).decode(),
                "headers": {name.lower(): value for name, value in self.headers.items()},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.send_error(404, "Not Found")

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture
def echo_server() -> Iterator[str]:
    with serving(_EchoHandler) as url:
        yield url


def test_real_transport_against_a_local_server(echo_server: str) -> None:
    connections = store({"type": "BASIC", "username": "u", "password": "p"})
    with httpx.Client() as client:
        ok = invoke_http(
            task(ApiEndpoint=f"{echo_server}/echo", Method="POST", QueryParameters={"a": "1"}, RequestBody={"m": "hi"}),
            connections,
            client,
        )
        missing = invoke_http(task(ApiEndpoint=f"{echo_server}/missing"), connections, client)
    assert isinstance(ok, TaskSuccess)
    assert ok.output["StatusCode"] == 200
    echoed = ok.output["ResponseBody"]
    assert echoed["path"] == "/echo?a=1"
    assert echoed["body"] == '{"m":"hi"}'
    assert echoed["headers"]["authorization"] == "Basic dTpw"
    assert echoed["headers"]["range"] == "bytes=0-262144"
    assert ok.output["Headers"]["content-type"] == ["application/json"]
    assert missing == TaskFailure("States.Http.StatusCode.404", "Not Found")


def test_real_transport_connection_refused_is_a_socket_error() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    port = server.server_address[1]
    server.server_close()  # nothing listens on this port any more
    with httpx.Client() as client:
        result = invoke_http(task(ApiEndpoint=f"http://127.0.0.1:{port}/x"), store(), client)
    assert isinstance(result, TaskFailure)
    assert result.error == "States.Http.Socket"
