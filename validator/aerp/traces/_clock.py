"""Timestamps as seconds since 1970-01-01T00:00:00, read fast and strictly.

PTDaemon and nvidia-smi write the local clock with no time zone. AERP reads such a clock as
if it were UTC: the result is not a true epoch time, but a trace and the window that cuts
it come from the same clock, and only their differences matter. A naive timestamp and a
zoned one (RFC 3339) are therefore never mixed in one comparison by this package.

A GPU log has one timestamp per row, hundreds of thousands of them, and consecutive rows
share their whole second; :class:`NaiveClock` parses and validates the whole-second part
once and reuses it while it repeats, so that a row costs a slice, a compare and a float.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import re

_EPOCH_DAY = _dt.date(1970, 1, 1).toordinal()


def _naive_seconds(year: int, month: int, day: int, hour: int, minute: int, second: int) -> float:
    """Seconds of a zone-less date and time as if UTC; ValueError for a date that does not exist."""
    moment = _dt.datetime(year, month, day, hour, minute, second)  # validates every field's range
    return float((moment.toordinal() - _EPOCH_DAY) * 86400 + hour * 3600 + minute * 60 + second)


class NaiveClock:
    """A parser of one zone-less layout: ``YYYY/MM/DD HH:MM:SS[.f]`` or ``MM-DD-YYYY HH:MM:SS[.f]``."""

    __slots__ = ("_base", "_key", "_order", "_pattern", "layout")

    def __init__(self, pattern: str, order: tuple[int, int, int], layout: str) -> None:
        self._pattern = re.compile(pattern, re.ASCII)
        self._order = order  # the regex groups holding year, month, day
        self.layout = layout
        self._key = ""
        self._base = 0.0

    def __call__(self, text: str) -> float:
        """Seconds of ``text``; ValueError when it is not this layout, or not a real date and time."""
        key = text[:19]
        if key != self._key:
            match = self._pattern.fullmatch(key)
            if match is None:
                raise ValueError(f"{text[:40]!r} is not a time of the form {self.layout}")
            year, month, day = (int(match[g]) for g in self._order)
            self._base = _naive_seconds(year, month, day, int(match[4]), int(match[5]), int(match[6]))
            self._key = key
        if len(text) == 19:
            return self._base
        fraction = text[19:]
        if fraction[0] != "." or len(fraction) > 10 or not fraction[1:].isdigit() or not fraction.isascii():
            raise ValueError(f"{text[:40]!r} is not a time of the form {self.layout}")
        return self._base + float(fraction)


def nvidia_clock() -> NaiveClock:
    """nvidia-smi's ``timestamp`` column: ``2024/10/30 18:42:33.189``, local, no zone."""
    return NaiveClock(r"(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})", (1, 2, 3), "YYYY/MM/DD HH:MM:SS.fff")


def ptd_clock() -> NaiveClock:
    """PTDaemon's and loadgen's clock: ``03-19-2021 16:22:24.758``, local, no zone."""
    return NaiveClock(r"(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})", (3, 1, 2), "MM-DD-YYYY HH:MM:SS.fff")


_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))", re.ASCII
)


class Rfc3339Clock:
    """RFC 3339 date-times with their offset (``2024-10-30T18:42:33.189+01:00``), as true epoch seconds.

    The offset is required: a zone-less time in the AERP format is what ``time [s]`` is for.
    A leap second (``:60``) is refused, as Python's clock cannot place it.
    """

    __slots__ = ("_base", "_key")
    layout = "RFC 3339 (YYYY-MM-DDTHH:MM:SS.fff+HH:MM)"

    def __init__(self) -> None:
        self._key: tuple[str | None, ...] = ()
        self._base = 0.0

    def __call__(self, text: str) -> float:
        match = _RFC3339.fullmatch(text)
        if match is None:
            raise ValueError(f"{text[:40]!r} is not an RFC 3339 date-time with an offset, such as 2024-10-30T18:42:33Z")
        key = match.group(1, 2, 3, 4, 5, 6, 9, 10, 11)
        if key != self._key:
            year, month, day, hour, minute, second = (int(v) for v in key[:6])
            base = _naive_seconds(year, month, day, hour, minute, second)
            if key[6] is not None:
                hours, minutes = int(key[7]), int(key[8])  # type: ignore[arg-type]
                if hours > 23 or minutes > 59:
                    raise ValueError(f"{text[:40]!r}: the offset is not a time of day")
                offset = (hours * 3600 + minutes * 60) * (1 if key[6] == "+" else -1)
                base -= offset
            self._key, self._base = key, base
        fraction = match[7]
        return self._base + float(fraction) if fraction else self._base


MAX_DECIMAL = 32


def is_decimal(text: str) -> bool:
    """``digits`` or ``digits.digits``, at most MAX_DECIMAL characters: the only number a trace may write.

    No sign, exponent, ``_``, space, ``inf`` or ``nan``, all of which ``float`` would accept;
    the length bound keeps every value finite (``float`` turns 400 digits into infinity).
    """
    return (
        len(text) <= MAX_DECIMAL
        and text.isascii()
        and text.replace(".", "", 1).isdigit()
        and text[0] != "."
        and text[-1] != "."
    )


def parse_timestamp(text: str) -> float:
    """Seconds for a time typed by a user: decimal seconds, or any timestamp layout a trace uses.

    The layouts do not overlap, so trying each in turn cannot read one as another.
    """
    text = text.strip()
    if text and is_decimal(text):
        return float(text)
    for clock in (ptd_clock(), nvidia_clock(), Rfc3339Clock()):
        with contextlib.suppress(ValueError):
            return clock(text)
    raise ValueError(
        f"{text[:40]!r} is neither seconds since the epoch nor a trace timestamp "
        "(MM-DD-YYYY HH:MM:SS.fff, YYYY/MM/DD HH:MM:SS.fff or RFC 3339 with an offset)"
    )
