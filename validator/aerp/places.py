"""Human names for places in a submission, so that messages read as the domain does.

``/results/repetitions/3/phases/decode/accelerator`` reads as "repetition 4, decode phase,
accelerator energy"; a finding still carries the exact JSON Pointer beside it.
"""

from __future__ import annotations

from aerp.pointer import unescape


def describe(pointer: str) -> str:
    tokens = [unescape(t) for t in pointer.split("/")[1:]]
    if tokens[:2] == ["results", "repetitions"] and len(tokens) >= 3 and tokens[2].isdigit():
        parts = [f"repetition {int(tokens[2]) + 1}"]
        rest = tokens[3:]
        if rest[:1] == ["phases"] and len(rest) >= 2:
            parts.append(f"{rest[1]} phase")
            rest = ["energy", *rest[2:]]
        if len(rest) == 2 and rest[0] in ("energy", "mean_power"):
            noun = "energy" if rest[0] == "energy" else "mean power"
            parts.append(f"{rest[1]} {noun}" if rest[1] != "total" else f"total {noun}")
        elif rest:
            parts.append(" ".join(r.replace("_", " ") for r in rest))
        return ", ".join(parts)
    if tokens[:2] == ["results", "summary"] and len(tokens) == 3:
        return {
            "accelerator_energy_per_1000_queries": "the summary's accelerator energy per 1,000 queries",
            "mean_duration": "the summary's mean duration",
        }.get(tokens[2], f"summary {tokens[2]}")
    return ".".join(tokens) if tokens else "the submission"
