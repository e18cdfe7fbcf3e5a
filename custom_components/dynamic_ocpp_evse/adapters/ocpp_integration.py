"""Load adapter for one connector of a charger run by the Home Assistant ``ocpp`` integration.

Owns turning the controller's commands into OCPP 1.6 charging profiles sent with
``ocpp.set_charge_rate`` (``custom_profile`` with an explicit ``devid`` and ``conn_id``,
never ``limit_amps``/``limit_watts``): the permanent safe floor one stack level below
the dynamic profile, the short-lived dynamic profile and its refresh, the per-connector
send rate limit (decreases are never delayed), the compliance check against what the
charger reports it offers, and the reset. Profiles are built by ``ocpp_server.profiles``;
reading states is ``ocpp_reading``; what the connectors of one charger share (lock,
reset, repair issue, capabilities) is ``ocpp_unit``; the service calls themselves and
what their failures mean are ``ocpp_calls``. Never raises into the coordinator.

The ``ocpp`` integration hides two things (docs/ocpp-integration.md): a dropped charger
changes no entity, and a refused profile is only logged. So a failed call, or a change
of its reconnect counter, means "the charger may hold nothing": floor first, then the
dynamic profile. What we know about the floor is ``ocpp_floor``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_COUNT,
    CONF_CONNECTOR_ID,
)
from ..ocpp_server.profiles import (
    build_floor_profile,
    build_profile,
    floor_stack_level,
    offered_limit_a,
)
from .base import LoadCommand, LoadReading
from .charger_settings import compliance_cycles, min_send_interval, profile_settings
from .ocpp_calls import OcppCalls
from .ocpp_floor import FloorRecord, FloorState
from .ocpp_reading import ConnectorReader
from .ocpp_unit import register, unit_for, unregister
from .pacing import ComplianceCount, SendPacer

_LOGGER = logging.getLogger(__name__)

COMPLIANCE_TOLERANCE_A = 0.5
CLOCK_MARGIN_S = 60.0  # absolute profiles start this much in the past (lagging clocks)

RateUnit = Literal["A", "W"]


class OcppIntegrationAdapter:
    """Drives one connector through the ``ocpp`` integration's services (LoadAdapter)."""

    def __init__(
        self,
        hass: HomeAssistant,
        hub_data: Mapping[str, Any],
        subentry_data: Mapping[str, Any],
        *,
        load_id: str,
        now_fn: Callable[[], datetime] = dt_util.utcnow,
    ) -> None:
        self.hass = hass
        self.load_id = load_id
        self._now = now_fn
        get = subentry_data.get
        self.cpid = str(subentry_data[CONF_CHARGE_POINT_ID])
        self._connector = int(get(CONF_CONNECTOR_ID, 1))
        self._connectors = max(1, int(get(CONF_CONNECTOR_COUNT, 1)))
        settings = profile_settings(hub_data, subentry_data)
        self._legs = settings.phases
        self._profile_phases = settings.phases  # numberPhases of dynamic profiles
        self._voltage = settings.voltage
        self._min_a = settings.min_a
        self._unit_cfg: RateUnit = settings.unit
        self._kind = settings.kind
        self._stack_cfg = settings.stack_level
        self._validity = settings.validity
        self._validity_s = float(settings.validity_s or 0)
        self._floor_a = float(settings.floor_a or 0.0)
        self._reader = ConnectorReader(
            hass,
            subentry_data,
            cpid=self.cpid,
            connector_id=self._connector,
            legs=self._legs,
            voltage=self._voltage,
            power_first=self._unit_cfg == "W",
            now_fn=now_fn,
        )
        self._unit = unit_for(hass, self.cpid)
        # the controller's latest target and what the charger holds from us
        self._target_a: float | None = None
        self._pacer = SendPacer(self._validity_s, min_send_interval(subentry_data))
        self._sent_tx: int | None = None
        self._floor = FloorRecord()
        self._reconnects: float | None = None
        # health
        self._missing = False
        self._offline = False
        self._calls = OcppCalls(hass, self.cpid, self._connector, on_failure=self._may_hold_nothing)
        self._warned_no_floor = False
        # compliance: the current we expect offered since the last send
        self._compliance = ComplianceCount(compliance_cycles(subentry_data))
        self._report_mark: datetime | None = None

    # --- LoadAdapter -------------------------------------------------------------
    @property
    def connector_id(self) -> int:
        """The OCPP connector id this adapter drives."""
        return self._connector

    @property
    def input_entities(self) -> list[str]:
        """Entities whose changes should trigger a recompute."""
        return self._reader.entities

    @property
    def status(self) -> str:
        """ok, charger_missing, unsupported, service_failed, non_compliant, offline or
        unconfirmed (floor sent, not seen in force); see docs/ocpp-integration.md."""
        if self._missing:
            return "charger_missing"
        if self._unit.unsupported:
            return "unsupported"
        if self._calls.failing:
            return "service_failed"
        if self._compliance.non_compliant:
            return "non_compliant"
        if self._offline or self._calls.unreachable:
            return "offline"
        if self.floor_state == "unconfirmed":
            return "unconfirmed"
        return "ok"

    @property
    def floor_state(self) -> FloorState:
        """none (no floor fits), unconfirmed (sent or due) or confirmed (seen in force)."""
        return self._floor.state

    def read(self) -> LoadReading:
        """Draw per leg and whether a car takes part in the allocation."""
        return self._reader.reading()

    async def async_setup(self) -> None:
        """Join the charger's unit and install the safe floor."""
        register(self._unit, self)
        async with self._unit.lock:
            if self._charger_reachable():
                await self._install_floor()

    async def async_apply(self, command: LoadCommand) -> None:
        """Send the command's profile when due; refresh it; check compliance."""
        if command.send or self._target_a is None:
            self._target_a = command.current_a
        switched = command.phases is not None and command.phases != self._profile_phases
        if command.phases is not None:
            self._profile_phases = command.phases  # a phase switch goes out at once
        now = self._now()
        async with self._unit.lock:
            if not self._charger_reachable():
                return
            if self._floor.due(now) and not await self._install_floor():
                return
            await self._send_dynamic(now, force=switched)
            self._check_floor()
            if self._check_compliance() and self._unit.may_auto_reset(now):
                _LOGGER.warning("%s: clearing and re-installing its profiles", self.cpid)
                await self._unit.async_reset_locked(now, self._calls.clear)

    async def async_reset(self) -> None:
        """Clear every profile of the charger, then re-install floors and profiles."""
        async with self._unit.lock:
            if self._charger_reachable():
                await self._unit.async_reset_locked(self._now(), self._calls.clear)

    async def async_unload(self) -> None:
        """Leave the unit; the floor stays on the charger, the dynamic profile expires."""
        unregister(self._unit, self)

    # --- unit member -------------------------------------------------------------
    async def async_reinstall(self, now: datetime) -> bool:
        """After a clear: floor first, then the current dynamic profile (lock held)."""
        self._may_hold_nothing()
        self._compliance.restart()
        if not await self._install_floor():
            return False
        return await self._send_dynamic(now, force=True)

    # --- sending -------------------------------------------------------------------
    @property
    def _rate_unit(self) -> RateUnit:
        """The configured unit, unless the charger said it only takes the other one."""
        caps = self._unit.capabilities
        if caps and caps.rate_units and self._unit_cfg not in caps.rate_units:
            return "W" if "W" in caps.rate_units else "A"
        return self._unit_cfg

    @property
    def _stack(self) -> int:
        """The configured stack level, capped by the charger's ChargeProfileMaxStackLevel."""
        caps = self._unit.capabilities
        if caps and caps.max_stack_level is not None:
            return max(0, min(self._stack_cfg, caps.max_stack_level))
        return self._stack_cfg

    def _may_hold_nothing(self) -> None:
        """The charger may have lost its profiles: floor first, then the dynamic one."""
        self._floor.lost()
        self._pacer.forget()
        self._sent_tx = None

    def _charger_reachable(self) -> bool:
        """Device known and connected; after a reconnect, floor and profile are re-sent."""
        self._missing = not self._unit.device_present()
        if self._missing or not self._unit.check_support():
            return False
        offline = self._reader.offline
        reconnects = self._reader.reconnects()
        if (self._offline and not offline) or (
            reconnects is not None
            and self._reconnects is not None
            and reconnects != self._reconnects
        ):
            _LOGGER.debug("%s connector %s reconnected", self.cpid, self._connector)
            self._may_hold_nothing()
        if reconnects is not None:
            self._reconnects = reconnects
        self._offline = offline
        return not offline

    async def _install_floor(self) -> bool:
        if self._unit.capabilities is None:
            await self._unit.async_probe()
            if self._unit.unsupported:
                return False
        level = floor_stack_level(self._stack)
        slots = self._unit.capabilities.max_profiles if self._unit.capabilities else None
        if level is None or (slots is not None and slots < 2 * self._connectors):
            if not self._warned_no_floor:
                _LOGGER.warning(
                    "%s: no safe floor (stack level %s, room for %s profiles): if Home "
                    "Assistant stops, the charger returns to its own default when our "
                    "limit expires",
                    self.cpid,
                    self._stack,
                    slots,
                )
                self._warned_no_floor = True
            self._floor.none_fits()
            return True
        profile = build_floor_profile(
            self._connector,
            self._floor_a,
            phases=self._legs,
            voltage=self._voltage,
            unit=self._rate_unit,
            stack_level=level,
        )
        if not await self._calls.set_profile(profile):
            return False
        limit = offered_limit_a(self._floor_a, 0.0)
        self._floor.sent(limit, self._now(), self._reader.offered_reported())
        return True

    async def _send_dynamic(self, now: datetime, *, force: bool) -> bool:
        """Send the target as the dynamic profile when it changed or needs a refresh."""
        if self._target_a is None:
            return True
        tx: int | None = None
        if self._kind == "tx":
            tx = self._reader.transaction_id()
            if tx is None:
                return True  # no session to bind a TxProfile to: the floor governs
        amps = offered_limit_a(self._target_a, self._min_a)
        due = self._pacer.due(
            amps, now, floor_a=self._floor.limit_a, same_binding=tx == self._sent_tx, force=force
        )
        if not due:
            return True
        # Absolute: start a little in the past so a charger whose clock lags still
        # applies it at once; it still ends at now + validity.
        margin = CLOCK_MARGIN_S if self._validity == "absolute" and self._validity_s > 0 else 0.0
        profile = build_profile(
            self._connector,
            amps,
            min_a=self._min_a,
            phases=self._profile_phases,
            voltage=self._voltage,
            unit=self._rate_unit,
            kind=self._kind,
            stack_level=self._stack,
            validity=self._validity,
            validity_s=self._validity_s + margin,
            now=now - timedelta(seconds=margin),
            transaction_id=tx,
        )
        if not await self._calls.set_profile(profile):
            return False
        self._pacer.sent(amps, now)
        self._sent_tx = tx
        self._compliance.expect(amps)
        self._report_mark = self._reader.offered_reported()
        return True

    # --- compliance ------------------------------------------------------------------
    def _check_floor(self) -> None:
        """Confirm the floor once the charger, in a session, offers what we asked for."""
        if self._floor.observe(
            self._reader.offered_a(self._rate_unit),
            self._reader.offered_reported(),
            self._compliance.expect_a,
            in_session=self._reader.in_session(),
        ):
            _LOGGER.debug("%s connector %s: floor confirmed", self.cpid, self._connector)

    def _check_compliance(self) -> bool:
        """Judge a fresh offered reading during a session; True when a reset is wanted.

        Not following = offering more than we asked, or sitting on our floor while we
        asked for more (the dynamic profile is not in force). Offering less than asked
        for is the charger's own cap (hardware, cable) and is fine.
        """
        if self._compliance.expect_a is None or not self._reader.in_session():
            return False
        offered = self._reader.offered_a(self._rate_unit)
        reported = self._reader.offered_reported()
        if offered is None or reported is None:
            return False
        if self._report_mark is not None and reported <= self._report_mark:
            return False  # nothing reported since the send or the last check
        self._report_mark = reported
        expected, floor = self._compliance.expect_a, self._floor.limit_a
        above = offered > expected + COMPLIANCE_TOLERANCE_A
        on_floor = (
            floor is not None
            and expected > floor + COMPLIANCE_TOLERANCE_A
            and abs(offered - floor) <= COMPLIANCE_TOLERANCE_A
        )
        reset, change = self._compliance.judge(not above and not on_floor)
        if change is True:
            _LOGGER.info("%s connector %s follows us again", self.cpid, self._connector)
        elif change is False:
            _LOGGER.warning(
                "%s connector %s offers %.1f A while we asked for %.1f A",
                self.cpid,
                self._connector,
                offered,
                expected,
            )
        if change is not None:
            self._unit.set_compliant(self._connector, change)
        return reset
