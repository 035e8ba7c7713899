"""Tasks, datasets and size classes: a result is comparable only on the task's own data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aerp.checks.disclosure import placeholder_words
from aerp.checks.schema import SchemaProblem, explainer
from aerp.findings import Severity
from aerp.protocol import Protocol
from aerp.registry import Context, Problem, check


@explainer
def task_alias(error: Any, protocol: Protocol) -> SchemaProblem | None:
    """`image_captioning` is the AI Energy Score's file name of `image-to-text`: say so."""
    if error.validator != "enum" or list(error.absolute_path) != ["task"] or not isinstance(error.instance, str):
        return None
    for name, task in protocol.tasks.items():
        if error.instance in task.get("aliases", ()):
            return "AERP-S004", Problem(
                "/task",
                f"`{error.instance}` is the AI Energy Score's name of a task; AERP names tasks by their "
                "Hugging Face pipeline tag",
                hint=f"write `{name}`",
            )
    return None


def _other_dataset(ctx: Context) -> Problem | None:
    task = ctx.data["task"]
    expected = ctx.params["tasks"][task]["dataset"]
    found = ctx.data["dataset"]["repository"]
    if found == expected:
        return None
    return Problem(
        "/dataset/repository",
        f"the dataset of `{task}` is `{expected}`, not `{found}`",
        hint=f"set dataset.repository to {expected}",
    )


@check(
    "AERP-T001",
    Severity.ERROR,
    "REQ-TASK-2",
    "Closed division: the dataset is the task's AERP dataset.",
    inputs=("/task", "/division", "/dataset/repository"),
)
def dataset_of_task(ctx: Context) -> Iterator[Problem]:
    problem = _other_dataset(ctx) if ctx.closed else None
    if problem:
        yield problem


@check(
    "AERP-T005",
    Severity.WARNING,
    "REQ-TASK-5",
    "Open division: the dataset should be the task's AERP dataset, so that results compare.",
    inputs=("/task", "/division", "/dataset/repository"),
)
def open_dataset_of_task(ctx: Context) -> Iterator[Problem]:
    problem = None if ctx.closed else _other_dataset(ctx)
    if problem:
        yield Problem(
            problem.pointer,
            f"{problem.message}: the result will not compare with other results of its task",
            hint=problem.hint,
        )


_QUERIES = ("/task", "/division", "/dataset/queries", "/results/repetitions/*/queries", "/results/repetitions/*/passes")


@check(
    "AERP-T002",
    Severity.ERROR,
    "REQ-TASK-4",
    "Closed division: the full dataset is used, in every repetition.",
    inputs=_QUERIES,
    until="1.0",
)
def full_dataset(ctx: Context) -> Iterator[Problem]:
    yield from _full_dataset(ctx)


@check(
    "AERP-T021",
    Severity.ERROR,
    "REQ-TASK-8",
    "Closed division: every pass of every repetition uses the full dataset.",
    inputs=_QUERIES,
    since="1.1",
)
def full_dataset_in_passes(ctx: Context) -> Iterator[Problem]:
    yield from _full_dataset(ctx)


def _full_dataset(ctx: Context) -> Iterator[Problem]:
    if not ctx.closed:
        return
    task = ctx.data["task"]
    expected = ctx.params["tasks"][task]["queries"]
    declared = ctx.data["dataset"]["queries"]
    if declared != expected:
        yield Problem(
            "/dataset/queries",
            f"the closed division runs all {expected} queries of `{task}`; the dataset declares {declared}",
        )
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        passes = repetition.get("passes", 1)  # AERP 1.1: a window may repeat the dataset (REQ-MEAS-20)
        if not isinstance(passes, int) or isinstance(passes, bool) or passes < 1:
            continue  # the schema's finding
        if repetition["queries"] != expected * passes:
            over = f" in {passes} passes" if passes != 1 else ""
            yield Problem(
                f"/results/repetitions/{index}/queries",
                f"repetition {index + 1} processed {repetition['queries']} queries{over}; "
                f"the closed division processes all {expected} in every pass"
                + (f" ({expected * passes} in {passes} passes)" if passes != 1 else ""),
            )


@check(
    "AERP-T003",
    Severity.ERROR,
    "REQ-CLASS-1",
    "A text-generation submission declares its size class; other tasks declare none.",
    inputs=("/task", "/model/class"),
)
def class_declared(ctx: Context) -> Iterator[Problem]:
    task = ctx.data["task"]
    has_classes = ctx.params["tasks"][task]["classes"]
    declared = ctx.data["model"].get("class")
    names = ", ".join(ctx.params["classes"])
    if has_classes and declared is None:
        yield Problem(
            "/model",
            f"`{task}` is rated per size class: `model.class` is required ({names})",
            hint="A up to 20 B parameters, B up to 66 B, C above",
        )
    elif not has_classes and declared is not None:
        yield Problem(
            "/model/class", f"size classes apply to text-generation only, not to `{task}`", hint="remove model.class"
        )


@check(
    "AERP-T004",
    Severity.ERROR,
    "REQ-RUN-7",
    "The results list exactly as many repetitions as run.repetitions declares.",
    inputs=("/run/repetitions", "/results/repetitions"),
)
def repetitions_listed(ctx: Context) -> Iterator[Problem]:
    declared = ctx.data["run"]["repetitions"]
    listed = len(ctx.data["results"]["repetitions"])
    if declared != listed:
        yield Problem(
            "/results/repetitions",
            f"run.repetitions declares {declared} repetition(s) but the results list {listed}",
            hint="report every repetition, including those you would rather not",
        )


@check(
    "AERP-T016",
    Severity.WARNING,
    "REQ-TASK-6",
    "The dataset revision is a full commit identifier, not a branch or tag that can move.",
    inputs=("/dataset/revision",),
)
def dataset_revision_pinned(ctx: Context) -> Iterator[Problem]:
    revision = ctx.data["dataset"]["revision"]
    if revision.strip().lower() in placeholder_words(ctx.protocol):
        return  # a placeholder is missing disclosure, AERP-D002's finding
    if not re.fullmatch(ctx.params["dataset_revision_commit"], revision):
        yield Problem(
            "/dataset/revision",
            f"the dataset revision `{revision}` is not a commit identifier (40 hexadecimal digits): a branch or tag "
            "can move, so the queries measured cannot be recovered from it",
            hint="write the full commit id of the dataset revision used (the Hub shows it in the repository's history)",
        )


@check(
    "AERP-T020",
    Severity.WARNING,
    "REQ-TASK-7",
    "Where the protocol pins the commit of a task's dataset, the submission used that commit.",
    inputs=("/task", "/dataset/revision"),
    since="1.1",
)
def dataset_revision_of_protocol(ctx: Context) -> Iterator[Problem]:
    pinned = ctx.params["tasks"][ctx.data["task"]].get("revision")
    revision = ctx.data["dataset"]["revision"]
    if pinned is not None and revision != pinned:
        yield Problem(
            "/dataset/revision",
            f"AERP {ctx.protocol.version} pins the dataset of `{ctx.data['task']}` at commit {pinned}; "
            f"this run used `{revision}`",
            hint=f"run the pinned revision ({pinned}), or explain the difference in the submission's artifacts",
        )
