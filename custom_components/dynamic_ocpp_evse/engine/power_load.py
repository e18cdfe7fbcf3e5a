"""Loads described in watts (``kind: load``): limits and setpoint steps.

A generic load (a heater with a power regulator, a wallbox driven by another
integration) is configured by its minimum and maximum power and the step its
setpoint moves in (watts, or amps for a current setpoint). The engine works in
amps per leg, so this module turns the watts into amps (over the load's legs)
and keeps every allocation on the setpoint's grid: ``min``, ``min + step``,
``min + 2 step`` ... up to ``max``. Rounding is always down, so a step never
pushes a load past a limit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .fields import ScenarioError, number

EPS_A = 1e-9


def power_limits(
    raw: Mapping[str, Any], field: str, volt_legs: float
) -> tuple[float, float, float]:
    """(min_a, max_a, step_a) of a load given in watts; ``volt_legs`` is V x legs."""
    if "max_w" not in raw:
        raise ScenarioError(f"{field}.max_w", "is required with min_w")
    max_w = number(raw["max_w"], f"{field}.max_w", minimum=0)
    min_w = number(raw.get("min_w", 0), f"{field}.min_w", minimum=0)
    if min_w > max_w:
        raise ScenarioError(f"{field}.min_w", f"min_w {min_w:g} is above max_w {max_w:g}")
    step_a = 0.0
    if raw.get("step_w") is not None:
        step_a = number(raw["step_w"], f"{field}.step_w", minimum=0) / volt_legs
    elif raw.get("step_a") is not None:
        step_a = number(raw["step_a"], f"{field}.step_a", minimum=0)
    max_a = max_w / volt_legs
    if step_a > 0:  # a setpoint's steps start at its minimum, exactly
        return min_w / volt_legs, max_a, step_a
    # Without steps the minimum is rounded up to the 0.1 A grid like any current minimum.
    min_a = math.ceil(round(min_w / volt_legs * 10, 6)) / 10
    if min_a > max_a + EPS_A:
        raise ScenarioError(f"{field}.min_w", "must round to 0.1 A at or below max_w")
    return min(min_a, max_a), max_a, step_a


def on_step(amps: float, min_a: float, max_a: float, step_a: float) -> float:
    """``amps`` rounded down onto the setpoint grid (0 stays 0; below min gives 0)."""
    if amps <= 0 or step_a <= 0:
        return amps
    if amps >= max_a - EPS_A:
        return amps
    if amps < min_a - EPS_A:
        return 0.0
    steps = math.floor((amps - min_a) / step_a + 1e-6)
    return min(max_a, min_a + steps * step_a)
