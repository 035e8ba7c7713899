"""SARIF 2.1.0, for code-scanning views and CI annotations.

Every check is a rule with a stable id, a short description and help naming the requirement
it enforces; every finding is a result with a level, a message, the file (a relative URI),
line and column, and the JSON Pointer as a logical location. Fingerprints depend on the
rule, file and pointer only, so that code-scanning tools track a finding across runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import urllib.parse
from pathlib import PurePath

from aerp.render.run import Run

SPEC_URI = "https://aerp.dev/spec/1.0/aerp-1.0.html"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def relative_uri(path: str) -> str:
    """A relative, forward-slash URI for a reported path (absolute paths under the cwd are shortened)."""
    if os.path.isabs(path):
        with contextlib.suppress(ValueError):  # another drive on Windows
            path = os.path.relpath(path)
    return urllib.parse.quote(PurePath(path).as_posix())


def render(run: Run) -> str:
    from aerp.registry import all_checks

    rules = [check for check in all_checks() if not check.retired]
    index = {check.id: position for position, check in enumerate(rules)}
    sarif_rules = [
        {
            "id": check.id,
            "name": check.id.replace("-", ""),
            "shortDescription": {"text": check.summary},
            "fullDescription": {"text": f"{check.summary} Enforces {check.requirement} of the AERP specification."},
            "help": {
                "text": f"This check enforces requirement {check.requirement}: see {SPEC_URI}#{check.requirement}"
            },
            "helpUri": f"{SPEC_URI}#{check.requirement}",
            "defaultConfiguration": {"level": LEVELS[check.severity.value]},
            "properties": {"requirement": check.requirement, "stage": check.stage},
        }
        for check in rules
    ]
    results = []
    artifacts = []
    for result in run.results:
        uri = relative_uri(result.path)
        artifact: dict[str, object] = {"location": {"uri": uri}}
        if result.sha256:
            artifact["hashes"] = {"sha-256": result.sha256}
        artifacts.append(artifact)
        for finding in result.findings:
            message = finding.message + (f" — {finding.hint}" if finding.hint else "")
            fingerprint = hashlib.sha256(f"{finding.check}\0{uri}\0{finding.pointer}".encode()).hexdigest()
            results.append(
                {
                    "ruleId": finding.check,
                    "ruleIndex": index[finding.check],
                    "level": LEVELS[finding.severity.value],
                    "message": {"text": f"{message} [{finding.requirement}]"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri, "index": len(artifacts) - 1},
                                "region": {"startLine": finding.line, "startColumn": finding.column},
                            },
                            "logicalLocations": [{"fullyQualifiedName": finding.pointer or "/", "kind": "member"}],
                        }
                    ],
                    "partialFingerprints": {"aerpFinding/v1": fingerprint},
                    "properties": {"requirement": finding.requirement, "pointer": finding.pointer},
                }
            )
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aerp",
                        "version": run.tool_version,
                        "informationUri": "https://aerp.dev",
                        "rules": sarif_rules,
                    }
                },
                "invocations": [{"executionSuccessful": True, "endTimeUtc": run.timestamp}],
                "artifacts": artifacts,
                "results": results,
                "properties": {"specVersions": run.spec_versions, "summary": run.summary()},
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
