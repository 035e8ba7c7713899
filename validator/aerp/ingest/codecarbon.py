"""CodeCarbon's ``emissions.csv``: one row per tracked run, each row one repetition.

CodeCarbon appends a row each time a tracker stops, so a benchmark that tracks each
repetition separately leaves one row per repetition, possibly over several runs (run_id)
and several files. Columns are read by name, so the column sets of CodeCarbon 2.x (no
water, PUE only since 2.2.3, no utilisation) and 3.x are both understood (DOMAIN §2.1).

What the CSV says is carried over in CodeCarbon's own units (s, kWh, W, kg), each number as
the decimal written. What it cannot say stays TBD: how the CPU was measured (RAPL, or a TDP
estimate: only CodeCarbon's log tells), the sampling interval, the number of queries, the
GPU power limit and driver.

Real logs are not always clean: a record cut short or left as ``0,,,,`` by a crash holds no
measurement, and is skipped with a note naming its lines rather than turned into a
repetition of placeholders; rows that disagree on the machine (a log kept across two
machines) leave what they disagree on TBD and say which lines say what, without erasing
what they agree on. A log of a run on CPUs only is refused up front: AERP 1.0 rates the
accelerator's energy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from aerp.ingest import IngestError, IngestOptions
from aerp.ingest._common import (
    TBD,
    Converted,
    Note,
    Table,
    choose,
    derived,
    exact,
    is_number,
    load_csv,
    missing,
    parse_decimal,
    placeholder,
    places,
    quantity,
    shown,
    whole,
)
from aerp.ingest.skeleton import method, set_repetitions, skeleton, unrecorded_note

TOOL = "CodeCarbon"
# CodeCarbon component -> AERP component
COMPONENTS = (("gpu", "accelerator"), ("cpu", "cpu"), ("ram", "ram"))
REQUIRED = ("duration", "energy_consumed")
# the columns that hold what a tracker measured: a row with none of them is no record of a run
MEASURES = (
    "duration",
    "emissions",
    "emissions_rate",
    "cpu_power",
    "gpu_power",
    "ram_power",
    "cpu_energy",
    "gpu_energy",
    "ram_energy",
    "energy_consumed",
)
# the power columns hold the mean over the run's samples since 3.1.2, the last sample before
MEAN_POWER_SINCE = (3, 1, 2)
ROW_EXTRAS = (
    "timestamp",
    "project_name",
    "run_id",
    "experiment_id",
    "task_name",
    "emissions_rate",
    "water_consumed",
    "cpu_utilization_percent",
    "gpu_utilization_percent",
    "ram_utilization_percent",
    "ram_used_gb",
    "wue",
)
MACHINE_EXTRAS = (
    "country_name",
    "country_iso_code",
    "region",
    "cloud_provider",
    "cloud_region",
    "on_cloud",
    "python_version",
    "cpu_count",
    "tracking_mode",
)
# machine column -> the members it fills, for the notes on rows that disagree
MACHINE_MEMBERS = {
    "cpu_model": ("/hardware/host/cpu_model",),
    "ram_total_size": ("/hardware/host/memory/value",),
    "os": ("/hardware/operating_system",),
    "codecarbon_version": ("/measurement/methods/*/tool/version",),
}
SOFTWARE_MEMBERS = tuple(
    f"/software/{part}/{member}"
    for part in ("framework", "accelerator_runtime", "harness")
    for member in ("name", "version")
)
_GPU_ENTRY = re.compile(r"(\d+) x ")
_VENDORS = ("NVIDIA", "AMD", "Intel")
_NVIDIA_BRANDS = ("Tesla ", "Quadro ", "GeForce ", "TITAN ")


class Row:
    """One record: where it stands (for messages) and its fields by column.

    ``file`` and ``line`` place a CSV row; a CodeCarbon JSON record (optimum-benchmark's
    ``*_codecarbon.json``) has the same fields, as JSON values.
    """

    def __init__(self, where: str, fields: Mapping[str, Any], file: str = "", line: int = 0) -> None:
        self.where = where
        self.fields = fields
        self.file = file
        self.line = line
        self._numbers: dict[str, int | float | None] = {}

    def text(self, column: str) -> str | None:
        value = self.fields.get(column)
        if value is None:
            return None
        if type(value) is str:
            return value.strip() or None
        text = getattr(value, "text", None)
        text = (text if isinstance(text, str) else str(value)).strip()
        return text or None

    def number(self, column: str) -> int | float | None:
        """The column's number as written; None when absent or empty; an error when it is not a number.

        The value may be unusable (NaN, beyond binary64): :func:`is_number` tells.
        """
        if column in self._numbers:
            return self._numbers[column]
        value = self.fields.get(column)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        text = self.text(column)
        if text is None:
            return None
        number = parse_decimal(text)
        if number is None:
            raise IngestError(f"{self.where}: {column} is not a number: {text[:40]!r}")
        self._numbers[column] = number
        return number


def version_of(text: str | None) -> tuple[int, ...] | None:
    match = re.match(r"^v?(\d+)\.(\d+)\.(\d+)", text or "")
    return tuple(int(g) for g in match.groups()) if match else None


# -- reading ---------------------------------------------------------------------------


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = path / "emissions.csv"
            if not inside.is_file():
                raise IngestError(f"{path} is a folder without an emissions.csv; give CodeCarbon's emissions.csv")
            path = inside
        elif not path.exists():
            raise missing(path)
        if any(path.resolve() == f.resolve() for f in files):
            raise IngestError(f"{path} is given twice: its rows would count twice")
        files.append(path)
    return files


def read_table(path: Path) -> Table:
    """A CodeCarbon CSV, or an error that says why it is not one."""
    table = load_csv(path, "a CodeCarbon emissions.csv", "CodeCarbon emissions.csv: one row per tracked run")
    shown_columns = ", ".join(table.columns[:12]) + (", …" if len(table.columns) > 12 else "")
    for column in REQUIRED:
        if column not in table.columns:
            raise IngestError(f"{path}: not a CodeCarbon emissions.csv: no column {column} (columns: {shown_columns})")
    if "gpu_energy" not in table.columns:
        raise IngestError(
            f"{path}: no column gpu_energy: CodeCarbon before 2.0 records no energy per component, "
            "and AERP rates the accelerator's"
        )
    if not table.rows and not table.broken:
        raise IngestError(f"{path}: the header has no rows under it: CodeCarbon writes one row per tracked run")
    return table


def _records(tables: list[Table]) -> list[tuple[str, int, dict[str, str] | None, str | None]]:
    """Every record under the headers, in file order: (file, line, fields or None, why it is unreadable)."""
    records: list[tuple[str, int, dict[str, str] | None, str | None]] = []
    for table in tables:
        merged = [(line, fields, None) for line, fields in table.rows] + [
            (line, None, reason) for line, reason in table.broken
        ]
        merged.sort(key=lambda record: record[0])
        records += [(table.path.name, line, fields, reason) for line, fields, reason in merged]
    return records


def _problem(row: Row) -> str | None:
    """Why a CSV record is no record of a tracked run (None: it is one).

    A cell that is no number at all, or a record whose measurement columns are all empty or
    NaN (``0,,,,``: what a crash or a cut file leaves), is not a measurement to carry over.
    """
    measured = False
    for column in MEASURES:
        if column not in row.fields:
            continue
        text = row.text(column)
        if text is None:
            continue
        try:
            number = row.number(column)
        except IngestError:
            return f"{column} is not a number: {text[:40]!r}"
        measured = measured or is_number(number)
    return None if measured else "no measurement: every measured column is empty or not a number"


# -- values ----------------------------------------------------------------------------


class Issues:
    """Values that could not be carried over, collected per column and kind, for one note each."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def value(self, row: Row, column: str) -> int | float | None:
        """The usable number of ``column``, or None (an empty cell or an unusable number is recorded)."""
        number = row.number(column)
        if number is not None and is_number(number):
            return number
        kind = "empty" if number is None else _kind(number)
        self.found.setdefault((column, kind), []).append((row.file or row.where, row.line))
        return None

    def notes(self) -> list[str]:
        return [
            f"{column} is {kind} on {places(where)}: written as TBD" for (column, kind), where in self.found.items()
        ]


