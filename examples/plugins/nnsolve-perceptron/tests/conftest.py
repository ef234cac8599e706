"""Paths to the plugin's problems and submissions, and the command line called in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parent.parent
PROBLEMS = PLUGIN / "problems"
SUBMISSIONS = PLUGIN / "submissions"


@pytest.fixture
def problems() -> Path:
    return PROBLEMS


@pytest.fixture
def submissions() -> Path:
    return SUBMISSIONS


@pytest.fixture
def nnsolve():
    """nnsolve("run", path, "--format", "json") → (exit code, stdout), as a user calls it."""
    from click.testing import CliRunner

    from nnsolve.cli import main

    def call(*args) -> tuple[int, str]:
        result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout

    return call


@pytest.fixture
def graded(nnsolve):
    """The JSON grade result of one submission against the plugin's problems."""
    def grade(name: str) -> dict:
        code, out = nnsolve("grade", SUBMISSIONS / name, "--key", PROBLEMS, "--format", "json")
        assert code == 0, out
        (result,) = json.loads(out)["results"]
        return result

    return grade
