"""End to end: grid and solar states drive the plugs through the switch services."""

from __future__ import annotations

from typing import Any

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant

from tests.ha.hub_fixtures import (
    HEATER,
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    SiteModel,
    advance,
    make_entry,
    register_switch,
    set_grid,
    settle,
    setup_hub,
    start_hub,
    switch_calls,
)


async def _start(
    hass: HomeAssistant, house_a: float = 2.0, solar_w: float = 0.0, **kw: Any
) -> tuple[SiteModel, list[Any]]:
    hub = await start_hub(hass, SiteModel(hass, house_a=house_a, solar_w=solar_w), **kw)
    return hub.site, hub.calls


async def _select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    await hass.services.async_call(
        "select", "select_option", {ATTR_ENTITY_ID: entity_id, "option": option}, blocking=True
    )
    await hass.async_block_till_done()


async def test_solar_plug_switches_on_with_surplus_and_off_when_it_goes(
    hass: HomeAssistant, freezer: Any
) -> None:
    """The heater (solar mode) follows the surplus; the pump (continuous) just runs."""
    site, calls = await _start(hass)
    # No surplus: only the continuous pump is switched on.
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH)]
    assert hass.states.get("sensor.heater_reason").state == "no_solar_surplus"

    site.solar_w = 5000.0  # ~3.3 kW export: room for the 2 kW heater
    site.publish()
    await hass.async_block_till_done()
    await advance(hass, freezer, 60)
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH), ("turn_on", PLUG1_SWITCH)]
    assert hass.states.get(PLUG1_SWITCH).state == "on"
    assert hass.states.get("sensor.heater_status").state == "running"
    assert float(hass.states.get("sensor.heater_allocated_current").state) > 8.6

    site.solar_w = 0.0  # a cloud: the surplus is gone
    site.publish()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.heater_status").state == "grace"
    await advance(hass, freezer, 320)  # beyond the 5 min solar grace
    assert switch_calls(calls)[2:] == [("turn_off", PLUG1_SWITCH)]
    assert hass.states.get(PLUG1_SWITCH).state == "off"
    assert hass.states.get(PLUG2_SWITCH).state == "on"


async def test_mode_select_changes_what_the_plug_does(hass: HomeAssistant, freezer: Any) -> None:
    """Without surplus a solar heater stays off; continuous turns it on at once."""
    _site, calls = await _start(hass)
    calls.clear()

    await _select(hass, "select.heater_operating_mode", "continuous")
    assert switch_calls(calls) == [("turn_on", PLUG1_SWITCH)]
    assert hass.states.get("select.heater_operating_mode").state == "continuous"

    await _select(hass, "select.heater_operating_mode", "solar")
    await advance(hass, freezer, 320)
    assert switch_calls(calls) == [("turn_on", PLUG1_SWITCH), ("turn_off", PLUG1_SWITCH)]


async def test_overload_in_a_grid_change_is_acted_on_in_the_same_cycle(
    hass: HomeAssistant,
) -> None:
    """A reading above the breaker bypasses the debounce: the heater goes off at once."""
    site, calls = await _start(hass)
    await _select(hass, "select.heater_operating_mode", "continuous")
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH), ("turn_on", PLUG1_SWITCH)]
    calls.clear()

    # A small change first puts the debouncer into its cooldown ...
    site.house_a["C"] = 3.0
    site.publish()
    await hass.async_block_till_done()
    # ... then cooking pushes phase A over the 25 A breaker (heater included).
    set_grid(hass, 28.0, 2.0 + 1000 / 230, 3.0)
    await hass.async_block_till_done()  # no timer fired: the debounce never ran

    assert switch_calls(calls) == [("turn_off", PLUG1_SWITCH)]
    assert hass.states.get("sensor.heater_reason").state == "breaker_phase"
    attrs = hass.states.get("sensor.heater_reason").attributes
    assert attrs["reference"] == "A"


async def test_dynamic_control_off_leaves_the_plug_alone(hass: HomeAssistant, freezer: Any) -> None:
    """With dynamic control off the heater gets no commands, whatever the surplus."""
    site, calls = await _start(hass)
    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.heater_dynamic_control"}, blocking=True
    )
    await hass.async_block_till_done()
    calls.clear()

    site.solar_w = 6000.0
    site.publish()
    await advance(hass, freezer, 60)
    assert switch_calls(calls) == []
    assert hass.states.get("sensor.heater_status").state == "manual"
    assert hass.states.get("sensor.heater_reason").state == "manual"
    assert hass.states.get("sensor.heater_allocated_current").state == "unknown"


async def test_failed_switch_call_is_reported_and_retried(
    hass: HomeAssistant, freezer: Any
) -> None:
    """An unreachable plug shows as a fault and is retried with back-off (5 s, 10 s, 20 s)."""
    _site, calls = await _start(hass, fail=True)
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH)]
    status = hass.states.get("sensor.pump_status")
    assert status.state == "fault"
    assert status.attributes["adapter_status"] == "service_failed"

    await advance(hass, freezer, 10)  # retried after 5 s, then waits 10 s
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH)] * 2
    await advance(hass, freezer, 20)  # retried at 15 s, then waits 20 s
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH)] * 3


async def test_grid_in_kilowatts_with_inverted_sign(hass: HomeAssistant) -> None:
    """Power readings are converted with the voltage; inversion flips export to minus."""
    from custom_components.dynamic_ocpp_evse.const import CONF_GRID_INVERT
    from tests.ha.hub_fixtures import HUB_DATA, set_solar

    await register_switch(hass)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    set_grid(hass, 0.46, 0.23, -0.23, unit="kW")  # export reported as +
    set_solar(hass, 0)
    entry = make_entry(hass, data={**HUB_DATA, CONF_GRID_INVERT: True})
    await setup_hub(hass, entry)
    grid = entry.runtime_data.coordinator.data.measurements["site"]["grid_current_a"]
    assert grid == {"A": -2.0, "B": -1.0, "C": 1.0}


