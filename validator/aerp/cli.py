"""The ``aerp`` command: a thin click layer over the pipeline and the renderers.

Exit codes: 0 every file conformant; 1 a file non-conformant or unreadable; 2 a usage
error; 3 the validator itself failed (a bug: it says so and asks for a report).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import io
import json
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TextIO

import click

from aerp import __version__
from aerp.exact import significant, to_float

if TYPE_CHECKING:
    from aerp.protocol import Protocol

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
ISSUES = "https://github.com/aerp-protocol/aerp/issues"


class _ReaderSafe:
    """A standard stream that goes quiet when its reader goes away, instead of raising.

    ``aerp validate ... | head`` closes the pipe after ten lines. That is the reader's choice,
    not a failure of the run: the command still finishes and exits with its own code, and
    whatever it writes after the pipe closed is dropped.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._lost()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._lost()

    def _lost(self) -> None:
        self.reader_gone = True
        # What is still buffered below is flushed again when the interpreter exits; pointing
        # the descriptor at the null device makes that flush succeed instead of failing twice.
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self._stream.fileno())
            finally:
                os.close(null)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":  # every write comes through write(), never around it
            raise AttributeError(name)
        return getattr(self._stream, name)


class _Group(click.Group):
    """Turns any unexpected exception into exit 3 with a plain explanation."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        saved = sys.stdout, sys.stderr
        if sys.stdout is not None:
            sys.stdout = _ReaderSafe(sys.stdout)  # type: ignore[assignment]
        if sys.stderr is not None:
            sys.stderr = _ReaderSafe(sys.stderr)  # type: ignore[assignment]
        try:
            return super().main(*args, **kwargs)
        finally:
            sys.stdout, sys.stderr = saved

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as exc:
            _bug(exc)


def _bug(exc: BaseException) -> None:
    click.echo(
        f"aerp: internal error: {type(exc).__name__}: {exc}\n"
        f"This is a bug in the validator, not in your file. Please report it at {ISSUES}",
        err=True,
    )
    if os.environ.get("AERP_DEBUG"):
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    else:
        click.echo("(set AERP_DEBUG=1 to print the traceback)", err=True)
    sys.exit(EXIT_BUG)


# -- usage errors: one wording for one mistake, whichever command it is made in -----------------


def _bad(name: str, message: str) -> click.BadParameter:
    """A usage error about the current command's parameter ``name``, hinted as click hints it."""
    ctx = click.get_current_context()
    param = next((p for p in ctx.command.params if p.name == name), None)
    return click.BadParameter(message, ctx=ctx, param=param)


_VERSION = re.compile(r"^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$")


def _minor(version: str | None) -> str:
    """The minor version (X.Y) an --aerp-version option names, the newest by default.

    X.Y and X.Y.Z are accepted (a patch version only clarifies wording); anything else is
    refused with the versions that are supported.
    """
    from aerp.protocol import minor_versions

    versions = minor_versions()
    if version is None:
        return versions[-1]
    match = _VERSION.match(version.strip())
    chosen = f"{int(match[1])}.{int(match[2])}" if match else None
    if chosen not in versions:
        shown = version if len(version) <= 40 else version[:37] + "..."
        raise click.BadParameter(f"{shown!r} is not a supported version; supported: {', '.join(versions)}")
    return chosen


def _version_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str:
    return _minor(value)


def _version_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """--aerp-version, parsed the same way in every command that takes it."""
    return click.option(
        "--aerp-version",
        "version",
        default=None,
        metavar="X.Y",
        callback=_version_callback,
        help="The protocol version (default: the newest).",
    )(function)


def _timestamp_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise click.BadParameter(f"{shown!r} is not an ISO 8601 date-time such as 2026-01-01T00:00:00Z") from None
    return value


# -- output: every command writes through the same few functions --------------------------------


def _shown(path: str) -> str:
    from aerp.safe_text import printable

    return f"'{printable(path)}'"


def _unwritable(path: str, folder: bool = False, error: OSError | None = None) -> str:
    """Why ``path`` cannot be written (or cannot be made a folder), in words; "" when it can.

    Called before any work is done, so that a typo in an output path costs nothing, and again
    with ``error`` when writing fails after all (a folder removed meanwhile, a full disk), so
    the user reads the same words whichever way the mistake is caught.
    """
    target = os.path.normpath(path)
    parent = os.path.dirname(target) or os.curdir
    if os.path.isdir(target):
        if not folder:
            return "it is a folder: name a file inside it"
        return "" if os.access(target, os.W_OK | os.X_OK) else "permission denied"
    if os.path.lexists(target) and folder:
        return "it is a file, not a folder"
    if not os.path.lexists(parent):
        return f"the folder {_shown(parent)} does not exist"
    if not os.path.isdir(parent):
        return f"{_shown(parent)} is not a folder"
    if os.path.exists(target) and not os.access(target, os.W_OK):
        return "permission denied"
    if not os.path.exists(target) and not os.access(parent, os.W_OK | os.X_OK):
        return f"the folder {_shown(parent)} is not writable"
    if error is None:
        return ""
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EISDIR: "it is a folder: name a file inside it",
    }
    return reasons.get(error.errno or 0, error.strerror or str(error))


class OutputFile(click.ParamType):
    """A file a command writes: refused at once, as a usage error, when it cannot be written."""

    name = "file"

    def __init__(self, folder: bool = False) -> None:
        self.folder = folder
        if folder:
            self.name = "folder"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        reason = _unwritable(str(value), self.folder)
        if reason:
            self.fail(f"cannot write {_shown(str(value))}: {reason}", param, ctx)
        return str(value)


def _cannot_write(path: str, error: OSError, option: str, folder: bool = False) -> click.BadParameter:
    reason = _unwritable(path, folder, error) or (error.strerror or str(error))
    return _bad(option, f"cannot write {_shown(path)}: {reason}")


class _Sink:
    """An output file opened for writing; any failure to write it is a usage error (exit 2)."""

    def __init__(self, path: str, option: str = "output_file") -> None:
        self.path, self.option = path, option
        try:
            self._stream = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()
        except OSError as error:
            raise _cannot_write(path, error, option) from None

    def write(self, text: str) -> None:
        try:
            self._stream.write(text)
        except OSError as error:
            raise _cannot_write(self.path, error, self.option) from None

    def close(self) -> None:
        try:
            self._stream.close()
        except OSError as error:
            raise _cannot_write(self.path, error, self.option) from None


@contextlib.contextmanager
def _opened(path: str, option: str = "output_file") -> Iterator[_Sink]:
    sink = _Sink(path, option)
    try:
        yield sink
    finally:
        sink.close()


def _emit(text: str, output_file: str | None, color: bool = False, option: str = "output_file") -> None:
    """Write a command's output where the user asked: the file they named, else standard output.

    Every command writes through here (or through :class:`_Sink`, which it uses), so that an
    output file that cannot be written is always the same usage error, exit 2, whatever the
    command; ``option`` is the parameter that named the file, for the message.
    """
    if output_file:
        with _opened(output_file, option) as sink:
            sink.write(text)
    else:
        click.echo(text, nl=False, color=color)


