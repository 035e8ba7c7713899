"""AI Energy Score v1: optimum-benchmark's ``energy_star`` ``benchmark_report.json`` (2025).

The report has one member per phase (``preprocess``, ``prefill``, ``decode``, ``forward``,
``call``, and others that AERP does not rate: ``per_token``, ``load``, ``load_model``, ...).
Each holds ``energy`` (the mean over the repetitions, ``{unit, cpu, ram, gpu, total}``) and
``measures`` (one energy object per repetition). A repetition of AERP is the i-th measure of
every phase of the task, summed per component; a phase measured once (no ``measures``)
contributes its mean to every repetition, and the notes say so.

Real reports carry defects (DOMAIN §1.10): decode is computed as generate − prefill per
repetition, so one prefill measure of zero makes its decode double, and one prefill larger
than its generate makes a decode negative. They are carried over as they are: the
validator reports them (AERP-U004) at the repetition they belong to.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

from aerp.ingest import IngestError, IngestOptions
from aerp.ingest._common import (
    TBD,
    Converted,
    Source,
    duration_factor,
    energy_factor,
    exact,
    is_number,
    json_safe,
    load_json,
    params,
    rounded,
)
from aerp.ingest.codecarbon import Row, apply_system, set_methods
from aerp.ingest.skeleton import name_version, set_repetitions, settings_note, skeleton

HARNESS = "optimum-benchmark"
# optimum-benchmark component -> AERP component, in AERP's order
COMPONENTS = (("gpu", "accelerator"), ("cpu", "cpu"), ("ram", "ram"), ("total", "total"))
V2_FILES = ("GPU_ENERGY_SUMMARY.json", "benchmark_results.csv", "GPU_ENERGY_WH.txt")


def is_v2_report(data: Any) -> bool:
    """An ai_energy_benchmarks report: config, summary and one energy block for the whole run."""
    return isinstance(data, dict) and isinstance(data.get("summary"), dict) and isinstance(data.get("energy"), dict)


def is_v1_report(data: Any) -> bool:
    """An optimum-benchmark report: phases, each with an energy object carrying its unit."""
    return isinstance(data, dict) and any(
        isinstance(v, dict) and isinstance(v.get("energy"), dict) and "unit" in v["energy"] for v in data.values()
    )


def _locate(paths: list[Path]) -> tuple[Path, Path | None]:
    """The report, and the run folder when a folder was given."""
    if len(paths) != 1:
        raise IngestError(f"aies-v1 reads one benchmark_report.json (or the run folder holding it); {len(paths)} given")
    path = paths[0]
    if not path.is_dir():
        return path, None
    report = path / "benchmark_report.json"
    if not report.is_file():
        if any((path / name).exists() for name in V2_FILES):
            raise IngestError(f"{path}: this is an AI Energy Score v2 run folder, not a v1 benchmark_report.json")
        raise IngestError(f"{path}: no benchmark_report.json in this folder")
    return report, path


def _load(report: Path, folder: Path | None) -> tuple[dict[str, Any], Source]:
    data, source = load_json(
        report, "optimum-benchmark's benchmark_report.json", "optimum-benchmark benchmark_report.json (energy_star)"
    )
    if is_v2_report(data):
        where = "run folder" if folder is not None else "benchmark_report.json (ai_energy_benchmarks)"
        raise IngestError(
            f"{folder or report}: this is an AI Energy Score v2 {where}, not a v1 benchmark_report.json: "
            "ingest it as aies-v2"
        )
    if not isinstance(data, dict):
        raise IngestError(
            f"{report}: not an optimum-benchmark report: the JSON is a {type(data).__name__}, not an object"
        )
    if not is_v1_report(data):
        shown = ", ".join(list(data)[:10]) or "none"
        raise IngestError(
            f"{report}: not an optimum-benchmark benchmark_report.json: no phase holds an energy (keys: {shown})"
        )
    return data, source


# -- energies --------------------------------------------------------------------------


def _energy(node: Any, where: str, notes: list[str]) -> dict[str, Any]:
    """An optimum-benchmark energy object as AERP component energies, in its own unit."""
    if not isinstance(node, dict):
        raise IngestError(f"{where} is not an energy object ({{unit, cpu, ram, gpu, total}}): {node!r:.60}")
    unit = node.get("unit")
    if not isinstance(unit, str) or unit not in params()["units"]["energy"]["symbols"]:
        raise IngestError(f"{where}: the energy unit {unit!r} is none of kWh, Wh, J")
    result: dict[str, Any] = {}
    for source, component in COMPONENTS:
        value = node.get(source)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise IngestError(f"{where}.{source} is not a number: {value!r:.60}")
        if not math.isfinite(value):
            notes.append(f"{where}.{source} is {value}: written as TBD")
            result[component] = {"value": TBD, "unit": unit}
        else:
            result[component] = {"value": value, "unit": unit}
    if not result:
        raise IngestError(f"{where} holds none of cpu, ram, gpu, total")
    return result


class Phase:
    """One phase of the report: its mean and its per-repetition measures (None where missing)."""

    def __init__(self, name: str, node: dict[str, Any], notes: list[str]) -> None:
        self.name = name
        self.mean = _energy(node["energy"], f"{name}.energy", notes)
        raw = node.get("measures")
        if raw is not None and not isinstance(raw, list):
            raise IngestError(f"{name}.measures is not a list: {raw!r:.60}")
        self.measures: list[dict[str, Any] | None] | None = None
        if raw:
            self.measures = [
                None if m is None else _energy(m, f"{name}.measures[{i}]", notes) for i, m in enumerate(raw)
            ]

    def at(self, index: int) -> dict[str, Any]:
        if self.measures is not None and index < len(self.measures) and self.measures[index] is not None:
            return self.measures[index]  # type: ignore[return-value]
        return self.mean


def _sum(parts: list[dict[str, Any]], component: str) -> dict[str, Any] | None:
    """The exact sum of one component over the phases, rounded once; None if a phase lacks it."""
    values = [part.get(component) for part in parts]
    if any(v is None for v in values):
        return None
    units = {v["unit"] for v in values}  # type: ignore[index]
    unit = units.pop() if len(units) == 1 else "Wh"
    if not all(is_number(v["value"]) for v in values):  # type: ignore[index]
        return {"value": TBD, "unit": unit}
    total = sum((exact(v["value"]) * energy_factor(v["unit"]) for v in values), Fraction(0))  # type: ignore[index]
    return {"value": rounded(total / energy_factor(unit)), "unit": unit}


def _repetition_energy(parts: list[dict[str, Any]]) -> dict[str, Any]:
    energy: dict[str, Any] = {}
    for _, component in COMPONENTS:
        summed = _sum(parts, component)
        if summed is not None:
            energy[component] = summed
    return energy


# -- notes on the data -----------------------------------------------------------------


def _defects(phases: list[Phase], notes: list[str]) -> None:
    """Say which measures are zero or negative: they stay, and the validator reports them."""
    for phase in phases:
        for index, measure in enumerate(phase.measures or []):
            if measure is None:
                continue
            values = {c: q["value"] for c, q in measure.items() if is_number(q["value"])}
            if values and all(v == 0 for v in values.values()):
                notes.append(
                    f"{phase.name} measure {index + 1} is zero in every component: carried over as it is "
                    f"(repetition {index + 1}; AERP-U004 reports it)"
                )
            negative = {c: v for c, v in values.items() if v < 0}
            if negative:
                shown = ", ".join(f"{c} {v:.6g}" for c, v in negative.items())
                notes.append(
                    f"{phase.name} measure {index + 1} is negative ({shown} {measure['total']['unit']}): carried over "
                    f"as it is (repetition {index + 1}; AERP-U004 reports it); optimum-benchmark computes decode as "
                    "generate − prefill per repetition"
                )


def _mean_check(phases: list[Phase], notes: list[str]) -> None:
    """The report's mean should be the mean of its measures; a reviewer wants to know when not."""
    for phase in phases:
        measures = [m for m in phase.measures or [] if m is not None]
        if not measures or len(measures) != len(phase.measures or []):
            continue
        for component, quantity in phase.mean.items():
            values = [m.get(component) for m in measures]
            if not is_number(quantity["value"]) or any(v is None or not is_number(v["value"]) for v in values):
                continue
            factor = energy_factor(quantity["unit"])
            mean = sum((exact(v["value"]) * energy_factor(v["unit"]) for v in values), Fraction(0)) / len(values)  # type: ignore[index]
            stated = exact(quantity["value"]) * factor
            if abs(mean - stated) > abs(stated) * Fraction(1, 10**6):
                notes.append(
                    f"{phase.name}.energy.{component} ({quantity['value']:.6g} {quantity['unit']}) is not the mean "
                    f"of its measures ({rounded(mean / factor):.6g} {quantity['unit']})"
                )


