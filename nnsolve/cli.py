"""The `nnsolve` command line.

Start-up time is a feature: this module imports only click and the standard library, and every
command imports what it needs when it runs, so `nnsolve --help` never pays for sympy, numpy
or a solver.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from nnsolve import __version__

RUN_FORMATS = ("text", "md", "tex", "html", "json")
KEY_FORMATS = ("md", "tex", "html", "json")


class _Group(click.Group):
    """Turns invalid input into `file:line: field: message` and exit code 1, never a traceback."""

    def invoke(self, ctx):
        from nnsolve.errors import NnsolveError
        from nnsolve.terminal import printable, silence

        try:
            return super().invoke(ctx)
        except NnsolveError as exc:
            for line in str(exc).splitlines():
                click.echo(printable(f"error: {line}"), err=True)
            ctx.exit(1)
        except BrokenPipeError:  # the reader closed the pipe (`| head`): nothing to say
            silence(sys.stdout)
            silence(sys.stderr)
            ctx.exit(141)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except Exception as exc:  # a bug of ours: say so briefly; NNSOLVE_DEBUG shows the trace
            if os.environ.get("NNSOLVE_DEBUG"):
                raise
            click.echo(printable(f"internal error: {type(exc).__name__}: {exc} "
                                 "(set NNSOLVE_DEBUG=1 for details)"), err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nnsolve")
def main():
    """Solve neural-network exercises step by step, and grade students' answers."""


_FORMAT_OF_SUFFIX = {".md": "md", ".markdown": "md", ".tex": "tex", ".html": "html",
                     ".htm": "html", ".json": "json", ".txt": "text"}


def _format(fmt: str | None, output: str | None, default: str, allowed: tuple) -> str:
    """The --format given, else the one the -o file's suffix names (key.html is HTML)."""
    if fmt is not None:
        return fmt
    inferred = _FORMAT_OF_SUFFIX.get(Path(output).suffix.lower()) if output else None
    return inferred if inferred in allowed else default


def _output(text: str, out: str | None) -> None:
    if out is None or out == "-":
        from nnsolve.terminal import printable

        click.echo(printable(text), nl=not text.endswith("\n"))
        return
    from nnsolve.fileio import write_atomic

    if Path(out).is_dir():
        raise click.UsageError(f"-o {out} is a directory: give the name of a file to write")
    write_atomic(Path(out), text)
    click.echo(f"wrote {out}", err=True)


def _load_solutions(path: str, part: str | None = None, student: str | None = None):
    from nnsolve.solution import solve
    from nnsolve.spec.problem import ProblemSet, load

    loaded = load(path)
    if isinstance(loaded, ProblemSet):
        if part:
            raise click.UsageError("--part applies to a single problem, not a problem set")
        return loaded, [solve(p, student=student) for p in loaded.problems]
    return None, [solve(loaded, student=student, part_id=part)]


@main.command()
@click.argument("problem", type=click.Path(exists=True))
@click.option("--part", "part", metavar="ID", help="Solve only this part.")
@click.option("--student", metavar="ID", help="Solve this student's variant.")
@click.option("--format", "fmt", type=click.Choice(RUN_FORMATS),
              help="text (the default), or what the -o file's suffix says (.md, .tex, .html, .json).")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
def run(problem, part, student, fmt, output):
    """Solve PROBLEM (a file, a set or a directory) and show the derivation."""
    fmt = _format(fmt, output, "text", RUN_FORMATS)
    problem_set, solutions = _load_solutions(problem, part, student)
    if fmt == "text" and output is None:
        from nnsolve.render.text import print_solutions

        print_solutions(solutions)
        return
    from nnsolve.render import render

    _output(render(solutions, fmt, problem_set=problem_set), output)


