"""The integration's services: what each one changes, and how bad input is refused."""

from __future__ import annotations

from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import (
    CHARGER,
    HEATER,
    PLUG1_SWITCH,
    PUMP,
    charger,
    start_hub,
    switch_calls,
)


@pytest.fixture
async def hub(hass: HomeAssistant) -> dict[str, Any]:
    """A hub with two plugs, a circuit and a charger; device ids by name."""
    running = await start_hub(hass, extra=[charger()])
    entry, calls = running.entry, running.calls
    devices = dr.async_get(hass)

    def device(ident: str) -> str:
        found = devices.async_get_device({(DOMAIN, ident)})
        assert found is not None
        return found.id

    return {
        "entry": entry,
        "calls": calls,
        "hub": device(entry.entry_id),
        "heater": device(HEATER),
        "pump": device(PUMP),
        "charger": device(CHARGER),
    }


async def _call(hass: HomeAssistant, service: str, **data: Any) -> None:
    await hass.services.async_call(DOMAIN, service, data, blocking=True)
    await hass.async_block_till_done()


async def _refused(hass: HomeAssistant, key: str, service: str, **data: Any) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, service, **data)
    assert err.value.translation_key == key


async def test_set_operating_mode(hass: HomeAssistant, hub: dict[str, Any]) -> None:
    """A plug set to continuous shows the new mode and is switched on."""
    hub["calls"].clear()
    await _call(hass, "set_operating_mode", device_id=hub["heater"], mode="continuous")
    assert hass.states.get("select.heater_operating_mode").state == "continuous"
    assert switch_calls(hub["calls"]) == [("turn_on", PLUG1_SWITCH)]
    await _call(hass, "set_operating_mode", device_id=hub["charger"], mode="eco")
    assert hass.states.get("select.wallbox_operating_mode").state == "eco"


async def test_set_operating_mode_refuses_bad_input(
    hass: HomeAssistant, hub: dict[str, Any]
) -> None:
    """A charger-only mode on a plug, the hub device, and unknown devices are refused."""
    await _refused(
        hass, "mode_not_allowed", "set_operating_mode", device_id=hub["heater"], mode="eco"
    )
    await _refused(
        hass, "mode_not_allowed", "set_operating_mode", device_id=hub["charger"], mode="continuous"
    )
    await _refused(hass, "not_a_load", "set_operating_mode", device_id=hub["hub"], mode="solar")
    await _refused(hass, "device_not_found", "set_operating_mode", device_id="nope", mode="solar")
    assert hass.states.get("select.heater_operating_mode").state == "solar"


async def test_set_distribution_mode(hass: HomeAssistant, hub: dict[str, Any]) -> None:
    """The hub's distribution mode changes; a load device is not a hub."""
    await _call(hass, "set_distribution_mode", device_id=hub["hub"], distribution="shared")
    assert hass.states.get("select.home_distribution_mode").state == "shared"
    assert hub["entry"].runtime_data.coordinator.data.result["site"]["distribution"] == "shared"
    await _refused(
        hass, "not_a_hub", "set_distribution_mode", device_id=hub["pump"], distribution="strict"
    )
    assert hass.states.get("select.home_distribution_mode").state == "shared"


async def test_set_current_limits(hass: HomeAssistant, hub: dict[str, Any]) -> None:
    """A charger's min and max change together or one at a time."""
    await _call(hass, "set_current_limits", device_id=hub["charger"], min_current=8, max_current=12)
    assert float(hass.states.get("number.wallbox_minimum_current").state) == 8.0
    assert float(hass.states.get("number.wallbox_maximum_current").state) == 12.0
    await _call(hass, "set_current_limits", device_id=hub["charger"], max_current=10)
    assert float(hass.states.get("number.wallbox_maximum_current").state) == 10.0
    assert float(hass.states.get("number.wallbox_minimum_current").state) == 8.0


async def test_set_current_limits_refuses_bad_input(
    hass: HomeAssistant, hub: dict[str, Any]
) -> None:
    """Min above max, values beyond the charger's configured maximum, and plugs are refused."""
    dev = hub["charger"]
    await _refused(
        hass, "min_above_max", "set_current_limits", device_id=dev, min_current=12, max_current=8
    )
    await _refused(hass, "out_of_range", "set_current_limits", device_id=dev, max_current=40)
    await _refused(hass, "out_of_range", "set_current_limits", device_id=dev, min_current=-1)
    await _refused(
        hass, "not_a_charger", "set_current_limits", device_id=hub["heater"], max_current=5
    )
    assert float(hass.states.get("number.wallbox_minimum_current").state) == 6.0
    assert float(hass.states.get("number.wallbox_maximum_current").state) == 16.0
    # One value alone is checked against the other one's current setting.
    await _call(hass, "set_current_limits", device_id=dev, max_current=10)
    await _refused(hass, "min_above_max", "set_current_limits", device_id=dev, min_current=12)
    assert float(hass.states.get("number.wallbox_minimum_current").state) == 6.0


