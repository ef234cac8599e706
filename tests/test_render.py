"""The renderers show every quantity — label, formula, numbers put in, value — in each format.

The solution here is built by hand from the exercises: E1's neuron 3 (x1 = 1, x2 = −1, weights
1, −1, −1, so a3 = 1 and y3 = σ(1) ≈ 0.7311), E2's AlexNet conv1 (55×55×96, 290,400 units,
34,944 parameters), E7's 3×3 feature map (first row 4, 3, 4), a Hopfield weight of exactly 1/3,
a symbolic output size, a weight-update table and a 12×12 input that must be elided.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from nnsolve.derivation import printing
from nnsolve.derivation.core import Derivation, Ref
from nnsolve.derivation.functions import sigmoid
from nnsolve.render import render
from nnsolve.render.markdown import statement_markdown
from nnsolve.render.text import print_solutions
from nnsolve.solution import Solution, SolvedPart
from nnsolve.spec.problem import ProblemSet, parse_problem
from nnsolve.spec.yamlsafe import load_text

PROBLEM = """
nnsolve: 1
id: render-demo
title: "Neuron 3 & AlexNet <first layer>"
source: "Problem set 1"
statement: |
  Inputs $x_1 = 1$, $x_2 = -1$ feed neuron 3;
  *g* is the **sigmoid** $\\sigma(a) = \\frac{1}{1+e^{-a}}$.

  - a <b>tag</b> & 50% stay text
parts:
  - id: b
    title: forward pass
    statement: Neuron 3 with g = σ.
    solver: mlp
    given: {}
    ask: {a3: 1, y3: {points: 2}}
  - id: c
    solver: layers
    given: {}
    ask: {output_shape: 2, units: 1, params: 2}
