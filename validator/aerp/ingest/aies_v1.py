"""AI Energy Score v1: optimum-benchmark's ``energy_star`` run folder (2025).

``benchmark_report.json`` has one member per phase. The phases of a query are those of the
specification's Table 2 (``preprocess``, ``prefill``, ``decode``, ``forward``, ``call``);
optimum-benchmark since 2025 names the first ``preprocess_dataset``, which is carried over as
``preprocess`` (the preparation of the inputs: tokenisation, feature extraction). Other
members — setup steps measured once per run (``load_dataset``, ``load_model``, ``load``),
informative ones (``per_token``) and any this module does not know — are neither rated nor
summed: they are kept whole under ``extensions.x-aies-v1.other_phases``, and a note names
each, so that nothing the report holds is lost.

Each phase holds ``energy`` (the mean over the repetitions, ``{unit, cpu, ram, gpu, total}``)
and, in the 2025 AI Energy Score runs, ``measures`` (one energy object per repetition). A
repetition of AERP is the i-th measure of every phase of the task, summed per component; a
phase measured once (no ``measures``) contributes its mean to every repetition, and the
notes say so.

The run settings are not in the report but in optimum-benchmark's configuration beside it
(:mod:`aerp.ingest.optimum_config`), and the machine in CodeCarbon's ``*_codecarbon.json``
records: both are read when the run folder is given (or its ``benchmark_report.json``).

Real reports carry defects (DOMAIN §1.10): decode is computed as generate − prefill per
repetition, so one prefill measure of zero makes its decode double, and one prefill larger
than its generate makes a decode negative. They are carried over as they are: the
validator reports them (AERP-U004) at the repetition they belong to.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from aerp.ingest import IngestError, IngestOptions, IngestUsageError
from aerp.ingest import optimum_config as configuration
from aerp.ingest._common import (
    TBD,
    Converted,
    Note,
    Source,
    choose,
    derived,
    duration_factor,
    energy_factor,
    exact,
    is_number,
    json_safe,
    load_json,
    missing,
    params,
    shown,
    spans,
    why_not,
)
from aerp.ingest.codecarbon import Row, apply_system, set_methods
from aerp.ingest.skeleton import name_version, set_repetitions, skeleton, unrecorded_note

HARNESS = "optimum-benchmark"
# optimum-benchmark component -> AERP component, in AERP's order
COMPONENTS = (("gpu", "accelerator"), ("cpu", "cpu"), ("ram", "ram"), ("total", "total"))
V2_FILES = ("GPU_ENERGY_SUMMARY.json", "benchmark_results.csv", "GPU_ENERGY_WH.txt")
# optimum-benchmark's names of AERP phases (Table 2), where they differ
PHASE_NAMES = {"preprocess_dataset": "preprocess"}
# report members optimum-benchmark writes that are no phase of a query
NOT_PHASES = {
    "load_dataset": "loading the dataset, once per run",
    "load_model": "loading the model, once per run",
    "load": "loading the model, once per run",
    "per_token": "the energy per generated token, informative",
}


def is_v2_report(data: Any) -> bool:
    """An ai_energy_benchmarks report: config, summary and one energy block for the whole run."""
    return isinstance(data, dict) and isinstance(data.get("summary"), dict) and isinstance(data.get("energy"), dict)


def is_v1_report(data: Any) -> bool:
    """An optimum-benchmark report: phases, each with an energy object carrying its unit."""
    return isinstance(data, dict) and any(
        isinstance(v, dict) and isinstance(v.get("energy"), dict) and "unit" in v["energy"] for v in data.values()
    )


def _locate(paths: list[Path]) -> tuple[Path, Path | None]:
    """The report, and the run folder beside it (None: a report file of another name, read alone)."""
    if len(paths) != 1:
        raise IngestUsageError(
            f"aies-v1 reads one benchmark_report.json (or the run folder holding it); {len(paths)} given", "PATH"
        )
    path = paths[0]
    if not path.exists():
        raise missing(path)
    if not path.is_dir():
        return path, (path.parent if path.name == "benchmark_report.json" else None)
    report = path / "benchmark_report.json"
    if not report.is_file():
        if any((path / name).exists() for name in V2_FILES):
            raise IngestError(f"{path}: this is an AI Energy Score v2 run folder, not a v1 benchmark_report.json")
        raise IngestError(f"{path}: no benchmark_report.json in this folder")
    return report, path


def _load(report: Path, given: Path) -> tuple[dict[str, Any], Source]:
    data, source = load_json(
        report, "optimum-benchmark's benchmark_report.json", "optimum-benchmark benchmark_report.json (energy_star)"
    )
    if is_v2_report(data):
        where = "run folder" if given.is_dir() else "benchmark_report.json"
        raise IngestError(
            f"{given}: this is an AI Energy Score v2 {where}, not a v1 benchmark_report.json (ai_energy_benchmarks "
            "wrote it): ingest it as aies-v2"
        )
    if not isinstance(data, dict):
        raise IngestError(
            f"{report}: not an optimum-benchmark report: the JSON is a {type(data).__name__}, not an object"
        )
    if not is_v1_report(data):
        shown_keys = ", ".join(list(data)[:10]) or "none"
        raise IngestError(
            f"{report}: not an optimum-benchmark benchmark_report.json: no phase holds an energy (keys: {shown_keys})"
        )
    return data, source


# -- energies --------------------------------------------------------------------------


class Unusable:
    """Numbers of the report that cannot be carried over, gathered for one note per phase and kind."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], list[str]] = {}

    def add(self, where: str, why: str) -> None:
        self.found.setdefault((why, where.split(".")[0]), []).append(where)

    def notes(self) -> list[str]:
        notes = []
        for (why, _), wheres in self.found.items():
            listed = ", ".join(wheres[:6]) + (f" and {len(wheres) - 6} more" if len(wheres) > 6 else "")
            notes.append(f"{listed}: {why}: written as TBD")
        return notes


