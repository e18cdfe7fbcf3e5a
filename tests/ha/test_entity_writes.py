"""A control cycle writes an entity's state only when what it shows changed.

A hub of 200 connectors has about 5,400 entities: writing every one of them on every
cycle kept Home Assistant's loop busy (docs/performance.md, issue 11). Writes are
counted where Home Assistant makes them (``Entity._async_write_ha_state``), so a
write that would change nothing counts too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers.entity import Entity
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.entity import DynamicEntity
from tests.ha.hub_fixtures import SiteModel, start_hub, subentry_id

AVAILABLE = "sensor.home_available_power"
PRIORITY = "number.heater_priority"


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every state write of this integration's entities, by entity id."""
    counted: Counter[str] = Counter()
    original: Callable[[Entity], None] = Entity._async_write_ha_state

    def counting(self: Entity) -> None:
        if isinstance(self, DynamicEntity):
            counted[self.entity_id] += 1
        original(self)

    monkeypatch.setattr(Entity, "_async_write_ha_state", counting)
    return counted


async def _steady_hub(hass: HomeAssistant) -> tuple[MockConfigEntry, SiteModel]:
    """The standard hub after a few cycles on an unchanging site."""
    hub = await start_hub(hass, SiteModel(hass, house_a=5.0))
    for _ in range(3):
        hub.entry.runtime_data.coordinator.async_recompute()
        await hass.async_block_till_done()
    return hub.entry, hub.site


def _changed(hass: HomeAssistant) -> list[str]:
    """Entity ids of this hub whose state_changed fired, collected from now on."""
    seen: list[str] = []

    def record(event: Event) -> None:
        entity_id = event.data["entity_id"]
        if entity_id.split(".", 1)[1].startswith(("home_", "heater_", "pump_", "garage_")):
            seen.append(entity_id)

    hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    return seen


async def test_a_cycle_with_nothing_changed_writes_no_state(
    hass: HomeAssistant, writes: Counter[str]
) -> None:
    entry, _ = await _steady_hub(hass)
    assert writes  # the entities were written when they were added
    writes.clear()
    changed = _changed(hass)

    entry.runtime_data.coordinator.async_recompute()
    await hass.async_block_till_done()

    assert not writes
    assert not changed
    assert hass.states.get(AVAILABLE).state not in ("unknown", "unavailable")


async def test_a_change_is_still_written(hass: HomeAssistant, writes: Counter[str]) -> None:
    entry, site = await _steady_hub(hass)
    before = float(hass.states.get(AVAILABLE).state)
    writes.clear()
    changed = _changed(hass)

    site.house_a = {"A": 12.0, "B": 12.0, "C": 12.0}  # the house draws more
    site.publish()
    entry.runtime_data.coordinator.async_recompute()
    await hass.async_block_till_done()

    assert float(hass.states.get(AVAILABLE).state) < before
    assert AVAILABLE in changed
    assert writes[AVAILABLE] == 1
    assert PRIORITY not in writes  # what did not change is still not written


async def test_a_write_from_elsewhere_is_not_taken_for_the_last_cycle(
    hass: HomeAssistant, writes: Counter[str]
) -> None:
    """The user sets a value, the hub sets it back: the state shows the hub's value."""
    entry, _ = await _steady_hub(hass)
    coordinator = entry.runtime_data.coordinator
    assert float(hass.states.get(PRIORITY).state) == 1

    await hass.services.async_call(
        "number", "set_value", {"entity_id": PRIORITY, "value": 2}, blocking=True
    )
    await hass.async_block_till_done()
    assert float(hass.states.get(PRIORITY).state) == 2

    # the value goes back without a write of its own (as a restore or a reload would)
    coordinator.settings.set_value(subentry_id(entry, "Heater"), "priority", 1)
    writes.clear()
    coordinator.async_recompute()
    await hass.async_block_till_done()

    assert float(hass.states.get(PRIORITY).state) == 1
    assert writes[PRIORITY] == 1


async def test_an_unavailable_hub_is_written(hass: HomeAssistant, writes: Counter[str]) -> None:
    entry, _ = await _steady_hub(hass)
    coordinator = entry.runtime_data.coordinator
    writes.clear()

    coordinator.last_update_success = False
    coordinator.async_update_listeners()
    await hass.async_block_till_done()

    assert hass.states.get(AVAILABLE).state == "unavailable"
    assert writes[AVAILABLE] == 1
