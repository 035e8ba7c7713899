"""The schema stage: the submission against the JSON Schema of its version.

jsonschema reports errors as data (keyword, path, instance); each is turned into one
finding with a message a person can act on. The validator is built once per protocol
version, with an offline registry (no ``$ref`` ever reaches the network) and format
checking on. Explainers registered by other areas (units, for instance) may claim an error
and replace the generic message with their own check's finding.

Most files pass the schema, and for them the findings are known without jsonschema: an
independent implementation compiled to native code (jsonschema-rs) decides pass or fail in a
small fraction of the time, and jsonschema runs only on a file that fails, to explain each
defect exactly as before. A file that passes one passes the other: both implement draft
2020-12 with ECMA-262 patterns and RFC 3339 dates, the schema's patterns use only constructs
that mean the same in both regular-expression dialects (:func:`_portable_pattern`, checked
before the fast path is trusted), and ``tests/test_fast_path.py`` compares the two on every
suite file and on generated documents. Where jsonschema-rs is not installed, or cannot take
a document, jsonschema decides alone, with the same findings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from aerp.exact import Written
from aerp.findings import Severity
from aerp.pointer import from_path, join
from aerp.protocol import Protocol
from aerp.registry import Problem, declare

E = Severity.ERROR
REQ = "REQ-REPORT-1"
declare("AERP-S001", E, REQ, "Every member the schema requires is present.", "schema")
declare("AERP-S002", E, REQ, "No member outside the schema (vendor data goes under extensions).", "schema")
declare("AERP-S003", E, REQ, "Every value has the type the schema gives it.", "schema")
declare("AERP-S004", E, REQ, "Every enumerated value is one the schema lists.", "schema")
declare("AERP-S005", E, REQ, "Every string has the form the schema requires (pattern, format, length).", "schema")
declare("AERP-S006", E, REQ, "Every number lies within the range the schema gives.", "schema")
declare("AERP-S007", E, REQ, "Arrays and mappings have the size, uniqueness and content the schema requires.", "schema")

_KEYWORD_CHECK = {
    "required": "AERP-S001",
    "additionalProperties": "AERP-S002",
    "type": "AERP-S003",
    "enum": "AERP-S004",
    "const": "AERP-S004",
    "pattern": "AERP-S005",
    "format": "AERP-S005",
    "minLength": "AERP-S005",
    "maxLength": "AERP-S005",
    "minimum": "AERP-S006",
    "maximum": "AERP-S006",
    "exclusiveMinimum": "AERP-S006",
    "exclusiveMaximum": "AERP-S006",
    "multipleOf": "AERP-S006",
}
_JSON_TYPE = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}
_SCHEMA_TYPE = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
    "null": "null",
}

# (check id, pointer, message, hint); explainers return None to leave the error alone.
SchemaProblem = tuple[str, Problem]
Explainer = Callable[[Any, Protocol], "SchemaProblem | None"]
EXPLAINERS: list[Explainer] = []


def explainer(function: Explainer) -> Explainer:
    """Register a function that may claim a schema error for a more specific check."""
    EXPLAINERS.append(function)
    return function


@functools.cache
def _validator(version: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker, validators
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    from aerp.protocol import load_minor

    def offline(uri: str) -> Any:
        raise NoSuchResource(ref=uri)

    checker = FormatChecker()
    checker.checks("date")(_is_full_date)
    keywords = {"pattern": _ecma_pattern, "uniqueItems": _unique_items}
    if _fast_validator(version) is not None:  # the fast path can stand in for this version's subschemas too
        keywords |= {k: _pruned(Draft202012Validator.VALIDATORS[k]) for k in _DESCENDING}
    ecma = validators.extend(Draft202012Validator, keywords)
    schema = load_minor(version).schema
    return ecma(inline_references(schema), registry=Registry(retrieve=offline), format_checker=checker)


# The keywords through which jsonschema descends into a mapping's members or a list's items:
# where it would walk a large subtree that holds no error, :func:`_pruned` skips it.
_DESCENDING = ("properties", "additionalProperties", "patternProperties", "items", "prefixItems")
Keyword = Callable[[Any, Any, Any, dict[str, Any]], Iterator[Any]]


def _pruned(keyword: Keyword) -> Keyword:
    """``keyword`` of jsonschema, skipped where jsonschema-rs finds the instance valid against the same subschema.

    A document that fails the schema is explained by jsonschema, which walks all of it; most of
    it is valid. Whether an instance is valid against a (reference-free, inlined) subschema does
    not depend on where it stands, so where jsonschema-rs says the instance at hand satisfies
    the whole subschema holding this keyword, the keyword can yield no error and its subtree is
    not walked. Everywhere else jsonschema runs as before: the errors, and so the findings, are
    the same (tests/test_fast_path.py compares both paths on both suites and mutated documents).
    """

    def run(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Iterator[Any]:
        if _known_valid(instance, schema):
            return
        yield from keyword(validator, value, instance, schema)

    return run


# The plain twins (:func:`_plain`) of the containers of the document being explained, by id:
# jsonschema-rs takes plain floats only. Filled and emptied by :func:`problems`.
_TWINS: dict[int, Any] = {}
# jsonschema-rs validators of the subschemas met so far, by id, with the subschema they check.
_SUBSCHEMAS: dict[int, tuple[dict[str, Any], Any]] = {}


def _known_valid(instance: Any, schema: dict[str, Any]) -> bool:
    """True when jsonschema-rs finds ``instance`` (a container of the document explained) valid against ``schema``."""
    twin = _TWINS.get(id(instance))
    if twin is None:
        return False
    found = _SUBSCHEMAS.get(id(schema))
    if found is None or found[0] is not schema:
        found = _SUBSCHEMAS[id(schema)] = (schema, _compile_fast(schema))
    validator = found[1]
    try:
        return validator is not None and bool(validator.is_valid(twin))
    except Exception:  # as in passes(): an instance jsonschema-rs cannot take is left to jsonschema
        return False


def _compile_fast(schema: dict[str, Any]) -> Any | None:
    try:
        import jsonschema_rs

        return jsonschema_rs.Draft202012Validator(schema, validate_formats=True, offline=True)
    except Exception:  # a subschema the binding cannot compile on its own: jsonschema walks it
        return None


def _twins(data: Any) -> dict[int, Any]:
    """The plain twin (:func:`_plain`) of every mapping and list of ``data``, by the id of the original."""
    twins: dict[int, Any] = {}
    _plain(data, twins)
    return twins


@functools.cache
def _fast_validator(version: str) -> Any | None:
    """jsonschema-rs's validator for the published schema of ``version``, or None where it cannot stand in.

    None when the library is not installed (it is a dependency, but a hand-made environment may
    lack it), when it refuses the schema, or when the schema holds a pattern that could mean
    something else under ECMA-262 than under Python's ``re`` (:func:`_portable_pattern`) or a
    format the two may check differently: then a verdict of jsonschema-rs might not be
    jsonschema's, and jsonschema decides every file of that version alone.
    Offline, like jsonschema's registry: no ``$ref`` reaches the network.
    """
    try:
        import jsonschema_rs
    except ImportError:
        return None
    from aerp.protocol import load_minor

    schema = load_minor(version).schema
    if not all(_portable_pattern(pattern) for pattern in _keyword_values(schema, "pattern")):
        return None
    if not set(_keyword_values(schema, "format")) <= _AGREED_FORMATS:
        return None
    try:
        return jsonschema_rs.Draft202012Validator(schema, validate_formats=True, offline=True)
    except Exception:  # a schema the binding cannot compile: the Python path still can
        return None


def _keyword_values(node: Any, keyword: str) -> Iterator[str]:
    """Every string value of ``keyword`` in a schema (a member *named* so under properties too: harmless)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == keyword and isinstance(value, str):
                yield value
            else:
                yield from _keyword_values(value, keyword)
    elif isinstance(node, list):
        for item in node:
            yield from _keyword_values(item, keyword)