async def test_set_priority(hass: HomeAssistant, hub: dict[str, Any]) -> None:
    """Priority changes; 0 and 100 are out of range."""
    await _call(hass, "set_priority", device_id=hub["pump"], priority=1)
    assert float(hass.states.get("number.pump_priority").state) == 1.0
    await _refused(hass, "out_of_range", "set_priority", device_id=hub["pump"], priority=0)
    await _refused(hass, "out_of_range", "set_priority", device_id=hub["pump"], priority=100)
    await _refused(hass, "not_a_load", "set_priority", device_id=hub["hub"], priority=2)
    assert float(hass.states.get("number.pump_priority").state) == 1.0


async def test_reset_charger(hass: HomeAssistant, hub: dict[str, Any]) -> None:
    """The charger's adapter is asked to reset; plugs cannot be reset; failures are reported."""
    adapter = hub["entry"].runtime_data.coordinator.adapters[CHARGER]
    with patch.object(adapter, "async_reset", AsyncMock()) as reset:
        await _call(hass, "reset_charger", device_id=hub["charger"])
    reset.assert_awaited_once()
    await _refused(hass, "not_a_charger", "reset_charger", device_id=hub["heater"])
    with (
        patch.object(adapter, "async_reset", AsyncMock(side_effect=RuntimeError("offline"))),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _call(hass, "reset_charger", device_id=hub["charger"])
    assert err.value.translation_key == "reset_failed"


async def test_reinstall_profiles_button(hass: HomeAssistant, hub: dict[str, Any]) -> None:
    """The charger's button is named for what it does and does the same as the action;
    its unique id is the one the former "Reset charger" button had."""
    adapter = hub["entry"].runtime_data.coordinator.adapters[CHARGER]
    entity_id = "button.wallbox_reinstall_charging_profiles"
    assert hass.states.get(entity_id).attributes["friendly_name"] == (
        "Wallbox Reinstall charging profiles"
    )
    assert er.async_get(hass).async_get(entity_id).unique_id == f"{CHARGER}_reset"
    with patch.object(adapter, "async_reset", AsyncMock()) as reset:
        await hass.services.async_call("button", "press", {"entity_id": entity_id}, blocking=True)
    reset.assert_awaited_once()
    assert hass.states.get("button.heater_reinstall_charging_profiles") is None


@pytest.mark.parametrize(
    ("field", "value", "accepted"),
    [
        ("max_current", 0.0, True),  # 0: no charging
        ("max_current", 3.0, False),  # between 0 and the 6 A minimum
        ("max_current", 5.9, False),
        ("max_current", 6.0, True),
        ("min_current", 0.1, False),
        ("min_current", 8.0, True),
    ],
)
async def test_current_numbers_take_zero_or_min_to_max(
    hass: HomeAssistant, hub: dict[str, Any], field: str, value: float, accepted: bool
) -> None:
    """A charger current is 0 or within its configured 6..16 A, by number and by action."""
    entity_id = f"number.wallbox_{field.replace('_current', '')}imum_current"
    before = hass.states.get(entity_id).state
    call = hass.services.async_call(
        "number", "set_value", {"entity_id": entity_id, "value": value}, blocking=True
    )
    if accepted:
        await call
        assert float(hass.states.get(entity_id).state) == value
        return
    with pytest.raises(ServiceValidationError) as err:
        await call
    assert err.value.translation_key == "current_below_minimum"
    assert err.value.translation_placeholders == {"value": f"{value:g}", "min": "6", "max": "16"}
    assert hass.states.get(entity_id).state == before
    await _refused(
        hass,
        "current_below_minimum",
        "set_current_limits",
        device_id=hub["charger"],
        **{field: value},
    )


async def test_services_refuse_an_unloaded_hub(hass: HomeAssistant, hub: dict[str, Any]) -> None:
    """A device of an unloaded hub cannot be targeted."""
    assert await hass.config_entries.async_unload(hub["entry"].entry_id)
    await _refused(hass, "hub_not_loaded", "set_priority", device_id=hub["pump"], priority=2)
