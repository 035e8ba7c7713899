"""Disclosure: the members that make a result reproducible are present and say something.

protocol.yaml lists them. A required member that is missing is reported here rather than by
the generic schema message (one defect, one finding, and the finding says what the member
means); a member that holds only a placeholder ("N/A", "unknown", "TBD") counts as missing.
Every gap is reported in the same run.

The members are found by one walk of the document along a tree of every pattern the checks
ask about, not by one expansion per pattern; each pattern's matches come out in the order
:func:`aerp.pointer.expand` gives them, so the findings keep their order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from aerp.checks.schema import SchemaProblem, explainer
from aerp.findings import Severity
from aerp.places import describe
from aerp.pointer import expand_all, from_path, join
from aerp.protocol import Protocol
from aerp.registry import Context, Problem, check, declare

declare("AERP-D001", Severity.ERROR, "REQ-DISC-6", "Every required disclosure member is present.", "schema")


def _fields(protocol: Protocol, level: str) -> dict[str, str]:
    return protocol.params["disclosure"][level]


def _matches(pattern: str, pointer: str) -> bool:
    left, right = pattern.split("/"), pointer.split("/")
    return len(left) == len(right) and all(a == "*" or a == b for a, b in zip(left, right, strict=True))


@explainer
def missing_disclosure(error: Any, protocol: Protocol) -> SchemaProblem | None:
    """A required member that is missing and is disclosure: say what it is for."""
    if error.validator != "required":
        return None
    parent = from_path(error.absolute_path)
    missing = [name for name in error.validator_value if name not in error.instance]
    match = re.match(r"^'(.+)' is a required property$", error.message)
    if match:
        missing = [match.group(1)]
    for name in missing:
        pointer = join(parent, name)
        for pattern, meaning in _fields(protocol, "required").items():
            if _matches(pattern, pointer):
                return "AERP-D001", Problem(pointer, f"missing disclosure: {meaning} (`{describe(pointer)}`)")
    return None


@explainer
def placeholder_value(error: Any, protocol: Protocol) -> SchemaProblem | None:
    """A placeholder where a number, a date or a listed word is due is missing disclosure, not a type error.

    Tools that cannot know a value (``aerp ingest`` among them) write a placeholder such as
    TBD; whatever member it stands in, the finding says that the value is still missing.
    """
    if error.validator in ("required", "additionalProperties") or not _placeholder(
        error.instance, placeholder_words(protocol)
    ):
        return None
    pointer = from_path(error.absolute_path)
    owner = pointer[: -len("/value")] if pointer.endswith("/value") else pointer  # a quantity's number
    meaning = next((m for p, m in _fields(protocol, "required").items() if _matches(p, owner)), None)
    what = meaning or f"`{describe(pointer)}`"
    return "AERP-D002", Problem(
        pointer,
        f"missing disclosure: {what} holds the placeholder `{error.instance}`",
        hint="state the actual value; a placeholder counts as missing",
    )


_PLACEHOLDERS: dict[tuple[Any, ...], frozenset[str]] = {}


def placeholder_words(protocol: Protocol) -> frozenset[str]:
    """The placeholder words of a protocol, built once (a file may have thousands of schema errors).

    Remembered by the words themselves, so that a protocol with other words gets its own set.
    """
    listed = tuple(protocol.params["disclosure"]["placeholders"])
    try:
        words = _PLACEHOLDERS.get(listed)
    except TypeError:  # a word that cannot be hashed: built afresh, never remembered
        return frozenset(str(w).lower() for w in listed)
    if words is None:
        words = frozenset(str(w).lower() for w in listed)
        if len(_PLACEHOLDERS) >= _MAX_REMEMBERED:
            _PLACEHOLDERS.clear()
        _PLACEHOLDERS[listed] = words
    return words


_MAX_REMEMBERED = 64  # protocols differ in few ways; a bound keeps memory flat whatever tests make


def _placeholder(value: Any, placeholders: set[str]) -> bool:
    return isinstance(value, str) and value.strip().lower() in placeholders


_VERSION_PATTERNS = ("/software/*/version", "/measurement/methods/*/tool/version")


def _present_all(ctx: Context) -> dict[str, list[tuple[str, Any]]]:
    """Every disclosure pattern's matches in the file, by pattern: found once per file, for every check here."""
    found = ctx.cache.get(_MATCHES)
    if found is None:
        disclosure = ctx.params["disclosure"]
        patterns = tuple(dict.fromkeys([*disclosure["required"], *disclosure["recommended"], *_VERSION_PATTERNS]))
        found = ctx.cache[_MATCHES] = dict(zip(patterns, expand_all(ctx.data, patterns), strict=True))
    return found


