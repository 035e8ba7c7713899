"""Every check of the validator, one module per area of the specification.

Importing this package registers them all in :data:`aerp.registry.REGISTRY`.
"""

from aerp.checks import load, measurement, schema, tasks, version

__all__ = ["load", "measurement", "schema", "tasks", "version"]
