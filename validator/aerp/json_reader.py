"""A strict JSON reader: the C ``json`` parser with hooks, positions found only when needed.

Python's ``json`` accepts NaN and Infinity, keeps the last of two duplicate keys and turns
1e999 into infinity; the hooks below refuse all of them. ``json`` knows no line numbers,
so the line and column of each node are recovered by :func:`scan_positions` the first time a
finding asks for one: files without findings never pay for it.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import math
import re
from typing import Any

from aerp.load import Document, Limits, LoadError, Position, check_bounds
from aerp.pointer import escape


class _Refused(Exception):
    def __init__(self, check: str, message: str, token: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.check = check
        self.message = message
        self.token = token
        self.hint = hint


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(
                "AERP-L005",
                f"duplicate key `{key}` in the same object",
                json.dumps(key),
                hint="JSON readers keep only one of the values; remove or rename the other",
            )
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise _Refused(
        "AERP-L009", f"numbers must be finite; `{name}` is not JSON", name, hint="NaN and infinity are not measurements"
    )


def _float(text: str, max_number_length: int) -> float:
    if len(text) > max_number_length:
        raise _Refused("AERP-L011", f"a number written with {len(text)} characters exceeds the limit", text[:20])
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(
            "AERP-L009",
            f"the number {text} is too large to be finite",
            text,
            hint="check the unit: a larger unit gives a smaller number",
        )
    return value


def _int(text: str, max_number_length: int) -> int:
    if len(text) > max_number_length:
        raise _Refused("AERP-L011", f"an integer written with {len(text)} digits exceeds the limit", text[:20])
    return int(text)


def read_json(text: str, limits: Limits) -> Document:
    locate = _Locator(text)
    try:
        data = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=_constant,
            parse_float=lambda t: _float(t, limits.max_number_length),
            parse_int=lambda t: _int(t, limits.max_number_length),
        )
    except _Refused as refused:
        raise LoadError(refused.check, refused.message, *locate.token(refused.token), hint=refused.hint) from None
    except json.JSONDecodeError as exc:
        raise LoadError("AERP-L004", f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise LoadError("AERP-L011", "the document nests too deeply to read") from None
    except ValueError as exc:  # e.g. the interpreter's integer-digits limit
        raise LoadError("AERP-L011", f"a value cannot be read: {exc}") from None
    document = Document(data=data, format="json", _locate_lazily=locate.all)
    check_bounds(data, limits, document.locate)
    return document


_TOKEN = re.compile(
    r'[ \t\r\n]*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\]:,])|(?P<literal>[^ \t\r\n{}\[\]:,"]+))',
    re.DOTALL,
)


class _Locator:
    """Recovers line:column for JSON Pointers by re-scanning the text with a tokenizer."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines: list[int] | None = None

    def _position(self, offset: int) -> Position:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def token(self, token: str) -> Position:
        """Where a refused token first stands (good enough for one finding)."""
        offset = self.text.find(token)
        return self._position(offset) if offset >= 0 else (1, 1)

    def all(self) -> dict[str, Position]:
        positions: dict[str, Position] = {}
        with contextlib.suppress(IndexError, ValueError, RecursionError):
            self._walk(positions)  # a partial map still locates what it reached
        positions.setdefault("", (1, 1))
        return positions

    def _walk(self, positions: dict[str, Position]) -> None:
        tokens = [(m.lastgroup, m.group(m.lastgroup), m.start(m.lastgroup)) for m in _TOKEN.finditer(self.text)]
        # frames: [pointer, kind, next index or pending key]
        stack: list[list[Any]] = []
        expect_key = False
        pending = ""
        for kind, value, offset in tokens:
            if kind == "punct" and value in ",:":
                if value == "," and stack:
                    frame = stack[-1]
                    if frame[1] == "object":
                        expect_key = True
                    else:
                        frame[2] += 1
                        pending = f"{frame[0]}/{frame[2]}"
                continue
            if kind == "punct" and value in "}]":
                stack.pop()
                expect_key = False
                continue
            if expect_key and kind == "string":
                key = json.loads(value)
                pending = f"{stack[-1][0]}/{escape(key)}"
                positions[pending] = self._position(offset)
                expect_key = False
                continue
            if not stack or stack[-1][1] == "array":
                positions.setdefault(pending, self._position(offset))
            if value == "{":
                stack.append([pending, "object", None])
                expect_key = True
            elif value == "[":
                stack.append([pending, "array", 0])
                pending = f"{pending}/0"
