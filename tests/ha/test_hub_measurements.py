"""Reading Home Assistant states: units, signs and unusable values never raise."""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.const import CONF_GRID_INVERT
from custom_components.dynamic_ocpp_evse.measurements import read_site
from tests.ha.hub_fixtures import (
    HUB_DATA,
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    SOLAR,
    circuit,
    make_entry,
    register_switch,
    set_grid,
    setup_hub,
)


async def test_units_and_unusable_values(hass: HomeAssistant) -> None:
    """A, mA, W and kW are converted; text, unknown units and missing entities read None."""
    hass.states.async_set("sensor.grid_a", "4600", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.grid_b", "-1500", {"unit_of_measurement": "mA"})
    hass.states.async_set("sensor.grid_c", "12", {"unit_of_measurement": "V"})
    hass.states.async_set(SOLAR, "1.5", {"unit_of_measurement": "kW"})
    reading = read_site(hass, HUB_DATA)
    assert reading.grid_a == {"A": 20.0, "B": -1.5, "C": None}
    assert reading.solar_w == 1500.0
    assert reading.unavailable == ["sensor.grid_c"]

    hass.states.async_set("sensor.grid_a", "abc", {"unit_of_measurement": "A"})
    hass.states.async_set("sensor.grid_b", "nan", {"unit_of_measurement": "A"})
    hass.states.async_set("sensor.grid_c", "unknown")
    hass.states.async_remove(SOLAR)
    reading = read_site(hass, {**HUB_DATA, CONF_GRID_INVERT: True})
    assert reading.grid_a == {"A": None, "B": None, "C": None}
    assert reading.solar_w is None


async def test_an_impossible_circuit_tree_is_reported_not_raised(hass: HomeAssistant) -> None:
    """Two circuits that are each other's parent: the hub reports a configuration error."""
    await register_switch(hass)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    set_grid(hass, 1, 1, 1)
    entry = make_entry(
        hass,
        with_circuit=False,
        extra=[
            circuit("sub_c1", "Left", 16, [], parent="sub_c2"),
            circuit("sub_c2", "Right", 16, [], parent="sub_c1"),
        ],
    )
    await setup_hub(hass, entry)
    status = hass.states.get("sensor.home_status")
    assert status.state == "config_error"
    assert "contains itself" in status.attributes["reason"]
    # what the controller would compute cannot be shown: unavailable, not a stale value
    for entity_id in ("sensor.heater_allocated_current", "sensor.heater_status"):
        assert hass.states.get(entity_id).state == "unavailable"
    assert hass.states.get("sensor.home_headroom_phase_a").state == "unavailable"
    assert hass.states.get("sensor.home_grid_power").state != "unavailable"  # a reading