def _durations(data: dict[str, Any], names: list[str], count: int, notes: list[str]) -> list[Any]:
    """Repetition i lasts the sum of the phases' i-th latency; the energy_star scenario tracks none."""
    series: list[tuple[list[Any], Fraction]] = []
    for name in names:
        latency = data[name].get("latency")
        values = latency.get("values") if isinstance(latency, dict) else None
        unit = latency.get("unit", "s") if isinstance(latency, dict) else None
        if (
            not isinstance(values, list)
            or not isinstance(unit, str)
            or unit not in params()["units"]["duration"]["symbols"]
        ):
            notes.append(
                "results.repetitions.*.duration is TBD: the report holds no latency values per repetition "
                f"(`{name}`; the energy_star scenario tracks energy only)"
            )
            return [TBD] * count
        series.append((values, duration_factor(unit)))
    durations: list[Any] = []
    for index in range(count):
        if all(index < len(values) and is_number(values[index]) for values, _ in series):
            total = sum((exact(values[index]) * factor for values, factor in series), Fraction(0))
            durations.append(rounded(total))
        else:
            durations.append(TBD)
    if TBD in durations:
        notes.append("some repetitions have no latency value in every phase: their duration is TBD")
    else:
        notes.append(f"each repetition's duration is the sum of the latency values of {', '.join(names)}")
    return durations


