"""A student's feedback page in HTML: written to the feedback folder, and what a grade report
shows in a notebook. It needs no other output module, so the report itself can use it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from nnsolve.grade.outputs.htmlpage import esc, page
from nnsolve.grade.outputs.values import show
from nnsolve.grade.outputs.wording import STATUS_WORDS, SYMBOLS, points

if TYPE_CHECKING:
    from nnsolve.grade.report import GradeResult


def who(result: GradeResult) -> str:
    if result.name and result.student:
        return f"{result.name} ({result.student})"
    return result.name or result.student or Path(result.file).name


def html(result: GradeResult) -> str:
    person = who(result)
    where = (f"Problem <strong>{esc(result.problem)}</strong> · " if result.problem else "") + \
        f"file <code>{esc(Path(result.file).name)}</code>"
    body = [f"<h1>Feedback: {esc(person)}</h1>", f"<p class=\"meta\">{where}</p>"]
    if result.error is not None:
        body += ["<div class=\"error\">",
                 "<p><strong>This submission could not be graded.</strong></p>",
                 f"<p>{esc(result.error)}</p>",
                 "<p>Nothing in it was scored. Fix the file (<code>nnsolve check FILE</code> "
                 "shows every problem with its line) and hand it in again.</p></div>"]
        return page(f"Feedback: {person}", "\n".join(body))
    score = f"{points(result.score)} / {points(result.max_score)}"
    body.append(f"<p class=\"score\">Score: {score}</p>")
    body.append("<table>\n<thead><tr><th>status</th><th>part</th><th>quantity</th>"
                "<th class=\"num\">points</th><th>expected</th><th>your answer</th>"
                "<th>feedback</th></tr></thead>\n<tbody>")
    for r in result.records:
        label = f"<br><small>{esc(r.label)}</small>" if r.label else ""
        feedback = with_formula(r.message or STATUS_WORDS.get(r.status, r.status))
        body.append(
            f"<tr><td class=\"status {esc(r.status)}\">"
            f"{SYMBOLS.get(r.status, '?')} {esc(r.status)}</td>"
            f"<td>{esc(r.part)}</td><td><code>{esc(r.name)}</code>{label}</td>"
            f"<td class=\"num\">{points(r.awarded)}/{points(r.points)}</td>"
            f"<td><code>{esc(show(r.expected))}</code></td>"
            f"<td><code>{esc(show(r.given))}</code></td>"
            f"<td>{feedback}</td></tr>")
    body.append("</tbody>\n</table>")
    return page(f"Feedback: {person}", "\n".join(body))


#: the step a hint points to ends the message: "… Check the step …: params = (F_1^2*C_0 + 1)*K_1."
_STEP = re.compile(r"^(.*?Check the step[^:]*: )(.+?)\.?$", re.S)
_SUB = re.compile(r"(?<=[A-Za-zα-ωΔΣ])_(\{[^}]*\}|[A-Za-z0-9]+)")
_SUP = re.compile(r"\^(\([^()]*\)|-?[A-Za-z0-9.]+)")


def with_formula(message: str) -> str:
    """The message, escaped, its step's formula set as a formula is written: subscripts,
    superscripts and · for a product, not the `F_1^2*C_0` typed on one line."""
    found = _STEP.match(message)
    if not found:
        return esc(message)
    formula = _SUP.sub(lambda m: f"<sup>{m.group(1).strip('()')}</sup>", esc(found.group(2)))
    formula = _SUB.sub(lambda m: f"<sub>{m.group(1).strip('{}')}</sub>", formula)
    formula = formula.replace("*", "·").replace(" - ", " − ")
    return f'{esc(found.group(1))}<span class="formula">{formula}</span>.'
