"""Showing JSON-ready values (what grade records carry) to people, on one line."""

from __future__ import annotations

import json
import math
from typing import Any

from nnsolve.derivation import values as V

NOTHING = "—"


def show(value: Any) -> str:
    """`[55, 55, 96]`, `0.98`, `1/3`, `negative`, `{1: A, 2: B}`; `—` for no value.

    Mappings and tables are laid out as `values.format_value` lays out the values they came
    from, so a record reads as the derivation does; numbers keep six significant figures, since
    a record holds the student's own digits and the key's full value."""
    if value is None:
        return NOTHING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        if set(value) == {"header", "rows"} and isinstance(value["header"], list) and \
                isinstance(value["rows"], list) and all(isinstance(r, list) for r in value["rows"]):
            return V.table_text([show(h) for h in value["header"]],
                                [[show(c) for c in row] for row in value["rows"]])
        return V.mapping_text((str(k), show(v)) for k, v in value.items())
    return json.dumps(value, ensure_ascii=False, default=str)


def _number(x: float) -> str:
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def canonical(value: Any) -> str:
    """One spelling per answer, so that `34944` and `34944.0` are counted as the same answer."""
    return json.dumps(_integral(value), ensure_ascii=False, sort_keys=True, default=str)


def _integral(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, (list, tuple)):
        return [_integral(v) for v in value]
    return value
