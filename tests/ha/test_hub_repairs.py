"""Repair issues for input entities that stay unavailable or disappear."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import (
    advance,
    start_hub,
)


async def _hub(hass: HomeAssistant) -> Any:
    hub = await start_hub(hass)
    return hub.entry, hub.site


async def test_issue_after_ten_minutes_unavailable_and_cleared_on_return(
    hass: HomeAssistant, freezer: Any
) -> None:
    """Nine minutes of unavailability are tolerated; eleven raise an issue."""
    entry, site = await _hub(hass)
    issues = ir.async_get(hass)
    issue_id = f"{entry.entry_id}_sensor.grid_b"
    hass.states.async_set("sensor.grid_b", "unavailable")
    await advance(hass, freezer, 9 * 60, step=30)
    assert issues.async_get_issue(DOMAIN, issue_id) is None

    await advance(hass, freezer, 2 * 60, step=30)
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "input_unavailable"
    assert issue.translation_placeholders == {"entity_id": "sensor.grid_b", "hub": "Home"}

    site.publish()  # the meter is back
    await advance(hass, freezer, 5)
    assert issues.async_get_issue(DOMAIN, issue_id) is None


async def test_issue_when_input_entity_is_removed(hass: HomeAssistant) -> None:
    """Removing an input from the entity registry raises an issue at once."""
    registry = er.async_get(hass)
    registry.async_get_or_create("sensor", "meter", "solar", suggested_object_id="solar")
    entry, _site = await _hub(hass)
    registry.async_remove("sensor.solar")
    await hass.async_block_till_done()
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"{entry.entry_id}_sensor.solar")
    assert issue is not None
    assert issue.translation_key == "input_missing"


async def test_issues_removed_with_the_hub(hass: HomeAssistant, freezer: Any) -> None:
    """Deleting the hub deletes its issues."""
    entry, _site = await _hub(hass)
    hass.states.async_set("sensor.grid_c", "unavailable")
    await advance(hass, freezer, 12 * 60, step=60)
    assert ir.async_get(hass).async_get_issue(DOMAIN, f"{entry.entry_id}_sensor.grid_c")
    assert await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not ir.async_get(hass).async_get_issue(DOMAIN, f"{entry.entry_id}_sensor.grid_c")
