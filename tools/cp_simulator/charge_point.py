"""The simulator's OCPP 1.6J charge-point side: answers the central system's requests.

Handlers only decide and answer; anything that needs to send (a transaction after a
RemoteStart, a reboot after Reset, a StatusNotification after a new limit) is handed
to the ``Simulator`` which runs it as a separate task. Every request is recorded as it
arrived on the wire (camelCase JSON, plain floats) before it is handled.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from ocpp.exceptions import InternalError
from ocpp.routing import on
from ocpp.v16 import ChargePoint as OcppChargePoint16
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

if TYPE_CHECKING:
    from .simulator import Simulator


def handles[F: Callable[..., Any]](action: Action) -> Callable[[F], F]:
    """``ocpp.routing.on`` with a type mypy understands."""
    return cast(Callable[[F], F], on(action))


class SimChargePoint(OcppChargePoint16):  # type: ignore[misc]
    """Charge-point role of the ``ocpp`` library, wired to a ``Simulator``."""

    def __init__(self, sim: Simulator, connection: Any, response_timeout: float = 30) -> None:
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
        return call_result.SetChargingProfile(status=self._sim.set_profile(connector_id, raw))

    @handles(Action.clear_charging_profile)
    async def on_clear_charging_profile(
        self, call_unique_id: str, **kwargs: Any
    ) -> call_result.ClearChargingProfile:
        await self._misbehave("ClearChargingProfile")
        self._payload(call_unique_id)
        status = self._sim.clear_profiles(
            profile_id=kwargs.get("id"),
            connector_id=kwargs.get("connector_id"),
            purpose=kwargs.get("charging_profile_purpose"),
            stack_level=kwargs.get("stack_level"),
        )
        return call_result.ClearChargingProfile(status=status)

    @handles(Action.get_configuration)
    async def on_get_configuration(
        self, call_unique_id: str, key: list[str] | None = None
    ) -> call_result.GetConfiguration:
        await self._misbehave("GetConfiguration")
        self._payload(call_unique_id)
        conf = self._sim.configuration()
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
        return call_result.ChangeConfiguration(status=self._sim.change_configuration(key, value))

    @handles(Action.remote_start_transaction)
    async def on_remote_start(
        self, id_tag: str, call_unique_id: str, **kwargs: Any
    ) -> call_result.RemoteStartTransaction:
        await self._misbehave("RemoteStartTransaction")
        self._payload(call_unique_id)
        status = self._sim.remote_start(kwargs.get("connector_id"), id_tag)
        return call_result.RemoteStartTransaction(status=status)

    @handles(Action.remote_stop_transaction)
    async def on_remote_stop(
        self, transaction_id: int, call_unique_id: str
    ) -> call_result.RemoteStopTransaction:
        await self._misbehave("RemoteStopTransaction")
        self._payload(call_unique_id)
        return call_result.RemoteStopTransaction(status=self._sim.remote_stop(transaction_id))

    @handles(Action.reset)
    async def on_reset(self, type: str, call_unique_id: str) -> call_result.Reset:
        await self._misbehave("Reset")
        self._payload(call_unique_id)
        return call_result.Reset(status=self._sim.reset(type))
