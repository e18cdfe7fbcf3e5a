"""Issue 13's "done when": one hub manages a charger, a plug on two phases, a generic
variable load, a water tank and a heat pump together, every one added from the UI.

Set up through the flows (the hub with the excess threshold read as a gate), then:
every load has its mode select, status and reason; the charger gets a profile, the
plug is switched on, the tank (cold) and the room (cold) are set to heat; the
heater (solar mode) waits for the sun and follows it once it shines.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import PLUG1_SWITCH, advance, register_switch, set_grid, set_solar
from tests.ha.load_fixtures import device_calls, register_devices
from tests.ha.test_ocpp_adapter_standin import stand_in

NUMBER = "number.heater_power"
TANK = "water_heater.tank"
ROOM = "climate.living_room"


async def _add(
    hass: HomeAssistant, entry_id: str, kind: str, *steps: dict[str, Any]
) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry_id, kind), context={"source": SOURCE_USER}
    )
    for answers in steps:
        assert result["type"] in (FlowResultType.FORM, FlowResultType.MENU), result
        result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done()
    return result


async def test_charger_plug_load_tank_and_heat_pump_from_the_ui(
    hass: HomeAssistant, freezer: Any
) -> None:
    fake = await stand_in(hass)
    fake.entry.mock_state(hass, ConfigEntryState.LOADED)  # the ocpp integration is running
    ids = fake.add_charger("cp1")[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
    fake.set_state(ids["current.offered"], 6.0)
    switches = await register_switch(hass)
    devices = await register_devices(hass)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(NUMBER, "0", {"min": 0, "max": 3000})
    hass.states.async_set(TANK, "eco", {"min_temp": 35, "current_temperature": 38})
    hass.states.async_set(ROOM, "heat", {"current_temperature": 19.5})
    hass.states.async_set("sensor.outdoor", "4", {"unit_of_measurement": "°C"})
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0)

    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "name": "Home",
            "grid_sensor_a": "sensor.grid_a",
            "grid_sensor_b": "sensor.grid_b",
            "grid_sensor_c": "sensor.grid_c",
            "main_breaker_a": 40,
            "voltage": 230,
            "solar": {
                "solar_entity": "sensor.solar",
                "excess_threshold_w": 10000,
                "excess_threshold_mode": "gate",
            },
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.data["excess_threshold_mode"] == "gate"
    hub = entry.entry_id

    await _add(
        hass,
        hub,
        "charger",
        {"next_step_id": "ocpp_integration"},
        {"target": "manual"},
        {
            "charge_point_id": "cp1",
            "connector_id": 1,
            "connector_count": 1,
            "current_entity": ids["current.import"],
            "status_entity": ids["status.connector"],
        },
        {
            "name": "Wallbox",
            "phases": "A,B,C",
            "min_current_a": 6,
            "max_current_a": 16,
            "priority": 1,
            "mode": "standard",
        },
    )
    await _add(
        hass,
        hub,
        "plug",
        {
            "name": "Dryer",
            "switch_entity": PLUG1_SWITCH,
            "power_w": 3000,
            "phase": "B,C",
            "priority": 2,
            "mode": "continuous",
        },
    )
    await _add(
        hass,
        hub,
        "load",
        {
            "name": "Heater",
            "control": "setpoint",
            "control_entity": NUMBER,
            "setpoint_unit": "w",
            "setpoint_step": 100,
            "min_power_w": 300,
            "max_power_w": 3000,
            "phase": "A",
            "priority": 3,
            "mode": "solar",
        },
    )
    await _add(
        hass,
        hub,
        "thermal",
        {"name": "Water tank", "thermal_kind": "water"},
        {"control_entity": TANK, "max_power_w": 3000, "phase": "B", "mode": "eco"},
    )
    await _add(
        hass,
        hub,
        "thermal",
        {"name": "Heat pump", "thermal_kind": "room"},
        {
            "control_entity": ROOM,
            "outdoor_entity": "sensor.outdoor",
            "max_power_w": 2000,
            "phase": "C",
            "mode": "eco",
        },
    )
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)

    # (the charger's device is named after its charge point: cp1)
    for name in ("cp1", "dryer", "heater", "water_tank", "heat_pump"):
        assert hass.states.get(f"select.{name}_operating_mode") is not None, name
        assert hass.states.get(f"sensor.{name}_status") is not None, name
        assert hass.states.get(f"sensor.{name}_reason") is not None, name
        assert hass.states.get(f"number.{name}_priority") is not None, name
    assert fake.limits() and fake.limits()[-1] >= 6.0  # the car charges
    assert ("turn_on", PLUG1_SWITCH) in [(c.service, c.data["entity_id"]) for c in switches]
    sent = device_calls(devices)
    # The tank at 38 C is below its band (42..48 C), the room at 19.5 C below 20.5 C:
    # both are kept in comfort whatever the surplus (eco), heating to their ceilings.
    assert ("water_heater.set_temperature", TANK, {"temperature": 70.0}) in sent
    assert ("climate.set_temperature", ROOM, {"temperature": 23.0}) in sent
    assert hass.states.get("sensor.water_tank_status").state == "running"
    assert hass.states.get("sensor.heat_pump_status").state == "running"
    # No sun yet: the solar heater waits.
    assert hass.states.get("sensor.heater_reason").state == "no_solar_surplus"

    # Noon: the tank (49 C) and the room (21.6 C) are in their bands and may store
    # surplus as heat; 25 kW of solar. The meter reads house + solar + what runs:
    # dryer 3000 W (B, C), tank 3000 W (B), heat pump 2000 W (C), charger and heater 0.
    hass.states.async_set(TANK, "eco", {"min_temp": 35, "current_temperature": 49})
    hass.states.async_set(ROOM, "heat", {"current_temperature": 21.6})
    set_solar(hass, 25000)
    running_a = (3000 + 3000 + 2000) / 230
    per_phase = (-25000 / 230 + running_a) / 3
    set_grid(hass, per_phase, per_phase, per_phase)
    await advance(hass, freezer, 30)
    # Standard and comfort first (charger 11 kW, dryer 3 kW), then the solar tier in
    # priority order: tank and heat pump boost (5 kW), the heater takes its 3 kW.
    assert hass.states.get("sensor.water_tank_status").state == "running"
    assert hass.states.get("sensor.heat_pump_status").state == "running"
    values = [c[2]["value"] for c in device_calls(devices) if c[0] == "number.set_value"]
    assert values[-1] == 3000.0, values
