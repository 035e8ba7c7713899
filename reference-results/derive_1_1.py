"""Derive the AERP 1.1 conformance suite from the 1.0 suite, and add the cases of 1.1's new rules.

Every 1.0 case is carried to 1.1 with the disclosure that 1.1 newly asks for completed, so
that it tests under 1.1 exactly what it tested under 1.0 (a rule that 1.1 replaces is tested
by its replacement: REQ-MEAS-1 → REQ-MEAS-18, REQ-MEAS-16 → REQ-MEAS-19, REQ-TASK-4 →
REQ-TASK-8, REQ-RUN-4 → REQ-RUN-11). The completed values are those of the fictional labs
of the suite: an idle window of 2.31 Wh per accelerator over 120 s, a laboratory's comparison
of its counters with a calibrated analyser, an operating record; token counts are the
published totals of the AI Energy Score datasets where known (text generation 369,139;
summarization 383,715; extractive QA 10,904; text classification 156,925; sentence similarity
22,919 input tokens per 1,000 queries) and illustrative otherwise. A repetition shorter than
the closed division's 60 s window repeats the dataset (``passes``), its queries, duration and
energies multiplied, its energy per query unchanged.

Run from the repository root: ``python reference-results/derive_1_1.py``. It rewrites
``reference-results/1.1/`` and ``reference-results/manifest-1.1.yaml``; a test checks that
the committed suite is what this script produces.
"""

from __future__ import annotations

import copy
import json
import math
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "validator"))

from aerp.exact import Written, decimal_text, exact  # noqa: E402
from aerp.load import load_text  # noqa: E402
from aerp.pipeline import default_limits  # noqa: E402

SOURCE, TARGET = ROOT / "reference-results" / "1.0", ROOT / "reference-results" / "1.1"
ALIASES = {
    "image_captioning": "image-to-text",
    "image_generation": "text-to-image",
    "text_generation": "text-generation",
}
# A 1.0 case whose defect becomes an error under a rule that 1.1 adds: its place, checks and verdict in 1.1.
MOVED = {
    "conformant/disclosure-decoding-unstated.yaml": (
        "non-conformant/run-decoding-unstated.yaml",
        ["AERP-D004", "AERP-T019"],
        "non-conformant",
        "Closed-division summarization that does not state its decoding settings: a warning in 1.0 (REQ-DISC-3), "
        "an error in 1.1, where every generative text task decodes greedily with 10 new tokens (REQ-RUN-11).",
    )
}
# A 1.0 case whose defect breaks a rule that 1.1 adds as well: the checks it triggers in 1.1.
ALSO = {
    # min_new_tokens above max_new_tokens in a closed summarization run is also not the fixed 10 of REQ-RUN-11
    "non-conformant/run-token-bounds.yaml": ["AERP-T019"],
}
RENAMED = {"AERP-M001": "AERP-M016", "AERP-M006": "AERP-M014", "AERP-T002": "AERP-T021", "AERP-T009": "AERP-T019"}
INPUT_TOKENS = {
    "text-generation": 369139,
    "summarization": 383715,
    "question-answering": 10904,
    "text-classification": 156925,
    "sentence-similarity": 22919,
}
IDLE_PER_ACCELERATOR = Fraction("2.31")  # Wh over 120 s, about 69 W: an H100 SXM at idle
IDLE_SECONDS = 120
VALIDATION = {
    "meter": {"model": "Yokogawa WT310E", "calibration_date": "2026-01-15"},
    "date": "2026-02-02",
    "deviation": Written("0.012"),
}
ENVIRONMENT = {
    "accelerator_temperature": {"min": {"value": 38, "unit": "°C"}, "max": {"value": 67, "unit": "°C"}},
    "accelerator_clocks": {"graphics": {"value": 1980, "unit": "MHz"}, "memory": {"value": 2619, "unit": "MHz"}},
    "persistence_mode": True,
    "ecc": True,
    "mig": False,
    "ambient_temperature": {"value": 22, "unit": "°C"},
}
PUE_RECORD = {"source": "measured", "category": "2", "period": {"start": "2025-01-01", "end": "2025-12-31"}}


