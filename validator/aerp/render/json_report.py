"""The machine-readable report (schemas/1.0/report.schema.json, schemas/1.1/report.schema.json).

Deterministic: the same inputs and the same ``--timestamp`` give the same bytes.
"""

from __future__ import annotations

import json
import math

from aerp.render.run import Run

REPORT_FORMAT = "1.0"
REPORTED_FACTS = (
    "task",
    "class",
    "model",
    "revision",
    "division",
    "hardware",
    "date",
    "energy_wh_per_1000_queries",
    "stars",
    "claimed_stars",
)
# AERP 1.1 (clause 14.1): the interval [E − U, E + U] a claim is read from. Written only where
# the validator recorded them, so that the entry of a file without an uncertainty (every AERP
# 1.0 file) keeps exactly the members, and the bytes, it always had.
INTERVAL_FACTS = ("stars_low", "stars_high", "expanded_uncertainty_wh_per_1000_queries")


def _interval(facts: dict[str, object]) -> dict[str, object]:
    """The interval facts that are numbers JSON can carry (a non-finite float would not be JSON)."""
    shown: dict[str, object] = {}
    for key in INTERVAL_FACTS:
        value = facts.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            shown[key] = value
    return shown


def report(run: Run) -> dict[str, object]:
    files = []
    for result in run.results:
        entry: dict[str, object] = {
            "path": result.path,
            "sha256": result.sha256,
            "aerp_version": result.aerp_version,
            "verdict": result.verdict.value,
        }
        for key in REPORTED_FACTS:
            entry[key] = result.facts.get(key)
        entry.update(_interval(result.facts))
        entry["findings"] = [f.as_dict() for f in result.findings]
        files.append(entry)
    return {
        "report_format": REPORT_FORMAT,
        "tool": {"name": "aerp", "version": run.tool_version},
        "timestamp": run.timestamp,
        "spec_versions": run.spec_versions,
        "summary": run.summary(),
        "files": files,
    }


def render(run: Run) -> str:
    return json.dumps(report(run), indent=2, ensure_ascii=False) + "\n"
