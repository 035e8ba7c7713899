"""Exports: a conformant AERP result written as an AI bill of materials (CycloneDX 1.6, SPDX 3.0.1).

A result travels further inside the documents that model supply chains already exchange than
beside them: CycloneDX's ML-BOM and SPDX's AI profile each have a place for the energy of
inference. The exporters are pure functions of a validated document and its
:class:`~aerp.findings.FileResult`; they never validate (the verdict is the pipeline's) and
never open a file (the command line reads the submission and writes the export).

What both formats state is gathered here once, in :class:`Facts`, so that the two exports
cannot disagree: the energy per 1,000 queries is the rated metric of REQ-MEAS-4 recomputed
exactly from the repetitions, converted to kWh exactly, and written as the decimal it is,
never through a binary double. Everything an export states that its format has no member for
is written as a named ``aerp:`` statement (:meth:`Facts.statements`), so nothing in an export
is left unexplained.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Context as DecimalContext
from decimal import Decimal
from fractions import Fraction
from pathlib import PurePosixPath
from typing import Any

from aerp import __version__
from aerp.checks.rating import rated_metric
from aerp.exact import decimal_text, exact
from aerp.findings import FileResult, Verdict
from aerp.protocol import Protocol, for_version
from aerp.quantities import exact_canonical, vocabulary
from aerp.registry import Context

FORMATS = ("cyclonedx", "spdx")
# File-name endings: CycloneDX's recommended ``.cdx.json``; SPDX's ``.spdx.json``.
SUFFIXES = {"cyclonedx": ".cdx.json", "spdx": ".spdx.json"}
HUB = "https://huggingface.co/"
# A quotient with no finite decimal expansion (an energy written in J, divided by 3600) is
# written to this many significant digits, and its exact value is stated beside it.
ROUNDED_DIGITS = 20
# The namespace of the deterministic identifiers (RFC 4122 name-based, SHA-1): the same
# submission always gets the same serial number and SPDX identifiers.
_NAMESPACE = "https://aerp.dev/submissions/sha256/"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class NotExportable(ValueError):
    """The result cannot be exported; the message says why, in words a submitter can act on."""


@dataclass(frozen=True)
class Number:
    """A JSON number written as its decimal text, so that no binary double stands between file and export."""

    text: str
    value: Fraction
    exact: bool  # False: ``text`` is ``value`` rounded to ROUNDED_DIGITS significant digits


def decimal_number(value: Fraction) -> Number:
    """``value`` as the finite decimal it is, or, where there is none (1/3), rounded half-even."""
    text = decimal_text(value)
    if text is not None:
        return Number(text, value, True)
    context = DecimalContext(prec=ROUNDED_DIGITS)
    rounded = context.divide(Decimal(value.numerator), Decimal(value.denominator))
    return Number(format(rounded, "f"), value, False)


def tool_version() -> str:
    """The version of the exporting validator, named in every export."""
    return __version__


def identifier(digest: str, role: str) -> str:
    """A ``urn:uuid:`` derived from the submission's SHA-256: the same input, the same identifier."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{_NAMESPACE}{digest}#{role}')}"


def dump_json(document: Any) -> str:
    """Deterministic JSON, two-space indented, with every :class:`Number` written as its decimal text.

    ``json.dumps`` can only write a number from a binary double; an export writes the decimal
    it computed. A float reaching this function is a bug (a value that went through a double),
    so it is refused rather than written.
    """
    return _dump(document, 0) + "\n"


def _dump(value: Any, depth: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, Number):
        return value.text
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = (f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_dump(v, depth + 1)}" for k, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, Sequence):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{inner}{_dump(v, depth + 1)}" for v in value) + f"\n{pad}]"
    raise TypeError(f"an export holds no {type(value).__name__}: numbers are written from their exact value")


