"""Which part of a solved site one inactive load can influence, and its answer there.

Waking load i changes only what flows through the limits it shares. A limit
that had room to spare during the whole solve, enough for every member to reach
its target on top of everything else, never decided anything ("loose"); the
limits that were tight join their members into one part, as do a sequential
unit's connectors (only one of them may run). Each conditional surplus pool
whose capacity is zero holds its own loads where they are whatever the others
do (an ``eco`` load at its minimum, a ``solar``/``excess`` load at 0 A) and
joins nobody.

The part reachable from i through tight limits is solved as a site of its own
(the same solver, the same order, the tight limits with every member). The
result is exact when the loose limits stay loose with the part's new currents:
the loads outside the part then do exactly what they did, and the part does
exactly what the sub-site did. That is checked after solving, against each
load's highest current during the solve; when it fails, or when the part is
most of the site, :meth:`Locality.answer` returns None and the caller re-solves.
"""

from __future__ import annotations

import copy

from .constraints import Pool, Problem, Resource
from .distribute import Solver, solve
from .models import Distribution

MARGIN = 1e-6
"""Spare room (amps on one leg) a loose limit keeps beyond every member's target."""

DROP, JOIN, PIN = 0, 1, 2


class Locality:
    """A solved site, ready to answer "what would inactive load i get"."""

    def __init__(self, problem: Problem, baseline: Solver, distribution: Distribution) -> None:
        self.p = problem
        self.distribution = distribution
        resources = problem.resources
        count = len(resources)
        x = baseline.x
        filled = baseline.filled
        peak = x if filled is None else [max(a, b) for a, b in zip(filled, x, strict=True)]
        self.peak = peak
        # Per limit: the most its members together held at any time (a bound), and
        # the most any one member could ask of it (its target, or target if active).
        held = [0.0] * count
        demand = [0.0] * count
        targets, if_active = problem.target_a, problem.active_target_a
        for j, uses in enumerate(problem.uses):
            top = peak[j]
            want = max(targets[j], if_active[j])
            for r, c in uses:
                held[r] += c * top
                demand[r] = max(demand[r], c * want)
        self.held = held
        self.demand = demand
        sequential = {f"charger:{unit}" for unit in problem.unit_of if unit is not None}
        kind: list[int] = []
        for r, res in enumerate(resources):
            cap = res.capacity
            if res.name in sequential:
                kind.append(JOIN)
            elif res.pool is not Pool.NONE and cap <= 0.0:
                kind.append(PIN)
            elif cap - held[r] >= 2 * demand[r] + MARGIN:
                kind.append(DROP)
            else:
                kind.append(JOIN)
        self.kind = kind
        self.limit = len(problem.loads) // 2
        self.templates: dict[tuple[int, ...], Problem] = {}
        self.parts: dict[int, tuple[int, ...]] = {}

    def part(self, i: int) -> list[int] | None:
        """Load positions joined to load i by tight limits (None: most of the site)."""
        uses, kind, resources = self.p.uses, self.kind, self.p.resources
        seen = {i}
        stack = [i]
        done: set[int] = set()
        while stack:
            j = stack.pop()
            for r, _ in uses[j]:
                if kind[r] != JOIN or r in done:
                    continue
                done.add(r)
                for k, _ in resources[r].members:
                    if k not in seen:
                        seen.add(k)
                        stack.append(k)
            if len(seen) > self.limit:
                return None
        return sorted(seen)

    def answer(self, i: int) -> float | None:
        """What load i would get if active, or None when it must be re-solved."""
        part = self.parts.get(i)
        if part is None:
            found = self.part(i)
            if found is None:
                return None
            part = tuple(found)
            for j in part:  # a part is the same seen from any of its loads
                self.parts[j] = part
            self.templates[part] = self._sub_site(found)
        template = self.templates[part]
        p = self.p
        kind = self.kind
        k_i = part.index(i)
        sub = copy.copy(template)
        sub.target_a = list(template.target_a)
        sub.target_a[k_i] = p.active_target_a[i]
        solved = solve(sub, self.distribution).solver
        assert solved is not None
        x = solved.x
        filled = solved.filled
        peak = x if filled is None else [max(a, b) for a, b in zip(filled, x, strict=True)]
        # The loose limits must stay loose with the part's new currents.
        more: dict[int, float] = {}
        for k, j in enumerate(part):
            change = peak[k] - self.peak[j]
            if change == 0.0:
                continue
            for r, c in p.uses[j]:
                if kind[r] == DROP:
                    more[r] = more.get(r, 0.0) + c * change
        for r, extra in more.items():
            room = p.resources[r].capacity - self.held[r] - extra
            if room < self.demand[r] + MARGIN:
                return None
        return x[k_i]

    def _sub_site(self, part: list[int]) -> Problem:
        """The part as a site of its own: its loads in the same order, the tight
        limits with every member (all of them are in the part) and the zero pools
        with the part's members only; the loose limits left out."""
        p = self.p
        kind = self.kind
        where = {j: k for k, j in enumerate(part)}
        members: dict[int, list[tuple[int, float]]] = {}
        for k, j in enumerate(part):
            for r, c in p.uses[j]:
                if kind[r] == PIN:
                    members.setdefault(r, []).append((k, c))
                elif kind[r] == JOIN and r not in members:
                    members[r] = [(where[m], cm) for m, cm in p.resources[r].members]
        renumber: dict[int, int] = {}
        resources: list[Resource] = []
        for r in sorted(members):
            res = p.resources[r]
            renumber[r] = len(resources)
            resources.append(Resource(res.name, res.capacity, res.pool, members[r]))
        return Problem(
            tuple(p.loads[j] for j in part),
            [p.target_a[j] for j in part],
            [None] * len(part),
            resources,
            [[(renumber[r], c) for r, c in p.uses[j] if r in renumber] for j in part],
            [p.unit_of[j] for j in part],
            [p.active_target_a[j] for j in part],
        )
