"""Thermal load subentry flow: a water tank and a room, their defaults, every
validation error, reconfiguring, and the texts of both forms."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import assert_form_texts, assert_rejected, field_names, suggested

HUB = {"name": "Home", "grid_sensor_a": "sensor.grid_l1", "grid_sensor_b": "sensor.grid_l2"}
TANK = {
    "control_entity": "water_heater.tank",
    "max_power_w": 3000,
    "phase": "A",
    "target_c": 50,
    "hysteresis_c": 4,
    "boost_c": 65,
    "limit_c": 70,
    "priority": 1,
    "mode": "excess",
}


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    hass.states.async_set("water_heater.tank", "eco", {"current_temperature": 48})
    hass.states.async_set("climate.living_room", "heat", {"current_temperature": 20})
    hass.states.async_set("switch.tank_contactor", "off")
    hass.states.async_set("sensor.tank_temperature", "48", {"unit_of_measurement": "°C"})
    hass.states.async_set("sensor.outdoor", "5", {"unit_of_measurement": "°C"})
    hub = MockConfigEntry(domain=DOMAIN, title="Home", data=HUB)
    hub.add_to_hass(hass)
    return hub


async def start(
    hass: HomeAssistant, entry: MockConfigEntry, name: str, kind: str
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "thermal"), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "user"
    assert_form_texts(result, "config_subentries", "thermal")
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": name, "thermal_kind": kind}
    )


async def test_add_a_water_tank(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await start(hass, entry, "Water tank", "water")
    assert result["step_id"] == "details"
    assert_form_texts(result, "config_subentries", "thermal")
    assert "min_c" not in field_names(result)  # a tank has only its maximum
    defaults = [suggested(result, k) for k in ("target_c", "hysteresis_c", "boost_c", "limit_c")]
    assert defaults == [45.0, 3.0, 70.0, 75.0]
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], TANK)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    tank = next(iter(entry.subentries.values()))
    assert (tank.title, tank.subentry_type) == ("Water tank", "thermal")
    assert tank.data["thermal_kind"] == "water"
    assert tank.data["phases"] == ["A"]
    assert tank.data["boost_c"] == 65


async def test_add_a_room_with_a_heat_pump(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await start(hass, entry, "Living room", "room")
    defaults = [suggested(result, k) for k in ("target_c", "hysteresis_c", "boost_c", "limit_c")]
    assert defaults == [21.0, 0.5, 2.0, 25.0]
    assert suggested(result, "min_c") == 17.0
    assert suggested(result, "cooling") == "auto"
    answers = {
        "control_entity": "climate.living_room",
        "outdoor_entity": "sensor.outdoor",
        "max_power_w": 2000,
        "phase": "B",
        "target_c": 21,
        "hysteresis_c": 0.5,
        "boost_c": 2,
        "limit_c": 24,
        "min_c": 18,
        "cooling": "auto",
        "priority": 2,
        "mode": "eco",
        "advanced": {"min_on_s": 600, "min_off_s": 300},
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    room = next(iter(entry.subentries.values()))
    assert room.data["thermal_kind"] == "room"
    assert room.data["timing"] == {"min_on_s": 600, "min_off_s": 300}


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"control_entity": "switch.tank_contactor"}, "temperature_entity", "temperature_needed"),
        ({"control_entity": "water_heater.missing"}, "control_entity", "entity_not_found"),
        ({"target_c": 68}, "target_c", "band_past_limit"),
        ({"boost_c": 80, "limit_c": 75}, "boost_c", "band_past_limit"),
        ({"limit_c": 120}, "limit_c", "out_of_range"),
        ({"max_power_w": 0}, "max_power_w", "out_of_range"),
    ],
)
async def test_add_tank_errors(
    hass: HomeAssistant, entry: MockConfigEntry, changes: dict[str, Any], field: str, error: str
) -> None:
    result = await start(hass, entry, "Water tank", "water")
    await assert_rejected(hass, result, {**TANK, **changes}, "thermal", **{field: error})


async def test_a_switched_tank_with_its_sensor(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await start(hass, entry, "Boiler", "water")
    answers = {
        **TANK,
        "control_entity": "switch.tank_contactor",
        "temperature_entity": "sensor.tank_temperature",
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")


async def test_name_taken_on_the_first_step(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await start(hass, entry, "Water tank", "water")  # abandoned: nothing stored
    first = await start(hass, entry, "Water tank", "water")
    await hass.config_entries.subentries.async_configure(first["flow_id"], TANK)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "thermal"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "WATER tank", "thermal_kind": "water"}
    )
    assert result["errors"] == {"name": "name_exists"}


async def test_reconfigure_a_tank(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    first = await start(hass, entry, "Water tank", "water")
    await hass.config_entries.subentries.async_configure(first["flow_id"], TANK)
    tank_id = next(iter(entry.subentries))
    result = await entry.start_subentry_reconfigure_flow(hass, "thermal", tank_id)
    assert result["step_id"] == "reconfigure"
    assert_form_texts(result, "config_subentries", "thermal")
    assert suggested(result, "name") == "Water tank"
    assert suggested(result, "target_c") == 50
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**TANK, "name": "Tank", "phase": "A,B", "limit_c": 72}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    tank = entry.subentries[tank_id]
    assert (tank.title, tank.data["phases"], tank.data["limit_c"]) == ("Tank", ["A", "B"], 72)
    assert tank.data["thermal_kind"] == "water"
