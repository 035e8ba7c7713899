"""The ``aerp`` command: a thin click layer over the pipeline and the renderers.

Exit codes: 0 every file conformant; 1 a file non-conformant or unreadable; 2 a usage
error; 3 the validator itself failed (a bug: it says so and asks for a report).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import traceback
from typing import TYPE_CHECKING, Any

import click

from aerp import __version__

if TYPE_CHECKING:
    from aerp.protocol import Protocol

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
ISSUES = "https://github.com/aerp-protocol/aerp/issues"


class _Group(click.Group):
    """Turns any unexpected exception into exit 3 with a plain explanation."""

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

    Exit codes: 0 conformant, 1 non-conformant or unreadable, 2 usage error, 3 internal error.
    """


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


FORMATS = ("text", "json", "sarif", "junit", "markdown", "html")


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
@click.option(
    "--output-file",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the report to this file instead of standard output.",
)
@click.option("--timestamp", help="The report's timestamp (ISO 8601), fixed for reproducible reports.")
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
    type=click.Path(file_okay=False, writable=True),
    help="Also write an energy label (SVG) for every conformant closed-division file into this folder.",
)
@click.option("--max-bytes", type=click.IntRange(min=1), help="Refuse files larger than this many bytes.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line (text output).")
def validate(
    paths: tuple[str, ...],
    fmt: str,
    output_file: str | None,
    timestamp: str | None,
    jobs: int | None,
    fail_fast: bool,
    labels_dir: str | None,
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
    from aerp.discover import discover
    from aerp.findings import FileResult
    from aerp.pipeline import default_limits
    from aerp.render import Run, renderer

    limits = default_limits()
    if max_bytes is not None:
        limits = replace(limits, max_bytes=max_bytes)
    if timestamp is not None:
        try:
            _dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(f"{timestamp!r} is not an ISO 8601 date-time", param_hint="--timestamp") from None
    files = discover(paths)
    if not files:
        raise click.UsageError("no submission files found (folders are searched for *.yaml, *.yml, *.json)")
    results: list[FileResult] = []
    bugs: list[Bug] = []
    outcomes = validate_many(files, limits, jobs or default_jobs(), fail_fast)
    color = output_file is None and fmt == "text" and sys.stdout.isatty()
    stamp = timestamp or _now()
    if fmt == "text" and not labels_dir:
        # the default output is written file by file, and only counts are kept: memory stays flat
        run = _stream_text(outcomes, len(files), output_file, quiet, color, bugs)
    else:
        with _progress(outcomes, len(files)) as stream:
            for outcome in stream:
                (bugs if isinstance(outcome, Bug) else results).append(outcome)
        run = Run(results=results, tool_version=__version__, timestamp=stamp, color=color)
        text = renderer(fmt)(run)
        if quiet and fmt == "text":
            text = text.splitlines()[-1] + "\n"
        _emit(text, output_file, color=run.color)
    if labels_dir:
        _write_labels(results, labels_dir)
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
    sink = open(output_file, "w", encoding="utf-8") if output_file else None  # noqa: SIM115 - closed below
    try:
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
    finally:
        if sink:
            sink.close()
    return Run(results=[], tool_version=__version__, timestamp="", tally=tally)


def _write_line(line: str, sink: Any, color: bool) -> None:
    if sink is not None:
        sink.write(line + "\n")
    else:
        click.echo(line, color=color)


def _progress(items: Any, total: int) -> Any:
    """A progress bar on stderr for long runs on a terminal; otherwise the items as they are."""
    import contextlib

    if total >= 200 and sys.stderr.isatty():
        return click.progressbar(items, length=total, label="validating", file=sys.stderr)
    return contextlib.nullcontext(items)


def _write_labels(results: list[Any], folder: str) -> None:
    from aerp.render.label import NoLabel, label_name, label_svg

    target = os.path.abspath(folder)
    os.makedirs(target, exist_ok=True)
    written: set[str] = set()
    for result in results:
        try:
            svg = label_svg(result)
        except NoLabel:
            continue
        name = label_name(result)
        if name in written:  # same file name in another folder: tell them apart by content
            name = name.replace(".label.svg", f".{(result.sha256 or '')[:12]}.label.svg")
        with open(os.path.join(target, name), "w", encoding="utf-8") as stream:
            stream.write(svg)
        written.add(name)
    click.echo(f"{len(written)} label(s) written to {folder}", err=True)


@main.command()
@click.argument("submission", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the SVG (default: standard output).",
)
def label(submission: str, output_file: str | None) -> None:
    """Draw the energy label (SVG) of a conformant closed-division submission.

    The label shows the model and revision, task and class, hardware, energy per 1,000
    queries, the stars, the AERP version, the date and the first 12 hex digits of the file's
    SHA-256. A non-conformant or open-division file gets no label: the reason is printed and
    the exit code is 1.
    """
    from pathlib import Path

    from aerp.pipeline import validate_file
    from aerp.render.label import NoLabel, label_svg

    result = validate_file(Path(submission), submission)
    try:
        svg = label_svg(result)
    except NoLabel as reason:
        click.echo(f"aerp label: {submission}: no label: {reason}", err=True)
        sys.exit(EXIT_INVALID)
    _emit(svg, output_file)


def _minor(version: str | None) -> str:
    """The minor version (X.Y) an --aerp-version option names, the newest by default."""
    from aerp.protocol import minor_versions

    versions = minor_versions()
    chosen = version or versions[-1]
    if chosen.count(".") == 2:
        chosen = chosen.rsplit(".", 1)[0]
    if chosen not in versions:
        raise click.BadParameter(
            f"{version!r} is not a supported version; supported: {', '.join(versions)}", param_hint="--aerp-version"
        )
    return chosen


@main.command("checks")
@click.option("-o", "--output", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_checks(fmt: str) -> None:
    """List every check: id, severity, the requirement it enforces, and what it verifies."""
    from aerp.registry import all_checks

    entries = all_checks()
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
                    }
                    for c in entries
                ],
                indent=2,
            )
        )
        return
    for entry in entries:
        click.echo(f"{entry.id}  {entry.severity.value:<7}  {entry.requirement:<14}  {entry.summary}")


