"""The runs of the network from its start states, update by update, with `d.iterate`.

Start state r is `step0.s<r>`; update k of that run gives the net input `step<k>.h<r>`, the
state `step<k>.s<r>` and its energy `step<k>.E<r>`, each computed from the step before, so a
student's wrong state carries forward into their next update. A synchronous run updates every
neuron at once and stops when a state repeats (the state before: a fixed point; an earlier
one: a limit cycle); an asynchronous run updates one neuron per step, in the given order, and
stops when a whole pass over the neurons changes nothing.
"""

from __future__ import annotations

import sympy

from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation, Misconception
from nnsolve.derivation.ordered import plus, times
from nnsolve.solvers.hopfield import hebb, states
from nnsolve.solvers.hopfield.given import Network
from nnsolve.solvers.hopfield.signs import SIGNS, UPDATE_ONE, Component


def state_text(state) -> str:
    return "[" + ", ".join(str(int(s)) for s in state) + "]"


class Runs:
    def __init__(self, d: Derivation, network: Network, at_zero: str, self_weight):
        self.d = d
        self.net = network
        self.at_zero = at_zero
        #: the diagonal the outer products would give, c·P: what a neuron's own state adds
        #: to its input when it is wrongly counted
        self.self_weight = self_weight
        self.W = d.symbol("W")
        self.b = d.symbol("b") if network.bias is not None else None

    def run(self, r: int, start) -> None:
        d = self.d
        group = f"start {r}: s = {state_text(start)}"
        d.given(f"step0.s{r}", start, f"start state {r}", kind="vector", group=group,
                symbol=self._state_symbol(r, 0))
        hebb.energy(d, f"step0.E{r}", "energy of the start state", self.W,
                    d.symbol(f"step0.s{r}"), self.b, group, self._energy_symbol(r, 0))
        state = f"s{r}"
        if self.net.synchronous:
            run = d.iterate(until="cycle", state=(state,), start={state: f"step0.s{r}"},
                            max_steps=self.net.max_steps,
                            exhausted=f"no fixed point or cycle within {self.net.max_steps} "
                                      "updates (max_steps)")
        else:
            run = d.iterate(until=lambda k: self._pass_unchanged(r, k), state=(state,),
                            start={state: f"step0.s{r}"}, max_steps=self.net.max_steps,
                            exhausted=f"not stable within {self.net.max_steps} updates "
                                      "(max_steps)")
        for step in run:
            s_prev = d.symbol(step.prev(state))
            if self.net.synchronous:
                self._synchronous(r, step.k, s_prev, group)
            else:
                self._asynchronous(r, step.k, s_prev, group)
            hebb.energy(d, step.name(f"E{r}"), f"energy after update {step.k}", self.W,
                        d.symbol(step.name(state)), self.b, group,
                        self._energy_symbol(r, step.k))
        d.notes.remove(run.outcome)
        self._outcome(r, run, group)

    def _state_symbol(self, r: int, k: int):
        return sympy.MatrixSymbol(f"s^({r})_{k}" if len(self.net.starts) > 1 else f"s_{k}",
                                  self.net.size, 1)

    def _energy_symbol(self, r: int, k: int):
        return sympy.Symbol(f"E^({r})_{k}" if len(self.net.starts) > 1 else f"E_{k}")

    def _net_symbol(self, r: int, k: int, n: int):
        written = f"h^({r})_{k}" if len(self.net.starts) > 1 else f"h_{k}"
        return sympy.MatrixSymbol(written, n, 1) if n else sympy.Symbol(written)

    def _synchronous(self, r: int, k: int, s_prev, group: str) -> None:
        d = self.d
        h = d.add(f"step{k}.h{r}", f"net inputs h = W s + b, update {k}",
                  plus(self.W * s_prev, self.b), symbol=self._net_symbol(r, k, self.net.size),
                  kind="vector", group=group, misconceptions=self._own_state(
                      plus(self.W * s_prev, self.b), s_prev))
        d.add(f"step{k}.s{r}", f"state after update {k} (all neurons at once)",
              SIGNS[self.at_zero](h, s_prev), symbol=self._state_symbol(r, k), kind="vector",
              group=group)

    def _asynchronous(self, r: int, k: int, s_prev, group: str) -> None:
        d, order = self.d, self.net.order
        i = order[(k - 1) % len(order)]
        local = plus(self.W * s_prev, self.b)
        h = d.add(f"step{k}.h{r}", f"net input of neuron {i}, update {k}",
                  Component(local, i), symbol=self._net_symbol(r, k, 0), group=group,
                  misconceptions=self._own_state(Component(local, i), Component(s_prev, i)))
        d.add(f"step{k}.s{r}", f"state after update {k} (neuron {i})",
              UPDATE_ONE[self.at_zero](s_prev, i, h), symbol=self._state_symbol(r, k),
              kind="vector", group=group)

    def _own_state(self, right, own):
        if not self.self_weight:
            return []
        return [Misconception("own-state-in-input",
                              "counted the neuron's own state in its input (as if w_ii were "
                              f"{self.self_weight}, the diagonal of the outer products); "
                              "w_ii = 0", plus(right, times(self.self_weight, own)))]

    def _pass_unchanged(self, r: int, k: int) -> str | None:
        """After asynchronous update k: whether the last pass over the order changed
        nothing, so every neuron agrees with its input: a fixed point."""
        width = len(self.net.order)
        if k < width:
            return None
        last = self.d[f"step{k}.s{r}"].value
        names = [f"step{j}.s{r}" for j in range(k - width, k)]
        if all(self.d[name].value == last for name in names):
            return (f"stable: updates {k - width + 1} to {k} (every neuron in turn) leave "
                    "the state unchanged")
        return None

    def _outcome(self, r: int, run, group: str) -> None:
        """Where run r settles, in how many updates, and what the state it settles in is."""
        d, synchronous = self.d, self.net.synchronous
        trail = tuple(run.name_at(k, f"s{r}") for k in range(run.count + 1))

        def tuple_of(values):
            return tuple(tuple(int(x) for x in values[n]) for n in trail)

        ended, _, how = states.settled(tuple_of(d.values), synchronous)
        settled_here = run.repeat is not None or run.reason is not None
        if not settled_here:
            d.add(f"kind{r}", "what run settles in", rule=lambda values: "unsettled",
                  inputs=trail, kind="label", group=group, note=run.outcome)
            return
        d.add(f"attractor{r}", "attractor reached" if how == "fixed point" else
              "attractor reached: a limit cycle (its states)",
              rule=lambda values: states.settled(tuple_of(values), synchronous)[0],
              inputs=trail, kind="vector" if how == "fixed point" else "set", group=group,
              note=run.outcome)
        d.add(f"iterations{r}", "updates until the attractor is reached" +
              (" (the cycle entered)" if how == "cycle" else ""),
              rule=lambda values: states.settled(tuple_of(values), synchronous)[1],
              inputs=trail, kind="count", group=group)
        patterns = self.net.patterns
        kind = _kind(d[f"attractor{r}"].value, patterns)
        d.add(f"kind{r}", "what it is: stored, spurious or cycle",
              rule=lambda values: _kind(values[f"attractor{r}"], patterns),
              inputs=(f"attractor{r}",), kind="label", group=group, accept=SPELLINGS[kind],
              note=states.described(ended, patterns) if how == "fixed point" else
              f"a {len(ended)}-cycle")


#: other ways of saying what a run settles in
SPELLINGS = {"stored": ("stored pattern",), "spurious": ("spurious state", "spurious pattern"),
             "cycle": ("limit cycle", "2-cycle")}


def _kind(attractor, patterns) -> str:
    if isinstance(attractor, frozenset):
        return "cycle"
    return "stored" if tuple(int(V.to_float(s)) for s in attractor) in patterns else "spurious"
