"""Opening a trace safely and cutting it into lines, bounded in every dimension.

A trace arrives beside a submission from someone else's machine: it may be a FIFO that
never ends, a link out of the submission's folder, gigabytes of one line, or binary noise.
The file is opened without following a final symbolic link (unless the caller allows it)
and without blocking, refused unless it is a regular file, and read in blocks of
:data:`BLOCK` bytes (256 KiB): memory holds one block and at most one partial line, never the file.
Lines are decoded a block at a time (a block always ends at a line end, so no character is
cut), which is several times faster than one ``readline`` and one ``decode`` per line on the
hundreds of thousands of rows a GPU log has.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

from aerp.traces.model import TraceError, TraceLimits

BLOCK = 1 << 18

# A batch of lines: the 1-based number of its first line, and the lines without their ends.
Batch = tuple[int, list[str]]


def open_trace(path: str | os.PathLike[str], limits: TraceLimits, follow_links: bool = False) -> BinaryIO:
    """The trace at ``path`` opened for reading, or a TraceError saying why it cannot be.

    ``O_NONBLOCK`` keeps ``open`` from waiting for a writer on a FIFO; ``O_NOFOLLOW``
    refuses a final symbolic link, which the validator needs so that a link cannot read a
    file outside the submission's folder (the caller confines the folder part of the path).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        if not hasattr(os, "O_NOFOLLOW") and os.path.islink(path):  # platforms without O_NOFOLLOW
            raise TraceError("trace.link", "this is a symbolic link; a trace is read only from a regular file")
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        from aerp.discover import NOTHING_THERE

        raise TraceError("trace.missing", NOTHING_THERE) from None
    except IsADirectoryError:
        raise TraceError("trace.not-a-file", "this is a folder, not a file") from None
    except OSError as error:
        if not follow_links and os.path.islink(path):
            raise TraceError(
                "trace.link", "this is a symbolic link; a trace is read only from a regular file"
            ) from None
        raise TraceError("trace.unreadable", f"the file cannot be read: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise TraceError("trace.not-a-file", "this is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise TraceError("trace.not-a-file", "this is not a regular file (a FIFO, a socket or a device)")
        if info.st_size > limits.max_bytes:
            raise TraceError("trace.too-large", f"the file has {info.st_size} bytes; the limit is {limits.max_bytes}")
        if info.st_size == 0:
            raise TraceError("trace.empty", "the file is empty")
        return os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise


def line_batches(stream: BinaryIO, limits: TraceLimits) -> Iterator[Batch]:
    """The lines of ``stream`` as batches, each line checked: no NUL, not too long, valid UTF-8.

    LF and CRLF both end a line (a CR anywhere else is refused: it would hide text on a
    terminal). The last line may lack its end. The byte count is checked again as the file
    is read, in case it grows after it was opened.
    """
    first = 1
    carry = b""
    total = 0
    while True:
        block = stream.read(BLOCK)
        if not block:
            break
        total += len(block)
        if total > limits.max_bytes:
            raise TraceError("trace.too-large", f"the file has more than {limits.max_bytes} bytes (the limit)")
        data = carry + block if carry else block
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            if len(data) > limits.max_line_length:
                raise _too_long(first, limits)
            carry = data
            continue
        body, carry = data[:cut], data[cut:]
        if len(carry) > limits.max_line_length:
            raise _too_long(first + body.count(b"\n"), limits)
        lines = _decode(body, first, limits)
        yield first, lines
        first += len(lines)
    if carry:
        yield first, _decode(carry + b"\n", first, limits)


def _too_long(line: int, limits: TraceLimits) -> TraceError:
    return TraceError(
        "trace.line-too-long", f"the line is longer than {limits.max_line_length} bytes (the limit)", line
    )


def _decode(body: bytes, first: int, limits: TraceLimits) -> list[str]:
    """The lines of ``body`` (which ends with LF) as text; any defect names its line."""
    nul = body.find(b"\0")
    if nul >= 0:
        raise TraceError(
            "trace.nul", "the line holds a NUL byte: this is not a text file", first + body.count(b"\n", 0, nul)
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = first + body.count(b"\n", 0, error.start)
        raise TraceError(
            "trace.encoding", f"the line is not valid UTF-8 (byte 0x{body[error.start]:02x})", line
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        stray = text.find("\r")
        if stray >= 0:
            line = first + text.count("\n", 0, stray)
            raise TraceError("trace.syntax", "a carriage return (CR) that does not end the line", line)
    lines = text.split("\n")
    lines.pop()  # body ends with LF: the last piece is empty
    # A line of n characters has n to 4n bytes in UTF-8: only lines longer than a quarter of
    # the limit in characters can be too long in bytes, and only those are encoded to count.
    quarter = limits.max_line_length // 4
    if len(body) > quarter and max(map(len, lines)) > quarter:
        for index, line in enumerate(lines):
            if len(line) > quarter and len(line.encode("utf-8")) > limits.max_line_length:
                raise _too_long(first + index, limits)
    return lines


def first_line(batches: Iterator[Batch]) -> tuple[str, int, Iterator[Batch]]:
    """The first line that is not blank, its number, and the batches again from that line's batch.

    Only the batch holding that line is kept (the ones before are blank), so peeking at a
    header costs one block of memory however many blank lines precede it. A byte order mark
    before the first line is dropped: editors on some systems write one.
    """
    for batch in batches:
        first, lines = batch
        for number, line in enumerate(lines, first):
            if number == 1 and line.startswith("\ufeff"):
                line = lines[0] = line[1:]
            if line.strip():
                return line, number, _resume([batch], batches)
    raise TraceError("trace.empty", "the file holds only blank lines")


def _resume(held: list[Batch], rest: Iterator[Batch]) -> Iterator[Batch]:
    """The held batch, then the rest; the held one is let go once yielded (``itertools.chain`` would keep it)."""
    yield held.pop()
    yield from rest


def bounded_lines(stream: BinaryIO, limits: TraceLimits) -> Iterator[tuple[int, str]]:
    """Every line of a log whose long lines are not refused but cut: ``(number, first bytes)``.

    For loadgen's ``mlperf_log_detail.txt``, where a line can list every sample index of the
    data set (12 KB for ResNet-50, far more for larger sets) while the lines that matter are
    short: a long line keeps its first ``max_line_length`` bytes and the rest is skipped
    without being held in memory. The log is only searched for two markers, so a byte that is
    not UTF-8 elsewhere in it is replaced rather than refused; a NUL is still refused, as the
    sign of a file that is not a text log at all.
    """
    number = 0
    total = 0
    while True:
        raw = stream.readline(limits.max_line_length + 1)
        if not raw:
            return
        number += 1
        total += len(raw)
        if not raw.endswith(b"\n") and len(raw) > limits.max_line_length:
            while True:  # skip the rest of the long line
                rest = stream.readline(BLOCK)
                total += len(rest)
                if total > limits.max_bytes:
                    break
                if not rest or rest.endswith(b"\n"):
                    break
        if total > limits.max_bytes:
            raise TraceError("trace.too-large", f"the file has more than {limits.max_bytes} bytes (the limit)")
        if b"\0" in raw:
            raise TraceError("trace.nul", "the line holds a NUL byte: this is not a text file", number)
        yield number, raw.decode("utf-8", "replace").rstrip("\r\n")


@contextlib.contextmanager
def opened(
    path: str | os.PathLike[str], limits: TraceLimits, follow_links: bool = False, buffered: bool = False
) -> Iterator[BinaryIO]:
    """:func:`open_trace` as a context; ``buffered`` for readers that go a line at a time."""
    stream: BinaryIO = open_trace(path, limits, follow_links)
    if buffered:
        stream = io.BufferedReader(stream, BLOCK)  # type: ignore[arg-type]
    try:
        yield stream
    finally:
        stream.close()


def csv_cells(
    batches: Iterator[Batch], header_line: int, width: int, limits: TraceLimits, what: str = "trace"
) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every data row after the header, counted against the row limit.

    Shared by the CSV readers: a row must have the header's width, and past ``max_rows`` rows
    the trace is refused at the row that crosses the limit.
    """
    count = 0
    max_rows = limits.max_rows
    for first, lines in batches:
        for number, line in enumerate(lines, first):
            if number <= header_line or not line:
                continue
            parts = line.split(",")
            if len(parts) != width:
                raise TraceError("trace.syntax", f"the row has {len(parts)} cells; the header has {width}", number)
            count += 1
            if count > max_rows:
                raise TraceError("trace.too-many-rows", f"the {what} has more than {max_rows} rows (the limit)", number)
            yield number, parts
