"""The example submission of every edition's text is itself conformant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aerp.pipeline import validate_file
from aerp.protocol import minor_versions
from aerp.requirements import spec_path


@pytest.mark.parametrize("edition", minor_versions())
def test_the_example_submission_of_the_text_is_conformant(edition: str, tmp_path: Path) -> None:
    text = spec_path(edition).read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(aerp_version:.*?)```", text, re.S)
    assert examples, f"the {edition} text shows no example submission"
    for number, example in enumerate(examples):
        target = tmp_path / f"example-{number}.yaml"
        target.write_text(example, encoding="utf-8")
        result = validate_file(target)
        errors = [(f.check, f.pointer, f.message) for f in result.findings if f.severity.value == "error"]
        assert errors == [], errors
