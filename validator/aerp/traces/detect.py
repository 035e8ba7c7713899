"""Which format a trace is in, from its first non-blank line.

The three formats cannot be confused: a PTDaemon line starts with ``Time,``; an AERP header
has a ``time [s]`` or ``time [RFC3339]`` cell and a ``device`` cell; an nvidia-smi header
names nvidia-smi's query fields. Anything else is refused with what was expected, rather
than read by a guess.
"""

from __future__ import annotations

import re

from aerp.traces import aerp_csv, nvidia_smi
from aerp.traces.model import TraceError

_NVIDIA_ROW = re.compile(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}")


def detect_format(line: str, number: int = 1) -> str:
    """``mlperf``, ``nvidia-smi`` or ``aerp`` for a trace whose first non-blank line is ``line``."""
    if line.startswith("Time,"):
        return "mlperf"
    if aerp_csv.is_header(line):
        return "aerp"
    names = {name for name, _ in nvidia_smi.header_columns(line)}
    if names & nvidia_smi.NAMES:
        return "nvidia-smi"
    if _NVIDIA_ROW.match(line):
        raise TraceError(
            "trace.format",
            "this looks like an nvidia-smi log without its header: write it with --format=csv (not noheader)",
            number,
        )
    raise TraceError(
        "trace.format",
        "unknown trace format: expected a PTDaemon spl.txt line (Time,...), an nvidia-smi CSV header "
        "(timestamp, power.draw [W], ...) or an AERP trace header (time [s],device,power [W])",
        number,
    )
