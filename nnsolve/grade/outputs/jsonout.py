"""`grade --format json`: the stable shape, streamed result by result to a text stream.

    {"nnsolve": 1, "results": [{"student", "name", "problem", "file", "score", "max_score",
      "error", "records": [...]}, ...], "summary": {"submissions", "graded", "invalid",
      "mean_score", "mean_fraction", "items": [...]}}

Each result is written the moment it is graded, so a script reading the stream sees a class
go by instead of waiting for all of it; the document is valid JSON once the batch ends.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from nnsolve.grade.report import GradeResult
from nnsolve.terminal import StdoutOutput, printable


#: characters beyond which a result is written on one line, not indented (a key of big
#: matrices would put every number of every record on a line of its own)
INDENT_LIMIT = 100_000


def _indented(data, indent: int) -> str:
    pad = " " * indent
    compact = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(compact) > INDENT_LIMIT:
        return pad + compact
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return "\n".join(pad + line for line in text.splitlines())


class JsonOutput(StdoutOutput):
    """Writes to `stream`, or to whatever sys.stdout is at the time of writing (a progress bar
    may route it above itself while it runs)."""

    def __init__(self, stream: TextIO | None = None):
        self._stream = stream
        self.count = 0
        self._write('{\n  "nnsolve": 1,\n  "results": [')

    def _write(self, text: str) -> None:
        stream = self._stream or sys.stdout
        self._emit(stream, self._send, stream, printable(text))

    @staticmethod
    def _send(stream: TextIO, text: str) -> None:
        stream.write(text)
        stream.flush()

    def add(self, result: GradeResult) -> None:
        self._write(("," if self.count else "") + "\n" + _indented(result.to_json(), 4))
        self.count += 1

    def finish(self, summary) -> None:
        closing = "\n  ]" if self.count else "]"
        self._write(f'{closing},\n  "summary": {_indented(summary.to_json(), 2).lstrip()}\n}}\n')

    def discard(self) -> None:
        """What was streamed is gone to the reader; an interrupted stream simply ends early."""
