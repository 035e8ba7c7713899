"""optimum-benchmark's record of how it ran: the configuration written beside its report.

Next to ``benchmark_report.json`` optimum-benchmark writes its configuration:
``benchmark_config.json`` (the configuration as run, defaults filled in), and in older runs
``experiment_config.json``; Hydra keeps ``.hydra/config.yaml`` (the configuration as given,
before optimum-benchmark fills in its defaults, and possibly holding ``${...}``
interpolations). Each has the same blocks: ``backend`` (name, version, model, device,
device_ids, torch_dtype, no_weights, quantization, ...), ``scenario`` (``benchmark`` in
older runs: dataset_name, dataset_config, dataset_split, num_samples, input_shapes,
iterations, warmup_runs, generate_kwargs, call_kwargs, ...), ``launcher`` and
``environment`` (the machine and the library versions).

What the configuration records is what the run did, so it fills the members it records;
what it leaves to optimum-benchmark's defaults stays TBD, with a note: a default applied at
run time is not a record of the run. The lab's own command-line values win over the file,
and the notes say where they differ.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from aerp.ingest import IngestError, IngestOptions
from aerp.ingest._common import (
    TBD,
    Note,
    Source,
    decode,
    digest,
    is_number,
    json_safe,
    known_task,
    parse_json,
    read_bytes,
    repository,
    shown,
)
from aerp.ingest.codecarbon import split_vendor

CONFIG_FILES = ("benchmark_config.json", "experiment_config.json", ".hydra/config.yaml")
FRAMEWORKS = {
    "pytorch": "PyTorch",
    "onnxruntime": "ONNX Runtime",
    "openvino": "OpenVINO",
    "tensorrt-llm": "TensorRT-LLM",
    "vllm": "vLLM",
    "py-txi": "Text Generation Inference",
    "llama_cpp": "llama.cpp",
    "ipex": "Intel Extension for PyTorch",
    "neural-compressor": "Intel Neural Compressor",
}
PRECISIONS = {
    "float32": "float32",
    "fp32": "float32",
    "float": "float32",
    "float16": "float16",
    "fp16": "float16",
    "half": "float16",
    "bfloat16": "bfloat16",
    "bf16": "bfloat16",
}


def find(folder: Path) -> list[Path]:
    """The configuration files of a run folder, the one that records the run most completely first."""
    return [folder / name for name in CONFIG_FILES if (folder / name).is_file()]


class _NoAliases(yaml.SafeLoader):
    """PyYAML's safe loader without aliases: a configuration needs none, and they can expand without bound."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(None, None, "aliases are not read", event.start_mark)
        return super().compose_node(parent, index)


def _parse(path: Path, data: bytes) -> Any:
    text = decode(path, data)
    if path.suffix == ".json":
        return parse_json(path, text)
    try:
        return yaml.load(text, Loader=_NoAliases)  # a SafeLoader that also refuses aliases
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        raise IngestError(f"{path}: not YAML ingest can read: {str(error)[:200]}") from None


def read(folder: Path, sources: list[Source], notes: list[str]) -> tuple[dict[str, Any] | None, str | None]:
    """The configuration of the run in ``folder`` and the name of its file (None: there is none).

    Every configuration file present is listed as an artifact; the first of
    :data:`CONFIG_FILES` is the one read.
    """
    files = find(folder)
    if not files:
        notes.append(
            "the run folder holds no benchmark_config.json, experiment_config.json or .hydra/config.yaml: the run "
            "settings, dataset and model are TBD"
        )
        return None, None
    config: dict[str, Any] | None = None
    name = files[0].relative_to(folder).as_posix()
    for index, path in enumerate(files):
        data = read_bytes(path, "optimum-benchmark's configuration")
        if index == 0:
            parsed = _parse(path, data)
            if not isinstance(parsed, dict):
                raise IngestError(f"{path}: not an optimum-benchmark configuration: it holds a {type(parsed).__name__}")
            config = parsed
            description = "optimum-benchmark configuration of the run (read)"
        else:
            description = f"optimum-benchmark configuration of the run (not read: {name} records the run)"
        sources.append(Source(path, digest(data), description))
    return config, name


def _get(config: dict[str, Any], *keys: str) -> Any:
    """The value at ``keys``; None where absent, null or a Hydra interpolation (``${...}``, not a value)."""
    node: Any = config
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    if isinstance(node, str) and "${" in node:
        return None
    return node


