"""Loading YAML from anyone: limits hold, and every value knows its line."""

import time

import pytest

from nnsolve.errors import NnsolveError
from nnsolve.spec.yamlsafe import MAX_DEPTH, load_file, load_text


def test_values_know_their_lines():
    doc = load_text("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.line(("a",)) == 1
    assert doc.line(("b", 1, "c")) == 4
    assert doc.line(("b", 1, "missing")) == 4  # nearest written ancestor


def test_error_names_file_line_and_field():
    doc = load_text("parts:\n  - given:\n      kernel: x\n", "p.yaml")
    err = doc.error(("parts", 0, "given", "kernel"), "must be a number")
    assert str(err) == "p.yaml:3: parts[0].given.kernel: must be a number"


def test_syntax_error_has_a_line():
    with pytest.raises(NnsolveError) as exc:
        load_text("a: [1, 2\nb: 3\n", "bad.yaml")
    assert str(exc.value).startswith("bad.yaml:")
    assert "YAML syntax error" in str(exc.value)


def test_duplicate_keys_are_refused():
    with pytest.raises(NnsolveError, match=r"d\.yaml:2: a: key is written twice"):
        load_text("a: 1\na: 2\n", "d.yaml")


def test_deep_nesting_is_refused_before_building():
    deep = "[" * 2000 + "]" * 2000
    start = time.perf_counter()
    with pytest.raises(NnsolveError, match=f"deeper than {MAX_DEPTH}"):
        load_text(deep, "deep.yaml")
    assert time.perf_counter() - start < 2


def test_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    start = time.perf_counter()
    with pytest.raises(NnsolveError, match="aliases"):
        load_text(bomb, "bomb.yaml")
    assert time.perf_counter() - start < 2


def test_size_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 3_000_000)
    with pytest.raises(NnsolveError, match="limit"):
        load_file(path)


def test_unsafe_tags_are_refused():
    with pytest.raises(NnsolveError):
        load_text("a: !!python/object/apply:os.system ['touch /tmp/nnsolve-pwned']\n", "t.yaml")


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(NnsolveError, match="not UTF-8"):
        load_file(path)
