"""The given of the `choice` solver: the question, its options, the answer and the feedback."""

from __future__ import annotations

from pydantic import Field, field_validator

from nnsolve.solvers.base import Given
from nnsolve.solvers.choice.words import as_text as _text


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
