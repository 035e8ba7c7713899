"""AI Energy Score v2: a run folder of ai_energy_benchmarks (since December 2025).

The folder holds ``benchmark_report.json`` (config, summary of the prompts, one CodeCarbon
window around the whole prompt loop, GPU statistics), ``GPU_ENERGY_SUMMARY.json``,
``benchmark_results.csv`` (the report flattened, with a timestamp) and possibly CodeCarbon's
own ``emissions/emissions.csv`` (DOMAIN §1.9). v2 runs one sampled pass, one prompt at a
time, without warm-up, and scales the energy of the prompts that succeeded to 1,000
queries; the scripts default to 10 prompts.

The pass is one AERP repetition whose queries are the prompts that succeeded. The summary
per 1,000 queries is then scaled from those prompts, as AERP defines it, and the notes say
from how many. A 10-prompt run is reported with its 10 queries: in the closed division the
validator reports that it did not run the full dataset (AERP-T002), which is the truth.
Pitfalls of the format are handled, not copied: ``energy_kwh`` holds the GPU's energy only,
and ``carbon_intensity_g_per_kwh`` holds CodeCarbon's emissions rate (kg/s). The report
records no run settings (batch size, warm-up, decoding, new tokens) and names the dataset
only as the runner was configured: what it does not record stays TBD, and the notes say
what ai_energy_benchmarks does by design, for the lab to confirm.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aerp.ingest import IngestError, IngestOptions, IngestUsageError
from aerp.ingest._common import (
    TBD,
    Converted,
    Note,
    Source,
    derived,
    digest,
    exact,
    is_number,
    json_safe,
    load_csv,
    load_json,
    missing,
    params,
    parse_decimal,
    quantity,
    read_bytes,
    repository,
    shown,
    why_not,
)
from aerp.ingest.aies_v1 import is_v1_report, is_v2_report
from aerp.ingest.codecarbon import Row, apply_system, read_table, set_methods
from aerp.ingest.skeleton import name_version, set_repetitions, skeleton

HARNESS = "ai_energy_benchmarks"
FRAMEWORKS = {"pytorch": "PyTorch", "vllm": "vLLM"}
# AERP component -> the report's energy member, in kWh
ENERGY_MEMBERS = (("accelerator", "gpu_energy_kwh"), ("cpu", "cpu_energy_kwh"), ("ram", "ram_energy_kwh"))


def _locate(paths: list[Path]) -> tuple[Path, Path | None]:
    """The report, and the run folder whose other files are read beside it (None: the report alone)."""
    if len(paths) != 1:
        raise IngestUsageError(f"aies-v2 reads one run folder; {len(paths)} paths given", "PATH")
    path = paths[0]
    if not path.exists():
        raise missing(path)
    if path.is_dir():
        report = path / "benchmark_report.json"
        if not report.is_file():
            raise IngestError(f"{path}: not an AI Energy Score v2 run folder: no benchmark_report.json")
        return report, path
    return path, (path.parent if path.name == "benchmark_report.json" else None)


def _report(path: Path) -> tuple[dict[str, Any], Source]:
    data, source = load_json(path, "ai_energy_benchmarks' benchmark_report.json", "ai_energy_benchmarks report")
    if is_v1_report(data):
        raise IngestError(
            f"{path}: this benchmark_report.json is optimum-benchmark's (AI Energy Score v1, or v2's `optimum` "
            "backend): ingest it as aies-v1"
        )
    if not is_v2_report(data):
        keys = ", ".join(list(data)[:10]) if isinstance(data, dict) else type(data).__name__
        raise IngestError(f"{path}: not an ai_energy_benchmarks report: no `summary` and `energy` objects ({keys})")
    return data, source


def _count(block: dict[str, Any], name: str, where: str) -> int | None:
    value = block.get(name)
    if value is None:
        return None
    if isinstance(value, float) and is_number(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not is_number(value) or value < 0:
        raise IngestError(f"{where}.{name} is not a whole number a count can be: {shown(value)}")
    return value


def _number(block: dict[str, Any], name: str, where: str) -> float | None:
    value = block.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise IngestError(f"{where}.{name} is not a number: {value!r:.60}")
    return value


def _usable(block: dict[str, Any], name: str, where: str, notes: list[str]) -> float | None:
    """The number of ``name`` when AERP can check it; an unusable one is noted and gives None."""
    value = _number(block, name, where)
    if value is not None and not is_number(value):
        notes.append(f"{where}.{name} is {why_not(value)}: written as TBD")
        return None
    return value


def _energy(energy: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for component, member in ENERGY_MEMBERS:
        value = _number(energy, member, "energy")
        if value is None and component == "accelerator" and _number(energy, "energy_kwh", "energy") is not None:
            value = _number(energy, "energy_kwh", "energy")
            member = "energy_kwh"
            notes.append(
                "energy.gpu_energy_kwh is missing: the accelerator energy is energy.energy_kwh, the GPU's only"
            )
        if value is not None:
            if not is_number(value):
                notes.append(f"energy.{member} is {why_not(value)}: written as TBD")
            result[component] = quantity(value, "kWh")
    if "accelerator" not in result:
        raise IngestError(
            "benchmark_report.json: energy holds no gpu_energy_kwh (nor energy_kwh): no GPU energy to rate"
        )
    total = _number(energy, "total_energy_kwh", "energy")
    if total is not None:
        if not is_number(total):
            notes.append(f"energy.total_energy_kwh is {why_not(total)}: written as TBD")
        result["total"] = quantity(total, "kWh")
    gpu = result["accelerator"]["value"]
    if is_number(gpu) and gpu == 0:
        raise IngestError(
            "benchmark_report.json: energy.gpu_energy_kwh is 0: CodeCarbon measured no GPU energy (a CPU-only run, "
            "or a GPU without an energy counter). AERP 1.0 rates the energy of the accelerators the model ran on, "
            "so this run cannot become an AERP 1.0 submission"
        )
    notes.append(
        "energies are CodeCarbon's kWh as ai_energy_benchmarks copied them (energy.*_kwh); energy.energy_kwh and "
        "energy_wh hold the GPU's energy only, not the total, and are not used"
    )
    return result


def _intensity(document: dict[str, Any], energy: dict[str, Any], notes: list[str]) -> None:
    """emissions / total energy; the report's own field holds CodeCarbon's emissions rate."""
    emissions = _number(energy, "emissions_kg_co2eq", "energy")
    total = _number(energy, "total_energy_kwh", "energy")
    if emissions is None or total is None or not is_number(emissions) or not is_number(total) or total <= 0:
        return
    computed = exact(emissions) * 1000 / exact(total)
    value = derived(computed)
    if value is None:
        notes.append(
            f"measurement.carbon_intensity is left out: emissions_kg_co2eq / total_energy_kwh is {shown(computed)} "
            "g/kWh, beyond the range of a binary64 number"
        )
        return
    document["measurement"]["carbon_intensity"] = {"value": value, "unit": "g/kWh"}
    stated = _number(energy, "carbon_intensity_g_per_kwh", "energy")
    if stated is not None and (not is_number(stated) or abs(exact(stated) - computed) > abs(computed) / 100):
        notes.append(
            f"energy.carbon_intensity_g_per_kwh ({shown(stated)}) is not emissions / energy ({shown(value)} "
            "g/kWh): ai_energy_benchmarks fills it with CodeCarbon's emissions_rate (kg/s); measurement."
            "carbon_intensity is emissions_kg_co2eq / total_energy_kwh"
        )
    else:
        notes.append("measurement.carbon_intensity is emissions_kg_co2eq / total_energy_kwh, in g/kWh")


def _task(options: IngestOptions, config: dict[str, Any], notes: list[str]) -> str | None:
    if options.task is not None:
        return options.task
    dataset = config.get("dataset")
    for name, spec in params()["tasks"].items():
        if spec["dataset"] == dataset:
            notes.append(f"task {name}: the task whose dataset is config.dataset `{dataset}`")
            return name
    notes.append("task is TBD: config.dataset names no AERP dataset; give the task")
    return None


def _model(document: dict[str, Any], options: IngestOptions, config: dict[str, Any], notes: list[str]) -> None:
    named = config.get("model")
    if options.model is not None:
        if named and named != options.model:
            notes.append(f"model.repository is the one given, {options.model}; config.model is `{named}`")
        return
    if repository(named):
        document["model"]["repository"] = named
        notes.append(f"model.repository {named} is config.model; its revision is not in the report")
    elif named:
        notes.append(f"config.model `{named}` is not a Hub repository id (owner/name): model.repository is TBD")


def _dataset(document: dict[str, Any], config: dict[str, Any], prompts: int | None, notes: list[str]) -> None:
    dataset = config.get("dataset")
    if repository(dataset):
        document["dataset"]["repository"] = dataset
        notes.append(f"dataset.repository {dataset} is config.dataset; its revision is not in the report")
    elif dataset:
        notes.append(f"config.dataset `{shown(dataset)}` is not a repository id: dataset.repository is TBD")
    else:
        notes.append(Note("dataset.repository is TBD: the report's config names no dataset", ["/dataset/repository"]))
    samples = config.get("num_samples")
    used = samples if isinstance(samples, int) and not isinstance(samples, bool) and is_number(samples) else prompts
    document["dataset"]["queries"] = used if used is not None and used >= 1 else TBD


def _run(document: dict[str, Any], task: str | None, notes: list[str]) -> None:
    """The report records no run settings: they stay TBD, with what the runner does by design."""
    spec = params()["tasks"].get(task) if task else None
    text = spec is not None and spec["generation"] == "text"
    members = ["/run/batch_size", "/run/warmup_runs"]
    members += ["/run/decoding", "/run/max_new_tokens", "/run/min_new_tokens"] if text else []
    notes.append(
        Note(
            "run settings are TBD: the report records none. By design ai_energy_benchmarks runs one pass, one prompt "
            "at a time, with no warm-up"
            + (", sampling at temperature 0.7, 10 new tokens (up to 8192 for reasoning)" if text else "")
            + ": state what your run did",
            members,
        )
    )


def _machine(
    document: dict[str, Any], data: dict[str, Any], folder: Path | None, sources: list[Source], notes: list[str]
) -> str | None:
    """What the report and CodeCarbon's own CSV (if kept) say about the machine."""
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    devices = config.get("device_ids")
    if isinstance(devices, list) and devices and all(isinstance(d, int) and not isinstance(d, bool) for d in devices):
        document["hardware"]["accelerators"]["count"] = len(devices)
        notes.append(f"hardware.accelerators.count {len(devices)} is the number of config.device_ids the backend used")
    backend = config.get("backend")
    if isinstance(backend, str) and backend:
        document["software"]["harness"] = name_version(f"{HARNESS} ({backend} backend)", TBD)
        if backend in FRAMEWORKS:
            document["software"]["framework"] = name_version(FRAMEWORKS[backend], TBD)
            notes.append(
                f"software.framework {FRAMEWORKS[backend]}: the {backend} backend; its version is not recorded"
            )
    else:
        document["software"]["harness"] = name_version(HARNESS, TBD)
    notes.append(
        "software.harness version is TBD: the report does not record it (the AI Energy Score v2 container pins "
        "ai_energy_benchmarks 0.0.4)"
    )
    metadata = data.get("metrics_metadata") if isinstance(data.get("metrics_metadata"), dict) else {}
    version = metadata.get("version") if isinstance(metadata.get("version"), str) else None
    if version in (None, "unknown"):
        version = None
    emissions = folder / "emissions" / "emissions.csv" if folder is not None else None
    if emissions is not None and emissions.is_file():
        table = read_table(emissions)
        sources.append(table.source)
        if not table.rows:
            notes.append("emissions/emissions.csv holds no readable row: hardware is TBD but for the count")
            return version
        line, fields = table.rows[-1]
        row = Row(f"emissions/emissions.csv line {line}", fields, "emissions.csv", line)
        apply_system(document, row, notes)
        notes.append(f"the machine is described by CodeCarbon's own emissions/emissions.csv (line {line})")
        version = row.text("codecarbon_version") or version
        _pue(document, row, notes)
    else:
        notes.append("hardware is TBD but for the count: no emissions/emissions.csv of CodeCarbon beside the report")
    return version


