"""A simulated OCPP 1.6J charge point with N connectors and a car on each.

``Simulator(url, cpid, connectors=2, ...)``: ``await sim.start()`` connects to
``url/<cpid>`` (and reconnects after a drop), boots, reports every connector's status,
then sends Heartbeats and MeterValues on their intervals. ``await sim.plug_in(1)``
authorises and starts a transaction; the car then draws what the composite charging
schedule allows (``schedule.ProfileStore``), ramping up at ``ramp_a_per_s``.
``misbehaviour`` (a ``Misbehaviour``) can be changed at any time;
``await sim.drop_connection()`` simulates a network loss (or a reboot that loses the
profiles). ``clock`` is injectable so tests can move time without sleeping.

This module owns the connection (connect, reconnect, serve, heartbeats, the meter
loop) and the simulator's plumbing (tasks, recorded requests, waiting for a
condition); what happens at the connectors (status, meter values, transactions) is
:mod:`.actions`, the answers to the central system's requests :mod:`.charge_point`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from ocpp.exceptions import OCPPError
from ocpp.v16 import call
from websockets.asyncio.client import ClientConnection, connect
from websockets.headers import build_authorization_basic

from .actions import ConnectorActions
from .charge_point import SimChargePoint
from .models import Misbehaviour, Received
from .schedule import ProfileStore, RelativeStart
from .station import Station

_LOGGER = logging.getLogger(__name__)
FIRMWARE = "sim-1.0"  # what the simulator reports in its BootNotification
# A request the central system answered late or with a CALLERROR does not end the
# connection (a real charger keeps going); only a closed connection does.
UNANSWERED = (TimeoutError, OCPPError)


@contextlib.asynccontextmanager
async def unanswered_ok() -> Any:
    """Keep going after a late or refused answer, but never swallow a stop.

    A cancellation that lands while the ocpp library's own timeout fires can come
    out as ``TimeoutError``; the task is still being cancelled then, so it ends.
    """
    try:
        yield
    except UNANSWERED:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise asyncio.CancelledError from None


def utc_now() -> datetime:
    """Default clock."""
    return datetime.now(UTC)


class Simulator(ConnectorActions):
    """One simulated charge point (see the module docstring)."""

    def __init__(
        self,
        url: str,
        cpid: str,
        *,
        connectors: int = 1,
        password: str | None = None,
        username: str | None = None,
        clock: Callable[[], datetime] = utc_now,
        voltage: float = 230.0,
        car_phases: int = 3,
        car_max_a: float = 32.0,
        ramp_a_per_s: float = 2.0,
        misbehaviour: Misbehaviour | None = None,
        meter_interval_s: float | None = None,
        subprotocol: str | None = "ocpp1.6",
        auto_reconnect: bool = True,
        boot_on_reconnect: bool = True,
        reconnect_delay_s: float = 0.5,
        relative_start: RelativeStart = "install",
        id_tag: str = "SIMTAG",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.url = f"{url.rstrip('/')}/{cpid}"
        self.cpid = cpid
        self.password = password
        self.username = username if username is not None else cpid
        self.clock = clock
        self.meter_interval_s = meter_interval_s
        self.subprotocol = subprotocol
        self.auto_reconnect = auto_reconnect
        self.boot_on_reconnect = boot_on_reconnect
        self.reconnect_delay_s = reconnect_delay_s
        self.id_tag = id_tag
        self.ssl_context = ssl_context  # for wss:// (e.g. one trusting a self-signed cert)
        self.station = Station(
            connectors=connectors,
            clock=clock,
            voltage=voltage,
            car_phases=car_phases,
            car_max_a=car_max_a,
            ramp_a_per_s=ramp_a_per_s,
            misbehaviour=misbehaviour,
            relative_start=relative_start,
        )
        self.received: list[Received] = []
        self.on_request: Callable[[Received], None] | None = None
        self.boots = 0
        self.connections = 0
        self.last_error: Exception | None = None
        self.connected = asyncio.Event()
        self._cp: SimChargePoint | None = None
        self._ws: ClientConnection | None = None
        self._runner: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._changed = asyncio.Event()
        self._pending_starts: dict[str, tuple[int, str, datetime]] = {}

    # ------------------------------------------------------------- plumbing
    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a coroutine as a task owned (and cancelled on stop) by the simulator."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``predicate()`` holds (checked after every change); TimeoutError."""
        async with asyncio.timeout(timeout):
            while True:
                event = self._changed
                if predicate():
                    return
                await event.wait()

    def record(self, action: str, payload: dict[str, Any], perf: float) -> None:
        """Called by the charge point for every request as it arrives."""
        item = Received(action, payload, self.clock(), perf)
        self.received.append(item)
        if self.on_request is not None:
            self.on_request(item)
        self._notify()

    def requests(self, action: str) -> list[dict[str, Any]]:
        """Payloads of the received requests of one action, oldest first."""
        return [r.payload for r in self.received if r.action == action]

    async def send(self, payload: Any) -> Any:
        """Send a request to the central system (raises when not connected)."""
        if self._cp is None:
            raise ConnectionError(f"{self.cpid} is not connected")
        return await self._cp.call(payload, suppress=False)

    # ------------------------------------------------------------ lifecycle
    async def start(self, *, wait: bool = True, timeout: float = 5.0) -> None:
        """Start connecting (and reconnecting); by default wait until booted."""
        if self._runner is None:
            self._runner = asyncio.get_running_loop().create_task(self._run())
        if wait:
            async with asyncio.timeout(timeout):
                await self.connected.wait()

    async def stop(self) -> None:
        """Disconnect for good."""
        self.auto_reconnect = False
        runner, self._runner = self._runner, None
        if self._ws is not None:
            await self._ws.close()
        if runner is not None:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def drop_connection(self, *, lose_profiles: bool = False) -> None:
        """Close the websocket (the runner reconnects if ``auto_reconnect``)."""
        if lose_profiles:
            self.station.profiles = ProfileStore()
        if self._ws is not None:
            await self._ws.close()

    def _headers(self) -> dict[str, str]:
        if self.password is None:
            return {}
        return {"Authorization": build_authorization_basic(self.username, self.password)}

    async def _run(self) -> None:
        while True:
            try:
                protocols: Any = [self.subprotocol] if self.subprotocol else None
                tls: Any = {"ssl": self.ssl_context} if self.url.startswith("wss:") else {}
                async with connect(
                    self.url, subprotocols=protocols, additional_headers=self._headers(), **tls
                ) as ws:
                    await self._serve(ws)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                self.last_error = err
                _LOGGER.debug("%s: connection ended: %r", self.cpid, err)
            finally:
                self._cp, self._ws = None, None
                self.connected.clear()
                self._notify()
            if not self.auto_reconnect:
                return
            await asyncio.sleep(self.reconnect_delay_s)

    async def _serve(self, ws: ClientConnection) -> None:
        """Serve one connection until it closes (or the boot or a loop fails).

        The receiver and the session (boot, then heartbeats and meter values) run side
        by side: when the central system closes the connection (e.g. a duplicate
        connection with our id replaced us), the receiver ends at once and takes the
        session down with it, so no request waits for an answer that cannot come and
        the runner reconnects after ``reconnect_delay_s``. A heartbeat or meter value
        answered late or with a CALLERROR does not end it.
        """
        self._ws = ws
        self._cp = cp = SimChargePoint(self, ws)
        self.connections += 1
        loop = asyncio.get_running_loop()
        receiver = loop.create_task(cp.start())
        session = loop.create_task(self._session())
        try:
            done, _ = await asyncio.wait({receiver, session}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # re-raise why it ended (logged by the runner)
        finally:
            for task in (receiver, session):
                task.cancel()
            await asyncio.gather(receiver, session, return_exceptions=True)

    async def _session(self) -> None:
        heartbeat_s = float(self.station.config["HeartbeatInterval"])
        if self.boot_on_reconnect or self.boots == 0:
            boot = await self.send(
                call.BootNotification(
                    charge_point_model="Simulator",
                    charge_point_vendor="DynamicOCPP",
                    charge_point_serial_number=f"SIM-{self.cpid}"[:25],
                    firmware_version=FIRMWARE,
                )
            )
            self.boots += 1
            heartbeat_s = float(boot.interval)
            self.station.config["HeartbeatInterval"] = str(boot.interval)
            await self.send_status(0, "Available")
            for conn in self.connectors.values():
                await self.send_status(conn.connector_id, conn.status)
        self.connected.set()
        self._notify()
        await asyncio.gather(self._heartbeats(heartbeat_s), self._meter_loop())

    async def _heartbeats(self, interval_s: float) -> None:
        while True:
            await asyncio.sleep(max(1.0, interval_s))
            async with unanswered_ok():  # a late or refused answer: keep going
                await self.send(call.Heartbeat())

    async def _meter_loop(self) -> None:
        first = True
        while True:
            configured = float(self.station.config["MeterValueSampleInterval"])
            interval = max(0.05, self.meter_interval_s or configured)
            # real chargers are not synchronised: start at a random phase of the interval
            await asyncio.sleep(random.uniform(0, interval) if first else interval)
            first = False
            for conn in self.connectors.values():
                if conn.transaction_id is not None:
                    async with unanswered_ok():
                        await self.send_meter_values(conn.connector_id)
