"""The node view: Weisfeiler-Lehman relabelling worked node by node, as on the board.

    iteration k:   s_k(G)  node → signature (own label, sorted neighbour labels)   "1,11"
                   T_k     signature → new label, one table for all graphs          1,11 → 2
                   c_k(G)  node → new label (a colouring: graded as a partition)
    then:          φ(G)    how often each label of each iteration occurs (a multiset)
                   K(G1, G2) = φ(G1)·φ(G2), the kernel matrix, its normalised form
                   the WL test: the iteration whose histograms differ, and the verdict

Each quantity is computed from the ones before it by the rules of relabel.py, so a student's
wrong colouring of iteration 1 is the input of their signatures of iteration 2 (error carried
forward), and a student who sorted nothing or left the own label out is named.
"""

from __future__ import annotations

from typing import Mapping

import sympy

from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.layout import natural_key
from nnsolve.solvers.wl import kernel as KN
from nnsolve.solvers.wl import relabel as R
from nnsolve.solvers.wl.given import Graph, Graphs

UNSORTED = ("unsorted-neighbours",
            "wrote the neighbour labels in the order the edges list them; a signature holds "
            "them sorted, so nodes with the same neighbour labels get the same signature")
OWN_LEFT_OUT = ("own-label-left-out",
                "left the node's own label out of its signature; the signature is (own label, "
                "sorted neighbour labels)")


#: the neighbour groups a signature lists, by convention (directed graphs), and how each reads
GROUPS = {"out": ("successors",), "in": ("predecessors",), "both": ("successors", "predecessors")}
_GROUP_LABELS = {"neighbours": "neighbours", "successors": "successors (edges out)",
                 "predecessors": "predecessors (edges in)"}


def neighbour_groups(graph: Graph, directed: bool, seen: str) -> dict[str, dict[str, str]]:
    """Group name → (node → its neighbour list `2 4 5`, in the order the edges list them):
    `neighbours` for an undirected graph (a self-loop makes a node its own neighbour once),
    `successors` and/or `predecessors` for a directed one, as the convention says."""
    names = GROUPS[seen] if directed else ("neighbours",)
    groups: dict[str, dict[str, list[str]]] = {n: {v: [] for v in graph.nodes} for n in names}
    edge_labels = graph.edge_labels or ("",) * len(graph.edges)
    for (u, v), edge in zip(graph.edges, edge_labels):
        a, b = graph.nodes[u], graph.nodes[v]
        prefix = f"{edge}:" if edge else ""
        for name, around in groups.items():
            if name in ("neighbours", "successors"):
                around[a].append(prefix + b)
            if name == "predecessors" or (name == "neighbours" and u != v):
                around[b].append(prefix + a)
    return {name: {v: R.neighbour_list(n) for v, n in around.items()}
            for name, around in groups.items()}


def build(graphs: Graphs, conventions: Mapping[str, str]) -> Derivation:
    d = Derivation()
    names = graphs.names
    numbering = conventions["numbering"]
    around = {}
    edge_labelled = any(g.edge_labels for g in graphs.graphs)
    for g in graphs.graphs:
        groups = neighbour_groups(g, graphs.directed, conventions["neighbours"])
        around[g.name] = [f"{g.name}.{group}" for group in groups]
        for group, lists in groups.items():
            d.given(f"{g.name}.{group}", lists, f"{_GROUP_LABELS[group]} of each node of "
                    f"{g.name}", kind="mapping",
                    symbol=sympy.Symbol(f"{group[0].upper()}({g.name})"))
        d.given(f"step0.{g.name}.labels", dict(zip(g.nodes, g.labels)),
                f"starting labels of {g.name}", kind="mapping",
                symbol=sympy.Symbol(f"c0({g.name})"))
    _colour_count(d, 0, names, "starting labels")
    start = {f"{n}.labels": f"step0.{n}.labels" for n in names}

    def stop(k: int) -> str | None:
        labels = [{str(c) for c in d[f"step{k}.{n}.labels"].value.values()} for n in names]
        shared = len(set().union(*labels)) < sum(len(s) for s in labels)
        return KN.stop_reason(graphs.until, k, d[f"step{k - 1}.colours"].value,
                              d[f"step{k}.colours"].value, shared)

    count, joiners = 0, []
    if graphs.max_iterations > 0:
        run = d.iterate(steps=graphs.iterations, start=start) if graphs.until is None else \
            d.iterate(until=stop, start=start, max_steps=graphs.max_iterations,
                      exhausted=f"no stable colouring within {graphs.max_iterations} "
                                "iterations: stopped there")
        for step in run:
            previous = [label for n in names
                        for label in d[step.prev(f"{n}.labels")].value.values()]
            joiners.append(" " if edge_labelled else
                           R.joiner_for(str(label) for label in previous))
            _iteration(d, step, names, around, joiners[-1], numbering)
        count = run.count
    counted = KN.counted(conventions, count)
    for name in names:
        _features(d, name, count, counted)
    _kernels(d, names)
    _tests(d, names, count, stable=_stable(d, count))
    d.notes.append(_convention_note(joiners, numbering, counted, edge_labelled))
    d.principal = [q.name for q in d.derived() if KN.principal(q.name)]
    return d