def _kind(number: int | float) -> str:
    if isinstance(number, float) and number != number:
        return "NaN"
    if isinstance(number, float) and number in (float("inf"), float("-inf")) and not hasattr(number, "text"):
        return "infinite"
    if isinstance(number, float) and number == 0:
        return "a decimal below the smallest binary64 number"
    return "a number beyond the binary64 range, or written with too many digits"


def _plain(text: str | None) -> Any:
    """A field as JSON would hold it: the number as written when it reads as one, else the text."""
    if text is None:
        return None
    number = parse_decimal(text)
    return whole(number) if number is not None and is_number(number) else text


def _repetition(row: Row, mean_power: bool, queries: Any, issues: Issues) -> dict[str, Any]:
    energy: dict[str, Any] = {}
    for source, component in COMPONENTS:
        if f"{source}_energy" in row.fields:
            energy[component] = quantity(issues.value(row, f"{source}_energy"), "kWh")
    energy["total"] = quantity(issues.value(row, "energy_consumed"), "kWh")
    repetition: dict[str, Any] = {
        "duration": quantity(issues.value(row, "duration"), "s"),
        "queries": queries,
        "energy": energy,
    }
    if mean_power:
        powers = {
            component: quantity(issues.value(row, f"{source}_power"), "W")
            for source, component in COMPONENTS
            if f"{source}_power" in row.fields
        }
        if powers:
            repetition["mean_power"] = powers
    if "emissions" in row.fields:
        repetition["emissions"] = quantity(issues.value(row, "emissions"), "kg")
    return repetition


