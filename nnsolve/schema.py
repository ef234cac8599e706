"""What a solver declares, shown to people: `nnsolve schema KIND` and `nnsolve new KIND`."""

from __future__ import annotations

import json
from typing import Any


def describe(solver, fmt: str = "text") -> str:
    given_schema = solver.given_schema()
    conventions = {k: {"default": c.default, "choices": list(c.choices), "doc": c.doc}
                   for k, c in solver.conventions.items()}
    if fmt == "json":
        return json.dumps({"solver": solver.name, "summary": solver.summary,
                           "given": given_schema, "conventions": conventions,
                           "quantities": dict(solver.quantities),
                           "principal": list(solver.principal)}, indent=2, ensure_ascii=False)
    lines = [f"{solver.name}: {solver.summary}", "", "given:"]
    defs = given_schema.get("$defs", {})
    lines += _fields(given_schema, defs, indent=2)
    holders = _holders({**defs, "": given_schema})
    for name in _nested(given_schema, defs):
        lines += ["", f"{', '.join(holders.get(name, [name]))}:"] + _fields(defs[name], defs, 2)
    if conventions:
        lines += ["", "conventions (default first):"]
        for key, c in conventions.items():
            others = [v for v in c["choices"] if v != c["default"]]
            choice_text = " | ".join([c["default"]] + others)
            lines.append(f"  {key}: {choice_text}")
            if c["doc"]:
                lines.append(f"      {c['doc']}")
    lines += ["", "quantities:"]
    width = max((len(n) for n in solver.quantities), default=0)
    for name, meaning in solver.quantities.items():
        mark = "*" if name in solver.principal else " "
        lines.append(f" {mark}{name:<{width}}  {meaning}")
    if solver.principal:
        lines += ["", "* asked when a part has no `ask`"]
    return "\n".join(lines)


def _fields(schema: dict, defs: dict, indent: int) -> list[str]:
    schema = _resolve(schema, defs)
    required = set(schema.get("required", []))
    lines = []
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(prop, defs)
        text = f"{' ' * indent}{name}{'' if name in required else '?'}: {_type(prop, defs)}"
        if "default" in prop and prop["default"] is not None:
            text += f" = {json.dumps(prop['default'])}"
        if prop.get("description"):
            text += f"  ({prop['description']})"
        lines.append(text)
    return lines


def _nested(schema, defs: dict, found: list | None = None) -> list[str]:
    """The mappings a given holds (a layer kind's options, an MLP layer), in the order they
    are first met, so the text shows every field, not only the top-level ones."""
    found = [] if found is None else found
    if isinstance(schema, dict):
        ref = schema.get("$ref", "").rsplit("/", 1)[-1]
        if ref and ref not in found and defs.get(ref, {}).get("properties"):
            found.append(ref)
            _nested(defs[ref], defs, found)
        for value in schema.values():
            _nested(value, defs, found)
    elif isinstance(schema, list):
        for value in schema:
            _nested(value, defs, found)
    return found


def _holders(defs: dict) -> dict[str, list[str]]:
    """The fields of a definition that hold each other one: `maxpool, avgpool` for the pool
    options, which is how a reader looks a layer kind up."""
    out: dict[str, list[str]] = {}
    for schema in defs.values():
        if not isinstance(schema, dict):
            continue
        for field, prop in _resolve_any(schema).get("properties", {}).items():
            for ref in _nested(prop, defs)[:1]:
                out.setdefault(ref, []).append(field)
    return out


def _resolve_any(schema: dict) -> dict:
    for option in schema.get("anyOf", []):
        if "properties" in option:
            return option
    return schema


def _resolve(schema: dict, defs: dict) -> dict:
    while "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _type(prop: dict, defs: dict) -> str:
    prop = _resolve(prop, defs)
    if "anyOf" in prop or "oneOf" in prop:
        return " | ".join(_type(p, defs) for p in prop.get("anyOf", prop.get("oneOf", [])))
    if "enum" in prop:
        return " | ".join(json.dumps(v) for v in prop["enum"])
    if "const" in prop:
        return json.dumps(prop["const"])
    kind = prop.get("type")
    if kind == "array":
        items = prop.get("items")
        if isinstance(items, dict):
            return f"list of {_type(items, defs)}"
        if "prefixItems" in prop:
            return "[" + ", ".join(_type(p, defs) for p in prop["prefixItems"]) + "]"
        return "list"
    if kind == "object" or "properties" in prop:
        if "properties" in prop:
            title = prop.get("title", "mapping")
            fields = ", ".join(f"{k}{'' if k in prop.get('required', []) else '?'}"
                               for k in prop["properties"])
            return f"{title} {{{fields}}}"
        return "mapping"
    return {"integer": "int", "number": "number", "string": "text", "boolean": "true/false",
            "null": "null"}.get(kind, kind or "any")


def template_problem(solver) -> str:
    """A problem for this solver that validates and runs as it is written."""
    import yaml

    problem: dict[str, Any] = {
        "nnsolve": 1,
        "id": f"my-{solver.name}-problem",
        "title": f"A {solver.name} problem",
        "statement": "State the exercise here (Markdown).",
        "tolerance": {"rel": 0.01, "abs": 0.001},
    }
    problem.update(solver.template)
    problem.setdefault("solver", solver.name)
    ordered = {k: problem[k] for k in ("nnsolve", "id", "title", "statement", "tolerance",
                                        "conventions", "solver", "given", "ask") if k in problem}
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, default_flow_style=None)
