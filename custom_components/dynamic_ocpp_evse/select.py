"""Selects: the hub's distribution mode and each load's operating mode."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DISTRIBUTION_MODES, PHASE_MODES
from .coordinator import DynamicOcppEvseConfigEntry, HubCoordinator
from .entity import SettingEntity, add_entities
from .phase_entities import switches_phases
from .settings import LOAD_SUBENTRY_TYPES, load_modes

PARALLEL_UPDATES = 1  # changes are applied to the loads at once


@dataclass(frozen=True, kw_only=True)
class DynamicSelectDescription(SelectEntityDescription):
    """A select bound to one setting; ``options_fn`` gives its options per subentry type."""

    setting_key: str
    options_fn: Callable[[str | None], list[str]]


DISTRIBUTION = DynamicSelectDescription(
    key="distribution_mode",
    translation_key="distribution_mode",
    entity_category=EntityCategory.CONFIG,
    setting_key="distribution",
    options_fn=lambda _kind: list(DISTRIBUTION_MODES),
)
PHASE_MODE = DynamicSelectDescription(
    key="phase_mode",
    translation_key="phase_mode",
    setting_key="phase_mode",
    options_fn=lambda _kind: list(PHASE_MODES),
)
OPERATING_MODE = DynamicSelectDescription(
    key="operating_mode",
    translation_key="operating_mode",
    setting_key="mode",
    options_fn=lambda kind: list(load_modes(kind or "")),
)


class DynamicSelect(SettingEntity, SelectEntity):
    """A select that owns one user setting."""

    entity_description: DynamicSelectDescription

    def __init__(
        self,
        coordinator: HubCoordinator,
        description: DynamicSelectDescription,
        subentry: ConfigSubentry | None,
    ) -> None:
        super().__init__(coordinator, description, subentry)
        self.setting_key = description.setting_key
        kind = None if subentry is None else subentry.subentry_type
        self._attr_options = description.options_fn(kind)

    @property
    def current_option(self) -> str | None:
        """The mode in use."""
        value = self.setting_value
        return value if value in self.options else None

    def restored_value(self, value: Any) -> Any:
        """Only a mode this select offers may be restored."""
        return value if value in self.options else None

    async def async_select_option(self, option: str) -> None:
        """Switch to another mode; the controller applies it in the next step (now)."""
        self.write_setting(option)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DynamicOcppEvseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the selects of a hub and its loads."""
    coordinator = entry.runtime_data.coordinator

    def build(sub: ConfigSubentry | None) -> list[DynamicSelect]:
        if sub is None:
            return [DynamicSelect(coordinator, DISTRIBUTION, None)]
        if sub.subentry_type in LOAD_SUBENTRY_TYPES:
            selects = [DynamicSelect(coordinator, OPERATING_MODE, sub)]
            if switches_phases(sub):
                selects.append(DynamicSelect(coordinator, PHASE_MODE, sub))
            return selects
        return []

    add_entities(entry, async_add_entities, build)
