"""The adapter against what the real ``ocpp`` integration does, quirks included.

Stale per-phase attributes after a session (phantom draw), disconnects that change
no entity state, refusals that are only logged, and the differences of its releases.
"""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.adapters.ocpp_floor import FLOOR_RESEND
from tests.ha.test_ocpp_adapter_standin import (
    Clock,
    OcppStandIn,
    command,
    make_adapter,
    stand_in,
)

FLOOR_ID, DYNAMIC_ID = 8013, 8011


@pytest.fixture
async def fake(hass: HomeAssistant) -> OcppStandIn:
    """CP1 charging at 10 A per leg in transaction 7."""
    fake = await stand_in(hass)
    fake.add_charger("CP1")
    fake.start_transaction("CP1", 1, 7)
    fake.meter_values("CP1", 1, 10.0, 10.0, 10.0, offered=10.0)
    return fake


def _ids(profiles: list[tuple[int, dict]]) -> list[int]:
    return [profile["chargingProfileId"] for _, profile in profiles]


# --- 1. phantom draw -------------------------------------------------------------------
async def test_after_stop_transaction_the_stale_legs_count_as_zero(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    adapter = make_adapter(hass, Clock())
    assert adapter.read().draw_a == [10.0, 10.0, 10.0]

    fake.stop_transaction("CP1", 1)  # state 0, L1..L3 still 10 A
    fake.status("CP1", 1, "Finishing")
    assert hass.states.get(fake.entities["CP1"][1]["current.import"]).attributes["L1"] == 10.0

    assert adapter.read().draw_a == [0.0, 0.0, 0.0]
    fake.status("CP1", 1, "Available")
    assert adapter.read().draw_a == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("status", ["SuspendedEV", "SuspendedEVSE"])
async def test_a_suspended_session_draws_nothing_whatever_the_legs_say(
    hass: HomeAssistant, fake: OcppStandIn, status: str
) -> None:
    adapter = make_adapter(hass, Clock())
    fake.status("CP1", 1, status)
    assert adapter.read().draw_a == [0.0, 0.0, 0.0]


async def test_legs_that_disagree_with_the_state_are_not_used(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    adapter = make_adapter(hass, Clock())
    ids = fake.entities["CP1"][1]
    fake.set_state(ids["current.import"], 4.0, L1=10.0, L2=10.0, L3=10.0)
    assert adapter.read().draw_a == [4.0, 4.0, 4.0]
    # a single-phase car: the state is the average of the legs that draw
    fake.meter_values("CP1", 1, 16.0, 0.0, 0.0)
    assert adapter.read().draw_a == [16.0, 0.0, 0.0]


# --- 2. disconnects are invisible ----------------------------------------------------------
async def test_a_failed_call_means_the_charger_may_hold_nothing(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    assert set(fake.holds("CP1", 1)) == {FLOOR_ID, DYNAMIC_ID}

    fake.disconnect("CP1")
    clock.advance(5)
    await adapter.async_apply(command(8.0))  # a decrease: sent at once, and it fails
    assert adapter.status == "offline"  # not a service fault: the charger is gone

    fake.reconnect("CP1", reboot=True)
    assert fake.holds("CP1", 1) == {}
    sent = len(fake.profiles())
    clock.advance(5)
    await adapter.async_apply(command(8.0, send=False))

    assert _ids(fake.profiles()[sent:]) == [FLOOR_ID, DYNAMIC_ID]
    assert set(fake.holds("CP1", 1)) == {FLOOR_ID, DYNAMIC_ID}
    assert adapter.status != "offline"


async def test_a_reboot_seen_only_in_the_reconnect_counter_restores_the_floor_first(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    fake.disconnect("CP1")  # between two cycles: no call fails
    fake.reconnect("CP1", reboot=True)
    sent = len(fake.profiles())
    clock.advance(5)
    await adapter.async_apply(command(10.0, send=False))

    assert _ids(fake.profiles()[sent:]) == [FLOOR_ID, DYNAMIC_ID]
    assert set(fake.holds("CP1", 1)) == {FLOOR_ID, DYNAMIC_ID}


async def test_the_floor_is_re_sent_on_a_slow_cadence(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    fake.installed.clear()  # lost without any sign (a reboot while HA restarted)
    seconds = FLOOR_RESEND.total_seconds()
    clock.advance(seconds - 5)
    await adapter.async_apply(command(0.0, send=False))
    assert FLOOR_ID not in fake.holds("CP1", 1)
    clock.advance(5)
    await adapter.async_apply(command(0.0, send=False))
    assert FLOOR_ID in fake.holds("CP1", 1)
    assert seconds >= 300  # cheap for the charger: at most one profile per 5 minutes


# --- 3. refusals are invisible -----------------------------------------------------------
async def test_a_rejected_floor_is_never_claimed_installed(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    fake.reject = True
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    assert fake.holds("CP1", 1) == {}
    assert adapter.status == "unconfirmed"
    assert adapter.floor_state == "unconfirmed"


async def test_the_floor_is_confirmed_once_the_charger_offers_what_we_asked(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    assert adapter.status == "unconfirmed"  # idle: nothing tells yet
    await adapter.async_apply(command(8.0))
    clock.advance(5)
    fake.meter_values("CP1", 1, 8.0, 8.0, 8.0, offered=8.0)
    await adapter.async_apply(command(8.0, send=False))
    assert adapter.status == "ok"
    assert adapter.floor_state == "confirmed"

    # a reboot: what the charger holds is unknown again until it shows
    fake.disconnect("CP1")
    fake.reconnect("CP1", reboot=True)
    clock.advance(5)
    await adapter.async_apply(command(8.0, send=False))
    assert adapter.floor_state == "unconfirmed"
