"""Renderers: a Solution (or several) to text, Markdown, LaTeX, HTML or JSON.

Each format is one module with a `render(solutions, *, problem_set=None, statements=False)`
function returning a string; the terminal one also offers rich renderables. Renderers know
derivations and solutions, never a particular solver.
"""

from __future__ import annotations

from importlib import import_module

MODULES = {"text": "text", "md": "markdown", "tex": "latex", "html": "html", "json": "json"}


def render(solutions, fmt: str, *, problem_set=None, statements: bool = False) -> str:
    module = import_module(f"nnsolve.render.{MODULES[fmt]}")
    return module.render(solutions, problem_set=problem_set, statements=statements)