@dataclass(frozen=True)
class Facts:
    """What both exports state about one conformant result, gathered once from the document."""

    digest: str
    aerp_version: str
    date: str
    division: str
    task: str
    submitter: str
    repository: str
    revision: str
    parameters: int | None
    dataset_repository: str
    dataset_revision: str
    per_queries: int
    boundary: tuple[str, ...]  # what the energy covers: ("accelerator",), or the components measured
    repetitions: int
    energy_kwh: Number  # per ``per_queries`` queries
    hardware: str | None
    host: str | None
    stars: int | None
    scale: str | None
    expanded_kwh: Number | None
    coverage_factor: str | None
    co2_t: Number | None  # per ``per_queries`` queries, where every repetition states its emissions
    co2_basis: str | None

    @property
    def functional_unit(self) -> str:
        return f"{self.per_queries:,} queries of {self.task}"

    @property
    def hub_url(self) -> str:
        return HUB + self.repository

    @property
    def timestamp(self) -> str:
        """The submission's date at midnight UTC: an export of the same file is the same bytes."""
        return f"{self.date}T00:00:00Z"

    def statements(self) -> list[tuple[str, str]]:
        """Every ``aerp:`` name and value an export states beside its format's own members, in order."""
        found: list[tuple[str, str | None]] = [
            ("aerp:functional-unit", self.functional_unit),
            ("aerp:energy-boundary", ", ".join(self.boundary)),
            (
                "aerp:energy-statistic",
                f"mean of {self.repetitions} repetition{'s' if self.repetitions != 1 else ''}, "
                f"each scaled to {self.per_queries:,} queries",
            ),
            ("aerp:energy-exact", None if self.energy_kwh.exact else f"{_fraction(self.energy_kwh.value)} kWh"),
            ("aerp:task", self.task),
            ("aerp:model-parameters", None if self.parameters is None else str(self.parameters)),
            ("aerp:dataset-repository", self.dataset_repository),
            ("aerp:dataset-revision", self.dataset_revision),
            ("aerp:hardware", self.hardware),
            ("aerp:host", self.host),
            ("aerp:division", self.division),
            ("aerp:stars", None if self.stars is None else str(self.stars)),
            ("aerp:rating-scale", self.scale if self.stars is not None else None),
            (
                "aerp:expanded-uncertainty",
                None
                if self.expanded_kwh is None
                else f"{self.expanded_kwh.text} kWh"
                + (f" (coverage factor k = {self.coverage_factor})" if self.coverage_factor else ""),
            ),
            ("aerp:co2-basis", self.co2_basis),
            ("aerp:submitter", self.submitter),
            ("aerp:aerp-version", self.aerp_version),
            ("aerp:submission-sha256", self.digest),
        ]
        return [(name, value) for name, value in found if value is not None]


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _written(value: Any) -> str:
    """A number from the document as it reads (its exact decimal), for a sentence."""
    text = decimal_text(exact(value))
    return text if text is not None else str(value)


def gather(data: Mapping[str, Any], result: FileResult) -> Facts:
    """The facts of a conformant, validated result; :class:`NotExportable` for any other.

    Only a conformant result is exported: an AI bill of materials is read as a statement of
    fact, and a result with an error is not one. The energy is recomputed from the
    repetitions exactly as the rating does (REQ-MEAS-4), never taken from the summary.
    """
    if result.verdict is not Verdict.CONFORMANT:
        raise NotExportable(
            f"{result.path} is {result.verdict.value.replace('_', '-')}: only conformant results are exported"
        )
    protocol = for_version(result.aerp_version or "")
    if protocol is None or result.sha256 is None:
        raise NotExportable(f"{result.path} has no supported AERP version or no digest: validate it first")
    units = vocabulary(protocol).dimensions
    per = int(protocol.params["rated_per_queries"])
    wh, boundary = _energy_wh(data, protocol)
    model, dataset = data["model"], data["dataset"]
    accelerators = data.get("hardware", {}).get("accelerators")
    host = data.get("hardware", {}).get("host")
    division = str(data["division"])
    rating = data.get("rating") if division == "closed" else None
    expanded, coverage = _uncertainty(data, protocol)
    co2, co2_basis = _emissions(data, protocol, per)
    return Facts(
        digest=result.sha256,
        aerp_version=str(data["aerp_version"]),
        date=str(data["date"]),
        division=division,
        task=str(data["task"]),
        submitter=str(data["submitter"]["organization"]),
        repository=str(model["repository"]),
        revision=str(model["revision"]),
        parameters=model.get("parameters") if isinstance(model.get("parameters"), int) else None,
        dataset_repository=str(dataset["repository"]),
        dataset_revision=str(dataset["revision"]),
        per_queries=per,
        boundary=boundary,
        repetitions=len(data["results"]["repetitions"]),
        energy_kwh=decimal_number(wh / units["energy"]["kWh"]),
        hardware=(
            f"{accelerators['count']} × {accelerators['vendor']} {accelerators['model']}"
            if isinstance(accelerators, dict)
            else None
        ),
        host=(
            f"{host['cpu_model']} ({host['sockets']} socket{'s' if host['sockets'] != 1 else ''}, "
            f"{host['cores']} cores)"
            if isinstance(host, dict)
            else None
        ),
        stars=int(rating["stars"]) if isinstance(rating, dict) else None,
        scale=str(rating["scale"]) if isinstance(rating, dict) else None,
        expanded_kwh=None if expanded is None else decimal_number(expanded / units["energy"]["kWh"]),
        coverage_factor=coverage,
        co2_t=None if co2 is None else decimal_number(co2 / units["mass_co2e"]["t"]),
        co2_basis=co2_basis,
    )


