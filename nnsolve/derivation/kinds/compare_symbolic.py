"""Symbolic answers: whether a student's expression is equivalent to the expected one.

Two expressions are equivalent when they are structurally equal, or agree at several random
points (undefined functions such as ``g'`` are replaced by the same random smooth function on
both sides), or, when no point can be evaluated, when ``sympy.simplify`` proves the difference
is zero within a time limit.

Random points come before simplify on purpose: agreement at six random points to nine digits
settles equivalence for the algebraic and elementary expressions of the course, and a
disagreement settles the opposite, in milliseconds. simplify can take seconds, so it is
kept for the rare pair that cannot be evaluated numerically, and runs in a child process that
is ended at the time limit.
"""

from __future__ import annotations

import math
import os
import random
import select
import signal
import time
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from nnsolve.derivation.kinds.compare_numbers import EVAL_DIGITS, describe, show
from nnsolve.derivation.kinds.tolerance import RIGHT, Comparison, Tolerance, wrong
from nnsolve.derivation.names import canonical_name

_POINTS = 6                # random points that must agree for equivalence
_ATTEMPTS = 20             # random points tried at most
_SEED = 20240917           # random points are reproducible
_SYMBOLIC_REL = 1e-9       # agreement needed at a point between exact expressions


def _derivative_name(function: sympy.Basic, order: int) -> str:
    return str(function.func) + "'" * order


def _canonical(expr: sympy.Expr) -> sympy.Expr:
    """One form for both sides: symbols by canonical name, f' for df/dx.

    Symbol assumptions are dropped (a real ``x`` and a plain ``x`` are the
    same variable to a student), and a derivative of an undefined function
    of one argument becomes the applied function named with a prime, the
    form the answer parser produces for ``g'(a3)``.
    """
    def derivative(node: sympy.Derivative):
        inner = node.expr
        if isinstance(inner, AppliedUndef) and len(inner.args) == 1 and len(node.variables) >= 1 \
                and all(v == inner.args[0] for v in node.variables):
            return sympy.Function(_derivative_name(inner, len(node.variables)))(inner.args[0])
        return node.doit()

    def subs_node(node: sympy.Subs):
        body = node.expr
        if isinstance(body, sympy.Derivative) and isinstance(body.expr, AppliedUndef) \
                and len(node.variables) == 1 and len(body.expr.args) == 1 \
                and all(v == node.variables[0] for v in body.variables) \
                and body.expr.args[0] == node.variables[0]:
            name = _derivative_name(body.expr, len(body.variables))
            return sympy.Function(name)(node.point[0])
        return node.doit()

    if expr.has(sympy.Subs):
        expr = expr.replace(lambda n: isinstance(n, sympy.Subs), subs_node)
    if expr.has(sympy.Derivative):
        expr = expr.replace(lambda n: isinstance(n, sympy.Derivative), derivative)
    renamed = {}
    for symbol in expr.free_symbols:
        plain = sympy.Symbol(canonical_name(symbol.name))
        if isinstance(symbol, sympy.Symbol) and (plain != symbol or type(symbol) is not sympy.Symbol):
            renamed[symbol] = plain
    return expr.xreplace(renamed) if renamed else expr


def _as_expr(value: Any) -> sympy.Expr | None:
    if isinstance(value, bool) or isinstance(value, (str, tuple, frozenset)):
        return None
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        return sympy.Float(value, 17) if math.isfinite(value) else None
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return value if isinstance(value, sympy.Expr) else None


def _random_function(rng: random.Random, arity: int):
    """A smooth function of ``arity`` arguments with random coefficients."""
    def draw() -> sympy.Float:
        return sympy.Float(rng.uniform(0.5, 1.5), EVAL_DIGITS)

    offset = sympy.Float(rng.uniform(-1, 1), EVAL_DIGITS)
    terms = [(draw(), draw(), draw(), draw()) for _ in range(arity)]

    def build(*args):
        total = offset
        for (a, b, c, d), x in zip(terms, args):
            total += a * sympy.sin(b * x + c) + d * x
        return total

    return build


