"""What the flows store is what the hub runs on: real setup, no patched coordinator."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from custom_components.dynamic_ocpp_evse.const import DOMAIN


async def test_hub_and_plug_from_the_ui_are_set_up(hass: HomeAssistant) -> None:
    hass.states.async_set("sensor.grid", "2.0", {"unit_of_measurement": "A"})
    hass.states.async_set("switch.heater", "off")

    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Home", "grid_sensor_a": "sensor.grid", "main_breaker_a": 16, "voltage": 230},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED

    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "plug"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            "name": "Heater",
            "switch_entity": "switch.heater",
            "power_w": 1500,
            "phase": "A",
            "priority": 1,
            "mode": "excess",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    (subentry_id,) = entry.subentries
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, subentry_id)})
    assert device is not None
    assert device.name == "Heater"
    selects = [
        e
        for e in er.async_entries_for_device(er.async_get(hass), device.id)
        if e.domain == "select"
    ]
    assert selects, "the plug has a mode select"
    assert hass.states.get(selects[0].entity_id).state == "excess"  # the initial mode
    await hass.config_entries.async_unload(entry.entry_id)
