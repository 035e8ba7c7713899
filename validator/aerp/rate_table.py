"""`aerp rate --input rows.csv`: stars for many results at once, by either method.

Every input row is kept, with its columns as they were, and gains a ``stars`` column. A row
that cannot be rated (an unknown task, a missing class, a bad unit, a negative energy) is
reported with its line number and left without stars; the others are still rated.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field

from aerp.energy_input import BadInput, energy_wh, task_name
from aerp.protocol import Protocol
from aerp.rating import NoScale, Rating, cohort, fixed, thresholds

REQUIRED_COLUMNS = ("task", "class", "energy")


@dataclass
class Row:
    line: int
    cells: dict[str, str]
    task: str | None = None
    size_class: str | None = None
    energy_wh: float | None = None
    rating: Rating | None = None
    error: str | None = None


@dataclass
class Table:
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def bad(self) -> list[Row]:
        return [r for r in self.rows if r.error]


def read(text: str, protocol: Protocol) -> Table:
    """Parse the CSV and each row's task, class and energy; problems stay with their row.

    A spreadsheet's "CSV UTF-8" starts with a byte order mark; it is not part of the first
    column's name. (Submissions are refused with one: they are written by tools, not saved
    from a spreadsheet, and the strict reader keeps one spelling of a file.)
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    columns = list(reader.fieldnames or [])
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise BadInput(f"the CSV has no column {', '.join(missing)}; it needs task, class and energy")
    table = Table(columns=columns)
    for cells in reader:
        row = Row(line=reader.line_num, cells={k: (v if v is not None else "") for k, v in cells.items() if k})
        try:
            row.task = task_name(cells.get("task") or "", protocol)
            row.size_class = (cells.get("class") or "").strip() or None
            thresholds(protocol, row.task, row.size_class)  # the task and class have a scale
            row.energy_wh = energy_wh(cells.get("energy") or "", protocol)
        except (BadInput, NoScale) as problem:
            row.error = str(problem)
        table.rows.append(row)
    return table


def rate_fixed(table: Table, protocol: Protocol) -> None:
    for row in table.rows:
        if row.error is None and row.task is not None and row.energy_wh is not None:
            row.rating = fixed(protocol, row.task, row.size_class, row.energy_wh)


def rate_cohort(table: Table, protocol: Protocol) -> list[str]:
    """Rate each (task, class) group against its own range; say which groups have no scale."""
    groups: dict[tuple[str, str | None], list[Row]] = defaultdict(list)
    for row in table.rows:
        if row.error is None and row.task is not None:
            groups[(row.task, row.size_class)].append(row)
    notes = []
    for (task, size_class), rows in groups.items():
        try:
            ratings = cohort(protocol, [r.energy_wh for r in rows if r.energy_wh is not None])
        except NoScale as reason:
            scope = task + (f" class {size_class}" if size_class else "")
            notes.append(f"{scope}: {reason}; its {len(rows)} row(s) get no stars")
            continue
        for row, rating in zip(rows, ratings, strict=True):
            row.rating = rating
    return notes


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*table.columns, "stars"])
    for row in table.rows:
        writer.writerow([*(row.cells.get(c, "") for c in table.columns), row.rating.stars if row.rating else ""])
    return out.getvalue()


def to_records(table: Table) -> list[dict[str, object]]:
    return [{**row.cells, "stars": row.rating.stars if row.rating else None} for row in table.rows]
