"""MLPerf's system description, ``systems/<id>.json``: the hardware and software of a submission.

MLPerf asks for 35 free-text fields (DOMAIN §4.2) and checks none of their types: real files
mix ``"number_of_nodes": "1"`` with ``"accelerators_per_node": 2``. This converter reads the
fields AERP has members for, accepts numbers written as strings, and splits the free text
only where the form is plain ("80 GB", "TensorRT 10.2", "NVIDIA H100-SXM-80GB"); anything it
is unsure of stays TBD with a note, and the whole description is kept under extensions.

:func:`system_description` returns the partial submission (``hardware`` and ``software``)
for use as a block to merge; :func:`convert` returns a full skeleton with it filled in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aerp.ingest import IngestError, IngestOptions
from aerp.ingest._common import TBD, Converted, Source, json_safe, load_json
from aerp.ingest.skeleton import settings_note, skeleton

VENDORS = ("NVIDIA", "AMD", "Intel", "Google", "Qualcomm", "Habana")
MEMORY_UNITS = {"gb": "GB", "gib": "GiB", "tb": "TB", "tib": "TiB"}
FORM_FACTORS = {"sxm": "SXM", "pcie": "PCIe", "nvl": "NVL", "oam": "OAM", "mxm": "MXM"}
RUNTIMES = ("CUDA", "ROCm")
_FORM_TOKEN = re.compile(r"(?i)(?<![a-z0-9])(sxm\d?|pcie|nvl|oam|mxm)(?![a-z])")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\b\s*(.*)$")
_VERSION = re.compile(r"^v?\d[\w.+\-]*$")
_DRIVER = re.compile(r"(?i)\bdriver\b[\s:]*v?(\d[\w.\-]*)")


def _text(data: dict[str, Any], field: str) -> str | None:
    value = data.get(field)
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


def _count(data: dict[str, Any], field: str, notes: list[str]) -> int | None:
    """A whole number, written as a number or as a string of one ("8")."""
    value = data.get(field)
    if isinstance(value, bool):
        value = None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    text = _text(data, field)
    if text is None:
        return None
    if re.fullmatch(r"\d+", text):
        return int(text)
    notes.append(f"{field} `{text}` is not a whole number: what depends on it is TBD")
    return None


def _size(data: dict[str, Any], field: str, notes: list[str]) -> dict[str, Any]:
    """ "80 GB" as {value: 80, unit: GB}; a form that is not plain stays TBD."""
    text = _text(data, field)
    match = _SIZE.match(text or "")
    if text is None:
        return {"value": TBD, "unit": "GB"}
    if not match or match.group(2).lower() not in MEMORY_UNITS:
        notes.append(f"{field} `{text}` is not a number and a unit of GB, GiB, TB or TiB: TBD")
        return {"value": TBD, "unit": "GB"}
    number = float(match.group(1))
    value: int | float = int(number) if number.is_integer() else number
    if match.group(3):
        notes.append(f"{field} `{text}`: kept {match.group(1)} {match.group(2)}; `{match.group(3)}` is not a size")
    return {"value": value, "unit": MEMORY_UNITS[match.group(2).lower()]}


def split_name(text: str) -> tuple[str | None, str]:
    """(vendor, model) of an accelerator name that starts with its vendor."""
    for vendor in VENDORS:
        if text.upper().startswith(vendor.upper()) and text[len(vendor) : len(vendor) + 1] in (" ", "-", "_"):
            return vendor, text[len(vendor) + 1 :].strip()
    return None, text


def _accelerators(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    accelerators: dict[str, Any] = {"vendor": TBD, "model": TBD}
    name = _text(data, "accelerator_model_name")
    if name:
        vendor, model = split_name(name)
        accelerators["vendor"] = vendor or TBD
        accelerators["model"] = model
        if vendor is None:
            notes.append(f"accelerator_model_name `{name}` does not start with a known vendor: vendor is TBD")
        forms = {FORM_FACTORS[m.lower().rstrip("0123456789")] for m in _FORM_TOKEN.findall(name)}
        if len(forms) == 1:
            accelerators["form_factor"] = forms.pop()
            notes.append(f"hardware.accelerators.form_factor {accelerators['form_factor']} is read from `{name}`")
    accelerators["memory"] = _size(data, "accelerator_memory_capacity", notes)
    per_node = _count(data, "accelerators_per_node", notes)
    nodes = _count(data, "number_of_nodes", notes)
    if per_node is not None and nodes is not None:
        accelerators["count"] = per_node * nodes
        notes.append(
            f"hardware.accelerators.count {per_node * nodes} = accelerators_per_node {per_node} × number_of_nodes "
            f"{nodes}: the system's accelerators; state the number the model ran on (REQ-REPORT-10)"
        )
    else:
        accelerators["count"] = TBD
    driver = _DRIVER.search(_text(data, "other_software_stack") or "")
    if driver:
        accelerators["driver_version"] = driver.group(1)
        notes.append(f"hardware.accelerators.driver_version {driver.group(1)} is read from other_software_stack")
    return accelerators


def _host(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    host: dict[str, Any] = {"cpu_model": _text(data, "host_processor_model_name") or TBD}
    sockets = _count(data, "host_processors_per_node", notes)
    cores = _count(data, "host_processor_core_count", notes)
    host["sockets"] = sockets if sockets is not None else TBD
    if cores is not None and sockets is not None:
        host["cores"] = cores * sockets
        notes.append(
            f"hardware.host.cores {cores * sockets} = host_processor_core_count {cores} × host_processors_per_node "
            f"{sockets}: MLPerf gives the cores of one processor (some submitters give the total: check)"
        )
    else:
        host["cores"] = TBD
    host["memory"] = _size(data, "host_memory_capacity", notes)
    nodes = _count(data, "number_of_nodes", [])
    if nodes is not None and nodes > 1:
        notes.append(f"hardware.host describes one node of {nodes}")
    return host


def _software_part(text: str, field: str, notes: list[str]) -> dict[str, Any]:
    """ "TensorRT 10.2" as {name, version}; a part without a plain version keeps its name."""
    parts = text.rsplit(None, 1)
    if len(parts) == 2 and _VERSION.match(parts[1]):
        return {"name": parts[0], "version": parts[1].removeprefix("v")}
    notes.append(f"{field}: `{text}` has no version AERP can read: the version is TBD")
    return {"name": text, "version": TBD}


def _software(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    software: dict[str, Any] = {}
    framework = _text(data, "framework")
    pieces = [p.strip() for p in (framework or "").split(",") if p.strip()]
    main = [p for p in pieces if not p.upper().startswith(tuple(r.upper() for r in RUNTIMES))]
    if main:
        software["framework"] = _software_part(main[0], "framework", notes)
        if len(main) > 1:
            notes.append(f"framework `{framework}` names several: software.framework is the first, {main[0]}")
    else:
        software["framework"] = {"name": TBD, "version": TBD}
    stack = [p.strip() for p in (_text(data, "other_software_stack") or "").split(",") if p.strip()]
    runtimes = [p for p in [*pieces, *stack] if p.upper().startswith(tuple(r.upper() for r in RUNTIMES))]
    if runtimes:
        software["accelerator_runtime"] = _software_part(runtimes[0], "accelerator runtime", notes)
        notes.append(f"software.accelerator_runtime is read from `{runtimes[0]}`")
    else:
        software["accelerator_runtime"] = {"name": TBD, "version": TBD}
    return software


def describe(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The partial submission a system description gives: ``hardware`` and ``software``."""
    hardware = {
        "accelerators": _accelerators(data, notes),
        "host": _host(data, notes),
        "operating_system": _text(data, "operating_system") or TBD,
    }
    return {"hardware": hardware, "software": _software(data, notes)}