# -- the machine -----------------------------------------------------------------------


def split_vendor(name: str) -> tuple[str | None, str]:
    """(vendor, model) of a device name as NVML or amdsmi print it."""
    for vendor in _VENDORS:
        if name.upper().startswith(vendor.upper() + " "):
            return vendor, name[len(vendor) + 1 :].strip()
    if name.startswith(_NVIDIA_BRANDS):
        return "NVIDIA", name
    return None, name


def parse_gpu_model(text: str) -> list[tuple[int, str]]:
    """CodeCarbon's ``gpu_model``: "N x NAME" per distinct model, concatenated without separator."""
    starts = list(_GPU_ENTRY.finditer(text))
    if not starts or starts[0].start() != 0:
        return []
    entries = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        entries.append((int(match.group(1)), text[match.end() : end].strip()))
    return entries


def names_gpu(model: str | None, count: Any) -> bool:
    """True when CodeCarbon's gpu_model and gpu_count name a GPU."""
    if not model or model == "None" or placeholder(model):
        return False
    return not (isinstance(count, (int, float)) and not isinstance(count, bool) and count == 0)


def _accelerators(document: dict[str, Any], row: Row, notes: list[str]) -> bool:
    """Fill the accelerators from gpu_model and gpu_count; True when CodeCarbon tracked a GPU."""
    accelerators = document["hardware"]["accelerators"]
    model = row.text("gpu_model")
    count = row.number("gpu_count")
    if not names_gpu(model, count):
        notes.append("CodeCarbon tracked no GPU (gpu_model empty, gpu_count 0): its gpu_energy is 0 or empty")
        return False
    assert model is not None
    entries = parse_gpu_model(model)
    if len(entries) > 1:
        notes.append(f"gpu_model `{model}` names several GPU models; AERP describes one: accelerators are TBD")
        return True
    if entries:
        listed, name = entries[0]
    else:
        known = count is not None and is_number(count) and float(count).is_integer()
        listed, name = (int(count) if known else None), model  # type: ignore[arg-type]
        notes.append(f"gpu_model `{model}` is not in CodeCarbon's `N x NAME` form: taken as the model name")
    vendor, name = split_vendor(name)
    accelerators["vendor"] = vendor or TBD
    accelerators["model"] = name
    accelerators["count"] = listed if listed is not None else TBD
    if count is not None and listed is not None and is_number(count) and count != listed:
        notes.append(f"gpu_count {shown(count)} differs from the {listed} of gpu_model: the count is gpu_model's")
    _count_note(accelerators["count"], notes)
    return True