def _energy(node: Any, where: str, unusable: Unusable) -> dict[str, Any]:
    """An optimum-benchmark energy object as AERP component energies, in its own unit."""
    if not isinstance(node, dict):
        raise IngestError(f"{where} is not an energy object ({{unit, cpu, ram, gpu, total}}): {node!r:.60}")
    unit = node.get("unit")
    if not isinstance(unit, str) or unit not in params()["units"]["energy"]["symbols"]:
        raise IngestError(f"{where}: the energy unit {unit!r:.40} is none of kWh, Wh, J")
    result: dict[str, Any] = {}
    for source, component in COMPONENTS:
        value = node.get(source)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise IngestError(f"{where}.{source} is not a number: {value!r:.60}")
        if not is_number(value):
            unusable.add(f"{where}.{source}", why_not(value))
            result[component] = {"value": TBD, "unit": unit}
        else:
            result[component] = {"value": value, "unit": unit}
    if not result:
        raise IngestError(f"{where} holds none of cpu, ram, gpu, total")
    return result


class Phase:
    """One phase of the report: its AERP name, its member, its mean and its per-repetition measures."""

    def __init__(self, name: str, key: str, node: dict[str, Any], unusable: Unusable) -> None:
        self.name = name
        self.key = key
        self.mean = _energy(node["energy"], f"{key}.energy", unusable)
        raw = node.get("measures")
        if raw is not None and not isinstance(raw, list):
            raise IngestError(f"{key}.measures is not a list: {raw!r:.60}")
        self.measures: list[dict[str, Any] | None] | None = None
        if raw:
            self.measures = [
                None if m is None else _energy(m, f"{key}.measures[{i}]", unusable) for i, m in enumerate(raw)
            ]

    def at(self, index: int) -> dict[str, Any]:
        if self.measures is not None and index < len(self.measures) and self.measures[index] is not None:
            return self.measures[index]  # type: ignore[return-value]
        return self.mean


def _sum(parts: list[dict[str, Any]], component: str, where: str, unusable: Unusable) -> dict[str, Any] | None:
    """The exact sum of one component over the phases, rounded once; None if a phase lacks it."""
    values = [part.get(component) for part in parts]
    if any(v is None for v in values):
        return None
    units = {v["unit"] for v in values}  # type: ignore[index]
    unit = units.pop() if len(units) == 1 else "Wh"
    if not all(is_number(v["value"]) for v in values):  # type: ignore[index]
        return {"value": TBD, "unit": unit}
    total = sum((exact(v["value"]) * energy_factor(v["unit"]) for v in values), Fraction(0))  # type: ignore[index]
    in_unit = total / energy_factor(unit)
    value = derived(in_unit)
    if value is None:
        unusable.add(where, f"the sum over the phases, {shown(in_unit)} {unit}, lies beyond binary64")
        return {"value": TBD, "unit": unit}
    return {"value": value, "unit": unit}


def _repetition_energy(parts: list[dict[str, Any]], index: int, unusable: Unusable) -> dict[str, Any]:
    energy: dict[str, Any] = {}
    for _, component in COMPONENTS:
        summed = _sum(parts, component, f"repetition {index + 1}.{component}", unusable)
        if summed is not None:
            energy[component] = summed
    return energy


