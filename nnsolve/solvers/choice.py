"""Conceptual questions: multiple choice, multiple select, true/false and short labels.

Every course asks a few of these next to the computations ("which layer has the most
parameters?", "is the WL test conclusive?"); with a `choice` part they are graded in the same
submission. The answer is one quantity, `answer`; feedback written for a wrong option becomes
a misconception of that quantity, so a student who picks it reads why it is wrong.

    given:
      question: "Which part of an autoencoder outputs the code?"
      options: {a: decoder, b: encoder, c: loss}
      answer: b
      feedback: {a: "the decoder reconstructs the input from the code"}

`answer: true` is a true/false item; `answer: negative` without options is a short label
(case-insensitive, other spellings in `accept`); `answer: [a, c]` selects several options (a
set; `partial: true` on the ask gives the share |right ∩ chosen| / |right ∪ chosen| of the
points). For a multiple select, feedback on an option is shown when the selection differs from
the answer by that option alone (picked though wrong, or left out though right).
"""

from __future__ import annotations

from typing import Any, Mapping

from pydantic import Field, field_validator

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.solvers.base import Given, Solver, SolverError


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


class ChoiceGiven(Given):
    question: str = Field(description="the question, shown as the answer's label")
    options: dict[str, str] | None = Field(
        None, description="option id → option text; omit for true/false and short labels")
    answer: bool | str | int | float | list[str | int | float | bool] = Field(
        description="an option id, a list of option ids, true/false, or a short label")
    accept: list[str] = Field(default_factory=list,
                              description="other spellings accepted for a short label")
    feedback: dict[str, str] = Field(
        default_factory=dict, description="wrong answer (option id or label) → why it is wrong")

    @field_validator("options", "feedback", mode="before")
    @classmethod
    def _keys_as_text(cls, value):
        """YAML reads option ids such as 1 or true as numbers and booleans; they are ids."""
        if isinstance(value, dict):
            return {_text(k): (_text(v) if isinstance(v, (bool, int, float)) else v)
                    for k, v in value.items()}
        return value

    @field_validator("accept", mode="before")
    @classmethod
    def _accept_as_text(cls, value):
        if isinstance(value, list):
            return [_text(v) if isinstance(v, (bool, int, float)) else v for v in value]
        return value


class ChoiceSolver(Solver):
    name = "choice"
    summary = "multiple choice, multiple select, true/false and short-label questions"
    Given = ChoiceGiven
    quantities = {
        "answer": "the right option id, set of option ids, true/false, or label",
        "option.<id>": "the text of each option (given)",
    }
    principal = ("answer",)
    template = {
        "given": {
            "question": "Which part of an autoencoder outputs the latent code?",
            "options": {"a": "the decoder", "b": "the encoder", "c": "the reconstruction loss"},
            "answer": "b",
            "feedback": {"a": "the decoder maps the code back to the input space",
                         "c": "the loss compares the reconstruction with the input"},
        },
        "ask": {"answer": {"points": 1}},
    }

    def solve(self, given: ChoiceGiven, conventions: Mapping[str, str]) -> Derivation:
        d = Derivation()
        question = given.question.strip()
        if not question:
            raise SolverError("the question is empty", ("question",))
        if given.options is not None:
            if len(given.options) < 2:
                raise SolverError("give at least two options", ("options",))
            for key, option in given.options.items():
                d.given(f"option.{key}", option, f"option {key}", kind="label")
            value, kind, accept = self._option_answer(given)
        else:
            value, kind, accept = self._free_answer(given)
        d.add("answer", question, rule=lambda _: value, inputs=(), value=value, kind=kind,
              misconceptions=self._misconceptions(given, value, kind), accept=accept)
        return d

    # -- the answer -----------------------------------------------------------------------
    @staticmethod
    def _option_answer(given: ChoiceGiven) -> tuple[Any, str, tuple]:
        options = given.options
        if isinstance(given.answer, bool):
            raise SolverError("with options, the answer is an option id (or a list of them), "
                              "not true/false", ("answer",))
        if given.accept:
            raise SolverError("accept applies to short-label answers; with options, the "
                              "option's text is accepted already", ("accept",))
        chosen = given.answer if isinstance(given.answer, list) else [given.answer]
        ids = [_text(c) for c in chosen]
        for i, option in enumerate(ids):
            if option not in options:
                path = ("answer", i) if isinstance(given.answer, list) else ("answer",)
                raise SolverError(f"{option!r} is not an option (options: {', '.join(options)})",
                                  path)
        if len(set(ids)) != len(ids):
            raise SolverError("an option is listed twice", ("answer",))
        if not ids:
            raise SolverError("select at least one option", ("answer",))
        for key in given.feedback:
            if key not in options:
                raise SolverError(f"{key!r} is not an option (options: {', '.join(options)})",
                                  ("feedback", key))
        if isinstance(given.answer, list):
            return frozenset(ids), "set", ()
        if ids[0] in given.feedback:
            raise SolverError("feedback is for wrong options; this one is the answer",
                              ("feedback", ids[0]))
        return ids[0], "label", (options[ids[0]],)

    @staticmethod
    def _free_answer(given: ChoiceGiven) -> tuple[Any, str, tuple]:
        answer = given.answer
        if isinstance(answer, bool):
            if given.accept:
                raise SolverError("accept applies to short-label answers, not true/false",
                                  ("accept",))
            value = _text(answer)
            for key in given.feedback:
                if key not in ("true", "false"):
                    raise SolverError("a true/false answer takes feedback on true or false",
                                      ("feedback", key))
                if key == value:
                    raise SolverError("feedback is for the wrong answer; this one is right",
                                      ("feedback", key))
            return value, "boolean", ()
        if isinstance(answer, list):
            labels = [_text(a) for a in answer]
            if not labels or any(not label for label in labels):
                raise SolverError("list the accepted labels", ("answer",))
            if given.accept:
                raise SolverError("accept applies to a single short label", ("accept",))
            return frozenset(labels), "set", ()
        value = _text(answer)
        if not value:
            raise SolverError("the answer is empty", ("answer",))
        spellings = {value.casefold()} | {a.strip().casefold() for a in given.accept}
        for key in given.feedback:
            if key.strip().casefold() in spellings:
                raise SolverError("feedback is for wrong answers; this one is accepted",
                                  ("feedback", key))
        return value, "label", tuple(a.strip() for a in given.accept if a.strip())

    # -- feedback as misconceptions ---------------------------------------------------------
    @staticmethod
    def _misconceptions(given: ChoiceGiven, value: Any, kind: str) -> list[Misconception]:
        out = []
        for key, explanation in given.feedback.items():
            if kind == "set":
                wrong = value ^ frozenset({key})    # that option added, or left out
            else:
                wrong = key
            out.append(Misconception(f"chose-{key}", explanation.strip(),
                                     lambda _, wrong=wrong: wrong))
        return out