"""

EDGE = 12  # the 12×12 input: more than 8 rows and columns, so it is elided


def _big(i: int, j: int) -> int:
    return 1000 + 100 * i + j  # every entry distinct: 1000 … 2111


def _conv(image, kernel):
    k = len(kernel)
    size = len(image) - k + 1
    return tuple(tuple(sum(image[i + a][j + b] * kernel[a][b] for a in range(k) for b in range(k))
                       for j in range(size)) for i in range(size))


def _neuron_part(part) -> SolvedPart:
    d = Derivation()
    x1 = d.given("x1", 1, "input 1")
    x2 = d.given("x2", -1, "input 2")
    w13 = d.given("w13", 1, "weight 1→3")
    w23 = d.given("w23", -1, "weight 2→3")
    w03 = d.given("w03", -1, "bias weight of neuron 3")
    a3 = d.add("a3", "net input of neuron 3", w13 * x1 + w23 * x2 + w03, group="forward pass")
    d.add("y3", "output of neuron 3", sigmoid(a3), group="forward pass",
          note="g is the logistic sigmoid")
    d.add("w12_hop", "Hopfield weight 1–2", sympy.Rational(1, 3) * x1, group="Hopfield")
    # E1(a): a symbolic learning rate stays a symbol when put into a formula
    eta = d.given("eta", sympy.Symbol("eta"), "learning rate")
    d.add("dw13", "change of w13", eta * x1 * a3, group="symbolic")
    d.add("label", "predicted class", rule=lambda v: "<UNK> & co", inputs=(), group="forward pass")
    d.table("Weight update", ["weight", "old", "new"],
            [("w13", Ref("w13"), 1.25), ("w23", Ref("w23"), Ref("w12_hop"))])
    d.notes.append("Δw = −ε ∂E/∂w, 50% of the time_")
    return SolvedPart(part, d, list(part.ask), {"loss": "squared"})


def _conv_part(part) -> SolvedPart:
    d = Derivation()
    H = d.given("H", 227, "input height")
    F = d.given("F", 11, "kernel size")
    S = d.given("S", 4, "stride")
    C = d.given("C", 3, "input channels")
    N = d.given("N", 96, "filters")
    image = ((1, 1, 1, 0, 0), (0, 1, 1, 1, 0), (0, 0, 1, 1, 1), (0, 0, 1, 1, 0), (0, 1, 1, 0, 0))
    d.given("I", image, "binary image")
    d.given("K", ((1, 0, 1), (0, 1, 0), (1, 0, 1)), "kernel")
    d.given("X", tuple(tuple(_big(i, j) for j in range(EDGE)) for i in range(EDGE)), "input patch",
            symbol=sympy.MatrixSymbol("X", EDGE, EDGE))
    out = d.add("out_h", "output height", sympy.floor((H - F) / S) + 1, kind="count", group="conv1")
    d.add("output_shape", "output volume", rule=lambda v: (v["out_h"], v["out_h"], v["N"]),
          inputs=("out_h", "N"), kind="shape", group="conv1")
    d.add("units", "units in the output", out * out * N, kind="count", group="conv1")
    d.add("params", "trainable parameters", (F * F * C + 1) * N, kind="count", group="conv1")
    d.add("fmap", "feature map", rule=lambda v: _conv(v["I"], v["K"]), inputs=("I", "K"),
          kind="matrix", group="lecture")
    f = sympy.Symbol("F_sym")
    d.add("out_general", "output height for any kernel", value=(227 - f) / 4 + 1,
          rule=lambda v: (227 - f) / 4 + 1, inputs=(), kind="expression", group="conv1")
    d.add("doubled", "doubled input", 2 * sympy.MatrixSymbol("X", EDGE, EDGE),
          rule=lambda v: tuple(tuple(2 * x for x in row) for row in v["X"]), inputs=("X",),
          kind="matrix", group="lecture")
    return SolvedPart(part, d, list(part.ask), {"padding": "per_side"})


@pytest.fixture(scope="module")
def solution() -> Solution:
    problem = parse_problem(load_text(PROBLEM, "render-demo.yaml"))
    return Solution(problem, [_neuron_part(problem.parts[0]), _conv_part(problem.parts[1])])


@pytest.fixture(scope="module")
def outputs(solution) -> dict[str, str]:
    return {fmt: render([solution], fmt, statements=True) for fmt in ("text", "md", "tex", "html")}


# -- every format shows every quantity ---------------------------------------------------------

EXPECTED = {
    # a3 = 1·1 + (−1)·(−1) + (−1) = 1 and y3 = σ(1) = 1/(1 + e^−1) ≈ 0.7311, in each format
    "text": ["net input of neuron 3", "a3 = w03 + w13*x1 + w23*x2", "(-1) + 1*1 + (-1)*(-1) = 1",
             "y3 = σ(a3) = σ(1)", "≈ 0.7311", "1/3 ≈ 0.3333", "55×55×96", "290,400",
             "34,944", "F_sym", "<UNK> & co", "dw13 = a3*eta*x1 = 1*eta*1 = eta"],
    "md": ["net input of neuron 3", r"a_{3} = w_{03} + w_{13} x_{1} + w_{23} x_{2}",
           r"\left(-1\right) + 1 \cdot 1 + \left(-1\right) \cdot \left(-1\right) = 1",
           r"\approx 0.7311", r"\frac{1}{3} \approx 0.3333", r"55 \times 55 \times 96",
           "290{,}400", "34{,}944", r"F_{sym}"],
    "tex": ["net input of neuron 3", r"w_{03} + w_{13} x_{1} + w_{23} x_{2}",
            r"\approx 0.7311", r"\frac{1}{3} \approx 0.3333", r"55 \times 55 \times 96",
            "290{,}400", "34{,}944", r"\textless{}UNK\textgreater{} \& co"],
    "html": ["net input of neuron 3", "<mn>0.7311</mn>", "<mfrac><mn>1</mn><mn>3</mn></mfrac>",
             "<mn>0.3333</mn>", "<mn>290,400</mn>", "<mn>34,944</mn>", "&lt;UNK&gt; &amp; co",
             "<mn>1</mn><mo>&#xB7;</mo><mi>&#951;</mi><mo>&#xB7;</mo><mn>1</mn>",  # 1·η·1
             "<mn>55</mn><mo>×</mo><mn>55</mn><mo>×</mo><mn>96</mn>"],
}


@pytest.mark.parametrize("fmt", EXPECTED)
def test_each_format_shows_labels_formulas_and_values(outputs, fmt):
    text = outputs[fmt]
    for expected in EXPECTED[fmt]:
        assert expected in text, f"{fmt}: {expected!r} missing"


@pytest.mark.parametrize("fmt", EXPECTED)
def test_asked_quantities_are_marked_with_their_points(outputs, fmt):
    text = outputs[fmt]
    assert "asked, 2 pts" in text and "asked, 1 pt" in text
    assert text.count("asked, ") == 5  # a3, y3, output_shape, units, params


@pytest.mark.parametrize("fmt", EXPECTED)
def test_groups_conventions_notes_and_tables(outputs, fmt):
    text = outputs[fmt]
    for heading in ("forward pass", "Hopfield", "conv1", "lecture", "Weight update"):
        assert heading in text
    # groups in order of first appearance, each heading once
    positions = [text.index(h) for h in ("Hopfield", "conv1", "lecture")]
    assert positions == sorted(positions)
    assert "loss: squared" in text and "per" in text
    assert "logistic sigmoid" in text
    assert "1.25" in text  # the table's new weight
    # the feature map of E7: first row 4, 3, 4
    assert re.search(r"4\D{1,40}3\D{1,40}4", text[text.index("feature map"):])


@pytest.mark.parametrize("fmt", EXPECTED)
def test_large_matrices_are_elided(outputs, fmt):
    text = outputs[fmt]
    ends = (0, 1, 2, EDGE - 2, EDGE - 1)
    shown = {_big(i, j) for i in ends for j in ends}
    hidden = {_big(i, j) for i in range(3, EDGE - 2) for j in range(3, EDGE - 2)}
    assert all(str(v) in text for v in shown)
    assert not any(re.search(rf"(?<!\d){v}(?!\d)", text) for v in hidden)
    # the doubled input, substituted into its formula, is elided too
    assert str(2 * _big(0, 0)) in text and str(2 * _big(5, 5)) not in text


# -- plain text and the terminal ------------------------------------------------------------

def test_plain_text_has_no_escape_codes(outputs):
    assert "\x1b" not in outputs["text"]


def _colour_codes(text: str) -> list[str]:
    codes = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        numbers = [int(p) for p in params.split(";") if p]
        codes += [str(n) for n in numbers if 30 <= n <= 49 or 90 <= n <= 107]
    return codes


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _printed(solution, monkeypatch, stream) -> str:
    monkeypatch.setattr(sys, "stdout", stream)
    print_solutions([solution])
    return stream.getvalue()


def test_terminal_output_is_coloured_unless_no_color(solution, monkeypatch):
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert _colour_codes(_printed(solution, monkeypatch, _Terminal()))
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _printed(solution, monkeypatch, _Terminal())
    assert not _colour_codes(plain)
    assert "y3 = σ(a3) = σ(1)" in plain


def test_no_escape_codes_when_stdout_is_not_a_terminal(solution, monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    printed = _printed(solution, monkeypatch, io.StringIO())
    assert "\x1b" not in printed and "290,400" in printed


def test_terminal_matrices_are_aligned_tables(outputs):
    lines = [line for line in outputs["text"].splitlines() if "⎡" in line or "⎣" in line]
    assert any(re.search(r"⎡ 1  0  1 ⎤", line) for line in lines)  # the kernel


def test_a_narrow_terminal_breaks_a_long_line_before_each_relation_not_inside_a_formula():
    """E4 at 80 columns: the sum of exponentials and P's decimals go on lines of their own,
    under the first `=`, as on a blackboard."""
    from rich.console import Console

    from nnsolve.solution import solve
    from nnsolve.spec.problem import load

    e4 = solve(load(str(ROOT / "problems" / "e4-attention.yaml")))
    console = Console(file=io.StringIO(), width=80, color_system=None, highlight=False)
    print_solutions([e4], console=console)
    lines = [line.strip("│ ") for line in console.file.getvalue().splitlines()]
    start = lines.index("Σ[1] = exp(S'[1,1]) + exp(S'[1,2]) + exp(S'[1,3]) + exp(S'[1,4])")
    assert lines[start + 1] == "= exp(0) + exp(0) + exp(0) + exp(0) = 4"
    start = lines.index("P = softmax(S') = softmax([[0, 0, 0, 0]]) = [ 1/4  1/4  1/4  1/4 ]")
    assert lines[start + 1] == "≈ [ 0.25  0.25  0.25  0.25 ]"
    assert max(len(line) for line in console.file.getvalue().splitlines()) <= 80


# -- HTML ------------------------------------------------------------------------------------

class _Balance(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link", "mspace"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def test_html_is_standalone_safe_and_balanced(outputs):
    page = outputs["html"]
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"https?://", page)
    assert "@import" not in page and "url(" not in page
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    blocks = [a for tag, a in parser.tags if tag == "math" and a.get("display") == "block"]
    assert len(blocks) >= 10


def test_html_escapes_statements_and_renders_their_math(outputs):
    page = outputs["html"]
    assert "&lt;b&gt;tag&lt;/b&gt; &amp; 50%" in page
    assert "<b>tag</b>" not in page
    assert "<em>g</em>" in page and "<strong>sigmoid</strong>" in page
    # $x_1 = 1$ becomes MathML, $\frac{1}{1+e^{-a}}$ a fraction
    assert "<msub><mi>x</mi><mn>1</mn></msub>" in page
    assert "<mfrac><mrow><mn>1</mn></mrow>" in page
    assert "Neuron 3 &amp; AlexNet &lt;first layer&gt;" in page


def test_html_key_has_a_table_of_contents(outputs):
    page = outputs["html"]
    toc = page[page.index('<nav class="toc">'):page.index("</nav>")]
    assert 'href="#problem-render-demo-b"' in toc and 'id="problem-render-demo-b"' in page


# -- LaTeX -----------------------------------------------------------------------------------

def _environments_balance(tex: str) -> bool:
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", tex):
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def _braces_balance(tex: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}$%&#_\\]", "", tex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_latex_is_a_balanced_standalone_document(outputs):
    tex = outputs["tex"]
    assert tex.startswith(r"\documentclass")
    assert tex.rstrip().endswith(r"\end{document}")
    for package in ("amsmath", "booktabs"):
        assert package in tex
    assert _environments_balance(tex) and _braces_balance(tex)
    assert tex.count(r"\[") == tex.count(r"\]")
    body = re.sub(r"\\\$", "", tex)
    assert body.count("$") % 2 == 0
    # text from the problem file is escaped, its math kept
    assert r"\textless{}b\textgreater{}tag\textless{}/b\textgreater{} \& 50\%" in tex
    assert r"Neuron 3 \& AlexNet \textless{}first layer\textgreater{}" in tex
    assert r"$\sigma(a) = \frac{1}{1+e^{-a}}$" in tex
    assert r"50\% of the time\_" in tex
    assert r"\cdots" in tex and r"\vdots" in tex and r"\ddots" in tex


ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(ROOT.glob("problems/*.yaml")) + sorted(ROOT.glob("examples/problems/*.yaml"))


needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None,
                                    reason="pdflatex is not installed")


def assert_compiles(tex: Path) -> None:
    """The oracle for LaTeX output is LaTeX itself: pdflatex must set it without an error."""
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
                          cwd=tex.parent, capture_output=True, text=True, timeout=120)
    errors = [line for line in done.stdout.splitlines() if line.startswith("!")]
    assert done.returncode == 0 and tex.with_suffix(".pdf").exists(), errors


@needs_pdflatex
@pytest.mark.parametrize("problem", SHIPPED, ids=lambda p: p.stem)
def test_latex_of_every_shipped_problem_compiles(problem, tmp_path, nnsolve):
    tex = tmp_path / "solution.tex"
    assert nnsolve("run", problem, "--format", "tex", "-o", tex).exit_code == 0
    assert_compiles(tex)


@needs_pdflatex
def test_latex_of_the_demo_derivation_compiles(outputs, tmp_path):
    tex = tmp_path / "demo.tex"
    tex.write_text(outputs["tex"], encoding="utf-8")
    assert_compiles(tex)


def test_latex_sets_superscript_letters_it_has_no_glyph_for():
    from nnsolve.render.latex import escape

    assert escape("QKᵀ") == r"QK\textsuperscript{T}"
    assert escape("xᵢ and ²") == r"x\textsubscript{i} and \ensuremath{^{2}}"


def test_latex_statement_math_that_reads_files_is_shown_as_text():
    from nnsolve.render import latex, statements

    tex = statements.to_latex(r"see $\input{/etc/passwd}$ and $x^2$", latex.escape)
    assert r"\input{" not in tex and "$x^2$" in tex


# -- Markdown --------------------------------------------------------------------------------

def test_markdown_math_and_tables(outputs):
    md = outputs["md"]
    assert md.count("$$") % 2 == 0
    assert r"\begin{pmatrix}1 & 0 & 1 \\ 0 & 1 & 0 \\ 1 & 0 & 1\end{pmatrix}" in md
    table = [line for line in md.splitlines() if line.startswith("| weight")]
    assert table == ["| weight | old | new |"]
    for line in md.splitlines():
        if line.startswith("|"):
            assert len(re.findall(r"(?<!\\)\|", line)) in (4,), line


def test_statement_markdown_lists_what_is_asked(solution):
    text = statement_markdown(solution)
    assert text.startswith("# Neuron 3 & AlexNet \\<first layer\\>")
    assert "## Part b: forward pass" in text and "Neuron 3 with g = σ." in text
    assert "`y3` (2 pts)" in text and "`a3` (1 pt)" in text and "`params` (2 pts)" in text
    assert "$x_1 = 1$" in text


# -- problem sets ----------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "md", "tex", "html"])
def test_problem_sets_show_the_set_title_and_every_problem(solution, fmt):
    problem_set = ProblemSet("week1", "Week 1 exercises", [solution.problem], "week1.yaml")
    text = render([solution, solution], fmt, problem_set=problem_set)
    assert "Week 1 exercises" in text
    assert text.count("Part b: forward pass") >= 2
    if fmt == "html":
        assert '<nav class="toc">' in text
    if fmt == "tex":
        assert r"\tableofcontents" in text and _environments_balance(text)


def test_run_without_statements_shows_titles_not_the_problem_statement(solution):
    for fmt in ("text", "md", "tex", "html"):
        text = render([solution], fmt)
        assert "Neuron 3" in text and "sigmoid" in text
        assert "stay text" not in text


# -- MathML printing -------------------------------------------------------------------------

def test_mathml_substitutes_values_like_the_text_and_latex_printers():
    x, w = sympy.symbols("x1 w13")
    subs = {x: sympy.Integer(-1), w: sympy.Rational(1, 3)}
    assert printing.to_text(w * x, subs) == "1/3*(-1)"
    mathml = printing.to_mathml(w * x, subs)
    assert "<mfrac><mn>1</mn><mn>3</mn></mfrac>" in mathml
    assert "<mo>(</mo><mrow><mo>&#8722;</mo><mn>1</mn></mrow><mo>)</mo>" in mathml
    general = printing.to_mathml(w * x)
    assert "<msub><mi>w</mi><mi>13</mi></msub>" in general and "<mn>" not in general
    assert printing.mathml_value("<UNK>") == "<mtext>&lt;UNK&gt;</mtext>"
    assert "σ" in printing.to_mathml(sigmoid(x)) or "&#963;" in printing.to_mathml(sigmoid(x))


def test_every_printer_keeps_the_factors_in_the_order_written():
    """N = H·W·C on the board, in every format: not C·H·W, the order sympy would sort to."""
    h, w, c = sympy.symbols("H_0 W_0 C_0")
    product = sympy.Mul(h, w, c, evaluate=False)
    subs = {h: 227, w: 227, c: 3}
    assert printing.to_text(product) == "H_0*W_0*C_0"
    assert printing.to_text(product, subs) == "227*227*3"
    assert printing.to_latex(product).replace(" ", "") == "H_{0}W_{0}C_{0}"
    mathml = printing.to_mathml(product)
    assert [m.start() for m in map(lambda s: re.search(f"<mi>{s}</mi>", mathml), "HWC")] == \
        sorted(m.start() for m in map(lambda s: re.search(f"<mi>{s}</mi>", mathml), "HWC"))
    numbers = re.findall(r"<mn>(\d+)</mn>", printing.to_mathml(product, subs))
    assert numbers == ["227", "227", "3"]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 14), st.integers(1, 14))
def test_matrices_longer_than_eight_show_three_and_two(rows, cols):
    value = tuple(tuple(sympy.Integer(i * 100 + j) for j in range(cols)) for i in range(rows))
    shown_rows = rows if rows <= 8 else 6
    shown_cols = cols if cols <= 8 else 6
    latex = printing.latex_value(value, elide=True)
    assert latex.count(r"\\") == shown_rows - 1
    assert latex.split(r"\\")[0].count("&") == shown_cols - 1
    mathml = printing.mathml_value(value, elide=True)
    assert mathml.count("<mtr>") == shown_rows
    assert mathml.count("<mtd>") == shown_rows * shown_cols
    assert (r"\ddots" in latex) == (rows > 8 and cols > 8)
    assert printing.latex_value(value) == printing.latex_value(value, elide=rows <= 8 and cols <= 8)


SYMBOLIC_SHAPE = """nnsolve: 1
id: symbolic-shape
solver: layers
given:
  input: [H, H, C]
  layers:
    - conv: {filters: K, kernel: F, stride: S, padding: P}
