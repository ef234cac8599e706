"""What a reader gets from the files nnsolve writes: a format named by the -o suffix or
refused, a PDF through LaTeX, the umask obeyed, notebooks shown as HTML, and feedback a
student can read."""

import os
import shutil
import stat

import pytest

from shared_paths import PROBLEMS, ROOT


@pytest.mark.parametrize("command", ["run", "key"])
def test_an_unknown_suffix_is_refused(nnsolve, tmp_path, command):
    out = tmp_path / "key.docx"
    result = nnsolve(command, PROBLEMS / "alexnet-conv1.yaml", "-o", out)
    assert result.exit_code == 2 and "cannot tell the format from .docx" in result.stderr
    assert not out.exists()


def test_a_given_format_allows_any_name(nnsolve, tmp_path):
    out = tmp_path / "key.out"
    assert nnsolve("key", PROBLEMS / "alexnet-conv1.yaml", "--format", "md", "-o", out).exit_code == 0
    assert out.read_text().startswith("#")


def test_pdf_through_pdflatex_or_a_clear_message(nnsolve, tmp_path, monkeypatch):
    out = tmp_path / "key.pdf"
    if shutil.which("pdflatex"):
        result = nnsolve("key", PROBLEMS / "alexnet-conv1.yaml", "-o", out)
        assert result.exit_code == 0, result.stderr
        assert out.read_bytes().startswith(b"%PDF")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    out.unlink(missing_ok=True)
    result = nnsolve("key", PROBLEMS / "alexnet-conv1.yaml", "-o", out)
    assert result.exit_code == 1 and "needs pdflatex" in result.stderr
    assert not out.exists()


