"""The forms of the charger subentry flow: schemas and discovery pre-fill.

Only field definitions live here; the steps and their checks are in
``charger.py``.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

from ..const import (
    CONF_BATTERY_CAPACITY_KWH,
    CONF_CHARGE_POINT_ID,
    CONF_COMPLIANCE_CYCLES,
    CONF_CONNECTOR_COUNT,
    CONF_CONNECTOR_ID,
    CONF_CURRENT_ENTITY,
    CONF_FAILSAFE_FLOOR,
    CONF_MIN_SEND_INTERVAL_S,
    CONF_OFFERED_ENTITY,
    CONF_PASSWORD,
    CONF_PHASE_DOWN_DELAY_S,
    CONF_PHASE_MIN_INTERVAL_S,
    CONF_PHASE_SWITCH_ENTITY,
    CONF_PHASE_SWITCHING,
    CONF_PHASE_UP_DELAY_S,
    CONF_PHASES,
    CONF_PROFILE_KIND,
    CONF_PROFILE_VALIDITY_S,
    CONF_RATE_UNIT,
    CONF_SOC_ENTITY,
    CONF_STACK_LEVEL,
    CONF_STATUS_ENTITY,
    CONF_TRANSACTION_ENTITY,
    CONF_VALIDITY,
    DEFAULT_COMPLIANCE_CYCLES,
    DEFAULT_FAILSAFE_FLOOR,
    DEFAULT_MIN_SEND_INTERVAL_S,
    DEFAULT_PHASE_DOWN_DELAY_S,
    DEFAULT_PHASE_MIN_INTERVAL_S,
    DEFAULT_PHASE_UP_DELAY_S,
    DEFAULT_PROFILE_KIND,
    DEFAULT_PROFILE_VALIDITY_S,
    DEFAULT_RATE_UNIT,
    DEFAULT_STACK_LEVEL,
    DEFAULT_VALIDITY,
    FAILSAFE_FLOORS,
    PHASE_SWITCHING_METHODS,
    PROFILE_KINDS,
    RATE_UNITS,
    VALIDITY_KINDS,
)
from ..ocpp_discovery import (
    KEY_CURRENT_IMPORT,
    KEY_CURRENT_OFFERED,
    KEY_POWER_OFFERED,
    KEY_STATUS_CONNECTOR,
    KEY_TRANSACTION_ID,
    DiscoveredConnector,
)
from .helpers import (
    choice,
    entity,
    number,
    text,
)

MANUAL = "manual"
CONF_TARGET = "target"  # form-only field of the ocpp_integration step
_SENSOR = ["sensor"]

CONNECTION_ENTITY_FIELDS = {
    vol.Required(CONF_CURRENT_ENTITY): entity(_SENSOR, ["current"]),
    vol.Required(CONF_STATUS_ENTITY): entity(_SENSOR),
    vol.Optional(CONF_OFFERED_ENTITY): entity(_SENSOR, ["current", "power"]),
    vol.Optional(CONF_TRANSACTION_ENTITY): entity(_SENSOR),
}
CONNECTION_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_CHARGE_POINT_ID): text(),
        vol.Required(CONF_CONNECTOR_ID, default=1): number(None, 1, CONF_CONNECTOR_ID),
        vol.Required(CONF_CONNECTOR_COUNT, default=1): number(None, 1, CONF_CONNECTOR_COUNT),
        **CONNECTION_ENTITY_FIELDS,
    }
)
BUILTIN_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_CHARGE_POINT_ID): text(),
        vol.Optional(CONF_PASSWORD): text(),  # shown: the generated one is read from here
        vol.Required(CONF_CONNECTOR_ID, default=1): number(None, 1, CONF_CONNECTOR_ID),
        vol.Required(CONF_CONNECTOR_COUNT, default=1): number(None, 1, CONF_CONNECTOR_COUNT),
    }
)
RECONFIGURE_OCPP_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_CONNECTOR_COUNT): number(None, 1, CONF_CONNECTOR_COUNT),
        **CONNECTION_ENTITY_FIELDS,
    }
)
RECONFIGURE_BUILTIN_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_PASSWORD): text(password=True),
        vol.Required(CONF_CONNECTOR_COUNT): number(None, 1, CONF_CONNECTOR_COUNT),
    }
)
SECTION_PROFILE = "profile"  # collapsed section of the details step
SECTION_PHASES = "phase_switching_section"  # 1-phase / 3-phase switching
SECTION_ADVANCED = "advanced"  # the load's own timing
SECTION_PLAN_SOC = "plan_soc_section"  # plans by state of charge (the car's SoC sensor)


def plan_soc_fields() -> dict[Any, Any]:
    """The car's state of charge sensor and battery capacity (plans by SoC)."""
    return {
        vol.Optional(CONF_SOC_ENTITY): entity(["sensor", "input_number"]),
        vol.Optional(CONF_BATTERY_CAPACITY_KWH): number("kWh", 0.1, CONF_BATTERY_CAPACITY_KWH),
    }


