"""Base entities: device and unique id per hub/subentry, and restorable user settings.

One device per hub and one per load or circuit subentry (a charger through the
``ocpp`` integration joins that integration's device instead); unique ids are built
from the entry or subentry id and the description key, never from names.
``SettingEntity`` owns the link between an entity and one value in
:mod:`.settings`: it writes the value, asks the coordinator to recompute, and
restores a value the user set after a restart.

No entity's state computation may raise: :meth:`DynamicEntity.guarded` turns a
failing computation or a number that cannot be shown (NaN, infinite) into
``None`` (logged once per entity), and a failing state write never stops the
coordinator from updating the other entities.

A coordinator update writes an entity's state only when what it shows changed
(availability, value, attributes): a hub of 200 connectors has about 5,400
entities, and writing each of them on every update kept Home Assistant's event
loop busy for most of a cycle. Any write made another way (a user's setting, a
registry change) forgets the last written state, so the next update writes again.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from homeassistant.components.sensor import SensorEntity
from homeassistant.config_entries import ConfigSubentry
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import (
    DOMAIN,
    MANUFACTURER,
    SUBENTRY_CHARGER,
    SUBENTRY_CIRCUIT,
    SUBENTRY_LOAD,
    SUBENTRY_PLUG,
    SUBENTRY_THERMAL,
)
from .coordinator import DynamicOcppEvseConfigEntry, HubCoordinator
from .devices import ocpp_device_link
from .settings import HubSettings, LoadSettings

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

HUB = "hub"
MODELS = {
    SUBENTRY_CHARGER: "OCPP charger connector",
    SUBENTRY_PLUG: "Smart plug",
    SUBENTRY_LOAD: "Load",
    SUBENTRY_THERMAL: "Thermal load",
    SUBENTRY_CIRCUIT: "Circuit",
}


def device_info(entry: DynamicOcppEvseConfigEntry, subentry: ConfigSubentry | None) -> DeviceInfo:
    """The device of the hub, or of one subentry (linked to the hub)."""
    if subentry is None:
        return DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer=MANUFACTURER,
            model="Hub",
            entry_type=DeviceEntryType.SERVICE,
        )
    return DeviceInfo(
        identifiers={(DOMAIN, subentry.subentry_id)},
        name=subentry.title,
        manufacturer=MANUFACTURER,
        model=MODELS.get(subentry.subentry_type, subentry.subentry_type),
        via_device=(DOMAIN, entry.entry_id),
    )


class DynamicEntity(CoordinatorEntity[HubCoordinator]):
    """An entity of one hub, or of one of its subentries."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: HubCoordinator,
        description: EntityDescription,
        subentry: ConfigSubentry | None,
    ) -> None:
        super().__init__(coordinator)
        self.entity_description = description
        entry = coordinator.config_entry
        self.subentry = subentry
        self.scope = HUB if subentry is None else subentry.subentry_id
        owner = entry.entry_id if subentry is None else subentry.subentry_id
        self._attr_unique_id = f"{owner}_{description.key}"
        # a charger through the ocpp integration joins that integration's device
        link = ocpp_device_link(coordinator.hass, subentry)
        self._attr_device_info = link or device_info(entry, subentry)
        self._failed_once = False
        self._written: tuple[Any, ...] | None = None

    def guarded(self, compute: Callable[[], _T], *, numeric: bool = False) -> _T | None:
        """``compute()``, or None when it raises or gives a number that cannot be shown.

        ``numeric``: anything but an int or float (text where a number belongs) is None.
        """
        try:
            value = compute()
        except Exception:  # a value that cannot be computed is unknown, never a traceback
            self._failed(exc_info=True)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if numeric and value is not None and not isinstance(value, int | float):
            return None
        return value

    def _failed(self, *, exc_info: bool) -> None:
        level = logging.DEBUG if self._failed_once else logging.WARNING
        self._failed_once = True
        _LOGGER.log(level, "%s: state cannot be computed", self.entity_id, exc_info=exc_info)

    def _shown(self) -> tuple[Any, ...]:
        """What of this entity the state machine shows that can change between cycles.

        Availability, the value and the attributes (copied: a mapping changed in place
        later compares as changed). A sensor's value is compared before Home Assistant
        formats it (``native_value``: the formatting depends only on its unit and
        registry options). The name, unit, icon, device class and capabilities of our
        entities are fixed; they change only with the registry or the configuration,
        and those writes make the next cycle write again.
        """
        if not self.available:
            return (False,)
        value = self.native_value if isinstance(self, SensorEntity) else self.state
        return (
            True,
            value,
            _copied(self.state_attributes),
            _copied(self.extra_state_attributes),
        )

    def _async_write_ha_state(self) -> None:
        """Every write, however it came, makes the next coordinator update write again."""
        self._written = None
        super()._async_write_ha_state()

    def _handle_coordinator_update(self) -> None:
        """Write the new state if it changed; a failure must not stop the other entities."""
        try:
            shown: tuple[Any, ...] | None = None if self.force_update else self._shown()
            if shown is not None and shown == self._written:
                return
            super()._handle_coordinator_update()
            self._written = shown
        except Exception:
            self._failed(exc_info=True)


