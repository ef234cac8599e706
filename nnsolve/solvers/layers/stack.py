"""Building a layer stack's derivation: names, symbols, and what every layer has in common.

The layer kinds (kinds.py) decide their own hyperparameters and sizes; this module gives
them one way to record a given, a derived count, a layer's output shape and units, its
parameters and multiply-adds, and adds up the whole stack at the end.

Names and symbols: a layer's quantities are prefixed by its `name:` or by `layer<i>` (1-based
position), e.g. `conv1.params`; in formulas the i-th layer's sizes are H_i, W_i, its
hyperparameters F_i (kernel), S_i (stride), P_i (padding), K_i (filters), N_i (units), so
formulas read like the slides: H_1 = ⌊(H_0 − F_1 + 2P_1)/S_1⌋ + 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.ordered import times, total
from nnsolve.solvers.base import SolverError
from nnsolve.solvers.layers.formulas import Shape
from nnsolve.solvers.layers.spec import Pair


@dataclass(frozen=True)
class Axis:
    """One dimension of a layer's output: the quantity that holds its size, and its symbol."""

    name: str | None            # None for a constant size (the 1s of a kept 1×1×C volume)
    symbol: sympy.Expr


ONE = Axis(None, sympy.Integer(1))


@dataclass(frozen=True)
class Tensor:
    """A layer's output, axes in logical order: (h, w, c) for an image, (t, d) for a sequence
    of vectors, (n,) for a vector. The `layout` convention only changes how it is shown."""

    axes: tuple[Axis, ...]

    @property
    def rank(self) -> int:
        return len(self.axes)


@dataclass(frozen=True)
class Hyper:
    """A per-axis hyperparameter (kernel, stride, ...) as the symbols of its givens."""

    h: sympy.Expr
    w: sympy.Expr
    square: bool

    def __iter__(self):
        return iter((self.h, self.w))


@dataclass
class Layer:
    index: int                  # 1-based position in the stack
    prefix: str                 # the layer's name or layer<i>
    kind: str
    path: tuple                 # where its options are, inside `given`
    group: str = ""

    def name(self, field_name: str) -> str:
        return f"{self.prefix}.{field_name}"

    def symbol(self, letter: str, axis: str = "") -> sympy.Symbol:
        return sympy.Symbol(f"{letter}^{axis}_{self.index}" if axis else f"{letter}_{self.index}")

    def error(self, message: str, field_name: str | None = None) -> SolverError:
        return SolverError(message, self.path + ((field_name,) if field_name else ()))


@dataclass
class _Contribution:
    """A layer's term in a total, and how each known mistake shifts it."""

    name: str
    symbol: sympy.Expr
    shifts: dict[str, tuple[str, Any]] = field(default_factory=dict)   # id → (description, Δ)


