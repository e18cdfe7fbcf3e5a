"""What a charger can do, and how our profiles adapt to it (pure functions, no I/O).

The session reads ``CONFIG_KEYS`` with GetConfiguration on connect, records them with
``record_configuration``, changes only what ``wanted_changes`` lists, and builds every
profile from ``adapt(settings, state)``:

* a rate unit the charger does not allow is swapped for the one it does (W-only chargers);
* a stack level above ``ChargeProfileMaxStackLevel`` is clamped to it;
* at stack level 0 with a floor, the floor keeps TxDefaultProfile level 0 and the dynamic
  limit becomes a TxProfile (they cannot share purpose and level).
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from .options import ServerOptions
from .profiles import ProfileSettings, build_floor_profile
from .state import ChargerState

CONFIG_KEYS = (
    "NumberOfConnectors",
    "ChargingScheduleAllowedChargingRateUnit",
    "ChargeProfileMaxStackLevel",
    "MeterValueSampleInterval",
    "MeterValuesSampledData",
)
_UNITS = {"Current": "A", "Power": "W"}
MAX_CONNECTORS = 32  # a NumberOfConnectors above this is not believed


def csl(value: str) -> list[str]:
    """Split an OCPP comma-separated list."""
    return [part.strip() for part in value.split(",") if part.strip()]


def record_configuration(state: ChargerState, configuration_key: list[dict[str, Any]]) -> None:
    """Store a GetConfiguration answer and derive connectors, units and max stack level."""
    for item in configuration_key if isinstance(configuration_key, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            continue  # a charger's garbage answer is no configuration
        if item.get("value") is not None:
            state.configuration[item["key"]] = str(item["value"])[:500]
    conf = state.configuration
    with contextlib.suppress(KeyError, ValueError):
        number = int(conf["NumberOfConnectors"])
        if 1 <= number <= MAX_CONNECTORS:
            state.number_of_connectors = number
            for connector_id in range(1, number + 1):
                state.connector(connector_id)
    with contextlib.suppress(KeyError, ValueError):
        level = int(conf["ChargeProfileMaxStackLevel"])
        if 0 <= level <= 1000:
            state.max_stack_level = level
    if "ChargingScheduleAllowedChargingRateUnit" in conf:
        units = csl(conf["ChargingScheduleAllowedChargingRateUnit"])
        state.rate_units = tuple(_UNITS[u] for u in units if u in _UNITS) or None


def wanted_changes(state: ChargerState, options: ServerOptions) -> dict[str, str]:
    """Configuration keys to change (skipping those already right: spare the flash)."""
    wanted = {
        "MeterValueSampleInterval": str(options.meter_interval_s),
        "MeterValuesSampledData": options.measurands,
    }
    conf = state.configuration
    return {
        key: value
        for key, value in wanted.items()
        if key not in conf or set(csl(conf[key])) != set(csl(value))
    }


def adapt(settings: ProfileSettings, state: ChargerState) -> ProfileSettings:
    """The settings adapted to what the charger reported (unit, max stack level)."""
    units = state.rate_units
    if units and settings.unit not in units:
        settings = replace(settings, unit="A" if units[0] == "A" else "W")
    max_level = state.max_stack_level
    if max_level is not None and settings.stack_level > max_level:
        settings = replace(settings, stack_level=max_level)
    if settings.stack_level == 0 and settings.floor_a is not None:
        settings = replace(settings, kind="tx")  # floor and TxDefault share level 0
    return settings


def floor_profile(connector_id: int, settings: ProfileSettings) -> dict[str, Any] | None:
    """The floor for adapted settings: one level below, or level 0 when that is all."""
    if settings.floor_a is None:
        return None
    if settings.stack_level == 0:
        return build_floor_profile(
            connector_id,
            settings.floor_a,
            phases=settings.phases,
            voltage=settings.voltage,
            unit=settings.unit,
            stack_level=0,
        )
    return settings.build_floor(connector_id)
