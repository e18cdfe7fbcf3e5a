"""A connector's charging-profile settings, read once from its subentry.

Shared by both OCPP adapters (through the ``ocpp`` integration and on the
built-in server), with the same defaults as the charger flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal, cast

from ..const import (
    CONF_COMPLIANCE_CYCLES,
    CONF_FAILSAFE_FLOOR,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_MIN_CURRENT_A,
    CONF_MIN_SEND_INTERVAL_S,
    CONF_PHASES,
    CONF_PROFILE_KIND,
    CONF_PROFILE_VALIDITY_S,
    CONF_RATE_UNIT,
    CONF_STACK_LEVEL,
    CONF_VALIDITY,
    CONF_VOLTAGE,
    DEFAULT_COMPLIANCE_CYCLES,
    DEFAULT_FAILSAFE_FLOOR,
    DEFAULT_MIN_CURRENT_A,
    DEFAULT_MIN_SEND_INTERVAL_S,
    DEFAULT_PROFILE_KIND,
    DEFAULT_PROFILE_VALIDITY_S,
    DEFAULT_RATE_UNIT,
    DEFAULT_STACK_LEVEL,
    DEFAULT_VALIDITY,
    DEFAULT_VOLTAGE,
)
from ..ocpp_server.profiles import ProfileSettings


def connector_legs(hub_data: Mapping[str, Any], data: Mapping[str, Any]) -> int:
    """How many phases the connector is wired to (all site phases when not set)."""
    phases = data.get(CONF_PHASES)
    if phases:
        return max(1, min(3, len(phases)))
    return 1 + bool(hub_data.get(CONF_GRID_SENSOR_B)) + bool(hub_data.get(CONF_GRID_SENSOR_C))


def rate_unit_of(value: object) -> Literal["A", "W"]:
    """The OCPP rate unit of a stored choice: "w"/"W" is power, anything else current.

    The form stores the lowercase option ("a"/"w"); older entries hold "A"/"W"."""
    return "W" if str(value).strip().upper() == "W" else "A"


def rate_unit_option(value: object) -> str:
    """The form option ("a"/"w") of a stored or discovered rate unit."""
    return rate_unit_of(value).lower()


def profile_settings(hub_data: Mapping[str, Any], data: Mapping[str, Any]) -> ProfileSettings:
    """The connector's profile settings from its subentry (defaults as the flow's)."""
    get = data.get
    min_a = float(get(CONF_MIN_CURRENT_A, DEFAULT_MIN_CURRENT_A))
    floor = get(CONF_FAILSAFE_FLOOR, DEFAULT_FAILSAFE_FLOOR)
    return ProfileSettings(
        min_a=min_a,
        phases=connector_legs(hub_data, data),
        voltage=float(hub_data.get(CONF_VOLTAGE, DEFAULT_VOLTAGE)),
        unit=rate_unit_of(get(CONF_RATE_UNIT, DEFAULT_RATE_UNIT)),
        kind=cast(Literal["tx_default", "tx"], get(CONF_PROFILE_KIND, DEFAULT_PROFILE_KIND)),
        stack_level=int(get(CONF_STACK_LEVEL, DEFAULT_STACK_LEVEL)),
        validity=cast(Literal["absolute", "relative"], get(CONF_VALIDITY, DEFAULT_VALIDITY)),
        validity_s=float(get(CONF_PROFILE_VALIDITY_S, DEFAULT_PROFILE_VALIDITY_S)),
        floor_a=min_a if floor == "minimum" else 0.0,
    )


def min_send_interval(data: Mapping[str, Any]) -> timedelta:
    """At most one profile per this interval per connector (decreases excepted)."""
    return timedelta(seconds=float(data.get(CONF_MIN_SEND_INTERVAL_S, DEFAULT_MIN_SEND_INTERVAL_S)))


def compliance_cycles(data: Mapping[str, Any]) -> int:
    """Reports a charger may disagree with our limit before it is non-compliant."""
    return max(1, int(data.get(CONF_COMPLIANCE_CYCLES, DEFAULT_COMPLIANCE_CYCLES)))
