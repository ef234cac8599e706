"""What a batch adds up to: counts, mean score and the item analysis."""

from __future__ import annotations

from nnsolve.grade.outputs.items import ItemAnalysis
from nnsolve.grade.outputs.wording import points
from nnsolve.grade.report import GradeResult


class BatchSummary:
    """Accumulated result by result, holding only totals (and the bounded item analysis)."""

    def __init__(self):
        self.graded = 0
        self.invalid = 0
        self.score_sum = 0.0
        self.fraction_sum = 0.0
        self.items = ItemAnalysis()

    def add(self, result: GradeResult) -> None:
        if result.error is not None:
            self.invalid += 1
            return
        self.graded += 1
        self.score_sum += result.score
        if result.max_score:
            self.fraction_sum += result.score / result.max_score
        self.items.add(result.records)

    @property
    def submissions(self) -> int:
        return self.graded + self.invalid

    @property
    def mean_score(self) -> float | None:
        return round(self.score_sum / self.graded, 4) if self.graded else None

    @property
    def mean_fraction(self) -> float | None:
        return round(self.fraction_sum / self.graded, 4) if self.graded else None

    def line(self) -> str:
        """The one-line summary printed on stderr after a batch."""
        text = f"graded {self.graded}, invalid {self.invalid}"
        if self.graded:
            text += f", mean score {points(self.mean_score)} ({self.mean_fraction:.0%})"
        return text

    def to_json(self) -> dict:
        return {"submissions": self.submissions, "graded": self.graded,
                "invalid": self.invalid, "mean_score": self.mean_score,
                "mean_fraction": self.mean_fraction, "items": self.items.to_json()}
