"""Each control path of generic and thermal loads, end to end through a running hub.

number.set_value (W, with steps), input_number.set_value (A), a switch,
water_heater.set_temperature, climate.set_temperature / set_hvac_mode; and a plug
whose appliance has finished (idle) stops reserving its power but stays on.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.const import (
    CONF_MODE,
    CONF_NAME,
    CONF_PHASES,
    CONF_POWER_ENTITY,
    CONF_POWER_W,
    CONF_PRIORITY,
    CONF_SWITCH_ENTITY,
    SUBENTRY_PLUG,
)
from tests.ha.hub_fixtures import (
    PLUG1_SWITCH,
    PLUG3_SWITCH,
    advance,
    make_entry,
    register_switch,
    set_grid,
    set_solar,
    setup_hub,
    switch_calls,
)
from tests.ha.load_fixtures import device_calls, generic, register_devices, thermal

NUMBER = "number.heater_power"
WALLBOX = "input_number.wallbox_current"
TANK = "water_heater.tank"
ROOM = "climate.living_room"


async def _hub(hass: HomeAssistant, *subentries: ConfigSubentryDataWithId) -> None:
    await setup_hub(hass, make_entry(hass, plugs=False, extra=list(subentries)))


async def _metered(
    hass: HomeAssistant, freezer: Any, house_a: float, others_a: float | None = None
) -> None:
    """Let a minute pass with the grid meter reading house plus what the heater is set to."""
    for _ in range(12):
        heater_a = float(hass.states.get(NUMBER).state) / 230
        rest = house_a if others_a is None else others_a
        set_grid(hass, house_a + heater_a, rest, rest)
        await advance(hass, freezer, 5)


async def test_number_setpoint_in_watts_follows_the_surplus_on_its_steps(
    hass: HomeAssistant, freezer: Any
) -> None:
    calls = await register_devices(hass)
    hass.states.async_set(NUMBER, "0", {"min": 0, "max": 3000, "step": 250})
    set_grid(hass, -6.0, -6.0, -6.0)  # 4140 W export
    set_solar(hass, 5000)
    heater = generic(
        "sub_heater",
        "Immersion heater",
        control="setpoint",
        control_entity=NUMBER,
        setpoint_unit="w",
        setpoint_step=250,
        min_power_w=500,
        max_power_w=3000,
        phases=["A"],
        mode="solar",
    )
    await _hub(hass, heater)
    await _metered(hass, freezer, house_a=-6.0)
    assert device_calls(calls)[-1] == ("number.set_value", NUMBER, {"value": 3000.0})
    # Clouds: 1900 W of surplus without the heater (house and solar -8.26 A in all).
    await _metered(hass, freezer, house_a=-4.0, others_a=-2.13)
    assert device_calls(calls)[-1] == ("number.set_value", NUMBER, {"value": 1750.0})
    values = [c[2]["value"] for c in device_calls(calls)]
    assert all((v - 500) % 250 == 0 for v in values if v > 0), values
    assert hass.states.get("sensor.immersion_heater_reason").state == "solar_surplus"


async def test_input_number_setpoint_in_amps_ramps_a_wallbox_in_whole_amps(
    hass: HomeAssistant, freezer: Any
) -> None:
    calls = await register_devices(hass)
    hass.states.async_set(WALLBOX, "0", {"min": 0, "max": 16, "step": 1})
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0)
    wallbox = generic(
        "sub_wallbox",
        "Wallbox",
        control="setpoint",
        control_entity=WALLBOX,
        setpoint_unit="a",
        setpoint_step=1,
        min_power_w=6 * 690,
        max_power_w=16 * 690,
        phases=["A", "B", "C"],
        mode="continuous",
    )
    await _hub(hass, wallbox)
    await advance(hass, freezer, 60)
    values = [c[2]["value"] for c in device_calls(calls)]
    assert values[-1] == 16.0
    assert all(float(v).is_integer() for v in values), values
    assert hass.states.get(WALLBOX).state == "16.0"


async def test_switched_generic_load_runs_continuously(hass: HomeAssistant, freezer: Any) -> None:
    calls = await register_switch(hass)
    hass.states.async_set(PLUG3_SWITCH, "off")
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0)
    pump = generic(
        "sub_pump",
        "Pool pump",
        control="switch",
        control_entity=PLUG3_SWITCH,
        max_power_w=1200,
        phases=["C"],
        mode="continuous",
    )
    await _hub(hass, pump)
    await advance(hass, freezer, 10)
    assert switch_calls(calls) == [("turn_on", PLUG3_SWITCH)]
    assert hass.states.get("sensor.pool_pump_status").state == "running"


def _tank(**changes: Any) -> ConfigSubentryDataWithId:
    data = {
        "thermal_kind": "water",
        "control_entity": TANK,
        "max_power_w": 3000,
        "phases": ["B"],
        "target_c": 45,
        "hysteresis_c": 3,
        "boost_c": 70,
        "limit_c": 75,
        "mode": "continuous",
        **changes,
    }
    return thermal("sub_tank", "Water tank", **data)


async def test_water_heater_is_set_to_heat_then_set_back(hass: HomeAssistant, freezer: Any) -> None:
    calls = await register_devices(hass)
    attrs = {"min_temp": 35, "max_temp": 75, "current_temperature": 40, "temperature": 50}
    hass.states.async_set(TANK, "eco", attrs)
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0)
    await _hub(hass, _tank())
    await advance(hass, freezer, 10)
    # 40 C is below the band (42..48 C): heat, towards the boost ceiling 70 C.
    assert device_calls(calls) == [("water_heater.set_temperature", TANK, {"temperature": 70.0})]
    hass.states.async_set(TANK, "eco", {**attrs, "current_temperature": 49, "temperature": 70})
    await advance(hass, freezer, 10)
    # Above the band's top and not boosting (continuous): set back to its minimum.
    assert device_calls(calls)[-1] == ("water_heater.set_temperature", TANK, {"temperature": 35.0})
    assert hass.states.get("sensor.water_tank_reason").state == "comfort_kept"


async def test_water_heater_with_an_unreadable_temperature_rests(
    hass: HomeAssistant, freezer: Any
) -> None:
    calls = await register_devices(hass)
    hass.states.async_set(TANK, "eco", {"min_temp": 35, "current_temperature": 40})
    hass.states.async_set("sensor.tank_temperature", "unavailable")
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0)
    await _hub(hass, _tank(temperature_entity="sensor.tank_temperature"))
    await advance(hass, freezer, 10)
    assert all(c[2] == {"temperature": 35.0} for c in device_calls(calls))
    assert hass.states.get("sensor.water_tank_reason").state == "temperature_unknown"


def _room(**changes: Any) -> ConfigSubentryDataWithId:
    data = {
        "thermal_kind": "room",
        "control_entity": ROOM,
        "max_power_w": 2000,
        "phases": ["C"],
        "target_c": 21,
        "hysteresis_c": 0.5,
        "boost_c": 2,
        "limit_c": 25,
        "min_c": 17,
        "cooling": "auto",
        "mode": "eco",
        **changes,
    }
    return thermal("sub_room", "Living room", **data)


async def test_climate_heats_then_cools_then_is_switched_off(
    hass: HomeAssistant, freezer: Any
) -> None:
    calls = await register_devices(hass)
    hass.states.async_set(ROOM, "heat", {"current_temperature": 19.0, "temperature": 21})
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0)
    await _hub(hass, _room())
    await advance(hass, freezer, 10)
    # Winter, 19 C: below the band (20.5..21.5 C), heat towards 23 C (target + 2).
    assert device_calls(calls) == [("climate.set_temperature", ROOM, {"temperature": 23.0})]
    # Summer: the user set the climate to cool; 23.5 C is above the band: cool to 19 C.
    hass.states.async_set(ROOM, "cool", {"current_temperature": 23.5, "temperature": 21})
    await advance(hass, freezer, 10)
    assert device_calls(calls)[-1] == ("climate.set_temperature", ROOM, {"temperature": 19.0}), (
        device_calls(calls)
    )
    # Cool enough (20.0 C) and no surplus to pre-cool with: the climate is switched off.
    hass.states.async_set(ROOM, "cool", {"current_temperature": 20.0, "temperature": 19})
    await advance(hass, freezer, 10)
    assert device_calls(calls)[-1] == ("climate.set_hvac_mode", ROOM, {"hvac_mode": "off"})


async def test_climate_in_off_mode_is_switched_on_to_heat(
    hass: HomeAssistant, freezer: Any
) -> None:
    """A climate that is off is set to heat (auto: a cold day outside) before its setpoint."""
    calls = await register_devices(hass)
    hass.states.async_set(ROOM, "off", {"current_temperature": 18.0})
    hass.states.async_set("sensor.outdoor", "3", {"unit_of_measurement": "°C"})
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0)
    await _hub(hass, _room(outdoor_entity="sensor.outdoor", mode="continuous"))
    await advance(hass, freezer, 10)
    assert device_calls(calls)[:2] == [
        ("climate.set_hvac_mode", ROOM, {"hvac_mode": "heat"}),
        ("climate.set_temperature", ROOM, {"temperature": 23.0}),
    ]


async def test_finished_washing_machine_stops_reserving_but_stays_on(
    hass: HomeAssistant, freezer: Any
) -> None:
    calls = await register_switch(hass)
    hass.states.async_set(PLUG1_SWITCH, "on")
    hass.states.async_set("sensor.washer_power", "2000", {"unit_of_measurement": "W"})
    set_grid(hass, 2.0 + 2000 / 230, 2.0, 2.0)
    set_solar(hass, 0)
    washer = ConfigSubentryDataWithId(
        data={
            CONF_NAME: "Washing machine",
            CONF_SWITCH_ENTITY: PLUG1_SWITCH,
            CONF_POWER_W: 2000,
            CONF_PHASES: ["A"],
            CONF_POWER_ENTITY: "sensor.washer_power",
            "idle_w": 5,
            "idle_s": 300,
            CONF_MODE: "continuous",
            CONF_PRIORITY: 1,
        },
        subentry_id="sub_washer",
        subentry_type=SUBENTRY_PLUG,
        title="Washing machine",
        unique_id=PLUG1_SWITCH,
    )
    await _hub(hass, washer)
    await advance(hass, freezer, 10)
    assert hass.states.get("sensor.washing_machine_status").state == "running"
    # The programme ends: 1 W for five minutes.
    hass.states.async_set("sensor.washer_power", "1", {"unit_of_measurement": "W"})
    set_grid(hass, 2.0, 2.0, 2.0)
    await advance(hass, freezer, 320)
    assert hass.states.get("sensor.washing_machine_status").state == "inactive"
    assert float(hass.states.get("sensor.washing_machine_allocated_current").state) == 0
    assert switch_calls(calls) == []  # left on: it was never switched off
    # Someone starts another programme: it draws and counts again.
    hass.states.async_set("sensor.washer_power", "1900", {"unit_of_measurement": "W"})
    set_grid(hass, 2.0 + 1900 / 230, 2.0, 2.0)
    await advance(hass, freezer, 10)
    assert hass.states.get("sensor.washing_machine_status").state == "running"
    assert switch_calls(calls) == []
