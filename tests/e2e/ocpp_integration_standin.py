"""The ``ocpp`` integration as a real OCPP 1.6J central system on 127.0.0.1 (no tests).

``OcppCentral`` extends the state/service stand-in of the adapter tests
(``tests.ha.test_ocpp_adapter_standin``) with a websocket server the charge-point
simulator connects to. It does what lbbrhzn/ocpp does on the wire and in Home
Assistant, quirks included:

* on the first connection it sets ``MeterValueSampleInterval`` from its own options
  and sends ChangeAvailability and TriggerMessage (StatusNotification);
* StatusNotification, MeterValues (per-phase ``Current.Import`` as attributes, the
  state the average of the legs that draw), Start/StopTransaction and Heartbeat are
  written to the entities; StopTransaction and SuspendedEV/EVSE zero the state and
  leave the per-phase attributes stale;
* a dropped connection writes nothing; a reconnect counts up ``Reconnects`` (written
  with the next message); a BootNotification it did not trigger raises "rebooted";
* ``set_charge_rate`` with ``custom_profile`` sends SetChargingProfile and only logs a
  ``Rejected``; ``clear_profile`` ignores the answer; calls to a charger that is not
  connected raise ``HomeAssistantError`` (translation key ``unavailable``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError
from ocpp.routing import on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action
from pytest_homeassistant_custom_component.common import MockConfigEntry
from websockets.asyncio.server import Server, ServerConnection, serve

from tests.ha.test_ocpp_adapter_standin import (
    CHARGE_RATE_SCHEMA,
    GET_CONFIGURATION_SCHEMA,
    OcppStandIn,
)

_LOGGER = logging.getLogger(__name__)
METER_INTERVAL_OPTION = "10"  # the ocpp integration's "Charging sample interval" option


class CentralChargePoint(ChargePoint):  # type: ignore[misc]
    """The central system's side of one charger connection."""

    def __init__(self, central: OcppCentral, cpid: str, connection: ServerConnection) -> None:
        super().__init__(cpid, connection, response_timeout=5)
        self.central = central
        self.cpid = cpid
        self.triggered_boot = False

    def _written(self) -> None:
        """The integration's update(): every entity written, the reconnect counter too."""
        central = self.central
        central.set_state(
            central.charger_entities[self.cpid]["reconnects"], central.reconnects[self.cpid]
        )

    @on(Action.boot_notification)  # type: ignore[misc]
    def on_boot(self, **_: Any) -> call_result.BootNotification:
        if not self.triggered_boot:
            self.central.hass.async_create_task(
                self.central.async_notify(f"Charger {self.cpid} rebooted")
            )
        self.triggered_boot = False
        self._written()
        return call_result.BootNotification(
            current_time=datetime.now(UTC).isoformat(), interval=300, status="Accepted"
        )

    @on(Action.status_notification)  # type: ignore[misc]
    def on_status(
        self, connector_id: int, error_code: str, status: str, **_: Any
    ) -> call_result.StatusNotification:
        if connector_id in self.central.entities[self.cpid]:
            self.central.status(self.cpid, connector_id, status)
        self._written()
        return call_result.StatusNotification()

    @on(Action.meter_values)  # type: ignore[misc]
    def on_meter_values(
        self, connector_id: int, meter_value: list[dict[str, Any]], **_: Any
    ) -> call_result.MeterValues:
        legs: dict[str, float] = {}
        offered: float | None = None
        for sample in meter_value:
            for value in sample.get("sampled_value", []):
                measurand = value.get("measurand")
                if measurand == "Current.Import" and value.get("phase"):
                    legs[value["phase"]] = float(value["value"])
                elif measurand == "Current.Offered":
                    offered = float(value["value"])
        if legs and connector_id in self.central.entities[self.cpid]:
            ordered = [legs.get(f"L{n}", 0.0) for n in (1, 2, 3)]
            self.central.meter_values(self.cpid, connector_id, *ordered, offered=offered)
        return call_result.MeterValues()

    @on(Action.authorize)  # type: ignore[misc]
    def on_authorize(self, id_tag: str, **_: Any) -> call_result.Authorize:
        return call_result.Authorize(id_tag_info={"status": "Accepted"})

    @on(Action.start_transaction)  # type: ignore[misc]
    def on_start(self, connector_id: int, **_: Any) -> call_result.StartTransaction:
        self.central.next_tx += 1
        tx = self.central.next_tx
        self.central.set_state(self.central.entities[self.cpid][connector_id]["transaction.id"], tx)
        self.central.tx_connector[tx] = (self.cpid, connector_id)
        return call_result.StartTransaction(transaction_id=tx, id_tag_info={"status": "Accepted"})

    @on(Action.stop_transaction)  # type: ignore[misc]
    def on_stop(self, transaction_id: int, **_: Any) -> call_result.StopTransaction:
        cpid, connector = self.central.tx_connector.get(transaction_id, (self.cpid, 1))
        self.central.stop_transaction(cpid, connector)
        return call_result.StopTransaction(id_tag_info={"status": "Accepted"})

    @on(Action.heartbeat)  # type: ignore[misc]
    def on_heartbeat(self, **_: Any) -> call_result.Heartbeat:
        now = datetime.now(UTC)
        self.central.set_state(
            self.central.charger_entities[self.cpid]["heartbeat"], now.isoformat()
        )
        return call_result.Heartbeat(current_time=now.isoformat())

    async def post_connect(self) -> None:
        """What the integration does once after the first connection (errors ignored)."""
        with contextlib.suppress(Exception):
            await self.call(
                call.ChangeConfiguration(
                    key="MeterValueSampleInterval", value=METER_INTERVAL_OPTION
                )
            )
            await self.call(call.ChangeAvailability(connector_id=0, type="Operative"))
            for connector in self.central.entities[self.cpid]:
                await self.call(
                    call.TriggerMessage(
                        requested_message="StatusNotification", connector_id=connector
                    )
                )


