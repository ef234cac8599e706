"""A question's statement and worked solution as HTML with MathML, for every quiz format.

Quiz platforms show HTML and modern browsers render MathML, so the statement and the worked
solution go in as the answer key's HTML renders them: no images, no script, nothing fetched.
"""

from __future__ import annotations

import re
from html import escape

from nnsolve.export.questions import Blank, Question
from nnsolve.render import common, statements
from nnsolve.render.html import part_html

#: what XML 1.0 cannot hold at all, not even escaped (a problem file may carry an ESC)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_document(body: str) -> str:
    """A whole XML document, with the characters XML forbids written as their \\u escape,
    so that an importer reads the file instead of refusing it."""
    text = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", body)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"


def statement(question: Question) -> str:
    """The problem's statement of this variant (its numbers put in)."""
    problem = question.solution.problem
    out = [f"<h3>{escape(common.problem_heading(problem))}</h3>"]
    if problem.statement:
        out.append(statements.to_html(problem.statement))
    return "\n".join(out)


def part_intro(question: Question, part_id: str) -> str:
    """A part's heading and statement, where a problem has several parts."""
    problem = question.solution.problem
    part = question.solution.part(part_id).part
    if len(question.solution.parts) == 1 and not part.statement:
        return ""
    out = [f"<h4>{escape(common.part_heading(problem, part))}</h4>"]
    if part.statement:
        out.append(statements.to_html(part.statement))
    return "\n".join(out)


def label(blank: Blank) -> str:
    return escape(blank.label)


def worked_solution(question: Question) -> str:
    """Every part's derivation: the feedback a student sees once the quiz is closed."""
    problem = question.solution.problem
    out = []
    for solved in question.solution.parts:
        out += part_html(problem, solved, 4)
    return "\n".join(out)


def option_text(blank: Blank, option: str) -> str:
    return blank.options.get(option, option)
