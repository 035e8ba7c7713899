"""Units: explanations that name the fix, exact conversion, and pint kept behind its gate."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aerp import quantities
from aerp.protocol import load_minor
from conftest import SUITE

PROTOCOL = load_minor("1.0")


@pytest.mark.parametrize(
    ("symbol", "dimension", "check", "words"),
    [
        ("kwh", "energy", "AERP-U001", "did you mean `kWh`?"),
        ("KWH", "energy", "AERP-U001", "did you mean `kWh`?"),
        ("kW", "energy", "AERP-U002", "is a power; this field is an energy"),
        ("kw", "energy", "AERP-U002", "looks like `kW`, a power"),
        ("Wh", "power", "AERP-U002", "is an energy; this field is a power"),
        ("W*h", "energy", "AERP-U003", "is an energy but not one of the symbols"),
        ("kcal", "energy", "AERP-U003", "is an energy"),
        ("m", "energy", "AERP-U002", "[length]"),
        ("sec", "duration", "AERP-U003", "a duration"),
        ("banana", "energy", "AERP-U003", "not a unit AERP knows"),
        ("m**(9**9**9)", "energy", "AERP-U003", "not a unit AERP knows"),
        ("9**9**9", "energy", "AERP-U003", "not a unit AERP knows"),
        ("\u041aWh", "energy", "AERP-U003", "did you mean `kWh`?"),
    ],
)
def test_unit_explanations(symbol: str, dimension: str, check: str, words: str) -> None:
    check_id, message, hint = quantities.explain(symbol, dimension, PROTOCOL)
    assert check_id == check
    assert words in f"{message} {hint}"


def test_conversion_is_exact() -> None:
    assert quantities.to_canonical({"value": 3600, "unit": "J"}, "energy", PROTOCOL) == 1.0
    assert quantities.to_canonical({"value": 0.0112, "unit": "kWh"}, "energy", PROTOCOL) == 11.2
    assert quantities.to_canonical({"value": 2, "unit": "TiB"}, "memory", PROTOCOL) == 2199.023255552
    assert quantities.from_canonical(11.2, "kWh", "energy", PROTOCOL) == 0.0112


def test_only_gated_strings_reach_pint(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    registry = quantities._registry()
    original = registry.parse_units

    def spy(text: str) -> object:
        seen.append(text)
        return original(text)

    monkeypatch.setattr(registry, "parse_units", spy)
    for symbol in ("m**(9**9**9)", "(" * 50 + "m" + ")" * 50, "x" * 10_000, "kg*m^2/s^2", "W*h"):
        quantities.explain(symbol, "energy", PROTOCOL)
    candidates = [s for s in seen if s not in ("J", "W", "s", "g", "byte", "g/kWh")]
    assert candidates == ["kg*m**2/s**2", "W*h"]
    assert all(len(s) <= 40 for s in seen)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_unit_string_is_explained_quickly(symbol: str) -> None:
    # CPU time, not elapsed time: what the explanation costs, whatever else the machine is doing
    start = time.process_time()
    check_id, message, _ = quantities.explain(symbol, "energy", PROTOCOL)
    assert check_id in ("AERP-U001", "AERP-U002", "AERP-U003") and message
    assert time.process_time() - start < 2.0


def _modules_after_validating(path: str) -> str:
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom aerp.cli import main\n"
        f"result = CliRunner().invoke(main, ['validate', {path!r}])\n"
        "print(result.exit_code, 'pint' in sys.modules)\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_pint_is_not_loaded_to_validate_a_file_with_allowed_units() -> None:
    path = SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
    assert _modules_after_validating(str(path)) == ["0", "False"]


def test_pint_is_loaded_only_to_explain_a_unit_outside_the_vocabulary() -> None:
    assert _modules_after_validating(str(SUITE / "non-conformant" / "units-not-allowed.yaml")) == ["1", "True"]
