"""Per-student feedback files: `<student-id>.md` and `<student-id>.html`.

For each asked quantity: its status, points, the expected value, the student's answer, the
grader's message and the misconception it matched. Expected values are shown: feedback is
written for after the deadline; an instructor who wants otherwise withholds the files.

File names come from student ids, which students type: anything but letters, digits, `.`,
`_` and `-` becomes `_`, dots, dashes and underscores at either end are dropped (no hidden
files, no `..`), and a name already taken (the same student twice, or two ids that clean up
alike) gets `-2`, `-3`… Files are staged and only moved into the directory when the batch
succeeds.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from nnsolve.fileio import StagedDir
from nnsolve.grade.outputs.feedback_page import html, who
from nnsolve.grade.outputs.report_html import item_report
from nnsolve.grade.outputs.values import show
from nnsolve.grade.outputs.wording import STATUS_WORDS, SYMBOLS, named, points

if TYPE_CHECKING:  # a GradeResult shows itself in notebooks with `html` below
    from nnsolve.grade.report import GradeResult

REPORT_NAME = "item-analysis"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}


def safe_name(text: str | None, fallback: str = "submission") -> str:
    """A file-name stem that is safe on every platform, whatever a student wrote."""
    stem = _UNSAFE.sub("_", text or "").strip("._-")[:100].strip("._-") or fallback
    if stem.lower() in _RESERVED:
        stem = f"_{stem}"
    return stem


class FeedbackOutput:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.staged = StagedDir(self.directory)
        self.taken: set[str] = {REPORT_NAME}

    def stem_for(self, result: GradeResult) -> str:
        stem = safe_name(result.student, fallback=safe_name(Path(result.file).stem))
        unique, n = stem, 1
        while unique.lower() in self.taken:
            n += 1
            unique = f"{stem}-{n}"
        self.taken.add(unique.lower())
        return unique

    def add(self, result: GradeResult) -> None:
        stem = self.stem_for(result)
        self.staged.write(f"{stem}.md", markdown(result))
        self.staged.write(f"{stem}.html", html(result))

    def finish(self, summary) -> None:
        """The class-wide item-analysis report goes with the feedback, then all is moved in."""
        self.staged.write(f"{REPORT_NAME}.html", item_report(summary))
        self.staged.commit()

    def discard(self) -> None:
        self.staged.discard()


def _md(text) -> str:
    """A student's text as Markdown shows it: no HTML, emphasis or links it could smuggle in,
    and no pipes or line breaks that would break a table row."""
    from nnsolve.render.markdown import escape

    return escape(str(text)).replace("\n", " ")


def _md_code(value) -> str:
    """A value as inline code (where HTML is not read); as escaped text if it holds a backtick."""
    text = show(value)
    if "`" in text:
        return _md(text)
    return "`" + text.replace("|", "\\|").replace("\n", " ") + "`"


def markdown(result: GradeResult) -> str:
    lines = [f"# Feedback: {_md(who(result))}", ""]
    if result.problem:
        lines.append(f"Problem: **{_md(result.problem)}** · file `{_md(Path(result.file).name)}`")
    else:
        lines.append(f"File `{_md(Path(result.file).name)}`")
    lines.append("")
    if result.error is not None:
        lines += ["**This submission could not be graded.**", "", f"> {_md(result.error)}", "",
                  "Nothing in it was scored. Fix the file (`nnsolve check FILE` shows every "
                  "problem with its line) and hand it in again.", ""]
        return "\n".join(lines)
    lines += [f"**Score: {points(result.score)} / {points(result.max_score)}**", "",
              "| | part | quantity | points | expected | your answer | feedback |",
              "|---|---|---|---:|---|---|---|"]
    for r in result.records:
        name = named(r)
        feedback = r.message or STATUS_WORDS.get(r.status, r.status)
        lines.append(f"| {SYMBOLS.get(r.status, '?')} {r.status} | {_md(r.part)} | {_md(name)} | "
                     f"{points(r.awarded)}/{points(r.points)} | {_md_code(r.expected)} | "
                     f"{_md_code(r.given)} | {_md(feedback)} |")
    lines.append("")
    return "\n".join(lines)