# The formats both libraries check alike (tests/test_portable_schema.py probes them). Another
# format could be one jsonschema checks and jsonschema-rs ignores, or checks less strictly.
_AGREED_FORMATS = frozenset({"date"})


# The tokens of a pattern that mean the same under Python's ``re`` and under ECMA-262: escaped
# punctuation, classes of ASCII literals and ranges, bounded quantifiers written in full, and
# ASCII literals, anchors, groups, alternation and quantifiers. Not here: ``.``, ``\d``, ``\w``,
# ``\s``, ``\b`` and their kin, which are Unicode-aware in Python and ASCII in ECMA-262 (and
# ``.`` matches U+2028 in one only); ``{,n}``, a quantifier in Python and literal text in ECMA-262.
_PORTABLE_TOKEN = re.compile(
    r"\\[\^$.|?*+()\[\]{}/\\-]"  # an escaped punctuation character
    r"|\[\^?(?:[^\]\\\[]|\\[\^\]\[\\-])+\]"  # a class
    r"|\{[0-9]+(?:,[0-9]*)?\}"  # {m}, {m,} or {m,n}
    r"|[A-Za-z0-9 _^$|?*+(),:/@#~=!<>%&'\"-]"
)
_STACKED_QUANTIFIERS = re.compile(r"[*+?}][*+{]")  # possessive in Python 3.11, an error in ECMA-262