def _iteration(d: Derivation, step, names, around, joiner: str, numbering: str) -> None:
    heading = f"iteration {step.k}"
    previous = [step.prev(f"{n}.labels") for n in names]
    written = [step.name(f"{n}.signatures") for n in names]
    groups = len(around[names[0]])
    for name, prev, sig in zip(names, previous, written):
        def rule(v, prev=prev, lists=tuple(around[name]), **slip):
            return R.signatures(v[prev], [v[n] for n in lists], joiner, **slip)

        d.add(sig, f"signatures in {name}: (own label, sorted neighbour labels)", rule=rule,
              inputs=(prev, *around[name]), kind="mapping", group=heading,
              symbol=sympy.Symbol(f"s{step.k}({name})"),
              misconceptions=[Misconception(*UNSORTED, lambda v, r=rule: r(v, sort=False)),
                              Misconception(*OWN_LEFT_OUT,
                                            lambda v, r=rule: r(v, own_label=False))])

    # the largest label so far is in the table before (or among the starting labels): a
    # student's colouring written as groups names its classes 1, 2, … and says nothing of it
    so_far = [step.prev("table")] if step.k > 1 else previous
    lists = [n for name in names for n in around[name]]

    def table(v, **slip):
        if slip:
            signatures = [R.signatures(v[p], [v[n] for n in around[name]], joiner, **slip)
                          for name, p in zip(names, previous)]
        else:
            signatures = [v[s] for s in written]
        return R.compression_table(signatures, [v[n] for n in so_far], joiner, numbering,
                                   groups)

    d.add(step.name("table"), "compression table: signature → new label (all graphs)",
          rule=table, inputs=tuple(dict.fromkeys((*written, *so_far, *previous, *lists))),
          kind="mapping", group=heading,
          symbol=sympy.Symbol(f"T{step.k}"),
          misconceptions=[Misconception(*UNSORTED, lambda v: table(v, sort=False)),
                          Misconception(*OWN_LEFT_OUT, lambda v: table(v, own_label=False))])
    for name, sig in zip(names, written):
        d.add(step.name(f"{name}.labels"), f"new labels of {name} (a colouring)",
              rule=lambda v, sig=sig: R.relabelled(v[sig], v[step.name("table")]),
              inputs=(sig, step.name("table")), kind="partition", group=heading,
              symbol=sympy.Symbol(f"c{step.k}({name})"))
    _colour_count(d, step.k, names, heading)


def _colour_count(d: Derivation, k: int, names, heading: str) -> None:
    """Distinct labels over all graphs after iteration k: the state `until: stable` watches
    (refinement only ever splits classes, so an unchanged count is an unchanged partition)."""
    labels = tuple(f"step{k}.{n}.labels" for n in names)
    d.add(f"step{k}.colours", "distinct labels in all graphs",
          rule=lambda v: len({str(c) for name in labels for c in v[name].values()}),
          inputs=labels, kind="count", group=heading, symbol=sympy.Symbol(f"colours{k}"))


