"""Hub config flow, reconfiguring: pre-filled sections, cleared fields, timing, phases in use."""

from __future__ import annotations

from unittest.mock import AsyncMock

import pytest
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import assert_form_texts, suggested
from tests.ha.test_config_flow import (
    STORED,
    assert_translated,
    submit,
    with_sections,
)


@pytest.mark.usefixtures("sensors")
async def test_reconfigure_changes_settings_and_clears_fields(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    old = {**STORED, "update_interval_s": 2.0, "timing": {"margin_a": 1.5, "refresh_s": 30}}
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=old)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert_form_texts(result, "config")
    assert suggested(result, "voltage") == 230
    assert suggested(result, "grid_sensor_c") == "sensor.grid_l3"
    assert suggested(result, "import_limit_w") == 11000
    assert suggested(result, "distribution") == "shared"
    assert suggested(result, "margin_a") == 1.5
    assert suggested(result, "battery_soc_entity") == "sensor.battery_soc"

    answers = with_sections(
        import_limit={"import_limit_w": None},
        battery={"battery_soc_entity": None},
        advanced={"margin_a": 1.0, "pause_s": 60},
    )
    result = await submit(hass, result, {**answers, "name": "Home sweet home", "voltage": 240})
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT  # no battery: no battery step
    assert result["reason"] == "reconfigure_successful"
    assert entry.title == "Home sweet home"
    assert entry.data["voltage"] == 240
    # fields the user emptied are gone, not kept from before
    assert "import_limit_w" not in entry.data
    assert "battery_soc_entity" not in entry.data
    assert "battery_power_entity" not in entry.data
    assert entry.data["solar_entity"] == "sensor.solar_power"
    # timing: back at the default -> not stored; changed -> stored; not in the form -> kept
    assert entry.data["timing"] == {"pause_s": 60, "refresh_s": 30}
    assert entry.data["update_interval_s"] == 2.0  # no longer asked, still honoured
    assert mock_setup.await_count == 1  # reloaded with the new settings


@pytest.mark.usefixtures("sensors")
async def test_reconfigure_keeps_own_name_and_refuses_dropping_used_phase(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    plug = ConfigSubentryData(
        data={"phases": ["C"], "switch_entity": "switch.heater"},
        subentry_type="plug",
        title="Heater",
        unique_id=None,
    )
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=STORED, subentries_data=[plug])
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    answers = {k: v for k, v in with_sections().items() if k != "grid_sensor_c"}
    result = await submit(hass, result, answers)
    assert result["errors"] == {"grid_sensor_c": "phase_in_use"}
    assert_translated("phase_in_use")
    # keeping phase C (and the hub's own name) is fine
    result = await submit(hass, result, with_sections())
    assert result["step_id"] == "battery"
    assert suggested(result, "battery_min_soc") == 15
