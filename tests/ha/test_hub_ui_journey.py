"""The "done when" journey: a hub with two plugs and a circuit created through the UI
flows, a plug's mode changed from its select entity, and the plug following the sun."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import (
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    SiteModel,
    advance,
    register_switch,
    switch_calls,
)


async def _add(hass: HomeAssistant, entry_id: str, kind: str, answers: dict[str, Any]) -> None:
    result = await hass.config_entries.subentries.async_init(
        (entry_id, kind), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done()


async def test_hub_two_plugs_and_a_circuit_from_the_ui(hass: HomeAssistant, freezer: Any) -> None:
    """Set up through the flows, then switch the heater to solar and let the sun come out."""
    site = SiteModel(hass)
    calls = await register_switch(hass, site)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    site.publish()
    for entity_id in ("sensor.grid_a", "sensor.grid_b", "sensor.grid_c"):
        state = hass.states.get(entity_id)
        hass.states.async_set(
            entity_id, state.state, {**state.attributes, "device_class": "current"}
        )

    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "name": "Home",
            "grid_sensor_a": "sensor.grid_a",
            "grid_sensor_b": "sensor.grid_b",
            "grid_sensor_c": "sensor.grid_c",
            "main_breaker_a": 25,
            "voltage": 230,
            "solar": {"solar_entity": "sensor.solar"},
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done()
    entry = result["result"]

    plug = {"power_w": 2000, "phase": "A", "priority": 1, "mode": "continuous"}
    await _add(
        hass, entry.entry_id, "plug", {"name": "Heater", "switch_entity": PLUG1_SWITCH, **plug}
    )
    pump = {"power_w": 1000, "phase": "B", "priority": 2, "mode": "continuous"}
    await _add(
        hass, entry.entry_id, "plug", {"name": "Pump", "switch_entity": PLUG2_SWITCH, **pump}
    )
    members = [sid for sid, sub in entry.subentries.items() if sub.subentry_type == "plug"]
    await _add(
        hass, entry.entry_id, "circuit", {"name": "Garage", "limit_a": 16, "members": members}
    )
    assert hass.states.get("sensor.garage_load_phase_a") is not None
    # Both plugs run (continuous), each switched on exactly once.
    assert sorted(switch_calls(calls)) == [("turn_on", PLUG1_SWITCH), ("turn_on", PLUG2_SWITCH)]
    calls.clear()

    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.heater_operating_mode", "option": "solar"},
        blocking=True,
    )
    await advance(hass, freezer, 320)  # no sun: off after the solar grace
    assert switch_calls(calls) == [("turn_off", PLUG1_SWITCH)]

    site.solar_w = 6000.0
    site.publish()
    await advance(hass, freezer, 240)  # the sun is out: on again after the pause
    assert switch_calls(calls) == [("turn_off", PLUG1_SWITCH), ("turn_on", PLUG1_SWITCH)]
    assert hass.states.get("sensor.heater_status").state == "running"
    assert float(hass.states.get("sensor.garage_load_phase_a").state) > 8.6
