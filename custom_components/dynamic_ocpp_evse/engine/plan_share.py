"""What the plans already made take from the site, slot by slot.

A hub plans its chargers one after the other (the earliest departure first).
Each plan takes, in every 15-minute slot, current on the load's phases (its
planned grid power and the forecast surplus it counts on, as the planner counts
both against a load's room), grid power from the import limit, and the forecast
surplus it counts on. :func:`.plan_limits.headroom_intervals` and
:func:`.plan_limits.surplus_intervals` leave that out for the next plan, so
plans together never count on more than the site has.

Worked example: a 25 A breaker, a house expected at 5 A on every phase, two
three-phase cars whose plans want the same cheap night hour. The first (the
earlier departure) plans 11 kW there (16 A per phase); the second may then
count on (25 - 5 - 16) A x 230 V x 3 = 2,760 W in that hour, not on the
13,800 W the breaker leaves the first: less than its 6 A minimum (4,140 W),
so it plans the dearer hours instead.

Pure: no Home Assistant, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .plan import SLOT_S, Plan


def slot_index(start_s: float) -> int:
    """The 15-minute slot that ``start_s`` falls in."""
    return math.floor(start_s / SLOT_S)


class PlannedUse:
    """Current per phase, grid power and forecast surplus taken per slot so far."""

    def __init__(self) -> None:
        self.amps: dict[tuple[int, str], float] = {}
        self.grid_w: dict[int, float] = {}
        self.solar_w: dict[int, float] = {}

    def book(self, plan: Plan, phases: Sequence[str], volts: float) -> None:
        """Add what ``plan`` takes, the load being wired to ``phases`` at ``volts``."""
        if not phases or not math.isfinite(volts) or volts <= 0:
            return
        per_amp_w = volts * len(phases)
        for slot in plan.slots:
            grid = _positive(slot.grid_w)
            solar = _positive(slot.solar_w)
            if grid <= 0 and solar <= 0:
                continue
            index = slot_index(slot.start_s)
            amps = (grid + solar) / per_amp_w
            for phase in phases:
                self.amps[(index, phase)] = self.amps.get((index, phase), 0.0) + amps
            self.grid_w[index] = self.grid_w.get(index, 0.0) + grid
            self.solar_w[index] = self.solar_w.get(index, 0.0) + solar

    def amps_on(self, index: int, phase: str) -> float:
        """Current taken on ``phase`` in slot ``index`` (A)."""
        return self.amps.get((index, phase), 0.0)

    def key(self) -> tuple[object, ...]:
        """Everything taken, as a value (a plan made after these depends on it)."""
        return (
            tuple(sorted(self.amps.items())),
            tuple(sorted(self.grid_w.items())),
            tuple(sorted(self.solar_w.items())),
        )


def _positive(value: float) -> float:
    return value if math.isfinite(value) and value > 0 else 0.0