def _count_note(count: Any, notes: list[str]) -> None:
    notes.append(
        Note(
            f"hardware.accelerators.count {count} is the number of GPUs CodeCarbon tracked, which can exceed the "
            "number the model ran on (mlco2/codecarbon#567): check it (REQ-REPORT-10)",
            ["/hardware/accelerators/count"],
        )
    )


def apply_system(document: dict[str, Any], row: Row, notes: list[str], gpu: bool = True) -> tuple[bool, dict[str, Any]]:
    """Fill hardware from CodeCarbon's description of the machine.

    ``row`` is an emissions.csv row or a CodeCarbon JSON record (the same fields); with
    ``gpu`` False the accelerators are left to the caller. Returns whether CodeCarbon
    tracked a GPU, and the machine facts AERP has no member for (for ``extensions``).
    """
    hardware = document["hardware"]
    tracked_gpu = _accelerators(document, row, notes) if gpu else False
    if row.text("cpu_model"):
        hardware["host"]["cpu_model"] = row.text("cpu_model")
    ram = row.number("ram_total_size")
    if ram is not None and is_number(ram):
        hardware["host"]["memory"] = {"value": whole(ram), "unit": "GiB"}
        notes.append(
            Note(
                "hardware.host.memory is CodeCarbon's ram_total_size: bytes / 1024³ (codecarbon/external/hardware.py "
                "B_TO_GB), i.e. GiB, of the memory the OS reports (a little below what is installed; under SLURM, "
                "the job's allocation)",
                ["/hardware/host/memory/value"],
            )
        )
    elif ram is not None:
        notes.append(f"ram_total_size is {shown(ram)}, not a number AERP can check: hardware.host.memory is TBD")
    if row.text("os"):
        hardware["operating_system"] = row.text("os")
    cpu_count = row.text("cpu_count")
    if cpu_count:
        notes.append(
            Note(
                f"cpu_count {cpu_count} counts logical CPUs (threads) or the SLURM allocation, not physical cores: "
                "hardware.host.cores and sockets are TBD",
                ["/hardware/host/cores", "/hardware/host/sockets"],
            )
        )
    return tracked_gpu, {c: _plain(row.text(c)) for c in MACHINE_EXTRAS if row.text(c) is not None}