class Stack:
    """The derivation under construction, and what the stack has seen so far."""

    def __init__(self, conventions: Mapping[str, str], layout: str):
        self.d = Derivation()
        self.conventions = dict(conventions)
        self.layout = layout
        self._params: list[_Contribution] = []
        self._macs: list[_Contribution] = []
        self._shape_alternatives: list[tuple[str, str, tuple]] = []
        #: the known mistakes in the last output's units, which a flattened size inherits
        self.units_alternatives: list[Misconception] = []
        self._last_tensor: Tensor | None = None
        self.last_layer: Layer | None = None
        #: the receptive-field chain: (r_h, r_w, j_h, j_w) so far, or None once it is broken
        self.receptive: tuple[Axis, Axis, Axis, Axis] | None = None
        self.receptive_split = False
        #: every layer's output by name (and the input's), for add and concat layers
        self.outputs: dict[str, Tensor] = {}
        #: every layer and block in the order derived, for the summary table
        #: the parameters that are not trained (batch norm's running statistics), as terms
        self.frozen: list[sympy.Expr] = []
        self.rows: list[tuple[Layer, int, bool]] = []   # layer, nesting depth, is a block
        self.depth = 0
        self._index = 0

    def next_index(self) -> int:
        """Layers are numbered in the order they are derived (blocks and the layers inside
        them alike), so the subscripts of their symbols never collide."""
        self._index += 1
        return self._index

    # -- values --------------------------------------------------------------------------
    def value(self, axis: Axis) -> Any:
        return axis.symbol if axis.name is None else self.d[axis.name].value

    def shown(self, tensor: Tensor) -> tuple[Axis, ...]:
        """Axes in the order the layout shows them (C×H×W with layout chw)."""
        if tensor.rank == 3 and self.layout == "chw":
            h, w, c = tensor.axes
            return (c, h, w)
        return tensor.axes

    def describe(self, tensor: Tensor) -> str:
        sizes = [self.value(a) for a in self.shown(tensor)]
        if tensor.rank == 1:
            return f"a vector of {V.format_value(sizes[0])}"
        return "×".join(V.format_value(s) for s in sizes)

    def of(self, symbol: sympy.Expr) -> Any:
        """The value of the quantity a formula symbol stands for; a constant size (the 1s of a
        kept 1×1×C volume) is its own value."""
        if not isinstance(symbol, sympy.Symbol):
            return symbol
        return self.d[self.d.name_of(symbol)].value

    def name_of(self, symbol: sympy.Expr) -> str:
        return self.d.name_of(symbol)

    @staticmethod
    def numeric(*values) -> bool:
        return all(isinstance(v, sympy.Integer) for v in values)

    # -- recording -----------------------------------------------------------------------
    def given(self, name: str, raw: Any, label: str, symbol: sympy.Expr,
              group: str | None = None) -> sympy.Expr:
        """A number from the spec, or a symbol name standing for one (`kernel: F`)."""
        value = sympy.Symbol(raw, integer=True, positive=True) if isinstance(raw, str) else raw
        value = V.normalize(value)
        return self.d.given(name, value, label, symbol=symbol, kind=_kind(value), group=group)

    def hyper(self, layer: Layer, field_name: str, pair: Pair, letter: str, label: str) -> Hyper:
        """One given for a square value (kernel: 3), two for [h, w] (kernel_h, kernel_w)."""
        if pair.square:
            s = self.given(layer.name(field_name), pair.h, label, layer.symbol(letter), layer.group)
            return Hyper(s, s, True)
        h = self.given(layer.name(f"{field_name}_h"), pair.h, f"{label} (height)",
                       layer.symbol(letter, "h"), layer.group)
        w = self.given(layer.name(f"{field_name}_w"), pair.w, f"{label} (width)",
                       layer.symbol(letter, "w"), layer.group)
        return Hyper(h, w, False)

    def add(self, name: str, label: str, formula: sympy.Expr, symbol: sympy.Expr, *,
            group: str | None = None, alternatives=(), misconceptions=(), note: str = "",
            adjust: Callable[[Mapping[str, Any], Any], Any] | None = None) -> sympy.Expr:
        """A derived count; `alternatives` are misconceptions written as formulas. `adjust`
        corrects the formula's value where a framework's rule is not a formula (PyTorch's
        ceil mode); it sees the same inputs."""
        inputs = _unique((*self.d.inputs_in(formula),
                          *(n for a in alternatives for n in self.d.inputs_in(a.rule))))
        rule = None
        if adjust is not None:
            base = self.d.rule_for(formula)
            rule = (lambda v: adjust(v, base(v)))
        value = self.evaluate(formula) if rule is None else \
            V.normalize(rule({n: self.d[n].value for n in inputs}))
        return self.d.add(name, label, formula, rule=rule, inputs=inputs, value=value,
                          kind=_kind(value), symbol=symbol,
                          misconceptions=[*alternatives, *misconceptions], group=group, note=note)

    def evaluate(self, formula: sympy.Expr) -> Any:
        """The value of `formula` from the quantities recorded so far."""
        return self.d.evaluate(formula)

    def alternative_value(self, name: str, alternative_id: str) -> Any:
        q = self.d[name]
        for m in q.misconceptions:
            if m.id == alternative_id:
                return m.apply(self.d.inputs_of(name))
        return q.value

    # -- what every layer has ------------------------------------------------------------
    def output(self, layer: Layer, tensor: Tensor, sized: tuple[str, str] | None = None) -> None:
        """The layer's output shape and units. `sized` names the layer's own height and width
        quantities, whose known mistakes carry into the shape and the units."""
        if sized is not None:
            self._shape_alternatives = self._sized_alternatives(tensor, sized)
        elif not _same_axes(tensor, self._last_tensor):
            self._shape_alternatives = []
        self._last_tensor = tensor
        shown = self.shown(tensor)
        names = _unique(a.name for a in shown if a.name is not None)
        shape_alternatives = [Misconception(i, text, lambda _v, alt=alt: alt)
                              for i, text, alt in self._shape_alternatives]
        self.d.add(layer.name("output_shape"), f"output shape of {layer.prefix}",
                   Shape(*(a.symbol for a in shown)), inputs=names,
                   rule=lambda v, shown=shown: tuple(v[a.name] if a.name else a.symbol
                                                     for a in shown),
                   kind="shape", misconceptions=shape_alternatives, group=layer.group,
                   symbol=layer.symbol("shape"), components=tuple(a.name for a in shown))
        if tensor.rank == 1 and tensor.axes[0].name == layer.name("units"):
            self.units_alternatives = []
            return
        alternatives = [Misconception(i, text, _product(alt)) for i, text, alt in
                        self._shape_alternatives if all(isinstance(v, sympy.Rational) for v in alt)]
        if sized is not None and tensor.rank == 3:
            h, w, _ = tensor.axes
            alternatives.append(Misconception(
                "channels-forgotten", "the channels were left out: every channel of every "
                                      "position is a unit (H·W·C)", times(h.symbol, w.symbol)))
        self.units_alternatives = alternatives
        self.add(layer.name("units"), f"units (output elements) of {layer.prefix}",
                 times(*(a.symbol for a in shown)), layer.symbol("N"), group=layer.group,
                 alternatives=alternatives)

    def _sized_alternatives(self, tensor: Tensor, sized: tuple[str, str]):
        h_name, w_name = sized
        ids = [m.id for m in self.d[h_name].misconceptions]
        out = []
        for alternative_id in ids:
            sizes = {h_name: self.alternative_value(h_name, alternative_id),
                     w_name: self.alternative_value(w_name, alternative_id)}
            alt = tuple(sizes.get(a.name, self.value(a)) for a in self.shown(tensor))
            if alt != tuple(self.value(a) for a in self.shown(tensor)):
                text = next(m.description for m in self.d[h_name].misconceptions
                            if m.id == alternative_id)
                out.append((alternative_id, text, alt))
        return out

    def params(self, layer: Layer, formula: sympy.Expr, *, alternatives=(), note: str = "") -> None:
        symbol = self.add(layer.name("params"), f"parameters of {layer.prefix}", formula,
                          layer.symbol("params"), group=layer.group, alternatives=alternatives,
                          note=note)
        self._params.append(self._contribution(layer.name("params"), symbol))

    def no_params(self, layer: Layer, note: str) -> None:
        self.d.add(layer.name("params"), f"parameters of {layer.prefix}", sympy.Integer(0),
                   kind="count", symbol=layer.symbol("params"), group=layer.group, note=note)
        self._params.append(_Contribution(layer.name("params"), layer.symbol("params")))

    def macs(self, layer: Layer, formula: sympy.Expr, *, alternatives=(), note: str = "") -> None:
        symbol = self.add(layer.name("macs"), f"multiply-adds of {layer.prefix}", formula,
                          layer.symbol("MACs"), group=layer.group, alternatives=alternatives,
                          note=note)
        self._macs.append(self._contribution(layer.name("macs"), symbol))

    def _contribution(self, name: str, symbol: sympy.Expr) -> _Contribution:
        q = self.d[name]
        shifts = {}
        for m in q.misconceptions:
            delta = V.normalize(m.apply(self.d.inputs_of(name)) - q.value)
            shifts[m.id] = (m.description, delta)
        return _Contribution(name, symbol, shifts)

    # -- blocks ------------------------------------------------------------------------------
    def counted(self) -> tuple[int, int, int]:
        """Where a block starts in the lists of contributions."""
        return len(self._params), len(self._macs), len(self.frozen)

    def block_totals(self, layer: Layer, start: tuple[int, int, int]) -> None:
        """A block's parameters and multiply-adds: the sum over its layers. In the totals above
        it the block then stands for its layers, so a sum has one term per block (a DenseNet's
        total is four dense blocks and their neighbours, not 360 layers)."""
        for quantity, parts, label in (("params", self._params, "parameters"),
                                       ("macs", self._macs, "multiply-adds")):
            begin = start[0] if quantity == "params" else start[1]
            inside = parts[begin:]
            if not inside:
                continue
            symbol = layer.symbol("params" if quantity == "params" else "MACs")
            self._total(layer.name(quantity), f"{label} of {layer.prefix}", inside, layer.group,
                        "", symbol)
            del parts[begin:]
            parts.append(self._contribution(layer.name(quantity), symbol))
        frozen = self.frozen[start[2]:]
        if frozen:
            symbol = self.add(layer.name("non_trainable_params"),
                              f"non-trainable parameters of {layer.prefix}", total(frozen),
                              layer.symbol("params_frozen"), group=layer.group)
            del self.frozen[start[2]:]
            self.frozen.append(symbol)

    # -- the whole stack -----------------------------------------------------------------
    def totals(self, tensor: Tensor, note: str) -> None:
        group = "whole stack"
        last = self.d[self.last_layer.name("output_shape")]
        self.d.add("output_shape", "output shape of the stack", last.formula, inputs=last.inputs,
                   rule=last.rule, kind="shape", misconceptions=last.misconceptions, group=group,
                   symbol=sympy.Symbol("shape"), components=last.components)
        self.add("units", "units (elements) of the final output",
                 times(*(a.symbol for a in self.shown(tensor))), sympy.Symbol("N"), group=group,
                 alternatives=self.units_alternatives)
        self._total("params", "parameters of the whole stack", self._params, group, "")
        self._total("macs", "multiply-adds of the whole stack", self._macs, group, note)

    def _total(self, name: str, label: str, parts: list[_Contribution], group: str,
               note: str, symbol: sympy.Expr | None = None) -> None:
        formula = total(p.symbol for p in parts)
        base = self.d.rule_for(formula)
        ids = _unique(i for p in parts for i in p.shifts)
        misconceptions = []
        for alternative_id in ids:
            delta = sum((p.shifts[alternative_id][1] for p in parts if alternative_id in p.shifts),
                        sympy.Integer(0))
            text = next(p.shifts[alternative_id][0] for p in parts if alternative_id in p.shifts)
            misconceptions.append(Misconception(alternative_id, text,
                                                lambda v, delta=delta: base(v) + delta))
        self.add(name, label, formula, symbol if symbol is not None else sympy.Symbol(name),
                 group=group, misconceptions=misconceptions, note=note)


def _kind(value: Any) -> str:
    if isinstance(value, sympy.Expr) and value.free_symbols:
        return "expression"
    if isinstance(value, sympy.Integer):
        return "count"
    return "number"


def _product(values) -> Any:
    result = sympy.Integer(1)
    for v in values:
        result *= v
    return result


def _unique(items) -> tuple:
    return tuple(dict.fromkeys(items))


def _same_axes(a: Tensor, b: Tensor | None) -> bool:
    return b is not None and a.axes == b.axes
