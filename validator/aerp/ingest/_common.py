"""What every converter shares: guarded reading, exact numbers, placeholders, artifacts, YAML.

Inputs come from other people's tools and are read like any untrusted file: bounded in
size, decoded as UTF-8 (with or without a byte-order mark), parsed inside guards, so that
every defect becomes an :class:`IngestError` that says what is wrong and where, never a
traceback. Numbers are handled as the exact decimals the tool wrote (``Fraction`` of their
shortest text) and rounded once, when a derived value is written.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import io
import json
import math
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from aerp.ingest import IngestError, IngestOptions
from aerp.protocol import Protocol, load_minor

TBD = "TBD"
MAX_BYTES = 64 * 1024 * 1024
_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


def protocol() -> Protocol:
    """AERP 1.0, the version ingest writes."""
    return load_minor("1.0")


def params() -> dict[str, Any]:
    return protocol().params


# -- options ---------------------------------------------------------------------------


def normalized(options: IngestOptions) -> IngestOptions:
    """The options checked, with a task written by its AI Energy Score name mapped to AERP's."""
    if not isinstance(options, IngestOptions):
        raise IngestError("options must be an IngestOptions")
    if options.division not in params()["divisions"]:
        raise IngestError(f"unknown division `{options.division}`: use {' or '.join(params()['divisions'])}")
    if options.queries is not None and (
        isinstance(options.queries, bool) or not isinstance(options.queries, int) or options.queries < 1
    ):
        raise IngestError(f"the number of queries per repetition must be a whole number ≥ 1, not {options.queries!r}")
    if options.merge is not None and not isinstance(options.merge, dict):
        raise IngestError(f"the block to merge must be a mapping, not {type(options.merge).__name__}")
    if options.model is not None and not (isinstance(options.model, str) and _REPOSITORY.match(options.model)):
        raise IngestError(f"the model `{options.model}` is not a repository id of the form owner/name")
    if options.revision is not None and not (isinstance(options.revision, str) and options.revision.strip()):
        raise IngestError("the model revision is empty")
    return dataclasses.replace(options, task=task_name(options.task))


def task_name(task: str | None) -> str | None:
    """AERP's name of ``task``; the AI Energy Score's file names (text_generation, asr) are accepted."""
    if task is None:
        return None
    tasks = params()["tasks"]
    if task in tasks:
        return task
    for name, spec in tasks.items():
        if task in spec.get("aliases", ()):
            return name
    close = difflib.get_close_matches(str(task), list(tasks), n=1)
    hint = f"; did you mean `{close[0]}`?" if close else f"; the tasks are {', '.join(tasks)}"
    raise IngestError(f"unknown task `{task}`{hint}")


def repository(text: Any) -> bool:
    """True when ``text`` has the form of a Hub repository id (owner/name)."""
    return isinstance(text, str) and bool(_REPOSITORY.match(text))


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


# -- reading ---------------------------------------------------------------------------


