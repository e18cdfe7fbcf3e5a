"""Services: change modes, limits, priorities and plans, or reset a charger, by device.

Registered once in ``async_setup``. The target is a device of this integration
(the hub device for the distribution mode, a load device otherwise). Bad input
raises :class:`ServiceValidationError` with a translation key.
"""

from __future__ import annotations

from datetime import time
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr

from .const import DISTRIBUTION_MODES, DOMAIN, PHASE_MODES, SUBENTRY_CHARGER
from .coordinator import DynamicOcppEvseConfigEntry, HubCoordinator
from .phase_entities import switches_phases
from .planning import soc_form
from .settings import (
    LOAD_SUBENTRY_TYPES,
    current_gap,
    current_gap_error,
    load_modes,
    value_range,
)

ATTR_DEVICE_ID = "device_id"
ATTR_MODE = "mode"
ATTR_DISTRIBUTION = "distribution"
ATTR_MIN_CURRENT = "min_current"
ATTR_MAX_CURRENT = "max_current"
ATTR_PRIORITY = "priority"

SERVICE_SET_OPERATING_MODE = "set_operating_mode"
SERVICE_SET_DISTRIBUTION_MODE = "set_distribution_mode"
SERVICE_SET_CURRENT_LIMITS = "set_current_limits"
SERVICE_SET_PRIORITY = "set_priority"
SERVICE_RESET_CHARGER = "reset_charger"
SERVICE_SET_PHASE_MODE = "set_phase_mode"
ATTR_PHASE_MODE = "phase_mode"
SERVICE_SET_PLAN = "set_plan"
ATTR_ENERGY_KWH = "energy_kwh"
ATTR_DEPARTURE = "departure"
ATTR_SOC = "soc"

_DEVICE = {vol.Required(ATTR_DEVICE_ID): cv.string}


def _error(key: str, **placeholders: Any) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()} or None,
    )


def _resolve(hass: HomeAssistant, device_id: str) -> tuple[HubCoordinator, str | None, str]:
    """(coordinator, subentry id or None for the hub, device name) of a device."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise _error("device_not_found", device_id=device_id)
    name = device.name_by_user or device.name or device_id
    for entry_id in device.config_entries:
        entry: DynamicOcppEvseConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            continue
        if entry.state is not ConfigEntryState.LOADED:
            raise _error("hub_not_loaded", device=name)
        coordinator = entry.runtime_data.coordinator
        # our subentries on this device: its own, or a charger that joined an ocpp device
        subentries = device.config_entries_subentries.get(entry_id, set())
        for sub_id in sorted(s for s in subentries if s is not None and s in entry.subentries):
            return coordinator, sub_id, name
        if (DOMAIN, entry.entry_id) in device.identifiers:
            return coordinator, None, name
    raise _error("device_not_found", device_id=device_id)


def _load(hass: HomeAssistant, call: ServiceCall) -> tuple[HubCoordinator, str, str, str]:
    """(coordinator, load id, load kind, device name) of a load device."""
    coordinator, sub_id, name = _resolve(hass, call.data[ATTR_DEVICE_ID])
    sub = coordinator.config_entry.subentries.get(sub_id or "")
    if sub is None or sub.subentry_type not in LOAD_SUBENTRY_TYPES:
        raise _error("not_a_load", device=name)
    return coordinator, sub.subentry_id, sub.subentry_type, name


def _check_range(
    coordinator: HubCoordinator, scope: str, key: str, value: float, field: str
) -> None:
    low, high = value_range(coordinator.config_entry, scope, key)
    if not low <= value <= high:
        raise _error("out_of_range", field=field, value=value, min=low, max=high)


async def _set_operating_mode(hass: HomeAssistant, call: ServiceCall) -> None:
    coordinator, load_id, kind, name = _load(hass, call)
    mode = call.data[ATTR_MODE]
    allowed = load_modes(kind)
    if mode not in allowed:
        raise _error("mode_not_allowed", mode=mode, device=name, allowed=", ".join(allowed))
    coordinator.settings.set_value(load_id, "mode", mode)
    coordinator.async_settings_changed()


async def _set_distribution_mode(hass: HomeAssistant, call: ServiceCall) -> None:
    coordinator, sub_id, name = _resolve(hass, call.data[ATTR_DEVICE_ID])
    if sub_id is not None:
        raise _error("not_a_hub", device=name)
    coordinator.settings.set_value("hub", "distribution", call.data[ATTR_DISTRIBUTION])
    coordinator.async_settings_changed()


async def _set_current_limits(hass: HomeAssistant, call: ServiceCall) -> None:
    coordinator, load_id, kind, name = _load(hass, call)
    if kind != SUBENTRY_CHARGER:
        raise _error("not_a_charger", device=name)
    load = coordinator.settings.loads[load_id]
    low = call.data.get(ATTR_MIN_CURRENT, load.min_current_a)
    high = call.data.get(ATTR_MAX_CURRENT, load.max_current_a)
    _check_range(coordinator, load_id, "min_current_a", low, ATTR_MIN_CURRENT)
    _check_range(coordinator, load_id, "max_current_a", high, ATTR_MAX_CURRENT)
    for value in (low, high):
        if gap := current_gap(coordinator.config_entry, load_id, value):
            raise current_gap_error(value, *gap)
    if low > high:
        raise _error("min_above_max", min=low, max=high)
    if ATTR_MIN_CURRENT in call.data:
        coordinator.settings.set_value(load_id, "min_current_a", float(low))
    if ATTR_MAX_CURRENT in call.data:
        coordinator.settings.set_value(load_id, "max_current_a", float(high))
    coordinator.async_settings_changed()


async def _set_priority(hass: HomeAssistant, call: ServiceCall) -> None:
    coordinator, load_id, _kind, _name = _load(hass, call)
    priority = call.data[ATTR_PRIORITY]
    _check_range(coordinator, load_id, "priority", priority, ATTR_PRIORITY)
    coordinator.settings.set_value(load_id, "priority", int(priority))
    coordinator.async_settings_changed()


async def _reset_charger(hass: HomeAssistant, call: ServiceCall) -> None:
    coordinator, load_id, kind, name = _load(hass, call)
    if kind != SUBENTRY_CHARGER:
        raise _error("not_a_charger", device=name)
    try:
        await coordinator.async_reset_load(load_id)
    except Exception as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="reset_failed",
            translation_placeholders={"error": str(err) or type(err).__name__},
        ) from err


async def _set_phase_mode(hass: HomeAssistant, call: ServiceCall) -> None:
    coordinator, load_id, _kind, name = _load(hass, call)
    if not switches_phases(coordinator.config_entry.subentries.get(load_id)):
        raise _error("not_phase_switching", device=name)
    coordinator.settings.set_value(load_id, "phase_mode", call.data[ATTR_PHASE_MODE])
    coordinator.async_settings_changed()


async def _set_plan(hass: HomeAssistant, call: ServiceCall) -> None:
    """A charger's plan target (energy or state of charge) and departure; 0 clears it."""
    coordinator, load_id, kind, name = _load(hass, call)
    if kind != SUBENTRY_CHARGER:
        raise _error("not_a_charger", device=name)
    if (ATTR_ENERGY_KWH in call.data) == (ATTR_SOC in call.data):
        raise _error("plan_target_required")
    settings = coordinator.settings
    if ATTR_SOC in call.data:
        sub = coordinator.config_entry.subentries[load_id]
        if soc_form(sub) is None:
            raise _error("soc_not_configured", device=name)
        soc = call.data[ATTR_SOC]
        _check_range(coordinator, load_id, "plan_soc", soc, ATTR_SOC)
        settings.set_value(load_id, "plan_soc", round(float(soc), 1))
        settings.set_value(load_id, "plan_energy_kwh", 0.0)
    else:
        energy = call.data[ATTR_ENERGY_KWH]
        # NaN and infinity fall outside the range too
        _check_range(coordinator, load_id, "plan_energy_kwh", energy, ATTR_ENERGY_KWH)
        settings.set_value(load_id, "plan_energy_kwh", round(float(energy), 3))
        settings.set_value(load_id, "plan_soc", 0.0)
    if ATTR_DEPARTURE in call.data:
        departure: time = call.data[ATTR_DEPARTURE]
        settings.set_value(load_id, "departure", departure.replace(microsecond=0).isoformat())
    coordinator.plans.restart(load_id)  # set again: counts afresh from now
    coordinator.async_settings_changed()


