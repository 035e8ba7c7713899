"""What every converter shares: guarded reading, exact numbers, placeholders, notes, artifacts, output.

Inputs come from other people's tools and are read like any untrusted file: bounded in
size, decoded as UTF-8 (with or without a byte-order mark), parsed inside guards, so that
every defect becomes an :class:`IngestError` that says what is wrong and where, never a
traceback.

Numbers are kept as the decimals the tool wrote (:class:`AsWritten`, a float that remembers
its text) and written out as that same decimal, so that a verdict on an AERP threshold is a
verdict on the tool's number. A number that no finite binary64 value can stand for (1e400,
a 500-digit integer, 1e-400, NaN) is not a measurement AERP can check: it becomes TBD with a
note, and any value derived from numbers is computed exactly and rounded once, or is TBD
when its result lies beyond binary64.

What ingest writes must be readable by ``aerp validate``: the limits (bytes, nodes, depth,
string and number length) are protocol data (protocol.yaml ``limits``), read here, never
repeated.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import difflib
import functools
import hashlib
import io
import json
import math
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from aerp.ingest import IngestError, IngestOptions, IngestUsageError
from aerp.protocol import Protocol, load_minor

TBD = "TBD"
MAX_BYTES = 64 * 1024 * 1024
_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_FILE_SUFFIXES = {".csv", ".json", ".yaml", ".yml", ".txt", ".log", ".tsv"}


def protocol() -> Protocol:
    """AERP 1.0, the version ingest writes."""
    return load_minor("1.0")


def params() -> dict[str, Any]:
    return protocol().params


@functools.cache
def limits() -> dict[str, int]:
    """What ``aerp validate`` reads at most (protocol.yaml ``limits``): ingest writes nothing larger.

    Do not change the mapping returned: it is shared.
    """
    return {name: int(value) for name, value in protocol().limits.items()}


@functools.cache
def _longest_int() -> int:
    """The first integer too long to be written within the number length AERP reads."""
    return 10 ** (limits()["max_number_length"] - 1)


# -- options ---------------------------------------------------------------------------


def normalized(options: IngestOptions) -> IngestOptions:
    """The options checked, with a task written by its AI Energy Score name mapped to AERP's."""
    if not isinstance(options, IngestOptions):
        raise IngestUsageError("options must be an IngestOptions")
    if options.division not in params()["divisions"]:
        raise IngestUsageError(
            f"unknown division `{options.division}`: use {' or '.join(params()['divisions'])}", "--division"
        )
    if options.queries is not None and (
        isinstance(options.queries, bool) or not isinstance(options.queries, int) or options.queries < 1
    ):
        raise IngestUsageError(
            f"the number of queries per repetition must be a whole number ≥ 1, not {options.queries!r}", "--queries"
        )
    if options.merge is not None and not isinstance(options.merge, dict):
        raise IngestUsageError(f"the block to merge must be a mapping, not {type(options.merge).__name__}", "--merge")
    if options.model is not None and not (isinstance(options.model, str) and _REPOSITORY.fullmatch(options.model)):
        raise IngestUsageError(f"the model `{options.model}` is not a repository id of the form owner/name", "--model")
    if options.revision is not None and not (isinstance(options.revision, str) and options.revision.strip()):
        raise IngestUsageError("the model revision is empty", "--revision")
    if options.rows is not None:
        selected_rows(options.rows)
    return dataclasses.replace(options, task=task_name(options.task))


def task_name(task: str | None) -> str | None:
    """AERP's name of ``task``; the AI Energy Score's file names (text_generation, asr) are accepted."""
    if task is None:
        return None
    found = known_task(task)
    if found is not None:
        return found
    tasks = params()["tasks"]
    close = difflib.get_close_matches(str(task), list(tasks), n=1)
    hint = f"; did you mean `{close[0]}`?" if close else ""
    raise IngestUsageError(f"unknown task `{str(task)[:60]}`; tasks: {', '.join(tasks)}{hint}", "--task")


def known_task(task: Any) -> str | None:
    """AERP's name of ``task`` when it names one (by pipeline tag or AI Energy Score name), else None."""
    if not isinstance(task, str):
        return None
    tasks = params()["tasks"]
    if task in tasks:
        return task
    for name, spec in tasks.items():
        if task in spec.get("aliases", ()):
            return name
    return None


