"""The machine-readable report (schemas/1.0/report.schema.json).

Deterministic: the same inputs and the same ``--timestamp`` give the same bytes.
"""

from __future__ import annotations

import json

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