def _pue(document: dict[str, Any], row: Row, notes: list[str]) -> None:
    pue = row.number("pue")
    if pue is not None and is_number(pue) and pue != 1:
        document["measurement"]["pue"] = {"value": pue, "applied": True}
        notes.append(f"PUE {shown(pue)} was applied by CodeCarbon to every energy before it was written")


def _cross_checks(
    folder: Path | None, gpu_kwh: Any, sources: list[Source], extension: dict[str, Any], notes: list[str]
) -> None:
    """The folder's other files repeat the GPU energy: say when they disagree with the report."""
    if folder is None:
        notes.append("only the report was read: give the run folder to list its other files as artifacts")
        return
    wh = exact(gpu_kwh) * 1000 if is_number(gpu_kwh) else None
    summary_path = folder / "GPU_ENERGY_SUMMARY.json"
    if summary_path.is_file():
        summary, source = load_json(summary_path, "GPU_ENERGY_SUMMARY.json", "GPU energy summary (Wh)")
        sources.append(source)
        if isinstance(summary, dict):
            extension["gpu_energy_summary"] = summary
            total = summary.get("total")
            if wh is not None and is_number(total) and abs(exact(total) - wh) > abs(wh) / 1000:
                notes.append(
                    f"GPU_ENERGY_SUMMARY.json total {shown(total)} Wh differs from the report's {shown(wh)} Wh"
                )
            notes.append(
                "GPU_ENERGY_SUMMARY.json assigns the whole window to decode: v2 measures no phases, so none are given"
            )
    results_path = folder / "benchmark_results.csv"
    if results_path.is_file():
        table = load_csv(results_path, "benchmark_results.csv", "ai_energy_benchmarks results (the report flattened)")
        sources.append(table.source)
        if table.rows:
            line, last = table.rows[-1]
            extension["timestamp"] = last.get("timestamp")
            if len(table.rows) > 1:
                notes.append(
                    f"benchmark_results.csv holds {len(table.rows)} runs; the report is the last (line {line})"
                )
            text = last.get("energy_gpu_energy_wh", "")
            number = parse_decimal(text)
            listed = exact(number) if number is not None and is_number(number) else None
            if wh is not None and listed is not None and abs(listed - wh) > abs(wh) / 1000:
                notes.append(f"benchmark_results.csv gives {shown(number)} Wh of GPU energy; the report {shown(wh)} Wh")
    text_path = folder / "GPU_ENERGY_WH.txt"
    if text_path.is_file():
        data = read_bytes(text_path, "GPU_ENERGY_WH.txt")
        sources.append(Source(text_path, digest(data), "GPU energy (Wh), as ai_energy_benchmarks printed it"))


