"""Validators shared by the hub and subentry config flows.

Every function returns an error code (a key of ``config.error`` /
``config_subentries.<type>.error`` in ``strings.json``) or None; the flows put
the code on the field the user has to fix. Allowed ranges live in ``RANGES`` so
the forms' help texts and the checks agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from .const import (
    CONF_BATTERY_CAPACITY_KWH,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_MEMBERS,
    CONF_PARENT,
    CONF_SOC_ENTITY,
    SUBENTRY_CIRCUIT,
)

CURRENT_OR_POWER_UNITS = frozenset({"A", "W", "kW"})
CURRENT_UNITS = frozenset({"A"})
POWER_UNITS = frozenset({"W", "kW"})
PERCENT_UNITS = frozenset({"%"})

ERR_ENTITY_NOT_FOUND = "entity_not_found"
ERR_NOT_NUMERIC = "not_numeric"
ERR_WRONG_UNIT = "wrong_unit"
ERR_OUT_OF_RANGE = "out_of_range"
ERR_MIN_ABOVE_MAX = "min_above_max"
ERR_NAME_EXISTS = "name_exists"
ERR_CIRCUIT_CYCLE = "circuit_cycle"
ERR_CIRCUIT_TWO_PARENTS = "circuit_two_parents"
ERR_NOT_WHOLE = "not_whole_number"
ERR_CAPACITY_REQUIRED = "battery_capacity_required"

# fields stored as int although the number selector returns floats: 3.0 is taken
# as 3, 3.5 is refused with ERR_NOT_WHOLE (never silently cut to 3)
INT_FIELDS = frozenset(
    {
        "priority",
        "connector_id",
        "connector_count",
        "stack_level",
        "profile_validity_s",
        "min_send_interval_s",
        "compliance_cycles",
        "ocpp_server_port",
    }
)

# field -> (lowest, highest) accepted value, inclusive
RANGES: dict[str, tuple[float, float]] = {
    "main_breaker_a": (1, 1000),
    "voltage": (100, 480),
    "import_limit_w": (100, 1_000_000),
    "excess_threshold_w": (0, 1_000_000),
    "update_interval_s": (1, 60),
    # controller timings and margins (hub; pause and grace also per load)
    "margin_a": (0, 10),
    "raise_hold_s": (0, 3600),
    "overload_hold_s": (0, 3600),
    "soc_hysteresis": (0, 20),
    "pause_s": (0, 3600),
    "grace_s": (0, 3600),
    "ocpp_server_port": (1, 65535),
    "battery_min_soc": (0, 100),
    "battery_target_soc": (0, 100),
    "battery_max_charge_w": (0, 1_000_000),
    "battery_max_discharge_w": (0, 1_000_000),
    "inverter_max_w": (100, 1_000_000),
    "inverter_max_w_per_phase": (100, 1_000_000),
    "priority": (1, 99),
    "min_current_a": (1, 80),
    "max_current_a": (1, 80),
    "unit_max_current_a": (1, 250),
    "connector_id": (1, 10),
    "connector_count": (1, 10),
    "stack_level": (1, 100),
    "profile_validity_s": (30, 86_400),
    "min_send_interval_s": (1, 3600),
    "compliance_cycles": (1, 100),
    "power_w": (1, 50_000),
    "min_power_w": (0, 50_000),
    "max_power_w": (1, 50_000),
    "setpoint_step": (0, 10_000),
    "min_on_s": (0, 86_400),
    "min_off_s": (0, 86_400),
    "idle_w": (0, 10_000),
    "idle_s": (0, 86_400),
    "target_c": (-30, 95),
    "hysteresis_c": (0, 20),
    "boost_c": (-30, 95),
    "limit_c": (-30, 99),
    "min_c": (-30, 40),
    "limit_a": (1, 1000),
    "phase_min_interval_s": (60, 86_400),
    "phase_up_delay_s": (0, 3600),
    "phase_down_delay_s": (0, 3600),
    "battery_capacity_kwh": (1, 300),
}

_UNKNOWN = (STATE_UNKNOWN, STATE_UNAVAILABLE)


def entity_error(
    hass: HomeAssistant,
    entity_id: str,
    units: frozenset[str] | None = None,
    *,
    numeric: bool = True,
) -> str | None:
    """Check that an entity exists, reads as a number and has an accepted unit.

    A state that is unknown/unavailable right now is accepted (the device may be
    starting); the unit is then taken from the entity registry when known.
    """
    state = hass.states.get(entity_id)
    reg_entry = er.async_get(hass).async_get(entity_id)
    if state is None and reg_entry is None:
        return ERR_ENTITY_NOT_FOUND
    readable = state is not None and state.state not in _UNKNOWN
    if numeric and readable and state is not None:
        try:
            float(state.state)
        except ValueError:
            return ERR_NOT_NUMERIC
    if units is None:
        return None
    unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) if state is not None else None
    if unit is None and reg_entry is not None:
        unit = reg_entry.unit_of_measurement
    if unit is None and not readable:
        return None  # cannot tell yet; the coordinator reports it at runtime
    return None if unit in units else ERR_WRONG_UNIT


def entity_unit(hass: HomeAssistant, entity_id: str) -> str | None:
    """The unit an entity reports now, or the one its registry entry records."""
    if (state := hass.states.get(entity_id)) is not None:
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        if unit is not None:
            return str(unit)
    reg_entry = er.async_get(hass).async_get(entity_id)
    return reg_entry.unit_of_measurement if reg_entry else None


def check_entities(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    rules: Mapping[str, tuple[frozenset[str] | None, bool]],
    errors: dict[str, str],
) -> None:
    """Run :func:`entity_error` for each present field of ``rules`` (units, numeric)."""
    for key, (units, numeric) in rules.items():
        entity_id = data.get(key)
        if not entity_id or key in errors:
            continue
        if error := entity_error(hass, entity_id, units, numeric=numeric):
            errors[key] = error


def check_soc_form(hass: HomeAssistant, data: Mapping[str, Any], errors: dict[str, str]) -> None:
    """Plans by state of charge: a SoC sensor in % needs the battery capacity."""
    check_entities(hass, data, {CONF_SOC_ENTITY: (PERCENT_UNITS, True)}, errors)
    if data.get(CONF_SOC_ENTITY) and data.get(CONF_BATTERY_CAPACITY_KWH) is None:
        errors.setdefault(CONF_BATTERY_CAPACITY_KWH, ERR_CAPACITY_REQUIRED)


def as_number(value: Any) -> float | None:
    """A finite number from a form value (bool, text, NaN and infinity are not)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def check_ranges(data: Mapping[str, Any], errors: dict[str, str]) -> None:
    """Flag every present numeric field outside its range in ``RANGES``.

    Anything that is not a finite number counts as out of range; a field stored
    as a whole number (``INT_FIELDS``) must be one (``1.0`` is, ``1.5`` is not).
    """
    for key, (low, high) in RANGES.items():
        value = data.get(key)
        if value is None or key in errors:
            continue
        number = as_number(value)
        if number is None or not low <= number <= high:
            errors[key] = ERR_OUT_OF_RANGE
        elif key in INT_FIELDS and not number.is_integer():
            errors[key] = ERR_NOT_WHOLE