# What each output format is written as, by file-name suffix; the first is the one suggested.
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "text": (".txt", ".log"),
    "json": (".json",),
    "sarif": (".sarif", ".json"),
    "junit": (".xml",),
    "markdown": (".md", ".markdown"),
    "html": (".html", ".htm"),
    "csv": (".csv",),
    "svg": (".svg",),
    "yaml": (".yaml", ".yml"),
}
# Formats no command writes: a file named so would hold something else than its name says.
_OTHER_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".pdf", ".tsv", ".xls", ".xlsx")


def _check_suffix(output_file: str, fmt: str, formats: tuple[str, ...], option: str = "output_file") -> None:
    """Refuse an output file whose suffix names another format than the one written.

    ``aerp label ... --output-file label.png`` would otherwise be an SVG behind a .png name,
    which no image viewer opens. A suffix AERP does not know (or none) is left alone.
    """
    suffix = PurePath(output_file).suffix.lower()
    known = {s for listed in _SUFFIXES.values() for s in listed} | set(_OTHER_SUFFIXES)
    if not suffix or suffix in _SUFFIXES[fmt] or suffix not in known:
        return
    instead = [f for f in formats if suffix in _SUFFIXES[f]]
    if instead:
        what = f"the output is {fmt}: add -o {instead[0]}, or"
    else:
        what = f"{click.get_current_context().command_path} writes {', '.join(formats)}, not {suffix[1:]}:"
    raise _bad(option, f"{_shown(output_file)} ends in {suffix}, but {what} name the file *{_SUFFIXES[fmt][0]}")


def _format_and_file(
    fmt: str | None, output_file: str | None, formats: tuple[str, ...], legacy_file: bool = False
) -> tuple[str, str | None]:
    """The format and the output file a command writes, checked against each other.

    ``-o`` names the format in every command and ``--output-file`` the file. In ``label``,
    ``init`` and ``spec render`` ``-o`` used to name the file (``legacy_file``); a value there
    that is plainly a path (it has a suffix or a folder) is still read as the file, with a
    note, while a bare word is always a format: ``-o png`` is refused, never written as a file
    called png.
    """
    chosen = fmt or formats[0]
    if chosen in formats:
        if output_file:
            _check_suffix(output_file, chosen, formats)
        return chosen, output_file
    if not (legacy_file and ("/" in chosen or os.sep in chosen or PurePath(chosen).suffix)):
        raise _bad("fmt", f"{_shown(chosen)} is not a format of this command; it writes: {', '.join(formats)}")
    if output_file:
        raise _bad("fmt", "-o names the output format; name the file once, with --output-file")
    reason = _unwritable(chosen)
    if reason:
        raise _bad("fmt", f"cannot write {_shown(chosen)}: {reason}")
    _check_suffix(chosen, formats[0], formats, option="fmt")
    click.echo(
        f"aerp: -o {chosen}: naming the output file with -o is deprecated; -o names the format "
        f"({', '.join(formats)}): write --output-file {chosen}",
        err=True,
    )
    return formats[0], chosen


def _format_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """-o/--output, the output format, the same in every command that writes one."""
    return click.option("-o", "--output", "fmt", default=None, metavar="FORMAT", help=help_text)


def _output_file_option(function: Callable[..., Any]) -> Callable[..., Any]:
    """--output-file, the same in every command that writes."""
    return click.option(
        "--output-file",
        type=OutputFile(),
        help="Write to this file instead of standard output; its folder must exist.",
    )(function)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="aerp", message="%(prog)s %(version)s")
def main() -> None:
    """AERP, the AI Energy Rating Protocol: validate energy results of AI models.

    \b
    aerp validate FILE|FOLDER...   check submissions; text, json, sarif, junit, markdown, html
    aerp rate                      the stars an energy earns, for one result or a CSV
    aerp label SUBMISSION          draw the energy label of a conformant result
    aerp ingest KIND FILE...       turn CodeCarbon / AI Energy Score / MLPerf output into a submission
    aerp init --task TASK          a commented template of a submission
    aerp checks                    every check, its requirement and severity
    aerp schema                    the JSON Schema of a submission (or of the report)
    aerp spec matrix | render      the traceability matrix; the spec as one HTML page
    aerp migrate FILE --to 1.1     carry a submission to a newer edition, every value kept
    aerp trace stats TRACE         a power or energy-counter trace summarised over a window
    aerp export cyclonedx|spdx F   a conformant result as an AI bill of materials

    Exit codes: 0 conformant, 1 non-conformant or unreadable, 2 usage error, 3 internal error.
    """


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


FORMATS = ("text", "json", "sarif", "junit", "markdown", "html")
# The largest --max-bytes: a submission is a few kilobytes, and the bound is read into memory.
MAX_BYTES_LIMIT = 2**30


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "-o",
    "--output",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format: text for people, json for programs (schemas/1.0/report.schema.json), sarif for "
    "code scanning, junit for CI test reports, markdown or html for the published conformance report.",
)
@_output_file_option
@click.option(
    "--timestamp",
    callback=_timestamp_callback,
    help="The report's timestamp (ISO 8601), fixed for reproducible reports.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for many files (default: all cores).",
)
@click.option("--fail-fast", is_flag=True, help="Stop at the first file that is not conformant.")
@click.option(
    "--labels",
    "labels_dir",
    type=OutputFile(folder=True),
    help="Also write an energy label (SVG) for every conformant closed-division file into this folder "
    "(made if missing; the folder that holds it must exist).",
)
@click.option(
    "--export",
    "export_format",
    type=click.Choice(["cyclonedx", "spdx"]),  # aerp.export.FORMATS, not imported: `aerp --help` stays fast
    help="Also write an AI bill of materials for every conformant file into --export-dir: cyclonedx "
    "(CycloneDX 1.6 JSON, *.cdx.json) or spdx (SPDX 3.0.1 JSON-LD, *.spdx.json).",
)
@click.option(
    "--export-dir",
    type=OutputFile(folder=True),
    help="The folder for --export (made if missing; the folder that holds it must exist).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1, max=MAX_BYTES_LIMIT),
    help="Refuse files larger than this many bytes.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line (text output).")
