"""Which measured numbers are believable: the one gate every reading passes on its way in.

Owns the physical bounds of the controller's inputs and the screening of one set of
measurements against them. A value that is not a number, not finite, negative where
that is impossible, or beyond a plausible range counts as **missing** (``None``), never
as a value: the controller's rules for missing readings then apply (no raise on an old
value, stale fallback to safe values). Small negative noise where only positive values
make sense (a meter reading -0.2 A, an inverter drawing 30 W at night) reads as 0.

Bounds (see ``docs/controller.md``, "Implausible readings"):

- grid current per phase: within +/- (3 x main breaker + 10 A);
- solar power: -100 W to 2 x the inverter's rating (1 MW without one);
- battery SOC: 0 to 100 %; battery power: +/- (2 x its larger power rating + 1 kW);
- a load's draw per leg: -1 A to 1.25 x its rated maximum + 2 A (the ``rated_max_a``
  of the load in the controller config, else its ``max_a``);
- a thermal load's temperature and ambient: -50 to 150 C;
- an import limit: negative, NaN or not a number is missing; above what the site's
  breakers can carry it is capped there (it cannot allow more anyway).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import Scenario

GRID_BREAKER_FACTOR = 3.0
GRID_MARGIN_A = 10.0
SOLAR_INVERTER_FACTOR = 2.0
SOLAR_MAX_W = 1_000_000.0
SOLAR_STANDBY_W = 100.0
BATTERY_FACTOR = 2.0
BATTERY_MARGIN_W = 1000.0
DRAW_FACTOR = 1.25
DRAW_MARGIN_A = 2.0
DRAW_NOISE_A = 1.0
TEMPERATURE_RANGE_C = (-50.0, 150.0)
"""A thermal load's temperature (or its ambient) outside this range is a broken sensor."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """The plausible range of every input of one site."""

    phases: tuple[str, ...]
    grid_a: float
    """Largest believable grid current per phase (import or export)."""
    solar_w: float
    battery_w: float
    draw_a: dict[str, tuple[int, float]]
    """Load id -> (number of legs, largest believable draw per leg)."""
    capacity_w: float
    """What the site's breakers can carry in total (caps an import limit)."""


@dataclass(slots=True)
class Screened:
    """One set of measurements after the gate."""

    measurements: dict[str, Any]
    """Same shape as the input, rebuilt: every value a finite float, a bool or None."""
    rejected: dict[str, str] = field(default_factory=dict)
    """Input key (``grid.A``, ``solar``, ``battery.soc``, ``battery.power``,
    ``load.<id>``, ``temperature.<id>``, ``ambient.<id>``) -> why its value was not
    believed."""


