"""Entities of chargers that can switch between one and three phases.

The phase-mode select lives with the other selects (``select.py``); this module
owns what is special to switching: which chargers switch, and the sensor of the
phase count a charger uses now, which also carries that count across a restart
so the first profile after it does not switch a running car.
"""

from __future__ import annotations

from homeassistant.components.sensor import RestoreSensor, SensorEntityDescription
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import EntityCategory

from .const import CONF_PHASE_SWITCHING, SUBENTRY_CHARGER
from .coordinator import HubCoordinator
from .entity import DynamicEntity

ACTIVE_PHASES = SensorEntityDescription(
    key="active_phases",
    translation_key="active_phases",
    entity_category=EntityCategory.DIAGNOSTIC,
)


def switches_phases(subentry: ConfigSubentry | None) -> bool:
    """Whether a subentry is a charger set up to switch phases."""
    return (
        subentry is not None
        and subentry.subentry_type == SUBENTRY_CHARGER
        and subentry.data.get(CONF_PHASE_SWITCHING, "none") in ("ocpp", "entity")
    )


class ActivePhasesSensor(DynamicEntity, RestoreSensor):
    """How many phases the charger is set to now (1 or 3)."""

    @property
    def native_value(self) -> int | None:
        """The charger's phase setting from the last cycle."""
        data = self.coordinator.data
        view = None if data is None else data.loads.get(self.scope)
        if view is None or view.command is None:
            return None
        value = view.command.get("phase_setting")
        return value if value in (1, 3) else None

    async def async_added_to_hass(self) -> None:
        """Hand the count the charger was left on to the controller."""
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if last is None:
            return
        value = last.native_value
        if isinstance(value, int | float | str) and str(value) in ("1", "3", "1.0", "3.0"):
            self.coordinator.restore_phases(self.scope, int(float(value)))


def phase_sensors(
    coordinator: HubCoordinator, subentry: ConfigSubentry | None
) -> list[RestoreSensor]:
    """The phase sensors of one subentry (none unless it is a switching charger)."""
    if not switches_phases(subentry):
        return []
    return [ActivePhasesSensor(coordinator, ACTIVE_PHASES, subentry)]
