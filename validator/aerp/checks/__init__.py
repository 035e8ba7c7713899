"""Every check of the validator, one module per area of the specification.

Importing this package registers them all in :data:`aerp.registry.REGISTRY`.
"""

from aerp.checks import consistency, load, measurement, schema, tasks, units, version

__all__ = ["consistency", "load", "measurement", "schema", "tasks", "units", "version"]
