"""Plans in Home Assistant: each charger's target and progress, and its plan this cycle.

The glue between the user's plan settings (``plan_energy_kwh`` and ``departure``
in :class:`.settings.LoadSettings`), the hub's price entity and the pure planner
(:mod:`.engine.plan`). Each cycle :meth:`PlanBook.floors` plans every charger
with a target (again when a 15-minute slot starts or an input changes: the
target, departure, prices or the charger's limits; within a slot the plan and
its floor stay put, so the controller's configuration does not change every
cycle) and answers the planned minimum of the current slot in amps (the
``plan_floor_a`` of the load's controller config); after the controller step
:meth:`PlanBook.record` adds the energy the charger drew.

Readings chosen (docs/user-guide.md, "Plans"):

- progress is the load's measured current integrated over time (legs x voltage),
  counted from the moment the plan was set; it is not kept over a restart of
  Home Assistant (the plan then counts from the restart);
- the departure is the next occurrence of the departure time when the plan was
  set; once it has passed the plan ends (status ``none``) until a target or a
  departure time is set again;
- the most a slot may take is the charger's maximum current on its legs (the
  controller keeps every hard limit when it executes the plan); no solar forecast
  is used (forecast surplus 0), so surplus is whatever the mode takes on top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .adapters.base import LoadReading
from .const import CONF_PRICE_ENTITY, SUBENTRY_CHARGER
from .engine.plan import SLOT_S, Plan, PlanRequest, make_plan, slots_between
from .prices import from_attributes
from .scenario_config import load_phases, site_phases, voltage
from .settings import Settings

PLAN_STATUSES = ("none", "done", "ok", "infeasible")
MAX_GAP_S = 120.0
"""A longer gap between two cycles counts only this long (no reading in between)."""


def parse_departure(value: Any) -> time | None:
    """A departure time from ``HH:MM[:SS]`` (None when it cannot be read)."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def next_occurrence(now: datetime, at: time) -> datetime:
    """The next moment (after ``now``, local time) the clock shows ``at``."""
    local = dt_util.as_local(now)
    moment = local.replace(hour=at.hour, minute=at.minute, second=at.second, microsecond=0)
    return moment if moment > local else moment + timedelta(days=1)


@dataclass(slots=True)
class PlanProgress:
    """One charger's active target and what it drew since the target was set."""

    target_wh: float
    departure_s: float
    key: tuple[float, str, int]
    delivered_wh: float = 0.0
    last_s: float | None = None


class PlanBook:
    """The plans of one hub: progress per charger and the plan of the last cycle."""

    def __init__(self) -> None:
        self.progress: dict[str, PlanProgress] = {}
        self.plans: dict[str, Plan] = {}
        self._restarts: dict[str, int] = {}
        self._cache: dict[str, tuple[Any, Plan]] = {}

    def restart(self, load_id: str) -> None:
        """Count a plan afresh (the service set it again, even to the same values)."""
        self._restarts[load_id] = self._restarts.get(load_id, 0) + 1

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
        prices: list[tuple[float, float, float]] | None = None,
        production_w: list[tuple[float, float, float]] | None = None,
    ) -> dict[str, float]:
        """Plan every charger with a target; the planned minimum now per load (A)."""
        now_s = now.timestamp()
        prices = _prices(hass, entry) if prices is None else prices
        volts = voltage(entry.data)
        phases = site_phases(entry.data)
        floors: dict[str, float] = {}
        self.plans = {}
        for load_id, load in settings.loads.items():
            sub = entry.subentries.get(load_id)
            progress = self._progress(load_id, load.plan_energy_kwh, load.departure, now)
            if sub is None or sub.subentry_type != SUBENTRY_CHARGER or progress is None:
                self.progress.pop(load_id, None)
                self._cache.pop(load_id, None)
                continue
            if now_s >= progress.departure_s:
                continue  # the departure has passed: the plan has ended
            legs = max(1, len(load_phases(sub, phases)))
            max_w = max(0.0, load.max_current_a) * legs * volts
            min_w = max(0.0, load.min_current_a) * legs * volts
            # One plan per slot: re-planned when a slot starts or an input changes
            # (target, departure, prices, limits), so the floor is steady within a slot.
            key = (math.floor(now_s / SLOT_S), progress.key, tuple(prices), max_w, min_w)
            cached = self._cache.get(load_id)
            if cached is not None and cached[0] == key:
                plan = cached[1]
            else:
                need = progress.target_wh - progress.delivered_wh
                slots = slots_between(now_s, progress.departure_s, prices, [], max_w)
                plan = make_plan(PlanRequest(need, progress.departure_s, slots, min_w))
                self._cache[load_id] = (key, plan)
            self.plans[load_id] = plan
            grid_w = plan.grid_w_at(now_s)
            if grid_w > 0 and load.mode != "off":
                floors[load_id] = round(grid_w / (legs * volts), 2)
        return floors

    def _progress(
        self, load_id: str, energy_kwh: float, departure: str, now: datetime
    ) -> PlanProgress | None:
        at = parse_departure(departure)
        if not math.isfinite(energy_kwh) or energy_kwh <= 0 or at is None:
            return None
        key = (energy_kwh, departure, self._restarts.get(load_id, 0))
        known = self.progress.get(load_id)
        if known is not None and known.key == key:
            return known
        fresh = PlanProgress(
            target_wh=energy_kwh * 1000,
            departure_s=next_occurrence(now, at).timestamp(),
            key=key,
            last_s=now.timestamp(),
        )
        self.progress[load_id] = fresh
        return fresh

    def record(self, entry: ConfigEntry, readings: dict[str, LoadReading], now: datetime) -> None:
        """Add the energy each planned charger drew since the last cycle."""
        now_s = now.timestamp()
        volts = voltage(entry.data)
        for load_id, progress in self.progress.items():
            last, progress.last_s = progress.last_s, now_s
            reading = readings.get(load_id)
            if last is None or reading is None or not reading.draw_a:
                continue
            amps = sum(a for a in reading.draw_a if a is not None and math.isfinite(a) and a > 0)
            seconds = min(max(0.0, now_s - last), MAX_GAP_S)
            progress.delivered_wh += amps * volts * seconds / 3600.0


def _prices(hass: HomeAssistant, entry: ConfigEntry) -> list[tuple[float, float, float]]:
    entity_id = entry.data.get(CONF_PRICE_ENTITY)
    state = hass.states.get(str(entity_id)) if entity_id else None
    if state is None:
        return []
    try:
        return from_attributes(state.attributes)
    except Exception:  # a hostile attribute shape is no price, never a failed cycle
        return []


def plan_attributes(plan: Plan | None, progress: PlanProgress | None) -> dict[str, Any]:
    """The plan as a list a dashboard card can plot, and its progress."""
    if plan is None:
        return {}
    return {
        "slots": [
            {
                "start": dt_util.utc_from_timestamp(s.start_s).isoformat(),
                "grid_w": s.grid_w,
                "solar_w": s.solar_w,
                "price": s.price,
            }
            for s in plan.slots
        ],
        "cost": plan.cost,
        "delivered_kwh": None if progress is None else round(progress.delivered_wh / 1000, 3),
        "departure": None
        if progress is None
        else dt_util.utc_from_timestamp(progress.departure_s).isoformat(),
    }
