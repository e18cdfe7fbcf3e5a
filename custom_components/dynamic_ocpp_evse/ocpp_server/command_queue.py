"""One outgoing command queue per charge point: coalescing, timeouts, failures as exceptions.

Commands are keyed (e.g. ``("profile", 1)``). Submitting a key that is still waiting
replaces its command (only the latest one is sent) and moves it to the back; everybody
who submitted under that key gets the newer command's outcome. One worker task per
queue sends one command at a time, each bounded by a timeout, so a slow or dead
charger only ever delays its own queue, never other chargers or the event loop.

States: *stopped* (charger offline: ``submit`` returns an already failed future),
*held* (connected but still being set up: commands wait) and *running*.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

_LOGGER = logging.getLogger(__name__)

Factory = Callable[[], Awaitable[Any]]


class CommandFailed(Exception):
    """The charger answered with a CALLERROR or a refusal, or the command could not run."""


class CommandTimeout(CommandFailed):
    """The charger did not answer within the response timeout."""


class ChargerOffline(CommandFailed):
    """The charger is not connected (or disconnected while the command was in flight)."""


class ConnectorMissing(CommandFailed):
    """The charger says it has no such connector: nothing is sent for it."""


class CommandRejected(CommandFailed):
    """The charger answered, but not with Accepted (``status`` says what)."""

    def __init__(self, what: str, status: str) -> None:
        super().__init__(f"{what}: {status}")
        self.status = status


class SendPacer:
    """Shared by all chargers: at most ``burst`` requests start per event-loop iteration.

    When Home Assistant changes the limits of 100 chargers in one go, their queues
    would otherwise all serialise and send in the same loop iteration; the pacer
    spreads that work over a few iterations so the loop never stalls for long. It
    only paces the start of a request, never the wait for the answer, so a slow
    charger cannot hold anybody up.
    """

    def __init__(self, burst: int = 10) -> None:
        self._slots = asyncio.Semaphore(burst)

    async def turn(self) -> None:
        """Wait for a slot; it frees itself on the next loop iteration."""
        await self._slots.acquire()
        asyncio.get_running_loop().call_soon(self._slots.release)


def _consume(fut: asyncio.Future[Any]) -> None:
    """Mark a failure as retrieved so unawaited futures do not log 'never retrieved'."""
    if not fut.cancelled():
        fut.exception()


class CommandQueue:
    """Serialises and coalesces the commands sent to one charger."""

    def __init__(self, name: str, *, timeout_s: float) -> None:
        self._name = name
        self._timeout_s = timeout_s
        self._pending: OrderedDict[Hashable, tuple[Factory, float, asyncio.Future[Any]]] = (
            OrderedDict()
        )
        self._wakeup = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._held = False
        self._inflight: asyncio.Future[Any] | None = None
        self.sent = 0  # commands started (for diagnostics and tests)

    @property
    def running(self) -> bool:
        """True when the worker exists (held or running)."""
        return self._worker is not None

    @property
    def pending_keys(self) -> list[Hashable]:
        """Keys waiting to be sent, in sending order."""
        return list(self._pending)

    def submit(
        self, key: Hashable, factory: Factory, *, timeout_s: float | None = None
    ) -> asyncio.Future[Any]:
        """Queue ``factory`` under ``key``; return a future with its (or a newer) outcome.

        ``timeout_s`` overrides the queue's timeout for a command that makes several calls.
        """
        loop = asyncio.get_running_loop()
        if self._worker is None:
            fut: asyncio.Future[Any] = loop.create_future()
            fut.add_done_callback(_consume)
            fut.set_exception(ChargerOffline(f"{self._name} is not connected"))
            return fut
        existing = self._pending.pop(key, None)
        if existing is not None:
            fut = existing[2]
        else:
            fut = loop.create_future()
            fut.add_done_callback(_consume)
        self._pending[key] = (factory, timeout_s or self._timeout_s, fut)
        self._wakeup.set()
        return fut

    def start(self, *, held: bool = False) -> None:
        """Start the worker (charger connected); ``held`` keeps commands waiting."""
        self._held = held
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(
                self._run(), name=f"ocpp-queue-{self._name}"
            )
        self._wakeup.set()

    def release(self) -> None:
        """Let a held queue send."""
        self._held = False
        self._wakeup.set()

    async def stop(self, reason: Exception | None = None) -> None:
        """Stop the worker; fail the in-flight and waiting commands with ``reason``."""
        error = reason or ChargerOffline(f"{self._name} disconnected")
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            try:
                await worker
            except asyncio.CancelledError:
                if (task := asyncio.current_task()) is not None and task.cancelling():
                    raise
        if self._inflight is not None and not self._inflight.done():
            self._inflight.set_exception(error)
        self._inflight = None
        pending, self._pending = self._pending, OrderedDict()
        for _factory, _timeout, fut in pending.values():
            if not fut.done():
                fut.set_exception(error)

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            if self._held or not self._pending:
                self._wakeup.clear()
                continue
            key, (factory, timeout_s, fut) = self._pending.popitem(last=False)
            self._inflight = fut
            self.sent += 1
            try:
                async with asyncio.timeout(timeout_s):
                    result = await factory()
            except TimeoutError:
                _LOGGER.warning("%s: no answer to %s within %ss", self._name, key, timeout_s)
                if not fut.done():
                    fut.set_exception(CommandTimeout(f"{self._name}: no answer to {key}"))
            except CommandFailed as err:
                _LOGGER.warning("%s: %s failed: %s", self._name, key, err)
                if not fut.done():
                    fut.set_exception(err)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                _LOGGER.exception("%s: %s raised", self._name, key)
                if not fut.done():
                    fut.set_exception(CommandFailed(f"{key}: {err!r}"))
            else:
                if not fut.done():
                    fut.set_result(result)
            finally:
                if self._inflight is fut and fut.done():
                    self._inflight = None
