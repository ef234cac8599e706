"""`-o key.pdf`: the LaTeX rendering compiled by pdflatex, when it is installed.

A PDF is only ever made from the LaTeX nnsolve writes, in a private temporary folder, with
shell escape off; without pdflatex the user is told how to get one instead of being handed a
text file named `.pdf`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from nnsolve.errors import NnsolveError

#: seconds one pdflatex run may take before it counts as stuck
TIMEOUT = 120


def to_pdf(tex: str, name: str) -> bytes:
    """The PDF of a complete LaTeX document; NnsolveError naming `name` when it cannot be made."""
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        raise NnsolveError("writing a PDF needs pdflatex (TeX Live or MiKTeX), which is not "
                           "installed; write .tex and compile it, or .html and print it",
                           file=name)
    with tempfile.TemporaryDirectory(prefix="nnsolve-pdf-") as folder:
        source = Path(folder) / "document.tex"
        source.write_text(tex, encoding="utf-8")
        command = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                   "document.tex"]
        for _ in range(2):          # the second run settles the table of contents
            try:
                done = subprocess.run(command, cwd=folder, capture_output=True, timeout=TIMEOUT,
                                      stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                raise NnsolveError(f"pdflatex took more than {TIMEOUT} s", file=name) from None
            if done.returncode != 0:
                raise NnsolveError(f"pdflatex failed: {_first_error(folder)}", file=name)
        return (Path(folder) / "document.pdf").read_bytes()


def _first_error(folder: str) -> str:
    log = Path(folder) / "document.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    errors = [line[1:].strip() for line in text.splitlines() if line.startswith("!")]
    return errors[0] if errors else "see its log"
