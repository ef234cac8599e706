"""JSON Schemas of the problem and submission formats, built from the field lists the readers
check and from each solver's own `Given` model, so an editor's completion and checking can
never disagree with `nnsolve check` about which fields exist.

The schemas are looser than the readers where a value is only known once variables are drawn
(`kernel: $k` stands for a number), and they do not replace `check`: they catch a misspelled
field while typing, `check` catches everything.
"""

from __future__ import annotations

import copy
from typing import Any

from nnsolve.spec.problem import (ASK_KEYS, PART_KEYS, PROBLEM_KEYS, SET_KEYS,
                                  TOLERANCE_KEYS)
from nnsolve.grade.submission import STUDENT_KEYS, TOP_KEYS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_TEXT = {"type": "string"}
_NUMBER = {"type": "number"}
_VARIABLE = {"type": "string", "pattern": r"\$[A-Za-z_]"}

_DESCRIPTIONS = {
    "nnsolve": "the format version (1)",
    "id": "letters, digits and . _ -; a submission's `problem` names it",
    "title": "shown as the heading", "statement": "the exercise as students read it (Markdown)",
    "source": "where the exercise comes from", "seed": "the course seed variants are drawn with",
    "tolerance": "how close a numeric answer must be", "ecf": "share of the points an answer "
    "right from an earlier wrong value earns (0 to 1)",
    "conventions": "the solver's conventions (`nnsolve schema KIND` lists them)",
    "variables": "per-student values: {int: [lo, hi]}, {float: [lo, hi]} or {choice: [...]}",
    "require": "conditions every draw meets", "let": "values derived from the variables",
    "parts": "the problem's parts, each solved by one solver", "solver": "the solver's name",
    "given": "what the solver is given (`nnsolve schema KIND`)",
    "ask": "the quantities asked: a list of names, or names with their options",
    "problems": "the set's problems, written out or as relative file paths",
}


def _tolerance() -> dict:
    properties = {"rel": {**_NUMBER, "minimum": 0, "description": "relative band"},
                  "abs": {**_NUMBER, "minimum": 0, "description": "absolute band"},
                  "sigfigs": {"type": "integer", "minimum": 0, "maximum": 15},
                  "decimals": {"type": "integer", "minimum": 0, "maximum": 15},
                  "exact": {"type": "boolean"}}
    assert set(properties) == TOLERANCE_KEYS
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "not": {"required": ["sigfigs", "decimals"]}}


def _ask() -> dict:
    options = {"points": {**_NUMBER, "minimum": 0}, "tolerance": {"$ref": "#/$defs/tolerance"},
               "partial": {"type": "boolean"},
               "ecf": {**_NUMBER, "minimum": 0, "maximum": 1}}
    assert set(options) == ASK_KEYS
    one = {"anyOf": [{**_NUMBER, "minimum": 0, "description": "points"},
                     {"type": "object", "properties": options, "additionalProperties": False},
                     {"type": "null"}]}
    return {"anyOf": [_TEXT, {"type": "array", "items": _TEXT},
                      {"type": "object", "additionalProperties": one}]}


def _variable() -> dict:
    bounds = {"type": "array", "items": {"anyOf": [_NUMBER, _TEXT]}, "minItems": 2, "maxItems": 2}
    return {"type": "object", "minProperties": 1,
            "properties": {"int": bounds, "float": bounds,
                           "choice": {"type": "array", "minItems": 1},
                           "step": {**_NUMBER, "exclusiveMinimum": 0},
                           "decimals": {"type": "integer", "minimum": 0, "maximum": 12}},
            "additionalProperties": False}


