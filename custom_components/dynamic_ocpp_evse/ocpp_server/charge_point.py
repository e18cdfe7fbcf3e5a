"""Handlers for the messages a connected charge point sends (OCPP 1.6J, one connection).

Every handler only updates the charger's state and answers; none of them sends a
request to the charger (that would deadlock the library's receive loop). Anything
that must happen after a message (setup after boot, a TxProfile after a transaction
starts) is handed to the session through ``SessionHooks``, which queues it.

Nothing a charger sends is trusted (``frames``): a frame that breaks OCPP-J is
answered with the CALLERROR OCPP 1.6 names (when it has a readable message id), a
CALLRESULT/CALLERROR for an id we are not waiting for is dropped, a flooding
connection is throttled and then closed, connector ids the charger does not have are
refused (``PropertyConstraintViolation``; a StartTransaction gets ``Invalid``), and
implausible meter values are missing (``meter``). Each kind of misbehaviour is
logged once per connection at warning, then at debug; the ``ocpp`` library's own
logging (frames, tracebacks of refused calls) goes to debug.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from typing import Any, Protocol, cast

from ocpp.exceptions import OCPPError, PropertyConstraintViolationError
from ocpp.messages import Call
from ocpp.routing import after, on
from ocpp.v16 import ChargePoint as OcppChargePoint16
from ocpp.v16 import call_result, datatypes
from ocpp.v16.enums import (
    Action,
    AuthorizationStatus,
    DataTransferStatus,
    RegistrationStatus,
)

from .capabilities import MAX_CONNECTORS  # also the cap while NumberOfConnectors is unknown
from .frames import BadFrame, FloodGuard, Verdict, parse_frame, spec_error, unknown_action
from .meter import ENERGY, apply_meter_values, plausible
from .options import ServerOptions
from .profiles import iso_utc
from .state import ChargerState

_LOGGER = logging.getLogger(__name__)
BAD_FRAME_COST = 5.0  # tokens a bad frame costs (a good one costs 1)


class _LibraryLog:
    """The ``ocpp`` library's logger calls, all at debug (no frames, no tracebacks)."""

    def __init__(self, logger: logging.Logger) -> None:
        self._logger = logger

    def debug(self, msg: str, *args: Any) -> None:
        self._logger.debug(msg, *args)

    info = warning = error = debug

    def exception(self, msg: str, *args: Any) -> None:
        self._logger.debug(msg, *args, exc_info=True)


_LIBRARY_LOG = _LibraryLog(_LOGGER.getChild("wire"))


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

    def complain(self, kind: str, message: str, *args: Any) -> None:
        """Log a charger's misbehaviour (once per kind and connection at warning)."""


