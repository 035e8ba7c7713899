"""The checks' fast paths decide only what their exact definitions decide, and nothing remembered goes stale.

Plausibility asks doubles whether a check has nothing to report and runs its exact definition
only where they cannot tell; the rated metric is summed as integers over a common denominator;
disclosure finds every pattern in one walk; the catalogue is searched through an index; a few
results are remembered per file or per protocol. Each property here pits one of them against
its definition: the exact code path with the fast path switched off, or the code as it read
before the fast path, kept here as the oracle. The inputs lie on a bound, a hair beyond it
(far below a double's resolution), or clearly on either side.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_filtered import _reference_documents

from aerp import catalogue, filtered
from aerp.catalogue import entries, entry_of, find
from aerp.checks import artifacts, disclosure, hardware, measurement, plausibility, tasks, units
from aerp.checks import rating as rating_checks
from aerp.checks.consistency import disputed
from aerp.checks.units import quantities_of
from aerp.checks.version import resolve_version
from aerp.exact import Written, decimal_text, exact, to_float
from aerp.places import describe
from aerp.pointer import expand, expand_all
from aerp.protocol import Protocol, load_minor
from aerp.quantities import exact_canonical, overflowing, vocabulary
from aerp.rating import thresholds
from aerp.registry import Context, Problem
from helpers import CLEAN, CONFORMANT, PROTOCOL, graft, paths

V11 = load_minor("1.1")
PLAUSIBILITY = PROTOCOL.params["plausibility"]
ENERGY = vocabulary(PROTOCOL).dimensions["energy"]
U = 2.0**-53

# positive decimals of up to 12 significant digits, from 1e-20 to 1e20
MANTISSAS = st.integers(min_value=1, max_value=10**12 - 1)
DECIMALS = st.builds(lambda m, e: Fraction(m) * Fraction(10) ** e, MANTISSAS, st.integers(min_value=-26, max_value=14))
# exactly on the bound, a relative hair either side (no double can see it), or clearly off it
HAIRS = (Fraction(0), Fraction(1, 10**30), Fraction(-1, 10**30))
NUDGES = st.sampled_from([*HAIRS, *(sign * Fraction(1, d) for d in (10**12, 1000, 4) for sign in (1, -1))])


def _number(value: Fraction) -> Any:
    """``value`` as a reader gives it: an integer, or a written decimal; None where no finite decimal is exact."""
    text = decimal_text(value)
    if text is None:
        return None
    return int(text) if "." not in text else Written(text)


def _energy(wh: Fraction, unit: str) -> dict[str, Any]:
    """An energy of exactly ``wh`` in ``unit``, else in J (a decimal number of Wh is one of J, too)."""
    for symbol in (unit, "J"):
        value = _number(wh / ENERGY[symbol])
        if value is not None:
            return {"value": value, "unit": symbol}
    raise ValueError(f"{wh} Wh is no decimal number of J")


def _context(document: dict[str, Any], protocol: Protocol = PROTOCOL) -> Context:
    return Context(data=document, protocol=protocol)


# -- plausibility: doubles that prove there is nothing to report -----------------------------------


def _repetitions_document(
    energies: list[dict[str, Any]],
    durations: list[Fraction],
    queries: list[int],
    count: int = 1,
    limit_w: Fraction = Fraction(700),
    closed: bool = True,
    intervals: tuple[Fraction, ...] = (Fraction(15),),
) -> dict[str, Any]:
    """Just what the plausibility checks read: accelerators, sampling intervals, repetitions."""
    return {
        "division": "closed" if closed else "open",
        "hardware": {"accelerators": {"count": count, "power_limit": {"value": _number(limit_w), "unit": "W"}}},
        "measurement": {
            "methods": {
                f"m{i}": {"sampling_interval": {"value": _number(seconds), "unit": "s"}}
                for i, seconds in enumerate(intervals)
            }
        },
        "results": {
            "repetitions": [
                {"energy": {"accelerator": e}, "duration": {"value": _number(d), "unit": "s"}, "queries": q}
                for e, d, q in zip(energies, durations, queries, strict=True)
            ]
        },
    }


def _fast_and_exact(
    check_function: Callable[[Context], Iterator[Problem]],
    fast_path: str,
    document: dict[str, Any],
    protocol: Protocol = PROTOCOL,
    slipped: frozenset[str] = frozenset(),
) -> tuple[list[Problem], list[Problem], list[bool]]:
    """The check's problems with its fast path, and without it (the exact definition); and what the fast path said."""
    said: list[bool] = []
    original = getattr(plausibility, fast_path)

    def recording(*args: Any, **kwargs: Any) -> bool:
        answer = original(*args, **kwargs)
        said.append(answer)
        return answer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(plausibility, "slipped", lambda ctx: set(slipped))
        patch.setattr(plausibility, fast_path, recording)
        fast = list(check_function(_context(document, protocol)))
        patch.setattr(plausibility, fast_path, lambda *args, **kwargs: False)
        exact_problems = list(check_function(_context(document, protocol)))
    return fast, exact_problems, said


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=-60, max_value=60),
    st.integers(min_value=-60, max_value=60),
    DECIMALS,
    NUDGES,
)
def test_surely_less_orders_only_what_the_exact_values_order(
    error_small: int, error_large: int, base: Fraction, nudge: Fraction
) -> None:
    small, large = base, base * (1 + nudge)
    near_small, near_large = filtered.approximate(small), filtered.approximate(large)
    assert near_small is not None and near_large is not None
    # each double up to 61 U off its exact value, in either direction
    near_small *= 1 + error_small * U
    near_large *= 1 + error_large * U
    if filtered.surely_less(near_small, near_large):
        assert small < large
    if filtered.surely_less(near_large, near_small):
        assert large < small
    if abs(nudge) >= Fraction(1, 1000):
        assert filtered.surely_less(near_small, near_large) == (small < large), "a clear order is seen"


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["AERP-P002", "AERP-P003"]),
    st.integers(min_value=1, max_value=8),
    DECIMALS,
    DECIMALS,
    NUDGES,
    st.sampled_from(sorted(ENERGY)),
    st.integers(min_value=0, max_value=9),
)
def test_mean_power_on_its_bound_is_decided_as_exactly(
    check_id: str, count: int, limit_w: Fraction, seconds: Fraction, nudge: Fraction, unit: str, others: int
) -> None:
    above = check_id == "AERP-P002"
    if above:
        factor = 1 + exact(PLAUSIBILITY["power_transient_tolerance"])
    else:
        factor = exact(PLAUSIBILITY["min_power_fraction"])
    bound_w = count * limit_w * factor
    on_bound = _energy(bound_w * seconds / 3600 * (1 + nudge), unit)
    inside = _energy(bound_w * seconds / 3600 * (Fraction(1, 2) if above else 2), unit)
    document = _repetitions_document(
        [inside] * others + [on_bound], [seconds] * (others + 1), [1000] * (others + 1), count, limit_w
    )
    function = plausibility.mean_power_within_limit if above else plausibility.mean_power_not_too_low
    fast, exact_problems, said = _fast_and_exact(function, "_powers_within", document)
    assert fast == exact_problems
    beyond = nudge > 0 if above else nudge < 0
    assert bool(exact_problems) == beyond
    if nudge in HAIRS:
        assert said == [False], "the doubles cannot tell a value on its bound, nor one a hair off it"
    elif not beyond and abs(nudge) >= Fraction(1, 1000):
        assert said == [True], "a value clearly inside is decided by the doubles"


