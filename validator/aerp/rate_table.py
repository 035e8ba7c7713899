"""`aerp rate --input rows.csv`: stars for many results at once, by either method.

Every input row is kept, with its columns as they were, and gains a ``stars`` column. A row
that cannot be rated (an unknown task, a missing class, a bad unit, a negative energy) is
reported with its line number and left without stars; the others are still rated.

A table with an ``uncertainty`` column (the expanded uncertainty U of each energy, "0.5 Wh";
an empty cell is none) also gains ``stars_low`` and ``stars_high``, the stars of E + U and of
max(E − U, 0) on the same scale (:func:`aerp.rating.rate_range`). A table without one is
written exactly as before, so that no reader of the old columns is surprised.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from aerp.energy_input import BadInput, energy_wh, task_name, uncertainty_wh
from aerp.protocol import Protocol
from aerp.rating import NoScale, Rating, RatingRange, cohort_edges, fixed_range, rate_range, thresholds

REQUIRED_COLUMNS = ("task", "class", "energy")
UNCERTAINTY_COLUMN = "uncertainty"


@dataclass
class Row:
    line: int
    cells: dict[str, str]
    task: str | None = None
    size_class: str | None = None
    energy_wh: Fraction | None = None
    uncertainty_wh: Fraction | None = None  # the expanded uncertainty U; None where the row states none
    rating: Rating | None = None
    range: RatingRange | None = None
    error: str | None = None


@dataclass
class Table:
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    @property
    def bad(self) -> list[Row]:
        return [r for r in self.rows if r.error]

    @property
    def with_uncertainty(self) -> bool:
        """True when the table has an ``uncertainty`` column: the output gains stars_low and stars_high."""
        return UNCERTAINTY_COLUMN in self.columns


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
            stated = (cells.get(UNCERTAINTY_COLUMN) or "").strip()
            row.uncertainty_wh = uncertainty_wh(stated, protocol) if stated else None
        except (BadInput, NoScale) as problem:
            row.error = str(problem)
        table.rows.append(row)
    return table


def rate_fixed(table: Table, protocol: Protocol) -> None:
    for row in table.rows:
        if row.error is None and row.task is not None and row.energy_wh is not None:
            row.range = fixed_range(protocol, row.task, row.size_class, row.energy_wh, row.uncertainty_wh or 0)
            row.rating = row.range.rating


def rate_cohort(table: Table, protocol: Protocol) -> list[str]:
    """Rate each (task, class) group against its own range; say which groups have no scale.

    A row's uncertainty is read on its group's edges, as on a fixed scale.
    """
    groups: dict[tuple[str, str | None], list[Row]] = defaultdict(list)
    for row in table.rows:
        if row.error is None and row.task is not None and row.energy_wh is not None:
            groups[(row.task, row.size_class)].append(row)
    notes = []
    spec = protocol.params["rating"]
    for (task, size_class), rows in groups.items():
        try:
            edges = cohort_edges([r.energy_wh for r in rows if r.energy_wh is not None], spec["cohort"]["bins"])
        except NoScale as reason:
            scope = task + (f" class {size_class}" if size_class else "")
            notes.append(f"{scope}: {reason}; its {len(rows)} row(s) get no stars")
            continue
        for row in rows:
            assert row.energy_wh is not None
            row.range = rate_range(row.energy_wh, row.uncertainty_wh or 0, edges, spec["stars"])
            row.rating = row.range.rating
    return notes


def _added(table: Table, row: Row) -> list[int | None]:
    """The cells a row gains: stars, and stars_low and stars_high where the table states uncertainties."""
    cells: list[int | None] = [row.rating.stars if row.rating else None]
    if table.with_uncertainty:
        cells += [row.range.stars_low, row.range.stars_high] if row.range else [None, None]
    return cells


def _added_columns(table: Table) -> list[str]:
    return ["stars", "stars_low", "stars_high"] if table.with_uncertainty else ["stars"]


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*table.columns, *_added_columns(table)])
    for row in table.rows:
        added = ["" if cell is None else cell for cell in _added(table, row)]
        writer.writerow([*(row.cells.get(c, "") for c in table.columns), *added])
    return out.getvalue()


def to_records(table: Table) -> list[dict[str, object]]:
    return [{**row.cells, **dict(zip(_added_columns(table), _added(table, row), strict=True))} for row in table.rows]
