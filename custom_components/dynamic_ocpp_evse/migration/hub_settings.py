"""Our hub's settings from an upstream hub entry (pure functions).

Runtime values that upstream kept only in its entities (distribution mode,
battery thresholds, import limit slider, allow grid charging) come from their
last states, passed in by unique id suffix. Upstream's per-load pause and grace
times become our hub's ``timing`` (one value for all loads).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..const import (
    CONF_ALLOW_GRID_CHARGING,
    CONF_BATTERY_MAX_CHARGE_W,
    CONF_BATTERY_MAX_DISCHARGE_W,
    CONF_BATTERY_MIN_SOC,
    CONF_BATTERY_POWER_ENTITY,
    CONF_BATTERY_SOC_ENTITY,
    CONF_BATTERY_TARGET_SOC,
    CONF_DISTRIBUTION,
    CONF_EXCESS_THRESHOLD_W,
    CONF_GRID_INVERT,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_IMPORT_LIMIT_ENTITY,
    CONF_IMPORT_LIMIT_W,
    CONF_INVERTER_ASYMMETRIC,
    CONF_INVERTER_MAX_W,
    CONF_INVERTER_MAX_W_PER_PHASE,
    CONF_MAIN_BREAKER_A,
    CONF_NAME,
    CONF_SOLAR_ENTITY,
    CONF_UPDATE_INTERVAL_S,
    CONF_VOLTAGE,
    DEFAULT_BATTERY_MIN_SOC,
    DEFAULT_BATTERY_TARGET_SOC,
    DEFAULT_DISTRIBUTION,
    DEFAULT_MAIN_BREAKER_A,
    DEFAULT_VOLTAGE,
)
from ..engine.timing import LOAD_DEFAULTS, SITE_DEFAULTS
from .upstream import (
    CHARGER_KEYS,
    NO_EQUIVALENT_HUB,
    UP_DISTRIBUTION,
    Mapped,
    entity_or_none,
    number,
    on_off,
    ranged,
    unlisted,
)

# --- hub -------------------------------------------------------------------------
_HUB_KEYS = (
    "phase_a_current_entity_id",
    "phase_b_current_entity_id",
    "phase_c_current_entity_id",
    "invert_phases",
    "main_breaker_rating",
    "phase_voltage",
    "max_import_power_entity_id",
    "enable_max_import_power",
    "excess_export_threshold",
    "solar_production_entity_id",
    "battery_soc_entity_id",
    "battery_power_entity_id",
    "battery_max_charge_power",
    "battery_max_discharge_power",
    "battery_soc_hysteresis",
    "battery_soc_min",
    "inverter_max_power",
    "inverter_max_power_per_phase",
    "inverter_supports_asymmetric",
    "distribution_mode",
    "site_update_frequency",
    "solar_grace_period",
)


def map_hub(up: Mapping[str, Any], *, minor: int, title: str, last: Mapping[str, str]) -> Mapped:
    """Our hub data from upstream's hub settings and the last states of its entities."""
    dropped: list[str] = []
    data: dict[str, Any] = {CONF_NAME: str(up.get("name") or title)}
    for ours, theirs in (
        (CONF_GRID_SENSOR_A, "phase_a_current_entity_id"),
        (CONF_GRID_SENSOR_B, "phase_b_current_entity_id"),
        (CONF_GRID_SENSOR_C, "phase_c_current_entity_id"),
        (CONF_SOLAR_ENTITY, "solar_production_entity_id"),
        (CONF_BATTERY_SOC_ENTITY, "battery_soc_entity_id"),
        (CONF_BATTERY_POWER_ENTITY, "battery_power_entity_id"),
    ):
        if entity_id := entity_or_none(up.get(theirs)):
            data[ours] = entity_id
    if CONF_GRID_SENSOR_A not in data:
        dropped.append("hub: no grid sensor on phase A (off-grid setups are not supported)")
    data[CONF_GRID_INVERT] = bool(up.get("invert_phases", False))
    breaker = ranged(CONF_MAIN_BREAKER_A, up.get("main_breaker_rating"), None, dropped)
    data[CONF_MAIN_BREAKER_A] = DEFAULT_MAIN_BREAKER_A if breaker is None else breaker
    volts = ranged(CONF_VOLTAGE, up.get("phase_voltage"), None, dropped)
    data[CONF_VOLTAGE] = DEFAULT_VOLTAGE if volts is None else volts
    _map_import_limit(up, minor, last, data, dropped)
    threshold = ranged(CONF_EXCESS_THRESHOLD_W, up.get("excess_export_threshold"), None, dropped)
    if threshold is not None:
        data[CONF_EXCESS_THRESHOLD_W] = threshold
    for ours, theirs in (
        (CONF_BATTERY_MAX_CHARGE_W, "battery_max_charge_power"),
        (CONF_BATTERY_MAX_DISCHARGE_W, "battery_max_discharge_power"),
    ):
        if (watts := ranged(ours, up.get(theirs), None, dropped)) is not None:
            data[ours] = watts
    min_soc = number(last.get("home_battery_soc_min"))
    if min_soc is None:
        min_soc = number(up.get("battery_soc_min"))
    target_soc = number(last.get("home_battery_soc_target"))
    low = DEFAULT_BATTERY_MIN_SOC if min_soc is None else min(max(min_soc, 0.0), 100.0)
    high = DEFAULT_BATTERY_TARGET_SOC if target_soc is None else min(max(target_soc, 0.0), 100.0)
    data[CONF_BATTERY_MIN_SOC], data[CONF_BATTERY_TARGET_SOC] = low, max(low, high)
    for ours, theirs in (
        (CONF_INVERTER_MAX_W, "inverter_max_power"),
        (CONF_INVERTER_MAX_W_PER_PHASE, "inverter_max_power_per_phase"),
    ):
        watts = number(up.get(theirs))
        if watts is not None and watts > 0:
            data[ours] = ranged(ours, watts, None, dropped)
    data[CONF_INVERTER_ASYMMETRIC] = bool(up.get("inverter_supports_asymmetric", False))
    raw_mode = last.get("distribution_mode") or up.get("distribution_mode") or ""
    data[CONF_DISTRIBUTION] = UP_DISTRIBUTION.get(str(raw_mode).lower(), DEFAULT_DISTRIBUTION)
    data[CONF_ALLOW_GRID_CHARGING] = on_off(last.get("allow_grid_charging"), True)
    interval = ranged(CONF_UPDATE_INTERVAL_S, up.get("site_update_frequency"), None, dropped)
    if interval is not None:
        data[CONF_UPDATE_INTERVAL_S] = interval
    buffer = number(last.get("power_buffer"))
    if buffer:
        dropped.append(f"hub: power buffer = {buffer:g} W")
    if last.get("charging_mode"):
        dropped.append(
            f"hub: charging mode {last['charging_mode']} is now the operating mode of each charger"
        )
    dropped = [d if d.startswith("hub") else f"hub: {d}" for d in dropped]
    # an upstream 1.x entry holds its charger too: that becomes a subentry
    known = (*_HUB_KEYS, *(CHARGER_KEYS if "evse_current_import_entity_id" in up else ()))
    dropped += unlisted(up, known, NO_EQUIVALENT_HUB, "hub")
    return Mapped(data=data, dropped=dropped, title=data[CONF_NAME])


