"""Many files at once: spread over worker processes, results in path order, memory flat.

Workers receive paths, never contents, and return compact results (findings and facts,
not documents), so memory grows with the findings, not with the files. ``imap`` keeps the
input order whatever the scheduling, so the same inputs give the same report with one job
or many. A bug that raises while checking one file is recorded for that file and the run
goes on; the command then exits 3.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from aerp.checks.version import tool_hint
from aerp.discover import name_what_is_missing
from aerp.findings import FileResult
from aerp.load import Limits
from aerp.pipeline import validate_file

# How much of an unparsable file is read again to recognise a tool's CSV by its header.
_HEADER_BYTES = 64 * 1024

# Below this many files per worker, starting workers costs more than it saves.
FILES_PER_WORKER = 8


@dataclass(frozen=True)
class Bug:
    """The validator failed on a file: not the file's fault, and never hidden."""

    path: str
    error: str
    trace: str


def _validate(item: tuple[Path, str, Limits]) -> FileResult | Bug:
    path, name, limits = item
    try:
        return _tool_csv(name_what_is_missing(validate_file(path, name, limits), path), path)
    except Exception as exc:  # a bug in a check must not end the whole batch
        return Bug(name, f"{type(exc).__name__}: {exc}", traceback.format_exc())


def _tool_csv(result: FileResult, path: Path) -> FileResult:
    """A CSV named on the command line that is not even YAML: still point to ``aerp ingest``.

    Most tool CSVs read as one YAML string, and the version stage recognises them; a cell
    holding ": " makes the file a YAML syntax error instead, so its header is read here.
    """
    if result.loaded or path.suffix.lower() != ".csv" or [f.check for f in result.findings] != ["AERP-L004"]:
        return result
    try:
        # non-blocking, as the loader reads: a file swapped for a FIFO meanwhile cannot hang the run
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as stream:
            head = stream.read(_HEADER_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return result
    hint = tool_hint(head)
    if hint is None:
        return result
    return replace(result, findings=[replace(result.findings[0], hint=hint)])


def _warm() -> None:
    """Build what every file needs once per worker: the check registry and the schema validator."""
    from aerp.checks.schema import _validator
    from aerp.protocol import minor_versions
    from aerp.registry import all_checks

    all_checks()
    for version in minor_versions():
        _validator(version)


def default_jobs() -> int:
    return os.cpu_count() or 1


def validate_many(
    files: list[tuple[Path, str]], limits: Limits, jobs: int, fail_fast: bool = False
) -> Iterator[FileResult | Bug]:
    """Results for ``files`` in their order; with ``fail_fast``, stop after the first failing file."""
    items = [(path, name, limits) for path, name in files]
    workers = min(jobs, max(1, len(items) // FILES_PER_WORKER))
    if workers <= 1:
        yield from _stop_early((_validate(item) for item in items), fail_fast)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    chunk = max(1, min(16, len(items) // (workers * 4)))
    with context.Pool(workers, initializer=_warm) as pool:
        yield from _stop_early(pool.imap(_validate, items, chunksize=chunk), fail_fast)
        pool.terminate()


def _stop_early(results: Iterable[FileResult | Bug], fail_fast: bool) -> Iterator[FileResult | Bug]:
    for result in results:
        yield result
        if fail_fast and (isinstance(result, Bug) or result.verdict.value != "conformant"):
            return
