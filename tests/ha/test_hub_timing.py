"""The hidden hub ``timing`` mapping reaches the controller (used by the live demo)."""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.const import CONF_TIMING
from custom_components.dynamic_ocpp_evse.scenario_config import build_config
from custom_components.dynamic_ocpp_evse.settings import build_settings
from tests.ha.hub_fixtures import HUB_DATA, make_entry


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
