"""Shared test helpers: running the command line in-process, and finding the shipped problems."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# CI explores the same examples every run, so a red build always means a changed program;
# locally hypothesis keeps searching new ones.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")



class Result:
    def __init__(self, result):
        self.exit_code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def nnsolve():
    """Call the command line as a user would: nnsolve("run", "problems/x.yaml", "--format", "json")."""
    from nnsolve.cli import main

    def call(*args: str) -> Result:
        runner = CliRunner()
        return Result(runner.invoke(main, [str(a) for a in args], catch_exceptions=False))

    return call


@pytest.fixture
def problem_file(tmp_path):
    """Write a problem (YAML text) to a file and return its path."""

    def write(text: str, name: str = "problem.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
