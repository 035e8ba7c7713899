"""``aerp ingest``: turn what a lab's tools already wrote into an AERP submission skeleton.

Labs measure with CodeCarbon, with the AI Energy Score runner (optimum-benchmark's
``energy_star`` scenario in 2025, "aies-v1"; ai_energy_benchmarks since December 2025,
"aies-v2"), and describe systems in MLPerf's ``systems/<id>.json``. Each converter carries
over every value its tool recorded, exactly (the decimal as written), and writes the
placeholder ``TBD`` wherever the tool did not record the value, so that one run of
``aerp validate`` on the result lists every gap (a TBD is missing disclosure, AERP-D002,
whatever the member's type). Ingest never invents a value — not even the protocol's
reference settings, which would read as if the run had used them — never cleans one (a zero
or negative repetition stays, for AERP-U004 to report) and never attests for the lab
(``attestation`` is left out). What it did is written into the submission itself, under
``extensions.x-aerp-ingest.notes``.

Inputs that cannot become an AERP 1.0 submission are refused up front, with the reason: a
run on CPUs only (AERP rates the accelerator's energy), and a log so long that the
submission would exceed the limits ``aerp validate`` reads (protocol.yaml ``limits``).

Public face: :class:`IngestOptions`, :class:`IngestError` (and :class:`IngestUsageError`, a
mistake in how ingest was called rather than in the files), :data:`KINDS`, :func:`ingest`,
:func:`dump`, :func:`dump_json` and :func:`init_template`; the converters live in
private-by-convention modules imported on first use, so that ``import aerp.ingest`` stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["KINDS", "IngestError", "IngestOptions", "IngestUsageError", "dump", "dump_json", "ingest", "init_template"]

KINDS = ("codecarbon", "aies-v1", "aies-v2", "mlperf-system", "mlperf-power")

_CONVERTERS = {
    "codecarbon": "aerp.ingest.codecarbon",
    "aies-v1": "aerp.ingest.aies_v1",
    "aies-v2": "aerp.ingest.aies_v2",
    "mlperf-system": "aerp.ingest.mlperf_system",
    "mlperf-power": "aerp.ingest.mlperf_power",
}
# Kinds whose converter writes the whole submission itself, in an edition of its own (an MLPerf
# power result is a wall measurement, which only AERP 1.1 can carry): ``submission(paths, options)``.
_WHOLE = {"mlperf-power"}


@dataclass
class IngestOptions:
    """What the lab knows and the tool's files do not.

    ``task``, ``model`` and ``revision`` name what was measured; ``division`` is the division
    the submission is meant for (ingest fills nothing in from it: a closed-division setting the
    tool did not record stays TBD); ``queries`` is the number of queries of one repetition,
    which no CodeCarbon file records; ``merge`` is an already-loaded mapping of the lab's own
    members (its hardware, its submitter, ...), deep-merged over the skeleton: its values
    replace placeholders and fill what is missing, and lists are replaced whole; ``rows``
    selects the repetitions to keep ("1-10,15": CodeCarbon records or optimum-benchmark
    measures, counted from 1 in the order of the input), for a log longer than one benchmark.
    """

    task: str | None = None
    model: str | None = None
    revision: str | None = None
    division: str = "closed"
    merge: dict | None = None
    queries: int | None = None
    rows: str | None = None


class IngestError(ValueError):
    """An input that cannot be ingested; the message says which kind of problem it is."""


class IngestUsageError(IngestError):
    """A mistake in how ingest was called (an unknown task, a bad option value), not in the files.

    ``option`` names the command-line option at fault (``--task``), so that the command line
    can report it as a usage error, the way every other ``aerp`` command does.
    """

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


def ingest(kind: str, paths: list[Path], options: IngestOptions) -> dict[str, Any]:
    """The submission skeleton for the files of ``kind`` at ``paths``.

    Steps: the converter of ``kind`` fills a skeleton from the files; ``options.merge`` is
    deep-merged over it, and the notes about members the merge changed are retired; the
    values AERP derives (size class, summary, stars) are computed from what is then known;
    ``artifacts`` lists every file read, with its SHA-256. A result that ``aerp validate``
    could not read (more nodes or deeper than protocol.yaml ``limits``) is refused here.
    """
    from aerp.ingest import _common, skeleton

    if kind not in KINDS:
        raise IngestUsageError(f"unknown kind of input `{kind}`: use one of {', '.join(KINDS)}", "KIND")
    options = _common.normalized(options)
    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    if not paths:
        raise IngestUsageError(f"give the {kind} file(s) to ingest", "PATH")
    if options.rows is not None and kind not in ("codecarbon", "aies-v1"):
        raise IngestUsageError(
            f"--rows selects CodeCarbon rows or optimum-benchmark measures; {kind} has one repetition", "--rows"
        )
    converter = importlib.import_module(_CONVERTERS[kind])
    if kind in _WHOLE:
        with _no_traceback(f"{kind}: the input has a shape ingest does not understand"):
            return converter.submission([Path(p) for p in paths], options)
    with _no_traceback(f"{kind}: the input has a shape ingest does not understand"):
        converted: _common.Converted = converter.convert([Path(p) for p in paths], options)
    document, notes = converted.document, list(converted.notes)
    with _no_traceback("the block to merge has a shape ingest does not understand"):
        if options.merge is not None:
            before = _common.about_values(document, notes)
            skeleton.merge(document, options.merge, notes)
            notes = _common.retire(document, notes, before)
        skeleton.finish(document, notes)
    document["artifacts"] = _common.artifacts(converted.sources)
    skeleton.record(document, kind, notes)
    document = skeleton.ordered(document)
    _common.check_shape(document)
    return document


@contextmanager
def _no_traceback(what: str) -> Iterator[None]:
    """The net under the converters' own checks: a shape nobody foresaw is a message, not a traceback."""
    try:
        yield
    except IngestError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError, ArithmeticError) as error:
        raise IngestError(f"{what} ({type(error).__name__}: {str(error)[:200]})") from error


def dump(document: dict[str, Any]) -> str:
    """The submission as YAML that the validator reads back to the same values.

    Numbers are written as the decimals the tool wrote, strings that a YAML reader would take
    for a number, a boolean or null are quoted, no anchors or aliases are written, and the
    header says where the document came from. A text larger than ``aerp validate`` reads
    (protocol.yaml ``limits.max_bytes``) is refused with the reason.
    """
    from aerp.ingest import _common

    return _common.check_bytes(document, _common.dump_yaml(document))


def dump_json(document: dict[str, Any]) -> str:
    """The submission as JSON, numbers as written; refused like :func:`dump` when too large."""
    from aerp.ingest import _common

    return _common.check_bytes(document, _common.dump_json(document))


def init_template(task: str, division: str = "closed") -> str:
    """A commented YAML template of a complete submission for ``task`` (``aerp init``)."""
    from aerp.ingest import skeleton

    return skeleton.init_template(task, division)
