"""Every check of the validator, one module per area of the specification.

Importing this package registers them all in :data:`aerp.registry.REGISTRY`.
"""

from aerp.checks import (
    artifacts,
    consistency,
    counts,
    disclosure,
    evidence,
    hardware,
    idle,
    levels,
    load,
    measurement,
    plausibility,
    rating,
    run,
    schema,
    tasks,
    uncertainty,
    units,
    version,
)

__all__ = [
    "artifacts",
    "consistency",
    "counts",
    "disclosure",
    "evidence",
    "hardware",
    "idle",
    "levels",
    "load",
    "measurement",
    "plausibility",
    "rating",
    "run",
    "schema",
    "tasks",
    "uncertainty",
    "units",
    "version",
]
