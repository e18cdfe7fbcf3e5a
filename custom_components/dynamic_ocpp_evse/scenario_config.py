"""Translate a hub entry, its subentries and the user's settings into a controller config.

The result is a scenario in the engine's YAML schema (its measured values are
placeholders; the controller takes measurements separately). Load ids are
subentry ids; circuits come from circuit subentries; charger units from charger
subentries that share a charge point id. A load whose dynamic control is off is
left out: its draw then simply counts as house load.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry

from .const import (
    CONF_BATTERY_MAX_CHARGE_W,
    CONF_BATTERY_MAX_DISCHARGE_W,
    CONF_BATTERY_SOC_ENTITY,
    CONF_CHARGE_POINT_ID,
    CONF_EXCESS_THRESHOLD_MODE,
    CONF_EXCESS_THRESHOLD_W,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_IMPORT_LIMIT_ENTITY,
    CONF_IMPORT_LIMIT_W,
    CONF_INVERTER_ASYMMETRIC,
    CONF_INVERTER_MAX_W,
    CONF_INVERTER_MAX_W_PER_PHASE,
    CONF_LIMIT_A,
    CONF_MEMBERS,
    CONF_PARENT,
    CONF_PHASE_DOWN_DELAY_S,
    CONF_PHASE_MIN_INTERVAL_S,
    CONF_PHASE_SWITCHING,
    CONF_PHASE_UP_DELAY_S,
    CONF_PHASES,
    CONF_POWER_W,
    CONF_TIMING,
    CONF_UNIT_CONCURRENT,
    CONF_UNIT_MAX_A,
    CONF_VOLTAGE,
    DEFAULT_BATTERY_MAX_W,
    DEFAULT_EXCESS_THRESHOLD_W,
    DEFAULT_MAIN_BREAKER_A,
    DEFAULT_VOLTAGE,
    PHASE_MODES,
    SUBENTRY_CHARGER,
    SUBENTRY_CIRCUIT,
    SUBENTRY_LOAD,
    SUBENTRY_PLUG,
    SUBENTRY_THERMAL,
)
from .const import CONF_MAIN_BREAKER_A as CONF_BREAKER
from .engine.timing import LOAD_DEFAULTS, SITE_DEFAULTS
from .load_config import generic_load, thermal_block
from .settings import LOAD_SUBENTRY_TYPES, Settings, configured_max_current

GRID_SENSOR_KEYS: dict[str, str] = {
    "A": CONF_GRID_SENSOR_A,
    "B": CONF_GRID_SENSOR_B,
    "C": CONF_GRID_SENSOR_C,
}


def _num(value: Any, default: float | None = None) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def site_phases(data: Mapping[str, Any]) -> list[str]:
    """Phases present at the site: those with a grid sensor configured (A at least)."""
    phases = [p for p, key in GRID_SENSOR_KEYS.items() if data.get(key)]
    return phases or ["A"]


def voltage(data: Mapping[str, Any]) -> float:
    """The site's nominal voltage per phase."""
    volts = _num(data.get(CONF_VOLTAGE), DEFAULT_VOLTAGE) or DEFAULT_VOLTAGE
    return volts if volts > 0 else DEFAULT_VOLTAGE


def load_phases(sub: ConfigSubentry, phases: list[str]) -> list[str]:
    """The site phases a load is wired to, L1 first, limited to phases that exist."""
    raw = sub.data.get(CONF_PHASES)
    if isinstance(raw, str):
        raw = [raw]
    wanted = [str(p) for p in raw] if isinstance(raw, list | tuple) else []
    chosen = list(dict.fromkeys(p for p in wanted if p in phases))
    if chosen:
        return chosen
    return list(phases) if sub.subentry_type == SUBENTRY_CHARGER else phases[:1]


def has_battery(data: Mapping[str, Any]) -> bool:
    """Whether the hub has a home battery configured."""
    return bool(data.get(CONF_BATTERY_SOC_ENTITY))


def has_fixed_import_limit(data: Mapping[str, Any]) -> bool:
    """Whether the import limit is a fixed number (not an entity)."""
    return (
        not data.get(CONF_IMPORT_LIMIT_ENTITY) and _num(data.get(CONF_IMPORT_LIMIT_W)) is not None
    )


