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

import math
from dataclasses import dataclass, field

from .columns import columns
from .constraints import POOL_OF_MODE, Pool, Problem
from .fill import hand_out_leftovers, progressive_fill
from .models import Distribution
from .power_load import on_step

EPS = 1e-9


def floor_tenth(amps: float) -> float:
    """Round a current down to 0.1 A (OCPP needs multiples of 0.1 A)."""
    return math.floor(amps * 10 + 1e-6) / 10


@dataclass(slots=True)
class Solution:
    """Allocated current per load and why the solver stopped where it did."""

    current_a: list[float]
    blocked_by: dict[int, str] = field(default_factory=dict)
    solver: Solver | None = None


class Solver:
    """Mutable allocation state over a :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        loads = problem.loads
        cols = columns(problem)
        self.min_a = cols.min_a
        self.max_a = cols.max_a
        self.binary = cols.binary
        self.step_a = cols.step_a
        self.tier = cols.tier
        self.book = cols.book
        self.rank = cols.rank
        self.x = [0.0] * len(loads)
        self.used = [0.0] * len(problem.resources)
        self.cap = [res.capacity for res in problem.resources]
        self.own_pool = problem.own_pool
        self.hard = problem.hard
        self.pooled = problem.pooled
        self.claimed: dict[str, int] = {}
        self.reserved: set[int] = set()
        self.running: dict[Pool, set[int]] = {
            Pool.ECO: set(),
            Pool.SOLAR: set(),
            Pool.EXCESS: set(),
        }
        self.blocked_by: dict[int, str] = {}
        self.order = problem.order
        self.unit_of = problem.unit_of
        self.target = problem.target_a
        self.fits: dict[int, bool] | None = None
        """Per inactive load, whether its minimum would have been reserved had it
        been active (:meth:`reserve_minimums` asked to note it)."""
        self.filled: list[float] | None = None
        """``shared`` only: every load's current when water-filling ended, before
        the rounding to 0.1 A (the highest it held during the solve, together with
        the final current; what-if answers bound resource use with it)."""

    # -- constraint queries ------------------------------------------------
    def active_pools(self) -> set[Pool]:
        """Conditional surplus pools that currently limit all their members."""
        return {pool for pool, loads in self.running.items() if loads}

    def headroom(
        self, i: int, *, hard_only: bool = False, settled: bool = False
    ) -> tuple[float, int]:
        """The most load i could have with every other load fixed, and the index of
        the binding resource (-1: its own target; -2: a sequential unit is taken).

        ``hard_only`` ignores the surplus pools (physical limits only);
        ``settled`` (after solving) no longer counts a sequential unit as taken
        by a connector that ended at 0 A."""
        room, binding, _ = self.rooms(i, hard_only=hard_only, settled=settled)
        return room, binding

    def rooms(
        self, i: int, *, hard_only: bool = False, settled: bool = False
    ) -> tuple[float, int, float]:
        """:meth:`headroom` and, from the same pass, the room the physical limits
        alone leave (the third value)."""
        unit = self.unit_of[i]
        if unit is not None:
            holder = self.claimed.get(unit, i)
            if holder != i and (self.x[holder] > 0 or not settled):
                return 0.0, -2, 0.0
        x = self.x[i]
        cap, used = self.cap, self.used
        best = self.target[i]
        limit = best - EPS
        binding = -1
        for r, c in self.hard[i]:
            room = x + (cap[r] - used[r]) / c
            if room < limit:
                best, binding, limit = room, r, room - EPS
        hard_best = best if best > 0.0 else 0.0
        if not hard_only and self.pooled[i]:
            own = self.own_pool[i]
            running = self.running
            for r, c, pool in self.pooled[i]:
                if pool is own or running[pool]:
                    room = x + (cap[r] - used[r]) / c
                    if pool is Pool.ECO and own is Pool.ECO:
                        room = max(self.min_a[i], room)
                    if room < limit:
                        best, binding, limit = room, r, room - EPS
        return (best if best > 0.0 else 0.0), binding, hard_best

    def reason_of(self, i: int, r: int) -> str:
        """The machine-readable reason naming resource r as seen by load i."""
        if r == -2:
            return f"sequential:{self.p.unit_of[i]}"
        res = self.p.resources[r]
        if res.pool is Pool.NONE:
            return res.name
        own = self.own_pool[i] is res.pool
        if res.pool is Pool.SOLAR:
            return "solar_surplus" if own else "reserved_for_solar"
        if res.pool is Pool.EXCESS:
            return "excess_export" if own else "reserved_for_excess"
        return "eco_surplus" if own else "reserved_for_eco"

    def usable(self, i: int, amps: float) -> float:
        """What load i may really be set to given a headroom: 0 or within [min, max]."""
        most = self.max_a[i]
        if self.binary[i]:
            return most if amps >= most - EPS else 0.0
        step = self.step_a[i]
        if step > 0:  # a setpoint: on its steps from the minimum (not 0.1 A)
            amps = on_step(min(amps + EPS, most), self.min_a[i], most, step)
        else:
            amps = min(math.floor(amps * 10 + 1e-6) / 10, most)  # floor_tenth
        return amps if amps >= self.min_a[i] - EPS else 0.0

    def assign(self, i: int, amps: float) -> None:
        """Set load i's current and book its use of every resource."""
        delta = amps - self.x[i]
        if delta == 0:
            return
        self.x[i] = amps
        used = self.used
        # Only on the limits the solver reads (``columns.py``): a limit left out
        # as slack is never asked how much it holds.
        for r, coefficient in self.book[i]:
            used[r] += coefficient * delta
        unit = self.unit_of[i]
        if unit is not None and amps > 0:
            self.claimed[unit] = i
        if self.own_pool[i] is not None:
            self._track_pool(i)

    def _track_pool(self, i: int) -> None:
        pool = self.own_pool[i]
        if pool is None:
            return
        floor = self.min_a[i] if pool is Pool.ECO else 0.0
        if self.x[i] > floor + EPS:
            self.running[pool].add(i)
        else:
            self.running[pool].discard(i)

    def runnable(self, i: int) -> bool:
        """Whether load i may run at all (active and a target of at least its minimum)."""
        target = self.target[i]
        return target > 0 and target >= self.min_a[i] - EPS

    # -- phases of the algorithms ---------------------------------------------
    def reserve_minimums(self, fits: dict[int, bool] | None = None) -> None:
        """Give every load that fits its minimum, in order.

        With ``fits``, also note for every inactive load whether its minimum would
        have fitted at its turn had it been active (what-if: the loads before it
        in order reserve exactly as they do here)."""
        target, min_a, unit_of = self.target, self.min_a, self.unit_of
        reserved, claimed, x, cap, used = self.reserved, self.claimed, self.x, self.cap, self.used
        hard, pooled, own_pool, running = self.hard, self.pooled, self.own_pool, self.running
        book, track, eco = self.book, self._track_pool, Pool.ECO
        self.fits = fits
        for i in self.order:
            least = min_a[i]
            want = target[i]
            if not (want > 0 and want >= least - EPS):  # not runnable
                if fits is not None and not self.p.loads[i].active:
                    woken = self.p.active_target_a[i]
                    if woken > 0 and woken >= least - EPS:
                        fits[i] = self._fits_minimum(i, woken)
                continue
            unit = unit_of[i]
            if unit is not None and claimed.get(unit, i) != i:
                continue  # its sequential unit is taken
            # rooms(i), inline
            amps = x[i]
            best = want
            below = best - EPS
            for r, c in hard[i]:
                some = amps + (cap[r] - used[r]) / c
                if some < below:
                    best, below = some, some - EPS
            if pooled[i]:
                own = own_pool[i]
                for r, c, pool in pooled[i]:
                    if pool is own or running[pool]:
                        some = amps + (cap[r] - used[r]) / c
                        if pool is eco and own is eco:
                            some = max(least, some)
                        if some < below:
                            best, below = some, some - EPS
            if (best if best > 0.0 else 0.0) >= least - EPS:
                delta = least - amps  # assign(i, least), inline
                if delta != 0:
                    x[i] = least
                    for r, c in book[i]:
                        used[r] += c * delta
                    if unit is not None and least > 0:
                        claimed[unit] = i
                    if own_pool[i] is not None:
                        track(i)
                reserved.add(i)
                if unit is not None:
                    claimed.setdefault(unit, i)

    def _fits_minimum(self, i: int, want: float) -> bool:
        """Whether load i (with target ``want``) would have its minimum reserved now."""
        unit = self.unit_of[i]
        if unit is not None and self.claimed.get(unit, i) != i:
            return False  # its sequential unit is taken
        saved, self.target[i] = self.target[i], want
        try:
            room, _ = self.headroom(i)
        finally:
            self.target[i] = saved
        return room >= self.min_a[i] - EPS

    def raise_in_order(
        self,
        *,
        strict: bool = False,
        probe: dict[int, float] | None = None,
        until: int | None = None,
        only: set[int] | None = None,
    ) -> None:
        """Raise each load in order as far as it can go. With ``probe``, also
        answer what every inactive load (``only``: these) would get if active: a
        load never changes what those before it get. With ``until``, stop after
        that load (what comes later cannot change it)."""
        target, min_a, loads, x = self.target, self.min_a, self.p.loads, self.x
        rooms, usable, assign, blocked_by = self.rooms, self.usable, self.assign, self.blocked_by
        for i in self.order:
            want = target[i]
            if not (want > 0 and want >= min_a[i] - EPS):  # not runnable
                if probe is not None and not loads[i].active and (only is None or i in only):
                    probe[i] = self._probe(i, strict)
                continue
            if strict and blocked_by.get(-1) is not None:
                blocked_by[i] = blocked_by[-1]
                continue
            room, bound, _ = rooms(i)
            amps = usable(i, room)
            if amps > x[i]:
                assign(i, amps)
            if strict and bound != -1 and not self._mode_bound(i, bound) and 0 < x[i] < want - EPS:
                blocked_by[-1] = f"waiting_for:{loads[i].id}"
            if i == until:
                return

    def _probe(self, i: int, strict: bool) -> float:
        if strict and self.blocked_by.get(-1) is not None:
            return 0.0
        targets = self.p.target_a
        saved, targets[i] = targets[i], self.p.active_target_a[i]
        room, _ = self.headroom(i)
        targets[i] = saved
        return self.usable(i, room) if self.p.active_target_a[i] > 0 else 0.0

    def release_idle_units(self) -> None:
        """A sequential unit held by a connector that ended at 0 A (a 0 A minimum
        reserved it) goes to the next connector in order that can run."""
        idle = {unit for unit, i in self.claimed.items() if self.x[i] <= 0}
        if not idle:
            return
        for unit in idle:
            del self.claimed[unit]
        for i in self.order:
            held_by = self.p.unit_of[i]
            if held_by not in idle or not self.runnable(i) or i in self.blocked_by:
                continue
            if self.x[i] <= 0 and self.claimed.get(held_by or "", i) == i:
                room, _ = self.headroom(i)
                amps = self.usable(i, room)
                if amps > 0:
                    self.assign(i, amps)

    def _mode_bound(self, i: int, r: int) -> bool:
        """Whether the binding limit is the load's own surplus ceiling (its target)."""
        return r >= 0 and self.p.resources[r].pool is self.own_pool[i] is not None

    def water_fill(self) -> None:
        """Max-min fair raise, tier by tier, from the reserved minimums."""
        tiers = self.tier
        reserved = self.reserved
        order = self.order
        present = sorted(set(tiers))
        for tier in present:  # a tier with nobody reserved has nobody to raise
            if len(present) == 1:
                members = [i for i in order if i in reserved]
            else:
                members = [i for i in order if i in reserved and tiers[i] == tier]
            if members:
                self._fill(members, self.active_pools() | self._own_pools(members))
        self.filled = list(self.x)
        x, binary, step, most, least = self.x, self.binary, self.step_a, self.max_a, self.min_a
        usable, floor, used, book = self.usable, math.floor, self.used, self.book
        unit_of, claimed, own_pool = self.unit_of, self.claimed, self.own_pool
        track = self._track_pool
        for i in self.order:
            amps = x[i]
            if amps > 0 and not binary[i]:
                if step[i] > 0:
                    settled = usable(i, amps + 1e-7)
                else:  # usable(), inline: 0.1 A below, at most max, 0 below min
                    settled = min(floor((amps + 1e-7) * 10 + 1e-6) / 10, most[i])
                    if settled < least[i] - EPS:
                        settled = 0.0
                if settled != amps:  # assign(i, settled), inline
                    delta = settled - amps
                    x[i] = settled
                    for r, c in book[i]:
                        used[r] += c * delta
                    unit = unit_of[i]
                    if unit is not None and settled > 0:
                        claimed[unit] = i
                    if own_pool[i] is not None:
                        track(i)
        self._hand_out_leftovers()

    def _hand_out_leftovers(self) -> None:
        """Rounding down to 0.1 A leaves up to 0.1 A per load unused: give it back
        (see :func:`.fill.hand_out_leftovers`)."""
        hand_out_leftovers(self)

    def _own_pools(self, members: list[int]) -> set[Pool]:
        loads = self.p.loads
        pools = {POOL_OF_MODE.get(loads[i].mode) for i in members}
        return {p for p in pools if p is not None}

    def _fill(self, members: list[int], active: set[Pool]) -> None:
        """Progressive filling of ``members`` (see :func:`.fill.progressive_fill`)."""
        progressive_fill(self, members, active)


def solve(
    problem: Problem, distribution: Distribution, probe: dict[int, float] | None = None
) -> Solution:
    """Allocate currents to every load of ``problem``. With ``probe``: also answer
    in the same pass what inactive loads would get if active (``what_if.py``):
    all in ``optimized``/``strict``; in ``shared``/``priority`` the solver notes
    whose minimum would be reserved (``Solver.fits``) and, in ``priority``, what
    those left out could take at their turn."""
    solver = Solver(problem)
    fits: dict[int, bool] | None = None
    if distribution in (Distribution.SHARED, Distribution.PRIORITY):
        fits = None if probe is None else {}
        solver.reserve_minimums(fits)
    if distribution is Distribution.SHARED:
        solver.water_fill()
    elif distribution is Distribution.PRIORITY:
        left_out = None if fits is None else {i for i, fit in fits.items() if not fit}
        solver.raise_in_order(probe=probe if left_out else None, only=left_out)
    else:
        solver.raise_in_order(strict=distribution is Distribution.STRICT, probe=probe)
    solver.release_idle_units()
    solver.blocked_by.pop(-1, None)
    return Solution(solver.x, solver.blocked_by, solver)


__all__ = ["Solution", "Solver", "floor_tenth", "solve"]
