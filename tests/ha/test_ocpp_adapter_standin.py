"""A stand-in for the Home Assistant ``ocpp`` integration, used by the adapter tests.

Registers the ``ocpp`` services with the integration's own schemas (recording every
call in order), and creates devices and sensor entities exactly as that integration
names them: device ``("ocpp", cpid)`` (plus ``("ocpp", f"{cpid}-conn{n}")`` per
connector on multi-connector chargers) and unique ids
``ocpp.<cpid>[.conn<n>].<lower-cased measurand>.sensor``. Holds no tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import homeassistant.helpers.config_validation as cv
import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.adapters.base import LoadCommand
from custom_components.dynamic_ocpp_evse.adapters.ocpp_integration import (
    OcppIntegrationAdapter,
)
from custom_components.dynamic_ocpp_evse.const import (
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_ID,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_MIN_CURRENT_A,
    CONF_PHASES,
    CONF_VALIDITY,
    CONF_VOLTAGE,
)

# The ocpp integration's own service schemas (api.py).
CHARGE_RATE_SCHEMA = vol.Schema(
    {
        vol.Optional("devid"): cv.string,
        vol.Optional("limit_amps"): cv.positive_float,
        vol.Optional("limit_watts"): cv.positive_int,
        vol.Optional("conn_id"): cv.positive_int,
        vol.Optional("custom_profile"): vol.Any(cv.string, dict),
    }
)
GET_CONFIGURATION_SCHEMA = vol.Schema(
    {vol.Optional("devid"): cv.string, vol.Required("ocpp_key"): cv.string}
)
# measurand -> unit, as the ocpp integration reports them
SENSORS = {
    "status.connector": None,
    "current.import": "A",
    "current.offered": "A",
    "power.offered": "kW",
    "transaction.id": None,
}
HUB = {
    CONF_VOLTAGE: 230.0,
    CONF_GRID_SENSOR_A: "sensor.grid_a",
    CONF_GRID_SENSOR_B: "sensor.grid_b",
    CONF_GRID_SENSOR_C: "sensor.grid_c",
}
START = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


class Clock:
    """An injectable clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class OcppStandIn:
    """The fake ``ocpp`` integration: services, devices, entities."""

    hass: HomeAssistant
    entry: MockConfigEntry
    log: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    config: dict[str, str | None] = field(default_factory=dict)
    fail: bool = False
    keys: dict[str, str] = field(default_factory=dict)  # entity id -> measurand key
    entities: dict[str, dict[int, dict[str, str]]] = field(default_factory=dict)

    def register_services(self) -> None:
        def record(call: ServiceCall) -> None:
            self.log.append((call.service, dict(call.data)))
            if self.fail:
                raise HomeAssistantError("charger is currently unavailable")

        def get_configuration(call: ServiceCall) -> ServiceResponse:
            self.log.append((call.service, dict(call.data)))
            return {"value": self.config.get(call.data["ocpp_key"])}

        services = self.hass.services
        services.async_register("ocpp", "set_charge_rate", record, CHARGE_RATE_SCHEMA)
        services.async_register("ocpp", "clear_profile", record)
        services.async_register(
            "ocpp",
            "get_configuration",
            get_configuration,
            GET_CONFIGURATION_SCHEMA,
            supports_response=SupportsResponse.ONLY,
        )

    def add_charger(self, cpid: str, connectors: int = 1) -> dict[int, dict[str, str]]:
        """Create the charger's devices and entities; return entity ids per connector."""
        devices = dr.async_get(self.hass)
        entities = er.async_get(self.hass)
        devices.async_get_or_create(
            config_entry_id=self.entry.entry_id, identifiers={("ocpp", cpid)}, name=cpid
        )
        out: dict[int, dict[str, str]] = {}
        for conn in range(1, connectors + 1):
            multi = connectors > 1
            device = devices.async_get_or_create(
                config_entry_id=self.entry.entry_id,
                identifiers={("ocpp", f"{cpid}-conn{conn}" if multi else cpid)},
                name=f"{cpid} Connector {conn}" if multi else cpid,
            )
            out[conn] = {}
            for key in SENSORS:
                part = f".conn{conn}" if multi else ""
                object_id = f"{cpid}_connector_{conn}_{key}" if multi else f"{cpid}_{key}"
                entry = entities.async_get_or_create(
                    "sensor",
                    "ocpp",
                    f"ocpp.{cpid}{part}.{key}.sensor",
                    suggested_object_id=object_id.replace(".", "_"),
                    config_entry=self.entry,
                    device_id=device.id,
                )
                out[conn][key] = entry.entity_id
                self.keys[entry.entity_id] = key
        self.entities[cpid] = out
        return out

    def remove_charger(self, cpid: str) -> None:
        devices = dr.async_get(self.hass)
        device = devices.async_get_device(identifiers={("ocpp", cpid)})
        assert device is not None
        devices.async_remove_device(device.id)

    def set_state(self, entity_id: str, value: Any, **attrs: Any) -> None:
        unit = SENSORS.get(self.keys.get(entity_id, ""))
        if unit is not None:
            attrs.setdefault("unit_of_measurement", unit)
        self.hass.states.async_set(entity_id, str(value), attrs, force_update=True)

    def calls(self, service: str) -> list[dict[str, Any]]:
        return [data for name, data in self.log if name == service]

    def profiles(self) -> list[tuple[int, dict[str, Any]]]:
        """(conn_id, profile) of every set_charge_rate call, in order."""
        return [
            (data["conn_id"], json.loads(data["custom_profile"]))
            for data in self.calls("set_charge_rate")
        ]

    def limits(self) -> list[float]:
        """The limit of every profile sent, in order."""
        return [
            profile["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"]
            for _, profile in self.profiles()
        ]


async def stand_in(hass: HomeAssistant) -> OcppStandIn:
    """Set up the fake ocpp integration (no charger yet)."""
    entry = MockConfigEntry(domain="ocpp", title="OCPP central system")
    entry.add_to_hass(hass)
    fake = OcppStandIn(hass, entry)
    fake.register_services()
    return fake


def make_adapter(
    hass: HomeAssistant, clock: Clock, cpid: str = "CP1", connector: int = 1, **conf: Any
) -> OcppIntegrationAdapter:
    """An adapter with the given subentry settings (entities found by unique id)."""
    data: dict[str, Any] = {
        CONF_CHARGE_POINT_ID: cpid,
        CONF_CONNECTOR_ID: connector,
        CONF_PHASES: ["A", "B", "C"],
        CONF_MIN_CURRENT_A: 6.0,
        CONF_VALIDITY: "absolute",
    }
    data.update(conf)
    return OcppIntegrationAdapter(hass, HUB, data, load_id=f"{cpid}-{connector}", now_fn=clock)


def command(current_a: float, send: bool = True) -> LoadCommand:
    """A controller command for the adapter under test."""
    return LoadCommand(load_id="load", current_a=current_a, send=send, reason="test")