def _site(
    data: Mapping[str, Any], settings: Settings, import_limit_w: float | None
) -> dict[str, Any]:
    phases = site_phases(data)
    site: dict[str, Any] = {
        "voltage": voltage(data),
        "main_breaker_a": _num(data.get(CONF_BREAKER), DEFAULT_MAIN_BREAKER_A),
        "grid_current_a": dict.fromkeys(phases, 0.0),
        "excess_threshold_w": _num(data.get(CONF_EXCESS_THRESHOLD_W), DEFAULT_EXCESS_THRESHOLD_W),
        "excess_threshold_mode": "gate"
        if data.get(CONF_EXCESS_THRESHOLD_MODE) == "gate"
        else "offset",
        "distribution": settings.hub.distribution,
        "allow_grid_charging": settings.hub.allow_grid_charging,
    }
    limit = import_limit_w if data.get(CONF_IMPORT_LIMIT_ENTITY) else settings.hub.import_limit_w
    if limit is not None:
        site["max_import_w"] = max(0.0, limit)
    if has_battery(data):
        min_soc = settings.hub.battery_min_soc
        site["battery"] = {
            "soc": 0.0,
            "power_w": 0.0,
            "min_soc": min_soc,
            "target_soc": max(min_soc, settings.hub.battery_target_soc),
            "max_charge_w": _num(data.get(CONF_BATTERY_MAX_CHARGE_W), DEFAULT_BATTERY_MAX_W),
            "max_discharge_w": _num(data.get(CONF_BATTERY_MAX_DISCHARGE_W), DEFAULT_BATTERY_MAX_W),
        }
    inverter = {
        "max_w": _num(data.get(CONF_INVERTER_MAX_W)),
        "max_w_per_phase": _num(data.get(CONF_INVERTER_MAX_W_PER_PHASE)),
        "asymmetric": bool(data.get(CONF_INVERTER_ASYMMETRIC, False)),
    }
    if inverter["max_w"] is not None or inverter["max_w_per_phase"] is not None:
        site["inverter"] = inverter
    return site


def managed_load_ids(entry: ConfigEntry, settings: Settings) -> list[str]:
    """Ids of the loads the controller manages (dynamic control on), in entry order."""
    return [
        sub_id
        for sub_id, sub in entry.subentries.items()
        if sub.subentry_type in LOAD_SUBENTRY_TYPES
        and (load := settings.get_load(sub_id)) is not None
        and load.dynamic_control
    ]


def _units(entry: ConfigEntry, managed: list[str]) -> dict[str, dict[str, Any]]:
    """Charger units (charge point id -> unit) that have a unit limit configured."""
    units: dict[str, dict[str, Any]] = {}
    for sub_id in managed:
        sub = entry.subentries[sub_id]
        cpid = sub.data.get(CONF_CHARGE_POINT_ID)
        unit_max = _num(sub.data.get(CONF_UNIT_MAX_A))
        if sub.subentry_type != SUBENTRY_CHARGER or not cpid or unit_max is None:
            continue
        unit = units.setdefault(
            str(cpid),
            {"id": str(cpid), "max_a": unit_max, "concurrent": True},
        )
        unit["max_a"] = min(unit["max_a"], unit_max)
        if sub.data.get(CONF_UNIT_CONCURRENT) is False:
            unit["concurrent"] = False
    return units


def _load(
    sub: ConfigSubentry,
    settings: Settings,
    phases: list[str],
    units: Mapping[str, Any],
    cooling: Mapping[str, bool],
) -> dict[str, Any]:
    user = settings.loads[sub.subentry_id]
    load: dict[str, Any] = {
        "id": sub.subentry_id,
        "mode": user.mode,
        "priority": max(0, int(user.priority)),
        "phases": load_phases(sub, phases),
        "active": True,
    }
    if sub.subentry_type == SUBENTRY_PLUG:
        load["kind"] = "plug"
        load["power_w"] = max(1.0, _num(sub.data.get(CONF_POWER_W), 1.0) or 1.0)
    elif sub.subentry_type == SUBENTRY_LOAD:
        load["kind"] = "load"
        load.update(generic_load(sub.data))
    elif sub.subentry_type == SUBENTRY_THERMAL:
        load["kind"] = "thermal"
        load.update(generic_load(sub.data))
        load["thermal"] = thermal_block(sub.data, cooling.get(sub.subentry_id, False))
    else:
        load["kind"] = "evse"
        max_a = max(0.0, user.max_current_a)
        load["max_a"] = max_a
        # What the installation allows: the bound of a believable draw (engine.plausibility).
        load["rated_max_a"] = max(max_a, configured_max_current(sub))
        load["min_a"] = min(max(0.0, user.min_current_a), max_a)
        cpid = sub.data.get(CONF_CHARGE_POINT_ID)
        if cpid and str(cpid) in units:
            load["charger"] = str(cpid)
        switching = phase_switching(sub, load["phases"], user.phase_mode)
        if switching is not None:
            load["phase_switching"] = switching
    return load


