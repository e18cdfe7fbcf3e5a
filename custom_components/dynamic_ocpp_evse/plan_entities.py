"""Plan sensors of a charger: status, planned energy, next start, expected finish.

Values come from the coordinator's :class:`.planning.PlanBook` (the plan of the
last cycle); the status sensor carries the plan itself as the ``slots``
attribute ({start, grid_w, solar_w, price} per 15-minute slot) for a dashboard.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import UnitOfEnergy
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .const import SUBENTRY_CHARGER
from .coordinator import HubCoordinator
from .engine.plan import Plan
from .entity import DynamicEntity
from .plan_views import plan_attributes
from .planning import PLAN_STATUSES


@dataclass(frozen=True, kw_only=True)
class PlanSensorDescription(SensorEntityDescription):
    """A plan sensor: its value from the charger's plan (None: no plan)."""

    value_fn: Callable[[Plan | None, str], Any]
    with_slots: bool = False


def _moment(seconds: float | None) -> Any:
    return None if seconds is None else dt_util.utc_from_timestamp(seconds)


PLAN_SENSORS: tuple[PlanSensorDescription, ...] = (
    PlanSensorDescription(
        key="plan_status",
        translation_key="plan_status",
        device_class=SensorDeviceClass.ENUM,
        options=list(PLAN_STATUSES),
        value_fn=lambda _plan, status: status,
        with_slots=True,
    ),
    PlanSensorDescription(
        key="planned_energy",
        translation_key="planned_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda plan, _s: None if plan is None else round(plan.planned_wh / 1000, 3),
    ),
    PlanSensorDescription(
        key="plan_next_start",
        translation_key="plan_next_start",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda plan, _s: None if plan is None else _moment(plan.next_start_s),
    ),
    PlanSensorDescription(
        key="plan_finish",
        translation_key="plan_finish",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda plan, _s: None if plan is None else _moment(plan.finish_s),
    ),
)


class PlanSensor(DynamicEntity, SensorEntity):
    """One figure of a charger's plan."""

    entity_description: PlanSensorDescription

    @property
    def native_value(self) -> StateType | Any:
        """The figure from the last cycle's plan."""
        book = self.coordinator.plans
        description = self.entity_description
        return self.guarded(
            lambda: description.value_fn(book.plans.get(self.scope), book.status(self.scope))
        )

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """The plan's slots, cost and progress (status sensor only)."""
        if not self.entity_description.with_slots:
            return None
        book = self.coordinator.plans
        return self.guarded(
            lambda: plan_attributes(book.plans.get(self.scope), book.progress.get(self.scope))
        )


def plan_sensors(coordinator: HubCoordinator, sub: ConfigSubentry | None) -> list[SensorEntity]:
    """The plan sensors of a charger (none for other subentries and the hub)."""
    if sub is None or sub.subentry_type != SUBENTRY_CHARGER:
        return []
    return [PlanSensor(coordinator, d, sub) for d in PLAN_SENSORS]
