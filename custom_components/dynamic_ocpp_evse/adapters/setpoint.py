"""Setpoint adapter: a generic load driven through a ``number`` or ``input_number``.

A heater with a power regulator, or a wallbox driven by another integration,
takes its power (W) or current (A per leg) as a number entity's value. The
controller's command (amps per leg) is turned into that unit, rounded down onto
the setpoint's steps from its minimum (``engine.power_load.on_step`` already did
so; the rounding here only absorbs the float conversion) and clamped to the
entity's own ``min``/``max``; 0 switches the load off. The value is written with
``<domain>.set_value`` only when it changes, a failed call is retried next cycle
and logged once.

The draw is the optional power sensor's reading, else the value the entity holds
now (what the load was told).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant

from ..const import CONF_CONTROL_ENTITY, CONF_POWER_ENTITY, CONF_SETPOINT_UNIT
from ..measurements import numeric_state, power_w
from ..scenario_config import load_phases, site_phases, voltage
from .base import LoadCommand, LoadReading
from .service_calls import ServiceCaller

_LOGGER = logging.getLogger(__name__)


class SetpointAdapter(ServiceCaller):
    """Controls one load through a number / input_number setpoint in W or A."""

    def __init__(
        self, hass: HomeAssistant, hub_data: Mapping[str, Any], subentry: ConfigSubentry
    ) -> None:
        self._hass = hass
        self._entity = str(subentry.data.get(CONF_CONTROL_ENTITY, ""))
        self._domain = self._entity.partition(".")[0] or "number"
        power_entity = subentry.data.get(CONF_POWER_ENTITY)
        self._power_entity: str | None = str(power_entity) if power_entity else None
        self._amps = subentry.data.get(CONF_SETPOINT_UNIT) == "a"
        self._legs = len(load_phases(subentry, site_phases(hub_data)))
        self._volts = voltage(hub_data)
        self._sent: float | None = None
        self._failed = False
        self._busy = False
        self._status = "ok"
        self.last_error: str | None = None

    def __repr__(self) -> str:
        return f"SetpointAdapter({self._entity})"

    @property
    def input_entities(self) -> list[str]:
        """The setpoint and, when configured, the power sensor."""
        return [e for e in (self._entity, self._power_entity) if e]

    @property
    def status(self) -> str:
        """ "ok", "offline" (setpoint cannot be read) or "service_failed"."""
        return self._status

    def _per_leg_a(self, value: float) -> float:
        """A setpoint value as amps per leg."""
        return value if self._amps else value / (self._volts * self._legs)

    def _value_of(self, amps: float) -> float:
        """Amps per leg as the setpoint's value (W or A), a little below rather than above."""
        value = amps if self._amps else amps * self._volts * self._legs
        return math.floor(value * 1000 + 1e-6) / 1000

    def read(self) -> LoadReading:
        """Draw per leg from the power sensor, else from the setpoint now."""
        state = self._hass.states.get(self._entity)
        setpoint = numeric_state(state)
        if setpoint is None:
            if not self._failed:
                self._status = "offline"
            return LoadReading(draw_a=None, active=None)
        if self._status == "offline":
            self._status = "ok"
        watts = power_w(self._hass.states.get(self._power_entity)) if self._power_entity else None
        if watts is not None:
            amps = max(0.0, watts) / (self._volts * self._legs)
        else:
            amps = max(0.0, self._per_leg_a(setpoint))
        return LoadReading(draw_a=[amps] * self._legs, active=True)

    def _clamped(self, value: float) -> float:
        state = self._hass.states.get(self._entity)
        attrs = state.attributes if state is not None else {}
        low, high = _attr(attrs, "min"), _attr(attrs, "max")
        if high is not None:
            value = min(value, high)
        if low is not None:
            value = max(value, low)
        return value

    async def async_setup(self) -> None:
        """Nothing to prepare."""

    async def async_apply(self, command: LoadCommand) -> None:
        """Write the commanded setpoint when it changed (or a call must be retried)."""
        current = numeric_state(self._hass.states.get(self._entity))
        if self._busy or current is None:
            return
        value = self._clamped(self._value_of(max(0.0, command.current_a)))
        out_of_step = command.send and abs(current - value) > 1e-6
        if value == self._sent and not self._failed and not out_of_step:
            return
        await self._call(value)

    async def _call(self, value: float) -> None:
        call = (self._domain, "set_value", {"value": value})
        if await self._call_services(self._entity, f"set {value} on", lambda: [call]):
            self._sent = value

    async def async_reset(self) -> None:
        """Forget what was sent: the next command is written afresh."""
        self._sent = None
        self._failed = False

    async def async_unload(self) -> None:
        """Leave the setpoint as it is."""


def _attr(attrs: Mapping[str, Any], key: str) -> float | None:
    value = attrs.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)
