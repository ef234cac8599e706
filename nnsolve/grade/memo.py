"""What a class's submissions have in common, worked out once per grading process.

Most students of a class give the same right answers and make the same few slips, and every
one of them is compared with the same key. A verdict on a pair (the key's value, a student's
value, under one tolerance) or a rule run on the same inputs does not depend on who wrote it,
so each is computed once and looked up after that. Values are keyed by type as well as by
value (1, 1.0 and sympy's 1 are three keys: each is shown to the student as written), and
nothing is kept that depends on the clock: a symbolic comparison left undecided at its time
limit is decided again next time.

The memos are bounded (least recently used entries go first) and per process; a grading worker
keeps its own.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable

#: entries each memo keeps; a class of thousands has a few hundred distinct answers per question
MAX_ENTRIES = 20_000
#: elements of an array value beyond which it is not memoised (its key would cost what it saves)
MAX_KEYED_ELEMENTS = 64

_MISSING = object()


class Unkeyable(Exception):
    """A value that cannot be part of a memo key (unhashable, or too large to be worth it)."""


#: types whose values are keys as they are (with their type: 1 and 1.0 are two keys)
_ATOMS = frozenset({int, float, str, bool, type(None)})


def token(value: Any, budget: list | None = None) -> Hashable:
    """A hashable stand-in for a value that tells apart what compares equal but is written
    differently (1 and 1.0, a tuple and a list). Raises Unkeyable."""
    kind = type(value)
    if kind in _ATOMS:
        return kind, value
    budget = [MAX_KEYED_ELEMENTS] if budget is None else budget
    budget[0] -= 1 + (len(value) if isinstance(value, (tuple, list, dict)) else 0)
    if budget[0] < 0:
        raise Unkeyable
    if kind is tuple or kind is list:
        return kind, tuple([token(v, budget) for v in value])
    if isinstance(value, dict):
        return dict, tuple([(token(k, budget), token(v, budget)) for k, v in value.items()])
    if isinstance(value, (tuple, list)):
        return kind, tuple([token(v, budget) for v in value])
    try:
        hash(value)
    except TypeError:
        raise Unkeyable from None
    return kind, value


class ByIdentity:
    """A key part that is its object itself, not its value: what a derivation's symbols
    stand for is one dict per derivation, kept for the whole batch, and hashing its contents
    for every comparison would cost more than the comparison."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any):
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ByIdentity) and other.obj is self.obj


class Memo:
    """A bounded map from keys to computed results; when full, the oldest entry goes first
    (what a class has in common comes early and stays in use, so first in, first out does
    as well as least recently used, without reordering on every hit)."""

    def __init__(self, size: int = MAX_ENTRIES):
        self.size = size
        self._entries: dict = {}
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], Any],
            keep: Callable[[Any], bool] = lambda result: True) -> Any:
        """The result for `key`, computed (and kept if `keep` says so) the first time."""
        found = self._entries.get(key, _MISSING)
        if found is not _MISSING:
            self.hits += 1
            return found
        self.misses += 1
        result = compute()
        if keep(result):
            self._entries[key] = result
            if len(self._entries) > self.size:
                del self._entries[next(iter(self._entries))]
        return result

    def clear(self) -> None:
        self._entries.clear()
        self.hits = self.misses = 0


#: verdicts of comparisons (grade/grader.py, grade/ecf.py)
comparisons = Memo()
#: rules and misconceptions run on inputs a student chose (grade/ecf.py)
rule_runs = Memo()
#: what is known of the key's own quantities, the same for every student: formulas and
#: expected values as feedback writes them, tolerances, whether a value is symbolic
key_texts = Memo(4096)


def remembered(memo: Memo, key_parts: tuple, compute: Callable[[], Any],
               keep: Callable[[Any], bool] = lambda result: True) -> Any:
    """`compute()` through `memo`, keyed by `key_parts` (values made into tokens); computed
    directly when a part cannot be keyed."""
    try:
        key = tuple([token(part) for part in key_parts])
        hash(key)
    except (Unkeyable, TypeError):
        return compute()
    return memo.get(key, compute, keep)
