"""A simulated OCPP 1.6J charge point with N connectors and a car on each.

``Simulator(url, cpid, connectors=2, ...)``: ``await sim.start()`` connects to
``url/<cpid>`` (and reconnects after a drop), boots, reports every connector's status,
then sends Heartbeats and MeterValues on their intervals. ``await sim.plug_in(1)``
authorises and starts a transaction; the car then draws what the composite charging
schedule allows (``schedule.ProfileStore``), ramping up at ``ramp_a_per_s``.
``misbehaviour`` (a ``Misbehaviour``) can be changed at any time;
``await sim.drop_connection()`` simulates a network loss (or a reboot that loses the
profiles). ``clock`` is injectable so tests can move time without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from ocpp.exceptions import OCPPError
from ocpp.v16 import call
from websockets.asyncio.client import ClientConnection, connect
from websockets.headers import build_authorization_basic

from .charge_point import SimChargePoint
from .models import Misbehaviour, Received, SimConnector
from .schedule import ProfileStore, RelativeStart
from .station import Station

_LOGGER = logging.getLogger(__name__)
FIRMWARE = "sim-1.0"  # what the simulator reports in its BootNotification
# A request the central system answered late or with a CALLERROR does not end the
# connection (a real charger keeps going); only a closed connection does.
UNANSWERED = (TimeoutError, OCPPError)


def utc_now() -> datetime:
    """Default clock."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Simulator:
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
            with contextlib.suppress(*UNANSWERED):  # a late or refused answer: keep going
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
                    with contextlib.suppress(*UNANSWERED):
                        await self.send_meter_values(conn.connector_id)

    # ---------------------------------------------------------------- model
    @property
    def connectors(self) -> dict[int, SimConnector]:
        """Connectors by id (1..N)."""
        return self.station.connectors

    @property
    def profiles(self) -> ProfileStore:
        """The installed charging profiles."""
        return self.station.profiles

    @property
    def misbehaviour(self) -> Misbehaviour:
        """The misbehaviour switches (mutable)."""
        return self.station.misbehaviour

    def allowed_a(self, connector_id: int) -> float | None:
        """The composite limit (A per phase) on a connector now; None = unlimited."""
        return self.station.allowed_a(connector_id)

    def draw_a(self, connector_id: int) -> float:
        """Advance the car to the clock's now and return its draw per phase (A)."""
        return self.station.draw_a(connector_id)

    async def send_status(self, connector_id: int, status: str) -> None:
        """Send a StatusNotification (0 = the whole unit)."""
        if connector_id:
            self.connectors[connector_id].status = status
        await self.send(
            call.StatusNotification(
                connector_id=connector_id,
                error_code="NoError",
                status=status,
                timestamp=iso(self.clock()),
            )
        )

    async def refresh_status(self, connector_id: int) -> None:
        """Report a status change if the allowance or the car changed it."""
        conn = self.connectors[connector_id]
        self.draw_a(connector_id)
        status = self.station.status_for(connector_id)
        if status != conn.status and self._cp is not None:
            await self.send_status(connector_id, status)
        self._notify()

    async def send_meter_values(self, connector_id: int) -> None:
        """Send one MeterValues for a connector (per-phase current, power, energy)."""
        conn = self.connectors[connector_id]
        samples = self.station.meter_samples(connector_id)
        await self.send(
            call.MeterValues(
                connector_id=connector_id,
                transaction_id=conn.transaction_id,
                meter_value=[{"timestamp": iso(self.clock()), "sampledValue": samples}],
            )
        )
        await self.refresh_status(connector_id)

    async def plug_in(self, connector_id: int, id_tag: str | None = None) -> int | None:
        """Plug a car in and start a transaction; return its id (None if refused)."""
        conn = self.connectors[connector_id]
        conn.plugged = True
        await self.send_status(connector_id, "Preparing")
        return await self.start_transaction(connector_id, id_tag or self.id_tag)

    async def start_transaction(self, connector_id: int, id_tag: str) -> int | None:
        """Authorize and StartTransaction on a plugged connector; return the id or None."""
        conn = self.connectors[connector_id]
        auth = await self.send(call.Authorize(id_tag=id_tag))
        if auth.id_tag_info["status"] != "Accepted":
            return None
        now = self.clock()
        unique_id = str(uuid.uuid4())
        self._pending_starts[unique_id] = (connector_id, id_tag, now)
        if self._cp is None:
            raise ConnectionError(f"{self.cpid} is not connected")
        try:
            await self._cp.call(
                call.StartTransaction(
                    connector_id=connector_id,
                    id_tag=id_tag,
                    meter_start=int(conn.car.energy_wh),
                    timestamp=iso(now),
                ),
                suppress=False,
                unique_id=unique_id,
            )
        finally:
            self._pending_starts.pop(unique_id, None)
        if conn.transaction_id is None:
            return None
        await self.refresh_status(connector_id)
        return conn.transaction_id

    def start_confirmed(self, unique_id: str, payload: dict[str, Any]) -> None:
        """Apply a StartTransaction.conf the moment it arrives (before later frames),
        as a charger handling its messages in order would."""
        pending = self._pending_starts.get(unique_id)
        if pending is None:
            return
        connector_id, id_tag, started = pending
        if payload.get("idTagInfo", {}).get("status") != "Accepted":
            return
        conn = self.connectors[connector_id]
        conn.transaction_id = int(payload["transactionId"])
        conn.tx_started_at = started
        conn.id_tag = id_tag
        conn.car.update(started, None, False)

    async def unplug(self, connector_id: int, reason: str = "EVDisconnected") -> None:
        """Stop the transaction (if any) and unplug the car."""
        await self.stop_transaction(connector_id, reason)
        conn = self.connectors[connector_id]
        conn.plugged = False
        await self.send_status(connector_id, "Available")
        self._notify()

    async def stop_transaction(self, connector_id: int, reason: str) -> None:
        """StopTransaction (if one runs); the car stops drawing, TxProfiles are dropped."""
        conn = self.connectors[connector_id]
        if conn.transaction_id is None:
            return
        self.draw_a(connector_id)
        transaction_id, conn.transaction_id = conn.transaction_id, None
        conn.car.draw_a = 0.0
        await self.send(
            call.StopTransaction(
                meter_stop=int(conn.car.energy_wh),
                timestamp=iso(self.clock()),
                transaction_id=transaction_id,
                reason=reason,
            )
        )
        self.profiles.end_transaction(transaction_id)
        await self.send_status(connector_id, "Finishing" if conn.plugged else "Available")

    def refresh_all(self) -> None:
        """Re-evaluate every connector's status in the background (after a profile change)."""
        if self._cp is not None:
            for n in self.connectors:
                self.spawn(self.refresh_status(n))
        self._notify()