def number(value: Fraction) -> Any:
    text = decimal_text(value)
    if text is None:  # round to 9 significant digits, far inside every tolerance
        digits = 9 - 1 - math.floor(math.log10(abs(value))) if value else 0
        text = decimal_text(Fraction(round(value * 10**digits), 10**digits)) or "0"
    return int(text) if "." not in text else Written(text)


def scaled(quantity: Any, factor: int) -> Any:
    if isinstance(quantity, dict) and "value" in quantity and isinstance(quantity["value"], (int, float)):
        return {**quantity, "value": number(exact(quantity["value"]) * factor)}
    return quantity


def seconds(quantity: dict[str, Any]) -> Fraction:
    factors = {"ms": Fraction(1, 1000), "s": Fraction(1), "min": Fraction(60), "h": Fraction(3600)}
    return exact(quantity["value"]) * factors[quantity["unit"]]


def complete(data: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    """The 1.0 document with what 1.1 newly requires, except the members named in ``keep`` (the case's defect)."""
    data = copy.deepcopy(data)
    if "version" not in keep:
        data["aerp_version"] = "1.1.0"
    closed = data.get("division") == "closed"
    task = ALIASES.get(data.get("task"), data.get("task"))
    measurement = data.get("measurement", {})
    if isinstance(measurement, dict):
        ordered = {}
        for key, value in measurement.items():
            ordered[key] = value
            if key == "boundary":
                ordered["levels"] = ["accelerator"]
        measurement.clear()
        measurement.update(ordered)
        pue = measurement.get("pue")
        if isinstance(pue, dict):
            pue.update(PUE_RECORD)
        methods = measurement.get("methods", {})
        accelerator = methods.get("accelerator") if isinstance(methods, dict) else None
        if closed and isinstance(accelerator, dict):
            if accelerator.get("method") != "energy-counter" and "sampling" not in keep:
                accelerator["sampling_interval"] = {"value": 1, "unit": "s"}
            accelerator["validation"] = copy.deepcopy(VALIDATION)
    run = data.get("run")
    if closed and task in ("summarization", "image-to-text") and isinstance(run, dict) and "decoding" not in keep:
        run.update({"decoding": "greedy", "max_new_tokens": 10, "min_new_tokens": 10})
    results = data.get("results", {})
    repetitions = results.get("repetitions", []) if isinstance(results, dict) else []
    count = data.get("hardware", {}).get("accelerators", {}).get("count", 1)
    passes_of = []
    for repetition in repetitions:
        if not isinstance(repetition, dict):
            continue
        duration = repetition.get("duration")
        try:
            length = seconds(duration)
        except (KeyError, TypeError, ValueError):
            length = Fraction(60)
        passes = math.ceil(Fraction(60) / length) if closed and 0 < length < 60 and "window" not in keep else 1
        passes_of.append(passes)
        if passes > 1:
            repetition["duration"] = scaled(duration, passes)
            if isinstance(repetition.get("queries"), int):
                repetition["queries"] *= passes
            for group in ("energy",):
                if isinstance(repetition.get(group), dict):
                    repetition[group] = {k: scaled(v, passes) for k, v in repetition[group].items()}
            if isinstance(repetition.get("phases"), dict):
                repetition["phases"] = {
                    p: {k: scaled(v, passes) for k, v in node.items()} for p, node in repetition["phases"].items()
                }
            if "emissions" in repetition:
                repetition["emissions"] = scaled(repetition["emissions"], passes)
        queries = repetition.get("queries") if isinstance(repetition.get("queries"), int) else 1000
        counts: dict[str, Any] = {}
        if task in INPUT_TOKENS:
            counts["input_tokens"] = INPUT_TOKENS[task] * queries // 1000
        if task in ("image-classification", "object-detection", "text-to-image", "image-to-text"):
            counts["items"] = queries
        if task == "automatic-speech-recognition":
            counts["audio_duration"] = {"value": 7 * queries, "unit": "s"}  # illustrative: 7 s per clip
            counts["output_tokens"] = 31 * queries  # illustrative
        if task in ("text-generation", "summarization", "image-to-text"):
            tokens = run.get("max_new_tokens") if isinstance(run, dict) else None
            counts["output_tokens"] = queries * (tokens if isinstance(tokens, int) else 10)
        ordered = {}
        for key, value in repetition.items():
            ordered[key] = value
            if key == "queries":
                ordered["passes"] = passes
                if "counts" not in keep and counts:
                    ordered["counts"] = counts
        repetition.clear()
        repetition.update(ordered)
    summary = results.get("summary") if isinstance(results, dict) else None
    if (
        isinstance(summary, dict)
        and passes_of
        and max(passes_of) > 1
        and isinstance(summary.get("mean_duration"), dict)
    ):
        durations = [seconds(r["duration"]) for r in repetitions]
        summary["mean_duration"] = {"value": number(sum(durations) / len(durations)), "unit": "s"}
    if closed and isinstance(results, dict) and "idle" not in keep:
        idle_energy = idle_of(repetitions, count if isinstance(count, int) else 1)
        results["idle"] = {
            "duration": {"value": IDLE_SECONDS, "unit": "s"},
            "energy": {"accelerator": {"value": number(idle_energy), "unit": "Wh"}},
        }
        corrected = idle_corrected(repetitions, idle_energy)
        if (corrected is None or corrected <= 0) and isinstance(summary, dict):
            corrected = idle_corrected_of_summary(summary, repetitions, idle_energy)
        representable = corrected is not None and 0 < corrected < Fraction(10) ** 300
        if representable and isinstance(summary, dict):
            summary["accelerator_energy_per_1000_queries_idle_corrected"] = {"value": number(corrected), "unit": "Wh"}
    if "environment" not in keep and isinstance(data.get("measurement"), dict):
        ordered = {}
        for key, value in data.items():
            ordered[key] = value
            if key == "measurement":
                ordered["environment"] = copy.deepcopy(ENVIRONMENT)
        data = ordered
    return data


ENERGY = {"J": Fraction(1, 3600), "kJ": Fraction(5, 18), "MJ": Fraction(2500, 9), "Wh": 1, "kWh": 1000, "MWh": 10**6}


def idle_of(repetitions: list[Any], count: int) -> Fraction:
    """2.31 Wh per accelerator over the idle window, or less where the runs themselves draw little."""
    idle = IDLE_PER_ACCELERATOR * count
    try:
        least = min(
            exact(r["energy"]["accelerator"]["value"])
            * ENERGY[r["energy"]["accelerator"]["unit"]]
            / seconds(r["duration"])
            for r in repetitions
        )
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return idle
    return min(idle, Fraction(round(least * IDLE_SECONDS / 2 * 100), 100)) or Fraction(1, 100)


def idle_corrected_of_summary(
    summary: dict[str, Any], repetitions: list[Any], idle_energy: Fraction
) -> Fraction | None:
    """The idle-corrected figure a lab derives from its own summary (where a repetition holds the file's defect)."""
    try:
        stated = summary["accelerator_energy_per_1000_queries"]
        wh = exact(stated["value"]) * ENERGY[stated["unit"]]
        durations = sorted(seconds(r["duration"]) for r in repetitions)
        typical = durations[len(durations) // 2]
        queries = sorted(r["queries"] for r in repetitions)[len(repetitions) // 2]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return wh - idle_energy / IDLE_SECONDS * typical * 1000 / queries


def idle_corrected(repetitions: list[Any], idle_energy: Fraction) -> Fraction | None:
    factors = ENERGY
    power = idle_energy / IDLE_SECONDS
    values = []
    try:
        for repetition in repetitions:
            energy = repetition["energy"]["accelerator"]
            wh = exact(energy["value"]) * factors[energy["unit"]]
            values.append((wh - power * seconds(repetition["duration"])) * 1000 / repetition["queries"])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return sum(values, Fraction(0)) / len(values) if values else None


# -- writing -------------------------------------------------------------------------------------


def scalar(value: Any) -> str:
    if isinstance(value, Written):
        return value.text
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


def small(value: Any) -> bool:
    """Quantities, short lists and mappings of scalars are written on one line."""
    if isinstance(value, dict):
        return all(not isinstance(v, (dict, list)) or small(v) for v in value.values()) and len(flow(value)) < 90
    if isinstance(value, list):
        return all(not isinstance(v, (dict, list)) for v in value)
    return True


def block(value: Any, indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and not small(item) and item:
                lines.append(f"{pad}{key}:")
                lines += block(item, indent + 2)
            else:
                lines.append(f"{pad}{key}: {flow(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and not small(item):
                inner = block(item, indent + 2)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines += inner[1:]
            else:
                lines.append(f"{pad}- {flow(item)}")
    return lines


def write(path: Path, data: Any, header: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        from aerp.migrate import _dump_json

        path.write_text(_dump_json(data) + "\n", encoding="utf-8")
    else:
        comment = "".join(f"# {line}\n" for line in header.splitlines())
        path.write_text(comment + "\n".join(block(data)) + "\n", encoding="utf-8")


def defect_of(case: dict[str, Any]) -> set[str]:
    """The 1.1 members a case must not complete, because its defect is about them."""
    name = case["file"]
    keep = set()
    if "sampling" in name:
        keep.add("sampling")
    if "decoding" in name or "token" in name:
        keep.add("decoding")
    if "/version-" in name:
        keep.add("version")
    return keep


def derive() -> list[dict[str, Any]]:
    manifest = yaml.safe_load((ROOT / "reference-results" / "manifest-1.0.yaml").read_text(encoding="utf-8"))
    cases = []
    for case in manifest["cases"]:
        source = ROOT / "reference-results" / "1.0" / case["file"]
        target = TARGET / case["file"]
        checks = sorted(RENAMED.get(c, c) for c in case["checks"])
        checks = sorted({*checks, *ALSO.get(case["file"], [])})
        if case["file"] in MOVED:
            moved, checks, verdict, description = MOVED[case["file"]]
            target = TARGET / moved
            case = {**case, "file": moved, "verdict": verdict, "description": description}
        if case["verdict"] == "unreadable":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes().replace(b"1.0.0", b"1.1.0"))
        else:
            text = source.read_text(encoding="utf-8")
            fmt = "json" if source.suffix == ".json" else "yaml"
            data = load_text(text, fmt, default_limits()).data
            header = f"AERP 1.1 case derived from reference-results/1.0/{case['file']}: {case['description']}"
            write(target, complete(data, defect_of(case)), header)
        cases.append({**case, "checks": checks, "derived_from": f"1.0/{source.relative_to(SOURCE)}"})
    return cases




# -- the cases of 1.1's new rules ------------------------------------------------------------------

BASE = "conformant/text-generation-a-llama-3.1-8b.yaml"


def _at(data: Any, path: str) -> Any:
    for step in path.split("/")[1:]:
        data = data[int(step)] if isinstance(data, list) else data[step]
    return data


def _each(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["results"]["repetitions"]


def _wall_levels(data: dict[str, Any], facility_factor: Fraction | None = None) -> None:
    """Node, wall (and facility) levels for every repetition: node = total, wall = node × 1.08, facility = wall × PUE."""
    measurement = data["measurement"]
    measurement["levels"] = ["accelerator", "node", "wall"] + (["facility"] if facility_factor else [])
    measurement["level_methods"] = {
        "node": {"method": "rapl", "tool": {"name": "CodeCarbon", "version": "2.8.3"}, "sampling_interval": {"value": 1, "unit": "s"}},
        "wall": {
            "method": "wall-meter",
            "tool": {"name": "PTDaemon", "version": "1.11.1"},
            "sampling_interval": {"value": 1, "unit": "s"},
            "meter": {"model": "Yokogawa WT310E", "calibration_date": "2026-01-15"},
        },
    }
    if facility_factor:
        measurement["pue"] = {"value": number(facility_factor), "applied": False, **PUE_RECORD}
    for repetition in _each(data):
        total = repetition["energy"]["total"]
        node = exact(total["value"]) * ENERGY[total["unit"]]
        levels = {"node": {"value": number(node), "unit": "Wh"}, "wall": {"value": number(node * Fraction("1.08")), "unit": "Wh"}}
        if facility_factor:
            levels["facility"] = {"value": number(node * Fraction("1.08") * facility_factor), "unit": "Wh"}
        repetition["levels"] = levels


def _mutations() -> list[tuple[str, str, str, list[str], Any]]:
    """(file, description, verdict, checks, mutation of the derived base case)."""

    def levels_consistent(d: dict[str, Any]) -> None:
        _wall_levels(d, Fraction("1.2"))

    def no_accelerator_level(d: dict[str, Any]) -> None:
        d["measurement"]["levels"] = ["node"]
        _wall_levels(d)
        d["measurement"]["levels"] = ["node", "wall"]

    def wall_missing(d: dict[str, Any]) -> None:
        _wall_levels(d)
        del _each(d)[3]["levels"]["wall"]

    def node_below_accelerator(d: dict[str, Any]) -> None:
        _wall_levels(d)
        accelerator = _each(d)[2]["energy"]["accelerator"]
        _each(d)[2]["levels"]["node"] = {"value": number(exact(accelerator["value"]) * ENERGY[accelerator["unit"]] / 2), "unit": "Wh"}

    def facility_not_wall_times_pue(d: dict[str, Any]) -> None:
        _wall_levels(d, Fraction("1.2"))
        facility = _each(d)[0]["levels"]["facility"]
        facility["value"] = number(exact(facility["value"]) * Fraction("1.1"))

    def wall_without_method(d: dict[str, Any]) -> None:
        _wall_levels(d)
        del d["measurement"]["level_methods"]["wall"]

    def accelerator_sampled_slowly(d: dict[str, Any]) -> None:
        d["measurement"]["methods"]["accelerator"].update(method="power-sampling", sampling_interval={"value": 15, "unit": "s"})

    def short_window(d: dict[str, Any]) -> None:
        d["results"]["idle"]["duration"] = {"value": 30, "unit": "s"}
        energy = d["results"]["idle"]["energy"]["accelerator"]
        energy["value"] = number(exact(energy["value"]) / 4)

    def counts_missing(d: dict[str, Any]) -> None:
        for repetition in _each(d):
            del repetition["counts"]["output_tokens"]

    def outputs_short(d: dict[str, Any]) -> None:
        _each(d)[5]["counts"]["output_tokens"] = 9412

    def summarization_long(d: dict[str, Any]) -> None:
        d["run"].update(max_new_tokens=50, min_new_tokens=1)

    def queries_not_passes(d: dict[str, Any]) -> None:
        _each(d)[1]["passes"] = 2

    def no_idle(d: dict[str, Any]) -> None:
        del d["results"]["idle"]
        del d["results"]["summary"]["accelerator_energy_per_1000_queries_idle_corrected"]

    def idle_corrected_wrong(d: dict[str, Any]) -> None:
        corrected = d["results"]["summary"]["accelerator_energy_per_1000_queries_idle_corrected"]
        corrected["value"] = d["results"]["summary"]["accelerator_energy_per_1000_queries"]["value"]

    def no_environment(d: dict[str, Any]) -> None:
        del d["environment"]

    def no_validation(d: dict[str, Any]) -> None:
        del d["measurement"]["methods"]["accelerator"]["validation"]

    def measured_pue_without_category(d: dict[str, Any]) -> None:
        _wall_levels(d, Fraction("1.2"))
        del d["measurement"]["pue"]["category"]

    return [
        ("conformant/levels-node-wall-facility.yaml", "Closed division measured at the accelerator, node, wall and facility levels; only the accelerator level is rated.", "conformant", [], levels_consistent),
        ("non-conformant/levels-without-accelerator.yaml", "Closed division whose measurement.levels omits the rated accelerator level (REQ-LEVEL-2).", "non-conformant", ["AERP-M011"], no_accelerator_level),
        ("non-conformant/levels-wall-missing.yaml", "Repetition 4 omits the wall level that measurement.levels declares (REQ-LEVEL-3).", "non-conformant", ["AERP-M012"], wall_missing),
        ("non-conformant/levels-node-below-accelerator.yaml", "Repetition 3's node energy is half its accelerator energy: levels do not nest (REQ-LEVEL-4).", "non-conformant", ["AERP-M013"], node_below_accelerator),
        ("non-conformant/levels-facility-not-wall-times-pue.yaml", "Repetition 1's facility energy is 10 % above wall energy × PUE (REQ-LEVEL-5).", "non-conformant", ["AERP-C009"], facility_not_wall_times_pue),
        ("non-conformant/levels-wall-without-method.yaml", "The wall level is declared but measurement.level_methods does not say how it was measured (REQ-LEVEL-6).", "non-conformant", ["AERP-M017"], wall_without_method),
        ("non-conformant/measurement-accelerator-sampled-every-15s.yaml", "Closed division sampling the accelerator's power every 15 s (REQ-MEAS-19).", "non-conformant", ["AERP-M014"], accelerator_sampled_slowly),
        ("non-conformant/measurement-idle-window-30s.yaml", "The idle window lasts 30 s, shorter than the closed division's 60 s (REQ-MEAS-20).", "non-conformant", ["AERP-M015"], short_window),
        ("non-conformant/counts-output-tokens-missing.yaml", "Text-generation repetitions that do not state their output tokens (REQ-COUNT-1).", "non-conformant", ["AERP-T017"], counts_missing),
        ("non-conformant/counts-outputs-shorter-than-fixed.yaml", "Repetition 6 produced 9,412 output tokens, not 1,000 queries × 10 (REQ-COUNT-2).", "non-conformant", ["AERP-T018"], outputs_short),
        ("non-conformant/run-new-tokens-not-fixed.yaml", "Closed-division text-generation with max_new_tokens 50 and min_new_tokens 1 (REQ-RUN-11).", "non-conformant", ["AERP-T019"], summarization_long),
        ("non-conformant/passes-queries-disagree.yaml", "Repetition 2 states 2 passes but processed 1,000 queries (REQ-TASK-8).", "non-conformant", ["AERP-T021"], queries_not_passes),
        ("non-conformant/idle-missing.yaml", "Closed division without an idle window (REQ-IDLE-1).", "non-conformant", ["AERP-I001"], no_idle),
        ("non-conformant/idle-corrected-wrong.yaml", "The idle-corrected summary repeats the gross energy instead of subtracting idle power × duration (REQ-IDLE-2).", "non-conformant", ["AERP-I002"], idle_corrected_wrong),
        ("conformant/environment-missing.yaml", "Closed division without the recommended environmental record (REQ-ENV-1): a warning.", "conformant", ["AERP-D006"], no_environment),
        ("conformant/counter-not-validated.yaml", "Closed division whose accelerator readings were never checked against a calibrated meter (REQ-PLAUS-9): a warning.", "conformant", ["AERP-H003"], no_validation),
        ("non-conformant/pue-measured-without-category.yaml", "A measured PUE without its measurement category (REQ-PUE-2).", "non-conformant", ["AERP-S001"], measured_pue_without_category),
    ]  # fmt: skip


def new_cases() -> list[dict[str, Any]]:
    source = ROOT / "reference-results" / "1.0" / BASE
    base = complete(load_text(source.read_text(encoding="utf-8"), "yaml", default_limits()).data, set())
    cases = []
    for file, description, verdict, checks, mutation in _mutations():
        document = copy.deepcopy(base)
        mutation(document)
        write(TARGET / file, document, f"AERP 1.1 case: {description}")
        cases.append({"file": file, "description": description, "verdict": verdict, "checks": sorted(checks)})
    cases.append(cpu_only())
    cases.append(migrated())
    return cases


def cpu_only() -> dict[str, Any]:
    """An open-division result measured without accelerators: admitted in 1.1 (REQ-DIV-5), never rated."""
    source = ROOT / "reference-results" / "1.0" / "conformant/text-generation-a-llama-3.1-8b-open-l4.json"
    data = complete(load_text(source.read_text(encoding="utf-8"), "json", default_limits()).data, set())
    del data["hardware"]["accelerators"]
    data["measurement"]["boundary"] = ["cpu", "ram"]
    data["measurement"]["levels"] = ["node"]
    data["measurement"]["level_methods"] = {"node": copy.deepcopy(data["measurement"]["methods"]["cpu"])}
    del data["measurement"]["methods"]["accelerator"]
    for repetition in _each(data):
        for group in ("energy", "mean_power"):
            if isinstance(repetition.get(group), dict):
                repetition[group].pop("accelerator", None)
        energy = repetition["energy"]
        node = sum((exact(q["value"]) * ENERGY[q["unit"]] for k, q in energy.items() if k != "total"), Fraction(0))
        energy["total"] = {"value": number(node), "unit": "Wh"}
        repetition["levels"] = {"node": {"value": number(node), "unit": "Wh"}}
        repetition.pop("phases", None)
        repetition.pop("emissions", None)
    summary = data["results"]["summary"]
    del summary["accelerator_energy_per_1000_queries"]
    totals = [exact(r["energy"]["total"]["value"]) * 1000 / r["queries"] for r in _each(data)]
    summary["boundary_energy_per_1000_queries"] = {"value": number(sum(totals) / len(totals)), "unit": "Wh"}
    data.pop("environment", None)
    data["environment"] = {"ambient_temperature": {"value": 22, "unit": "°C"}}
    file = "conformant/open-cpu-only.json"
    write(TARGET / file, data, "")
    return {
        "file": file,
        "description": "Open division, measured without accelerators (CPU and RAM only): admitted in 1.1 and never rated "
        "(REQ-DIV-5); the environmental record is partial (a warning).",
        "verdict": "conformant",
        "checks": ["AERP-D006"],
    }


def migrated() -> dict[str, Any]:
    """A conformant 1.0 file carried forward by `aerp migrate`: only the disclosure 1.1 newly asks for is missing."""
    from aerp.migrate import migrate

    source = ROOT / "reference-results" / "1.0" / BASE
    text, _ = migrate(source.read_text(encoding="utf-8"), "yaml", "1.1", default_limits())
    file = "non-conformant/migrated-from-1.0.yaml"
    (TARGET / file).write_text(text, encoding="utf-8")
    return {
        "file": file,
        "description": "reference-results/1.0/" + BASE + " carried forward by `aerp migrate --to 1.1`: every value "
        "as written, the new disclosure as TBD (and the recommended record and counter validation missing).",
        "verdict": "non-conformant",
        "checks": ["AERP-D002", "AERP-D006", "AERP-H003"],
    }


def manifest(cases: list[dict[str, Any]]) -> str:
    header = (
        "# The AERP 1.1 conformance suite: every file of this folder and its expected outcome.\n"
        "# A conforming validator reproduces `verdict` and the set of `checks` for every case (README.md).\n"
        "# Generated by reference-results/derive_1_1.py from the 1.0 suite and the cases of 1.1's new rules;\n"
        "# `derived_from` names the 1.0 case a file carries forward. The labs are fictional: digests, dataset\n"
        "# commit ids, idle windows, meter comparisons and operating records are illustrative.\n"
    )
    body = {
        "suite": "AERP reference results",
        "aerp_version": "1.1",
        "not_covered": [
            {"check": "AERP-L001", "reason": "a file that cannot be read (missing, a directory, a broken link, no "
             "permission) cannot be committed portably; the validator tests create these conditions on the fly"},
            {"check": "AERP-T020", "reason": "AERP 1.1 pins no dataset revision, so no submission can differ from a "
             "pin; tests/test_editions.py checks the rule with a pinned revision in modified protocol data"},
        ],
        "cases": cases,
    }  # fmt: skip
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=120)


def main() -> None:
    import shutil

    if TARGET.exists():
        shutil.rmtree(TARGET)
    cases = derive() + new_cases()
    (ROOT / "reference-results" / "manifest-1.1.yaml").write_text(manifest(cases), encoding="utf-8")
    print(f"{len(cases)} cases in {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
