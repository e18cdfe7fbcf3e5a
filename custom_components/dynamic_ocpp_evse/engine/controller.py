"""Control over time: what to command, step after step, so the site stays safe.

``allocate`` answers "what is the right split now"; the :class:`Controller`
adds what must hold over time: smoothing that never hides an overload, ramps
and a deadband on increases, immediate decreases, raises admitted only when
safe in the worst case (``sequencing``), a minimum pause after a stop, a
restart margin, grace for solar/excess loads, battery SOC hysteresis, a safe
fallback on stale inputs and periodic refresh of commands.

Time is an argument (``now``, any monotonic seconds); nothing here reads a clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .allocate import allocate_fixed, allocate_scenario
from .emit import emit
from .inputs import InputTracker
from .models import Load, Mode, Scenario
from .phase_control import PhaseControl
from .plausibility import Bounds, Screened, bounds_for, screen
from .power_load import on_step
from .scenario import parse_scenario
from .sequencing import admit_raises
from .shaping import shape_command
from .snapshot import restore as restore_snapshot
from .snapshot import snapshot as take_snapshot
from .thermal import REST_REASONS
from .thermal_state import in_min_off, in_min_on, learn, thermal_now
from .timing import LoadMemory, LoadTiming, SiteTiming, load_timings, site_timing

SURPLUS_LOSS_REASONS = frozenset(
    {"no_solar_surplus", "no_excess", "solar_surplus", "excess_export", "battery_below_target"}
)
GRACE_MODES = frozenset({Mode.SOLAR, Mode.EXCESS})
NEVER_KEPT_ON = frozenset({"inactive", "off", "safety_limit", "temperature_unknown"})
"""Reasons a minimum on time does not override (the user, a safety limit)."""


class Controller:
    """Stateful, deterministic controller around the pure allocation engine."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._memory: dict[str, LoadMemory] = {}
        self._inputs = InputTracker()
        self._last_now: float | None = None
        self._started = False
        self._config_changed = False
        self._kept: set[str] = set()
        """Loads kept on for their minimum on time in this step."""
        self._phases = PhaseControl()
        self.screened = Screened({})
        """The latest measurements as the gate let them in, and what it refused."""
        self.update_config(config)

    # -- configuration ------------------------------------------------------------
    def update_config(self, config: Mapping[str, Any]) -> None:
        """Apply a new configuration (modes, limits, timing) from the next step on."""
        parsed = parse_scenario(config)
        raw_loads = config.get("loads") or []
        self._site_timing: SiteTiming = site_timing(config["site"])
        scenario = self._with_margin(parsed, self._site_timing.margin_a)
        self._scenario: Scenario = scenario
        self.bounds: Bounds = bounds_for(parsed, raw_loads)
        self._timing: dict[str, LoadTiming] = load_timings(
            raw_loads, {load.id: load for load in scenario.loads}
        )
        for load in scenario.loads:
            memory = self._memory.setdefault(load.id, LoadMemory())
            memory.measured = None
            key = f"{load.mode}|{load.min_a}|{load.max_a}|{load.priority}"
            if memory.mode_key and memory.mode_key != key:
                memory.pause_until = -math.inf
                memory.grace_until = None
                memory.stopped_for_power = False
            memory.mode_key = key
        for gone in set(self._memory) - {load.id for load in scenario.loads}:
            del self._memory[gone]
        self._phases.configure(scenario, raw_loads)
        self._config_changed = True

    def snapshot(self, now: float) -> dict[str, Any]:
        """What must outlive a restart (see :mod:`.snapshot`), at ``now``."""
        return take_snapshot(self._memory, self._inputs, now)

    def restore(self, data: Any, now: float, elapsed_s: float) -> None:
        """Bring back a snapshot taken ``elapsed_s`` seconds ago (before the first step)."""
        restore_snapshot(data, self._memory, self._inputs, now, elapsed_s)

    @staticmethod
    def _with_margin(scenario: Scenario, margin: float) -> Scenario:
        """Keep ``margin`` amps free below the breaker and every circuit limit."""
        if margin <= 0:
            return scenario
        site = replace(
            scenario.site, main_breaker_a=max(0.0, scenario.site.main_breaker_a - margin)
        )
        circuits = tuple(
            replace(c, limit_a={p: max(0.0, a - margin) for p, a in c.limit_a.items()})
            for c in scenario.circuits
        )
        return replace(scenario, site=site, circuits=circuits)

    # -- the step ----------------------------------------------------------------------
    def step(self, measurements: Mapping[str, Any], now: float) -> dict[str, Any]:
        """Run one control step at time ``now`` (seconds, monotonic).

        Every number passes :func:`.plausibility.screen` first: an implausible
        one counts as missing and is named under ``site.implausible``.
        """
        self.screened = screen(measurements, self.bounds)
        stale = self._inputs.read(
            self._scenario,
            self._memory,
            self.screened.measurements,
            now,
            self._site_timing.stale_after_s,
        )
        dt = 0.0 if self._last_now is None else max(0.0, now - self._last_now)
        self._last_now = now
        for load in self._scenario.loads:
            if load.thermal is not None:
                memory = self._memory[load.id]
                share = memory.commanded_a / load.max_a if load.max_a > 0 else 0.0
                learn(load, memory.thermal, share, now)
        result = self._stale_step(now, stale) if stale else self._control_step(now, dt)
        result["site"]["implausible"] = dict(self.screened.rejected)
        self._started = True
        self._config_changed = False
        return result

    def _measured_loads(self, now: float) -> tuple[Load, ...]:
        """Each configured load with its latest draw and state (rebuilt only on change).

        A draw not read for ``stale_after_s`` counts as 0: its current then shows as
        house load, which can only lower the headroom, never raise it.
        """
        loads = []
        stale_before = now - self._site_timing.stale_after_s
        for load in self._scenario.loads:
            memory = self._memory[load.id]
            draw = memory.draw_a
            if draw is None or memory.draw_at is None or memory.draw_at <= stale_before:
                draw = tuple(0.0 for _ in load.phases)
            cached = memory.measured
            if cached is None or cached.draw_a != draw or cached.active != bool(memory.active):
                cached = memory.measured = load.measured(draw, bool(memory.active))
            if load.thermal is not None:
                thermal = thermal_now(load, memory.thermal, memory.commanded_a > 0)
                if thermal != cached.thermal:
                    cached = memory.measured = replace(cached, thermal=thermal)
            loads.append(cached)
        return tuple(loads)

    def _control_step(self, now: float, dt: float) -> dict[str, Any]:
        loads = self._measured_loads(now)
        window = max((t.pause_s for t in self._timing.values()), default=0.0)
        grid, worst_grid = self._inputs.grids(
            self._scenario,
            loads,
            now,
            dt,
            self._site_timing,
            reset=self._config_changed,
            window_s=window,
            breaker_a=self._scenario.site.main_breaker_a + self._site_timing.margin_a,
        )
        site = replace(
            self._scenario.site,
            grid_current_a=grid,
            solar_w=self._inputs.solar_w,
            battery=self._inputs.battery_for_engine(
                self._scenario.site.battery, self._site_timing.soc_hysteresis
            ),
        )
        measured = replace(self._scenario, site=site, loads=loads)
        base = self._phase_step(measured, grid, now)
        held: set[str] = self._phases.switching()
        graced: set[str] = set()
        restarting = {
            load.id
            for load in loads
            if load.active
            and self._memory[load.id].stopped_for_power
            and now >= self._memory[load.id].pause_until
        }
        for load in loads:
            memory = self._memory[load.id]
            if (load.active and now < memory.pause_until) or (
                memory.commanded_a <= 0
                and in_min_off(memory.switch, self._timing[load.id].min_off_s, now)
            ):
                held.add(load.id)
        self._kept = set()
        first = allocate_scenario(self._variant(base, held, graced, set()))
        # A restart must also fit with a margin, against the worst house current of
        # the last pause window (so a cycling hob does not toggle it). Judged only
        # for loads the plain split would start: the others stay off anyway.
        starting = {i for i in restarting if first["loads"][i]["current_a"] > 0}
        if starting:
            worst_site = replace(site, grid_current_a=worst_grid)
            worst = self._phases.fixed(replace(measured, site=worst_site))
            trial = allocate_scenario(self._variant(worst, held, graced, starting))
            denied = {i for i in starting if trial["loads"][i]["current_a"] <= 0}
            if denied:
                held |= denied
                first = allocate_scenario(self._variant(base, held, graced, set()))
        for load in loads:
            got = first["loads"][load.id]
            if self._wants_grace(load, self._memory[load.id], got, now):
                graced.add(load.id)
            elif self._kept_on(load, got, now):
                graced.add(load.id)
                self._kept.add(load.id)
        # Only graced loads change the picture; without them the first split stands.
        final = allocate_scenario(self._variant(base, held, graced, set())) if graced else first
        return self._commands(base, final, held, graced, now, dt)

    def _phase_step(self, measured: Scenario, grid: Mapping[str, float], now: float) -> Scenario:
        """Advance phase switching; the site with every switching load on its count."""
        if not self._phases.active:
            return measured
        breaker = self._scenario.site.main_breaker_a + self._site_timing.margin_a
        overloaded = bool(self._inputs.missing_now) or any(a > breaker for a in grid.values())
        for load in measured.loads:
            self._phases.observe(load.id, load.draw_a, load.active, now)
        draws = {load.id: load.draw_a for load in measured.loads}
        self._phases.step(measured, allocate_fixed, draws, overloaded, now)
        return self._phases.fixed(measured)

    def restore_phases(self, load_id: str, count: int) -> None:
        """The phase count a switching charger was left on (after a restart)."""
        self._phases.restore(load_id, count)

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

    def _kept_on(self, load: Load, got: Mapping[str, Any], now: float) -> bool:
        """Whether a running load stays at its minimum for its minimum on time.

        It is then served as a standard load at its minimum, so a hard limit still
        switches it off; the user (mode, inactive) and a safety limit do too."""
        memory = self._memory[load.id]
        return (
            load.active
            and memory.commanded_a > 0
            and got["current_a"] <= 0
            and got["reason"] not in NEVER_KEPT_ON
            and in_min_on(memory.switch, self._timing[load.id].min_on_s, now)
        )

    def _variant(
        self, base: Scenario, held: set[str], graced: set[str], restarting: set[str]
    ) -> Scenario:
        """The scenario with held loads inactive, graced loads at their minimum as
        standard loads, and restart candidates needing their minimum plus a margin."""
        if not (held or graced or restarting):
            return base
        return replace(
            base, loads=tuple(self._variant_load(x, held, graced, restarting) for x in base.loads)
        )

    def _variant_load(
        self, load: Load, held: set[str], graced: set[str], restarting: set[str]
    ) -> Load:
        if load.id in held:
            return replace(load, active=False)
        if load.id in graced:
            return replace(load, mode=Mode.STANDARD, max_a=load.min_a, thermal=None)
        if load.id in restarting:
            need = load.min_a + self._timing[load.id].restart_margin_a
            if load.binary:
                return replace(load, min_a=need, max_a=need)
            return replace(load, min_a=min(load.max_a, need))
        return load

    def _commands(
        self,
        base: Scenario,
        final: Mapping[str, Any],
        held: set[str],
        graced: set[str],
        now: float,
        dt: float,
    ) -> dict[str, Any]:
        planned: dict[str, tuple[float, str, float]] = {}
        switching = self._phases.switching()
        for load in base.loads:
            memory = self._memory[load.id]
            timing = self._timing[load.id]
            got = final["loads"][load.id]
            target = float(got["current_a"])
            reason = str(got["reason"])
            if load.id in switching and load.active:
                reason = "phase_switch"
            elif load.id in held and load.active:
                reason = "paused" if now < memory.pause_until else "restart_margin"
                if memory.commanded_a <= 0 and in_min_off(memory.switch, timing.min_off_s, now):
                    reason = "min_off_time"
            elif load.id in graced and target > 0:
                reason = "min_on_time" if load.id in self._kept else "surplus_grace"
            previous = memory.commanded_a
            stopped = previous > 0 and target <= 0 and load.active and load.id not in held
            # Neither the user's stop nor a temperature reached is a stop for power.
            if stopped and load.mode is not Mode.OFF and reason not in REST_REASONS:
                memory.pause_until = now + timing.pause_s
                memory.stopped_for_power = True
            if target > 0 or not load.active:
                memory.stopped_for_power = False
            if not load.active:
                memory.pause_until = -math.inf
            limit_a = float(got.get("limit_a", target))
            command = shape_command(
                load, timing, memory.commanded_a, target, reason, limit_a, dt, self._config_changed
            )
            if load.step_a > 0:  # a setpoint moves in steps: round down onto its grid
                command = on_step(command, load.min_a, load.max_a, load.step_a)
            if self._inputs.missing_now and command > memory.commanded_a:
                # A grid reading is missing: no raise on an old value; decreases still go.
                command, reason = memory.commanded_a, "grid_reading_missing"
            planned[load.id] = (command, reason, target)
        commanded = {i: m.commanded_a for i, m in self._memory.items()}
        admitted = admit_raises(
            base,
            commanded,
            {i: p[0] for i, p in planned.items()},
            self._inputs.recent_peak,
        )
        out: dict[str, Any] = {}
        for load in base.loads:
            memory = self._memory[load.id]
            command, reason, target = planned[load.id]
            if admitted[load.id] < command:
                # Not safe yet: a recent house peak or another load still lowering.
                command, reason = admitted[load.id], "raise_held"
            got = final["loads"][load.id]
            out[load.id] = emit(
                memory, command, reason, target, got["available_a"], now, *self._sending()
            )
            out[load.id].update(self._phases.report(load.id))
        site = dict(final["site"])
        site.update({"stale": False, "status": "ok", "stale_phases": []})
        return {"loads": out, "site": site}

    def _sending(self) -> tuple[float, bool]:
        """What :func:`.emit.emit` needs to decide on sending: the refresh interval
        and whether anything was sent before."""
        return self._site_timing.refresh_s, self._started

    def _stale_step(self, now: float, stale: list[str]) -> dict[str, Any]:
        """Missing grid data: every load falls to a safe value until data returns."""
        out: dict[str, Any] = {}
        for load in self._scenario.loads:
            memory = self._memory[load.id]
            charging = memory.commanded_a > 0 and bool(memory.active) and load.mode is not Mode.OFF
            safe = load.min_a if charging else 0.0
            out[load.id] = emit(memory, safe, "stale_inputs", safe, 0.0, now, *self._sending())
            out[load.id].update(self._phases.report(load.id))
        site = {
            "stale": True,
            "status": "stale_inputs",
            "stale_phases": stale,
            "phases": list(self._scenario.site.phases),
        }
        return {"loads": out, "site": site}
