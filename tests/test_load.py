"""The strict reader: every refusal is one finding with a line, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from aerp.json_reader import read_json
from aerp.load import Limits, LoadError
from aerp.pipeline import default_limits, validate_file
from aerp.yaml_reader import read_yaml
from conftest import run_subprocess

LIMITS = Limits(max_bytes=1 << 20, max_depth=64, max_nodes=10_000, max_string_length=1000)

YAML_REFUSALS = [
    ("a: 1\nb: 2\na: 3\n", "AERP-L005", 3),
    ("a: &x 1\n", "AERP-L006", 1),
    ("a: 1\nb: *x\n", "AERP-L006", 2),  # refused as an alias before it is resolved
    ("base: {a: 1}\nother:\n  <<: {b: 2}\n", "AERP-L006", 3),
    ("a: !!python/object:os.system 1\n", "AERP-L007", 1),
    ("a: !custom 1\n", "AERP-L007", 1),
    ("1: one\n", "AERP-L008", 1),
    ("? [a, b]\n: 1\n", "AERP-L008", 1),
    ("a: .nan\n", "AERP-L009", 1),
    ("a:\n  b: -.inf\n", "AERP-L009", 2),
    ("a: 1e999\n", "AERP-L009", 1),
    ("a: 1\n---\nb: 2\n", "AERP-L010", 2),
    ("a: [1, 2\n", "AERP-L004", 2),
    ("# only a comment\n", "AERP-L003", 1),
]


@pytest.mark.parametrize(("text", "check", "line"), YAML_REFUSALS)
def test_yaml_refusals(text: str, check: str, line: int) -> None:
    with pytest.raises(LoadError) as caught:
        read_yaml(text, LIMITS)
    assert (caught.value.check, caught.value.line) == (check, line)


JSON_REFUSALS = [
    ('{"a": 1,\n "a": 2}', "AERP-L005", 1),
    ('{"a": NaN}', "AERP-L009", 1),
    ('{"a":\n Infinity}', "AERP-L009", 2),
    ('{"a": -Infinity}', "AERP-L009", 1),
    ('{"a": 1e999}', "AERP-L009", 1),
    ('{"a": 1}\n{"b": 2}', "AERP-L004", 2),
    ('{"a": ' + "9" * 5000 + "}", "AERP-L011", 1),
    ("[" * 100 + "]" * 100, "AERP-L011", 1),
]


@pytest.mark.parametrize(("text", "check", "line"), JSON_REFUSALS)
def test_json_refusals(text: str, check: str, line: int) -> None:
    with pytest.raises(LoadError) as caught:
        read_json(text, LIMITS)
    assert (caught.value.check, caught.value.line) == (check, line)


def test_yaml_means_what_json_means() -> None:
    """Plain scalars follow the YAML 1.2 core schema: no 1.1 surprises."""
    data = read_yaml("a: 1.5e3\nb: no\nc: 2026-01-31\nd: 0x10\ne: ~\nf: '7'\ng: 1_000\n", LIMITS).data
    assert data == {"a": 1500.0, "b": "no", "c": "2026-01-31", "d": 16, "e": None, "f": "7", "g": "1_000"}


def test_yaml_positions_point_at_keys_and_items() -> None:
    document = read_yaml("a: 1\nlist:\n  - x: 1\n  - y: 2\n", LIMITS)
    assert document.locate("/list") == (2, 1)
    assert document.locate("/list/1") == (4, 5)
    assert document.locate("/list/1/y") == (4, 5)
    assert document.locate("/list/1/missing") == (4, 5)


def test_json_positions_found_lazily() -> None:
    document = read_json('{\n  "a": 1,\n  "list": [\n    {"x": 1},\n    {"y~/": 2}\n  ]\n}', LIMITS)
    assert document._positions is None  # nothing located until a finding asks
    assert document.locate("/list") == (3, 3)
    assert document.locate("/list/1") == (5, 5)
    assert document.locate("/list/1/y~0~1") == (5, 6)


def test_yaml_alias_bomb_refused_before_expansion() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    with pytest.raises(LoadError) as caught:
        read_yaml("\n".join(lines), LIMITS)
    assert caught.value.check == "AERP-L006"


def test_deep_nesting_refused() -> None:
    with pytest.raises(LoadError) as caught:
        read_yaml("a: " + "[" * 1000 + "]" * 1000, LIMITS)
    assert caught.value.check == "AERP-L011"


BYTES_CASES = [
    (b"", "AERP-L003"),
    (b"   \n\n", "AERP-L003"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "AERP-L002"),
    (b"\xef\xbb\xbfa: 1\n", "AERP-L002"),
    ("a: 1\n".encode("utf-16"), "AERP-L002"),
    (b"a: \xff\xfe\n", "AERP-L002"),
]


@pytest.mark.parametrize(("content", "check"), BYTES_CASES)
def test_bytes_that_are_not_a_text_document(tmp_path: Path, content: bytes, check: str) -> None:
    target = tmp_path / "submission.yaml"
    target.write_bytes(content)
    result = validate_file(target)
    assert result.verdict.value == "unreadable"
    assert [f.check for f in result.findings] == [check]
    assert result.findings[0].line >= 1


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "broken.yaml").symlink_to(tmp_path / "nowhere.yaml")
    for name, phrase in (
        ("folder.yaml", "directory"),
        ("broken.yaml", "broken symbolic link"),
        ("absent.yaml", "does not exist"),
    ):
        result = validate_file(tmp_path / name)
        assert [f.check for f in result.findings] == ["AERP-L001"]
        assert phrase in result.findings[0].message


def test_size_bound(tmp_path: Path) -> None:
    target = tmp_path / "big.yaml"
    target.write_text("a: " + "x" * 2000 + "\n")
    limits = default_limits()
    result = validate_file(target, limits=Limits(1000, limits.max_depth, limits.max_nodes, limits.max_string_length))
    assert [f.check for f in result.findings] == ["AERP-L011"]


@pytest.mark.parametrize(
    ("name", "content", "check"),
    [
        ("duplicate.yaml", b"aerp_version: '1.0.0'\ntask: summarization\ntask: summarization\n", "AERP-L005"),
        ("empty.yaml", b"", "AERP-L003"),
        ("binary.json", bytes(range(256)), "AERP-L002"),
        ("alias.yaml", b"aerp_version: &v '1.0.0'\nx: *v\n", "AERP-L006"),
    ],
)
def test_cli_gives_one_finding_with_a_line_and_no_traceback(
    tmp_path: Path, name: str, content: bytes, check: str
) -> None:
    target = tmp_path / name
    target.write_bytes(content)
    outcome = run_subprocess("validate", str(target))
    assert outcome.exit_code == 1
    assert "Traceback" not in outcome.stderr + outcome.stdout
    finding_lines = [line for line in outcome.stdout.splitlines() if " AERP-" in line]
    assert len(finding_lines) == 1
    location, _, rest = finding_lines[0].partition(": ")
    path, line, column = location.rsplit(":", 2)
    assert path == str(target) and int(line) >= 1 and int(column) >= 1
    assert rest.startswith(f"error {check} ")
