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
SHEET_FORMATS = ("html", "md", "tex")

_seed_option = click.option(
    "--seed", metavar="TEXT",
    help="The course seed variants are drawn with (default: $NNSOLVE_SEED, else the problem "
         "set's seed:); a new one gives every student new numbers.")


def _roster_options(what: str):
    """--roster and the choice of its columns, for the commands that work through a class."""
    options = [
        click.option("--roster", metavar="CSV", type=click.Path(exists=True, dir_okay=False),
                     help=f"{what} every student of this class list (an LMS's CSV export)."),
        click.option("--id-column", metavar="HEADER",
                     help="The roster's id column (default: found by its header, e.g. SIS "
                          "User ID)."),
        click.option("--name-column", metavar="HEADER",
                     help="The roster's name column (default: found by its header, e.g. "
                          "Student)."),
        _seed_option,
    ]

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


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
    """The --format given, else the one the -o file's suffix names (key.html is HTML, key.pdf
    LaTeX made into a PDF); a suffix that names no format is refused rather than guessed."""
    if fmt is not None or not output or output == "-" or Path(output).is_dir():
        return fmt or default
    suffix = Path(output).suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if _FORMAT_OF_SUFFIX.get(suffix) not in allowed:
        known = ", ".join(s for s, f in _FORMAT_OF_SUFFIX.items() if f in allowed)
        raise click.UsageError(f"-o {output}: cannot tell the format from "
                               f"{suffix or 'a name without a suffix'}; end it in {known} or "
                               ".pdf, or give --format")
    return _FORMAT_OF_SUFFIX[suffix]


def _render(solutions, fmt: str, output: str | None, **options) -> None:
    from nnsolve.render import render

    if fmt != "pdf":
        return _output(render(solutions, fmt, **options), output)
    from nnsolve.render.pdf import to_pdf

    _output(to_pdf(render(solutions, "tex", **options), output), output)


def _output(text: str | bytes, out: str | None) -> None:
    if out is None or out == "-":
        from nnsolve.terminal import printable

        click.echo(printable(text), nl=not text.endswith("\n"))
        return
    from nnsolve.fileio import write_atomic

    if Path(out).is_dir():
        raise click.UsageError(f"-o {out} is a directory: give the name of a file to write")
    write_atomic(Path(out), text)
    click.echo(f"wrote {out}", err=True)


def _load_solutions(path: str, part: str | None = None, student: str | None = None,
                    seed: str | None = None):
    from nnsolve.solution import solve_loaded
    from nnsolve.spec.problem import ProblemSet, load

    loaded = load(path, seed)
    if isinstance(loaded, ProblemSet) and part:
        raise click.UsageError("--part applies to a single problem, not a problem set")
    return solve_loaded(loaded, student=student, part_id=part)


def _for_roster(problem, roster, id_column, name_column, output, formats, document, seed):
    """One file per student and format in the -o folder (`variant` and `key` with --roster)."""
    from nnsolve.handouts import write_for_roster
    from nnsolve.roster import read_roster

    if not output:
        raise click.UsageError("--roster needs -o DIR, the folder to write one file per student to")
    if Path(output).exists() and not Path(output).is_dir():
        raise click.UsageError(f"-o {output} is a file: give the folder to write to")
    students = read_roster(roster, id_column, name_column)
    count = write_for_roster(problem, students, output, formats, document, seed)
    click.echo(f"wrote {count} files for {len(students)} students to {output}", err=True)


@main.command()
@click.argument("problem", type=click.Path(exists=True))
@click.option("--part", "part", metavar="ID", help="Solve only this part.")
@click.option("--student", metavar="ID", help="Solve this student's variant.")
@_seed_option
@click.option("--format", "fmt", type=click.Choice(RUN_FORMATS),
              help="text (the default), or what the -o file's suffix says (.md, .tex, .html, .json; .pdf through pdflatex).")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
def run(problem, part, student, seed, fmt, output):
    """Solve PROBLEM (a file, a set or a directory) and show the derivation."""
    fmt = _format(fmt, output, "text", RUN_FORMATS)
    problem_set, solutions = _load_solutions(problem, part, student, seed)
    if fmt == "text" and output is None:
        from nnsolve.render.text import print_solutions

        print_solutions(solutions)
        return
    _render(solutions, fmt, output, problem_set=problem_set, statements=fmt == "html")


@main.command()
@click.argument("problem", type=click.Path(exists=True))
@click.option("--student", metavar="ID", help="The key of this student's variant.")
@_roster_options("Write to the -o folder the key of")
@click.option("--format", "fmt", type=click.Choice(KEY_FORMATS),
              help="md (the default), or what the -o file's suffix says (.tex, .html, .json; .pdf through pdflatex).")