def _energy_wh(data: Mapping[str, Any], protocol: Protocol) -> tuple[Fraction, tuple[str, ...]]:
    """The inference energy per ``rated_per_queries`` queries in Wh, exact, and what it covers.

    Where the boundary includes the rated component (the accelerator) this is the rated
    metric itself. An open-division result measured without an accelerator (REQ-DIV-5) has
    none; its energy is then the energy of the components it measured, formed the same way
    (mean over repetitions of the energy × queries-per-metric / queries), and the export says so.
    """
    context = Context(data=dict(data), protocol=protocol)
    rated = rated_metric(context)
    component = str(protocol.params["rated_component"])
    if rated is not None:
        return rated, (component,)
    boundary = tuple(str(c) for c in data["measurement"]["boundary"])
    per = exact(protocol.params["rated_per_queries"])
    values: list[Fraction] = []
    for repetition in data["results"]["repetitions"]:
        energy = repetition.get("energy", {})
        if all(isinstance(energy.get(c), dict) for c in boundary):
            total = sum((exact_canonical(energy[c], "energy", protocol) for c in boundary), Fraction(0))
        elif isinstance(energy.get("total"), dict):
            total = exact_canonical(energy["total"], "energy", protocol)
        else:
            raise NotExportable("a repetition states neither the energy of every component of its boundary nor a total")
        values.append(total * per / repetition["queries"])
    if not values:
        raise NotExportable("the result has no repetitions to take the energy from")
    return sum(values, Fraction(0)) / len(values), boundary


def _uncertainty(data: Mapping[str, Any], protocol: Protocol) -> tuple[Fraction | None, str | None]:
    """The expanded uncertainty U of the rated metric (AERP 1.1), in Wh, and its coverage factor k."""
    statement = data["results"]["summary"].get("uncertainty")
    if not isinstance(statement, dict):
        return None, None
    expanded = exact_canonical(statement["expanded"], "energy", protocol)
    return expanded, _written(statement["coverage_factor"])


def _emissions(data: Mapping[str, Any], protocol: Protocol, per: int) -> tuple[Fraction | None, str | None]:
    """The emissions per ``per`` queries in g, exact, where every repetition states them, and what they cover.

    REQ-CONS-6: a repetition's emissions are the energy of its whole measurement boundary
    times the carbon intensity (times the PUE where one is stated and not applied); they are
    not the emissions of the accelerator energy alone, and the export says which they are.
    """
    repetitions = data["results"]["repetitions"]
    if not repetitions or not all(isinstance(r.get("emissions"), dict) for r in repetitions):
        return None, None
    values = [exact_canonical(r["emissions"], "mass_co2e", protocol) * per / r["queries"] for r in repetitions]
    mean = sum(values, Fraction(0)) / len(values)
    measurement = data["measurement"]
    basis = f"energy of the measurement boundary ({', '.join(str(c) for c in measurement['boundary'])})"
    intensity = measurement.get("carbon_intensity")
    if isinstance(intensity, dict):
        basis += f" × carbon intensity {_written(intensity['value'])} {intensity['unit']}"
    pue = measurement.get("pue")
    if isinstance(pue, dict) and not pue.get("applied", True):
        basis += f" × PUE {_written(pue['value'])}"
    return mean, basis + f", mean of {len(repetitions)} repetitions, each scaled to {per:,} queries"


def file_name(result: FileResult, fmt: str) -> str:
    """A file name for the export of ``result``: ``<stem>.cdx.json`` or ``<stem>.spdx.json``, safe in any folder.

    Only the last component of the result's path is kept, and anything outside
    ``[A-Za-z0-9._-]`` is replaced, so the name can never climb out of the output folder.
    """
    last = PurePosixPath(result.path.replace("\\", "/")).name
    stem = last.rsplit(".", 1)[0] if "." in last.lstrip(".") else last
    safe = _UNSAFE_NAME.sub("_", stem).lstrip(".-_")[:200]
    return f"{safe or 'result'}{SUFFIXES[fmt]}"


def export(fmt: str, data: Mapping[str, Any], result: FileResult, on_hub: bool = False) -> str:
    """The export of ``fmt`` (``cyclonedx`` or ``spdx``) as text; :class:`NotExportable` if there is none."""
    if fmt == "cyclonedx":
        from aerp.export.cyclonedx import bom

        return dump_json(bom(data, result, on_hub))
    if fmt == "spdx":
        from aerp.export.spdx import document

        return dump_json(document(data, result, on_hub))
    raise ValueError(f"unknown export format {fmt!r}; the formats are {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "Facts",
    "NotExportable",
    "Number",
    "decimal_number",
    "dump_json",
    "export",
    "file_name",
    "gather",
    "identifier",
    "tool_version",
]