ask: [output_shape]
"""


def test_a_symbolic_shape_keeps_each_size_in_parentheses(nnsolve, problem_file):
    path = problem_file(SYMBOLIC_SHAPE)
    text = nnsolve("run", path, "--format", "json").json()["parts"][0]["quantities"]
    final = " ".join(nnsolve("run", path).stdout.split())
    assert "= (1 + floor((H - F + 2*P)/S))×(1 + floor((H - F + 2*P)/S))×K" in final.replace(
        "│ │ ", "").replace(" │ │", "")
    tex = nnsolve("run", path, "--format", "tex").stdout
    assert r"\right) \times \left(" in tex and r"\right) \times K" in tex
    html = nnsolve("run", path, "--format", "html").stdout
    assert "<mo>(</mo>" in html.split("output shape of the stack")[-1]
    assert [q["value"] for q in text if q["name"] == "output_shape"] == [
        ["floor((-F + H + 2*P)/S) + 1", "floor((-F + H + 2*P)/S) + 1", "K"]]


def test_html_products_with_numbers_put_in_show_their_dots():
    """w1 = w0 + η(t − y)x with numbers put in reads 0.5 · (0 − 1) · (1 0 0)ᵀ, never three
    numbers side by side; the general formula keeps invisible times (η(t − y)x)."""
    from nnsolve.derivation.mathml import to_mathml

    eta, t, y = sympy.symbols("eta t y")
    x, w = sympy.MatrixSymbol("x", 3, 1), sympy.MatrixSymbol("w", 3, 1)
    update = w + eta * (t - y) * x
    numbers = {eta: 0.5, t: 0, y: 1, x: ((1,), (0,), (0,)), w: ((1,), (2,), (3,))}
    put_in = to_mathml(update, numbers)
    assert "InvisibleTimes" not in put_in
    assert put_in.count("&#xB7;") == 2
    assert "InvisibleTimes" in to_mathml(update)


def test_html_negated_sums_keep_their_parentheses_and_products_their_order():
    """−(a + b) is not −a + b, and −η·g is written as the formula says, not as −g·η."""
    from nnsolve.derivation.mathml import to_mathml

    a, b, eta, g = sympy.symbols("a b eta g")
    negated_sum = to_mathml(sympy.Mul(-1, sympy.Add(a, b, evaluate=False), evaluate=False))
    assert re.sub(r"<[^>]+>", " ", negated_sum).split() == ["&#8722;", "(", "a", "+", "b", ")"]
    step = to_mathml(sympy.Mul(-1, eta, g, evaluate=False), {eta: 0.5, g: -2})
    assert re.sub(r"<[^>]+>", " ", step).split() == ["&#8722;", "0.5", "&#xB7;", "(",
                                                     "&#8722;", "2", ")"]


def test_html_names_with_combining_accents_set_the_accent_over_the_letter():
    """D̃ and m̂₁ (a name typed with a combining tilde or hat) show their accent: browsers drop
    a combining character inside <mi>."""
    from nnsolve.derivation.mathml import to_mathml

    written = to_mathml(sympy.Symbol("D\u0303") + sympy.Symbol("m\u0302_1"))
    assert '<mover accent="true"><mi>D</mi><mo>~</mo></mover>' in written
    assert '<msub><mover accent="true"><mi>m</mi><mo>^</mo></mover><mi>1</mi></msub>' in written


@needs_pdflatex
def test_latex_lines_opening_with_a_bracket_are_text_not_an_optional_argument(tmp_path):
    """After \\\\ LaTeX reads "[…]" as a length: a table row that starts with a vector
    ("[1, -1]  stored") and a statement line after a hard break must still be set as text."""
    from nnsolve.render import latex, statements
    from nnsolve.render.latex import _tabular

    table = _tabular("ll", ["state", "kind"], [["[1, -1]", "stored"], ["[-1, 1]", "spurious"]])
    statement = statements.to_latex("the start states are  \n[1, 1] and [-1, -1]", latex.escape)
    tex = tmp_path / "brackets.tex"
    tex.write_text("\\documentclass{article}\\usepackage{booktabs}\\begin{document}\n"
                   f"{table}\n\n{statement}\n\\end{{document}}\n", encoding="utf-8")
    assert_compiles(tex)