def _finite(value: Any) -> float | str:
    """The value as a finite float, or why it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "not a number"
    number = float(value)
    return number if math.isfinite(number) else "not a finite number"


def _rated(raw: Mapping[str, Any], default: float) -> float:
    value = raw.get("rated_max_a")
    number = _finite(value)
    return number if isinstance(number, float) and number >= default else default


def bounds_for(scenario: Scenario, raw_loads: Sequence[Any] = ()) -> Bounds:
    """The bounds of a site as configured (the breaker before any safety margin)."""
    site = scenario.site
    raw_by_id = {
        str(raw.get("id")): raw for raw in raw_loads if isinstance(raw, Mapping) and "id" in raw
    }
    draw: dict[str, tuple[int, float]] = {}
    for load in scenario.loads:
        rated = _rated(raw_by_id.get(load.id, {}), load.max_a)
        draw[load.id] = (load.leg_count, DRAW_FACTOR * rated + DRAW_MARGIN_A)
    inverter = site.inverter
    solar = SOLAR_MAX_W
    if inverter is not None:
        ratings = [inverter.max_w or 0.0, (inverter.max_w_per_phase or 0.0) * len(site.phases)]
        if max(ratings) > 0:
            solar = SOLAR_INVERTER_FACTOR * max(ratings)
    battery = BATTERY_MARGIN_W
    if site.battery is not None:
        rating = max(site.battery.max_charge_w, site.battery.max_discharge_w)
        battery = BATTERY_FACTOR * rating + BATTERY_MARGIN_W
    return Bounds(
        phases=site.phases,
        grid_a=GRID_BREAKER_FACTOR * site.main_breaker_a + GRID_MARGIN_A,
        solar_w=solar,
        battery_w=battery,
        draw_a=draw,
        capacity_w=site.main_breaker_a * site.voltage * len(site.phases),
    )


def _check(
    value: Any, low: float, high: float, unit: str, *, noise: float = 0.0
) -> tuple[float | None, str | None]:
    """(usable value or None, why it was rejected or None). ``None`` is simply missing."""
    if value is None:
        return None, None
    number = _finite(value)
    if isinstance(number, str):
        return None, number
    if number < low - noise:
        return None, f"{number:g} {unit} is below {low:g} {unit}"
    if number > high:
        return None, f"{number:g} {unit} is above {high:g} {unit}"
    return max(low, number), None


def _draw(value: Any, legs: int, high: float) -> tuple[list[float | None] | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, list | tuple) or len(value) != legs:
        return None, f"not {legs} currents"
    out: list[float | None] = []
    for leg, amps in enumerate(value, start=1):
        number, why = _check(amps, 0.0, high, "A", noise=DRAW_NOISE_A)
        if why is not None:
            return None, f"L{leg}: {why}"
        out.append(number)
    return out, None


def screen(measurements: Any, bounds: Bounds) -> Screened:
    """Check every number of one set of measurements; never raises."""
    rejected: dict[str, str] = {}
    site_raw = measurements.get("site") if isinstance(measurements, Mapping) else None
    site_in: Mapping[str, Any] = site_raw if isinstance(site_raw, Mapping) else {}

    def keep(key: str, result: tuple[Any, str | None]) -> Any:
        value, why = result
        if why is not None:
            rejected[key] = why
        return value

    grid_raw = site_in.get("grid_current_a")
    grid_in: Mapping[str, Any] = grid_raw if isinstance(grid_raw, Mapping) else {}
    grid = {
        p: keep(f"grid.{p}", _check(grid_in.get(p), -bounds.grid_a, bounds.grid_a, "A"))
        for p in bounds.phases
    }
    solar = keep(
        "solar",
        _check(site_in.get("solar_w"), 0.0, bounds.solar_w, "W", noise=SOLAR_STANDBY_W),
    )
    battery_raw = site_in.get("battery")
    battery_in: Mapping[str, Any] = battery_raw if isinstance(battery_raw, Mapping) else {}
    soc = keep("battery.soc", _check(battery_in.get("soc"), 0.0, 100.0, "%"))
    power = keep(
        "battery.power",
        _check(battery_in.get("power_w"), -bounds.battery_w, bounds.battery_w, "W"),
    )
    loads_raw = measurements.get("loads") if isinstance(measurements, Mapping) else None
    loads_in: Mapping[str, Any] = loads_raw if isinstance(loads_raw, Mapping) else {}
    loads: dict[str, Any] = {}
    for load_id, (legs, high) in bounds.draw_a.items():
        raw = loads_in.get(load_id)
        if not isinstance(raw, Mapping):
            continue
        active = raw.get("active")
        loads[load_id] = {
            "draw_a": keep(f"load.{load_id}", _draw(raw.get("draw_a"), legs, high)),
            "active": active if isinstance(active, bool) else None,
        }
        for key in ("temperature_c", "ambient_c"):  # thermal loads
            if key in raw:
                low, high_c = TEMPERATURE_RANGE_C
                reading = _check(raw[key], low, high_c, "C")
                loads[load_id][key] = keep(f"{key.removesuffix('_c')}.{load_id}", reading)
    clean = {
        "site": {
            "grid_current_a": grid,
            "solar_w": solar,
            "battery": {"soc": soc, "power_w": power},
        },
        "loads": loads,
    }
    return Screened(clean, rejected)


def import_limit(value: Any, bounds: Bounds | None) -> tuple[float | None, str | None]:
    """An import limit (W) as usable: (value or None, why it was rejected or None)."""
    number, why = _check(value, 0.0, math.inf, "W")
    if number is None:
        return None, why
    return (number if bounds is None else min(number, bounds.capacity_w)), None