def _replace_unknown_functions(exprs: list[sympy.Expr], rng: random.Random) -> list[sympy.Expr]:
    applied = set().union(*(e.atoms(AppliedUndef) for e in exprs))
    if not applied:
        return exprs
    keys = sorted({(str(a.func), len(a.args)) for a in applied})
    stand_ins = {key: _random_function(rng, key[1]) for key in keys}

    def swap(node):
        return stand_ins[(str(node.func), len(node.args))](*node.args)

    return [e.replace(lambda n: isinstance(n, AppliedUndef), swap) for e in exprs]


_MP_FUNCTIONS = {
    sympy.exp: mpmath.exp, sympy.log: mpmath.log, sympy.sin: mpmath.sin, sympy.cos: mpmath.cos,
    sympy.tan: mpmath.tan, sympy.tanh: mpmath.tanh, sympy.sinh: mpmath.sinh,
    sympy.cosh: mpmath.cosh, sympy.Abs: abs,
}


def _mp(node: sympy.Basic, point: dict):
    """Evaluate a sympy tree with mpmath numbers, walking it ourselves.

    Much faster than substituting into sympy and calling evalf on large
    expanded expressions; node types it does not know are handed to
    sympy's evalf with the point substituted.
    """
    if node.is_Symbol:
        return point[node]
    if node.is_Integer:
        return mpmath.mpf(int(node))
    if node.is_Rational:
        return mpmath.mpf(int(node.p)) / int(node.q)
    if node.is_Float:
        return mpmath.mpf(node._mpf_)
    if node is sympy.pi:
        return +mpmath.pi
    if node is sympy.E:
        return +mpmath.e
    if node.is_Add:
        return mpmath.fsum(_mp(a, point) for a in node.args)
    if node.is_Mul:
        return mpmath.fprod(_mp(a, point) for a in node.args)
    if node.is_Pow:
        return mpmath.power(_mp(node.base, point), _mp(node.exp, point))
    function = _MP_FUNCTIONS.get(node.func)
    if function is not None and len(node.args) == 1:
        return function(_mp(node.args[0], point))
    if node.func in (sympy.Max, sympy.Min):
        values = [_mp(a, point) for a in node.args]
        if any(isinstance(v, mpmath.mpc) for v in values):
            raise ValueError("comparison of complex values")
        return max(values) if node.func is sympy.Max else min(values)
    substituted = node.xreplace({s: sympy.Float(point[s], EVAL_DIGITS) for s in node.free_symbols})
    return mpmath.mpmathify(complex(substituted.evalf(EVAL_DIGITS)))


def _evaluate(expr: sympy.Expr, point: dict) -> complex | None:
    try:
        with mpmath.workdps(EVAL_DIGITS):
            value = complex(_mp(expr, point))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError, KeyError):
        return None
    if not (math.isfinite(value.real) and math.isfinite(value.imag)):
        return None
    return value


def _close(a: complex, b: complex, rel: float, tiny: float) -> bool:
    return abs(a - b) <= tiny + rel * max(abs(a), abs(b))


