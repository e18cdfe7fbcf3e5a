"""Charger, plug and circuit subentries from upstream child entries (pure functions).

A charger goes through the ``ocpp`` integration (upstream's only backend); its
operating mode comes from the last state of upstream's mode select (2.0.1 on)
or from the hub's charging mode (2.0), both passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..const import (
    BACKEND_OCPP_INTEGRATION,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_COUNT,
    CONF_CONNECTOR_ID,
    CONF_CURRENT_ENTITY,
    CONF_LIMIT_A,
    CONF_MAX_CURRENT_A,
    CONF_MEMBERS,
    CONF_MIN_CURRENT_A,
    CONF_MIN_SEND_INTERVAL_S,
    CONF_MODE,
    CONF_NAME,
    CONF_OFFERED_ENTITY,
    CONF_PARENT,
    CONF_PHASES,
    CONF_POWER_ENTITY,
    CONF_POWER_W,
    CONF_PRIORITY,
    CONF_PROFILE_VALIDITY_S,
    CONF_RATE_UNIT,
    CONF_STACK_LEVEL,
    CONF_STATUS_ENTITY,
    CONF_SWITCH_ENTITY,
    CONF_UNIT_CONCURRENT,
    CONF_UNIT_MAX_A,
    CONF_VALIDITY,
    DEFAULT_MAX_CURRENT_A,
    DEFAULT_MIN_CURRENT_A,
    DEFAULT_MODE_CHARGER,
    DEFAULT_MODE_PLUG,
    DEFAULT_PLUG_POWER_W,
    LOAD_MODES_CHARGER,
    LOAD_MODES_PLUG,
    RATE_UNITS,
)
from ..engine.timing import LOAD_DEFAULTS
from .upstream import (
    CHARGER_KEYS,
    NO_EQUIVALENT_CHARGER,
    NO_EQUIVALENT_PLUG,
    UP_ENTITY_ID,
    Mapped,
    entity_or_none,
    load_mode,
    number,
    ranged,
    unlisted,
)


def load_timing(
    up: Mapping[str, Any], *, minor: int, hub: Mapping[str, float], dropped: list[str]
) -> dict[str, float]:
    """A load's own pause and grace (``timing``) where they differ from the hub's."""
    label = f"{up.get('name') or 'load'}"
    notes: list[str] = []
    pause = number(up.get("charge_pause_duration"))  # minutes from 2.0.1 on, seconds before
    grace = number(up.get("solar_grace_period"))  # minutes
    timing: dict[str, float] = {}
    for key, value in (
        ("pause_s", None if pause is None else pause if minor < 2 else pause * 60),
        ("grace_s", None if grace is None else grace * 60),
    ):
        seconds = ranged(key, value, None, notes)
        if seconds is not None and seconds != hub.get(key, LOAD_DEFAULTS[key]):
            timing[key] = seconds
    dropped += [f"{label}: {note}" for note in notes]
    return timing


# --- loads ---------------------------------------------------------------------


def _rate_unit(up: Mapping[str, Any], unit_of: Callable[[str], str | None]) -> str:
    """Our spelling of A or W; upstream's "auto" follows the offered entity's unit."""
    amps, watts = RATE_UNITS
    raw = str(up.get("charge_rate_unit") or "auto").strip().lower()
    if raw == "auto":
        offered = entity_or_none(up.get("evse_current_offered_entity_id")) or entity_or_none(
            up.get("evse_power_offered_entity_id")
        )
        raw = "w" if offered and unit_of(offered) in ("W", "kW") else "a"
    return watts if raw == "w" else amps


def map_charger(
    up: Mapping[str, Any],
    *,
    phases: list[str],
    last: Mapping[str, str],
    hub_mode: str | None,
    known_entity: Callable[[str], bool],
    unit_of: Callable[[str], str | None],
) -> Mapped | None:
    """A charger subentry through the ``ocpp`` integration; None when it has no device id."""
    name = str(up.get("name") or up.get(UP_ENTITY_ID) or "Charger")
    cpid = up.get("ocpp_device_id") or up.get("charger_id")
    if not isinstance(cpid, str) or not cpid or any(c in cpid for c in "/ \t#?"):
        return None
    dropped: list[str] = []
    label = f"charger {name}"
    data: dict[str, Any] = {
        CONF_NAME: name,
        CONF_BACKEND: BACKEND_OCPP_INTEGRATION,
        CONF_CHARGE_POINT_ID: cpid,
        CONF_CONNECTOR_ID: 1,
        CONF_CONNECTOR_COUNT: 1,
    }
    current = entity_or_none(up.get("evse_current_import_entity_id"))
    if current and known_entity(current):
        data[CONF_CURRENT_ENTITY] = current
        status = current.removesuffix("_current_import") + "_status_connector"
        if current.endswith("_current_import") and known_entity(status):
            data[CONF_STATUS_ENTITY] = status
    for theirs in ("evse_current_offered_entity_id", "evse_power_offered_entity_id"):
        offered = entity_or_none(up.get(theirs))
        if offered and known_entity(offered):
            data[CONF_OFFERED_ENTITY] = offered
            break
    wiring = [up.get(f"charger_l{n}_phase") for n in (1, 2, 3)]
    legs = list(dict.fromkeys(p for p in wiring if p in phases))
    data[CONF_PHASES] = legs or list(phases)
    low = ranged(CONF_MIN_CURRENT_A, up.get("evse_minimum_charge_current"), None, dropped)
    high = ranged(CONF_MAX_CURRENT_A, up.get("evse_maximum_charge_current"), None, dropped)
    high = DEFAULT_MAX_CURRENT_A if high is None else high
    low = min(DEFAULT_MIN_CURRENT_A if low is None else low, high)
    data.update(
        {
            CONF_MIN_CURRENT_A: low,
            CONF_MAX_CURRENT_A: high,
            CONF_UNIT_MAX_A: high,
            CONF_UNIT_CONCURRENT: True,
        }
    )
    priority = ranged(CONF_PRIORITY, up.get("charger_priority"), 1.0, dropped)
    data[CONF_PRIORITY] = int(priority or 1)
    raw_mode = last.get("operating_mode") or up.get("operating_mode") or hub_mode
    data[CONF_MODE] = load_mode(raw_mode, LOAD_MODES_CHARGER, DEFAULT_MODE_CHARGER)
    data[CONF_RATE_UNIT] = _rate_unit(up, unit_of)
    if (validity := up.get("profile_validity_mode")) in ("absolute", "relative"):
        data[CONF_VALIDITY] = validity
    for ours, theirs in (
        (CONF_PROFILE_VALIDITY_S, "ocpp_profile_timeout"),
        (CONF_MIN_SEND_INTERVAL_S, "update_frequency"),
    ):
        if (seconds := ranged(ours, up.get(theirs), None, dropped)) is not None:
            data[ours] = seconds
    stack = ranged(CONF_STACK_LEVEL, up.get("stack_level"), None, dropped)
    if stack is not None:
        data[CONF_STACK_LEVEL] = int(stack)
    if last.get("dynamic_control") == "off":
        dropped.append(f"{label}: dynamic control was off; it starts on")
    dropped = [d if d.startswith(label) else f"{label}: {d}" for d in dropped]
    dropped += unlisted(up, CHARGER_KEYS, NO_EQUIVALENT_CHARGER, label)
    return Mapped(data=data, dropped=dropped, title=name)


_PLUG_KEYS = (
    "plug_switch_entity_id",
    "plug_power_rating",
    "plug_power_monitor_entity_id",
    "connected_to_phase",
    "charger_priority",
    "charge_pause_duration",
    "solar_grace_period",
    "operating_mode",
)


def map_plug(
    up: Mapping[str, Any], *, phases: list[str], last: Mapping[str, str], hub_mode: str | None
) -> Mapped | None:
    """A plug subentry; None when it has no switch entity."""
    name = str(up.get("name") or up.get(UP_ENTITY_ID) or "Smart load")
    switch = entity_or_none(up.get("plug_switch_entity_id"))
    if switch is None:
        return None
    label = f"plug {name}"
    dropped: list[str] = []
    data: dict[str, Any] = {CONF_NAME: name, CONF_SWITCH_ENTITY: switch}
    power = ranged(CONF_POWER_W, up.get("plug_power_rating"), None, dropped)
    data[CONF_POWER_W] = DEFAULT_PLUG_POWER_W if power is None else power
    wired = [p for p in str(up.get("connected_to_phase") or "") if p in phases]
    data[CONF_PHASES] = list(dict.fromkeys(wired)) or phases[:1]
    if monitor := entity_or_none(up.get("plug_power_monitor_entity_id")):
        data[CONF_POWER_ENTITY] = monitor
    priority = ranged(CONF_PRIORITY, up.get("charger_priority"), 1.0, dropped)
    data[CONF_PRIORITY] = int(priority or 1)
    raw_mode = last.get("operating_mode") or up.get("operating_mode") or hub_mode
    data[CONF_MODE] = load_mode(raw_mode, LOAD_MODES_PLUG, DEFAULT_MODE_PLUG)
    runtime_power = number(last.get("device_power"))
    if runtime_power is not None and runtime_power != data[CONF_POWER_W]:
        dropped.append(f"{label}: device power was set to {runtime_power:g} W")
    if last.get("dynamic_control") == "off":
        dropped.append(f"{label}: dynamic control was off; it starts on")
    dropped = [d if d.startswith(label) else f"{label}: {d}" for d in dropped]
    dropped += unlisted(up, _PLUG_KEYS, NO_EQUIVALENT_PLUG, label)
    return Mapped(data=data, dropped=dropped, title=name)


def map_group(up: Mapping[str, Any], *, members: Mapping[str, str]) -> Mapped:
    """A circuit subentry; ``members`` maps upstream load entry ids to our subentry ids."""
    name = str(up.get("name") or up.get(UP_ENTITY_ID) or "Circuit")
    label = f"circuit {name}"
    dropped: list[str] = []
    limit = ranged(CONF_LIMIT_A, up.get("circuit_group_current_limit"), None, dropped)
    raw_members = up.get("circuit_group_members") or []
    ours: list[str] = []
    for member in raw_members if isinstance(raw_members, list) else []:
        if member in members:
            ours.append(members[member])
        else:
            dropped.append(f"member {member} no longer exists")
    dropped = [f"{label}: {d}" for d in dropped]
    dropped += unlisted(up, ("circuit_group_current_limit", "circuit_group_members"), {}, label)
    return Mapped(
        data={
            CONF_NAME: name,
            CONF_LIMIT_A: 20.0 if limit is None else limit,  # upstream's default
            CONF_PARENT: None,
            CONF_MEMBERS: ours,
        },
        dropped=dropped,
        title=name,
    )
