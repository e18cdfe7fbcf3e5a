"""What a generic load or a thermal load subentry means to the engine.

Turns the stored data of a ``load`` or ``thermal`` subentry into the engine's
scenario schema (see docs/scenario-format.md): a generic load switched on and
off is a rated-power load (``power_w``); one driven through a setpoint is
``min_w``/``max_w`` with its step (watts, or amps per leg). A thermal load gets
its ``thermal`` block: a hot water tank heats towards its target and may be
boosted to its boost temperature, never past its maximum; a room is heated or
cooled (``cooling``: from the climate entity's HVAC mode, the outdoor
temperature or the season) around its target, pre-heated or pre-cooled by the
boost offset, never past its maximum (heating) or minimum (cooling).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .const import (
    CONF_BOOST_C,
    CONF_CONTROL,
    CONF_HYSTERESIS_C,
    CONF_LIMIT_C,
    CONF_MAX_POWER_W,
    CONF_MIN_C,
    CONF_MIN_POWER_W,
    CONF_POWER_W,
    CONF_SETPOINT_STEP,
    CONF_SETPOINT_UNIT,
    CONF_TARGET_C,
    CONF_THERMAL_KIND,
    CONTROL_SETPOINT,
    DEFAULT_LOAD_MAX_W,
    DEFAULT_ROOM_MIN_C,
    THERMAL_DEFAULTS,
)
from .validation import as_number


def _num(data: Mapping[str, Any], key: str, default: float) -> float:
    value = as_number(data.get(key))
    return default if value is None else value


def rated_w(data: Mapping[str, Any]) -> float:
    """The most a generic or thermal load draws (W, at least 1)."""
    fallback = _num(data, CONF_POWER_W, DEFAULT_LOAD_MAX_W)
    return max(1.0, _num(data, CONF_MAX_POWER_W, fallback))


def generic_load(data: Mapping[str, Any]) -> dict[str, Any]:
    """The engine keys of a generic load's power (``power_w`` or ``min_w``/``max_w``)."""
    max_w = rated_w(data)
    if data.get(CONF_CONTROL) != CONTROL_SETPOINT:
        return {"power_w": max_w}
    keys: dict[str, Any] = {
        "max_w": max_w,
        "min_w": min(max_w, max(0.0, _num(data, CONF_MIN_POWER_W, 0.0))),
    }
    step = max(0.0, _num(data, CONF_SETPOINT_STEP, 0.0))
    if step > 0:
        keys["step_a" if data.get(CONF_SETPOINT_UNIT) == "a" else "step_w"] = step
    return keys


def thermal_block(data: Mapping[str, Any], cooling: bool) -> dict[str, Any]:
    """The ``thermal`` block of a thermal load (temperature filled in by measurements)."""
    kind = data.get(CONF_THERMAL_KIND, "water")
    target_d, hyst_d, boost_d, limit_d = THERMAL_DEFAULTS.get(kind, THERMAL_DEFAULTS["water"])
    target = _num(data, CONF_TARGET_C, target_d)
    hyst = max(0.0, _num(data, CONF_HYSTERESIS_C, hyst_d))
    boost = _num(data, CONF_BOOST_C, boost_d)
    if kind == "room":
        cooling_limit = _num(data, CONF_MIN_C, DEFAULT_ROOM_MIN_C)
        heating_limit = _num(data, CONF_LIMIT_C, limit_d)
        sign = -1.0 if cooling else 1.0
        limit = cooling_limit if cooling else heating_limit
        ceiling = target + sign * abs(boost)  # the boost is an offset for a room
    else:
        cooling = False
        sign = 1.0
        limit = _num(data, CONF_LIMIT_C, limit_d)
        ceiling = boost
    # The band and the boost stay inside the safety limit, whatever was typed.
    edge = limit - sign * hyst
    target = min(target, edge) if sign > 0 else max(target, edge)
    ceiling = min(ceiling, limit) if sign > 0 else max(ceiling, limit)
    ceiling = max(ceiling, target + hyst) if sign > 0 else min(ceiling, target - hyst)
    block: dict[str, Any] = {
        "target_c": target,
        "hysteresis_c": hyst,
        "boost_c": ceiling,
        "limit_c": limit,
        "cooling": cooling,
    }
    if kind == "room":
        block.update(time_constant_h=8.0, rate_c_per_h=2.0, ambient_c=10.0)
    else:
        block.update(time_constant_h=48.0, rate_c_per_h=13.0, ambient_c=20.0)
    return block
