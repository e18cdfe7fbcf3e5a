"""Handlers for the messages a connected charge point sends (OCPP 1.6J, one connection).

Every handler only updates the charger's state and answers; none of them sends a
request to the charger (that would deadlock the library's receive loop). Anything
that must happen after a message (setup after boot, a TxProfile after a transaction
starts) is handed to the session through ``SessionHooks``, which queues it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Protocol, cast

from ocpp.routing import after, on
from ocpp.v16 import ChargePoint as OcppChargePoint16
from ocpp.v16 import call_result, datatypes
from ocpp.v16.enums import (
    Action,
    AuthorizationStatus,
    DataTransferStatus,
    RegistrationStatus,
)

from .meter import apply_meter_values
from .options import ServerOptions
from .profiles import iso_utc
from .state import ChargerState


def handles[F: Callable[..., Any]](action: Action) -> Callable[[F], F]:
    """``ocpp.routing.on`` with a type mypy understands."""
    return cast(Callable[[F], F], on(action))


def answered[F: Callable[..., Any]](action: Action) -> Callable[[F], F]:
    """``ocpp.routing.after``: runs once the answer to ``action`` has been sent."""
    return cast(Callable[[F], F], after(action))


class SessionHooks(Protocol):
    """What the handlers need from the session that owns the charger."""

    state: ChargerState
    options: ServerOptions

    def next_transaction_id(self) -> int:
        """A fresh transaction id, unique across chargers."""

    def notify(self) -> None:
        """Report a state change to the owner (Home Assistant glue)."""

    def booted(self) -> None:
        """A BootNotification was accepted: (re)run the connect setup."""

    def transaction_started(self, connector_id: int) -> None:
        """A transaction started on ``connector_id`` (a TxProfile may be due)."""


class CentralSystemChargePoint(OcppChargePoint16):  # type: ignore[misc]
    """The ``ocpp`` library's charge point object with our central-system handlers."""

    def __init__(self, cpid: str, connection: Any, hooks: SessionHooks) -> None:
        # The library's own timeout is a safety net; the command queue enforces ours.
        super().__init__(cpid, connection, response_timeout=hooks.options.response_timeout_s + 5)
        self._hooks = hooks
        # set while no charger message is being handled: requests wait for it, so nothing
        # we send can overtake our answer to what the charger just said (e.g. a TxProfile
        # or a RemoteStop for a transaction whose StartTransaction.conf is not out yet)
        self.idle = asyncio.Event()
        self.idle.set()

    async def route_message(self, raw_msg: str) -> None:
        self.idle.clear()
        try:
            await super().route_message(raw_msg)
        finally:
            self.idle.set()

    def _touch(self) -> str:
        now = self._hooks.options.clock()
        self._hooks.state.last_seen = now
        return iso_utc(now)

    def _tag_info(self, id_tag: str | None) -> datatypes.IdTagInfo:
        tags = self._hooks.options.authorize_tags
        ok = tags is None or (id_tag is not None and id_tag in tags)
        status = AuthorizationStatus.accepted if ok else AuthorizationStatus.invalid
        return datatypes.IdTagInfo(status=status)

    @handles(Action.boot_notification)
    def on_boot_notification(
        self, charge_point_vendor: str, charge_point_model: str, **kwargs: Any
    ) -> call_result.BootNotification:
        now = self._touch()
        state = self._hooks.state
        state.vendor = charge_point_vendor
        state.model = charge_point_model
        state.serial = kwargs.get("charge_point_serial_number") or kwargs.get(
            "charge_box_serial_number"
        )
        state.firmware = kwargs.get("firmware_version")
        state.booted = True
        self._hooks.notify()
        return call_result.BootNotification(
            current_time=now,
            interval=self._hooks.options.heartbeat_interval_s,
            status=RegistrationStatus.accepted,
        )

    @answered(Action.boot_notification)
    def after_boot_notification(self, **kwargs: Any) -> None:
        # only now may the setup send requests: the charger knows it is accepted
        self._hooks.booted()

    @handles(Action.heartbeat)
    def on_heartbeat(self) -> call_result.Heartbeat:
        now = self._touch()
        self._hooks.notify()
        return call_result.Heartbeat(current_time=now)

    @handles(Action.status_notification)
    def on_status_notification(
        self, connector_id: int, error_code: str, status: str, **kwargs: Any
    ) -> call_result.StatusNotification:
        self._touch()
        conn = self._hooks.state.connector(connector_id)
        conn.status = status
        conn.error_code = error_code
        self._hooks.notify()
        return call_result.StatusNotification()

    @handles(Action.meter_values)
    def on_meter_values(
        self, connector_id: int, meter_value: list[dict[str, Any]], **kwargs: Any
    ) -> call_result.MeterValues:
        self._touch()
        conn = self._hooks.state.connector(connector_id)
        transaction_id = kwargs.get("transaction_id")
        if transaction_id is not None and conn.transaction_id is None:
            conn.transaction_id = transaction_id
        if apply_meter_values(conn, meter_value, self._hooks.options.clock()):
            self._hooks.notify()
        return call_result.MeterValues()

    @handles(Action.authorize)
    def on_authorize(self, id_tag: str) -> call_result.Authorize:
        self._touch()
        return call_result.Authorize(id_tag_info=self._tag_info(id_tag))

    @handles(Action.start_transaction)
    def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start: int, timestamp: str, **kwargs: Any
    ) -> call_result.StartTransaction:
        self._touch()
        info = self._tag_info(id_tag)
        transaction_id = self._hooks.next_transaction_id()
        if info.status == AuthorizationStatus.accepted:
            conn = self._hooks.state.connector(connector_id)
            conn.transaction_id = transaction_id
            conn.id_tag = id_tag
            conn.meter_start_wh = float(meter_start)
            if conn.energy_wh is None or conn.energy_wh < meter_start:
                conn.energy_wh = float(meter_start)
            conn.session_energy_wh = 0.0
            self._hooks.notify()
        return call_result.StartTransaction(transaction_id=transaction_id, id_tag_info=info)

    @answered(Action.start_transaction)
    def after_start_transaction(self, connector_id: int, **kwargs: Any) -> None:
        # a TxProfile sent before the charger has the transaction id would be rejected
        if self._hooks.state.connector(connector_id).transaction_id is not None:
            self._hooks.transaction_started(connector_id)

    @handles(Action.stop_transaction)
    def on_stop_transaction(
        self, meter_stop: int, timestamp: str, transaction_id: int, **kwargs: Any
    ) -> call_result.StopTransaction:
        self._touch()
        conn = self._hooks.state.connector_by_transaction(transaction_id)
        if conn is not None:
            conn.energy_wh = float(meter_stop)
            conn.update_session_energy()
            conn.transaction_id = None
            conn.id_tag = None
            self._hooks.notify()
        id_tag = kwargs.get("id_tag")
        info = self._tag_info(id_tag) if id_tag else None
        return call_result.StopTransaction(id_tag_info=info)

    @handles(Action.data_transfer)
    def on_data_transfer(self, vendor_id: str, **kwargs: Any) -> call_result.DataTransfer:
        self._touch()
        return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)

    @handles(Action.firmware_status_notification)
    def on_firmware_status(self, status: str) -> call_result.FirmwareStatusNotification:
        self._touch()
        return call_result.FirmwareStatusNotification()

    @handles(Action.diagnostics_status_notification)
    def on_diagnostics_status(self, status: str) -> call_result.DiagnosticsStatusNotification:
        self._touch()
        return call_result.DiagnosticsStatusNotification()
