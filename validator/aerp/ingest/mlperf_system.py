"""MLPerf's system description, ``systems/<id>.json``: the hardware and software of a submission.

MLPerf asks for 35 free-text fields (DOMAIN §4.2) and checks none of their types: real files
mix ``"number_of_nodes": "1"`` with ``"accelerators_per_node": 2``. This converter reads the
fields AERP has members for, accepts numbers written as strings, and splits the free text
only where its form is unmistakable ("80 GB", "TensorRT 10.2", "NVIDIA H100-SXM-80GB");
anything it is unsure of stays TBD with a note, and the whole description is kept under
extensions. Two readings in particular are not guessed:

- ``host_processor_core_count`` is the cores of one processor by MLPerf's rules, but
  submitters also write the total: the total is taken only where the value (or the CPU's
  name, "64-Core") decides it;
- a name is split from a version only where the text is plainly "name version"
  ("23.02 Jetson CUDA-X AI Developer Preview" is a name, not TensorRT 23.02).

A system without accelerators (``accelerators_per_node`` 0, an ``accelerator_model_name``
of "-") cannot be the system of an AERP 1.0 submission, which rates accelerator energy: it
is refused with that reason rather than written as zero accelerators of model "-".

:func:`system_description` returns the partial submission (``hardware`` and ``software``)
for use as a block to merge; :func:`convert` returns a full skeleton with it filled in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aerp.ingest import IngestError, IngestOptions, IngestUsageError
from aerp.ingest._common import (
    TBD,
    AsWritten,
    Converted,
    Note,
    Source,
    is_number,
    json_safe,
    load_json,
    placeholder,
    whole,
)
from aerp.ingest.skeleton import skeleton, unrecorded_note

VENDORS = ("NVIDIA", "AMD", "Intel", "Google", "Qualcomm", "Habana")
MEMORY_UNITS = {"gb": "GB", "gib": "GiB", "tb": "TB", "tib": "TiB"}
FORM_FACTORS = {"sxm": "SXM", "pcie": "PCIe", "nvl": "NVL", "oam": "OAM", "mxm": "MXM"}
RUNTIMES = ("CUDA", "ROCm")
_FORM_TOKEN = re.compile(r"(?i)(?<![a-z0-9])(sxm\d?|pcie|nvl|oam|mxm)(?![a-z])")
_SIZE = re.compile(r"^\s*(\d{1,30}(?:\.\d{1,30})?)\s*([A-Za-z]+)\b\s*(.*)$")
_DRIVER = re.compile(r"(?i)\bdriver\b[\s:]*v?(\d[\w.\-]*)")
# "name version": one to four words that start with a letter, then one version with a dot
_NAME_VERSION = re.compile(
    r"^(?P<name>[A-Za-z][\w+.\-]*(?: [A-Za-z][\w+.\-]*){0,3}) +v?(?P<version>\d+(?:\.\d+)+(?:[-+.]?[A-Za-z0-9]+)*)$"
)
_RUNTIME = re.compile(r"(?i)^(?P<name>cuda|rocm)(?:\s+(?:toolkit\s+)?v?(?P<version>\d+(?:\.\d+)+))?$")
_LIST = re.compile(r"\s*[,;|\n]\s*")
# "56", "2x 56", "2 x 56", "112 (2x56)", "56 per socket", "112 total"
_CORES_PLAIN = re.compile(r"^\d{1,6}$")
_CORES_PRODUCT = re.compile(r"^(\d{1,4})\s*[x×*]\s*(\d{1,6})$", re.IGNORECASE)
_CORES_TOTAL_OF = re.compile(r"^(\d{1,7})\s*\(\s*(\d{1,4})\s*[x×*]\s*(\d{1,6})\s*\)$", re.IGNORECASE)
_CORES_PER = re.compile(r"^(\d{1,6})\s*(?:cores?\s*)?(?:per|/|each)\s*(?:socket|processor|cpu)s?$", re.IGNORECASE)
_CORES_TOTAL = re.compile(r"^(\d{1,7})\s*(?:cores?\s*)?(?:in\s*)?(?:total|per\s*node)$", re.IGNORECASE)
_NAMED_CORES = re.compile(r"(?i)\b(\d{1,4})-core\b")


def _text(data: dict[str, Any], field: str) -> str | None:
    value = data.get(field)
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    written = getattr(value, "text", None)
    text = (written if isinstance(written, str) else str(value)).strip()
    return text or None


def _count(data: dict[str, Any], field: str, notes: list[str]) -> int | None:
    """A whole number, written as a number or as a string of one ("8")."""
    value = data.get(field)
    if isinstance(value, bool):
        value = None
    if isinstance(value, float) and is_number(value) and value.is_integer():
        return int(value)
    if isinstance(value, int) and is_number(value):
        return value
    text = _text(data, field)
    if text is None:
        return None
    if re.fullmatch(r"\d{1,9}", text):
        return int(text)
    notes.append(f"{field} `{text[:60]}` is not a whole number: what depends on it is TBD")
    return None


def _size(data: dict[str, Any], field: str, notes: list[str]) -> dict[str, Any]:
    """ "80 GB" as {value: 80, unit: GB}, the number as written; a form that is not plain stays TBD."""
    text = _text(data, field)
    match = _SIZE.match(text or "")
    if text is None:
        return {"value": TBD, "unit": "GB"}
    if not match or match.group(2).lower() not in MEMORY_UNITS:
        notes.append(f"{field} `{text[:60]}` is not a number and a unit of GB, GiB, TB or TiB: TBD")
        return {"value": TBD, "unit": "GB"}
    number = AsWritten(match.group(1))
    if not is_number(number):
        notes.append(f"{field} `{text[:60]}` is no number AERP can check: TBD")
        return {"value": TBD, "unit": "GB"}
    if match.group(3):
        notes.append(f"{field} `{text[:60]}`: kept {match.group(1)} {match.group(2)}; `{match.group(3)}` is not a size")
    return {"value": whole(number), "unit": MEMORY_UNITS[match.group(2).lower()]}


def split_name(text: str) -> tuple[str | None, str]:
    """(vendor, model) of an accelerator name that starts with its vendor."""
    for vendor in VENDORS:
        if text.upper().startswith(vendor.upper()) and text[len(vendor) : len(vendor) + 1] in (" ", "-", "_"):
            return vendor, text[len(vendor) + 1 :].strip()
    return None, text


def _refuse_without_accelerators(data: dict[str, Any], path: Path | None) -> None:
    """A system without accelerators is said to be so: AERP 1.0 rates the accelerator's energy."""
    name = _text(data, "accelerator_model_name")
    per_node = _count(data, "accelerators_per_node", [])
    none_named = name is None or placeholder(name) or name.lower() in ("none", "no accelerator")
    if per_node == 0 or (none_named and per_node is None):
        said = f"accelerators_per_node {per_node}" if per_node is not None else "no accelerators_per_node"
        raise IngestError(
            f"{path or 'the system description'}: a CPU-only system ({said}, accelerator_model_name "
            f"`{name or ''}`): AERP 1.0 rates the energy of the accelerators the model ran on, so a system without "
            "accelerators cannot be the system of an AERP 1.0 submission"
        )


