"""Writing a Home Assistant ``Store`` while the hub runs: soon, but at most so often.

Owns the timing of the hub's periodic saves (controller_store.py, plan_store.py).
``Store.async_delay_save`` alone does not do: every call moves its write to
``delay`` after that call, so a call every cycle with a delay longer than the
cycle never writes until Home Assistant stops, and a crash or a power cut
loses everything since the start. Here the first request writes ``delay_s``
later and then at most one write per ``every_s``, whatever the number of
requests. The data is taken in the event loop when the write is due (never in
the executor, where the loop could be changing it), from the newest request's
function. What was requested and not yet written is written when Home Assistant
makes its final write on stopping (listened for only while something waits), and
is replaced by :meth:`ThrottledSave.async_save`, which writes at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import CALLBACK_TYPE, Event, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store

_LOGGER = logging.getLogger(__name__)

_T = TypeVar("_T", bound=Mapping[str, Any] | Sequence[Any])


class ThrottledSave(Generic[_T]):
    """Saves of one store, at most one every ``every_s``, the first ``delay_s`` after a request."""

    def __init__(
        self, hass: HomeAssistant, store: Store[_T], *, every_s: float, delay_s: float
    ) -> None:
        self._hass = hass
        self._store = store
        self._every_s = every_s
        self._delay_s = delay_s
        self._data: Callable[[], _T] | None = None
        self._last: float | None = None
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._unsub_final: CALLBACK_TYPE | None = None
        self._job = HassJob(self._timer_fired, "throttled store save")

    @callback
    def schedule(self, data: Callable[[], _T]) -> None:
        """Write ``data()`` soon (many requests make one write; the newest function counts)."""
        self._data = data
        if self._unsub_final is None:
            self._unsub_final = self._hass.bus.async_listen_once(
                EVENT_HOMEASSISTANT_FINAL_WRITE, self._final_write
            )
        if self._cancel_timer is not None:
            return
        wait = self._delay_s
        if self._last is not None:
            wait = max(wait, self._last + self._every_s - self._hass.loop.time())
        self._cancel_timer = async_call_later(self._hass, wait, self._job)

    async def async_save(self, data: _T) -> None:
        """Write ``data`` now, instead of anything requested."""
        self.async_cancel()
        self._last = self._hass.loop.time()
        await self._store.async_save(data)

    @callback
    def async_cancel(self) -> None:
        """Forget what was requested and not yet written."""
        self._data = None
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
        if self._unsub_final is not None:
            self._unsub_final()
            self._unsub_final = None

    async def _timer_fired(self, _now: datetime) -> None:
        self._cancel_timer = None
        await self._write()

    async def _final_write(self, _event: Event) -> None:
        self._unsub_final = None  # a listener that ran is gone already
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None
        await self._write()

    async def _write(self) -> None:
        if self._unsub_final is not None:  # the next request listens again
            self._unsub_final()
            self._unsub_final = None
        data, self._data = self._data, None
        if data is None:
            return
        self._last = self._hass.loop.time()
        try:
            value = data()
        except Exception:  # a snapshot that cannot be taken: the next request tries again
            _LOGGER.exception("Data for %s cannot be taken; not saved", self._store.key)
            return
        await self._store.async_save(value)
