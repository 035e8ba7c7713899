"""Arithmetic consistency: the numbers of a submission agree with each other.

All arithmetic is in canonical units. The relations are: components add up to the total,
phases add up to the repetition, the summary agrees with the repetitions, mean power ×
duration agrees with energy, and emissions agree with energy × carbon intensity (× PUE).

The commonest defect in energy results is a unit slip — a value in Wh written as kWh, J
as Wh, ms as s — and a slip breaks several relations at once. So before reporting a broken
relation the analysis asks whether a single value, corrected by a slip factor from
protocol.yaml, repairs it (or stands out from the other repetitions by such a factor). If
so, that value gets one AERP-C007 finding naming the slip and the fix, and every later
relation uses the corrected value: one defect, one finding.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aerp.findings import Severity
from aerp.places import describe
from aerp.quantities import from_canonical, to_canonical, vocabulary
from aerp.registry import Context, Problem, check

INPUTS = ("/results", "/measurement")
_ANALYSIS = "consistency"


@dataclass
class Term:
    pointer: str
    canonical: float
    unit: str
    dimension: str
    scale: float = 1.0


@dataclass
class Report:
    check: str
    kind: str
    problem: Problem
    factor: float | None = None


@dataclass
class Relation:
    """One identity between values of the submission: ``lhs == combine(rhs)`` within a tolerance."""

    check: str
    kind: str
    name: str
    lhs: Term
    rhs: list[Term]
    combine: Callable[[list[float]], float]
    tolerance: float
    message: Callable[[float, float], str]
    hint: str | None
    severity: Severity | None

    @property
    def terms(self) -> list[Term]:
        return [self.lhs, *self.rhs]


def _fmt(value: float) -> str:
    return f"{value:.6g}"


class Analysis:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.protocol = ctx.protocol
        self.tolerances = ctx.params["tolerances"]
        slips = ctx.params["magnitude_slips"]
        self.slip_tolerance = float(slips["tolerance"])
        self.factors = [float(f) for f in slips["factors"]]
        self.min_gap = float(slips["min_gap"])
        self.corrected: dict[str, float] = {}
        self.reports: list[Report] = []
        self.relations: list[Relation] = []
        self.results = ctx.data["results"]
        self.repetitions: list[dict[str, Any]] = self.results["repetitions"]

    # -- terms ---------------------------------------------------------------------------
    def term(self, pointer: str, node: Any, dimension: str, scale: float = 1.0) -> Term | None:
        if not isinstance(node, dict):
            return None
        try:
            canonical = to_canonical(node, dimension, self.protocol)
        except (KeyError, TypeError, ValueError):
            return None
        return Term(pointer, canonical, node["unit"], dimension, scale)

    def value(self, term: Term) -> float:
        return self.corrected.get(term.pointer, term.canonical) * term.scale

    def in_unit(self, canonical: float, unit: str, term: Term) -> str:
        return f"{_fmt(from_canonical(canonical, unit, term.dimension, self.protocol))} {unit}"

    def shown(self, term: Term, canonical: float) -> str:
        return f"{_fmt(from_canonical(canonical, term.unit, term.dimension, self.protocol))} {term.unit}"

    # -- slips ---------------------------------------------------------------------------
    def slip_of(self, ratio: float) -> float | None:
        """The slip factor F when ``ratio`` is F or 1/F for a known F, else None."""
        if ratio <= 0:
            return None
        for factor in self.factors:
            for candidate in (factor, 1 / factor):
                if abs(ratio / candidate - 1) <= self.slip_tolerance:
                    return candidate
        return None

    def report_slip(self, kind: str, term: Term, factor: float, basis: str) -> None:
        written = self.corrected.get(term.pointer, term.canonical)
        right = written / factor
        self.corrected[term.pointer] = right
        vocab = vocabulary(self.protocol)
        size = f"{_fmt(factor)}× too large" if factor > 1 else f"{_fmt(1 / factor)}× too small"
        symbols = vocab.dimensions[term.dimension]
        meant = [s for s, f in symbols.items() if abs(float(f) * factor / float(symbols[term.unit]) - 1) < 1e-9]
        cause = f"the number looks like {meant[0]}, written with unit {term.unit}" if meant else "a unit slip"
        self.reports.append(
            Report(
                "AERP-C007",
                kind,
                Problem(
                    term.pointer,
                    f"{describe(term.pointer)} is {self.shown(term, written)}, {size} compared with {basis}: {cause}",
                    hint=f"write {self.shown(term, right)}"
                    + (f" (or {self.in_unit(right, meant[0], term)})" if meant else ""),
                ),
                factor,
            )
        )

    def outliers(self, kind: str, series: list[Term]) -> None:
        """A value that is a slip factor away from the median of its series is a slip."""
        if len(series) < 3:
            return
        median = statistics.median(self.value(t) for t in series)
        if median <= 0:
            return
        for term in series:
            factor = self.slip_of(self.value(term) / median)
            if factor is not None:
                self.report_slip(
                    kind, term, factor, f"the other repetitions (median {self.shown(term, median / term.scale)})"
                )

    # -- relations -----------------------------------------------------------------------
    def relate(
        self,
        check_id: str,
        name: str,
        kind: str,
        lhs: Term,
        rhs: list[Term],
        combine: Callable[[list[float]], float],
        tolerance: float,
        message: Callable[[float, float], str],
        hint: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        """Record the identity ``lhs == combine(rhs)``; :meth:`run` evaluates every identity."""
        self.relations.append(Relation(check_id, kind, name, lhs, rhs, combine, tolerance, message, hint, severity))

    def sides(self, relation: Relation, index: int | None = None, value: float | None = None) -> tuple[float, float]:
        values = [self.value(t) for t in relation.terms]
        if index is not None and value is not None:
            values[index] = value
        return values[0], relation.combine(values[1:])

    def holds(self, relation: Relation) -> bool:
        if any(self.value(t) <= 0 for t in relation.terms):
            return True  # a zero or negative value is AERP-U004's finding; the identity is moot
        return _close(*self.sides(relation), relation.tolerance)

    def attribute_slip(self, relation: Relation) -> None:
        """A large gap that one value, corrected by a slip factor, closes: that value slipped."""
        left, right = self.sides(relation)
        if abs(left - right) < self.min_gap * max(abs(left), abs(right)):
            return
        candidates: list[tuple[Term, float]] = []
        for index, term in enumerate(relation.terms):
            for factor in (f for base in self.factors for f in (base, 1 / base)):
                if _close(*self.sides(relation, index, self.value(term) / factor), relation.tolerance):
                    candidates.append((term, factor))
        if len(candidates) == 1:
            term, factor = candidates[0]
            self.report_slip(relation.kind, term, factor, "what the rest of the file implies")

    def implied(self, relation: Relation, index: int) -> float | None:
        """The value of term ``index`` (canonical) that would satisfy ``relation``; every identity is linear in it."""
        term = relation.terms[index]
        current = self.value(term)
        r0 = _residual(*self.sides(relation, index, current))
        r1 = _residual(*self.sides(relation, index, 2 * current))
        if r1 == r0:
            return None
        solved = current - r0 * current / (r1 - r0)
        return solved / term.scale if solved > 0 else None

    def culprits(self, failing: list[Relation]) -> list[Relation]:
        """One value that several broken identities agree on is one defect: report it once."""
        votes: dict[str, list[tuple[Relation, float, Term]]] = {}
        for relation in failing:
            for index, term in enumerate(relation.terms):
                value = self.implied(relation, index)
                if value is not None:
                    votes.setdefault(term.pointer, []).append((relation, value, term))
        agreeing: dict[str, list[tuple[Relation, float, Term]]] = {}
        for pointer, entries in votes.items():
            values = [value for _, value, _ in entries]
            tolerance = max(relation.tolerance for relation, _, _ in entries)
            if len(entries) >= 2 and max(values) - min(values) <= tolerance * max(values):
                agreeing[pointer] = entries
        explained: set[int] = set()
        for pointer, entries in sorted(agreeing.items(), key=lambda item: -len(item[1])):
            relations = frozenset(id(e[0]) for e in entries)
            rivals = [p for p, e in agreeing.items() if p != pointer and frozenset(id(x[0]) for x in e) == relations]
            if rivals or relations & explained:
                continue  # several values would explain the same gaps equally well: blame none
            relation, value, term = next((e for e in entries if e[0].severity is None), entries[0])
            names = _join([e[0].name for e in entries])
            current = self.corrected.get(term.pointer, term.canonical)
            self.reports.append(
                Report(
                    relation.check,
                    relation.kind,
                    Problem(
                        pointer,
                        f"{describe(pointer)} is {self.shown(term, current)} but {names} agree it should be "
                        f"{self.shown(term, value)}",
                        hint=f"correct {describe(pointer)}; the values around it agree with each other",
                        severity=relation.severity,
                    ),
                )
            )
            explained |= relations
        return [relation for relation in failing if id(relation) not in explained]

    # -- the analysis --------------------------------------------------------------------
    def run(self) -> list[Report]:
        self.cross_repetition()
        self.components()
        self.phases()
        self.summary()
        self.power()
        self.emissions()
        for relation in self.relations:
            if not self.holds(relation):
                self.attribute_slip(relation)
        failing = self.culprits([r for r in self.relations if not self.holds(r)])
        for relation in failing:
            left, right = self.sides(relation)
            self.reports.append(
                Report(
                    relation.check,
                    relation.kind,
                    Problem(
                        relation.lhs.pointer,
                        relation.message(left, right),
                        hint=relation.hint,
                        severity=relation.severity,
                    ),
                )
            )
        return _aggregate(self.reports)

    def energy_terms(self, index: int, node: dict[str, Any], base: str) -> dict[str, Term]:
        queries = self.repetitions[index].get("queries") or 1
        terms = {}
        for key, quantity in node.items():
            term = self.term(f"{base}/{key}", quantity, "energy", 1 / queries)
            if term is not None:
                terms[key] = term
        return terms

    def cross_repetition(self) -> None:
        series: dict[str, list[Term]] = {}
        for index, repetition in enumerate(self.repetitions):
            base = f"/results/repetitions/{index}"
            queries = repetition.get("queries") or 1
            for key, term in self.energy_terms(index, repetition.get("energy", {}), f"{base}/energy").items():
                series.setdefault(f"energy/{key}", []).append(term)
            for phase, node in repetition.get("phases", {}).items():
                for key, term in self.energy_terms(index, node, f"{base}/phases/{phase}").items():
                    series.setdefault(f"phase/{phase}/{key}", []).append(term)
            duration = self.term(f"{base}/duration", repetition.get("duration"), "duration", 1 / queries)
            if duration:
                series.setdefault("duration", []).append(duration)
            for key, quantity in repetition.get("mean_power", {}).items():
                power = self.term(f"{base}/mean_power/{key}", quantity, "power")
                if power:
                    series.setdefault(f"power/{key}", []).append(power)
            emissions = self.term(f"{base}/emissions", repetition.get("emissions"), "mass_co2e", 1 / queries)
            if emissions:
                series.setdefault("emissions", []).append(emissions)
        for kind, terms in series.items():
            self.outliers(kind, terms)

    def add_up(self, kind: str, where: str, node: dict[str, Term], label: str) -> None:
        total = node.get("total")
        parts = [t for k, t in node.items() if k != "total"]
        if total is None or not parts:
            return
        names = " + ".join(k for k in node if k != "total")
        self.relate(
            "AERP-C001",
            "the sum of the components",
            kind,
            total,
            parts,
            sum,
            self.tolerances["sum"],
            lambda left, right: (
                f"{describe(total.pointer)} is {self.shown(total, left / total.scale)} but "
                f"{names} add up to {self.shown(total, right / total.scale)}"
            ),
            hint=f"{label}: total = {names}",
        )

    def components(self) -> None:
        boundary = set(self.ctx.data["measurement"].get("boundary", []))
        for index, repetition in enumerate(self.repetitions):
            energy = repetition.get("energy", {})
            if not boundary <= set(energy):
                continue  # a missing component is AERP-M003's finding
            self.add_up(
                "sum",
                f"/results/repetitions/{index}",
                self.energy_terms(index, energy, f"/results/repetitions/{index}/energy"),
                "components",
            )
            for phase, node in repetition.get("phases", {}).items():
                self.add_up(
                    "phase-sum",
                    f"/results/repetitions/{index}/phases/{phase}",
                    self.energy_terms(index, node, f"/results/repetitions/{index}/phases/{phase}"),
                    f"{phase} phase",
                )

    def phases(self) -> None:
        for index, repetition in enumerate(self.repetitions):
            phases = repetition.get("phases")
            if not phases:
                continue
            base = f"/results/repetitions/{index}"
            energy = self.energy_terms(index, repetition.get("energy", {}), f"{base}/energy")
            per_phase = {p: self.energy_terms(index, n, f"{base}/phases/{p}") for p, n in phases.items()}
            for key, whole in energy.items():
                parts = [terms[key] for terms in per_phase.values() if key in terms]
                if len(parts) != len(per_phase):
                    continue  # a phase that omits the component cannot be summed
                self.relate(
                    "AERP-C002",
                    "the sum of the phases",
                    "phases",
                    whole,
                    parts,
                    sum,
                    self.tolerances["sum"],
                    lambda left, right, whole=whole, key=key, n=index + 1: (
                        f"repetition {n}: the phases' {key} energies "
                        f"add up to {self.shown(whole, right / whole.scale)} but its {key} energy is "
                        f"{self.shown(whole, left / whole.scale)}"
                    ),
                    hint="the rated energy is the sum over all phases",
                )

    def summary(self) -> None:
        summary = self.results["summary"]
        per = float(self.ctx.params["rated_per_queries"])
        rated = self.ctx.params["rated_component"]
        reported = self.term(
            "/results/summary/accelerator_energy_per_1000_queries",
            summary.get("accelerator_energy_per_1000_queries"),
            "energy",
        )
        terms = []
        for index, repetition in enumerate(self.repetitions):
            queries = repetition.get("queries")
            term = self.term(
                f"/results/repetitions/{index}/energy/{rated}",
                repetition.get("energy", {}).get(rated),
                "energy",
                per / queries if queries else 0,
            )
            if term is None or not queries:
                terms = []
                break
            terms.append(term)
        if reported is not None and terms:
            self.relate(
                "AERP-C003",
                "the summary",
                "summary",
                reported,
                terms,
                statistics.fmean,
                self.tolerances["summary"],
                lambda left, right: (
                    f"the summary's accelerator energy per {int(per):,} queries is "
                    f"{self.shown(reported, left)} but the repetitions give {self.shown(reported, right)}"
                ),
                hint=f"the summary is the mean over repetitions of accelerator energy × {int(per):,} / queries",
            )
        mean_duration = self.term("/results/summary/mean_duration", summary.get("mean_duration"), "duration")
        durations = [
            self.term(f"/results/repetitions/{i}/duration", r.get("duration"), "duration")
            for i, r in enumerate(self.repetitions)
        ]
        if mean_duration is not None and durations and all(durations):
            self.relate(
                "AERP-C004",
                "the summary's mean duration",
                "duration",
                mean_duration,
                [d for d in durations if d],
                statistics.fmean,
                self.tolerances["summary"],
                lambda left, right: (
                    f"the summary's mean duration is {self.shown(mean_duration, left)} but the "
                    f"repetitions' durations average {self.shown(mean_duration, right)}"
                ),
            )

    def power(self) -> None:
        methods = self.ctx.data["measurement"].get("methods", {})
        for index, repetition in enumerate(self.repetitions):
            base = f"/results/repetitions/{index}"
            duration = self.term(f"{base}/duration", repetition.get("duration"), "duration")
            if duration is None:
                continue
            for key, quantity in repetition.get("mean_power", {}).items():
                power = self.term(f"{base}/mean_power/{key}", quantity, "power")
                energy = self.term(f"{base}/energy/{key}", repetition.get("energy", {}).get(key), "energy")
                if power is None or energy is None:
                    continue
                interval = self.term("", methods.get(key, {}).get("sampling_interval"), "duration")
                short = interval is not None and self.value(duration) < (
                    self.tolerances["short_run_intervals"] * self.value(interval)
                )
                tolerance = self.tolerances["power_energy_short" if short else "power_energy"]
                self.relate(
                    "AERP-C005",
                    "mean power × duration",
                    "power",
                    energy,
                    [power, duration],
                    lambda v: v[0] * v[1] / 3600,
                    tolerance,
                    lambda left, right, energy=energy, key=key, n=index + 1: (
                        f"repetition {n}: mean {key} power × "
                        f"duration is {self.shown(energy, right)} but the {key} energy is {self.shown(energy, left)}"
                    ),
                    hint=f"tolerance {tolerance:.0%}"
                    + (f" (a short run: fewer than {self.tolerances['short_run_intervals']} samples)" if short else ""),
                )

    def emissions(self) -> None:
        measurement = self.ctx.data["measurement"]
        intensity = self.term("/measurement/carbon_intensity", measurement.get("carbon_intensity"), "carbon_intensity")
        pue = measurement.get("pue")
        pue_factor = float(pue["value"]) if isinstance(pue, dict) and pue.get("applied") is False else 1.0
        if intensity is None or pue_factor < self.ctx.params["plausibility"]["pue"]["min"]:
            return  # a PUE below 1 is AERP-P007's finding; emissions computed with it are moot
        rows: list[tuple[Term, list[Term]]] = []
        for index, repetition in enumerate(self.repetitions):
            base = f"/results/repetitions/{index}"
            emissions = self.term(f"{base}/emissions", repetition.get("emissions"), "mass_co2e")
            energy = repetition.get("energy", {})
            components = [self.term(f"{base}/energy/{k}", q, "energy") for k, q in energy.items() if k != "total"]
            if emissions is not None and components and all(components):
                rows.append((emissions, [t for t in components if t]))

        def expected(values: list[float]) -> float:
            return values[0] * sum(values[1:]) / 1000 * pue_factor  # g/kWh × Wh → g

        tolerance = self.tolerances["emissions"]

        def holds(row: tuple[Term, list[Term]], divisor: float = 1.0) -> bool:
            emissions, components = row
            values = [self.value(intensity) / divisor, *(self.value(t) for t in components)]
            return _close(self.value(emissions), expected(values), tolerance)

        # A slip in the one carbon intensity breaks every repetition the same way.
        if rows and not any(holds(row) for row in rows):
            for factor in (f for base in self.factors for f in (base, 1 / base)):
                if all(holds(row, factor) for row in rows):
                    self.report_slip("emissions", intensity, factor, "the emissions it must explain")
                    break
        label = " × PUE" if pue_factor != 1.0 else ""
        for emissions, components in rows:
            self.relate(
                "AERP-C006",
                "energy × carbon intensity",
                "emissions",
                emissions,
                [intensity, *components],
                expected,
                tolerance,
                lambda left, right, emissions=emissions: (
                    f"{describe(emissions.pointer)} is "
                    f"{self.shown(emissions, left)} but energy × carbon intensity{label} is "
                    f"{self.shown(emissions, right)}"
                ),
                hint="emissions = (sum of component energies) × carbon intensity, × PUE only where "
                "measurement.pue.applied is false",
            )


def _join(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    return unique[0] if len(unique) == 1 else f"{', '.join(unique[:-1])} and {unique[-1]}"


def _residual(left: float, right: float) -> float:
    return left - right


def _close(left: float, right: float, tolerance: float) -> bool:
    scale = max(abs(left), abs(right))
    return scale == 0 or abs(left - right) <= tolerance * scale


def _aggregate(reports: list[Report]) -> list[Report]:
    """The same failure in many repetitions is one defect: report it once, with the count."""
    groups: dict[tuple[str, str, float | None], list[Report]] = {}
    for report in reports:
        groups.setdefault((report.check, report.kind, report.factor), []).append(report)
    merged = []
    for group in groups.values():
        first = group[0]
        if len(group) > 1:
            others = len(group) - 1
            first = Report(
                first.check,
                first.kind,
                Problem(
                    first.problem.pointer,
                    f"{first.problem.message} (and the same in {others} other place{'s' if others > 1 else ''})",
                    hint=first.problem.hint,
                    severity=first.problem.severity,
                ),
                first.factor,
            )
        merged.append(first)
    return merged


def _reports(ctx: Context) -> list[Report]:
    cached = ctx.cache.get(_ANALYSIS)
    if cached is None:
        cached = Analysis(ctx).run()
        ctx.cache[_ANALYSIS] = cached
    return cached


def _of(check_id: str) -> Callable[[Context], Iterator[Problem]]:
    def emit(ctx: Context) -> Iterator[Problem]:
        for report in _reports(ctx):
            if report.check == check_id:
                yield report.problem

    return emit


E, W = Severity.ERROR, Severity.WARNING
_RELATION_CHECKS = [
    ("AERP-C001", E, "REQ-CONS-1", "The energy components of a repetition (or phase) add up to its total."),
    ("AERP-C002", E, "REQ-CONS-2", "The per-phase energies of a repetition add up to its energy."),
    ("AERP-C003", E, "REQ-CONS-3", "The summary's accelerator energy per 1,000 queries is the mean over repetitions."),
    ("AERP-C004", E, "REQ-CONS-4", "The summary's mean duration is the mean of the repetitions' durations."),
    ("AERP-C005", W, "REQ-CONS-5", "Mean power × duration agrees with energy (looser for short runs)."),
    ("AERP-C006", E, "REQ-CONS-6", "Emissions equal energy × carbon intensity (× PUE where not applied)."),
    (
        "AERP-C007",
        E,
        "REQ-CONS-8",
        "No value is off by a unit slip (×1000, ×3600, ×3.6, ×60) from what the rest of the file implies.",
    ),
]
for _id, _severity, _requirement, _summary in _RELATION_CHECKS:
    check(_id, _severity, _requirement, _summary, INPUTS)(_of(_id))


@check(
    "AERP-C008",
    E,
    "REQ-CONS-7",
    "A submission that reports emissions states the carbon intensity behind them.",
    inputs=("/measurement", "/results/repetitions"),
)
def intensity_for_emissions(ctx: Context) -> Iterator[Problem]:
    if "carbon_intensity" in ctx.data["measurement"]:
        return
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        if "emissions" in repetition:
            yield Problem(
                "/measurement",
                f"repetition {index + 1} reports emissions but measurement.carbon_intensity is missing",
                hint="state the grid carbon intensity used, e.g. {value: 369, unit: g/kWh}",
            )
            return


def disputed(ctx: Context) -> set[str]:
    """Pointers of every value that a consistency finding names."""
    return {r.problem.pointer for r in _reports(ctx)}


def slipped(ctx: Context) -> set[str]:
    """Pointers of the values reported as unit slips: other checks leave them to AERP-C007."""
    return {r.problem.pointer for r in _reports(ctx) if r.check == "AERP-C007"}