# -- notes on the data -----------------------------------------------------------------


def _defects(phases: list[Phase], chosen: list[int], notes: list[str]) -> None:
    """Say which measures are zero or negative: they stay, and the validator reports them."""
    for phase in phases:
        zero: list[int] = []
        negative: list[tuple[int, str]] = []
        for index in chosen:
            measure = phase.measures[index] if phase.measures and index < len(phase.measures) else None
            if measure is None:
                continue
            values = {c: q["value"] for c, q in measure.items() if is_number(q["value"])}
            if values and all(v == 0 for v in values.values()):
                zero.append(index + 1)
            below = {c: v for c, v in values.items() if v < 0}
            if below:
                unit = next(iter(measure.values()))["unit"]
                negative.append((index + 1, ", ".join(f"{c} {shown(v)} {unit}" for c, v in below.items())))
        if zero:
            one = len(zero) == 1
            notes.append(
                f"{phase.key} measure{'' if one else 's'} {spans(zero)} {'is' if one else 'are'} zero in every "
                f"component: carried over as {'it is' if one else 'they are'} (AERP-U004 reports "
                f"{'it' if one else 'them'})"
            )
        if negative:
            one = len(negative) == 1
            detail = "; ".join(f"measure {i}: {text}" for i, text in negative[:3])
            notes.append(
                f"{phase.key} measure{'' if one else 's'} {spans(i for i, _ in negative)} "
                f"{'is' if one else 'are'} negative ({detail}{'; …' if len(negative) > 3 else ''}): carried over "
                f"as {'it is' if one else 'they are'} (AERP-U004 reports {'it' if one else 'them'}); "
                "optimum-benchmark computes decode as generate − prefill per repetition"
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
                    f"{phase.key}.energy.{component} ({shown(quantity['value'])} {quantity['unit']}) is not the mean "
                    f"of its measures ({shown(mean / factor)} {quantity['unit']})"
                )


def _durations(data: dict[str, Any], phases: list[Phase], chosen: list[int], notes: list[str]) -> list[Any]:
    """Repetition i lasts the sum of the phases' i-th latency; the energy_star scenario tracks none."""
    series: list[tuple[list[Any], Fraction]] = []
    for phase in phases:
        latency = data[phase.key].get("latency")
        values = latency.get("values") if isinstance(latency, dict) else None
        unit = latency.get("unit", "s") if isinstance(latency, dict) else None
        if (
            not isinstance(values, list)
            or not isinstance(unit, str)
            or unit not in params()["units"]["duration"]["symbols"]
        ):
            notes.append(
                Note(
                    "results.repetitions.*.duration is TBD: the report holds no latency values per repetition "
                    f"(`{phase.key}`; the energy_star scenario tracks energy only)",
                    ["/results/repetitions/*/duration/value"],
                )
            )
            return [TBD] * len(chosen)
        series.append((values, duration_factor(unit)))
    durations: list[Any] = []
    for index in chosen:
        if all(index < len(values) and is_number(values[index]) for values, _ in series):
            total = derived(sum((exact(values[index]) * factor for values, factor in series), Fraction(0)))
            durations.append(total if total is not None else TBD)
        else:
            durations.append(TBD)
    if TBD in durations:
        notes.append("some repetitions have no usable latency value in every phase: their duration is TBD")
    else:
        keys = ", ".join(p.key for p in phases)
        notes.append(f"each repetition's duration is the sum of the latency values of {keys}")
    return durations


# -- the phases ------------------------------------------------------------------------


def _phases(data: dict[str, Any], task: str, source: Path, notes: list[str], unusable: Unusable) -> list[Phase]:
    """The phases of ``task`` the report measures, by AERP's name; a note for every other member."""
    task_phases = params()["tasks"][task]["phases"]
    found = [k for k, v in data.items() if isinstance(v, dict) and isinstance(v.get("energy"), dict)]
    keys: dict[str, str] = {k: k for k in found if k in task_phases}
    for key in found:
        name = PHASE_NAMES.get(key)
        if name in task_phases and name not in keys:
            keys[name] = key
            notes.append(
                f"{key} is optimum-benchmark's name (since 2025) of the preparation of the inputs, AERP's phase "
                f"{name} (Table 2): carried over as phase {name}"
            )
    measured = [p for p in task_phases if p in keys]
    if not [p for p in measured if p != "preprocess"]:
        raise IngestError(
            f"{source}: the report measures {', '.join(found)}, but {task} has the phases "
            f"{', '.join(task_phases)}: is the task right?"
        )
    missing_phases = [p for p in task_phases if p not in keys]
    if missing_phases:
        notes.append(
            f"the report has no energy for {', '.join(missing_phases)}: the repetitions sum {', '.join(measured)}"
        )
    _other_members(data, set(keys.values()), task, notes)
    phases = [Phase(name, keys[name], data[keys[name]], unusable) for name in measured]
    for phase in phases if any(p.measures for p in phases) else []:
        if not phase.measures:
            notes.append(
                f"{phase.key} has no per-repetition measures: its mean is used for each repetition "
                "(optimum-benchmark measures it once)"
            )
    return phases


