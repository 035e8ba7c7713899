"""CodeCarbon's ``emissions.csv``: one row per tracked run, each row one repetition.

CodeCarbon appends a row each time a tracker stops, so a benchmark that tracks each
repetition separately leaves one row per repetition, possibly over several runs (run_id)
and several files. Columns are read by name, so the column sets of CodeCarbon 2.x (no
water, PUE only since 2.2.3, no utilisation) and 3.x are both understood (DOMAIN §2.1).

What the CSV says is carried over in CodeCarbon's own units (s, kWh, W, kg). What it cannot
say stays TBD: how the CPU was measured (RAPL, or a TDP estimate: only CodeCarbon's log
tells), the sampling interval, the number of queries, the GPU power limit and driver.
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
    Table,
    exact,
    is_number,
    load_csv,
    quantity,
    rounded,
    whole,
)
from aerp.ingest.skeleton import method, set_repetitions, settings_note, skeleton

TOOL = "CodeCarbon"
# CodeCarbon component -> AERP component
COMPONENTS = (("gpu", "accelerator"), ("cpu", "cpu"), ("ram", "ram"))
REQUIRED = ("duration", "energy_consumed")
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
_GPU_ENTRY = re.compile(r"(\d+) x ")
_VENDORS = ("NVIDIA", "AMD", "Intel")
_NVIDIA_BRANDS = ("Tesla ", "Quadro ", "GeForce ", "TITAN ")


class Row:
    """One CSV record: where it stands (for messages) and its fields by column."""

    def __init__(self, where: str, fields: Mapping[str, Any]) -> None:
        self.where = where
        self.fields = fields

    def text(self, column: str) -> str | None:
        value = self.fields.get(column)
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def number(self, column: str) -> float | None:
        """The column's number; None when absent or empty; an error when it is not a number."""
        value = self.fields.get(column)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = self.text(column)
        if text is None:
            return None
        try:
            return float(text)
        except ValueError:
            raise IngestError(f"{self.where}: {column} is not a number: {text!r}") from None


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
        if any(path.resolve() == f.resolve() for f in files):
            raise IngestError(f"{path} is given twice: its rows would count twice")
        files.append(path)
    return files


def read_table(path: Path) -> Table:
    """A CodeCarbon CSV, or an error that says why it is not one."""
    table = load_csv(path, "a CodeCarbon emissions.csv", "CodeCarbon emissions.csv: one row per tracked run")
    shown = ", ".join(table.columns[:12]) + (", …" if len(table.columns) > 12 else "")
    for column in REQUIRED:
        if column not in table.columns:
            raise IngestError(f"{path}: not a CodeCarbon emissions.csv: no column {column} (columns: {shown})")
    if "gpu_energy" not in table.columns:
        raise IngestError(
            f"{path}: no column gpu_energy: CodeCarbon before 2.0 records no energy per component, "
            "and AERP rates the accelerator's"
        )
    if not table.rows:
        raise IngestError(f"{path}: the header has no rows under it: CodeCarbon writes one row per tracked run")
    return table


def _rows(tables: list[Table]) -> list[Row]:
    return [Row(f"{t.path.name} line {line}", fields) for t in tables for line, fields in t.rows]


# -- values ----------------------------------------------------------------------------


def _value(row: Row, column: str, notes: list[str]) -> float | None:
    """The number of ``column``; a NaN or infinity is noted and becomes a placeholder."""
    value = row.number(column)
    if value is not None and not is_number(value):
        notes.append(f"{row.where}: {column} is {row.text(column)}: written as TBD")
        return None
    return value


def _plain(text: str | None) -> Any:
    """A field as JSON would hold it: a number when it reads as one, else the text."""
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return text
    return whole(number) if is_number(number) else text


def _repetition(row: Row, mean_power: bool, queries: Any, notes: list[str]) -> dict[str, Any]:
    energy: dict[str, Any] = {}
    for source, component in COMPONENTS:
        if f"{source}_energy" in row.fields:
            energy[component] = quantity(_value(row, f"{source}_energy", notes), "kWh")
    energy["total"] = quantity(_value(row, "energy_consumed", notes), "kWh")
    repetition: dict[str, Any] = {
        "duration": quantity(_value(row, "duration", notes), "s"),
        "queries": queries,
        "energy": energy,
    }
    if mean_power:
        powers = {
            component: quantity(_value(row, f"{source}_power", notes), "W")
            for source, component in COMPONENTS
            if f"{source}_power" in row.fields
        }
        if powers:
            repetition["mean_power"] = powers
    if "emissions" in row.fields:
        repetition["emissions"] = quantity(_value(row, "emissions", notes), "kg")
    return repetition


def _agreed(rows: list[Row], column: str, notes: list[str]) -> str | None:
    """The one value every row gives ``column``; rows that disagree are noted and give None."""
    values = list(dict.fromkeys(v for v in (r.text(column) for r in rows) if v is not None))
    if len(values) > 1:
        notes.append(f"the rows disagree on {column} ({', '.join(values[:5])}): written as TBD")
        return None
    return values[0] if values else None


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