def selected_rows(spec: str) -> list[tuple[int, int]]:
    """``"1-10,15"`` as inclusive ranges of 1-based positions; anything else is a usage error."""
    ranges: list[tuple[int, int]] = []
    for part in str(spec).split(","):
        match = re.fullmatch(r"\s*(\d{1,9})\s*(?:-\s*(\d{1,9})\s*)?", part)
        if not match:
            raise IngestUsageError(
                f"--rows `{spec}`: give row numbers and ranges counted from 1, e.g. 1-10 or 3,5,7-9", "--rows"
            )
        start = int(match.group(1))
        end = int(match.group(2)) if match.group(2) else start
        if start < 1 or end < start:
            raise IngestUsageError(f"--rows `{spec}`: `{part.strip()}` is not a range from 1 upwards", "--rows")
        ranges.append((start, end))
    return ranges


def choose(count: int, spec: str | None, what: str) -> list[int]:
    """The 0-based positions that ``spec`` selects among ``count`` items (all when None)."""
    if spec is None:
        return list(range(count))
    chosen: list[int] = []
    seen: set[int] = set()
    for start, end in selected_rows(spec):
        if start > count:
            raise IngestUsageError(f"--rows `{spec}`: the input holds {count:,} {what}", "--rows")
        for index in range(start - 1, min(end, count)):
            if index not in seen:
                seen.add(index)
                chosen.append(index)
    return chosen


def repository(text: Any) -> bool:
    """True when ``text`` has the form of a Hub repository id (owner/name)."""
    return isinstance(text, str) and bool(_REPOSITORY.fullmatch(text))


# -- results of a converter ------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A raw file that was read: it becomes an entry of ``artifacts``."""

    path: Path
    sha256: str
    description: str


@dataclass
class Converted:
    """What a converter returns: the filled skeleton, what it did, and the files it read."""

    document: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


class Note(str):
    """A note that names the members it is about (JSON Pointers, ``*`` for every item).

    A merge that changes every one of those members makes the note stale: it is then dropped,
    or, when ``keep`` is set (a fact about the input that stays true), kept with a word that
    the lab's block has since set the members.
    """

    about: tuple[str, ...]
    keep: bool

    def __new__(cls, text: str, about: Sequence[str] = (), keep: bool = False) -> Note:
        note = super().__new__(cls, text)
        note.about = tuple(about)
        note.keep = keep
        return note


def resolve(document: Any, pointer: str) -> list[Any]:
    """The values at ``pointer`` (``*`` matches every item of a list or mapping); [] when absent."""
    nodes = [document]
    for part in pointer.strip("/").split("/"):
        found: list[Any] = []
        for node in nodes:
            if part == "*":
                found += list(node.values()) if isinstance(node, dict) else list(node) if isinstance(node, list) else []
            elif isinstance(node, dict) and part in node:
                found.append(node[part])
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                found.append(node[int(part)])
        nodes = found
    return nodes


def about_values(document: dict[str, Any], notes: Iterable[str]) -> dict[str, str]:
    """What the members that notes are about hold now, to tell later whether a merge changed them."""
    pointers = {p for note in notes for p in getattr(note, "about", ())}
    return {p: repr(resolve(document, p)) for p in pointers}


def retire(document: dict[str, Any], notes: list[str], before: dict[str, str]) -> list[str]:
    """The notes still true after a merge: a note whose every member the merge changed is stale."""
    kept: list[str] = []
    for note in notes:
        about = getattr(note, "about", ())
        if not about or any(repr(resolve(document, p)) == before.get(p) for p in about):
            kept.append(note)
        elif getattr(note, "keep", False):
            members = ", ".join(p.lstrip("/").replace("/", ".") for p in about)
            kept.append(f"{note} (the lab's block has since set {members})")
    return kept


# -- reading ---------------------------------------------------------------------------


def expects(path: Path) -> str:
    """What a path names when it does not exist: a file if its name ends like one, else a folder."""
    return "file" if Path(path).suffix.lower() in _FILE_SUFFIXES else "folder"


