"""A stand-in for the Home Assistant ``ocpp`` integration, used by the adapter tests.

Registers the ``ocpp`` services with the integration's own schemas (recording every
call in order), and creates devices and sensor entities exactly as that integration
names them: device ``("ocpp", cpid)`` (plus ``("ocpp", f"{cpid}-conn{n}")`` per
connector on multi-connector chargers) and unique ids
``ocpp.<cpid>[.conn<n>].<metric>.sensor`` (metric lower-cased, dots turned into
underscores since v0.10.10, kept before). Holds no tests.

It reproduces what the real integration (lbbrhzn/ocpp) does, quirks included:

* ``stop_transaction``/``status`` (SuspendedEV, SuspendedEVSE): the ``Current.Import``
  *state* becomes 0, its per-phase attributes ``L1``..``L3`` keep their last values;
  the transaction id becomes 0.
* ``disconnect``: no entity state changes at all; service calls raise
  ``HomeAssistantError`` (translation key ``unavailable``) until ``reconnect``, which
  counts up the charger's ``Reconnects`` sensor (a reboot also loses the profiles).
* ``reject``: a refused SetChargingProfile is only logged; the call returns normally
  (``clear_profile`` too). Installed profiles are kept per connector in ``installed``.
* ``get_configuration`` of a key the charger lacks answers "Unknown" and raises a
  persistent notification "... is unknown" (kept in ``notifications``).
* ``version``: before (0, 6) ``set_charge_rate`` has no ``custom_profile``/``conn_id``;
  before (0, 8) ``get_configuration`` gives no response; before (0, 10) there are no
  per-connector entities; before (0, 10, 10) unique ids keep their dots.
* ``protocol`` "2.0.1": ``get_configuration`` refuses a 1.6 key (no "Component/Variable"),
  and a 1.6 profile fails the 2.0.1 schema (the call raises).
* ``runtime``: like the real one, the central system object sits in
  ``hass.data["ocpp"][entry_id]`` with ``charge_points[cpid]._ocpp_version``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import homeassistant.helpers.config_validation as cv
import voluptuous as vol
from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
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

_LOGGER = logging.getLogger(__name__)

LATEST = (0, 11, 0)
# The ocpp integration's own service schemas (api.py); before v0.6 without the last two.
CHARGE_RATE_FIELDS: dict[Any, Any] = {
    vol.Optional("devid"): cv.string,
    vol.Optional("limit_amps"): cv.positive_float,
    vol.Optional("limit_watts"): cv.positive_int,
}
CHARGE_RATE_SCHEMA = vol.Schema(
    {
        **CHARGE_RATE_FIELDS,
        vol.Optional("conn_id"): cv.positive_int,
        vol.Optional("custom_profile"): vol.Any(cv.string, dict),
    }
)
OLD_CHARGE_RATE_SCHEMA = vol.Schema(CHARGE_RATE_FIELDS)
GET_CONFIGURATION_SCHEMA = vol.Schema(
    {vol.Optional("devid"): cv.string, vol.Optional("ocpp_key"): cv.string}
)
# connector metric -> unit, as the ocpp integration reports them
SENSORS = {
    "status.connector": None,
    "current.import": "A",
    "current.offered": "A",
    "power.offered": "kW",
    "transaction.id": None,
}
CHARGER_SENSORS = ("reconnects", "heartbeat")  # charger-level, never per connector
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


def unique_id(cpid: str, metric: str, conn: int | None, version: tuple[int, ...]) -> str:
    """The unique id the given ocpp release gives a sensor."""
    key = metric.lower() if version < (0, 10, 10) else metric.lower().replace(".", "_")
    part = f".conn{conn}" if conn is not None else ""
    return f"ocpp.{cpid}{part}.{key}.sensor"


@dataclass
class OcppStandIn:
    """The fake ``ocpp`` integration: services, devices, entities, quirks."""

    hass: HomeAssistant
    entry: MockConfigEntry
    version: tuple[int, ...] = LATEST
    protocol: str = "1.6"
    log: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    config: dict[str, str | None] = field(default_factory=dict)
    fail: bool = False  # every call raises (an exception the integration lets through)
    reject: bool = False  # the charger answers Rejected: logged only, the call returns
    keys: dict[str, str] = field(default_factory=dict)  # entity id -> metric
    entities: dict[str, dict[int, dict[str, str]]] = field(default_factory=dict)
    charger_entities: dict[str, dict[str, str]] = field(default_factory=dict)
    connected: dict[str, bool] = field(default_factory=dict)
    reconnects: dict[str, int] = field(default_factory=dict)
    installed: dict[tuple[str, int], dict[int, dict[str, Any]]] = field(default_factory=dict)
    notifications: list[str] = field(default_factory=list)

    # --- services ------------------------------------------------------------------
    def _charger(self, call: ServiceCall) -> str:
        cpid = str(call.data.get("devid") or next(iter(self.entities), ""))
        if self.fail:
            raise HomeAssistantError("simulated failure inside the ocpp integration")
        if not self.connected.get(cpid, True):
            raise HomeAssistantError(
                translation_domain="ocpp",
                translation_key="unavailable",
                translation_placeholders={"message": cpid},
            )
        return cpid

    def _notify(self, message: str) -> None:
        self.notifications.append(message)
        persistent_notification.async_create(self.hass, message, "Ocpp integration")

    def register_services(self) -> None:
        async def set_charge_rate(call: ServiceCall) -> None:
            self.log.append((call.service, dict(call.data)))
            cpid = self._charger(call)
            raw = call.data.get("custom_profile")
            if raw is None:
                return
            profile = json.loads(raw.replace("'", '"')) if isinstance(raw, str) else raw
            if self.protocol != "1.6":
                raise HomeAssistantError("SetChargingProfile payload fails the 2.0.1 schema")
            if self.reject:
                _LOGGER.warning("Custom SetChargingProfile rejected: Rejected")
                return
            conn = int(call.data.get("conn_id", 0))
            slot = self.installed.setdefault((cpid, conn), {})
            slot[int(profile["chargingProfileId"])] = profile

        async def clear_profile(call: ServiceCall) -> None:
            self.log.append((call.service, dict(call.data)))
            cpid = self._charger(call)
            if self.reject:
                return  # the charger's answer is ignored either way
            for key in [k for k in self.installed if k[0] == cpid]:
                del self.installed[key]

        async def get_configuration(call: ServiceCall) -> ServiceResponse:
            self.log.append((call.service, dict(call.data)))
            self._charger(call)
            key = str(call.data.get("ocpp_key", ""))
            if self.protocol != "1.6" and "/" not in key:
                raise ServiceValidationError(
                    translation_domain="ocpp", translation_key="invalid_ocpp_key"
                )
            if key not in self.config:
                self._notify(f"Warning: charger reports {key} is unknown")
                value: str | None = "Unknown"
            else:
                value = self.config[key]
            return {"value": value} if self.version >= (0, 8) else None

        services = self.hass.services
        schema = CHARGE_RATE_SCHEMA if self.version >= (0, 6) else OLD_CHARGE_RATE_SCHEMA
        services.async_register("ocpp", "set_charge_rate", set_charge_rate, schema)
        services.async_register("ocpp", "clear_profile", clear_profile)
        services.async_register(
            "ocpp",
            "get_configuration",
            get_configuration,
            GET_CONFIGURATION_SCHEMA,
            supports_response=(
                SupportsResponse.ONLY if self.version >= (0, 8) else SupportsResponse.NONE
            ),
        )

    # --- devices and entities ----------------------------------------------------------
    def add_charger(self, cpid: str, connectors: int = 1) -> dict[int, dict[str, str]]:
        """Create the charger's devices and entities; return entity ids per connector."""
        devices = dr.async_get(self.hass)
        registry = er.async_get(self.hass)
        charger = devices.async_get_or_create(
            config_entry_id=self.entry.entry_id, identifiers={("ocpp", cpid)}, name=cpid
        )
        self.charger_entities[cpid] = {}
        for metric in CHARGER_SENSORS:
            entry = registry.async_get_or_create(
                "sensor",
                "ocpp",
                unique_id(cpid, metric, None, self.version),
                suggested_object_id=f"{cpid}_{metric}",
                config_entry=self.entry,
                device_id=charger.id,
            )
            self.charger_entities[cpid][metric] = entry.entity_id
            self.keys[entry.entity_id] = metric
        multi = connectors > 1 and self.version >= (0, 10)
        out: dict[int, dict[str, str]] = {}
        for conn in range(1, (connectors if multi else 1) + 1):
            device = charger
            if multi:
                device = devices.async_get_or_create(
                    config_entry_id=self.entry.entry_id,
                    identifiers={("ocpp", f"{cpid}-conn{conn}")},
                    name=f"{cpid} Connector {conn}",
                    via_device=("ocpp", cpid),
                )
            out[conn] = {}
            for key in SENSORS:
                object_id = f"{cpid}_connector_{conn}_{key}" if multi else f"{cpid}_{key}"
                entry = registry.async_get_or_create(
                    "sensor",
                    "ocpp",
                    unique_id(cpid, key, conn if multi else None, self.version),
                    suggested_object_id=object_id.replace(".", "_"),
                    config_entry=self.entry,
                    device_id=device.id,
                )
                out[conn][key] = entry.entity_id
                self.keys[entry.entity_id] = key
        self.entities[cpid] = out
        central = self.hass.data.get("ocpp", {}).get(self.entry.entry_id)
        if central is not None:
            central.charge_points[cpid] = SimpleNamespace(_ocpp_version=self.protocol)
        self.connected[cpid] = True
        self.reconnects[cpid] = 0
        self.set_state(self.charger_entities[cpid]["reconnects"], 0)
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

    # --- what the charger does, as the real integration passes it on ----------------------
    def _ids(self, cpid: str, conn: int) -> dict[str, str]:
        return self.entities[cpid][conn]

    def meter_values(
        self, cpid: str, conn: int, *legs: float, offered: float | None = None
    ) -> None:
        """Per-phase Current.Import: attributes per leg, state the average of non-zero legs."""
        nonzero = [v for v in legs if v != 0.0]
        average = sum(nonzero) / len(nonzero) if nonzero else 0.0
        attrs = {f"L{n}": value for n, value in enumerate(legs, start=1)}
        self.set_state(self._ids(cpid, conn)["current.import"], average, **attrs)
        if offered is not None:
            self.set_state(self._ids(cpid, conn)["current.offered"], offered)

    def _zero_flow(self, cpid: str, conn: int) -> None:
        """The state goes to 0; the per-phase attributes stay as they were."""
        entity_id = self._ids(cpid, conn)["current.import"]
        state = self.hass.states.get(entity_id)
        attrs = dict(state.attributes) if state is not None else {}
        self.hass.states.async_set(entity_id, "0", attrs, force_update=True)

    def status(self, cpid: str, conn: int, status: str) -> None:
        """A StatusNotification for a connector."""
        self.set_state(self._ids(cpid, conn)["status.connector"], status)
        if status in ("SuspendedEV", "SuspendedEVSE"):
            self._zero_flow(cpid, conn)

    def start_transaction(self, cpid: str, conn: int, tx: int) -> None:
        self.set_state(self._ids(cpid, conn)["transaction.id"], tx)
        self.status(cpid, conn, "Charging")

    def stop_transaction(self, cpid: str, conn: int) -> None:
        """StopTransaction: transaction id 0, draw state 0 (attributes stale)."""
        self.set_state(self._ids(cpid, conn)["transaction.id"], 0)
        self._zero_flow(cpid, conn)

    def disconnect(self, cpid: str) -> None:
        """The websocket drops: nothing is written, calls fail."""
        self.connected[cpid] = False

    def reconnect(self, cpid: str, *, reboot: bool = False) -> None:
        """The charger is back (after a reboot without its profiles)."""
        self.connected[cpid] = True
        self.reconnects[cpid] += 1
        if reboot:
            for key in [k for k in self.installed if k[0] == cpid]:
                del self.installed[key]
            self._notify(f"Charger {cpid} rebooted")
        self.set_state(self.charger_entities[cpid]["reconnects"], self.reconnects[cpid])

    # --- what the tests look at -------------------------------------------------------------
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

    def dynamic_limits(self) -> list[float]:
        """The limit of every dynamic profile sent (not the floor, id ending in 3)."""
        return [
            profile["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"]
            for _, profile in self.profiles()
            if profile["chargingProfileId"] % 10 != 3
        ]

    def holds(self, cpid: str, conn: int) -> dict[int, dict[str, Any]]:
        """Profiles the charger holds on a connector, by id."""
        return self.installed.get((cpid, conn), {})


async def stand_in(
    hass: HomeAssistant,
    *,
    version: tuple[int, ...] = LATEST,
    protocol: str = "1.6",
    runtime: bool = True,
) -> OcppStandIn:
    """Set up the fake ocpp integration, loaded (no charger yet)."""
    entry = MockConfigEntry(
        domain="ocpp", title="OCPP central system", state=ConfigEntryState.LOADED
    )
    entry.add_to_hass(hass)
    if runtime:
        central = SimpleNamespace(charge_points={}, cpids={})
        hass.data.setdefault("ocpp", {})[entry.entry_id] = central
    fake = OcppStandIn(hass, entry, version=version, protocol=protocol)
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
