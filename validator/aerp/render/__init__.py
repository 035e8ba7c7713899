"""Renderers: each output format is a pure function of the results and the run's metadata."""

from __future__ import annotations

from collections.abc import Callable

from aerp.render.run import Run

Renderer = Callable[[Run], str]


def renderer(name: str) -> Renderer:
    if name == "json":
        from aerp.render.json_report import render
    else:
        from aerp.render.text import render
    return render


FORMATS = ("text", "json")

__all__ = ["FORMATS", "Run", "renderer"]
