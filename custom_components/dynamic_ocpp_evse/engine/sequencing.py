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

from .constraints import skeleton
from .distribute import floor_tenth
from .headroom import site_budget
from .models import Scenario

EPS_A = 1e-6
DRAW_TOLERANCE_A = 0.5
"""A measured draw this far above the command is meter noise, not a pending decrease."""


@dataclass(frozen=True, slots=True)
class Limit:
    """One physical limit on one phase: its members (load positions), what else
    flows there and its rating."""

    members: tuple[int, ...]
    base_a: float
    limit_a: float


def _limits(scenario: Scenario, house_peak_a: Mapping[str, float]) -> tuple[list[Limit], list[int]]:
    """Every breaker, circuit and charger-unit phase of the site (the engine's own
    resources, at their ratings), and the engine's serving order."""
    budget = site_budget(scenario.site, scenario.loads)
    shape = skeleton(scenario, budget)
    limits: list[Limit] = []
    for (what, phase, index), members in zip(shape.capacities, shape.members, strict=True):
        base = 0.0
        if what == "breaker":
            house = budget.house_a[phase]
            base = max(house, house_peak_a.get(phase, house))
            rating = scenario.site.main_breaker_a
        elif what == "circuit":
            rating = scenario.circuits[index].limit_a[phase]
        elif what == "unit":
            rating = scenario.chargers[index].max_a
        else:
            continue  # import allowance and surplus pools are not protective devices
        limits.append(Limit(tuple(i for i, _ in members), base, rating))
    return limits, shape.order


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
    loads = scenario.loads
    before = [commanded_a.get(x.id, 0.0) for x in loads]
    want = [planned_a.get(x.id, 0.0) for x in loads]
    admitted = dict(planned_a)
    raising = {i for i in range(len(loads)) if want[i] > before[i] + EPS_A}
    if not raising:
        return admitted
    worst = [
        max(
            max(load.draw_a, default=0.0) - DRAW_TOLERANCE_A,
            before[i],
            before[i] if i in raising else want[i],
        )
        for i, load in enumerate(loads)
    ]
    limits, order = _limits(scenario, house_peak_a)
    for i in (i for i in order if i in raising):
        load = loads[i]
        room = want[i]
        for limit in limits:
            if i in limit.members:
                others = limit.base_a + sum(worst[j] for j in limit.members if j != i)
                room = min(room, limit.limit_a - others)
        amps = want[i]
        if room < want[i] - EPS_A:
            fits = floor_tenth(max(0.0, room))
            if load.binary or (before[i] <= 0 and fits < load.min_a):
                fits = before[i]
            amps = max(before[i], min(want[i], fits))
        admitted[load.id] = amps
        worst[i] = max(worst[i], amps)
    return admitted
