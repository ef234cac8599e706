"""Moodle XML for the question bank: a category per problem, a question per variant.

A quiz's "random question" slot draws from a category, so each problem's variants go in a
category of their own and one slot gives every student one variant. A problem asking one
number is a `numerical` question, one choice a `multichoice`; anything more is a `cloze`
(embedded answers), one blank per asked value, so that a student's variant is one question
and its numbers agree across parts. Tolerances are absolute, per variant (Moodle's
`<tolerance>` is ± around the answer; a relative tolerance scales with it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html import escape

from nnsolve.export import html as H
from nnsolve.export.questions import Blank, Question, weights

#: Moodle's penalty per wrong try in interactive quizzes (its own default)
PENALTY = "0.3333333"
#: characters that end or split a Cloze answer unless escaped
_CLOZE_SPECIAL = "\\}#~/\"{"


def moodle_xml(questions: list[Question]) -> str:
    quiz = ET.Element("quiz")
    category = None
    for question in questions:
        if question.problem.id != category:
            category = question.problem.id
            node = _sub(quiz, "question", type="category")
            _text(_sub(node, "category"), f"$course$/top/nnsolve/{category}")
        _question(quiz, question)
    ET.indent(quiz)
    return H.xml_document(ET.tostring(quiz, "unicode"))


def _question(quiz: ET.Element, question: Question) -> None:
    blanks = question.blanks
    single = len(blanks) == 1
    kind = {"number": "numerical", "choice": "multichoice", "select": "multichoice"} \
        .get(blanks[0].kind, "cloze") if single else "cloze"
    node = _sub(quiz, "question", type=kind)
    _text(_sub(node, "name"), question.title)
    body = [H.statement(question)]
    if kind == "cloze":
        body += _cloze_body(question)
    else:
        body += [H.part_intro(question, blanks[0].part), f"<p>{H.label(blanks[0])}</p>"]
    _text(_sub(node, "questiontext", format="html"), "\n".join(b for b in body if b))
    _text(_sub(node, "generalfeedback", format="html"), H.worked_solution(question))
    if kind != "cloze":
        _sub(node, "defaultgrade").text = _number(question.points)
    _sub(node, "penalty").text = PENALTY
    _sub(node, "hidden").text = "0"
    if kind == "numerical":
        blank = blanks[0]
        answer = _sub(node, "answer", fraction="100", format="moodle_auto_format")
        _text(answer, blank.answer)
        _sub(answer, "tolerance").text = _number(blank.tolerance)
        _text(_sub(answer, "feedback", format="html"), "")
    elif kind == "multichoice":
        _choices(node, blanks[0])


def _choices(node: ET.Element, blank: Blank) -> None:
    many = blank.kind == "select"
    _sub(node, "single").text = "false" if many else "true"
    _sub(node, "shuffleanswers").text = "true"
    _sub(node, "answernumbering").text = "abc"
    for option, fraction in _fractions(blank).items():
        answer = _sub(node, "answer", fraction=fraction, format="html")
        _text(answer, H.option_text(blank, option))
        _text(_sub(answer, "feedback", format="html"), "")


def _fractions(blank: Blank) -> dict[str, str]:
    """Each option's share of the marks: a right pick of k right options earns 100/k, a wrong
    pick of w wrong ones takes 100/w away (so ticking everything earns nothing)."""
    right = blank.answer if blank.kind == "select" else (blank.answer,)
    wrong = [o for o in blank.options if o not in right]
    out = {}
    for option in blank.options:
        if option in right:
            out[option] = _percent(100 / len(right))
        else:
            out[option] = _percent(-100 / len(wrong)) if blank.kind == "select" and wrong \
                else "0"
    return out


def _cloze_body(question: Question) -> list[str]:
    out, part, line = [], None, []
    for blank, weight in zip(question.blanks, weights(question)):
        if blank.part != part:
            part = blank.part
            out.append(H.part_intro(question, part))
        if not line:
            line.append(f"{H.label(blank)}: ")
        line.append(cloze(blank, weight) + blank.joiner)
        if not blank.joiner:
            out.append("<p>" + "".join(line) + "</p>")
            line = []
    return out


def cloze(blank: Blank, weight: int) -> str:
    """One embedded answer: `{2:NUMERICAL:=34944:0}`, `{1:MULTICHOICE:=right~wrong}`."""
    if blank.kind == "number":
        return f"{{{weight}:NUMERICAL:={blank.answer}:{_number(blank.tolerance)}}}"
    if blank.kind == "text":
        spellings = [blank.answer, *[a for a in blank.accept if a != blank.answer]]
        return f"{{{weight}:SHORTANSWER:" + "~".join("=" + _escape(s) for s in spellings) + "}"
    kind = "MULTIRESPONSE" if blank.kind == "select" else "MULTICHOICE"
    answers = []
    for option, fraction in _fractions(blank).items():
        text = _escape(H.option_text(blank, option))
        if blank.kind == "choice":
            answers.append(("=" if fraction == "100" else "") + text)
        else:
            answers.append(f"%{fraction}%{text}")
    return f"{{{weight}:{kind}:" + "~".join(answers) + "}"


def _escape(text: str) -> str:
    """Text as a Cloze answer inside HTML: HTML's escapes, then Cloze's backslashes."""
    return "".join("\\" + c if c in _CLOZE_SPECIAL else c for c in escape(text, quote=False))


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _number(value) -> str:
    return f"{float(value):.10g}"


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, attributes)


def _text(parent: ET.Element, text: str) -> None:
    """`<text>` as Moodle reads it: HTML travels escaped, which the importer undoes."""
    _sub(parent, "text").text = text
