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
set; `partial: true` on the ask gives max(0, (right picks − wrong picks) / right options) of
the points, so ticking every option earns nothing). For a multiple select, feedback on an option is shown when the selection differs from
the answer by that option alone (picked though wrong, or left out though right).

YAML reads an unquoted yes/no, on/off, true/false as true/false, in the answer and in the option
ids alike. So `options: {yes: …, no: …}, answer: yes` means the option yes: a true or false
answer (or feedback key) is the option whose id is one of those words with the same truth. A
pair of such options is graded as true/false, so a student's yes, 'Yes', true or y all count;
any other option whose id is such a word also accepts the other spellings of it. Option ids are
labels even when they are numbers (`{5: …, 10: …}`): the answer is the string "10", as the
option keys and a student's answer to it are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from nnsolve.solvers.base import GivenFrom, Solver, SolverError
from nnsolve.solvers.choice.words import as_text as _text
from nnsolve.solvers.choice.words import YAML_FALSE, YAML_TRUE
from nnsolve.solvers.choice.words import truth_word as _truth_word

if TYPE_CHECKING:
    from nnsolve.derivation.core import Derivation, Misconception
    from nnsolve.solvers.choice.given import ChoiceGiven


class ChoiceSolver(Solver):
    name = "choice"
    summary = "multiple choice, multiple select, true/false and short-label questions"
    Given = GivenFrom("nnsolve.solvers.choice.given:ChoiceGiven")
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
        from nnsolve.derivation.core import Derivation

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
              misconceptions=self._misconceptions(given, value, kind), accept=accept,
              note=_chosen_text(given.options, value))
        return d

    # -- the answer -----------------------------------------------------------------------
    @staticmethod
    def _option_answer(given: ChoiceGiven) -> tuple[Any, str, tuple]:
        options = given.options
        if given.accept:
            raise SolverError("accept applies to short-label answers; with options, the "
                              "option's text is accepted already", ("accept",))
        many = isinstance(given.answer, list)
        chosen = given.answer if many else [given.answer]
        ids = []
        for i, choice in enumerate(chosen):
            path = ("answer", i) if many else ("answer",)
            option = _option_id(choice, options, path)
            if option not in options:
                raise SolverError(f"{option!r} is not an option (options: {', '.join(options)})",
                                  path)
            ids.append(option)
        if len(set(ids)) != len(ids):
            raise SolverError("an option is listed twice", ("answer",))
        if not ids:
            raise SolverError("select at least one option", ("answer",))
        for key in given.feedback:
            if _feedback_option(key, options) is None:
                why = " (YAML reads an unquoted yes/no/on/off as true/false: quote the key)" \
                    if key in ("true", "false") else ""
                raise SolverError(f"{key!r} is not an option (options: {', '.join(options)})"
                                  f"{why}", ("feedback", key))
        if many:
            return frozenset(ids), "set", ()
        answer = ids[0]
        if any(_feedback_option(key, options) == answer for key in given.feedback):
            raise SolverError("feedback is for wrong options; this one is the answer",
                              ("feedback", next(k for k in given.feedback
                                                if _feedback_option(k, options) == answer)))
        truth = _truth_word(answer)
        if truth is not None and len(options) == 2 and \
                {_truth_word(k) for k in options} == {True, False}:
            return answer, "boolean", (options[answer],)      # yes/no: any spelling counts
        spellings = () if truth is None else tuple(
            w for w in (YAML_TRUE if truth else YAML_FALSE) if w != answer.casefold())
        return answer, "label", (options[answer], *spellings)

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
        from nnsolve.derivation.core import Misconception

        out = []
        for key, explanation in given.feedback.items():
            if given.options is not None:
                key = _feedback_option(key, given.options)
            if kind == "set":
                wrong = value ^ frozenset({key})    # that option added, or left out
            else:
                wrong = key
            out.append(Misconception(f"chose-{key}", explanation.strip(),
                                     lambda _, wrong=wrong: wrong))
        return out


def _option_id(choice: Any, options: Mapping[str, str], path: tuple) -> str:
    """The option a written answer names. YAML turned an unquoted yes/no/on/off/true/false
    into a boolean: that is the option whose id is one of those words with the same truth."""
    if not isinstance(choice, bool):
        return _text(choice)
    matches = [k for k in options if _truth_word(k) is choice]
    if len(matches) == 1:
        return matches[0]
    words = "yes/true/on" if choice else "no/false/off"
    if matches:
        raise SolverError(f"YAML reads an unquoted {words} as {_text(choice)}, and the options "
                          f"{', '.join(matches)} all mean that: quote the answer as the option "
                          f"id is written ('{matches[0]}')", path)
    raise SolverError(f"YAML reads an unquoted {words} as {_text(choice)}, which names no option "
                      f"(options: {', '.join(options)}); with options the answer is an option "
                      f"id: quote it if it is one (answer: '{'yes' if choice else 'no'}')", path)


def _feedback_option(key: str, options: Mapping[str, str]) -> str | None:
    """The option a feedback key names: itself, or the yes/no option of the same truth when
    YAML read the key as a boolean (it arrives here as 'true' or 'false')."""
    if key in options:
        return key
    if key in ("true", "false"):
        matches = [k for k in options if _truth_word(k) is (key == "true")]
        if len(matches) == 1:
            return matches[0]
    return None


def _chosen_text(options, value) -> str:
    """The chosen options' texts, so a key says "b: the encoder", not a bare letter."""
    if not options:
        return ""
    ids = sorted(value, key=list(options).index) if isinstance(value, (list, tuple, set, frozenset)) \
        else [value]
    return "; ".join(f"{i}: {options[i]}" for i in ids if i in options)
