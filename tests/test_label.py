"""Energy labels: what a reader of the SVG sees, and the results that get none.

A label is published, so the tests read it as a published file would be read: parsed as
XML, searched for the text a person sees, and checked for anything that would reach outside
the file (fonts, images, scripts).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aerp.findings import FileResult
from aerp.pipeline import validate_file
from aerp.render.label import CONTENT, NoLabel, _text_width, energy_figure, label_name, label_svg, uncertainty_figure
from aerp.render.report_model import format_uncertainty
from conftest import SUITE, conformant_files, suite

SVG = "{http://www.w3.org/2000/svg}"
LLAMA = SUITE / "conformant" / "text-generation-a-llama-3.1-8b.yaml"
OPEN_L4 = SUITE / "conformant" / "text-generation-a-llama-3.1-8b-open-l4.json"
WRONG_STARS = SUITE / "non-conformant" / "rating-wrong-stars.yaml"
HOSTILE = '<script>&"'
VALUES = st.text(min_size=1, max_size=120).filter(str.strip)  # a blank value is a missing fact


def closed_conformant() -> list[Path]:
    results = ((path, validate_file(path)) for path in conformant_files())
    return [path for path, result in results if result.facts.get("division") == "closed"]


def with_facts(result: FileResult, **facts: object) -> FileResult:
    """A copy of ``result`` whose facts are changed, as a different submission would give."""
    changed = copy.deepcopy(result)
    changed.facts.update(facts)
    return changed


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def visible_text(root: ET.Element) -> list[str]:
    """The text of every <text> element (tspans included), as a person sees it."""
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def model_lines(root: ET.Element) -> list[str]:
    return [node.text or "" for node in root.iter(f"{SVG}text") if node.get("class") == "model"]


def stars_by_state(root: ET.Element) -> tuple[int, int]:
    classes = [node.get("class", "").split() for node in root.iter()]
    filled = sum(1 for c in classes if "star" in c and "filled" in c)
    empty = sum(1 for c in classes if "star" in c and "empty" in c)
    return filled, empty


@pytest.fixture(scope="module")
def llama() -> FileResult:
    return validate_file(LLAMA)


def test_a_conformant_closed_result_gets_a_label_with_its_facts(llama: FileResult) -> None:
    svg = label_svg(llama)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 260 364"
    assert root.get("role") == "img"
    stars = llama.facts["stars"]
    assert isinstance(stars, int) and llama.sha256 and llama.aerp_version
    texts = visible_text(root)
    assert "".join(model_lines(root)) == "meta-llama/Llama-3.1-8B-Instruct"
    assert f"{stars} of 5 stars" in texts
    assert f"sha256 {llama.sha256[:12]}" in texts
    assert f"AERP {llama.aerp_version}" in texts
    assert "scale aerp-1.0-fixed" in texts
    assert "revision 0e9e39f249a1" in texts
    assert "9.60Wh" in texts  # the big figure: "9.60" and its unit in a tspan
    assert "accelerator energy per 1,000 queries" in texts
    assert "text-generation · class A" in texts
    assert "1 × NVIDIA H100 SXM5 80GB" in texts
    assert "2026-03-17" in texts
    assert stars_by_state(root) == (stars, 5 - stars)
    title = root.find(f"{SVG}title")
    assert (
        title is not None and title.text == f"AERP energy label: meta-llama/Llama-3.1-8B-Instruct, {stars} of 5 stars"
    )
    assert root.find(f"{SVG}desc") is not None
    marked = [node for node in root.iter(f"{SVG}rect") if "earned" in node.get("class", "").split()]
    assert len(marked) == 1


@pytest.mark.parametrize("path", closed_conformant(), ids=lambda p: p.name)
def test_every_closed_reference_result_shows_its_own_stars(path: Path) -> None:
    result = validate_file(path)
    root = parse(label_svg(result))
    stars = result.facts["stars"]
    assert stars_by_state(root) == (stars, 5 - stars)
    assert f"{stars} of 5 stars" in visible_text(root)


def test_the_label_covers_one_star_and_five_stars() -> None:
    """The reference suite holds both ends of the scale; the label draws both."""
    earned = {validate_file(path).facts["stars"] for path in closed_conformant()}
    assert {1, 5} <= earned


def test_the_same_result_gives_the_same_bytes(llama: FileResult) -> None:
    assert label_svg(llama) == label_svg(llama)
    assert label_svg(validate_file(LLAMA)) == label_svg(validate_file(LLAMA))


def test_the_label_is_self_contained(llama: FileResult) -> None:
    svg = label_svg(llama)
    assert re.findall(r"https?://[^\s\"']+", svg) == ["http://www.w3.org/2000/svg"]
    for reference in ("href", "<script", "<image", "@import", "url(", "<foreignObject", "@font-face"):
        assert reference not in svg


def test_a_non_conformant_result_gets_no_label() -> None:
    result = validate_file(WRONG_STARS)
    with pytest.raises(NoLabel, match=r"is non-conformant \(1 error\): a label is drawn only for a conformant result"):
        label_svg(result)


def test_an_unreadable_result_gets_no_label() -> None:
    result = validate_file(SUITE / "non-conformant" / "format-yaml-syntax.yaml")
    with pytest.raises(NoLabel, match="unreadable: a label is drawn only for a conformant result"):
        label_svg(result)


def test_an_open_division_result_gets_no_label() -> None:
    result = validate_file(OPEN_L4)
    assert result.facts["division"] == "open"
    with pytest.raises(NoLabel, match="open-division results are not rated, so they get no label"):
        label_svg(result)


@pytest.mark.parametrize(
    ("fact", "value"),
    [("stars", None), ("stars", 7), ("stars", True), ("model", None), ("energy_wh_per_1000_queries", float("nan"))],
)
def test_a_result_without_the_facts_gets_no_label(llama: FileResult, fact: str, value: object) -> None:
    result = with_facts(llama)
    if value is None:
        del result.facts[fact]
    else:
        result.facts[fact] = value
    with pytest.raises(NoLabel, match=f"lacks the facts a label needs: {fact}"):
        label_svg(result)


def test_hostile_strings_are_escaped(llama: FileResult) -> None:
    result = with_facts(
        llama, model=HOSTILE, revision=HOSTILE, hardware=HOSTILE, date=HOSTILE, task=HOSTILE, **{"class": HOSTILE}
    )
    svg = label_svg(result)
    assert "<script" not in svg
    assert "&amp;&quot;" in svg
    root = parse(svg)
    texts = visible_text(root)
    assert HOSTILE in texts
    assert f"{HOSTILE} · class {HOSTILE}" in texts
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == f"AERP energy label: {HOSTILE}, 4 of 5 stars"
    assert not list(root.iter(f"{SVG}script"))


def test_characters_xml_forbids_are_replaced(llama: FileResult) -> None:
    root = parse(label_svg(with_facts(llama, model="evil\x00\x1b\u202eorg/model\ufffe")))
    assert "evil\ufffd\ufffd\ufffdorg/model\ufffd" in visible_text(root)


@settings(max_examples=60, deadline=None)
@given(model=VALUES, hardware=VALUES, date=VALUES)
def test_any_strings_give_a_label_that_parses(model: str, hardware: str, date: str) -> None:
    result = with_facts(validate_file(LLAMA), model=model, hardware=hardware, date=date)
    root = parse(label_svg(result))
    assert stars_by_state(root) == (4, 1)


def test_a_long_model_name_is_wrapped_and_cut_with_an_ellipsis(llama: FileResult) -> None:
    model = "some-very-long-organisation/" + "an-extremely-long-model-name" * 20
    root = parse(label_svg(with_facts(llama, model=model)))
    lines = model_lines(root)
    assert len(lines) == 2
    assert lines[0] == "some-very-long-organisation/"
    assert lines[1].endswith("…") and len(lines[1]) < 40


def test_a_very_long_value_does_not_take_quadratic_time(llama: FileResult) -> None:
    root = parse(label_svg(with_facts(llama, model="x" * 65536, hardware="y" * 65536)))
    assert all(len(text) < 60 for text in visible_text(root))


@pytest.mark.parametrize(
    ("energy", "shown"),
    [
        (9.598948, ("9.60", "Wh")),
        (0.3109108, ("0.311", "Wh")),
        (76.8023, ("76.8", "Wh")),
        (271.0442, ("271", "Wh")),
        (999.4, ("999", "Wh")),
        (999.96, ("1.00", "kWh")),
        (1000, ("1.00", "kWh")),
        (2004.08, ("2.00", "kWh")),
        (12345.6, ("12.3", "kWh")),
    ],
)
def test_the_energy_has_three_significant_figures(energy: float, shown: tuple[str, str]) -> None:
    assert energy_figure(energy) == shown


def test_the_big_figure_switches_to_kilowatt_hours(llama: FileResult) -> None:
    texts = visible_text(parse(label_svg(with_facts(llama, energy_wh_per_1000_queries=2004.08))))
    assert "2.00kWh" in texts


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (
            "reference-results/1.0/conformant/text-generation-a-llama-3.1-8b.yaml",
            "text-generation-a-llama-3.1-8b.label.svg",
        ),
        ("results/run.json", "run.label.svg"),
        ("C:\\labs\\result.yaml", "result.label.svg"),
        ("../../etc/passwd", "passwd.label.svg"),
        ("..", "result.label.svg"),
        ("-", "result.label.svg"),
        ("", "result.label.svg"),
        (".hidden.yaml", "hidden.label.svg"),
        ("we ird/na me<>:|?.yaml", "na_me_.label.svg"),
    ],
)
def test_the_label_name_is_a_safe_file_name(path: str, name: str) -> None:
    result = FileResult(path=path, sha256=None)
    assert label_name(result) == name
    assert "/" not in label_name(result) and "\\" not in label_name(result)


# ----------------------------------------------------------------------------- AERP 1.1: E ± U and the range

SPANS = suite("1.1") / "conformant" / "uncertainty-spans-two-thresholds.yaml"  # 9.60 ± 4.22 Wh, class A: 3–5 stars
LLAMA_1_1 = suite("1.1") / "conformant" / "text-generation-a-llama-3.1-8b.yaml"  # 9.60 ± 0.56 Wh: 4 stars only
RANGE_TEXT = re.compile(r"\d–\d")


def energy_text(root: ET.Element) -> str:
    return next("".join(node.itertext()) for node in root.iter(f"{SVG}text") if node.get("class") == "energy")


def classes(root: ET.Element) -> list[list[str]]:
    return [node.get("class", "").split() for node in root.iter()]


@pytest.fixture(scope="module")
def spans() -> FileResult:
    """Validated from its path, so that the trace beside it is read as the CLI reads it."""
    return validate_file(SPANS)


def test_the_reference_interval_spans_two_thresholds(spans: FileResult) -> None:
    """The premise of the tests below: the validator reads 3 claimed stars from an interval that allows 3 to 5."""
    assert spans.verdict.value == "conformant", [f.check for f in spans.findings]
    facts = spans.facts
    assert (facts["stars"], facts["stars_low"], facts["stars_high"]) == (3, 3, 5)
    assert facts["expanded_uncertainty_wh_per_1000_queries"] == 4.22


def test_a_spanning_interval_shows_the_energy_with_its_uncertainty_and_the_range(spans: FileResult) -> None:
    root = parse(label_svg(spans))
    texts = visible_text(root)
    assert energy_text(root) == "9.60± 4.22 Wh"  # the big figure, then "± U unit" in its tspan
    assert "± U: expanded uncertainty, coverage factor k = 2" in texts
    assert "3–5 stars: claim 3" in texts
    assert "3 of 5 stars" not in texts
    assert stars_by_state(root) == (3, 2)  # the claim filled; 4 and 5 are not claimed
    assert sum(1 for c in classes(root) if "star" in c and "in-range" in c) == 2
    earned = [node for node in root.iter(f"{SVG}rect") if "earned" in node.get("class", "").split()]
    assert len(earned) == 1 and float(earned[0].get("x", "0")) == pytest.approx(16 + 2 * 46)  # the 3-star band
    bracket = [node for node in root.iter(f"{SVG}path") if node.get("class") == "range"]
    assert len(bracket) == 1
    xs = [float(x) for x in re.findall(r"[MH](\d+(?:\.\d+)?)", bracket[0].get("d", ""))]
    assert (min(xs), max(xs)) == (16, 152)  # from the left edge of the 5-star band to the right edge of the 3-star one


def test_a_spanning_label_says_it_all_in_its_text_alternatives(spans: FileResult) -> None:
    root = parse(label_svg(spans))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert title.text == "AERP energy label: meta-llama/Llama-3.1-8B-Instruct, 3 of 5 stars claimed, range 3–5 stars"
    assert "9.60 ± 4.22 Wh of accelerator energy per 1,000 queries" in (desc.text or "")
    assert "coverage factor k = 2" in (desc.text or "")
    assert "Claims 3 of 5 stars" in (desc.text or "")
    assert "the interval from 5.379 to 13.82 Wh spans 3 to 5 stars" in (desc.text or "")


def test_a_label_with_an_uncertainty_is_taller_and_keeps_everything_inside(spans: FileResult) -> None:
    root = parse(label_svg(spans))
    assert root.get("viewBox") == "0 0 260 382" and root.get("height") == "764"
    ys = [float(node.get("y", "0")) for node in root.iter(f"{SVG}text")]
    assert max(ys) < 382 - 8  # the sha256 line stays above the frame's bottom edge
    frames = [node for node in root.iter(f"{SVG}rect") if node.get("rx") == "7.25"]
    assert [node.get("height") for node in frames] == ["380.5", "380.5"]


def test_an_interval_within_one_band_shows_u_but_no_range() -> None:
    result = validate_file(LLAMA_1_1)
    assert result.facts["stars_low"] == result.facts["stars_high"] == result.facts["stars"] == 4
    root = parse(label_svg(result))
    texts = visible_text(root)
    assert energy_text(root) == "9.60± 0.56 Wh"
    assert "4 of 5 stars" in texts
    assert not any(RANGE_TEXT.search(text) for text in texts)
    assert not any("in-range" in c for c in classes(root))
    assert not [node for node in root.iter(f"{SVG}path") if node.get("class") == "range"]


def test_an_aerp_1_0_label_has_no_uncertainty_and_no_range(llama: FileResult) -> None:
    svg = label_svg(llama)
    assert "±" not in svg and "in-range" not in svg and 'class="range"' not in svg and "small-print" not in svg
    assert not any(RANGE_TEXT.search(text) for text in visible_text(parse(svg)))
    assert parse(svg).get("viewBox") == "0 0 260 364"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (suite("1.1") / "conformant").iterdir() if p.suffix in (".yaml", ".json")),
    ids=lambda p: p.name,
)
def test_every_rated_1_1_reference_result_shows_its_claim_and_any_range(path: Path) -> None:
    result = validate_file(path)
    if result.verdict.value != "conformant" or result.facts.get("division") != "closed":
        pytest.skip("only a conformant closed result gets a label")
    root = parse(label_svg(result))
    stars, low, high = (result.facts[key] for key in ("stars", "stars_low", "stars_high"))
    assert stars_by_state(root) == (stars, 5 - stars)
    assert "±" in energy_text(root)
    expected = f"{low}–{high} stars: claim {stars}" if low != high else f"{stars} of 5 stars"
    assert expected in visible_text(root)


def test_an_interval_reaching_below_zero_spans_the_whole_scale(spans: FileResult) -> None:
    """U larger than E: the lower end is 0, which earns the best stars; the bracket covers every band."""
    result = with_facts(spans, expanded_uncertainty_wh_per_1000_queries=20.0, stars=1, stars_low=1, stars_high=5)
    root = parse(label_svg(result))
    assert "1–5 stars: claim 1" in visible_text(root)
    assert stars_by_state(root) == (1, 4)
    desc = root.find(f"{SVG}desc")
    assert desc is not None and "from 0 to 29.60 Wh spans 1 to 5 stars" in (desc.text or "")
    bracket = next(node for node in root.iter(f"{SVG}path") if node.get("class") == "range")
    xs = [float(x) for x in re.findall(r"[MH](\d+(?:\.\d+)?)", bracket.get("d", ""))]
    assert (min(xs), max(xs)) == (16, 244)


def test_a_long_uncertainty_shrinks_the_figure_instead_of_leaving_the_frame(spans: FileResult) -> None:
    result = with_facts(spans, expanded_uncertainty_wh_per_1000_queries=123456.0, stars=1, stars_low=1)
    root = parse(label_svg(result))
    node = next(node for node in root.iter(f"{SVG}text") if node.get("class") == "energy")
    size = float(node.get("font-size", "0"))
    assert energy_text(root) == "9.60± 124000 Wh"  # rounded up to three digits, never an exponent
    assert size < 34
    assert _text_width("9.60", size, "bold") + _text_width(" ± 124000 Wh", size / 2, "bold") <= CONTENT + 0.01


def test_the_uncertainty_follows_the_figure_into_kilowatt_hours(spans: FileResult) -> None:
    result = with_facts(spans, energy_wh_per_1000_queries=2004.08, expanded_uncertainty_wh_per_1000_queries=150.0)
    assert energy_text(parse(label_svg(result))) == "2.00± 0.15 kWh"


@pytest.mark.parametrize(
    ("facts", "missing"),
    [
        ({"stars_low": None}, "stars_low"),
        ({"stars_high": 9}, "stars_high"),
        ({"expanded_uncertainty_wh_per_1000_queries": float("inf")}, "expanded_uncertainty_wh_per_1000_queries"),
        ({"expanded_uncertainty_wh_per_1000_queries": -1.0}, "expanded_uncertainty_wh_per_1000_queries"),
        ({"expanded_uncertainty_wh_per_1000_queries": "4.22"}, "expanded_uncertainty_wh_per_1000_queries"),
    ],
)
def test_a_half_known_interval_gets_no_label(spans: FileResult, facts: dict[str, object], missing: str) -> None:
    """An interval is shown whole or not at all: a label never draws a range it cannot vouch for."""
    with pytest.raises(NoLabel, match=f"lacks the facts a label needs: {missing}"):
        label_svg(with_facts(spans, **facts))


def test_stars_outside_their_own_range_get_no_label(spans: FileResult) -> None:
    with pytest.raises(NoLabel, match="outside the range 3–5"):
        label_svg(with_facts(spans, stars=2))


def test_hostile_strings_are_escaped_on_a_label_with_a_range(spans: FileResult) -> None:
    result = with_facts(spans, model=HOSTILE, hardware=HOSTILE, date=HOSTILE, task=HOSTILE)
    svg = label_svg(result)
    assert "<script" not in svg
    root = parse(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == f"AERP energy label: {HOSTILE}, 3 of 5 stars claimed, range 3–5 stars"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and (desc.text or "").startswith(f"{HOSTILE} at revision")
    assert "3–5 stars: claim 3" in visible_text(root)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(4.22, "4.22"), (0.1, "0.1"), (0.56, "0.56"), (0.04801, "0.0481"), (1234.5, "1240"), (9.999, "10"), (0.0, "0")],
)
def test_an_uncertainty_is_shown_to_three_digits_rounded_up(value: float, shown: str) -> None:
    assert format_uncertainty(value) == shown


def test_an_uncertainty_is_shown_in_the_unit_of_the_figure() -> None:
    assert uncertainty_figure(4.22, "Wh") == "4.22"
    assert uncertainty_figure(150.0, "kWh") == "0.15"