@settings(max_examples=300, deadline=None)
@given(
    DECIMALS,
    st.integers(min_value=3, max_value=12),
    st.booleans(),
    NUDGES,
    st.sampled_from([1, 7, 1000]),
    st.integers(min_value=0, max_value=11),
)
def test_an_outlier_on_the_minimum_deviation_is_decided_as_exactly(
    per_query_wh: Fraction, count: int, upper: bool, nudge: Fraction, queries: int, position: int
) -> None:
    deviation = exact(PLAUSIBILITY["outlier"]["min_relative_deviation"])
    odd = per_query_wh * (1 + deviation if upper else 1 - deviation) * (1 + nudge)
    values = [per_query_wh] * (count - 1)
    values.insert(position % count, odd)
    energies = [_energy(v * queries, "Wh") for v in values]
    document = _repetitions_document(energies, [Fraction(200)] * count, [queries] * count)
    fast, exact_problems, said = _fast_and_exact(plausibility.outliers, "_no_outlier", document)
    assert fast == exact_problems
    # the others agree exactly (no spread at all): any deviation beyond the minimum is an outlier
    assert bool(exact_problems) == (abs(odd - per_query_wh) > deviation * per_query_wh)
    if nudge in HAIRS:
        assert said == [False]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=700, max_value=1300), min_size=1, max_size=12),
    st.integers(min_value=-20, max_value=8),
    st.lists(st.sampled_from([1, 3, 1000]), min_size=12, max_size=12),
    st.booleans(),
)
def test_outliers_and_variation_among_scattered_repetitions_are_decided_as_exactly(
    spread: list[int], exponent: int, queries: list[int], closed: bool
) -> None:
    values = [Fraction(m, 1000) * Fraction(10) ** exponent for m in spread]
    energies = [_energy(v * q, "kWh") for v, q in zip(values, queries, strict=False)]
    document = _repetitions_document(
        energies,
        [Fraction(100)] * len(values),
        queries[: len(values)],
        closed=closed,
    )
    for function, fast_path in ((plausibility.outliers, "_no_outlier"), (plausibility.variation, "_steady")):
        fast, exact_problems, _said = _fast_and_exact(function, fast_path, document)
        assert fast == exact_problems