def _read(path: Path) -> tuple[dict[str, Any], Source]:
    data, source = load_json(path, "an MLPerf systems/<id>.json", "MLPerf system description")
    if not isinstance(data, dict):
        raise IngestError(f"{path}: not an MLPerf system description: the JSON is a {type(data).__name__}")
    known = {"accelerator_model_name", "host_processor_model_name", "number_of_nodes", "accelerators_per_node"}
    if not known & set(data):
        shown = ", ".join(list(data)[:10]) or "none"
        raise IngestError(f"{path}: not an MLPerf system description: no {', '.join(sorted(known))} (keys: {shown})")
    return data, source


def system_description(path: Path) -> dict[str, Any]:
    """The ``hardware`` and ``software`` members that an MLPerf system description gives."""
    data, _ = _read(path)
    return describe(data, [])


def _fill(base: dict[str, Any], block: dict[str, Any]) -> None:
    for key, value in block.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _fill(base[key], value)
        else:
            base[key] = value


def convert(paths: list[Path], options: IngestOptions) -> Converted:
    if len(paths) != 1:
        raise IngestError(f"mlperf-system reads one systems/<id>.json; {len(paths)} given")
    data, source = _read(paths[0])
    notes: list[str] = []
    document = skeleton(options.task, options.division, options)
    _fill(document, describe(data, notes))
    notes.append(
        "an MLPerf system description tells the system, not a run: task, model, results and measurement are TBD "
        "(ingest the run's measurements and merge this block into them)"
    )
    notes.append("the power limit of the accelerators is not part of an MLPerf system description: TBD")
    note = settings_note(document, "an MLPerf system description")
    if note:
        notes.append(note)
    document["extensions"] = {"x-mlperf-system": json_safe(data)}
    return Converted(document, notes, [source])