def _other_members(data: dict[str, Any], used: set[str], task: str, notes: list[str]) -> None:
    """Name every member of the report that is not summed, and why: nothing is dropped unsaid."""
    setup = [k for k in data if k not in used and k in NOT_PHASES]
    if setup:
        what = "; ".join(f"{k}: {NOT_PHASES[k]}" for k in setup)
        are = "is not a phase" if len(setup) == 1 else "are not phases"
        notes.append(
            f"{', '.join(setup)} {are} of a query ({what}): not rated, not summed, kept under "
            "extensions.x-aies-v1.other_phases"
        )
    duplicate = [k for k in data if k not in used and PHASE_NAMES.get(k) in params()["tasks"][task]["phases"]]
    if duplicate:
        notes.append(
            f"{', '.join(duplicate)} would be phase {', '.join(PHASE_NAMES[k] for k in duplicate)}, which the report "
            "also holds under its own name: not summed twice, kept under extensions.x-aies-v1.other_phases"
        )
    unknown = [k for k in data if k not in used and k not in NOT_PHASES and k not in duplicate]
    for key in unknown:
        node = data[key]
        holds = "its energy" if isinstance(node, dict) and isinstance(node.get("energy"), dict) else "what it holds"
        notes.append(
            f"`{key}` is not a phase of {task} (Table 2) nor a member optimum-benchmark is known to write: not "
            f"rated, not summed; {holds} is kept under extensions.x-aies-v1.other_phases: check whether it belongs "
            "to the processing of the queries"
        )


def _refuse_without_gpu_energy(phases: list[Phase], source: Path) -> None:
    """AERP 1.0 rates the accelerator's energy: a report without any is refused before any TBD is written."""
    for phase in phases:
        for energy in [phase.mean, *(m for m in phase.measures or [] if m is not None)]:
            value = energy.get("accelerator", {}).get("value")
            if is_number(value) and value != 0:
                return
    raise IngestError(
        f"{source}: no phase holds any GPU energy (gpu is 0 or absent in every phase and measure): a CPU-only "
        "run, or a GPU without an energy counter. AERP 1.0 rates the energy of the accelerators the model ran on, "
        "so this report cannot become an AERP 1.0 submission"
    )


# -- the conversion --------------------------------------------------------------------


def _task(options: IngestOptions, config: dict[str, Any] | None, name: str | None, notes: list[str]) -> str:
    recorded = configuration.task_of(config)
    if options.task is not None:
        if recorded is not None and recorded != options.task:
            notes.append(f"task {options.task} is the one given; {name} backend.task is {recorded}")
        return options.task
    if recorded is not None:
        notes.append(f"task {recorded} is {name} backend.task")
        return recorded
    said = configuration.task_text(config)
    why = f"{name} backend.task `{shown(said)}` is no AERP task" if said else "benchmark_report.json does not name it"
    raise IngestUsageError(f"aies-v1 needs the task: {why}; give --task", "--task")


