"""Mappings, multisets, partitions and tables: answers made of named pieces.

Each rule gives credit for the pieces that are right and names the ones that are not, in the
words a student can act on (which key, which count, which two nodes):

* a mapping is graded key by key; a missing key and a key that should not be there each
  count as one wrong key, so writing every key one can think of earns nothing;
* a multiset (a histogram) is right when every element occurs as often as expected, in any
  order; its credit is the share of items the two have in common;
* a partition (a colouring) is right when the same elements share a class, whatever the
  classes are called; its credit is the share of elements in the right class once the
  student's classes are matched to the expected ones as well as they can be;
* a table is graded cell by cell under a header that must match.

Keys match as labels do, ignoring case and spacing, where that is not ambiguous.
"""

from __future__ import annotations

import re
from typing import Any

from nnsolve.derivation import structures as S
from nnsolve.derivation.kinds.base import CompareContext
from nnsolve.derivation.kinds.compare_collections import (MAX_LISTED, Element, count,
                                                          listed_wrong, listing)
from nnsolve.derivation.kinds.compare_numbers import describe, label_text
from nnsolve.derivation.kinds.tolerance import RIGHT, Comparison, Tolerance, wrong

#: pairs of elements named in a partition's message, of each sort
MAX_PAIRS = 3
#: differing counts of a multiset named in its message
MAX_COUNTS = 5
#: classes matched exactly (Hungarian method); beyond, largest overlaps first
MAX_MATCHED_CLASSES = 120