def convert(paths: list[Path], options: IngestOptions) -> Converted:
    report, folder = _locate(paths)
    data, source = _report(report)
    sources = [source]
    notes: list[str] = []
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    summary, energy = data["summary"], data["energy"]
    succeeded = _count(summary, "successful_prompts", "summary")
    failed = _count(summary, "failed_prompts", "summary") or 0
    total_prompts = _count(summary, "total_prompts", "summary")
    task = _task(options, config, notes)
    document = skeleton(task, options.division, options)
    _model(document, options, config, notes)
    _dataset(document, config, total_prompts, notes)
    _run(document, task, notes)
    components = _energy(energy, notes)
    duration = _usable(energy, "duration_seconds", "energy", notes)
    repetition: dict[str, Any] = {
        "duration": quantity(duration, "s"),
        "queries": succeeded if succeeded is not None else TBD,
        "energy": components,
    }
    emissions = _usable(energy, "emissions_kg_co2eq", "energy", notes)
    if "emissions_kg_co2eq" in energy and energy["emissions_kg_co2eq"] is not None:
        repetition["emissions"] = quantity(emissions, "kg")
    set_repetitions(document, [repetition])
    _scaling_note(succeeded, failed, notes)
    if options.queries is not None and options.queries != succeeded:
        notes.append(
            f"the {options.queries} queries given are not used: the report counts {succeeded} successful prompts"
        )
    if isinstance(energy.get("error"), str):
        notes.append(f"the report records a measurement error: {energy['error']}")
    version = _machine(document, data, folder, sources, notes)
    set_methods(document, [c for c in ("accelerator", "cpu", "ram") if c in components], version, True, notes)
    notes.append(
        "CodeCarbon ran in machine mode (ai_energy_benchmarks sets it): CPU and RAM energies are the machine's"
    )
    _intensity(document, energy, notes)
    extension: dict[str, Any] = {
        "config": config,
        "summary": summary,
        "gpu_stats": data.get("gpu_stats"),
        "backend_info": data.get("backend_info"),
        "reported": {k: energy.get(k) for k in ("country", "region", "project_name", "carbon_intensity_g_per_kwh")},
    }
    notes.append(
        "energy.country and energy.region are ai_energy_benchmarks' defaults, not passed to CodeCarbon: kept under "
        "extensions.x-aies-v2, not used"
    )
    _cross_checks(folder, components["accelerator"]["value"], sources, extension, notes)
    document["extensions"] = {"x-aies-v2": json_safe(extension)}
    return Converted(document, notes, sources)


def _scaling_note(succeeded: int | None, failed: int, notes: list[str]) -> None:
    per = params()["rated_per_queries"]
    if succeeded is None:
        notes.append("summary.successful_prompts is missing: queries is TBD")
        return
    notes.append(
        f"one pass over {succeeded} prompt(s) is one repetition of {succeeded} queries; the summary per {per:,} "
        f"queries is scaled from {succeeded} prompts to {per:,} queries; {failed} failed"
        + (" (their energy is in the window, their queries are not counted)" if failed else "")
    )
