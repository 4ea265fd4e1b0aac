"""JSON text in and out of the service: one module, one library (orjson), one compact form.

Step Functions writes JSON the way ``json.dumps(value, separators=(",", ":"), ensure_ascii=False)``
does: no spaces, non-ASCII kept as is. orjson writes exactly that, many times faster, and parses
faster too. The standard library stays behind it for what orjson refuses or cannot do:

- integers beyond 64 bits, which orjson cannot write and would read as floats (AWS keeps them);
- lone UTF-16 surrogates in ``\\u`` escapes, which JSON allows and orjson rejects;
- parsers that must see every member (to refuse duplicate keys), scanners that need the
  offset where a value ends, and the spaced form the Lambda Python runtime writes its error
  documents in.

No other module imports ``json`` or ``orjson``: a test checks it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson

Fragment = orjson.Fragment
JSONDecodeError = json.JSONDecodeError

# A run of 19 digits may be an integer past 64 bits, which orjson would turn into a float.
_LONG_NUMBER = re.compile(r"\d{19}")
_LONG_NUMBER_BYTES = re.compile(rb"\d{19}")
#: The deepest nesting a JSON value may have here (deeper values cannot be written back reliably).
MAX_DEPTH = 512
_UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")
_SCANNER = json.JSONDecoder()


def dumps(value: Any) -> str:
    """Compact JSON text, the form AWS uses for inputs, outputs and event details."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # an integer past 64 bits, or a lone surrogate
        return _careful_dumps(value)


def storable_text(text: str | None) -> str | None:
    """Plain text (an error, a cause) as every database stores it: NUL and unpaired surrogates,
    which PostgreSQL refuses, become U+FFFD. JSON text needs none of this: it escapes them."""
    return None if text is None else _UNSTORABLE_TEXT.sub("\ufffd", text)


def _careful_dumps(value: Any) -> str:
    """The standard library's JSON text for what orjson refuses: integers past 64 bits (kept exact)
    and lone surrogates (written as ``\\ud800`` escapes, so the text stays valid UTF-8 and storable)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    try:
        text.encode()
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":"))
    return text


def dumps_bytes(value: Any) -> bytes:
    """:func:`dumps` as UTF-8 bytes, for an HTTP body."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return dumps(value).encode("utf-8", "surrogatepass")


def loads(text: str | bytes) -> Any:
    """The value of JSON text; ``ValueError`` (a :class:`JSONDecodeError`) when it is not JSON.

    ``NaN`` and ``Infinity`` are refused, as by AWS; integers of any size are kept exactly.
    """
    pattern: Any = _LONG_NUMBER_BYTES if isinstance(text, bytes) else _LONG_NUMBER
    if pattern.search(text) is None:
        try:
            parsed = orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # perhaps a lone surrogate: the standard library decides
        else:
            _require_shallow(text, parsed)
            return parsed
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("JSON nesting is too deep") from None
    _require_shallow(text, value)
    return value


def _require_shallow(text: str | bytes, value: Any) -> None:
    """Refuse values nested past :data:`MAX_DEPTH`, which could not be written back reliably (orjson
    writes 255 levels, the standard library fewer than its recursion limit); only text with that
    many brackets is walked."""
    brackets = text.count(b"[") + text.count(b"{") if isinstance(text, bytes) else text.count("[") + text.count("{")
    if brackets <= MAX_DEPTH:
        return
    level = [(value, 1)]
    while level:
        node, depth = level.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"JSON nesting is too deep (more than {MAX_DEPTH} levels)")
        if isinstance(node, dict):
            level.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            level.extend((child, depth + 1) for child in node)


def dumps_stored(value: Any) -> str:
    """:func:`dumps` for text only this service reads back (snapshots), marked when it needs :func:`loads`.

    Text orjson wrote holds no integer it cannot read back, so :func:`loads_stored` reads it
    without looking for long numbers first; the rare text the standard library had to write
    starts with a space (still JSON) to say it needs the careful reader.
    """
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return " " + _careful_dumps(value)


def loads_stored(text: str) -> Any:
    """The value of text :func:`dumps_stored` wrote: no scan for long numbers unless the mark asks for it."""
    if text.startswith(" "):
        return loads(text)
    return orjson.loads(text)


def loads_members(
    text: str, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any], *, refuse_constants: bool = True
) -> Any:
    """Parse with a hook that sees every member of every object in order (to refuse duplicates).

    ``refuse_constants=False`` reads ``NaN`` and ``Infinity`` as numbers (a validator reports them later).
    """
    parse_constant = _refuse_constant if refuse_constants else None
    return json.loads(text, object_pairs_hook=object_pairs_hook, parse_constant=parse_constant)


def decode_at(text: str, index: int) -> tuple[Any, int]:
    """The JSON value that starts exactly at ``index``, and the offset just past its end.

    For scanners that must know where things are in a text (orjson tells no offsets).
    """
    return _SCANNER.raw_decode(text, index)


def dumps_canonical(value: Any) -> str:
    """Text that is equal for equal values whatever their key order (for telling values apart)."""
    return json.dumps(value, sort_keys=True)


def dumps_spaced(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """JSON as the Python standard library writes it by default (``", "`` and ``": "``).

    The Lambda Python runtime marshals results and error documents this way, and Step Functions
    passes an error document's text through unchanged.
    """
    return json.dumps(value, default=default)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