def _numeric_verdict(e: sympy.Expr, g: sympy.Expr, tol: Tolerance, deadline: float,
                     inexact: bool, written: frozenset = frozenset()) -> tuple[bool | None, str]:
    """True/False when random points decide, None when too few points evaluate.

    Agreement is to nine digits unless ``inexact`` (the expected expression itself holds
    decimals, such as 0.5*x): a student's 1.005*x is not x, whatever the numeric tolerance.
    A disagreement names the point, the ``written`` symbols (those of the answers as written,
    before definitions were put in) first.
    """
    rng = random.Random(_SEED)   # the same answer always gets the same verdict
    e2, g2 = _replace_unknown_functions([e, g], rng)
    symbols = sorted(e2.free_symbols | g2.free_symbols, key=str)
    rel = max(tol.rel, _SYMBOLIC_REL) if inexact else _SYMBOLIC_REL
    tiny = tol.abs if inexact else 1e-15
    agreed = 0
    for _ in range(_ATTEMPTS):
        if agreed >= _POINTS or time.monotonic() > deadline:
            break
        point = {s: mpmath.mpf(rng.choice((-1, 1)) * rng.uniform(0.1, 2.0)) for s in symbols}
        a, b = _evaluate(e2, point), _evaluate(g2, point)
        if a is None or b is None:
            continue
        if not _close(a, b, rel, tiny):
            shown = sorted(point, key=lambda s: (s not in written, str(s)))[:4]
            where = ", ".join(f"{s}={float(point[s]):.3g}" for s in shown)
            shown_a, shown_b = _show_pair(a, b)
            return False, f" (at {where} the expected value is {shown_a}, yours {shown_b})"
        agreed += 1
    return (True, "") if agreed >= min(_POINTS, 3) else (None, "")


def _show_complex(value: complex, digits: int = 4) -> str:
    if abs(value.imag) <= 1e-12 * max(1.0, abs(value.real)):
        return f"{value.real:.{digits}g}"
    return f"{value.real:.{digits}g}{value.imag:+.{digits}g}i"


def _show_pair(a: complex, b: complex) -> tuple[str, str]:
    """Two different values with enough digits that they read differently (-2.301 and
    -2.30127 would both be -2.301 to four)."""
    for digits in range(4, 18):
        shown_a, shown_b = _show_complex(a, digits), _show_complex(b, digits)
        if shown_a != shown_b:
            break
    return shown_a, shown_b


def _simplifies_to_zero(difference: sympy.Expr, time_limit: float) -> bool | None:
    """Run simplify in a forked child process ended at the time limit; None when it does not
    finish in time (or cannot be run apart on this system).

    A thread cannot be stopped: an abandoned simplify would keep a core, or the one slot
    kept for it, busy while later students are graded, so the verdict on an answer would
    depend on what was graded before it. A child process is killed at the limit, and every
    difference gets the same time whatever came before.
    """
    if not hasattr(os, "fork") or time_limit <= 0:
        return None
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one byte for the verdict, then gone without the parent's cleanup
        verdict = b"?"
        try:
            os.close(read)
            verdict = b"1" if sympy.simplify(difference) == 0 else b"0"
        except BaseException:  # simplify failing only means "not proven"
            pass
        finally:
            try:
                os.write(write, verdict)
            finally:
                os._exit(0)
    os.close(write)
    answer = b""
    try:
        ready, _, _ = select.select([read], [], [], time_limit)
        answer = os.read(read, 1) if ready else b""
    finally:
        os.close(read)
        if not answer:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return {b"1": True, b"0": False}.get(answer)


#: an expression expanded by the derivation's definitions is given up beyond this many nodes
_MAX_EXPANDED_NODES = 20_000


def _size_within(expr: sympy.Basic, limit: int) -> bool:
    count, stack = 0, [expr]
    while stack:
        count += 1
        if count > limit:
            return False
        stack.extend(stack.pop().args)
    return True


def _canonical_definitions(definitions: Mapping | None) -> dict:
    """Symbol -> what it stands for, in the canonical form of both sides."""
    out = {}
    for symbol, value in (definitions or {}).items():
        if isinstance(symbol, sympy.Symbol) and isinstance(value, sympy.Expr):
            key = sympy.Symbol(canonical_name(symbol.name))
            value = _canonical(value)
            if value != key:
                out[key] = value
    return out


def _expand(expr: sympy.Expr, definitions: dict) -> sympy.Expr | None:
    """``expr`` with every defined symbol replaced by its definition, repeatedly, until only
    undefined ones are left (y5 -> g(a5) -> g(w05 + w35*g(a3) + ...)); None when that grows
    beyond reason or does not end."""
    for _ in range(len(definitions) + 1):
        used = expr.free_symbols & definitions.keys()
        if not used:
            return expr
        expr = expr.xreplace({s: definitions[s] for s in used})
        if not _size_within(expr, _MAX_EXPANDED_NODES):
            return None
    return None