def set_methods(
    document: dict[str, Any], components: list[str], version: str | None, tracked_gpu: bool, notes: list[str]
) -> None:
    """The boundary and one method per component, as far as CodeCarbon's output tells them."""
    document["measurement"]["boundary"] = components
    methods: dict[str, Any] = {}
    for component in components:
        kind = TBD
        if component == "accelerator" and tracked_gpu:
            kind = "energy-counter"
        elif component == "ram":
            kind = "estimate"
        methods[component] = method(kind, TOOL, version)
    document["measurement"]["methods"] = methods
    if "accelerator" in methods and tracked_gpu:
        notes.append(
            Note(
                "measurement.methods.accelerator.method energy-counter: CodeCarbon reads the GPU's cumulative energy "
                "counter (NVML total energy on NVIDIA Volta and newer, amdsmi on AMD); GPUs without one report 0 kWh "
                "(mlco2/codecarbon#1316)",
                ["/measurement/methods/accelerator/method"],
            )
        )
    if "cpu" in methods:
        notes.append(
            Note(
                "measurement.methods.cpu.method is TBD: CodeCarbon reads RAPL where it can and otherwise estimates "
                "from the CPU's TDP; only its log says which (look for 'Tracking Intel CPU via RAPL' or 'TDP')",
                ["/measurement/methods/cpu/method"],
            )
        )
    if "ram" in methods:
        notes.append(
            Note(
                "measurement.methods.ram.method estimate: CodeCarbon models RAM power from the memory size "
                "(2.x: 3 W per 8 GB; 3.x: 5 W per DIMM) or takes force_ram_power; it never measures RAM",
                ["/measurement/methods/ram/method"],
            )
        )
    notes.append(
        Note(
            "measurement.methods.*.sampling_interval is TBD: CodeCarbon's output does not record measure_power_secs "
            "(its default is 15 s)",
            ["/measurement/methods/*/sampling_interval/value"],
        )
    )
    if not version:
        notes.append(
            Note(
                "measurement.methods.*.tool.version is TBD: the output does not give one CodeCarbon version",
                ["/measurement/methods/*/tool/version"],
            )
        )


# -- the rows as one machine -----------------------------------------------------------


def _distinct(rows: list[Row], column: str) -> dict[str, list[tuple[str, int]]]:
    """Each value the rows give ``column``, with the places that give it, in order of appearance."""
    values: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        text = row.text(column)
        if text is not None:
            values.setdefault(text, []).append((row.file, row.line))
    return values


def _disagreement(column: str, values: dict[str, list[tuple[str, int]]]) -> str:
    listed = "; ".join(f"`{value}` ({places(where)})" for value, where in list(values.items())[:4])
    more = len(values) - 4
    return f"the rows disagree on {column}: {listed}" + (f"; and {more} more values" if more > 0 else "")


def _gpu_from_rows(document: dict[str, Any], rows: list[Row], notes: list[str]) -> bool:
    """The accelerators from every row's gpu_model; rows that disagree keep what they share."""
    models = _distinct(rows, "gpu_model")
    counted = _distinct(rows, "gpu_count")
    counts = {row.number("gpu_count") for row in rows if row.text("gpu_count") is not None}
    naming = {m: w for m, w in models.items() if names_gpu(m, None)}
    if len(models) <= 1 and len(counts) <= 1:
        agreed = {"gpu_model": next(iter(models), None), "gpu_count": next(iter(counts), None)}
        return _accelerators(document, Row("the rows", agreed), notes)
    if not naming:
        notes.append("CodeCarbon tracked no GPU on any row (gpu_model empty or gpu_count 0)")
        return False
    accelerators = document["hardware"]["accelerators"]
    parsed = {m: parse_gpu_model(m) for m in naming}
    single = [entries[0] for entries in parsed.values() if len(entries) == 1]
    names = {name for _, name in single}
    vendors = {split_vendor(name)[0] for name in names}
    what = _disagreement("gpu_model" if len(models) > 1 else "gpu_count", models if len(models) > 1 else counted)
    if len(single) == len(parsed) and len(names) == 1:
        vendor, model = split_vendor(names.pop())
        accelerators["vendor"], accelerators["model"] = vendor or TBD, model
        listed = {count for count, _ in single}
        accelerators["count"] = listed.pop() if len(listed) == 1 and len(counts) <= 1 else TBD
        notes.append(
            Note(
                f"{what}: every row names the GPU {model}; hardware.accelerators.count is "
                f"{accelerators['count']}: state the number the model ran on",
                ["/hardware/accelerators/count"],
                keep=True,
            )
        )
    else:
        if len(vendors) == 1 and None not in vendors:
            accelerators["vendor"] = vendors.pop()
        notes.append(
            Note(
                f"{what}: hardware.accelerators.model and count are TBD (AERP describes the one kind of accelerator "
                "the model ran on: state it)",
                ["/hardware/accelerators/model", "/hardware/accelerators/count"],
                keep=True,
            )
        )
    if accelerators["count"] != TBD:
        _count_note(accelerators["count"], notes)
    return True


