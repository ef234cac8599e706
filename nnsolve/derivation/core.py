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

from nnsolve.derivation import formulas, kinds, names, vectors
from nnsolve.derivation import values as V

Value = Any
Rule = Callable[[Mapping[str, Value]], Value]


@dataclass(frozen=True)
class Misconception:
    """A common wrong computation of a quantity, from the same inputs as the right one: a rule
    over input values, or a formula (`Derivation.add` turns it into its rule)."""

    id: str
    description: str
    rule: Rule | sympy.Basic

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
    #: False for a step the board does not write out (an element of a large feature map, an
    #: element taken from a matrix): still computed, recomputed and graded
    shown: bool = True

    def __post_init__(self):
        kind = kinds.get(self.kind)      # an unknown kind is the solver's error, named here
        if not kind.accepts(self.value):
            raise TypeError(f"{self.name}: {self.value!r} is not a value of kind {self.kind!r} "
                            f"({kind.description})")
        if self.symbol is None:
            self.symbol = sympy.Symbol(self.name)

    @property
    def value_kind(self) -> kinds.ValueKind:
        return kinds.get(self.kind)

    @property
    def exact_by_default(self) -> bool:
        return self.value_kind.exact


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
    _symbols_by_name: dict[str, sympy.Basic] = field(default_factory=dict, repr=False)

    # -- names and symbols ----------------------------------------------------------------
    def symbol(self, name: str, written: str | sympy.Basic | None = None) -> sympy.Basic:
        """The symbol that stands for quantity `name` in formulas, fixed before the quantity
        is added (a formula may name a quantity the board writes later, such as w13^new).
        `written` is how the board spells it (default: the name)."""
        if name not in self._symbols_by_name:
            symbol = written if isinstance(written, sympy.Basic) else \
                sympy.Symbol(written or name)
            self._symbols_by_name[name] = symbol
            self._names_by_symbol[symbol] = name
        return self._symbols_by_name[name]

    def name_of(self, symbol: sympy.Basic) -> str:
        return self._names_by_symbol[symbol]

    def stands_for(self, symbol: sympy.Basic, name: str) -> None:
        """Let another object stand for quantity `name` in formulas (a family's X in X[i, j]);
        the first one registered for a symbol keeps it."""
        self._names_by_symbol.setdefault(symbol, name)

    def _default_symbol(self, name: str, value: Value, kind: str) -> sympy.Basic:
        """A vector or matrix is a matrix symbol, so it can be multiplied in formulas."""
        if name in self._symbols_by_name:
            return self._symbols_by_name[name]
        if kind in ("vector", "matrix") and V.rank(value) in (1, 2) and value:
            rows, cols = (len(value), 1) if kind == "vector" else (len(value), len(value[0]))
            return self.symbol(name, sympy.MatrixSymbol(names.written(name), rows, cols))
        return self.symbol(name, names.written(name))

    # -- formulas -------------------------------------------------------------------------
    def inputs_in(self, formula: sympy.Basic, keep=()) -> tuple[str, ...]:
        """The quantities a formula uses, in written order (names in `keep` stay symbols)."""
        return formulas.inputs(formula, self._names_by_symbol, keep)

    def rule_for(self, formula: sympy.Basic, *, keep=(), settle: bool = True) -> Rule:
        """The recompute rule of a formula: for the right answer, a student's values and a
        misconception alike (see `formulas.substitution_rule`)."""
        return formulas.substitution_rule(vectors.elementwise(formula), self._names_by_symbol,
                                          lambda n: self.quantities[n].value, keep=keep,
                                          settle=settle)

    def evaluate(self, formula: sympy.Basic, *, keep=()) -> Value:
        """The value of a formula from the quantities recorded so far."""
        return self.rule_for(formula, keep=keep)({})

    # -- building -----------------------------------------------------------------------
    def given(self, name: str, value: Value, label: str = "", *, symbol: sympy.Basic | None = None,
              kind: str | None = None, group: str | None = None,
              shown: bool = True) -> sympy.Basic:
        """Record a given value; returns the symbol that stands for it in formulas."""
        kind = kind or kinds.guess(V.normalize(value))
        value = kinds.get(kind).normalize(value)
        symbol = self.symbol(name, symbol) if symbol is not None else \
            self._default_symbol(name, value, kind)
        quantity = Quantity(name, label or f"given {name}", value, symbol=symbol, given=True,
                            kind=kind, group=group, shown=shown)
        return self._store(quantity)

    def add(self, name: str, label: str, formula: sympy.Basic | None = None, *,
            rule: Rule | None = None, inputs: tuple[str, ...] | None = None,
            value: Value | None = None, kind: str | None = None,
            symbol: sympy.Basic | None = None, misconceptions=(), group: str | None = None,
            note: str = "", accept=(), components=(), keep=(), shown: bool = True) -> sympy.Basic:
        """Add a quantity computed from earlier ones; returns its symbol.

        With a sympy `formula` (scalar, vector or matrix: tanh(W*x + b) is applied element by
        element), the inputs are the formula's symbols and the rule is substitution, so
        nothing else is needed; a misconception may be written as a formula too
        (`Misconception(id, text, formula)`, or just the triple). Quantities that are not formulas (shapes,
        labels, colourings) pass a `rule` over named `inputs`, and may still pass a formula
        to show. Names in `keep` stay symbols (symbolic exercises).
        """
        if formula is not None:
            formula = vectors.elementwise(formula)
        misconceptions = [Misconception(*m) if isinstance(m, tuple) else m
                          for m in misconceptions]
        wrong = tuple(self._misconception(m, keep) for m in misconceptions)
        if inputs is None:
            inputs = self.inputs_in(formula, keep) if formula is not None else ()
            for m in misconceptions:
                if isinstance(m.rule, sympy.Basic):
                    inputs += tuple(n for n in self.inputs_in(m.rule, keep) if n not in inputs)
        missing = [n for n in inputs if n not in self.quantities]
        if missing:
            raise KeyError(f"{name}: unknown inputs {missing}")
        if rule is None:
            if formula is None:
                raise ValueError(f"{name}: needs a formula or a rule")
            rule = self.rule_for(formula, keep=keep)
        if value is None:
            value = rule({n: self.quantities[n].value for n in inputs})
        kind = kind or kinds.guess(V.normalize(value))
        value_kind = kinds.get(kind)
        value = value_kind.normalize(value)
        rule = _in_form_of(value_kind, rule)
        wrong = tuple(Misconception(m.id, m.description, _in_form_of(value_kind, m.rule))
                      for m in wrong)
        if symbol is None:
            symbol = self._default_symbol(name, value, kind)
        else:
            symbol = self.symbol(name, symbol)
        quantity = Quantity(name, label, value, tuple(inputs), formula, symbol, rule,
                            kind, wrong, group=group, note=note,
                            accept=tuple(value_kind.normalize(a) for a in accept),
                            components=tuple(components), shown=shown)
        return self._store(quantity)

    def _misconception(self, m: Misconception, keep) -> Misconception:
        if isinstance(m.rule, sympy.Basic):
            return Misconception(m.id, m.description, self.rule_for(m.rule, keep=keep))
        return m

    def table(self, title: str, header, rows) -> None:
        self.tables.append(Table(title, tuple(header), tuple(tuple(r) for r in rows)))

    def family(self, name: str, label: str, formula: sympy.Basic, index, shape, **options):
        """An indexed family such as a feature map y[i, j]: see `families.add_family`."""
        from nnsolve.derivation.families import add_family

        return add_family(self, name, label, formula, index, shape, **options)

    def indexed(self, name: str) -> sympy.IndexedBase:
        """Quantity `name` (a vector, matrix or family) as X[i, j] for family formulas, with
        indices from 1 as courses write them."""
        from nnsolve.derivation.families import indexed

        return indexed(self, name)

    def element(self, name: str, index) -> sympy.Basic:
        """The symbol of element `index` (from 1) of vector or matrix `name`."""
        from nnsolve.derivation.families import element

        return element(self, name, tuple(index))

    def iterate(self, **options):
        """Steps of an iteration named step1., step2., … with a stopping rule: see
        `iteration.Iteration`."""
        from nnsolve.derivation.iteration import Iteration

        return Iteration(self, **options)

    def _store(self, quantity: Quantity) -> sympy.Basic:
        if quantity.name in self.quantities:
            raise ValueError(f"quantity {quantity.name!r} defined twice")
        self.quantities[quantity.name] = quantity
        self._names_by_symbol[quantity.symbol] = quantity.name
        self._symbols_by_name[quantity.name] = quantity.symbol
        return quantity.symbol

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


def _in_form_of(kind: kinds.ValueKind, rule: Rule) -> Rule:
    """A rule whose results are brought to the kind's one form (a partition from a dict, a
    table from header and rows), so a value recomputed from a student's answers, or a
    misconception's, compares as the derivation's own does. Kinds whose form is the plain
    value form need nothing more than `values.normalize`, which recomputing applies anyway."""
    if type(kind).normalize is kinds.ValueKind.normalize:
        return rule
    return lambda values: kind.normalize(rule(values))
