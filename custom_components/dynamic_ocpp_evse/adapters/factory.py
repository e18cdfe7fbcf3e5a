"""Pick the output adapter for a load subentry.

Plugs get the switch adapter; generic loads the switch or setpoint adapter;
thermal loads the thermostat adapter (water_heater, climate) or a switch with
their temperatures. Chargers get the OCPP integration adapter when
its module is available, or the built-in server adapter when the hub runs its own
central system; otherwise a read-only stand-in that reads nothing, commands
nothing and says so once in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from ..const import (
    BACKEND_BUILTIN,
    BACKEND_OCPP_INTEGRATION,
    CONF_BACKEND,
    CONF_CONTROL,
    CONF_CONTROL_ENTITY,
    CONF_PHASE_SWITCH_ENTITY,
    CONF_PHASE_SWITCHING,
    CONTROL_SETPOINT,
    SUBENTRY_LOAD,
    SUBENTRY_PLUG,
    SUBENTRY_THERMAL,
)
from ..load_config import rated_w
from .base import LoadAdapter, LoadCommand, LoadReading
from .phase_switch import PhaseSwitchAdapter
from .setpoint import SetpointAdapter
from .switch import SwitchPlugAdapter
from .thermostat import ThermalSwitchAdapter, ThermostatAdapter

if TYPE_CHECKING:
    from ..ocpp_server.server import CentralSystem

_LOGGER = logging.getLogger(__name__)


class StandInAdapter:
    """A load whose backend is not available: unknown readings, commands ignored."""

    def __init__(self, title: str, why: str) -> None:
        self._title = title
        self._why = why
        self._logged = False

    def __repr__(self) -> str:
        return f"StandInAdapter({self._title})"

    @property
    def input_entities(self) -> list[str]:
        """Nothing to listen to."""
        return []

    @property
    def status(self) -> str:
        """Always "adapter_missing"."""
        return "adapter_missing"

    def read(self) -> LoadReading:
        """Nothing is known about this load."""
        return LoadReading(draw_a=None, active=None)

    async def async_setup(self) -> None:
        """Log once why this load cannot be controlled."""
        self._log()

    async def async_apply(self, command: LoadCommand) -> None:
        """Commands cannot be applied; log once."""
        self._log()

    async def async_reset(self) -> None:
        """Nothing to reset."""

    async def async_unload(self) -> None:
        """Nothing to release."""

    def _log(self) -> None:
        if not self._logged:
            self._logged = True
            _LOGGER.warning("%s cannot be controlled: %s", self._title, self._why)


def _load_adapter(
    hass: HomeAssistant, hub_data: Mapping[str, Any], subentry: ConfigSubentry
) -> LoadAdapter:
    """A generic load (switch or setpoint) or a thermal load (thermostat or switch)."""
    control = str(subentry.data.get(CONF_CONTROL_ENTITY, ""))
    domain = control.partition(".")[0]
    if subentry.subentry_type == SUBENTRY_THERMAL:
        if domain in ("water_heater", "climate"):
            return ThermostatAdapter(hass, hub_data, subentry)
        return ThermalSwitchAdapter(hass, hub_data, subentry, control)
    if subentry.data.get(CONF_CONTROL) == CONTROL_SETPOINT:
        return SetpointAdapter(hass, hub_data, subentry)
    return SwitchPlugAdapter(
        hass, hub_data, subentry, switch_entity=control, rated_w=rated_w(subentry.data)
    )


def create_adapter(
    hass: HomeAssistant,
    hub_data: Mapping[str, Any],
    subentry: ConfigSubentry,
    *,
    central: CentralSystem | None = None,
) -> LoadAdapter:
    """The adapter for one load subentry; a charger that switches its phases
    through an entity gets that entity wrapped around its own adapter."""
    adapter = _create_adapter(hass, hub_data, subentry, central=central)
    entity_id = subentry.data.get(CONF_PHASE_SWITCH_ENTITY)
    if subentry.data.get(CONF_PHASE_SWITCHING) == "entity" and isinstance(entity_id, str):
        return PhaseSwitchAdapter(hass, adapter, entity_id)
    return adapter


def _create_adapter(
    hass: HomeAssistant,
    hub_data: Mapping[str, Any],
    subentry: ConfigSubentry,
    *,
    central: CentralSystem | None = None,
) -> LoadAdapter:
    """The adapter for one load subentry (plug or charger connector)."""
    if subentry.subentry_type == SUBENTRY_PLUG:
        return SwitchPlugAdapter(hass, hub_data, subentry)
    if subentry.subentry_type in (SUBENTRY_LOAD, SUBENTRY_THERMAL):
        return _load_adapter(hass, hub_data, subentry)
    backend = subentry.data.get(CONF_BACKEND, BACKEND_OCPP_INTEGRATION)
    if backend == BACKEND_OCPP_INTEGRATION:
        try:
            from .ocpp_integration import OcppIntegrationAdapter
        except ImportError as err:
            return StandInAdapter(subentry.title, f"OCPP integration adapter unavailable ({err})")
        adapter: LoadAdapter = OcppIntegrationAdapter(
            hass, hub_data, subentry.data, load_id=subentry.subentry_id
        )
        return adapter
    if backend == BACKEND_BUILTIN and central is not None:
        from .builtin_server import BuiltinServerAdapter

        return BuiltinServerAdapter(
            hass, hub_data, subentry.data, load_id=subentry.subentry_id, central=central
        )
    if backend == BACKEND_BUILTIN:
        return StandInAdapter(subentry.title, "the hub's built-in OCPP server is turned off")
    return StandInAdapter(subentry.title, f"backend {backend!r} is not available yet")
