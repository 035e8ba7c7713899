"""JUnit XML, for CI systems that show test reports: one testcase per file.

A non-conformant file is a failure listing its findings; an unreadable one is an error;
warnings go to the test case's output. Identity is classname (the folder) + name (the file),
as GitLab and Jenkins track test cases.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import PurePath

from aerp.findings import Finding, Verdict
from aerp.render.run import Run
from aerp.safe_text import printable


def _line(path: str, f: Finding) -> str:
    return printable(f"{path}:{f.line}:{f.column}: {f.severity.value} {f.check} {f.message} [{f.requirement}]")


def render(run: Run) -> str:
    summary = run.summary()
    suite = ET.Element(
        "testsuite",
        {
            "name": "aerp",
            "tests": str(summary["files"]),
            "failures": str(summary["non_conformant"]),
            "errors": str(summary["unreadable"]),
            "skipped": "0",
            "timestamp": run.timestamp,
            "time": "0",
        },
    )
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "aerp.version", "value": run.tool_version})
    ET.SubElement(properties, "property", {"name": "spec.versions", "value": " ".join(run.spec_versions)})
    for result in run.results:
        path = PurePath(printable(result.path))
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": path.parent.as_posix() or ".",
                "name": path.name,
                "file": path.as_posix(),
                "time": "0",
            },
        )
        errors = [f for f in result.findings if f.severity.value == "error"]
        others = [f for f in result.findings if f.severity.value != "error"]
        if result.verdict is Verdict.UNREADABLE:
            error = ET.SubElement(case, "error", {"message": printable(errors[0].message), "type": errors[0].check})
            error.text = "\n".join(_line(result.path, f) for f in errors)
        elif result.verdict is Verdict.NON_CONFORMANT:
            failure = ET.SubElement(
                case,
                "failure",
                {
                    "message": f"non-conformant: {len(errors)} error(s)",
                    "type": "non-conformant",
                },
            )
            failure.text = "\n".join(_line(result.path, f) for f in errors)
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(_line(result.path, f) for f in others)
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