def _machine(document: dict[str, Any], rows: list[Row], notes: list[str]) -> tuple[bool, dict[str, Any], str | None]:
    """Hardware from the machine columns: what every row agrees on, TBD and a note where they differ."""
    wanted = ("cpu_model", "ram_total_size", "os", "codecarbon_version", *MACHINE_EXTRAS)
    agreed: dict[str, Any] = {}
    for column in wanted:
        values = _distinct(rows, column)
        if len(values) == 1:
            agreed[column] = next(iter(values))
        elif len(values) > 1:
            members = MACHINE_MEMBERS.get(column, ())
            shown_members = ", ".join(m.lstrip("/").replace("/", ".") for m in members)
            notes.append(
                Note(
                    _disagreement(column, values) + (f": {shown_members} is TBD" if members else ""),
                    members,
                    keep=True,
                )
            )
    tracked_gpu = _gpu_from_rows(document, rows, notes)
    _, extension = apply_system(document, Row("the rows", agreed), notes, gpu=False)
    return tracked_gpu, extension, agreed.get("codecarbon_version")


def _refuse_without_gpu_energy(rows: list[Row], names: str) -> None:
    """AERP 1.0 rates the accelerator's energy: a log without any is said to be so, before any TBD is written."""
    energies = [row.number("gpu_energy") for row in rows]
    if any(e is not None and is_number(e) and e > 0 for e in energies):
        return
    named = [m for m in _distinct(rows, "gpu_model") if names_gpu(m, None)]
    rated = "AERP 1.0 rates the energy of the accelerators the model ran on"
    if not named:
        raise IngestError(
            f"{names}: a CPU-only run: CodeCarbon tracked no GPU (gpu_model is empty and gpu_energy is 0 or empty on "
            f"every row). {rated}, so a run on CPUs alone cannot become an AERP 1.0 submission"
        )
    raise IngestError(
        f"{names}: CodeCarbon names the GPU ({', '.join(named[:3])}) but records no GPU energy (gpu_energy is 0 or "
        f"empty on every row): GPUs without an energy counter report 0 kWh (mlco2/codecarbon#1316). {rated}: "
        "measure it on a GPU with an energy counter"
    )


# -- the conversion --------------------------------------------------------------------


def _pue(document: dict[str, Any], rows: list[Row], notes: list[str]) -> None:
    """CodeCarbon multiplies each component's energy by the PUE before adding it up."""
    if not any("pue" in r.fields for r in rows):
        return
    values = list(dict.fromkeys(v for v in (r.number("pue") for r in rows) if v is not None))
    if not values or all(is_number(v) and v == 1 for v in values):
        return
    if len(values) > 1 or not is_number(values[0]):
        document["measurement"]["pue"] = {"value": TBD, "applied": True}
        notes.append(
            f"the rows give the PUE as {', '.join(shown(v) for v in values[:6])}: measurement.pue is TBD (CodeCarbon "
            "applied it to every energy)"
        )
        return
    document["measurement"]["pue"] = {"value": values[0], "applied": True}
    notes.append(
        f"PUE {shown(values[0])} was applied by CodeCarbon to every energy (and so to the emissions) before they "
        "were written: the energies are reported as CodeCarbon wrote them, with measurement.pue.applied true; the "
        "power columns do not include it"
    )