def _accelerators(document: dict[str, Any], row: Row, notes: list[str]) -> bool:
    """Fill the accelerators from gpu_model and gpu_count; True when CodeCarbon tracked a GPU."""
    accelerators = document["hardware"]["accelerators"]
    model = row.text("gpu_model")
    count = row.number("gpu_count")
    if not model or model == "None" or count == 0:
        notes.append("CodeCarbon tracked no GPU (gpu_model empty, gpu_count 0): its gpu_energy is 0 or empty")
        return False
    entries = parse_gpu_model(model)
    if len(entries) > 1:
        notes.append(f"gpu_model `{model}` names several GPU models; AERP describes one: accelerators are TBD")
        return True
    if entries:
        listed, name = entries[0]
    else:
        listed, name = (int(count) if count is not None and float(count).is_integer() else None), model
        notes.append(f"gpu_model `{model}` is not in CodeCarbon's `N x NAME` form: taken as the model name")
    vendor, name = split_vendor(name)
    accelerators["vendor"] = vendor or TBD
    accelerators["model"] = name
    accelerators["count"] = listed if listed is not None else TBD
    if count is not None and listed is not None and count != listed:
        notes.append(f"gpu_count {whole(count)} differs from the {listed} of gpu_model: the count is gpu_model's")
    notes.append(
        f"hardware.accelerators.count {accelerators['count']} is the number of GPUs CodeCarbon tracked, which can "
        "exceed the number the model ran on (mlco2/codecarbon#567): check it (REQ-REPORT-10)"
    )
    return True


def apply_system(document: dict[str, Any], row: Row, notes: list[str]) -> tuple[bool, dict[str, Any]]:
    """Fill hardware from CodeCarbon's description of the machine.

    ``row`` is an emissions.csv row or a CodeCarbon JSON record (the same fields). Returns
    whether CodeCarbon tracked a GPU, and the machine facts AERP has no member for (for
    ``extensions``).
    """
    hardware = document["hardware"]
    tracked_gpu = _accelerators(document, row, notes)
    if row.text("cpu_model"):
        hardware["host"]["cpu_model"] = row.text("cpu_model")
    ram = row.number("ram_total_size")
    if ram is not None and is_number(ram):
        hardware["host"]["memory"] = {"value": whole(ram), "unit": "GiB"}
        notes.append(
            "hardware.host.memory is CodeCarbon's ram_total_size: bytes / 1024³ (codecarbon/external/hardware.py "
            "B_TO_GB), i.e. GiB, of the memory the OS reports (a little below what is installed; under SLURM, the "
            "job's allocation)"
        )
    if row.text("os"):
        hardware["operating_system"] = row.text("os")
    cpu_count = row.text("cpu_count")
    if cpu_count:
        notes.append(
            f"cpu_count {cpu_count} counts logical CPUs (threads) or the SLURM allocation, not physical cores: "
            "hardware.host.cores and sockets are TBD"
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
            "measurement.methods.accelerator.method energy-counter: CodeCarbon reads the GPU's cumulative energy "
            "counter (NVML total energy on NVIDIA Volta and newer, amdsmi on AMD); GPUs without one report 0 kWh "
            "(mlco2/codecarbon#1316)"
        )
    if "cpu" in methods:
        notes.append(
            "measurement.methods.cpu.method is TBD: CodeCarbon reads RAPL where it can and otherwise estimates from "
            "the CPU's TDP; only its log says which (look for 'Tracking Intel CPU via RAPL' or 'TDP')"
        )
    if "ram" in methods:
        notes.append(
            "measurement.methods.ram.method estimate: CodeCarbon models RAM power from the memory size "
            "(2.x: 3 W per 8 GB; 3.x: 5 W per DIMM) or takes force_ram_power; it never measures RAM"
        )
    notes.append(
        "measurement.methods.*.sampling_interval is TBD: CodeCarbon's output does not record measure_power_secs "
        "(its default is 15 s)"
    )
    if not version:
        notes.append("measurement.methods.*.tool.version is TBD: the output does not give one CodeCarbon version")


# -- the conversion --------------------------------------------------------------------


def _pue(document: dict[str, Any], rows: list[Row], notes: list[str]) -> None:
    """CodeCarbon multiplies each component's energy by the PUE before adding it up."""
    if not any("pue" in r.fields for r in rows):
        return
    values = list(dict.fromkeys(v for v in (r.number("pue") for r in rows) if v is not None))
    if values == [1.0] or not values:
        return
    if len(values) > 1:
        document["measurement"]["pue"] = {"value": TBD, "applied": True}
        notes.append(f"the rows use different PUE values ({', '.join(map(str, values))}): measurement.pue is TBD")
        return
    document["measurement"]["pue"] = {"value": values[0], "applied": True}
    notes.append(
        f"PUE {values[0]:g} was applied by CodeCarbon to every energy (and so to the emissions) before they were "
        "written: the energies are reported as CodeCarbon wrote them, with measurement.pue.applied true; the "
        "power columns do not include it"
    )


