"""Strings from submissions, made harmless for output that interprets control characters.

A key or a unit in a submission may hold terminal escape sequences, bidirectional overrides
that make text display as something else, or characters that XML 1.0 forbids. Renderers
that write plain text or XML pass every message through :func:`printable`.
"""

from __future__ import annotations

import re

# C0 and C1 controls except tab and newline, DEL, and the Unicode bidi controls
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` with every unsafe character written as a visible escape such as ``\\x1b``."""
    return _UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}", text
    )
