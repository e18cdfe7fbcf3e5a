"""One owner per setting: between an entity and the entry's form, the change made last wins.

A value changed on an entity (mode select, priority number, distribution select ...)
stays until the same value is changed in the form; changing it in the form applies
the form's value and the entity follows. A reconfigure form shows the value in
force. After a restart an entity restores its value only if the form has not
changed that value meanwhile.
"""

from __future__ import annotations

from typing import Any

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, State
from pytest_homeassistant_custom_component.common import mock_restore_cache_with_extra_data

from tests.ha.flow_helpers import suggested
from tests.ha.hub_fixtures import (
    HEATER,
    start_hub,
)

HEATER_MODE = "select.heater_operating_mode"
DISTRIBUTION = "select.home_distribution_mode"


async def _hub(hass: HomeAssistant) -> Any:
    return (await start_hub(hass)).entry


async def _select(hass: HomeAssistant, entity_id: str, option: str) -> None:
    await hass.services.async_call(
        "select", "select_option", {ATTR_ENTITY_ID: entity_id, "option": option}, blocking=True
    )


async def _reconfigure_heater(hass: HomeAssistant, entry: Any, **changes: Any) -> Any:
    result = await entry.start_subentry_reconfigure_flow(hass, "plug", HEATER)
    heater = entry.subentries[HEATER]
    answers = {
        "name": heater.title,
        "switch_entity": heater.data["switch_entity"],
        "power_w": heater.data["power_w"],
        "phase": heater.data["phases"][0],
        "priority": suggested(result, "priority"),
        "mode": suggested(result, "mode"),
        **changes,
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    return result


async def test_the_form_shows_the_mode_in_force_and_keeps_it(hass: HomeAssistant) -> None:
    entry = await _hub(hass)
    assert entry.subentries[HEATER].data["mode"] == "solar"
    await _select(hass, HEATER_MODE, "excess")

    result = await entry.start_subentry_reconfigure_flow(hass, "plug", HEATER)
    assert suggested(result, "mode") == "excess"  # not the stored "solar"
    await _reconfigure_heater(hass, entry, power_w=2500)  # mode left as shown

    assert hass.states.get(HEATER_MODE).state == "excess"
    assert entry.subentries[HEATER].data["mode"] == "excess"


async def test_a_mode_changed_in_the_form_after_the_entity_applies(hass: HomeAssistant) -> None:
    entry = await _hub(hass)
    await _select(hass, HEATER_MODE, "excess")
    await _reconfigure_heater(hass, entry, mode="continuous")
    assert hass.states.get(HEATER_MODE).state == "continuous"
    # and the entity may change it again afterwards
    await _select(hass, HEATER_MODE, "solar")
    assert hass.states.get(HEATER_MODE).state == "solar"


async def test_the_entity_s_change_survives_a_reload_while_the_form_is_untouched(
    hass: HomeAssistant,
) -> None:
    entry = await _hub(hass)
    await _select(hass, DISTRIBUTION, "strict")
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(DISTRIBUTION).state == "strict"

    result = await entry.start_reconfigure_flow(hass)
    assert suggested(result, "distribution") == "strict"  # the hub form shows it too


async def test_a_value_changed_in_the_entry_after_the_entity_applies(hass: HomeAssistant) -> None:
    entry = await _hub(hass)
    await _select(hass, DISTRIBUTION, "strict")
    hass.config_entries.async_update_entry(entry, data={**entry.data, "distribution": "shared"})
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(DISTRIBUTION).state == "shared"


def _saved(entity_id: str, value: Any, base: Any = ...) -> tuple[State, dict[str, Any]]:
    extra: dict[str, Any] = {"value": value, "user_set": True}
    if base is not ...:
        extra["base"] = base
    return State(entity_id, str(value)), extra


async def test_after_a_restart_a_value_is_restored_only_while_its_base_holds(
    hass: HomeAssistant,
) -> None:
    """Heater stored "solar": a change made when it was "solar" comes back; one made
    when the form said "continuous" does not (the form changed it later)."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            _saved(HEATER_MODE, "excess", base="continuous"),
            _saved("select.pump_operating_mode", "solar", base="continuous"),
            _saved("number.heater_priority", 7),  # saved before bases existed: restored
        ],
    )
    await _hub(hass)
    assert hass.states.get(HEATER_MODE).state == "solar"  # the form's value
    assert hass.states.get("select.pump_operating_mode").state == "solar"  # the entity's
    assert float(hass.states.get("number.heater_priority").state) == 7
