"""The derivation: an ordered graph of named quantities, each one recomputable.

A solver builds a Derivation the way a TA writes on the board: givens first, then each quantity
from earlier ones. A quantity keeps the rule that computed it, so the grader can ask "what would
this be, had the earlier values been the student's?" (error carried forward) or "what would a
student who forgot the bias have written?" (misconceptions) without knowing the solver.

    d = Derivation()
    x1, w13 = d.given("x1", 1), d.given("w13", 1)
    a3 = d.add("a3", "net input of neuron 3", w13 * x1)
    d["a3"].value        # 1
    d.recompute("a3", {"x1": 2})   # 2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

import sympy

from nnsolve.derivation import printing
from nnsolve.derivation import values as V

Value = Any
Rule = Callable[[Mapping[str, Value]], Value]

#: kinds of quantity; counts, shapes and labels are graded exactly by default
KINDS = ("number", "count", "shape", "vector", "matrix", "label", "set", "expression", "boolean")
EXACT_KINDS = frozenset({"count", "shape", "label", "boolean"})


@dataclass(frozen=True)
class Misconception:
    """A common wrong computation of a quantity, from the same inputs as the right one."""

    id: str
    description: str
    rule: Rule

    def apply(self, inputs: Mapping[str, Value]) -> Value:
        return V.normalize(self.rule(inputs))


@dataclass
class Quantity:
    name: str
    label: str
    value: Value
    inputs: tuple[str, ...] = ()
    formula: sympy.Basic | None = None
    symbol: sympy.Basic | None = None
    rule: Rule | None = None
    kind: str = "number"
    misconceptions: tuple[Misconception, ...] = ()
    given: bool = False
    group: str | None = None
    note: str = ""
    #: other answers graded as right (spellings of a label: "neg" for "negative")
    accept: tuple[Value, ...] = ()
    #: for a value that packs other quantities (a shape H×W×C), the quantity each element is
    #: (None for a constant): a student's shape then stands for their H, W and C too
    components: tuple[str | None, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown quantity kind {self.kind!r}")
        if self.symbol is None:
            self.symbol = sympy.Symbol(self.name)

    @property
    def exact_by_default(self) -> bool:
        return self.kind in EXACT_KINDS


@dataclass(frozen=True)
class Table:
    """A table shown with the derivation (e.g. old weight / Δw / new weight).

    Cells are values or quantity names wrapped in `Ref`, so renderers show the same numbers
    the quantities hold.
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass
class Derivation:
    conventions: dict[str, str] = field(default_factory=dict)
    quantities: dict[str, Quantity] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: the quantities a part without `ask` asks, when they depend on the given (neuron names);
    #: empty: the solver's class-level `principal`
    principal: list[str] = field(default_factory=list)
    _names_by_symbol: dict[sympy.Basic, str] = field(default_factory=dict, repr=False)

    # -- building -----------------------------------------------------------------------
    def given(self, name: str, value: Value, label: str = "", *, symbol: sympy.Basic | None = None,
              kind: str | None = None, group: str | None = None) -> sympy.Basic:
        """Record a given value; returns the symbol that stands for it in formulas."""
        value = V.normalize(value)
        quantity = Quantity(name, label or f"given {name}", value, symbol=symbol, given=True,
                            kind=kind or _kind_of(value), group=group)
        return self._store(quantity)

    def add(self, name: str, label: str, formula: sympy.Basic | None = None, *,
            rule: Rule | None = None, inputs: tuple[str, ...] | None = None,
            value: Value | None = None, kind: str | None = None,
            symbol: sympy.Basic | None = None, misconceptions=(), group: str | None = None,
            note: str = "", accept=(), components=()) -> sympy.Basic:
        """Add a quantity computed from earlier ones; returns its symbol.

        With a sympy `formula`, the inputs are the formula's symbols and the rule is
        substitution, so nothing else is needed. Quantities that are not scalar formulas
        (shapes, matrices, labels) pass a `rule` over named inputs, and may still pass a
        formula to show.
        """
        if inputs is None:
            inputs = self._inputs_of(formula) if formula is not None else ()
        missing = [n for n in inputs if n not in self.quantities]
        if missing:
            raise KeyError(f"{name}: unknown inputs {missing}")
        if rule is None:
            if formula is None:
                raise ValueError(f"{name}: needs a formula or a rule")
            rule = self._substitution_rule(formula, inputs)
        if value is None:
            value = rule({n: self.quantities[n].value for n in inputs})
        value = V.normalize(value)
        quantity = Quantity(name, label, value, tuple(inputs), formula, symbol, rule,
                            kind or _kind_of(value), tuple(misconceptions), group=group, note=note,
                            accept=tuple(V.normalize(a) for a in accept),
                            components=tuple(components))
        return self._store(quantity)

    def table(self, title: str, header, rows) -> None:
        self.tables.append(Table(title, tuple(header), tuple(tuple(r) for r in rows)))

    def _store(self, quantity: Quantity) -> sympy.Basic:
        if quantity.name in self.quantities:
            raise ValueError(f"quantity {quantity.name!r} defined twice")
        self.quantities[quantity.name] = quantity
        self._names_by_symbol[quantity.symbol] = quantity.name
        return quantity.symbol

    def _inputs_of(self, formula: sympy.Basic) -> tuple[str, ...]:
        names = []
        for atom in sorted(formula.atoms(sympy.Symbol, sympy.MatrixSymbol), key=sympy.default_sort_key):
            name = self._names_by_symbol.get(atom)
            if name is None:
                raise KeyError(f"symbol {atom} in a formula is neither given nor derived")
            names.append(name)
        return tuple(names)

    def _substitution_rule(self, formula: sympy.Basic, inputs: tuple[str, ...]) -> Rule:
        symbols = {n: self.quantities[n].symbol for n in inputs}

        def rule(values: Mapping[str, Value]) -> Value:
            mapping = {symbols[n]: V.to_sympy(values[n]) for n in inputs}
            result = formula.xreplace(mapping)
            if hasattr(result, "doit"):
                result = result.doit()
            return result

        return rule

    # -- reading ------------------------------------------------------------------------
    def __getitem__(self, name: str) -> Quantity:
        return self.quantities[name]

    def __contains__(self, name: str) -> bool:
        return name in self.quantities

    def __iter__(self) -> Iterator[Quantity]:
        return iter(self.quantities.values())

    @property
    def values(self) -> dict[str, Value]:
        return {name: q.value for name, q in self.quantities.items()}

    def derived(self) -> list[Quantity]:
        return [q for q in self if not q.given]

    def inputs_of(self, name: str, overrides: Mapping[str, Value] | None = None) -> dict[str, Value]:
        """The input values of a quantity, taking `overrides` (e.g. a student's) first."""
        overrides = overrides or {}
        q = self.quantities[name]
        return {n: overrides.get(n, self.quantities[n].value) for n in q.inputs}

    def recompute(self, name: str, overrides: Mapping[str, Value]) -> Value:
        """The quantity's value had its inputs been `overrides` (others as derived)."""
        q = self.quantities[name]
        if q.rule is None:
            return q.value
        return V.normalize(q.rule(self.inputs_of(name, overrides)))

    # -- showing ------------------------------------------------------------------------
    def formula_text(self, name: str) -> str | None:
        q = self.quantities[name]
        return printing.to_text(q.formula) if q.formula is not None else None

    def formula_latex(self, name: str) -> str | None:
        q = self.quantities[name]
        return printing.to_latex(q.formula) if q.formula is not None else None

    def _substitutions(self, q: Quantity) -> dict:
        return {self.quantities[n].symbol: self.quantities[n].value for n in q.inputs}

    def formula_mathml(self, name: str) -> str | None:
        q = self.quantities[name]
        return printing.to_mathml(q.formula) if q.formula is not None else None

    def substituted_text(self, name: str, digits: int = 4, *, elide: bool = False) -> str | None:
        q = self.quantities[name]
        if q.formula is None or not q.inputs:
            return None
        return printing.to_text(q.formula, self._substitutions(q), digits, elide=elide)

    def substituted_latex(self, name: str, digits: int = 4, *, elide: bool = False) -> str | None:
        q = self.quantities[name]
        if q.formula is None or not q.inputs:
            return None
        return printing.to_latex(q.formula, self._substitutions(q), digits, elide=elide)

    def substituted_mathml(self, name: str, digits: int = 4, *, elide: bool = False) -> str | None:
        q = self.quantities[name]
        if q.formula is None or not q.inputs:
            return None
        return printing.to_mathml(q.formula, self._substitutions(q), digits, elide=elide)

    def symbol_latex(self, name: str) -> str:
        return printing.symbol_latex(self.quantities[name].symbol)

    def symbol_mathml(self, name: str) -> str:
        return printing.symbol_mathml(self.quantities[name].symbol)


def _kind_of(value: Value) -> str:
    if isinstance(value, str):
        return "label"
    if isinstance(value, frozenset):
        return "set"
    if isinstance(value, tuple):
        return "matrix" if value and isinstance(value[0], tuple) else "vector"
    if isinstance(value, sympy.Expr) and value.free_symbols:
        return "expression"
    return "number"
