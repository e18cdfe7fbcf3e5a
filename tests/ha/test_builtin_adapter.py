"""The built-in server adapter on its own: status mapping, offline, send timing,
refusals and compliance, against a stand-in session with a movable clock.
(The real central system and simulator are exercised in ``tests/e2e``.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.dynamic_ocpp_evse.adapters.base import LoadCommand
from custom_components.dynamic_ocpp_evse.adapters.builtin_server import BuiltinServerAdapter
from custom_components.dynamic_ocpp_evse.const import (
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_ID,
    CONF_MIN_SEND_INTERVAL_S,
    CONF_PHASES,
    DOMAIN,
)
from custom_components.dynamic_ocpp_evse.ocpp_server.session import CommandRejected
from custom_components.dynamic_ocpp_evse.ocpp_server.state import ChargerState

HUB = {"voltage": 230.0}
CHARGER = {
    CONF_CHARGE_POINT_ID: "CP1",
    CONF_CONNECTOR_ID: 1,
    CONF_PHASES: ["A", "B", "C"],
    CONF_MIN_SEND_INTERVAL_S: 15,
}


class Clock:
    """A movable UTC clock."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class StandInSession:
    """What the adapter uses of a ``ChargePointSession``; records every command."""

    def __init__(self) -> None:
        self.state = ChargerState("CP1", connected=True)
        self.calls: list[tuple[Any, ...]] = []
        self.answer: BaseException | str = "Accepted"

    def configure(self, connector_id: int, settings: Any) -> None:
        self.settings = settings

    def _future(self) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if isinstance(self.answer, BaseException):
            fut.set_exception(self.answer)
        else:
            fut.set_result(self.answer)
        return fut

    async def install_floor(self, connector_id: int, settings: Any = None) -> asyncio.Future[Any]:
        self.calls.append(("floor", connector_id))
        return self._future()

    async def set_limit(
        self, connector_id: int, limit_a: float, settings: Any = None
    ) -> asyncio.Future[Any]:
        self.calls.append(("limit", connector_id, limit_a))
        return self._future()

    async def reset(self, connector_id: int | None = None) -> asyncio.Future[Any]:
        self.calls.append(("reset", connector_id))
        return self._future()

    def limits(self) -> list[float]:
        return [call[2] for call in self.calls if call[0] == "limit"]


class StandInCentral:
    def __init__(self, session: StandInSession) -> None:
        self.session = session

    def charger(self, cpid: str) -> StandInSession | None:
        return self.session if cpid == "CP1" else None


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def session() -> StandInSession:
    return StandInSession()


def make(hass: HomeAssistant, session: StandInSession, clock: Clock, **data: Any):
    central: Any = StandInCentral(session)
    return BuiltinServerAdapter(
        hass, HUB, {**CHARGER, **data}, load_id="load", central=central, now_fn=clock
    )


def command(amps: float, send: bool = True) -> LoadCommand:
    return LoadCommand(load_id="load", current_a=amps, send=send, reason="test")


def report(session: StandInSession, clock: Clock, status: str, amps: float | None) -> None:
    conn = session.state.connector(1)
    conn.status = status
    if amps is not None:
        conn.current_a = [amps, amps, amps]
        conn.last_meter_at = clock()


@pytest.mark.parametrize(
    ("status", "active"),
    [
        ("Preparing", True),
        ("Charging", True),
        ("SuspendedEV", True),
        ("SuspendedEVSE", True),
        ("Available", False),
        ("Finishing", False),
        ("Faulted", False),
        ("Unavailable", False),
    ],
)
async def test_status_decides_whether_the_car_takes_part(
    hass: HomeAssistant, session: StandInSession, clock: Clock, status: str, active: bool
) -> None:
    adapter = make(hass, session, clock)
    report(session, clock, status, 7.0)
    reading = adapter.read()
    assert reading.active is active
    # outside a session the last meter values are stale: no draw
    in_session = status in ("Charging", "SuspendedEV", "SuspendedEVSE")
    assert reading.draw_a == ([7.0] * 3 if in_session else [0.0] * 3)


