"""The submission every converter fills: every member present, a placeholder where unknown.

A skeleton is complete by construction (every member the schema defines for the task and
division), so that the validator reports what is still unknown as missing disclosure
rather than as a missing member. It holds no value of its own beyond the version, the
division, the task and what the lab gave on the command line: the protocol's reference
settings are never filled in, since a value in a submission reads as what the run did.
Values AERP defines from other values — the size class from the parameter count, the
summary from the repetitions, the stars from the summary — are computed in :func:`finish`,
after the lab's own block is merged, in exact arithmetic and rounded once.
"""

from __future__ import annotations

import copy
import datetime
from fractions import Fraction
from typing import Any

from aerp import __version__
from aerp.ingest import IngestError, IngestOptions
from aerp.ingest._common import (
    TBD,
    Note,
    derived,
    duration_factor,
    energy_factor,
    exact,
    is_number,
    normalized,
    params,
    placeholder,
    protocol,
    quantity,
    shown,
    task_name,
    unknown,
)

ORDER = (
    "aerp_version",
    "submitter",
    "date",
    "division",
    "task",
    "model",
    "dataset",
    "run",
    "hardware",
    "software",
    "measurement",
    "results",
    "rating",
    "artifacts",
    "attestation",
    "extensions",
)
INGEST_EXTENSION = "x-aerp-ingest"


def name_version(name: Any = TBD, version: Any = TBD) -> dict[str, Any]:
    return {"name": name or TBD, "version": version or TBD}


def method(kind: str = TBD, tool: str | None = None, version: str | None = None) -> dict[str, Any]:
    """How one component was measured; the sampling interval is never in the tools' files."""
    return {"method": kind, "tool": name_version(tool, version), "sampling_interval": quantity(TBD, "s")}


def _task_spec(task: str | None) -> dict[str, Any] | None:
    return params()["tasks"].get(task) if task else None


def _model(task: str | None, options: IngestOptions) -> dict[str, Any]:
    spec = _task_spec(task)
    model: dict[str, Any] = {
        "repository": options.model or TBD,
        "revision": options.revision or TBD,
        "parameters": TBD,
    }
    if spec is not None and spec["classes"]:
        model["class"] = TBD
    model["precision"] = TBD
    model["quantization"] = TBD
    return model


def _run(task: str | None) -> dict[str, Any]:
    """The run settings the task has, all unknown: only the tool's record or the lab may fill them."""
    run: dict[str, Any] = {"batch_size": TBD, "warmup_runs": TBD, "repetitions": TBD}
    spec = _task_spec(task)
    if spec is None:
        return run
    if spec["generation"] == "text":
        run.update(decoding=TBD, max_new_tokens=TBD, min_new_tokens=TBD)
    elif spec["generation"] == "image":
        run["denoising_steps"] = TBD
    return run


def _hardware() -> dict[str, Any]:
    return {
        "accelerators": {
            "vendor": TBD,
            "model": TBD,
            "memory": quantity(TBD, "GB"),
            "form_factor": TBD,
            "count": TBD,
            "power_limit": quantity(TBD, "W"),
            "driver_version": TBD,
        },
        "host": {"cpu_model": TBD, "sockets": TBD, "cores": TBD, "memory": quantity(TBD, "GB")},
        "operating_system": TBD,
    }


def empty_repetition() -> dict[str, Any]:
    return {"duration": quantity(TBD, "s"), "queries": TBD, "energy": {"accelerator": quantity(TBD, "kWh")}}


def skeleton(task: str | None, division: str, options: IngestOptions) -> dict[str, Any]:
    """A complete submission for ``task`` in ``division``: placeholders wherever nothing is known.

    Filled in are the version ingest writes, the division and task, and what the lab gave
    (model, revision, queries per repetition). The task's dataset and the closed division's
    reference settings are not: they are what the protocol asks for, not what the tool
    recorded; :func:`unrecorded_note` names them for the lab to state.
    """
    options = normalized(IngestOptions(**{**options.__dict__, "task": task, "division": division}))
    task = options.task
    p = params()
    document: dict[str, Any] = {
        "aerp_version": protocol().patch_versions[-1],
        "submitter": {"organization": TBD, "contact": TBD},
        "date": TBD,
        "division": division,
        "task": task or TBD,
        "model": _model(task, options),
        "dataset": {"repository": TBD, "revision": TBD, "queries": options.queries or TBD},
        "run": _run(task),
        "hardware": _hardware(),
        "software": {"framework": name_version(), "accelerator_runtime": name_version(), "harness": name_version()},
        "measurement": {"boundary": TBD, "methods": {"accelerator": method()}},
        "results": {
            "repetitions": [empty_repetition()],
            "summary": {
                "accelerator_energy_per_1000_queries": quantity(TBD, p["rated_unit"]),
                "mean_duration": quantity(TBD, "s"),
            },
        },
    }
    if p["divisions"][division]["rated"]:
        document["rating"] = {"stars": TBD, "scale": p["rating"]["scale"]}
    document["artifacts"] = [{"path": TBD, "sha256": TBD}]
    return document


