"""Where a diagnostic's location lies in the definition's text, as a line and column for people.

Diagnostics name places by path (``/States/A/Retry[0]/Next``); an editor wants a line. The text
is scanned rather than parsed again: each object or array on a path is indexed once (the offsets
of its members, whose values the codec skips at C speed), so any number of lookups in a large
definition cost about one pass over the text per level of nesting.
"""

from __future__ import annotations

import bisect
import re

from app.codec import JSONDecodeError, decode_at

_BLANKS = re.compile(r"[ \t\n\r]*")
_INDEX = re.compile(r"\[(\d+)\]")

Position = tuple[int, int]


class SourceMap:
    """Positions in one JSON text; its lookups never fail, they find less."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self._objects: dict[int, dict[str, tuple[int, int]]] = {}
        self._arrays: dict[int, list[int]] = {}

    def position(self, location: str) -> Position | None:
        """(line, column), from 1, of the place ``location`` names.

        A member is found at its key, an array element at its first character. A path that goes
        further than the document (a missing field) stops at the deepest place that exists; a
        state name holding ``/`` or ``[`` is matched against the keys that are there, longest
        first. None when the text is not JSON.
        """
        try:
            root = self._skip_blanks(0)
            return self._line_column(self._find(root, root, location))
        except (JSONDecodeError, IndexError):
            return None

    def _find(self, value: int, here: int, rest: str) -> int:
        """Offset of the deepest place along ``rest`` below the value at ``value`` (found at ``here``)."""
        while rest:
            opening = self._text[value]
            if opening == "{" and rest.startswith("/"):
                members = self._members(value)
                key = next((rest[1:end] for end in _key_ends(rest) if rest[1:end] in members), None)
                if key is None:
                    break
                here, value = members[key]
                rest = rest[len(key) + 1 :]
            elif opening == "[" and (index := _INDEX.match(rest)) and int(index[1]) < len(self._items(value)):
                here = value = self._items(value)[int(index[1])]
                rest = rest[index.end() :]
            else:
                break
        return here

    def _members(self, start: int) -> dict[str, tuple[int, int]]:
        """Each key of the object at ``start``, with the offsets of the key and of its value.

        A key given twice keeps its last place, as the parsed definition keeps its last value.
        """
        if start not in self._objects:
            members: dict[str, tuple[int, int]] = {}
            for key_at in self._entries(start, "}"):
                key, end = decode_at(self._text, key_at)
                value_at = self._skip_blanks(self._skip_blanks(end) + 1)  # past the ':'
                members[key] = (key_at, value_at)
            self._objects[start] = members
        return self._objects[start]

    def _items(self, start: int) -> list[int]:
        """Offsets of the elements of the array at ``start``."""
        if start not in self._arrays:
            self._arrays[start] = list(self._entries(start, "]"))
        return self._arrays[start]

    def _entries(self, start: int, closing: str) -> list[int]:
        """Offsets of the entries (a member's key, an element) of the container at ``start``."""
        entries: list[int] = []
        at = self._skip_blanks(start + 1)
        while self._text[at] != closing:
            entries.append(at)
            _, at = decode_at(self._text, at)
            if closing == "}":  # skip the ':' and the member's value
                _, at = decode_at(self._text, self._skip_blanks(self._skip_blanks(at) + 1))
            at = self._skip_blanks(at)
            if self._text[at] == ",":
                at = self._skip_blanks(at + 1)
        return entries

    def _skip_blanks(self, at: int) -> int:
        match = _BLANKS.match(self._text, at)
        return match.end() if match else at

    def _line_column(self, offset: int) -> Position:
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


def _key_ends(rest: str) -> list[int]:
    """Where the first key of ``rest`` (``/key...``) may end, longest first."""
    ends = [end for end in range(1, len(rest)) if rest[end] in "/["]
    return [len(rest), *reversed(ends)]
