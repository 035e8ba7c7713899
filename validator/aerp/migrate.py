"""Carrying a submission forward to a newer edition without changing any value it states.

A lab that has a conformant 1.0 file should not retype it for 1.1. Migration edits the file's
own text: every value, decimal, unit, key order and (in YAML) comment stays as written; the
version is raised; what the new edition derives from the old rules is added (a 1.0 repetition
is one pass over the dataset; a 1.0 boundary that includes the accelerator measured the
accelerator level); and every member the new edition newly requires is written as ``TBD``, so
that ``aerp validate`` lists exactly the disclosure still to be made. Nothing is computed or
guessed: a value the old file does not imply is never filled in.

YAML is edited in place, line by line, at the positions the reader records; JSON is written
back with the same members in the same order and every number as the decimal it was written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aerp.exact import Written
from aerp.load import Document, Limits, LoadError, load_text

TBD = "TBD"


class CannotMigrate(ValueError):
    """The file cannot be carried forward: not a submission of the source edition, or a layout it cannot edit."""


@dataclass
class Insertion:
    """A member to add to the mapping at ``parent``: its key, its value, and why."""

    parent: str
    key: str
    value: Any
    reason: str


@dataclass
class Plan:
    version: tuple[str, str]  # (from, to)
    insertions: list[Insertion] = field(default_factory=list)

    def changes(self) -> list[str]:
        described = [f"aerp_version: {self.version[0]} → {self.version[1]}"]
        for item in self.insertions:
            where = f"{item.parent}/{item.key}" if item.parent else f"/{item.key}"
            described.append(f"{where}: {_flow(item.value)} ({item.reason})")
        return described


# -- what 1.1 adds -------------------------------------------------------------------------


def plan_1_0_to_1_1(data: dict[str, Any], params: dict[str, Any]) -> Plan:
    """The members AERP 1.1 requires that a 1.0 file lacks, each with its value or TBD."""
    version = data.get("aerp_version")
    if not isinstance(version, str) or not re.fullmatch(r"1\.0\.\d+", version):
        raise CannotMigrate(f"this is not an AERP 1.0 submission (aerp_version is {version!r})")
    plan = Plan(version=(version, "1.1.0"))
    closed = data.get("division") == "closed"
    task = params["tasks"].get(data.get("task")) if isinstance(data.get("task"), str) else None
    run = data.get("run")
    if closed and task and "new_tokens" in task and isinstance(run, dict):
        for member in ("decoding", "max_new_tokens", "min_new_tokens"):
            if member not in run:
                plan.insertions.append(
                    Insertion("/run", member, TBD, f"closed division: {task['new_tokens']} new tokens (REQ-RUN-11)")
                )
    measurement = data.get("measurement")
    if isinstance(measurement, dict):
        boundary = measurement.get("boundary")
        if "levels" not in measurement:
            if isinstance(boundary, list) and "accelerator" in boundary:
                plan.insertions.append(
                    Insertion(
                        "/measurement",
                        "levels",
                        ["accelerator"],
                        "the 1.0 boundary includes the accelerator; add node, wall or facility if measured",
                    )
                )
            else:
                plan.insertions.append(Insertion("/measurement", "levels", TBD, "the boundary levels measured"))
        pue = measurement.get("pue")
        if isinstance(pue, dict) and "source" not in pue:
            plan.insertions.append(
                Insertion("/measurement/pue", "source", TBD, "measured, design or provider-reported")
            )
            plan.insertions.append(Insertion("/measurement/pue", "period", TBD, "the period the PUE covers"))
    results = data.get("results")
    if isinstance(results, dict):
        repetitions = results.get("repetitions")
        if isinstance(repetitions, list):
            for index, repetition in enumerate(repetitions):
                if not isinstance(repetition, dict):
                    continue
                where = f"/results/repetitions/{index}"
                if "passes" not in repetition:
                    plan.insertions.append(
                        Insertion(where, "passes", 1, "a 1.0 repetition is one pass over the dataset")
                    )
                if "counts" not in repetition:
                    plan.insertions.append(Insertion(where, "counts", TBD, "tokens, items or audio processed"))
        if closed and "idle" not in results:
            plan.insertions.append(
                Insertion("/results", "idle", TBD, "closed division: a measured idle window (REQ-IDLE-1)")
            )
        summary = results.get("summary")
        if closed and isinstance(summary, dict) and "uncertainty" not in summary:
            plan.insertions.append(
                Insertion("/results/summary", "uncertainty", TBD, "closed division: u, k, U and the budget (REQ-UNC-1)")
            )
        if closed and isinstance(summary, dict) and "accelerator_energy_per_1000_queries_idle_corrected" not in summary:
            plan.insertions.append(
                Insertion(
                    "/results/summary",
                    "accelerator_energy_per_1000_queries_idle_corrected",
                    TBD,
                    "closed division: the idle-corrected energy (REQ-IDLE-2)",
                )
            )
    return plan


PLANS: dict[tuple[str, str], Callable[[dict[str, Any], dict[str, Any]], Plan]] = {("1.0", "1.1"): plan_1_0_to_1_1}


# -- writing -------------------------------------------------------------------------------


def _flow(value: Any) -> str:
    """A value as a one-line YAML flow node (also valid JSON for numbers, lists and TBD quoted)."""
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, str):
        return value if re.fullmatch(r"[A-Za-z][A-Za-z0-9 _.-]*", value) else json.dumps(value)
    return json.dumps(value)


def migrate(text: str, fmt: str, target: str, limits: Limits) -> tuple[str, list[str]]:
    """``text`` carried forward to the edition ``target`` (``1.1``): the new text and what changed."""
    try:
        document = load_text(text, fmt, limits)
    except LoadError as error:
        raise CannotMigrate(f"the file cannot be read: {error.message} (line {error.line})") from None
    data = document.data
    if not isinstance(data, dict):
        raise CannotMigrate("the file is not a submission: its top level is not a mapping")
    source = str(data.get("aerp_version", ""))[:3]
    planner = PLANS.get((source, target))
    if planner is None:
        known = ", ".join(f"{a} → {b}" for a, b in PLANS)
        raise CannotMigrate(f"no migration from `{data.get('aerp_version')}` to {target}; this validator knows {known}")
    from aerp.protocol import load_minor

    plan = planner(data, load_minor(target).params)
    if fmt == "json":
        return _json(data, plan), plan.changes()
    return _yaml(text, document, plan), plan.changes()


def _json(data: dict[str, Any], plan: Plan) -> str:
    import copy

    from aerp.pointer import resolve

    data = copy.deepcopy(data)  # numbers stay the decimals written (aerp.exact.Written)
    data["aerp_version"] = plan.version[1]
    for item in plan.insertions:
        parent = resolve(data, item.parent) if item.parent else data
        parent[item.key] = item.value
    return _dump_json(data) + "\n"


def _dump_json(value: Any, indent: int = 0) -> str:
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dump_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(members) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_dump_json(v, indent + 1)}" for v in value) + f"\n{pad}]"
    if isinstance(value, Written):
        return value.text
    return json.dumps(value, ensure_ascii=False)


def _yaml(text: str, document: Document, plan: Plan) -> str:
    lines = text.splitlines(keepends=True)
    document.locate("")  # build the position map
    positions = dict(document._positions or {})
    line, _ = positions.get("/aerp_version", (0, 0))
    if not line:
        raise CannotMigrate("the file has no aerp_version line to raise")
    old, new = plan.version
    if old not in lines[line - 1]:
        raise CannotMigrate(f"aerp_version is not written on one line with its key (line {line})")
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    # insert bottom-up, so that earlier line numbers stay valid
    points = [(_insertion_point(lines, positions, item), order) for order, item in enumerate(plan.insertions)]
    # bottom-up; at one line, the more deeply nested member goes first (it closes its own mapping)
    points.sort(key=lambda entry: (entry[0][0][0], -entry[0][0][1], entry[1]))
    for ((at, indent, flow), item), _ in reversed(points):
        if flow is not None:
            row, column = flow
            text_line = lines[row]
            lines[row] = f"{text_line[:column]}, {item.key}: {_flow(item.value)}{text_line[column:]}"
        else:
            lines.insert(at, f"{' ' * indent}{item.key}: {_flow(item.value)}  # {item.reason}\n")
    return "".join(lines)


_KEY = re.compile(r"^(?P<indent>\s*)(?:- )?(?P<key>[A-Za-z_][A-Za-z0-9_]*|\"[^\"]+\")\s*:")


def _children(positions: dict[str, tuple[int, int]], parent: str) -> list[tuple[int, int]]:
    prefix = parent + "/"
    return sorted(v for k, v in positions.items() if k.startswith(prefix) and "/" not in k[len(prefix) :])


def _subtree_end(positions: dict[str, tuple[int, int]], parent: str) -> int:
    prefix = parent + "/"
    return max((v[0] for k, v in positions.items() if k.startswith(prefix) or k == parent), default=0)


def _insertion_point(
    lines: list[str], positions: dict[str, tuple[int, int]], item: Insertion
) -> tuple[tuple[int, int, tuple[int, int] | None], Insertion]:
    """(line index to insert before, indentation, or the (row, column) of a flow mapping's closing brace)."""
    if not item.parent:
        return (len(lines), 0, None), item
    children = _children(positions, item.parent)
    if not children:
        raise CannotMigrate(f"{item.parent} is empty or not a mapping: cannot add {item.key} to it")
    first_line, first_column = children[0]
    parent_line = positions.get(item.parent, (first_line, first_column))[0]
    if first_line == parent_line and _is_flow(lines[parent_line - 1], first_column):
        row = parent_line - 1
        close = _closing_brace(lines[row], first_column - 1)
        if close is None:
            raise CannotMigrate(f"{item.parent} is a flow mapping over several lines (line {parent_line})")
        return (row, 0, (row, close)), item
    indent = first_column - 1
    end = _subtree_end(positions, item.parent)
    # continuation lines of the last member (a block under it, a flow node over several lines)
    while end < len(lines):
        following = lines[end]
        stripped = following.strip()
        if not stripped or stripped.startswith("#"):
            break
        if len(following) - len(following.lstrip(" ")) <= indent:
            break
        end += 1
    return (end, indent, None), item


def _is_flow(line: str, column: int) -> bool:
    """True when the member starting at ``column`` (1-based) sits inside a ``{...}`` on this line."""
    before = line[: column - 1]
    return before.count("{") > before.count("}")


def _closing_brace(line: str, start: int) -> int | None:
    """The index of the ``}`` that closes the flow mapping open at ``start`` (outside quotes)."""
    depth, quote = 1, None
    index = start
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 2
                continue
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None
