"""PrairieLearn questions: a folder per problem, zipped, to unpack into a course's questions/.

PrairieLearn draws a variant when a student opens a question, by calling `server.py`'s
`generate(data)`. nnsolve's variants are solved here instead, so `server.py` only picks one of
them (its numbers, statement and answers): no nnsolve, sympy or numpy is needed on the
PrairieLearn side, and every answer is one `nnsolve key` gives. `question.html` has an input
element per asked value (`pl-number-input` with the variant's `atol` and `rtol="0"`, since the
tolerance is already absolute per variant; `pl-multiple-choice`, `pl-checkbox`,
`pl-string-input` for choice parts), and the worked solution in its answer panel.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from html import escape

from nnsolve.export import html as H
from nnsolve.export.questions import Blank, Question, weights

#: the namespace the questions' uuids are drawn in: the same problem keeps its uuid
NAMESPACE = uuid.UUID("6c0f6f0e-5d3b-4f53-9c1e-9a1c2d7e5a10")

SERVER = '''"""Picks one of the variants nnsolve solved (see variants.json)."""

import json
import os
import random

with open(os.path.join(os.path.dirname(__file__), "variants.json"), encoding="utf-8") as f:
    VARIANTS = json.load(f)


def generate(data):
    variant = random.choice(VARIANTS)
    data["params"].update(variant["params"])
    data["correct_answers"].update(variant["correct_answers"])
'''


def prairielearn_zip(questions: list[Question]) -> bytes:
    by_problem: dict[str, list[Question]] = {}
    for question in questions:
        by_problem.setdefault(question.problem.id, []).append(question)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for problem_id, variants in by_problem.items():
            first = variants[0]
            info = {"uuid": str(uuid.uuid5(NAMESPACE, problem_id)),
                    "title": first.problem.title or problem_id, "topic": "nnsolve",
                    "tags": ["nnsolve"], "type": "v3"}
            archive.writestr(f"{problem_id}/info.json", json.dumps(info, indent=2) + "\n")
            archive.writestr(f"{problem_id}/question.html", question_html(first))
            archive.writestr(f"{problem_id}/server.py", SERVER)
            archive.writestr(f"{problem_id}/variants.json",
                             json.dumps([_variant(q) for q in variants], indent=1,
                                        ensure_ascii=False) + "\n")
    return buffer.getvalue()


def question_html(question: Question) -> str:
    """The page of every variant: the variant's own text comes from its params."""
    out = ["<pl-question-panel>", "{{{params.statement}}}", "</pl-question-panel>"]
    part = None
    for index, (blank, weight) in enumerate(zip(question.blanks, weights(question))):
        if blank.part != part:
            part = blank.part
            out.append(f"{{{{{{params.part_{_safe(part)}}}}}}}")
        out.append(_element(f"b{index}", blank, weight))
    out += ["<pl-answer-panel>", "{{{params.solution}}}", "</pl-answer-panel>"]
    return "\n".join(out) + "\n"


def _element(name: str, blank: Blank, weight: int) -> str:
    element = blank.name[blank.name.index("["):] if blank.name.endswith("]") else ""
    label = escape(f"{blank.label} {element}".strip())
    if blank.kind == "number":
        return (f'<pl-number-input answers-name="{name}" weight="{weight}" label="{label}" '
                f'rtol="0" atol="{{{{params.atol_{name}}}}}" show-help-text="false">'
                "</pl-number-input>")
    if blank.kind == "text":
        return (f'<p>{label}</p>\n<pl-string-input answers-name="{name}" weight="{weight}" '
                f'correct-answer="{escape(blank.answer)}" ignore-case="true">'
                "</pl-string-input>")
    tag = "pl-checkbox" if blank.kind == "select" else "pl-multiple-choice"
    right = blank.answer if blank.kind == "select" else (blank.answer,)
    answers = "\n".join(f'  <pl-answer correct="{str(option in right).lower()}">'
                        f"{escape(H.option_text(blank, option))}</pl-answer>"
                        for option in blank.options)
    return (f"<p>{label}</p>\n<{tag} answers-name=\"{name}\" weight=\"{weight}\">\n{answers}\n"
            f"</{tag}>")


def _variant(question: Question) -> dict:
    params = {"statement": H.statement(question), "solution": H.worked_solution(question)}
    for solved in question.solution.parts:
        params[f"part_{_safe(solved.id)}"] = H.part_intro(question, solved.id)
    answers = {}
    for index, blank in enumerate(question.blanks):
        if blank.kind == "number":
            params[f"atol_b{index}"] = blank.tolerance
            number = float(blank.answer)
            answers[f"b{index}"] = int(number) if number.is_integer() else number
        elif blank.kind == "text":
            answers[f"b{index}"] = blank.answer
    return {"student": question.student, "params": params, "correct_answers": answers}


def _safe(part_id: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in part_id)
