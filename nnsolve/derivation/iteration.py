"""Iterations: quantities repeated over steps (RNN time steps, WL rounds, Hopfield updates,
optimiser steps), with one naming for every solver and the stopping rules courses use.

    run = d.iterate(until="stable", state=("s",), start={"s": "s0"}, max_steps=20)
    for step in run:
        d.add(step.name("s"), f"state after update {step.k}", sign(W * d.symbol(step.prev("s"))))
    run.outcome      # "stable: step 3 equals step 2"

Quantity `s` of step k is `step<k>.s`, so step k+1 is computed from step k's quantities, and a
student's wrong step k carries forward into step k+1 like any other earlier answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Mapping

from nnsolve.derivation import names

#: stopping rules besides a fixed number of steps
UNTIL = ("stable", "cycle")


@dataclass(frozen=True)
class Step:
    iteration: "Iteration"
    k: int

    def name(self, base: str) -> str:
        """Quantity `base` of this step: step<k>.<base>."""
        return names.step(self.k, base)

    def prev(self, base: str) -> str:
        """Quantity `base` of the step before (the starting value's name at step 1)."""
        return self.iteration.name_at(self.k - 1, base)


class Iteration:
    """Steps 1, 2, … until a fixed count, a state that no longer changes, a repeated state
    (a cycle), or a rule of the solver's own. `state` names the quantities that make a step's
    state; `start` maps them to the quantities holding the starting state (step 0).

    `until` is "stable", "cycle", or a function of the step number k, called after step k's
    quantities are added, that returns why the iteration stops there (a sentence for the
    board: "converged: epoch 2 makes no mistake") or None to go on. `exhausted` is the
    sentence for reaching `max_steps` without stopping."""

    def __init__(self, d, *, steps: int | None = None, until=None,
                 state: tuple[str, ...] = (), start: Mapping[str, str] | None = None,
                 max_steps: int = 100, exhausted: str | None = None):
        if steps is None and until is None:
            raise ValueError("an iteration needs a number of steps or a stopping rule")
        if until is not None and not callable(until) and until not in UNTIL:
            raise ValueError(f"until must be one of {', '.join(UNTIL)} or a function, "
                             f"not {until!r}")
        if until in UNTIL and not state:
            raise ValueError(f"until={until!r} needs the quantities that make the state")
        if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool)
                                  or steps < 1):
            raise ValueError(f"steps must be a whole number from 1, not {steps!r}")
        self.d = d
        self.steps = steps
        self.until = until
        self.state = tuple(state)
        self.start = dict(start or {})
        self.max_steps = steps if steps is not None else max_steps
        #: steps run, and why the iteration stopped
        self.count = 0
        self.outcome = ""
        #: (earlier step, later step) whose states are equal, when stopped by `until`
        self.repeat: tuple[int, int] | None = None
        #: the solver's own reason for stopping, when `until` is a function that gave one
        self.reason: str | None = None
        self.exhausted = exhausted

    def name_at(self, k: int, base: str) -> str:
        if k == 0:
            if base not in self.start:
                raise KeyError(f"no starting value named for {base!r}")
            return self.start[base]
        return names.step(k, base)

    def _state(self, k: int):
        return tuple(self.d[self.name_at(k, base)].value for base in self.state)

    def __iter__(self) -> Iterator[Step]:
        compares = self.until in UNTIL
        history = [self._state(0)] if compares and all(b in self.start for b in self.state) \
            else []
        first = 0 if history else 1
        for k in range(1, self.max_steps + 1):
            yield Step(self, k)
            self.count = k
            if callable(self.until):
                self.reason = self.until(k)
                if self.reason:
                    break
                continue
            if not compares:
                continue
            current = self._state(k)
            earlier = [j for j, seen in enumerate(history, first) if seen == current]
            history.append(current)
            if earlier and (self.until == "cycle" or earlier[-1] == k - 1):
                self.repeat = (earlier[-1], k)
                break
        self.outcome = self._describe()
        self.d.notes.append(self.outcome)

    def _describe(self) -> str:
        if self.reason:
            return self.reason
        if self.repeat is None:
            if self.until is not None and self.count == self.max_steps and self.exhausted:
                return self.exhausted
            if self.until is None:
                return f"{self.count} step{'s' if self.count != 1 else ''}, as asked"
            what = {"stable": "fixed point", "cycle": "repeated state"}.get(self.until,
                                                                            "stopping point")
            return f"no {what} within {self.max_steps} steps: stopped there"
        j, k = self.repeat
        earlier = "the starting state" if j == 0 else f"the state of step {j}"
        if j == k - 1:
            return f"stable: step {k} leaves {earlier} unchanged"
        return f"cycle of length {k - j}: step {k} repeats {earlier}"
