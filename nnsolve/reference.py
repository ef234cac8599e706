"""The generated documents: the solver reference (docs/solvers.md) and the JSON Schemas of
the file formats (docs/schema/). They are written from the solvers' own declarations, and a
test compares them with what this module makes, so a new field or quantity cannot go
undocumented: `python -m nnsolve.reference` writes them again.
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
    from nnsolve import solvers

    return {root / "docs" / "solvers.md": solver_reference(),
            root / "docs" / "schema" / "problem.schema.json":
                schema_text("problem", list(solvers.built_in())),
            root / "docs" / "schema" / "submission.schema.json": schema_text("submission")}


if __name__ == "__main__":
    from nnsolve.fileio import write_atomic

    for path, text in documents(Path(__file__).resolve().parent.parent).items():
        write_atomic(path, text)
        print(f"wrote {path}")
