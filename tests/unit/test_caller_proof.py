"""The caller URL a function gets proves which execution it serves; a changed ARN or proof is no caller."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from app.arns import CALLER_PATH_PREFIX, caller_endpoint, caller_of_path

KEY = b"k" * 32
ARN = "arn:aws:states:us-east-1:123456789012:execution:machine:run-1"


def _path(url: str) -> str:
    """The path as the ASGI server hands it over: percent-decoded once."""
    return unquote(urlsplit(url).path)


def test_the_endpoint_names_its_execution() -> None:
    assert caller_of_path(_path(caller_endpoint("http://127.0.0.1:8083/", ARN, KEY)), KEY) == ARN


def test_an_sdk_quoting_the_path_once_more_changes_nothing() -> None:
    url = caller_endpoint("http://127.0.0.1:8083", ARN, KEY)
    requoted = urlsplit(url).path.replace("%", "%25")
    assert caller_of_path(unquote(requoted), KEY) == ARN


def test_a_forged_caller_is_none() -> None:
    genuine = _path(caller_endpoint("http://h", ARN, KEY))
    proof = genuine.rsplit("/", 1)[1]
    other = ARN.replace("run-1", "run-2")
    assert caller_of_path(f"{CALLER_PATH_PREFIX}{quote(other, safe='')}/{proof}", KEY) is None
    assert caller_of_path(f"{CALLER_PATH_PREFIX}{quote(ARN, safe='')}", KEY) is None
    assert caller_of_path(genuine, b"another key") is None
    assert caller_of_path("/", KEY) is None