def _copied(attributes: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A shallow copy, so that a mapping changed in place later compares as changed."""
    return None if attributes is None else dict(attributes)


def add_entities(
    entry: DynamicOcppEvseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[ConfigSubentry | None], Iterable[Entity]],
) -> None:
    """Add the hub's entities, then each subentry's under its own subentry."""
    async_add_entities(list(build(None)))
    for sub_id, sub in entry.subentries.items():
        entities = list(build(sub))
        if entities:
            async_add_entities(entities, config_subentry_id=sub_id)


@dataclass(slots=True)
class SettingData(ExtraStoredData):
    """What a setting entity stores for restore: its value and whether the user set it.

    ``base`` is the configured value the user's value replaced: after a restart
    the value is restored only while the configuration still holds that base.
    """

    value: Any
    user_set: bool
    base: Any = None

    def as_dict(self) -> dict[str, Any]:
        """Serialize for the restore cache."""
        return {"value": self.value, "user_set": self.user_set, "base": self.base}


class SettingEntity(DynamicEntity, RestoreEntity):
    """An entity that owns one user setting (``setting_key`` of its description)."""

    setting_key: str

    def _target(self) -> HubSettings | LoadSettings | None:
        settings = self.coordinator.settings
        return settings.hub if self.scope == HUB else settings.get_load(self.scope)

    @property
    def setting_value(self) -> Any:
        """The setting's current value."""
        target = self._target()
        return None if target is None else getattr(target, self.setting_key)

    @property
    def extra_restore_state_data(self) -> SettingData:
        """Remember the value and whether the user chose it."""
        settings = self.coordinator.settings
        return SettingData(
            self.setting_value,
            settings.is_user_set(self.scope, self.setting_key),
            settings.base_of(self.scope, self.setting_key),
        )

    def restored_value(self, value: Any) -> Any:
        """Validate a restored value; None rejects it. Override per platform."""
        return value

    async def async_added_to_hass(self) -> None:
        """Restore a value the user set before the restart (unless already known)."""
        await super().async_added_to_hass()
        if self.coordinator.settings.is_user_set(self.scope, self.setting_key):
            return
        last = await self.async_get_last_extra_data()
        if last is None:
            return
        data = last.as_dict()
        if not data.get("user_set"):
            return
        settings = self.coordinator.settings
        if "base" in data and data["base"] != settings.configured_value(
            self.scope, self.setting_key
        ):
            return  # the form changed this value after the entity did: the form's applies
        value = self.restored_value(data.get("value"))
        if value is not None and self._target() is not None:
            settings.set_value(self.scope, self.setting_key, value)
            if "base" in data:
                settings.bases[(self.scope, self.setting_key)] = data["base"]
            self.coordinator.async_settings_changed()

    def write_setting(self, value: Any) -> None:
        """Set the value as the user's choice and apply it now."""
        self.coordinator.settings.set_value(self.scope, self.setting_key, value)
        self.async_write_ha_state()
        self.coordinator.async_settings_changed()
