"""Comparators and readers of the structured kinds: tensors, mappings, multisets, partitions
and tables. Expected verdicts are worked out by hand in the tests."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from nnsolve.derivation import kinds
from nnsolve.derivation import structures as S
from nnsolve.grade.answers import AnswerError, AnswerReader
from nnsolve.grade.compare import Tolerance, compare

DEFAULT = Tolerance()
EXACT = Tolerance(exact=True)


def read(kind: str, raw, expected=None):
    return kinds.get(kind).read(raw, AnswerReader(), expected)


# -- partitions ---------------------------------------------------------------------------------

def test_a_colouring_with_renamed_colours_is_correct():
    expected = S.Partition({1: "A", 2: "A", 3: "B"})
    assert compare(expected, S.Partition({1: 7, 2: 7, 3: 5}), EXACT, kind="partition").ok
    written = read("partition", {1: "red", 2: "red", 3: "blue"}, expected)
    assert compare(expected, written, EXACT, kind="partition").ok
    groups = read("partition", [[3], [2, 1]], expected)
    assert compare(expected, groups, EXACT, kind="partition").ok


def test_a_wrong_partition_says_which_nodes_belong_together():
    expected = S.Partition({1: "A", 2: "B", 3: "A", 4: "C"})
    result = compare(expected, S.Partition({1: "x", 2: "y", 3: "z", 4: "y"}), EXACT,
                     kind="partition")
    assert not result.ok
    assert "nodes 1 and 3 should share a colour" in result.message
    assert "nodes 2 and 4 should not" in result.message
    # best matching: A→x keeps 1, B→y keeps 2, C→z keeps nothing, 3 and 4 are misplaced
    assert result.fraction == pytest.approx(2 / 4)


def test_a_partition_names_missing_and_unexpected_nodes():
    expected = S.Partition({1: "A", 2: "A", 3: "B"})
    result = compare(expected, S.Partition({1: "x", 2: "x", 9: "y"}), EXACT, kind="partition")
    assert not result.ok and "no colour for node 3" in result.message
    assert "not expected: node 9" in result.message
    assert result.fraction == pytest.approx(2 / 4)


def test_partition_groups_must_not_repeat_a_node():
    with pytest.raises(AnswerError, match="1 is in two groups"):
        read("partition", [[1, 2], [1, 3]])
    with pytest.raises(AnswerError, match="expected a colour"):
        read("partition", "red")


@given(st.dictionaries(st.integers(1, 30), st.integers(0, 5), min_size=1, max_size=12),
       st.permutations(list(range(6))), st.randoms())
def test_a_partition_equals_any_relabelling_of_itself(colouring, relabel, rng):
    expected = S.Partition(colouring)
    items = list(colouring.items())
    rng.shuffle(items)
    renamed = S.Partition((node, f"c{relabel[colour]}") for node, colour in items)
    result = compare(expected, renamed, EXACT, kind="partition")
    assert result.ok and result.fraction == 1.0


# -- multisets ----------------------------------------------------------------------------------

def test_a_histogram_in_another_order_is_correct():
    expected = S.Multiset({"A": 2, "B": 1, "C": 3})
    assert compare(expected, S.Multiset({"C": 3, "A": 2, "B": 1}), EXACT, kind="multiset").ok
    counted = read("multiset", ["C", "B", "C", "A", "C", "A"])
    assert compare(expected, counted, EXACT, kind="multiset").ok
    assert compare(expected, read("multiset", {"c": 3, "b": 1, "a": 2}), EXACT, kind="multiset").ok


def test_a_wrong_histogram_names_the_counts_that_differ():
    expected = S.Multiset({"A": 2, "B": 1})
    result = compare(expected, S.Multiset({"A": 1, "B": 1, "C": 1}), EXACT, kind="multiset")
    assert not result.ok
    assert result.message == "2 counts differ: A: expected 2, got 1; C: expected 0, got 1"
    assert result.fraction == pytest.approx(2 / 3)     # A once and B in common, of 3 items


def test_multiset_counts_must_be_whole_numbers():
    with pytest.raises(AnswerError, match="count of A"):
        read("multiset", {"A": 1.5})
    with pytest.raises(AnswerError, match="no count for A"):
        read("multiset", {"A": None})


@given(st.lists(st.sampled_from(["red", "green", "blue", "7", "x y"]), max_size=20), st.randoms())
def test_a_multiset_does_not_depend_on_insertion_order(elements, rng):
    shuffled = list(elements)
    rng.shuffle(shuffled)
    expected = S.Multiset.of(elements)
    assert compare(expected, S.Multiset.of(shuffled), EXACT, kind="multiset").ok
    assert compare(expected, read("multiset", shuffled), EXACT, kind="multiset").ok


# -- mappings -----------------------------------------------------------------------------------

def test_a_mapping_with_one_wrong_value_gets_the_share_of_keys_right():
    expected = S.FrozenMap({"cat": 0.5, "dog": 0.25, "bird": "fly", "fish": (1, 2)})
    given_value = read("mapping", {"cat": 0.5, "dog": 0.4, "bird": "Fly", "fish": [1, 2]}, expected)
    result = compare(expected, given_value, DEFAULT, kind="mapping")
    assert not result.ok and result.fraction == pytest.approx(3 / 4)
    assert result.message.startswith("1 of 4 keys wrong: dog: expected 0.25, got 0.4")


def test_missing_and_unexpected_keys_each_cost_a_key():
    expected = S.FrozenMap({"A": 1, "B": 2})
    result = compare(expected, S.FrozenMap({"A": 1, "Z": 2}), DEFAULT, kind="mapping")
    assert result.fraction == pytest.approx(1 / 3)
    assert "missing: B" in result.message and "not expected: Z" in result.message


def test_mapping_values_are_read_as_the_key_reads_them():
    expected = S.FrozenMap({"1": "e", "2": sympy.Rational(1, 2)})
    value = read("mapping", {1: "e", 2: "1/2"}, expected)
    assert value == S.FrozenMap({"1": "e", "2": sympy.Rational(1, 2)})   # e is a colour here
    with pytest.raises(AnswerError, match="appears twice"):
        read("mapping", {1: 0, "1": 1})
    with pytest.raises(AnswerError, match="expected a mapping"):
        read("mapping", [1, 2])


# -- tensors ------------------------------------------------------------------------------------

def tensor(channels, rows, columns, start=0):
    return tuple(tuple(tuple(start + c * 100 + r * 10 + k for k in range(columns))
                       for r in range(rows)) for c in range(channels))


def test_a_tensor_shape_mismatch_names_both_shapes():
    result = compare(tensor(2, 3, 3), tensor(3, 3, 2), EXACT, kind="tensor")
    assert result.message == "shape mismatch: expected a 2×3×3 tensor, got a 3×3×2 tensor"


def test_a_tensor_is_compared_element_by_element():
    wrong = list(map(list, tensor(2, 3, 3)[1]))
    wrong[2][0] = -1
    given_value = (tensor(2, 3, 3)[0], tuple(map(tuple, wrong)))
    result = compare(tensor(2, 3, 3), given_value, EXACT, kind="tensor")
    assert result.fraction == pytest.approx(17 / 18)
    assert "element (2, 3, 1): expected 120, got -1" in result.message
    assert read("tensor", [[[1, 2]], [[3, 4]]]) == ((tuple(map(sympy.Integer, (1, 2))),),
                                                    (tuple(map(sympy.Integer, (3, 4))),))


# -- tables -------------------------------------------------------------------------------------

UPDATES = S.TableValue(["weight", "old", "new"], [("w13", 1, 0.5), ("w23", -1, -0.75)])


def test_a_wrong_table_cell_costs_one_cell():
    given_value = read("table", [["w13", 1, 0.5], ["w23", -1, -0.25]], UPDATES)
    result = compare(UPDATES, given_value, DEFAULT, kind="table")
    assert not result.ok and result.fraction == pytest.approx(5 / 6)
    assert "1 of 6 cells wrong: row 2, new: expected -0.75, got -0.25" in result.message


def test_table_rows_keyed_by_the_header_in_any_order():
    rows = [{"new": 0.5, "weight": "w13", "old": 1}, {"old": -1, "new": -0.75, "weight": "w23"}]
    assert compare(UPDATES, read("table", rows, UPDATES), DEFAULT, kind="table").ok
    as_json = {"header": ["weight", "old", "new"], "rows": [["w13", 1, 0.5], ["w23", -1, -0.75]]}
    assert compare(UPDATES, read("table", as_json, UPDATES), DEFAULT, kind="table").ok


def test_a_table_with_other_columns_is_wrong_as_a_whole():
    other = read("table", [{"weight": "w13", "old": 1, "Δw": -0.5}], UPDATES)
    result = compare(UPDATES, other, DEFAULT, kind="table")
    assert not result.ok and result.message == \
        "expected the columns weight, old, new, got weight, old, Δw"
    with pytest.raises(AnswerError, match="row 1 has 2 cells"):
        read("table", [["w13", 1]], UPDATES)


# -- what every kind shares -----------------------------------------------------------------------

def test_elements_are_named_as_the_messages_name_them():
    assert kinds.get("vector").elements((1, 2))[1] == ("element 2", 2)
    assert kinds.get("matrix").elements(((1, 2), (3, 4)))[2] == ("row 2, column 1", 3)
    assert kinds.get("tensor").elements(tensor(2, 2, 2))[-1] == ("element (2, 2, 2)", 111)
    assert kinds.get("mapping").elements(S.FrozenMap({"a": 1})) == [("a", 1)]
    assert kinds.get("table").elements(UPDATES)[5] == ("row 2, new", -0.75)
    for whole in ("number", "shape", "set", "partition", "multiset", "label"):
        assert kinds.get(whole).elements(None) is None


def test_auto_compares_by_the_expected_values_type():
    assert compare(S.Partition({1: "A", 2: "B"}), S.Partition({1: "B", 2: "A"}), EXACT,
                   kind="auto").ok
    assert compare(UPDATES, UPDATES, DEFAULT, kind="auto").ok
    assert not compare(S.FrozenMap({"a": 1}), S.FrozenMap({"a": 2}), DEFAULT, kind="auto").ok
    assert compare(frozenset({1, 2}), [2, 1], DEFAULT, kind="auto").ok


def test_expressions_in_messages_are_written_as_students_type_them():
    y3 = sympy.Symbol("y3")
    result = compare(y3 ** 2, y3 ** 3, DEFAULT, kind="expression")
    assert result.message.startswith("expected y3^2, got y3^3")
    assert "**" not in result.message


def test_a_plugin_kind_without_a_comparator_is_graded_by_equality():
    """A kind that brings no comparator of its own (an ordering of nodes) is right when equal,
    and its message writes both sides as the kind writes them."""
    import time

    from nnsolve.derivation.kinds import CompareContext, ValueKind

    class Ordering(ValueKind):
        name = "test-ordering"
        description = "nodes in the order a traversal visits them"

    kind = Ordering()
    context = CompareContext(time.monotonic() + 1)
    assert kind.compare(("A", "B", "C"), ("A", "B", "C"), Tolerance(), context).ok
    wrong_order = kind.compare(("A", "B", "C"), ("A", "C", "B"), Tolerance(), context)
    assert not wrong_order.ok and wrong_order.fraction == 0
    assert wrong_order.message == "expected [A, B, C], got [A, C, B]"


def test_matrix_expressions_take_sympy_objects_never_text():
    """Nothing written as text is parsed into a formula by the vector machinery."""
    import sympy

    from nnsolve.derivation.vectors import Softmax

    with pytest.raises(sympy.SympifyError):
        Softmax("__import__('os').system('true')")


def test_a_kind_registered_before_the_first_look_up_is_the_one_found(monkeypatch):
    from nnsolve.derivation.kinds import ValueKind, get, register, registry

    monkeypatch.setattr(registry, "_KINDS", {})
    monkeypatch.setattr(registry, "_loaded", False)

    class Colour(ValueKind):
        name = "label"          # a plugin replacing a built-in on purpose
        description = "a colour name"

    mine = register(Colour())
    assert get("label") is mine and get("number").name == "number"
    with pytest.raises(TypeError, match="not a named ValueKind"):
        register(object())


def test_every_truth_word_a_key_may_hold_is_graded_as_one():
    assert compare("off", "no", DEFAULT, kind="boolean").ok
    assert compare("on", "true", DEFAULT, kind="boolean").ok
    assert not compare("off", "yes", DEFAULT, kind="boolean").ok


def test_a_number_and_its_text_are_one_label():
    assert compare("1", 1.0, DEFAULT, kind="label").ok


def test_a_colouring_recomputed_from_a_students_answer_is_still_a_colouring():
    from nnsolve.derivation.core import Derivation
    from nnsolve.derivation.structures import Partition

    d = Derivation()
    d.given("degrees", {"1": 2, "2": 2, "3": 1}, kind="mapping")
    d.add("colouring", "nodes by degree", rule=lambda v: dict(v["degrees"]),
          inputs=("degrees",), kind="partition")
    again = d.recompute("colouring", {"degrees": {"1": 1, "2": 2, "3": 1}})
    assert isinstance(again, Partition) and again.groups() == {frozenset({"1", "3"}),
                                                              frozenset({"2"})}
