"""Charger subentry flow: details checks (profile in its section), built-in server, reconfigure."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.ha.flow_helpers import field_names, suggested
from tests.ha.test_ocpp_discovery import fake_ocpp
from tests.ha.test_subentry_charger import (
    DETAILS,
    HUB,
    PROFILE,
    assert_translated,
    configure,
    details,
    hub,
    start,
    with_states,
)


async def builtin_to_details(hass: HomeAssistant, entry: MockConfigEntry, count: int = 1):
    result = await start(hass, entry, "builtin_server")
    return await configure(
        hass,
        result,
        {"charge_point_id": "wallbox1", "connector_id": 1, "connector_count": count},
    )


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"min_current_a": 20}, "min_current_a", "min_above_max"),
        ({"max_current_a": 90}, "max_current_a", "out_of_range"),
        ({"priority": 0}, "priority", "out_of_range"),
        ({"name": "heater"}, "name", "name_exists"),
        ({"max_current_a": 40, "unit_max_current_a": 32}, "max_current_a", "above_unit_max"),
    ],
)
async def test_details_errors(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    plug = ConfigSubentryData(data={}, subentry_type="plug", title="Heater", unique_id=None)
    entry = hub(hass, [plug], ocpp_server_enabled=True)
    result = await builtin_to_details(hass, entry, count=2)
    assert result["step_id"] == "details"
    result = await configure(
        hass, result, details(**{"unit_max_current_a": 32, "unit_concurrent": True, **changes})
    )
    assert result["errors"] == {field: error}
    assert_translated("error", error)


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"stack_level": 0}, "stack_level", "out_of_range"),
        ({"profile_validity_s": 10}, "profile_validity_s", "out_of_range"),
        ({"min_send_interval_s": 0}, "min_send_interval_s", "out_of_range"),
        ({"compliance_cycles": 0}, "compliance_cycles", "out_of_range"),
    ],
)
async def test_profile_errors_are_shown_on_the_profile_section(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    entry = hub(hass, ocpp_server_enabled=True)
    result = await builtin_to_details(hass, entry)
    result = await configure(hass, result, details(profile=changes))
    assert result["step_id"] == "details"
    assert field_names(result)[field] == "profile"
    assert result["errors"] == {"profile": error}


async def test_tx_profile_needs_transaction_sensor(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)
    entities = with_states(fake, "CP_GARAGE")[1]
    entry = hub(hass)
    result = await start(hass, entry, "ocpp_integration")
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
    result = await configure(hass, result, details(profile={"profile_kind": "tx"}))
    assert result["errors"] == {"profile": "transaction_entity_required"}
    assert_translated("error", "transaction_entity_required")
    result = await configure(hass, result, details())
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_builtin_server_charger(hass: HomeAssistant) -> None:
    entry = hub(hass)
    result = await start(hass, entry, "builtin_server")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "builtin_server_disabled"
    assert_translated("abort", "builtin_server_disabled")

    hass.config_entries.async_update_entry(entry, data={**HUB, "ocpp_server_enabled": True})
    result = await start(hass, entry, "builtin_server")
    assert result["step_id"] == "builtin_server"
    answers = {"charge_point_id": "wallbox/1", "connector_id": 1, "connector_count": 1}
    result = await configure(hass, result, answers)
    assert result["errors"] == {"charge_point_id": "invalid_charge_point_id"}
    result = await configure(
        hass, result, {**answers, "charge_point_id": "wallbox1", "password": "s3cret"}
    )
    assert suggested(result, "name") == "wallbox1"
    result = await configure(hass, result, details(phases="C"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = entry.subentries.values()
    assert subentry.unique_id == "wallbox1-1"
    assert subentry.data["backend"] == "builtin_server"
    assert subentry.data["password"] == "s3cret"
    assert subentry.data["phases"] == ["C"]
    assert "current_entity" not in subentry.data


async def test_reconfigure_ocpp_charger(hass: HomeAssistant) -> None:
    fake = fake_ocpp(hass)
    entities = with_states(fake, "CP_GARAGE")[1]
    data = {
        "backend": "ocpp_integration",
        "charge_point_id": "CP_GARAGE",
        "connector_id": 1,
        "connector_count": 1,
        "current_entity": entities["current.import"],
        "status_entity": entities["status.connector"],
        "offered_entity": entities["current.offered"],
        **DETAILS,
        "phases": ["A", "B", "C"],
        "unit_max_current_a": 16,
        "unit_concurrent": True,
        **PROFILE,
    }
    sub = ConfigSubentryData(
        data=data, subentry_type="charger", title="Garage", unique_id="CP_GARAGE-1"
    )
    entry = hub(hass, [sub])
    (subentry_id,) = entry.subentries
    result = await entry.start_subentry_reconfigure_flow(hass, "charger", subentry_id)
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {
        "charge_point_id": "CP_GARAGE",
        "connector_id": "1",
    }
    assert suggested(result, "offered_entity") == entities["current.offered"]
    result = await configure(
        hass,
        result,
        {
            "connector_count": 1,
            "current_entity": entities["current.import"],
            "status_entity": "sensor.gone",
        },
    )
    assert result["errors"] == {"status_entity": "entity_not_found"}
    result = await configure(
        hass,
        result,
        {
            "connector_count": 1,
            "current_entity": entities["current.import"],
            "status_entity": entities["status.connector"],
        },
    )
    assert suggested(result, "phases") == "A,B,C"
    assert suggested(result, "name") == "Garage"
    assert suggested(result, "stack_level") == 3
    result = await configure(
        hass, result, details(name="Carport", max_current_a=20, profile={"stack_level": 5})
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"

    subentry = entry.subentries[subentry_id]
    assert subentry.title == "Carport"
    assert subentry.unique_id == "CP_GARAGE-1"
    assert subentry.data["max_current_a"] == 20
    assert subentry.data["unit_max_current_a"] == 20
    assert subentry.data["stack_level"] == 5
    assert "offered_entity" not in subentry.data  # cleared by the user


async def test_reconfigure_builtin_charger(hass: HomeAssistant) -> None:
    data = {
        "backend": "builtin_server",
        "charge_point_id": "wallbox1",
        "connector_id": 2,
        "connector_count": 2,
        "password": "old",
        **DETAILS,
        "phases": ["A"],
        "unit_max_current_a": 32,
        "unit_concurrent": False,
        **PROFILE,
    }
    sub = ConfigSubentryData(
        data=data, subentry_type="charger", title="Garage", unique_id="wallbox1-2"
    )
    entry = hub(hass, [sub], ocpp_server_enabled=True)
    (subentry_id,) = entry.subentries
    result = await entry.start_subentry_reconfigure_flow(hass, "charger", subentry_id)
    assert "current_entity" not in result["data_schema"].schema
    result = await configure(hass, result, {"connector_count": 1, "password": "new"})
    assert result["errors"] == {"connector_count": "connector_above_count"}
    result = await configure(hass, result, {"connector_count": 2, "password": "new"})
    assert suggested(result, "unit_concurrent") is False
    result = await configure(
        hass, result, details(phases="A", unit_max_current_a=32, unit_concurrent=False)
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[subentry_id].data["password"] == "new"


async def test_builtin_connector_already_configured_is_refused(hass: HomeAssistant) -> None:
    existing = ConfigSubentryData(
        data={"backend": "builtin_server", "charge_point_id": "wallbox1", "connector_id": 1},
        subentry_type="charger",
        title="Wallbox",
        unique_id="wallbox1-1",
    )
    entry = hub(hass, [existing], ocpp_server_enabled=True)
    result = await builtin_to_details(hass, entry, count=2)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert_translated("abort", "already_configured")
    # the charger's other connector is still welcome
    result = await start(hass, entry, "builtin_server")
    result = await configure(
        hass, result, {"charge_point_id": "wallbox1", "connector_id": 2, "connector_count": 2}
    )
    assert result["step_id"] == "details"
    assert suggested(result, "name") == "wallbox1 2"
