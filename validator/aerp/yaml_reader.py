"""A strict YAML reader built on PyYAML's event stream (the C parser where available).

Building the document from events rather than from ``safe_load`` is what lets AERP refuse
what PyYAML silently accepts: a duplicate key (PyYAML keeps the last), an anchor or alias
(an alias bomb is refused before anything is expanded), a tag, a merge key, a non-string
key, a second document. Plain scalars are resolved by the YAML 1.2 core schema, so that a YAML submission means what
the same JSON would; dates stay strings and non-finite numbers are refused.

Every event is checked as it arrives, so the first defect in the file is the one reported,
even when the parser would fail on a later line. The loop is the reader's whole cost beyond
the C parser, so it keeps its state in local variables and does per event only what that
event needs.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

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

# PyYAML's parsers (C and pure Python) create events of exactly these classes, so the loop
# dispatches on class identity rather than on a chain of isinstance tests.
_SCALAR = yaml.ScalarEvent
_MAPPING_START = yaml.MappingStartEvent
_SEQUENCE_START = yaml.SequenceStartEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent


def _mark(event: Any) -> Position:
    """Where an event starts, 1-based; the loop inlines this where it records a place (PyYAML marks every event)."""
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


# The YAML 1.2 core schema's null, bool and non-finite float spellings are finitely many, so a
# plain scalar is looked up in one table instead of tried against a pattern for each. Null and
# non-finite spellings are also listed with a trailing line break, which the schema's patterns
# (``^...$``) accept as well.
_MERGE_KEY = "<<"
_MERGE = object()
_NONFINITE = object()
_SPECIAL: dict[str, Any] = {
    **{spelling: None for spelling in ("~", "null", "Null", "NULL", "")},
    **{spelling: True for spelling in ("true", "True", "TRUE")},
    **{spelling: False for spelling in ("false", "False", "FALSE")},
    _MERGE_KEY: _MERGE,
    **{sign + "." + inf: _NONFINITE for sign in ("", "-", "+") for inf in ("inf", "Inf", "INF")},
    **{"." + nan: _NONFINITE for nan in ("nan", "NaN", "NAN")},
}
_SPECIAL.update({spelling + "\n": _SPECIAL[spelling] for spelling in list(_SPECIAL) if _SPECIAL[spelling] is None})
_SPECIAL.update({spelling + "\n": _NONFINITE for spelling in list(_SPECIAL) if _SPECIAL[spelling] is _NONFINITE})
# The core schema's int (group 1, tried first, as the schema prefers int) and float patterns.
_NUMBER = re.compile(
    r"^(?:([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$"
)
# Every core-schema number starts with a sign, a dot or a digit, all of which sort at or below
# "9": a plain scalar starting with any later character (a letter, most often) is a string.
_NUMBER_AT_MOST = "9"


def _plain(value: str, event: Any, limits: Limits) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema, the one that agrees with JSON.

    PyYAML resolves by YAML 1.1, where ``1.5e3`` is a string and ``no`` is false; AERP
    documents mean what JSON would read. Numbers are bounded and range-checked by the same
    rules as the JSON reader's (:mod:`aerp.load`). Returns ``value`` itself when it is a string.
    """
    if value in _SPECIAL:
        resolved = _SPECIAL[value]
        if resolved is _MERGE:
            raise LoadError(
                "AERP-L006",
                "YAML merge keys (<<) are not allowed",
                *_mark(event),
                hint="write the members out in full",
            )
        if resolved is _NONFINITE:
            raise LoadError(
                "AERP-L009",
                f"numbers must be finite; `{value}` is not",
                *_mark(event),
                hint="NaN and infinity are not measurements",
            )
        return resolved
    match = _NUMBER.match(value)
    if match is None:
        return value
    too_long = refuse_number_length(value, limits)
    if too_long:
        raise LoadError(too_long.check, too_long.message, *_mark(event), hint=too_long.hint)
    number: int | float
    if match.lastindex is None:
        number = Written(value)  # the decimal as written, for exact comparisons
    elif value[:2] in ("0o", "0x"):
        number = int(value, 0)
    else:
        number = int(value)
    refused = refuse_number(value, number)
    if refused:
        raise LoadError(refused.check, refused.message, *_mark(event), hint=refused.hint)
    return number


def _refuse_properties(event: Any) -> NoReturn:
    """A node with an anchor or a tag: the anchor is named first, as it comes first in the text."""
    if event.anchor is not None:
        raise LoadError(
            "AERP-L006",
            f"YAML anchors are not allowed (`&{event.anchor}`)",
            *_mark(event),
            hint="write each value out in full",
        )
    raise LoadError(
        "AERP-L007",
        f"YAML tags are not allowed (`{event.tag}`)",
        *_mark(event),
        hint="remove the tag; quote the value if it must be a string",
    )


def _refuse_key(event: Any, limits: Limits) -> NoReturn:
    """A key that is a collection, or a plain scalar the core schema reads as something other than a string."""
    if type(event) is not _SCALAR:
        raise LoadError("AERP-L008", "mapping keys must be strings, not collections", *_mark(event))
    key = _plain(event.value, event, limits)  # refuses merge keys and unreadable numbers first
    raise LoadError(
        "AERP-L008",
        f"mapping keys must be strings; `{event.value}` is read as {_KIND.get(type(key), 'a non-string')}",
        *_mark(event),
        hint=f'quote the key: "{event.value}"',
    )


