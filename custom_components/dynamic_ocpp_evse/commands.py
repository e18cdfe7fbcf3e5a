"""Carrying the controller's commands to the load adapters without ever blocking.

Owns the adapters' background work: their setup at start, one worker per load that
applies the latest pending command (latest wins, a ``send`` is never lost), a
timeout on every adapter call, the log of commands sent (for diagnostics), and the
back-off of a failing load: after a failed apply (an exception, a timeout, or a
failed service call reported by the adapter) the next one waits 5 s, then 10 s, 20 s ... at
most 5 min, except a decrease, which is never held back. Each failure streak is
logged once; recovery once at info. Other loads are never held up by a failing one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from .adapters.base import LoadAdapter, LoadCommand

_LOGGER = logging.getLogger(__name__)

APPLY_TIMEOUT_S = 15.0
COMMAND_LOG_SIZE = 100
BACKOFF_FIRST_S = 5.0
BACKOFF_MAX_S = 300.0
FAULT_STATUSES = frozenset({"service_failed"})
"""Adapter statuses that mean its last call failed. (The built-in server's adapter
never waits for its charger: it re-sends a rejected profile only after the
connector's minimum send interval, its own back-off.)"""


class CommandRunner:
    """Applies commands to the adapters of one hub in the background."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        name: str,
        adapters: Mapping[str, LoadAdapter],
        now: Callable[[], float],
    ) -> None:
        self._hass = hass
        self._entry = entry
        self._name = name
        self._adapters = adapters
        self._now = now
        self.log: deque[dict[str, Any]] = deque(maxlen=COMMAND_LOG_SIZE)
        """The latest commands sent, for diagnostics."""
        self._pending: dict[str, LoadCommand] = {}
        self._applied_a: dict[str, float] = {}
        self._failures: dict[str, int] = {}
        self._retry_at: dict[str, float] = {}
        self._failing: set[str] = set()
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._setups: dict[str, asyncio.Task[None]] = {}

    def start(self) -> None:
        """Prepare every adapter in the background (a slow device must not hold up HA)."""
        for lid, adapter in self._adapters.items():
            self._setups[lid] = self._entry.async_create_background_task(
                self._hass, self._setup(lid, adapter), f"setup {lid}"
            )

    async def _setup(self, lid: str, adapter: LoadAdapter) -> None:
        await self.guarded(adapter.async_setup(), f"setup {lid}")

    async def stop(self) -> None:
        """Cancel pending work and release every adapter."""
        for task in [*self._workers.values(), *self._setups.values()]:
            task.cancel()
        self._workers.clear()
        self._setups.clear()
        self._pending.clear()
        await asyncio.gather(
            *(self.guarded(a.async_unload(), f"unload {lid}") for lid, a in self._adapters.items())
        )

    async def guarded(self, coro: Any, what: str) -> bool:
        """Await an adapter call with a timeout; log a failure streak once; never raise."""
        try:
            async with asyncio.timeout(APPLY_TIMEOUT_S):
                await coro
        except Exception as err:  # an adapter problem must not stop the hub
            if what in self._failing:
                _LOGGER.debug("%s: %s failed again: %r", self._name, what, err)
            elif isinstance(err, TimeoutError):
                _LOGGER.warning(
                    "%s: %s got no answer within %.0f s", self._name, what, APPLY_TIMEOUT_S
                )
            else:
                _LOGGER.exception("%s: %s failed", self._name, what)
            self._failing.add(what)
            return False
        if what in self._failing:
            self._failing.discard(what)
            _LOGGER.info("%s: %s works again", self._name, what)
        return True

    def dispatch(self, result: Mapping[str, Any]) -> None:
        """Hand each load's command of one controller result to its worker."""
        for lid, raw in (result.get("loads") or {}).items():
            if lid not in self._adapters:
                continue
            command = LoadCommand(
                load_id=lid,
                current_a=float(raw.get("current_a") or 0.0),
                send=bool(raw.get("send")),
                reason=str(raw.get("reason")),
                pause_s=float(raw.get("pause_s") or 0.0),
                grace_s=float(raw.get("grace_s") or 0.0),
                phases=_phase_count(raw.get("phase_setting")),
                phase_command=_phase_count(raw.get("phase_command")),
            )
            if command.send:
                self.log.append(
                    {
                        "at": dt_util.utcnow().isoformat(),
                        "load_id": lid,
                        "current_a": command.current_a,
                        "reason": command.reason,
                    }
                )
            earlier = self._pending.get(lid)
            if earlier is not None and earlier.send and not command.send:
                command = replace(command, send=True)
            if earlier is not None and earlier.phase_command and command.phase_command is None:
                command = replace(command, phase_command=earlier.phase_command)
            self._pending[lid] = command
            if not self._may_apply(lid, command):
                continue  # backing off: kept pending for a later cycle
            worker = self._workers.get(lid)
            if worker is None or worker.done():
                # The task may start eagerly and even finish before it is stored.
                task = self._entry.async_create_background_task(
                    self._hass, self._worker(lid), f"{self._name} apply {lid}"
                )
                if not task.done():
                    self._workers[lid] = task

    async def _worker(self, lid: str) -> None:
        """Apply the latest command for one load until none is pending (or it backs off)."""
        adapter = self._adapters[lid]
        setup = self._setups.get(lid)
        if setup is not None and not setup.done():
            await asyncio.wait([setup])  # commands only once the device is prepared
        while (command := self._pending.get(lid)) is not None and self._may_apply(lid, command):
            del self._pending[lid]
            ok = await self.guarded(adapter.async_apply(command), f"apply {lid}")
            self._applied_a[lid] = command.current_a
            self._judge(lid, ok and adapter.status not in FAULT_STATUSES)

    def _may_apply(self, lid: str, command: LoadCommand) -> bool:
        """False while a failing load backs off, unless the command lowers its current."""
        retry_at = self._retry_at.get(lid)
        if retry_at is None or self._now() >= retry_at:
            return True
        last = self._applied_a.get(lid)
        return last is not None and command.current_a < last

    def _judge(self, lid: str, ok: bool) -> None:
        if ok:
            self._failures.pop(lid, None)
            self._retry_at.pop(lid, None)
            return
        count = self._failures.get(lid, 0) + 1
        self._failures[lid] = count
        delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** min(count - 1, 16))
        self._retry_at[lid] = self._now() + delay

    def backing_off(self, lid: str) -> float:
        """Seconds until a failing load is tried again (0 when it is not backing off)."""
        retry_at = self._retry_at.get(lid)
        return 0.0 if retry_at is None else max(0.0, retry_at - self._now())


def _phase_count(value: Any) -> int | None:
    """1 or 3 from the controller's output; anything else is no phase information."""
    return value if value in (1, 3) and not isinstance(value, bool) else None
