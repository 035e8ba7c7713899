"""``aerp ingest``: turn what a lab's tools already wrote into an AERP submission skeleton.

Labs measure with CodeCarbon, with the AI Energy Score runner (optimum-benchmark's
``energy_star`` scenario in 2025, "aies-v1"; ai_energy_benchmarks since December 2025,
"aies-v2"), and describe systems in MLPerf's ``systems/<id>.json``. Each converter carries
over every value its tool recorded, exactly, and writes the placeholder ``TBD`` wherever the
tool cannot know the value, so that one run of ``aerp validate`` on the result lists every
gap (a TBD is missing disclosure, AERP-D002, whatever the member's type). Ingest never
invents a value, never cleans one (a zero or negative repetition stays, for AERP-U004 to
report) and never attests for the lab (``attestation`` is left out). What it did is written
into the submission itself, under ``extensions.x-aerp-ingest.notes``.

Public face: :class:`IngestOptions`, :class:`IngestError`, :data:`KINDS`, :func:`ingest`,
:func:`dump` and :func:`init_template`; the converters live in private-by-convention modules
imported on first use, so that ``import aerp.ingest`` stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["KINDS", "IngestError", "IngestOptions", "dump", "ingest", "init_template"]

KINDS = ("codecarbon", "aies-v1", "aies-v2", "mlperf-system")

_CONVERTERS = {
    "codecarbon": "aerp.ingest.codecarbon",
    "aies-v1": "aerp.ingest.aies_v1",
    "aies-v2": "aerp.ingest.aies_v2",
    "mlperf-system": "aerp.ingest.mlperf_system",
}


@dataclass
class IngestOptions:
    """What the lab knows and the tool's files do not.

    ``task``, ``model`` and ``revision`` name what was measured; ``division`` selects the
    reference run settings (closed) or none (open); ``queries`` is the number of queries of
    one repetition, which no CodeCarbon or optimum-benchmark file records; ``merge`` is an
    already-loaded mapping of the lab's own members (its hardware, its submitter, ...),
    deep-merged over the skeleton: its values replace placeholders and fill what is
    missing, and lists are replaced whole.
    """

    task: str | None = None
    model: str | None = None
    revision: str | None = None
    division: str = "closed"
    merge: dict | None = None
    queries: int | None = None


class IngestError(ValueError):
    """An input that cannot be ingested; the message says which kind of problem it is."""


def ingest(kind: str, paths: list[Path], options: IngestOptions) -> dict[str, Any]:
    """The submission skeleton for the files of ``kind`` at ``paths``.

    Steps: the converter of ``kind`` fills a skeleton from the files; ``options.merge`` is
    deep-merged over it; the values AERP derives (size class, summary, stars) are computed
    from what is then known; ``artifacts`` lists every file read, with its SHA-256.
    """
    from aerp.ingest import _common, skeleton

    if kind not in KINDS:
        raise IngestError(f"unknown kind of input `{kind}`: use one of {', '.join(KINDS)}")
    options = _common.normalized(options)
    if isinstance(paths, (str, Path)):
        paths = [Path(paths)]
    if not paths:
        raise IngestError(f"give the {kind} file(s) to ingest")
    converter = importlib.import_module(_CONVERTERS[kind])
    with _no_traceback(f"{kind}: the input has a shape ingest does not understand"):
        converted: _common.Converted = converter.convert([Path(p) for p in paths], options)
    document, notes = converted.document, list(converted.notes)
    with _no_traceback("the block to merge has a shape ingest does not understand"):
        if options.merge is not None:
            skeleton.merge(document, options.merge, notes)
        skeleton.finish(document, notes)
    document["artifacts"] = _common.artifacts(converted.sources)
    skeleton.record(document, kind, notes)
    return skeleton.ordered(document)


@contextmanager
def _no_traceback(what: str) -> Iterator[None]:
    """The net under the converters' own checks: a shape nobody foresaw is a message, not a traceback."""
    try:
        yield
    except IngestError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError) as error:
        raise IngestError(f"{what} ({type(error).__name__}: {error})") from error


def dump(document: dict[str, Any]) -> str:
    """The submission as YAML that the validator reads back to the same values.

    Strings that a YAML 1.2 reader would take for a number, a boolean or null are quoted,
    no anchors or aliases are written, and the header says where the document came from.
    """
    from aerp.ingest import _common

    return _common.dump_yaml(document)


def init_template(task: str, division: str = "closed") -> str:
    """A commented YAML template of a complete submission for ``task`` (``aerp init``)."""
    from aerp.ingest import skeleton

    return skeleton.init_template(task, division)