def convert(paths: list[Path], options: IngestOptions) -> Converted:
    report, folder = _locate(paths)
    data, source = _load(report, paths[0])
    notes: list[str] = []
    sources = [source]
    config, config_name = configuration.read(folder, sources, notes) if folder is not None else (None, None)
    configuration.refuse_cpu_run(config, config_name and str(folder / config_name))
    task = _task(options, config, config_name, notes)
    unusable = Unusable()
    phases = _phases(data, task, report, notes, unusable)
    _refuse_without_gpu_energy(phases, report)
    count = max(len(p.measures or []) for p in phases) or 1
    chosen = choose(count, options.rows, "measures")
    if options.rows is not None:
        notes.append(f"--rows {options.rows}: measures {spans(i + 1 for i in chosen)} of {count:,} are the repetitions")
    if all(not p.measures for p in phases):
        notes.append(
            "no phase has per-repetition measures (optimum-benchmark measured each phase once): one repetition holds "
            "the phase energies"
        )
    short = [p.key for p in phases if p.measures and (len(p.measures) < count or None in p.measures)]
    if short:
        notes.append(f"{', '.join(short)} has fewer than {count} measures: its mean stands in for the missing ones")
    _defects(phases, chosen, notes)
    _mean_check(phases, notes)
    durations = _durations(data, phases, chosen, notes)
    queries = options.queries or configuration.queries(config) or TBD
    document = skeleton(task, options.division, options)
    repetitions = []
    for position, index in enumerate(chosen):
        parts = [p.at(index) for p in phases]
        repetitions.append(
            {
                "duration": {"value": durations[position], "unit": "s"},
                "queries": queries,
                "energy": _repetition_energy(parts, index, unusable),
                "phases": {p.name: part for p, part in zip(phases, parts, strict=True)},
            }
        )
    set_repetitions(document, repetitions)
    notes += unusable.notes()
    components = [c for _, c in COMPONENTS if c != "total" and all(c in p.mean for p in phases)]
    version = _codecarbon(document, folder, sources, notes)
    set_methods(document, components, version, True, notes)
    document["software"]["harness"] = name_version(HARNESS, TBD)
    extension: dict[str, Any] = {}
    if config is not None and config_name is not None:
        extension["config"], config_notes = configuration.apply(document, config, config_name, options, len(chosen))
        if any("/hardware/accelerators/count" in getattr(n, "about", ()) for n in config_notes):
            notes[:] = [n for n in notes if "/hardware/accelerators/count" not in getattr(n, "about", ())]
        notes += config_notes
    _context_notes(document, options, config is not None, notes)
    document["extensions"] = {"x-aies-v1": {**_extension(data, {p.key for p in phases}), **extension}}
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
        notes.append(
            "the run folder holds no *_codecarbon.json (CodeCarbon's record of the machine): what the configuration "
            "does not tell of the hardware is TBD"
        )
        return None
    data, source = load_json(records[0], "a CodeCarbon JSON record", "CodeCarbon record of the last repetition")
    if not isinstance(data, dict):
        raise IngestError(f"{records[0]}: not a CodeCarbon record: the JSON is a {type(data).__name__}")
    sources.append(source)
    row = Row(records[0].name, data)
    apply_system(document, row, notes)
    notes.append(f"the machine is described by {records[0].name} (CodeCarbon's record of the last repetition)")
    return row.text("codecarbon_version")


def _context_notes(document: dict[str, Any], options: IngestOptions, configured: bool, notes: list[str]) -> None:
    notes.append(
        "optimum-benchmark's energy tracker runs CodeCarbon in process mode with measure_power_secs=1 and falls "
        "back to an offline tracker in machine mode when it fails (AI Energy Score #11): check its log"
    )
    if document["results"]["repetitions"] and document["results"]["repetitions"][0]["queries"] == TBD:
        notes.append(
            Note(
                "results.repetitions.*.queries is TBD: benchmark_report.json does not record the number of samples "
                "(its configuration does: give the run folder, or --queries)",
                ["/results/repetitions/*/queries"],
            )
        )
    if document["model"]["repository"] == TBD:
        notes.append(
            Note(
                "model.repository is TBD: benchmark_report.json does not name the model"
                + ("" if configured else " (its configuration does: give the run folder)"),
                ["/model/repository"],
            )
        )
    notes.append("efficiency (samples, tokens or images per kWh) is informative: kept under extensions.x-aies-v1")
    if document["software"]["harness"]["version"] == TBD:
        notes.append(
            Note(
                "software.harness is optimum-benchmark (energy_star scenario); its version is not recorded "
                "(the configuration's environment.optimum_benchmark_version is)",
                ["/software/harness/version"],
            )
        )
    notes += unrecorded_note(document, "optimum-benchmark" if configured else "benchmark_report.json")


def _extension(data: dict[str, Any], rated: set[str]) -> dict[str, Any]:
    """What the report holds beyond the repetitions: every other member whole, and the rated phases' extras."""
    efficiency = {k: v["efficiency"] for k, v in data.items() if isinstance(v, dict) and v.get("efficiency")}
    other = {k: v for k, v in data.items() if k not in rated}
    extras = {
        k: {m: x for m, x in v.items() if m not in ("energy", "measures", "efficiency") and x is not None}
        for k, v in data.items()
        if k in rated and isinstance(v, dict)
    }
    result: dict[str, Any] = {"efficiency": efficiency, "other_phases": other}
    if any(extras.values()):
        result["phase_members"] = {k: v for k, v in extras.items() if v}
    return json_safe(result)
