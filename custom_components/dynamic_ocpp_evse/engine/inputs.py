"""What the controller knows about the site between steps.

Owns the remembered measurements (last grid value and when it was seen, solar,
battery, each load's draw and state), the house-current smoothing that never
hides a rise, the recent peak of house current per phase (for restart
decisions), and the battery SOC hysteresis.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .headroom import house_from_grid
from .models import Battery, Load, Scenario
from .thermal_state import read_thermal
from .timing import BatteryMemory, LoadMemory, SiteTiming


def number(value: Any) -> float | None:
    """A finite float, or None for anything else (missing, None, text, NaN)."""
    kind = type(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is int:
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


OVERLOAD_SETTLE_S = 5.0
"""After an overload, readings of this many seconds may still lower the held floor."""


class SlidingMax:
    """The highest value of the last ``window`` seconds (amortised O(1) per sample)."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, float]] = deque()
        """(time, value), values strictly decreasing from the oldest."""

    def push(self, t: float, value: float, window: float) -> float:
        """Add a sample at ``t``; return the highest value since ``t - window``."""
        samples = self._samples
        while samples and samples[-1][1] <= value:
            samples.pop()
        samples.append((t, value))
        while samples[0][0] < t - window:
            samples.popleft()
        return samples[0][1]


class InputTracker:
    """Remembers and conditions the controller's inputs."""

    def __init__(self) -> None:
        self.battery = BatteryMemory()
        self.solar_w: float | None = None
        self._grid_seen: dict[str, float] = {}
        self._grid_last: dict[str, float] = {}
        self._house: dict[str, float] = {}
        self._pause_max: dict[str, SlidingMax] = {}
        self._raise_max: dict[str, SlidingMax] = {}
        self._overload_floor: dict[str, tuple[float, float, float]] = {}
        """Per phase: (house floor, time of the overload, hold until)."""
        self.missing_now: list[str] = []
        """Grid phases without a reading in the latest measurements."""
        self.recent_peak: dict[str, float] = {}
        """Per phase: the highest house current of the last ``raise_hold_s``."""

    def read(
        self,
        scenario: Scenario,
        memory: Mapping[str, LoadMemory],
        measurements: Mapping[str, Any],
        now: float,
        stale_after_s: float,
    ) -> list[str]:
        """Take in one set of measurements; return the phases whose grid is stale."""
        site = measurements.get("site") or {}
        grid = site.get("grid_current_a") or {}
        self.missing_now = []
        for phase in scenario.site.phases:
            value = number(grid.get(phase)) if isinstance(grid, Mapping) else None
            if value is not None:
                self._grid_last[phase] = value
                self._grid_seen[phase] = now
            else:
                self.missing_now.append(phase)
        solar = number(site.get("solar_w"))
        if solar is not None:
            self.solar_w = solar
        battery = site.get("battery") or {}
        if isinstance(battery, Mapping):
            soc, power = number(battery.get("soc")), number(battery.get("power_w"))
            if soc is not None:
                self.battery.soc = soc
            if power is not None:
                self.battery.power_w = power
        loads = measurements.get("loads") or {}
        for load in scenario.loads:
            raw = loads.get(load.id) if isinstance(loads, Mapping) else None
            if isinstance(raw, Mapping):
                _read_load(load, memory[load.id], raw, now)
        return [
            p
            for p in scenario.site.phases
            if p not in self._grid_seen or now - self._grid_seen[p] >= stale_after_s
        ]

    def grids(
        self,
        scenario: Scenario,
        loads: tuple[Load, ...],
        now: float,
        dt: float,
        timing: SiteTiming,
        *,
        reset: bool,
        window_s: float,
        breaker_a: float,
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Grid per phase for the engine: (smoothed, worst over the last ``window_s``).

        The house part (grid minus managed draws) rises at once and falls with
        time constant ``smoothing_s`` (rises smaller than half of ``margin_a``
        are smoothed too); the second map uses the highest house
        current seen in the window, so a restart only happens when the minimum
        would have fitted all along.

        While a phase has no fresh reading, its house current is taken as the
        highest of the window. After an overload on a phase (grid above
        ``breaker_a``), the house current seen then is held as a floor for
        ``overload_hold_s``, renewed by every new overload, so a cycling oven
        causes one overload, not one per cycle. :attr:`recent_peak` keeps the
        highest house current of the last ``raise_hold_s`` per phase, against
        which raises are admitted (see :mod:`.sequencing`).
        """
        raw_house = house_from_grid(self._grid_last, loads)
        tau = timing.smoothing_s
        alpha = 1.0 if tau <= 0 or reset else 1.0 - math.exp(-dt / tau)
        # Rises within half the safety margin are meter noise as far as any limit
        # is concerned (the other half of the margin still holds): smoothing them
        # like falls keeps the estimate from riding the top of the noise.
        band = timing.margin_a / 2.0
        for phase, value in raw_house.items():
            old = self._house.get(phase, value)
            jump = value >= old + band and value > old
            self._house[phase] = value if jump else old + alpha * (value - old)
        for phase, value in raw_house.items():
            held = self._overload_floor.get(phase)
            if self._grid_last.get(phase, 0.0) > breaker_a:
                held = (value, now, now + timing.overload_hold_s)
            elif held is not None and now - held[1] <= OVERLOAD_SETTLE_S:
                # Meter and charger readings lag each other by a few seconds: the
                # floor is the lowest house current seen just after the overload.
                held = (min(held[0], value), held[1], held[2])
            if held is not None and now < held[2]:
                self._overload_floor[phase] = held
                self._house[phase] = max(self._house[phase], held[0])
            else:
                self._overload_floor.pop(phase, None)
        peak: dict[str, float] = {}
        for phase, value in raw_house.items():
            peak[phase] = self._pause_max.setdefault(phase, SlidingMax()).push(now, value, window_s)
            self.recent_peak[phase] = self._raise_max.setdefault(phase, SlidingMax()).push(
                now, value, timing.raise_hold_s
            )
        house = dict(self._house)
        for phase in self.missing_now:
            # No fresh reading: assume the worst of the recent past on that phase.
            house[phase] = max(house[phase], peak[phase])
            self.recent_peak[phase] = max(self.recent_peak[phase], peak[phase])
        return _with_draws(house, loads), _with_draws(peak, loads)

    def overload_floors(self, now: float) -> dict[str, dict[str, float]]:
        """Per phase: the house floor held after an overload and the seconds it still holds."""
        return {
            phase: {"house_a": floor, "hold_s": until - now}
            for phase, (floor, _at, until) in self._overload_floor.items()
            if until > now
        }

    def hold_overload_floor(self, phase: str, house_a: float, now: float, hold_s: float) -> None:
        """Hold ``house_a`` as the floor of ``phase`` for ``hold_s`` (restored after a restart)."""
        self._overload_floor[phase] = (house_a, now - OVERLOAD_SETTLE_S - 1.0, now + hold_s)

    def battery_for_engine(self, base: Battery | None, hysteresis: float) -> Battery | None:
        """The battery as the engine should see it, with SOC hysteresis applied.

        "Above min" switches on above min + h and off at min; "at target" on at
        target and off below target - h; spare discharge is offered as surplus
        only from target + h down to target, so solar loads never drain the
        battery below its target.
        """
        if base is None:
            return None
        mem = self.battery
        soc = mem.soc if mem.soc is not None else base.min_soc
        if soc > base.min_soc + hysteresis:
            mem.above_min = True
        elif soc <= base.min_soc:
            mem.above_min = False
        if soc >= base.target_soc:
            mem.at_target = True
        elif soc < base.target_soc - hysteresis:
            mem.at_target = False
        if soc >= base.target_soc + hysteresis:
            mem.spare_ok = True
        elif soc <= base.target_soc:
            mem.spare_ok = False
        min_soc = base.min_soc if mem.above_min else base.min_soc + hysteresis
        target = base.target_soc
        if mem.at_target:
            target = max(min_soc, base.target_soc - hysteresis)
        return replace(
            base,
            soc=soc,
            power_w=mem.power_w if mem.power_w is not None else 0.0,
            min_soc=min_soc,
            target_soc=target,
            spare_to_surplus=mem.spare_ok,
        )


def _read_load(load: Load, memory: LoadMemory, raw: Mapping[str, Any], now: float) -> None:
    draw = raw.get("draw_a")
    if isinstance(draw, list | tuple) and len(draw) == len(load.phases):
        values: list[float] = []
        for value in draw:
            amps = number(value)
            if amps is None:
                break  # one leg unreadable: keep the last complete reading
            values.append(amps if amps > 0.0 else 0.0)
        else:
            memory.draw_a = tuple(values)
            memory.draw_at = now
    active = raw.get("active")
    if isinstance(active, bool):
        memory.active = active
    if load.thermal is not None:
        read_thermal(memory.thermal, raw)


def _with_draws(house: Mapping[str, float], loads: tuple[Load, ...]) -> dict[str, float]:
    grid = dict(house)
    for load in loads:
        for phase, amps in zip(load.phases, load.draw_a, strict=True):
            grid[phase] += amps
    return grid
