"""Every shipped problem as a reader meets it: the HTML page states the problem and shows no
raw underscore (a subscript is set as one), and the LaTeX key compiles with pdflatex, where
it is installed, without a line running into the margin."""

import html
import re
import shutil
import subprocess

import pytest

from shared_paths import PROBLEMS, ROOT

SHIPPED = sorted(PROBLEMS.glob("*.yaml")) + sorted((ROOT / "examples" / "problems").glob("*.yaml"))
#: code (identifiers such as per_side), math and styles may hold underscores of their own
_NOT_PROSE = re.compile(r"<(style|script|code|math)\b.*?</\1>", re.S)
_RAW = re.compile(r"(?<![A-Za-z0-9_])[A-Za-zΣα-ω]_[A-Za-z0-9]")


def _prose(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", _NOT_PROSE.sub(" ", page)))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_html_states_the_problem_and_has_no_raw_underscore(nnsolve, path):
    import yaml

    page = nnsolve("run", path, "--format", "html").stdout
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "problems" in data:       # a set: its first problem's statement
        data = yaml.safe_load((path.parent / data["problems"][0]).read_text(encoding="utf-8"))
    statement = data.get("statement") or data["parts"][0].get("statement") or ""
    first_words = " ".join(statement.split()[:4])
    text = " ".join(_prose(page).split())
    if "$" not in first_words and "`" not in first_words:
        assert first_words in text
    assert not _RAW.findall(text), _RAW.findall(text)[:5]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_latex_key_compiles_without_overfull_lines(nnsolve, path, tmp_path):
    tex = tmp_path / "key.tex"
    assert nnsolve("key", path, "-o", tex).exit_code == 0
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "key.tex"],
                          cwd=tmp_path, capture_output=True, timeout=300)
    log = (tmp_path / "key.log").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, log[-2000:]
    assert "Overfull \\hbox" not in log, re.findall(r"Overfull \\hbox.*", log)[:3]
