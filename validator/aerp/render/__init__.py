"""Renderers: each output format is a pure function of the results and the run's metadata."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from aerp.render.run import Run

Renderer = Callable[[Run], str]

# format name -> module whose ``render(run)`` writes it; imported only when asked for
MODULES = {
    "text": "aerp.render.text",
    "json": "aerp.render.json_report",
    "sarif": "aerp.render.sarif",
    "junit": "aerp.render.junit",
    "markdown": "aerp.render.markdown_report",
    "html": "aerp.render.html_report",
}
FORMATS = tuple(MODULES)


def renderer(name: str) -> Renderer:
    return importlib.import_module(MODULES[name]).render  # type: ignore[no-any-return]


__all__ = ["FORMATS", "MODULES", "Run", "renderer"]