_MATCHES = "disclosure-matches"


def _present(ctx: Context, pattern: str) -> list[tuple[str, Any]]:
    """The members matching ``pattern``, as :func:`aerp.pointer.expand` lists them."""
    return _present_all(ctx)[pattern]


_VERSION_RULES: dict[tuple[Any, ...], tuple[frozenset[str], frozenset[str]]] = {}


def _version_rules(params: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(the words, in lower case, and the characters) that make a version no exact one, by the protocol's own lists."""
    disclosure = params["disclosure"]
    key = (tuple(disclosure["version_words"]), tuple(disclosure["version_characters"]))
    found = _VERSION_RULES.get(key)
    if found is None:
        found = (frozenset(w.lower() for w in key[0]), frozenset(key[1]))
        if len(_VERSION_RULES) >= _MAX_REMEMBERED:
            _VERSION_RULES.clear()
        _VERSION_RULES[key] = found
    return found


@check(
    "AERP-D002",
    Severity.ERROR,
    "REQ-DISC-7",
    "No disclosure member holds a placeholder (N/A, unknown, TBD, ...) instead of a value.",
)
def placeholders(ctx: Context) -> Iterator[Problem]:
    words = placeholder_words(ctx.protocol)
    present = _present_all(ctx)
    for level in ("required", "recommended"):
        for pattern, meaning in _fields(ctx.protocol, level).items():
            for pointer, value in present[pattern]:
                if isinstance(value, str) and value.strip().lower() in words:  # _placeholder(), inline
                    yield Problem(
                        pointer,
                        f"missing disclosure: {meaning} holds the placeholder `{value}`",
                        hint="state the actual value; a placeholder counts as missing",
                    )


@check("AERP-D003", Severity.WARNING, "REQ-DISC-8", "Recommended disclosure members are present.")
def recommended(ctx: Context) -> Iterator[Problem]:
    for pattern, meaning in _fields(ctx.protocol, "recommended").items():
        if not _present(ctx, pattern):
            parent = pattern.rsplit("/", 1)[0]
            yield Problem(parent, f"recommended disclosure is missing: {meaning} (`{describe(pattern)}`)")


@check(
    "AERP-D004",
    Severity.WARNING,
    "REQ-DISC-3",
    "Text-generating tasks other than text-generation state their decoding settings.",
    inputs=("/task", "/run"),
)
def decoding_disclosed(ctx: Context) -> Iterator[Problem]:
    task = ctx.data["task"]
    spec = ctx.params["tasks"][task]
    if spec["generation"] != "text" or spec["classes"]:
        return
    missing = [k for k in ("decoding", "max_new_tokens", "min_new_tokens") if k not in ctx.data["run"]]
    if missing:
        yield Problem(
            "/run",
            f"`{task}` generates text: state run.{', run.'.join(missing)}",
            hint="the energy of generation depends on how many tokens are generated and how",
        )


@check(
    "AERP-D005",
    Severity.ERROR,
    "REQ-DISC-1",
    "Every software and tool version is one exact release or commit, not a range or a moving name.",
)
def exact_versions(ctx: Context) -> Iterator[Problem]:
    words, characters = _version_rules(ctx.params)
    for pattern in _VERSION_PATTERNS:
        for pointer, value in _present(ctx, pattern):
            if not isinstance(value, str):
                continue
            text = value.strip()
            if text.lower() in words or (characters & set(text)) or text.lower().endswith((".x", ".*")):
                yield Problem(
                    pointer,
                    f"`{value}` is not one exact version",
                    hint="state the release number (e.g. 2.4.0) or the commit identifier that ran",
                )


@check(
    "AERP-D006",
    Severity.WARNING,
    "REQ-ENV-1",
    "The environmental record states the accelerators' temperatures, clocks and modes and the ambient temperature.",
    inputs=("/environment",),
    since="1.1",
)
def environment_recorded(ctx: Context) -> Iterator[Problem]:
    expected = ctx.params["environment_record"]
    record = ctx.data.get("environment", {})
    missing = [member for member in expected if member not in record]
    if missing:
        yield Problem(
            "/environment" if "environment" in ctx.data else "",
            "the environmental record does not state " + ", ".join(f"environment.{m}" for m in missing),
            hint="temperatures and clocks change an accelerator's energy: record what nvidia-smi -q shows during "
            "the run, and the inlet or room temperature",
        )
