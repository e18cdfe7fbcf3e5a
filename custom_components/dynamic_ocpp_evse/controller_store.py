"""Keeping the controller's restart-relevant memory across restarts and reloads.

Owns one Home Assistant ``Store`` per hub holding the controller's snapshot
(``engine.snapshot``: pauses, grace periods, battery hysteresis, overload floors)
and the wall-clock time it was taken. Saved while the hub runs, a few seconds after
the first cycle and then at most every ``SAVE_EVERY_S`` (throttled_save.py; what is
pending is written when Home Assistant stops), and at once when the hub is
unloaded; loaded once when the hub starts, before its first cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .throttled_save import ThrottledSave

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION = 1
SAVE_EVERY_S = 15.0
"""At most one write this often: what a power cut can lose of a pause or a grace period."""
SAVE_DELAY_S = 5.0


class ControllerStore:
    """The stored snapshot of one hub's controller."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.controller"
        )
        self._saves = ThrottledSave(hass, self._store, every_s=SAVE_EVERY_S, delay_s=SAVE_DELAY_S)

    async def async_load(self) -> tuple[Any, float] | None:
        """(snapshot, wall-clock seconds since it was taken), or None when there is none."""
        try:
            data = await self._store.async_load()
        except Exception:  # a damaged file: start fresh rather than not at all
            _LOGGER.warning("Stored controller state unreadable; starting fresh", exc_info=True)
            return None
        if not isinstance(data, dict):
            return None
        saved_at = dt_util.parse_datetime(str(data.get("saved_at") or ""))
        if not isinstance(saved_at, datetime):
            return None
        elapsed = (dt_util.utcnow() - saved_at).total_seconds()
        return data.get("snapshot"), elapsed

    def _data(self, snapshot: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        return {"saved_at": dt_util.utcnow().isoformat(), "snapshot": snapshot()}

    def schedule_save(self, snapshot: Callable[[], dict[str, Any]]) -> None:
        """Save soon, at most once every ``SAVE_EVERY_S`` (many calls make one write)."""
        self._saves.schedule(lambda: self._data(snapshot))

    async def async_save(self, snapshot: Callable[[], dict[str, Any]]) -> None:
        """Save now (the hub is being unloaded)."""
        await self._saves.async_save(self._data(snapshot))

    async def async_remove(self) -> None:
        """Forget the stored state (the hub was removed)."""
        self._saves.async_cancel()
        await self._store.async_remove()
