"""Phase switching through an entity of the charger's own integration.

Some chargers switch between one and three phases through their vendor's Home
Assistant integration (a switch, or a select) instead of OCPP ``numberPhases``.
This adapter wraps the charger's own adapter: when the controller commands a
switch (the car has already been offered 0 A), it operates that entity first,
then hands the command on unchanged.

- a ``switch``: on = three phases, off = one phase;
- a ``select`` / ``input_select``: the first option whose text names the count
  ("1", "3", or one/single and three), compared case-insensitively.

A failed switch is logged once per failure streak and reported as the load's
status ``phase_switch_failed``; the controller's next switch command retries it.
"""

from __future__ import annotations

import logging
import re

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .base import LoadAdapter, LoadCommand, LoadReading

_LOGGER = logging.getLogger(__name__)
_WORDS = {1: ("1", "one", "single", "mono"), 3: ("3", "three", "tri")}


def option_for(options: list[str], count: int) -> str | None:
    """The select option that means ``count`` phases, or None."""
    for option in options:
        tokens = re.findall(r"[a-z]+|\d+", option.lower())
        if any(token in _WORDS[count] for token in tokens):
            return option
    return None


class PhaseSwitchAdapter:
    """A charger adapter plus the entity that switches its phases."""

    def __init__(self, hass: HomeAssistant, inner: LoadAdapter, entity_id: str) -> None:
        self._hass = hass
        self._inner = inner
        self._entity_id = entity_id
        self._failed = False

    def __repr__(self) -> str:
        return f"PhaseSwitchAdapter({self._inner!r}, {self._entity_id})"

    @property
    def inner(self) -> LoadAdapter:
        """The charger's own adapter."""
        return self._inner

    @property
    def input_entities(self) -> list[str]:
        """The charger's own inputs."""
        return self._inner.input_entities

    @property
    def status(self) -> str:
        """The charger's status, or phase_switch_failed after a failed switch."""
        return "phase_switch_failed" if self._failed else self._inner.status

    def read(self) -> LoadReading:
        """The charger's reading."""
        return self._inner.read()

    async def async_setup(self) -> None:
        """Prepare the charger."""
        await self._inner.async_setup()

    async def async_apply(self, command: LoadCommand) -> None:
        """Switch the phases first when the controller says so, then apply the command."""
        if command.phase_command is not None:
            await self._switch(command.phase_command)
        await self._inner.async_apply(command)

    async def async_reset(self) -> None:
        """Reset the charger."""
        await self._inner.async_reset()

    async def async_unload(self) -> None:
        """Release the charger."""
        await self._inner.async_unload()

    async def _switch(self, count: int) -> None:
        domain = self._entity_id.partition(".")[0]
        state = self._hass.states.get(self._entity_id)
        try:
            if domain == "switch":
                service = "turn_on" if count == 3 else "turn_off"
                await self._hass.services.async_call(
                    "switch", service, {"entity_id": self._entity_id}, blocking=True
                )
            else:
                options = list((state.attributes.get("options") or []) if state else [])
                option = option_for([str(o) for o in options], count)
                if option is None:
                    raise HomeAssistantError(f"no option for {count} phases in {options}")
                await self._hass.services.async_call(
                    domain,
                    "select_option",
                    {"entity_id": self._entity_id, "option": option},
                    blocking=True,
                )
        except (HomeAssistantError, ValueError) as err:
            if not self._failed:
                _LOGGER.warning(
                    "%s: switching to %s phase(s) failed: %s", self._entity_id, count, err
                )
            self._failed = True
            return
        if self._failed:
            _LOGGER.info("%s: phase switching works again", self._entity_id)
        self._failed = False