@main.command()
@click.argument("problem", type=click.Path(exists=True))
@click.option("--student", metavar="ID", help="The key of this student's variant.")
@click.option("--format", "fmt", type=click.Choice(KEY_FORMATS),
              help="md (the default), or what the -o file's suffix says (.tex, .html, .json).")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
def key(problem, student, fmt, output):
    """Answer key for PROBLEM (a file, a set or a directory): statements and full derivations."""
    from nnsolve.render import render

    fmt = _format(fmt, output, "md", KEY_FORMATS)
    problem_set, solutions = _load_solutions(problem, student=student)
    _output(render(solutions, fmt, problem_set=problem_set, statements=True), output)


@main.command()
@click.argument("problem", type=click.Path(exists=True, dir_okay=False))
@click.option("--student", metavar="ID", required=True, help="The student's id.")
def variant(problem, student):
    """Print the student's own variant of PROBLEM (Markdown)."""
    from nnsolve.render.markdown import statement_markdown

    _, solutions = _load_solutions(problem, student=student)
    click.echo("\n\n".join(statement_markdown(solution) for solution in solutions))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
def check(files):
    """Validate problems and submissions; report every error with file:line."""
    from nnsolve.checking import check_files

    from nnsolve.terminal import printable

    ok = check_files([Path(f) for f in files],
                     echo=lambda text, **options: click.echo(printable(text), **options))
    sys.exit(0 if ok else 1)


@main.command("solvers")
def list_solvers():
    """List the installed solvers."""
    from nnsolve import solvers

    for name in solvers.names():
        try:
            summary = solvers.get(name).summary
        except Exception as exc:  # a broken third-party plugin must not hide the others
            summary = f"(cannot be loaded: {type(exc).__name__}: {exc})"
        click.echo(f"{name:<12} {summary}")


@main.command()
@click.argument("kind")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def schema(kind, fmt):
    """Show what solver KIND takes (given fields, conventions) and the quantities it produces."""
    from nnsolve.schema import describe

    click.echo(describe(_solver(kind), fmt))


@main.command()
@click.argument("kind")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
def new(kind, output):
    """Print a template problem for solver KIND that runs as is."""
    from nnsolve.schema import template_problem

    _output(template_problem(_solver(kind)), output)


def _solver(kind: str):
    from nnsolve import solvers

    try:
        return solvers.get(kind)
    except KeyError:
        raise click.BadParameter(f"no solver {kind!r} (installed: {', '.join(solvers.names())})",
                                 param_hint="KIND") from None


@main.command()
@click.argument("submissions", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--key", "key_paths", metavar="PROBLEM|SET|DIR", type=click.Path(exists=True),
              multiple=True,
              help="The problems to grade against; may be given more than once (default: "
                   "./problems). Each submission's problem id picks its problem or set.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--csv", "csv_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write a gradebook CSV.")
@click.option("--csv-style", type=click.Choice(["plain", "canvas"]), default="plain",
              show_default=True,
              help="plain: a row per submission with per-part scores and status; "
                   "canvas: Canvas's gradebook import format.")
@click.option("--gradescope", "gradescope_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write Gradescope's results.json (one student's files per run).")
@click.option("--feedback-dir", metavar="DIR", type=click.Path(file_okay=False),
              help="Write per-student feedback (Markdown and HTML) and item-analysis.html.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Grade in this many processes.")
def grade(submissions, key_paths, fmt, csv_path, csv_style, gradescope_path, feedback_dir, workers):
    """Grade one or many SUBMISSIONS (files, or directories searched for *.yaml and *.yml).

    Exit code 1 when any submission could not be graded (it is still listed, as invalid).
    """
    from nnsolve.grade.command import grade_command

    code = grade_command([Path(s) for s in submissions], keys=[Path(k) for k in key_paths],
                         fmt=fmt, csv_path=csv_path, gradescope_path=gradescope_path,
                         feedback_dir=feedback_dir, workers=workers, csv_style=csv_style)
    sys.exit(code)


if __name__ == "__main__":
    main()
