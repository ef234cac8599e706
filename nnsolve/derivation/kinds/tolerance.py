"""How close an answer must be, and the verdict on one answer.

Tolerances come from the problem (per part, per asked quantity); a kind's comparator turns
expected value, student's value and tolerance into a Comparison the grader scores and explains.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

#: digits a tolerance may ask for, or a written number may count
MAX_DIGITS = 100


@dataclass(frozen=True)
class Tolerance:
    """How close a number must be.

    ``sigfigs`` and ``decimals`` replace ``rel``/``abs`` when set (if both are
    set, the wider band applies); ``exact`` overrides everything.
    """

    rel: float = 0.01
    abs: float = 0.001
    sigfigs: int | None = None
    decimals: int | None = None
    exact: bool = False

    def __post_init__(self) -> None:
        for name in ("rel", "abs"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
                raise ValueError(f"tolerance {name} must be a number >= 0, got {value!r}")
        for name, least in (("sigfigs", 1), ("decimals", 0)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not least <= value <= MAX_DIGITS):
                raise ValueError(f"tolerance {name} must be an integer from {least} to "
                                 f"{MAX_DIGITS}, got {value!r}")
        if not isinstance(self.exact, bool):
            raise ValueError(f"tolerance exact must be true or false, got {self.exact!r}")

    @classmethod
    def from_spec(cls, spec: Mapping | None, base: Tolerance | None = None) -> Tolerance:
        """Merge a YAML tolerance mapping over ``base`` (default: the defaults).

        The most specific statement wins: a spec giving ``rel``/``abs`` but
        neither ``sigfigs`` nor ``decimals`` drops the base's digit rule, and
        a spec giving one digit rule drops the base's other one.
        """
        base = base or cls()
        if spec is None:
            return base
        if not isinstance(spec, Mapping):
            raise ValueError(f"a tolerance must be a mapping, got {spec!r}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in spec if k not in known)
        if unknown:
            raise ValueError(f"unknown tolerance key(s): {', '.join(unknown)}; "
                             f"use {', '.join(sorted(known))}")
        changes = dict(spec)
        gives_digits = "sigfigs" in spec or "decimals" in spec
        if ("rel" in spec or "abs" in spec) and not gives_digits:
            changes.update(sigfigs=None, decimals=None)
        elif "sigfigs" in spec and "decimals" not in spec:
            changes["decimals"] = None
        elif "decimals" in spec and "sigfigs" not in spec:
            changes["sigfigs"] = None
        return replace(base, **changes)


@dataclass(frozen=True)
class Comparison:
    """The verdict on one answer, with what the student should be told."""

    ok: bool
    fraction: float          # share of elements right (1.0 or 0.0 for a single value)
    message: str             # "" when ok, otherwise for the student
    low_precision: bool = False
    #: neither evaluation nor simplification could settle it in time: a person must look
    undecided: bool = False
    #: how ``fraction`` was computed, when that is not simply the share of elements right
    #: (a selection: right picks minus wrong picks over the right options)
    scoring: str = ""
    #: a remark on a right answer the student should still read (a value truncated rather
    #: than rounded); never the expected value, so it may be shown whatever is revealed
    note: str = ""


RIGHT = Comparison(True, 1.0, "")


def wrong(message: str, low_precision: bool = False) -> Comparison:
    return Comparison(False, 0.0, message, low_precision)


