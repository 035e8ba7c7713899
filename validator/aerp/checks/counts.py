"""Token and item counts (AERP 1.1): what each repetition processed and produced.

Energy per query says little when queries differ in size; counts let a reader derive energy
per output token, and they show a run that shortened its outputs: in the closed division a
task with a fixed output length produces exactly queries × new tokens output tokens.
"""

from __future__ import annotations

from collections.abc import Iterator

from aerp.findings import Severity
from aerp.registry import Context, Problem, check

E = Severity.ERROR


@check(
    "AERP-T017",
    E,
    "REQ-COUNT-1",
    "Every repetition states the counts its task requires (tokens, items, audio duration).",
    inputs=("/task", "/results/repetitions/*/counts"),
    since="1.1",
)
def counts_of_task(ctx: Context) -> Iterator[Problem]:
    required = ctx.params["tasks"][ctx.data["task"]].get("counts", [])
    problems = []
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        counts = repetition.get("counts", {})
        missing = [c for c in required if c not in counts]
        if missing:
            problems.append(
                Problem(
                    f"/results/repetitions/{index}/counts",
                    f"repetition {index + 1} does not state {', '.join(f'counts.{c}' for c in missing)}, "
                    f"which {ctx.data['task']} requires",
                    hint="count what the harness fed and produced (tokenizer counts for tokens)",
                )
            )
    if problems:
        first = problems[0]
        extra = f" (and in {len(problems) - 1} other repetitions)" if len(problems) > 1 else ""
        yield Problem(first.pointer, first.message + extra, hint=first.hint)


@check(
    "AERP-T018",
    E,
    "REQ-COUNT-2",
    "Closed division: a task with a fixed output length produces queries × new tokens output tokens.",
    inputs=("/task", "/division", "/results/repetitions/*/counts", "/results/repetitions/*/queries"),
    since="1.1",
)
def fixed_output_tokens(ctx: Context) -> Iterator[Problem]:
    tokens = ctx.params["tasks"][ctx.data["task"]].get("new_tokens")
    if not ctx.closed or tokens is None:
        return
    for index, repetition in enumerate(ctx.data["results"]["repetitions"]):
        produced = repetition.get("counts", {}).get("output_tokens")
        queries = repetition.get("queries")
        if isinstance(produced, int) and isinstance(queries, int) and produced != queries * tokens:
            yield Problem(
                f"/results/repetitions/{index}/counts/output_tokens",
                f"repetition {index + 1} produced {produced:,} output tokens; {queries:,} queries at exactly "
                f"{tokens} new tokens each produce {queries * tokens:,}",
                hint="a run that stops early (an end-of-sequence token) is not the reference procedure: "
                "set min_new_tokens to the fixed length",
            )
