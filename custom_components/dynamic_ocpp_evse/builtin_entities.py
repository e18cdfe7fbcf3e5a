"""Entities of a connector on the built-in OCPP server (sensor, binary_sensor, switch).

Per connector device: the OCPP connector status, error code, current per phase
(diagnostic, disabled by default), the current the charger reports it offers, power,
session energy (Wh, shown in kWh), total energy (the meter register: energy-dashboard
compatible), last seen, connected, plugged in, charging, and a switch that starts or
stops charging (RemoteStart/RemoteStopTransaction).
Values are read from the central system's state through the connector's
``BuiltinServerAdapter``; the entities refresh with every coordinator cycle, which the
central system triggers on every change. While the charger is not connected every
entity but "connected" and "last seen" is unavailable. The platforms add these with
``builtin_sensors`` / ``builtin_binary_sensors`` / ``builtin_switches``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfEnergy,
    UnitOfPower,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity import EntityDescription

from .adapters.builtin_reading import measured_currents, measured_power_w
from .adapters.builtin_server import BuiltinServerAdapter
from .const import DOMAIN
from .coordinator import HubCoordinator
from .entity import DynamicEntity
from .ocpp_server.state import ChargerState, ConnectorState

REMOTE_ID_TAG = "HomeAssistant"  # id tag of a charge started from the switch
REMOTE_TIMEOUT_S = 30.0
_STATUS_WORDS = {
    "Available": "available",
    "Preparing": "preparing",
    "Charging": "charging",
    "SuspendedEV": "suspended_ev",
    "SuspendedEVSE": "suspended_evse",
    "Finishing": "finishing",
    "Reserved": "reserved",
    "Unavailable": "out_of_service",  # OCPP: taken out of service (not offline)
    "Faulted": "faulted",
}
CONNECTOR_STATUSES = tuple(_STATUS_WORDS.values())
PLUGGED_STATUSES = frozenset({"Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing"})
# OCPP 1.6 ChargePointErrorCode -> translation state; anything else is "other_error".
_ERROR_WORDS = {
    code: "_".join(w.lower() for w in re.findall(r"EV|[A-Z][a-z]+", code))
    for code in (
        "NoError", "ConnectorLockFailure", "EVCommunicationError", "GroundFailure",
        "HighTemperature", "InternalError", "LocalListConflict", "OtherError",
        "OverCurrentFailure", "OverVoltage", "PowerMeterFailure", "PowerSwitchFailure",
        "ReaderFailure", "ResetFailure", "UnderVoltage", "WeakSignal",
    )
}  # fmt: skip
ERROR_CODES = tuple(_ERROR_WORDS.values())

type ValueFn = Callable[[BuiltinServerAdapter, ChargerState, ConnectorState | None], Any]


def status_word(status: str | None) -> str | None:
    """OCPP status -> translation state ("SuspendedEVSE" -> "suspended_evse")."""
    return None if status is None else _STATUS_WORDS.get(status)


def error_word(code: str | None) -> str | None:
    """OCPP error code -> translation state ("EVCommunicationError" -> "ev_communication_error")."""
    return None if code is None else _ERROR_WORDS.get(code, "other_error")


def plugged_in(status: str | None) -> bool | None:
    """Whether a car is plugged in, from the OCPP connector status (None: not known)."""
    if status is None or status not in _STATUS_WORDS:
        return None
    return status in PLUGGED_STATUSES


def _current(leg: int) -> ValueFn:
    def value(
        adapter: BuiltinServerAdapter, _state: ChargerState, conn: ConnectorState | None
    ) -> float | None:
        currents = measured_currents(conn, adapter.legs, adapter.settings.voltage)
        return None if currents is None else currents[leg]

    return value


def _kwh(wh: float | None) -> float | None:
    return None if wh is None else round(wh / 1000, 3)


def _charging(_a: BuiltinServerAdapter, _s: ChargerState, conn: ConnectorState | None) -> Any:
    status = None if conn is None else conn.status
    return None if status not in _STATUS_WORDS else status == "Charging"


@dataclass(frozen=True, kw_only=True)
class BuiltinSensorDescription(SensorEntityDescription):
    """A connector sensor: how to read it from the central system's state."""

    value_fn: ValueFn
    always_available: bool = False


