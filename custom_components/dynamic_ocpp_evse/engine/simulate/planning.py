"""Plans in the closed loop: a controller that plans one car's charge by its departure.

``PlanningController`` wraps the real :class:`Controller`. Every ``replan_s`` it
plans (``engine/plan.py``) the car's remaining need (what the car still needs,
from the energy its measured draw delivered so far) by the car's leave time,
from the day's prices and a solar forecast (the day's true solar times an hourly
error, ``options.forecast_error``, seeded), and hands the current slot's planned
minimum to the controller as the load's ``plan_floor_a``. The strategies the
figures compare differ only in what the planner is told:

- ``plan``: prices and the forecast;
- ``cheapest``: prices, no forecast (cheapest slots ignoring solar);
- ``standard`` / ``solar``: no planner, the load in that mode.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..controller import Controller
from ..plan import Plan, PlanRequest, make_plan, slots_between
from .day import CarSpec, Day


def with_mode(day: Day, mode: str, only: str | None = None) -> Day:
    """The same day with every load (or only the load ``only``) in ``mode``."""
    config = copy.deepcopy(day.config)
    for load in config["loads"]:
        if only is None or load.get("id") == only:
            load["mode"] = mode
    return replace(day, config=config)


class PlanningController:
    """The controller plus a planner for one load's car visits."""

    def __init__(self, day: Day, load_id: str, *, forecast: bool, replan_s: float = 60.0) -> None:
        self._day = day
        self._load_id = load_id
        self._forecast = forecast
        self._replan_s = replan_s
        self._config = copy.deepcopy(day.config)
        self._controller = Controller(self._config)
        self._load = next(x for x in day.scenario.loads if x.id == load_id)
        self._delivered_wh = 0.0
        self._last_t: float | None = None
        self._planned_at = -math.inf
        self._floor_a = 0.0
        self.plan: Plan | None = None
        self.planned_a: list[tuple[float, float]] = []
        """(time, planned minimum in A) at every step: the plan to plot against the draw."""
        rng = random.Random(f"{day.options.seed}:forecast")
        self._errors = [rng.gauss(0.0, day.options.forecast_error) for _ in range(49)]

    def _visit(self, now: float) -> CarSpec | None:
        for car in self._day.cars:
            if car.load == self._load_id and car.arrive_s <= now < car.leave_s:
                return car
        return None

    def _surplus_forecast(self, start: float, end: float) -> list[tuple[float, float, float]]:
        """Forecast surplus per 15 minutes: forecast solar minus the mean house load."""
        if not self._forecast:
            return []
        day = self._day
        house_w = sum(series.at(start) for series in day.house_w.values())
        out = []
        t = start
        while t < end:
            error = self._errors[min(48, max(0, int(t // 3600)))]
            solar = day.solar_w.at(t) * max(0.0, 1.0 + error)
            out.append((t, t + 900.0, max(0.0, solar - house_w)))
            t += 900.0
        return out

    def _prices(self, start: float, end: float) -> list[tuple[float, float, float]]:
        prices = self._day.prices
        if prices is None:
            return []
        out = []
        t = start
        while t < end:
            out.append((t, t + 900.0, prices.at(t + 1.0)))
            t += 900.0
        return out

    def step(self, measurements: Mapping[str, Any], now: float) -> Mapping[str, Any]:
        """Count the delivered energy, replan when due, run the controller."""
        load = self._load
        draw = (measurements.get("loads") or {}).get(self._load_id, {}).get("draw_a") or []
        amps = [a for a in draw if isinstance(a, int | float)]
        if self._last_t is not None and amps:
            self._delivered_wh += (
                sum(amps) * self._day.scenario.site.voltage * (now - self._last_t) / 3600
            )
        self._last_t = now
        car = self._visit(now)
        floor = 0.0
        if car is not None:
            if now - self._planned_at >= self._replan_s:
                self._planned_at = now
                voltage = self._day.scenario.site.voltage
                legs = load.leg_count
                grid_start = math.floor(now / 900.0) * 900.0
                slots = slots_between(
                    now,
                    car.leave_s,
                    self._prices(grid_start, car.leave_s),
                    self._surplus_forecast(grid_start, car.leave_s),
                    load.max_a * legs * voltage,
                )
                self.plan = make_plan(
                    PlanRequest(
                        need_wh=car.need_kwh * 1000 - self._delivered_wh,
                        departure_s=car.leave_s,
                        slots=slots,
                        min_w=load.min_a * legs * voltage,
                    )
                )
            if self.plan is not None:
                legs_w = load.leg_count * self._day.scenario.site.voltage
                floor = round(self.plan.grid_w_at(now) / legs_w, 1)
        self.planned_a.append((now, floor))
        if floor != self._floor_a:
            self._floor_a = floor
            for raw in self._config["loads"]:
                if raw["id"] == self._load_id:
                    if floor > 0:
                        raw["plan_floor_a"] = floor
                    else:
                        raw.pop("plan_floor_a", None)
            self._controller.update_config(self._config)
        return self._controller.step(measurements, now)
