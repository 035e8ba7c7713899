"""The protocol as data: one folder per minor version under ``spec/`` and ``schemas/``.

The validator is an engine; everything that differs between protocol versions (tasks,
query counts, unit vocabularies, rating scales, limits) is read from these folders. An
installed wheel carries them inside the package (``aerp/spec``, ``aerp/schemas``); a
source checkout or an editable install reads them from the repository root.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_PACKAGE_DIR = Path(__file__).resolve().parent
_MINOR_FOLDER = re.compile(r"^\d+\.\d+$")


@functools.lru_cache(maxsize=1)
def data_root() -> Path:
    """The folder that holds ``spec/``, ``schemas/`` and ``reference-results/``: inside the wheel, else the checkout."""
    for candidate in (_PACKAGE_DIR, _PACKAGE_DIR.parent.parent):
        if (candidate / "spec").is_dir() and (candidate / "schemas").is_dir():
            return candidate
    raise RuntimeError(f"the AERP specification data is missing: no spec/ and schemas/ beside {_PACKAGE_DIR}")


def _yaml(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as stream:
        return yaml.load(stream, Loader=loader)


@dataclass(frozen=True)
class Protocol:
    """One minor version of AERP: its parameters, its schema and its annexes."""

    version: str
    folder: Path
    params: dict[str, Any]
    schema: dict[str, Any]

    @property
    def patch_versions(self) -> list[str]:
        return list(self.params["patch_versions"])

    @property
    def tasks(self) -> dict[str, dict[str, Any]]:
        return self.params["tasks"]

    @property
    def units(self) -> dict[str, dict[str, Any]]:
        return self.params["units"]

    @property
    def limits(self) -> dict[str, int]:
        return self.params["limits"]

    def annex(self, name: str) -> Any:
        """An annex file of this version (e.g. ``accelerators``), read on first use."""
        return _annex(self.folder, name)

    def schema_path(self, name: str = "submission") -> Path:
        return data_root() / "schemas" / self.version / f"{name}.schema.json"


@functools.cache
def _annex(folder: Path, name: str) -> Any:
    return _yaml(folder / f"{name}.yaml")


def minor_versions() -> list[str]:
    """Every minor version that has both a spec folder and a schema folder, oldest first."""
    return list(_minor_versions())


@functools.lru_cache(maxsize=1)
def _minor_versions() -> tuple[str, ...]:
    """The editions, read from the folders once per process: every file asks for them."""
    spec_dir = data_root() / "spec"
    found = [
        p.name
        for p in spec_dir.iterdir()
        if _MINOR_FOLDER.match(p.name) and (data_root() / "schemas" / p.name).is_dir()
    ]
    return tuple(sorted(found, key=lambda v: tuple(int(x) for x in v.split("."))))


@functools.cache
def load_minor(minor: str) -> Protocol:
    folder = data_root() / "spec" / minor
    params = _yaml(folder / "protocol.yaml")
    with (data_root() / "schemas" / minor / "submission.schema.json").open("rb") as stream:
        schema = json.load(stream)
    return Protocol(version=minor, folder=folder, params=params, schema=schema)


def supported_versions() -> list[str]:
    """Every exact version (``X.Y.Z``) a submission may declare."""
    return [v for minor in minor_versions() for v in load_minor(minor).patch_versions]


def for_version(aerp_version: str) -> Protocol | None:
    """The protocol a submission declaring ``aerp_version`` follows, or None if unsupported."""
    parts = aerp_version.split(".")
    if len(parts) != 3:
        return None
    minor = f"{parts[0]}.{parts[1]}"
    if minor not in minor_versions():
        return None
    protocol = load_minor(minor)
    return protocol if aerp_version in protocol.patch_versions else None