def unrecorded_note(document: dict[str, Any], tool: str) -> list[str]:
    """Notes naming the dataset and run settings that stay TBD because ``tool`` does not record them.

    Each says what the closed division's reference procedure asks for (protocol.yaml), so
    that the lab can check its run against it, without ingest claiming the run did so.
    """
    notes: list[str] = []
    settings = params()["run_settings"]
    spec = _task_spec(document.get("task")) if isinstance(document.get("task"), str) else None
    dataset = document.get("dataset") if isinstance(document.get("dataset"), dict) else {}
    if placeholder(dataset.get("repository")):
        wanted = f" (the closed division runs {spec['dataset']})" if spec else ""
        notes.append(
            Note(f"dataset.repository is TBD: {tool} does not name the dataset{wanted}", ["/dataset/repository"])
        )
    if placeholder(dataset.get("queries")):
        wanted = f" (the closed division runs all {spec['queries']:,} queries)" if spec else ""
        notes.append(Note(f"dataset.queries is TBD: {tool} does not record it{wanted}", ["/dataset/queries"]))
    run = document.get("run") if isinstance(document.get("run"), dict) else {}
    count = run.get("repetitions")
    if document.get("division") == "closed" and isinstance(count, int) and count != settings["repetitions"]:
        notes.append(
            f"the input holds {count:,} repetition(s); the closed division runs {settings['repetitions']} "
            "(REQ-RUN-3): AERP-T008 reports it once the run settings are stated"
        )
    missing = [k for k, v in run.items() if k != "repetitions" and placeholder(v)]
    if missing:
        tokens = spec.get("new_tokens") if spec else None
        reference = {k: tokens if k.endswith("_new_tokens") else settings.get(k) for k in missing}
        listed = ", ".join(f"{k} {v}" for k, v in reference.items() if v is not None)
        one = len(missing) == 1
        notes.append(
            Note(
                f"run.{', run.'.join(missing)} {'is' if one else 'are'} TBD: {tool} does not record "
                f"{'it' if one else 'them'}; state your run's (the closed division's reference procedure, "
                f"protocol.yaml run_settings: {listed})",
                [f"/run/{k}" for k in missing],
            )
        )
    return notes


def set_repetitions(document: dict[str, Any], repetitions: list[dict[str, Any]]) -> None:
    document["results"]["repetitions"] = repetitions
    document["run"]["repetitions"] = len(repetitions)


# -- merge -----------------------------------------------------------------------------