class CentralSystemChargePoint(OcppChargePoint16):  # type: ignore[misc]
    """The ``ocpp`` library's charge point object with our central-system handlers."""

    def __init__(self, cpid: str, connection: Any, hooks: SessionHooks) -> None:
        # The library's own timeout is a safety net; the command queue enforces ours.
        super().__init__(
            cpid,
            connection,
            response_timeout=hooks.options.response_timeout_s + 5,
            logger=_LIBRARY_LOG,
        )
        self._hooks = hooks
        opts = hooks.options
        self.guard = FloodGuard(rate_per_s=opts.frame_rate_per_s, burst=opts.frame_burst)
        self._awaiting: str | None = None  # message id of our request in flight
        # set while no charger message is being handled: requests wait for it, so nothing
        # we send can overtake our answer to what the charger just said (e.g. a TxProfile
        # or a RemoteStop for a transaction whose StartTransaction.conf is not out yet)
        self.idle = asyncio.Event()
        self.idle.set()

    async def call(
        self,
        payload: Any,
        suppress: bool = True,
        unique_id: str | None = None,
        skip_schema_validation: bool = False,
    ) -> Any:
        """The library's ``call``, remembering which answer we wait for."""
        unique_id = unique_id or str(uuid.uuid4())
        self._awaiting = unique_id
        try:
            return await super().call(payload, suppress, unique_id, skip_schema_validation)
        finally:
            if self._awaiting == unique_id:
                self._awaiting = None

    async def route_message(self, raw_msg: str) -> None:
        self.idle.clear()
        try:
            await self._route(raw_msg)
        finally:
            self.idle.set()

    async def _route(self, raw_msg: str | bytes) -> None:
        verdict = self.guard.admit()
        if verdict is not Verdict.HANDLE:
            await self._throttle(verdict)
            return
        frame = parse_frame(raw_msg)
        if isinstance(frame, BadFrame):
            self.guard.charge(BAD_FRAME_COST)
            self._hooks.complain(
                "bad_frame", "%s sent a malformed frame: %s", self.id, frame.reason
            )
            if frame.unique_id is not None:
                await self._send(
                    Call(frame.unique_id, "", {}).create_call_error(frame.error).to_json()
                )
            return
        if not isinstance(frame, Call):
            if frame.unique_id == self._awaiting:
                self._response_queue.put_nowait(frame)
            else:
                self.guard.charge(BAD_FRAME_COST)
                self._hooks.complain(
                    "unknown_answer", "%s answered a request we did not send (ignored)", self.id
                )
            return
        if frame.action not in self.route_map:
            self._hooks.complain(
                "unknown_action", "%s sent %.40r, which we do not take", self.id, frame.action
            )
            await self._send(frame.create_call_error(unknown_action(frame.action)).to_json())
            return
        try:
            await self._handle_call(frame)
        except OCPPError as error:  # the payload failed the 1.6 schema
            self.guard.charge(BAD_FRAME_COST)
            self._hooks.complain(
                "bad_payload", "%s sent an invalid %s: %s", self.id, frame.action, error.description
            )
            await self._send(frame.create_call_error(spec_error(error)).to_json())

    async def _throttle(self, verdict: Verdict) -> None:
        self._hooks.complain(
            "flood",
            "%s sends more than %s frames/s; ignoring what is over",
            self.id,
            self._hooks.options.frame_rate_per_s,
        )
        if verdict is Verdict.CLOSE:
            _LOGGER.warning("%s kept flooding; closing its connection", self.id)
            await self._connection.close(1008, "rate limit")
        await asyncio.sleep(0)  # let the other chargers' frames in

    def _connector_ok(self, connector_id: int, *, zero: bool) -> bool:
        """True when the charger may have this connector (0 = the whole unit)."""
        number = self._hooks.state.number_of_connectors
        top = number if number is not None and number > 0 else MAX_CONNECTORS
        return (0 if zero else 1) <= connector_id <= top

    def _refuse_connector(self, action: str, connector_id: int) -> OCPPError:
        self._hooks.complain(
            f"connector_{connector_id}",
            "%s sent %s for connector %s, which it does not have (NumberOfConnectors %s)",
            self.id,
            action,
            connector_id,
            self._hooks.state.number_of_connectors,
        )
        return PropertyConstraintViolationError(
            description=f"connector {connector_id} does not exist"
        )

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
        if not self._connector_ok(connector_id, zero=True):
            raise self._refuse_connector("StatusNotification", connector_id)
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
        if not self._connector_ok(connector_id, zero=True):
            raise self._refuse_connector("MeterValues", connector_id)
        conn = self._hooks.state.connector(connector_id)
        transaction_id = kwargs.get("transaction_id")
        if transaction_id is not None and conn.transaction_id is None:
            conn.transaction_id = transaction_id
        rejected: list[str] = []
        if apply_meter_values(conn, meter_value, self._hooks.options.clock(), rejected):
            self._hooks.notify()
        if rejected:
            self._hooks.complain(
                f"meter_{connector_id}",
                "%s connector %s metered implausible values, taken as missing: %s",
                self.id,
                connector_id,
                ", ".join(rejected[:4]),
            )
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
        if not self._connector_ok(connector_id, zero=False):
            self._refuse_connector("StartTransaction", connector_id)
            info = datatypes.IdTagInfo(status=AuthorizationStatus.invalid)
        if info.status == AuthorizationStatus.accepted:
            conn = self._hooks.state.connector(connector_id)
            conn.transaction_id = transaction_id
            conn.id_tag = id_tag
            start_wh = plausible(ENERGY, meter_start)
            conn.meter_start_wh = start_wh
            if start_wh is not None and (conn.energy_wh is None or conn.energy_wh < start_wh):
                conn.energy_wh = start_wh
            conn.session_energy_wh = 0.0
            self._hooks.notify()
        return call_result.StartTransaction(transaction_id=transaction_id, id_tag_info=info)

    @answered(Action.start_transaction)
    def after_start_transaction(self, connector_id: int, **kwargs: Any) -> None:
        # a TxProfile sent before the charger has the transaction id would be rejected
        conn = self._hooks.state.connectors.get(connector_id)
        if conn is not None and conn.transaction_id is not None:
            self._hooks.transaction_started(connector_id)

    @handles(Action.stop_transaction)
    def on_stop_transaction(
        self, meter_stop: int, timestamp: str, transaction_id: int, **kwargs: Any
    ) -> call_result.StopTransaction:
        self._touch()
        conn = self._hooks.state.connector_by_transaction(transaction_id)
        if conn is not None:
            stop_wh = plausible(ENERGY, meter_stop)
            if stop_wh is not None:
                conn.energy_wh = stop_wh
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