@settings(max_examples=300, deadline=None)
@given(DECIMALS, NUDGES, st.sampled_from(["kWh", "J", "MJ"]), st.booleans())
def test_a_coefficient_of_variation_on_the_closed_limit_is_decided_as_exactly(
    mean_wh: Fraction, nudge: Fraction, unit: str, closed: bool
) -> None:
    # three values m(1 − d), m, m(1 + d) have a sample standard deviation of m·d: a CV of exactly d
    spread = exact(PLAUSIBILITY["max_cv_closed"]) * (1 + nudge)
    values = [mean_wh * (1 - spread), mean_wh, mean_wh * (1 + spread)]
    energies = [_energy(v, unit) for v in values]
    document = _repetitions_document(energies, [Fraction(100)] * 3, [1] * 3, closed=closed)
    fast, exact_problems, said = _fast_and_exact(plausibility.variation, "_steady", document)
    assert fast == exact_problems
    assert bool(exact_problems) == (closed and nudge > 0)
    if closed and nudge > -Fraction(1, 4):
        assert said == [False], "a CV near the limit is never decided by the bound through the range"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=-100, max_value=100), min_size=2, max_size=12),
    st.integers(min_value=1, max_value=40),
    DECIMALS,
)
@example(steps=[-100, 100], percent=9, mean_wh=Fraction(1))  # a range of 20 % of the least value: a CV of 13 %
def test_variation_around_the_closed_limit_is_decided_as_exactly(
    steps: list[int], percent: int, mean_wh: Fraction
) -> None:
    values = [mean_wh * (1 + Fraction(step * percent, 10000)) for step in steps]
    energies = [_energy(v, "J") for v in values]
    document = _repetitions_document(energies, [Fraction(100)] * len(values), [1] * len(values))
    fast, exact_problems, _said = _fast_and_exact(plausibility.variation, "_steady", document)
    assert fast == exact_problems


@settings(max_examples=300, deadline=None)
@given(
    DECIMALS,
    NUDGES,
    st.lists(st.sampled_from([Fraction(1), Fraction(1, 2), Fraction(-1)]), min_size=0, max_size=3),
    st.integers(min_value=1, max_value=6),
    st.booleans(),
)
def test_a_repetition_of_exactly_the_needed_sampling_intervals_is_decided_as_exactly(
    interval: Fraction, nudge: Fraction, shares: list[Fraction], count: int, slip_first: bool
) -> None:
    needed = PROTOCOL.params["min_sampling_intervals"]
    seconds = needed * interval * (1 + nudge)
    intervals = (interval, *(interval * share for share in shares))
    if _number(seconds) is None or any(_number(i) is None for i in intervals):
        return
    energy = {"value": 1, "unit": "Wh"}
    document = _repetitions_document([energy] * count, [seconds] * count, [1000] * count, intervals=intervals)
    slipped = frozenset({"/results/repetitions/0/duration"}) if slip_first else frozenset()
    fast, exact_problems, said = _fast_and_exact(plausibility.enough_samples, "_long_enough", document, slipped=slipped)
    assert fast == exact_problems
    read = not (slip_first and count == 1)  # a slipped duration is AERP-C007's, and left out here
    assert bool(exact_problems) == (nudge < 0 and read)
    if nudge in HAIRS and read:
        assert said == [False]


# each plausibility check with the name of the fast path that may prove it has nothing to report
FAST_PATHS = [
    (plausibility.mean_power_within_limit, "_powers_within"),
    (plausibility.mean_power_not_too_low, "_powers_within"),
    (plausibility.outliers, "_no_outlier"),
    (plausibility.variation, "_steady"),
    (plausibility.enough_samples, "_long_enough"),
]


def test_the_fast_paths_decide_the_clean_reference_results() -> None:
    """Not vacuous: on the clean reference results every fast path proves that there is nothing to report."""
    checks = FAST_PATHS
    decided = 0
    for document in CLEAN.values():
        for function, fast_path in checks:
            fast, exact_problems, said = _fast_and_exact(function, fast_path, document)
            assert fast == exact_problems == []
            decided += all(said)
    assert decided == len(CLEAN) * len(checks)


@pytest.mark.parametrize("document", _reference_documents())
def test_the_plausibility_fast_paths_change_no_finding_of_any_reference_result(document: Any) -> None:
    protocol, _problem = resolve_version(document)
    if protocol is None:
        return
    checks = FAST_PATHS
    for function, fast_path in checks:
        try:
            _fast, exact_problems, _said = _fast_and_exact(function, fast_path, copy.deepcopy(document), protocol)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError):
            continue  # a document the schema rejects: the pipeline never runs the check on it
        fast, _exact, _said = _fast_and_exact(function, fast_path, copy.deepcopy(document), protocol)
        assert fast == exact_problems


