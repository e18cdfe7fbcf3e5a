"""Charger subentry flow: discovery, manual entry, built-in server, errors, reconfigure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import assert_form_texts, field_names, suggested
from tests.ha.test_ocpp_discovery import FakeOcpp, fake_ocpp

STRINGS = json.loads(
    (Path(__file__).parents[2] / "custom_components" / DOMAIN / "strings.json").read_text()
)["config_subentries"]["charger"]

HUB = {
    "name": "Home",
    "grid_sensor_a": "sensor.grid_l1",
    "grid_sensor_b": "sensor.grid_l2",
    "grid_sensor_c": "sensor.grid_l3",
    "main_breaker_a": 25,
    "voltage": 230,
    "ocpp_server_enabled": False,
}
DETAILS = {
    "name": "Garage",
    "phases": "B,C,A",
    "min_current_a": 6,
    "max_current_a": 16,
    "priority": 2,
    "mode": "solar",
}
PROFILE = {
    "rate_unit": "a",
    "profile_kind": "tx_default",
    "stack_level": 3,
    "validity": "relative",
    "profile_validity_s": 180,
    "min_send_interval_s": 20,
    "failsafe_floor": "zero",
    "compliance_cycles": 4,
}


def details(**changes: Any) -> dict[str, Any]:
    """The details form with its profile section (``profile=`` changes it)."""
    profile = {**PROFILE, **changes.pop("profile", {})}
    return {**DETAILS, **changes, "profile": profile}


def hub(hass: HomeAssistant, subentries: list[ConfigSubentryData] | None = None, **data: Any):
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data={**HUB, **data}, subentries_data=subentries or []
    )
    entry.add_to_hass(hass)
    return entry


def with_states(fake: FakeOcpp, cpid: str, connectors: int = 1) -> dict[int, dict[str, str]]:
    """Add a charger and give its sensors states with the integration's units."""
    found = fake.add_charger(cpid, connectors)
    for metrics in found.values():
        for metric, entity_id in metrics.items():
            unit = {"current.import": "A", "current.offered": "A"}.get(metric)
            value = {"status.connector": "Available", "transaction.id": "0"}.get(metric, "0.0")
            fake.hass.states.async_set(
                entity_id, value, {"unit_of_measurement": unit} if unit else {}
            )
    return found


def assert_translated(kind: str, code: str) -> None:
    assert code in STRINGS[kind], code


async def start(hass: HomeAssistant, entry: MockConfigEntry, backend: str) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "charger"), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["ocpp_integration", "builtin_server"]
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": backend}
    )


async def configure(hass: HomeAssistant, result: dict[str, Any], answers: dict[str, Any]):
    return await hass.config_entries.subentries.async_configure(result["flow_id"], answers)


def options(result: dict[str, Any], key: str) -> list[str]:
    for marker, selector in result["data_schema"].schema.items():
        if marker == key:
            return [o["value"] if isinstance(o, dict) else o for o in selector.config["options"]]
    raise KeyError(key)