def _portable_pattern(pattern: str) -> bool:
    """True when ``pattern`` matches the same strings under Python's ``re`` (``$`` read as ``\\Z``) and ECMA-262.

    A conservative grammar (see ``_PORTABLE_TOKEN``), with no ``(?`` constructs (flags,
    look-arounds, named groups) and no stacked quantifiers. The schema's patterns all pass it;
    one that does not turns the fast path off for its version: slower, never wrong.
    """
    if not pattern.isascii() or "(?" in pattern or _STACKED_QUANTIFIERS.search(pattern):
        return False
    position = 0
    while position < len(pattern):
        match = _PORTABLE_TOKEN.match(pattern, position)
        if match is None:
            return False
        position = match.end()
    return True


def _plain(value: Any, twins: dict[int, Any] | None = None) -> Any:
    """``value`` with every :class:`~aerp.exact.Written` number as a plain float.

    jsonschema-rs refuses float subclasses. The document's values are equal to the plain
    ones (a Written *is* its float), so the verdict is the same; the written decimal matters
    only to the semantic checks. ``twins``, when given, receives each copied container by the
    id of its original.
    """
    kind = type(value)
    if kind is dict:
        made: Any = {key: _plain(item, twins) for key, item in value.items()}
    elif kind is list:
        made = [_plain(item, twins) for item in value]
    else:
        return float(value) if kind is Written else value
    if twins is not None:
        twins[id(value)] = made
    return made


def passes(data: Any, version: str) -> bool:
    """True when the document certainly passes the schema of ``version``, decided by jsonschema-rs.

    False means "ask jsonschema": the document fails, or jsonschema-rs is missing, or it could
    not take the document (a type it does not know, nesting beyond the recursion limit). Never
    True for a document jsonschema would reject, so the findings never change.
    """
    validator = _fast_validator(version)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(_plain(data)))
    except Exception:  # ValueError for an unsupported type, RecursionError, UnicodeEncodeError for a lone surrogate
        return False


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    """A JSON Schema pattern compiled with ECMA-262's meaning of ``$``: the end of the string.

    Python's ``$`` also matches before a final newline, so a checksum followed by a newline
    would pass ``^[0-9a-f]{64}$``; ECMA-262, and so every other implementation, refuses it.
    """
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _json_key(value: Any) -> Hashable:
    """A hashable stand-in for a JSON value that is equal exactly when JSON Schema calls the values equal.

    Numbers compare by value (``1 == 1.0``, and Python compares int and float exactly), but a
    boolean is never a number (``true != 1``), mappings ignore member order and lists keep it.
    """
    if isinstance(value, bool):
        return (_BOOLEAN, value)
    if isinstance(value, (int, float)):
        return (_NUMBER, value)
    if isinstance(value, str):
        return (_STRING, value)
    if isinstance(value, list):
        return (_ARRAY, tuple(_json_key(item) for item in value))
    if isinstance(value, dict):
        return (_OBJECT, frozenset((key, _json_key(item)) for key, item in value.items()))
    return (_NULL, None) if value is None else (_OTHER, id(value))


_BOOLEAN, _NUMBER, _STRING, _ARRAY, _OBJECT, _NULL, _OTHER = range(7)


def _unique_items(validator: Any, unique: bool, instance: Any, schema: Any) -> Iterator[Any]:
    """``uniqueItems`` in time linear in the array's size.

    jsonschema compares unhashable or mixed items pairwise, which a few thousand items of a
    hostile file turn into minutes; hashing a canonical key per item decides the same question
    in one pass. The error is jsonschema's own, so the finding does not change.
    """
    from jsonschema import ValidationError

    if not (unique and validator.is_type(instance, "array")):
        return
    seen: set[Hashable] = set()
    for item in instance:
        key = _json_key(item)
        if key in seen:
            yield ValidationError(f"{_short(instance)} has non-unique elements")
            return
        seen.add(key)


