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
import hashlib
import json
import math
import sys
from dataclasses import dataclass
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
# A 1.0 case whose finding depends on the 1.0 thresholds: what it gives on the rounded 1.1 scale. Its
# rated metric 12.285 Wh and its summary 12.28 Wh both lie below t2 = 12.3 of aerp-1.1-fixed, so the
# summary is no longer rounded across a threshold; the case with the wrong claim keeps it wrong.
EXPECTED = {
    "conformant/rating-summary-rounded-warning.yaml": [],
    "non-conformant/rating-summary-rounded-across-threshold.yaml": ["AERP-Q005"],
}
# A 1.0 case whose defect breaks a rule that 1.1 adds as well: the checks it triggers in 1.1.
ALSO = {
    # min_new_tokens above max_new_tokens in a closed summarization run is also not the fixed 10 of REQ-RUN-11
    "non-conformant/run-token-bounds.yaml": ["AERP-T019"],
}
RENAMED = {"AERP-R002": "AERP-Q005", "AERP-R004": "AERP-R006", "AERP-M001": "AERP-M016", "AERP-M006": "AERP-M014", "AERP-T002": "AERP-T021", "AERP-T009": "AERP-T019"}
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
    if closed and isinstance(summary, dict) and "uncertainty" not in keep:
        statement = budget(repetitions)
        if statement is not None:
            summary["uncertainty"] = statement
    rating = data.get("rating")
    if isinstance(rating, dict):
        if rating.get("scale") == "aerp-1.0-fixed":
            rating["scale"] = "aerp-1.1-fixed"
        allowed = claim_of(data) if isinstance(data.get("results"), dict) else None
        if allowed is not None and "claim" not in keep:
            rating["stars"] = allowed
        elif allowed is not None and rating.get("stars") == allowed:  # the case's wrong claim stays wrong
            rating["stars"] = allowed + 1 if allowed < 5 else allowed - 1
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


# -- uncertainty and the claim ---------------------------------------------------------------------


def round_up(value: Fraction, digits: int = 3) -> Fraction:
    """``value`` rounded up to ``digits`` significant digits: an uncertainty is never understated by rounding."""
    if value <= 0:
        return Fraction(0)
    magnitude = len(str(value.numerator)) - len(str(value.denominator))  # log10, to within one
    power = magnitude - digits + 1
    while Fraction(10) ** (power + digits - 1) > value:
        power -= 1
    while Fraction(10) ** (power + digits) <= value:
        power += 1
    step = Fraction(10) ** power
    return math.ceil(value / step) * step


def root_up(square: Fraction, digits: int = 3) -> Fraction:
    """The square root of ``square``, rounded up to ``digits`` significant digits, exactly."""
    if square <= 0:
        return Fraction(0)
    from decimal import Context, Decimal

    context = Context(prec=40)
    root = context.divide(Decimal(square.numerator), Decimal(square.denominator)).sqrt(context)
    guess = round_up(Fraction(root), digits)
    while guess * guess < square:  # the float's root may round down
        guess = round_up(guess * Fraction(1001, 1000), digits)
    return guess


def rated(repetitions: list[Any]) -> Fraction | None:
    try:
        values = [
            exact(r["energy"]["accelerator"]["value"]) * ENERGY[r["energy"]["accelerator"]["unit"]] * 1000 / r["queries"]
            for r in repetitions
        ]
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return sum(values, Fraction(0)) / len(values) if values else None


