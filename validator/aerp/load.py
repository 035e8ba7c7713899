"""Reading a submission: bytes -> a JSON-like document plus where each node stands.

Submissions come from strangers, so the reader is strict where PyYAML and ``json`` are
lenient: duplicate keys, anchors and aliases, tags, non-string keys, NaN and Infinity,
numbers beyond the range of IEEE 754 binary64, several documents in one stream, and anything
past the size, depth, node-count and string-length bounds are refused with a
:class:`LoadError` that says where. Dates stay strings. Every node's line and column is kept
(YAML) or can be recovered on demand (JSON), so that every finding can point at a line.

JSON and YAML are two syntaxes of one data model: the same document gets the same finding in
either. So the bounds are counted the same way by both readers (see :func:`check_bounds`),
and the refusals of a number are decided here, once, for both.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from aerp.pointer import escape

Position = tuple[int, int]
_SURROGATE = re.compile("[\ud800-\udfff]")


class LoadError(Exception):
    """The file could not be read as a submission; names the load check it breaks."""

    def __init__(self, check: str, message: str, line: int = 1, column: int = 1, hint: str | None = None) -> None:
        super().__init__(message)
        self.check = check
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


@dataclass(frozen=True)
class Limits:
    """The bounds of protocol.yaml `limits`; the defaults keep hand-made Limits short."""

    max_bytes: int
    max_depth: int  # mappings and sequences nested in one another, the outermost included
    max_nodes: int  # mappings, sequences, scalars and mapping keys
    max_string_length: int  # characters (code points) of one string or key
    max_number_length: int = 400  # characters of one number as written
    max_findings_per_check: int = 100  # findings of one check listed for one file; the rest are counted


@dataclass(frozen=True)
class Refusal:
    """Why a number cannot be read, decided once for both readers; each reader says where."""

    check: str
    message: str
    token: str
    hint: str | None = None


LARGEST_BINARY64 = sys.float_info.max


def _shown(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:20]}… ({len(text)} characters)"


def refuse_number(text: str, value: int | float) -> Refusal | None:
    """A refusal when a number's magnitude exceeds the largest finite IEEE 754 binary64 number.

    RFC 8259 §6: interoperable JSON expects no more range than binary64, and every check
    computes with binary64 floats, so an integer of hundreds of digits would otherwise pass
    the reader and break the arithmetic. The comparison is exact, on the number as written:
    ``1.7976931348623159e308`` exceeds the largest binary64 though ``float()`` rounds it down.
    """
    if isinstance(value, float):
        if math.isfinite(value) and abs(value) < LARGEST_BINARY64:
            return None
        if math.isfinite(value):
            try:
                if abs(Decimal(text)) <= Decimal(LARGEST_BINARY64):
                    return None
            except InvalidOperation:  # pragma: no cover - the readers pass only number literals
                pass
    elif abs(value) <= LARGEST_BINARY64:
        return None
    return Refusal(
        "AERP-L009",
        f"the number {_shown(text)} is outside the range of IEEE 754 binary64 "
        f"(its magnitude exceeds {LARGEST_BINARY64:.6g})",
        text,
        hint="check the unit: a larger unit gives a smaller number",
    )


def refuse_number_length(text: str, limits: Limits) -> Refusal | None:
    """A refusal for a number written with more characters than the bound, before any conversion."""
    if len(text) <= limits.max_number_length:
        return None
    return Refusal(
        "AERP-L011",
        f"a number written with {len(text)} characters exceeds the limit of {limits.max_number_length}",
        text[:20],
    )


def null_document(line: int = 1, column: int = 1) -> LoadError:
    """A document that is only null holds no submission, in either syntax."""
    return LoadError(
        "AERP-L003",
        "the document is null: it holds no submission",
        line,
        column,
        hint="a submission is one YAML or JSON object",
    )


@dataclass
class Document:
    """A loaded submission and the means to find the line and column of any of its nodes."""

    data: Any
    format: str
    _positions: dict[str, Position] | None = None
    _locate_lazily: Callable[[], dict[str, Position]] | None = field(default=None, repr=False)

    def locate(self, pointer: str) -> Position:
        """Line and column of the node at ``pointer``, or of its nearest existing ancestor."""
        if self._positions is None:
            self._positions = self._locate_lazily() if self._locate_lazily else {}
        probe = pointer
        while True:
            found = self._positions.get(probe)
            if found is not None:
                return found
            if not probe:
                return (1, 1)
            probe = probe.rsplit("/", 1)[0]


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a regular file without blocking on FIFOs or devices and without reading past the bound."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise LoadError("AERP-L001", "the file is a broken symbolic link") from None
        raise LoadError("AERP-L001", "the file does not exist") from None
    except OSError as exc:
        raise LoadError("AERP-L001", f"the file cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise LoadError("AERP-L001", "this is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise LoadError("AERP-L001", "this is not a regular file (a FIFO, socket or device)")
    if info.st_size > max_bytes:
        raise LoadError(
            "AERP-L011",
            f"the file has {info.st_size} bytes, more than the limit of {max_bytes}",
            hint="a submission is a few kilobytes; raise the limit with --max-bytes if this is intended",
        )
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the stat above still cannot block the read
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise LoadError("AERP-L001", f"the file cannot be read: {exc.strerror or exc}") from None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise LoadError("AERP-L001", "this is not a regular file (a FIFO, socket or device)")
        try:
            content = stream.read(max_bytes + 1)
        except OSError as exc:
            raise LoadError("AERP-L001", f"the file cannot be read: {exc.strerror or exc}") from None
    if len(content) > max_bytes:
        raise LoadError("AERP-L011", f"the file has more than {max_bytes} bytes")
    return content


def _line_col_at(content: bytes, offset: int) -> Position:
    line = content.count(b"\n", 0, offset) + 1
    start = content.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def decode(content: bytes) -> str:
    """UTF-8 without a byte order mark, and no NUL: anything else is not a text submission."""
    if not content.strip():
        raise LoadError("AERP-L003", "the file is empty", hint="a submission is one YAML or JSON object")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("AERP-L002", "the file is UTF-16; submissions are UTF-8", hint="re-save the file as UTF-8")
    if content.startswith(b"\xef\xbb\xbf"):
        raise LoadError("AERP-L002", "the file starts with a byte order mark", hint="save it as UTF-8 without BOM")
    nul = content.find(b"\x00")
    if nul >= 0:
        line, column = _line_col_at(content, nul)
        raise LoadError("AERP-L002", f"the file holds a NUL byte at offset {nul}: it is binary, not text", line, column)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col_at(content, exc.start)
        raise LoadError("AERP-L002", f"the file is not valid UTF-8 (byte offset {exc.start})", line, column) from None


def guess_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if text.lstrip().startswith(("{", "[")) else "yaml"


def load_text(text: str, fmt: str, limits: Limits) -> Document:
    """Parse ``text`` as ``fmt`` ('yaml' or 'json') into a :class:`Document`."""
    if fmt == "json":
        from aerp.json_reader import read_json

        return read_json(text, limits)
    from aerp.yaml_reader import read_yaml

    return read_yaml(text, limits)


class Duplicated(dict):  # type: ignore[type-arg]
    """A JSON object whose members repeat a key: the reader keeps every pair to report it in document order."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def check_bounds(
    data: Any, limits: Limits, locate: Callable[[str], Position], token: Callable[[str], Position]
) -> None:
    """The bounds and refusals of an already parsed JSON document, checked in document order.

    The YAML reader checks the same rules as it reads, event by event; walking the parsed JSON
    in the same order (a node before its children, a key before its value) makes both report
    the same first defect. Counting follows YAML's node graph: every mapping, sequence, scalar
    and mapping key is one node; the depth counts mappings and sequences only, so 64 nested
    mappings holding a scalar are within a depth of 64 in both syntaxes. ``locate`` finds a
    node by pointer, ``token`` the first place a refused literal is written. The walk is lazy
    (one iterator per open collection), so a flat array of millions of items costs no more
    memory than the array itself.
    """
    nodes = 0
    stack: list[Iterator[tuple[int, Any, str]]] = [iter(((_VALUE, data, ""),))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        kind, value, pointer = entry
        nodes += 1
        if nodes > limits.max_nodes:
            raise LoadError("AERP-L011", f"the document has more than {limits.max_nodes} nodes", *locate(pointer))
        if kind == _DUPLICATE:
            raise LoadError(
                "AERP-L005",
                f"duplicate key `{value}` in the same object",
                *token(json.dumps(value)),
                hint="JSON readers keep only one of the values; remove or rename the other",
            )
        if kind == _KEY:
            _check_string(value, limits, pointer, locate, "a key")
        elif isinstance(value, (dict, list)):
            if len(stack) > limits.max_depth:  # the open collections, this one included
                raise LoadError(
                    "AERP-L011", f"the document nests deeper than {limits.max_depth} levels", *locate(pointer)
                )
            stack.append(_children(value, pointer))
        elif isinstance(value, str):
            _check_string(value, limits, pointer, locate, "a string")
        elif isinstance(value, Refusal):
            raise LoadError(value.check, value.message, *token(value.token), hint=value.hint)


_VALUE, _KEY, _DUPLICATE = 0, 1, 2


def _children(value: dict[str, Any] | list[Any], pointer: str) -> Iterator[tuple[int, Any, str]]:
    """The entries of a collection in document order: each key, then its value."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield _VALUE, item, f"{pointer}/{index}"
        return
    duplicated = isinstance(value, Duplicated)
    seen: set[str] = set()
    for key, item in value.pairs if duplicated else value.items():
        child = f"{pointer}/{escape(key)}"
        if duplicated:
            if key in seen:
                yield _DUPLICATE, key, child
                return
            seen.add(key)
        yield _KEY, key, child
        yield _VALUE, item, child


def _check_string(text: str, limits: Limits, pointer: str, locate: Callable[[str], Position], what: str) -> None:
    if _SURROGATE.search(text):
        raise LoadError("AERP-L002", f"{what} holds a lone surrogate: {SURROGATE_REASON}", *locate(pointer))
    if len(text) > limits.max_string_length:
        raise LoadError(
            "AERP-L011",
            f"{what} of {len(text)} characters exceeds the limit of {limits.max_string_length}",
            *locate(pointer),
        )


SURROGATE_REASON = "a \\u escape names half of a UTF-16 pair, not a character, so this is not Unicode text"
