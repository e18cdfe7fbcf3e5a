"""The result of a solved site: each load's current and why, and the site report.

Owns what ``allocate`` returns once the solver is done: per load the current it
is set to (on its grid: 0.1 A, its setpoint steps, or all-or-nothing), the
reason it has that much (a short machine-readable word naming the binding limit
or its state), ``available_a`` (the most it could take now without taking from
others; for an inactive load, what it would get if it became active) and
``limit_a`` (the most the physical limits alone would let it have); and the
site's per-phase and power figures. Built in one pass over the loads, reading
the solver's per-load lists by position.
"""

from __future__ import annotations

import math
from typing import Any

from .constraints import Pool, Problem
from .distribute import EPS, Solver
from .headroom import SiteBudget
from .models import Scenario
from .power_load import on_step

UNDERSTATED = {"solar_surplus": "no_solar_surplus", "excess_export": "no_excess"}
"""A load at 0 A names the missing surplus rather than the pool that holds it."""


_rounded: dict[float, float] = {}
ROUNDED_SIZE = 4096


def _round(value: float) -> float:
    """``round(value, 3)``, and no "-0.0" in reports. Remembered by value (readings
    on a 0.1 A grid repeat from one call to the next). A value already on the
    0.001 grid (most are: voltages, whole amps and watts) is returned as it is:
    it is the double nearest its 3-decimal value, which is what ``round`` returns."""
    known = _rounded.get(value)
    if known is not None:
        return known
    scaled = value * 1000.0
    if scaled.is_integer() and -1e12 < scaled < 1e12 and scaled / 1000.0 == value:
        made = value + 0.0
    else:
        made = round(value, 3) + 0.0
    if len(_rounded) >= ROUNDED_SIZE:
        _rounded.clear()
    _rounded[value] = made
    return made