def _features(d: Derivation, name: str, count: int, counted: range) -> None:
    every = tuple(f"step{k}.{name}.labels" for k in range(count + 1))

    def phi(v, steps=counted):
        return [str(c) for k in steps for c in v[f"step{k}.{name}.labels"].values()]

    slips = []
    if count >= 1 and counted.start == 0:
        slips.append(Misconception("iteration0-forgotten",
                                   "left the starting labels (iteration 0) out of φ; φ counts "
                                   "the labels of every iteration, iteration 0 included",
                                   lambda v: phi(v, range(1, count + 1))))
    elif count >= 1:
        slips.append(Misconception("iteration0-counted",
                                   "counted the starting labels (iteration 0) in φ; with "
                                   "iteration0: excluded φ counts iterations 1 … h only",
                                   lambda v: phi(v, range(0, count + 1))))
    span = f"iteration {counted.start}" if len(counted) == 1 else \
        f"iterations {counted.start}–{counted.stop - 1}"
    d.add(f"phi.{name}", f"feature vector φ({name}): how often each label occurs, {span}",
          rule=phi, inputs=every, kind="multiset", group=KN.GROUP,
          symbol=sympy.Symbol(f"φ({name})"), misconceptions=slips)


def _dot(a: Mapping, b: Mapping) -> int:
    return sum(int(n) * int(b[label]) for label, n in a.items() if label in b)


def _worked(a: Mapping, b: Mapping) -> str:
    shared = sorted((label for label in a if label in b), key=natural_key)
    if not shared:
        return "no label is shared: the sum is empty"
    return "sum over the shared labels: " + " + ".join(
        f"{int(a[label])}·{int(b[label])}" for label in shared)


def _kernels(d: Derivation, names) -> None:
    phis = [f"phi.{n}" for n in names]
    for a, b in KN.pairs(names):
        d.add(KN.pair_name("K", a, b), f"kernel K({a}, {b}) = φ({a})·φ({b})",
              rule=lambda v, a=a, b=b: _dot(v[f"phi.{a}"], v[f"phi.{b}"]),
              inputs=(f"phi.{a}", f"phi.{b}"), kind="count", group=KN.GROUP,
              symbol=sympy.Symbol(f"K({a},{b})"),
              note=_worked(d[f"phi.{a}"].value, d[f"phi.{b}"].value))
    if len(names) >= 2:
        KN.add_matrices(d, names, lambda v: tuple(tuple(_dot(v[p], v[q]) for q in phis)
                                                  for p in phis), tuple(phis))


def _histograms(v, name: str, count: int) -> list[dict[str, int]]:
    return [R.histogram(v[f"step{k}.{name}.labels"].values()) for k in range(count + 1)]


def _stable(d: Derivation, count: int) -> bool:
    return count >= 1 and d[f"step{count}.colours"].value == d[f"step{count - 1}.colours"].value


def _tests(d: Derivation, names, count: int, stable: bool) -> None:
    for a, b in KN.pairs(names):
        inputs = tuple(f"step{k}.{n}.labels" for n in (a, b) for k in range(count + 1))

        def split(v, a=a, b=b):
            return KN.split_iteration(_histograms(v, a, count), _histograms(v, b, count))

        where = split(d.values)
        d.add(KN.pair_name("verdict", a, b), f"WL test: are {a} and {b} isomorphic?",
              rule=lambda v, s=split: KN.verdict(s(v)), inputs=inputs, kind="label",
              group=KN.TEST_GROUP, symbol=sympy.Symbol(f"WL({a},{b})"),
              note=KN.verdict_note(a, b, where, count, stable))
        if where is not None:
            d.add(KN.pair_name("split", a, b),
                  f"first iteration whose label histograms differ ({a}, {b})",
                  rule=lambda v, s=split: -1 if s(v) is None else s(v), inputs=inputs,
                  kind="count", group=KN.TEST_GROUP, symbol=sympy.Symbol(f"split({a},{b})"))


def _convention_note(joiners: list[str], numbering: str, counted: range,
                     edge_labelled: bool) -> str:
    if edge_labelled:
        written = "each as its edge's label and its own, separated by spaces (1,a:1 b:2)"
    elif " " not in joiners:
        written = "side by side (1,11)"
    elif "" not in joiners:
        written = "separated by spaces (9,10 12)"
    else:
        written = ("side by side (1,11) while every label is one character, then separated "
                   "by spaces (9,10 12)")
    order = "in sorted order of the signatures" if numbering == "sorted" else \
        "in the order the signatures first occur (graph by graph, node by node)"
    return (f"signatures: own label, a comma, the sorted neighbour labels {written}; new labels "
            f"are numbered on from the largest label so far, {order}; φ counts iterations "
            f"{counted.start} to {counted.stop - 1}")
