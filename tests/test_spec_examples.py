"""The example submission of every edition's text is itself conformant.

The example names its raw logs, which the text does not ship, so it is checked as a document
(without its folder): every rule but the reading of its traces.
"""

from __future__ import annotations

import re

import pytest

from aerp.pipeline import default_limits, validate_document
from aerp.protocol import minor_versions
from aerp.requirements import spec_path
from aerp.yaml_reader import read_yaml


@pytest.mark.parametrize("edition", minor_versions())
def test_the_example_submission_of_the_text_is_conformant(edition: str) -> None:
    text = spec_path(edition).read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(aerp_version:.*?)```", text, re.S)
    assert examples, f"the {edition} text shows no example submission"
    for number, example in enumerate(examples):
        document = read_yaml(example, default_limits())
        result = validate_document(document, f"example-{number}.yaml", None)
        errors = [(f.check, f.pointer, f.message) for f in result.findings if f.severity.value == "error"]
        assert errors == [], errors
