"""The sentences a student reads next to each graded answer.

Each message says what was expected, how far off the answer is (that part comes from
`compare`), and which step to look at: the quantity's label and its general formula, so a
wrong answer points at a line of the worked solution, not just at a number.
"""

from __future__ import annotations

import difflib
from typing import Any

from nnsolve.derivation import board
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Quantity
from nnsolve.grade import memo

#: a longer label (a whole multiple-choice question) is cut here in messages
MAX_LABEL = 60
#: a formula with its numbers put in is shown only when it stays this short
MAX_NUMBERS = 240


def what(q: Quantity) -> str:
    """`params (trainable parameters)`: the name the student wrote and what it means."""
    label = " ".join(q.label.split())
    if not label or label == q.name:
        return q.name
    if len(label) > MAX_LABEL:
        label = label[:MAX_LABEL].rsplit(" ", 1)[0] + "…"
    return f"{q.name} ({label})"


def step_hint(d: Derivation, name: str, *, numbers: bool = True) -> str:
    """See `_step_hint`; written once per key's quantity and process (it is the key's)."""
    return memo.key_texts.get(("step", memo.ByIdentity(d), name, numbers),
                              lambda: _step_hint(d, name, numbers=numbers))


def _step_hint(d: Derivation, name: str, *, numbers: bool = True) -> str:
    """`Check the step trainable parameters: params = (F^2*C + 1)*K = (11^2*3 + 1)*96.`

    A quantity that only renames another (the stack's `params` is `params_1`) is followed to
    the step that computes it, where the mistake can be. '' without a formula. Without
    `numbers` the formula is shown as written only: its numbers are the key's earlier values.
    """
    chain = [name]
    while True:
        q = d[chain[-1]]
        if not getattr(q.formula, "is_Symbol", False) or len(q.inputs) != 1 or \
                q.inputs[0] in chain or d[q.inputs[0]].formula is None:
            break
        chain.append(q.inputs[0])
    try:
        shown_steps = [board.formula(d, n) for n in chain]
        numbers = board.substituted(d, chain[-1], elide=True) if numbers else ""
    except Exception:  # a formula that does not print is no reason to lose the grade
        return ""
    if not shown_steps or not shown_steps[-1]:
        return ""
    if not numbers:
        numbers = ""
    if numbers and numbers != shown_steps[-1] and len(numbers) <= MAX_NUMBERS:
        shown_steps.append(numbers)
    label = " ".join(d[name].label.split())
    named = label and label != name and len(label) <= MAX_LABEL
    step = f"the step {label}" if named else "the step"
    return f"Check {step}: {name} = {' = '.join(shown_steps)}."


def shown(value: Any, typed: Any = None) -> str:
    """A student's value the way they wrote it when that is known, else as values are written
    (`values.format_value`: expressions with ^, as the JSON and the answer files have them)."""
    if isinstance(typed, str) and typed.strip() and len(typed) <= 60:
        return typed.strip()
    if isinstance(value, float):
        text = repr(value)
        return text if len(text) <= 10 else V.format_value(value)
    try:
        return V.format_value(value)
    except Exception:  # an exotic value still gets a readable form
        return str(value)


def expected_text(q: Quantity) -> str:
    """The key's value as its kind writes it (55×55×96, 34,944), with its exact form where
    that differs (`1/3 ≈ 0.3333`); written once per key's quantity and process."""
    return memo.key_texts.get(("expected", memo.ByIdentity(q)), lambda: _expected_text(q))


def _expected_text(q: Quantity) -> str:
    try:
        text = q.value_kind.text(q.value, exact=False)
    except Exception:  # a plugin's kind that cannot write its value: the plain form
        text = shown(q.value)
    try:
        exact = V.exact_text(q.value)
    except Exception:  # an exact form that does not print is only a nicety
        exact = None
    return f"{exact} ≈ {text}" if exact and exact != text else text


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def join(*pieces: str) -> str:
    return " ".join(sentence(p) for p in pieces if p and p.strip())


# -- one message per status -----------------------------------------------------------------