@click.option("-o", "--output", metavar="FILE|DIR",
              help="Write to FILE instead of standard output (with --roster: the folder).")
def key(problem, student, roster, id_column, name_column, seed, fmt, output):
    """Answer key for PROBLEM (a file, a set or a directory): statements and full derivations."""
    if roster:
        if student:
            raise click.UsageError("give --student or --roster, not both")
        from nnsolve.handouts import key_document

        _for_roster(problem, roster, id_column, name_column, output, (fmt or "md",),
                    key_document, seed)
        return
    fmt = _format(fmt, output, "md", KEY_FORMATS)
    problem_set, solutions = _load_solutions(problem, student=student, seed=seed)
    _render(solutions, fmt, output, problem_set=problem_set, statements=True)


@main.command()
@click.argument("problem", type=click.Path(exists=True))
@click.option("--student", metavar="ID", help="The student's id.")
@_roster_options("Write to the -o folder a sheet for")
@click.option("--format", "fmts", type=click.Choice(SHEET_FORMATS), multiple=True,
              help="With --roster, the sheets' formats (default: all three); may be repeated.")
@click.option("-o", "--output", metavar="DIR", help="With --roster: the folder of the sheets.")
def variant(problem, student, roster, id_column, name_column, seed, fmts, output):
    """The student's own variant of PROBLEM (a file, a set or a directory) as Markdown, or
    with --roster one handout sheet per student (HTML, Markdown, LaTeX) naming the student."""
    if bool(student) == bool(roster):
        raise click.UsageError("give --student ID, or --roster CSV -o DIR")
    if roster:
        from nnsolve.handouts import sheet_document

        _for_roster(problem, roster, id_column, name_column, output, fmts or SHEET_FORMATS,
                    sheet_document, seed)
        return
    from nnsolve.render.markdown import statement_markdown

    _, solutions = _load_solutions(problem, student=student, seed=seed)
    _output("\n\n".join(statement_markdown(solution) for solution in solutions) + "\n", None)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--key", "key_paths", metavar="PROBLEM|SET|DIR", type=click.Path(exists=True),
              multiple=True,
              help="Read submissions against these problems: answers that cannot be read or "
                   "name no quantity of the problem are errors, questions left out warnings.")
@click.option("--variants", type=click.IntRange(1, 100_000), metavar="N",
              help="Also solve the variants of N students (ids s1 … sN) and list those that fail.")
@_roster_options("Also solve the variant of")
def check(files, key_paths, variants, roster, id_column, name_column, seed):
    """Validate problems and submissions; report every error with file:line."""
    from nnsolve.checking import check_files

    from nnsolve.terminal import printable

    students = None
    if variants and roster:
        raise click.UsageError("give --variants or --roster, not both")
    if variants:
        students = [f"s{i}" for i in range(1, variants + 1)]
    elif roster:
        from nnsolve.roster import read_roster

        students = [s.id for s in read_roster(roster, id_column, name_column)]
    ok = check_files([Path(f) for f in files],
                     echo=lambda text, **options: click.echo(printable(text), **options),
                     seed=seed, students=students, keys=[Path(k) for k in key_paths] or None)
    sys.exit(0 if ok else 1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--variants", type=click.IntRange(1, 1000), default=5, show_default=True,
              metavar="N", help="Students whose variants of a problem with variables are tested.")
@_seed_option
def selftest(paths, variants, seed):
    """Grade made-up submissions to each problem under PATHS (PROBLEM, SET or DIR): right,
    rounded as you go, truncated, with a slip carried forward, with a known misconception,
    unreadable; report every answer not graded as intended (exit 1 if any)."""
    from nnsolve.grade.selftest import selftest as run

    from nnsolve.terminal import printable

    report = run([Path(p) for p in paths], echo=lambda line: click.echo(printable(line)),
                 variants=variants, seed=seed)
    click.echo(report.line(), err=True)
    sys.exit(1 if report.deviations else 0)


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
    """Show what solver KIND takes (given fields, conventions) and the quantities it produces;
    `schema problem` and `schema submission` print the JSON Schema of those files."""
    if kind in ("problem", "submission"):
        from nnsolve.formats import schema_text

        click.echo(schema_text(kind))
        return
    from nnsolve.schema import describe

    click.echo(describe(_solver(kind), fmt))


