"""What reaches a terminal: text from files made harmless, and a reader that leaves early.

A student id, a name, an answer or a file name can hold ESC sequences (YAML writes them as
"\\e"), which a terminal obeys: clear the screen, rewrite earlier lines, retitle the window.
Everything printed that came from a file goes through `printable` once, at the point where it
is printed. `| head` closing stdout early is the reader's choice, not an error.
"""

from __future__ import annotations

import os
import re

#: C0 controls but tab and newline, DEL, C1 controls (0x9b alone starts a sequence on many
#: terminals), and the bidirectional overrides that make text read in another order
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """`text` with every control character written as its \\u escape.

    The escape is also JSON's own, so a JSON document passed through keeps its meaning.
    """
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))


def silence(stream) -> None:
    """Send what is still to be written to `stream` nowhere, so that neither later output
    nor the interpreter's flush at exit fails on the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file: nothing to redirect
        pass


class StdoutOutput:
    """Base of the outputs written to stdout: once the reader has gone, the rest of the
    batch is still graded and its files written, only stdout stays silent."""

    closed = False

    def _emit(self, stream, write, *args) -> None:
        """`write(*args)`, which writes to `stream`, unless the reader has gone."""
        if self.closed:
            return
        try:
            write(*args)
        except BrokenPipeError:
            self.closed = True
            silence(stream)