@dataclass
class OcppCentral(OcppStandIn):
    """The stand-in with a real central system behind its services."""

    points: dict[str, CentralChargePoint] = field(default_factory=dict)
    next_tx: int = 1000
    tx_connector: dict[int, tuple[str, int]] = field(default_factory=dict)
    server: Server | None = None
    answers: list[tuple[str, str]] = field(default_factory=list)  # (action, status) seen
    inflight: set[asyncio.Task[Any]] = field(default_factory=set)

    async def async_notify(self, message: str) -> None:
        self._notify(message)

    # --- websocket server --------------------------------------------------------
    async def async_start(self, port: int) -> None:
        self.server = await serve(self._connected, "127.0.0.1", port, subprotocols=["ocpp1.6"])  # type: ignore[list-item]

    async def async_stop(self) -> None:
        for task in list(self.inflight):
            task.cancel()
        await asyncio.gather(*self.inflight, return_exceptions=True)
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _ask(self, point: CentralChargePoint, request: Any) -> Any:
        """Send a request to the charger; cancelled (as unavailable) when we stop."""
        task = asyncio.get_running_loop().create_task(point.call(request))
        self.inflight.add(task)
        try:
            return await task
        except asyncio.CancelledError:
            if task.cancelled() and not asyncio.current_task().cancelling():  # type: ignore[union-attr]
                raise HomeAssistantError("charger is currently unavailable") from None
            raise
        finally:
            self.inflight.discard(task)

    async def _connected(self, websocket: ServerConnection) -> None:
        cpid = (websocket.request.path if websocket.request else "").strip("/").rsplit("/", 1)[-1]
        if cpid not in self.entities:
            await websocket.close()
            return
        first = cpid not in self.points
        point = CentralChargePoint(self, cpid, websocket)
        self.points[cpid] = point
        if not first:
            self.reconnects[cpid] += 1  # written with the next message, as the integration does
        self.connected[cpid] = True
        if first:
            self.hass.async_create_task(point.post_connect())
        try:
            await point.start()
        except Exception as err:  # the connection ended
            _LOGGER.debug("%s: connection ended: %r", cpid, err)
        finally:
            if self.points.get(cpid) is point:
                self.connected[cpid] = False  # no entity is written for this

    # --- services, forwarded to the charger ----------------------------------------
    def _point(self, call_: ServiceCall) -> CentralChargePoint:
        cpid = self._charger(call_)
        return self.points[cpid]

    def register_services(self) -> None:
        async def set_charge_rate(call_: ServiceCall) -> None:
            self.log.append((call_.service, dict(call_.data)))
            point = self._point(call_)
            raw = call_.data.get("custom_profile")
            if raw is None:
                return
            profile = json.loads(raw.replace("'", '"')) if isinstance(raw, str) else raw
            try:
                result = await self._ask(
                    point,
                    call.SetChargingProfile(
                        connector_id=int(call_.data.get("conn_id", 0)),
                        cs_charging_profiles=profile,
                    ),
                )
            except Exception as err:
                _LOGGER.warning("Custom SetChargingProfile failed: %s", err)
                self._notify("Warning: Set charging profile failed with response Exception")
                return
            self.answers.append(("SetChargingProfile", str(result.status)))
            if result.status != "Accepted":
                _LOGGER.warning("Custom SetChargingProfile rejected: %s", result.status)

        async def clear_profile(call_: ServiceCall) -> None:
            self.log.append((call_.service, dict(call_.data)))
            point = self._point(call_)
            with contextlib.suppress(Exception):
                await self._ask(point, call.ClearChargingProfile())

        async def get_configuration(call_: ServiceCall) -> ServiceResponse:
            self.log.append((call_.service, dict(call_.data)))
            point = self._point(call_)
            key = str(call_.data.get("ocpp_key", ""))
            result = await self._ask(point, call.GetConfiguration(key=[key]))
            if result.configuration_key:
                return {"value": result.configuration_key[0].get("value")}
            self._notify(f"Warning: charger reports {key} is unknown")
            return {"value": "Unknown"}

        services = self.hass.services
        services.async_register("ocpp", "set_charge_rate", set_charge_rate, CHARGE_RATE_SCHEMA)
        services.async_register("ocpp", "clear_profile", clear_profile)
        services.async_register(
            "ocpp",
            "get_configuration",
            get_configuration,
            GET_CONFIGURATION_SCHEMA,
            supports_response=SupportsResponse.ONLY,
        )

    def _charger(self, call_: ServiceCall) -> str:
        cpid = super()._charger(call_)
        if cpid not in self.points:
            raise HomeAssistantError(
                translation_domain="ocpp",
                translation_key="unavailable",
                translation_placeholders={"message": cpid},
            )
        return cpid


async def ocpp_central(hass: HomeAssistant, port: int) -> OcppCentral:
    """The ``ocpp`` integration, loaded, listening on 127.0.0.1:port (no charger yet)."""
    from homeassistant.config_entries import ConfigEntryState

    entry = MockConfigEntry(
        domain="ocpp", title="OCPP central system", state=ConfigEntryState.LOADED
    )
    entry.add_to_hass(hass)
    central = OcppCentral(hass, entry)
    central.register_services()
    await central.async_start(port)
    return central


async def settle_until(predicate: Any, timeout: float = 10.0) -> None:
    """Wait until ``predicate()`` holds (other tasks and sockets change it)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)
