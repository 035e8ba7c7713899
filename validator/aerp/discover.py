"""Which files a command line names: files as given, folders searched for submissions."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

SUFFIXES = (".yaml", ".yml", ".json")


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
