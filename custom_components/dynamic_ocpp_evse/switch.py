"""Switches: allow grid charging (hub, with a battery) and dynamic control (each load).

Dynamic control off means "leave this load alone": it is left out of the
controller's scenario, its adapter gets no commands, and its draw counts as
house load.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .builtin_entities import builtin_switches
from .coordinator import DynamicOcppEvseConfigEntry, HubCoordinator
from .entity import SettingEntity, add_entities
from .scenario_config import has_battery
from .settings import LOAD_SUBENTRY_TYPES

PARALLEL_UPDATES = 1  # changes are applied to the loads at once


@dataclass(frozen=True, kw_only=True)
class DynamicSwitchDescription(SwitchEntityDescription):
    """A switch bound to one boolean setting."""

    setting_key: str
    exists_fn: Callable[[Mapping[str, Any], ConfigSubentry | None], bool]


SWITCHES: tuple[DynamicSwitchDescription, ...] = (
    DynamicSwitchDescription(
        key="allow_grid_charging",
        translation_key="allow_grid_charging",
        setting_key="allow_grid_charging",
        entity_category=EntityCategory.CONFIG,
        exists_fn=lambda data, sub: sub is None and has_battery(data),
    ),
    DynamicSwitchDescription(
        key="dynamic_control",
        translation_key="dynamic_control",
        setting_key="dynamic_control",
        exists_fn=lambda _data, sub: sub is not None and sub.subentry_type in LOAD_SUBENTRY_TYPES,
    ),
)


class DynamicSwitch(SettingEntity, SwitchEntity):
    """A switch that owns one boolean user setting."""

    entity_description: DynamicSwitchDescription

    def __init__(
        self,
        coordinator: HubCoordinator,
        description: DynamicSwitchDescription,
        subentry: ConfigSubentry | None,
    ) -> None:
        super().__init__(coordinator, description, subentry)
        self.setting_key = description.setting_key

    @property
    def is_on(self) -> bool | None:
        """Whether the setting is on."""
        value = self.setting_value
        return None if value is None else bool(value)

    def restored_value(self, value: Any) -> Any:
        """Only a boolean may be restored."""
        return value if isinstance(value, bool) else None

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Turn the setting on."""
        self.write_setting(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Turn the setting off."""
        self.write_setting(False)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DynamicOcppEvseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the switches of a hub and its loads."""
    coordinator = entry.runtime_data.coordinator

    def build(sub: ConfigSubentry | None) -> list[SwitchEntity]:
        own: list[SwitchEntity] = [
            DynamicSwitch(coordinator, d, sub) for d in SWITCHES if d.exists_fn(entry.data, sub)
        ]
        return own + builtin_switches(coordinator, sub)  # start/stop on the built-in server

    add_entities(entry, async_add_entities, build)