def compare_expression(expected: Any, given: Any, tol: Tolerance, deadline: float,
                       definitions: Mapping | None = None, *,
                       simplify_deadline: float | None = None) -> Comparison:
    """`definitions` maps symbols to what they stand for in the derivation (y4 -> g(a4)): a
    student may write a step with the names of earlier steps or with what they stand for.
    `simplify` runs until `simplify_deadline` at the latest (default: `deadline`)."""
    e, g = _as_expr(expected), _as_expr(given)
    if e is None:
        raise ValueError(f"expected value is not an expression: {expected!r}")
    if g is None:
        return wrong(f"expected an expression, got {describe(given)}")
    e, g = _canonical(e), _canonical(g)
    if e == g:
        return RIGHT
    inexact = e.has(sympy.Float)
    defined = _canonical_definitions(definitions)
    # both sides with the derivation's definitions put in (y4 = g(a4), a3 = w03 + ...,
    # delta5 = ...), so that eps*delta5*g(a4) and eps*delta5*y4 are one answer
    e_full, g_full = (_expand(e, defined), _expand(g, defined)) if defined else (e, g)
    if e_full is None or g_full is None:
        e_full, g_full, defined = e, g, {}
    if e_full == g_full:
        return RIGHT
    verdict, detail = _numeric_verdict(e_full, g_full, tol, deadline, inexact,
                                       frozenset(e.free_symbols | g.free_symbols))
    if verdict is None:
        until = deadline if simplify_deadline is None else min(deadline, simplify_deadline)
        verdict = _simplifies_to_zero(e_full - g_full, until - time.monotonic())
    if verdict:
        return RIGHT
    message = f"expected {show(e)}, got {show(g)}"
    if verdict is None:
        return Comparison(False, 0.0, message + ": nnsolve could not decide whether these are "
                          "equal, so a person must check it", undecided=True)
    return wrong(message + _symbol_hint(e, g, defined) + detail)


def _surface(expr: sympy.Basic) -> set:
    """The symbols of ``expr`` outside the arguments of functions such as g and g'."""
    found, stack = set(), [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sympy.Symbol):
            found.add(node)
        elif not isinstance(node, AppliedUndef):
            stack.extend(node.args)
    return found


def _written_out(symbols: set, defined: dict) -> set:
    """The surface symbols that ``symbols`` come to when defined ones are written out
    (delta5 -> 2*(t - y5)*g'(a5) -> t, since y5 = g(a5) hides a5 inside g)."""
    out, seen, stack = set(), set(), list(symbols)
    while stack:
        symbol = stack.pop()
        if symbol in seen:
            continue
        seen.add(symbol)
        if symbol in defined:
            stack.extend(_surface(defined[symbol]))
        else:
            out.add(symbol)
    return out


def _symbol_hint(e: sympy.Expr, g: sympy.Expr, defined: dict) -> str:
    """Names one side uses that the other has no counterpart for, even with the derivation's
    definitions written out: delta5 in an answer is no stranger to an expected answer written
    with 2*(t - y5)*g'(a5), while x2 where x1 belongs is."""
    e_names, g_names = _surface(e), _surface(g)
    e_all, g_all = _written_out(e_names, defined), _written_out(g_names, defined)
    foreign = sorted(str(s) for s in g_names - e_names
                     if not _written_out({s}, defined) <= e_all)
    unused = sorted(str(s) for s in e_names - g_names
                    if not _written_out({s}, defined) <= g_all)
    hint = ""
    if foreign:
        hint += f"; your answer uses {', '.join(foreign)}, which the expected answer does not use"
    if unused:
        hint += f"; your answer does not use {', '.join(unused)}"
    return hint