def _with_variables(schema: Any) -> Any:
    """Lets every number of a solver's `given` be a `$variable` instead."""
    if isinstance(schema, list):
        return [_with_variables(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _with_variables(v) if k not in ("enum", "const", "default") else v
           for k, v in schema.items()}
    if out.get("type") in ("integer", "number"):
        return {"anyOf": [out, _VARIABLE]}
    return out


def _solver_defs(solver_names: list[str]) -> tuple[dict, list]:
    """Each solver's `given` under $defs, and the rules that pick it by the `solver` field."""
    from nnsolve import solvers

    defs, rules = {}, []
    for name in solver_names:
        given = _prefixed_refs(copy.deepcopy(solvers.get(name).given_schema()), name)
        for sub, schema in given.pop("$defs", {}).items():
            defs[f"{name}.{sub}"] = _with_variables(schema)
        defs[f"{name}.given"] = _with_variables(given)
        rules.append({"if": {"properties": {"solver": {"const": name}}, "required": ["solver"]},
                      "then": {"properties": {"given": {"$ref": f"#/$defs/{name}.given"}}}})
    return defs, rules


def _prefixed_refs(schema, prefix: str):
    """`#/$defs/Layer` made `#/$defs/<prefix>.Layer`, so the definitions of every solver's
    given can sit side by side in one problem schema."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
                schema[key] = f"#/$defs/{prefix}.{value[len('#/$defs/'):]}"
            else:
                _prefixed_refs(value, prefix)
    elif isinstance(schema, list):
        for value in schema:
            _prefixed_refs(value, prefix)
    return schema


def _fields(keys, overrides: dict) -> dict:
    return {key: {**overrides.get(key, {}), **({"description": _DESCRIPTIONS[key]}
                                                if key in _DESCRIPTIONS else {})}
            for key in sorted(keys)}


def problem_schema(solver_names: list[str] | None = None) -> dict:
    """The JSON Schema of a problem file: one problem or a problem set."""
    from nnsolve import solvers

    names = solver_names if solver_names is not None else solvers.names()
    defs, rules = _solver_defs(names)
    common = {"nnsolve": {"const": 1}, "id": {"type": "string", "pattern": "^[A-Za-z0-9._-]+$"},
              "title": _TEXT, "statement": _TEXT, "source": _TEXT, "seed": {"type": ["string", "number"]},
              "tolerance": {"$ref": "#/$defs/tolerance"}, "ecf": {**_NUMBER, "minimum": 0, "maximum": 1},
              "conventions": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}},
              "variables": {"type": "object", "additionalProperties": {"$ref": "#/$defs/variable"}},
              "require": {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]},
              "let": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
              "solver": {"enum": names} if names else _TEXT, "given": {},
              "ask": {"$ref": "#/$defs/ask"},
              "parts": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/part"}},
              "problems": {"type": "array", "minItems": 1,
                           "items": {"anyOf": [_TEXT, {"$ref": "#/$defs/problem"}]}}}
    defs.update({
        "tolerance": _tolerance(), "ask": _ask(), "variable": _variable(),
        "part": {"type": "object", "properties": _fields(PART_KEYS, common),
                 "required": ["solver", "given"], "additionalProperties": False, "allOf": rules},
        "problem": {"type": "object", "properties": _fields(PROBLEM_KEYS, common),
                    "required": ["id"], "additionalProperties": False, "allOf": rules,
                    "oneOf": [{"required": ["parts"], "not": {"required": ["solver"]}},
                              {"required": ["solver", "given"], "not": {"required": ["parts"]}}]},
        "set": {"type": "object", "properties": _fields(SET_KEYS, common),
                "required": ["problems"], "additionalProperties": False},
    })
    return {"$schema": DIALECT, "title": "nnsolve problem or problem set",
            "description": "`nnsolve check` reads it; docs/guide.md explains every field.",
            "anyOf": [{"$ref": "#/$defs/set"}, {"$ref": "#/$defs/problem"}],
            "required": ["nnsolve"], "$defs": defs}


def submission_schema() -> dict:
    """The JSON Schema of a submission file."""
    answers = {"type": "object", "description": "per part id (or problem id, then part id) the "
               "answers by quantity name; a one-part problem's answers may be written directly",
               "additionalProperties": True}
    student = {"anyOf": [_TEXT, {"type": "object", "properties": {k: {"type": ["string", "number"]}
                                                                  for k in STUDENT_KEYS},
                                 "required": ["id"], "additionalProperties": False}]}
    properties = {"nnsolve": {"const": 1}, "student": student,
                  "problem": {"type": "string", "description": "the problem's or set's id"},
                  "answers": answers}
    assert set(properties) == set(TOP_KEYS)
    return {"$schema": DIALECT, "title": "nnsolve submission", "type": "object",
            "properties": properties, "required": ["nnsolve", "student", "problem", "answers"],
            "additionalProperties": False}




def schema_text(kind: str, solver_names: list[str] | None = None) -> str:
    """`problem` or `submission` schema as the files in docs/schema/ hold it."""
    import json

    schema = problem_schema(solver_names) if kind == "problem" else submission_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