def test_outputs_respect_the_umask(nnsolve, tmp_path):
    old = os.umask(0o027)
    try:
        nnsolve("key", PROBLEMS / "alexnet-conv1.yaml", "-o", tmp_path / "key.md")
        nnsolve("grade", ROOT / "examples" / "submissions" / "e2-correct.yaml", "--key", PROBLEMS,
                "--csv", tmp_path / "grades.csv")
    finally:
        os.umask(old)
    for name in ("key.md", "grades.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o640, name


def test_run_html_shows_the_statement(nnsolve):
    page = nnsolve("run", PROBLEMS / "alexnet-conv1.yaml", "--format", "html").stdout
    assert "The first layer of AlexNet takes" in page


def test_a_solution_and_a_grade_report_display_as_html_in_a_notebook():
    from nnsolve.grade.grader import grade_file
    from nnsolve.grade.key import Key
    from nnsolve.solution import solve_loaded
    from nnsolve.spec.problem import load

    _, (solution,) = solve_loaded(load(PROBLEMS / "alexnet-conv1.yaml"))
    assert "AlexNet" in solution._repr_html_() and "<html" in solution._repr_html_()
    key = Key.from_paths([PROBLEMS])
    report = grade_file(ROOT / "examples" / "submissions" / "e2-correct.yaml", key)
    assert "Score:" in report._repr_html_()


def test_feedback_has_no_internal_tags_nor_doubled_labels(nnsolve, tmp_path):
    subs = ROOT / "examples" / "submissions"
    nnsolve("grade", subs / "e2-bias-forgotten.yaml", subs / "nn-concepts-s1003.yaml",
            "--key", PROBLEMS, "--key", ROOT / "examples" / "problems", "--feedback-dir", tmp_path)
    for page in tmp_path.glob("s100*.*"):
        text = page.read_text(encoding="utf-8")
        assert "misconception:" not in text and "chose-a" not in text, page.name
        assert "units (units" not in text, page.name


def test_one_epsilon_in_latex(nnsolve):
    import re

    tex = nnsolve("key", PROBLEMS / "e1-backprop-sigmoid.yaml", "--format", "tex").stdout
    assert r"\varepsilon" in tex and not re.search(r"\\epsilon(?![A-Za-z])", tex)


def test_approximately_exactly_when_rounded(nnsolve):
    md = nnsolve("run", PROBLEMS / "e1-backprop-sigmoid.yaml", "--format", "md").stdout
    assert r"1 \cdot 0.2957 \cdot 0.7311 \approx 0.2162" in md
    assert r"\approx 1\n" not in md and "= 1 + (-1) + (-1) \\approx" not in md


def test_dotted_names_are_upright():
    import sympy

    from nnsolve.derivation.printing import symbol_latex

    assert symbol_latex(sympy.Symbol("layer1.W")) == r"\mathrm{layer1.W}"
    assert symbol_latex(sympy.Symbol("option.a")) == r"\mathrm{option.a}"


def test_a_choice_answer_shows_the_option_text(nnsolve):
    page = nnsolve("run", ROOT / "examples" / "problems" / "nn-concepts.yaml", "--format", "html").stdout
    assert "b: the encoder" in page


def test_notes_set_subscripts_in_html_and_latex(nnsolve):
    path = PROBLEMS / "e1-backprop-sigmoid.yaml"
    page = nnsolve("run", path, "--format", "html").stdout
    assert "(t<sub>k</sub> − y<sub>k</sub>)²" in page and "t_k" not in page.split("<math")[0]
    tex = nnsolve("run", path, "--format", "tex").stdout
    assert r"t\textsubscript{k}" in tex and r"t\_k" not in tex


def test_a_folder_with_its_one_set_is_titled_by_the_set(nnsolve, tmp_path):
    problem = ROOT / "examples" / "problems" / "conv-output-exact.yaml"
    (tmp_path / problem.name).write_text(problem.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "week3.yaml").write_text(
        "nnsolve: 1\nid: week3\ntitle: \"Week 3: convolutions\"\nproblems: [conv-output-exact.yaml]\n",
        encoding="utf-8")
    assert nnsolve("key", tmp_path).stdout.startswith("# Week 3: convolutions")
    assert nnsolve("key", PROBLEMS).stdout.startswith("# problems")   # a set of only some


def test_readme_documents_version_completion_and_torch_cpu():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "nnsolve --version" in readme and "_NNSOLVE_COMPLETE=bash_source" in readme
    assert "download.pytorch.org/whl/cpu" in readme


def test_hint_formulas_are_set_as_formulas_in_the_feedback_page(nnsolve, tmp_path):
    nnsolve("grade", ROOT / "examples" / "submissions" / "e2-bias-forgotten.yaml", "--key", PROBLEMS,
            "--feedback-dir", tmp_path, "--reveal", "hints")
    page = (tmp_path / "s1002.html").read_text(encoding="utf-8")
    assert "(F<sub>1</sub><sup>2</sup>·C<sub>0</sub> + 1)·K<sub>1</sub>" in page
    assert "F_1^2" not in page


def test_thousands_are_grouped_alike_in_formulas_and_values(nnsolve):
    path = PROBLEMS / "e7-model-sizes.yaml"
    tex = nnsolve("key", path, "--format", "tex").stdout
    assert "34{,}944 + 0 + 614{,}656" in tex and "= 62{,}378{,}344" in tex
    page = nnsolve("key", path, "--format", "html").stdout
    assert "<mn>34,944</mn><mo>+</mo><mn>0</mn>" in page and "<mn>62,378,344</mn>" in page


def test_the_terminal_groups_the_counts_it_puts_into_formulas_and_json_keeps_digits(nnsolve):
    path = PROBLEMS / "alexnet-conv1.yaml"
    text = nnsolve("run", path, "--part", "d").stdout
    assert "(154,587 + 1)*256 = 39,574,528" in text
    quantities = {q["name"]: q for q in nnsolve("run", path, "--part", "d", "--format", "json")
                  .json()["parts"][0]["quantities"]}
    assert quantities["fc.params"]["substituted"] == "(154587 + 1)*256"