def missing(path: Path, expected: str | None = None) -> IngestError:
    """The message for a path that is not there: the first missing folder on the way, or the path itself.

    The words every ``aerp`` command uses for a name with nothing behind it close the message,
    so that the same mistake reads the same whichever command met it.
    """
    from aerp.discover import NOTHING_THERE

    path = Path(path)
    for parent in reversed(path.parents):
        if str(parent) in ("", "."):
            continue
        if not parent.exists():
            return IngestError(f"the folder {parent} does not exist, so {path} cannot be read ({NOTHING_THERE})")
        if not parent.is_dir():
            return IngestError(f"{parent} is a file, not a folder, so {path} cannot be read")
    return IngestError(f"the {expected or expects(path)} {path} does not exist ({NOTHING_THERE})")


def read_bytes(path: Path, what: str) -> bytes:
    """The bytes of the file at ``path``, refusing folders, devices and files over 64 MiB."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise missing(path, "file") from None
    except OSError as error:
        raise IngestError(f"cannot read {path}: {error.strerror or error}") from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(f"{path} is a folder; give {what}")
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(f"{path} is not a regular file; give {what}")
    if info.st_size > MAX_BYTES:
        raise IngestError(f"{path} holds {info.st_size:,} bytes; ingest reads files of at most 64 MiB")
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise IngestError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise IngestError(f"{path} holds more than 64 MiB; ingest reads files of at most 64 MiB")
    return data


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(path: Path, data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark; an empty file is an error of its own."""
    if not data.strip():
        raise IngestError(f"{path}: the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); save it as UTF-8"
        ) from None
    if not text.strip():
        raise IngestError(f"{path}: the file is empty")
    return text