def validate(
    paths: tuple[str, ...],
    fmt: str,
    output_file: str | None,
    timestamp: str | None,
    jobs: int | None,
    fail_fast: bool,
    labels_dir: str | None,
    export_format: str | None,
    export_dir: str | None,
    max_bytes: int | None,
    quiet: bool,
) -> None:
    """Validate submissions: files, or folders searched for *.yaml, *.yml and *.json.

    Prints every finding as PATH:LINE:COL: SEVERITY CHECK-ID MESSAGE [REQUIREMENT] and a
    summary. Exit 0 when every file is conformant, 1 when any is not, 2 on a usage error,
    3 when the validator itself failed.
    """
    from dataclasses import replace

    from aerp.batch import Bug, default_jobs, validate_many
    from aerp.discover import iter_files
    from aerp.findings import FileResult
    from aerp.pipeline import default_limits
    from aerp.render import Run, renderer

    fmt, output_file = _format_and_file(fmt, output_file, FORMATS)
    if (export_format is None) != (export_dir is None):
        raise click.UsageError("--export FORMAT and --export-dir DIR go together: name both, or neither")
    limits = default_limits()
    if max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    # the files are walked twice, once to count them and once to check them, and never listed:
    # with the default output, memory stays the same for ten files or a million
    total = _count_files(paths, output_file)
    if not total:
        raise click.UsageError("no submission files found (folders are searched for *.yaml, *.yml, *.json)")
    results: list[FileResult] = []
    bugs: list[Bug] = []
    moved: dict[str, Path] = {}
    files = iter_files(paths)
    if export_format and export_dir:
        files = _noting_moved(files, moved)
    outcomes = validate_many(files, limits, jobs or default_jobs(), fail_fast, count=total)
    color = output_file is None and fmt == "text" and sys.stdout.isatty()
    stamp = timestamp or _now()
    if fmt == "text" and not labels_dir and not export_dir:
        # the default output is written file by file, and only counts are kept: memory stays flat
        run = _stream_text(outcomes, total, output_file, quiet, color, bugs)
    else:
        with _progress(outcomes, total) as stream:
            for outcome in stream:
                (bugs if isinstance(outcome, Bug) else results).append(outcome)
        run = Run(results=results, tool_version=__version__, timestamp=stamp, color=color)
        text = renderer(fmt)(run)
        if quiet and fmt == "text":
            text = text.splitlines()[-1] + "\n"
        _emit(text, output_file, color=run.color)
    if labels_dir:
        _write_labels(results, labels_dir)
    if export_format and export_dir:
        _write_exports(results, moved, export_format, export_dir)
    if bugs:
        for bug in bugs:
            click.echo(f"aerp: internal error while checking {bug.path}: {bug.error}", err=True)
            if os.environ.get("AERP_DEBUG"):
                click.echo(bug.trace, err=True)
        click.echo(f"This is a bug in the validator, not in those files. Please report it at {ISSUES}", err=True)
        sys.exit(EXIT_BUG)
    summary = run.summary()
    bad = summary["non_conformant"] + summary["unreadable"] > 0
    sys.exit(EXIT_INVALID if bad else EXIT_OK)


def _count_files(paths: tuple[str, ...], output_file: str | None) -> int:
    """How many files ``validate`` checks; a usage error if ``output_file`` is one of them.

    The check comes before any output is written, so that a report never overwrites a file
    it is about. Nothing is kept: the files are walked again to be checked.
    """
    from aerp.discover import iter_files

    try:
        output = os.stat(output_file) if output_file else None
    except OSError:
        output = None  # not there (yet): it cannot be one of the files
    total = 0
    for path, _ in iter_files(paths):
        total += 1
        if output_file and output is not None and _same_stat(output, str(path)):
            raise _bad("output_file", f"{_shown(output_file)} is one of the files to validate: it would be overwritten")
    return total


def _same_stat(known: os.stat_result, other: str) -> bool:
    """Whether ``other`` is the file ``known`` is the status of (``os.path.samefile`` with one side's stat done once).

    A path that cannot be read is no file, hence not that one.
    """
    try:
        return os.path.samestat(known, os.stat(other))
    except (OSError, ValueError):  # ValueError: a name no file can have (a NUL in it)
        return False


def _noting_moved(files: Iterator[tuple[Path, str]], moved: dict[str, Path]) -> Iterator[tuple[Path, str]]:
    """``files`` as they are, noting in ``moved`` each one whose name (normalised) is not its path.

    Exports read each conformant file again after the run, by its reported name; a name
    normalised from ``a/../b/x.yaml`` must be read where it was validated. Only those are
    kept, so that the mapping stays empty for the usual command line.
    """
    for path, name in files:
        if str(path) != name:
            moved[name] = path
        yield path, name


def _stream_text(outcomes: Any, total: int, output_file: str | None, quiet: bool, color: bool, bugs: list[Any]) -> Any:
    """Write each file's findings as soon as it is checked; return a Run that holds only the counts."""
    from aerp.batch import Bug
    from aerp.findings import Severity, Verdict
    from aerp.render import Run
    from aerp.render.text import finding_lines, summary_line

    tally = {"files": 0, "conformant": 0, "non_conformant": 0, "unreadable": 0, "errors": 0, "warnings": 0}
    verdicts = {
        Verdict.CONFORMANT: "conformant",
        Verdict.NON_CONFORMANT: "non_conformant",
        Verdict.UNREADABLE: "unreadable",
    }
    with contextlib.ExitStack() as stack:
        sink = stack.enter_context(_opened(output_file)) if output_file else None
        with _progress(outcomes, total) as stream:
            for outcome in stream:
                if isinstance(outcome, Bug):
                    bugs.append(outcome)
                    continue
                tally["files"] += 1
                tally[verdicts[outcome.verdict]] += 1
                tally["errors"] += sum(1 for f in outcome.findings if f.severity is Severity.ERROR)
                tally["warnings"] += sum(1 for f in outcome.findings if f.severity is Severity.WARNING)
                if not quiet:
                    for line in finding_lines(outcome, color):
                        _write_line(line, sink, color)
        _write_line(summary_line(tally), sink, color)
    return Run(results=[], tool_version=__version__, timestamp="", tally=tally)


def _write_line(line: str, sink: _Sink | None, color: bool) -> None:
    if sink is not None:
        sink.write(line + "\n")
    else:
        click.echo(line, color=color)


def _progress(items: Any, total: int) -> Any:
    """A progress bar on stderr for long runs on a terminal; otherwise the items as they are."""
    if total >= 200 and sys.stderr.isatty():
        return click.progressbar(items, length=total, label="validating", file=sys.stderr)
    return contextlib.nullcontext(items)


def _write_labels(results: list[Any], folder: str) -> None:
    from aerp.render.label import NoLabel, label_name, label_svg

    def labels() -> Iterator[tuple[Any, str, str, str]]:
        for result in results:
            try:
                svg = label_svg(result)
            except NoLabel:
                continue
            yield result, label_name(result), ".label.svg", svg

    _write_into(folder, "labels_dir", labels(), "label(s)")


