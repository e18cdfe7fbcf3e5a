"""Progressive filling (``shared``): rising loads share one level until limits bind.

Also hands back what rounding down to 0.1 A left unused (:func:`hand_out_leftovers`).

Owns the event loop of one tier's water-filling. Events (a load joins at its
reserved level, reaches its target, or a limit saturates) are handled in
batches of equal level; each limit's next saturation is queued once per batch,
which keeps the queue short when thousands of loads move together. Each limit's
use is kept as a line (use at a reference level plus slope times the rise), so
an event touches only the limits of the loads it concerns.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING

from .constraints import Pool

if TYPE_CHECKING:
    from .distribute import Solver

EPS = 1e-9
JOIN, TARGET, SATURATE = 0, 1, 2
IDLE, RISING, FROZEN = 0, 1, 2


def progressive_fill(solver: Solver, members: list[int], active: set[Pool]) -> None:
    """Raise ``members`` together from their current (reserved) level, max-min fair,
    as far as the limits enforced on each (hard ones and ``active`` pools) allow;
    then book the new currents on every limit."""
    targets = solver.target
    x = solver.x
    binary = solver.binary
    # The members that may rise, in order, with their current (reserved) level;
    # the others keep what they have.
    joiners = [(i, x[i]) for i in members if not binary[i] and x[i] < targets[i] - EPS]
    if not joiners:
        return  # nobody can rise: nothing changes
    events = [(amps, JOIN, i, 0) for i, amps in joiners]  # (level, kind, id, version)
    heapq.heapify(events)  # the pop order is the same as pushing one by one: keys differ
    capacity = solver.cap
    own_pool = solver.own_pool
    track = solver._track_pool
    count = len(capacity)
    state = bytearray(len(x))  # per load: IDLE, RISING or FROZEN
    saturated = bytearray(count)
    slope = [0.0] * count
    ref_level = [0.0] * count
    ref_used = list(solver.used)
    version = [0] * count
    # Within one batch every event is handled at the same level, so a limit's use
    # there is one number: computed once (``now``), its line re-based once at the
    # end of the batch when a load joined or left it (``bent``).
    now: dict[int, float] = {}
    bent: set[int] = set()
    push, pop = heapq.heappush, heapq.heappop
    uses = enforced(solver, active)
    limits = _limits(uses, members)

    level = 0.0
    joining = len(events)  # JOIN events still queued
    rising = 0
    # Once nobody rises and nobody is still to join, what is left in the queue
    # (targets of frozen loads, outdated saturations) changes nothing.
    while events and (rising or joining):
        level = max(level, events[0][0])
        bound = level + EPS
        while events and events[0][0] <= bound:
            _, kind, ident, ver = pop(events)
            if kind == SATURATE:
                if ver != version[ident]:
                    continue
                saturated[ident] = 1
                for i in limits[ident]:
                    if state[i] == RISING:
                        rising -= 1
                        x[i] = level
                        for r, c in uses[i]:
                            if r not in now:
                                now[r] = ref_used[r] + slope[r] * (level - ref_level[r])
                            slope[r] -= c
                            bent.add(r)
                        if own_pool[i] is not None:
                            track(i)
                    state[i] = FROZEN
            elif kind == TARGET:
                if state[ident] == RISING:
                    rising -= 1
                    x[ident] = targets[ident]
                    for r, c in uses[ident]:
                        if r not in now:
                            now[r] = ref_used[r] + slope[r] * (level - ref_level[r])
                        slope[r] -= c
                        bent.add(r)
                    if own_pool[ident] is not None:
                        track(ident)
                    state[ident] = FROZEN
            else:  # JOIN
                joining -= 1
                if state[ident] == FROZEN:
                    continue
                mine = uses[ident]
                for r, _ in mine:
                    if saturated[r]:
                        break
                    use = now.get(r)
                    if use is None:
                        use = now[r] = ref_used[r] + slope[r] * (level - ref_level[r])
                    if use >= capacity[r] - EPS:
                        break
                else:  # no limit of its is full: it rises from here
                    state[ident] = RISING
                    rising += 1
                    for r, c in mine:
                        slope[r] += c
                        bent.add(r)
                    push(events, (targets[ident], TARGET, ident, 0))
                    continue
                state[ident] = FROZEN
        for r in bent:
            use = now[r]
            ref_used[r] = use
            ref_level[r] = level
            version[r] += 1
            if slope[r] > EPS and not saturated[r]:
                at = level + (capacity[r] - use) / slope[r]
                push(events, (at if at > level else level, SATURATE, r, version[r]))
        bent.clear()
        now.clear()
    # Those still rising stop here; book the new currents on every limit the
    # solver reads (``columns.py``).
    used = solver.used
    book = solver.book
    for i, old in joiners:
        if state[i] == RISING:
            x[i] = level
            if own_pool[i] is not None:
                track(i)
        delta = x[i] - old
        if delta:
            for r, c in book[i]:
                used[r] += c * delta


def hand_out_leftovers(solver: Solver) -> None:
    """Rounding down to 0.1 A leaves up to 0.1 A per load unused: give it back
    in 0.1 A steps, lowest current first (as water-filling in 0.1 A steps would)."""
    x, target, binary, step = solver.x, solver.target, solver.binary, solver.step_a
    tier, rank, most = solver.tier, solver.rank, solver.max_a
    candidates = sorted(
        [
            (tier[i], x[i], rank[i], i)
            for i in solver.reserved
            if not binary[i] and not step[i] and x[i] < target[i]
        ]
    )
    cap, used, hard, pooled = solver.cap, solver.used, solver.hard, solver.pooled
    own_pool, running, min_a = solver.own_pool, solver.running, solver.min_a
    unit_of = solver.unit_of
    claimed, assign, eco = solver.claimed, solver.assign, Pool.ECO
    for _, _, _, i in candidates:
        amps = x[i]
        more = math.floor((amps + 0.1 + 1e-7) * 10 + 1e-6) / 10  # floor_tenth
        if more > most[i] + EPS:
            continue
        unit = unit_of[i]
        if unit is not None and claimed.get(unit, i) != i:
            continue  # no room: its sequential unit is taken
        # rooms(i)[0], inline
        best = target[i]
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
                        some = max(min_a[i], some)
                    if some < below:
                        best, below = some, some - EPS
        if (best if best > 0.0 else 0.0) >= more - EPS:
            assign(i, more)


_members_of: dict[tuple[int, ...], tuple[object, dict[int, list[int]]]] = {}


def _limits(uses: list[list[tuple[int, float]]], members: list[int]) -> dict[int, list[int]]:
    """Per limit: the members it is enforced on, in order (read only; by the enforced
    lists' identity and the members, which a controller's next call mostly repeats)."""
    key = (id(uses), *members)
    known = _members_of.get(key)
    if known is not None and known[0] is uses:
        return known[1]
    limits: dict[int, list[int]] = {}
    for i in members:
        for r, _ in uses[i]:
            on = limits.get(r)
            if on is None:
                limits[r] = [i]
            else:
                on.append(i)
    if len(_members_of) >= CACHE_SIZE:
        _members_of.clear()
    _members_of[key] = (uses, limits)
    return limits


_enforced: dict[tuple[int, frozenset[Pool]], tuple[object, list[list[tuple[int, float]]]]] = {}
CACHE_SIZE = 16


def enforced(solver: Solver, active: set[Pool]) -> list[list[tuple[int, float]]]:
    """Per load: the limits enforced on it with ``active`` pools (hard ones, its own
    pool, the active pools); by site shape, since they depend on nothing else."""
    hard = solver.hard
    key = (id(hard), frozenset(active))
    known = _enforced.get(key)
    if known is not None and known[0] is hard and len(known[1]) == len(hard):
        return known[1]
    made = [
        h + [(r, c) for r, c, pool in q if pool is own or pool in active] if q else h
        for h, q, own in zip(hard, solver.pooled, solver.own_pool, strict=True)
    ]
    if len(_enforced) >= CACHE_SIZE:
        _enforced.clear()
    _enforced[key] = (hard, made)
    return made
