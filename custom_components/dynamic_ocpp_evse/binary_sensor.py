"""Binary sensors: whether a charger on the built-in OCPP server is connected."""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .builtin_entities import builtin_binary_sensors
from .coordinator import DynamicOcppEvseConfigEntry
from .entity import add_entities

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DynamicOcppEvseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the binary sensors of the hub's built-in charger connectors."""
    coordinator = entry.runtime_data.coordinator

    def build(sub: ConfigSubentry | None) -> list[Entity]:
        return list(builtin_binary_sensors(coordinator, sub))

    add_entities(entry, async_add_entities, build)
