"""A strict YAML reader built on PyYAML's event stream (the C parser where available).

Building the document from events rather than from ``safe_load`` is what lets AERP refuse
what PyYAML silently accepts: a duplicate key (PyYAML keeps the last), an anchor or alias
(an alias bomb is refused before anything is expanded), a tag, a merge key, a non-string
key, a second document. Plain scalars are resolved by the YAML 1.2 core schema, so that a YAML submission means what
the same JSON would; dates stay strings and non-finite numbers are refused.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from aerp.exact import Written
from aerp.load import (
    SURROGATE_REASON,
    Document,
    Limits,
    LoadError,
    Position,
    null_document,
    refuse_number,
    refuse_number_length,
)
from aerp.pointer import escape

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KIND = {int: "a number", float: "a number", bool: "a boolean", type(None): "null"}


def _mark(event: Any) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Frame:
    __slots__ = ("container", "key", "key_position", "pointer")

    def __init__(self, container: Any, pointer: str) -> None:
        self.container = container
        self.pointer = pointer
        self.key: str | None = None
        self.key_position: Position | None = None


_CORE_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_CORE_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_CORE_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_CORE_NONFINITE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_MERGE_KEY = "<<"


def _scalar(event: Any, limits: Limits) -> Any:
    """Resolve a scalar by the YAML 1.2 core schema, the one that agrees with JSON.

    PyYAML resolves by YAML 1.1, where ``1.5e3`` is a string and ``no`` is false; AERP
    documents mean what JSON would read. Numbers are bounded and range-checked by the same
    rules as the JSON reader's (:mod:`aerp.load`).
    """
    value = event.value
    if event.style:
        return value  # quoted and block scalars are always strings
    if _CORE_NULL.match(value):
        return None
    if value in _CORE_BOOL:
        return _CORE_BOOL[value]
    if value == _MERGE_KEY:
        raise LoadError(
            "AERP-L006",
            "YAML merge keys (<<) are not allowed",
            *_mark(event),
            hint="write the members out in full",
        )
    if _CORE_NONFINITE.match(value):
        raise LoadError(
            "AERP-L009",
            f"numbers must be finite; `{value}` is not",
            *_mark(event),
            hint="NaN and infinity are not measurements",
        )
    is_int = _CORE_INT.match(value)
    if is_int or _CORE_FLOAT.match(value):
        too_long = refuse_number_length(value, limits)
        if too_long:
            raise LoadError(too_long.check, too_long.message, *_mark(event), hint=too_long.hint)
        number: int | float
        if not is_int:
            number = Written(value)  # the decimal as written, for exact comparisons
        elif value[:2] in ("0o", "0x"):
            number = int(value, 0)
        else:
            number = int(value)
        refused = refuse_number(value, number)
        if refused:
            raise LoadError(refused.check, refused.message, *_mark(event), hint=refused.hint)
        return number
    return value


def read_yaml(text: str, limits: Limits) -> Document:
    loader = _Loader(text)
    positions: dict[str, Position] = {}
    stack: list[_Frame] = []
    root: Any = None
    have_root = False
    documents = 0
    nodes = 0
    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise LoadError(
                        "AERP-L010",
                        "the file holds more than one YAML document",
                        *_mark(event),
                        hint="one submission per file; remove the second `---`",
                    )
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.AliasEvent):
                raise LoadError(
                    "AERP-L006",
                    f"YAML aliases are not allowed (`*{event.anchor}`)",
                    *_mark(event),
                    hint="write the value out in full",
                )
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                finished = stack.pop()
                _attach(stack, finished.container, positions, finished.pointer, None)
                if not stack:
                    root, have_root = finished.container, True
                continue
            # a node: scalar, mapping start or sequence start
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise LoadError(
                    "AERP-L006",
                    f"YAML anchors are not allowed (`&{anchor}`)",
                    *_mark(event),
                    hint="write each value out in full",
                )
            if getattr(event, "tag", None) is not None:
                raise LoadError(
                    "AERP-L007",
                    f"YAML tags are not allowed (`{event.tag}`)",
                    *_mark(event),
                    hint="remove the tag; quote the value if it must be a string",
                )
            nodes += 1
            if nodes > limits.max_nodes:
                raise LoadError("AERP-L011", f"the document has more than {limits.max_nodes} nodes", *_mark(event))
            parent = stack[-1] if stack else None
            if parent is not None and isinstance(parent.container, dict) and parent.key is None:
                parent.key = _key(event, parent, limits)
                parent.key_position = _mark(event)
                continue
            pointer = _child_pointer(parent)
            if isinstance(event, yaml.ScalarEvent):
                if len(event.value) > limits.max_string_length:
                    raise LoadError(
                        "AERP-L011",
                        f"a string of {len(event.value)} characters exceeds the limit of {limits.max_string_length}",
                        *_mark(event),
                    )
                value = _scalar(event, limits)
                _attach(stack, value, positions, pointer, _mark(event))
                if not stack:
                    root, have_root = value, True
                continue
            if len(stack) >= limits.max_depth:
                raise LoadError("AERP-L011", f"the document nests deeper than {limits.max_depth} levels", *_mark(event))
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            if parent is None or not isinstance(parent.container, dict):
                positions[pointer] = _mark(event)
            stack.append(_Frame(container, pointer))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        if "nesting depth" in problem:  # libyaml's own bound on flow nesting
            raise LoadError("AERP-L011", f"the document nests too deeply: {problem}", line, column) from None
        if "invalid Unicode character escape" in problem:  # \ud800: what JSON reads as a lone surrogate
            raise LoadError(
                "AERP-L002",
                f"a string holds an escape that is not a Unicode character: {SURROGATE_REASON}",
                line,
                column,
                hint="write the character itself, or escape a character beyond U+FFFF as \\UXXXXXXXX",
            ) from None
        raise LoadError("AERP-L004", f"YAML syntax error: {problem}", line, column) from None
    except yaml.YAMLError as exc:
        raise LoadError("AERP-L004", f"YAML syntax error: {exc}") from None
    except RecursionError:
        raise LoadError("AERP-L011", "the document nests too deeply to read") from None
    finally:
        loader.dispose()
    if not have_root:
        raise LoadError("AERP-L003", "the file holds no YAML document", hint="a submission is one YAML or JSON object")
    if root is None:
        raise null_document(*positions.get("", (1, 1)))
    positions.setdefault("", (1, 1))
    return Document(data=root, format="yaml", _positions=positions)


def _key(event: Any, frame: _Frame, limits: Limits) -> str:
    if not isinstance(event, yaml.ScalarEvent):
        raise LoadError("AERP-L008", "mapping keys must be strings, not collections", *_mark(event))
    key = _scalar(event, limits)
    if not isinstance(key, str):
        raise LoadError(
            "AERP-L008",
            f"mapping keys must be strings; `{event.value}` is read as {_KIND.get(type(key), 'a non-string')}",
            *_mark(event),
            hint=f'quote the key: "{event.value}"',
        )
    if len(key) > limits.max_string_length:
        raise LoadError("AERP-L011", "a key is longer than the string limit", *_mark(event))
    if key in frame.container:
        raise LoadError(
            "AERP-L005",
            f"duplicate key `{key}` in the same mapping",
            *_mark(event),
            hint="YAML readers keep only one of the values; remove or rename the other",
        )
    return key


def _child_pointer(parent: _Frame | None) -> str:
    if parent is None:
        return ""
    if isinstance(parent.container, dict):
        return f"{parent.pointer}/{escape(parent.key or '')}"
    return f"{parent.pointer}/{len(parent.container)}"


def _attach(
    stack: list[_Frame], value: Any, positions: dict[str, Position], pointer: str, position: Position | None
) -> None:
    """Put a finished node into its parent and record where it stands."""
    if not stack:
        if position is not None:
            positions[pointer] = position
        return
    parent = stack[-1]
    if isinstance(parent.container, dict):
        assert parent.key is not None
        positions[pointer] = parent.key_position or position or (1, 1)
        parent.container[parent.key] = value
        parent.key = None
        parent.key_position = None
    else:
        if position is not None:
            positions[pointer] = position
        parent.container.append(value)