def _scenario(config: dict[str, Any]) -> dict[str, Any]:
    """The scenario block (``benchmark`` in optimum-benchmark before 0.2)."""
    for key in ("scenario", "benchmark"):
        if isinstance(config.get(key), dict):
            return config[key]
    return {}


def _count(value: Any) -> int | None:
    """A whole number as the configuration holds it (1, or 1.0); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not is_number(value):
        return None
    return int(value) if float(value).is_integer() else None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def task_text(config: dict[str, Any] | None) -> Any:
    """What the configuration's ``backend.task`` holds, AERP task or not (None: nothing)."""
    return _get(config, "backend", "task") if config else None


def task_of(config: dict[str, Any] | None) -> str | None:
    """The AERP task that the configuration's ``backend.task`` names, if it names one."""
    return known_task(_get(config, "backend", "task")) if config else None


def device_ids(config: dict[str, Any]) -> list[str] | None:
    """``backend.device_ids`` as a list: optimum-benchmark writes "0", "0,1", [0, 1] or 0."""
    ids = _get(config, "backend", "device_ids")
    if isinstance(ids, bool):
        return None
    if isinstance(ids, int):
        return [str(ids)]
    if isinstance(ids, str) and ids.strip():
        parts = [p.strip() for p in ids.split(",")]
        return parts if all(parts) else None
    if isinstance(ids, list) and ids and all(isinstance(i, (int, str)) and not isinstance(i, bool) for i in ids):
        return [str(i) for i in ids]
    return None


def refuse_cpu_run(config: dict[str, Any] | None, name: str | None) -> None:
    """A run on the CPU is said to be so before anything else: AERP 1.0 rates the accelerator's energy."""
    device = _get(config, "backend", "device") if config else None
    if isinstance(device, str) and device.strip().lower() == "cpu":
        raise IngestError(
            f"{name}: backend.device is cpu: a CPU-only run. AERP 1.0 rates the energy of the accelerators the "
            "model ran on, so a run on CPUs alone cannot become an AERP 1.0 submission"
        )


def queries(config: dict[str, Any] | None) -> int | None:
    """The queries of one repetition: ``scenario.num_samples`` (-1, the whole split, is not a count)."""
    count = _count(_get(_scenario(config), "num_samples")) if config else None
    return count if count is not None and count >= 1 else None


def apply(
    document: dict[str, Any], config: dict[str, Any], name: str, options: IngestOptions, repetitions: int
) -> tuple[dict[str, Any], list[str]]:
    """Fill what the configuration records; return the extension block and the notes."""
    notes: list[str] = []
    _model(document, config, name, options, notes)
    _dataset(document, config, name, options, notes)
    _run(document, config, name, repetitions, notes)
    _machine(document, config, name, notes)
    _software(document, config, name, notes)
    return {"file": name, "content": json_safe(config)}, notes


def _model(
    document: dict[str, Any], config: dict[str, Any], name: str, options: IngestOptions, notes: list[str]
) -> None:
    model = document["model"]
    named = _get(config, "backend", "model")
    if options.model is not None:
        if isinstance(named, str) and named != options.model:
            notes.append(f"model.repository is the one given, {options.model}; {name} backend.model is `{named}`")
    elif repository(named):
        model["repository"] = named
        notes.append(f"model.repository {named} is {name} backend.model")
    elif named:
        notes.append(f"{name} backend.model `{shown(named)}` is not a Hub repository id (owner/name): TBD")
    revision = _text(_get(config, "backend", "model_kwargs", "revision"))
    if revision and options.revision is None:
        model["revision"] = revision
        notes.append(f"model.revision {revision} is {name} backend.model_kwargs.revision")
    dtype = _get(config, "backend", "torch_dtype")
    precision = PRECISIONS.get(str(dtype).removeprefix("torch.").lower()) if isinstance(dtype, str) else None
    if precision:
        model["precision"] = precision
        notes.append(f"model.precision {precision} is {name} backend.torch_dtype `{dtype}`")
    else:
        notes.append(
            Note(
                f"model.precision is TBD: {name} backend.torch_dtype is `{dtype}`, which leaves the precision to "
                "the checkpoint (state the precision the weights ran in)",
                ["/model/precision"],
            )
        )
    scheme = _text(_get(config, "backend", "quantization_scheme"))
    if scheme:
        settings = _get(config, "backend", "quantization_config")
        model["quantization"] = scheme + (f" {json.dumps(json_safe(settings), sort_keys=True)}" if settings else "")
        notes.append(f"model.quantization is {name} backend.quantization_scheme and quantization_config")
    else:
        notes.append(
            Note(
                f"model.quantization is TBD: {name} records no quantization applied by the backend "
                "(quantization_scheme is empty), but not whether the checkpoint itself is quantized: state it, or none",
                ["/model/quantization"],
            )
        )
    if _get(config, "backend", "no_weights") is True:
        notes.append(
            f"{name} backend.no_weights is true: the model ran with randomly initialised weights, not the published "
            "checkpoint (some AI Energy Score example configurations did so); its energy is not the published "
            "model's as it runs in production (attestation model-representation)"
        )


