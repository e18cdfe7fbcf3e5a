"""What the controller sees: the true state read through imperfect sensors.

Owns the measurement dictionary in exactly the controller's input format,
Gaussian noise on the grid meter's phase currents, and dropouts: each sensor
(every grid phase, solar, battery, every charger meter) independently goes
unavailable (``None``) with the day's probability per control step, for a
duration drawn from the day's range. All randomness comes from a
``random.Random`` seeded from the day's seed, so a run is reproducible.
"""

from __future__ import annotations

import random
from typing import Any

from .day import Day
from .plant import WANTS_CHARGE, Sample


class Sensors:
    """Reads a :class:`Sample` the way Home Assistant entities would report it."""

    def __init__(self, day: Day) -> None:
        self.day = day
        self._rng = random.Random(f"{day.options.seed}:sensors")
        names = [f"grid:{p}" for p in day.phases] + ["solar"]
        if day.battery is not None:
            names.append("battery")
        names += [f"load:{load.id}" for load in day.scenario.loads]
        self._names = names
        self._down_until: dict[str, float] = dict.fromkeys(names, float("-inf"))
        self.dropped: set[str] = set()

    def _update_dropouts(self, t: float) -> None:
        options = self.day.options
        dropped: set[str] = set()
        for name in self._names:
            if t < self._down_until[name]:
                dropped.add(name)
            elif options.dropout_probability > 0 and (
                self._rng.random() < options.dropout_probability
            ):
                low, high = options.dropout_s
                self._down_until[name] = t + self._rng.uniform(low, high)
                dropped.add(name)
        self.dropped = dropped

    def read(self, sample: Sample) -> dict[str, Any]:
        """The controller's measurements at ``sample.t`` (unavailable values are None)."""
        self._update_dropouts(sample.t)
        noise = self.day.options.noise_std_a
        grid: dict[str, float | None] = {}
        for phase in self.day.phases:
            if f"grid:{phase}" in self.dropped:
                grid[phase] = None
                continue
            value = sample.grid_a[phase]
            if noise > 0:
                value += self._rng.gauss(0.0, noise)
            grid[phase] = round(value, 2)
        site: dict[str, Any] = {
            "grid_current_a": grid,
            "solar_w": None if "solar" in self.dropped else round(sample.solar_w),
        }
        if sample.soc is not None:
            site["battery"] = (
                {"soc": None, "power_w": None}
                if "battery" in self.dropped
                else {"soc": round(sample.soc, 1), "power_w": round(sample.battery_w)}
            )
        loads: dict[str, Any] = {}
        for load in self.day.scenario.loads:
            amps = round(sample.draw_a[load.id], 1)
            dropped = f"load:{load.id}" in self.dropped
            legs = sample.legs[load.id]
            loads[load.id] = {
                "draw_a": [None if dropped else (amps if p in legs else 0.0) for p in load.phases],
                "active": sample.car_state[load.id] == WANTS_CHARGE,
            }
            if load.id in sample.temperature_c:  # a thermal load: always there, and its sensor
                temp = sample.temperature_c[load.id]
                loads[load.id]["active"] = True
                loads[load.id]["temperature_c"] = None if dropped else round(temp, 1)
        return {"site": site, "loads": loads}