def test_a_changed_tolerance_and_a_second_file_are_decided_afresh() -> None:
    """The protocol's numbers are remembered by their values, the repetitions' doubles per file."""
    seconds = Fraction(100)
    over = _energy(Fraction(700) * Fraction(12, 10) * seconds / 3600, "J")  # 1.2 × the limit
    under = _energy(Fraction(700) * Fraction(9, 10) * seconds / 3600, "J")
    strict = _repetitions_document([over] * 3, [seconds] * 3, [1000] * 3)
    clean = _repetitions_document([under] * 3, [seconds] * 3, [1000] * 3)
    plausibility_params = {**PLAUSIBILITY, "power_transient_tolerance": 0.5}
    lenient = dataclasses.replace(PROTOCOL, params={**PROTOCOL.params, "plausibility": plausibility_params})
    function = plausibility.mean_power_within_limit
    for document, protocol, expected in (
        (clean, PROTOCOL, False),
        (strict, PROTOCOL, True),
        (strict, lenient, False),
        (strict, PROTOCOL, True),
    ):
        fast, exact_problems, _said = _fast_and_exact(function, "_powers_within", document, protocol)
        assert fast == exact_problems
        assert bool(fast) == expected


def test_values_the_doubles_cannot_stand_for_are_left_to_the_exact_definition() -> None:
    tiny = {"value": Written("1e-400"), "unit": "Wh"}  # reads as 0.0, yet positive
    huge = {"value": 10**400, "unit": "J"}
    zero = {"value": 0, "unit": "Wh"}
    for odd in (tiny, huge, zero):
        document = _repetitions_document([odd, {"value": 1, "unit": "Wh"}], [Fraction(100)] * 2, [1000] * 2)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(plausibility, "slipped", lambda ctx: set())
            assert plausibility._near_repetitions(_context(document)) is None
    assert plausibility._parameter("0.05") is None  # only numbers as read take the fast path
    assert plausibility._parameter(float("nan")) is None


# -- the rated metric summed as integers -----------------------------------------------------------


def _rated_metric_as_defined(ctx: Context) -> Fraction | None:
    """The definition: the mean of Fractions, added one by one."""
    per = exact(ctx.params["rated_per_queries"])
    component = ctx.params["rated_component"]
    values: list[Fraction] = []
    for repetition in ctx.data["results"]["repetitions"]:
        quantity = repetition.get("energy", {}).get(component)
        queries = repetition.get("queries")
        if not isinstance(quantity, dict) or not isinstance(queries, int) or queries <= 0:
            values = []
            break
        try:
            values.append(exact_canonical(quantity, "energy", ctx.protocol) * per / queries)
        except (KeyError, TypeError, ValueError):
            values = []
            break
    return sum(values, Fraction(0)) / len(values) if values else None


_ENERGY_VALUES = st.one_of(
    st.builds(lambda m, e: Written(f"{m}e{e}"), MANTISSAS, st.integers(min_value=-30, max_value=30)),
    st.builds(lambda m, e: Written(f"-{m}e{e}"), MANTISSAS, st.integers(min_value=-30, max_value=30)),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(min_value=1e-30, max_value=1e30),
    st.sampled_from([True, "12.5", "abc", None, Written("0.0"), 0]),
)
_REPETITIONS = st.lists(
    st.fixed_dictionaries(
        {
            "energy": st.fixed_dictionaries(
                {
                    "accelerator": st.fixed_dictionaries(
                        {"value": _ENERGY_VALUES, "unit": st.sampled_from([*sorted(ENERGY), "W", "kwh", None])}
                    )
                }
            ),
            "queries": st.one_of(st.integers(min_value=-2, max_value=10**6), st.sampled_from([True, None, "5"])),
        }
    ),
    max_size=12,
)


def _outcome(function: Callable[[Context], Any], ctx: Context) -> Any:
    try:
        return function(ctx)
    except Exception as error:  # the same failure is the same outcome
        return type(error)


@settings(max_examples=500, deadline=None)
@given(_REPETITIONS)
def test_the_rated_metric_is_the_mean_of_its_fractions(repetitions: list[dict[str, Any]]) -> None:
    document = {"results": {"repetitions": repetitions}}
    assert _outcome(rating_checks.rated_metric, _context(document)) == _outcome(
        _rated_metric_as_defined, _context(document)
    )