def budget(
    repetitions: list[Any], instrument: Fraction | None = None, sampling: Fraction | None = None
) -> dict[str, Any] | None:
    """The uncertainty statement of a result: Type A from its repetitions, Type B for the on-board counter."""
    values = []
    for r in repetitions:  # a repetition whose energy does not convert is the case's own defect: left out
        try:
            energy = r["energy"]["accelerator"]
            values.append(exact(energy["value"]) * ENERGY[energy["unit"]] * 1000 / r["queries"])
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            continue
    if len(values) < 2 or min(values) <= 0 or max(values) > 10**12:
        return None
    mean = sum(values, Fraction(0)) / len(values)
    variance = sum(((v - mean) ** 2 for v in values), Fraction(0)) / (len(values) - 1) / len(values)
    type_a = root_up(variance)
    type_b = instrument if instrument is not None else root_up(Fraction(5, 100) ** 2 * mean**2 / 3)
    standard = root_up(type_a**2 + type_b**2 + (sampling or 0) ** 2)
    return {
        "standard": {"value": number(standard), "unit": "Wh"},
        "coverage_factor": 2,
        "expanded": {"value": number(2 * standard), "unit": "Wh"},
        "budget": [
            {
                "name": "repeatability",
                "type": "A",
                "value": {"value": number(type_a), "unit": "Wh"},
                "source": f"standard deviation of the mean of the {len(values)} repetitions",
            },
            {
                "name": "instrument: on-board energy counter",
                "type": "B",
                "value": {"value": number(type_b), "unit": "Wh"},
                "source": "no published accuracy: ±5 % of E as a rectangular distribution (protocol.yaml uncertainty)",
            },
        ]
        + (
            [
                {
                    "name": "sampling and integration",
                    "type": "B",
                    "value": {"value": number(sampling), "unit": "Wh"},
                    "source": "the trapezoid and rectangle rules over the trace, as a rectangular half-width",
                }
            ]
            if sampling is not None
            else []
        ),
    }


def claim_of(data: dict[str, Any]) -> int | None:
    """The stars the 1.1 decision rule lets the result claim: those of E + U on aerp-1.1-fixed."""
    from aerp.protocol import load_minor
    from aerp.rating import NoScale, fixed

    statement = data["results"]["summary"].get("uncertainty")
    energy = rated(data["results"]["repetitions"])
    if energy is None or energy <= 0:
        return None
    expanded = exact(statement["expanded"]["value"]) if statement else Fraction(0)
    try:
        return fixed(load_minor("1.1"), data["task"], data["model"].get("class"), energy + expanded).stars
    except (NoScale, KeyError, TypeError, AttributeError):
        return None


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
    if "AERP-R002" in case["checks"] or "stars" in name:
        keep.add("claim")
    return keep


def traced(data: Any) -> bool:
    """A closed-division case whose accelerator was measured carries the accelerators' trace (REQ-EVID-1)."""
    try:
        return (
            data["division"] == "closed"
            and "accelerator" in data["measurement"]["boundary"]
            and isinstance(data["results"]["repetitions"], list)
            and isinstance(data["artifacts"], list)
            and isinstance(data["hardware"]["accelerators"], dict)
        )
    except (KeyError, TypeError):
        return False


def derive() -> list[dict[str, Any]]:
    manifest = yaml.safe_load((ROOT / "reference-results" / "manifest-1.0.yaml").read_text(encoding="utf-8"))
    cases = []
    for case in manifest["cases"]:
        source = ROOT / "reference-results" / "1.0" / case["file"]
        target = TARGET / case["file"]
        checks = sorted(RENAMED.get(c, c) for c in case["checks"])
        checks = sorted({*checks, *ALSO.get(case["file"], [])})
        checks = sorted(EXPECTED.get(case["file"], checks))
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
            completed = complete(data, defect_of(case))
            if traced(completed):
                target.parent.mkdir(parents=True, exist_ok=True)
                with_trace(completed, target)
            write(target, completed, header)
        cases.append({**case, "checks": checks, "derived_from": f"1.0/{source.relative_to(SOURCE)}"})
    return cases




# -- traces ----------------------------------------------------------------------------------------

EPOCH = 1767225600  # 2026-01-01T00:00:00Z, the clock of every synthetic trace of the suite


@dataclass
class TraceStyle:
    """How a case's trace departs from a clean 1 s power trace (the defect of an evidence case)."""

    interval: int | None = 1  # seconds between samples; None: counter readings at the windows' edges only
    gap: tuple[int, int] | None = None  # (repetition, seconds) of samples missing inside that repetition's window
    devices: int | None = None  # devices in the trace, when not hardware.accelerators.count
    spike: bool = False  # one sample above the power limit in the first repetition
    counter: bool = False  # an energy counter (J) instead of power
    reset: bool = False  # the counter restarts from zero in the middle of the trace
    nvidia_smi: bool = False  # nvidia-smi's CSV, CRLF line endings, local time without a zone
    garbage: bool = False  # not a trace at all: binary bytes where the CSV should be
    ramp: bool = False  # the power rises linearly from half to one and a half times its mean in every window


