"""Discovery of the OCPP integration's chargers, connectors and rate unit.

``FakeOcpp`` registers devices and entities exactly as the ``ocpp`` integration
names them (also used by the charger subentry tests): a central system device,
charger devices ``("ocpp", cpid)`` behind it, connector child devices
``("ocpp", "<cpid>-conn<N>")`` for multi-connector chargers, and sensors with
unique ids ``ocpp.<cpid>[.conn<N>].<lower-cased metric>.sensor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.ocpp_discovery import (
    async_get_rate_unit,
    discover_connectors,
    ocpp_loaded,
    parse_rate_unit,
)

CONNECTOR_METRICS = ("current.import", "current.offered", "status.connector", "transaction.id")
CHARGER_METRICS = ("status", "heartbeat", "connectors")


@dataclass
class FakeOcpp:
    """The ``ocpp`` integration as the registries and service registry see it."""

    hass: HomeAssistant
    entry: MockConfigEntry
    calls: list[dict[str, Any]] = field(default_factory=list)
    rate_unit: Any = "Current,Power"
    fail: bool = False

    def add_charger(
        self,
        cpid: str,
        connectors: int = 1,
        *,
        name: str | None = None,
        metrics: tuple[str, ...] = CONNECTOR_METRICS,
    ) -> dict[int, dict[str, str]]:
        """Create a charger; return connector -> metric -> entity id."""
        devices = dr.async_get(self.hass)
        entities = er.async_get(self.hass)
        charger = devices.async_get_or_create(
            config_entry_id=self.entry.entry_id,
            identifiers={("ocpp", cpid)},
            name=name or cpid,
            via_device=("ocpp", "central"),
        )
        for metric in CHARGER_METRICS:
            entities.async_get_or_create(
                "sensor",
                "ocpp",
                f"ocpp.{cpid}.{metric}.sensor",
                config_entry=self.entry,
                device_id=charger.id,
            )
        found: dict[int, dict[str, str]] = {}
        for conn in range(1, connectors + 1):
            multi = connectors > 1
            device = charger
            if multi:
                device = devices.async_get_or_create(
                    config_entry_id=self.entry.entry_id,
                    identifiers={("ocpp", f"{cpid}-conn{conn}")},
                    name=f"{cpid} Connector {conn}",
                    via_device=("ocpp", cpid),
                )
            part = f".conn{conn}" if multi else ""
            found[conn] = {}
            for metric in metrics:
                reg = entities.async_get_or_create(
                    "sensor",
                    "ocpp",
                    f"ocpp.{cpid}{part}.{metric}.sensor",
                    # renamed by the user: discovery must not rely on entity ids
                    suggested_object_id=f"renamed_{cpid}_{conn}_{metric.replace('.', '_')}",
                    config_entry=self.entry,
                    device_id=device.id,
                )
                found[conn][metric] = reg.entity_id
        return found

    def register_get_configuration(self) -> None:
        def get_configuration(call: ServiceCall) -> ServiceResponse:
            self.calls.append(dict(call.data))
            if self.fail:
                raise HomeAssistantError("charger is currently unavailable")
            return {"value": self.rate_unit}

        self.hass.services.async_register(
            "ocpp",
            "get_configuration",
            get_configuration,
            supports_response=SupportsResponse.ONLY,
        )


def fake_ocpp(hass: HomeAssistant, *, loaded: bool = True) -> FakeOcpp:
    """Add a (loaded) ocpp config entry with its central system device."""
    state = ConfigEntryState.LOADED if loaded else ConfigEntryState.NOT_LOADED
    entry = MockConfigEntry(domain="ocpp", title="OCPP", state=state)
    entry.add_to_hass(hass)
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={("ocpp", "central")},
        name="central",
        model="OCPP Central System",
    )
    return FakeOcpp(hass, entry)


async def test_lists_every_connector_by_unique_id(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)
    single = fake.add_charger("CP_GARAGE", name="Garage wallbox")
    dual = fake.add_charger(
        "CP_DUAL",
        connectors=2,
        metrics=("current.import", "power.offered", "status.connector", "transaction.id"),
    )
    # an unrelated sensor whose unique id happens to look similar
    er.async_get(hass).async_get_or_create(
        "sensor", "other", "ocpp.CP_GARAGE.current.import.sensor"
    )

    found = discover_connectors(hass)

    assert [(c.cpid, c.connector_id, c.connector_count) for c in found] == [
        ("CP_DUAL", 1, 2),
        ("CP_DUAL", 2, 2),
        ("CP_GARAGE", 1, 1),
    ]
    garage = found[2]
    assert garage.key == "CP_GARAGE-1"
    assert garage.title == "Garage wallbox"
    assert garage.entities == {
        "current_import": single[1]["current.import"],
        "current_offered": single[1]["current.offered"],
        "status_connector": single[1]["status.connector"],
        "transaction_id": single[1]["transaction.id"],
    }
    assert garage.entities["current_import"].startswith("sensor.renamed_")
    second = found[1]
    assert second.title == "CP_DUAL 2"
    assert second.entities["power_offered"] == dual[2]["power.offered"]
    assert second.entities["current_import"] == dual[2]["current.import"]


async def test_older_capitalised_unique_ids_are_understood(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)
    fake.add_charger("OLD", metrics=("Current.Import", "Status.Connector"))
    (found,) = discover_connectors(hass)
    assert set(found.entities) == {"current_import", "status_connector"}


async def test_connectors_known_only_from_child_devices(hass: HomeAssistant) -> None:
    """A charger that never reported yet still shows all its connectors."""
    fake = fake_ocpp(hass)
    fake.add_charger("CP_NEW", connectors=3, metrics=())
    found = discover_connectors(hass)
    assert [(c.connector_id, c.connector_count) for c in found] == [(1, 3), (2, 3), (3, 3)]
    assert all(c.entities == {} for c in found)


async def test_central_system_alone_is_not_a_charger(hass: HomeAssistant) -> None:
    fake_ocpp(hass)
    assert ocpp_loaded(hass)
    assert discover_connectors(hass) == []


async def test_not_loaded_ocpp_integration(hass: HomeAssistant) -> None:
    assert not ocpp_loaded(hass)
    fake_ocpp(hass, loaded=False)
    assert not ocpp_loaded(hass)


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        ("Current,Power", "A"),
        ("Current", "A"),
        ("Power", "W"),
        (" power ; ", "W"),
        (["Power"], "W"),
        ("A", "A"),
        ("", None),
        (None, None),
        ("Unknown key", None),
        (42, None),
    ],
)
def test_parse_rate_unit(value: Any, unit: str | None) -> None:
    assert parse_rate_unit(value) == unit


async def test_rate_unit_asks_the_right_charger(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)
    fake.register_get_configuration()
    fake.rate_unit = "Power"
    assert await async_get_rate_unit(hass, "CP_GARAGE") == "W"
    assert fake.calls == [
        {"devid": "CP_GARAGE", "ocpp_key": "ChargingScheduleAllowedChargingRateUnit"}
    ]


async def test_rate_unit_unknown_on_errors(hass: HomeAssistant) -> None:
    assert await async_get_rate_unit(hass, "CP1") is None  # no ocpp service at all
    fake = fake_ocpp(hass)
    fake.register_get_configuration()
    fake.fail = True
    assert await async_get_rate_unit(hass, "CP1") is None
    fake.fail = False
    fake.rate_unit = {"unexpected": "shape"}
    assert await async_get_rate_unit(hass, "CP1") is None
    assert len(fake.calls) == 2
