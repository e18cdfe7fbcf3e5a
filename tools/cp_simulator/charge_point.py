"""The simulator's OCPP 1.6J charge-point side: answers the central system's requests.

Handlers only decide and answer; anything that needs to send (a transaction after a
RemoteStart, a reboot after Reset, a StatusNotification after a new limit) is handed
to the simulator which runs it as a separate task. Every request is recorded as it
arrived on the wire (camelCase JSON, plain floats) before it is handled.

The charge point knows the simulator only through ``SimulatorHooks`` (a protocol), so
this module does not import ``simulator`` (which imports this one).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, cast

from ocpp.exceptions import InternalError
from ocpp.routing import on
from ocpp.v16 import ChargePoint as OcppChargePoint16
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action

from .models import Misbehaviour, SimConnector
from .station import Station


class SimulatorHooks(Protocol):
    """What the charge point needs from the simulator that owns it."""

    cpid: str
    station: Station

    @property
    def connectors(self) -> dict[int, SimConnector]:
        """Connectors by id."""

    @property
    def misbehaviour(self) -> Misbehaviour:
        """The misbehaviour switches."""

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a coroutine as the simulator's task."""

    def record(self, action: str, payload: dict[str, Any], perf: float) -> None:
        """A request arrived."""

    def start_confirmed(self, unique_id: str, payload: dict[str, Any]) -> None:
        """A CALLRESULT arrived (maybe the one of a StartTransaction)."""

    def refresh_all(self) -> None:
        """Re-evaluate every connector's status."""

    async def send(self, payload: Any) -> Any:
        """Send a request to the central system."""

    async def send_status(self, connector_id: int, status: str) -> None:
        """Send a StatusNotification."""

    async def send_meter_values(self, connector_id: int) -> None:
        """Send one MeterValues for a connector."""

    async def start_transaction(self, connector_id: int, id_tag: str) -> int | None:
        """Authorize and start a transaction."""

    async def stop_transaction(self, connector_id: int, reason: str) -> None:
        """Stop the transaction on a connector."""

    async def drop_connection(self, *, lose_profiles: bool = False) -> None:
        """Close the websocket."""


def handles[F: Callable[..., Any]](action: Action) -> Callable[[F], F]:
    """``ocpp.routing.on`` with a type mypy understands."""
    return cast(Callable[[F], F], on(action))


