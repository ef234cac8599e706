"""How the `choice` solver reads option ids and answers: as text, and the words YAML 1.1 reads
as true or false. Shared by the given (given.py) and the solver."""

from __future__ import annotations

from typing import Any


def as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


#: what YAML 1.1 reads as true or false when it is not quoted
YAML_TRUE = ("true", "yes", "on")
YAML_FALSE = ("false", "no", "off")


def truth_word(option_id: str) -> bool | None:
    """True or False for an option id YAML would have read as that boolean, else None."""
    folded = option_id.casefold()
    return True if folded in YAML_TRUE else False if folded in YAML_FALSE else None