async def test_add_discovered_connector(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)
    fake.register_get_configuration()
    fake.rate_unit = "Power"
    entities = with_states(fake, "CP_GARAGE")[1]
    entry = hub(hass)

    result = await start(hass, entry, "ocpp_integration")
    assert result["step_id"] == "ocpp_integration"
    assert options(result, "target") == ["CP_GARAGE-1", "manual"]
    result = await configure(hass, result, {"target": "CP_GARAGE-1"})
    # the charger was asked for its rate unit, by its own id
    assert fake.calls == [
        {"devid": "CP_GARAGE", "ocpp_key": "ChargingScheduleAllowedChargingRateUnit"}
    ]
    assert result["step_id"] == "connection"
    assert suggested(result, "charge_point_id") == "CP_GARAGE"
    assert suggested(result, "current_entity") == entities["current.import"]
    assert suggested(result, "status_entity") == entities["status.connector"]
    assert suggested(result, "offered_entity") == entities["current.offered"]
    assert suggested(result, "transaction_entity") == entities["transaction.id"]
    connection = {
        "charge_point_id": "CP_GARAGE",
        "connector_id": 1,
        "connector_count": 1,
        "current_entity": entities["current.import"],
        "status_entity": entities["status.connector"],
        "offered_entity": entities["current.offered"],
        "transaction_entity": entities["transaction.id"],
    }
    result = await configure(hass, result, connection)
    assert result["step_id"] == "details"
    assert suggested(result, "name") == "CP_GARAGE"
    assert suggested(result, "phases") == "A,B,C"
    assert "B,C,A" in options(result, "phases") and "C" in options(result, "phases")
    assert "unit_max_current_a" not in result["data_schema"].schema  # single connector
    assert_form_texts(result, "config_subentries", "charger")
    # the profile internals wait in a collapsed section, with good defaults
    assert field_names(result)["stack_level"] == "profile"
    assert result["data_schema"].schema["profile"].options["collapsed"] is True
    assert suggested(result, "rate_unit") == "w"  # from the charger (its "Power")
    assert suggested(result, "validity") == "absolute"  # relative would expire per session
    result = await configure(
        hass, result, details(profile={"rate_unit": "w", "profile_kind": "tx"})
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.title == "Garage"
    assert subentry.unique_id == "CP_GARAGE-1"
    assert dict(subentry.data) == {
        "backend": "ocpp_integration",
        **connection,
        **DETAILS,
        "phases": ["B", "C", "A"],
        "unit_max_current_a": 16,
        "unit_concurrent": True,
        **PROFILE,
        "rate_unit": "w",
        "profile_kind": "tx",
    }
    assert isinstance(subentry.data["stack_level"], int)
    assert isinstance(subentry.data["priority"], int)


async def test_multi_connector_unit_settings_are_shared(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)  # no get_configuration service: rate unit stays unknown
    entities = with_states(fake, "CP_DUAL", connectors=2)
    entry = hub(hass)

    async def add(connector: int, unit_max: float, concurrent: bool | None) -> dict[str, Any]:
        result = await start(hass, entry, "ocpp_integration")
        result = await configure(hass, result, {"target": f"CP_DUAL-{connector}"})
        result = await configure(
            hass,
            result,
            {
                "charge_point_id": "CP_DUAL",
                "connector_id": connector,
                "connector_count": 2,
                "current_entity": entities[connector]["current.import"],
                "status_entity": entities[connector]["status.connector"],
            },
        )
        assert suggested(result, "name") == f"CP_DUAL {connector}"
        if connector == 2:  # pre-filled from connector 1
            assert suggested(result, "unit_max_current_a") == 32
            assert suggested(result, "unit_concurrent") is False
        details = {**DETAILS, "name": f"Port {connector}", "unit_max_current_a": unit_max}
        if concurrent is not None:
            details["unit_concurrent"] = concurrent
        assert suggested(result, "rate_unit") == "a"
        return await configure(hass, result, {**details, "profile": PROFILE})

    assert (await add(1, 32, False))["type"] is FlowResultType.CREATE_ENTRY
    result = await start(hass, entry, "ocpp_integration")
    assert options(result, "target") == ["CP_DUAL-2", "manual"]  # connector 1 is taken
    assert (await add(2, 24, True))["type"] is FlowResultType.CREATE_ENTRY

    by_connector = {s.data["connector_id"]: s.data for s in entry.subentries.values()}
    for data in by_connector.values():
        assert data["unit_max_current_a"] == 24
        assert data["unit_concurrent"] is True
        assert data["connector_count"] == 2
    assert by_connector[2]["current_entity"] == entities[2]["current.import"]


async def test_abort_when_ocpp_integration_missing(hass: HomeAssistant) -> None:
    entry = hub(hass)
    result = await start(hass, entry, "ocpp_integration")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "ocpp_not_installed"
    fake_ocpp(hass)  # loaded, but no charger has ever been set up
    result = await start(hass, entry, "ocpp_integration")
    assert result["reason"] == "ocpp_not_installed"
    assert_translated("abort", "ocpp_not_installed")


async def test_manual_entry_errors_then_success(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)
    entities = with_states(fake, "CP_GARAGE")[1]
    hass.states.async_set("sensor.wallbox_power", "1200", {"unit_of_measurement": "W"})
    entry = hub(hass)
    result = await start(hass, entry, "ocpp_integration")
    result = await configure(hass, result, {"target": "manual"})
    assert result["step_id"] == "connection"
    assert suggested(result, "charge_point_id") is None  # nothing pre-filled
    good = {
        "charge_point_id": "CP_GARAGE",
        "connector_id": 1,
        "connector_count": 1,
        "current_entity": entities["current.import"],
        "status_entity": entities["status.connector"],
    }
    cases = [
        ({"current_entity": "sensor.missing"}, "current_entity", "entity_not_found"),
        ({"current_entity": "sensor.wallbox_power"}, "current_entity", "wrong_unit"),
        ({"offered_entity": entities["status.connector"]}, "offered_entity", "not_numeric"),
        ({"connector_id": 2}, "connector_id", "connector_above_count"),
        ({"connector_count": 11}, "connector_count", "out_of_range"),
        ({"charge_point_id": "my charger"}, "charge_point_id", "invalid_charge_point_id"),
    ]
    for changes, field, error in cases:
        result = await configure(hass, result, {**good, **changes})
        assert result["errors"] == {field: error}, changes
        assert_translated("error", error)
    result = await configure(hass, result, good)
    assert result["step_id"] == "details"


async def test_same_connector_twice_is_refused(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)
    entities = with_states(fake, "CP_GARAGE")[1]
    existing = ConfigSubentryData(
        data={"backend": "ocpp_integration", "charge_point_id": "CP_GARAGE", "connector_id": 1},
        subentry_type="charger",
        title="Garage",
        unique_id="CP_GARAGE-1",
    )
    entry = hub(hass, [existing])
    result = await start(hass, entry, "ocpp_integration")
    assert options(result, "target") == ["manual"]
    result = await configure(hass, result, {"target": "manual"})
    result = await configure(
        hass,
        result,
        {
            "charge_point_id": "CP_GARAGE",
            "connector_id": 1,
            "connector_count": 1,
            "current_entity": entities["current.import"],
            "status_entity": entities["status.connector"],
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert_translated("abort", "already_configured")
