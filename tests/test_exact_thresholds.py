"""Numbers are the decimals written: every threshold, every energy unit, on it, just below and just above.

For each threshold t of every scale, each allowed energy unit u and each energy E in
{t − δ, t, t + δ}, written in u as the exact decimal of E, `aerp rate` (the same functions
the command runs) and `aerp validate` (a whole closed-division submission whose rated metric
is E) must agree on the stars, and the stars must be the band E lies in by exact comparison:
a value on a threshold earns the higher number of stars, whatever its unit.
"""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

import pytest
from click.testing import CliRunner

from aerp.cli import main
from aerp.energy_input import energy_wh
from aerp.exact import Written, decimal_text
from aerp.rating import fixed, thresholds
from helpers import CONFORMANT, PROTOCOL, check

ENERGY_UNITS = {unit: Fraction(str(factor)) for unit, factor in PROTOCOL.units["energy"]["symbols"].items()}
DELTA = Fraction(1, 10**9)  # Wh: far below any tolerance, far above nothing


def _scales() -> list[tuple[str, str | None, int, Fraction]]:
    found = []
    for task, entry in PROTOCOL.params["rating"]["thresholds"].items():
        classes = entry.items() if isinstance(entry, dict) else [(None, entry)]
        for size_class, edges in classes:
            for index, _ in enumerate(edges):
                found.append((task, size_class, index, thresholds(PROTOCOL, task, size_class)[index]))
    return found


def _base(task: str, size_class: str | None) -> dict[str, Any]:
    """A closed-division reference result of the task (and class) to carry the energy."""
    for document in CONFORMANT.values():
        if (
            document.get("division") == "closed"
            and document.get("task") == task
            and document["model"].get("class") == size_class
            and "rating" in document
        ):
            return document
    raise AssertionError(f"no closed reference result for {task} {size_class}")


def _written(value: Fraction) -> Any:
    text = decimal_text(value)
    assert text is not None, value
    return int(text) if "." not in text else Written(text)


def _submission(task: str, size_class: str | None, energy_wh: Fraction, unit: str, stars: int) -> dict[str, Any]:
    """The base document with every repetition measuring exactly ``energy_wh`` per 1,000 queries, in ``unit``."""
    document = copy.deepcopy(_base(task, size_class))
    accelerators = document["hardware"]["accelerators"]
    limit_w = Fraction(str(accelerators["power_limit"]["value"])) * (
        1000 if accelerators["power_limit"]["unit"] == "kW" else 1
    )
    queries = 1000
    per_repetition = energy_wh * queries / 1000
    # a mean power of a fifth of what the accelerators can draw: plausible for every energy of the scales
    duration_s = round(per_repetition * 3600 / (accelerators["count"] * limit_w / 5), 3)
    duration = {"value": _written(Fraction(str(duration_s))), "unit": "s"}
    document["measurement"] = {
        "boundary": ["accelerator"],
        "methods": {"accelerator": document["measurement"]["methods"]["accelerator"]},
    }
    repetitions = len(document["results"]["repetitions"])
    document["results"] = {
        "repetitions": [
            {
                "duration": dict(duration),
                "queries": queries,
                "energy": {"accelerator": {"value": _written(per_repetition / ENERGY_UNITS[unit]), "unit": unit}},
            }
            for _ in range(repetitions)
        ],
        "summary": {
            "accelerator_energy_per_1000_queries": {"value": _written(energy_wh / ENERGY_UNITS[unit]), "unit": unit},
            "mean_duration": dict(duration),
        },
    }
    document["rating"] = {"stars": stars, "scale": PROTOCOL.params["rating"]["scale"]}
    return document


def _band(edges: list[Fraction], energy: Fraction) -> int:
    stars = PROTOCOL.params["rating"]["stars"]
    return stars[sum(1 for edge in edges if energy > edge)]


@pytest.mark.parametrize(("task", "size_class", "index", "threshold"), _scales())
def test_rate_and_validate_agree_on_every_threshold_in_every_unit(
    task: str, size_class: str | None, index: int, threshold: Fraction
) -> None:
    edges = thresholds(PROTOCOL, task, size_class)
    for energy in (threshold - DELTA, threshold, threshold + DELTA):
        expected = _band(edges, energy)
        for unit, factor in ENERGY_UNITS.items():
            text = f"{decimal_text(energy / factor)} {unit}"
            rated = fixed(PROTOCOL, task, size_class, energy_wh(text, PROTOCOL)).stars
            assert rated == expected, f"aerp rate: {text} → {rated}, expected {expected}"
            result = check(_submission(task, size_class, energy, unit, rated))
            errors = [(f.check, f.message) for f in result.findings if f.severity.value == "error"]
            assert errors == [], f"{text}: {errors}"
            assert result.facts.get("stars") == expected, text
            wrong = check(_submission(task, size_class, energy, unit, 5 if rated != 5 else 4))
            assert "AERP-R002" in {f.check for f in wrong.findings}, text


@pytest.mark.parametrize("unit", sorted(ENERGY_UNITS))
def test_the_rate_command_places_a_threshold_in_the_higher_band_in_every_unit(unit: str) -> None:
    threshold = thresholds(PROTOCOL, "text-generation", "B")[1]  # 278.890 Wh
    text = f"{decimal_text(threshold / ENERGY_UNITS[unit])} {unit}"
    result = CliRunner().invoke(main, ["rate", "--task", "text-generation", "--class", "B", "--energy", text])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("4 stars"), result.output


def test_protocol_numbers_are_recovered_exactly_from_their_doubles() -> None:
    """Protocol data is read as doubles; each must be a decimal of at most 15 significant digits."""
    import re

    text = (PROTOCOL.folder / "protocol.yaml").read_text(encoding="utf-8")
    for token in re.findall(r"(?<![\w.\-/])\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])", text):
        assert Fraction(repr(float(token))) == Fraction(token), token
