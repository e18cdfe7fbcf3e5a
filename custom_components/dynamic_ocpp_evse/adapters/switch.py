"""Plug adapter: a ``switch`` (or ``input_boolean``) entity running a load at its rated power.

Reads the plug's draw from its power sensor (or from the switch state and the
rated power) and turns it on or off through its domain's ``turn_on``/``turn_off``,
only when the wanted state changes (or a failed call must be retried, or the
controller's periodic refresh finds the switch out of step). The controller
already encodes its pause in ``current_a``: the adapter just follows
``current_a > 0``. A failing call is logged once and surfaced via ``status``.

Idle detection (plugs with a power sensor and an idle threshold): while the
switch is on and the measured power stays below ``idle_w`` for ``idle_s``,
the appliance has finished (a washing machine at the end of its programme).
The plug then reads as inactive, so it no longer reserves its rated power for
others, and the adapter leaves it on (it was not switched off for power). As
soon as it draws above the threshold again it is active and counts again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import CONF_IDLE_S, CONF_IDLE_W, CONF_POWER_ENTITY, CONF_POWER_W, CONF_SWITCH_ENTITY
from ..measurements import power_w
from ..scenario_config import load_phases, site_phases, voltage
from .base import LoadCommand, LoadReading
from .service_calls import ServiceCaller

_LOGGER = logging.getLogger(__name__)


class SwitchPlugAdapter(ServiceCaller):
    """Controls one plug through its switch entity."""

    def __init__(
        self,
        hass: HomeAssistant,
        hub_data: Mapping[str, Any],
        subentry: ConfigSubentry,
        *,
        switch_entity: str | None = None,
        rated_w: float | None = None,
    ) -> None:
        self._hass = hass
        self._switch: str = switch_entity or str(subentry.data.get(CONF_SWITCH_ENTITY, ""))
        # switch.* or input_boolean.*: both offer turn_on / turn_off.
        self._domain = self._switch.partition(".")[0] or "switch"
        power_entity = subentry.data.get(CONF_POWER_ENTITY)
        self._power_entity: str | None = str(power_entity) if power_entity else None
        self._legs = len(load_phases(subentry, site_phases(hub_data)))
        self._volts = voltage(hub_data)
        self._rated_w = _watts(subentry.data.get(CONF_POWER_W)) if rated_w is None else rated_w
        self._idle_w = _watts(subentry.data.get(CONF_IDLE_W))
        self._idle_s = _watts(subentry.data.get(CONF_IDLE_S))
        self._below_since: float | None = None
        self.idle = False
        """The appliance has finished: on, but below the idle threshold long enough."""
        self._commanded: bool | None = None
        self._failed = False
        self._busy = False
        self._status = "ok"
        self.last_error: str | None = None

    def __repr__(self) -> str:
        return f"SwitchPlugAdapter({self._switch})"

    @property
    def input_entities(self) -> list[str]:
        """The switch and, when configured, its power sensor."""
        return [e for e in (self._switch, self._power_entity) if e]

    @property
    def status(self) -> str:
        """ "ok", "offline" (switch cannot be read) or "service_failed"."""
        return self._status

    def _switch_on(self) -> bool | None:
        state = self._hass.states.get(self._switch)
        if state is None or state.state not in (STATE_ON, STATE_OFF):
            return None
        return state.state == STATE_ON

    def read(self) -> LoadReading:
        """Draw per leg in A; active whenever the switch can be controlled."""
        on = self._switch_on()
        if on is None:
            if not self._failed:
                self._status = "offline"
            return LoadReading(draw_a=None, active=None)
        if self._status == "offline":
            self._status = "ok"
        watts: float | None = None
        if self._power_entity:
            watts = power_w(self._hass.states.get(self._power_entity))
        self._track_idle(on, watts)
        if watts is None:
            watts = self._rated_w if on else 0.0
        amps = max(0.0, watts) / (self._volts * self._legs)
        return LoadReading(draw_a=[amps] * self._legs, active=not self.idle)

    def _track_idle(self, on: bool, watts: float | None) -> None:
        """Idle once on and below the threshold for ``idle_s``; active again when it draws."""
        if self._idle_w <= 0 or not on or watts is None or watts >= self._idle_w:
            self._below_since = None
            self.idle = False
            return
        now = dt_util.utcnow().timestamp()
        if self._below_since is None:
            self._below_since = now
        self.idle = now - self._below_since >= self._idle_s

    async def async_setup(self) -> None:
        """Nothing to prepare: a switch has no failsafe to install."""

    async def async_apply(self, command: LoadCommand) -> None:
        """Switch on when the controller gives the plug current, off otherwise."""
        desired = command.current_a > 0
        actual = self._switch_on()
        if self._busy or actual is None:
            return
        if self.idle and not desired:
            return  # finished, not stopped for power: leave it on
        if self._commanded is None and actual == desired:
            self._commanded = desired  # already as wanted at start-up
            return
        out_of_step = command.send and actual != desired
        if desired == self._commanded and not self._failed and not out_of_step:
            return
        await self._call(desired)

    async def _call(self, on: bool) -> None:
        service = "turn_on" if on else "turn_off"
        if await self._call_services(self._switch, service, lambda: [(self._domain, service, {})]):
            self._commanded = on

    async def async_reset(self) -> None:
        """Forget what was commanded: the next command is applied afresh."""
        self._commanded = None
        self._failed = False

    async def async_unload(self) -> None:
        """Leave the plug as it is."""


def _watts(value: Any) -> float:
    """A non-negative number from stored data (0 when missing or not a number)."""
    try:
        number = float(value or 0.0)
    except (TypeError, ValueError):
        return 0.0
    return number if number > 0 and number != float("inf") else 0.0
