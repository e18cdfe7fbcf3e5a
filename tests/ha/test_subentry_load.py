"""Generic load subentry flow: adding (switch and setpoint), every validation error,
reconfiguring, and the texts of its form."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import assert_form_texts, assert_rejected, suggested

HUB = {
    "name": "Home",
    "grid_sensor_a": "sensor.grid_l1",
    "grid_sensor_b": "sensor.grid_l2",
    "grid_sensor_c": "sensor.grid_l3",
}
HEATER = {
    "name": "Immersion heater",
    "control": "setpoint",
    "control_entity": "number.heater_power",
    "setpoint_unit": "w",
    "setpoint_step": 100,
    "min_power_w": 500,
    "max_power_w": 3000,
    "phase": "A,B,C",
    "power_entity": "sensor.heater_power",
    "priority": 2,
    "mode": "solar",
    "advanced": {"min_on_s": 120, "min_off_s": 60},
}


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    hass.states.async_set("number.heater_power", "0", {"min": 0, "max": 3000})
    hass.states.async_set("input_number.wallbox", "6")
    hass.states.async_set("switch.pool_pump", "off")
    hass.states.async_set("sensor.heater_power", "0", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.heater_energy", "1", {"unit_of_measurement": "kWh"})
    existing = ConfigSubentryData(
        data={"control": "switch", "control_entity": "switch.pool_pump", "phases": ["A"]},
        subentry_type="load",
        title="Pool pump",
        unique_id=None,
    )
    hub = MockConfigEntry(domain=DOMAIN, title="Home", data=HUB, subentries_data=[existing])
    hub.add_to_hass(hass)
    return hub


async def start(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, "load"), context={"source": SOURCE_USER}
    )


async def test_add_a_setpoint_load_on_three_phases(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await start(hass, entry)
    assert result["step_id"] == "user"
    assert_form_texts(result, "config_subentries", "load")
    options = [o["value"] for o in result["data_schema"].schema["phase"].config["options"]]
    assert options == ["A", "B", "C", "A,B", "A,C", "B,C", "A,B,C"]
    assert suggested(result, "mode") == "solar"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], HEATER)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    load = next(s for s in entry.subentries.values() if s.title == "Immersion heater")
    assert load.subentry_type == "load"
    assert load.data["phases"] == ["A", "B", "C"]
    assert load.data["timing"] == {"min_on_s": 120, "min_off_s": 60}
    assert (load.data["min_power_w"], load.data["max_power_w"]) == (500, 3000)
    assert load.data["setpoint_step"] == 100


async def test_add_a_switched_load(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await start(hass, entry)
    answers = {
        "name": "Dehumidifier",
        "control": "switch",
        "control_entity": "switch.pool_pump",
        "max_power_w": 600,
        "phase": "B",
        "priority": 1,
        "mode": "excess",
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    load = next(s for s in entry.subentries.values() if s.title == "Dehumidifier")
    assert load.data["phases"] == ["B"] and load.data["control"] == "switch"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"name": "pool PUMP"}, "name", "name_exists"),
        ({"control_entity": "switch.pool_pump"}, "control_entity", "wrong_control_entity"),
        ({"control": "switch"}, "control_entity", "wrong_control_entity"),
        ({"control_entity": "number.missing"}, "control_entity", "entity_not_found"),
        ({"power_entity": "sensor.heater_energy"}, "power_entity", "wrong_unit"),
        ({"min_power_w": 4000}, "min_power_w", "min_above_max"),
        ({"max_power_w": 90000}, "max_power_w", "out_of_range"),
        ({"advanced": {"min_on_s": -5}}, "advanced", "out_of_range"),
    ],
)
async def test_add_load_errors(
    hass: HomeAssistant, entry: MockConfigEntry, changes: dict[str, Any], field: str, error: str
) -> None:
    result = await start(hass, entry)
    await assert_rejected(hass, result, {**HEATER, **changes}, "load", **{field: error})


async def test_reconfigure_a_load(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    pump_id = next(sid for sid, s in entry.subentries.items() if s.title == "Pool pump")
    result = await entry.start_subentry_reconfigure_flow(hass, "load", pump_id)
    assert result["step_id"] == "reconfigure"
    assert_form_texts(result, "config_subentries", "load")
    assert suggested(result, "name") == "Pool pump"
    assert suggested(result, "phase") == "A"
    answers = {
        "name": "Pool pump",
        "control": "setpoint",
        "control_entity": "input_number.wallbox",
        "setpoint_unit": "a",
        "setpoint_step": 1,
        "min_power_w": 1380,
        "max_power_w": 3680,
        "phase": "A,C",
        "priority": 4,
        "mode": "eco",
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    pump = entry.subentries[pump_id]
    assert pump.data["phases"] == ["A", "C"]
    assert pump.data["control_entity"] == "input_number.wallbox"
    assert pump.data["mode"] == "eco"
