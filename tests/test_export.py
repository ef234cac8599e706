"""`nnsolve export`: Moodle XML and Canvas QTI quizzes whose answers are `nnsolve key`'s, and a
Gradescope autograder that grades a submission in a root laid out like /autograder/."""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from shared_paths import ROOT

EXAMPLES = ROOT / "examples"
VARIANT = EXAMPLES / "problems" / "conv-output-variant.yaml"
CONCEPTS = EXAMPLES / "problems" / "nn-concepts.yaml"
ALEXNET = ROOT / "problems" / "alexnet-conv1.yaml"
DENSE = """nnsolve: 1
id: dense-params
title: "A dense layer"
statement: "A dense layer of $u units takes $n inputs. How many parameters does it have?"
variables: {u: {choice: [10, 20, 30]}, n: {int: [5, 90]}}
solver: layers
given: {input: [$n], layers: [{dense: {units: $u}}]}
ask: {params: {points: 2, tolerance: {rel: 0.01, abs: 0}}}
"""
CLOZE = re.compile(r"\{(\d+):(NUMERICAL|MULTICHOICE|MULTIRESPONSE|SHORTANSWER):([^{}]*)\}")


def key_answers(nnsolve, problem: Path, student: str | None) -> list[tuple[float, str]]:
    """The asked numbers of `nnsolve key` for the student, shapes and vectors flattened."""
    args = ["key", problem, "--format", "json"] + (["--student", student] if student else [])
    out = nnsolve(*args)
    assert out.exit_code == 0, out.stderr
    answers = []
    for part in out.json()["parts"]:
        for q in part["quantities"]:
            if q["asked"]:
                values = q["value"] if isinstance(q["value"], list) else [q["value"]]
                answers += [(v, q["kind"]) for v in values]
    return answers


def student_of(name: str) -> str | None:
    found = re.search(r"\((s\d+)\)$", name)
    return found.group(1) if found else None


# --- Moodle XML -----------------------------------------------------------------------------

def test_moodle_xml_follows_the_importers_structure_and_holds_the_keys(nnsolve, tmp_path):
    out = tmp_path / "bank.xml"
    result = nnsolve("export", VARIANT, "--to", "moodle", "-o", out, "--variants", "6")
    assert result.exit_code == 0, result.stderr
    quiz = ET.parse(out).getroot()
    assert quiz.tag == "quiz"
    questions = quiz.findall("question")
    assert questions[0].get("type") == "category"
    assert questions[0].findtext("category/text") == "$course$/top/nnsolve/conv-output-variant"
    variants = questions[1:]
    assert len(variants) >= 3 and {q.get("type") for q in variants} == {"cloze"}
    names = [q.findtext("name/text") for q in variants]
    assert len(set(names)) == len(names)
    for question in variants:
        assert question.find("questiontext").get("format") == "html"
        text = question.findtext("questiontext/text")
        assert "<math" not in text or "</math>" in text
        assert "<section" in question.findtext("generalfeedback/text")   # the worked solution
        blanks = CLOZE.findall(text)
        expected = key_answers(nnsolve, VARIANT, student_of(question.findtext("name/text")))
        assert len(blanks) == len(expected) == 4
        for (weight, kind, body), (value, _) in zip(blanks, expected):
            assert kind == "NUMERICAL" and int(weight) > 0
            answer, tolerance = re.fullmatch(r"=([-0-9.e]+):([0-9.e]+)", body).groups()
            assert float(answer) == value and float(tolerance) == 0


def test_moodle_numerical_question_has_a_per_variant_absolute_tolerance(nnsolve, problem_file,
                                                                        tmp_path):
    problem = problem_file(DENSE)
    out = tmp_path / "dense.xml"
    assert nnsolve("export", problem, "--to", "moodle", "-o", out,
                   "--variants", "5").exit_code == 0
    questions = [q for q in ET.parse(out).getroot() if q.get("type") != "category"]
    assert questions and {q.get("type") for q in questions} == {"numerical"}
    tolerances = set()
    for question in questions:
        (value, _), = key_answers(nnsolve, problem, student_of(question.findtext("name/text")))
        answer = question.find("answer")
        assert answer.get("fraction") == "100"
        assert float(answer.findtext("text")) == value
        tolerance = float(answer.findtext("tolerance"))
        assert tolerance == pytest.approx(0.01 * value, rel=1e-5)      # rel → abs, per variant
        tolerances.add(tolerance)
        assert question.findtext("defaultgrade") == "2"
    assert len(tolerances) > 1