def profile_fields() -> dict[Any, Any]:
    """How charging profiles are sent, refreshed and checked (good defaults for most)."""
    return {
        vol.Required(CONF_RATE_UNIT, default=DEFAULT_RATE_UNIT): choice(RATE_UNITS, "rate_unit"),
        vol.Required(CONF_PROFILE_KIND, default=DEFAULT_PROFILE_KIND): choice(
            PROFILE_KINDS, "profile_kind"
        ),
        vol.Required(CONF_STACK_LEVEL, default=DEFAULT_STACK_LEVEL): number(
            None, 1, CONF_STACK_LEVEL
        ),
        vol.Required(CONF_VALIDITY, default=DEFAULT_VALIDITY): choice(VALIDITY_KINDS, "validity"),
        vol.Required(CONF_PROFILE_VALIDITY_S, default=DEFAULT_PROFILE_VALIDITY_S): number(
            "s", 1, CONF_PROFILE_VALIDITY_S
        ),
        vol.Required(CONF_MIN_SEND_INTERVAL_S, default=DEFAULT_MIN_SEND_INTERVAL_S): number(
            "s", 1, CONF_MIN_SEND_INTERVAL_S
        ),
        vol.Required(CONF_FAILSAFE_FLOOR, default=DEFAULT_FAILSAFE_FLOOR): choice(
            FAILSAFE_FLOORS, "failsafe_floor"
        ),
        vol.Required(CONF_COMPLIANCE_CYCLES, default=DEFAULT_COMPLIANCE_CYCLES): number(
            None, 1, CONF_COMPLIANCE_CYCLES
        ),
    }


def phase_switching_fields() -> dict[Any, Any]:
    """How (and whether) the charger switches between one and three phases."""
    return {
        vol.Required(CONF_PHASE_SWITCHING, default="none"): choice(
            PHASE_SWITCHING_METHODS, "phase_switching"
        ),
        vol.Optional(CONF_PHASE_SWITCH_ENTITY): entity(["switch", "select", "input_select"]),
        vol.Required(CONF_PHASE_MIN_INTERVAL_S, default=DEFAULT_PHASE_MIN_INTERVAL_S): number(
            "s", 1, CONF_PHASE_MIN_INTERVAL_S
        ),
        vol.Required(CONF_PHASE_UP_DELAY_S, default=DEFAULT_PHASE_UP_DELAY_S): number(
            "s", 1, CONF_PHASE_UP_DELAY_S
        ),
        vol.Required(CONF_PHASE_DOWN_DELAY_S, default=DEFAULT_PHASE_DOWN_DELAY_S): number(
            "s", 1, CONF_PHASE_DOWN_DELAY_S
        ),
    }


def phase_switching_errors(answers: dict[str, Any], errors: dict[str, str]) -> None:
    """Switching needs a 3-phase wiring, and an entity when it goes through one."""
    method = answers.get(CONF_PHASE_SWITCHING, "none")
    if method == "none":
        return
    if len(str(answers.get(CONF_PHASES, "")).split(",")) != 3:
        errors[CONF_PHASE_SWITCHING] = "phase_switching_needs_three_phases"
    elif method == "entity" and not answers.get(CONF_PHASE_SWITCH_ENTITY):
        errors[CONF_PHASE_SWITCH_ENTITY] = "phase_switch_entity_required"


def connection_values(found: DiscoveredConnector) -> dict[str, Any]:
    """Pre-fill of the connection step from a discovered connector."""
    values: dict[str, Any] = {
        CONF_CHARGE_POINT_ID: found.cpid,
        CONF_CONNECTOR_ID: found.connector_id,
        CONF_CONNECTOR_COUNT: found.connector_count,
    }
    pairs = (
        (CONF_CURRENT_ENTITY, (KEY_CURRENT_IMPORT,)),
        (CONF_STATUS_ENTITY, (KEY_STATUS_CONNECTOR,)),
        (CONF_OFFERED_ENTITY, (KEY_CURRENT_OFFERED, KEY_POWER_OFFERED)),
        (CONF_TRANSACTION_ENTITY, (KEY_TRANSACTION_ID,)),
    )
    for conf, keys in pairs:
        for key in keys:
            if key in found.entities:
                values[conf] = found.entities[key]
                break
    return values
