"""Which files a command line names: files as given, folders searched for submissions."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from aerp.findings import FileResult

SUFFIXES = (".yaml", ".yml", ".json")
# A name on the command line may have been meant as a file or as a folder: when nothing has
# that name, the words must not guess which.
NOTHING_THERE = "no file or folder has this name"


def discover(paths: Iterable[str]) -> list[tuple[Path, str]]:
    """Every file to validate, as (path, name to report), sorted by name, each once.

    A file named on the command line is validated whatever its suffix; a folder is searched
    recursively for ``*.yaml``, ``*.yml`` and ``*.json`` without following symbolic links
    to folders, so that a link loop cannot trap the walk. A folder named like a submission
    (``result.yaml/``) is taken as the file the user meant, and reported as unreadable.
    """
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir() and not given.lower().endswith(SUFFIXES):
            for folder, subfolders, files in os.walk(path, followlinks=False):
                subfolders.sort()
                for name in files:
                    if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                        full = Path(folder) / name
                        found.setdefault(os.path.normpath(str(full)), full)
        else:
            found.setdefault(os.path.normpath(given), path)
    return sorted(((p, name) for name, p in found.items()), key=lambda item: item[1])


def name_what_is_missing(result: FileResult, path: Path) -> FileResult:
    """``result``, with the loader's "the file does not exist" said of whatever the user named.

    The loader is asked for a file, but ``aerp validate results/`` may name a folder that is
    not there; a path with nothing behind it (not even a broken link) is reported as such.
    """
    if result.loaded or os.path.lexists(path):
        return result
    findings = [replace(f, message=NOTHING_THERE) if f.check == "AERP-L001" else f for f in result.findings]
    return replace(result, findings=findings)
