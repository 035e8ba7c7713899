"""Arithmetic consistency: the numbers of a submission agree with each other.

All arithmetic is exact, on the decimals the file writes converted to canonical units with
the protocol's exact factors (:mod:`aerp.exact`), so that no verdict depends on how a binary
float rounds. The relations are: components add up to the total, phases add up to the
repetition, the summary agrees with the repetitions, mean power × duration agrees with
energy, and emissions agree with energy × carbon intensity (× PUE).

The commonest defect in energy results is a unit slip — a value in Wh written as kWh, J
as Wh, ms as s — and a slip breaks several relations at once. So before reporting a broken
relation the analysis asks whether a single value, corrected by a slip factor from
protocol.yaml, repairs it (or stands out from the other repetitions by such a factor). If
so, that value gets one AERP-C007 finding naming the slip and the fix, and the relations it
breaks are not reported again: one defect, one finding.

A finding states only what the file says. A value that a relation confirms as written is
not a slip, however far it lies from the other repetitions (a repetition is small because
a phase of it is negative, not because of its unit); a repetition that holds a zero or
negative energy is not screened for slips at all, since that defect explains its values.
Every number a message shows is written in the file or computed from written values only,
never from a correction that a finding merely suggests.

Every identity is linear in each of its values, so the effect of changing one value is
known from the identity's gradient without re-evaluating it: attributing a gap to one value
costs time proportional to the number of values, not its square.

Exact arithmetic is slow, and nearly every comparison is far from its tolerance. So each
comparison is first made on binary doubles with a bound on their rounding error (a
floating-point filter, :mod:`aerp.filtered`): where the doubles decide it beyond that bound,
the exact comparison would decide the same; only the comparisons the doubles cannot decide
are made on the exact values. The verdicts are those of exact arithmetic, at the speed of
doubles for all but the close calls.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from aerp import filtered
from aerp.exact import Written, exact, significant
from aerp.findings import Severity
from aerp.places import describe
from aerp.quantities import exact_canonical, factor_doubles, vocabulary
from aerp.registry import Context, Problem, check

INPUTS = ("/results", "/measurement")
_ANALYSIS = "consistency"
_ONE = Fraction(1)
_DOUBLES = (Written, float, int)


class Term:
    """One value of an identity: a quantity at ``pointer``, in its canonical unit, times ``scale``.

    ``approx`` is canonical × scale as a double within :data:`aerp.filtered.TERM_ERROR` of it,
    or None where no double is that close; the exact ``canonical`` is converted only when a
    comparison or a message needs it.
    """

    __slots__ = ("_canonical", "_node", "_protocol", "approx", "dimension", "pointer", "scale", "unit")

    def __init__(
        self,
        pointer: str,
        node: dict[str, Any],
        dimension: str,
        scale: Fraction,
        approx: float | None,
        protocol: Any,
        canonical: Fraction | None = None,
    ) -> None:
        self.pointer = pointer
        self.unit: str = node["unit"]
        self.dimension = dimension
        self.scale = scale
        self.approx = approx
        self._node = node
        self._protocol = protocol
        self._canonical = canonical

    @property
    def canonical(self) -> Fraction:
        if self._canonical is None:
            self._canonical = exact_canonical(self._node, self.dimension, self._protocol)
        return self._canonical


@dataclass
class Report:
    check: str
    kind: str
    problem: Problem
    factor: Fraction | None = None


Combine = Callable[[list[Fraction]], Fraction]
Gradient = Callable[[list[Fraction]], list[Fraction]]


@dataclass
class Relation:
    """One identity between values of the submission: ``lhs == combine(rhs)`` within a tolerance.

    ``gradient`` gives the partial derivative of ``combine`` by each right-hand value; every
    identity here is linear in each value, so it is exact for any change of one value.
    """

    check: str
    kind: str
    name: str
    lhs: Term
    rhs: list[Term]
    combine: Combine
    gradient: Gradient
    tolerance: Fraction
    message: Callable[[Fraction, Fraction], str]
    hint: str | None
    severity: Severity | None

    @property
    def terms(self) -> list[Term]:
        return [self.lhs, *self.rhs]


def _sum(values: list[Fraction]) -> Fraction:
    return sum(values)  # type: ignore[return-value]  # exact for rationals; doubles stay doubles for the filter


def _ones(values: list[Fraction]) -> list[Fraction]:
    return [_ONE] * len(values)


def _mean(values: list[Fraction]) -> Fraction:
    return _sum(values) / len(values)


def _mean_gradient(values: list[Fraction]) -> list[Fraction]:
    return [Fraction(1, len(values))] * len(values)


@dataclass(frozen=True)
class _Rules:
    """An edition's tolerances and slip factors as exact numbers."""

    tolerances: dict[str, Fraction]
    slip_tolerance: Fraction
    factors: list[Fraction]
    slip_ranges: filtered.Ranges
    min_gap: Fraction


