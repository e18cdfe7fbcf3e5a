"""Shaping one command over time: the start ramp, the ramp up and the deadband.

Decreases for a limit are immediate; a start gets at least the load's minimum and
then ramps; a small rise (or, following a surplus, a small fall) within the
deadband keeps the previous command so meter noise does not toggle a charger.
"""

from __future__ import annotations

from .distribute import floor_tenth
from .models import Load
from .timing import LoadTiming

# Reasons that mean "the load's own surplus ceiling", not a hard limit.
CEILING_REASONS = frozenset(
    {"solar_surplus", "no_solar_surplus", "excess_export", "no_excess", "eco_surplus"}
)


def shape_command(
    load: Load,
    timing: LoadTiming,
    previous: float,
    target: float,
    reason: str,
    limit_a: float,
    dt: float,
    config_changed: bool,
) -> float:
    """The command for ``target`` given the ``previous`` one (ramp and deadband)."""
    if target <= 0 or load.binary or config_changed:
        return target
    if previous <= 0:  # a start: at least the minimum, then the ramp
        return min(target, max(load.min_a, floor_tenth(timing.ramp_up_a_per_s * dt)))
    if target > previous:
        # Following a surplus needs finer steps than following a limit.
        band = timing.surplus_deadband_a if reason in CEILING_REASONS else timing.deadband_a
        if target - previous <= band and reason != "at_max":
            return previous
        ramped = floor_tenth(previous + timing.ramp_up_a_per_s * dt)
        return min(target, max(previous, ramped))
    small = previous - target <= timing.deadband_a
    if reason in CEILING_REASONS and small and previous <= limit_a:
        # A surplus wobble, not a limit: keep the command (no hard limit at risk).
        return previous
    return target