def _rateable_as_defined(ctx: Context) -> tuple[Fraction | None, dict[str, Any]]:
    """The definition: the inputs named and compared with the disputed values in every case."""
    metric = _rated_metric_as_defined(ctx)
    summary = rating_checks._summary(ctx)
    shown = metric if metric is not None else summary
    if shown is not None:
        ctx.facts["energy_wh_per_1000_queries"] = to_float(shown)
    if metric is None or metric <= 0:
        return None, ctx.facts
    component = ctx.params["rated_component"]
    inputs = {rating_checks.SUMMARY} | {
        f"/results/repetitions/{i}/energy/{component}" for i in range(len(ctx.data["results"]["repetitions"]))
    }
    if inputs & disputed(ctx):
        return None, ctx.facts
    return metric, ctx.facts


@pytest.mark.parametrize("document", _reference_documents())
def test_a_rated_metric_is_rateable_where_it_was(document: Any) -> None:
    protocol, _problem = resolve_version(document)
    if protocol is None:
        return
    expected = _outcome(_rateable_as_defined, _context(copy.deepcopy(document), protocol))
    if not isinstance(expected, tuple):
        return  # the schema rejects the document: the pipeline never asks
    ctx = _context(copy.deepcopy(document), protocol)
    assert (rating_checks.rateable(ctx), ctx.facts) == expected


def test_the_disputed_inputs_still_keep_a_metric_from_being_rated() -> None:
    document = copy.deepcopy(CLEAN["image-to-text-blip-image-captioning-large.yaml"])
    energy = document["results"]["repetitions"][0]["energy"]
    energy["accelerator"] = {"value": exact(energy["accelerator"]["value"]) * 1000, "unit": "kWh"}  # a kWh slip
    ctx = _context(document)
    assert "/results/repetitions/0/energy/accelerator" in disputed(ctx)
    assert rating_checks.rateable(ctx) is None
    assert _rateable_as_defined(_context(copy.deepcopy(document)))[0] is None


# -- rating scales remembered by their numbers -----------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**30), 10**30)),
        max_size=6,
    )
)
def test_a_scale_is_the_exact_decimals_of_its_numbers(edges: list[float | int]) -> None:
    from aerp.rating import _exact_edges

    assert _exact_edges(edges) == [exact(t) for t in edges]
    assert _exact_edges(edges) == [exact(t) for t in edges]  # remembered: the same answer


def _with_thresholds(task: str, edges: list[Any]) -> Protocol:
    rating = PROTOCOL.params["rating"]
    table = {**rating["thresholds"], task: edges}
    return dataclasses.replace(PROTOCOL, params={**PROTOCOL.params, "rating": {**rating, "thresholds": table}})


def test_a_changed_scale_is_read_anew_and_each_caller_gets_its_own_list() -> None:
    task = "summarization"
    written = [exact(t) for t in PROTOCOL.params["rating"]["thresholds"][task]]
    assert thresholds(PROTOCOL, task, None) == written
    assert thresholds(_with_thresholds(task, [1, 2.5, 1e23, 4]), task, None) == [1, Fraction(5, 2), 10**23, 4]
    # equal to the double 1e23, but an integer: its own value, not the double's decimal
    assert thresholds(_with_thresholds(task, [1, 2.5, 99999999999999991611392, 4]), task, None)[2] == (
        99999999999999991611392
    )
    assert thresholds(_with_thresholds(task, [1, Written("2.50000000000000000001")]), task, None)[1] == Fraction(
        "2.50000000000000000001"
    )
    assert thresholds(PROTOCOL, task, None) == written
    handed = thresholds(PROTOCOL, task, None)
    handed.append(Fraction(0))
    assert thresholds(PROTOCOL, task, None) == written


# -- the catalogue through its index ---------------------------------------------------------------


def _find_as_defined(accelerators: dict[str, Any], protocol: Protocol) -> dict[str, Any] | None:
    """The definition: every entry of the vendor compared by the normal form of each of its names, in turn."""
    normal = catalogue._normal
    vendor = str(accelerators.get("vendor", ""))
    name = normal(str(accelerators.get("model", "")), vendor)
    candidates = [
        entry
        for entry in entries(protocol)
        if entry["vendor"].lower() == vendor.lower() and name in {normal(n, vendor) for n in entry["names"]}
    ]
    return catalogue.the_one(candidates, accelerators, protocol)  # the index changes which match, not how one is chosen


def _accelerator_variants(protocol: Protocol) -> list[dict[str, Any]]:
    found = []
    catalogue_entries = entries(protocol)
    form_factors = [*sorted({e["form_factor"] for e in catalogue_entries}), "OAM", "other"]
    memories = [None, {"value": 80, "unit": "GB"}, {"value": 94, "unit": "GB"}, {"value": "x", "unit": "GB"}]
    for entry in catalogue_entries:
        for name in [*entry["names"], entry["model"], entry["model"].upper() + " 80GB HBM3", "x" + entry["model"]]:
            for vendor in (entry["vendor"], entry["vendor"].upper(), entry["vendor"].lower(), "Other"):
                for form_factor in form_factors:
                    for memory in memories:
                        accelerators = {"vendor": vendor, "model": name, "form_factor": form_factor}
                        if memory is not None:
                            accelerators["memory"] = memory
                        found.append(accelerators)
    return found


