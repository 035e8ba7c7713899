"""AERP, the AI Energy Rating Protocol: the reference validator.

The package is a pipeline, one module per step:

    load      -> a document and the line:column of each of its nodes   (load.py)
    checks    -> findings, from a registry of small pure functions      (registry.py, checks/)
    render    -> text, json, ...                                        (render/)

``pipeline.validate_file`` runs the steps for one file. This module stays free of heavy
imports so that ``aerp --version`` starts fast.
"""

__version__ = "1.0.0.dev0"

__all__ = ["__version__"]
