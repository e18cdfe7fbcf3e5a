"""Admission of raises: a raise goes out only as far as it is safe in the worst case.

The engine splits the power as if every command took effect at once and the
house stayed as it is now. Neither holds. Commands to different chargers
arrive with different delays, so when the split moves current from one load
to another (one stops, the other is raised), the raise may land first and,
for a few seconds, both draw their high current on the same phase or circuit.
And a house load that cycles (an oven, a hob) may be off right now and back
in a minute.

So before a raise is sent, every physical limit it touches (main breaker per
phase, every circuit group, every charger unit) is checked against the worst
case: each other load at the highest of what it draws now, what it was last
told and what it is about to be told; for the breaker, the house at the
highest it was over the last ``raise_hold_s``. A raise is cut to what fits
(never below the load's last command; a start that cannot reach its minimum
waits). Decreases are never touched. Raises are admitted in the engine's
order (tier, then priority), each one counted in before the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .distribute import floor_tenth
from .headroom import house_current
from .models import Scenario

EPS_A = 1e-6
DRAW_TOLERANCE_A = 0.5
"""A measured draw this far above the command is meter noise, not a pending decrease."""


@dataclass(frozen=True, slots=True)
class Limit:
    """One physical limit on one phase: what else flows there and its rating."""

    members: tuple[str, ...]
    base_a: float
    limit_a: float


def _limits(scenario: Scenario, house_peak_a: Mapping[str, float]) -> list[Limit]:
    """Every breaker phase, circuit phase and charger-unit phase of the site."""
    limits: list[Limit] = []
    house = house_current(scenario.site, scenario.loads)
    for phase, amps in house.items():
        members = tuple(x.id for x in scenario.loads if phase in x.phases)
        base = max(amps, house_peak_a.get(phase, amps))
        limits.append(Limit(members, base, scenario.site.main_breaker_a))
    loads = {load.id: load for load in scenario.loads}
    for circuit in scenario.circuits:
        below = [loads[i] for i in scenario.circuit_loads.get(circuit.id, ()) if i in loads]
        for phase, limit in circuit.limit_a.items():
            members = tuple(x.id for x in below if phase in x.phases)
            limits.append(Limit(members, 0.0, limit))
    for unit in scenario.chargers:
        for phase in scenario.site.phases:
            members = tuple(
                x.id for x in scenario.loads if x.charger == unit.id and phase in x.phases
            )
            limits.append(Limit(members, 0.0, unit.max_a))
    return [limit for limit in limits if limit.members]


def admit_raises(
    scenario: Scenario,
    commanded_a: Mapping[str, float],
    planned_a: Mapping[str, float],
    house_peak_a: Mapping[str, float],
) -> dict[str, float]:
    """The commands to send: ``planned_a`` with every raise cut to what is safe.

    ``scenario`` carries the grid reading the engine used, each load's measured
    draw and the limits the controller keeps (margin included);
    ``commanded_a`` is each load's last command, ``house_peak_a`` the highest
    house current per phase of the last ``raise_hold_s``.
    """
    raising = [
        load
        for load in scenario.loads
        if planned_a.get(load.id, 0.0) > commanded_a.get(load.id, 0.0) + EPS_A
    ]
    raising_ids = {load.id for load in raising}
    admitted = dict(planned_a)
    if not raising:
        return admitted
    worst: dict[str, float] = {}
    for load in scenario.loads:
        drawn = max(load.draw_a, default=0.0) - DRAW_TOLERANCE_A
        before = commanded_a.get(load.id, 0.0)
        after = before if load.id in raising_ids else planned_a.get(load.id, 0.0)
        worst[load.id] = max(drawn, before, after)
    limits = _limits(scenario, house_peak_a)
    for load in sorted(raising, key=lambda x: (x.tier, x.priority, x.index)):
        want = planned_a[load.id]
        before = commanded_a.get(load.id, 0.0)
        room = want
        for limit in limits:
            if load.id in limit.members:
                others = limit.base_a + sum(worst[i] for i in limit.members if i != load.id)
                room = min(room, limit.limit_a - others)
        if room < want - EPS_A:
            fits = floor_tenth(max(0.0, room))
            if load.binary or (before <= 0 and fits < load.min_a):
                fits = before
            admitted[load.id] = max(before, min(want, fits))
        worst[load.id] = max(worst[load.id], admitted[load.id])
    return admitted