def _refuse_nodes(event: Any, limits: Limits) -> NoReturn:
    """More nodes than the bound: refused at the first node past it, before it is built."""
    raise LoadError("AERP-L011", f"the document has more than {limits.max_nodes} nodes", *_mark(event))


def _document_event(event: Any, documents: int) -> int:
    """The events around the one node: the number of documents begun so far, or -1 at the end of the stream."""
    if event is None or isinstance(event, yaml.StreamEndEvent):
        return -1
    if isinstance(event, yaml.DocumentStartEvent):
        documents += 1
        if documents > 1:
            raise LoadError(
                "AERP-L010",
                "the file holds more than one YAML document",
                *_mark(event),
                hint="one submission per file; remove the second `---`",
            )
        return documents
    if isinstance(event, yaml.AliasEvent):
        raise LoadError(
            "AERP-L006",
            f"YAML aliases are not allowed (`*{event.anchor}`)",
            *_mark(event),
            hint="write the value out in full",
        )
    if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
        return documents
    raise TypeError(f"unexpected YAML event {event!r}")  # pragma: no cover - PyYAML has no other events


def read_yaml(text: str, limits: Limits) -> Document:
    """Read ``text`` as one YAML document, refusing at its first defect in document order.

    Each node event is checked in the order the file states it (anchor, tag, node count, key,
    length, value, depth), before the next event is parsed, so a defect early in the file is
    reported even when a later line would not parse.
    """
    loader = _Loader(text)
    get_event = loader.get_event
    positions: dict[str, Position] = {}
    # The innermost open collection and what it is waiting for, kept in locals; the enclosing
    # collections' states wait on ``stack``, one tuple per open collection.
    container: Any = None  # None at the document level, outside any collection
    in_mapping = False
    pointer = ""  # the pointer of ``container``
    key: str | None = None  # a mapping's key read and waiting for its value
    member = ""  # the pointer of that key's member
    key_position: Position = (1, 1)
    stack: list[tuple[Any, bool, str, str | None, str, Position]] = []
    root: Any = None
    have_root = False
    documents = 0
    nodes = 0
    max_nodes = limits.max_nodes
    max_string_length = limits.max_string_length
    max_depth = limits.max_depth
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is _SCALAR:
                if event.anchor is not None or event.tag is not None:
                    _refuse_properties(event)
                nodes += 1
                if nodes > max_nodes:
                    _refuse_nodes(event, limits)
                value = event.value
                if in_mapping and key is None:
                    if (
                        not event.style
                        and (value in _SPECIAL or value[0] <= _NUMBER_AT_MOST)
                        and _plain(value, event, limits) is not value
                    ):
                        _refuse_key(event, limits)  # a plain key the core schema reads as no string
                    if len(value) > max_string_length:
                        raise LoadError("AERP-L011", "a key is longer than the string limit", *_mark(event))
                    if value in container:
                        raise LoadError(
                            "AERP-L005",
                            f"duplicate key `{value}` in the same mapping",
                            *_mark(event),
                            hint="YAML readers keep only one of the values; remove or rename the other",
                        )
                    key = value
                    member = f"{pointer}/{escape(value)}" if "~" in value or "/" in value else f"{pointer}/{value}"
                    mark = event.start_mark
                    key_position = (mark.line + 1, mark.column + 1)
                    continue
                if len(value) > max_string_length:
                    raise LoadError(
                        "AERP-L011",
                        f"a string of {len(value)} characters exceeds the limit of {max_string_length}",
                        *_mark(event),
                    )
                if not event.style and (value in _SPECIAL or value[0] <= _NUMBER_AT_MOST):
                    value = _plain(value, event, limits)  # quoted and block scalars are always strings
                if in_mapping:
                    positions[member] = key_position
                    container[key] = value
                    key = None
                elif container is not None:
                    mark = event.start_mark
                    positions[f"{pointer}/{len(container)}"] = (mark.line + 1, mark.column + 1)
                    container.append(value)
                else:
                    positions[""] = _mark(event)
                    root, have_root = value, True
            elif kind is _MAPPING_START or kind is _SEQUENCE_START:
                if event.anchor is not None or event.tag is not None:
                    _refuse_properties(event)
                nodes += 1
                if nodes > max_nodes:
                    _refuse_nodes(event, limits)
                if in_mapping:
                    if key is None:
                        _refuse_key(event, limits)
                    child = member
                elif container is not None:
                    child = f"{pointer}/{len(container)}"
                else:
                    child = ""
                if len(stack) >= max_depth:
                    raise LoadError("AERP-L011", f"the document nests deeper than {max_depth} levels", *_mark(event))
                if not in_mapping:  # a mapping's member stands where its key does, recorded when it is complete
                    mark = event.start_mark
                    positions[child] = (mark.line + 1, mark.column + 1)
                stack.append((container, in_mapping, pointer, key, member, key_position))
                if kind is _MAPPING_START:
                    container, in_mapping = {}, True
                else:
                    container, in_mapping = [], False
                pointer, key = child, None
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                finished = container
                container, in_mapping, pointer, key, member, key_position = stack.pop()
                if in_mapping:
                    positions[member] = key_position
                    container[key] = finished
                    key = None
                elif container is not None:
                    container.append(finished)
                else:
                    root, have_root = finished, True
            else:
                documents = _document_event(event, documents)
                if documents < 0:
                    break
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