_PLAN_FIELDS: dict[Any, Any] = {
    **_DEVICE,
    vol.Optional(ATTR_ENERGY_KWH): vol.Coerce(float),
    vol.Optional(ATTR_SOC): vol.Coerce(float),
    vol.Optional(ATTR_DEPARTURE): cv.time,
}
_SERVICES: dict[str, tuple[Any, vol.Schema]] = {
    SERVICE_SET_OPERATING_MODE: (
        _set_operating_mode,
        vol.Schema({**_DEVICE, vol.Required(ATTR_MODE): cv.string}),
    ),
    SERVICE_SET_DISTRIBUTION_MODE: (
        _set_distribution_mode,
        vol.Schema({**_DEVICE, vol.Required(ATTR_DISTRIBUTION): vol.In(DISTRIBUTION_MODES)}),
    ),
    SERVICE_SET_CURRENT_LIMITS: (
        _set_current_limits,
        vol.Schema(
            vol.All(
                {
                    **_DEVICE,
                    vol.Optional(ATTR_MIN_CURRENT): vol.Coerce(float),
                    vol.Optional(ATTR_MAX_CURRENT): vol.Coerce(float),
                },
                cv.has_at_least_one_key(ATTR_MIN_CURRENT, ATTR_MAX_CURRENT),
            )
        ),
    ),
    SERVICE_SET_PRIORITY: (
        _set_priority,
        vol.Schema({**_DEVICE, vol.Required(ATTR_PRIORITY): vol.Coerce(int)}),
    ),
    SERVICE_RESET_CHARGER: (_reset_charger, vol.Schema(_DEVICE)),
    SERVICE_SET_PLAN: (
        _set_plan,
        vol.Schema(_PLAN_FIELDS),
    ),
    SERVICE_SET_PHASE_MODE: (
        _set_phase_mode,
        vol.Schema({**_DEVICE, vol.Required(ATTR_PHASE_MODE): vol.In(PHASE_MODES)}),
    ),
}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's services (once, in ``async_setup``)."""
    for service, (handler, schema) in _SERVICES.items():

        async def handle(call: ServiceCall, handler: Any = handler) -> None:
            await handler(hass, call)

        hass.services.async_register(DOMAIN, service, handle, schema=schema)