class _DuplicateKey(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _NonFinite(Exception):
    pass


def _not_a_number(name: str) -> Any:
    raise _NonFinite(name)


def _json_int(text: str) -> int | AsWritten:
    """An integer as written; one longer than a number AERP reads stays text-backed (not usable)."""
    return int(text) if len(text) <= limits()["max_number_length"] else AsWritten(text)


def parse_json(path: Path, text: str) -> Any:
    """The JSON value of ``text``, numbers as written; a file cut short says so, with the line where it stops.

    NaN and Infinity are not JSON and not measurements: a file holding one is refused, never
    passed on.
    """
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_not_a_number,
            parse_float=AsWritten,
            parse_int=_json_int,
        )
    except _NonFinite as error:
        raise IngestError(f"{path}: `{error.args[0]}` is not a number a measurement can have") from None
    except json.JSONDecodeError as error:
        end = len(text.rstrip())
        if error.pos >= end or error.msg.startswith("Unterminated string"):
            last = text.rstrip().count("\n") + 1
            raise IngestError(f"{path}: truncated JSON at line {last}: the file ends inside the document") from None
        raise IngestError(f"{path}: not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except _DuplicateKey as error:
        raise IngestError(f"{path}: the key `{error.args[0]}` appears twice in one JSON object") from None
    except RecursionError:
        raise IngestError(f"{path}: the JSON is nested too deeply to read") from None


def load_json(path: Path, what: str, description: str) -> tuple[Any, Source]:
    data = read_bytes(path, what)
    return parse_json(path, decode(path, data)), Source(path, digest(data), description)


@dataclass(frozen=True)
class Table:
    """A CSV file: its column names, its records by column (each with the line it ends on), and
    the records that could not be read as records of that header (line, reason)."""

    path: Path
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    source: Source
    broken: list[tuple[int, str]] = field(default_factory=list)


def load_csv(path: Path, what: str, description: str) -> Table:
    """The records of a CSV file by column name; a record of the wrong width is set aside, with its line."""
    data = read_bytes(path, what)
    text = decode(path, data)
    if text.lstrip().startswith(("{", "[")):
        raise IngestError(f"{path}: this is JSON, not {what}")
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    broken: list[tuple[int, str]] = []
    try:
        for record in reader:
            if not record or all(not cell.strip() for cell in record):
                continue
            if columns is None:
                columns = [cell.strip() for cell in record]
                counts: dict[str, int] = {}
                for column in columns:
                    counts[column] = counts.get(column, 0) + 1
                repeated = sorted(c for c, n in counts.items() if n > 1)
                if repeated:
                    raise IngestError(f"{path}: the header names the column {', '.join(repeated)} twice")
                continue
            if len(record) != len(columns):
                broken.append((reader.line_num, f"{len(record)} fields, but the header names {len(columns)} columns"))
                continue
            rows.append((reader.line_num, dict(zip(columns, record, strict=True))))
    except csv.Error as error:
        raise IngestError(f"{path} line {reader.line_num}: not CSV: {error}") from None
    return Table(path, columns or [], rows, Source(path, digest(data), description), broken)


# -- numbers ---------------------------------------------------------------------------

_DECIMAL = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$")
_CANONICAL = re.compile(r"^-?(?:0|[1-9]\d*)\.\d+(?:e[+-]\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NON_FINITE_WORDS = {"nan", "inf", "infinity"}
_MAX_INT = int(sys.float_info.max)
_SHOWN = Context(prec=6)


class AsWritten(float):
    """A decimal read from a tool's file: a float for arithmetic, with the text it was written as.

    The float may be infinite or zero where the text lies beyond binary64 (``1e400``,
    ``1e-400``): :func:`is_number` says such a value is not usable, and its text survives for
    the notes and extensions.
    """

    __slots__ = ("_ok", "_out", "text")
    text: str

    def __new__(cls, text: str) -> AsWritten:
        number = super().__new__(cls, text)
        number.text = text
        number._out = None
        number._ok = None
        return number

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (AsWritten, (self.text,))


def parse_decimal(text: str) -> int | float | None:
    """A CSV cell as a number: an int, an :class:`AsWritten`, a non-finite float (nan, inf), or None.

    None means the text is no number at all. Python's ``float()`` accepts more than decimals
    (``1_000``, ``infinity`` in any case, surrounding spaces): only decimals and the non-finite
    words are numbers here.
    """
    text = text.strip()
    if _INTEGER.fullmatch(text) and len(text) <= limits()["max_number_length"]:
        return int(text)
    match = _DECIMAL.fullmatch(text)
    if match and (match.group(2) or match.group(3)):
        return AsWritten(text)
    word = text.lower().lstrip("+-")
    if word in _NON_FINITE_WORDS:
        return float("nan") if word == "nan" else float("-inf") if text.startswith("-") else float("inf")
    return None


def number_text(value: float) -> str | None:
    """The decimal to write for a float: its text as written, normalised to a form JSON, YAML 1.2
    and YAML 1.1 all read as that number (``1.0e+5``, not ``1e5``); None when it cannot be
    written within the number length AERP reads."""
    text = getattr(value, "text", None)
    if not isinstance(text, str):
        written = repr(float(value))
        if "e" in written and "." not in written.split("e")[0]:
            head, exponent = written.split("e")
            written = f"{head}.0e{exponent}"
        return written
    cached = getattr(value, "_out", None)
    if cached is not None:
        return cached
    out = _canonical(text.strip(), limits()["max_number_length"])
    if isinstance(value, AsWritten):
        value._out = out
    return out


def _canonical(text: str, limit: int) -> str | None:
    if _CANONICAL.fullmatch(text) and len(text) <= limit:
        return text
    match = _DECIMAL.fullmatch(text)
    if not match or not (match.group(2) or match.group(3)) or len(text) > 20 * limit:
        return None
    sign = "-" if match.group(1) == "-" else ""
    whole = match.group(2).lstrip("0") or "0"
    fraction = match.group(3) or "0"
    exponent = int(match.group(4)) if match.group(4) is not None else None
    out = f"{sign}{whole}.{fraction}" + ("" if exponent is None else f"e{'-' if exponent < 0 else '+'}{abs(exponent)}")
    if len(out) <= limit:
        return out
    digits = (match.group(2) + (match.group(3) or "")).lstrip("0")
    if not digits:
        return f"{sign}0.0"
    stripped = digits.rstrip("0")
    power = (exponent or 0) - len(match.group(3) or "") + (len(digits) - len(stripped)) + len(stripped) - 1
    out = f"{sign}{stripped[0]}.{stripped[1:] or '0'}e{'-' if power < 0 else '+'}{abs(power)}"
    return out if len(out) <= limit else None


def is_number(value: Any) -> bool:
    """A number AERP can check: finite in binary64, not a tiny decimal that binary64 turns into
    zero, writable within the number length AERP reads (booleans are not numbers here)."""
    if type(value) is AsWritten:
        known = value._ok
        if known is None:
            known = value._ok = _usable(value, value.text)
        return known
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -_MAX_INT <= value <= _MAX_INT
    if not isinstance(value, float):
        return False
    text = getattr(value, "text", None)
    return _usable(value, text) if isinstance(text, str) else math.isfinite(value)


def _usable(value: float, text: str) -> bool:
    if not math.isfinite(value):
        return False
    if value == 0 and any(c in "123456789" for c in text.split("e")[0].split("E")[0]):
        return False  # 1e-400: binary64 underflows to zero, the decimal is not zero
    return number_text(value) is not None


def exact(value: int | float | Fraction) -> Fraction:
    """The decimal a tool wrote, exactly: its text, or a float's shortest text, never its binary expansion.

    Only for values :func:`is_number` accepts: the text of anything else may hold an exponent
    too large to expand.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    text = getattr(value, "text", None)
    return Fraction(text.strip() if isinstance(text, str) else repr(value))


def derived(value: Fraction) -> float | None:
    """An exact result as the nearest binary64 number (its one rounding), or None beyond binary64.

    Python converts a Fraction to float correctly rounded; a result that overflows, or a
    non-zero result that underflows to zero, has no binary64 value to write.
    """
    try:
        number = float(value)
    except OverflowError:
        return None
    if not math.isfinite(number) or (number == 0 and value != 0):
        return None
    return number


def shown(value: Any) -> str:
    """A number for a message, at any magnitude, never an exception (``f"{x:g}"`` overflows on large ints)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        return repr(value)[:40]
    text = getattr(value, "text", None)
    if isinstance(text, str):
        if len(text) <= 40:
            return text
        if len(text) <= 10_000 and _DECIMAL.fullmatch(text.strip()):
            return f"{Decimal(text.strip()):.6g}"
        return f"{text[:37]}…"
    if isinstance(value, float):
        return f"{value:.6g}"
    number = Fraction(value)
    approximate = derived(number)
    if approximate is not None or number == 0:
        return f"{approximate or 0:.6g}"
    quotient = _SHOWN.divide(Decimal(number.numerator), Decimal(number.denominator))
    return f"{quotient:e}"


def whole(value: float | int) -> int | float:
    """An integral count written as 1.0 by a tool, as 1; anything else (and 1e300, whose float is
    not the decimal written) as it was."""
    if not isinstance(value, float) or not is_number(value) or not value.is_integer() or abs(value) >= 2**53:
        return value
    return int(exact(value))


def quantity(value: Any, unit: str) -> dict[str, Any]:
    """``{value, unit}``; an unknown or unusable value is the placeholder (the caller notes why)."""
    return {"value": value if is_number(value) else TBD, "unit": unit}


@functools.cache
def energy_factor(unit: str) -> Fraction:
    """Exact factor from ``unit`` to Wh, from protocol.yaml."""
    return Fraction(params()["units"]["energy"]["symbols"][unit])


@functools.cache
def duration_factor(unit: str) -> Fraction:
    return Fraction(params()["units"]["duration"]["symbols"][unit])


def why_not(value: Any) -> str:
    """Why a value from a file is not a usable number, for a note."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and value == 0:
            return f"{shown(value)}, below the smallest binary64 number"
        return f"{shown(value)}, beyond the binary64 range"
    return f"{shown(value)}, not a number"


# -- placeholders ----------------------------------------------------------------------


def placeholder(value: Any) -> bool:
    """True for a value that only stands in for one (TBD, N/A, unknown, -, ...)."""
    words = {str(w).lower() for w in params()["disclosure"]["placeholders"]}
    return isinstance(value, str) and value.strip().lower() in words


def unknown(value: Any) -> bool:
    """True for a placeholder, or a mapping or list made only of placeholders and units."""
    if isinstance(value, dict):
        return all(unknown(v) or k == "unit" for k, v in value.items())
    if isinstance(value, list):
        return all(unknown(v) for v in value)
    return placeholder(value)


# -- where in a file -------------------------------------------------------------------


def spans(numbers: Iterable[int], most: int = 8) -> str:
    """``2, 5–9, 12`` for line numbers; long lists end with how many more ranges there are."""
    ordered = sorted(set(numbers))
    ranges: list[tuple[int, int]] = []
    for number in ordered:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    shown_ranges = [f"{a}" if a == b else f"{a}–{b}" for a, b in ranges[:most]]
    more = len(ranges) - most
    return ", ".join(shown_ranges) + (f" and {more} more range{'s' if more > 1 else ''}" if more > 0 else "")


def places(lines: Iterable[tuple[str, int]]) -> str:
    """``a.csv lines 2, 5–9; b.csv line 4`` for (file, line) pairs, in the order the files came."""
    by_file: dict[str, list[int]] = {}
    for name, line in lines:
        by_file.setdefault(name, []).append(line)
    parts = []
    for name, numbers in by_file.items():
        parts.append(f"{name} line{'s' if len(set(numbers)) > 1 else ''} {spans(numbers)}")
    return "; ".join(parts)


# -- JSON-safe copies ------------------------------------------------------------------

_SURROGATES = re.compile("[\ud800-\udfff]")


def json_safe(value: Any) -> Any:
    """A copy that the validator reads back: string keys, strings without lone surrogates and
    within the string limit, numbers it can read (any other number is kept as its text)."""
    if isinstance(value, dict):
        return {_safe_text(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return clean(value)


def clean(value: Any) -> Any:
    """One scalar as :func:`json_safe` writes it."""
    if type(value) is AsWritten and is_number(value):
        return value
    if type(value) is str:
        return value if len(value) < 1000 and value.isprintable() else _safe_text(value)
    if isinstance(value, str):
        return _safe_text(str(value))
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if -_longest_int() < value < _longest_int():
            return value
        return str(value) if value.bit_length() < 13_000 else shown(value)  # the digits, as text
    if isinstance(value, float):
        if is_number(value) or (math.isfinite(value) and not isinstance(getattr(value, "text", None), str)):
            return value
        return getattr(value, "text", None) or repr(value)
    if isinstance(value, Fraction):
        number = derived(value)
        return number if number is not None else shown(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    return _safe_text(str(value))


def _safe_text(text: str) -> str:
    text = _SURROGATES.sub("\ufffd", text)
    limit = limits()["max_string_length"]
    if len(text) > limit:
        tail = f"… ({len(text) - limit + 80:,} characters cut: the whole text is in the artifact)"
        text = text[: limit - len(tail)] + tail
    return text


# -- artifacts -------------------------------------------------------------------------


def display_path(path: Path) -> str:
    """The path as given, relative to the current folder when it lies under it, with `/`."""
    absolute = Path(os.path.abspath(path))
    here = Path(os.path.abspath(os.getcwd()))
    try:
        relative = absolute.relative_to(here).as_posix()
    except ValueError:
        return absolute.name
    return relative if relative not in ("", ".") else absolute.name


def artifacts(sources: Iterable[Source]) -> list[dict[str, str]]:
    """One entry per file read: relative path (never absolute, never `..`), SHA-256, what it is.

    A file outside the current folder is named by its file name; when two such names
    collide, parent folders are added until every path is distinct (REQ-REPORT-5).
    """
    unique: dict[str, Source] = {}
    for source in sources:
        unique.setdefault(os.path.abspath(source.path), source)
    names = {key: display_path(s.path) for key, s in unique.items()}
    depth = dict.fromkeys(unique, 1)
    while True:
        taken: dict[str, list[str]] = {}
        for key, name in names.items():
            taken.setdefault(name, []).append(key)
        clashes = [keys for keys in taken.values() if len(keys) > 1]
        if not clashes:
            break
        grown = False
        for keys in clashes:
            for key in keys:
                parts = [p for p in Path(key).parts if p not in (os.sep, "/") and not p.endswith(":\\")]
                if depth[key] < len(parts):
                    depth[key] += 1
                    names[key] = "/".join(parts[-depth[key] :])
                    grown = True
        if not grown:
            break
    return [
        {"path": names[key], "sha256": source.sha256, "description": source.description}
        for key, source in unique.items()
    ]


# -- what aerp validate reads ----------------------------------------------------------


def _shape(value: Any, depth: int = 1) -> tuple[int, int]:
    """Nodes as the validator's YAML reader counts them (every mapping, list, scalar and key) and depth.

    Its JSON reader does not count keys: the YAML count is the larger, and ingest writes YAML.
    """
    children = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else None
    if children is None:
        return 1, depth
    nodes, deepest = 1 + (len(value) if isinstance(value, dict) else 0), depth
    for child in children:
        if isinstance(child, (dict, list, tuple)):
            count, reached = _shape(child, depth + 1)
            nodes += count
            deepest = max(deepest, reached)
        else:
            nodes += 1
            deepest = max(deepest, depth + 1)
    return nodes, deepest


def _advice(document: dict[str, Any], share: float) -> str:
    """What a lab can do about a result too large to validate."""
    results = document.get("results") if isinstance(document.get("results"), dict) else {}
    repetitions = results.get("repetitions") if isinstance(results.get("repetitions"), list) else []
    count = len(repetitions)
    ingest_ext = (document.get("extensions") or {}).get("x-aerp-ingest") or {}
    tool = ingest_ext.get("tool") if isinstance(ingest_ext, dict) else None
    if count < 2:
        return "the tool's file holds more than a submission can carry"
    fits = max(1, int(count * share * 0.9))
    what = "rows" if tool == "codecarbon" else "measures"
    rows = f"select the {what} of your benchmark's repetitions with --rows (at most about {fits:,} fit, e.g. --rows 1-"
    rows += f"{min(fits, count)})" if tool in ("codecarbon", "aies-v1") else ")"
    return (
        f"the input holds {count:,} repetitions; an AERP repetition is one pass over the task's dataset and the "
        f"closed division asks for {params()['run_settings']['repetitions']}: {rows}"
    )


def check_shape(document: dict[str, Any]) -> None:
    """Refuse a submission with more nodes or deeper nesting than ``aerp validate`` reads."""
    bounds = limits()
    nodes, depth = _shape(document)
    if nodes > bounds["max_nodes"]:
        raise IngestError(
            f"the submission would hold {nodes:,} nodes; `aerp validate` reads at most {bounds['max_nodes']:,} "
            f"(protocol.yaml limits.max_nodes): {_advice(document, bounds['max_nodes'] / nodes)}"
        )
    if depth > bounds["max_depth"]:
        raise IngestError(
            f"the submission would nest {depth} levels deep; `aerp validate` reads at most {bounds['max_depth']} "
            "(protocol.yaml limits.max_depth): the input nests its data deeper than a submission can carry"
        )


def check_bytes(document: dict[str, Any], text: str) -> str:
    """``text``, or a refusal when it has more bytes than ``aerp validate`` reads."""
    most = limits()["max_bytes"]
    if len(text) * 4 <= most:
        return text
    size = len(text.encode("utf-8"))
    if size > most:
        raise IngestError(
            f"the submission would be {size:,} bytes; `aerp validate` reads at most {most:,} "
            f"(protocol.yaml limits.max_bytes): {_advice(document, most / size)}"
        )
    return text


# -- output ----------------------------------------------------------------------------

# Plain scalars that a YAML 1.1 reader (PyYAML's safe_load) takes for something other than a
# string; letters-first strings outside this set read as strings in YAML 1.1 and 1.2 alike.
_YAML11_WORDS = {
    w
    for word in ("y", "n", "yes", "no", "on", "off", "true", "false", "null")
    for w in (word, word.capitalize(), word.upper())
}
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 _.\-+/()@%=]*$")
# characters YAML does not allow raw in a quoted scalar, or reads as a line break: escaped
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


_WRITTEN: dict[str, str] = {}  # short strings as YAML: keys and units repeat in every repetition


def _string(value: str) -> str:
    """A string as YAML: plain where every YAML reader reads it as that string, else JSON-quoted."""
    known = _WRITTEN.get(value)
    if known is not None:
        return known
    if _PLAIN.fullmatch(value) and value[-1] != " " and value not in _YAML11_WORDS:
        written = value
    else:
        written = _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))
    if len(value) <= 60:
        if len(_WRITTEN) > 100_000:
            _WRITTEN.clear()
        _WRITTEN[value] = written
    return written


def _scalar(value: Any) -> str:
    """One scalar as YAML (and, but for strings, as JSON), cleaned as :func:`clean` does."""
    if type(value) is AsWritten and is_number(value):
        return value._out  # type: ignore[return-value]
    value = clean(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value) or json.dumps(getattr(value, "text", repr(value)))
    return _string(value)


def _key(key: Any) -> str:
    return clean(key if isinstance(key, str) else str(key))


def _leaf(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple)) and not (isinstance(value, str) and len(value) > 60)


def _flow(value: Any) -> bool:
    """Small mappings and lists of scalars on one line, as people write quantities: {value: 9.6, unit: Wh}."""
    if isinstance(value, dict):
        return 0 < len(value) <= 4 and all(_leaf(v) for v in value.values())
    return 0 < len(value) <= 8 and all(_leaf(v) for v in value)


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(_key(k))}: {_scalar(v)}" for k, v in value.items()) + "}" if value else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]" if value else "[]"
    return _scalar(value)


def _block(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            head = f"{pad}{_string(_key(key))}:"
            if isinstance(item, (dict, list, tuple)) and item and not _flow(item):
                out.append(head)
                _block(item, indent + 2 if isinstance(item, dict) else indent, out)
            else:
                out.append(f"{head} {_inline(item)}")
        return
    for item in value:
        if isinstance(item, dict) and item and not _flow(item):
            start = len(out)
            _block(item, indent + 2, out)
            out[start] = f"{pad}- {out[start][indent + 2 :]}"
        elif isinstance(item, (list, tuple)) and item and not _flow(item):
            out.append(f"{pad}-")
            _block(item, indent + 2, out)
        else:
            out.append(f"{pad}- {_inline(item)}")


_HEADER = """\
# AERP submission skeleton written by `aerp ingest`.
# Every value the tool recorded is carried over as it was; every TBD is a value the tool
# did not record. `aerp validate` on this file lists each TBD as missing disclosure
# (AERP-D002), the missing attestation as AERP-D001, and any defect of the data itself.
# What ingest did is listed under extensions.x-aerp-ingest.notes.
"""


def dump_yaml(document: dict[str, Any]) -> str:
    """Block YAML that YAML 1.2 (the validator), YAML 1.1 (PyYAML) and any JSON-minded reader
    read to the same values: no anchors, no tags, numbers as written, every scalar cleaned as
    :func:`json_safe` cleans it.

    Written line by line rather than through PyYAML's emitter, whose pure-Python cost (about a
    millisecond per repetition) made a long CodeCarbon log take seconds.
    """
    lines: list[str] = []
    if document:
        _block(document, 0, lines)
    else:
        lines.append("{}")
    return _HEADER + "\n".join(lines) + "\n"


def _json(value: Any, indent: int, out: list[str]) -> None:
    if isinstance(value, dict) and value:
        pad = " " * (indent + 2)
        out.append("{\n")
        for position, (key, item) in enumerate(value.items()):
            out.append(f"{pad}{json.dumps(_key(key), ensure_ascii=False)}: ")
            _json(item, indent + 2, out)
            out.append(",\n" if position < len(value) - 1 else "\n")
        out.append(" " * indent + "}")
    elif isinstance(value, (list, tuple)) and value:
        pad = " " * (indent + 2)
        out.append("[\n")
        for position, item in enumerate(value):
            out.append(pad)
            _json(item, indent + 2, out)
            out.append(",\n" if position < len(value) - 1 else "\n")
        out.append(" " * indent + "]")
    elif isinstance(value, (dict, list, tuple)):
        out.append("{}" if isinstance(value, dict) else "[]")
    else:
        value = clean(value)
        out.append(json.dumps(value, ensure_ascii=False) if isinstance(value, str) else _scalar(value))


def dump_json(document: dict[str, Any]) -> str:
    """JSON with two-space indentation, numbers as written (``json.dumps`` would write the binary double)."""
    out: list[str] = []
    _json(document, 0, out)
    return "".join(out) + "\n"
