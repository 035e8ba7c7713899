"""Which files a command line names: files as given, folders searched for submissions."""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from aerp.findings import FileResult

SUFFIXES = (".yaml", ".yml", ".json")
# A name on the command line may have been meant as a file or as a folder: when nothing has
# that name, the words must not guess which.
NOTHING_THERE = "no file or folder has this name"


def discover(paths: Iterable[str]) -> list[tuple[Path, str]]:
    """Every file to validate, as (path, name to report), sorted by name, each once.

    The list :func:`iter_files` yields, for callers that need it all at once.
    """
    return list(iter_files(paths))


def iter_files(paths: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """Every file to validate, as (path, name to report), sorted by name, each once, found as it is needed.

    A file named on the command line is validated whatever its suffix; a folder is searched
    recursively for ``*.yaml``, ``*.yml`` and ``*.json`` (not hidden files) without following
    symbolic links to folders, so that a link loop cannot trap the walk. A folder named like a
    submission (``result.yaml/``) is taken as the file the user meant, and reported as unreadable.

    The name is the normalised path (``os.path.normpath``): ``./a.yaml`` and ``a.yaml`` are one
    file, taken from the first argument that reaches it. Nothing is collected beyond the entries
    of the folders being walked, so that a run over many files needs no more memory than one
    over a few, and the order is the sorted order of the names, whatever the file system's.
    """
    named: list[tuple[str, int, Path]] = []
    streams: list[Iterator[tuple[str, int, Path]]] = []
    for index, given in enumerate(paths):
        path = Path(given)
        if path.is_dir() and not given.lower().endswith(SUFFIXES):
            streams.append(_walk(path, index))
        else:
            named.append((os.path.normpath(given), index, path))
    named.sort(key=_order)
    streams.append(iter(named))
    last: str | None = None
    # merge() keeps each stream's order; (name, argument) puts the first argument first among equal names
    for name, _, path in heapq.merge(*streams, key=_order):
        if name != last:
            last = name
            yield path, name


def _order(item: tuple[str, int, Path]) -> tuple[str, int]:
    return item[0], item[1]


def _walk(top: Path, index: int) -> Iterator[tuple[str, int, Path]]:
    """The submissions under ``top`` as (name, ``index``, path), in the sorted order of their names.

    Each folder's entries are sorted by name, with "/" after a folder's: a file's name holds no
    "/" and everything below a folder shares the prefix "folder/", so visiting the entries in
    that order, folders depth first, gives the full paths in string order. A folder is listed at
    once and its listing closed before anything below it is visited, so that no more than one
    folder is open whatever the depth; what is kept is the rest of each listing on the way down.

    Errors are those of ``os.walk``: a folder that cannot be listed (or fails while being listed)
    is skipped, and an entry whose kind cannot be told is taken as a file.
    """
    pending = [(os.fspath(top), _entries(os.fspath(top)))]
    while pending:
        folder, keys = pending[-1]
        if not keys:
            pending.pop()
            continue
        key = keys.pop()
        if key.endswith("/"):
            below = os.path.join(folder, key[:-1])
            if not os.path.islink(below):  # a link to a folder is not followed, as os.walk does not
                pending.append((below, _entries(below)))
        else:
            full = Path(folder) / key
            yield os.path.normpath(str(full)), index, full


def _entries(folder: str) -> list[str]:
    """The submissions and sub-folders (as ``name/``) directly in ``folder``, last first; [] if unreadable."""
    keys: list[str] = []
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    keys.append(entry.name + "/")
                elif entry.name.lower().endswith(SUFFIXES) and not entry.name.startswith("."):
                    keys.append(entry.name)
    except OSError:
        return []
    keys.sort(reverse=True)  # popped from the end: first name first
    return keys


def name_what_is_missing(result: FileResult, path: Path) -> FileResult:
    """``result``, with the loader's "the file does not exist" said of whatever the user named.

    The loader is asked for a file, but ``aerp validate results/`` may name a folder that is
    not there; a path with nothing behind it (not even a broken link) is reported as such.
    """
    if result.loaded or os.path.lexists(path):
        return result
    findings = [replace(f, message=NOTHING_THERE) if f.check == "AERP-L001" else f for f in result.findings]
    return replace(result, findings=findings)