@pytest.mark.parametrize("protocol", [PROTOCOL, V11], ids=["1.0", "1.1"])
def test_the_index_finds_what_every_entry_compared_in_turn_finds(protocol: Protocol) -> None:
    variants = _accelerator_variants(protocol)
    assert len(variants) > 1000
    matched = 0
    for accelerators in variants:
        expected = _find_as_defined(accelerators, protocol)
        assert find(accelerators, protocol) is expected
        matched += expected is not None
    assert matched > 100


def test_the_entry_is_found_once_per_file_and_never_carried_to_the_next() -> None:
    first = _context({"hardware": {"accelerators": {"vendor": "NVIDIA", "model": "H100 PCIe", "form_factor": "PCIe"}}})
    second = _context({"hardware": {"accelerators": {"vendor": "NVIDIA", "model": "Tesla T4", "form_factor": "PCIe"}}})
    nothing = _context({"hardware": {}})
    first_entry, second_entry = entry_of(first), entry_of(second)
    assert first_entry is not None and first_entry["id"] == "nvidia-h100-pcie-80gb"
    assert second_entry is not None and second_entry["id"] == "nvidia-t4"
    assert entry_of(first) is first_entry and entry_of(nothing) is None


@pytest.mark.parametrize(
    "memory",
    [
        {"value": 80, "unit": "GB"},
        {"value": Written("80.0"), "unit": "GB"},
        {"value": Written("80.000000000000000001"), "unit": "GB"},
        {"value": 81920, "unit": "GiB"},
        {"value": 94, "unit": "GB"},
        {"value": 80, "unit": "TB"},
        {"value": 80, "unit": "gb"},
        {"value": True, "unit": "GB"},
        {"value": 80},
        "80 GB",
    ],
)
def test_the_reference_memory_is_compared_as_exactly(memory: Any) -> None:
    document = copy.deepcopy(CLEAN["image-to-text-blip-image-captioning-large.yaml"])
    document["hardware"]["accelerators"]["memory"] = memory
    fast = list(hardware.reference_hardware(_context(document)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hardware, "_same_integer_quantity", lambda *args: False)
        assert list(hardware.reference_hardware(_context(document))) == fast


# -- disclosure: every pattern in one walk ---------------------------------------------------------

_TOKENS = st.sampled_from(["*", "value", "unit", "a/b", "a~1b", "~0", "0", "1", "", "hardware", "accelerators", "x"])
_PATTERNS = st.lists(st.lists(_TOKENS, max_size=4).map(lambda t: "".join(f"/{x}" for x in t)), max_size=12)
_SHAPES = st.recursive(
    st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["N/A", " TBD ", "latest", "2.4.0", ""])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["value", "unit", "a/b", "~0", "*", "0", "x", "hardware"]), inner, max_size=3),
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(_SHAPES, _PATTERNS)
def test_one_walk_finds_what_every_expansion_finds(document: Any, patterns: list[str]) -> None:
    unique = tuple(dict.fromkeys(patterns))
    assert expand_all(document, unique) == [list(expand(document, p)) for p in unique]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(_reference_documents()), st.data())
def test_the_disclosure_patterns_are_found_as_expanded_in_grafted_results(param: Any, data: st.DataObject) -> None:
    document = graft(param.values[0], data.draw, _SHAPES)
    for protocol in (PROTOCOL, V11):
        rules = protocol.params["disclosure"]
        patterns = tuple(dict.fromkeys([*rules["required"], *rules["recommended"], *disclosure._VERSION_PATTERNS]))
        assert expand_all(document, patterns) == [list(expand(document, p)) for p in patterns]


