"""OCPP integration adapter: compliance, resets, failures, reconnects and readings."""

from __future__ import annotations

import asyncio
import logging

import pytest
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import issue_registry as ir

from custom_components.dynamic_ocpp_evse.adapters import ocpp_unit
from custom_components.dynamic_ocpp_evse.adapters.base import LoadReading
from custom_components.dynamic_ocpp_evse.const import CONF_RATE_UNIT, DOMAIN
from tests.ha.test_ocpp_adapter_standin import (
    Clock,
    OcppStandIn,
    command,
    make_adapter,
    stand_in,
)

ISSUE = "charger_non_compliant_CP1"


@pytest.fixture
async def fake(hass: HomeAssistant) -> OcppStandIn:
    """The ocpp integration with CP1 in a running session (transaction 7)."""
    fake = await stand_in(hass)
    ids = fake.add_charger("CP1")[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 9.8, L1=9.8, L2=9.7, L3=9.9)
    fake.set_state(ids["current.offered"], 6.0)
    fake.set_state(ids["transaction.id"], 7)
    return fake


def _ids(fake: OcppStandIn) -> dict[str, str]:
    return fake.entities["CP1"][1]


async def _cycles(adapter, fake: OcppStandIn, clock: Clock, offered: float, n: int) -> None:
    """n controller cycles (5 s apart), the charger reporting ``offered`` A each time."""
    for _ in range(n):
        clock.advance(5)
        fake.set_state(_ids(fake)["current.offered"], offered)
        await adapter.async_apply(command(10.0, send=False))


def _issue(hass: HomeAssistant) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, ISSUE)


