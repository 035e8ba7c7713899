"""JSON Pointers (RFC 6901): the one way every finding names a place in a document."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: object) -> str:
    return pointer + "".join(f"/{escape(str(t))}" for t in tokens)


def from_path(path: object) -> str:
    """A pointer from a sequence of keys and indices (e.g. a jsonschema error's path)."""
    return join("", *path)  # type: ignore[misc]


_MISSING = object()


def resolve(document: Any, pointer: str, default: Any = None) -> Any:
    """The node at ``pointer``, or ``default`` when any step is missing or of the wrong kind."""
    if pointer == "":
        return document
    node = document
    for raw in pointer[1:].split("/"):
        token = unescape(raw)
        if isinstance(node, dict):
            node = node.get(token, _MISSING)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return default
        if node is _MISSING:
            return default
    return node


def expand(document: Any, pattern: str | Sequence[str]) -> Iterator[tuple[str, Any]]:
    """Every node matching ``pattern`` (a pointer in which ``*`` matches any key or index)."""
    tokens = tuple(pattern.split("/")[1:]) if isinstance(pattern, str) else tuple(pattern)
    yield from _expand(document, tokens, "")


def _expand(node: Any, tokens: tuple[str, ...], pointer: str) -> Iterator[tuple[str, Any]]:
    if not tokens:
        yield pointer, node
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if isinstance(node, dict):
            for key, child in node.items():
                yield from _expand(child, rest, f"{pointer}/{escape(key)}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                yield from _expand(child, rest, f"{pointer}/{index}")
    elif isinstance(node, dict) and head in node:
        yield from _expand(node[head], rest, f"{pointer}/{escape(head)}")
