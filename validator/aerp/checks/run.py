"""Run settings: the closed division follows the reference procedure; settings fit the task."""

from __future__ import annotations

from collections.abc import Iterator

from aerp.findings import Severity
from aerp.registry import Context, Problem, check

E = Severity.ERROR


def _closed_setting(ctx: Context, member: str, setting: str, meaning: str) -> Iterator[Problem]:
    expected = ctx.params["run_settings"][setting]
    found = ctx.data["run"].get(member)
    if ctx.closed and found != expected:
        yield Problem(
            f"/run/{member}" if member in ctx.data["run"] else "/run",
            f"the closed division uses {meaning} {expected}; run.{member} is {found}",
            hint="results with other settings belong in the open division",
        )


@check("AERP-T006", E, "REQ-RUN-1", "Closed division: batch size 1.", inputs=("/division", "/run"))
def batch_size(ctx: Context) -> Iterator[Problem]:
    yield from _closed_setting(ctx, "batch_size", "batch_size", "a batch size of")


@check("AERP-T007", E, "REQ-RUN-2", "Closed division: 10 warm-up runs.", inputs=("/division", "/run"))
def warmup(ctx: Context) -> Iterator[Problem]:
    yield from _closed_setting(ctx, "warmup_runs", "warmup_runs", "a number of warm-up runs of")


@check(
    "AERP-T008", E, "REQ-RUN-3", "Closed division: 10 repetitions of the full dataset.", inputs=("/division", "/run")
)
def repetitions(ctx: Context) -> Iterator[Problem]:
    yield from _closed_setting(ctx, "repetitions", "repetitions", "a number of repetitions of")


def _fixed_output_length(ctx: Context) -> Iterator[Problem]:
    """Closed division: a task with a fixed output length decodes greedily with exactly that many new tokens."""
    task = ctx.params["tasks"][ctx.data["task"]]
    if not ctx.closed or "new_tokens" not in task:
        return
    decoding, tokens = ctx.params["run_settings"]["decoding"], task["new_tokens"]
    run = ctx.data["run"]
    expected = {"decoding": decoding, "max_new_tokens": tokens, "min_new_tokens": tokens}
    wrong = [f"run.{k} is {run.get(k)}" for k, v in expected.items() if run.get(k) != v]
    if wrong:
        yield Problem(
            "/run",
            f"closed-division {ctx.data['task']} decodes {decoding} with exactly {tokens} new tokens; "
            f"{', '.join(wrong)}",
        )


@check(
    "AERP-T009",
    E,
    "REQ-RUN-4",
    "Closed division: text-generation decodes greedily with 10 new tokens.",
    inputs=("/division", "/task", "/run"),
    until="1.0",
)
def decoding(ctx: Context) -> Iterator[Problem]:
    yield from _fixed_output_length(ctx)


@check(
    "AERP-T019",
    E,
    "REQ-RUN-11",
    "Closed division: every generative text task decodes greedily with its fixed number of new tokens.",
    inputs=("/division", "/task", "/run"),
    since="1.1",
)
def fixed_output_length(ctx: Context) -> Iterator[Problem]:
    yield from _fixed_output_length(ctx)


@check(
    "AERP-T010",
    E,
    "REQ-RUN-5",
    "Closed division: text-to-image runs 30 denoising steps.",
    inputs=("/division", "/task", "/run"),
)
def denoising(ctx: Context) -> Iterator[Problem]:
    if ctx.closed and ctx.params["tasks"][ctx.data["task"]]["generation"] == "image":
        yield from _closed_setting(ctx, "denoising_steps", "denoising_steps", "a number of denoising steps of")


@check(
    "AERP-T011", E, "REQ-RUN-8", "Decoding settings appear only for tasks that generate text.", inputs=("/task", "/run")
)
def decoding_only_for_text(ctx: Context) -> Iterator[Problem]:
    task = ctx.data["task"]
    if ctx.params["tasks"][task]["generation"] != "text":
        for member in ("decoding", "max_new_tokens", "min_new_tokens"):
            if member in ctx.data["run"]:
                yield Problem(
                    f"/run/{member}",
                    f"`{task}` generates no text: run.{member} does not apply",
                    hint=f"remove run.{member}",
                )


@check(
    "AERP-T012", E, "REQ-RUN-9", "Denoising steps appear only for tasks that generate images.", inputs=("/task", "/run")
)
def denoising_only_for_images(ctx: Context) -> Iterator[Problem]:
    task = ctx.data["task"]
    if ctx.params["tasks"][task]["generation"] != "image" and "denoising_steps" in ctx.data["run"]:
        yield Problem(
            "/run/denoising_steps",
            f"`{task}` generates no images: run.denoising_steps does not apply",
            hint="remove run.denoising_steps",
        )


@check("AERP-T013", E, "REQ-RUN-10", "min_new_tokens does not exceed max_new_tokens.", inputs=("/run",))
def token_bounds(ctx: Context) -> Iterator[Problem]:
    run = ctx.data["run"]
    if "min_new_tokens" in run and "max_new_tokens" in run and run["min_new_tokens"] > run["max_new_tokens"]:
        yield Problem(
            "/run/min_new_tokens",
            f"run.min_new_tokens ({run['min_new_tokens']}) exceeds run.max_new_tokens ({run['max_new_tokens']})",
        )


@check(
    "AERP-T014",
    E,
    "REQ-CLASS-2",
    "The size class is the one whose range holds the parameter count.",
    inputs=("/model",),
)
def class_of_parameters(ctx: Context) -> Iterator[Problem]:
    declared = ctx.data["model"].get("class")
    if declared is None:
        return
    parameters = ctx.data["model"]["parameters"]
    right = None
    for name, spec in ctx.params["classes"].items():
        above = spec.get("min_parameters_exclusive")
        below = spec.get("max_parameters")
        if (above is None or parameters > above) and (below is None or parameters <= below):
            right = name
            break
    if right != declared:
        yield Problem(
            "/model/class",
            f"{parameters:,} parameters make a class {right} model, not class {declared}",
            hint="A up to 20 B parameters, B up to 66 B, C above",
        )


@check(
    "AERP-T015",
    E,
    "REQ-CLASS-3",
    "Classes A and B run on a single accelerator.",
    inputs=("/model", "/hardware/accelerators/count"),
)
def single_accelerator(ctx: Context) -> Iterator[Problem]:
    declared = ctx.data["model"].get("class")
    limit = ctx.params["classes"].get(declared, {}).get("max_accelerators") if declared else None
    count = ctx.accelerators["count"] if ctx.accelerators is not None else None
    if limit is not None and count is not None and count > limit:
        yield Problem(
            "/hardware/accelerators/count",
            f"a class {declared} model runs on {limit} accelerator(s); this run used {count}",
            hint="running class A or B models on several accelerators invalidates the result",
        )
