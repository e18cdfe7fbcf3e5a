"""Progressive filling (``shared``): rising loads share one level until limits bind.

Owns the event loop of one tier's water-filling. Events (a load joins at its
reserved level, reaches its target, or a limit saturates) are handled in
batches of equal level; each limit's next saturation is queued once per batch,
which keeps the queue short when thousands of loads move together. Each limit's
use is kept as a line (use at a reference level plus slope times the rise), so
an event touches only the limits of the loads it concerns.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from .constraints import Pool

if TYPE_CHECKING:
    from .distribute import Solver

EPS = 1e-9
JOIN, TARGET, SATURATE = 0, 1, 2


def progressive_fill(solver: Solver, members: list[int], active: set[Pool]) -> None:
    """Raise ``members`` together from their current (reserved) level, max-min fair,
    as far as the limits enforced on each (hard ones and ``active`` pools) allow;
    then book the new currents on every limit."""
    p = solver.p
    loads = p.loads
    targets = p.target_a
    x = solver.x
    capacity = solver.cap
    count = len(capacity)
    frozen: set[int] = set()
    saturated: set[int] = set()
    slope = [0.0] * count
    ref_level = [0.0] * count
    ref_used = list(solver.used)
    version = [0] * count
    dirty: set[int] = set()
    rising: set[int] = set()
    events: list[tuple[float, int, int, int]] = []  # (level, kind, id, version)
    push, pop = heapq.heappush, heapq.heappop
    before = {i: x[i] for i in members}

    uses: dict[int, list[tuple[int, float]]] = {}
    limits: dict[int, list[int]] = {}  # limit -> the members it is enforced on, in order
    for i in members:
        mine = uses[i] = solver.enforced_uses(i, active)
        for r, _ in mine:
            on = limits.get(r)
            if on is None:
                limits[r] = [i]
            else:
                on.append(i)
    level = 0.0

    def freeze(i: int, amps: float) -> None:
        frozen.add(i)
        if i in rising:
            rising.discard(i)
            x[i] = amps
            solver._track_pool(i)
            for r, c in uses[i]:
                ref_used[r] += slope[r] * (level - ref_level[r])
                ref_level[r] = level
                slope[r] -= c
                dirty.add(r)

    for i in members:
        if loads[i].binary or x[i] >= targets[i] - EPS:
            frozen.add(i)
        else:
            push(events, (x[i], JOIN, i, 0))

    while events:
        level = max(level, events[0][0])
        bound = level + EPS
        while events and events[0][0] <= bound:
            _, kind, ident, ver = pop(events)
            if kind == SATURATE:
                if ver != version[ident]:
                    continue
                saturated.add(ident)
                for i in limits[ident]:
                    if i in rising:
                        freeze(i, level)
                    else:
                        frozen.add(i)
            elif kind == TARGET:
                if ident in rising:
                    freeze(ident, targets[ident])
            elif ident not in frozen:
                mine = uses[ident]
                blocked = False
                for r, _ in mine:
                    if r in saturated or (
                        ref_used[r] + slope[r] * (level - ref_level[r]) >= capacity[r] - EPS
                    ):
                        blocked = True
                        break
                if blocked:
                    frozen.add(ident)
                    continue
                rising.add(ident)
                for r, c in mine:
                    ref_used[r] += slope[r] * (level - ref_level[r])
                    ref_level[r] = level
                    slope[r] += c
                    dirty.add(r)
                push(events, (targets[ident], TARGET, ident, 0))
        for r in dirty:
            version[r] += 1
            if slope[r] > EPS and r not in saturated:
                now = ref_used[r] + slope[r] * (level - ref_level[r])
                at = level + (capacity[r] - now) / slope[r]
                push(events, (at if at > level else level, SATURATE, r, version[r]))
        dirty.clear()
    for i in list(rising):
        freeze(i, level)
    # Book the new currents on every limit they use (enforced or not).
    used = solver.used
    all_uses = p.uses
    for i, old in before.items():
        delta = x[i] - old
        if delta:
            for r, c in all_uses[i]:
                used[r] += c * delta
