"""Ratings: the fixed scale, the cohort method, the rating checks and `aerp rate`."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aerp.rating import NoScale, cohort, fixed, thresholds
from conftest import run_cli
from helpers import CLEAN, PROTOCOL

SCALES = [
    (task, size_class)
    for task, entry in PROTOCOL.params["rating"]["thresholds"].items()
    for size_class in (entry if isinstance(entry, dict) else [None])
]


@pytest.mark.parametrize(("task", "size_class"), SCALES)
def test_values_on_a_threshold_get_the_higher_rating(task: str, size_class: str | None) -> None:
    edges = thresholds(PROTOCOL, task, size_class)
    for stars, edge in zip((5, 4, 3, 2), edges, strict=True):
        assert fixed(PROTOCOL, task, size_class, edge).stars == stars
        assert fixed(PROTOCOL, task, size_class, edge * (1 + 1e-9)).stars == stars - 1
    assert fixed(PROTOCOL, task, size_class, 0.0).stars == 5


def test_thresholds_ascend_and_classes_are_required_where_they_apply() -> None:
    for task, size_class in SCALES:
        edges = thresholds(PROTOCOL, task, size_class)
        assert edges == sorted(edges) and len(edges) == 4
    with pytest.raises(NoScale):
        thresholds(PROTOCOL, "text-generation", None)
    with pytest.raises(NoScale):
        thresholds(PROTOCOL, "summarization", "A")


ENERGY = st.floats(min_value=0.0, max_value=1e5, allow_nan=False)


@settings(max_examples=300)
@given(st.sampled_from(SCALES), ENERGY, ENERGY)
def test_more_energy_never_earns_more_stars_fixed(scale: tuple, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert fixed(PROTOCOL, *scale, low).stars >= fixed(PROTOCOL, *scale, high).stars


@settings(max_examples=200)
@given(st.lists(ENERGY, min_size=2, max_size=40))
def test_more_energy_never_earns_more_stars_cohort(energies: list[float]) -> None:
    try:
        ratings = cohort(PROTOCOL, energies)
    except NoScale:
        return
    ordered = sorted(zip(energies, ratings, strict=True), key=lambda pair: pair[0])
    assert all(x[1].stars >= y[1].stars for x, y in itertools.pairwise(ordered))


@settings(max_examples=200)
@given(st.lists(st.floats(min_value=0.01, max_value=1e4), min_size=2, max_size=40))
def test_cohort_minimum_gets_five_and_maximum_one(energies: list[float]) -> None:
    try:
        ratings = cohort(PROTOCOL, energies)
    except NoScale:
        assert max(energies) - min(energies) <= 1e-12 * max(energies)  # no range, or too narrow to divide
        return
    assert ratings[energies.index(min(energies))].stars == 5
    assert ratings[energies.index(max(energies))].stars == 1


@settings(max_examples=200)
@given(
    st.lists(st.floats(min_value=0.01, max_value=1e4), min_size=2, max_size=20),
    st.floats(min_value=1.01, max_value=100),
    st.sampled_from(SCALES),
)
def test_an_outlier_never_changes_fixed_ratings(energies: list[float], factor: float, scale: tuple) -> None:
    before = [fixed(PROTOCOL, *scale, e).stars for e in energies]
    after = [fixed(PROTOCOL, *scale, e).stars for e in [*energies, max(energies) * factor]][:-1]
    assert before == after


def test_an_outlier_can_change_cohort_ratings() -> None:
    energies = [1.0, 2.0, 3.0, 4.0, 5.0]
    before = [r.stars for r in cohort(PROTOCOL, energies)]
    after = [r.stars for r in cohort(PROTOCOL, [*energies, 50.0])][:-1]
    assert before == [5, 4, 3, 2, 1] and after == [5, 5, 5, 5, 5]


@settings(max_examples=200)
@given(st.sampled_from(SCALES), st.floats(min_value=1e-3, max_value=1e4))
def test_the_same_energy_in_any_unit_gets_the_same_stars(scale: tuple, wh: float) -> None:
    edges = thresholds(PROTOCOL, *scale)
    if any(abs(wh / edge - 1) < 1e-9 for edge in edges):
        return  # a value on a threshold is rated in its own unit's rounding
    task, size_class = scale
    outcomes = set()
    for text in (f"{wh!r} Wh", f"{wh / 1000!r} kWh", f"{wh * 3600!r} J", f"{wh * 3.6!r} kJ"):
        args = ["rate", "--task", task, "--energy", text, "-o", "json"] + (
            ["--class", size_class] if size_class else []
        )
        outcomes.add(json.loads(run_cli(*args).stdout)["stars"])
    assert len(outcomes) == 1


def test_every_conformant_closed_result_claims_what_aerp_rate_confirms() -> None:
    rated = 0
    for name, document in CLEAN.items():
        if document["division"] != "closed":
            continue
        summary = document["results"]["summary"]["accelerator_energy_per_1000_queries"]
        args = ["rate", "--task", document["task"], "--energy", f"{summary['value']} {summary['unit']}", "-o", "json"]
        if "class" in document["model"]:
            args += ["--class", document["model"]["class"]]
        outcome = run_cli(*args)
        assert outcome.exit_code == 0, outcome.stderr
        assert json.loads(outcome.stdout)["stars"] == document["rating"]["stars"], name
        rated += 1
    assert rated >= 12


def test_rate_one_energy_as_text() -> None:
    first = ("--aerp-version", "1.0")
    outcome = run_cli("rate", *first, "--task", "text_generation", "--class", "A", "--energy", "19.01 Wh")
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith("2 stars: 19.01 Wh per 1,000 queries lies in (17.77, 23.2556] Wh")
    as_json = ("rate", *first, "--task", "text-generation", "--class", "A", "--energy", "0.01901 kWh", "-o", "json")
    assert json.loads(run_cli(*as_json).stdout) == {
        "task": "text-generation",
        "class": "A",
        "energy_wh_per_1000": 19.01,
        "stars": 2,
        "band": [17.77, 23.2556],
        "scale": "aerp-1.0-fixed",
        "uncertainty_wh_per_1000": None,
        "stars_low": 2,
        "stars_high": 2,
        "claim": 2,
        "decision_rule": "simple-acceptance",
    }
    spread = ("--energy", "19.01 Wh", "--uncertainty", "2 Wh")
    newest = run_cli("rate", "--task", "text_generation", "--class", "A", *spread)
    assert newest.exit_code == 0 and "aerp-1.1-fixed" in newest.stdout and "guarded acceptance" in newest.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--task", "asr", "--energy", "80 kwh"],
        ["--task", "asr", "--energy", "80"],
        ["--task", "asr", "--energy", "9**9**9 Wh"],
        ["--task", "asr", "--energy", "-5 Wh"],
        ["--task", "asr", "--energy", "0 Wh"],
        ["--task", "asr", "--energy", "1e308 MWh"],
        ["--task", "text-generation", "--energy", "5 Wh"],
        ["--task", "nonsense", "--energy", "5 Wh"],
        ["--task", "asr", "--energy", "5 Wh", "--method", "cohort"],
        ["--energy", "5 Wh"],
    ],
)
def test_rate_usage_errors_exit_2(args: list[str]) -> None:
    outcome = run_cli("rate", *args)
    assert outcome.exit_code == 2 and "Traceback" not in outcome.stdout + outcome.stderr


ROWS = """model,task,class,energy,note
m1,text_generation,A,9.6 Wh,kept
m2,asr,,0.0801 kWh,
m3,nonsense,,1 Wh,
m4,text-generation,,5 Wh,
m5,summarization,,-3 Wh,
m6,image_generation,,3600000 J,
m7,image_captioning,,100 KWh,
"""


def test_rate_a_csv_keeps_rows_and_reports_bad_ones_by_line(tmp_path: Path) -> None:
    source = tmp_path / "rows.csv"
    source.write_text(ROWS)
    outcome = run_cli("rate", "--input", str(source))
    assert outcome.exit_code == 1
    lines = outcome.stdout.splitlines()
    assert lines[0] == "model,task,class,energy,note,stars"
    assert lines[1] == "m1,text_generation,A,9.6 Wh,kept,4"
    assert lines[2].endswith(",1") and lines[6].endswith(",3")
    assert [line.split(":")[1] for line in outcome.stderr.splitlines()] == ["4", "5", "6", "8"]
    assert "did you mean `kWh`?" in outcome.stderr


def test_rate_a_csv_as_json_by_cohort(tmp_path: Path) -> None:
    source = tmp_path / "rows.csv"
    source.write_text("task,class,energy\nasr,,10 Wh\nasr,,20 Wh\nasr,,50 Wh\nsummarization,,3 Wh\n")
    outcome = run_cli("rate", "--input", str(source), "--method", "cohort", "-o", "json")
    assert outcome.exit_code == 0
    assert [r["stars"] for r in json.loads(outcome.stdout)] == [5, 4, 1, None]  # edges 18, 26, 34, 42 Wh
    assert "summarization: a cohort of one result has no range to divide" in outcome.stderr


@pytest.mark.parametrize(("content", "words"), [("", "no column"), ("a,b\n1,2\n", "no column task, class, energy")])
def test_rate_a_csv_that_is_not_a_rating_table(tmp_path: Path, content: str, words: str) -> None:
    source = tmp_path / "rows.csv"
    source.write_text(content)
    outcome = run_cli("rate", "--input", str(source))
    assert outcome.exit_code == 1 and words in outcome.stderr


def test_rating_facts_reach_the_json_report(tmp_path: Path) -> None:
    from conftest import SUITE

    report = run_cli("validate", "-o", "json", str(SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml")).json()
    entry = report["files"][0]
    assert entry["stars"] == entry["claimed_stars"] == 4
    assert entry["energy_wh_per_1000_queries"] == pytest.approx(9.598948)
