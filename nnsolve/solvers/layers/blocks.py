"""Walking a stack whose layers may be blocks: named sub-blocks, repeated blocks, residual
blocks and parallel branches, and the layers that join named outputs (add, concat).

A block's layers are named inside it (`stage2.1.conv1`), numbered in the order they are
derived (so their symbols never collide), and counted once in the stack's totals; the block
itself gets its output shape and the sum of its layers' parameters and multiply-adds. Where
branches meet, their shapes must agree, and a mismatch names both branches.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Misconception
from nnsolve.derivation.ordered import total
from nnsolve.solvers.base import SolverError
from nnsolve.solvers.layers import kinds, resizing, sequences
from nnsolve.solvers.layers.describe import describe_layer
from nnsolve.solvers.layers.entries import BLOCKS
from nnsolve.solvers.layers.stack import Axis, Layer, Stack, Tensor

def walk(stack: Stack, entries: list, scope: str, path: tuple, x: Tensor,
         stem: str = "layer") -> Tensor:
    """Derive `entries` one after another from `x`; their names are `<scope>.<name>`."""
    for j, (entry, prefix) in enumerate(zip(entries, prefixes(entries, scope, path, stem))):
        x = derive_entry(stack, entry, prefix, path + (j,), x)
    return x


def derive_entry(stack: Stack, entry, prefix: str, path: tuple, x: Tensor) -> Tensor:
    layer = Layer(stack.next_index(), prefix, entry.kind, path + (entry.kind,),
                  group=f"{prefix}: {describe_layer(entry)}")
    options = entry.options
    block = entry.kind in BLOCKS and getattr(options, "inputs", None) is None
    stack.rows.append((layer, stack.depth, block))
    if block:
        stack.depth += 1
        start = stack.counted()
        out = BLOCK_KINDS[entry.kind](stack, layer, options, x)
        stack.depth -= 1
        stack.receptive = None
        stack.output(layer, out)
        stack.block_totals(layer, start)
    else:
        out = _LEAVES.get(entry.kind, kinds.activation)(stack, layer, options, x)
    stack.outputs[prefix] = out
    stack.last_layer = layer
    return out


def prefixes(entries: list, scope: str, path: tuple, stem: str = "layer") -> list[str]:
    """Each entry's `name:`, or <stem><j>, inside `scope`; two may not share one. A clash
    always involves a written name, and is reported there."""
    inside = (lambda name: f"{scope}.{name}") if scope else (lambda name: name)
    own = [e.options.name or f"{stem}{j + 1}" for j, e in enumerate(entries)]
    unnamed = {p: j for j, (e, p) in enumerate(zip(entries, own)) if e.options.name is None}
    named: dict[str, int] = {}
    for j, (entry, name) in enumerate(zip(entries, own)):
        if entry.options.name is None:
            continue
        where = path + (j, entry.kind, "name")
        if name == "input":
            raise SolverError("the name input is taken by the input's sizes; choose another",
                              where)
        if name in unnamed:
            k = unnamed[name]
            raise SolverError(f"{name!r} is the default name of layer {k + 1} (a layer without "
                              "a name is layer<position>); choose another name, or name layer "
                              f"{k + 1} too", where)
        if name in named:
            raise SolverError(f"{name!r} is already the name of layer {named[name] + 1}", where)
        named[name] = j
    return [inside(name) for name in own]


# -- blocks ----------------------------------------------------------------------------------------
def block(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    return walk(stack, o.layers, layer.prefix, layer.path + ("layers",), x)


def repeat(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    """Copy k is `<repeat>.<k>`; a repeat of one unnamed block is that block, copied."""
    for k in range(1, o.times + 1):
        entries = o.copy_layers(k)
        prefix = f"{layer.prefix}.{k}"
        path = layer.path + ("layers",)
        if len(entries) == 1 and entries[0].options.name is None and \
                entries[0].kind in BLOCKS and getattr(entries[0].options, "inputs", None) is None:
            x = derive_entry(stack, entries[0], prefix, path + (0,), x)
        else:
            copy = Layer(stack.next_index(), prefix, "block", layer.path,
                         group=f"{prefix}: copy {k} of {layer.prefix}")
            stack.rows.append((copy, stack.depth, True))
            stack.depth += 1
            start = stack.counted()
            x = walk(stack, entries, prefix, path, x)
            stack.depth -= 1
            stack.output(copy, x)
            stack.block_totals(copy, start)
            stack.outputs[prefix] = x
    return x


def residual(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    main = walk(stack, o.layers, layer.prefix, layer.path + ("layers",), x)
    if o.shortcut == "identity":
        shortcut, what = x, "the identity shortcut (the block's input)"
    else:
        # the names both branches end up with, written or made up (layer<j>, shortcut<j>)
        main_names = set(prefixes(o.layers, "", layer.path + ("layers",)))
        for j, (entry, name) in enumerate(zip(o.shortcut, prefixes(
                o.shortcut, "", layer.path + ("shortcut",), stem="shortcut"))):
            if name in main_names:
                raise SolverError(f"{name!r} is already a layer of the main branch",
                                  layer.path + ("shortcut", j, entry.kind) +
                                  (("name",) if entry.options.name else ()))
        shortcut = walk(stack, o.shortcut, layer.prefix, layer.path + ("shortcut",), x,
                        stem="shortcut")
        what = "the projection shortcut"
    if not same_shape(stack, main, shortcut):
        raise layer.error(f"the main branch gives {stack.describe(main)} but {what} gives "
                          f"{stack.describe(shortcut)}: a residual block adds them, so they "
                          "must have the same shape", "shortcut")
    return main


def concat_branches(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    """Named layers of a branch are `<block>.<name>`, so names are unique across branches;
    unnamed ones are `<block>.branch<b>.layer<j>`."""
    outs, labels, seen = [], [], {}
    for b, branch in enumerate(o.branches, start=1):
        for j, entry in enumerate(branch):
            name = entry.options.name
            if name in seen:
                raise SolverError(f"{name!r} is already the name of a layer of branch "
                                  f"{seen[name]}", layer.path + ("branches", b - 1, j,
                                                                 entry.kind, "name"))
            if name:
                seen[name] = b
        outs.append(walk(stack, branch, layer.prefix, layer.path + ("branches", b - 1), x,
                         stem=f"branch{b}.layer"))
        labels.append(f"branch {b}" + ("" if branch else " (the block's input)"))
    passed = [out.axes[-1].symbol for out, branch in zip(outs, o.branches) if branch]
    forgotten = total(passed) if len(passed) < len(outs) and passed else None
    return join_channels(stack, layer, outs, labels, "branches", forgotten)


# -- joining ---------------------------------------------------------------------------------------
def same_shape(stack: Stack, a: Tensor, b: Tensor) -> bool:
    return a.rank == b.rank and all(_equal(stack.value(p), stack.value(q))
                                    for p, q in zip(a.axes, b.axes))


def _equal(p, q) -> bool:
    """Sizes that meet where branches join: numbers, or the spec's size symbols (W, d_k)
    made by `sympy.Symbol`, never parsed from text (strict: a string is refused)."""
    return sympy.simplify(V.sympy_object(p) - V.sympy_object(q)) == 0


def join_channels(stack: Stack, layer: Layer, outs: list[Tensor], labels: list[str],
                  field_name: str, input_forgotten=None) -> Tensor:
    """Concatenation on the last axis (channels, or features of a sequence): every other size
    must agree."""
    first = outs[0]
    for out, label in zip(outs[1:], labels[1:]):
        if out.rank != first.rank or not all(
                _equal(stack.value(p), stack.value(q)) for p, q in zip(first.axes[:-1],
                                                                        out.axes[:-1])):
            raise layer.error(f"{labels[0]} gives {stack.describe(first)} but {label} gives "
                              f"{stack.describe(out)}: they are joined on the "
                              f"{'channels' if first.rank == 3 else 'last axis'}, so every "
                              "other size must agree", field_name)
    name = layer.name("channels")
    word = "channels" if first.rank == 3 else "features" if first.rank == 2 else "units"
    symbol = stack.add(name, f"{word} of {layer.prefix} (the joined inputs' {word} added up)",
                       total(out.axes[-1].symbol for out in outs), layer.symbol("K"),
                       group=layer.group, alternatives=[] if input_forgotten is None else [
                           Misconception("input-branch-forgotten", "the block's input, passed "
                                         "on beside the new features, was not counted",
                                         input_forgotten)])
    return Tensor((*first.axes[:-1], Axis(name, symbol)))


def join_layer(stack: Stack, layer: Layer, o, x: Tensor) -> Tensor:
    """add or concat as a layer: the named outputs, added or joined on the last axis."""
    outs = []
    for name in o.inputs:
        scope = layer.prefix.rsplit(".", 1)[0] if "." in layer.prefix else ""
        found = stack.outputs.get(f"{scope}.{name}") if scope else None
        found = found if found is not None else stack.outputs.get(name)
        if found is None:
            raise layer.error(f"no earlier layer is named {name!r} (inputs name layers before "
                              "this one, or input)", "inputs")
        outs.append(found)
    stack.receptive = None
    if layer.kind == "concat":
        out = join_channels(stack, layer, outs, list(o.inputs), "inputs")
        stack.output(layer, out)
        stack.no_params(layer, "joining outputs has no weights")
        return out
    for out, name in zip(outs[1:], o.inputs[1:]):
        if not same_shape(stack, outs[0], out):
            raise layer.error(f"{o.inputs[0]} gives {stack.describe(outs[0])} but {name} gives "
                              f"{stack.describe(out)}: outputs added together must have the "
                              "same shape", "inputs")
    stack.output(layer, outs[0])
    stack.no_params(layer, "an element-wise sum has no weights")
    return outs[0]


BLOCK_KINDS = {"block": block, "repeat": repeat, "residual": residual,
               "concat": concat_branches}

_LEAVES: Mapping[str, Callable[[Stack, Layer, Any, Tensor], Tensor]] = {
    **kinds.KINDS, **sequences.KINDS, **resizing.KINDS, "add": join_layer, "concat": join_layer}