def _intensity(document: dict[str, Any], rows: list[Row], notes: list[str]) -> None:
    """Grid carbon intensity = emissions / energy consumed (kg/kWh), written in g/kWh."""
    usable: list[tuple[Fraction, Fraction]] = []
    for row in rows:
        emissions, energy = row.number("emissions"), row.number("energy_consumed")
        if is_number(emissions) and is_number(energy) and energy > 0:  # type: ignore[operator]
            usable.append((exact(emissions), exact(energy)))  # type: ignore[arg-type]
    if not usable:
        return
    total = sum((e for e, _ in usable), Fraction(0)) * 1000 / sum((k for _, k in usable), Fraction(0))
    value = derived(total)
    if value is None:
        notes.append(
            f"measurement.carbon_intensity is left out: emissions / energy_consumed of the rows is {shown(total)} "
            "g/kWh, beyond the range of a binary64 number"
        )
        return
    document["measurement"]["carbon_intensity"] = {"value": value, "unit": "g/kWh"}
    each = [e * 1000 / k for e, k in usable]
    low, high = min(each), max(each)
    note = f"measurement.carbon_intensity is emissions / energy_consumed of the rows, {shown(value)} g/kWh"
    if high > low * Fraction(1001, 1000):
        note += f"; the rows range from {shown(low)} to {shown(high)} g/kWh"
    notes.append(note)


def _run_ids(rows: list[Row], notes: list[str]) -> None:
    ids = [text for text in (r.text("run_id") for r in rows) if text]
    distinct = list(dict.fromkeys(ids))
    if len(distinct) > 1:
        notes.append(
            f"the rows come from {len(distinct)} CodeCarbon runs (run_id {', '.join(d[:8] for d in distinct[:6])}"
            f"{', …' if len(distinct) > 6 else ''}): every row is taken as one repetition, in file order"
        )
    if len(distinct) < len(ids):
        notes.append(
            "some rows share a run_id: CodeCarbon writes a row at each stop() of a tracker, and also at flush(), "
            "whose rows are cumulative: check that each row is one repetition"
        )


def _mean_power(rows: list[Row], notes: list[str]) -> bool:
    versions = {version_of(text) for text in {r.text("codecarbon_version") for r in rows}}
    if None not in versions and all(v >= MEAN_POWER_SINCE for v in versions if v is not None):
        return True
    if any(f"{s}_power" in _columns(rows) for s, _ in COMPONENTS):
        notes.append(
            "CodeCarbon before 3.1.2 writes the last power sample, not the mean: cpu_power, gpu_power and ram_power "
            "are kept under extensions.x-codecarbon, not as mean_power"
        )
    return False


def _columns(rows: list[Row]) -> set[str]:
    """Every column of the rows (files of different CodeCarbon versions have different ones)."""
    columns: set[str] = set()
    for row in rows:
        columns.update(row.fields)
    return columns


def _extras(rows: list[Row], mean_power: bool) -> list[dict[str, Any]]:
    present = _columns(rows)
    columns = [c for c in ROW_EXTRAS if c in present]
    if not mean_power:
        columns += [f"{s}_power" for s, _ in COMPONENTS if f"{s}_power" in present]
    extras = []
    for row in rows:
        texts = {column: row.text(column) for column in columns}
        extras.append({"row": row.where, **{c: _plain(t) for c, t in texts.items() if t is not None}})
    return extras


def _select(tables: list[Table], options: IngestOptions, notes: list[str]) -> list[Row]:
    """The rows to convert: those --rows selects, less the records that hold no measurement."""
    records = _records(tables)
    chosen = choose(len(records), options.rows, "rows")
    if options.rows is not None:
        notes.append(
            f"--rows {options.rows}: {len(chosen):,} of the {len(records):,} records "
            f"({places((records[i][0], records[i][1]) for i in chosen)})"
        )
    rows: list[Row] = []
    skipped: dict[str, list[tuple[str, int]]] = {}
    for index in chosen:
        name, line, fields, reason = records[index]
        row = Row(f"{name} line {line}", fields or {}, name, line)
        reason = reason or _problem(row)
        if reason is None:
            rows.append(row)
        else:
            skipped.setdefault(reason, []).append((name, line))
    if skipped:
        listed = "; ".join(f"{places(where)}: {reason}" for reason, where in skipped.items())
        if not rows:
            raise IngestError(f"no record of a tracked run: {listed}")
        count = sum(len(where) for where in skipped.values())
        notes.append(
            f"{count:,} record(s) are not records of a tracked run and are skipped (not repetitions): {listed}"
        )
    return rows