def _map_import_limit(
    up: Mapping[str, Any],
    minor: int,
    last: Mapping[str, str],
    data: dict[str, Any],
    dropped: list[str],
) -> None:
    """Entity override first; else upstream's slider (2.0.1 on, on by default)."""
    if entity_id := entity_or_none(up.get("max_import_power_entity_id")):
        data[CONF_IMPORT_LIMIT_ENTITY] = entity_id
        return
    if not up.get("enable_max_import_power", minor >= 2):
        return
    watts = number(last.get("max_import_power"))
    if watts is None:  # the slider's own default: the breaker on every phase
        phases = sum(1 for k in (CONF_GRID_SENSOR_B, CONF_GRID_SENSOR_C) if k in data) + 1
        watts = round(data[CONF_VOLTAGE] * data[CONF_MAIN_BREAKER_A] * phases / 100) * 100
    data[CONF_IMPORT_LIMIT_W] = ranged(CONF_IMPORT_LIMIT_W, watts, None, dropped)


# --- controller timing (upstream: per load; ours: one value per hub) -------------
def hub_timing(hub_up: Mapping[str, Any], dropped: list[str]) -> dict[str, float]:
    """The hub's grace time and SOC hysteresis as our hub's ``timing`` (non-defaults only)."""
    timing: dict[str, float] = {}
    grace = number(hub_up.get("solar_grace_period"))
    if grace is not None:
        seconds = ranged("grace_s", grace * 60, None, dropped)
        if seconds is not None and seconds != LOAD_DEFAULTS["grace_s"]:
            timing["grace_s"] = seconds
    hysteresis = ranged("soc_hysteresis", hub_up.get("battery_soc_hysteresis"), None, dropped)
    if hysteresis is not None and hysteresis != SITE_DEFAULTS["soc_hysteresis"]:
        timing["soc_hysteresis"] = hysteresis
    return timing
