"""Answers as students write them on paper, brought to what the answer parser reads.

A student who counts parameters writes "34944 parameters": the word is not part of the value,
but it must name the quantity asked (its name or a word of its label), or "34944 units" for a
parameter count would pass unnoticed. Only a word after a number is taken off; anything else is
left for the parser to read or to refuse with its own message.
"""

from __future__ import annotations

import re
from typing import Any

from nnsolve.derivation.core import Quantity
from nnsolve.derivation.kinds.compare_numbers import is_number
from nnsolve.grade.answer_limits import AnswerError

_NUMBER_AND_WORD = re.compile(r"\s*([^A-Za-z]*[0-9][^A-Za-z]*?)\s+([A-Za-z][A-Za-z-]*)\.?\s*\Z")


def _stem(word: str) -> str:
    word = word.casefold()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def names_quantity(word: str, q: Quantity) -> bool:
    """Whether `word` is how the quantity could be called: its name (params) or a word of its
    label (parameters, units), singular or plural."""
    words = re.findall(r"[A-Za-z][A-Za-z-]*", f"{q.name} {q.label}")
    return _stem(word) in {_stem(w) for w in words if len(w) > 2}


def without_unit(raw: Any, q: Quantity) -> Any:
    """`raw` without a trailing word that names the quantity ("290400 units" → "290400"); a
    number followed by a word that names something else is refused with that reason, not
    with the parser's "use * for multiplication"."""
    if not isinstance(raw, str) or len(raw) > 200 or not is_number(q.value):
        return raw          # a label may well be "2 hidden"; an expression has its own names
    match = _NUMBER_AND_WORD.match(raw)
    if not match or len(match.group(2)) <= 2:
        return raw
    if names_quantity(match.group(2), q):
        return match.group(1)
    raise AnswerError(f"'{match.group(2)}' after the number does not name {q.name} "
                      f"({q.label}): write the number alone")