def _write_into(folder: str, option: str, outputs: Iterable[tuple[Any, str, str, str]], what: str) -> None:
    """Write each (result, file name, its suffix, text) into ``folder``, made if missing; then say how many.

    The folder that holds ``folder`` exists (the option's type checked it). A name met twice,
    from files of the same name in other folders, gets the result's digest before its suffix.
    """
    target = os.path.abspath(folder)
    try:
        os.makedirs(target, exist_ok=True)
    except OSError as error:
        raise _cannot_write(folder, error, option, folder=True) from None
    written: set[str] = set()
    for result, name, suffix, text in outputs:
        if name in written:  # same file name in another folder: tell them apart by content
            name = f"{name[: -len(suffix)]}.{(result.sha256 or '')[:12]}{suffix}"
        with _opened(os.path.join(target, name), option) as sink:
            sink.write(text)
        written.add(name)
    click.echo(f"{len(written)} {what} written to {folder}", err=True)


LABEL_FORMATS = ("svg",)


@main.command()
@click.argument("submission", type=click.Path(dir_okay=False))
@_format_option(
    "Output format: svg (the only one). Naming the output file with -o, as before, still works "
    "but is deprecated: use --output-file."
)
@_output_file_option
def label(submission: str, fmt: str | None, output_file: str | None) -> None:
    """Draw the energy label (SVG) of a conformant closed-division submission.

    The label shows the model and revision, task and class, hardware, energy per 1,000
    queries, the stars, the AERP version, the date and the first 12 hex digits of the file's
    SHA-256. A non-conformant or open-division file gets no label: the reason is printed and
    the exit code is 1.
    """
    from pathlib import Path

    from aerp.discover import name_what_is_missing
    from aerp.pipeline import validate_file
    from aerp.render.label import NoLabel, label_svg

    fmt, output_file = _format_and_file(fmt, output_file, LABEL_FORMATS, legacy_file=True)
    result = name_what_is_missing(validate_file(Path(submission), submission), Path(submission))
    try:
        svg = label_svg(result)
    except NoLabel as reason:
        click.echo(f"aerp label: {submission}: no label: {reason}", err=True)
        sys.exit(EXIT_INVALID)
    _emit(svg, output_file)


@main.command("checks")
@click.option("-o", "--output", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--aerp-version",
    "version",
    default=None,
    metavar="X.Y",
    callback=lambda ctx, param, value: None if value is None else _version_callback(ctx, param, value),
    help="Only the checks of this edition (default: every check, with the editions each applies to).",
)
def list_checks(fmt: str, version: str | None) -> None:
    """List every check: id, severity, the requirement it enforces, the editions it applies to, and what it verifies."""
    from aerp.registry import all_checks

    entries = [c for c in all_checks() if version is None or c.applies_to(version)]
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "severity": c.severity.value,
                        "requirement": c.requirement,
                        "stage": c.stage,
                        "summary": c.summary,
                        "retired": c.retired,
                        "since": c.since,
                        "until": c.until,
                    }
                    for c in entries
                ],
                indent=2,
            )
        )
        return
    for entry in entries:
        editions = f"{entry.since}–{entry.until}" if entry.until else f"{entry.since}+"
        click.echo(f"{entry.id}  {entry.severity.value:<7}  {entry.requirement:<14}  {editions:<8}  {entry.summary}")


@main.command()
@_version_option
@click.option("--report", is_flag=True, help="Print the schema of the JSON report instead.")
def schema(version: str, report: bool) -> None:
    """Print the JSON Schema of a submission (or of the validator's JSON report)."""
    from aerp.protocol import data_root

    name = "report" if report else "submission"
    path = data_root() / "schemas" / version / f"{name}.schema.json"
    click.echo(path.read_text(encoding="utf-8"), nl=False)


RATE_FORMATS = ("text", "json")
RATE_TABLE_FORMATS = ("csv", "json")
# Bigger than any leaderboard; read whole, so bounded.
RATE_INPUT_LIMIT = 64 * 1024 * 1024


@main.command()
@click.option("--task", help="The task: a pipeline tag (text-generation, ...) or an AI Energy Score name.")
@click.option("--class", "size_class", help="The size class (A, B or C), for text-generation.")
@click.option("--energy", help='Accelerator energy per 1,000 queries, with its unit: "19.01 Wh", "0.01901 kWh".')
@click.option(
    "--uncertainty",
    help='The expanded uncertainty U (k = 2) of the energy, with its unit: "0.5 Wh". Shows the stars over '
    "[E − U, E + U]; the claim is the fewest of them under AERP 1.1 (guarded acceptance), the stars of E "
    "under AERP 1.0 (no decision rule).",
)
@click.option(
    "--input",
    "input_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="A CSV with columns task, class and energy, and optionally uncertainty (other columns are kept); - for stdin.",
)
@click.option(
    "--method",
    type=click.Choice(["fixed", "cohort"]),
    default="fixed",
    show_default=True,
    help="fixed: the frozen AERP scale. cohort: the AI Energy Score method, bands from the rows themselves.",
)
@click.option(
    "-o",
    "--output",
    "fmt",
    type=click.Choice(sorted({*RATE_FORMATS, *RATE_TABLE_FORMATS})),
    default=None,
    help="Output format: text or json for one energy (default text); csv or json for --input (default csv).",
)
@_output_file_option
@_version_option
def rate(
    task: str | None,
    size_class: str | None,
    energy: str | None,
    uncertainty: str | None,
    input_file: str | None,
    method: str,
    fmt: str | None,
    output_file: str | None,
    version: str,
) -> None:
    """Stars for an energy per 1,000 queries, or for every row of a CSV.

    \b
    aerp rate --task text-generation --class A --energy "9.6 Wh" [--uncertainty "0.5 Wh"]
    aerp rate --input leaderboard.csv [--method cohort] [-o json]

    Energies are accelerator energy per 1,000 queries in any allowed energy unit, and greater
    than zero, as in a submission. Rows that cannot be rated are reported on stderr with their
    line; the others are still rated, and the exit code is 1.

    With an expanded uncertainty U (--uncertainty, or a CSV's uncertainty column) the result is
    the interval [max(E − U, 0), E + U]: stars_low are the stars of E + U, stars_high those of
    max(E − U, 0). The claim follows the version's decision rule: AERP 1.1 (guarded acceptance)
    claims stars_low, the stars that hold over the whole interval; AERP 1.0 has no decision rule
    and claims the stars of E, the range being shown for information.
    """
    from aerp.energy_input import BadInput, energy_wh, task_name, uncertainty_wh
    from aerp.protocol import load_minor
    from aerp.rating import GUARDED, NoScale, claimable, decision_rule, fixed_range

    protocol = load_minor(version)
    if input_file is not None:
        if task or size_class or energy or uncertainty:
            raise click.UsageError(
                "give either --input or --task/--class/--energy/--uncertainty, not both; "
                "a table states each row's uncertainty in an uncertainty column"
            )
        fmt, output_file = _format_and_file(fmt, output_file, RATE_TABLE_FORMATS)
        _rate_table(protocol, input_file, method, fmt, output_file)
        return
    if not task or not energy:
        raise click.UsageError("give --task and --energy (and --class for text-generation), or --input")
    if method == "cohort":
        raise click.UsageError("the cohort method rates a set of results against each other: use --input")
    fmt, output_file = _format_and_file(fmt, output_file, RATE_FORMATS)
    try:
        tag = task_name(task, protocol)
    except BadInput as problem:
        raise _bad("task", str(problem)) from None
    try:
        wh = energy_wh(energy, protocol)
    except BadInput as problem:
        raise _bad("energy", str(problem)) from None
    try:
        expanded = uncertainty_wh(uncertainty, protocol) if uncertainty is not None else None
    except BadInput as problem:
        raise _bad("uncertainty", str(problem)) from None
    try:
        stars = fixed_range(protocol, tag, size_class or None, wh, expanded or 0)
    except NoScale as problem:
        raise _bad("size_class" if size_class or tag in _classed(protocol) else "task", str(problem)) from None
    rating, rule = stars.rating, decision_rule(protocol)
    claim = claimable(protocol, stars)
    scale = protocol.params["rating"]["scale"]
    if fmt == "json":
        text = (
            json.dumps(
                {
                    "task": tag,
                    "class": size_class or None,
                    "energy_wh_per_1000": to_float(wh),
                    "stars": rating.stars,
                    "band": list(rating.band),
                    "scale": scale,
                    "uncertainty_wh_per_1000": to_float(expanded) if expanded is not None else None,
                    "stars_low": stars.stars_low,
                    "stars_high": stars.stars_high,
                    "claim": claim,
                    "decision_rule": rule,
                },
                indent=2,
            )
            + "\n"
        )
    else:
        low, high = rating.band
        band = f"({low:g}" if low is not None else "(0"
        band += f", {high:g}]" if high is not None else ", ∞)"
        scope = tag + (f" class {size_class}" if size_class else "")
        text = (
            f"{rating.stars} star{'s' if rating.stars != 1 else ''}: {significant(wh)} Wh per 1,000 queries lies in "
            f"{band} Wh on the {scale} scale of {scope}\n"
        )
        if expanded is not None:
            bottom = significant(wh - expanded) if wh > expanded else "0"
            earned = (
                f"{stars.stars_low}–{stars.stars_high} stars"
                if stars.spans
                else f"{stars.stars_low} star{'s' if stars.stars_low != 1 else ''} throughout"
            )
            why = (
                "guarded acceptance: the stars that hold over the whole interval"
                if rule == GUARDED
                else f"AERP {protocol.version} applies no decision rule to the uncertainty: the stars of the energy"
            )
            text += (
                f"with U = {significant(expanded)} Wh, the interval [{bottom}, {significant(wh + expanded)}] Wh "
                f"earns {earned}; the claim is {claim} star{'s' if claim != 1 else ''} ({why})\n"
            )
    _emit(text, output_file)


