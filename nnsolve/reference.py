"""The generated documents: the solver reference (docs/solvers.md), the JSON Schemas of
the file formats (docs/schema/) and of each solver's given (shipped in its package, read by
`schema` and `new` in place of the pydantic model). They are written from the solvers' own
declarations, and a test compares them with what this module makes, so a new field or quantity
cannot go undocumented or stale: `python -m nnsolve.reference` writes them again.
"""

from __future__ import annotations

from pathlib import Path

from nnsolve.formats import schema_text

HEADER = """# Solver reference

Every given field, option, convention and quantity name of the solvers nnsolve ships, as
`nnsolve schema KIND` prints them (a `?` marks a field that may be left out, `= x` its
default). This page is made from the solvers themselves by `python -m nnsolve.reference`;
`docs/guide.md` explains how to write a problem with them.
"""


def solver_reference() -> str:
    from nnsolve import solvers
    from nnsolve.schema import describe

    sections = [HEADER]
    for name in solvers.built_in():
        sections.append(f"## {name}\n\n```text\n{describe(solvers.get(name))}\n```\n")
    return "\n".join(sections)


def documents(root: Path) -> dict[Path, str]:
    """Each generated file under the repository `root`, with the text it must hold."""
    import json

    from nnsolve import solvers

    given = {solvers.get(name).shipped_schema_path():
             json.dumps(solvers.get(name).Given.model_json_schema(), indent=1,
                        ensure_ascii=False) + "\n"
             for name in solvers.built_in()}
    return {**given, root / "docs" / "solvers.md": solver_reference(),
            root / "docs" / "schema" / "problem.schema.json":
                schema_text("problem", list(solvers.built_in())),
            root / "docs" / "schema" / "submission.schema.json": schema_text("submission")}


if __name__ == "__main__":
    from nnsolve.fileio import write_atomic

    root = Path(__file__).resolve().parent.parent
    # two passes: the reference and the problem schema are made from the shipped given
    # schemas, which the first pass may just have rewritten
    for _ in range(2):
        for path, text in documents(root).items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                write_atomic(path, text)
                print(f"wrote {path}")