def sensor_descriptions(legs: int) -> tuple[BuiltinSensorDescription, ...]:
    """The sensors of one connector wired to ``legs`` phases."""
    currents = tuple(
        BuiltinSensorDescription(
            key=f"charger_current_l{leg + 1}",
            translation_key="charger_current",
            translation_placeholders={"phase": f"L{leg + 1}"},
            device_class=SensorDeviceClass.CURRENT,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
            suggested_display_precision=1,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,  # per phase: for diagnosis
            value_fn=_current(leg),
        )
        for leg in range(legs)
    )
    return (
        BuiltinSensorDescription(
            key="connector_status",
            translation_key="connector_status",
            device_class=SensorDeviceClass.ENUM,
            options=list(CONNECTOR_STATUSES),
            value_fn=lambda _a, _s, conn: status_word(conn.status if conn else None),
        ),
        *currents,
        BuiltinSensorDescription(
            key="charger_power",
            translation_key="charger_power",
            device_class=SensorDeviceClass.POWER,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfPower.WATT,
            suggested_display_precision=0,
            value_fn=lambda _a, _s, conn: measured_power_w(conn),
        ),
        BuiltinSensorDescription(
            key="offered_current",
            translation_key="offered_current",
            device_class=SensorDeviceClass.CURRENT,
            state_class=SensorStateClass.MEASUREMENT,
            native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
            suggested_display_precision=1,
            value_fn=lambda _a, _s, conn: conn.reported_offered_a if conn else None,
        ),
        BuiltinSensorDescription(
            key="error_code",
            translation_key="error_code",
            device_class=SensorDeviceClass.ENUM,
            entity_category=EntityCategory.DIAGNOSTIC,
            options=list(ERROR_CODES),
            value_fn=lambda _a, _s, conn: error_word(conn.error_code if conn else None),
        ),
        BuiltinSensorDescription(
            key="session_energy",
            translation_key="session_energy",
            device_class=SensorDeviceClass.ENERGY,
            state_class=SensorStateClass.TOTAL_INCREASING,  # restarts at 0 each session
            native_unit_of_measurement=UnitOfEnergy.WATT_HOUR,
            suggested_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
            suggested_display_precision=2,
            value_fn=lambda _a, _s, conn: conn.session_energy_wh if conn else None,
        ),
        BuiltinSensorDescription(
            key="total_energy",
            translation_key="total_energy",
            device_class=SensorDeviceClass.ENERGY,
            state_class=SensorStateClass.TOTAL_INCREASING,
            native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
            suggested_display_precision=2,
            value_fn=lambda _a, _s, conn: _kwh(conn.energy_wh if conn else None),
        ),
        BuiltinSensorDescription(
            key="last_seen",
            translation_key="last_seen",
            device_class=SensorDeviceClass.TIMESTAMP,
            entity_category=EntityCategory.DIAGNOSTIC,
            always_available=True,
            value_fn=lambda _a, state, _c: state.last_seen,
        ),
    )


CONNECTED = BinarySensorEntityDescription(
    key="charger_connected",
    translation_key="charger_connected",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)
CHARGING = SwitchEntityDescription(key="charging", translation_key="charging")


@dataclass(frozen=True, kw_only=True)
class BuiltinBinaryDescription(BinarySensorEntityDescription):
    """A connector binary sensor read from the connector's OCPP status."""

    value_fn: ValueFn


STATE_SENSORS = (
    BuiltinBinaryDescription(
        key="plugged_in",
        translation_key="plugged_in",
        device_class=BinarySensorDeviceClass.PLUG,
        value_fn=lambda _a, _s, conn: plugged_in(conn.status if conn else None),
    ),
    BuiltinBinaryDescription(
        key="charging_state",
        translation_key="charging_state",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        value_fn=_charging,
    ),
)


class BuiltinEntity(DynamicEntity):
    """An entity of one connector on the built-in server."""

    def __init__(
        self,
        coordinator: HubCoordinator,
        description: EntityDescription,
        subentry: ConfigSubentry,
        adapter: BuiltinServerAdapter,
        *,
        always_available: bool = False,
    ) -> None:
        super().__init__(coordinator, description, subentry)
        self.adapter = adapter
        self.always_available = always_available

    @property
    def available(self) -> bool:
        """Unavailable while the charger is not connected (unless always available)."""
        if self.adapter.session is None or not super().available:
            return False
        return self.always_available or self.adapter.connected

    def _values(self) -> tuple[ChargerState, ConnectorState | None] | None:
        session = self.adapter.session
        if session is None:
            return None
        return session.state, self.adapter.connector