_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\Z")


def _is_full_date(instance: object) -> bool:
    """RFC 3339 full-date: any four-digit year (0000 included), a real month and day of that month."""
    if not isinstance(instance, str):
        return True
    match = _FULL_DATE.match(instance)
    if not match:
        return False
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return 1 <= day <= days


def inline_references(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local ``$ref`` replaced by the definition it names.

    The published schema keeps its ``$defs`` (readable, and the same for every implementation);
    the validator checks against this equivalent copy, which spares a reference lookup per
    quantity and halves the time the schema stage takes. The schema has no recursive
    definitions, so the expansion ends.
    """
    definitions = schema.get("$defs", {})

    def expand(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                target = expand(definitions[reference.rsplit("/", 1)[1]])
                return {**target, **{k: expand(v) for k, v in node.items() if k != "$ref"}}
            return {k: expand(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [expand(item) for item in node]
        return node

    return expand(schema)


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def _where(pointer: str) -> str:
    return "the submission" if not pointer else f"`{pointer}`"


def _suggest(word: str, options: list[str]) -> str | None:
    import difflib  # here: only a file that fails needs it, and a passing file's cold start is spared it

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"did you mean `{close[0]}`?" if close else None


_REQUIRED = re.compile(r"^'(.+)' is a required property$")


def _problems(error: Any) -> Iterator[SchemaProblem]:
    keyword = error.validator
    pointer = from_path(error.absolute_path)
    instance = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required":
        match = _REQUIRED.match(error.message)
        missing = [match.group(1)] if match else [p for p in error.validator_value if p not in instance]
        for name in missing:
            yield "AERP-S001", Problem(join(pointer, name), f"`{name}` is required in {_where(pointer)}")
        return
    if keyword == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for name in [k for k in instance if k not in schema.get("properties", {})]:
            hint = _suggest(name, allowed) or "vendor-specific data belongs under `extensions`, with keys starting `x-`"
            yield (
                "AERP-S002",
                Problem(
                    join(pointer, name),
                    f"`{name}` is not a member of {_where(pointer)}; allowed: {', '.join(allowed)}",
                    hint=hint,
                ),
            )
        return
    if keyword == "type":
        expected = error.validator_value
        names = " or ".join(_SCHEMA_TYPE.get(t, t) for t in (expected if isinstance(expected, list) else [expected]))
        found = _JSON_TYPE.get(type(instance), type(instance).__name__)
        hint = None
        if isinstance(instance, str) and expected in ("number", "integer"):
            hint = "write the number without quotes"
        yield "AERP-S003", Problem(pointer, f"expected {names}, found {found} `{_short(instance)}`", hint=hint)
        return
    if keyword in ("enum", "const"):
        options = [str(o) for o in (error.validator_value if keyword == "enum" else [error.validator_value])]
        hint = _suggest(str(instance), options) if isinstance(instance, str) else None
        yield (
            "AERP-S004",
            Problem(pointer, f"`{_short(instance)}` is not allowed here; allowed: {', '.join(options)}", hint=hint),
        )
        return
    if keyword == "pattern":
        yield (
            "AERP-S005",
            Problem(
                pointer, f"`{_short(instance)}` does not have the required form (pattern `{error.validator_value}`)"
            ),
        )
        return
    if keyword == "format":
        yield (
            "AERP-S005",
            Problem(
                pointer,
                f"`{_short(instance)}` is not a valid {error.validator_value}",
                hint="dates are written YYYY-MM-DD" if error.validator_value == "date" else None,
            ),
        )
        return
    if keyword == "minLength":
        yield (
            "AERP-S005",
            Problem(
                pointer,
                "the value is empty"
                if not instance
                else f"the value is shorter than {error.validator_value} characters",
            ),
        )
        return
    if keyword == "maxLength":
        yield "AERP-S005", Problem(pointer, f"the value is longer than {error.validator_value} characters")
        return
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum", "multipleOf"):
        relation = {
            "minimum": "at least",
            "exclusiveMinimum": "more than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
            "multipleOf": "a multiple of",
        }[keyword]
        yield (
            "AERP-S006",
            Problem(pointer, f"{_short(instance)} is out of range: it must be {relation} {error.validator_value}"),
        )
        return
    if keyword == "contains" and isinstance(error.validator_value, dict) and "const" in error.validator_value:
        yield "AERP-S007", Problem(pointer, f"{_where(pointer)} must include `{error.validator_value['const']}`")
        return
    if keyword == "propertyNames":
        yield (
            "AERP-S007",
            Problem(pointer, f"a key of {_where(pointer)} has a form the schema does not allow: {error.message}"),
        )
        return
    detail = {
        "minItems": f"needs at least {error.validator_value} item(s)",
        "maxItems": f"may hold at most {error.validator_value} items",
        "uniqueItems": "lists an item twice",
        "minProperties": f"needs at least {error.validator_value} member(s)",
        "maxProperties": f"may hold at most {error.validator_value} members",
    }.get(keyword, error.message)
    yield "AERP-S007", Problem(pointer, f"{_where(pointer)} {detail}")


def requirement_at(pointer: str, protocol: Protocol) -> str | None:
    """The requirement that the schema enforces at ``pointer``, when protocol.yaml names one."""
    best: tuple[int, str] | None = None
    for pattern, requirement in protocol.params.get("schema_requirements", {}).items():
        tokens = pattern.split("/")
        given = pointer.split("/")
        matches = len(given) >= len(tokens) and all(t in ("*", g) for t, g in zip(tokens, given, strict=False))
        if matches and (best is None or len(tokens) > best[0]):
            best = (len(tokens), requirement)
    if best:
        return best[1]
    from aerp.checks.units import quantity_patterns  # here: units registers an explainer with this module

    given = pointer.split("/")[1:]
    for tokens, _dimension in quantity_patterns(protocol.version):
        if len(given) in (len(tokens), len(tokens) + 1) and all(
            t in ("*", g) for t, g in zip(tokens, given, strict=False)
        ):
            return "REQ-UNITS-1"  # a quantity, or its value or unit, of the wrong shape
    return None


def validate(data: Any, protocol: Protocol) -> Iterator[SchemaProblem]:
    """Every schema defect of ``data``, each once, in document order of the errors."""
    for check_id, problem in problems(data, protocol):
        yield check_id, with_requirement(check_id, problem, protocol)


def with_requirement(check_id: str, problem: Problem, protocol: Protocol) -> Problem:
    """``problem`` naming the requirement that the schema enforces at its place, where protocol.yaml names one."""
    if check_id.startswith("AERP-S") and problem.requirement is None:
        specific = requirement_at(problem.pointer, protocol)
        if specific:
            return Problem(problem.pointer, problem.message, problem.hint, problem.severity, specific)
    return problem


def problems(data: Any, protocol: Protocol) -> Iterator[SchemaProblem]:
    """What :func:`validate` yields, before :func:`with_requirement`.

    Finding the requirement costs a match against every pattern; a file with a hundred
    thousand errors lists only the first hundred of each check, and only those need it.
    A file that :func:`passes` has no error to explain: jsonschema is not even imported for it.
    """
    if passes(data, protocol.version):
        return  # no schema error: jsonschema would find none to explain
    yield from _explained(data, protocol)


def _explained(data: Any, protocol: Protocol) -> Iterator[SchemaProblem]:
    """The findings of a document that fails the schema: jsonschema's errors, each explained once."""
    twins = _twins(data) if _fast_validator(protocol.version) is not None else {}
    try:
        _TWINS.update(twins)
        yield from _explain_errors(data, protocol)
    finally:
        for key in twins:
            _TWINS.pop(key, None)


def _explain_errors(data: Any, protocol: Protocol) -> Iterator[SchemaProblem]:
    seen: set[tuple[str, str]] = set()
    for error in _validator(protocol.version).iter_errors(data):
        for claimed in (explain(error, protocol) for explain in EXPLAINERS):
            if claimed is not None:
                key = (claimed[0], claimed[1].pointer)
                if key not in seen:
                    seen.add(key)
                    yield claimed
                break
        else:
            for check_id, problem in _problems(error):
                key = (check_id, problem.pointer)
                if key not in seen:
                    seen.add(key)
                    yield check_id, problem
