"""Many files at once: spread over worker processes, results in path order, memory flat.

Workers receive paths, never contents, and return compact results (findings and facts,
not documents), so memory grows with the findings, not with the files. ``imap`` keeps the
input order whatever the scheduling, so the same inputs give the same report with one job
or many. A bug that raises while checking one file is recorded for that file and the run
goes on; the command then exits 3.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Iterable, Iterator, Sized
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


# What a worker is handed: the file, the name to report it by, and the limits to read it with.
_Item = tuple[Path, str, Limits]


def _validate(item: _Item) -> FileResult | Bug:
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
    """Build what every file needs once per worker: the check registry and the schema's pass-or-fail validator.

    jsonschema's validator, which explains a failing file, is built by the first such file: a
    run in which every file passes never needs it (it costs a worker some 50 ms and 14 MiB).
    Where jsonschema-rs cannot stand in for an edition, that edition's files all go to
    jsonschema, which is then built here.
    """
    from aerp.checks.schema import _fast_validator, _validator
    from aerp.protocol import minor_versions
    from aerp.registry import all_checks

    all_checks()
    for version in minor_versions():
        if _fast_validator(version) is None:
            _validator(version)


def default_jobs() -> int:
    return os.cpu_count() or 1


def validate_many(
    files: Iterable[tuple[Path, str]],
    limits: Limits,
    jobs: int,
    fail_fast: bool = False,
    count: int | None = None,
) -> Iterator[FileResult | Bug]:
    """Results for ``files`` in their order; with ``fail_fast``, stop after the first failing file.

    ``files`` is taken one item at a time, never listed whole, so that it can be a walk of the
    file system: ``count`` is how many it holds (``len(files)`` when omitted), which sets how many
    workers are worth starting. With workers, the files handed to the pool are at most a window
    ahead of the results taken from here, so neither the pool's queues nor the results waiting
    for their turn grow with the number of files.
    """
    if count is None:
        if not isinstance(files, Sized):
            raise TypeError("validate_many() needs count= when files has no len()")
        count = len(files)
    items = ((path, name, limits) for path, name in files)
    workers = min(jobs, max(1, count // FILES_PER_WORKER))
    if workers <= 1:
        yield from _stop_early(map(_validate, items), fail_fast)
        return
    import multiprocessing  # here: one file, the usual pre-commit case, starts no worker and need not load it

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    chunk = max(1, min(16, count // (workers * 4)))
    window = _Window(window_size(workers, chunk))
    with context.Pool(workers, initializer=_warm) as pool:
        try:
            for result in _stop_early(pool.imap(_validate, window.feed(items), chunksize=chunk), fail_fast):
                window.advance()
                yield result
        finally:
            # before the pool is terminated: terminate() waits for the thread that is feeding it
            window.stop()


# Files the pool may be handed ahead of the results taken, at the least.
WINDOW = 256


def window_size(workers: int, chunk: int) -> int:
    """How far ahead of the results the pool is fed: enough chunks queued to keep every worker busy."""
    return max(WINDOW, workers * chunk * 4)


class _Window:
    """A bound on how many items the pool's feeder thread has taken and the consumer not yet received.

    ``Pool.imap`` drains its input into the task queue from a thread of its own, as fast as it
    can; fed through :meth:`feed`, that thread waits once it is ``size`` items ahead, and goes on
    as results are taken (:meth:`advance`). :meth:`stop` ends the feed when the run ends early
    (``--fail-fast``, the consumer gone), so that the thread never waits for results nobody takes.
    """

    def __init__(self, size: int) -> None:
        self._free = threading.Semaphore(size)
        self._stopped = False

    def feed(self, items: Iterable[_Item]) -> Iterator[_Item]:
        """``items``, each taken from its source only once a place in the window is free."""
        source = iter(items)
        while True:
            self._free.acquire()
            if self._stopped:
                return
            item = next(source, None)
            if item is None:
                return
            yield item

    def advance(self) -> None:
        """One result was taken: one more item may be fed."""
        self._free.release()

    def stop(self) -> None:
        """No more results will be taken: the feed ends, waking the feeder if it waits."""
        self._stopped = True
        self._free.release()


def _stop_early(results: Iterable[FileResult | Bug], fail_fast: bool) -> Iterator[FileResult | Bug]:
    for result in results:
        yield result
        if fail_fast and (isinstance(result, Bug) or result.verdict.value != "conformant"):
            return
