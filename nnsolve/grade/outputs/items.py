"""Item analysis: how the class did on each asked quantity, and which wrong answers recur.

Counts are accumulated record by record while the batch streams, in memory bounded by the
number of asked quantities, never by the number of students: the wrong answers of each
quantity go through a space-saving counter of fixed capacity, which is exact as long as a
quantity has at most `capacity` distinct wrong answers and otherwise still finds the frequent
ones (a count may then be over-estimated by at most the smallest count it displaced).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from nnsolve.grade.outputs.values import canonical
from nnsolve.grade.report import STATUSES, GradeRecord


class BoundedCounter:
    """Space-saving heavy hitters: at most `capacity` keys, each with a count and a note."""

    def __init__(self, capacity: int = 32):
        self.capacity = capacity
        self.counts: dict[str, int] = {}
        self.notes: dict[str, str | None] = {}

    def add(self, key: str, note: str | None = None) -> None:
        if key not in self.counts and len(self.counts) >= self.capacity:
            smallest = min(self.counts, key=self.counts.__getitem__)
            floor = self.counts.pop(smallest)
            self.notes.pop(smallest, None)
            self.counts[key] = floor
        self.counts[key] = self.counts.get(key, 0) + 1
        if note or key not in self.notes:
            self.notes[key] = note or self.notes.get(key)

    def most_common(self, n: int) -> list[tuple[str, int, str | None]]:
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))[:n]
        return [(key, count, self.notes.get(key)) for key, count in ranked]


@dataclass
class Item:
    """One asked quantity of one part of one problem, over the whole batch."""

    problem: str
    part: str
    name: str
    label: str = ""
    points: float = 0.0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    wrong: BoundedCounter = field(default_factory=BoundedCounter)

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    def share(self, status: str) -> float:
        return self.counts[status] / self.n if self.n else 0.0

    def add(self, record: GradeRecord) -> None:
        self.counts[record.status] = self.counts.get(record.status, 0) + 1
        self.label = self.label or record.label
        self.points = max(self.points, record.points)
        if record.status in ("incorrect", "partial") and record.given is not None:
            self.wrong.add(canonical(record.given), record.misconception)

    def common_wrong(self, n: int = 3) -> list[dict]:
        return [{"given": json.loads(key), "count": count, "misconception": note}
                for key, count, note in self.wrong.most_common(n)]

    def to_json(self, top: int = 3) -> dict:
        return {"problem": self.problem, "part": self.part, "name": self.name,
                "label": self.label, "points": self.points, "n": self.n,
                "counts": dict(self.counts),
                "shares": {s: round(self.share(s), 4) for s in self.counts},
                "wrong_answers": self.common_wrong(top)}


class ItemAnalysis:
    """Per (problem, part, quantity), in the order the quantities were first graded."""

    def __init__(self):
        self.items: dict[tuple[str, str, str], Item] = {}

    def add(self, records) -> None:
        for record in records:
            if not record.asked:
                continue
            where = (record.problem, record.part, record.name)
            item = self.items.get(where)
            if item is None:
                item = self.items[where] = Item(*where)
            item.add(record)

    def __iter__(self):
        return iter(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    @property
    def problems(self) -> list[str]:
        return list(dict.fromkeys(item.problem for item in self))

    def to_json(self, top: int = 3) -> list[dict]:
        return [item.to_json(top) for item in self]