def explain_loads(
    scenario: Scenario, solver: Solver, what_if: dict[int, float], resting: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Per load id: ``current_a``, ``reason``, ``available_a`` and ``limit_a``
    (``what_if``: the answer of each inactive load; ``resting``: the reason of each
    thermal load that rests, which overrides the solver's)."""
    problem = solver.p
    static_reason = problem.static_reason
    blocked_by = solver.blocked_by
    x, target, cap, used = solver.x, solver.target, solver.cap, solver.used
    hard, pooled, own_pool, running = solver.hard, solver.pooled, solver.own_pool, solver.running
    unit_of, claimed = solver.unit_of, solver.claimed
    usable, reason_of = solver.usable, solver.reason_of
    max_a, min_a, binary, step_a = solver.max_a, solver.min_a, solver.binary, solver.step_a
    floor = math.floor
    eco, none = Pool.ECO, Pool.NONE
    resources = problem.resources
    out: dict[str, dict[str, Any]] = {}
    for i, load in enumerate(scenario.loads):
        amps = x[i]
        static = static_reason[i]
        if static is not None:
            # Its target is 0 (off, inactive, no solar while the battery charges):
            # no room at all, and the reason is its state.
            reason: str = static
            if not load.active:
                available = what_if[i]
            elif static == "off":
                available = 0.0
            else:
                available = usable(i, amps if amps > 0.0 else 0.0)
            limit = floor((amps if amps > 0.0 else 0.0) * 10 + 1e-6) / 10
        else:
            # solver.rooms(i, settled=True), inline: the room all its limits leave,
            # the binding one, and the room the physical limits alone leave.
            unit = unit_of[i]
            holder = i if unit is None else claimed.get(unit, i)
            if holder != i and x[holder] > 0:
                room, bound, hard_room = 0.0, -2, 0.0
            else:
                best = target[i]
                below = best - EPS
                bound = -1
                for r, c in hard[i]:
                    some = amps + (cap[r] - used[r]) / c
                    if some < below:
                        best, bound, below = some, r, some - EPS
                hard_room = best if best > 0.0 else 0.0
                if pooled[i]:
                    own = own_pool[i]
                    for r, c, pool in pooled[i]:
                        if pool is own or running[pool]:
                            some = amps + (cap[r] - used[r]) / c
                            if pool is eco and own is eco:
                                some = max(min_a[i], some)
                            if some < below:
                                best, bound, below = some, r, some - EPS
                room = best if best > 0.0 else 0.0
            blocked = blocked_by.get(i) if blocked_by else None
            if blocked is not None:  # (an inactive load has a static reason)
                available = 0.0
            elif binary[i] or step_a[i] > 0:
                available = usable(i, amps if amps > room else room)
            else:  # usable(), inline: 0.1 A below, at most its maximum, 0 below its minimum
                available = min(floor((amps if amps > room else room) * 10 + 1e-6) / 10, max_a[i])
                if available < min_a[i] - EPS:
                    available = 0.0
            limit = floor((amps if amps > hard_room else hard_room) * 10 + 1e-6) / 10
            if blocked is not None:
                reason = blocked
            elif amps > 0 and amps > max_a[i] - (0.0 if binary[i] else 0.1) + EPS:
                reason = "at_max"
            elif bound == -1:
                reason = "at_max" if amps > 0 else "below_min"
            elif bound >= 0 and resources[bound].pool is none:
                reason = resources[bound].name  # reason_of(), a physical limit
            else:
                reason = reason_of(i, bound)
                if amps == 0:
                    reason = UNDERSTATED.get(reason, reason)
        # The current on the load's grid (the solver's amps are already on it
        # but for the last bit): its setpoint steps, all-or-nothing or 0.1 A.
        step = step_a[i]
        if step > 0:
            amps = on_step(amps, min_a[i], max_a[i], step)
            available = on_step(available, min_a[i], max_a[i], step)
        elif not binary[i]:
            amps = floor(amps * 10 + 1e-6) / 10
            available = floor(available * 10 + 1e-6) / 10
        out[load.id] = {
            "current_a": amps,
            "reason": resting.get(load.id, reason) if resting else reason,
            "available_a": available,
            "limit_a": limit,
        }
    return out


_legs: dict[int, tuple[object, dict[str, list[int]], list[int]]] = {}
CACHE_SIZE = 16


def _legs_of(scenario: Scenario, problem: Problem) -> tuple[dict[str, list[int]], list[int]]:
    """Per phase the positions of the loads on it, and each load's leg count (by
    site shape: the loads' phases are part of it)."""
    key = id(problem.uses)
    known = _legs.get(key)
    if known is not None and known[0] is problem.uses:
        return known[1], known[2]
    on: dict[str, list[int]] = {p: [] for p in scenario.site.phases}
    for i, load in enumerate(scenario.loads):
        for phase in load.phases:
            on[phase].append(i)
    counts = [len(load.phases) for load in scenario.loads]
    if len(_legs) >= CACHE_SIZE:
        _legs.clear()
    _legs[key] = (problem.uses, on, counts)
    return on, counts


def site_report(
    scenario: Scenario, budget: SiteBudget, problem: Problem, currents: list[float]
) -> dict[str, Any]:
    """The site's figures: house current, headroom, allocation and power per phase."""
    phases = scenario.site.phases
    on, counts = _legs_of(scenario, problem)
    voltage = budget.voltage
    fsum, at = math.fsum, currents.__getitem__
    # fsum: exactly rounded, so the report does not depend on the order of loads
    allocated = {p: fsum(map(at, on[p])) for p in phases}
    total_w = fsum([amps * legs * voltage for amps, legs in zip(currents, counts, strict=True)])
    headroom = budget.breaker_headroom_a
    house = budget.house_a
    imported = budget.import_headroom_w
    return {
        "voltage": voltage,
        "phases": list(phases),
        "house_current_a": {p: _round(house[p]) for p in phases},
        "headroom_a": {p: _round(headroom[p]) for p in phases},
        "allocated_a": {p: _round(allocated[p]) for p in phases},
        "remaining_a": {p: _round(headroom[p] - allocated[p]) for p in phases},
        "overloaded_phases": [p for p in phases if headroom[p] < -EPS],
        "import_headroom_w": None if imported is None else _round(imported),
        "battery_boost_w": _round(budget.battery_boost_w),
        "surplus_w": _round(budget.surplus_w),
        "excess_w": _round(budget.excess_w),
        "export_w": _round(budget.export_w),
        "solar_w": _round(budget.solar_w),
        "allocated_w": _round(total_w),
        "distribution": scenario.site.distribution.value,
    }