def _disclosure_as_defined(ctx: Context) -> list[tuple[str, Problem]]:
    """The definition of AERP-D002, D003 and D005: one expansion per pattern, sets built for every file."""
    found: list[tuple[str, Problem]] = []
    words = frozenset(str(w).lower() for w in ctx.params["disclosure"]["placeholders"])
    for level in ("required", "recommended"):
        for pattern, meaning in ctx.params["disclosure"][level].items():
            for pointer, value in expand(ctx.data, pattern):
                if isinstance(value, str) and value.strip().lower() in words:
                    found.append(
                        (
                            "AERP-D002",
                            Problem(
                                pointer,
                                f"missing disclosure: {meaning} holds the placeholder `{value}`",
                                hint="state the actual value; a placeholder counts as missing",
                            ),
                        )
                    )
    for pattern, meaning in ctx.params["disclosure"]["recommended"].items():
        if not list(expand(ctx.data, pattern)):
            parent = pattern.rsplit("/", 1)[0]
            message = f"recommended disclosure is missing: {meaning} (`{describe(pattern)}`)"
            found.append(("AERP-D003", Problem(parent, message)))
    version_words = {w.lower() for w in ctx.params["disclosure"]["version_words"]}
    characters = set(ctx.params["disclosure"]["version_characters"])
    for pattern in ["/software/*/version", "/measurement/methods/*/tool/version"]:
        for pointer, value in expand(ctx.data, pattern):
            if not isinstance(value, str):
                continue
            text = value.strip()
            if text.lower() in version_words or (characters & set(text)) or text.lower().endswith((".x", ".*")):
                found.append(
                    (
                        "AERP-D005",
                        Problem(
                            pointer,
                            f"`{value}` is not one exact version",
                            hint="state the release number (e.g. 2.4.0) or the commit identifier that ran",
                        ),
                    )
                )
    return found


def _disclosure_findings(ctx: Context) -> list[tuple[str, Problem]]:
    return (
        [("AERP-D002", p) for p in disclosure.placeholders(ctx)]
        + [("AERP-D003", p) for p in disclosure.recommended(ctx)]
        + [("AERP-D005", p) for p in disclosure.exact_versions(ctx)]
    )


_STRINGS = st.sampled_from(["N/A", " TBD ", "unknown", "latest", ">=2.4", "2.*", "2.4.x", "main", "2.4.0", "", "ok"])


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(CONFORMANT)), st.data())
def test_disclosure_findings_keep_their_order(name: str, data: st.DataObject) -> None:
    document = copy.deepcopy(CONFORMANT[name])
    strings = [p for p in paths(document) if p and isinstance(_at(document, p), str)]
    for _ in range(data.draw(st.integers(0, 6))):
        *parent, last = data.draw(st.sampled_from(strings))
        _at(document, tuple(parent))[last] = data.draw(_STRINGS)
    if data.draw(st.booleans()):
        document["model"].pop("quantization", None)
    for protocol in (PROTOCOL, V11):
        expected = _disclosure_as_defined(_context(document, protocol))
        assert _disclosure_findings(_context(document, protocol)) == expected


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _with_disclosure(**changes: Any) -> Protocol:
    rules = {**PROTOCOL.params["disclosure"], **changes}
    return dataclasses.replace(PROTOCOL, params={**PROTOCOL.params, "disclosure": rules})


def test_changed_placeholder_and_version_words_are_read_anew() -> None:
    """The words are remembered by the protocol's own lists, never by its version alone."""
    document = copy.deepcopy(CLEAN["image-to-text-blip-image-captioning-large.yaml"])
    document["hardware"]["operating_system"] = "pending"
    document["dataset"]["revision"] = "pending"
    document["software"]["framework"]["version"] = "edge"
    words = PROTOCOL.params["disclosure"]["placeholders"]
    pending = _with_disclosure(placeholders=[*words, "pending"])
    edge = _with_disclosure(version_words=[*PROTOCOL.params["disclosure"]["version_words"], "edge"])
    for protocol, placeholder, versions in ((PROTOCOL, 0, 0), (pending, 1, 0), (edge, 0, 1), (PROTOCOL, 0, 0)):
        ctx = _context(document, protocol)
        assert len(list(disclosure.placeholders(ctx))) == 2 * placeholder  # the system and the dataset revision
        assert len(list(tasks.dataset_revision_pinned(_context(document, protocol)))) == 1 - placeholder
        assert len(list(disclosure.exact_versions(ctx))) == versions
        expected = _disclosure_as_defined(_context(document, protocol))
        assert _disclosure_findings(_context(document, protocol)) == expected


# -- units: one look at the factors, one pass for the signs ----------------------------------------


def _conversion_problems_as_defined(ctx: Context) -> list[Problem]:
    found = []
    for pointer, dimension, quantity in quantities_of(ctx):
        if overflowing(quantity, dimension, ctx.protocol):
            canonical = vocabulary(ctx.protocol).canonical[dimension]
            found.append(
                Problem(
                    f"{pointer}/value",
                    f"{quantity['value']} {quantity['unit']} is too large to express in {canonical} as a finite number",
                    hint="check the value and its unit",
                )
            )
    return found


def _signs_as_defined(ctx: Context, dimensions: set[str], strict: bool) -> list[Problem]:
    found = []
    for pointer, dimension, quantity in quantities_of(ctx):
        value = quantity["value"]
        if dimension in dimensions and (value < 0 or (strict and value == 0)):
            what = "zero" if value == 0 else "negative"
            must = "positive" if strict else "zero or positive"
            found.append(
                Problem(
                    pointer,
                    f"{describe(pointer)} is {what} ({value} {quantity['unit']}); it must be {must}",
                    hint=units._SIGNED_HINT.get(dimension) if value < 0 else None,
                )
            )
    return found


