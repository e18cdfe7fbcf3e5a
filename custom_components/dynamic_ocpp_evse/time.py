"""Time entities: each charger's plan departure (the next occurrence of that time).

The value is one user setting (``departure`` in :class:`.settings.LoadSettings`,
stored as ``HH:MM:SS``); changing it starts the plan afresh (see planning.py).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import SUBENTRY_CHARGER
from .coordinator import DynamicOcppEvseConfigEntry, HubCoordinator
from .entity import SettingEntity, add_entities
from .planning import parse_departure

PARALLEL_UPDATES = 1

DEPARTURE = TimeEntityDescription(key="departure", translation_key="departure")


class DepartureTime(SettingEntity, TimeEntity):
    """A charger's plan departure time."""

    setting_key = "departure"

    def __init__(self, coordinator: HubCoordinator, subentry: ConfigSubentry) -> None:
        super().__init__(coordinator, DEPARTURE, subentry)

    @property
    def native_value(self) -> time | None:
        """The departure time in use."""
        return self.guarded(lambda: parse_departure(self.setting_value))

    def restored_value(self, value: Any) -> Any:
        """A restored value must be a time of day."""
        at = parse_departure(value)
        return None if at is None else at.replace(microsecond=0).isoformat()

    async def async_set_value(self, value: time) -> None:
        """Set the departure time (the plan counts afresh)."""
        self.write_setting(value.replace(microsecond=0).isoformat())


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DynamicOcppEvseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the departure time of each charger."""
    coordinator = entry.runtime_data.coordinator

    def build(sub: ConfigSubentry | None) -> list[DepartureTime]:
        if sub is None or sub.subentry_type != SUBENTRY_CHARGER:
            return []
        return [DepartureTime(coordinator, sub)]

    add_entities(entry, async_add_entities, build)
