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