_EXTREMES = st.one_of(
    st.builds(lambda m, e: Written(f"{m}e{e}"), MANTISSAS, st.integers(min_value=280, max_value=320)),
    st.builds(lambda m, e: Written(f"-{m}e{e}"), MANTISSAS, st.integers(min_value=280, max_value=320)),
    st.builds(lambda e: 10**e, st.integers(min_value=290, max_value=330)),
    st.sampled_from([0, -1, Written("0.0"), Written("-0.0"), Written("1e-400"), Written("-1e-400"), 1.5, -2.5]),
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(CLEAN)), st.data())
def test_conversions_and_signs_are_found_as_defined(name: str, data: st.DataObject) -> None:
    document = copy.deepcopy(CLEAN[name])
    places = [pointer for pointer, _dimension, _quantity in units.quantities(document, "1.0")]
    for _ in range(data.draw(st.integers(1, 8))):
        pointer = data.draw(st.sampled_from(places))
        quantity = _at(document, tuple(int(t) if t.isdigit() else t for t in pointer.split("/")[1:]))
        quantity["value"] = data.draw(_EXTREMES)
    ctx = _context(document)
    assert list(units.conversion_problems(ctx)) == _conversion_problems_as_defined(_context(document))
    assert list(units.positive(ctx)) == _signs_as_defined(ctx, {"energy", "power", "duration", "memory"}, True)
    assert list(units.not_negative(ctx)) == _signs_as_defined(ctx, {"mass_co2e", "carbon_intensity"}, False)


# -- artifacts and the measurement boundary ----------------------------------------------------------


def test_a_control_character_is_every_character_below_u0020() -> None:
    for code in range(0x300):
        path = f"logs/a{chr(code)}b.json"
        assert (artifacts._unconfined(path) == "it holds a control character") == (code < 32), code


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["accelerator", "cpu", "ram", "total", "host"]), max_size=4),
    st.lists(
        st.lists(st.sampled_from(["accelerator", "cpu", "ram", "total", "x"]), max_size=4, unique=True), max_size=4
    ),
    st.booleans(),
)
def test_energies_are_compared_with_the_boundary_as_defined(
    boundary: list[str], energies: list[list[str]], closed: bool
) -> None:
    document = {
        "division": "closed" if closed else "open",
        "measurement": {"boundary": boundary},
        "results": {"repetitions": [{"energy": dict.fromkeys(keys, 1)} for keys in energies]},
    }
    expected = []
    ctx = _context(document)
    full = measurement._boundary(ctx)
    for index, repetition in enumerate(energies):
        missing = [c for c in full if c not in repetition]
        extra = [c for c in repetition if c != "total" and c not in full]
        where = f"/results/repetitions/{index}/energy"
        if missing:
            expected.append(where)
        expected += [f"{where}/{c}" for c in extra]
    assert [p.pointer for p in measurement.energy_matches_boundary(ctx)] == expected


_INTERVALS = st.fixed_dictionaries(
    {
        "value": st.one_of(
            st.sampled_from([15, 1, 14, 16, 60, 0, -1]),  # on the bounds (15 s, 1 s), around them, in other units
            st.integers(min_value=-2, max_value=120),
            st.sampled_from(
                [Written("15.0"), Written("15.000000000000000001"), Written("14.999999999999999999"), True]
            ),
            st.sampled_from([Written("0.5"), Written("1e-400"), 15000, 1000, 1001, 999]),
        ),
        "unit": st.sampled_from(["s", "ms", "min", "h"]),
    }
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["accelerator", "cpu", "ram"]), _INTERVALS, min_size=1, max_size=3),
    st.sampled_from(["energy-counter", "power-sampling"]),
)
@example(
    intervals={"cpu": {"value": 15, "unit": "s"}, "accelerator": {"value": 1, "unit": "s"}}, method="power-sampling"
)
def test_sampling_intervals_are_compared_with_their_bounds_as_exactly(
    intervals: dict[str, dict[str, Any]], method: str
) -> None:
    document = {
        "division": "closed",
        "measurement": {"methods": {c: {"method": method, "sampling_interval": q} for c, q in intervals.items()}},
    }
    checks = ((measurement.sampling_interval_bound, PROTOCOL), (measurement.closed_sampling, V11))
    found = [_outcome(lambda ctx, f=f: list(f(ctx)), _context(document, p)) for f, p in checks]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(measurement, "_same_whole_unit", lambda *args: False)
        assert [_outcome(lambda ctx, f=f: list(f(ctx)), _context(document, p)) for f, p in checks] == found
