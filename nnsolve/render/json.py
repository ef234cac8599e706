"""The JSON form of derivations: a stable shape that scripts and LMS glue rely on.

    {"nnsolve": 1, "problem": ID, "title": ..., "parts": [{"id", "solver", "quantities":
      [{"name", "label", "value", "exact"?, "formula", "latex", "substituted", "inputs",
        "asked"}]}]}

A problem set is {"nnsolve": 1, "problems": [...the above...]}. Extra keys may be added
(statement, conventions, tables, kind, given); none of the above ever changes meaning. A value
is its kind's JSON form (docs/architecture.md, Values).
"""

from __future__ import annotations

import json

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Ref
from nnsolve.derivation import board


def solution_json(solution, *, statements: bool = False) -> dict:
    problem = solution.problem
    out = {"nnsolve": 1, "problem": problem.id, "title": problem.title}
    if statements:
        out["statement"] = problem.statement
    if problem.student is not None:
        out["student"] = problem.student
        out["variables"] = {k: V.to_json(V.normalize(v)) if not isinstance(v, str) else v
                            for k, v in problem.variable_values.items()}
    out["parts"] = [part_json(p, statements=statements) for p in solution.parts]
    return out


def part_json(solved, *, statements: bool = False) -> dict:
    d = solved.derivation
    asked = solved.asked_names
    quantities = []
    for q in d:
        item = {"name": q.name, "label": q.label, "value": q.value_kind.to_json(q.value)}
        exact = V.exact_text(q.value)
        if exact is not None:
            item["exact"] = exact
        item.update({
            "formula": board.formula(d, q.name),
            "latex": board.formula(d, q.name, "latex"),
            "substituted": board.substituted(d, q.name),
            "inputs": list(q.inputs),
            "asked": q.name in asked,
            "kind": q.kind,
            "given": q.given,
        })
        if q.note:
            item["note"] = q.note
        quantities.append(item)
    out = {"id": solved.part.id, "solver": solved.part.solver}
    if statements and solved.part.statement:
        out["statement"] = solved.part.statement
    out["conventions"] = dict(solved.conventions)
    out["quantities"] = quantities
    out["asked"] = [{"name": a.name, "points": a.points} for a in solved.asked]
    if d.tables:
        out["tables"] = [{"title": t.title, "header": list(t.header),
                          "rows": [[_cell(d, c) for c in row] for row in t.rows]} for t in d.tables]
    return out


def _cell(d, cell):
    if isinstance(cell, Ref):
        q = d[cell.name]
        return q.value_kind.to_json(q.value)
    if isinstance(cell, str):
        return cell
    return V.to_json(V.normalize(cell))


#: characters beyond which a document is written without indentation: indented, a layer
#: view's matrices put every number on a line of its own, several times the bytes to write
#: and to read back, for a file no one reads by eye
INDENT_LIMIT = 1_000_000


def render(solutions, *, problem_set=None, statements: bool = False) -> str:
    items = [solution_json(s, statements=statements) for s in solutions]
    if problem_set is not None:
        doc = {"nnsolve": 1, "id": problem_set.id, "title": problem_set.title, "problems": items}
    else:
        doc = items[0]
    compact = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    if len(compact) > INDENT_LIMIT:
        return compact + "\n"
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
