"""Sensors: the hub's headroom and power figures, each load's allocation and why,
each circuit's per-phase load and headroom. Values come from the coordinator's
last :class:`HubResult`; nothing is computed here beyond unit arithmetic."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import UnitOfElectricCurrent, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from .builtin_entities import builtin_sensors
from .const import CONF_SOLAR_ENTITY, SUBENTRY_CIRCUIT
from .coordinator import DynamicOcppEvseConfigEntry, HubCoordinator
from .entity import DynamicEntity, add_entities
from .phase_entities import phase_sensors
from .scenario_config import site_phases
from .settings import LOAD_SUBENTRY_TYPES
from .views import HUB_STATUSES, LOAD_STATUSES, REASON_WORDS, HubResult

PARALLEL_UPDATES = 0

type ValueFn = Callable[[HubResult, str], StateType]
type AttrFn = Callable[[HubResult, str], Mapping[str, Any]]


@dataclass(frozen=True, kw_only=True)
class DynamicSensorDescription(SensorEntityDescription):
    """A sensor: how to read its value (and attributes) from a hub result."""

    value_fn: ValueFn
    attr_fn: AttrFn | None = None
    exists_fn: Callable[[Mapping[str, Any]], bool] = lambda _data: True
    needs_result: bool = False
    """Computed by the controller: unavailable while the hub cannot compute."""


def _amps(**kw: Any) -> dict[str, Any]:
    return {
        "device_class": SensorDeviceClass.CURRENT,
        "state_class": SensorStateClass.MEASUREMENT,
        "native_unit_of_measurement": UnitOfElectricCurrent.AMPERE,
        "suggested_display_precision": 1,
        **kw,
    }


def _watts(**kw: Any) -> dict[str, Any]:
    return {
        "device_class": SensorDeviceClass.POWER,
        "state_class": SensorStateClass.MEASUREMENT,
        "native_unit_of_measurement": UnitOfPower.WATT,
        "suggested_display_precision": 0,
        **kw,
    }


def _site_phase(key: str, phase: str) -> ValueFn:
    def value(result: HubResult, _scope: str) -> StateType:
        values = result.site_value(key)
        return values.get(phase) if isinstance(values, Mapping) else None

    return value


def _available_w(result: HubResult, _scope: str) -> StateType:
    """Power all managed loads could use together now: breaker room, capped by import."""
    headroom = result.site_value("headroom_a")
    if not isinstance(headroom, Mapping):
        return None
    watts = sum(max(0.0, float(a)) for a in headroom.values()) * result.voltage
    import_w = result.site_value("import_headroom_w")
    if import_w is not None:
        boost = float(result.site_value("battery_boost_w") or 0.0)
        watts = min(watts, max(0.0, float(import_w) + boost))
    return round(watts)


def _grid_w(result: HubResult, _scope: str) -> StateType:
    values = result.site.grid_a.values()
    if any(v is None for v in values):
        return None
    return round(sum(v or 0.0 for v in values) * result.voltage)


def _solar_used_w(result: HubResult, scope: str) -> StateType:
    grid = _grid_w(result, scope)
    solar = result.site.solar_w
    if solar is None or grid is None:
        return None
    return round(max(0.0, solar - max(0.0, -float(grid))))


def _managed_w(result: HubResult, _scope: str) -> StateType:
    total = 0.0
    for view in result.loads.values():
        if view.managed and view.reading.draw_a is not None:
            total += sum(a or 0.0 for a in view.reading.draw_a)
    return round(total * result.voltage)


def _has_phase(phase: str) -> Callable[[Mapping[str, Any]], bool]:
    return lambda data: phase in site_phases(data)


def _hub_sensors() -> tuple[DynamicSensorDescription, ...]:
    per_phase = tuple(
        DynamicSensorDescription(
            key=f"headroom_phase_{p.lower()}",
            translation_key="headroom_phase",
            translation_placeholders={"phase": p},
            value_fn=_site_phase("remaining_a", p),
            exists_fn=_has_phase(p),
            needs_result=True,
            **_amps(),
        )
        for p in ("A", "B", "C")
    )
    return (
        *per_phase,
        DynamicSensorDescription(
            key="available_power",
            translation_key="available_power",
            value_fn=_available_w,
            needs_result=True,
            **_watts(),
        ),
        DynamicSensorDescription(
            key="grid_power", translation_key="grid_power", value_fn=_grid_w, **_watts()
        ),
        DynamicSensorDescription(
            key="solar_power_used",
            translation_key="solar_power_used",
            value_fn=_solar_used_w,
            exists_fn=lambda data: bool(data.get(CONF_SOLAR_ENTITY)),
            **_watts(),
        ),
        DynamicSensorDescription(
            key="managed_power", translation_key="managed_power", value_fn=_managed_w, **_watts()
        ),
        DynamicSensorDescription(
            key="status",
            translation_key="hub_status",
            device_class=SensorDeviceClass.ENUM,
            options=list(HUB_STATUSES),
            value_fn=lambda result, _s: result.status,
            attr_fn=lambda result, _s: {
                "reason": result.status_reason,
                "readings_not_believed": result.implausible,
            },
        ),
    )


def _command(result: HubResult, scope: str, key: str) -> StateType:
    view = result.loads.get(scope)
    if view is None or view.command is None:
        return None
    value = view.command.get(key)
    return None if value is None else float(value)


def _load_attrs(result: HubResult, scope: str) -> Mapping[str, Any]:
    view = result.loads.get(scope)
    if view is None:
        return {}
    command = view.command or {}
    return {
        "adapter_status": view.adapter_status,
        "active": view.reading.active,
        "pause_s": round(float(command.get("pause_s") or 0.0)),
        "grace_s": round(float(command.get("grace_s") or 0.0)),
    }


def _reason_attrs(coordinator: HubCoordinator) -> AttrFn:
    def attrs(result: HubResult, scope: str) -> Mapping[str, Any]:
        view = result.loads.get(scope)
        if view is None:
            return {}
        ref = view.reason_ref
        sub = coordinator.config_entry.subentries.get(ref or "")
        return {
            "reference": sub.title if sub is not None else ref,
            "engine_reason": (view.command or {}).get("reason"),
        }

    return attrs


def _load_sensors(coordinator: HubCoordinator) -> tuple[DynamicSensorDescription, ...]:
    return (
        DynamicSensorDescription(
            key="allocated_current",
            translation_key="allocated_current",
            value_fn=lambda r, s: _command(r, s, "current_a"),
            needs_result=True,
            **_amps(),
        ),
        DynamicSensorDescription(
            key="available_current",
            translation_key="available_current",
            value_fn=lambda r, s: _command(r, s, "available_a"),
            needs_result=True,
            **_amps(),
        ),
        DynamicSensorDescription(
            key="status",
            translation_key="load_status",
            device_class=SensorDeviceClass.ENUM,
            options=list(LOAD_STATUSES),
            value_fn=lambda r, s: v.status if (v := r.loads.get(s)) else None,
            needs_result=True,
            attr_fn=_load_attrs,
        ),
        DynamicSensorDescription(
            key="reason",
            translation_key="reason",
            device_class=SensorDeviceClass.ENUM,
            options=list(REASON_WORDS),
            value_fn=lambda r, s: v.reason if (v := r.loads.get(s)) else None,
            needs_result=True,
            attr_fn=_reason_attrs(coordinator),
        ),
    )


def _circuit_phase(attr: str, phase: str) -> ValueFn:
    def value(result: HubResult, scope: str) -> StateType:
        view = result.circuits.get(scope)
        return None if view is None else getattr(view, attr).get(phase)

    return value


def _circuit_sensors(data: Mapping[str, Any]) -> tuple[DynamicSensorDescription, ...]:
    return tuple(
        DynamicSensorDescription(
            key=f"{name}_phase_{p.lower()}",
            translation_key=f"{name}_phase",
            translation_placeholders={"phase": p},
            value_fn=_circuit_phase(attr, p),
            **_amps(),
        )
        for name, attr in (("load", "load_a"), ("headroom", "headroom_a"))
        for p in site_phases(data)
    )


class DynamicSensor(DynamicEntity, SensorEntity):
    """A sensor reading the coordinator's last result."""

    entity_description: DynamicSensorDescription

    @property
    def available(self) -> bool:
        """A controller figure is unavailable while the hub cannot compute (config error,
        failed step, before the first cycle); the hub status says why."""
        if not super().available:
            return False
        if not self.entity_description.needs_result:
            return True
        data = self.coordinator.data
        return data is not None and data.result is not None

    @property
    def native_value(self) -> StateType:
        """The value from the last cycle (unknown before the first)."""
        data = self.coordinator.data
        if data is None:
            return None
        description = self.entity_description
        numeric = description.native_unit_of_measurement is not None
        return self.guarded(lambda: description.value_fn(data, self.scope), numeric=numeric)

    @property
    def extra_state_attributes(self) -> Mapping[str, Any] | None:
        """Extra context (status reason, pause seconds, reason reference)."""
        attr_fn = self.entity_description.attr_fn
        data = self.coordinator.data
        if attr_fn is None or data is None:
            return None
        return self.guarded(lambda: attr_fn(data, self.scope))


async def async_setup_entry(
    hass: HomeAssistant,
    entry: DynamicOcppEvseConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the sensors of a hub and its subentries."""
    coordinator = entry.runtime_data.coordinator

    def build(sub: ConfigSubentry | None) -> list[SensorEntity]:
        if sub is None:
            descriptions = tuple(d for d in _hub_sensors() if d.exists_fn(entry.data))
        elif sub.subentry_type in LOAD_SUBENTRY_TYPES:
            descriptions = _load_sensors(coordinator)
        elif sub.subentry_type == SUBENTRY_CIRCUIT:
            descriptions = _circuit_sensors(entry.data)
        else:
            descriptions = ()
        own: list[SensorEntity] = [DynamicSensor(coordinator, d, sub) for d in descriptions]
        own += phase_sensors(coordinator, sub)  # chargers that switch phases
        return own + builtin_sensors(coordinator, sub)  # built-in OCPP server connectors

    add_entities(entry, async_add_entities, build)
