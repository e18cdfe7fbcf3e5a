"""Setting a hub up, unloading, reloading, and changing its subentries at runtime."""

from __future__ import annotations

from types import MappingProxyType

from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from custom_components.dynamic_ocpp_evse.const import (
    CONF_MODE,
    CONF_NAME,
    CONF_PHASES,
    CONF_POWER_W,
    CONF_PRIORITY,
    CONF_SWITCH_ENTITY,
    DOMAIN,
    SUBENTRY_PLUG,
)
from tests.ha.hub_fixtures import (
    GARAGE,
    HEATER,
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    PLUG3_SWITCH,
    PUMP,
    SiteModel,
    make_entry,
    register_switch,
    settle,
    setup_hub,
    switch_calls,
)


async def _hub(hass: HomeAssistant, solar_w: float = 0.0):
    site = SiteModel(hass, solar_w=solar_w)
    calls = await register_switch(hass, site)
    for switch in (PLUG1_SWITCH, PLUG2_SWITCH, PLUG3_SWITCH):
        hass.states.async_set(switch, "off")
    site.publish()
    entry = make_entry(hass)
    await setup_hub(hass, entry)
    return entry, site, calls


async def test_setup_creates_one_device_per_hub_and_subentry(hass: HomeAssistant) -> None:
    """The hub, both plugs and the circuit each get a device with their entities."""
    entry, _site, _calls = await _hub(hass)
    assert entry.state is ConfigEntryState.LOADED
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    hub = devices.async_get_device({(DOMAIN, entry.entry_id)})
    assert hub is not None and hub.name == "Home"
    for sub_id, name in ((HEATER, "Heater"), (PUMP, "Pump"), (GARAGE, "Garage")):
        device = devices.async_get_device({(DOMAIN, sub_id)})
        assert device is not None and device.name == name
        assert device.via_device_id == hub.id
        assert device.config_entries_subentries[entry.entry_id] == {sub_id}
        owned = er.async_entries_for_device(entities, device.id)
        assert owned and all(e.config_subentry_id == sub_id for e in owned)
    assert hass.states.get("select.heater_operating_mode").attributes["options"] == [
        "continuous",
        "solar",
        "excess",
        "off",
    ]
    assert hass.states.get("sensor.garage_headroom_phase_a") is not None
    assert hass.states.get("sensor.home_status").state == "ok"
    # No battery configured: no battery entities.
    assert hass.states.get("number.home_battery_minimum_charge") is None
    assert hass.states.get("switch.home_allow_grid_charging") is None


async def test_unload_stops_control_and_reload_resumes(hass: HomeAssistant) -> None:
    """After unloading, state changes no longer command plugs; a reload restarts control."""
    entry, site, calls = await _hub(hass)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    calls.clear()
    hass.states.async_set(PLUG2_SWITCH, "off")
    site.publish()
    await settle(hass)
    assert switch_calls(calls) == []

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert switch_calls(calls) == [("turn_on", PLUG2_SWITCH)]


async def test_added_subentry_applies_without_restart_and_keeps_user_settings(
    hass: HomeAssistant,
) -> None:
    """A new plug works right away; the heater keeps the mode the user chose."""
    entry, _site, calls = await _hub(hass)
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: "select.heater_operating_mode", "option": "excess"},
        blocking=True,
    )
    calls.clear()
    boiler = ConfigSubentry(
        data=MappingProxyType(
            {
                CONF_NAME: "Boiler",
                CONF_SWITCH_ENTITY: PLUG3_SWITCH,
                CONF_POWER_W: 500.0,
                CONF_PHASES: ["C"],
                CONF_MODE: "continuous",
                CONF_PRIORITY: 3,
            }
        ),
        subentry_type=SUBENTRY_PLUG,
        title="Boiler",
        unique_id=PLUG3_SWITCH,
    )
    hass.config_entries.async_add_subentry(entry, boiler)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.LOADED
    assert hass.states.get("select.boiler_operating_mode").state == "continuous"
    assert hass.states.get("select.heater_operating_mode").state == "excess"
    assert ("turn_on", PLUG3_SWITCH) in switch_calls(calls)


async def test_removed_subentry_loses_its_device_and_control(hass: HomeAssistant) -> None:
    """Removing the pump removes its device and entities and stops commanding it."""
    entry, site, calls = await _hub(hass)
    hass.config_entries.async_remove_subentry(entry, PUMP)
    await hass.async_block_till_done()
    assert dr.async_get(hass).async_get_device({(DOMAIN, PUMP)}) is None
    assert hass.states.get("select.pump_operating_mode") is None
    calls.clear()
    hass.states.async_set(PLUG2_SWITCH, "off")
    site.publish()
    await settle(hass)
    assert switch_calls(calls) == []


async def test_reconfigured_subentry_applies_new_rating(hass: HomeAssistant) -> None:
    """A plug reconfigured to more power than the surplus is no longer switched on."""
    entry, site, calls = await _hub(hass, solar_w=5000.0)
    assert ("turn_on", PLUG1_SWITCH) in switch_calls(calls)
    heater = entry.subentries[HEATER]
    hass.config_entries.async_update_subentry(
        entry, heater, data={**heater.data, CONF_POWER_W: 9000.0}
    )
    await hass.async_block_till_done()
    assert float(hass.states.get("sensor.heater_allocated_current").state) == 0.0
    assert switch_calls(calls)[-1] == ("turn_off", PLUG1_SWITCH)
    del site