def _accelerators(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    accelerators: dict[str, Any] = {"vendor": TBD, "model": TBD}
    name = _text(data, "accelerator_model_name")
    if name and placeholder(name):
        notes.append(
            f"accelerator_model_name is `{name}` while accelerators_per_node is not 0: hardware.accelerators.model "
            "is TBD"
        )
    elif name:
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
            Note(
                f"hardware.accelerators.count {per_node * nodes} = accelerators_per_node {per_node} × number_of_nodes "
                f"{nodes}: the system's accelerators; state the number the model ran on (REQ-REPORT-10)",
                ["/hardware/accelerators/count"],
            )
        )
    else:
        accelerators["count"] = TBD
    driver = _DRIVER.search(_text(data, "other_software_stack") or "")
    if driver:
        accelerators["driver_version"] = driver.group(1)
        notes.append(f"hardware.accelerators.driver_version {driver.group(1)} is read from other_software_stack")
    return accelerators


def cores(text: str | None, sockets: int | None, cpu: str | None) -> tuple[int | None, str]:
    """All physical cores of a node from ``host_processor_core_count``, and how that was decided.

    MLPerf asks for the cores of one processor; submitters also write the total. The value
    decides where its form says which ("2x 56", "56 per socket", "112 total"), where there is
    one processor, where the CPU's name gives its cores ("AMD EPYC 7763 64-Core"), or where
    the count does not divide among the processors (so it cannot be their total). Otherwise
    it is ambiguous: None, with the reason.
    """
    if text is None:
        return None, "host_processor_core_count is not given"
    text = text.strip()
    if product := _CORES_PRODUCT.fullmatch(text):
        first, second = int(product.group(1)), int(product.group(2))
        return first * second, f"host_processor_core_count `{text}` is {first} × {second}"
    if total_of := _CORES_TOTAL_OF.fullmatch(text):
        total, first, second = (int(total_of.group(i)) for i in (1, 2, 3))
        if total == first * second:
            return total, f"host_processor_core_count `{text}` gives the total"
        return None, f"host_processor_core_count `{text}`: {total} is not {first} × {second}"
    if per := _CORES_PER.fullmatch(text):
        if sockets is None:
            return None, f"host_processor_core_count `{text}` is per processor, and host_processors_per_node is unknown"
        return int(per.group(1)) * sockets, f"host_processor_core_count `{text}` × {sockets} processors"
    if total := _CORES_TOTAL.fullmatch(text):
        return int(total.group(1)), f"host_processor_core_count `{text}` gives the total"
    if not _CORES_PLAIN.fullmatch(text):
        return None, f"host_processor_core_count `{text[:60]}` is not a count of cores"
    count = int(text)
    if sockets is None:
        return None, f"host_processor_core_count {count}: host_processors_per_node is unknown"
    if sockets == 1:
        return count, f"host_processor_core_count {count} on 1 processor"
    named = _NAMED_CORES.search(cpu or "")
    if named:
        each = int(named.group(1))
        if count == each:
            return count * sockets, f"host_processor_core_count {count} is the {each} of one `{cpu}`, × {sockets}"
        if count == each * sockets:
            return count, f"host_processor_core_count {count} is {sockets} × the {each} of one `{cpu}`: the total"
    if count % sockets:
        return count * sockets, (
            f"host_processor_core_count {count} does not divide among {sockets} processors, so it counts one: "
            f"× {sockets}"
        )
    return None, (
        f"host_processor_core_count {count} with host_processors_per_node {sockets}: MLPerf asks for the cores of "
        f"one processor ({count * sockets} in all), but submitters also give the total ({count}); nothing in the "
        "description decides which: state hardware.host.cores"
    )