@main.command()
@click.option(
    "--aerp-version", "version", default=None, metavar="X.Y", help="The protocol version (default: the newest)."
)
@click.option("--report", is_flag=True, help="Print the schema of the JSON report instead.")
def schema(version: str | None, report: bool) -> None:
    """Print the JSON Schema of a submission (or of the validator's JSON report)."""
    from aerp.protocol import data_root

    name = "report" if report else "submission"
    path = data_root() / "schemas" / _minor(version) / f"{name}.schema.json"
    click.echo(path.read_text(encoding="utf-8"), nl=False)


@main.command()
@click.option("--task", help="The task: a pipeline tag (text-generation, ...) or an AI Energy Score name.")
@click.option("--class", "size_class", help="The size class (A, B or C), for text-generation.")
@click.option("--energy", help='Accelerator energy per 1,000 queries, with its unit: "19.01 Wh", "0.01901 kWh".')
@click.option(
    "--input",
    "input_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="A CSV with columns task, class and energy (other columns are kept); - for stdin.",
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
    type=click.Choice(["text", "json", "csv"]),
    default=None,
    help="Output format (default: text for one energy, csv for --input).",
)
@click.option("--output-file", type=click.Path(dir_okay=False, writable=True), help="Write the output to this file.")
@click.option("--aerp-version", "version", default=None, metavar="X.Y", help="The protocol version (default: newest).")
def rate(
    task: str | None,
    size_class: str | None,
    energy: str | None,
    input_file: str | None,
    method: str,
    fmt: str | None,
    output_file: str | None,
    version: str | None,
) -> None:
    """Stars for an energy per 1,000 queries, or for every row of a CSV.

    \b
    aerp rate --task text-generation --class A --energy "9.6 Wh"
    aerp rate --input leaderboard.csv [--method cohort] [-o json]

    Energies are accelerator energy per 1,000 queries in any allowed energy unit. Rows that
    cannot be rated are reported on stderr with their line; the others are still rated, and
    the exit code is 1.
    """
    from aerp.energy_input import BadInput, energy_wh, task_name
    from aerp.protocol import load_minor, minor_versions
    from aerp.rating import NoScale, fixed

    versions = minor_versions()
    chosen = (
        (version or versions[-1]).rsplit(".", 1)[0] if (version or "").count(".") == 2 else (version or versions[-1])
    )
    if chosen not in versions:
        raise click.BadParameter(
            f"{version!r} is not a supported version; supported: {', '.join(versions)}", param_hint="--aerp-version"
        )
    protocol = load_minor(chosen)
    if input_file is not None:
        if task or size_class or energy:
            raise click.UsageError("give either --input or --task/--class/--energy, not both")
        _rate_table(protocol, input_file, method, fmt or "csv", output_file)
        return
    if not task or not energy:
        raise click.UsageError("give --task and --energy (and --class for text-generation), or --input")
    if method == "cohort":
        raise click.UsageError("the cohort method rates a set of results against each other: use --input")
    try:
        tag = task_name(task, protocol)
        wh = energy_wh(energy, protocol)
        rating = fixed(protocol, tag, size_class or None, wh)
    except BadInput as problem:
        raise click.BadParameter(str(problem)) from None
    except NoScale as problem:
        raise click.BadParameter(str(problem), param_hint="--task/--class") from None
    scale = protocol.params["rating"]["scale"]
    if (fmt or "text") == "json":
        text = (
            json.dumps(
                {
                    "task": tag,
                    "class": size_class or None,
                    "energy_wh_per_1000": wh,
                    "stars": rating.stars,
                    "band": list(rating.band),
                    "scale": scale,
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
            f"{rating.stars} star{'s' if rating.stars != 1 else ''}: {wh:.6g} Wh per 1,000 queries lies in "
            f"{band} Wh on the {scale} scale of {scope}\n"
        )
    _emit(text, output_file)


def _emit(text: str, output_file: str | None, color: bool = False) -> None:
    """Write ``text`` where the user asked: a file they named, else standard output."""
    if output_file:
        with open(output_file, "w", encoding="utf-8") as stream:
            stream.write(text)
    else:
        click.echo(text, nl=False, color=color)


def _rate_table(protocol: Protocol, input_file: str, method: str, fmt: str, output_file: str | None) -> None:
    import csv

    from aerp import rate_table
    from aerp.energy_input import BadInput

    name = "<stdin>" if input_file == "-" else input_file
    try:
        if input_file == "-":
            content = sys.stdin.read()
        else:
            with open(input_file, encoding="utf-8", newline="") as stream:
                content = stream.read(64 * 1024 * 1024 + 1)
    except (OSError, UnicodeDecodeError) as problem:
        click.echo(f"aerp rate: {name}: cannot be read: {problem}", err=True)
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


@spec.command()
@click.option("-o", "--output", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True)
@click.option("--output-file", type=click.Path(dir_okay=False, writable=True), help="Write to this file.")
@click.option("--aerp-version", "version", default=None, metavar="X.Y", help="The protocol version (default: newest).")
def matrix(fmt: str, output_file: str | None, version: str | None) -> None:
    """Every requirement → the checks that enforce it → the conformance cases that show them.

    Requirements that no machine can check are listed with the reason and how a reviewer
    verifies them; requirements on validators with the validator tests that show them.
    """
    from aerp.traceability import as_json, as_markdown
    from aerp.traceability import matrix as build

    minor = _minor(version)
    rows = build(minor)
    _emit(as_json(rows) if fmt == "json" else as_markdown(rows, minor), output_file)


@main.command()
@click.argument("kind", type=click.Choice(["codecarbon", "aies-v1", "aies-v2", "mlperf-system"]))
@click.argument("paths", nargs=-1, required=True, type=click.Path(), metavar="PATH...")
@click.option("--task", help="The task (a pipeline tag); the tools' files do not say it.")
@click.option("--model", help="The model's repository id, e.g. meta-llama/Llama-3.1-8B-Instruct.")
@click.option("--revision", help="The model revision tested (a commit id).")
@click.option("--division", type=click.Choice(["closed", "open"]), default="closed", show_default=True)
@click.option("--queries", type=click.IntRange(min=1), help="Queries per repetition, when the tool does not record it.")
@click.option(
    "--merge",
    "merge_file",
    type=click.Path(dir_okay=False),
    help="A YAML or JSON file of members you keep yourself (e.g. your hardware block), merged in.",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the submission (.yaml or .json; default: YAML on standard output).",
)
def ingest(
    kind: str,
    paths: tuple[str, ...],
    task: str | None,
    model: str | None,
    revision: str | None,
    division: str,
    queries: int | None,
    merge_file: str | None,
    output_file: str | None,
) -> None:
    """Turn a measurement tool's output into an AERP submission.

    \b
    aerp ingest codecarbon emissions.csv --task text-generation --model org/name -o result.yaml
    aerp ingest aies-v1 benchmark_report.json --task summarization
    aerp ingest aies-v2 RUN_FOLDER
    aerp ingest mlperf-system systems/my-system.json

    Every value the tool recorded is carried over exactly; every value it cannot know is left
    as the placeholder TBD, so that `aerp validate` on the result lists every gap in one run.
    Nothing is cleaned: a zero or negative repetition stays as the tool wrote it.
    """
    from pathlib import Path

    from aerp.ingest import IngestError, IngestOptions, dump
    from aerp.ingest import ingest as convert
    from aerp.load import LoadError, decode, guess_format, load_text, read_bytes
    from aerp.pipeline import default_limits

    merge = None
    if merge_file:
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
    options = IngestOptions(task=task, model=model, revision=revision, division=division, merge=merge, queries=queries)
    try:
        document = convert(kind, [Path(p) for p in paths], options)
    except IngestError as problem:
        click.echo(f"aerp ingest: {problem}", err=True)
        sys.exit(EXIT_INVALID)
    if output_file and output_file.lower().endswith(".json"):
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = dump(document)
    _emit(text, output_file)
    if output_file:
        click.echo(f"wrote {output_file}: run `aerp validate {output_file}` to see what is still missing", err=True)


@main.command()
@click.option("--task", required=True, help="The task (a pipeline tag or an AI Energy Score name).")
@click.option("--division", type=click.Choice(["closed", "open"]), default="closed", show_default=True)
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, writable=True), help="Where to write it.")
def init(task: str, division: str, output_file: str | None) -> None:
    """Write a commented template of a submission: every member, its unit and its meaning."""
    from aerp.energy_input import BadInput, task_name
    from aerp.ingest import init_template
    from aerp.protocol import load_minor

    try:
        tag = task_name(task, load_minor(_minor(None)))
    except BadInput as problem:
        raise click.BadParameter(str(problem), param_hint="--task") from None
    _emit(init_template(tag, division), output_file)


@spec.command()
@click.option(
    "-o",
    "--output-file",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the page, e.g. spec.html.",
)
@click.option("--aerp-version", "version", default=None, metavar="X.Y", help="The protocol version (default: newest).")
def render(output_file: str, version: str | None) -> None:
    """Render the specification as one self-contained HTML page.

    Numbered sections with a table of contents, every requirement as an anchored block with
    its level, the rating table, the revision history and the traceability matrix as an
    appendix; no network, no JavaScript, readable printed.
    """
    from aerp.spec_html import render_spec

    _emit(render_spec(_minor(version)), output_file)
    click.echo(f"wrote {output_file}", err=True)
