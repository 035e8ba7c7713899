"""Reading a submission: bytes -> a JSON-like document plus where each node stands.

Submissions come from strangers, so the reader is strict where PyYAML and ``json`` are
lenient: duplicate keys, anchors and aliases, tags, non-string keys, NaN and Infinity,
several documents in one stream, and anything past the size, depth, node-count and
string-length bounds are refused with a :class:`LoadError` that says where. Dates stay
strings. Every node's line and column is kept (YAML) or can be recovered on demand (JSON,
see :mod:`aerp.json_positions`), so that every finding can point at a line.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
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
    max_bytes: int
    max_depth: int
    max_nodes: int
    max_string_length: int
    max_number_length: int = 400  # protocol.yaml `limits`; the default keeps hand-made Limits short


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


def check_bounds(data: Any, limits: Limits, locate: Callable[[str], Position]) -> None:
    """Depth, node count and string length of an already parsed document (JSON path)."""
    nodes = 0
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, pointer, depth = stack.pop()
        nodes += 1
        if nodes > limits.max_nodes:
            raise LoadError("AERP-L011", f"the document has more than {limits.max_nodes} nodes", *locate(pointer))
        if depth > limits.max_depth:
            raise LoadError("AERP-L011", f"the document nests deeper than {limits.max_depth} levels", *locate(pointer))
        if isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    raise LoadError(
                        "AERP-L002", "a key holds a lone surrogate: it is not Unicode text", *locate(pointer)
                    )
                if len(key) > limits.max_string_length:
                    raise LoadError("AERP-L011", "a key is longer than the string limit", *locate(pointer))
                stack.append((item, f"{pointer}/{escape(key)}", depth + 1))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, f"{pointer}/{index}", depth + 1))
        elif isinstance(value, str) and _SURROGATE.search(value):
            raise LoadError(
                "AERP-L002",
                "a string holds a lone surrogate (an escape such as \\ud800): it is not Unicode text",
                *locate(pointer),
            )
        elif isinstance(value, str) and len(value) > limits.max_string_length:
            raise LoadError(
                "AERP-L011",
                f"a string of {len(value)} characters exceeds the limit of {limits.max_string_length}",
                *locate(pointer),
            )
        elif isinstance(value, float) and not math.isfinite(value):
            raise LoadError("AERP-L009", "numbers must be finite", *locate(pointer))
