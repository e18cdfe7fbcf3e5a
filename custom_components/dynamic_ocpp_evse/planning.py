"""Plans in Home Assistant: each charger's target and progress, and its plan this cycle.

The glue between the user's plan settings (``plan_energy_kwh`` or ``plan_soc``
and ``departure`` in :class:`.settings.LoadSettings`), the hub's price entity,
the house baseline and the pure planner (:mod:`.engine.plan`). Each cycle
:meth:`PlanBook.floors` plans every charger with a target (again when a
15-minute slot starts or an input changes: the target, departure, prices, the
forecast or the charger's limits; within a slot the plan and its floor stay put,
so the controller's configuration does not change every cycle) and answers the
planned minimum of the current slot in amps (the ``plan_floor_a`` of the load's
controller config); after the controller step :meth:`PlanBook.record` adds the
energy each charger drew and :meth:`PlanBook.learn` teaches the baseline the
house draw (grid current minus the managed loads, per phase).

Readings chosen (docs/plans.md, docs/user-guide.md "Plans"): progress and the
target are in :mod:`.plan_progress`; the most a slot may take is the charger's
maximum, lowered to the expected headroom over the house baseline
(:mod:`.engine.plan_limits`: breaker and import limit); the forecast surplus
is the forecast production less the expected house power.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .adapters.base import LoadReading
from .const import (
    CONF_BATTERY_CAPACITY_KWH,
    CONF_IMPORT_LIMIT_ENTITY,
    CONF_MAIN_BREAKER_A,
    CONF_PRICE_ENTITY,
    CONF_SOC_ENTITY,
    DEFAULT_MAIN_BREAKER_A,
    SUBENTRY_CHARGER,
)
from .engine.baseline import Baseline
from .engine.plan import SLOT_S, Plan
from .engine.plan_limits import SiteLimits, plan_load
from .engine.plan_share import CircuitLimit, PlannedUse, circuits_above
from .measurements import numeric_state
from .plan_progress import (
    DEFAULT_EFFICIENCY,
    PlanKey,
    PlanProgress,
    next_occurrence,
    parse_departure,
    plausible_soc,
)
from .prices import from_attributes
from .scenario_config import circuits_of, load_phases, site_phases, voltage
from .settings import Settings

PLAN_STATUSES = ("none", "done", "ok", "infeasible")
DONE_WH = 1.0
"""A target this close is met (the plan ends at once, not at the end of the slot)."""
Intervals = list[tuple[float, float, float]]

__all__ = ["PLAN_STATUSES", "PlanBook", "parse_departure", "soc_form"]


def soc_form(sub: ConfigSubentry) -> tuple[str, float] | None:
    """(SoC entity, battery capacity kWh) of a charger set up for SoC targets."""
    entity_id = sub.data.get(CONF_SOC_ENTITY)
    capacity = sub.data.get(CONF_BATTERY_CAPACITY_KWH)
    if not entity_id or isinstance(capacity, bool) or not isinstance(capacity, int | float):
        return None
    if not math.isfinite(capacity) or capacity <= 0:
        return None
    return str(entity_id), float(capacity)


def _float(value: Any, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


class PlanBook:
    """The plans of one hub: progress per charger, the baseline, the last cycle's plans."""

    def __init__(self) -> None:
        self.progress: dict[str, PlanProgress] = {}
        self.plans: dict[str, Plan] = {}
        self.generations: dict[str, int] = {}
        self.baseline = Baseline()
        self._cache: dict[str, tuple[Any, Plan]] = {}

    def restart(self, load_id: str) -> None:
        """Count a plan afresh (the service set it again, even to the same values)."""
        self.generations[load_id] = self.generations.get(load_id, 0) + 1

    def status(self, load_id: str) -> str:
        """none, done, ok or infeasible."""
        plan = self.plans.get(load_id)
        return "none" if plan is None else plan.status

    def floors(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        settings: Settings,
        now: datetime,
        *,
        prices: Intervals | None = None,
        production_w: Intervals | None = None,
        import_limit_w: float | None = None,
    ) -> dict[str, float]:
        """Plan every charger with a target; the planned minimum now per load (A).

        ``prices`` None: read the hub's price entity; ``production_w``: forecast
        solar production intervals (W; None: no forecast); ``import_limit_w``: the
        value of the import limit entity (when the limit is an entity)."""
        now_s = now.timestamp()
        if prices is None:
            prices = _prices(hass, entry)
        floors: dict[str, float] = {}
        self.plans = {}
        for gone in set(self.progress) - set(settings.loads):  # a charger was removed
            del self.progress[gone]
        planned: list[tuple[float, int, str, ConfigSubentry, PlanProgress, float]] = []
        for order, (load_id, load) in enumerate(settings.loads.items()):
            sub = entry.subentries.get(load_id)
            progress = None
            if sub is not None and sub.subentry_type == SUBENTRY_CHARGER:
                progress = self._progress(
                    hass, sub, load.plan_energy_kwh, load.plan_soc, load.departure, now
                )
            if progress is None:
                self.progress.pop(load_id, None)
                self._cache.pop(load_id, None)
                continue
            need = progress.remaining_wh()
            if now_s >= progress.departure_s or need is None or sub is None:
                continue  # the departure has passed (the plan has ended), or no SoC yet
            planned.append((progress.departure_s, order, load_id, sub, progress, need))
        # The earliest departure plans first; each plan counts only on what the ones
        # before it left (plan_share.py): together they never expect more than the site.
        taken = PlannedUse()
        circuits = circuits_of(entry, settings) if planned else []
        for _, _, load_id, sub, progress, need in sorted(planned, key=lambda p: p[:2]):
            load = settings.loads[load_id]
            legs = load_phases(sub, site_phases(entry.data))
            above = circuits_above(circuits, load_id, legs)
            plan, per_amp_w = self._plan(
                entry,
                settings,
                sub,
                progress,
                need,
                now,
                prices,
                production_w,
                import_limit_w,
                taken,
                above,
            )
            taken.book(plan, legs, voltage(entry.data), [c for c, _ in above])
            self.plans[load_id] = plan
            grid_w = plan.grid_w_at(now_s)
            if load.mode == "off":
                continue
            if not plan.feasible:  # as fast as the limits allow: the controller keeps them
                floors[load_id] = max(0.0, load.max_current_a)
            elif grid_w > 0:
                floors[load_id] = round(grid_w / per_amp_w, 2)
        return floors

    def _plan(
        self,
        entry: ConfigEntry,
        settings: Settings,
        sub: ConfigSubentry,
        progress: PlanProgress,
        need: float,
        now: datetime,
        prices: Intervals,
        production_w: Intervals | None,
        import_limit_w: float | None,
        taken: PlannedUse,
        circuits: list[CircuitLimit],
    ) -> tuple[Plan, float]:
        """The plan of one charger (cached within a slot) and its W per amp; it counts
        only on what the plans before it (``taken``) left."""
        load = settings.loads[sub.subentry_id]
        now_s = now.timestamp()
        volts = voltage(entry.data)
        phases = site_phases(entry.data)
        legs = load_phases(sub, phases)
        per_amp_w = max(1, len(legs)) * volts
        max_w = max(0.0, load.max_current_a) * per_amp_w
        min_w = max(0.0, load.min_current_a) * per_amp_w
        # One plan per slot: re-planned when a slot starts or an input changes (target,
        # departure, prices, forecast, limits) or the target is met (at once: no overshoot),
        # so the floor is steady within a slot.
        key = (
            math.floor(now_s / SLOT_S),
            progress.key,
            need <= DONE_WH,
            tuple(prices),
            tuple(production_w or ()),
            max_w,
            min_w,
            taken.key(),
            tuple((c, tuple(sorted(limit.items()))) for c, limit in circuits),
        )
        cached = self._cache.get(sub.subentry_id)
        if cached is not None and cached[0] == key:
            return cached[1], per_amp_w
        offset = _utc_offset_s(now)
        if entry.data.get(CONF_IMPORT_LIMIT_ENTITY):
            limit = import_limit_w
        else:
            limit = settings.hub.import_limit_w
        breaker = _float(entry.data.get(CONF_MAIN_BREAKER_A), DEFAULT_MAIN_BREAKER_A)
        plan = plan_load(
            self.baseline,
            SiteLimits(breaker, volts, phases, limit, offset),
            taken,
            now_s=now_s,
            departure_s=progress.departure_s,
            need_wh=need,
            load_phases=legs,
            min_w=min_w,
            max_w=max_w,
            prices=prices,
            production_w=production_w,
            circuits=circuits,
        )
        self._cache[sub.subentry_id] = (key, plan)
        return plan, per_amp_w

    def _progress(
        self,
        hass: HomeAssistant,
        sub: ConfigSubentry,
        energy_kwh: float,
        target_soc: float,
        departure: str,
        now: datetime,
    ) -> PlanProgress | None:
        """The charger's progress (afresh when its target changed), its SoC read."""
        load_id = sub.subentry_id
        at = parse_departure(departure)
        form = soc_form(sub)
        by_soc = form is not None and math.isfinite(target_soc) and 0 < target_soc <= 100
        if at is None or not (by_soc or (math.isfinite(energy_kwh) and energy_kwh > 0)):
            return None
        generation = self.generations.get(load_id, 0)
        key: PlanKey = (
            ("soc", float(target_soc), departure, generation)
            if by_soc
            else ("energy", float(energy_kwh), departure, generation)
        )
        progress = self.progress.get(load_id)
        if progress is None or progress.key != key:
            progress = PlanProgress(
                target_wh=0.0 if by_soc else energy_kwh * 1000,
                departure_s=next_occurrence(now, at).timestamp(),
                key=key,
                last_s=now.timestamp(),
                target_soc=float(target_soc) if by_soc else None,
            )
            self.progress[load_id] = progress
        if form is not None and progress.target_soc is not None:
            soc = plausible_soc(numeric_state(hass.states.get(form[0])))
            progress.update_soc(soc, form[1], DEFAULT_EFFICIENCY)
        return progress

    def record(
        self, entry: ConfigEntry, readings: Mapping[str, LoadReading], now: datetime
    ) -> None:
        """Add the energy each planned charger drew since the last cycle."""
        volts = voltage(entry.data)
        for load_id, progress in self.progress.items():
            progress.record(readings.get(load_id), volts, now.timestamp())

    def learn(
        self,
        entry: ConfigEntry,
        grid_a: Mapping[str, float | None],
        managed: Mapping[str, LoadReading],
        now: datetime,
    ) -> None:
        """Teach the baseline the house draw: grid current less the managed loads'."""
        phases = site_phases(entry.data)
        house: dict[str, float] = {}
        for phase in phases:
            grid = grid_a.get(phase)
            if grid is None or not math.isfinite(grid):
                continue
            house[phase] = grid
        for load_id, reading in managed.items():
            sub = entry.subentries.get(load_id)
            if sub is None:
                continue
            legs = load_phases(sub, phases)
            if reading.draw_a is None:
                for leg in legs:  # an unknown draw: the house share on its legs is unknown
                    house.pop(leg, None)
                continue
            for leg, amps in zip(legs, reading.draw_a, strict=False):
                if leg not in house:
                    continue
                if amps is None or not math.isfinite(amps):
                    house.pop(leg)
                else:
                    house[leg] -= max(0.0, amps)
        self.baseline.add(now.timestamp(), house, _utc_offset_s(now))

    def to_dict(self) -> dict[str, Any]:
        """What is kept across a restart (see plan_store.py)."""
        return {
            "progress": {lid: p.to_dict() for lid, p in self.progress.items()},
            "generations": dict(self.generations),
            "baseline": self.baseline.to_dict(),
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Take back what :meth:`to_dict` kept (anything unusable in it is left out)."""
        generations = data.get("generations")
        if isinstance(generations, Mapping):
            self.generations = {
                str(k): v
                for k, v in generations.items()
                if isinstance(v, int) and not isinstance(v, bool) and v >= 0
            }
        progress = data.get("progress")
        if isinstance(progress, Mapping):
            for load_id, raw in progress.items():
                restored = PlanProgress.from_dict(raw)
                if restored is not None:
                    self.progress[str(load_id)] = restored
        self.baseline = Baseline.from_dict(data.get("baseline"))


def _utc_offset_s(now: datetime) -> float:
    offset = dt_util.as_local(now).utcoffset()
    return 0.0 if offset is None else offset.total_seconds()


def _prices(hass: HomeAssistant, entry: ConfigEntry) -> Intervals:
    entity_id = entry.data.get(CONF_PRICE_ENTITY)
    state = hass.states.get(str(entity_id)) if entity_id else None
    if state is None:
        return []
    try:
        return from_attributes(state.attributes)
    except Exception:  # a hostile attribute shape is no price, never a failed cycle
        return []