class BuiltinSensor(BuiltinEntity, SensorEntity):
    """A connector sensor read from the central system's state."""

    entity_description: BuiltinSensorDescription

    @property
    def native_value(self) -> Any:
        """The value as the charger last reported it."""
        values = self._values()
        if values is None:
            return None
        value: float | str | datetime | None = self.guarded(
            lambda: self.entity_description.value_fn(self.adapter, *values)
        )
        return value


class ConnectedSensor(BuiltinEntity, BinarySensorEntity):
    """Whether the charger is connected to the built-in server (always available)."""

    @property
    def is_on(self) -> bool:
        """Connected now."""
        return self.adapter.connected


class StateSensor(BuiltinEntity, BinarySensorEntity):
    """Plugged in / charging, from the connector's last OCPP status."""

    entity_description: BuiltinBinaryDescription

    @property
    def is_on(self) -> bool | None:
        """On, off, or unknown while the charger has not told."""
        values = self._values()
        if values is None:
            return None
        value: bool | None = self.entity_description.value_fn(self.adapter, *values)
        return value


class ChargingSwitch(BuiltinEntity, SwitchEntity):
    """Start (RemoteStartTransaction) or stop (RemoteStopTransaction) charging."""

    @property
    def is_on(self) -> bool | None:
        """On while a transaction runs on the connector."""
        conn = self.adapter.connector
        return None if conn is None else conn.transaction_id is not None

    async def _command(self, start: bool) -> None:
        session = self.adapter.session
        if session is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="remote_command_failed",
                translation_placeholders={"error": "charger unknown"},
            )
        connector = self.adapter.connector_id
        try:
            if start:
                fut = await session.remote_start(connector, REMOTE_ID_TAG)
            else:
                fut = await session.remote_stop(connector)
            async with asyncio.timeout(REMOTE_TIMEOUT_S):
                await asyncio.shield(fut)
        except Exception as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="remote_command_failed",
                translation_placeholders={"error": str(err) or type(err).__name__},
            ) from err

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Ask the charger to start a transaction on this connector."""
        await self._command(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Ask the charger to stop the transaction on this connector."""
        await self._command(False)


def _adapter(
    coordinator: HubCoordinator, sub: ConfigSubentry | None
) -> BuiltinServerAdapter | None:
    if sub is None:
        return None
    adapter = coordinator.adapters.get(sub.subentry_id)
    adapter = getattr(adapter, "inner", adapter)  # under a phase-switch entity wrapper
    return adapter if isinstance(adapter, BuiltinServerAdapter) else None


def builtin_sensors(coordinator: HubCoordinator, sub: ConfigSubentry | None) -> list[BuiltinSensor]:
    """The sensors of a built-in charger connector (none for other subentries)."""
    adapter = _adapter(coordinator, sub)
    if adapter is None or sub is None:
        return []
    return [
        BuiltinSensor(coordinator, d, sub, adapter, always_available=d.always_available)
        for d in sensor_descriptions(adapter.legs)
    ]


def builtin_binary_sensors(
    coordinator: HubCoordinator, sub: ConfigSubentry | None
) -> list[BinarySensorEntity]:
    """Connected, plugged in and charging of a built-in charger connector."""
    adapter = _adapter(coordinator, sub)
    if adapter is None or sub is None:
        return []
    state = [StateSensor(coordinator, d, sub, adapter) for d in STATE_SENSORS]
    return [ConnectedSensor(coordinator, CONNECTED, sub, adapter, always_available=True), *state]


def builtin_switches(
    coordinator: HubCoordinator, sub: ConfigSubentry | None
) -> list[ChargingSwitch]:
    """The start/stop switch of a built-in charger connector."""
    adapter = _adapter(coordinator, sub)
    if adapter is None or sub is None:
        return []
    return [ChargingSwitch(coordinator, CHARGING, sub, adapter)]
