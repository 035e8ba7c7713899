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


class _Branch:
    """A node of the tree of patterns: the patterns that end here, and the tokens that go on."""

    __slots__ = ("ends", "literals", "next", "wildcard")

    def __init__(self) -> None:
        self.ends: list[int] = []
        self.next: dict[str, _Branch] = {}
        self.wildcard: _Branch | None = None
        self.literals: list[tuple[str, str, _Branch]] = []  # (token, "/" and its escaped form, branch)


_TREES: dict[tuple[tuple[str, ...], ...], _Branch] = {}
_MAX_TREES = 64  # callers have a few pattern lists each; a bound keeps memory flat whatever tests make


def _tree(patterns: tuple[tuple[str, ...], ...]) -> _Branch:
    """The tree of ``patterns`` (as tokens), built once per list."""
    root = _TREES.get(patterns)
    if root is None:
        root = _Branch()
        for index, tokens in enumerate(patterns):
            branch = root
            for token in tokens:
                branch = branch.next.setdefault(token, _Branch())
            branch.ends.append(index)
        pending = [root]
        while pending:
            branch = pending.pop()
            branch.wildcard = branch.next.get("*")
            branch.literals = [(t, f"/{escape(t)}", b) for t, b in branch.next.items() if t != "*"]
            pending.extend(branch.next.values())
        if len(_TREES) >= _MAX_TREES:
            _TREES.clear()
        _TREES[patterns] = root
    return root


def expand_all(document: Any, patterns: Sequence[str | Sequence[str]]) -> list[list[tuple[str, Any]]]:
    """The matches of every pattern, ``[list(expand(document, p)) for p in patterns]``, in one walk.

    Checks look for dozens of patterns in every file; walking the document once along a tree of
    all of them costs its size, not its size times their number. Depth first along the tree,
    each node's children in document order: a pattern's matches differ first at one of its
    ``*`` tokens, where they are visited in document order, and each child's subtree is done
    before the next child's, so every pattern's matches come out in the order of its own
    expansion. The recursion is as deep as the longest pattern.
    """
    tokens = tuple(tuple(p.split("/")[1:]) if isinstance(p, str) else tuple(p) for p in patterns)
    matches: list[list[tuple[str, Any]]] = [[] for _ in tokens]
    _walk(document, _tree(tokens), "", matches)
    return matches


def _walk(node: Any, branch: _Branch, pointer: str, matches: list[list[tuple[str, Any]]]) -> None:
    """Record ``node`` for the patterns ending at ``branch``, then visit the children the branch goes on to."""
    for index in branch.ends:
        matches[index].append((pointer, node))
    if not branch.next:
        return
    wildcard = branch.wildcard
    if isinstance(node, dict):
        if wildcard is not None:
            for key, child in node.items():
                _walk(child, wildcard, f"{pointer}/{escape(key)}", matches)
        for token, step, below in branch.literals:
            if token in node:
                _walk(node[token], below, pointer + step, matches)
    elif isinstance(node, list) and wildcard is not None:
        for position, child in enumerate(node):
            _walk(child, wildcard, f"{pointer}/{position}", matches)