def test_moodle_cloze_syntax_and_choice_parts(nnsolve, tmp_path):
    out = tmp_path / "concepts.xml"
    assert nnsolve("export", CONCEPTS, "--to", "moodle", "-o", out).exit_code == 0
    question, = [q for q in ET.parse(out).getroot() if q.get("type") == "cloze"]
    text = question.findtext("questiontext/text")
    assert "{1:MULTICHOICE:the decoder~=the encoder~the reconstruction loss}" in text
    assert "{1:MULTICHOICE:true~=false}" in text
    assert "{1:SHORTANSWER:=negative~=neg~=negative class~=class 2}" in text
    assert re.search(r"\{2:MULTIRESPONSE:%50%different[^~]*~%-50%equal[^~]*~%50%the labels",
                     text)
    alexnet = tmp_path / "alexnet.xml"
    assert nnsolve("export", ALEXNET, "--to", "moodle", "-o", alexnet).exit_code == 0
    text = ET.parse(alexnet).getroot().findall("question")[1].findtext("questiontext/text")
    assert "{6:NUMERICAL:=34944:0}" in text          # 2 of 6 points, in thirds: weight 6
    assert "{2:NUMERICAL:=55:0} × {2:NUMERICAL:=55:0} × {2:NUMERICAL:=96:0}" in text


def test_single_choice_part_is_a_multichoice_question(nnsolve, problem_file, tmp_path):
    problem = problem_file("""nnsolve: 1
id: pick
title: Pick
statement: Pick one.
solver: choice
given: {question: "Which is the encoder?", options: {a: "x < y & z", b: "the encoder"},
        answer: b}
""")
    out = tmp_path / "pick.xml"
    assert nnsolve("export", problem, "--to", "moodle", "-o", out).exit_code == 0
    question = ET.parse(out).getroot().findall("question")[1]
    assert question.get("type") == "multichoice"
    assert question.findtext("single") == "true"
    answers = {a.findtext("text"): a.get("fraction") for a in question.findall("answer")}
    assert answers == {"x < y & z": "0", "the encoder": "100"}


def test_a_problem_with_variables_needs_variants(nnsolve, tmp_path):
    result = nnsolve("export", VARIANT, "--to", "moodle", "-o", tmp_path / "x.xml")
    assert result.exit_code == 1
    assert "--variants N or --roster" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.xml").exists()


# --- Canvas QTI -----------------------------------------------------------------------------

def test_qti_zip_has_its_manifest_and_the_keys_answers(nnsolve, tmp_path):
    out = tmp_path / "quiz.zip"
    roster = EXAMPLES / "course" / "roster.csv"
    result = nnsolve("export", VARIANT, "--to", "qti", "-o", out, "--roster", roster)
    assert result.exit_code == 0, result.stderr
    archive = zipfile.ZipFile(out)
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    ns = {"m": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"}
    resource = manifest.find("m:resources/m:resource", ns)
    assert resource.get("type") == "imsqti_xmlv1p2"
    href = resource.find("m:file", ns).get("href")
    assert href in archive.namelist()
    q = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
    test = ET.fromstring(archive.read(href)).find("q:assessment", q)
    groups = test.findall("q:section/q:section", q)
    assert len(groups) == 4          # one per asked number: 3 of the shape, the parameters
    for group in groups:
        assert group.findtext("q:selection_ordering/q:selection/q:selection_number",
                              namespaces=q) == "1"
    checked = 0
    for position, group in enumerate(groups):
        for item in group.findall("q:item", q):
            fields = {f.findtext("q:fieldlabel", namespaces=q): f.findtext("q:fieldentry",
                                                                             namespaces=q)
                      for f in item.iter("{%s}qtimetadatafield" % q["q"])}
            assert fields["question_type"] == "numerical_question"
            student = re.search(r"\((s\d+)\)", item.get("title")).group(1)
            value, _ = key_answers(nnsolve, VARIANT, student)[position]
            answer = item.find("q:resprocessing/q:respcondition/q:conditionvar/q:varequal", q)
            assert float(answer.text) == value
            checked += 1
    assert checked >= 8


def test_qti_ranges_and_choices(nnsolve, problem_file, tmp_path):
    out = tmp_path / "quiz.zip"
    assert nnsolve("export", problem_file(DENSE), "--to", "qti", "-o", out,
                   "--variants", "2").exit_code == 0
    archive = zipfile.ZipFile(out)
    text = archive.read(next(n for n in archive.namelist() if n != "imsmanifest.xml")).decode()
    low = float(re.search(r"<vargte respident=\"response1\">([^<]+)<", text).group(1))
    high = float(re.search(r"<varlte respident=\"response1\">([^<]+)<", text).group(1))
    exact = float(re.search(r"<varequal respident=\"response1\">([^<]+)<", text).group(1))
    assert low < exact < high and high - exact == pytest.approx(0.01 * exact, rel=1e-6)
    assert nnsolve("export", CONCEPTS, "--to", "qti", "-o", out).exit_code == 0
    archive = zipfile.ZipFile(out)
    text = archive.read(next(n for n in archive.namelist() if n != "imsmanifest.xml")).decode()
    for kind in ("multiple_choice_question", "multiple_answers_question",
                 "short_answer_question"):
        assert kind in text
    assert 'rcardinality="Multiple"' in text and "<not>" in text


# --- Gradescope -----------------------------------------------------------------------------

def _unpack(bundle: Path, root: Path) -> None:
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
        for info in archive.infolist():           # zipfile drops the modes: put them back
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode & 0o777)


