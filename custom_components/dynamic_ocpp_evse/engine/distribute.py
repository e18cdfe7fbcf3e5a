"""How power is split: the four distribution modes over the constraint model.

``shared``    reserve every minimum that fits (in order), then water-fill tier by
              tier, max-min fair on each load's total current.
``priority``  reserve minimums, then raise loads in order up to their targets.
``optimized`` no reservation: in order, each load takes what it can use.
``strict``    as optimized, but nothing for anybody after a running load that a
              limit holds below its target.

The solver only ever raises a load as far as every enforced resource allows,
so no limit can be exceeded: constraints are solved jointly, not patched.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from .constraints import POOL_OF_MODE, Pool, Problem
from .models import Distribution

EPS = 1e-9


def floor_tenth(amps: float) -> float:
    """Round a current down to 0.1 A (OCPP needs multiples of 0.1 A)."""
    return math.floor(amps * 10 + 1e-6) / 10


@dataclass(slots=True)
class Solution:
    """Allocated current per load and why the solver stopped where it did."""

    current_a: list[float]
    blocked_by: dict[int, str] = field(default_factory=dict)


class Solver:
    """Mutable allocation state over a :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.x = [0.0] * len(problem.loads)
        self.used = [0.0] * len(problem.resources)
        self.claimed: dict[str, int] = {}
        self.running: dict[Pool, set[int]] = {
            Pool.ECO: set(),
            Pool.SOLAR: set(),
            Pool.EXCESS: set(),
        }
        self.blocked_by: dict[int, str] = {}
        self.order = sorted(
            range(len(problem.loads)),
            key=lambda i: (
                problem.loads[i].tier,
                problem.loads[i].priority,
                problem.loads[i].index,
            ),
        )

    # -- constraint queries ------------------------------------------------
    def active_pools(self) -> set[Pool]:
        """Conditional surplus pools that currently limit all their members."""
        return {pool for pool, loads in self.running.items() if loads}

    def enforced(self, i: int, r: int, active: set[Pool]) -> bool:
        """Whether resource r limits load i now."""
        pool = self.p.resources[r].pool
        return pool is Pool.NONE or pool in active or POOL_OF_MODE.get(self.p.loads[i].mode) is pool

    def headroom(
        self, i: int, active: set[Pool], *, hard_only: bool = False
    ) -> tuple[float, str | None]:
        """The most load i could have with every other load fixed, and what binds.

        ``hard_only`` ignores the surplus pools (physical limits only)."""
        load = self.p.loads[i]
        best = self.p.target_a[i]
        binding: str | None = None
        unit = self.p.unit_of[i]
        if unit is not None and self.claimed.get(unit, i) != i:
            return 0.0, f"sequential:{unit}"
        own_pool = POOL_OF_MODE.get(load.mode)
        for r, coefficient in self.p.uses[i]:
            res = self.p.resources[r]
            if not self.enforced(i, r, active) or (hard_only and res.pool is not Pool.NONE):
                continue
            room = self.x[i] + (res.capacity - self.used[r]) / coefficient
            if res.pool is Pool.ECO and own_pool is Pool.ECO:
                room = max(load.min_a, room)
            if room < best - EPS:
                best, binding = room, self.reason_of(i, r)
        return max(0.0, best), binding

    def reason_of(self, i: int, r: int) -> str:
        """The machine-readable reason naming resource r as seen by load i."""
        res = self.p.resources[r]
        if res.pool is Pool.NONE:
            return res.name
        own = POOL_OF_MODE.get(self.p.loads[i].mode) is res.pool
        if res.pool is Pool.SOLAR:
            return "solar_surplus" if own else "reserved_for_solar"
        if res.pool is Pool.EXCESS:
            return "excess_export" if own else "reserved_for_excess"
        return "eco_surplus" if own else "reserved_for_eco"

    def usable(self, i: int, amps: float) -> float:
        """What load i may really be set to given a headroom: 0 or within [min, max]."""
        load = self.p.loads[i]
        if load.binary:
            return load.max_a if amps >= load.max_a - EPS else 0.0
        amps = min(floor_tenth(amps), load.max_a)
        return amps if amps >= load.min_a - EPS else 0.0

    def assign(self, i: int, amps: float) -> None:
        """Set load i's current and book its use of every resource."""
        delta = amps - self.x[i]
        if delta == 0:
            return
        self.x[i] = amps
        for r, coefficient in self.p.uses[i]:
            self.used[r] += coefficient * delta
        unit = self.p.unit_of[i]
        if unit is not None and amps > 0:
            self.claimed[unit] = i
        self._track_pool(i)

    def _track_pool(self, i: int) -> None:
        load = self.p.loads[i]
        pool = POOL_OF_MODE.get(load.mode)
        if pool is None:
            return
        floor = load.min_a if pool is Pool.ECO else 0.0
        if self.x[i] > floor + EPS:
            self.running[pool].add(i)
        else:
            self.running[pool].discard(i)

    def runnable(self, i: int) -> bool:
        load = self.p.loads[i]
        return load.active and self.p.target_a[i] >= load.min_a - EPS and self.p.target_a[i] > 0

    # -- phases of the algorithms ---------------------------------------------
    def reserve_minimums(self) -> None:
        """Give every load that fits its minimum, in order."""
        for i in self.order:
            if not self.runnable(i):
                continue
            room, _ = self.headroom(i, self.active_pools())
            if room >= self.p.loads[i].min_a - EPS:
                self.assign(i, self.p.loads[i].min_a)

    def raise_in_order(self, *, strict: bool = False) -> None:
        """Raise each load in order as far as it can go."""
        for i in self.order:
            if not self.runnable(i):
                continue
            if strict and self.blocked_by.get(-1) is not None:
                self.blocked_by[i] = self.blocked_by[-1]
                continue
            room, binding = self.headroom(i, self.active_pools())
            amps = self.usable(i, room)
            if amps > self.x[i]:
                self.assign(i, amps)
            held_back = binding is not None and not self._mode_bound(i, binding)
            if strict and held_back and 0 < self.x[i] < self.p.target_a[i] - EPS:
                self.blocked_by[-1] = f"waiting_for:{self.p.loads[i].id}"

    def _mode_bound(self, i: int, binding: str) -> bool:
        """Whether the binding limit is the load's own surplus ceiling (its target)."""
        return binding in {"solar_surplus", "excess_export", "eco_surplus"}

    def water_fill(self) -> None:
        """Max-min fair raise, tier by tier, from the reserved minimums."""
        tiers = sorted({self.p.loads[i].tier for i in self.order})
        for tier in tiers:
            members = [i for i in self.order if self.p.loads[i].tier == tier and self.x[i] > 0]
            self._fill(members, self.active_pools() | self._own_pools(members))
        for i in self.order:
            if not self.p.loads[i].binary and self.x[i] > 0:
                self.assign(i, self.usable(i, self.x[i] + 1e-7))

    def _own_pools(self, members: list[int]) -> set[Pool]:
        pools = {POOL_OF_MODE.get(self.p.loads[i].mode) for i in members}
        return {p for p in pools if p is not None}

    def _fill(self, members: list[int], active: set[Pool]) -> None:
        """Progressive filling: rising loads share one level until limits bind."""
        p = self.p
        resources = p.resources
        frozen: set[int] = set()
        saturated: set[int] = set()
        slope = [0.0] * len(resources)
        ref_level = [0.0] * len(resources)
        ref_used = list(self.used)
        version = [0] * len(resources)
        rising: set[int] = set()
        events: list[tuple[float, int, int, int]] = []  # (level, kind, id, version)
        JOIN, TARGET, SATURATE = 0, 1, 2

        def enforced_uses(i: int) -> list[tuple[int, float]]:
            return [(r, c) for r, c in p.uses[i] if self.enforced(i, r, active)]

        uses = {i: enforced_uses(i) for i in members}
        level = 0.0

        def used_now(r: int) -> float:
            return ref_used[r] + slope[r] * (level - ref_level[r])

        def change_slope(r: int, delta: float) -> None:
            ref_used[r] = used_now(r)
            ref_level[r] = level
            slope[r] += delta
            version[r] += 1
            if slope[r] > EPS and r not in saturated:
                at = level + (resources[r].capacity - ref_used[r]) / slope[r]
                heapq.heappush(events, (max(at, level), SATURATE, r, version[r]))

        def freeze(i: int, amps: float) -> None:
            frozen.add(i)
            if i in rising:
                rising.discard(i)
                self.x[i] = amps
                self._track_pool(i)
                for r, c in uses[i]:
                    change_slope(r, -c)

        for i in members:
            if p.loads[i].binary or self.x[i] >= p.target_a[i] - EPS:
                frozen.add(i)
            else:
                heapq.heappush(events, (self.x[i], JOIN, i, 0))

        while events:
            at, kind, ident, ver = heapq.heappop(events)
            if kind == SATURATE and ver != version[ident]:
                continue
            level = max(level, at)
            if kind == JOIN:
                if ident in frozen:
                    continue
                if any(
                    r in saturated or used_now(r) >= resources[r].capacity - EPS
                    for r, _ in uses[ident]
                ):
                    frozen.add(ident)
                    continue
                rising.add(ident)
                for r, c in uses[ident]:
                    change_slope(r, c)
                heapq.heappush(events, (p.target_a[ident], TARGET, ident, 0))
            elif kind == TARGET:
                if ident in rising:
                    freeze(ident, p.target_a[ident])
            else:
                saturated.add(ident)
                for i, _ in resources[ident].members:
                    if i in rising:
                        freeze(i, level)
                    elif i in uses:
                        frozen.add(i)
        for i in list(rising):
            freeze(i, level)
        # Book the new currents on every resource (enforced or not).
        for r in range(len(resources)):
            self.used[r] = 0.0
        for i, amps in enumerate(self.x):
            for r, c in p.uses[i]:
                self.used[r] += c * amps


def solve(problem: Problem, distribution: Distribution) -> Solution:
    """Allocate currents to every load of ``problem``."""
    solver = Solver(problem)
    if distribution in (Distribution.SHARED, Distribution.PRIORITY):
        solver.reserve_minimums()
    if distribution is Distribution.SHARED:
        solver.water_fill()
    else:
        solver.raise_in_order(strict=distribution is Distribution.STRICT)
    solver.blocked_by.pop(-1, None)
    return Solution(solver.x, solver.blocked_by)


__all__ = ["Solution", "Solver", "floor_tenth", "solve"]
