"""`nnsolve grade`: wire the command-line options to the batch and its outputs.

Results go to stdout (text blocks or the JSON document), everything else to stderr: the
progress bar, warnings and the closing summary, so `--format json | jq` always works. Exit
code 0 when every submission was graded, 1 when any could not be (every output is still
written, with those submissions marked `invalid`), 2 for a usage error.
"""

from __future__ import annotations

from pathlib import Path

import click

from nnsolve.fileio import OutputLock
from nnsolve.grade.batch import (BatchGrader, progress, run_batch, stop_cleanly_on_signals,
                                 submission_files)
from nnsolve.terminal import printable

DEFAULT_KEY = Path("problems")


def grade_command(paths: list[Path], *, keys: list[Path] | None = None, fmt: str = "text",
                  csv_path: str | None = None, gradescope_path: str | None = None,
                  feedback_dir: str | None = None, workers: int = 1,
                  csv_style: str = "plain", seed: str | None = None, reveal: str = "answers",
                  visibility: str = "visible", canvas_gradebook: str | None = None,
                  output: str | None = None, assignments: tuple[str, ...] = ()) -> int:
    from nnsolve.grade.key import Key
    from nnsolve.grade.outputs.gradescope import MixedStudents

    files = submission_files(paths)
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise _usage(f"no submission files (*.yaml, *.yml) in {where}")
    answer_key = Key.from_paths(_key_paths(keys), seed=seed)
    stderr = _stderr_console()

    def say(message: str) -> None:
        if stderr is None:
            click.echo(printable(message), err=True)
        else:
            stderr.print(printable(message), markup=False, highlight=False, soft_wrap=True)

    def warn(message: str) -> None:
        say(f"warning: {message}")

    for reason in answer_key.skipped:
        warn(f"left out of the key: {reason}")
    if bool(canvas_gradebook) != bool(output):
        raise _usage("--canvas-gradebook EXPORT.csv and -o IMPORT.csv go together")

    outputs: list = []
    try:
        # held while outputs are staged and renamed into place: a second run on the same
        # files is refused, and this run cleans what a killed one left
        with OutputLock([csv_path, gradescope_path, feedback_dir, output]):
            if canvas_gradebook:
                outputs.append(_round_trip(answer_key, canvas_gradebook, output, assignments,
                                           warn))
            _open_outputs(outputs, fmt, csv_path, csv_style, gradescope_path, feedback_dir,
                          warn, visibility)
            workers = min(workers, len(files))
            renderers = tuple(getattr(output, "render", None) for output in outputs)
            with stop_cleanly_on_signals(), \
                    BatchGrader(answer_key, workers, renderers, reveal) as grader, \
                    progress(len(files), stderr) as advance:
                summary = run_batch(grader.graded(files), outputs, advance, reveal=reveal)
    except MixedStudents as exc:
        raise _usage(str(exc)) from None
    except BaseException:
        for output in outputs:  # also when an output, the pool or the bar could not start
            output.discard()
        raise
    say(summary.line())
    for path in (csv_path, gradescope_path, output):
        if path:
            say(f"wrote {path}")
    if feedback_dir:
        say(f"wrote feedback for {summary.submissions} submissions and item-analysis.html "
            f"to {feedback_dir}")
    return 1 if summary.invalid else 0


def _stderr_console():
    """rich's console for messages and the progress bar when stderr is a terminal; None (plain
    lines, and no rich to import) when it is a file or a pipe."""
    import sys

    try:
        terminal = sys.stderr.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if not terminal:
        return None
    from rich.console import Console

    return Console(stderr=True)


def _round_trip(answer_key, export: str, output: str, assignments: tuple[str, ...], warn):
    """The Canvas export read back with the scores put in (see outputs/canvas_roundtrip)."""
    from nnsolve.grade.outputs.canvas_roundtrip import CanvasRoundTrip, parse_assignments

    mapping = parse_assignments(assignments)
    unknown = sorted(p for p in mapping if p not in answer_key.problems)
    if unknown:
        raise _usage(f"--assignment names no problem of the key: {', '.join(unknown)}")
    titles = {pid: problem.title for pid, problem in answer_key.problems.items()}
    return CanvasRoundTrip(Path(export), Path(output), titles, mapping, warn)


def _key_paths(keys: list[Path] | None) -> list[Path]:
    if keys:
        return [Path(k) for k in keys]
    if DEFAULT_KEY.is_dir():
        return [DEFAULT_KEY]
    raise _usage("no --key given and no ./problems directory to find the problems in")


def _usage(message: str) -> click.UsageError:
    return click.UsageError(message, ctx=click.get_current_context(silent=True))


def _open_outputs(outputs: list, fmt, csv_path, csv_style, gradescope_path, feedback_dir,
                  warn, visibility: str = "visible") -> None:
    """Append the requested outputs one by one (so that those already open can be discarded
    if a later one fails); the file ones come first so that stdout is finished last."""
    from nnsolve.grade.outputs.feedback import FeedbackOutput
    from nnsolve.grade.outputs.gradebook import CanvasGradebook, PlainGradebook
    from nnsolve.grade.outputs.gradescope import GradescopeOutput

    if csv_path:
        outputs.append(CanvasGradebook(Path(csv_path), warn) if csv_style == "canvas"
                       else PlainGradebook(Path(csv_path)))
    if gradescope_path:
        outputs.append(GradescopeOutput(Path(gradescope_path), visibility))
    if feedback_dir:
        outputs.append(FeedbackOutput(Path(feedback_dir)))
    if fmt == "json":
        from nnsolve.grade.outputs.jsonout import JsonOutput

        outputs.append(JsonOutput())
    else:
        from nnsolve.grade.outputs.text import TextOutput

        outputs.append(TextOutput())
