"""Vector and matrix formulas as they are written in the course: tanh(W·x + U·h), softmax(z),
[x; h], h ⊙ c.

sympy multiplies and adds matrix symbols by itself; what it lacks is a scalar function applied
to each element of a vector (tanh(W·x) is, to sympy, the tanh of one thing) and softmax. These
two are matrix expressions here: they know their shape, print as the course writes them (with
the numbers put in, the matrices written out), and compute element by element once their
argument is a matrix of numbers.

A solver's own operations (Kᵀ, diag(Ã 1), sgn(h)) are built on `Computed` and `explicit`, so
that each computes the way these do: exactly, and only once its arguments are numbers.
"""

from __future__ import annotations

import sympy
from sympy.matrices.expressions import DotProduct
from sympy.matrices.expressions.matexpr import MatrixExpr

from nnsolve.derivation import values as V
from nnsolve.derivation.mathml import mathml_element, mathml_fenced


def explicit(arg, **hints):
    """The argument worked out (`doit`, with the caller's hints) as a matrix of numbers once it
    has become one (after substitution), else None: a matrix expression computes only then and
    otherwise stays as the board writes it."""
    value = arg.doit(**hints) if hasattr(arg, "doit") else arg
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value)
    if isinstance(value, MatrixExpr) and not value.free_symbols:
        return sympy.ImmutableMatrix(value.as_explicit())
    return None


class Computed(MatrixExpr):
    """A matrix expression of matrix (and scalar) arguments, computed by `_of_numbers` once
    every matrix argument is explicit; scalar arguments stay as they are. It has its first
    argument's shape unless it says otherwise, and one that must stay exactly as written
    while it waits (not rebuilt from its worked-out arguments) has a `doit` of its own.

    Arguments are sympy objects or numbers; text is refused, not parsed into whatever sympy
    makes of it."""

    def __new__(cls, *args):
        return super().__new__(cls, *(V.sympy_object(a) for a in args))

    @property
    def shape(self):
        return self.args[0].shape

    def doit(self, **hints):
        args = [a.doit(**hints) if hasattr(a, "doit") else a for a in self.args]
        matrices = [explicit(a) if getattr(a, "is_Matrix", False) else a for a in args]
        if any(m is None for m in matrices) or any(
                not getattr(a, "is_Matrix", False) and a.free_symbols for a in args):
            return type(self)(*args)
        return sympy.ImmutableMatrix(self._of_numbers(*matrices))

    def _entry(self, i, j, **kwargs):
        value = self.doit()
        if not isinstance(value, sympy.MatrixBase):     # not numbers yet: sympy's refusal, where
            return super()._entry(i, j, **kwargs)       # indexing the result would recurse
        return value[i, j]


class _OfOneMatrix(MatrixExpr):
    """A matrix expression of one matrix argument, of the argument's shape, computed once the
    argument is a matrix of numbers by the subclass's `_of_numbers(matrix)`."""

    def __new__(cls, arg):
        return super().__new__(cls, V.sympy_object(arg))   # never text

    @property
    def arg(self):
        return self.args[0]

    @property
    def shape(self):
        return self.arg.shape

    def doit(self, **hints):
        arg = self.arg.doit(**hints) if hints.get("deep", True) else self.arg
        numbers = explicit(arg)
        return type(self)(arg) if numbers is None else self._of_numbers(numbers)


class Elementwise(_OfOneMatrix):
    """A scalar function applied to every element: tanh(W·x + b), σ(z), ReLU(z).

    One subclass per function (`Elementwise.of(tanh)`), because sympy rebuilds an expression
    from its arguments and a function class is no argument."""

    function = None
    _classes: dict = {}

    @classmethod
    def of(cls, function) -> type:
        if function not in cls._classes:
            name = getattr(function, "__name__", str(function))
            cls._classes[function] = type(f"Elementwise_{name}", (cls,),
                                          {"function": staticmethod(function)})
        return cls._classes[function]

    def _entry(self, i, j, **kwargs):
        return self.function(self.arg[i, j])

    def _of_numbers(self, matrix):
        return matrix.applyfunc(self.function)

    def _written(self):
        """The function applied to the whole argument, as the board writes it: tanh(W x + b)."""
        return self.function(self.arg, evaluate=False)

    def _sympystr(self, printer):
        return printer._print(self._written())

    def _latex(self, printer):
        return printer._print(self._written())

    def _mathml_presentation(self, printer):
        return printer._print(self._written())


def each(function, arg) -> Elementwise:
    """`function` applied to every element of `arg`."""
    return Elementwise.of(function)(arg)


