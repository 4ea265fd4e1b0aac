"""A recursive-descent parser for intrinsic function calls such as ``States.Format('{}', $.a)``.

Grammar (whitespace allowed around arguments)::

    call     := name '(' [argument (',' argument)*] ')'
    name     := identifier ('.' identifier)*
    argument := string | number | 'true' | 'false' | 'null' | path | call
    string   := "'" (char | '\\' ("'" | '{' | '}' | '\\'))* "'"
    path     := '$' ...  (up to the next top-level ',', ')' or blank; brackets may hold anything)

The parser knows nothing about which functions exist or how paths resolve: it only builds the tree,
so the definition validator can reject malformed text before any execution starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_KEYWORDS: dict[str, Any] = {"true": True, "false": False, "null": None}
_ESCAPABLE = frozenset("'{}\\")
_ARGUMENT_END = frozenset(",) \t\r\n")


class IntrinsicSyntaxError(ValueError):
    """The text is not a well-formed intrinsic function call (raised before anything runs)."""


class TemplateText(str):
    """A string literal that contained ``\\{`` or ``\\}``.

    ``States.Format`` must not read escaped braces as placeholders, so the literal remembers which
    character positions came from an escape. Everywhere else it is an ordinary string.
    """

    escaped: frozenset[int]

    def __new__(cls, value: str, escaped: frozenset[int]) -> TemplateText:
        text = super().__new__(cls, value)
        text.escaped = escaped
        return text


@dataclass(frozen=True)
class Literal:
    """A constant argument: a string, number, boolean or null."""

    value: Any


@dataclass(frozen=True)
class PathArgument:
    """A ``$``/``$$``/``$variable`` path, resolved against the data scope at run time."""

    path: str


@dataclass(frozen=True)
class IntrinsicCall:
    """One call in the tree; its arguments may themselves be calls."""

    name: str
    args: tuple[Argument, ...]


Argument = Literal | PathArgument | IntrinsicCall


def parse_call(text: str) -> IntrinsicCall:
    """Parse ``text`` as a single intrinsic call, or raise :class:`IntrinsicSyntaxError`."""
    parser = _Parser(text)
    parser.skip_blanks()
    call = parser.call()
    parser.skip_blanks()
    if not parser.at_end():
        raise parser.error(f"unexpected {parser.peek()!r} after the closing parenthesis")
    return call


class _Parser:
    """Cursor over the text; one method per grammar rule."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str) -> IntrinsicSyntaxError:
        """Position and full text in every message, so a definition error is easy to find."""
        return IntrinsicSyntaxError(f"{message} at position {self.pos} in intrinsic function {self.text!r}")

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_blanks(self) -> None:
        while self.peek() and self.peek().isspace():
            self.pos += 1

    def expect(self, char: str) -> None:
        if self.peek() != char:
            found = repr(self.peek()) if self.peek() else "the end of the text"
            raise self.error(f"expected {char!r} but found {found}")
        self.pos += 1

    def call(self) -> IntrinsicCall:
        match = _IDENTIFIER.match(self.text, self.pos)
        if match is None:
            raise self.error("expected a function name such as States.Format")
        self.pos = match.end()
        self.expect("(")
        return IntrinsicCall(match.group(), self.arguments())

    def arguments(self) -> tuple[Argument, ...]:
        self.skip_blanks()
        if self.peek() == ")":
            self.pos += 1
            return ()
        args = [self.argument()]
        while True:
            self.skip_blanks()
            if self.peek() == ")":
                self.pos += 1
                return tuple(args)
            self.expect(",")
            args.append(self.argument())

    def argument(self) -> Argument:
        self.skip_blanks()
        char = self.peek()
        if char == "'":
            return Literal(self.string())
        if char == "$":
            return PathArgument(self.path())
        if char == "-" or char.isdigit():
            return Literal(self.number())
        return self.word()

    def string(self) -> str:
        """A quoted literal; only ``\\'``, ``\\{``, ``\\}`` and ``\\\\`` are valid escapes."""
        self.pos += 1
        chars: list[str] = []
        escaped: set[int] = set()
        while (char := self.peek()) != "'":
            if not char:
                raise self.error("unterminated string literal")
            if char == "\\":
                self.pos += 1
                char = self.peek()
                if char not in _ESCAPABLE:
                    raise self.error("a backslash may only escape ', {, } or \\")
                escaped.add(len(chars))
            chars.append(char)
            self.pos += 1
        self.pos += 1
        value = "".join(chars)
        braces = frozenset(i for i in escaped if value[i] in "{}")
        return TemplateText(value, braces) if braces else value

    def number(self) -> int | float:
        """JSON number syntax; integers stay ``int`` so results keep their JSON type."""
        match = _NUMBER.match(self.text, self.pos)
        if match is None:
            raise self.error("malformed number")
        self.pos = match.end()
        if self.peek() and self.peek() not in _ARGUMENT_END:
            raise self.error("malformed number")
        fraction, exponent = match.groups()
        return float(match.group()) if fraction or exponent else int(match.group())

    def word(self) -> Argument:
        """``true``/``false``/``null`` or a nested call."""
        match = _IDENTIFIER.match(self.text, self.pos)
        if match is None:
            found = repr(self.peek()) if self.peek() else "the end of the text"
            raise self.error(f"expected an argument but found {found}")
        if match.group() in _KEYWORDS:
            self.pos = match.end()
            return Literal(_KEYWORDS[match.group()])
        return self.call()

    def path(self) -> str:
        """Raw path text; commas and parentheses inside brackets (filters, quoted keys) do not end it."""
        start = self.pos
        depth = 0
        quote = ""
        while char := self.peek():
            if quote:
                quote = "" if char == quote else quote
                self.pos += 2 if char == "\\" else 1
                continue
            if depth == 0 and char in _ARGUMENT_END:
                break
            if char in "[(":
                depth += 1
            elif char in "])":
                depth -= 1
            elif char in "'\"" and depth > 0:
                quote = char
            self.pos += 1
        return self.text[start : self.pos]