def _short(value: Any) -> str:
    text = shown(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def merge(document: dict[str, Any], overlay: dict[str, Any], notes: list[str]) -> None:
    """Deep-merge the lab's ``overlay`` over ``document``, saying what it replaced.

    Mappings merge member by member; anything else (numbers, strings, lists) is replaced
    whole. A placeholder in the overlay never replaces a value the tool recorded.
    """
    if not isinstance(overlay, dict):
        raise IngestError(f"the block to merge must be a mapping, not {type(overlay).__name__}")
    filled: list[str] = []
    _merge(document, overlay, "", notes, filled)
    if filled:
        notes.append(f"merge: the lab's block filled {len(filled)} member(s): {', '.join(filled[:20])}")


def _merge(
    document: dict[str, Any], overlay: dict[str, Any], pointer: str, notes: list[str], filled: list[str]
) -> None:
    for key, value in overlay.items():
        if not isinstance(key, str):
            raise IngestError(f"the block to merge has a key that is not a string: {key!r}")
        here = f"{pointer}/{key}"
        current = document.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _merge(current, value, here, notes, filled)
            continue
        if key in document and unknown(value) and not unknown(current):
            notes.append(f"merge: {here} kept from the tool ({_short(current)}); the lab's block holds a placeholder")
            continue
        if key in document and not unknown(current) and current != value:
            notes.append(f"merge: {here} replaced: the tool's {_short(current)} by the lab's {_short(value)}")
        elif key not in document or unknown(current):
            filled.append(here)
        document[key] = _as_json(value)


def _as_json(value: Any) -> Any:
    """A copy of a merged value as JSON holds it: a date a YAML 1.1 reader made is the text it was."""
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return copy.deepcopy(value)


# -- derived values --------------------------------------------------------------------


def finish(document: dict[str, Any], notes: list[str]) -> None:
    """Compute what AERP derives from other values, where those are known and it is not given."""
    if placeholder(document.get("task")):
        notes.append(
            "task is TBD: the dataset, the size class (text-generation only) and the task's run settings follow "
            "from it; give the task"
        )
    _size_class(document, notes)
    _summary(document, notes)
    _rating(document, notes)


def size_class(parameters: int) -> str | None:
    """The text-generation size class whose range holds ``parameters`` (protocol.yaml classes)."""
    for name, spec in params()["classes"].items():
        above = spec.get("min_parameters_exclusive")
        below = spec.get("max_parameters")
        if (above is None or parameters > above) and (below is None or parameters <= below):
            return name
    return None


def _size_class(document: dict[str, Any], notes: list[str]) -> None:
    model = document.get("model")
    spec = _task_spec(document.get("task")) if isinstance(document.get("task"), str) else None
    if not isinstance(model, dict) or spec is None or not spec["classes"] or not placeholder(model.get("class", TBD)):
        return
    parameters = model.get("parameters")
    if isinstance(parameters, int) and not isinstance(parameters, bool) and parameters >= 1:
        found = size_class(parameters)
        if found:
            model["class"] = found
            notes.append(f"model.class {found} computed from {parameters:,} parameters (protocol.yaml classes)")


def _dig(node: Any, *keys: str) -> Any:
    """The member at ``keys``, or None where a merged block gave something other than a mapping."""
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _unit(quantity: Any, dimension: str) -> str | None:
    unit = quantity.get("unit") if isinstance(quantity, dict) else None
    return unit if isinstance(unit, str) and unit in params()["units"][dimension]["symbols"] else None


def _rated_per_query(repetition: Any) -> Fraction | None:
    """Accelerator energy × 1,000 / queries of one repetition, in Wh, exactly; None if unknown."""
    p = params()
    if not isinstance(repetition, dict):
        return None
    queries = repetition.get("queries")
    energy = _dig(repetition, "energy", p["rated_component"])
    if not isinstance(queries, int) or isinstance(queries, bool) or queries < 1 or not isinstance(energy, dict):
        return None
    if not is_number(energy.get("value")) or _unit(energy, "energy") is None:
        return None
    return exact(energy["value"]) * energy_factor(energy["unit"]) * p["rated_per_queries"] / queries


def _duration_s(repetition: Any) -> Fraction | None:
    duration = repetition.get("duration") if isinstance(repetition, dict) else None
    if not isinstance(duration, dict) or not is_number(duration.get("value")) or _unit(duration, "duration") is None:
        return None
    return exact(duration["value"]) * duration_factor(duration["unit"])


def _summary(document: dict[str, Any], notes: list[str]) -> None:
    """The summary exactly as AERP defines it: means over repetitions, rounded once."""
    results = document.get("results")
    if not isinstance(results, dict) or not isinstance(results.get("repetitions"), list):
        return
    repetitions = results["repetitions"]
    summary = results.setdefault("summary", {})
    if not isinstance(summary, dict) or not repetitions:
        return
    p = params()
    rated = summary.get("accelerator_energy_per_1000_queries")
    if rated is None or (isinstance(rated, dict) and placeholder(rated.get("value"))):
        values = [_rated_per_query(r) for r in repetitions]
        mean = sum(values, Fraction(0)) / len(values) if all(v is not None for v in values) else None  # type: ignore[arg-type]
        value = derived(mean) if mean is not None else None
        if value is not None:
            summary["accelerator_energy_per_1000_queries"] = {"value": value, "unit": p["rated_unit"]}
        elif mean is not None:
            summary["accelerator_energy_per_1000_queries"] = quantity(TBD, p["rated_unit"])
            notes.append(
                f"results.summary.accelerator_energy_per_1000_queries is TBD: the mean of the repetitions, "
                f"{shown(mean)} {p['rated_unit']}, lies beyond the range of a binary64 number"
            )
        else:
            summary["accelerator_energy_per_1000_queries"] = quantity(TBD, p["rated_unit"])
            notes.append(
                "results.summary.accelerator_energy_per_1000_queries is TBD: it needs every repetition's "
                "accelerator energy and its number of queries"
            )
    duration = summary.get("mean_duration")
    if duration is None or (isinstance(duration, dict) and placeholder(duration.get("value"))):
        durations = [_duration_s(r) for r in repetitions]
        mean = sum(durations, Fraction(0)) / len(durations) if all(d is not None for d in durations) else None  # type: ignore[arg-type]
        value = derived(mean) if mean is not None else None
        if value is not None:
            summary["mean_duration"] = {"value": value, "unit": "s"}
        elif mean is not None:
            summary["mean_duration"] = quantity(TBD, "s")
            notes.append(
                f"results.summary.mean_duration is TBD: the mean, {shown(mean)} s, lies beyond the range of a "
                "binary64 number"
            )
        else:
            summary["mean_duration"] = quantity(TBD, "s")
            notes.append("results.summary.mean_duration is TBD: it needs every repetition's duration")


def _rating(document: dict[str, Any], notes: list[str]) -> None:
    """Closed division: the stars the fixed scale gives the summary, or TBD with the reason."""
    from aerp.rating import NoScale, fixed

    p = params()
    if document.get("division") != "closed":
        return
    rating = document.setdefault("rating", {"stars": TBD, "scale": p["rating"]["scale"]})
    if not isinstance(rating, dict) or not placeholder(rating.get("stars", TBD)):
        return  # the lab's own claim stays as it is; the validator checks it
    rating.setdefault("scale", p["rating"]["scale"])
    task = document.get("task")
    spec = _task_spec(task) if isinstance(task, str) else None
    energy = _dig(document, "results", "summary", "accelerator_energy_per_1000_queries")
    reason = None
    if spec is None:
        reason = "the task is unknown"
    elif not isinstance(energy, dict) or not is_number(energy.get("value")) or _unit(energy, "energy") is None:
        reason = "the summary's accelerator energy is unknown"
    elif energy["value"] <= 0:
        reason = "the summary's accelerator energy is not positive"
    size = _dig(document, "model", "class") if spec is not None and spec["classes"] else None
    if reason is None and spec is not None and spec["classes"] and not (isinstance(size, str) and size in p["classes"]):
        reason = "text-generation is rated per size class, and the class needs the parameter count"
    if reason is None:
        try:
            wh = exact(energy["value"]) * energy_factor(energy["unit"])
            stars = fixed(protocol(), task, size, wh).stars  # type: ignore[arg-type]
        except (NoScale, KeyError, TypeError, ValueError, ArithmeticError) as error:
            reason = str(error)
        else:
            rating["stars"] = stars
            notes.append(f"rating.stars {stars} computed from the summary on the {p['rating']['scale']} scale")
            return
    rating["stars"] = TBD
    notes.append(f"rating.stars is TBD: {reason}")


def record(document: dict[str, Any], tool: str, notes: list[str]) -> None:
    """Write what ingest did into the submission (extensions are never read by a validator)."""
    extensions = document.get("extensions") if isinstance(document.get("extensions"), dict) else {}
    own = {"tool": tool, "aerp": __version__, "notes": [str(n) for n in dict.fromkeys(notes)]}
    document["extensions"] = {INGEST_EXTENSION: own, **{k: v for k, v in extensions.items() if k != INGEST_EXTENSION}}


def ordered(document: dict[str, Any]) -> dict[str, Any]:
    """Members in the order of the specification's Table 8 (members a merge added come last)."""
    result = {key: document[key] for key in ORDER if key in document}
    result.update({k: v for k, v in document.items() if k not in result})
    return result


def init_template(task: str, division: str = "closed") -> str:
    """A commented YAML template of a complete submission for ``task`` (``aerp init``).

    Every member is written out with its unit and meaning beside it as a comment, and TBD
    wherever the lab must state a value; what the protocol fixes (dataset, closed-division
    run settings) is filled in. Validated as it is, the template yields only missing
    disclosure findings: one for each TBD.
    """
    from aerp.ingest._template import render

    name = task_name(task)
    if name is None:
        raise IngestError("give the task of the template")
    if division not in params()["divisions"]:
        raise IngestError(f"unknown division `{division}`: use {' or '.join(params()['divisions'])}")
    return render(name, division)
