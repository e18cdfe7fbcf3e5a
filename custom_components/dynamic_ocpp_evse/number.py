"""Numbers: battery SOC thresholds and fixed import limit (hub); min/max current
and the plan target, energy or state of charge (chargers; the latter with a SoC
sensor and battery capacity) and priority (every load). Ranges come from
:func:`settings.value_range`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfEnergy,
    UnitOfPower,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import SUBENTRY_CHARGER
from .coordinator import DynamicOcppEvseConfigEntry, HubCoordinator
from .entity import SettingEntity, add_entities
from .planning import soc_form
from .scenario_config import has_battery, has_fixed_import_limit
from .settings import (
    CURRENT_KEYS,
    LOAD_SUBENTRY_TYPES,
    current_gap,
    current_gap_error,
    value_range,
)

PARALLEL_UPDATES = 1  # a change is applied to chargers at once


@dataclass(frozen=True, kw_only=True)
class DynamicNumberDescription(NumberEntityDescription):
    """A number bound to one setting."""

    setting_key: str
    exists_fn: Callable[[Mapping[str, Any], ConfigSubentry | None], bool]


def _is_charger(_data: Mapping[str, Any], sub: ConfigSubentry | None) -> bool:
    return sub is not None and sub.subentry_type == SUBENTRY_CHARGER


def _has_soc_form(_data: Mapping[str, Any], sub: ConfigSubentry | None) -> bool:
    return sub is not None and sub.subentry_type == SUBENTRY_CHARGER and soc_form(sub) is not None


def _is_load(_data: Mapping[str, Any], sub: ConfigSubentry | None) -> bool:
    return sub is not None and sub.subentry_type in LOAD_SUBENTRY_TYPES


def _soc(key: str) -> DynamicNumberDescription:
    return DynamicNumberDescription(
        key=key,
        translation_key=key,
        setting_key=key,
        entity_category=EntityCategory.CONFIG,
        device_class=NumberDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        native_step=1,
        mode=NumberMode.BOX,
        exists_fn=lambda data, sub: sub is None and has_battery(data),
    )


def _current(key: str, setting: str) -> DynamicNumberDescription:
    return DynamicNumberDescription(
        key=key,
        translation_key=key,
        setting_key=setting,
        entity_category=EntityCategory.CONFIG,
        device_class=NumberDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        native_step=0.1,
        mode=NumberMode.BOX,
        exists_fn=_is_charger,
    )


NUMBERS: tuple[DynamicNumberDescription, ...] = (
    _soc("battery_min_soc"),
    _soc("battery_target_soc"),
    DynamicNumberDescription(
        key="import_limit",
        translation_key="import_limit",
        setting_key="import_limit_w",
        entity_category=EntityCategory.CONFIG,
        device_class=NumberDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        native_step=100,
        mode=NumberMode.BOX,
        exists_fn=lambda data, sub: sub is None and has_fixed_import_limit(data),
    ),
    _current("min_current", "min_current_a"),
    _current("max_current", "max_current_a"),
    DynamicNumberDescription(
        key="priority",
        translation_key="priority",
        setting_key="priority",
        entity_category=EntityCategory.CONFIG,
        native_step=1,
        mode=NumberMode.BOX,
        exists_fn=_is_load,
    ),
    DynamicNumberDescription(
        key="plan_energy",
        translation_key="plan_energy",
        setting_key="plan_energy_kwh",
        device_class=NumberDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        native_step=0.5,
        mode=NumberMode.BOX,
        exists_fn=_is_charger,
    ),
    DynamicNumberDescription(
        key="plan_soc",
        translation_key="plan_soc",
        setting_key="plan_soc",
        device_class=NumberDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        native_step=1,
        mode=NumberMode.BOX,
        exists_fn=_has_soc_form,
    ),
)


class DynamicNumber(SettingEntity, NumberEntity):
    """A number that owns one user setting."""

    entity_description: DynamicNumberDescription

    def __init__(
        self,
        coordinator: HubCoordinator,
        description: DynamicNumberDescription,
        subentry: ConfigSubentry | None,
    ) -> None:
        super().__init__(coordinator, description, subentry)
        self.setting_key = description.setting_key
        low, high = value_range(coordinator.config_entry, self.scope, self.setting_key)
        self._attr_native_min_value = low
        self._attr_native_max_value = high

    @property
    def native_value(self) -> float | None:
        """The value in use."""
        value = self.setting_value
        return None if value is None else self.guarded(lambda: float(value))

    def _coerce(self, value: float) -> Any:
        if self.setting_key == "plan_energy_kwh":
            return round(float(value), 3)
        if self.setting_key == "plan_soc":
            return round(float(value), 1)
        return round(value) if self.setting_key == "priority" else float(value)

    def restored_value(self, value: Any) -> Any:
        """A restored value must be a number inside today's range."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not self.native_min_value <= value <= self.native_max_value:
            return None
        if self.setting_key in CURRENT_KEYS and current_gap(
            self.coordinator.config_entry, self.scope, value
        ):
            return None
        return self._coerce(value)

    async def async_set_native_value(self, value: float) -> None:
        """Set the value; min/max current keep min <= max by moving the other one.

        A current is 0 or within the charger's configured minimum..maximum."""
        if self.setting_key in CURRENT_KEYS:
            gap = current_gap(self.coordinator.config_entry, self.scope, value)
            if gap is not None:
                raise current_gap_error(value, *gap)
        settings = self.coordinator.settings
        load = settings.get_load(self.scope)
        if load is not None and self.setting_key == "min_current_a" and value > load.max_current_a:
            settings.set_value(self.scope, "max_current_a", float(value))
        if load is not None and self.setting_key == "max_current_a" and value < load.min_current_a:
            settings.set_value(self.scope, "min_current_a", float(value))
        self.write_setting(self._coerce(value))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DynamicOcppEvseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the numbers of a hub and its loads."""
    coordinator = entry.runtime_data.coordinator

    def build(sub: ConfigSubentry | None) -> list[DynamicNumber]:
        return [DynamicNumber(coordinator, d, sub) for d in NUMBERS if d.exists_fn(entry.data, sub)]

    add_entities(entry, async_add_entities, build)