class SimChargePoint(OcppChargePoint16):  # type: ignore[misc]
    """Charge-point role of the ``ocpp`` library, wired to a ``Simulator``."""

    def __init__(self, sim: SimulatorHooks, connection: Any, response_timeout: float = 30) -> None:
        super().__init__(sim.cpid, connection, response_timeout=response_timeout)
        self._sim = sim
        self._raw: dict[str, dict[str, Any]] = {}

    async def route_message(self, raw_msg: str) -> None:
        try:
            message = json.loads(raw_msg)
        except ValueError:
            message = None
        if isinstance(message, list) and len(message) == 4 and message[0] == 2:
            _type, unique_id, action, payload = message
            self._raw[unique_id] = payload
            self._sim.record(action, payload, time.perf_counter())
            # handle requests in their own task: a slow reply must not stop the simulator
            # from receiving the answers to its own requests
            self._sim.spawn(super().route_message(raw_msg))
            return
        if isinstance(message, list) and len(message) == 3 and message[0] == 3:
            self._sim.start_confirmed(message[1], message[2])
        await super().route_message(raw_msg)

    def _payload(self, unique_id: str) -> dict[str, Any]:
        return self._raw.pop(unique_id, {})

    async def _misbehave(self, action: str) -> None:
        bad = self._sim.misbehaviour
        if bad.reply_delay_s:
            await asyncio.sleep(bad.reply_delay_s)
        if action in bad.call_error_actions:
            raise InternalError(description=f"simulated failure of {action}")

    @handles(Action.set_charging_profile)
    async def on_set_charging_profile(
        self, connector_id: int, cs_charging_profiles: dict[str, Any], call_unique_id: str
    ) -> call_result.SetChargingProfile:
        await self._misbehave("SetChargingProfile")
        raw = self._payload(call_unique_id).get("csChargingProfiles", {})
        status = self._sim.station.set_profile(connector_id, raw)
        self._sim.refresh_all()
        return call_result.SetChargingProfile(status=status)

    @handles(Action.clear_charging_profile)
    async def on_clear_charging_profile(
        self, call_unique_id: str, **kwargs: Any
    ) -> call_result.ClearChargingProfile:
        await self._misbehave("ClearChargingProfile")
        self._payload(call_unique_id)
        status = self._sim.station.clear_profiles(
            profile_id=kwargs.get("id"),
            connector_id=kwargs.get("connector_id"),
            purpose=kwargs.get("charging_profile_purpose"),
            stack_level=kwargs.get("stack_level"),
        )
        self._sim.refresh_all()
        return call_result.ClearChargingProfile(status=status)

    @handles(Action.get_configuration)
    async def on_get_configuration(
        self, call_unique_id: str, key: list[str] | None = None
    ) -> call_result.GetConfiguration:
        await self._misbehave("GetConfiguration")
        self._payload(call_unique_id)
        conf = self._sim.station.configuration()
        wanted = key if key else list(conf)
        known = [
            {"key": k, "readonly": conf[k][1], "value": conf[k][0]} for k in wanted if k in conf
        ]
        unknown = [k for k in wanted if k not in conf]
        return call_result.GetConfiguration(configuration_key=known, unknown_key=unknown or None)

    @handles(Action.change_configuration)
    async def on_change_configuration(
        self, key: str, value: str, call_unique_id: str
    ) -> call_result.ChangeConfiguration:
        await self._misbehave("ChangeConfiguration")
        self._payload(call_unique_id)
        status = self._sim.station.change_configuration(key, value)
        return call_result.ChangeConfiguration(status=status)

    @handles(Action.remote_start_transaction)
    async def on_remote_start(
        self, id_tag: str, call_unique_id: str, **kwargs: Any
    ) -> call_result.RemoteStartTransaction:
        await self._misbehave("RemoteStartTransaction")
        self._payload(call_unique_id)
        sim = self._sim
        target = kwargs.get("connector_id") or next(
            (n for n, c in sim.connectors.items() if c.transaction_id is None), None
        )
        conn = sim.connectors.get(target) if target is not None else None
        if target is None or conn is None or conn.transaction_id is not None:
            return call_result.RemoteStartTransaction(status="Rejected")

        async def start() -> None:
            if not conn.plugged:
                conn.plugged = True
                await sim.send_status(target, "Preparing")
            await sim.start_transaction(target, id_tag)

        sim.spawn(start())
        return call_result.RemoteStartTransaction(status="Accepted")

    @handles(Action.remote_stop_transaction)
    async def on_remote_stop(
        self, transaction_id: int, call_unique_id: str
    ) -> call_result.RemoteStopTransaction:
        await self._misbehave("RemoteStopTransaction")
        self._payload(call_unique_id)
        for conn in self._sim.connectors.values():
            if conn.transaction_id == transaction_id:
                self._sim.spawn(self._sim.stop_transaction(conn.connector_id, "Remote"))
                return call_result.RemoteStopTransaction(status="Accepted")
        return call_result.RemoteStopTransaction(status="Rejected")

    @handles(Action.reset)
    async def on_reset(self, type: str, call_unique_id: str) -> call_result.Reset:
        await self._misbehave("Reset")
        self._payload(call_unique_id)
        sim = self._sim

        async def reboot() -> None:
            for n in sim.connectors:
                await sim.stop_transaction(n, f"{type}Reset")
            await sim.drop_connection()

        sim.spawn(reboot())
        return call_result.Reset(status="Accepted")

    # Sent by the Home Assistant ``ocpp`` integration right after every connect.
    @handles(Action.change_availability)
    async def on_change_availability(
        self, connector_id: int, type: str, call_unique_id: str
    ) -> call_result.ChangeAvailability:
        await self._misbehave("ChangeAvailability")
        self._payload(call_unique_id)
        known = connector_id == 0 or connector_id in self._sim.connectors
        return call_result.ChangeAvailability(status="Accepted" if known else "Rejected")

    @handles(Action.trigger_message)
    async def on_trigger_message(
        self, requested_message: str, call_unique_id: str, connector_id: int | None = None
    ) -> call_result.TriggerMessage:
        """BootNotification, StatusNotification, Heartbeat and MeterValues on request."""
        await self._misbehave("TriggerMessage")
        self._payload(call_unique_id)
        sim = self._sim
        targets = [connector_id] if connector_id else list(sim.connectors)
        if connector_id and connector_id not in sim.connectors:
            return call_result.TriggerMessage(status="Rejected")
        if requested_message == "BootNotification":
            boot = call.BootNotification(
                charge_point_model="Simulator", charge_point_vendor="DynamicOCPP"
            )
            sim.spawn(sim.send(boot))
        elif requested_message == "StatusNotification":
            for n in targets:
                sim.spawn(sim.send_status(n, sim.connectors[n].status))
        elif requested_message == "Heartbeat":
            sim.spawn(sim.send(call.Heartbeat()))
        elif requested_message == "MeterValues":
            for n in targets:
                if sim.connectors[n].transaction_id is not None:
                    sim.spawn(sim.send_meter_values(n))
        else:
            return call_result.TriggerMessage(status="NotImplemented")
        return call_result.TriggerMessage(status="Accepted")
