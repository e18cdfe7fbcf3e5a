"""Buttons: reinstall a charger's charging profiles (its adapter clears and reinstalls
what it set up). The key stays ``reset`` so existing entities keep their unique id."""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN, SUBENTRY_CHARGER
from .coordinator import DynamicOcppEvseConfigEntry
from .entity import DynamicEntity, add_entities

PARALLEL_UPDATES = 1

RESET = ButtonEntityDescription(
    key="reset", translation_key="reinstall_profiles", entity_category=EntityCategory.CONFIG
)


class ResetButton(DynamicEntity, ButtonEntity):
    """Reinstalls the charging profiles of one charger connector."""

    async def async_press(self) -> None:
        """Ask the adapter to bring the charger back to a known state."""
        try:
            await self.coordinator.async_reset_load(self.scope)
        except Exception as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="reset_failed",
                translation_placeholders={"error": str(err) or type(err).__name__},
            ) from err


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DynamicOcppEvseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up a reset button for every charger connector."""
    coordinator = entry.runtime_data.coordinator

    def build(sub: ConfigSubentry | None) -> list[ResetButton]:
        if sub is None or sub.subentry_type != SUBENTRY_CHARGER:
            return []
        return [ResetButton(coordinator, RESET, sub)]

    add_entities(entry, async_add_entities, build)