def _power_w(energy: Any, duration: Any) -> Fraction | None:
    try:
        watts = exact(energy["value"]) * ENERGY[energy["unit"]] * 3600 / seconds(duration)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    return watts


def with_trace(data: dict[str, Any], target: Path, style: TraceStyle | None = None) -> None:
    """Write the accelerators' trace beside ``target`` from the document's own energies and name it as an artifact.

    A repetition whose energy could not have been drawn (zero, negative, beyond the power limit:
    the case's own defect) is given the median power of the others, as a real meter would show.
    """
    if style is None:  # as the case measured it: an energy counter read at the windows' edges, or 1 s power samples
        method = data["measurement"]["methods"].get("accelerator", {}).get("method")
        style = TraceStyle(interval=None, counter=True) if method == "energy-counter" else TraceStyle()
    results = data["results"]
    accelerators = data["hardware"].get("accelerators") or {}
    count = accelerators.get("count", 1) if isinstance(accelerators.get("count"), int) else 1
    devices = style.devices or count
    try:
        limit = exact(accelerators["power_limit"]["value"]) * (1000 if accelerators["power_limit"]["unit"] == "kW" else 1)
    except (KeyError, TypeError, ValueError):
        limit = Fraction(700)
    owners: list[tuple[dict[str, Any], Fraction | None, Fraction]] = []
    idle = results.get("idle")
    if isinstance(idle, dict):
        owners.append((idle, _power_w(idle["energy"]["accelerator"], idle["duration"]), seconds(idle["duration"])))
    powers = []
    for repetition in results["repetitions"]:
        power = _power_w(repetition.get("energy", {}).get("accelerator"), repetition.get("duration"))
        try:
            length = seconds(repetition["duration"])
        except (KeyError, TypeError, ValueError):
            length = Fraction(170)
        if power is not None and 0 < power <= 100 * limit * count:
            powers.append(power)
        owners.append((repetition, power, length))
    typical = sorted(powers)[len(powers) // 2] if powers else Fraction(200)
    lengths = sorted(length for _, _, length in owners)
    median_length = lengths[len(lengths) // 2]
    rows: list[tuple[Fraction, int, Fraction]] = []  # (time, device, watts) in order
    clock = Fraction(EPOCH)
    for owner, power, length in owners:
        if not 0 < length <= 10 * median_length:  # a duration off by a unit slip: the meter saw the real one
            energy = owner.get("energy", {}).get("accelerator")
            length = median_length
            power = _power_w(energy, {"value": number(length), "unit": "s"}) if isinstance(energy, dict) else None
        if power is None or not 0 < power <= 100 * limit * count:
            power = typical
        start, end = clock, clock + length
        owner["window"] = {"start": number_of(start), "end": number_of(end)}
        if style.interval is None:
            times = [start, end]
        else:
            times = [start + k * style.interval for k in range(int(length // style.interval) + 1)]
            if times[-1] != end:
                times.append(end)
        if style.gap is not None and owner is results["repetitions"][style.gap[0]]:
            middle = start + length / 2
            times = [t for t in times if not middle < t < middle + style.gap[1]]
        spiked = style.spike and owner is results["repetitions"][0]
        for index, moment in enumerate(times):
            for device in range(devices):
                watts = power / devices
                if style.ramp and len(times) > 1:
                    share = (moment - start) / (end - start)
                    watts = power / devices * (Fraction(1, 2) + share)
                if spiked and device == 0:
                    # one reading 25 % above the limit, and six lower ones that give the window its energy back
                    excess = limit * Fraction(5, 4) - watts
                    watts = watts + excess if index == 3 else watts - excess / 6 if 10 <= index < 16 else watts
                rows.append((moment, device, watts))
        clock = end + 5
    text = _trace_text(rows, style) if not style.garbage else bytes(range(256)) * 16
    path = target.with_name(target.stem + ".trace.csv")
    path.write_bytes(text)
    data["artifacts"].append(
        {
            "path": path.name,
            "sha256": hashlib.sha256(text).hexdigest(),
            "description": "the accelerators' power, sampled every second" if not style.counter
            else "the accelerators' energy counters, read every second",
            "trace": {
                "format": "nvidia-smi" if style.nvidia_smi else "aerp",
                "level": "accelerator",
                "component": "accelerator",
                "devices": [str(d) for d in range(devices)],
            },
        }
    )


def number_of(value: Fraction) -> Any:
    return number(Fraction(round(value * 1000), 1000))


def _trace_text(rows: list[tuple[Fraction, int, Fraction]], style: TraceStyle) -> bytes:
    if style.nvidia_smi:
        import datetime as dt

        lines = ["timestamp, index, power.draw [W]"]
        for moment, device, watts in rows:
            stamp = dt.datetime.fromtimestamp(float(moment), dt.timezone.utc).strftime("%Y/%m/%d %H:%M:%S.%f")[:-3]
            lines.append(f"{stamp}, {device}, {float(watts):.2f} W")
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if style.counter:
        lines = ["time [s],device,energy [J]"]
        totals: dict[int, Fraction] = {}
        last: dict[int, Fraction] = {}
        resets = 0
        for moment, device, watts in rows:
            if device in last:
                totals[device] = totals.get(device, Fraction(0)) + watts * (moment - last[device])
            last[device] = moment
            reading = totals.get(device, Fraction(0))
            lines.append(f"{float(moment):.3f},{device},{float(reading):.3f}")
            if style.reset and resets == 0 and len(lines) > len(rows) // 2 and device == 0:
                totals[device] = Fraction(0)  # the driver reloads: the counter starts again from zero
                resets = 1
        return ("\n".join(lines) + "\n").encode("utf-8")
    lines = ["time [s],device,power [W]"]
    lines += [f"{float(moment):.3f},{device},{float(watts):.3f}" for moment, device, watts in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


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

    def with_type_b(d: dict[str, Any], type_b: Fraction, claim: bool = True) -> None:
        statement = budget(_each(d), instrument=type_b)
        d["results"]["summary"]["uncertainty"] = statement
        if claim:
            d["rating"]["stars"] = claim_of(d)

    def no_uncertainty(d: dict[str, Any]) -> None:
        del d["results"]["summary"]["uncertainty"]

    def expanded_three_u(d: dict[str, Any]) -> None:
        statement = d["results"]["summary"]["uncertainty"]
        statement["expanded"] = {"value": number(exact(statement["standard"]["value"]) * 3), "unit": "Wh"}

    def budget_not_combined(d: dict[str, Any]) -> None:
        statement = d["results"]["summary"]["uncertainty"]
        half = exact(statement["standard"]["value"]) / 2
        statement["standard"] = {"value": number(half), "unit": "Wh"}
        statement["expanded"] = {"value": number(2 * half), "unit": "Wh"}

    def type_a_understated(d: dict[str, Any]) -> None:
        statement = d["results"]["summary"]["uncertainty"]
        entry = statement["budget"][0]
        entry["value"] = {"value": number(exact(entry["value"]["value"]) / 10), "unit": "Wh"}
        b = exact(statement["budget"][1]["value"]["value"])
        standard = root_up((exact(entry["value"]["value"])) ** 2 + b**2)
        statement["standard"] = {"value": number(standard), "unit": "Wh"}
        statement["expanded"] = {"value": number(2 * standard), "unit": "Wh"}

    def claim_not_guarded(d: dict[str, Any]) -> None:
        with_type_b(d, Fraction(3), claim=False)
        d["rating"]["stars"] = 4

    def spans_two(d: dict[str, Any]) -> None:
        with_type_b(d, Fraction("2.1"))

    def on_threshold(d: dict[str, Any]) -> None:
        energy = rated(_each(d))
        assert energy is not None
        expanded = Fraction("12.3") - energy  # E + U = t2 exactly
        statement = budget(_each(d))
        statement["expanded"] = {"value": number(expanded), "unit": "Wh"}
        statement["standard"] = {"value": number(expanded / 2), "unit": "Wh"}
        type_a = exact(statement["budget"][0]["value"]["value"])
        statement["budget"][1]["value"] = {"value": number(root_up((expanded / 2) ** 2 - type_a**2, 6)), "unit": "Wh"}
        d["results"]["summary"]["uncertainty"] = statement
        d["rating"]["stars"] = claim_of(d)

    def no_instrument(d: dict[str, Any]) -> None:
        statement = d["results"]["summary"]["uncertainty"]
        type_a = statement["budget"][0]
        statement["budget"] = [type_a]
        statement["standard"] = dict(type_a["value"])
        statement["expanded"] = {"value": number(2 * exact(type_a["value"]["value"])), "unit": "Wh"}
        d["rating"]["stars"] = claim_of(d)

    def rounded_across_1_1(d: dict[str, Any]) -> None:
        for index, repetition in enumerate(_each(d)):
            value = Fraction("0.012302") + Fraction(index - 5, 10**6)
            repetition["energy"] = {"accelerator": {"value": number(value), "unit": "kWh"}}
            repetition.pop("phases", None)
            repetition.pop("mean_power", None)
        d["measurement"]["boundary"] = ["accelerator"]
        d["measurement"]["methods"] = {"accelerator": d["measurement"]["methods"]["accelerator"]}
        summary = d["results"]["summary"]
        summary["accelerator_energy_per_1000_queries"] = {"value": Written("12.295"), "unit": "Wh"}
        summary["uncertainty"] = budget(_each(d))
        summary["accelerator_energy_per_1000_queries_idle_corrected"] = {
            "value": number(idle_corrected(_each(d), exact(d["results"]["idle"]["energy"]["accelerator"]["value"]))),
            "unit": "Wh",
        }
        d["rating"]["stars"] = claim_of(d)

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
        ("non-conformant/uncertainty-missing.yaml", "Closed division without the uncertainty of its rated metric (REQ-UNC-1).", "non-conformant", ["AERP-Q001"], no_uncertainty),
        ("non-conformant/uncertainty-expanded-not-k-u.yaml", "The expanded uncertainty is 3 u, not 2 u (REQ-UNC-2).", "non-conformant", ["AERP-Q002"], expanded_three_u),
        ("non-conformant/uncertainty-budget-not-combined.yaml", "The standard uncertainty is half the root sum of squares of its budget (REQ-UNC-3).", "non-conformant", ["AERP-Q003"], budget_not_combined),
        ("non-conformant/uncertainty-type-a-understated.yaml", "The budget's Type A is a tenth of what the repetitions give (REQ-UNC-4).", "non-conformant", ["AERP-Q004"], type_a_understated),
        ("non-conformant/uncertainty-claim-not-guarded.yaml", "E = 9.60 Wh earns 4 stars but E + U = 15.6 Wh earns 3: the claim of 4 ignores the uncertainty (REQ-UNC-5).", "non-conformant", ["AERP-Q005"], claim_not_guarded),
        ("conformant/uncertainty-spans-two-thresholds.yaml", "[E − U, E + U] spans two thresholds (5 to 3 stars): the result claims 3, the stars of E + U.", "conformant", [], spans_two),
        ("conformant/uncertainty-upper-end-on-threshold.yaml", "E + U lies exactly on t2 = 12.3 Wh: a value on a threshold earns the higher stars, 4.", "conformant", [], on_threshold),
        ("conformant/uncertainty-no-instrument-component.yaml", "The budget has no Type B for the instrument (REQ-UNC-6): a warning.", "conformant", ["AERP-Q006"], no_instrument),
        ("conformant/rating-summary-rounded-across-1.1-threshold.yaml", "The repetitions give 12.3015 Wh (3 stars on aerp-1.1-fixed, just above t2 = 12.3); the summary, 12.295 Wh, would earn 4 (REQ-RATE-5): a warning.", "conformant", ["AERP-R005"], rounded_across_1_1),
    ]  # fmt: skip


def new_cases() -> list[dict[str, Any]]:
    source = ROOT / "reference-results" / "1.0" / BASE
    base = complete(load_text(source.read_text(encoding="utf-8"), "yaml", default_limits()).data, set())
    cases = []
    for file, description, verdict, checks, mutation in _mutations():
        document = copy.deepcopy(base)
        mutation(document)
        (TARGET / file).parent.mkdir(parents=True, exist_ok=True)
        with_trace(document, TARGET / file)
        write(TARGET / file, document, f"AERP 1.1 case: {description}")
        cases.append({"file": file, "description": description, "verdict": verdict, "checks": sorted(checks)})
    for file, description, verdict, checks, style, after in _evidence_cases():
        document = copy.deepcopy(base)
        if not style.counter:  # a power trace: the accelerator's power sampled every second
            document["measurement"]["methods"]["accelerator"].update(
                method="power-sampling", sampling_interval={"value": 1, "unit": "s"}
            )
        (TARGET / file).parent.mkdir(parents=True, exist_ok=True)
        with_trace(document, TARGET / file, style)
        after(document)
        write(TARGET / file, document, f"AERP 1.1 case: {description}")
        cases.append({"file": file, "description": description, "verdict": verdict, "checks": sorted(checks)})
    cases.append(cpu_only())
    cases.append(migrated())
    return cases


def _evidence_cases() -> list[tuple[str, str, str, list[str], TraceStyle, Any]]:
    """(file, description, verdict, checks, how the trace departs, what the document then changes)."""

    def nothing(d: dict[str, Any]) -> None:
        return None

    def inflated(d: dict[str, Any]) -> None:
        energy = _each(d)[4]["energy"]
        for key in ("accelerator", "total"):
            energy[key] = {**energy[key], "value": number(exact(energy[key]["value"]) * Fraction("1.05"))}
        summary = d["results"]["summary"]
        stated = summary["accelerator_energy_per_1000_queries"]
        per = [exact(r["energy"]["accelerator"]["value"]) * ENERGY[r["energy"]["accelerator"]["unit"]] for r in _each(d)]
        summary["accelerator_energy_per_1000_queries"] = {"value": number(sum(per) / len(per)), "unit": "Wh"}
        del stated
        corrected = idle_corrected(_each(d), exact(d["results"]["idle"]["energy"]["accelerator"]["value"]))
        summary["accelerator_energy_per_1000_queries_idle_corrected"] = {"value": number(corrected), "unit": "Wh"}
        for repetition in _each(d):  # the components still add up; only the trace disagrees
            parts = [exact(q["value"]) * ENERGY[q["unit"]] for k, q in repetition["energy"].items() if k != "total"]
            repetition["energy"]["total"] = {"value": number(sum(parts) / ENERGY[repetition["energy"]["total"]["unit"]]), "unit": repetition["energy"]["total"]["unit"]}
        for repetition in _each(d):
            repetition.pop("mean_power", None)
            repetition.pop("phases", None)
        summary["uncertainty"] = budget(_each(d))
        d["rating"]["stars"] = claim_of(d)

    def outside(d: dict[str, Any]) -> None:
        window = _each(d)[9]["window"]
        _each(d)[9]["window"] = {"start": window["start"], "end": number(exact(window["end"]) + 600)}

    def ramp_open(d: dict[str, Any], sampling: bool) -> None:
        d["division"] = "open"
        del d["rating"]
        d["measurement"]["methods"]["accelerator"]["sampling_interval"] = {"value": 10, "unit": "s"}
        component = None
        if sampling:  # |trapezoid − rectangle| per window: half the rise of the ramp times the interval, per 1000 queries
            halves = []
            for repetition in _each(d):
                power = _power_w(repetition["energy"]["accelerator"], repetition["duration"])
                halves.append(power * 10 / 2 / 3600 * 1000 / repetition["queries"])
            component = root_up((sum(halves) / len(halves)) ** 2 / 3)
        d["results"]["summary"]["uncertainty"] = budget(_each(d), sampling=component)

    def wrong_digest(d: dict[str, Any]) -> None:
        d["artifacts"][-1]["sha256"] = "0" * 64

    def two_devices(d: dict[str, Any]) -> None:
        d["artifacts"][-1]["trace"]["devices"] = ["0"]

    return [
        ("conformant/evidence-trace-consistent.yaml", "Closed division with the accelerators' power trace (1 s samples, AERP format): every window's integral agrees with the reported energy.", "conformant", [], TraceStyle(), nothing),
        ("non-conformant/evidence-energy-inflated.yaml", "Repetition 5 reports 5 % more accelerator energy than its trace integrates to (REQ-EVID-8).", "non-conformant", ["AERP-E008"], TraceStyle(), inflated),
        ("non-conformant/evidence-under-sampled.yaml", "The trace holds a sample every 5 s though the measurement states 1 s (REQ-EVID-5).", "non-conformant", ["AERP-E005"], TraceStyle(interval=5), nothing),
        ("non-conformant/evidence-gap-in-window.yaml", "Twenty seconds of samples are missing inside repetition 2's window (REQ-EVID-5).", "non-conformant", ["AERP-E005"], TraceStyle(gap=(1, 20)), nothing),
        ("non-conformant/evidence-window-outside-trace.yaml", "Repetition 10's window ends 600 s after the trace does (REQ-EVID-4).", "non-conformant", ["AERP-E004"], TraceStyle(), outside),
        ("conformant/evidence-counter-reset.yaml", "An energy-counter trace whose counter restarts from zero inside a window: summed across the restart, with a warning (REQ-EVID-9).", "conformant", ["AERP-E009"], TraceStyle(counter=True, reset=True), nothing),
        ("non-conformant/evidence-two-gpus-one-declared.yaml", "The trace holds two GPUs, but the hardware and the artifact declare one (REQ-EVID-6).", "non-conformant", ["AERP-E006"], TraceStyle(devices=2), two_devices),
        ("non-conformant/evidence-sample-above-limit.yaml", "One sample of the trace is 25 % above the 700 W power limit (REQ-EVID-7).", "non-conformant", ["AERP-E007"], TraceStyle(spike=True), nothing),
        ("non-conformant/evidence-trace-not-readable.yaml", "The named trace holds binary bytes, not a trace of its declared format; its digest matches (REQ-EVID-3).", "non-conformant", ["AERP-E003"], TraceStyle(garbage=True), nothing),
        ("non-conformant/evidence-digest-mismatch.yaml", "The trace's SHA-256 is not the one the submission states (REQ-EVID-2).", "non-conformant", ["AERP-E002"], TraceStyle(), wrong_digest),
        ("non-conformant/uncertainty-sampling-not-from-trace.yaml", "Open division, power sampled every 10 s while it ramps: the budget omits the sampling and integration component that the trace gives (REQ-UNC-7).", "non-conformant", ["AERP-Q007"], TraceStyle(interval=10, ramp=True), lambda d: ramp_open(d, sampling=False)),
        ("conformant/uncertainty-sampling-from-trace.yaml", "Open division, power sampled every 10 s while it ramps; the budget holds the sampling and integration component the trace gives.", "conformant", [], TraceStyle(interval=10, ramp=True), lambda d: ramp_open(d, sampling=True)),
        ("conformant/evidence-nvidia-smi-crlf.yaml", "The trace is nvidia-smi's CSV with CRLF line endings and a clock without a zone.", "conformant", [], TraceStyle(nvidia_smi=True), nothing),
    ]  # fmt: skip


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
        "as written, the new disclosure as TBD, the claim to be made again on the 1.1 scale, the trace missing (and the "
        "recommended record and counter validation).",
        "verdict": "non-conformant",
        "checks": ["AERP-D002", "AERP-D006", "AERP-E001", "AERP-H003", "AERP-R006"],
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
        "not_committed": [
            {"check": "AERP-E002", "reason": "a trace that is a symbolic link, a FIFO, or larger than the limits "
             "cannot be committed portably (or at all); tests/test_evidence.py creates each one and expects AERP-E002"},
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