def _alexnet_autograder(nnsolve, tmp_path: Path) -> Path:
    bundle = tmp_path / "autograder.zip"
    assert nnsolve("export", ALEXNET, "--to", "gradescope", "-o", bundle).exit_code == 0
    root = tmp_path / "autograder"
    _unpack(bundle, root)
    return root


def _run_autograder(root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NNSOLVE_SEED")}
    env["NNSOLVE_AUTOGRADER_ROOT"] = str(root)
    return subprocess.run([str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(shutil.which("bash") is None, reason="run_autograder is a bash script")
def test_gradescope_bundle_grades_a_submission_in_an_autograder_root(nnsolve, tmp_path):
    week3 = EXAMPLES / "course" / "week3.yaml"
    bundle = tmp_path / "autograder.zip"
    result = nnsolve("export", week3, "--to", "gradescope", "-o", bundle, "--reveal", "hints")
    assert result.exit_code == 0, result.stderr
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "package/pyproject.toml",
            "package/nnsolve/cli.py"} <= set(names)
    root = tmp_path / "autograder"
    _unpack(bundle, root)
    assert os.access(root / "source" / "run_autograder", os.X_OK)
    # the course seed of the set file travels with the bundle: the key is this student's
    key = nnsolve("key", week3, "--student", "s7", "--format", "json").json()
    shape, params = [q["value"] for q in key["problems"][0]["parts"][0]["quantities"]
                     if q["asked"]]
    (root / "submission" / "answers.yaml").write_text(
        "nnsolve: 1\nstudent: {id: s7}\nproblem: week3\nanswers:\n  conv-output-exact:\n"
        f"    output_shape: {shape}\n    params: {params + 1}\n", encoding="utf-8")
    ran = _run_autograder(root)
    assert ran.returncode == 0, ran.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 2 and {"score", "output", "visibility", "tests"} <= set(results)
    assert [t["status"] for t in results["tests"]] == ["passed", "failed"]
    for test in results["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
    assert str(params) not in results["tests"][1]["output"]      # --reveal hints: no key


@pytest.mark.skipif(shutil.which("bash") is None, reason="run_autograder is a bash script")
def test_gradescope_bundle_without_answers_says_so(nnsolve, tmp_path):
    root = _alexnet_autograder(nnsolve, tmp_path)
    ran = _run_autograder(root)
    assert ran.returncode == 0, ran.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and "No answers found" in results["output"]


def test_bundled_package_installs_the_solvers_pyproject_declares():
    tomllib = pytest.importorskip("tomllib")
    from nnsolve.export.gradescope import DEPENDENCIES
    from nnsolve.solvers import built_in

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert built_in() == project["entry-points"]["nnsolve.solvers"]
    assert DEPENDENCIES == project["dependencies"]


def test_export_needs_no_heavy_import_at_start_up():
    code = ("import sys, nnsolve.cli; "
            "print(any(m.startswith(('sympy', 'numpy', 'nnsolve.export')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "False"


def test_statement_math_is_mathml_and_odd_characters_keep_the_xml_valid(nnsolve, problem_file,
                                                                         tmp_path):
    problem = problem_file("""nnsolve: 1
id: sigma
title: "Odd \\e[2J title"
statement: "What is $\\\\sigma(x_1)$ for $x_1 = 0$? \\e]0;x\\a"
solver: choice
given: {question: "Value?", options: {a: "1/2", b: "0 } ~ # {"}, answer: a}
""")
    for to, name in (("moodle", "q.xml"), ("qti", "q.zip")):
        out = tmp_path / name
        result = nnsolve("export", problem, "--to", to, "-o", out)
        assert result.exit_code == 0, result.stderr
        if to == "moodle":
            root = ET.parse(out).getroot()
            text = root.findall("question")[1].findtext("questiontext/text")
            assert "<math>" in text and "<msub>" in text and "\\u001b" in text
        else:
            archive = zipfile.ZipFile(out)
            for member in archive.namelist():
                ET.fromstring(archive.read(member))
    # a Cloze answer with Cloze's own characters is escaped
    from nnsolve.export.moodle import cloze
    from nnsolve.export.questions import Blank

    blank = Blank("a", "answer", "Value?", 1, "choice", "b",
                  options={"a": "1/2", "b": "0 } ~ # {"})
    assert cloze(blank, 1) == "{1:MULTICHOICE:1\\/2~=0 \\} \\~ \\# \\{}"


# --- PrairieLearn ---------------------------------------------------------------------------

def test_prairielearn_questions_pick_a_precomputed_variant(nnsolve, tmp_path):
    out = tmp_path / "questions.zip"
    result = nnsolve("export", VARIANT, "--to", "prairielearn", "-o", out, "--variants", "5")
    assert result.exit_code == 0, result.stderr
    archive = zipfile.ZipFile(out)
    assert set(archive.namelist()) == {f"conv-output-variant/{name}" for name in
                                       ("info.json", "question.html", "server.py",
                                        "variants.json")}
    info = json.loads(archive.read("conv-output-variant/info.json"))
    assert info["type"] == "v3" and len(info["uuid"]) == 36 and info["title"]
    page = archive.read("conv-output-variant/question.html").decode()
    assert page.count("<pl-number-input") == 4 and 'atol="{{params.atol_b3}}"' in page
    variants = json.loads(archive.read("conv-output-variant/variants.json"))
    for variant in variants:
        expected = [v for v, _ in key_answers(nnsolve, VARIANT, variant["student"])]
        assert [variant["correct_answers"][f"b{i}"] for i in range(4)] == expected
    folder = tmp_path / "q"
    archive.extractall(folder)
    namespace = runpy.run_path(str(folder / "conv-output-variant" / "server.py"))
    data = {"params": {}, "correct_answers": {}}
    namespace["generate"](data)
    assert data["correct_answers"] in [v["correct_answers"] for v in variants]
    assert "<math" in data["params"]["solution"]


def test_gradescope_bundle_keeps_sets_and_their_relative_paths(nnsolve, tmp_path):
    from nnsolve.grade.key import Key

    bundle = tmp_path / "autograder.zip"
    assert nnsolve("export", ROOT / "problems", "--to", "gradescope", "-o",
                   bundle).exit_code == 0
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path / "source")
        script = archive.read("run_autograder").decode()
    assert '--key "$ROOT/source/problems/"\'\'' in script
    key = Key.from_paths([tmp_path / "source" / "problems"])
    assert "e7-model-sizes" in key.sets and "alexnet-conv1" in key.problems
    assert (tmp_path / "source" / "problems" / "models" / "vgg16.yaml").is_file()
    # a set that reaches outside its folder (../problems/) keeps the layout it needs
    assert nnsolve("export", EXAMPLES / "course" / "week3.yaml", "--to", "gradescope", "-o",
                   bundle).exit_code == 0
    with zipfile.ZipFile(bundle) as archive:
        assert {"problems/course/week3.yaml", "problems/problems/conv-output-exact.yaml"} <= \
            set(archive.namelist())
        assert '--key "$ROOT/source/problems/"course/week3.yaml' in \
            archive.read("run_autograder").decode()


@pytest.mark.skipif(shutil.which("bash") is None, reason="run_autograder is a bash script")
def test_gradescope_bundle_writes_results_even_when_grading_refuses(nnsolve, tmp_path):
    root = _alexnet_autograder(nnsolve, tmp_path)
    for student in ("s1", "s2"):     # two students in one run: grade refuses (usage error)
        (root / "submission" / f"{student}.yaml").write_text(
            f"nnsolve: 1\nstudent: {{id: {student}}}\nproblem: alexnet-conv1\n"
            "answers: {a: {params: 34944}}\n", encoding="utf-8")
    ran = _run_autograder(root)
    assert ran.returncode == 2
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 0 and "could not grade" in results["output"]