def phase_switching(
    sub: ConfigSubentry, phases: list[str], phase_mode: str
) -> dict[str, Any] | None:
    """The engine's ``phase_switching`` block of a charger that can switch (None if not):
    on one phase it uses its L1 leg."""
    method = sub.data.get(CONF_PHASE_SWITCHING, "none")
    if method not in ("ocpp", "entity") or len(phases) != 3:
        return None
    block: dict[str, Any] = {
        "one_phase": phases[0],
        "mode": phase_mode if phase_mode in PHASE_MODES else "auto",
    }
    for conf, key in (
        (CONF_PHASE_MIN_INTERVAL_S, "min_interval_s"),
        (CONF_PHASE_UP_DELAY_S, "up_delay_s"),
        (CONF_PHASE_DOWN_DELAY_S, "down_delay_s"),
    ):
        value = _num(sub.data.get(conf))
        if value is not None and math.isfinite(value) and value >= 0:
            block[key] = value
    return block


def _circuits(entry: ConfigEntry, phases: list[str], managed: list[str]) -> list[dict[str, Any]]:
    circuit_ids = [
        sub_id for sub_id, sub in entry.subentries.items() if sub.subentry_type == SUBENTRY_CIRCUIT
    ]
    known = set(circuit_ids) | set(managed)
    circuits: list[dict[str, Any]] = []
    for sub_id in circuit_ids:
        data = entry.subentries[sub_id].data
        raw_limit = data.get(CONF_LIMIT_A)
        if isinstance(raw_limit, Mapping):
            limit: Any = {
                p: float(v) for p, v in raw_limit.items() if p in phases and _num(v) is not None
            }
        else:
            limit = _num(raw_limit)
        if limit is None or limit == {}:
            continue
        members = [str(m) for m in data.get(CONF_MEMBERS) or [] if str(m) in known and m != sub_id]
        parent = data.get(CONF_PARENT)
        circuits.append(
            {
                "id": sub_id,
                "limit_a": limit,
                "parent": parent if parent in circuit_ids and parent != sub_id else None,
                "members": members,
            }
        )
    return circuits


def circuits_of(entry: ConfigEntry, settings: Settings) -> list[dict[str, Any]]:
    """The hub's circuits as the engine reads them (``id``, ``limit_a``, ``members``,
    ``parent``)."""
    return _circuits(entry, site_phases(entry.data), managed_load_ids(entry, settings))


SITE_TIMING_KEYS = frozenset(SITE_DEFAULTS)
LOAD_TIMING_KEYS = frozenset({*LOAD_DEFAULTS, "restart_margin_a"})


def timing_keys(raw: Any) -> dict[str, float]:
    """The usable controller timing keys of a stored ``timing`` mapping.

    Unknown keys and values that are not finite numbers of 0 or more are left out
    (the controller then uses its default) instead of stopping the controller.
    """
    if not isinstance(raw, Mapping):
        return {}
    usable: dict[str, float] = {}
    for key, value in raw.items():
        number = _num(value)
        known = key in SITE_TIMING_KEYS | LOAD_TIMING_KEYS
        if known and number is not None and math.isfinite(number) and number >= 0:
            usable[str(key)] = number
    return usable


def build_config(
    entry: ConfigEntry,
    settings: Settings,
    import_limit_w: float | None = None,
    timing: Mapping[str, Any] | None = None,
    cooling: Mapping[str, bool] | None = None,
    plan_floors: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The controller configuration for this hub as it is set up now.

    ``cooling`` says, per thermal room, whether it is cooled now (summer) rather
    than heated (read by its adapter from the climate entity or the season).

    ``plan_floors`` holds the planned minimum (A) of the current slot of each load
    with a plan (see planning.py).

    ``import_limit_w`` is the value read from the import limit entity (when the
    limit is an entity). Timing keys come from the hub's ``timing`` (site keys
    such as ``raise_hold_s`` go to the site, load keys such as ``pause_s`` to every
    load), then from a load's own ``timing`` (its ``pause_s``/``grace_s`` replace the
    hub's for that load), then from the ``timing`` argument (tests, benchmarks).
    """
    data = entry.data
    phases = site_phases(data)
    managed = managed_load_ids(entry, settings)
    units = _units(entry, managed)
    site = _site(data, settings, import_limit_w)
    loads = [_load(entry.subentries[i], settings, phases, units, cooling or {}) for i in managed]
    for load in loads:
        floor = (plan_floors or {}).get(load["id"])
        if floor is not None and floor > 0:
            load["plan_floor_a"] = floor  # this slot's planned minimum (planning.py)
    hub_timing = timing_keys(data.get(CONF_TIMING))
    extra = timing_keys(timing)
    for key, value in hub_timing.items():
        if key in SITE_TIMING_KEYS:
            site[key] = value
    for load in loads:
        own = timing_keys(entry.subentries[load["id"]].data.get(CONF_TIMING))
        for key, value in {**hub_timing, **own}.items():
            if key in LOAD_TIMING_KEYS:
                load[key] = value
    for key, value in extra.items():
        for target in [site] if key in SITE_TIMING_KEYS else loads:
            target[key] = value
    return {
        "site": site,
        "chargers": list(units.values()),
        "circuits": _circuits(entry, phases, managed),
        "loads": loads,
    }
