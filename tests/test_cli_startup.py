"""Start-up is a feature: `nnsolve --help` loads neither sympy, numpy nor any solver."""

import subprocess
import sys

PROBE = """
import sys
from nnsolve.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules
               if m.split(".")[0] in {"sympy", "numpy", "pydantic", "rich", "yaml"}
               or m.startswith("nnsolve.solvers") or m.startswith("nnsolve.derivation"))
print("HEAVY:" + ",".join(heavy))
"""


def test_help_imports_nothing_heavy():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    line = [l for l in out.stdout.splitlines() if l.startswith("HEAVY:")][0]
    assert line == "HEAVY:", line


def test_every_command_has_help(nnsolve):
    for command in ("run", "grade", "key", "variant", "check", "solvers", "schema", "new"):
        result = nnsolve(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage:" in result.stdout


def test_usage_error_exits_2(nnsolve):
    result = nnsolve("run")
    assert result.exit_code == 2


_COMMAND_PROBE = """
import sys
from nnsolve.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
loaded = sorted({m.split(".")[0] for m in sys.modules})
print("LOADED:" + ",".join(loaded), file=sys.stderr)
"""


def _loaded_by(*args: str) -> set[str]:
    """The top-level packages a command imports (the repository's own example plugin
    included, as the one installed beside it)."""
    import os
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root), str(root / "examples" / "plugins" / "nnsolve-perceptron")])}
    done = subprocess.run([sys.executable, "-c", _COMMAND_PROBE, *args], capture_output=True,
                          text=True, cwd=root, env=env)
    line = [l for l in done.stderr.splitlines() if l.startswith("LOADED:")][-1]
    return set(line[len("LOADED:"):].split(","))


def test_listing_and_templates_load_no_mathematics_and_no_pydantic():
    for command in (["solvers"], ["new", "mlp"], ["new", "layers"]):
        heavy = _loaded_by(*command) & {"sympy", "numpy", "mpmath", "pydantic", "rich"}
        assert not heavy, (command, heavy)


def test_checking_a_submission_and_showing_a_schema_load_no_sympy():
    assert not _loaded_by("check", "tests/data/e1c-slip.yaml") & {"sympy", "numpy", "pydantic"}
    assert not _loaded_by("schema", "mlp") & {"sympy", "numpy", "pydantic"}


def test_a_shipped_given_schema_is_what_the_model_says_and_a_plugin_falls_back_to_its_model():
    from nnsolve import solvers

    for name in solvers.built_in():
        solver = solvers.get(name)
        assert solver.shipped_schema_path().is_file(), name
        assert solver.given_schema() == solver.Given.model_json_schema(), name
    plugin = type("Plugin", (solvers.get("mlp"),), {"name": "not-shipped"})
    assert plugin.shipped_schema_path().name == "not-shipped.given.json"
    assert plugin.given_schema() == plugin.Given.model_json_schema()


def test_a_broken_shipped_schema_falls_back_to_the_model(tmp_path, monkeypatch):
    from nnsolve import solvers

    solver = solvers.get("mlp")
    broken = tmp_path / "mlp.given.json"
    broken.write_text('{"properties": ', encoding="utf-8")
    monkeypatch.setattr(solver, "shipped_schema_path", classmethod(lambda cls: broken))
    assert solver.given_schema() == solver.Given.model_json_schema()
    broken.unlink()
    assert solver.given_schema() == solver.Given.model_json_schema()


def test_a_small_network_is_solved_without_numpy_and_printed_without_markdown():
    loaded = _loaded_by("run", "problems/e1-backprop-tanh.yaml", "--format", "json")
    assert "sympy" in loaded and not loaded & {"numpy", "rich", "markdown_it", "pygments"}
    assert not _loaded_by("run", "problems/e1-backprop-tanh.yaml") & {"markdown_it", "pygments"}
