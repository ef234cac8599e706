"""What a kind of value is: what every kind provides (the registry is `registry`).

Every quantity has a kind: a number, a shape, a vector, a colouring of a graph's nodes. The
kind is what knows how such a value is brought to one form, written for a person (text,
LaTeX, MathML), written as JSON, read from a student's YAML and compared with a student's
answer. Solvers name a kind; the renderers and the grader ask the kind. A new kind (a plugin's
own) is one subclass and one `register` call, and nothing else in nnsolve changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Protocol

from nnsolve.derivation import values as V
from nnsolve.derivation.kinds.tolerance import RIGHT, Comparison, Tolerance, wrong

@dataclass(frozen=True)
class CompareContext:
    """What a comparison may need beyond the two values."""

    #: time.monotonic() after which symbolic checks give up
    deadline: float
    #: what the student wrote (a string, or nested lists of strings for an array): counts digits
    given_text: Any = None
    #: symbol -> what it stands for in the derivation, for symbolic answers
    definitions: Mapping | None = None
    #: time.monotonic() after which `simplify` is not tried (None: the deadline)
    simplify_deadline: float | None = None


class AnswerReader(Protocol):
    """How a kind reads a student's YAML: the grader's whitelisting parser, never `eval`.

    `read(raw, mode)` knows the modes `number`, `count` (a number where 3,404 is 3404),
    `expression`, `label`, `labels`, `set`,
    `vector`, `matrix` and `auto`; the other methods read one piece at a time for kinds whose
    answers are built of pieces (a mapping's keys and values). Every method raises the
    grader's AnswerError, with a message for the student, for what it cannot read.
    `written` is the answer as typed in the file (a string, nested like the answer), or None.
    """

    written: Any

    def read(self, raw: Any, mode: str) -> Any: ...

    def label(self, raw: Any) -> str: ...

    def number(self, raw: Any) -> Any: ...

    def value(self, raw: Any) -> Any:
        """A scalar, a label or nested lists of them, each read by its form (mode `auto`)."""

    def count(self, items: int) -> None:
        """Charge `items` elements to the answer's size limit."""

    def error(self, message: str) -> Exception:
        """The exception to raise for an answer that cannot be read (message for the student)."""


class ValueKind:
    """One kind of value. Subclasses override what differs; the defaults suit scalars."""

    #: the name solvers, JSON and the schema use
    name: ClassVar[str] = ""
    #: one line for `nnsolve schema` and the docs
    description: ClassVar[str] = ""
    #: graded exactly unless the problem gives a tolerance (counts, shapes, labels)
    exact: ClassVar[bool] = False
    #: how the grader's answer parser reads a student's YAML for this kind (see AnswerReader)
    expect: ClassVar[str] = "auto"
    #: a YAML mapping is one answer of this kind (node: colour), not a group of answers to
    #: quantities named by its keys (`conv1: {params: 5}` is conv1.params)
    mapping_answer: ClassVar[bool] = False

    # -- the value ----------------------------------------------------------------------
    def normalize(self, value: Any) -> Any:
        """Anything a solver computed, brought to this kind's one representation."""
        return V.normalize(value)

    def accepts(self, value: Any) -> bool:
        """Whether a normalized value is a value of this kind."""
        return True

    def elements(self, value: Any) -> list[tuple[str, Any]] | None:
        """(position, element) pairs for a value graded element by element (an array, a
        mapping, a table), so that one wrong element costs one element; None for a value
        that is right or wrong as a whole."""
        return None

    # -- writing --------------------------------------------------------------------------
    def to_json(self, value: Any) -> Any:
        return V.to_json(value)

    def write(self, value: Any, fmt: str, digits: int = 4, *, exact: bool = True) -> str:
        """The value in `fmt` ("text", "latex" or "mathml"): the one place a kind with a form of
        its own (a count grouped by thousands, a shape as H×W×C) overrides, so its three
        formats cannot drift apart. The default writes the bare value (`writing.value`)."""
        from nnsolve.derivation import writing

        return writing.value(value, fmt, digits, exact=exact)

    def text(self, value: Any, digits: int = 4, *, exact: bool = True) -> str:
        """One line of plain text (terminal, feedback, messages)."""
        return self.write(value, "text", digits, exact=exact)

    def latex(self, value: Any, digits: int = 4, *, exact: bool = True) -> str:
        return self.write(value, "latex", digits, exact=exact)

    def mathml(self, value: Any, digits: int = 4, *, exact: bool = True) -> str:
        return self.write(value, "mathml", digits, exact=exact)

    # -- grading --------------------------------------------------------------------------
    def read(self, raw: Any, reader: AnswerReader, expected: Any = None) -> Any:
        """A student's YAML answer as a value of this kind (`expected`, the key's value, tells
        how to read it where the kind alone does not: option ids are labels, not numbers)."""
        return reader.read(raw, self.expect)

    def compare(self, expected: Any, given: Any, tol: Tolerance,
                context: CompareContext) -> Comparison:
        """Equal as values, by default: a plugin's kind that needs no tolerance (a tree, an
        ordering) is graded without a comparator of its own, and says what was expected in
        its own written form."""
        if given == expected:
            return RIGHT
        return wrong(f"expected {self.text(expected)}, got {self.text(given)}")

    def __repr__(self) -> str:
        return f"<kind {self.name}>"