@main.command()
@click.argument("kind")
@click.argument("problem", required=False, type=click.Path(exists=True))
@_seed_option
@click.option("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
def new(kind, problem, seed, output):
    """Print a template problem for solver KIND that runs as is, or with `new submission
    PROBLEM` a submission to PROBLEM listing every asked quantity."""
    if kind == "submission":
        if problem is None:
            raise click.UsageError("nnsolve new submission PROBLEM: name the problem file")
        from nnsolve.submission_template import template_submission

        _output(template_submission(problem, seed), output)
        return
    if problem is not None:
        raise click.UsageError(f"nnsolve new {kind} takes no PROBLEM (only `new submission` does)")
    from nnsolve.schema import template_problem

    _output(template_problem(_solver(kind)), output)


def _solver(kind: str):
    from nnsolve import solvers

    try:
        return solvers.get(kind)
    except KeyError:
        raise click.BadParameter(f"no solver {kind!r} (installed: {', '.join(solvers.names())})",
                                 param_hint="KIND") from None


# --- course platforms: the Canvas gradebook round trip and `export` ---------------------

def _canvas_round_trip_options(command):
    """`grade --canvas-gradebook EXPORT -o IMPORT [--assignment PROBLEM="Title (id)"]...`"""
    options = [
        click.option("--canvas-gradebook", metavar="EXPORT.csv",
                     type=click.Path(exists=True, dir_okay=False),
                     help="The gradebook exported from Canvas: written back to -o with each "
                          "problem's scores in its assignment column, every other cell as it "
                          "was."),
        click.option("-o", "--output", metavar="IMPORT.csv", type=click.Path(dir_okay=False),
                     help="With --canvas-gradebook: the file to import into Canvas."),
        click.option("--assignment", "assignments", metavar='PROBLEM="Title (id)"',
                     multiple=True,
                     help="The Canvas column a problem's score goes into (default: a column "
                          "headed by the problem's title, new if there is none); repeatable."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command()
@click.argument("problem", type=click.Path(exists=True))
@click.option("--to", "to", type=click.Choice(["moodle", "qti", "prairielearn", "gradescope"]),
              required=True,
              help="moodle: Moodle XML question bank; qti: a Canvas quiz package (.zip); "
                   "prairielearn: question folders (.zip); gradescope: an autograder (.zip).")
@click.option("-o", "--output", metavar="FILE", required=True, type=click.Path(dir_okay=False),
              help="The file to write.")
@click.option("--variants", type=click.IntRange(1, 10_000), metavar="N",
              help="Quizzes: the variants of N students (ids s1 ... sN).")
@_roster_options("Quizzes: the variant of")
@click.option("--reveal", type=click.Choice(["answers", "hints", "status"]), default="answers",
              show_default=True, help="Gradescope: what students see of the key (as grade).")
@click.option("--gradescope-visibility", "visibility", default="visible", show_default=True,
              type=click.Choice(["visible", "hidden", "after_due_date", "after_published"]),
              help="Gradescope: when students see the tests.")
def export(problem, to, output, variants, roster, id_column, name_column, seed, reveal,
           visibility):
    """Put PROBLEM (a file, a set or a directory) where students answer: Moodle XML or a
    Canvas QTI zip with a question per variant, or a Gradescope autograder zip."""
    from nnsolve.export.command import export_command
    from nnsolve.terminal import printable

    if variants and roster:
        raise click.UsageError("give --variants or --roster, not both")
    students = [f"s{i}" for i in range(1, variants + 1)] if variants else None
    if roster:
        from nnsolve.roster import read_roster

        students = [s.id for s in read_roster(roster, id_column, name_column)]
    done = export_command(problem, to, output, students=students, seed=seed, reveal=reveal,
                          visibility=visibility,
                          warn=lambda message: click.echo(printable(f"warning: {message}"),
                                                          err=True))
    click.echo(printable(done), err=True)


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
@_seed_option
@click.option("--reveal", type=click.Choice(["answers", "hints", "status"]), default="answers",
              show_default=True,
              help="What every output shows: answers (expected values and worked steps), "
                   "hints (what is wrong, the misconception and the step, never the expected "
                   "value) or status (right or wrong only).")
@click.option("--gradescope-visibility", "visibility",
              type=click.Choice(["visible", "hidden", "after_due_date", "after_published"]),
              default="visible", show_default=True,
              help="When students see the tests of results.json (Gradescope's setting).")
@_canvas_round_trip_options
def grade(submissions, key_paths, fmt, csv_path, csv_style, gradescope_path, feedback_dir, workers,
          seed, reveal, visibility, canvas_gradebook, output, assignments):
    """Grade one or many SUBMISSIONS (files, or directories searched for *.yaml and *.yml).

    Exit code 1 when any submission could not be graded (it is still listed, as invalid).
    """
    from nnsolve.grade.command import grade_command

    code = grade_command([Path(s) for s in submissions], keys=[Path(k) for k in key_paths],
                         fmt=fmt, csv_path=csv_path, gradescope_path=gradescope_path,
                         feedback_dir=feedback_dir, workers=workers, csv_style=csv_style,
                         seed=seed, reveal=reveal, visibility=visibility,
                         canvas_gradebook=canvas_gradebook, output=output,
                         assignments=assignments)
    sys.exit(code)


if __name__ == "__main__":
    main()