def read_bytes(path: Path, what: str) -> bytes:
    """The bytes of the file at ``path``, refusing folders, devices and files over 64 MiB."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IngestError(f"no such file: {path}") from None
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


def _not_a_number(name: str) -> Any:
    raise _NonFinite(name)


class _NonFinite(Exception):
    pass


def parse_json(path: Path, text: str) -> Any:
    """The JSON value of ``text``; a file cut short says so, with the line where it stops.

    NaN and Infinity are not JSON and not measurements: a file holding one is refused, never
    passed on.
    """
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_not_a_number)
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
    """A CSV file: its column names and its records, each with the line it ends on."""

    path: Path
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    source: Source


def load_csv(path: Path, what: str, description: str) -> Table:
    """The records of a CSV file by column name; a record of the wrong width is an error."""
    data = read_bytes(path, what)
    text = decode(path, data)
    if text.lstrip().startswith(("{", "[")):
        raise IngestError(f"{path}: this is JSON, not {what}")
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for record in reader:
            if not record or all(not cell.strip() for cell in record):
                continue
            if columns is None:
                columns = [cell.strip() for cell in record]
                repeated = sorted({c for c in columns if columns.count(c) > 1})
                if repeated:
                    raise IngestError(f"{path}: the header names the column {', '.join(repeated)} twice")
                continue
            if len(record) != len(columns):
                raise IngestError(
                    f"{path} line {reader.line_num}: {len(record)} fields, but the header names {len(columns)} columns"
                )
            rows.append((reader.line_num, dict(zip(columns, record, strict=True))))
    except csv.Error as error:
        raise IngestError(f"{path} line {reader.line_num}: not CSV: {error}") from None
    return Table(path, columns or [], rows, Source(path, digest(data), description))


# -- numbers ---------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    """A finite int or float (booleans are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def exact(value: int | float | Fraction) -> Fraction:
    """The decimal a tool wrote, exactly: a float's shortest text, not its binary expansion."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(value))


def rounded(value: Fraction) -> float:
    """``value`` as the nearest binary64 number: the one rounding of an exact computation.

    Python converts a Fraction to float correctly rounded, and the inputs were exact
    decimals, so no binary noise of intermediate steps reaches what is written.
    """
    return float(value)


def whole(value: float | int) -> int | float:
    """An integral count written as 1.0 by a tool, as 1."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def quantity(value: Any, unit: str) -> dict[str, Any]:
    """``{value, unit}``; an unknown or non-finite value is the placeholder."""
    return {"value": value if is_number(value) else TBD, "unit": unit}


def energy_factor(unit: str) -> Fraction:
    """Exact factor from ``unit`` to Wh, from protocol.yaml."""
    return Fraction(params()["units"]["energy"]["symbols"][unit])


def duration_factor(unit: str) -> Fraction:
    return Fraction(params()["units"]["duration"]["symbols"][unit])


# -- placeholders ----------------------------------------------------------------------


def placeholder(value: Any) -> bool:
    """True for a value that only stands in for one (TBD, N/A, unknown, ...)."""
    words = {str(w).lower() for w in params()["disclosure"]["placeholders"]}
    return isinstance(value, str) and value.strip().lower() in words


def unknown(value: Any) -> bool:
    """True for a placeholder, or a mapping or list made only of placeholders and units."""
    if isinstance(value, dict):
        return all(unknown(v) or k == "unit" for k, v in value.items())
    if isinstance(value, list):
        return all(unknown(v) for v in value)
    return placeholder(value)


def json_safe(value: Any) -> Any:
    """A copy that a strict reader accepts: string keys, no NaN or infinity (written as text)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


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


# -- YAML ------------------------------------------------------------------------------

# Plain scalars that a YAML 1.2 core-schema reader (the validator's) resolves to something
# other than a string: such strings must be quoted to stay strings.
_CORE_NON_STRING = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


class _Dumper(yaml.SafeDumper):
    """Safe YAML without anchors or aliases (AERP refuses them, REQ-FORMAT-3)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if _CORE_NON_STRING.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _leaf(value: Any) -> bool:
    return not isinstance(value, (dict, list)) and not (isinstance(value, str) and len(value) > 60)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.Node:
    """Small mappings of scalars on one line, as people write quantities: {value: 9.6, unit: Wh}."""
    flow = 0 < len(value) <= 4 and all(_leaf(v) for v in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow or None)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    flow = 0 < len(value) <= 8 and all(_leaf(v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow or None)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)

_HEADER = """\
# AERP submission skeleton written by `aerp ingest`.
# Every value the tool recorded is carried over as it was; every TBD is a value the tool
# could not know. `aerp validate` on this file lists each TBD as missing disclosure
# (AERP-D002), the missing attestation as AERP-D001, and any defect of the data itself.
# What ingest did is listed under extensions.x-aerp-ingest.notes.
"""


def dump_yaml(document: dict[str, Any]) -> str:
    body = yaml.dump(
        json_safe(document), Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120
    )
    return _HEADER + body
