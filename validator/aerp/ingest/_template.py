"""The text of ``aerp init``: a submission written by hand, each member with its meaning beside it.

The YAML is composed line by line (not dumped) so that every comment sits on the line of
the member it explains. Units and method names are read from protocol.yaml, so that the
template of a later protocol version follows its data.
"""

from __future__ import annotations

from typing import Any

from aerp.ingest._common import params, protocol

_COMMENT_COLUMN = 46


class _Lines:
    """YAML lines with aligned trailing comments."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, indent: int, text: str, comment: str | None = None) -> None:
        line = " " * indent + text
        if comment:
            line = (
                f"{line.ljust(_COMMENT_COLUMN - 1)} # {comment}"
                if len(line) < _COMMENT_COLUMN - 1
                else (f"{line}  # {comment}")
            )
        self.lines.append(line)

    def note(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + "# " + text if text else " " * indent + "#")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _symbols(dimension: str) -> str:
    return ", ".join(params()["units"][dimension]["symbols"])


def render(task: str, division: str) -> str:
    p = params()
    spec = p["tasks"][task]
    closed = division == "closed"
    out = _Lines()
    _header(out, task, spec, division)
    out.add(0, f'aerp_version: "{protocol().patch_versions[-1]}"', "the exact AERP version this submission follows")
    out.add(0, "submitter:", "who submits the result")
    out.add(2, "organization: TBD", "the organisation responsible for the result")
    out.add(2, "contact: TBD", "an e-mail address or URL for questions about the result")
    out.add(0, "date: TBD", 'the date of the submission, quoted: "YYYY-MM-DD"')
    out.add(0, f"division: {division}", "closed: reference procedure, rated; open: any procedure, not rated")
    out.add(0, f"task: {task}", f"{spec['title']}: {spec['functional_unit']}")
    _model(out, spec)
    _dataset(out, task, spec, closed)
    _run(out, spec, closed)
    _hardware(out)
    _software(out)
    _measurement(out)
    _results(out, spec, closed)
    _rating(out, closed)
    _artifacts(out)
    _attestation(out)
    out.note(0, "extensions:                                 # optional: your own data, under keys starting x-")
    out.note(0, "  x-your-lab: {notes: ...}")
    return out.text()


def _header(out: _Lines, task: str, spec: dict[str, Any], division: str) -> None:
    out.note(0, f"AERP {protocol().version} submission template: {task} ({spec['title']}), {division} division.")
    out.note(0, "Written by `aerp init`. Replace every TBD with the value of your run; `aerp validate` lists")
    out.note(0, "each TBD that remains as missing disclosure (AERP-D002). A quantity is {value, unit}: keep")
    out.note(0, "the unit shown or use another symbol of the same dimension (symbols are case-sensitive).")
    out.note(0, "Dates are strings: quote them. Lines starting with # are optional members: uncomment them")
    out.note(0, "where they apply.")


def _model(out: _Lines, spec: dict[str, Any]) -> None:
    p = params()
    out.add(0, "model:", "the model measured")
    out.add(2, "repository: TBD", "Hugging Face Hub id, owner/name")
    out.add(2, "revision: TBD", "the exact weights: commit id of the model repository")
    out.add(2, "parameters: TBD", "total parameter count, a whole number")
    if spec["classes"]:
        limits = ", ".join(
            f"{name} up to {c['max_parameters']:,}" if "max_parameters" in c else f"{name} above"
            for name, c in p["classes"].items()
        )
        out.add(2, "class: TBD", f"size class by parameters: {limits}")
    out.add(2, "precision: TBD", "float32, float16, bfloat16, float8, int8, int4 or mixed, as run")
    out.add(2, "quantization: TBD", 'the quantization method with its settings, or "none"')


def _dataset(out: _Lines, task: str, spec: dict[str, Any], closed: bool) -> None:
    out.add(0, "dataset:", "the dataset used")
    out.add(2, f"repository: {spec['dataset']}", f"the AERP dataset of {task}")
    out.add(2, "revision: TBD", "the dataset revision used, preferably its commit id")
    if closed:
        out.add(2, f"queries: {spec['queries']}", f"queries as used: the closed division runs all {spec['queries']}")
    else:
        out.add(2, "queries: TBD", "the number of queries of the dataset as used")


def _run(out: _Lines, spec: dict[str, Any], closed: bool) -> None:
    settings = params()["run_settings"]
    out.add(0, "run:", "the run settings")

    def setting(name: str, value: Any, meaning: str) -> None:
        if closed:
            out.add(2, f"{name}: {value}", f"{meaning} (closed division: {value})")
        else:
            out.add(2, f"{name}: TBD", meaning)

    setting("batch_size", settings["batch_size"], "queries processed together")
    setting("warmup_runs", settings["warmup_runs"], "warm-up runs before the first repetition")
    setting("repetitions", settings["repetitions"], "repetitions of the full dataset")
    if spec["generation"] == "text":
        reference = closed and spec["classes"]
        decoding = settings["decoding"] if reference else "TBD"
        tokens = spec.get("new_tokens", "TBD") if reference else "TBD"
        out.add(2, f"decoding: {decoding}", "greedy, sampling or beam-search")
        out.add(2, f"max_new_tokens: {tokens}", "the most tokens generated per query")
        out.add(2, f"min_new_tokens: {tokens}", "the fewest tokens generated per query")
    elif spec["generation"] == "image":
        setting("denoising_steps", settings["denoising_steps"], "denoising steps per image")


def _hardware(out: _Lines) -> None:
    memory = _symbols("memory")
    out.add(0, "hardware:", "the system under test, as it was during the run")
    out.add(2, "accelerators:", "the accelerators the model ran on, all of one model")
    out.add(4, "vendor: TBD", "e.g. NVIDIA")
    out.add(4, "model: TBD", "e.g. H100 SXM5 80GB (names: spec/1.0/accelerators.yaml)")
    out.add(4, "memory: {value: TBD, unit: GB}", f"memory of one accelerator, as its vendor specifies ({memory})")
    out.add(4, "form_factor: TBD", "SXM, PCIe, NVL, OAM, MXM or other")
    out.add(4, "count: TBD", "the number of accelerators the model ran on")
    out.add(4, "power_limit: {value: TBD, unit: W}", f"power limit enforced on each ({_symbols('power')})")
    out.add(4, "driver_version: TBD", "the accelerator driver version, e.g. 550.90.07")
    out.add(2, "host:", "the host")
    out.add(4, "cpu_model: TBD", "the CPU model")
    out.add(4, "sockets: TBD", "the number of CPU sockets")
    out.add(4, "cores: TBD", "physical CPU cores over all sockets")
    out.add(4, "memory: {value: TBD, unit: GB}", f"the installed host memory ({memory})")
    out.add(2, "operating_system: TBD", "the operating system and its version")


def _software(out: _Lines) -> None:
    out.add(0, "software:", "each with its exact version: a release or a commit")
    out.add(2, "framework: {name: TBD, version: TBD}", "e.g. PyTorch 2.4.0")
    out.add(2, "accelerator_runtime: {name: TBD, version: TBD}", "e.g. CUDA 12.4")
    out.add(2, "harness: {name: TBD, version: TBD}", "the benchmark harness that ran the procedure")


def _measurement(out: _Lines) -> None:
    p = params()
    components = p["energy_components"]
    methods = ", ".join(
        f"{name}{'' if spec['measured'] else ' (not a measurement)'}" for name, spec in p["measurement_methods"].items()
    )
    limit = p["closed_measurement"]["max_sampling_interval"]
    out.add(0, "measurement:", "how energy was measured")
    out.add(2, "boundary: TBD", f"the components measured, a list of {', '.join(components)}")
    out.note(2, f"one method per component of the boundary ({p['rated_component']} is required); remove the others")
    out.add(2, "methods:")
    for component in components:
        out.add(4, f"{component}:")
        out.add(6, "method: TBD", methods)
        out.add(6, "tool: {name: TBD, version: TBD}", "the measuring tool, e.g. CodeCarbon 2.8.3")
        out.add(
            6,
            "sampling_interval: {value: TBD, unit: s}",
            f"({_symbols('duration')}); closed division: at most {limit['value']} {limit['unit']}",
        )
        out.note(6, 'meter: {model: ..., calibration_date: "YYYY-MM-DD"}   # wall-meter only')
    out.note(2, "pue: {value: 1.2, applied: false}            # optional: PUE, and whether energies include it")
    out.note(2, f"carbon_intensity: {{value: ..., unit: g/kWh}}  # with emissions ({_symbols('carbon_intensity')})")


def _results(out: _Lines, spec: dict[str, Any], closed: bool) -> None:
    p = params()
    energy = _symbols("energy")
    repetitions = p["run_settings"]["repetitions"]
    out.add(0, "results:", "the measured values")
    out.add(2, "repetitions:", f"every repetition, in the order run{f' ({repetitions})' if closed else ''}")
    queries = str(spec["queries"]) if closed else "TBD"
    out.add(4, "- duration: {value: TBD, unit: s}", "the measurement window of this repetition")
    out.add(6, f"queries: {queries}", "the queries this repetition processed")
    out.add(6, "energy:", f"energy per component of the boundary ({energy})")
    for component in p["energy_components"]:
        out.add(8, f"{component}: {{value: TBD, unit: kWh}}")
    out.add(8, "total: {value: TBD, unit: kWh}", "optional: the sum of the components")
    out.note(6, f"phases:                                # optional: energy per phase ({', '.join(spec['phases'])})")
    for phase in spec["phases"]:
        out.note(6, f"  {phase}: {{{p['rated_component']}: {{value: ..., unit: kWh}}, cpu: ..., ram: ..., total: ...}}")
    out.note(6, "mean_power: {accelerator: {value: ..., unit: W}}   # optional: mean power per component")
    out.note(6, "emissions: {value: ..., unit: g}                    # optional: needs measurement.carbon_intensity")
    out.add(2, "summary:")
    out.add(
        4,
        f"accelerator_energy_per_1000_queries: {{value: TBD, unit: {p['rated_unit']}}}",
        "mean over repetitions of accelerator energy × 1000 / queries",
    )
    out.add(4, "mean_duration: {value: TBD, unit: s}", "mean of the repetitions' durations")


def _rating(out: _Lines, closed: bool) -> None:
    scale = params()["rating"]["scale"]
    if closed:
        out.add(0, f"rating: {{stars: TBD, scale: {scale}}}", "1 to 5 stars from the summary; `aerp rate` computes")
    else:
        out.note(0, "rating: the open division is not rated: leave it out")


def _artifacts(out: _Lines) -> None:
    out.add(0, "artifacts:", "the raw logs of every repetition and the harness log")
    out.add(2, "- path: TBD", "relative path, with /")
    out.add(4, "sha256: TBD", "SHA-256 of the file, 64 lowercase hex digits (sha256sum)")
    out.note(4, "description: what the file holds             # optional")


def _attestation(out: _Lines) -> None:
    statements = ", ".join(params()["attestations"])
    out.add(0, "attestation:", "yours to give: read the statements (Section 17) before you list them")
    out.add(2, "name: TBD", "the person who attests")
    out.add(2, "date: TBD", 'the date of the attestation, quoted: "YYYY-MM-DD"')
    out.add(2, "statements: TBD", f"the list [{statements}]")
