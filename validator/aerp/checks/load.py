"""Checks that the loader emits: the file must be one strict YAML 1.2 or JSON document.

The reading itself is in :mod:`aerp.load`; these declarations give each refusal its id,
severity and requirement.
"""

from aerp.findings import Severity
from aerp.registry import declare

E = Severity.ERROR

declare("AERP-L001", E, "REQ-FORMAT-1", "The file can be read: it exists and is a regular, readable file.", "load")
declare("AERP-L002", E, "REQ-FORMAT-1", "The file is UTF-8 text without a byte order mark or NUL bytes.", "load")
declare("AERP-L003", E, "REQ-FORMAT-1", "The file is not empty: it holds one document.", "load")
declare("AERP-L004", E, "REQ-FORMAT-1", "The file is syntactically valid YAML 1.2 or JSON.", "load")
declare("AERP-L005", E, "REQ-FORMAT-2", "No key appears twice in the same mapping.", "load")
declare("AERP-L006", E, "REQ-FORMAT-3", "No YAML anchors, aliases or merge keys.", "load")
declare("AERP-L007", E, "REQ-FORMAT-4", "No YAML tags.", "load")
declare("AERP-L008", E, "REQ-FORMAT-5", "Every mapping key is a string.", "load")
declare("AERP-L009", E, "REQ-FORMAT-6", "Every number is finite (no NaN, no infinity, no overflow).", "load")
declare("AERP-L010", E, "REQ-FORMAT-1", "The file holds exactly one document.", "load")
declare(
    "AERP-L011",
    E,
    "REQ-SEC-1",
    "The file is within the bounds on size, depth, node count, string length and number length.",
    "load",
)
