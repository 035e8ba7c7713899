"""Hardware: the closed division runs on the reference accelerator; every accelerator is known."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aerp.catalogue import entry_of
from aerp.findings import Severity
from aerp.quantities import exact_canonical, vocabulary
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
    accelerators = ctx.accelerators
    if not ctx.closed or accelerators is None:
        return  # a closed submission without accelerators is the schema's finding
    entry = entry_of(ctx)
    reference = ctx.params["reference_hardware"]
    if entry is None or entry["id"] not in reference["catalogue_ids"]:
        named = f"{accelerators['vendor']} {accelerators['model']} ({accelerators['form_factor']})"
        yield Problem(
            "/hardware/accelerators/model",
            f"the closed division runs on the reference hardware, {reference['title']}; this is {named}",
            hint="submit results on other hardware in the open division",
        )
        return
    memory = accelerators.get("memory")
    if _same_integer_quantity(memory, entry["memory"], ctx):
        return  # the nominal capacity, written as the catalogue writes it
    try:
        stated = exact_canonical(memory, "memory", ctx.protocol) if isinstance(memory, dict) else None
    except (KeyError, TypeError, ValueError):
        stated = None  # an ill-formed quantity is the schema's finding
    nominal = exact_canonical(entry["memory"], "memory", ctx.protocol)
    if stated is not None and stated != nominal:
        yield Problem(
            "/hardware/accelerators/memory",
            f"the closed division runs on the reference hardware, {reference['title']}: each accelerator has "
            f"{entry['memory']['value']} {entry['memory']['unit']}, but this states {memory['value']} {memory['unit']}",
            hint=f"state the nominal capacity the vendor gives ({entry['memory']['value']} "
            f"{entry['memory']['unit']}; nvidia-smi reports the usable capacity in MiB, which differs), "
            "or submit in the open division",
        )


def _same_integer_quantity(stated: Any, nominal: dict[str, Any], ctx: Context) -> bool:
    """True when both are the same whole number in the same allowed memory unit: equal, without converting either."""
    if type(stated) is not dict:
        return False
    value, unit = stated.get("value"), stated.get("unit")
    return (
        type(value) is int
        and type(nominal["value"]) is int
        and value == nominal["value"]
        and type(unit) is str
        and unit == nominal["unit"]
        and unit in vocabulary(ctx.protocol).dimensions["memory"]
    )


@check(
    "AERP-H002",
    Severity.WARNING,
    "REQ-PLAUS-3",
    "The accelerator is one the catalogue lists, so that its power can be checked.",
    inputs=ACCELERATORS,
)
def known_accelerator(ctx: Context) -> Iterator[Problem]:
    accelerators = ctx.accelerators
    if accelerators is not None and entry_of(ctx) is None:
        yield Problem(
            "/hardware/accelerators/model",
            f"the accelerator catalogue does not list {accelerators['vendor']} {accelerators['model']} "
            f"({accelerators['form_factor']}): its power limit and mean power cannot be checked",
            hint="use the model name of spec/1.0/accelerators.yaml, or propose an entry with its source",
        )


@check(
    "AERP-H003",
    Severity.WARNING,
    "REQ-PLAUS-9",
    "Closed division: the accelerator's on-board counter has been checked against a calibrated meter.",
    inputs=(*ACCELERATORS, "/measurement/methods"),
    since="1.1",
)
def counter_validated(ctx: Context) -> Iterator[Problem]:
    accelerators = ctx.accelerators
    method = ctx.data["measurement"]["methods"].get(ctx.params["rated_component"], {})
    if not ctx.closed or accelerators is None or method.get("method") not in ("energy-counter", "power-sampling"):
        return
    if "validation" in method:
        return  # the lab checked its own devices against a meter
    entry = entry_of(ctx)
    validation = (entry or {}).get("counter_validation", {})
    if validation.get("validated") is True:
        return
    yield Problem(
        "/measurement/methods/accelerator",
        f"the on-board energy readings of the {accelerators['vendor']} {accelerators['model']} have not been "
        "checked against a calibrated meter, in the accelerator catalogue or in this submission: "
        + (validation.get("note") or "the catalogue records no validation for it"),
        hint="record a comparison with a calibrated power analyser in measurement.methods.accelerator.validation",
    )
