"""The accelerator catalogue (spec/X.Y/accelerators.yaml): which device a submission names.

Submissions spell accelerator models as their tools print them ("NVIDIA H100 80GB HBM3",
"H100 SXM5 80GB", "h100-sxm"); matching compares the model's core name, ignoring case,
separators, the vendor, and the form factor and memory written into the name, then uses the
members form_factor and memory to tell apart devices that share a name (an H100 is an SXM
part at 700 W or a PCIe card at 350 W).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from aerp.protocol import Protocol
from aerp.quantities import exact_canonical
from aerp.registry import Context

# What a model name may carry besides the model itself: the form factor, the memory and its
# kind, the brand. The structured members form_factor and memory say those.
_NOISE = re.compile(r"\b(?:sxm\d?|pcie|nvl|oam|mxm|hbm\d?e?|\d+\s*gb|tesla|instinct|hgx|dgx)\b|[\s\-_]+")


@functools.lru_cache(maxsize=1024)
def _normal(name: str, vendor: str) -> str:
    text = name.lower()
    for word in {vendor.lower(), "nvidia", "amd"}:
        if word:
            text = text.replace(word, " ")
    text = re.sub(r"[\-_]", " ", text)
    return _NOISE.sub("", text)


def entries(protocol: Protocol) -> list[dict[str, Any]]:
    return protocol.annex("accelerators")["accelerators"]


# The entries of a catalogue by vendor (lower case) and normal name, in catalogue order: the
# entries a name matches, found by one look-up rather than by normalising every name of every
# entry for every file. Keyed by the identity of the catalogue's list, which the value holds,
# so the key stays that list's (an annex is read once per folder and never changed).
_INDEX: dict[int, tuple[list[dict[str, Any]], dict[str, dict[str, list[dict[str, Any]]]]]] = {}


def _index(catalogue: list[dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """vendor → normal name → entries, as :func:`find` matches them.

    A name is normalised with the vendor it is matched under, and only entries of the
    submission's vendor (ignoring case) are matched: :func:`_normal` reads the vendor only in
    lower case, so the entry's own vendor normalises its names as the submission's would.
    """
    found = _INDEX.get(id(catalogue))
    if found is None or found[0] is not catalogue:
        index: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for entry in catalogue:
            vendor = entry["vendor"].lower()
            names = index.setdefault(vendor, {})
            for normal in dict.fromkeys(_normal(n, vendor) for n in entry["names"]):
                names.setdefault(normal, []).append(entry)
        found = _INDEX[id(catalogue)] = (catalogue, index)
    return found[1]


def find(accelerators: dict[str, Any], protocol: Protocol) -> dict[str, Any] | None:
    """The catalogue entry of ``hardware.accelerators``, or None when it is not (uniquely) known."""
    vendor = str(accelerators.get("vendor", ""))
    name = _normal(str(accelerators.get("model", "")), vendor)
    return the_one(list(_index(entries(protocol)).get(vendor.lower(), {}).get(name, ())), accelerators, protocol)


Entry = dict[str, Any]


def the_one(candidates: list[Entry], accelerators: dict[str, Any], protocol: Protocol) -> Entry | None:
    """The one entry among those whose name matches, told apart by form factor and memory; else None."""
    if len(candidates) > 1:
        candidates = [e for e in candidates if e["form_factor"] == accelerators.get("form_factor")] or candidates
    if len(candidates) > 1 and isinstance(accelerators.get("memory"), dict):
        try:
            memory = exact_canonical(accelerators["memory"], "memory", protocol)
        except (KeyError, TypeError, ValueError):
            memory = None
        candidates = [e for e in candidates if exact_canonical(e["memory"], "memory", protocol) == memory] or candidates
    return candidates[0] if len(candidates) == 1 else None


def entry_of(ctx: Context) -> dict[str, Any] | None:
    """The catalogue entry of the file's accelerators (None without accelerators), found once per file.

    Several checks ask for it; the answer depends on the file and its protocol alone.
    """
    if _ENTRY not in ctx.cache:
        accelerators = ctx.accelerators
        ctx.cache[_ENTRY] = find(accelerators, ctx.protocol) if accelerators is not None else None
    return ctx.cache[_ENTRY]


_ENTRY = "catalogue-entry"