def _dataset(
    document: dict[str, Any], config: dict[str, Any], name: str, options: IngestOptions, notes: list[str]
) -> None:
    scenario = _scenario(config)
    dataset = document["dataset"]
    named = _get(scenario, "dataset_name")
    if repository(named):
        dataset["repository"] = named
        subset = ", ".join(
            f"{key} `{_get(scenario, key)}`"
            for key in ("dataset_config", "dataset_split")
            if _text(_get(scenario, key))
        )
        notes.append(f"dataset.repository {named} is {name} scenario.dataset_name" + (f" ({subset})" if subset else ""))
    elif named:
        notes.append(
            f"{name} scenario.dataset_name `{shown(named)}` is not a Hub repository id: dataset.repository is TBD"
        )
    revision = _text(_get(scenario, "dataset_revision"))
    if revision:
        dataset["revision"] = revision
        notes.append(f"dataset.revision {revision} is {name} scenario.dataset_revision")
    samples = _get(scenario, "num_samples")
    count = queries(config)
    if options.queries is not None:
        if count is not None and count != options.queries:
            notes.append(f"the {options.queries} queries given are used; {name} scenario.num_samples is {count}")
    elif count is not None:
        dataset["queries"] = count
        notes.append(
            f"dataset.queries and each repetition's queries are {count:,}: {name} scenario.num_samples "
            "(optimum-benchmark runs the first num_samples queries of the split in each repetition)"
        )
    elif samples is not None:
        notes.append(
            f"{name} scenario.num_samples is {shown(samples)} (-1: the whole split, whose size it does not record): "
            "dataset.queries and each repetition's queries are TBD"
        )


def _setting(document: dict[str, Any], member: str, value: Any, where: str, notes: list[str]) -> None:
    count = _count(value)
    if count is not None and count >= 0:
        document["run"][member] = count
        notes.append(f"run.{member} {count} is {where}")
    elif value is not None:
        notes.append(f"{where} is {shown(value)}, not a whole number: run.{member} is TBD")


def _run(document: dict[str, Any], config: dict[str, Any], name: str, repetitions: int, notes: list[str]) -> None:
    scenario = _scenario(config)
    run = document["run"]
    batch = _get(scenario, "input_shapes", "batch_size")
    _setting(document, "batch_size", batch, f"{name} scenario.input_shapes.batch_size", notes)
    _setting(document, "warmup_runs", _get(scenario, "warmup_runs"), f"{name} scenario.warmup_runs", notes)
    iterations = _count(_get(scenario, "iterations"))
    if iterations is not None and iterations != repetitions:
        notes.append(
            f"{name} scenario.iterations is {iterations}, but the report holds {repetitions} repetition(s): "
            "run.repetitions counts the repetitions reported"
        )
    if "max_new_tokens" in run:
        generate = _get(scenario, "generate_kwargs")
        generate = generate if isinstance(generate, dict) else {}
        for member in ("max_new_tokens", "min_new_tokens"):
            if member in generate:
                _setting(document, member, _get(generate, member), f"{name} generate_kwargs.{member}", notes)
        absent = [m for m in ("max_new_tokens", "min_new_tokens") if m not in generate]
        if absent:
            notes.append(
                f"{name} generate_kwargs does not set {' or '.join(absent)}: optimum-benchmark then applies its own "
                "defaults, which the file does not record: TBD"
            )
        _decoding(document, generate, name, notes)
    if "denoising_steps" in run:
        call = _get(scenario, "call_kwargs")
        steps = _get(call, "num_inference_steps") if isinstance(call, dict) else None
        if steps is not None:
            _setting(document, "denoising_steps", steps, f"{name} call_kwargs.num_inference_steps", notes)
        else:
            notes.append(
                f"{name} call_kwargs does not set num_inference_steps: optimum-benchmark's default applies, which "
                "the file does not record: run.denoising_steps is TBD"
            )