def missing(q: Quantity, part_id: str, strays: list[str], part_answered: bool,
            elsewhere: str) -> str:
    """`elsewhere` names what the answers hold instead ("parts x, y"), if anything."""
    message = f"no answer for {what(q)}"
    if not part_answered and elsewhere:
        message += f"; there are no answers for part {part_id} (your answers name {elsewhere})"
    close = difflib.get_close_matches(q.name, strays, n=1, cutoff=0.6)
    if close:
        message += f"; you wrote {close[0]!r}, which is not a quantity of this part: " \
                   f"did you mean {q.name}?"
    return sentence(message)


def unknown_name(name: str, part_id: str, asked: list[str], known: list[str]) -> str:
    """An answer to a quantity part `part_id` does not have, with the closest asked (or, failing
    that, derived) name: `params1` for `params`."""
    message = f"{name!r} is not a quantity of part {part_id}, so this answer is not graded"
    close = difflib.get_close_matches(name, asked, n=1, cutoff=0.6) or \
        difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean {close[0]}?"
    return sentence(message)


def ungrouped(q: Quantity, part_id: str) -> str:
    return join(f"no answer for {what(q)} in part {part_id}: this problem has parts, so write "
                f"it under its part (answers: {{{part_id}: {{{q.name}: ...}}}})")


def invalid(q: Quantity, reason: str) -> str:
    return join(f"your answer for {what(q)} could not be read: {reason}")


def unreadable(reason: str) -> str:
    first = reason.strip().splitlines()[0] if reason.strip() else "the file could not be read"
    return join(f"not graded, because the submission could not be read: {first}")


def ecf(q: Quantity, sources: list[tuple[str, str]], fraction: float) -> str:
    listed = ", ".join(f"{name} = {value}" for name, value in sources)
    credit = "" if fraction >= 1 else f" ({fraction:.0%} of the points)"
    return join(f"consistent with your {listed}{credit}",
                f"the correct value is {expected_text(q)}; the difference comes from your "
                f"{', '.join(n for n, _ in sources)}")


def rounded(sources: list[tuple[str, str]]) -> str:
    listed = ", ".join(f"{name} = {value}" for name, value in sources)
    return join(f"accepted: consistent with your rounded {listed}")


def incorrect(d: Derivation, q: Quantity, comparison_message: str, given_text: str, *,
              low_precision: bool,
              misconception: tuple[str, bool] | None = None, trivial: str = "",
              repeats: str | None = None, accepted_fraction: float = 0.0,
              scoring: str = "") -> str:
    pieces = [comparison_message or f"expected {expected_text(q)}, got {given_text}"]
    if trivial:
        pieces.append(f"it is consistent with your earlier answers, but {trivial}")
    elif repeats:
        pieces.append(f"your answer just repeats your {repeats}, and {q.label or q.name} "
                      f"is not simply {repeats}")
    if misconception:
        description, from_student = misconception
        whose = " (applied to your earlier answers)" if from_student else ""
        pieces.append(f"this matches a common mistake{whose}: {description}")
    if scoring:
        # a selection: say how its credit was counted, also when that is nothing
        credit = "partial credit" if accepted_fraction > 0 else "no partial credit"
        pieces.append(f"{credit}: {scoring}")
    elif accepted_fraction > 0:
        pieces.append(f"partial credit: {accepted_fraction:.0%} right")
    if not low_precision:
        pieces.append(step_hint(d, q.name))
    return join(*pieces)


def hint(d: Derivation, q: Quantity, *, wrong: str = "", sources: list[tuple[str, str]] = (),
         misconception: tuple[str, bool] | None = None, reason: str = "",
         credit: str = "") -> str:
    """What a wrong (or carried-forward) answer's message says without the key: what is
    wrong in the student's own terms, the misconception, the credit and the step's formula
    as written, but no expected value and no earlier values of the key put into it, so an
    autograder that allows resubmission does not give the answers away (`--reveal hints`)."""
    pieces = [wrong]
    if sources:
        listed = ", ".join(f"{name} = {value}" for name, value in sources)
        pieces.append(f"consistent with your {listed}")
    pieces.append(reason)
    if misconception:
        description, from_student = misconception
        whose = " (applied to your earlier answers)" if from_student else ""
        pieces.append(f"this matches a common mistake{whose}: {description}")
    pieces.append(credit)
    if not sources:
        pieces.append(step_hint(d, q.name, numbers=False))
    return join(*pieces)
