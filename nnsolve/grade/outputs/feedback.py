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

from nnsolve.fileio import StagedDir
from nnsolve.grade.outputs.htmlpage import esc, page
from nnsolve.grade.outputs.report_html import item_report
from nnsolve.grade.outputs.values import show
from nnsolve.grade.outputs.wording import STATUS_WORDS, SYMBOLS, points
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


def _who(result: GradeResult) -> str:
    if result.name and result.student:
        return f"{result.name} ({result.student})"
    return result.name or result.student or Path(result.file).name


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
    lines = [f"# Feedback: {_md(_who(result))}", ""]
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
        name = f"{r.name} ({r.label})" if r.label else r.name
        feedback = r.message or STATUS_WORDS.get(r.status, r.status)
        if r.misconception:
            feedback += f" (misconception: {r.misconception})"
        lines.append(f"| {SYMBOLS.get(r.status, '?')} {r.status} | {_md(r.part)} | {_md(name)} | "
                     f"{points(r.awarded)}/{points(r.points)} | {_md_code(r.expected)} | "
                     f"{_md_code(r.given)} | {_md(feedback)} |")
    lines.append("")
    return "\n".join(lines)


def html(result: GradeResult) -> str:
    who = _who(result)
    where = (f"Problem <strong>{esc(result.problem)}</strong> · " if result.problem else "") + \
        f"file <code>{esc(Path(result.file).name)}</code>"
    body = [f"<h1>Feedback: {esc(who)}</h1>", f"<p class=\"meta\">{where}</p>"]
    if result.error is not None:
        body += ["<div class=\"error\">",
                 "<p><strong>This submission could not be graded.</strong></p>",
                 f"<p>{esc(result.error)}</p>",
                 "<p>Nothing in it was scored. Fix the file (<code>nnsolve check FILE</code> "
                 "shows every problem with its line) and hand it in again.</p></div>"]
        return page(f"Feedback: {who}", "\n".join(body))
    score = f"{points(result.score)} / {points(result.max_score)}"
    body.append(f"<p class=\"score\">Score: {score}</p>")
    body.append("<table>\n<thead><tr><th>status</th><th>part</th><th>quantity</th>"
                "<th class=\"num\">points</th><th>expected</th><th>your answer</th>"
                "<th>feedback</th></tr></thead>\n<tbody>")
    for r in result.records:
        label = f"<br><small>{esc(r.label)}</small>" if r.label else ""
        misconception = (f"<br><small>misconception: {esc(r.misconception)}</small>"
                         if r.misconception else "")
        feedback = esc(r.message or STATUS_WORDS.get(r.status, r.status))
        body.append(
            f"<tr><td class=\"status {esc(r.status)}\">"
            f"{SYMBOLS.get(r.status, '?')} {esc(r.status)}</td>"
            f"<td>{esc(r.part)}</td><td><code>{esc(r.name)}</code>{label}</td>"
            f"<td class=\"num\">{points(r.awarded)}/{points(r.points)}</td>"
            f"<td><code>{esc(show(r.expected))}</code></td>"
            f"<td><code>{esc(show(r.given))}</code></td>"
            f"<td>{feedback}{misconception}</td></tr>")
    body.append("</tbody>\n</table>")
    return page(f"Feedback: {who}", "\n".join(body))