def _host(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    cpu = _text(data, "host_processor_model_name")
    host: dict[str, Any] = {"cpu_model": cpu or TBD}
    sockets = _count(data, "host_processors_per_node", notes)
    host["sockets"] = sockets if sockets is not None else TBD
    total, how = cores(_text(data, "host_processor_core_count"), sockets, cpu)
    host["cores"] = total if total is not None else TBD
    notes.append(
        Note(
            f"hardware.host.cores {total}: {how}" if total is not None else f"hardware.host.cores is TBD: {how}",
            ["/hardware/host/cores"],
        )
    )
    host["memory"] = _size(data, "host_memory_capacity", notes)
    nodes = _count(data, "number_of_nodes", [])
    if nodes is not None and nodes > 1:
        notes.append(f"hardware.host describes one node of {nodes}")
    return host


def name_version(text: str, field: str, notes: list[str]) -> dict[str, Any]:
    """``"TensorRT 10.2"`` as {name, version}, only where the text is plainly a name and a version."""
    match = _NAME_VERSION.fullmatch(text)
    if match:
        return {"name": match.group("name"), "version": match.group("version")}
    notes.append(f"{field}: `{text[:80]}` is not plainly a name and a version: the whole is the name, the version TBD")
    return {"name": text, "version": TBD}


def _runtime(text: str) -> dict[str, Any] | None:
    """CUDA or ROCm with its version ("CUDA 12.4"), as a piece of a software list; None for anything else."""
    match = _RUNTIME.fullmatch(text)
    if not match:
        return None
    return {
        "name": "CUDA" if match.group("name").lower() == "cuda" else "ROCm",
        "version": match.group("version") or TBD,
    }


def _pieces(text: str | None) -> list[str]:
    """The items of a software list: MLPerf submitters separate them with `,`, `;` (or `|`, new lines)."""
    return [p for p in _LIST.split(text or "") if p]


def _software(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    software: dict[str, Any] = {}
    framework = _text(data, "framework")
    pieces = _pieces(framework)
    main = [p for p in pieces if _runtime(p) is None]
    if main:
        software["framework"] = name_version(main[0], "framework", notes)
        if len(main) > 1:
            notes.append(f"framework `{framework}` names several: software.framework is the first, {main[0]}")
    else:
        software["framework"] = {"name": TBD, "version": TBD}
    stack = _pieces(_text(data, "other_software_stack"))
    runtimes = [(p, r) for p in [*pieces, *stack] if (r := _runtime(p)) is not None]
    if runtimes:
        piece, runtime = runtimes[0]
        software["accelerator_runtime"] = runtime
        notes.append(f"software.accelerator_runtime is read from `{piece}`")
        if runtime["version"] == TBD:
            notes.append(f"`{piece}` gives no version of the accelerator runtime: its version is TBD")
    else:
        software["accelerator_runtime"] = {"name": TBD, "version": TBD}
    return software


def describe(data: dict[str, Any], notes: list[str], path: Path | None = None) -> dict[str, Any]:
    """The partial submission a system description gives: ``hardware`` and ``software``."""
    _refuse_without_accelerators(data, path)
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
        shown_keys = ", ".join(list(data)[:10]) or "none"
        raise IngestError(
            f"{path}: not an MLPerf system description: no {', '.join(sorted(known))} (keys: {shown_keys})"
        )
    return data, source


def system_description(path: Path) -> dict[str, Any]:
    """The ``hardware`` and ``software`` members that an MLPerf system description gives."""
    data, _ = _read(path)
    return describe(data, [], path)


def _fill(base: dict[str, Any], block: dict[str, Any]) -> None:
    for key, value in block.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _fill(base[key], value)
        else:
            base[key] = value


def convert(paths: list[Path], options: IngestOptions) -> Converted:
    if len(paths) != 1:
        raise IngestUsageError(f"mlperf-system reads one systems/<id>.json; {len(paths)} given", "PATH")
    data, source = _read(paths[0])
    notes: list[str] = []
    document = skeleton(options.task, options.division, options)
    _fill(document, describe(data, notes, paths[0]))
    notes.append(
        "an MLPerf system description tells the system, not a run: task, model, results and measurement are TBD "
        "(ingest the run's measurements and merge this block into them)"
    )
    notes.append("the power limit of the accelerators is not part of an MLPerf system description: TBD")
    notes += unrecorded_note(document, "an MLPerf system description")
    document["extensions"] = {"x-mlperf-system": json_safe(data)}
    return Converted(document, notes, [source])
