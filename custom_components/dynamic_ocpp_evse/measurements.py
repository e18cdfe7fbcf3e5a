"""Home Assistant states -> the controller's measurements dict.

Grid readings become amps per phase (W/kW converted with the voltage, sign
inverted when configured), solar and battery become W and %, each load's draw
and active flag come from its adapter's ``read()``. A missing, unavailable,
unknown or non-numeric state becomes ``None``; nothing here ever raises.
Whether a number is believable is not judged here but by the controller's gate
(``engine.plausibility``); :func:`as_screened` shows what that gate let in.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State

from .adapters.base import LoadAdapter, LoadReading
from .const import (
    CONF_BATTERY_POWER_ENTITY,
    CONF_BATTERY_SOC_ENTITY,
    CONF_GRID_INVERT,
    CONF_IMPORT_LIMIT_ENTITY,
    CONF_SOLAR_ENTITY,
)
from .scenario_config import GRID_SENSOR_KEYS, site_phases, voltage

_LOGGER = logging.getLogger(__name__)

_POWER_FACTORS = {"w": 1.0, "kw": 1000.0, "mw": 1_000_000.0}
_CURRENT_FACTORS = {"a": 1.0, "ma": 0.001}


def numeric_state(state: State | None) -> float | None:
    """The state as a finite float, or None when it is not a usable number."""
    if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN, ""):
        return None
    try:
        value = float(state.state)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _unit(state: State) -> str:
    return str(state.attributes.get("unit_of_measurement") or "").strip().lower()


def power_w(state: State | None) -> float | None:
    """A power state in W (W, kW or MW; no unit is taken as W)."""
    value = numeric_state(state)
    if value is None or state is None:
        return None
    unit = _unit(state)
    factor = _POWER_FACTORS.get(unit or "w")
    return None if factor is None else value * factor


def current_a(state: State | None, volts: float) -> float | None:
    """A grid reading in A: amps as they are, power divided by the voltage."""
    value = numeric_state(state)
    if value is None or state is None:
        return None
    unit = _unit(state)
    if not unit or unit in _CURRENT_FACTORS:
        return value * _CURRENT_FACTORS.get(unit, 1.0)
    if unit in _POWER_FACTORS:
        return value * _POWER_FACTORS[unit] / volts
    return None


@dataclass(slots=True)
class SiteReading:
    """The hub's own inputs as read this cycle."""

    grid_a: dict[str, float | None]
    solar_w: float | None = None
    battery_soc: float | None = None
    battery_power_w: float | None = None
    import_limit_w: float | None = None
    unavailable: list[str] = field(default_factory=list)


def hub_input_entities(data: Mapping[str, Any]) -> list[str]:
    """Every entity id the hub itself reads (grid, solar, battery, import limit)."""
    keys = [*GRID_SENSOR_KEYS.values(), CONF_SOLAR_ENTITY, CONF_BATTERY_SOC_ENTITY]
    keys += [CONF_BATTERY_POWER_ENTITY, CONF_IMPORT_LIMIT_ENTITY]
    return [str(data[k]) for k in keys if data.get(k)]


def grid_amps(hass: HomeAssistant, data: Mapping[str, Any], entity_id: str) -> float | None:
    """One grid sensor's reading in A with the site's sign convention (+ import)."""
    value = current_a(hass.states.get(entity_id), voltage(data))
    if value is None:
        return None
    return -value if data.get(CONF_GRID_INVERT) else value


def read_site(hass: HomeAssistant, data: Mapping[str, Any]) -> SiteReading:
    """Read the hub's inputs from the state machine."""
    reading = SiteReading(grid_a={})
    for phase in site_phases(data):
        entity_id = data.get(GRID_SENSOR_KEYS[phase])
        value = grid_amps(hass, data, str(entity_id)) if entity_id else None
        reading.grid_a[phase] = value
        if value is None:
            reading.unavailable.append(str(entity_id))

    def optional(key: str, convert: Any) -> float | None:
        entity_id = data.get(key)
        if not entity_id:
            return None
        value: float | None = convert(hass.states.get(entity_id))
        if value is None:
            reading.unavailable.append(str(entity_id))
        return value

    reading.solar_w = optional(CONF_SOLAR_ENTITY, power_w)
    reading.battery_soc = optional(CONF_BATTERY_SOC_ENTITY, numeric_state)
    reading.battery_power_w = optional(CONF_BATTERY_POWER_ENTITY, power_w)
    reading.import_limit_w = optional(CONF_IMPORT_LIMIT_ENTITY, power_w)
    return reading


def read_load(adapter: LoadAdapter) -> LoadReading:
    """An adapter's reading; a failing adapter reads as unknown."""
    try:
        return adapter.read()
    except Exception:  # an adapter bug must not stop the hub
        _LOGGER.exception("Reading %s failed", adapter)
        return LoadReading(draw_a=None, active=None)


def build_measurements(site: SiteReading, loads: Mapping[str, LoadReading]) -> dict[str, Any]:
    """The measurements dict ``Controller.step`` expects."""
    return {
        "site": {
            "grid_current_a": dict(site.grid_a),
            "solar_w": site.solar_w,
            "battery": {"soc": site.battery_soc, "power_w": site.battery_power_w},
        },
        "loads": {load_id: _load_measurement(reading) for load_id, reading in loads.items()},
    }


def _load_measurement(reading: LoadReading) -> dict[str, Any]:
    measured: dict[str, Any] = {
        "draw_a": None if reading.draw_a is None else list(reading.draw_a),
        "active": reading.active,
    }
    if reading.thermal:  # an unknown temperature is sent as None: the load rests
        measured["temperature_c"] = reading.temperature_c
        if reading.ambient_c is not None:
            measured["ambient_c"] = reading.ambient_c
    return measured


def as_screened(
    site: SiteReading, loads: Mapping[str, LoadReading], clean: Mapping[str, Any]
) -> tuple[SiteReading, dict[str, LoadReading]]:
    """The readings as the controller's gate let them in (what the entities show).

    ``clean`` is ``Screened.measurements``: a value it refused is None there. Loads
    the controller does not manage keep their reading, minus any non-finite leg.
    """
    clean_site = clean.get("site") or {}
    grid = clean_site.get("grid_current_a") or {}
    battery = clean_site.get("battery") or {}
    shown = replace(
        site,
        grid_a={p: grid.get(p) for p in site.grid_a},
        solar_w=clean_site.get("solar_w"),
        battery_soc=battery.get("soc"),
        battery_power_w=battery.get("power_w"),
    )
    clean_loads = clean.get("loads") or {}
    readings: dict[str, LoadReading] = {}
    for load_id, reading in loads.items():
        if load_id in clean_loads:
            draw = clean_loads[load_id].get("draw_a")
        elif reading.draw_a is not None and all(
            a is None or math.isfinite(a) for a in reading.draw_a
        ):
            draw = reading.draw_a
        else:
            draw = None
        temperature = reading.temperature_c
        if load_id in clean_loads and "temperature_c" in clean_loads[load_id]:
            temperature = clean_loads[load_id]["temperature_c"]
        readings[load_id] = replace(reading, draw_a=draw, temperature_c=temperature)
    return shown, readings
