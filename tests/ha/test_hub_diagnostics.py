"""Diagnostics: inputs, measurements, the controller's result with reasons, commands; no secrets."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.dynamic_ocpp_evse.const import (
    BACKEND_BUILTIN,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_NAME,
    CONF_PASSWORD,
    SUBENTRY_CHARGER,
)
from tests.ha.hub_fixtures import (
    HEATER,
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    PUMP,
    SiteModel,
    make_entry,
    register_switch,
    setup_hub,
)


async def test_diagnostics_content(hass: HomeAssistant, hass_client: Any) -> None:
    """Everything needed to explain a decision is there, and the password is not."""
    site = SiteModel(hass)
    await register_switch(hass, site)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    site.publish()
    builtin = ConfigSubentryDataWithId(
        data=MappingProxyType(
            {
                CONF_NAME: "Garage box",
                CONF_BACKEND: BACKEND_BUILTIN,
                CONF_CHARGE_POINT_ID: "box1",
                CONF_PASSWORD: "hunter2",
            }
        ),
        subentry_id="sub_box",
        subentry_type=SUBENTRY_CHARGER,
        title="Garage box",
        unique_id="box1-1",
    )
    entry = make_entry(hass, extra=[builtin])
    await setup_hub(hass, entry)

    diag = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    assert "hunter2" not in str(diag)
    assert diag["subentries"]["sub_box"]["data"][CONF_PASSWORD] == "**REDACTED**"
    assert diag["inputs"]["sensor.grid_a"]["state"] == "2.0"
    assert diag["measurements"]["site"]["grid_current_a"]["A"] == 2.0
    assert diag["result"]["loads"][HEATER]["reason"] == "no_solar_surplus"
    assert diag["result"]["loads"][PUMP]["current_a"] > 4.3
    assert [c["load_id"] for c in diag["commands_sent"]].count(PUMP) == 1
    assert diag["adapters"]["sub_box"]["status"] == "adapter_missing"
    assert diag["status"] == {"state": "ok", "reason": None}
