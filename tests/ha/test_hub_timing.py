"""The ``timing`` of the hub and of each load reaches the controller.

The forms' advanced sections store it; the live demo sets it by hand.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.const import CONF_TIMING
from custom_components.dynamic_ocpp_evse.engine.controller import Controller
from custom_components.dynamic_ocpp_evse.scenario_config import build_config
from custom_components.dynamic_ocpp_evse.settings import build_settings
from tests.ha.hub_fixtures import HEATER, HUB_DATA, PUMP, make_entry


async def test_timing_goes_to_the_site_and_to_every_load(hass: HomeAssistant) -> None:
    data = {**HUB_DATA, CONF_TIMING: {"raise_hold_s": 15, "pause_s": 30}}
    entry = make_entry(hass, data=data)
    config = build_config(entry, build_settings(hass, entry))
    assert config["site"]["raise_hold_s"] == 15
    assert "pause_s" not in config["site"]
    assert config["loads"] and all(load["pause_s"] == 30 for load in config["loads"])


async def test_without_timing_the_controller_defaults_apply(hass: HomeAssistant) -> None:
    entry = make_entry(hass)
    config = build_config(entry, build_settings(hass, entry))
    assert "raise_hold_s" not in config["site"]
    assert all("pause_s" not in load for load in config["loads"])


async def test_a_load_s_own_timing_replaces_the_hub_s_for_that_load(hass: HomeAssistant) -> None:
    data = {**HUB_DATA, CONF_TIMING: {"pause_s": 30, "grace_s": 90, "margin_a": 2.0}}
    entry = make_entry(hass, data=data)
    heater = entry.subentries[HEATER]
    hass.config_entries.async_update_subentry(
        entry, heater, data={**heater.data, CONF_TIMING: {"pause_s": 600}}
    )
    config = build_config(entry, build_settings(hass, entry))
    loads = {load["id"]: load for load in config["loads"]}
    assert loads[HEATER]["pause_s"] == 600 and loads[HEATER]["grace_s"] == 90
    assert loads[PUMP]["pause_s"] == 30
    assert config["site"]["margin_a"] == 2.0
    assert "margin_a" not in loads[PUMP]


async def test_unusable_timing_values_fall_back_to_the_defaults(hass: HomeAssistant) -> None:
    """A hand-edited entry must not stop the controller."""
    timing = {"pause_s": "soon", "raise_hold_s": -5, "grace_s": float("inf"), "bogus": 3}
    entry = make_entry(hass, data={**HUB_DATA, CONF_TIMING: timing})
    config = build_config(entry, build_settings(hass, entry))
    assert "raise_hold_s" not in config["site"] and "bogus" not in config["site"]
    assert all("pause_s" not in load and "grace_s" not in load for load in config["loads"])
    Controller(config)  # accepted as it is