async def test_a_charger_ignoring_a_reduction_is_flagged_and_reset_at_most_every_5_min(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    await _cycles(adapter, fake, clock, offered=16.0, n=2)
    assert adapter.status == "unconfirmed"  # not a fault; the floor not seen in force
    assert fake.calls("clear_profile") == []

    await _cycles(adapter, fake, clock, offered=16.0, n=1)
    assert adapter.status == "non_compliant"
    issue = _issue(hass)
    assert issue is not None and issue.translation_key == "charger_non_compliant"
    names = [name for name, _ in fake.log]
    clear = names.index("clear_profile")
    assert fake.log[clear] == ("clear_profile", {"devid": "CP1"})
    assert [p["chargingProfileId"] for _, p in fake.profiles()][-2:] == [8013, 8011]
    assert names[clear + 1 :] == ["set_charge_rate", "set_charge_rate"]

    await _cycles(adapter, fake, clock, offered=16.0, n=55)  # 4 min 35 s later
    assert len(fake.calls("clear_profile")) == 1
    await _cycles(adapter, fake, clock, offered=16.0, n=6)  # past 5 min
    assert len(fake.calls("clear_profile")) == 2

    await _cycles(adapter, fake, clock, offered=10.0, n=1)
    assert adapter.status == "ok"
    assert _issue(hass) is None


async def test_a_charger_sitting_on_the_floor_is_flagged(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    await _cycles(adapter, fake, clock, offered=6.0, n=3)

    assert adapter.status == "non_compliant"


async def test_a_charger_offering_less_than_asked_is_its_own_cap_not_a_fault(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    await _cycles(adapter, fake, clock, offered=8.0, n=10)

    assert adapter.status == "unconfirmed"  # not a fault; the floor not seen in force
    assert fake.calls("clear_profile") == []


async def test_offered_power_in_kw_is_judged_for_watt_chargers(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock, **{CONF_RATE_UNIT: "W"})
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    power = _ids(fake)["power.offered"]

    for kw in (6.9, 6.9, 6.9):  # 10 A x 230 V x 3 = 6.9 kW: following
        clock.advance(5)
        fake.set_state(power, kw)
        await adapter.async_apply(command(10.0, send=False))
    assert adapter.status == "ok"

    for kw in (11.0, 11.0, 11.0):  # 15.9 A per phase
        clock.advance(5)
        fake.set_state(power, kw)
        await adapter.async_apply(command(10.0, send=False))
    assert adapter.status == "non_compliant"


async def test_compliance_is_only_judged_during_a_session(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    fake.set_state(_ids(fake)["status.connector"], "Preparing")
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    await _cycles(adapter, fake, clock, offered=32.0, n=5)

    assert adapter.status == "unconfirmed"  # not a fault; the floor not seen in force


async def test_reset_clears_then_reinstalls_floor_and_profile_of_every_connector(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass)
    ids = fake.add_charger("CP2", connectors=2)
    for conn in (1, 2):
        fake.set_state(ids[conn]["status.connector"], "Charging")
    clock = Clock()
    adapters = [make_adapter(hass, clock, cpid="CP2", connector=conn) for conn in (1, 2)]
    for adapter, amps in zip(adapters, (8.0, 12.0), strict=True):
        await adapter.async_setup()
        await adapter.async_apply(command(amps))
    fake.log.clear()

    await adapters[1].async_reset()

    assert fake.log[0] == ("clear_profile", {"devid": "CP2"})
    assert [(conn, p["chargingProfileId"]) for conn, p in fake.profiles()] == [
        (1, 8013),
        (1, 8011),
        (2, 8023),
        (2, 8021),
    ]
    assert fake.limits() == [6.0, 8.0, 6.0, 12.0]


async def test_a_failing_service_is_logged_once_retried_and_recovers(
    hass: HomeAssistant, fake: OcppStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    fake.fail = True
    with caplog.at_level(logging.WARNING):
        await adapter.async_setup()
        for _ in range(4):
            clock.advance(5)
            await adapter.async_apply(command(10.0))
    assert adapter.status == "service_failed"
    assert len([r for r in caplog.records if "set_charge_rate failed" in r.message]) == 1

    fake.fail = False
    fake.log.clear()
    clock.advance(5)
    await adapter.async_apply(command(10.0, send=False))

    assert adapter.status == "unconfirmed"  # not a fault; the floor not seen in force
    assert fake.limits() == [6.0, 10.0]  # the floor, then the profile that failed


async def test_a_hanging_service_is_abandoned(
    hass: HomeAssistant, fake: OcppStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hang(call: ServiceCall) -> None:
        await asyncio.sleep(3600)

    hass.services.async_register("ocpp", "set_charge_rate", hang)
    monkeypatch.setattr(ocpp_unit, "SERVICE_TIMEOUT_S", 0.01)
    adapter = make_adapter(hass, Clock())

    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    assert adapter.status == "service_failed"


async def test_a_charger_that_appears_later_gets_its_floor_then_its_profile(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass)
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    assert adapter.status == "charger_missing"

    fake.add_charger("CP1")
    fake.set_state(fake.entities["CP1"][1]["status.connector"], "Preparing")
    clock.advance(5)
    await adapter.async_apply(command(10.0, send=False))

    assert fake.limits() == [6.0, 10.0]
    assert adapter.status == "unconfirmed"  # not a fault; the floor not seen in force


async def test_after_a_reconnect_floor_and_profile_are_sent_again(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    status = _ids(fake)["status.connector"]

    fake.hass.states.async_set(status, "unavailable")
    clock.advance(5)
    await adapter.async_apply(command(8.0))
    assert adapter.status == "offline"
    assert adapter.read() == LoadReading(draw_a=None, active=None)
    assert fake.limits() == [6.0, 10.0]

    fake.set_state(status, "Charging")
    clock.advance(5)
    await adapter.async_apply(command(8.0, send=False))
    assert fake.limits() == [6.0, 10.0, 6.0, 8.0]


async def test_draw_per_leg_from_phase_attributes_else_the_average(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    adapter = make_adapter(hass, Clock())
    current = _ids(fake)["current.import"]
    assert adapter.read() == LoadReading(draw_a=[9.8, 9.7, 9.9], active=True)

    fake.set_state(current, 7.5)
    assert adapter.read() == LoadReading(draw_a=[7.5, 7.5, 7.5], active=True)


@pytest.mark.parametrize(
    ("status", "active"),
    [
        ("Available", False),
        ("Preparing", True),
        ("Charging", True),
        ("SuspendedEVSE", True),
        ("Finishing", False),
        ("Faulted", False),
        ("Unavailable", False),
    ],
)
async def test_connector_status_decides_activity(
    hass: HomeAssistant, fake: OcppStandIn, status: str, active: bool
) -> None:
    fake.set_state(_ids(fake)["status.connector"], status)

    assert make_adapter(hass, Clock()).read().active is active


async def test_a_car_suspended_without_draw_for_60_s_is_finished_until_it_draws(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    ids = _ids(fake)
    fake.set_state(ids["status.connector"], "SuspendedEV")
    fake.set_state(ids["current.import"], 0.1, L1=0.1, L2=0.0, L3=0.0)

    assert adapter.read().active is True
    clock.advance(59)
    assert adapter.read().active is True
    clock.advance(1)
    assert adapter.read().active is False

    fake.set_state(ids["status.connector"], "SuspendedEVSE")  # we paused it
    assert adapter.read().active is False
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 10.0, L1=10.0, L2=10.0, L3=10.0)
    assert adapter.read().active is True


async def test_a_suspended_car_still_drawing_stays_active(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    fake.set_state(_ids(fake)["status.connector"], "SuspendedEV")
    for _ in range(20):
        clock.advance(10)
        assert adapter.read().active is True


async def test_unloading_the_last_connector_withdraws_the_repair_issue(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    await _cycles(adapter, fake, clock, offered=16.0, n=3)
    assert _issue(hass) is not None

    await adapter.async_unload()

    assert _issue(hass) is None