def _intensity(document: dict[str, Any], rows: list[Row], notes: list[str]) -> None:
    """Grid carbon intensity = emissions / energy consumed (kg/kWh), written in g/kWh."""
    pairs = [(r.number("emissions"), r.number("energy_consumed")) for r in rows]
    usable = [(exact(e), exact(k)) for e, k in pairs if is_number(e) and is_number(k) and k > 0]  # type: ignore[arg-type]
    if not usable:
        return
    total_energy = sum((k for _, k in usable), Fraction(0))
    total = sum((e for e, _ in usable), Fraction(0)) * 1000 / total_energy
    document["measurement"]["carbon_intensity"] = {"value": rounded(total), "unit": "g/kWh"}
    each = [e * 1000 / k for e, k in usable]
    note = f"measurement.carbon_intensity is emissions / energy_consumed of the rows, {rounded(total):g} g/kWh"
    if max(each) > min(each) * Fraction(1001, 1000):
        note += f"; the rows range from {rounded(min(each)):g} to {rounded(max(each)):g} g/kWh"
    notes.append(note)


def _run_ids(rows: list[Row], notes: list[str]) -> None:
    ids = [r.text("run_id") for r in rows if r.text("run_id")]
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
    versions = {version_of(r.text("codecarbon_version")) for r in rows}
    if None not in versions and all(v >= MEAN_POWER_SINCE for v in versions if v is not None):
        return True
    if any(f"{s}_power" in r.fields for r in rows for s, _ in COMPONENTS):
        notes.append(
            "CodeCarbon before 3.1.2 writes the last power sample, not the mean: cpu_power, gpu_power and ram_power "
            "are kept under extensions.x-codecarbon, not as mean_power"
        )
    return False


def _extras(rows: list[Row], mean_power: bool) -> list[dict[str, Any]]:
    columns = list(ROW_EXTRAS)
    if not mean_power:
        columns += [f"{s}_power" for s, _ in COMPONENTS]
    return [{"row": r.where, **{c: _plain(r.text(c)) for c in columns if r.text(c) is not None}} for r in rows]


def convert(paths: list[Path], options: IngestOptions) -> Converted:
    tables = [read_table(path) for path in _files(paths)]
    rows = _rows(tables)
    notes: list[str] = []
    document = skeleton(options.task, options.division, options)
    versions = [v for v in dict.fromkeys(r.text("codecarbon_version") for r in rows) if v]
    notes.append(
        f"{len(rows)} row(s) of {', '.join(t.path.name for t in tables)} (CodeCarbon {', '.join(versions) or 'TBD'}): "
        "each row is one repetition (CodeCarbon appends a row each time a tracker stops); durations (s), "
        "energies (kWh), powers (W) and emissions (kg) are CodeCarbon's own, unconverted"
    )
    _run_ids(rows, notes)
    mean_power = _mean_power(rows, notes)
    queries = options.queries if options.queries is not None else TBD
    set_repetitions(document, [_repetition(r, mean_power, queries, notes) for r in rows])
    machine_notes: list[str] = []
    machine = Row("the rows", {c: _agreed(rows, c, machine_notes) for c in _machine_columns(rows)})
    tracked_gpu, extension = apply_system(document, machine, machine_notes)
    components = [c for s, c in COMPONENTS if all(f"{s}_energy" in r.fields for r in rows)]
    set_methods(document, components, machine.text("codecarbon_version"), tracked_gpu, machine_notes)
    if not any("codecarbon_version" in r.fields for r in rows):
        machine_notes.append("the CSV has no codecarbon_version column: it was written by CodeCarbon before 2.2.0")
    notes += machine_notes
    _tracking_mode(machine.text("tracking_mode"), notes)
    _pue(document, rows, notes)
    _intensity(document, rows, notes)
    _context_notes(document, rows, options, notes)
    document["extensions"] = {
        "x-codecarbon": {"machine": extension, "rows": _extras(rows, mean_power)},
    }
    return Converted(document, notes, [t.source for t in tables])


def _machine_columns(rows: list[Row]) -> list[str]:
    wanted = ("gpu_model", "gpu_count", "cpu_model", "ram_total_size", "os", "codecarbon_version", *MACHINE_EXTRAS)
    return [c for c in wanted if any(c in r.fields for r in rows)]


def _tracking_mode(mode: str | None, notes: list[str]) -> None:
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
            "results.repetitions.*.queries is TBD: the CSV does not record how many queries a repetition processed "
            "(give it, and the summary and the stars follow)"
        )
    if options.task is None:
        notes.append("the CSV does not name the task")
    if options.model is None:
        notes.append("model.repository is TBD: CodeCarbon does not record the model")
    stamps = [r.text("timestamp") for r in rows if r.text("timestamp")]
    if stamps:
        notes.append(f"date (of the submission) is TBD; the rows were written from {min(stamps)} to {max(stamps)}")
    if any("longitude" in r.fields for r in rows):
        notes.append("longitude and latitude are not carried over (a location; country and region are)")
    notes.append("software is TBD: CodeCarbon records no framework, accelerator runtime or harness")
    note = settings_note(document, "CodeCarbon")
    if note:
        notes.append(note)
