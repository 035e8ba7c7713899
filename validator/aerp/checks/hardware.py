"""Hardware: the closed division runs on the reference accelerator; every accelerator is known."""

from __future__ import annotations

from collections.abc import Iterator

from aerp.catalogue import find
from aerp.findings import Severity
from aerp.registry import Context, Problem, check

ACCELERATORS = ("/hardware/accelerators", "/division")


@check(
    "AERP-H001",
    Severity.ERROR,
    "REQ-DIV-2",
    "Closed division: the accelerator is the reference hardware (NVIDIA H100 80 GB).",
    inputs=ACCELERATORS,
)
def reference_hardware(ctx: Context) -> Iterator[Problem]:
    if not ctx.closed:
        return
    accelerators = ctx.data["hardware"]["accelerators"]
    entry = find(accelerators, ctx.protocol)
    reference = ctx.params["reference_hardware"]
    if entry is None or entry["id"] not in reference["catalogue_ids"]:
        named = f"{accelerators['vendor']} {accelerators['model']} ({accelerators['form_factor']})"
        yield Problem(
            "/hardware/accelerators/model",
            f"the closed division runs on the reference hardware, {reference['title']}; this is {named}",
            hint="submit results on other hardware in the open division",
        )


@check(
    "AERP-H002",
    Severity.WARNING,
    "REQ-PLAUS-3",
    "The accelerator is one the catalogue lists, so that its power can be checked.",
    inputs=ACCELERATORS,
)
def known_accelerator(ctx: Context) -> Iterator[Problem]:
    accelerators = ctx.data["hardware"]["accelerators"]
    if find(accelerators, ctx.protocol) is None:
        yield Problem(
            "/hardware/accelerators/model",
            f"the accelerator catalogue does not list {accelerators['vendor']} {accelerators['model']} "
            f"({accelerators['form_factor']}): its power limit and mean power cannot be checked",
            hint="use the model name of spec/1.0/accelerators.yaml, or propose an entry with its source",
        )
