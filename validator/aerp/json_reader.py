"""A strict JSON reader: the C ``json`` parser with hooks, positions found only when needed.

Python's ``json`` accepts NaN and Infinity, keeps the last of two duplicate keys, turns
1e999 into infinity and reads integers of any size; the hooks below refuse all of them.
``json`` knows no line numbers, so the line and column of each node are recovered by
:class:`_Locator` the first time a finding asks for one: files without findings never pay for it.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from typing import Any

from aerp.exact import Written
from aerp.load import (
    Document,
    Duplicated,
    Limits,
    LoadError,
    Position,
    Refusal,
    check_bounds,
    null_document,
    refuse_number,
    refuse_number_length,
)
from aerp.pointer import escape


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    return result if len(result) == len(pairs) else Duplicated(pairs)


def _constant(name: str) -> Refusal:
    return Refusal(
        "AERP-L009", f"numbers must be finite; `{name}` is not JSON", name, hint="NaN and infinity are not measurements"
    )


def _float(text: str, limits: Limits) -> float | Refusal:
    too_long = refuse_number_length(text, limits)
    if too_long:
        return too_long
    value = Written(text)  # the decimal as written, for exact comparisons
    return refuse_number(text, value) or value


def _int(text: str, limits: Limits) -> int | Refusal:
    too_long = refuse_number_length(text, limits)
    if too_long:
        return too_long
    value = int(text)
    return refuse_number(text, value) or value


def read_json(text: str, limits: Limits) -> Document:
    """Parse ``text`` as strict JSON within ``limits``.

    The parser's hooks never raise: a refused number, constant or repeated key is left in the
    data as a marker, and :func:`aerp.load.check_bounds` reports the first defect in document
    order, the order in which the YAML reader meets the same defects.
    """
    locate = _Locator(text)
    try:
        data = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=_constant,
            parse_float=lambda t: _float(t, limits),
            parse_int=lambda t: _int(t, limits),
        )
    except json.JSONDecodeError as exc:
        raise LoadError("AERP-L004", f"JSON syntax error: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise LoadError("AERP-L011", f"the document nests deeper than {limits.max_depth} levels") from None
    except ValueError as exc:  # pragma: no cover - the hooks bound every number before the interpreter converts it
        raise LoadError("AERP-L011", f"a value cannot be read: {exc}") from None
    document = Document(data=data, format="json", _locate_lazily=locate.all)
    check_bounds(data, limits, document.locate, locate.token)
    if data is None:
        raise null_document()
    return document


# No leading whitespace in the pattern: ``finditer`` steps over blanks one failed position at a
# time, whereas an optional run of blanks before each token would be re-read from every position
# of a long run (4 MiB of trailing blanks made that quadratic).
_TOKEN = re.compile(
    r'(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\]:,])|(?P<literal>[^ \t\r\n{}\[\]:,"]+)',
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
                key = json.loads(value) if "\\" in value else value[1:-1]  # only an escape needs decoding
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