# -- the conversion --------------------------------------------------------------------


def _phases(data: dict[str, Any], task: str, source: Path, notes: list[str]) -> list[Phase]:
    task_phases = params()["tasks"][task]["phases"]
    found = [k for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("energy"), dict)]
    measured = [p for p in task_phases if p in found]
    if not [p for p in measured if p != "preprocess"]:
        raise IngestError(
            f"{source}: the report measures {', '.join(found)}, but {task} has the phases "
            f"{', '.join(task_phases)}: is the task right?"
        )
    missing = [p for p in task_phases if p not in measured]
    if missing:
        notes.append(f"the report has no energy for {', '.join(missing)}: the repetitions sum {', '.join(measured)}")
    ignored = [k for k in found if k not in task_phases]
    if ignored:
        are = "is not a phase" if len(ignored) == 1 else "are not phases"
        notes.append(f"{', '.join(ignored)} {are} of {task}: not rated, kept under extensions.x-aies-v1")
    phases = [Phase(name, data[name], notes) for name in measured]
    for phase in phases:
        if not phase.measures:
            notes.append(
                f"{phase.name} has no per-repetition measures: its mean is used for each repetition "
                "(optimum-benchmark measures it once)"
            )
    return phases


def convert(paths: list[Path], options: IngestOptions) -> Converted:
    if options.task is None:
        raise IngestError("aies-v1 needs the task: benchmark_report.json does not name it")
    report, folder = _locate(paths)
    data, source = _load(report, folder)
    notes: list[str] = []
    phases = _phases(data, options.task, report, notes)
    count = max(len(p.measures or []) for p in phases) or 1
    if all(not p.measures for p in phases):
        notes.append("no phase has per-repetition measures: one repetition holds the phase means")
    short = [p.name for p in phases if p.measures and (len(p.measures) < count or None in p.measures)]
    if short:
        notes.append(f"{', '.join(short)} has fewer than {count} measures: its mean stands in for the missing ones")
    _defects(phases, notes)
    _mean_check(phases, notes)
    durations = _durations(data, [p.name for p in phases], count, notes)
    queries = options.queries if options.queries is not None else TBD
    document = skeleton(options.task, options.division, options)
    repetitions = []
    for index in range(count):
        parts = [p.at(index) for p in phases]
        repetitions.append(
            {
                "duration": {"value": durations[index], "unit": "s"},
                "queries": queries,
                "energy": _repetition_energy(parts),
                "phases": {p.name: part for p, part in zip(phases, parts, strict=True)},
            }
        )
    set_repetitions(document, repetitions)
    sources = [source]
    components = [c for _, c in COMPONENTS if c != "total" and all(c in p.mean for p in phases)]
    gpu = [p.mean["accelerator"]["value"] for p in phases if "accelerator" in p.mean]
    tracked_gpu = any(is_number(v) and v > 0 for v in gpu)
    version = _codecarbon(document, folder, sources, notes)
    set_methods(document, components, version, tracked_gpu, notes)
    document["software"]["harness"] = name_version(HARNESS, TBD)
    _context_notes(document, options, notes)
    document["extensions"] = {"x-aies-v1": _extension(data, [p.name for p in phases])}
    return Converted(document, notes, sources)


