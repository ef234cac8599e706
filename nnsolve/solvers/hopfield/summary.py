"""What the network remembers: its fixed points, which stored patterns are among them, which
are spurious, the attractors the runs reached and a table of every run's outcome.

Each is a quantity with a rule over the weights or the runs' results, so a student's own
weights give their own fixed points (error carried forward) without code for it here.
"""

from __future__ import annotations

from nnsolve.derivation import structures as S
from nnsolve.derivation import values as V
from nnsolve.derivation.core import Derivation
from nnsolve.solvers.hopfield import states
from nnsolve.solvers.hopfield.given import Network
from nnsolve.solvers.hopfield.hebb import pattern_name

GROUP = "what the network remembers"


def _weights(values):
    return values["W"], values.get("b")


def fixed_points(d: Derivation, network: Network, at_zero: str) -> None:
    net_inputs = ("W", "b") if network.bias is not None else ("W",)
    d.add("fixed_points", f"fixed points among all {2 ** network.size} states",
          rule=lambda values: states.fixed_points(*_weights(values), at_zero),
          inputs=net_inputs, kind="set", group=GROUP,
          note="a state is fixed when no neuron changes: s_i = sgn(h_i) for every i")
    names = tuple(pattern_name(p) for p in range(1, len(network.patterns) + 1))

    def stable(values):
        weights, bias = states.prepared(*_weights(values))
        return frozenset(values[n] for n in names
                         if states.is_fixed(weights, bias, tuple(int(x) for x in values[n]),
                                            at_zero))

    d.add("stable_patterns", "stored patterns that are fixed points", rule=stable,
          inputs=net_inputs + names, kind="set", group=GROUP)
    patterns = network.patterns
    d.add("spurious", "spurious fixed points (fixed, but not stored)",
          rule=lambda values: frozenset(s for s in values["fixed_points"]
                                        if tuple(int(x) for x in s) not in patterns),
          inputs=("fixed_points",), kind="set", group=GROUP,
          note="negations of stored patterns and mixtures of three are the usual ones")
    weights, bias = d["W"].value, d["b"].value if network.bias is not None else None
    d.table("fixed points", ("state", "what it is", "energy E"),
            [(V.normalize(s), states.described(s, patterns),
              V.normalize(states.energy(weights, bias, s)))
             for s in sorted(d["fixed_points"].value, reverse=True)])


def outcomes(d: Derivation, network: Network) -> None:
    """The attractors reached from the start states, and the outcome of every run."""
    runs = [r for r in range(1, len(network.starts) + 1) if f"attractor{r}" in d]
    if not runs:
        return
    reached = tuple(f"attractor{r}" for r in runs)
    d.add("attractors", "fixed points reached from the start states",
          rule=lambda values: frozenset(values[n] for n in reached
                                        if not isinstance(values[n], frozenset)),
          inputs=reached, kind="set", group=GROUP)
    columns = [(f"step0.s{r}", f"attractor{r}", f"kind{r}", f"iterations{r}") for r in runs]

    def table(values):
        return S.TableValue(("start", "attractor", "kind", "updates"),
                            [tuple(values[n] for n in row) for row in columns])

    d.add("outcomes", "every start state's outcome", rule=table,
          inputs=tuple(n for row in columns for n in row), kind="table", group=GROUP)