def natural(key: str) -> tuple:
    """Sort keys as a person counts: node 2 before node 10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", key) if part)


def align(expected: list[str], given: list[str]) -> dict[str, str]:
    """given key -> expected key: the same key, else the one key that reads the same
    ignoring case and spacing."""
    out = {g: g for g in given if g in set(expected)}
    left = [e for e in expected if e not in out]
    folded: dict[str, list[str]] = {}
    for e in left:
        folded.setdefault(label_text(e), []).append(e)
    claimed: dict[str, list[str]] = {}
    for g in given:
        if g not in out:
            claimed.setdefault(label_text(g), []).append(g)
    for text, keys in claimed.items():
        if len(keys) == 1 and len(folded.get(text, ())) == 1:
            out[keys[0]] = folded[text][0]
    return out


def _keys(items) -> str:
    return listing(list(items), shown=str)


# -- mappings ---------------------------------------------------------------------------------

def compare_mapping(expected: S.FrozenMap, given: Any, tol: Tolerance, context: CompareContext,
                    element: Element) -> Comparison:
    if not isinstance(given, S.FrozenMap):
        return wrong(f"expected a mapping of {count(len(expected), 'key')}, got {describe(given)}")
    keys = align(list(expected), list(given))
    texts = context.given_text if isinstance(context.given_text, dict) else {}
    wrong_ones: list[str] = []
    low = False
    for g, e in keys.items():
        text = texts.get(g)
        result = element(expected[e], given[g], tol,
                         CompareContext(context.deadline, text if isinstance(text, str) else None,
                                        context.definitions, context.simplify_deadline))
        if not result.ok:
            low = low or result.low_precision
            wrong_ones.append(f"{e}: {result.message}")
    missing = sorted(set(expected) - set(keys.values()), key=natural)
    extra = sorted(set(given) - set(keys), key=natural)
    bad = len(wrong_ones) + len(missing) + len(extra)
    if not bad:
        return RIGHT
    pieces = wrong_ones[:MAX_LISTED]
    if len(wrong_ones) > MAX_LISTED:
        pieces.append(f"{len(wrong_ones) - MAX_LISTED} more wrong")
    if missing:
        pieces.append("missing: " + _keys(missing))
    if extra:
        pieces.append("not expected: " + _keys(extra))
    total = len(expected) + len(extra)
    return Comparison(False, (total - bad) / total, f"{bad} of {count(total, 'key')} wrong: "
                      + "; ".join(pieces), low)


# -- multisets --------------------------------------------------------------------------------

def compare_multiset(expected: S.Multiset, given: Any) -> Comparison:
    if not isinstance(given, S.FrozenMap):
        return wrong(f"expected counts (element: how often), got {describe(given)}")
    keys = align(list(expected), list(given))
    got: dict[str, int] = {}
    for g, value in given.items():
        try:
            n = int(value)
        except (TypeError, ValueError, OverflowError):
            n = None
        if n is None or n != value or n < 0:
            return wrong(f"the count of {g} is {describe(value)}, not a whole number")
        got[keys.get(g, g)] = got.get(keys.get(g, g), 0) + n
    want = {k: int(v) for k, v in expected.items()}
    differ = sorted((k for k in set(want) | set(got) if want.get(k, 0) != got.get(k, 0)),
                    key=natural)
    if not differ:
        return RIGHT
    overlap = sum(min(n, got.get(k, 0)) for k, n in want.items())
    total = max(sum(want.values()), sum(got.values()))
    shown = [f"{k}: expected {want.get(k, 0)}, got {got.get(k, 0)}" for k in differ]
    more = f"; and {len(shown) - MAX_COUNTS} more" if len(shown) > MAX_COUNTS else ""
    message = f"{count(len(differ), 'count')} differ: " + "; ".join(shown[:MAX_COUNTS]) + more
    return Comparison(False, overlap / total if total else 0.0, message)


# -- partitions -------------------------------------------------------------------------------

def compare_partition(expected: S.Partition, given: Any, members: str = "nodes",
                      group: str = "colour") -> Comparison:
    """`members` and `group` are the words of the message ("nodes 1 and 3 should share a
    colour"): a clustering would say points and cluster."""
    if not isinstance(given, S.FrozenMap) or isinstance(given, S.Multiset):
        return wrong(f"expected a {group} for each of the {members}, got {describe(given)}")
    keys = align(list(expected), list(given))
    labels = {e: given[g] for g, e in keys.items()}
    missing = sorted(set(expected) - set(labels), key=natural)
    extra = sorted(set(given) - set(keys), key=natural)
    want = _classes(expected.items())
    got = _classes(labels.items())
    pairs = _best_pairs(want, got)
    right = set()
    for i, j in pairs.items():
        right |= want[i] & got[j]
    total = len(expected) + len(extra)
    if len(right) == len(expected) and not extra:
        return RIGHT
    one = members[:-1] if members.endswith("s") else members
    parts = []
    share, apart = _pairs_to_name(want, got, pairs)
    if share:
        parts.append(_pair_sentence(share, members, f"should share a {group}"))
    if apart:
        parts.append(_pair_sentence(apart, members,
                                    "should not" if share else f"should not share a {group}"))
    if missing:
        parts.append(f"no {group} for {one if len(missing) == 1 else members} {_keys(missing)}")
    if extra:
        parts.append(f"not expected: {one if len(extra) == 1 else members} {_keys(extra)}")
    wrong_count = total - len(right)
    message = f"{wrong_count} of {total} {members} not grouped as expected: " + "; ".join(parts)
    return Comparison(False, len(right) / total if total else 0.0, message)


def _classes(items) -> list[set[str]]:
    by_label: dict[Any, set[str]] = {}
    for element, label in items:
        by_label.setdefault(S.key_text(label), set()).add(element)
    return sorted(by_label.values(), key=lambda c: natural(min(c, key=natural)))


def _best_pairs(want: list[set], got: list[set]) -> dict[int, int]:
    """Expected class -> student class, pairing classes so that as many elements as possible
    are in their paired class (each class paired at most once)."""
    weights = {(i, j): len(a & b) for i, a in enumerate(want) for j, b in enumerate(got)
               if not a.isdisjoint(b)}
    if max(len(want), len(got)) <= MAX_MATCHED_CLASSES:
        return _assignment(len(want), len(got), weights)
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for (i, j), _ in sorted(weights.items(), key=lambda item: -item[1]):
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def _assignment(rows: int, columns: int, weights: dict) -> dict[int, int]:
    """A maximum-weight pairing of rows and columns (the Hungarian method on costs −weight)."""
    n = max(rows, columns)
    if n == 0:
        return {}
    inf = float("inf")
    u, v = [0.0] * (n + 1), [0.0] * (n + 1)
    owner, way = [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        owner[0] = i
        j0 = 0
        least = [inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cost = -weights.get((i0 - 1, j - 1), 0) - u[i0] - v[j]
                    if cost < least[j]:
                        least[j], way[j] = cost, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(n + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    return {owner[j] - 1: j - 1 for j in range(1, n + 1)
            if owner[j] and weights.get((owner[j] - 1, j - 1), 0) > 0}


def _pairs_to_name(want: list[set], got: list[set], pairs: dict[int, int]):
    """Pairs of elements that show each mistake: two that belong together but were split,
    and two that were put together but do not belong together."""
    share, apart = [], []
    paired_got = {j: i for i, j in pairs.items()}
    for i, members in enumerate(want):
        kept = want[i] & got[pairs[i]] if i in pairs else set()
        anchor = min(kept or members, key=natural)
        strays = sorted((m for m in members - kept if m != anchor), key=natural)
        share.extend(tuple(sorted((anchor, m), key=natural)) for m in strays[:MAX_PAIRS])
    for j, members in enumerate(got):
        kept = got[j] & want[paired_got[j]] if j in paired_got else set()
        anchor = min(kept or members, key=natural)
        anchor_class = next(c for c in want if anchor in c)
        strays = sorted((m for m in members if m not in anchor_class), key=natural)
        apart.extend(tuple(sorted((anchor, m), key=natural)) for m in strays[:MAX_PAIRS])
    return share[:MAX_PAIRS], apart[:MAX_PAIRS]


def _pair_sentence(pairs: list[tuple[str, str]], members: str, verb: str) -> str:
    """`nodes 1 and 3 should share a colour, and so should 5 and 6`."""
    sentence = f"{members} {pairs[0][0]} and {pairs[0][1]} {verb}"
    also = ", nor should" if verb.startswith("should not") else ", and so should"
    return sentence + "".join(f"{also} {a} and {b}" for a, b in pairs[1:])


# -- tables -----------------------------------------------------------------------------------

def compare_table(expected: S.TableValue, given: Any, tol: Tolerance, context: CompareContext,
                  element: Element) -> Comparison:
    if not isinstance(given, S.TableValue):
        return wrong(f"expected a table with the columns {', '.join(expected.header)}, "
                     f"got {describe(given)}")
    if [label_text(h) for h in expected.header] != [label_text(h) for h in given.header]:
        return wrong(f"expected the columns {', '.join(expected.header)}, "
                     f"got {', '.join(given.header)}")
    if len(expected.rows) != len(given.rows):
        return wrong(f"expected {count(len(expected.rows), 'row')}, got {len(given.rows)}")
    alone = CompareContext(context.deadline, None, context.definitions,
                           context.simplify_deadline)
    wrong_ones: list[str] = []
    low = False
    total = 0
    for i, (want, got) in enumerate(zip(expected.rows, given.rows), 1):
        for column, e, g in zip(expected.header, want, got):
            total += 1
            result = element(e, g, tol, alone)
            if not result.ok:
                low = low or result.low_precision
                wrong_ones.append(f"row {i}, {column}: {result.message}")
    if not wrong_ones:
        return RIGHT
    return Comparison(False, (total - len(wrong_ones)) / total,
                      listed_wrong(wrong_ones, total, "cells"), low)
