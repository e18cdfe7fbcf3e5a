"""User settings survive a restart (restore cache) but only values the user chose."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import mock_restore_cache_with_extra_data

from tests.ha.hub_fixtures import (
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    SiteModel,
    make_entry,
    register_switch,
    setup_hub,
    switch_calls,
)


def _saved(entity_id: str, state: str, value: object, user_set: bool = True) -> tuple:
    return (State(entity_id, state), {"value": value, "user_set": user_set})


async def test_settings_restored_after_restart(hass: HomeAssistant) -> None:
    """Mode, priority and dynamic control come back and drive the first cycle."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            _saved("select.heater_operating_mode", "continuous", "continuous"),
            _saved("number.pump_priority", "5", 5),
            _saved("switch.pump_dynamic_control", "off", False),
            # Never chosen by the user: the configured value stays.
            _saved("select.home_distribution_mode", "strict", "strict", user_set=False),
            # Not a number: ignored.
            _saved("number.heater_priority", "x", "x"),
        ],
    )
    site = SiteModel(hass)
    calls = await register_switch(hass, site)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    site.publish()
    await setup_hub(hass, make_entry(hass))

    assert hass.states.get("select.heater_operating_mode").state == "continuous"
    assert float(hass.states.get("number.pump_priority").state) == 5.0
    assert hass.states.get("switch.pump_dynamic_control").state == "off"
    assert hass.states.get("select.home_distribution_mode").state == "priority"
    assert float(hass.states.get("number.heater_priority").state) == 1.0
    # The heater runs (continuous); the pump is left alone (dynamic control off).
    assert switch_calls(calls) == [("turn_on", PLUG1_SWITCH)]


async def test_restored_mode_not_offered_is_ignored(hass: HomeAssistant) -> None:
    """A charger mode saved for a plug is not restored."""
    mock_restore_cache_with_extra_data(hass, [_saved("select.heater_operating_mode", "eco", "eco")])
    await register_switch(hass)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    SiteModel(hass).publish()
    await setup_hub(hass, make_entry(hass))
    assert hass.states.get("select.heater_operating_mode").state == "solar"