def _classed(protocol: Protocol) -> set[str]:
    """The tasks rated per size class: for them a missing or wrong class is the --class mistake."""
    return {task for task, entry in protocol.params["rating"]["thresholds"].items() if isinstance(entry, dict)}


def _input_problem(error: OSError) -> str:
    """Why an input file cannot be read, in the words the loader uses for a submission."""
    from aerp.discover import NOTHING_THERE

    if isinstance(error, FileNotFoundError):
        return NOTHING_THERE
    if isinstance(error, IsADirectoryError):
        return "this is a directory, not a file"
    return f"the file cannot be read: {error.strerror or error}"


def _rate_table(protocol: Protocol, input_file: str, method: str, fmt: str, output_file: str | None) -> None:
    import csv

    from aerp import rate_table
    from aerp.energy_input import BadInput

    name = "<stdin>" if input_file == "-" else input_file
    try:
        if input_file == "-":
            content = sys.stdin.read(RATE_INPUT_LIMIT + 1)
        else:
            with open(input_file, encoding="utf-8", newline="") as stream:
                content = stream.read(RATE_INPUT_LIMIT + 1)
    except OSError as problem:
        click.echo(f"aerp rate: {name}: {_input_problem(problem)}", err=True)
        sys.exit(EXIT_INVALID)
    except UnicodeDecodeError as problem:
        click.echo(f"aerp rate: {name}: the file is not valid UTF-8 (byte offset {problem.start})", err=True)
        sys.exit(EXIT_INVALID)
    if len(content) > RATE_INPUT_LIMIT:
        click.echo(f"aerp rate: {name}: the CSV is larger than {RATE_INPUT_LIMIT // 2**20} MiB", err=True)
        sys.exit(EXIT_INVALID)
    try:
        table = rate_table.read(content, protocol)
    except (BadInput, csv.Error) as problem:
        click.echo(f"aerp rate: {name}: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    notes = rate_table.rate_cohort(table, protocol) if method == "cohort" else []
    if method == "fixed":
        rate_table.rate_fixed(table, protocol)
    for row in table.bad:
        click.echo(f"{name}:{row.line}: {row.error}", err=True)
    for note in notes:
        click.echo(f"{name}: {note}", err=True)
    if fmt == "json":
        _emit(json.dumps(rate_table.to_records(table), indent=2, ensure_ascii=False) + "\n", output_file)
    else:
        _emit(rate_table.to_csv(table), output_file)
    sys.exit(EXIT_INVALID if table.bad else EXIT_OK)


@main.group()
def spec() -> None:
    """The specification: its traceability matrix and a readable rendering."""


MATRIX_FORMATS = ("markdown", "json")


@spec.command()
@click.option("-o", "--output", "fmt", type=click.Choice(MATRIX_FORMATS), default="markdown", show_default=True)
@_output_file_option
@_version_option
def matrix(fmt: str, output_file: str | None, version: str) -> None:
    """Every requirement → the checks that enforce it → the conformance cases that show them.

    Requirements that no machine can check are listed with the reason and how a reviewer
    verifies them; requirements on validators with the validator tests that show them.
    """
    from aerp.traceability import as_json, as_markdown
    from aerp.traceability import matrix as build

    fmt, output_file = _format_and_file(fmt, output_file, MATRIX_FORMATS)
    rows = build(version)
    _emit(as_json(rows) if fmt == "json" else as_markdown(rows, version), output_file)


INGEST_FORMATS = ("yaml", "json")
# IngestUsageError.option -> the parameter of `aerp ingest` it is about
_INGEST_PARAMETERS = {
    "KIND": "kind",
    "PATH": "paths",
    "--task": "task",
    "--model": "model",
    "--revision": "revision",
    "--division": "division",
    "--queries": "queries",
    "--rows": "rows",
    "--merge": "merge_file",
}


def _ingest_formats(fmt: str | None, output_file: str | None) -> tuple[str, ...]:
    """The formats of ``aerp ingest``, the one a file named *.json asks for first (so it is the default)."""
    named = output_file if fmt is None else fmt
    return ("json", "yaml") if named and PurePath(named).suffix.lower() == ".json" else INGEST_FORMATS


@main.command()
@click.argument("kind", type=click.Choice(["codecarbon", "aies-v1", "aies-v2", "mlperf-system", "mlperf-power"]))
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--task", help="The task (a pipeline tag); the tools' files do not say it.")
@click.option("--model", help="The model's repository id, e.g. meta-llama/Llama-3.1-8B-Instruct.")
@click.option("--revision", help="The model revision tested (a commit id).")
@click.option(
    "--division",
    type=click.Choice(["closed", "open"]),
    default="closed",
    show_default=True,
    help="The division the submission is meant for (mlperf-power: open, a wall measurement).",
)
@click.option("--queries", type=click.IntRange(min=1), help="Queries per repetition, when the tool does not record it.")
@click.option(
    "--rows",
    metavar="RANGES",
    help="Keep only these repetitions, e.g. 1-10 or 3,5,7-9: CodeCarbon records (counted from 1 under the header, "
    "across the files given) or optimum-benchmark measures.",
)
@click.option(
    "--merge",
    "merge_file",
    type=click.Path(dir_okay=False),
    help="A YAML or JSON file of members you keep yourself (e.g. your hardware block), merged in.",
)
@_format_option(
    "Output format: yaml (the default) or json; an --output-file named *.json is written as JSON. Naming "
    "the output file with -o, as before, still works but is deprecated: use --output-file."
)
@_output_file_option
def ingest(
    kind: str,
    paths: tuple[str, ...],
    task: str | None,
    model: str | None,
    revision: str | None,
    division: str,
    queries: int | None,
    rows: str | None,
    merge_file: str | None,
    fmt: str | None,
    output_file: str | None,
) -> None:
    """Turn a measurement tool's output into an AERP submission.

    \b
    aerp ingest codecarbon emissions.csv --task text-generation --model org/name --output-file result.yaml
    aerp ingest aies-v1 RUN_FOLDER          (benchmark_report.json and its configuration)
    aerp ingest aies-v2 RUN_FOLDER
    aerp ingest mlperf-system systems/my-system.json
    aerp ingest mlperf-power RESULT_DIR     (an MLPerf Inference power result: AERP 1.1, wall level)

    Every value the tool recorded is carried over exactly; every value it did not record is
    left as the placeholder TBD, so that `aerp validate` on the result lists every gap in one
    run. Nothing is cleaned: a zero or negative repetition stays as the tool wrote it. A run
    on CPUs only is refused (AERP 1.0 rates accelerator energy), and so is a log too long for
    `aerp validate` to read: select your benchmark's repetitions with --rows. An MLPerf
    power result becomes an AERP 1.1 open-division submission of the scored run's wall
    energy, its artifacts named relative to the folder of --output-file (or the current one).

    Exit codes: 0 written; 1 the input cannot become a submission (the message says why);
    2 a usage error (an unknown task, a bad option value, an output folder that does not exist).
    """
    from pathlib import Path

    from aerp.ingest import IngestError, IngestOptions, IngestUsageError, dump, dump_json
    from aerp.ingest import ingest as convert
    from aerp.load import LoadError, decode, guess_format, load_text, read_bytes
    from aerp.pipeline import default_limits

    fmt, output_file = _format_and_file(fmt, output_file, _ingest_formats(fmt, output_file), legacy_file=True)
    merge = None
    if merge_file:
        if not Path(merge_file).exists():
            click.echo(f"aerp ingest: the file {merge_file} (--merge) does not exist", err=True)
            sys.exit(EXIT_INVALID)
        try:
            content = read_bytes(Path(merge_file), default_limits().max_bytes)
            text = decode(content)
            merge = load_text(text, guess_format(Path(merge_file), text), default_limits()).data
        except LoadError as problem:
            click.echo(f"aerp ingest: {merge_file}:{problem.line}:{problem.column}: {problem.message}", err=True)
            sys.exit(EXIT_INVALID)
        if not isinstance(merge, dict):
            click.echo(f"aerp ingest: {merge_file}: the file to merge must hold a mapping", err=True)
            sys.exit(EXIT_INVALID)
    if kind == "mlperf-power" and click.get_current_context().get_parameter_source("division") in (
        click.core.ParameterSource.DEFAULT,
        click.core.ParameterSource.DEFAULT_MAP,
    ):
        division = "open"  # a wall measurement: the closed division rates the accelerators
    options = IngestOptions(
        task=task, model=model, revision=revision, division=division, merge=merge, queries=queries, rows=rows
    )
    try:
        if kind == "mlperf-power":  # its artifacts are named relative to where the submission is written
            from aerp.ingest.mlperf_power import submission

            folder = Path(output_file).parent if output_file else Path.cwd()
            document = submission([Path(p) for p in paths], options, folder)
        else:
            document = convert(kind, [Path(p) for p in paths], options)
        text = dump_json(document) if fmt == "json" else dump(document)
    except IngestUsageError as problem:
        raise _bad(_INGEST_PARAMETERS.get(problem.option or "", "paths"), str(problem)) from None
    except IngestError as problem:
        click.echo(f"aerp ingest: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    _emit(text, output_file)
    if output_file:
        click.echo(f"wrote {output_file}: run `aerp validate {output_file}` to see what is still missing", err=True)


INIT_FORMATS = ("yaml",)


@main.command()
@click.option("--task", required=True, help="The task (a pipeline tag or an AI Energy Score name).")
@click.option("--division", type=click.Choice(["closed", "open"]), default="closed", show_default=True)
@_format_option(
    "Output format: yaml (the only one: the template is commented). Naming the output file with -o, "
    "as before, still works but is deprecated: use --output-file."
)
@_output_file_option
@_version_option
def init(task: str, division: str, fmt: str | None, output_file: str | None, version: str) -> None:
    """Write a commented template of a submission: every member, its unit and its meaning.

    The template follows the newest edition unless --aerp-version names another; a 1.1
    template is the 1.0 one carried forward by `aerp migrate`, so both say the same.
    """
    from aerp.energy_input import BadInput, task_name
    from aerp.ingest import init_template
    from aerp.pipeline import default_limits
    from aerp.protocol import load_minor

    fmt, output_file = _format_and_file(fmt, output_file, INIT_FORMATS, legacy_file=True)
    edition = _minor(version)
    try:
        tag = task_name(task, load_minor(edition))
    except BadInput as problem:
        raise _bad("task", str(problem)) from None
    template = init_template(tag, division)
    if edition != "1.0":
        from aerp.migrate import migrate as carry_forward

        template, _ = carry_forward(template, "yaml", edition, default_limits())
    _emit(template, output_file)


MIGRATE_FORMATS = ("yaml", "json")


@main.command()
@click.argument("submission", type=click.Path(dir_okay=False))
@click.option("--to", "target", default=None, metavar="X.Y", help="The edition to carry the file to (default: newest).")
@_format_option(
    "Output format: the input's own (yaml or json). Naming the output file with -o still works, with a note: "
    "use --output-file."
)
@_output_file_option
def migrate(submission: str, target: str | None, fmt: str | None, output_file: str | None) -> None:
    """Carry a submission to a newer edition of AERP without changing any value it states.

    Every value, decimal and unit is kept as written (and in YAML every comment and the
    layout); the version is raised; what the new edition derives from the old rules is added
    (a 1.0 repetition is one pass); every member the new edition newly requires is written as
    TBD. What changed is printed on standard error; `aerp validate` then lists what is still
    to disclose.
    """
    from aerp.load import LoadError, decode, guess_format, read_bytes
    from aerp.migrate import CannotMigrate
    from aerp.migrate import migrate as carry_forward
    from aerp.pipeline import default_limits

    edition = _minor(target)
    limits = default_limits()
    try:
        text = decode(read_bytes(Path(submission), limits.max_bytes))
    except LoadError as error:
        from aerp.discover import NOTHING_THERE

        missing = not os.path.lexists(submission)
        click.echo(f"aerp migrate: {submission}: {NOTHING_THERE if missing else error.message}", err=True)
        sys.exit(1)
    source_format = guess_format(Path(submission), text)
    fmt, output_file = _format_and_file(fmt or source_format, output_file, (source_format,), legacy_file=True)
    try:
        migrated, changes = carry_forward(text, source_format, edition, limits)
    except CannotMigrate as problem:
        click.echo(f"aerp migrate: {submission}: {problem}", err=True)
        sys.exit(1)
    _emit(migrated, output_file)
    for change in changes:
        click.echo(f"changed {change}", err=True)


RENDER_FORMATS = ("html",)


@spec.command()
@_format_option(
    "Output format: html (the only one). Naming the output file with -o, as before, still works but "
    "is deprecated: use --output-file."
)
@_output_file_option
@_version_option
def render(fmt: str | None, output_file: str | None, version: str) -> None:
    """Render the specification as one self-contained HTML page, e.g. --output-file spec.html.

    Numbered sections with a table of contents, every requirement as an anchored block with
    its level, the rating table, the revision history and the traceability matrix as an
    appendix; no network, no JavaScript, readable printed.
    """
    from aerp.spec_html import render_spec

    fmt, output_file = _format_and_file(fmt, output_file, RENDER_FORMATS, legacy_file=True)
    _emit(render_spec(version), output_file)
    if output_file:
        click.echo(f"wrote {output_file}", err=True)


TRACE_FORMATS = ("text", "json")


@main.group()
def trace() -> None:
    """Measurement traces: power or energy-counter logs, summarised over a window."""


@trace.command("stats")
@click.argument("trace_file", metavar="TRACE")
@click.option(
    "--format",
    "trace_format",
    type=click.Choice(["auto", "mlperf", "nvidia-smi", "aerp"]),
    default="auto",
    show_default=True,
    help="The trace's format: PTDaemon spl.txt, nvidia-smi --query-gpu CSV, or the AERP trace CSV.",
)
@click.option(
    "--mlperf-detail",
    "detail_log",
    metavar="LOG",
    help="Take the window from loadgen's mlperf_log_detail.txt (power_begin to power_end).",
)
@click.option(
    "--from", "start", metavar="T", help="Window start: seconds since the epoch, or a timestamp as the trace writes it."
)
@click.option("--to", "end", metavar="T", help="Window end, like --from.")
@click.option("--power-limit", metavar="W", help="Count the readings above this power per device, in watts.")
@_format_option("Output format: text (a short table, the default) or json.")
@_output_file_option
def trace_stats(
    trace_file: str,
    trace_format: str,
    detail_log: str | None,
    start: str | None,
    end: str | None,
    power_limit: str | None,
    fmt: str | None,
    output_file: str | None,
) -> None:
    """Read a trace and print its samples, energy, mean power, gaps and devices over a window.

    \b
    aerp trace stats spl.txt --mlperf-detail mlperf_log_detail.txt
    aerp trace stats gpu.csv --from "2024/10/30 18:42:33.500" --to 1730313756.5 -o json

    Without a window the whole trace is summarised. The energy integrates the readings (the
    trapezoid rule, the window's edges interpolated; counters by difference); the checker
    mean is MLPerf's rule, the mean of the readings strictly inside the window. A trace or
    log that cannot be read is reported as PATH:LINE: MESSAGE with exit code 1.
    """
    from aerp.safe_text import printable
    from aerp.traces import TraceError, default_limits, mlperf_window, parse_timestamp, summarize

    fmt, output_file = _format_and_file(fmt, output_file, TRACE_FORMATS)
    if detail_log is not None and (start is not None or end is not None):
        raise click.UsageError("give the window either with --mlperf-detail or with --from and --to, not both")
    if (start is None) != (end is None):
        raise _bad("end" if end is None else "start", "give both --from and --to")
    limit = _power_limit(power_limit)
    window = None
    if start is not None and end is not None:
        window = (_window_time(start, "start", parse_timestamp), _window_time(end, "end", parse_timestamp))
        if window[1] <= window[0]:
            raise _bad("end", "the window must end after it starts")
    limits = default_limits()
    try:
        if detail_log is not None:
            try:
                window = mlperf_window(detail_log, limits, follow_links=True)
            except TraceError as problem:
                click.echo(f"aerp trace stats: {printable(problem.where(detail_log))}", err=True)
                sys.exit(EXIT_INVALID)
        summary = summarize(trace_file, trace_format, window, limit, limits, follow_links=True)
    except TraceError as problem:
        click.echo(f"aerp trace stats: {printable(problem.where(trace_file))}", err=True)
        sys.exit(EXIT_INVALID)
    if fmt == "json":
        text = json.dumps({"trace": trace_file, **summary.to_json()}, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _trace_table(trace_file, summary)
    _emit(text, output_file)


def _power_limit(text: str | None) -> float | None:
    """--power-limit as a finite number of watts above zero; a usage error otherwise."""
    import math

    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise _bad("power_limit", f"{shown!r} is not a power in watts above zero, such as 700")
    return value


def _window_time(text: str, name: str, parse: Callable[[str], float]) -> float:
    try:
        return parse(text)
    except ValueError as problem:
        raise _bad(name, str(problem)) from None


def _trace_table(path: str, summary: Any) -> str:
    """The summary as a short table for people: one quantity a line, the label first."""
    from aerp.safe_text import printable

    def number(value: float | None, unit: str, digits: int = 3) -> str:
        return "n/a" if value is None else f"{value:,.{digits}f} {unit}"

    def clock(seconds: float) -> str:
        # a zone-less trace clock was read as if UTC: shown back the same way, it is the time the log wrote
        try:
            moment = _dt.datetime.fromtimestamp(round(seconds, 3), _dt.timezone.utc)
        except (OverflowError, OSError, ValueError):  # beyond the calendar: the seconds say it all
            return f"{seconds:.3f} s"
        written = moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        return f"{written}{'Z' if summary.format == 'aerp' else ''} ({seconds:.3f} s)"

    devices = ", ".join(printable(d) for d in summary.devices)
    rows = [
        ("trace", f"{printable(path)} ({summary.format}, {summary.kind} readings)"),
        ("devices", f"{len(summary.devices)}: {devices}"),
        (
            "samples",
            f"{summary.samples:,} in the window; {summary.rows:,} rows in the file, {summary.missing:,} missing",
        ),
        ("trace spans", f"{clock(summary.first_s)} to {clock(summary.last_s)}"),
    ]
    if summary.window_start_s is not None:
        covered = (
            f"not covered by the trace: outside by {summary.outside_by_s:.3f} s"
            if summary.window_outside
            else "covered by the trace"
        )
        rows.append(("window", f"{clock(summary.window_start_s)} to {clock(summary.window_end_s)}, {covered}"))
    rows += [
        ("duration", number(summary.duration_s, "s")),
        ("energy", f"{number(summary.energy_J, 'J')} ({summary.energy_J / 3600:,.4f} Wh)"),
        ("mean power", f"{number(summary.mean_power_W, 'W')} (energy / duration)"),
        ("checker mean", f"{number(summary.checker_mean_W, 'W')} (readings strictly inside the window)"),
        (
            "gaps",
            f"median {number(summary.median_gap_s, 's')}, max {number(summary.max_gap_s, 's')}"
            + (f" (line {summary.max_gap_at_line})" if summary.max_gap_at_line else ""),
        ),
    ]
    if summary.above_limit is not None:
        excess = summary.above_limit
        first = f", first at line {excess.first_line}" if excess.first_line else ""
        rows.append(("above limit", f"{excess.count:,} readings above {excess.limit_W:g} W{first}"))
    if summary.kind == "energy":
        listed = ", ".join(str(n) for n in summary.counter_resets)
        rows.append(("counter resets", f"{summary.counter_reset_count}" + (f" (lines {listed})" if listed else "")))
    if len(summary.devices) > 1:
        for device, joules in summary.per_device.items():
            rows.append((f"  {printable(device)}", number(joules, "J")))
    width = max(len(label) for label, _ in rows)
    return "".join(f"{label:<{width}}  {value}\n" for label, value in rows)


# -- export: a conformant result as an AI bill of materials ---------------------------------------


def _validated_document(path: Path, result: Any) -> Any:
    """The document ``result`` was found conformant from, read again, or None when it is not the same file.

    Validation and export read the file separately (``validate`` may have checked it in a
    worker process), so the bytes read now are compared with the SHA-256 the verdict was given
    for: an export never states values that were not the ones validated.
    """
    import hashlib

    from aerp.load import LoadError, decode, guess_format, load_text, read_bytes
    from aerp.pipeline import default_limits

    limits = default_limits()
    try:
        content = read_bytes(path, limits.max_bytes)
        if hashlib.sha256(content).hexdigest() != result.sha256:
            return None
        text = decode(content)
        return load_text(text, guess_format(path, text), limits)
    except LoadError:
        return None


def _write_exports(results: list[Any], moved: dict[str, Path], fmt: str, folder: str) -> None:
    """One export per conformant result into ``folder``, named after the file; like ``--labels``.

    A result is read again from the path its name was found at: ``moved`` holds the few whose
    path is not their name (see :func:`_noting_moved`); any other is read by its name.
    """
    from aerp.export import SUFFIXES, NotExportable, export, file_name
    from aerp.findings import Verdict

    def exports() -> Iterator[tuple[Any, str, str, str]]:
        for result in results:
            if result.verdict is not Verdict.CONFORMANT:
                continue
            document = _validated_document(moved.get(result.path, Path(result.path)), result)
            if document is None:
                click.echo(f"aerp: {result.path}: not exported: the file changed after it was validated", err=True)
                continue
            try:
                text = export(fmt, document.data, result)
            except NotExportable as reason:
                click.echo(f"aerp: {result.path}: not exported: {reason}", err=True)
                continue
            yield result, file_name(result, fmt), SUFFIXES[fmt], text

    _write_into(folder, "export_dir", exports(), "export(s)")


EXPORT_HUB_HELP = (
    "The model is published on the Hugging Face Hub under model.repository: state its download location "
    "(https://huggingface.co/<repository>). The validator works offline and cannot tell, so by default none is stated."
)


@main.group("export")
def export_group() -> None:
    """Export a conformant result as an AI bill of materials: CycloneDX 1.6 or SPDX 3.0.1.

    \b
    aerp export cyclonedx SUBMISSION --output-file bom.cdx.json
    aerp export spdx SUBMISSION --output-file model.spdx.json

    The inference energy per 1,000 queries is the rated energy recomputed exactly from the
    repetitions, in kWh; what the formats have no member for is stated as aerp: properties.
    A file that is not conformant is not exported: its findings are printed and the exit
    code is 1.
    """


@export_group.command("cyclonedx")
@click.argument("submission", type=click.Path(dir_okay=False))
@click.option("--on-hub", is_flag=True, help=EXPORT_HUB_HELP)
@_output_file_option
def export_cyclonedx(submission: str, on_hub: bool, output_file: str | None) -> None:
    """A CycloneDX 1.6 ML-BOM (JSON) of a conformant submission: the model and its inference energy."""
    _export("cyclonedx", submission, on_hub, output_file)


@export_group.command("spdx")
@click.argument("submission", type=click.Path(dir_okay=False))
@click.option("--on-hub", is_flag=True, help=EXPORT_HUB_HELP)
@_output_file_option
def export_spdx(submission: str, on_hub: bool, output_file: str | None) -> None:
    """An SPDX 3.0.1 document (JSON-LD, AI profile) of a conformant submission: the model and its inference energy."""
    _export("spdx", submission, on_hub, output_file)


def _export(fmt: str, submission: str, on_hub: bool, output_file: str | None) -> None:
    from aerp.discover import name_what_is_missing
    from aerp.export import NotExportable, export
    from aerp.findings import Verdict
    from aerp.pipeline import validate_file
    from aerp.render import Run, renderer

    if output_file:
        _check_suffix(output_file, "json", ("json",))
    path = Path(submission)
    result = name_what_is_missing(validate_file(path, submission), path)
    if result.verdict is not Verdict.CONFORMANT:
        # the findings as `aerp validate` prints them, on stderr: standard output is the export's
        click.echo(renderer("text")(Run(results=[result], tool_version=__version__, timestamp="")), err=True, nl=False)
        click.echo(f"aerp export: {submission}: not exported: only conformant results are exported", err=True)
        sys.exit(EXIT_INVALID)
    document = _validated_document(path, result)
    if document is None:
        click.echo(f"aerp export: {submission}: not exported: the file changed while it was read", err=True)
        sys.exit(EXIT_INVALID)
    try:
        text = export(fmt, document.data, result, on_hub=on_hub)
    except NotExportable as reason:
        click.echo(f"aerp export: {submission}: not exported: {reason}", err=True)
        sys.exit(EXIT_INVALID)
    _emit(text, output_file)