def _decoding(document: dict[str, Any], generate: dict[str, Any], name: str, notes: list[str]) -> None:
    sample = generate.get("do_sample")
    beams = _count(generate.get("num_beams"))
    decoding = None
    if sample is True:
        decoding = "sampling"
    elif sample is False and beams is not None:
        decoding = "greedy" if beams == 1 else "beam-search"
    if decoding:
        document["run"]["decoding"] = decoding
        notes.append(f"run.decoding {decoding} is {name} generate_kwargs (do_sample {sample}, num_beams {beams})")
    else:
        notes.append(
            f"run.decoding is TBD: {name} generate_kwargs does not set both do_sample and num_beams, and the "
            "decoding optimum-benchmark then applies is its default, not a record of the run"
        )


def _machine(document: dict[str, Any], config: dict[str, Any], name: str, notes: list[str]) -> None:
    accelerators = document["hardware"]["accelerators"]
    ids = device_ids(config)
    device = _get(config, "backend", "device")
    if ids is not None and isinstance(device, str) and device.lower() in ("cuda", "rocm", "xpu", "hpu", "npu"):
        accelerators["count"] = len(ids)
        notes.append(
            Note(
                f"hardware.accelerators.count {len(ids)} is the number of {name} backend.device_ids "
                f"({', '.join(ids)}) the model ran on",
                ["/hardware/accelerators/count"],
            )
        )
    gpus = _get(config, "environment", "gpu")
    listed = gpus if isinstance(gpus, list) else []
    names = list(dict.fromkeys(g.strip() for g in listed if isinstance(g, str) and g.strip()))
    if accelerators.get("model") == TBD and len(names) == 1:
        vendor, model = split_vendor(names[0])
        accelerators["vendor"] = vendor or TBD
        accelerators["model"] = model
        notes.append(f"hardware.accelerators.model {model} is {name} environment.gpu")
    elif accelerators.get("model") == TBD and len(names) > 1:
        notes.append(f"{name} environment.gpu names several GPU models ({', '.join(names[:4])}): accelerators are TBD")
    host = document["hardware"]["host"]
    cpu = _text(_get(config, "environment", "cpu"))
    if cpu and host.get("cpu_model") == TBD:
        host["cpu_model"] = cpu
        notes.append(f"hardware.host.cpu_model is {name} environment.cpu")
    platform = _text(_get(config, "environment", "platform"))
    if platform and document["hardware"].get("operating_system") == TBD:
        document["hardware"]["operating_system"] = platform
        notes.append(f"hardware.operating_system is {name} environment.platform")
    if _get(config, "environment", "gpu_vram_mb") is not None or _get(config, "environment", "cpu_ram_mb") is not None:
        notes.append(
            f"{name} environment.gpu_vram_mb and cpu_ram_mb are kept under extensions, not used: optimum-benchmark "
            "has written bytes under the name gpu_vram_mb, so their unit is not certain"
        )


def _software(document: dict[str, Any], config: dict[str, Any], name: str, notes: list[str]) -> None:
    backend = _text(_get(config, "backend", "name"))
    version = _get(config, "backend", "version")
    version = _text(version) if isinstance(version, str) else None
    if backend:
        framework = FRAMEWORKS.get(backend, backend)
        document["software"]["framework"] = {"name": framework, "version": version or TBD}
        notes.append(
            f"software.framework {framework} {version or 'TBD'} is {name} backend.name and backend.version"
            + ("" if version else " (no version recorded)")
        )
    harness = _text(_get(config, "environment", "optimum_benchmark_version"))
    commit = _text(_get(config, "environment", "optimum_benchmark_commit"))
    if harness:
        document["software"]["harness"]["version"] = harness
        notes.append(
            f"software.harness version {harness} is {name} environment.optimum_benchmark_version"
            + (f" (commit {commit})" if commit else "")
        )