_RULES: dict[Any, _Rules] = {}


def _rules(params: dict[str, Any]) -> _Rules:
    """The rules of an edition, converted once: every file of a run asks for them.

    Remembered by the protocol's own numbers, so that changed parameters are converted anew.
    """
    slips = params["magnitude_slips"]
    key = (tuple(params["tolerances"].items()), tuple((k, str(v)) for k, v in slips.items()))
    found = _RULES.get(key)
    if found is None:
        tolerance = exact(slips["tolerance"])
        factors = [f for b in (exact(f) for f in slips["factors"]) for f in (b, 1 / b)]
        found = _RULES[key] = _Rules(
            tolerances={k: exact(v) for k, v in params["tolerances"].items()},
            slip_tolerance=tolerance,
            factors=factors,
            slip_ranges=filtered.Ranges([(f * (1 - tolerance), f * (1 + tolerance)) for f in factors]),
            min_gap=exact(slips["min_gap"]),
        )
    return found


class Analysis:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.protocol = ctx.protocol
        rules = _rules(ctx.params)
        self.tolerances = rules.tolerances
        self.slip_tolerance = rules.slip_tolerance
        self.factors = rules.factors
        self.slip_ranges = rules.slip_ranges
        self.min_gap = rules.min_gap
        self.corrected: dict[str, Fraction] = {}
        self.reports: list[Report] = []
        self.relations: list[Relation] = []
        self.by_pointer: dict[str, list[Relation]] = {}
        self.terms: dict[tuple[str, str, int], Term] = {}
        self.energies: dict[str, dict[str, Term]] = {}
        self.factors_by_dimension: dict[str, dict[str, float]] = {}
        self.scales: dict[int, tuple[Fraction, float]] = {}
        self.results = ctx.data["results"]
        self.repetitions: list[dict[str, Any]] = self.results["repetitions"]
        self.broken = self._broken_repetitions()

    # -- terms ---------------------------------------------------------------------------
    def term(self, pointer: str, node: Any, dimension: str, scale: Fraction = _ONE) -> Term | None:
        """The term at ``pointer``, made once per place, dimension and scale (the identities share them)."""
        if not isinstance(node, dict):
            return None
        key = (pointer, dimension, id(scale))  # a remembered term holds its scale: the id stays that scale's
        made = self.terms.get(key)
        if made is not None:
            return made
        unit, value = node.get("unit"), node.get("value")
        factor = self.factor_doubles(dimension).get(unit) if type(unit) is str else None
        if factor is not None and type(value) in _DOUBLES:
            # a number as read: its double is the nearest to its decimal, and its exact value
            # converts without fail when a close call or a message asks for it
            approx = filtered.product(value, factor, 1.0 if scale is _ONE else self.scale_double(scale))
            made = Term(pointer, node, dimension, scale, approx, self.protocol)
        else:
            try:
                canonical = exact_canonical(node, dimension, self.protocol)
            except (KeyError, TypeError, ValueError):
                return None
            made = Term(
                pointer, node, dimension, scale, filtered.approximate(canonical * scale), self.protocol, canonical
            )
        if pointer:
            self.terms[key] = made
        return made

    def factor_doubles(self, dimension: str) -> dict[str, float]:
        """The doubles nearest the exact factors of ``dimension``'s units (within half an ulp)."""
        found = self.factors_by_dimension.get(dimension)
        if found is None:
            found = self.factors_by_dimension[dimension] = factor_doubles(self.protocol, dimension)
        return found

    def scale_double(self, scale: Fraction) -> float:
        """The double nearest ``scale``, remembered with the scale itself (so that its id stays its own)."""
        found = self.scales.get(id(scale))
        if found is None:
            found = self.scales[id(scale)] = (scale, float(scale))
        return found[1]

    def value(self, term: Term) -> Fraction:
        return self.corrected.get(term.pointer, term.canonical) * term.scale

    @staticmethod
    def written(term: Term) -> Fraction:
        return term.canonical * term.scale

    def in_unit(self, canonical: Fraction, unit: str, term: Term) -> str:
        factor = vocabulary(self.protocol).dimensions[term.dimension][unit]
        return f"{significant(canonical / factor)} {unit}"

    def shown(self, term: Term, canonical: Fraction) -> str:
        return self.in_unit(canonical, term.unit, term)

    def _broken_repetitions(self) -> set[int]:
        """Repetitions holding a zero or negative energy: that defect explains their values."""
        broken = set()
        for index, repetition in enumerate(self.repetitions):
            nodes = [repetition.get("energy", {}), *repetition.get("phases", {}).values()]
            for node in nodes:
                if not isinstance(node, dict):
                    continue
                for quantity in node.values():
                    value = quantity.get("value") if isinstance(quantity, dict) else None
                    if isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
                        broken.add(index)
        return broken

    def _repetition_of(self, pointer: str) -> int | None:
        parts = pointer.split("/")
        if len(parts) > 3 and parts[1:3] == ["results", "repetitions"] and parts[3].isdigit():
            return int(parts[3])
        return None

    # -- slips ---------------------------------------------------------------------------
    def slip_of(self, ratio: Fraction) -> Fraction | None:
        """The slip factor F when ``ratio`` is F or 1/F for a known F, else None."""
        if ratio <= 0:
            return None
        if not self.slip_ranges.may_hold(filtered.approximate(ratio)):
            return None  # far from every factor: the doubles decide it
        for candidate in self.factors:
            if abs(ratio / candidate - 1) <= self.slip_tolerance:
                return candidate
        return None

    def report_slip(self, kind: str, term: Term, factor: Fraction, basis: str) -> None:
        written = term.canonical
        right = written / factor
        self.corrected[term.pointer] = right
        vocab = vocabulary(self.protocol)
        size = f"{significant(factor)}× too large" if factor > 1 else f"{significant(1 / factor)}× too small"
        symbols = vocab.dimensions[term.dimension]
        meant = [s for s, f in symbols.items() if f * factor == symbols[term.unit]]
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

    def confirmed(self, term: Term) -> bool:
        """True when an identity that ``term`` takes part in holds with the value as written."""
        for relation in self.by_pointer.get(term.pointer, ()):
            left, right = self.sides(relation, written=True)
            if _close(left, right, relation.tolerance):
                return True
        return False

    def outliers(self, kind: str, series: list[Term]) -> None:
        """A value a slip factor away from the median of its series is a slip, unless its neighbours confirm it."""
        if self.broken:
            series = [t for t in series if self._repetition_of(t.pointer) not in self.broken]
        if len(series) < 3:
            return
        suspects = series
        doubles = [t.approx for t in series if t.approx is not None and t.approx > 0]
        if len(doubles) == len(series):
            # The median of the doubles is within 4 U of the exact median (doubles sort as the
            # exact values do, but for ties within their error): a ratio far from every slip
            # factor is decided without rationals.
            near = statistics.median(doubles)
            suspects = [t for t in series if self.slip_ranges.may_hold(filtered.quotient(t.approx or 0.0, near))]
            if not suspects:
                return
        median = statistics.median(self.written(t) for t in series)
        if median <= 0:
            return
        for term in suspects:
            factor = self.slip_of(self.written(term) / median)
            if factor is not None and not self.confirmed(term):
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
        combine: Combine,
        gradient: Gradient,
        tolerance: Fraction,
        message: Callable[[Fraction, Fraction], str],
        hint: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        """Record the identity ``lhs == combine(rhs)``; :meth:`run` evaluates every identity."""
        relation = Relation(check_id, kind, name, lhs, rhs, combine, gradient, tolerance, message, hint, severity)
        self.relations.append(relation)
        for term in relation.terms:
            self.by_pointer.setdefault(term.pointer, []).append(relation)

    def sides(self, relation: Relation, written: bool = False) -> tuple[Fraction, Fraction]:
        values = [self.written(t) if written else self.value(t) for t in relation.terms]
        return values[0], relation.combine(values[1:])

    def holds(self, relation: Relation) -> bool:
        decided = self._holds_by_doubles(relation)
        if decided is not None:
            return decided
        if any(self.value(t) <= 0 for t in relation.terms):
            return True  # a zero or negative value is AERP-U004's finding; the identity is moot
        return _close(*self.sides(relation), relation.tolerance)

    def _holds_by_doubles(self, relation: Relation) -> bool | None:
        """:meth:`holds` decided on doubles, or None when they cannot decide it.

        Only for values as written and all positive (the usual case); ``combine`` of positive
        values with positive coefficients is its own bound on the magnitude of every rounding
        step, so its error is at most ``filtered.combined_error(len(values))`` times the result.
        """
        values = []
        for term in relation.terms:
            if term.approx is None or term.approx <= 0 or term.pointer in self.corrected:
                return None
            values.append(term.approx)
        left = values[0]
        right = relation.combine(values[1:])
        return filtered.close(
            left,
            filtered.TERM_ERROR,
            right,
            filtered.combined_error(len(values)),
            filtered.approximate(relation.tolerance),
        )

    def attribute_slip(self, relation: Relation) -> None:
        """A large gap that one value, corrected by a slip factor, closes: that value slipped."""
        values = [self.value(t) for t in relation.terms]
        left, right = values[0], relation.combine(values[1:])
        if abs(left - right) < self.min_gap * max(abs(left), abs(right)):
            return
        if any(self._repetition_of(t.pointer) in self.broken for t in relation.terms):
            return
        gradient = relation.gradient(values[1:])
        candidates: list[tuple[Term, Fraction]] = []
        for index, term in enumerate(relation.terms):
            for factor in self.factors:
                new = values[index] / factor
                moved = (new, right) if index == 0 else (left, right + gradient[index - 1] * (new - values[index]))
                if _close(*moved, relation.tolerance):
                    candidates.append((term, factor))
                    if len(candidates) > 1:
                        return  # two values would each close the gap: blame neither
        if len(candidates) == 1:
            term, factor = candidates[0]
            self.report_slip(relation.kind, term, factor, "what the rest of the file implies")

    def implied_all(self, relation: Relation) -> list[Fraction | None]:
        """For each term, the canonical value that would satisfy ``relation`` with the others as they are."""
        values = [self.value(t) for t in relation.terms]
        left, right = values[0], relation.combine(values[1:])
        gradient = relation.gradient(values[1:])
        implied: list[Fraction | None] = []
        for index, term in enumerate(relation.terms):
            if index == 0:
                solved: Fraction | None = right
            else:
                slope = gradient[index - 1]
                solved = values[index] + (left - right) / slope if slope != 0 else None
            implied.append(solved / term.scale if solved is not None and solved > 0 else None)
        return implied

    def culprits(self, failing: list[Relation]) -> list[Relation]:
        """One value that several broken identities agree on is one defect: report it once.

        Only identities whose values are all as written take part, so that a value the
        finding says it "should be" is implied by the file alone.
        """
        votes: dict[str, list[tuple[Relation, Fraction, Term]]] = {}
        for relation in failing:
            if any(t.pointer in self.corrected for t in relation.terms):
                continue
            for term, value in zip(relation.terms, self.implied_all(relation), strict=True):
                if value is not None:
                    votes.setdefault(term.pointer, []).append((relation, value, term))
        agreeing: dict[str, list[tuple[Relation, Fraction, Term]]] = {}
        for pointer, entries in votes.items():
            values = [value for _, value, _ in entries]
            tolerance = max(relation.tolerance for relation, _, _ in entries)
            if len(entries) >= 2 and max(values) - min(values) <= tolerance * max(values):
                agreeing[pointer] = entries
        sharing: dict[frozenset[int], int] = {}
        for entries in agreeing.values():
            key = frozenset(id(e[0]) for e in entries)
            sharing[key] = sharing.get(key, 0) + 1
        explained: set[int] = set()
        for pointer, entries in sorted(agreeing.items(), key=lambda item: -len(item[1])):
            relations = frozenset(id(e[0]) for e in entries)
            if sharing[relations] > 1 or relations & explained:
                continue  # several values would explain the same gaps equally well: blame none
            relation, value, term = next((e for e in entries if e[0].severity is None), entries[0])
            names = _join([e[0].name for e in entries])
            self.reports.append(
                Report(
                    relation.check,
                    relation.kind,
                    Problem(
                        pointer,
                        f"{describe(pointer)} is {self.shown(term, term.canonical)} but {names} agree it should be "
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
        series = self.cross_repetition()
        self.components()
        self.phases()
        self.summary()
        self.power()
        rows = self.emissions()
        for kind, terms in series.items():
            self.outliers(kind, terms)
        self.intensity_slip(rows)
        corrections = len(self.corrected)
        holding = []
        for relation in self.relations:
            holding.append(self.holds(relation))
            if not holding[-1]:
                self.attribute_slip(relation)
        if len(self.corrected) != corrections:  # a slip found meanwhile changes what holds
            holding = [self.holds(r) for r in self.relations]
        failing = [r for r, holds in zip(self.relations, holding, strict=True) if not holds]
        failing = self.overhead(failing)
        failing = self.culprits(failing)
        for relation in failing:
            left, right = self.sides(relation, written=True)  # as the file states them
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
        """The energies per query of one energy mapping, by component (made once for the analysis)."""
        made = self.energies.get(base)
        if made is not None:
            return made
        per_query = Fraction(1, _queries(self.repetitions[index]))
        terms = {}
        for key, quantity in node.items():
            term = self.term(f"{base}/{key}", quantity, "energy", per_query)
            if term is not None:
                terms[key] = term
        self.energies[base] = terms
        return terms

    def cross_repetition(self) -> dict[str, list[Term]]:
        series: dict[str, list[Term]] = {}
        for index, repetition in enumerate(self.repetitions):
            base = f"/results/repetitions/{index}"
            per_query = Fraction(1, _queries(repetition))
            for key, term in self.energy_terms(index, repetition.get("energy", {}), f"{base}/energy").items():
                series.setdefault(f"energy/{key}", []).append(term)
            for phase, node in repetition.get("phases", {}).items():
                for key, term in self.energy_terms(index, node, f"{base}/phases/{phase}").items():
                    series.setdefault(f"phase/{phase}/{key}", []).append(term)
            duration = self.term(f"{base}/duration", repetition.get("duration"), "duration", per_query)
            if duration:
                series.setdefault("duration", []).append(duration)
            for key, quantity in repetition.get("mean_power", {}).items():
                power = self.term(f"{base}/mean_power/{key}", quantity, "power")
                if power:
                    series.setdefault(f"power/{key}", []).append(power)
            emissions = self.term(f"{base}/emissions", repetition.get("emissions"), "mass_co2e", per_query)
            if emissions:
                series.setdefault("emissions", []).append(emissions)
        return series

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
            _sum,
            _ones,
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
                    continue  # a component that some phase omits cannot be summed (REQ-CONS-2)
                self.relate(
                    "AERP-C002",
                    "the sum of the phases",
                    "phases",
                    whole,
                    parts,
                    _sum,
                    _ones,
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
        per = exact(self.ctx.params["rated_per_queries"])
        rated = self.ctx.params["rated_component"]
        reported = self.term(
            "/results/summary/accelerator_energy_per_1000_queries",
            summary.get("accelerator_energy_per_1000_queries"),
            "energy",
        )
        terms = []
        for index, repetition in enumerate(self.repetitions):
            queries = repetition.get("queries")
            if not isinstance(queries, int) or queries <= 0:
                terms = []
                break
            term = self.term(
                f"/results/repetitions/{index}/energy/{rated}",
                repetition.get("energy", {}).get(rated),
                "energy",
                per / queries,
            )
            if term is None:
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
                _mean,
                _mean_gradient,
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
                _mean,
                _mean_gradient,
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
                short = interval is not None and self.written(duration) < (
                    self.tolerances["short_run_intervals"] * self.written(interval)
                )
                tolerance = self.tolerances["power_energy_short" if short else "power_energy"]
                self.relate(
                    "AERP-C005",
                    "mean power × duration",
                    "power",
                    energy,
                    [power, duration],
                    lambda v: v[0] * v[1] / 3600,
                    lambda v: [v[1] / 3600, v[0] / 3600],
                    tolerance,
                    lambda left, right, energy=energy, key=key, n=index + 1: (
                        f"repetition {n}: mean {key} power × "
                        f"duration is {self.shown(energy, right)} but the {key} energy is {self.shown(energy, left)}"
                    ),
                    hint=f"tolerance {float(tolerance):.0%}"
                    + (f" (a short run: fewer than {self.tolerances['short_run_intervals']} samples)" if short else ""),
                )

    def emissions(self) -> list[tuple[Term, list[Term]]]:
        measurement = self.ctx.data["measurement"]
        self.intensity = self.term(
            "/measurement/carbon_intensity", measurement.get("carbon_intensity"), "carbon_intensity"
        )
        pue = measurement.get("pue")
        self.pue_stated = exact(pue["value"]) if isinstance(pue, dict) and "value" in pue else None
        self.pue_factor = self.pue_stated if self.pue_stated is not None and pue.get("applied") is False else _ONE
        if self.intensity is None or self.pue_factor < exact(self.ctx.params["plausibility"]["pue"]["min"]):
            return []  # a PUE below 1 is AERP-P007's finding; emissions computed with it are moot
        rows: list[tuple[Term, list[Term]]] = []
        for index, repetition in enumerate(self.repetitions):
            base = f"/results/repetitions/{index}"
            emissions = self.term(f"{base}/emissions", repetition.get("emissions"), "mass_co2e")
            energy = repetition.get("energy", {})
            components = [self.term(f"{base}/energy/{k}", q, "energy") for k, q in energy.items() if k != "total"]
            if emissions is not None and components and all(components):
                rows.append((emissions, [t for t in components if t]))
        label = " × PUE" if self.pue_factor != 1 else ""
        intensity = self.intensity
        expected, gradient = _emissions_identity(self.pue_factor)
        for emissions, components in rows:
            self.relate(
                "AERP-C006",
                "energy × carbon intensity",
                "emissions",
                emissions,
                [intensity, *components],
                expected,
                gradient,
                self.tolerances["emissions"],
                lambda left, right, emissions=emissions: (
                    f"{describe(emissions.pointer)} is "
                    f"{self.shown(emissions, left)} but energy × carbon intensity{label} is "
                    f"{self.shown(emissions, right)}"
                ),
                hint="emissions = (sum of component energies) × carbon intensity, × PUE only where "
                "measurement.pue.applied is false",
            )
        return rows

    def _rows_hold(self, rows: list[tuple[Term, list[Term]]], divisor: Fraction, pue: Fraction) -> bool:
        expected, _ = _emissions_identity(pue)
        return all(
            _close(
                self.value(emissions),
                expected([self.value(self.intensity) / divisor, *(self.value(t) for t in components)]),
                self.tolerances["emissions"],
            )
            for emissions, components in rows
        )

    def intensity_slip(self, rows: list[tuple[Term, list[Term]]]) -> None:
        """A slip in the one carbon intensity breaks every repetition the same way."""
        if not rows or any(self._rows_hold([row], _ONE, self.pue_factor) for row in rows):
            return
        assert self.intensity is not None
        for factor in self.factors:
            if self._rows_hold(rows, factor, self.pue_factor):
                self.report_slip("emissions", self.intensity, factor, "the emissions it must explain")
                return

    def overhead(self, failing: list[Relation]) -> list[Relation]:
        """Emissions that all agree with the energy once the PUE is taken the other way: one finding on the PUE."""
        emissions = [r for r in failing if r.check == "AERP-C006"]
        rows = [(r.lhs, r.rhs[1:]) for r in self.relations if r.check == "AERP-C006"]
        if not emissions or self.pue_stated is None or self.pue_stated == 1 or not rows:
            return failing
        other = _ONE if self.pue_factor != 1 else self.pue_stated
        if not self._rows_hold(rows, _ONE, other):
            return failing
        applied = self.pue_factor == 1
        message = (
            f"the emissions equal energy × carbon intensity × the PUE of {significant(self.pue_stated)}, but "
            "measurement.pue.applied is true: the energies already include the PUE"
            if applied
            else f"the emissions equal energy × carbon intensity without the PUE of {significant(self.pue_stated)}, "
            "but measurement.pue.applied is false: emissions include the overhead the energies leave out"
        )
        hint = (
            "compute the emissions from the reported energies alone, or set measurement.pue.applied to false"
            if applied
            else "multiply the emissions by the PUE, or set measurement.pue.applied to true if the energies include it"
        )
        self.reports.append(Report("AERP-C006", "pue", Problem("/measurement/pue", message, hint=hint)))
        return [r for r in failing if r.check != "AERP-C006"]


def _queries(repetition: dict[str, Any]) -> int:
    queries = repetition.get("queries")
    return queries if isinstance(queries, int) and not isinstance(queries, bool) and queries > 0 else 1


def _emissions_identity(pue: Fraction) -> tuple[Combine, Gradient]:
    """emissions (g) = intensity (g/kWh) × Σ energy (Wh) / 1000 × PUE, and its gradient."""

    def expected(values: list[Fraction]) -> Fraction:
        return values[0] * _sum(values[1:]) / 1000 * pue

    def gradient(values: list[Fraction]) -> list[Fraction]:
        return [_sum(values[1:]) / 1000 * pue] + [values[0] / 1000 * pue] * (len(values) - 1)

    return expected, gradient


def _join(names: list[str]) -> str:
    unique = list(dict.fromkeys(names))
    return unique[0] if len(unique) == 1 else f"{', '.join(unique[:-1])} and {unique[-1]}"


def _close(left: Fraction, right: Fraction, tolerance: Fraction) -> bool:
    scale = max(abs(left), abs(right))
    return scale == 0 or abs(left - right) <= tolerance * scale


def _aggregate(reports: list[Report]) -> list[Report]:
    """The same failure in many repetitions is one defect: report it once, with the count."""
    groups: dict[tuple[str, str, Fraction | None], list[Report]] = {}
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
    """The analysis, once per file; none where the schema already rejected what it reads.

    Other checks ask it (through :func:`disputed`) although their own inputs are intact, so it
    guards its inputs itself, as the pipeline guards a check's.
    """
    cached = ctx.cache.get(_ANALYSIS)
    tainted = ctx.cache.get("tainted")
    if cached is None and tainted is not None and tainted.touches(INPUTS):
        cached = []
        ctx.cache[_ANALYSIS] = cached
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
    """Pointers of every value that a consistency error names (a warning, such as AERP-C005's, disputes nothing)."""
    return {r.problem.pointer for r in _reports(ctx) if _severity(r) is Severity.ERROR}


def _severity(report: Report) -> Severity:
    return report.problem.severity or next(s for i, s, _, _ in _RELATION_CHECKS if i == report.check)


def slipped(ctx: Context) -> set[str]:
    """Pointers of the values reported as unit slips: other checks leave them to AERP-C007."""
    return {r.problem.pointer for r in _reports(ctx) if r.check == "AERP-C007"}