async def test_a_full_car_is_finished_after_60_s_of_no_draw(
    hass: HomeAssistant, session: StandInSession, clock: Clock
) -> None:
    adapter = make(hass, session, clock)
    report(session, clock, "SuspendedEV", 0.1)
    assert adapter.read().active is True
    clock.advance(59)
    assert adapter.read().active is True
    clock.advance(2)
    assert adapter.read().active is False
    report(session, clock, "SuspendedEVSE", 0.0)  # we paused it: still finished
    assert adapter.read().active is False
    report(session, clock, "Charging", 10.0)  # it wants power again
    assert adapter.read().active is True


async def test_a_disconnected_charger_is_inactive_and_gets_no_commands(
    hass: HomeAssistant, session: StandInSession, clock: Clock
) -> None:
    adapter = make(hass, session, clock)
    report(session, clock, "Charging", 10.0)
    session.state.connected = False
    reading = adapter.read()
    assert (reading.active, reading.draw_a, adapter.status) == (False, [0.0] * 3, "offline")
    await adapter.async_apply(command(0.0))
    assert session.limits() == []  # the session keeps and resends its last limit


async def test_sends_on_change_decreases_at_once_increases_after_the_interval(
    hass: HomeAssistant, session: StandInSession, clock: Clock
) -> None:
    adapter = make(hass, session, clock)
    await adapter.async_setup()
    assert session.calls == [("floor", 1)]
    await adapter.async_apply(command(10.04))
    await adapter.async_apply(command(10.04, send=False))  # unchanged: nothing
    clock.advance(2)
    await adapter.async_apply(command(8.0))  # a decrease goes at once
    clock.advance(2)
    await adapter.async_apply(command(12.0))  # an increase waits for the interval
    assert session.limits() == [10.0, 8.0]
    clock.advance(15)
    await adapter.async_apply(command(12.0, send=False))
    assert session.limits() == [10.0, 8.0, 12.0]
    # refreshed well before the 120 s validity runs out
    clock.advance(47)
    await adapter.async_apply(command(12.0, send=False))
    clock.advance(2)
    await adapter.async_apply(command(12.0, send=False))
    assert session.limits() == [10.0, 8.0, 12.0, 12.0]
    assert adapter.status == "ok"


async def test_a_rejected_limit_is_a_fault_and_retried_after_the_interval(
    hass: HomeAssistant, session: StandInSession, clock: Clock
) -> None:
    adapter = make(hass, session, clock)
    session.answer = CommandRejected("charging profile", "Rejected")
    await adapter.async_apply(command(10.0))
    await asyncio.sleep(0)
    assert adapter.status == "profile_rejected"
    clock.advance(5)
    await adapter.async_apply(command(10.0, send=False))
    assert session.limits() == [10.0]
    session.answer = "Accepted"
    clock.advance(15)
    await adapter.async_apply(command(10.0, send=False))
    await asyncio.sleep(0)
    assert session.limits() == [10.0, 10.0] and adapter.status == "ok"


async def test_drawing_above_the_accepted_limit_is_non_compliant_and_resets_sparingly(
    hass: HomeAssistant, session: StandInSession, clock: Clock
) -> None:
    adapter = make(hass, session, clock)
    conn = session.state.connector(1)
    await adapter.async_apply(command(8.0))
    conn.profile_status, conn.offered_limit_a, conn.profile_sent_at = "Accepted", 8.0, clock()
    for _ in range(3):  # three fresh readings at 16 A under an 8 A limit
        clock.advance(10)
        report(session, clock, "Charging", 16.0)
        await adapter.async_apply(command(8.0, send=False))
    assert adapter.status == "non_compliant"
    assert ("reset", 1) in session.calls
    issue_id = "charger_non_compliant_builtin_CP1_1"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    for _ in range(4):  # still not following: no second reset within 5 minutes
        clock.advance(10)
        report(session, clock, "Charging", 16.0)
        await adapter.async_apply(command(8.0, send=False))
    assert session.calls.count(("reset", 1)) == 1
    clock.advance(10)
    report(session, clock, "Charging", 7.9)  # following again
    await adapter.async_apply(command(8.0, send=False))
    assert adapter.status == "ok"
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