class Softmax(_OfOneMatrix):
    """softmax(z)_i = e^{z_i} / Σ_j e^{z_j}, over a column (or row) vector."""

    def _of_numbers(self, matrix):
        exps = matrix.applyfunc(sympy.exp)
        total = sum(exps)
        return exps.applyfunc(lambda e: e / total)

    def _sympystr(self, printer):
        return f"softmax({printer._print(self.arg)})"

    def _latex(self, printer):
        return r"\operatorname{softmax}\left(" + printer._print(self.arg) + r"\right)"

    def _mathml_presentation(self, printer):
        return printer._print(sympy.Function("softmax")(self.arg, evaluate=False))


class Stacked(sympy.BlockMatrix):
    """[x; h]: vectors stacked into one (the concatenated form of an RNN cell)."""

    def _parts(self):
        return [self.blocks[i, 0] for i in range(self.blocks.rows)]

    def doit(self, **hints):
        parts = [p.doit(**hints) if hasattr(p, "doit") else p for p in self._parts()]
        numbers = [explicit(p) for p in parts]
        if any(e is None for e in numbers):
            return stacked(*parts)
        return sympy.ImmutableMatrix(sympy.Matrix.vstack(*numbers))

    def _sympystr(self, printer):
        return "[" + "; ".join(printer._print(p) for p in self._parts()) + "]"

    def _latex(self, printer):
        return r"\begin{bmatrix}" + r" \\ ".join(printer._print(p) for p in self._parts()) + \
            r"\end{bmatrix}"

    def _mathml_presentation(self, printer):
        table = mathml_element(printer, "mtable", *(
            mathml_element(printer, "mtr", mathml_element(printer, "mtd", printer._print(part)))
            for part in self._parts()))
        return mathml_fenced(printer, table, "[", "]")


def stacked(*parts) -> Stacked:
    return Stacked([[p] for p in parts])


class Hadamard(sympy.HadamardProduct):
    """a ⊙ b: the element-wise product (LSTM gates)."""

    def doit(self, **hints):
        parts = [p.doit(**hints) if hasattr(p, "doit") else p for p in self.args]
        numbers = [explicit(p) for p in parts]
        if any(e is None for e in numbers):
            return Hadamard(*parts)
        result = numbers[0]
        for other in numbers[1:]:
            result = result.multiply_elementwise(other)
        return sympy.ImmutableMatrix(result)

    def _sympystr(self, printer):
        return " ⊙ ".join(printer.parenthesize(a, 50) for a in self.args)

    def _latex(self, printer):
        return r" \odot ".join(printer.parenthesize(a, 50) for a in self.args)

    def _mathml_presentation(self, printer):
        row = mathml_element(printer, "mrow")
        for n, arg in enumerate(self.args):
            if n:
                row.appendChild(mathml_element(printer, "mo", text="⊙"))
            inner = printer._print(arg)
            row.appendChild(mathml_fenced(printer, inner) if arg.is_Add else inner)
        return row


def hadamard(*parts) -> Hadamard:
    return Hadamard(*parts)


def elementwise(formula: sympy.Basic) -> sympy.Basic:
    """The formula with every scalar function of a matrix argument made element-wise, so a
    solver writes tanh(W*x + b) as on the board and gets a vector back."""
    def is_matrix_call(node) -> bool:
        return isinstance(node, sympy.Function) and len(node.args) >= 1 and \
            getattr(node.args[0], "is_Matrix", False) and not isinstance(node, MatrixExpr)

    if not isinstance(formula, sympy.Basic) or not formula.has(sympy.MatrixSymbol):
        return formula
    return formula.replace(is_matrix_call, lambda node: _each_call(node))


def _each_call(node):
    if len(node.args) == 1:
        return each(node.func, node.args[0])
    rest = node.args[1:]        # leaky_relu(z, 0.01): the slope is the same for every element
    return each(_with_rest(node.func, rest), node.args[0])


_BOUND: dict = {}


def _with_rest(function, rest):
    key = (function, rest)
    if key not in _BOUND:
        def bound(x, evaluate=True):
            return function(x, *rest, evaluate=evaluate)
        bound.__name__ = getattr(function, "__name__", "f")
        _BOUND[key] = bound
    return _BOUND[key]


class Dot(DotProduct):
    """w·x as one number (a net input). sympy's w.T*x is a 1×1 matrix; DotProduct is a
    scalar, and this one prints as the course writes it (w·x, LaTeX wᵀx)."""

    def _sympystr(self, printer):
        return f"{printer._print(self.args[0])}·{printer._print(self.args[1])}"

    def _latex(self, printer):
        left = printer._print(self.args[0])
        if "^" in left:     # a name with its own superscript (s^{(1)}_{0}): braced for ^\top
            left = "{" + left + "}"
        return rf"{left}^\top {printer._print(self.args[1])}"

    def _mathml_presentation(self, printer):
        return mathml_element(printer, "mrow", printer._print(self.args[0]), "·",
                              printer._print(self.args[1]))


def dot(a, b) -> Dot:
    return Dot(a, b)
