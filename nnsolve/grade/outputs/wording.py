"""How a grade record is put into words, the same in the terminal, feedback and Gradescope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nnsolve.grade.outputs.values import show

if TYPE_CHECKING:  # the report shows itself in notebooks through these words
    from nnsolve.grade.report import GradeRecord

SYMBOLS = {"correct": "✓", "ecf": "≈", "partial": "◐", "incorrect": "✗", "missing": "–", "invalid": "!"}
STATUS_WORDS = {"correct": "correct", "ecf": "consistent with your earlier answers",
                "partial": "partly right", "incorrect": "incorrect", "missing": "not answered",
                "invalid": "could not be read"}


def points(value: float) -> str:
    """Points as a person reads them: 4, 4.5, 3.33 (the gradebooks keep the full figure)."""
    return show(round(float(value), 2))


def quantity_title(record: GradeRecord, *, problem: bool = False) -> str:
    """`a.params (trainable parameters)`, optionally preceded by the problem id."""
    title = f"{record.part}.{named(record)}"
    return f"{record.problem} {title}" if problem else title


def named(record: GradeRecord) -> str:
    """A quantity's name with its words, without saying the name twice (`units` is labelled
    "units (elements) of the final output")."""
    label = record.label or ""
    if not label:
        return record.name
    return label if label.lower().startswith(record.name.lower() + " ") else \
        f"{record.name} ({label})"


def record_detail(record: GradeRecord) -> str:
    """The grader's message, completed with the expected value when the message does not
    already give it (its misconception is in the message's words; the id is in the data)."""
    message = record.message.strip()
    if record.status == "correct":
        return message or "correct"
    if not message:
        message = STATUS_WORDS.get(record.status, record.status)
        if record.misconception:
            message += f" ({record.misconception})"
    expected = show(record.expected)
    if record.expected is None or expected in message or record.status == "ecf":
        return message  # an ecf message always names the correct value, to the answer's digits
    if message.endswith((".", "!", "?")):
        return f"{message} Expected {expected}."
    return f"{message}; expected {expected}"


def wrong_answer(entry: dict) -> str:
    """One of an item's common wrong answers: `[54, 54, 96] ×12 (no-floor)`."""
    text = f"{show(entry['given'])} ×{entry['count']}"
    return text + (f" ({entry['misconception']})" if entry.get("misconception") else "")
