"""`nnsolve new submission PROBLEM`: the file a student fills in, with every asked name.

It is made from the solved problem rather than from its `ask:` lines, so a part that asks
nothing explicitly still lists the quantities it grades, and each name comes with the words
the key uses for it and its points: a student never has to guess a spelling.
"""

from __future__ import annotations

import json

def template_submission(problem_path: str, seed: str | None = None) -> str:
    from nnsolve.solution import solve_loaded
    from nnsolve.spec.problem import load

    problem_set, solutions = solve_loaded(load(problem_path, seed))
    lines = ["nnsolve: 1",
             'student: {id: "s0000", name: "Your Name"}',
             f"problem: {_quoted(problem_set.id if problem_set else solutions[0].problem.id)}",
             "answers:"]
    for solution in solutions:
        indent = "  "
        if problem_set is not None:
            lines.append(f"  {_quoted(solution.problem.id)}:")
            indent = "    "
        for part in solution.parts:
            lines.append(f"{indent}{_quoted(part.id)}:")
            for ask in part.asked:
                label = part.derivation[ask.name].label if ask.name in part.derivation else ""
                points = f"{ask.points:g} point{'' if ask.points == 1 else 's'}"
                comment = f"{points}: {label}" if label else points
                lines.append(f"{indent}  {_quoted(ask.name)}:   # {' '.join(comment.split())}")
    return "\n".join(lines) + "\n"


def _quoted(name: str) -> str:
    """A key as YAML reads it back as the same text (`1`, `yes` and `a: b` need quotes)."""
    import yaml

    return name if yaml.safe_load(f"{name}: x") == {name: "x"} else json.dumps(name)
