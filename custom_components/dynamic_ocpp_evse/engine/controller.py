"""Control over time: what to command, step after step, so the site stays safe.

``allocate`` answers "what is the right split now"; the :class:`Controller`
adds what must hold over time: smoothing that never hides an overload, ramps
and a deadband on increases, immediate decreases, a minimum pause after a
stop, a restart margin, grace for solar/excess loads, battery SOC hysteresis,
a safe fallback on stale inputs and periodic refresh of commands.

Time is an argument (``now``, any monotonic seconds); nothing here reads a clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .allocate import allocate_scenario
from .distribute import floor_tenth
from .headroom import house_current
from .models import Battery, Load, Mode, Scenario
from .scenario import parse_scenario
from .timing import BatteryMemory, LoadMemory, LoadTiming, SiteTiming, load_timings, site_timing

# Reasons that mean "the load's own surplus ceiling", not a hard limit.
CEILING_REASONS = frozenset(
    {"solar_surplus", "no_solar_surplus", "excess_export", "no_excess", "eco_surplus"}
)
SURPLUS_LOSS_REASONS = frozenset(
    {"no_solar_surplus", "no_excess", "solar_surplus", "excess_export", "battery_below_target"}
)
GRACE_MODES = frozenset({Mode.SOLAR, Mode.EXCESS})


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


class Controller:
    """Stateful, deterministic controller around the pure allocation engine."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._memory: dict[str, LoadMemory] = {}
        self._battery = BatteryMemory()
        self._house: dict[str, float] = {}
        self._grid_seen: dict[str, float] = {}
        self._grid_last: dict[str, float] = {}
        self._solar_w: float | None = None
        self._last_now: float | None = None
        self._started = False
        self._config_changed = False
        self.update_config(config)

    # -- configuration ------------------------------------------------------------
    def update_config(self, config: Mapping[str, Any]) -> None:
        """Apply a new configuration (modes, limits, timing) from the next step on."""
        scenario = parse_scenario(config)
        raw_loads = config.get("loads") or []
        self._scenario: Scenario = scenario
        self._site_timing: SiteTiming = site_timing(config["site"])
        self._timing: dict[str, LoadTiming] = load_timings(
            raw_loads, {load.id: load for load in scenario.loads}
        )
        for load in scenario.loads:
            memory = self._memory.setdefault(load.id, LoadMemory())
            key = f"{load.mode}|{load.min_a}|{load.max_a}|{load.priority}"
            if memory.mode_key and memory.mode_key != key:
                memory.pause_until = -math.inf
                memory.grace_until = None
                memory.stopped_for_power = False
            memory.mode_key = key
        for gone in set(self._memory) - {load.id for load in scenario.loads}:
            del self._memory[gone]
        self._config_changed = True

    # -- inputs ----------------------------------------------------------------------
    def _read_inputs(self, measurements: Mapping[str, Any], now: float) -> list[str]:
        """Update remembered inputs; return the phases whose grid reading is stale."""
        site = measurements.get("site") or {}
        grid = site.get("grid_current_a") or {}
        for phase in self._scenario.site.phases:
            value = _num(grid.get(phase)) if isinstance(grid, Mapping) else None
            if value is not None:
                self._grid_last[phase] = value
                self._grid_seen[phase] = now
        solar = _num(site.get("solar_w"))
        if solar is not None:
            self._solar_w = solar
        battery = site.get("battery") or {}
        if isinstance(battery, Mapping):
            soc, power = _num(battery.get("soc")), _num(battery.get("power_w"))
            if soc is not None:
                self._battery.soc = soc
            if power is not None:
                self._battery.power_w = power
        loads = measurements.get("loads") or {}
        for load in self._scenario.loads:
            raw = loads.get(load.id) if isinstance(loads, Mapping) else None
            memory = self._memory[load.id]
            if not isinstance(raw, Mapping):
                continue
            draw = raw.get("draw_a")
            if isinstance(draw, list | tuple) and len(draw) == load.leg_count:
                values = [_num(v) for v in draw]
                if all(v is not None for v in values):
                    memory.draw_a = tuple(max(0.0, v) for v in values if v is not None)
            active = raw.get("active")
            if isinstance(active, bool):
                memory.active = active
        limit = self._site_timing.stale_after_s
        return [
            p
            for p in self._scenario.site.phases
            if p not in self._grid_seen or now - self._grid_seen[p] >= limit
        ]

    def _battery_for_engine(self) -> Battery | None:
        """The battery as the engine should see it, with SOC hysteresis applied."""
        base = self._scenario.site.battery
        if base is None:
            return None
        mem = self._battery
        soc = mem.soc if mem.soc is not None else base.min_soc
        hyst = self._site_timing.soc_hysteresis
        if soc > base.min_soc + hyst:
            mem.above_min = True
        elif soc <= base.min_soc:
            mem.above_min = False
        if soc >= base.target_soc:
            mem.at_target = True
        elif soc < base.target_soc - hyst:
            mem.at_target = False
        min_soc = base.min_soc if mem.above_min else base.min_soc + hyst
        target = max(min_soc, base.target_soc - hyst) if mem.at_target else base.target_soc
        power = mem.power_w if mem.power_w is not None else 0.0
        return replace(base, soc=soc, power_w=power, min_soc=min_soc, target_soc=target)

    def _smoothed_grid(self, loads: tuple[Load, ...], dt: float) -> dict[str, float]:
        """Grid per phase with the house part smoothed: rises at once, falls slowly."""
        site = replace(self._scenario.site, grid_current_a=dict(self._grid_last))
        raw_house = house_current(site, loads)
        tau = self._site_timing.smoothing_s
        alpha = 1.0 if tau <= 0 or self._config_changed else 1.0 - math.exp(-dt / tau)
        for phase, value in raw_house.items():
            old = self._house.get(phase)
            self._house[phase] = (
                value if old is None or value >= old else old + alpha * (value - old)
            )
        grid = {p: self._house[p] for p in raw_house}
        for load in loads:
            for phase, amps in zip(load.phases, load.draw_a, strict=True):
                grid[phase] += amps
        return grid

    # -- the step ----------------------------------------------------------------------
    def step(self, measurements: Mapping[str, Any], now: float) -> dict[str, Any]:
        """Run one control step at time ``now`` (seconds, monotonic)."""
        stale = self._read_inputs(measurements, now)
        dt = 0.0 if self._last_now is None else max(0.0, now - self._last_now)
        self._last_now = now
        result = self._stale_step(now, stale) if stale else self._control_step(now, dt)
        self._started = True
        self._config_changed = False
        return result

    def _measured_loads(self) -> tuple[Load, ...]:
        loads = []
        for load in self._scenario.loads:
            memory = self._memory[load.id]
            draw = memory.draw_a if memory.draw_a is not None else tuple(0.0 for _ in load.phases)
            loads.append(replace(load, draw_a=draw, active=bool(memory.active)))
        return tuple(loads)

    def _control_step(self, now: float, dt: float) -> dict[str, Any]:
        loads = self._measured_loads()
        site = replace(
            self._scenario.site,
            grid_current_a=self._smoothed_grid(loads, dt),
            solar_w=self._solar_w,
            battery=self._battery_for_engine(),
        )
        base = replace(self._scenario, site=site, loads=loads)
        held: set[str] = set()
        graced: set[str] = set()
        restarting = {
            load.id
            for load in loads
            if load.active
            and self._memory[load.id].stopped_for_power
            and now >= self._memory[load.id].pause_until
        }
        for load in loads:
            if load.active and now < self._memory[load.id].pause_until:
                held.add(load.id)
        # Pass 1: restart candidates must fit with a margin.
        first = allocate_scenario(self._variant(base, held, graced, restarting))
        for load in loads:
            memory = self._memory[load.id]
            got = first["loads"][load.id]
            if load.id in restarting and got["current_a"] <= 0:
                held.add(load.id)
            elif self._wants_grace(load, memory, got, now):
                graced.add(load.id)
        final = allocate_scenario(self._variant(base, held, graced, set()))
        return self._commands(loads, final, held, graced, now, dt)

    def _wants_grace(
        self, load: Load, memory: LoadMemory, got: Mapping[str, Any], now: float
    ) -> bool:
        """Whether a running solar/excess load keeps its minimum despite the surplus."""
        if load.mode not in GRACE_MODES or not load.active or memory.commanded_a <= 0:
            memory.grace_until = None
            return False
        if got["current_a"] > 0 or got["reason"] not in SURPLUS_LOSS_REASONS:
            memory.grace_until = None
            return False
        if memory.grace_until is None:
            memory.grace_until = now + self._timing[load.id].grace_s
        return now < memory.grace_until

    def _variant(
        self, base: Scenario, held: set[str], graced: set[str], restarting: set[str]
    ) -> Scenario:
        """The scenario with held loads inactive, graced loads at their minimum as
        standard loads, and restart candidates needing their minimum plus a margin."""
        return replace(
            base, loads=tuple(self._variant_load(x, held, graced, restarting) for x in base.loads)
        )

    def _variant_load(
        self, load: Load, held: set[str], graced: set[str], restarting: set[str]
    ) -> Load:
        if load.id in held:
            return replace(load, active=False)
        if load.id in graced:
            return replace(load, mode=Mode.STANDARD, max_a=load.min_a)
        if load.id in restarting:
            need = load.min_a + self._timing[load.id].restart_margin_a
            if load.binary:
                return replace(load, min_a=need, max_a=need)
            return replace(load, min_a=min(load.max_a, need))
        return load

    def _commands(
        self,
        loads: tuple[Load, ...],
        final: Mapping[str, Any],
        held: set[str],
        graced: set[str],
        now: float,
        dt: float,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for load in loads:
            memory = self._memory[load.id]
            timing = self._timing[load.id]
            got = final["loads"][load.id]
            target = float(got["current_a"])
            reason = str(got["reason"])
            if load.id in held and load.active:
                reason = "paused" if now < memory.pause_until else "restart_margin"
            elif load.id in graced and target > 0:
                reason = "surplus_grace"
            previous = memory.commanded_a
            if previous > 0 and target <= 0 and load.active and load.id not in held:
                memory.pause_until = now + timing.pause_s
                memory.stopped_for_power = True
            if target > 0 or not load.active:
                memory.stopped_for_power = False
            if not load.active:
                memory.pause_until = -math.inf
            limit_a = float(got.get("limit_a", target))
            command = self._shape(load, timing, memory, target, reason, limit_a, dt)
            out[load.id] = self._emit(memory, command, reason, target, got, now)
        site = dict(final["site"])
        site.update({"stale": False, "status": "ok", "stale_phases": []})
        return {"loads": out, "site": site}

    def _shape(
        self,
        load: Load,
        timing: LoadTiming,
        memory: LoadMemory,
        target: float,
        reason: str,
        limit_a: float,
        dt: float,
    ) -> float:
        """Apply ramp and deadband to a target; decreases for limits are immediate."""
        previous = memory.commanded_a
        if target <= 0 or previous <= 0 or load.binary or self._config_changed:
            return target
        if target > previous:
            if target - previous <= timing.deadband_a and reason != "at_max":
                return previous
            ramped = floor_tenth(previous + timing.ramp_up_a_per_s * dt)
            return min(target, max(previous, ramped))
        small = previous - target <= timing.deadband_a
        if reason in CEILING_REASONS and small and previous <= limit_a:
            # A surplus wobble, not a limit: keep the command (no hard limit at risk).
            return previous
        return target

    def _emit(
        self,
        memory: LoadMemory,
        command: float,
        reason: str,
        target: float,
        got: Mapping[str, Any],
        now: float,
    ) -> dict[str, Any]:
        refresh = self._site_timing.refresh_s
        send = (
            not self._started
            or memory.last_sent_a is None
            or command != memory.last_sent_a
            or memory.last_sent_at is None
            or now - memory.last_sent_at >= refresh
        )
        memory.commanded_a = command
        if send:
            memory.last_sent_a = command
            memory.last_sent_at = now
        return {
            "current_a": command,
            "send": send,
            "reason": reason,
            "pause_s": max(0.0, memory.pause_until - now),
            "grace_s": 0.0 if memory.grace_until is None else max(0.0, memory.grace_until - now),
            "target_a": target,
            "available_a": got["available_a"],
        }

    def _stale_step(self, now: float, stale: list[str]) -> dict[str, Any]:
        """Missing grid data: every load falls to a safe value until data returns."""
        out: dict[str, Any] = {}
        for load in self._scenario.loads:
            memory = self._memory[load.id]
            charging = memory.commanded_a > 0 and bool(memory.active)
            safe = load.min_a if charging else 0.0
            out[load.id] = self._emit(memory, safe, "stale_inputs", safe, {"available_a": 0.0}, now)
        site = {
            "stale": True,
            "status": "stale_inputs",
            "stale_phases": stale,
            "phases": list(self._scenario.site.phases),
        }
        return {"loads": out, "site": site}