def convert(paths: list[Path], options: IngestOptions) -> Converted:
    tables = [read_table(path) for path in _files(paths)]
    names = ", ".join(t.path.name for t in tables)
    notes: list[str] = []
    rows = _select(tables, options, notes)
    _refuse_without_gpu_energy(rows, names)
    document = skeleton(options.task, options.division, options)
    versions = [v for v in dict.fromkeys(r.text("codecarbon_version") for r in rows) if v]
    notes.insert(
        0,
        f"{len(rows):,} row(s) of {names} (CodeCarbon {', '.join(versions[:4]) or 'TBD'}): each row is one "
        "repetition (CodeCarbon appends a row each time a tracker stops); durations (s), energies (kWh), powers (W) "
        "and emissions (kg) are CodeCarbon's own, unconverted",
    )
    _run_ids(rows, notes)
    mean_power = _mean_power(rows, notes)
    queries = options.queries if options.queries is not None else TBD
    issues = Issues()
    set_repetitions(document, [_repetition(r, mean_power, queries, issues) for r in rows])
    notes += issues.notes()
    machine_notes: list[str] = []
    tracked_gpu, extension, version = _machine(document, rows, machine_notes)
    components = [c for s, c in COMPONENTS if all(f"{s}_energy" in r.fields for r in rows)]
    set_methods(document, components, version, tracked_gpu, machine_notes)
    if not any("codecarbon_version" in r.fields for r in rows):
        machine_notes.append("the CSV has no codecarbon_version column: it was written by CodeCarbon before 2.2.0")
    notes += machine_notes
    _tracking_mode(extension.get("tracking_mode"), notes)
    _pue(document, rows, notes)
    _intensity(document, rows, notes)
    _context_notes(document, rows, options, notes)
    document["extensions"] = {"x-codecarbon": {"machine": extension, "rows": _extras(rows, mean_power)}}
    return Converted(document, notes, [t.source for t in tables])


def _tracking_mode(mode: Any, notes: list[str]) -> None:
    if mode == "machine":
        notes.append("CodeCarbon tracked in machine mode: the CPU and RAM energies are the whole machine's")
    elif mode == "process":
        notes.append(
            "CodeCarbon tracked in process mode: the CPU and RAM energies are the process's share; the GPU energy "
            "is always the whole device's"
        )


def _context_notes(document: dict[str, Any], rows: list[Row], options: IngestOptions, notes: list[str]) -> None:
    if options.queries is None:
        notes.append(
            Note(
                "results.repetitions.*.queries is TBD: the CSV does not record how many queries a repetition "
                "processed (give it, and the summary and the stars follow)",
                ["/results/repetitions/*/queries"],
            )
        )
    if options.task is None:
        notes.append(Note("task is TBD: the CSV does not name the task", ["/task"]))
    if options.model is None:
        notes.append(Note("model.repository is TBD: CodeCarbon does not record the model", ["/model/repository"]))
    stamps = [text for text in (r.text("timestamp") for r in rows) if text]
    if stamps:
        written = f"the rows were written from {min(stamps)} to {max(stamps)}"
        notes.append(Note(f"date (of the submission) is TBD; {written}", ["/date"]))
    if "longitude" in _columns(rows):
        notes.append("longitude and latitude are not carried over (a location; country and region are)")
    notes.append(
        Note(
            "software is TBD: CodeCarbon records no framework, accelerator runtime or harness",
            SOFTWARE_MEMBERS,
        )
    )
    notes += unrecorded_note(document, "CodeCarbon")