def check_min_max(
    data: Mapping[str, Any],
    low_key: str,
    high_key: str,
    errors: dict[str, str],
    error: str = ERR_MIN_ABOVE_MAX,
) -> None:
    """Flag ``low_key`` (with ``error``) when both values are present and low > high."""
    low, high = as_number(data.get(low_key)), as_number(data.get(high_key))
    if low is not None and high is not None and low > high:
        errors.setdefault(low_key, error)


def site_phases(hub_data: Mapping[str, Any]) -> list[str]:
    """The site phases that have a grid sensor, in A/B/C order."""
    keys = {"A": CONF_GRID_SENSOR_A, "B": CONF_GRID_SENSOR_B, "C": CONF_GRID_SENSOR_C}
    return [phase for phase, key in keys.items() if hub_data.get(key)]


def _same_name(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def name_taken(names: Iterable[str], name: str) -> bool:
    """Whether ``name`` equals one of ``names`` (ignoring case and outer spaces)."""
    return any(_same_name(other, name) for other in names)


def subentry_name_taken(entry: ConfigEntry, name: str, own_id: str | None) -> bool:
    """Whether another load or circuit of this hub already uses ``name``."""
    return name_taken((s.title for sid, s in entry.subentries.items() if sid != own_id), name)


NEW_CIRCUIT_ID = "\0new"

_Circuits = dict[str, tuple[str | None, list[str]]]  # id -> (parent, members)


def _contains(circuits: _Circuits) -> dict[str, set[str]]:
    """Circuit -> circuits directly inside it (by members or by their parent)."""
    contains: dict[str, set[str]] = {cid: set() for cid in circuits}
    for cid, (cparent, cmembers) in circuits.items():
        contains[cid].update(m for m in cmembers if m in circuits)
        if cparent in contains:
            contains[cparent].add(cid)
    return contains


def _reaches(contains: dict[str, set[str]], start: str, goal: str) -> bool:
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(contains.get(node, ()))
    return False


def circuit_errors(
    entry: ConfigEntry,
    own_id: str | None,
    parent: str | None,
    members: Iterable[str],
) -> dict[str, str]:
    """Check a circuit's parent and members against the hub's other circuits.

    Rejects a circuit that would contain itself (directly, through its parent
    chain or through member circuits) and a circuit that would end up inside two
    different circuits. The error goes on the field whose change closes the
    loop (the members when both changed). Returns field -> error code.
    """
    me = own_id or NEW_CIRCUIT_ID
    members = [m for m in members if m]
    circuits: _Circuits = {
        sid: (sub.data.get(CONF_PARENT), list(sub.data.get(CONF_MEMBERS, [])))
        for sid, sub in entry.subentries.items()
        if sub.subentry_type == SUBENTRY_CIRCUIT
    }
    old_parent, old_members = circuits.pop(me, (None, []))

    errors: dict[str, str] = {}
    # the new parent with the members as they were
    graph = _contains({**circuits, me: (parent, old_members)})
    if parent is not None and (parent == me or _reaches(graph, me, parent)):
        errors[CONF_PARENT] = ERR_CIRCUIT_CYCLE
    # the new members with the parent as it was, then both changes together
    graph = _contains({**circuits, me: (old_parent, members)})
    both = _contains({**circuits, me: (parent, members)})
    if (
        me in members
        or any(m in graph and (_reaches(graph, m, me) or _reaches(both, m, me)) for m in members)
        or (CONF_PARENT not in errors and parent is not None and _reaches(both, me, parent))
    ):
        errors[CONF_MEMBERS] = ERR_CIRCUIT_CYCLE

    # every circuit may sit inside one circuit only
    circuits[me] = (parent, members)
    holders: dict[str, set[str]] = {}
    for cid, (cparent, cmembers) in circuits.items():
        if cparent is not None:
            holders.setdefault(cid, set()).add(cparent)
        for member in cmembers:
            if member in circuits:
                holders.setdefault(member, set()).add(cid)
    if CONF_PARENT not in errors and len(holders.get(me, set())) > 1:
        errors[CONF_PARENT] = ERR_CIRCUIT_TWO_PARENTS
    if CONF_MEMBERS not in errors and any(
        len(holders.get(m, set())) > 1 for m in members if m in circuits
    ):
        errors[CONF_MEMBERS] = ERR_CIRCUIT_TWO_PARENTS
    return errors