def _codecarbon(document: dict[str, Any], folder: Path | None, sources: list[Source], notes: list[str]) -> str | None:
    """The machine, from the CodeCarbon records optimum-benchmark leaves beside its report."""
    if folder is None:
        notes.append(
            "hardware is TBD: benchmark_report.json does not describe the machine (give the run folder: its "
            "*_codecarbon.json records name the GPU, CPU and CodeCarbon version)"
        )
        return None
    records = sorted(folder.glob("*_codecarbon.json"))
    if not records:
        notes.append("the run folder holds no *_codecarbon.json: hardware is TBD")
        return None
    data, source = load_json(records[0], "a CodeCarbon JSON record", "CodeCarbon record of the last repetition")
    if not isinstance(data, dict):
        raise IngestError(f"{records[0]}: not a CodeCarbon record: the JSON is a {type(data).__name__}")
    sources.append(source)
    row = Row(records[0].name, data)
    apply_system(document, row, notes)
    notes.append(f"the machine is described by {records[0].name} (CodeCarbon's record of the last repetition)")
    return row.text("codecarbon_version")


def _context_notes(document: dict[str, Any], options: IngestOptions, notes: list[str]) -> None:
    notes.append(
        "optimum-benchmark's energy tracker runs CodeCarbon in process mode with measure_power_secs=1 and falls "
        "back to an offline tracker in machine mode when it fails (AI Energy Score #11): check its log"
    )
    if options.queries is None:
        notes.append(
            "results.repetitions.*.queries is TBD: benchmark_report.json does not record the number of samples "
            "(experiment_config.json does)"
        )
    if options.model is None:
        notes.append("model.repository is TBD: benchmark_report.json does not name the model")
    notes.append("efficiency (samples, tokens or images per kWh) is informative: kept under extensions.x-aies-v1")
    notes.append("software.harness is optimum-benchmark (energy_star scenario); its version is not in the report")
    note = settings_note(document, "benchmark_report.json")
    if note:
        notes.append(note)


def _extension(data: dict[str, Any], rated: list[str]) -> dict[str, Any]:
    efficiency = {k: v["efficiency"] for k, v in data.items() if isinstance(v, dict) and v.get("efficiency")}
    other = {
        k: v["energy"]
        for k, v in data.items()
        if k not in rated and isinstance(v, dict) and isinstance(v.get("energy"), dict)
    }
    return json_safe({"efficiency": efficiency, "other_phases": other})
