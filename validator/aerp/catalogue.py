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


def find(accelerators: dict[str, Any], protocol: Protocol) -> dict[str, Any] | None:
    """The catalogue entry of ``hardware.accelerators``, or None when it is not (uniquely) known."""
    vendor = str(accelerators.get("vendor", ""))
    name = _normal(str(accelerators.get("model", "")), vendor)
    candidates = [
        entry
        for entry in entries(protocol)
        if entry["vendor"].lower() == vendor.lower() and name in {_normal(n, vendor) for n in entry["names"]}
    ]
    if len(candidates) > 1:
        candidates = [e for e in candidates if e["form_factor"] == accelerators.get("form_factor")] or candidates
    if len(candidates) > 1 and isinstance(accelerators.get("memory"), dict):
        try:
            memory = exact_canonical(accelerators["memory"], "memory", protocol)
        except (KeyError, TypeError, ValueError):
            memory = None
        candidates = [e for e in candidates if exact_canonical(e["memory"], "memory", protocol) == memory] or candidates
    return candidates[0] if len(candidates) == 1 else None
