"""What a simulated charge point does at its connectors: the car's actions and reports.

Owns the requests the simulator sends because something happened at a connector:
StatusNotification (and re-evaluating a status once the allowance or the car changed
it), MeterValues, plugging a car in (Authorize, then StartTransaction, whose
confirmation is applied the moment it arrives, before later frames), unplugging and
StopTransaction; and the view of the station model (connectors, profiles,
misbehaviour, allowed and drawn current). ``ConnectorActions`` is a mixin of
:class:`.simulator.Simulator`, which owns the connection, the clock and the tasks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ocpp.v16 import call

from .models import Misbehaviour, SimConnector
from .schedule import ProfileStore
from .station import Station

if TYPE_CHECKING:
    from .charge_point import SimChargePoint


def iso(moment: datetime) -> str:
    """ISO 8601 UTC with Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ConnectorActions:
    """The connector side of a simulated charge point (see the module docstring)."""

    # owned by the Simulator
    clock: Callable[[], datetime]
    station: Station
    id_tag: str
    cpid: str
    _cp: SimChargePoint | None
    _pending_starts: dict[str, tuple[int, str, datetime]]

    if TYPE_CHECKING:

        async def send(self, payload: Any) -> Any: ...

        def spawn(self, coro: Coroutine[Any, Any, Any]) -> None: ...

        def _notify(self) -> None: ...

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
