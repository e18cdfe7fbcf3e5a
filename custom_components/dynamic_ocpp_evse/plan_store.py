"""Keeping plans across restarts and reloads: progress per charger and the house baseline.

Owns one Home Assistant ``Store`` per hub (key ``dynamic_ocpp_evse.<entry_id>.plans``,
version 1) holding :meth:`.planning.PlanBook.to_dict`: each charger's plan progress
(target, departure, energy delivered, the key that ties it to the settings) and
the learned house baseline. Saved a few seconds after a cycle, at most once a
minute (flushed when Home Assistant stops) and at once when the hub is unloaded; loaded
once when the hub starts, before its first cycle. A store that cannot be read (a
damaged file, another version, a shape that is not ours) is ignored with one
warning: plans then count afresh and the baseline learns again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
SAVE_EVERY_S = 60.0
"""At most one write this often: the baseline changes every five minutes, progress slowly."""
SAVE_DELAY_S = 5.0


class PlanStore:
    """The stored plans of one hub."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._hass = hass
        self._requested: float | None = None
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.plans"
        )

    async def async_load(self) -> dict[str, Any]:
        """What was kept ({} when there is nothing usable; one warning when it is bad)."""
        try:
            data = await self._store.async_load()
        except Exception as err:  # damaged file or another version: start fresh
            _LOGGER.warning("Stored plans cannot be read (%s); plans start afresh", err)
            return {}
        if data is None:
            return {}
        if not isinstance(data, dict):
            _LOGGER.warning("Stored plans have an unknown shape; plans start afresh")
            return {}
        return data

    def schedule_save(self, data: Callable[[], dict[str, Any]]) -> None:
        """Save soon, at most once every ``SAVE_EVERY_S``.

        Throttled here: the store's own delay starts again with every call, so
        a call every cycle would put the write off until Home Assistant stops."""
        now = self._hass.loop.time()
        if self._requested is not None and now - self._requested < SAVE_EVERY_S:
            return
        self._requested = now
        self._store.async_delay_save(data, SAVE_DELAY_S)

    async def async_save(self, data: dict[str, Any]) -> None:
        """Save now (the hub is being unloaded)."""
        await self._store.async_save(data)

    async def async_remove(self) -> None:
        """Forget the stored plans (the hub was removed)."""
        await self._store.async_remove()