async def test_unavailable_grid_sensor_sets_status(hass: HomeAssistant) -> None:
    """A grid phase that cannot be read is reported on the hub's status sensor."""
    _site, _calls = await _start(hass)
    assert hass.states.get("sensor.home_status").state == "ok"
    hass.states.async_set("sensor.grid_b", "unavailable")
    await settle(hass)
    status = hass.states.get("sensor.home_status")
    assert status.state == "sensors_unavailable"
    assert "B" in status.attributes["reason"]
    entry = hass.config_entries.async_entries("dynamic_ocpp_evse")[0]
    assert entry.runtime_data.coordinator.data.measurements["site"]["grid_current_a"]["B"] is None
    assert HEATER in entry.runtime_data.coordinator.data.loads


async def test_import_limit_from_an_entity(hass: HomeAssistant) -> None:
    """The import limit follows its entity; an unreadable entity keeps the last value."""
    from custom_components.dynamic_ocpp_evse.const import (
        CONF_IMPORT_LIMIT_ENTITY,
        CONF_IMPORT_LIMIT_W,
    )
    from tests.ha.hub_fixtures import HUB_DATA

    site = SiteModel(hass)  # the house imports 6 A x 230 V = 1380 W
    calls = await register_switch(hass, site)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    hass.states.async_set("number.import_cap", "2000", {"unit_of_measurement": "W"})
    site.publish()
    data = {k: v for k, v in HUB_DATA.items() if k != CONF_IMPORT_LIMIT_W}
    await setup_hub(
        hass, make_entry(hass, data={**data, CONF_IMPORT_LIMIT_ENTITY: "number.import_cap"})
    )
    assert switch_calls(calls) == []  # 620 W left: not enough for the 1000 W pump
    assert hass.states.get("sensor.pump_reason").state == "import_limit"
    assert hass.states.get("number.home_import_limit") is None  # not a fixed number

    hass.states.async_set("number.import_cap", "unavailable")
    await settle(hass)
    assert switch_calls(calls) == []  # the last known 2000 W still applies

    hass.states.async_set("number.import_cap", "3", {"unit_of_measurement": "kW"})
    await settle(hass)
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH)]


async def test_input_boolean_plug_and_its_power_sensor(hass: HomeAssistant) -> None:
    """An input_boolean plug is driven through its own services; its power sensor is its draw."""
    from pytest_homeassistant_custom_component.common import async_mock_service

    from custom_components.dynamic_ocpp_evse.const import CONF_POWER_ENTITY
    from tests.ha.hub_fixtures import plug

    turn_on = async_mock_service(hass, "input_boolean", "turn_on")
    hass.states.async_set("input_boolean.kettle", "off")
    hass.states.async_set("sensor.kettle_power", "0", {"unit_of_measurement": "W"})
    SiteModel(hass).publish()
    kettle = plug("sub_kettle", "Kettle", "input_boolean.kettle", 2000.0, "C", "continuous", 1)
    kettle["data"] = {**kettle["data"], CONF_POWER_ENTITY: "sensor.kettle_power"}
    entry = make_entry(hass, plugs=False, extra=[kettle])
    await setup_hub(hass, entry)
    assert [c.data for c in turn_on] == [{"entity_id": "input_boolean.kettle"}]

    hass.states.async_set("input_boolean.kettle", "on")
    hass.states.async_set("sensor.kettle_power", "1.5", {"unit_of_measurement": "kW"})
    await settle(hass)
    draw = entry.runtime_data.coordinator.data.measurements["loads"]["sub_kettle"]["draw_a"]
    assert draw == [1500 / 230]
    assert len(turn_on) == 1


async def test_status_initializing_until_the_grid_is_read(hass: HomeAssistant) -> None:
    """At start-up, before the meter has reported, the hub says it is initializing."""
    await register_switch(hass)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    await setup_hub(hass, make_entry(hass))
    assert hass.states.get("sensor.home_status").state == "initializing"
    SiteModel(hass).publish()
    await settle(hass)
    assert hass.states.get("sensor.home_status").state == "ok"


async def test_off_mode_stops_a_running_plug_and_says_so(hass: HomeAssistant) -> None:
    """Mode off switches the continuous pump off at once; its status and reason say off."""
    _site, calls = await _start(hass)
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH)]
    calls.clear()
    assert "off" in hass.states.get("select.pump_operating_mode").attributes["options"]

    await _select(hass, "select.pump_operating_mode", "off")
    assert switch_calls(calls) == [("turn_off", PLUG2_SWITCH)]
    assert hass.states.get("sensor.pump_status").state == "off"
    assert hass.states.get("sensor.pump_reason").state == "off"
    assert float(hass.states.get("sensor.pump_allocated_current").state) == 0

    await _select(hass, "select.pump_operating_mode", "continuous")
    assert switch_calls(calls) == [("turn_off", PLUG2_SWITCH), ("turn_on", PLUG2_SWITCH)]


async def test_a_plug_whose_switch_cannot_be_read_is_offline_not_unavailable(
    hass: HomeAssistant, freezer: Any
) -> None:
    """``unavailable`` is Home Assistant's own state: our status says ``offline``."""
    await _start(hass)
    hass.states.async_set(PLUG2_SWITCH, "unavailable")
    await hass.async_block_till_done()
    await advance(hass, freezer, 10)
    status = hass.states.get("sensor.pump_status")
    assert status.state == "offline"
    assert status.attributes["adapter_status"] == "offline"
    assert "offline" in status.attributes["options"]
    assert "unavailable" not in status.attributes["options"]
