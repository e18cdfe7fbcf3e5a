"""Load adapter for one connector of a charger connected to our own central system.

Mirrors the ``ocpp`` integration adapter, but talks to the charger's
``ChargePointSession`` instead of calling services: the permanent safe floor on setup
and reset (``install_floor``; the session reinstalls it on every reconnect), the
short-lived dynamic profile (``set_limit``, queued and coalesced by the session, never
awaited here) sent only on a new command or when its validity needs refreshing, never
more often than the minimum send interval except for a decrease, the compliance check
(the charger's metered current must follow the limit it accepted), the repair issue and
the rate-limited reset. Readings come from the session's state (``builtin_reading``).
A disconnected charger reads as inactive with status ``unavailable``; its last limit
stays with the session, which resends it on reconnect. Never raises into the coordinator.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal, cast

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_ID,
    DOMAIN,
)
from ..ocpp_server.command_queue import ChargerOffline, CommandFailed
from ..ocpp_server.profiles import offered_limit_a
from ..ocpp_server.server import CentralSystem
from ..ocpp_server.session import ChargePointSession, CommandRejected
from ..ocpp_server.state import ConnectorState
from .base import LoadCommand, LoadReading
from .builtin_reading import FinishedLatch, in_session, measured_currents
from .charger_settings import compliance_cycles, min_send_interval, profile_settings
from .ocpp_unit import ISSUE_NON_COMPLIANT, RESET_MIN_INTERVAL, raise_non_compliant_issue
from .pacing import ComplianceCount, SendPacer

_LOGGER = logging.getLogger(__name__)

# A metered current (not a reported setpoint) is judged: allow for meter and car noise.
COMPLIANCE_TOLERANCE_A = 1.0
RESET_TIMEOUT_S = 60.0

Problem = Literal["profile_rejected", "command_failed"]


class BuiltinServerAdapter:
    """Drives one connector of a charger on the built-in central system (LoadAdapter)."""

    def __init__(
        self,
        hass: HomeAssistant,
        hub_data: Mapping[str, Any],
        subentry_data: Mapping[str, Any],
        *,
        load_id: str,
        central: CentralSystem | None,
        now_fn: Callable[[], datetime] = dt_util.utcnow,
    ) -> None:
        self.hass = hass
        self.load_id = load_id
        self._now = now_fn
        get = subentry_data.get
        self.cpid = str(subentry_data[CONF_CHARGE_POINT_ID])
        self.connector_id = int(get(CONF_CONNECTOR_ID, 1))
        self.settings = profile_settings(hub_data, subentry_data)
        self.legs = self.settings.phases
        self._phases_changed = False
        self._min_send = min_send_interval(subentry_data)
        # what the session was handed (queued or answered), and whether it is followed
        self._pacer = SendPacer(float(self.settings.validity_s or 0), self._min_send)
        self._compliance = ComplianceCount(compliance_cycles(subentry_data))
        self.session: ChargePointSession | None = (
            central.charger(self.cpid) if central is not None else None
        )
        if self.session is not None:
            self.session.configure(self.connector_id, self.settings)
        self._latch = FinishedLatch()
        self._target_a: float | None = None
        self._send_seq = 0
        self._floor_problem: Problem | None = None
        self._floor_at: datetime | None = None
        self._profile_problem: Problem | None = None
        self._judged_at: datetime | None = None
        self._last_reset: datetime | None = None
        self._warned_missing = False

    def __repr__(self) -> str:
        return f"BuiltinServerAdapter({self.cpid}#{self.connector_id})"

    # --- LoadAdapter -------------------------------------------------------------
    @property
    def input_entities(self) -> list[str]:
        """None: the central system reports changes itself (``on_state_change``)."""
        return []

    @property
    def connected(self) -> bool:
        """True while the charger is connected to the central system."""
        return self.session is not None and self.session.state.connected

    @property
    def connector(self) -> ConnectorState | None:
        """This connector's state as the central system knows it."""
        if self.session is None:
            return None
        return self.session.state.connectors.get(self.connector_id)

    @property
    def status(self) -> str:
        """ok, charger_missing, offline, profile_rejected, command_failed, non_compliant."""
        if self.session is None:
            return "charger_missing"
        if not self.session.state.connected:
            return "offline"
        problem = self._floor_problem or self._profile_problem
        if problem is not None:
            return problem
        if self._compliance.non_compliant:
            return "non_compliant"
        return "ok"

    def read(self) -> LoadReading:
        """Draw per leg and whether a car takes part (offline: inactive, no draw)."""
        if not self.connected:
            self._latch.clear()
            return LoadReading(draw_a=[0.0] * self.legs, active=False)
        conn = self.connector
        status = None if conn is None else conn.status
        if status is None:
            return LoadReading(draw_a=None, active=None)
        draw = measured_currents(conn, self.legs, self.settings.voltage)
        self._latch.update(status, draw, self._now())
        return LoadReading(draw_a=draw, active=self._latch.active(status))

    async def async_setup(self) -> None:
        """Install the safe floor (the session keeps it and reinstalls it on reconnect)."""
        if self.session is None:
            if not self._warned_missing:
                self._warned_missing = True
                _LOGGER.warning("%s is not known to the built-in OCPP server", self.cpid)
            return
        await self._install_floor(self.session, self._now())

    async def async_apply(self, command: LoadCommand) -> None:
        """Hand the command's limit to the session when due; check compliance."""
        if command.send or self._target_a is None:
            self._target_a = command.current_a
        if command.phases is not None and command.phases != self.settings.phases:
            # A phase switch: every profile from now on carries the new numberPhases.
            self.settings = replace(self.settings, phases=command.phases)
            self._phases_changed = True
        if self.session is None or not self.session.state.connected:
            return  # the session resends its last limit when the charger is back
        now = self._now()
        if self._floor_problem is not None and (
            self._floor_at is None or now - self._floor_at >= self._min_send
        ):
            await self._install_floor(self.session, now)  # retried like the ocpp adapter
        await self._send_dynamic(self.session, now)
        if self._check_compliance() and self._may_reset(now):
            _LOGGER.warning(
                "%s connector %s: clearing and re-installing its profiles",
                self.cpid,
                self.connector_id,
            )
            await self._reset(self.session, now)

    async def async_reset(self) -> None:
        """Clear this connector's profiles, reinstall the floor and the current limit."""
        if self.session is None:
            raise CommandFailed(f"{self.cpid} is not known to the built-in OCPP server")
        fut = await self._reset(self.session, self._now())
        async with asyncio.timeout(RESET_TIMEOUT_S):
            await asyncio.shield(fut)

    async def async_unload(self) -> None:
        """Nothing to release; the floor stays on the charger, the limit expires."""
        self._set_compliant(True)

    # --- sending -------------------------------------------------------------------
    async def _install_floor(self, session: ChargePointSession, now: datetime) -> None:
        self._floor_at = now
        fut = await session.install_floor(self.connector_id, self.settings)
        fut.add_done_callback(self._floor_done)

    async def _send_dynamic(self, session: ChargePointSession, now: datetime) -> None:
        if self._target_a is None:
            return
        amps = offered_limit_a(self._target_a, self.settings.min_a)
        conn = self.connector
        floor_a = self.settings.floor_a if conn is not None and conn.floor_installed else None
        switched, self._phases_changed = self._phases_changed, False
        if not self._pacer.due(amps, now, floor_a=floor_a, force=switched):
            return
        self._send_seq += 1
        seq = self._send_seq
        self._pacer.sent(amps, now)
        self._compliance.expect(amps)
        fut = await session.set_limit(self.connector_id, amps, self.settings if switched else None)
        fut.add_done_callback(lambda done: self._profile_done(done, seq))

    async def _reset(self, session: ChargePointSession, now: datetime) -> asyncio.Future[Any]:
        self._last_reset = now
        self._compliance.restart()
        self._judged_at = None
        self._pacer.sent_at = now  # the session re-sends the floor and the current limit
        return await session.reset(self.connector_id)

    def _may_reset(self, now: datetime) -> bool:
        return self._last_reset is None or now - self._last_reset >= RESET_MIN_INTERVAL

    def _outcome(self, fut: asyncio.Future[Any], what: str) -> Problem | None | bool:
        """None: accepted; a problem word; False: no verdict (cancelled, offline)."""
        if fut.cancelled():
            return False
        err = fut.exception()
        if err is None:
            return None
        if isinstance(err, ChargerOffline):
            return False
        problem: Problem = (
            "profile_rejected" if isinstance(err, CommandRejected) else "command_failed"
        )
        _LOGGER.log(
            logging.DEBUG if self.status == problem else logging.WARNING,
            "%s connector %s: %s failed: %s",
            self.cpid,
            self.connector_id,
            what,
            err,
        )
        return problem

    def _floor_done(self, fut: asyncio.Future[Any]) -> None:
        outcome = self._outcome(fut, "floor profile")
        if outcome is not False:
            self._floor_problem = cast(Problem | None, outcome)

    def _profile_done(self, fut: asyncio.Future[Any], seq: int) -> None:
        outcome = self._outcome(fut, "charging profile")
        if outcome is False:
            return
        self._profile_problem = cast(Problem | None, outcome)
        if outcome is not None and seq == self._send_seq:
            self._pacer.sent_a = None  # the charger does not hold it: retry after the interval

    # --- compliance ------------------------------------------------------------------
    def _check_compliance(self) -> bool:
        """Judge each fresh meter reading taken under an accepted limit; True: reset.

        Not following = drawing clearly more than the limit the charger accepted (it
        is not enforcing it). Drawing less is the car's own choice and is fine.
        """
        conn = self.connector
        expected = self._compliance.expect_a
        if expected is None or conn is None or not in_session(conn):
            return False
        applied_at = conn.profile_sent_at
        measured_at = conn.last_meter_at
        if (
            conn.profile_status != "Accepted"
            or conn.offered_limit_a != expected
            or applied_at is None
            or measured_at is None
            or measured_at <= applied_at
            or (self._judged_at is not None and measured_at <= self._judged_at)
        ):
            return False
        self._judged_at = measured_at
        draw = measured_currents(conn, self.legs, self.settings.voltage)
        known = [value for value in draw or () if value is not None]
        if not known:
            return False
        reset, change = self._compliance.judge(max(known) <= expected + COMPLIANCE_TOLERANCE_A)
        if change is True:
            _LOGGER.info("%s connector %s follows us again", self.cpid, self.connector_id)
        elif change is False:
            _LOGGER.warning(
                "%s connector %s draws %.1f A while it accepted %.1f A",
                self.cpid,
                self.connector_id,
                max(known),
                expected,
            )
        if change is not None:
            self._set_compliant(change)
        return reset

    @property
    def issue_id(self) -> str:
        """Repair issue id of this connector's non-compliance."""
        return f"{ISSUE_NON_COMPLIANT}_builtin_{self.cpid}_{self.connector_id}"

    def _set_compliant(self, compliant: bool) -> None:
        """Raise or clear this connector's repair issue."""
        if compliant:
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)
        else:
            raise_non_compliant_issue(self.hass, self.issue_id, self.cpid, str(self.connector_id))
